//! Issue 21: on DynamoDB a complaint's personal data has a partition key of its own
//! (`PRIBADI#<nomor>` / `PRIBADI`), which the intake function's role may not read; items stored
//! before, in the complaint's partition (`COMPLAINT#<nomor>` / `PERSONAL`), are read until
//! they are moved, and erased at either key.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use pengaduan_core::RegisterNumber;
use pengaduan_store::answer::AnswerStore;
use pengaduan_store::erasure::Request;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{Moto, complaint, nomor, now, submission};
use pengaduan_store::{ComplaintStore, WorkflowStore};
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

fn key_of<'a>(item: &'a Item, name: &str) -> &'a str {
    item.get(name).and_then(|v| v.as_s().ok()).map_or("", String::as_str)
}

/// Every item of the table.
async fn scan(client: &Client, table: &str) -> Vec<Item> {
    client.scan().table_name(table).send().await.unwrap().items.unwrap_or_default()
}

fn key(pk: String, sk: &str) -> Item {
    HashMap::from([("pk".into(), AttributeValue::S(pk)), ("sk".into(), AttributeValue::S(sk.into()))])
}

/// Puts complaint `n`'s personal data item back where the release before kept it.
async fn as_stored_before(client: &Client, table: &str, n: &RegisterNumber) {
    let new = key(format!("PRIBADI#{n}"), "PRIBADI");
    let got = client.get_item().table_name(table).set_key(Some(new.clone())).send().await.unwrap();
    let mut old = got.item.expect("the personal item under its own key");
    old.extend(key(format!("COMPLAINT#{n}"), "PERSONAL"));
    client.put_item().table_name(table).set_item(Some(old)).send().await.unwrap();
    client.delete_item().table_name(table).set_key(Some(new)).send().await.unwrap();
}

#[tokio::test]
async fn dynamodb_personal_data_is_only_under_its_own_key() {
    let moto = Moto::shared();
    let store = moto.store().await;
    let n = nomor(&store.submit(complaint(1, "pribadi", now(), 2026)).await.unwrap());
    let p = submission(1).personal;
    let fields =
        [("nama", &p.nama), ("email", &p.email), ("telepon", &p.telepon), ("nik", &p.nik), ("alamat", &p.alamat)];
    let items = scan(&moto.client().await, store.table()).await;
    let (personal, others): (Vec<_>, Vec<_>) = items.iter().partition(|i| key_of(i, "pk").starts_with("PRIBADI#"));
    assert!(others.iter().any(|i| key_of(i, "pk") == format!("COMPLAINT#{n}")), "the complaint's partition");
    for item in others {
        let text = format!("{item:?}");
        for (field, value) in fields {
            let value = value.as_deref().expect("the test's complainant gives every field");
            assert!(!text.contains(value), "{field} in {} / {}", key_of(item, "pk"), key_of(item, "sk"));
        }
    }
    assert_eq!(personal.len(), 1);
    assert_eq!((key_of(personal[0], "pk"), key_of(personal[0], "sk")), (format!("PRIBADI#{n}").as_str(), "PRIBADI"));
    for (field, value) in fields {
        assert_eq!(personal[0].get(field).and_then(|v| v.as_s().ok()), value.as_ref(), "{field}");
    }
    assert_eq!(store.load(&n).await.unwrap().unwrap().personal, Some(p));
}

/// What the intake function reads (intake, the tracking page, adding to returned files, the
/// answer, the survey) it can read with its role denied personal data; the staff's whole
/// complaint it cannot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_the_public_side_reads_no_personal_data() {
    let moto = Moto::shared();
    let table = moto.store().await.table().to_owned();
    let intake = moto.intake_instance(&table);
    let n = nomor(&intake.submit(complaint(1, "publik", now(), 2026)).await.unwrap());
    assert_eq!(intake.find_public(&n).await.unwrap().unwrap().judul, "Izin usaha belum terbit 1");
    let row = intake.load_row(&n).await.unwrap().expect("the register row");
    assert_eq!((row.nomor, row.version), (n.clone(), 1));
    assert_eq!(intake.answer(&n.to_string()).await.unwrap(), None);
    assert!(!intake.survey_answered(&n.to_string()).await.unwrap());
    assert!(intake.load(&n).await.is_err(), "the role reads no personal data");
    let (staff, _) = moto.instance(&table);
    assert_eq!(staff.load(&n).await.unwrap().unwrap().personal, Some(submission(1).personal));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_personal_data_stored_before_is_read_then_moved_once() {
    let moto = Moto::shared();
    let store = moto.store().await;
    let (table, client) = (store.table().to_owned(), moto.client().await);
    let old = nomor(&store.submit(complaint(1, "lama", now(), 2026)).await.unwrap());
    let new = nomor(&store.submit(complaint(2, "baru", now(), 2026)).await.unwrap());
    let expected = store.load(&old).await.unwrap().unwrap().personal;
    assert!(expected.is_some());
    as_stored_before(&client, &table, &old).await;
    assert_eq!(store.load(&old).await.unwrap().unwrap().personal, expected, "read at the old key");

    let done = store.move_personal_items().await.unwrap();
    assert_eq!((done.checked, done.moved), (2, 1));
    let items = scan(&client, &table).await;
    assert!(!items.iter().any(|i| key_of(i, "sk") == "PERSONAL"), "nothing left at the old key");
    let moved: Vec<&str> = items.iter().map(|i| key_of(i, "pk")).filter(|pk| pk.starts_with("PRIBADI#")).collect();
    assert_eq!(moved.len(), 2, "{moved:?}");
    assert_eq!(store.load(&old).await.unwrap().unwrap().personal, expected);
    assert!(store.load(&new).await.unwrap().unwrap().personal.is_some());

    let again = store.move_personal_items().await.unwrap();
    assert_eq!((again.checked, again.moved), (2, 0), "a second run moves nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_erasure_removes_personal_data_at_either_key() {
    let moto = Moto::shared();
    let store = moto.store().await;
    let (table, client) = (store.table().to_owned(), moto.client().await);
    let old = nomor(&store.submit(complaint(1, "hapus-lama", now(), 2026)).await.unwrap());
    let new = nomor(&store.submit(complaint(2, "hapus-baru", now(), 2026)).await.unwrap());
    as_stored_before(&client, &table, &old).await;
    for n in [&old, &new] {
        let request = Request { nomor: n, expected_version: 1, by: "Admin", reason: "permintaan", at: now() };
        store.erase_personal(&request, 0).await.unwrap();
        assert_eq!(store.load(n).await.unwrap().unwrap().personal, None);
    }
    let items = scan(&client, &table).await;
    assert!(
        !items.iter().any(|i| key_of(i, "sk") == "PERSONAL" || key_of(i, "pk").starts_with("PRIBADI#")),
        "no personal item left"
    );
    // Nothing to move after an erasure, and nothing brought back.
    assert_eq!(store.move_personal_items().await.unwrap().moved, 0);
}
