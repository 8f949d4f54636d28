"""The complaints table as infra/template.yaml creates it: keys, attributes and the four global
secondary indexes (terbuka, surel, bulan_terima, bulan_selesai). The functions Query the
indexes (publish-fn's statistics read the month indexes), so a table without them is not the
one they run on. Keep in step with the template's ComplaintsTable and with ensure_table in
store/src/dynamodb/."""


def _index(name: str, hash_key: str, range_key: str, projection: str) -> dict:
    return {"IndexName": name,
            "KeySchema": [{"AttributeName": hash_key, "KeyType": "HASH"},
                          {"AttributeName": range_key, "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": projection}}


def create_table(ddb, name: str) -> None:
    """Creates table `name` with `ddb` (a boto3 DynamoDB client), as the stack does."""
    attributes = ["pk", "sk", "terbuka", "nomor", "surel", "surel_jatuh", "bulan_terima", "bulan_selesai"]
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            _index("terbuka", "terbuka", "nomor", "ALL"),
            _index("surel", "surel", "surel_jatuh", "KEYS_ONLY"),
            _index("bulan_terima", "bulan_terima", "nomor", "ALL"),
            _index("bulan_selesai", "bulan_selesai", "nomor", "ALL"),
        ])
