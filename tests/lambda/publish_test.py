"""Runs the release `publish-fn` binary as AWS Lambda runs it, against moto (DynamoDB, S3 and
CloudFront), and checks what it publishes.

The table holds the repository's content/ as the content store's items (each file seeded as
its original revision, as `pengaduan-staf konten benih` records it); the site bucket and a
distribution exist, as the stack creates them. One `{"op": "publish"}` event must upload every
built file with deploy.sh's headers and create one invalidation; a second must change nothing;
the console's editing operations (files, live_text, check, preview) answer from the same table.
Prints the binary's size and the cold start (process start to first poll for an event, and to
the first publish answered).

Usage: python publish_test.py BINARY   (with moto and boto3 importable; see tests/lambda/run.sh)
"""

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import boto3

from runtime_test import ROOT, RuntimeApi, start_moto
from table import create_table

TABLE = "pengaduan-publish-test"
BUCKET = "situs-publish-test"
REGION = "ap-southeast-3"
# Not https://: the repository's config.toml still holds placeholders, which a production
# build refuses (deploy.sh checks them before every deploy).
SITE_URL = "http://situs.uji"


def seed_items(ddb, table: str) -> int:
    """Every file of content/ as the store's original revision: the items
    store/src/content/dynamodb.rs writes for `seed_content` (a head in KONTEN, a revision in
    KONTEN#<path>). Keep the two in step."""
    saved_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000000Z")
    content = ROOT / "content"
    n = 0
    for path in sorted(p for p in content.rglob("*") if p.is_file()):
        rel = path.relative_to(content).as_posix()
        ddb.put_item(TableName=table, Item={
            "pk": {"S": "KONTEN"}, "sk": {"S": rel}, "version": {"N": "1"}, "kind": {"S": "asli"},
            "saved_at": {"S": saved_at}, "change_id": {"S": "uji"}, "live": {"N": "1"},
        })
        ddb.put_item(TableName=table, Item={
            "pk": {"S": f"KONTEN#{rel}"}, "sk": {"S": "REV#0000000001"}, "path": {"S": rel},
            "number": {"N": "1"}, "kind": {"S": "asli"}, "saved_at": {"S": saved_at},
            "text": {"S": path.read_text(encoding="utf-8")},
        })
        n += 1
    return n


def main() -> int:
    binary = Path(sys.argv[1]).resolve()
    moto, moto_port = start_moto()
    proc = None
    passed = failed = 0
    try:
        endpoint = f"http://127.0.0.1:{moto_port}"
        keys = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
                    aws_secret_access_key="test")
        ddb = boto3.client("dynamodb", **keys)
        s3 = boto3.client("s3", **keys)
        cloudfront = boto3.client("cloudfront", **keys)
        # What the stack creates: the table, the site bucket, the distribution.
        create_table(ddb, TABLE)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        distribution = cloudfront.create_distribution(DistributionConfig={
            "CallerReference": "publish-test", "Comment": "uji", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "site", "DomainName": f"{BUCKET}.s3.{REGION}.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https"},
        })["Distribution"]["Id"]
        seeded = seed_items(ddb, TABLE)

        runtime = RuntimeApi()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.port}",
            "AWS_LAMBDA_FUNCTION_NAME": "publish-fn",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/publish-fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/12/07/[$LATEST]test",
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_ENDPOINT_URL_S3": endpoint,
            "AWS_ENDPOINT_URL_CLOUDFRONT": endpoint,
            "COMPLAINTS_TABLE": TABLE,
            "SITE_BUCKET": BUCKET,
            "DISTRIBUTION_ID": distribution,
            "SITE_URL": SITE_URL,
            # On Lambda: $LAMBDA_TASK_ROOT/site, packed by deploy.sh; here the repository.
            "PENGADUAN_SITE_DIR": str(ROOT),
            "LAMBDA_TASK_ROOT": str(ROOT / "target" / "nonexistent"),
        }
        logs = open(ROOT / "tests/lambda/publish.log", "w")
        started = time.monotonic()
        proc = subprocess.Popen([str(binary)], env=env, stdout=logs, stderr=subprocess.STDOUT)

        def check(name, fn):
            nonlocal passed, failed
            try:
                fn()
                passed += 1
                print(f"ok   {name}")
            except AssertionError as e:
                failed += 1
                print(f"FAIL {name}: {e}")

        state = {}

        def first_publish():
            report, answered = runtime.invoke(json.dumps({"op": "publish"}), timeout=120)
            state["first_ms"] = (answered - started) * 1000
            state["report"] = report
            listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
            keys = sorted(o["Key"] for o in listed)
            assert report["built"] > seeded and report["uploaded"] == keys, report
            assert len(keys) == report["built"] and not report["removed"], report
            for key in ["index.html", "404.html", "lacak/index.html", "en/index.html"]:
                assert key in keys, f"{key} missing from {keys}"
            assert not any(k.startswith(".site-gen-") for k in keys), keys
            assert "/" in report["invalidated_paths"] and "/lacak/" in report["invalidated_paths"], report
            assert report["invalidation_id"], report

        def headers():
            page = s3.head_object(Bucket=BUCKET, Key="index.html")
            assert page["ContentType"] == "text/html; charset=utf-8", page["ContentType"]
            assert page["CacheControl"] == "no-cache", page["CacheControl"]
            css = next(k for k in state["report"]["uploaded"] if k.endswith(".css"))
            asset = s3.head_object(Bucket=BUCKET, Key=css)
            assert asset["ContentType"] == "text/css; charset=utf-8", asset["ContentType"]
            assert asset["CacheControl"] == "public, max-age=3600, must-revalidate", asset["CacheControl"]

        def one_invalidation():
            items = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
            assert len(items) == 1, items
            got = cloudfront.get_invalidation(DistributionId=distribution, Id=items[0]["Id"])
            paths = sorted(got["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])
            assert paths == sorted(state["report"]["invalidated_paths"]), paths

        def unchanged():
            # The statistics pages say when they were computed (to the minute): when a minute
            # has turned since the first publish they changed, and this publish rightly sends
            # them. The one after it, in the same minute, must send nothing.
            invalidations = lambda: cloudfront.list_invalidations(  # noqa: E731
                DistributionId=distribution)["InvalidationList"].get("Items", [])
            report, _ = runtime.invoke(json.dumps({"op": "publish"}), timeout=120)
            before = len(invalidations())
            if report["uploaded"] and all("statist" in p for p in report["invalidated_paths"]):
                report, _ = runtime.invoke(json.dumps({"op": "publish"}), timeout=120)
            state["warm_ms"] = report["elapsed_ms"]
            assert report["uploaded"] == [] and report["removed"] == [], report
            assert report["invalidated_paths"] == [] and report["invalidation_id"] is None, report
            assert len(invalidations()) == before, "no invalidation when nothing changed"
            assert before in (1, 2), "the first publish's, and the statistics' when a minute turned"

        def editing_operations():
            page = "layanan/informasi-dan-pengaduan.md"
            listed, _ = runtime.invoke(json.dumps({"op": "files"}), timeout=60)
            assert listed["four_eyes"] is False, listed
            assert page in [f["path"] for f in listed["files"]], listed
            live, _ = runtime.invoke(json.dumps({"op": "live_text", "path": page}))
            assert live["text"] == (ROOT / "content" / page).read_text(encoding="utf-8")
            broken = live["text"].replace("weight = 1", 'weight = "satu"', 1)
            line = next(i for i, l in enumerate(broken.splitlines(), 1) if l.startswith("weight"))
            refused, _ = runtime.invoke(json.dumps({"op": "check", "changes": {page: broken}}))
            assert (refused["refusal"]["path"], refused["refusal"]["line"]) == (page, line), refused
            changed = live["text"].replace("Tidak dipungut biaya", "Gratis, tanpa pungutan")
            shown, _ = runtime.invoke(json.dumps({"op": "preview", "changes": {page: changed}, "path": page}))
            assert "Gratis, tanpa pungutan" in shown["html"], shown.get("refusal")

        def unknown_event():
            try:
                runtime.invoke(json.dumps({"op": "hapus"}))
            except AssertionError as e:
                assert "unknown event" in str(e), e
            else:
                raise AssertionError("an unknown event was answered")

        def logs_hold_counts_only():
            text = (ROOT / "tests/lambda/publish.log").read_text()
            assert "published" in text and "Kebijakan" not in text and "index.html" not in text, text[-2000:]

        check("first publish uploads every built file", first_publish)
        for name, fn in [("deploy.sh's headers", headers), ("one invalidation, exactly those paths", one_invalidation),
                         ("second publish: nothing uploaded, nothing invalidated", unchanged),
                         ("editing operations: files, live_text, check, preview", editing_operations),
                         ("unknown event → error", unknown_event), ("logs: counts only", logs_hold_counts_only)]:
            if "report" not in state:
                failed += 1
                print(f"FAIL {name}: no first publish to work with")
                continue
            check(name, fn)

        if runtime.first_next_at is not None:
            print(f"publish-fn cold start, init (process start to first poll for an event, clients built): "
                  f"{(runtime.first_next_at - started) * 1000:.1f} ms")
        if "first_ms" in state:
            print(f"publish-fn cold start, first publish (process start to answer: build, "
                  f"{len(state['report']['uploaded'])} uploads and an invalidation on moto): {state['first_ms']:.1f} ms")
        if "warm_ms" in state:
            print(f"publish-fn warm publish without changes (build, listing, no upload): {state['warm_ms']} ms")
        print(f"publish-fn binary size: {binary.stat().st_size / 1024 / 1024:.2f} MiB ({binary.stat().st_size} bytes)")
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        moto.terminate()
        moto.wait()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
