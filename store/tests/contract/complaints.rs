//! One contract, two stores: every case runs against SQLite and against DynamoDB (moto's
//! server). What a store must guarantee: yearly numbers that are unique, increasing and
//! gapless under concurrency; replays of the same submission; lookups; rate limiting and
//! windowed event counts; personal data kept apart from the register.

use pengaduan_core::RegisterNumber;
use pengaduan_store::retry::with_deadline;
use pengaduan_store::testing::{Moto, complaint, nomor, now, sqlite_store};
use pengaduan_store::{ComplaintStore, RateDecision, Submitted};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

fn number(s: &Submitted) -> String {
    nomor(s).to_string()
}

async fn numbers_are_sequential_per_year<S: ComplaintStore>(store: &S) {
    let mut got = Vec::new();
    for i in 0..3 {
        got.push(number(&store.submit(complaint(i, &format!("seq-{i}"), now(), 2026)).await.unwrap()));
    }
    assert_eq!(got, ["PGD-2026-00001", "PGD-2026-00002", "PGD-2026-00003"]);
    let next_year = store.submit(complaint(9, "seq-2027", now(), 2027)).await.unwrap();
    assert_eq!(number(&next_year), "PGD-2027-00001", "each year has its own sequence");
    let back = store.submit(complaint(10, "seq-2026-again", now(), 2026)).await.unwrap();
    assert_eq!(number(&back), "PGD-2026-00004");
}

async fn concurrent_submissions_are_gapless<S: ComplaintStore + 'static>(store: Arc<S>) {
    // Fifty writers on one counter, against a server that answers one request at a time, take
    // longer than one request's budget; what is checked here is the numbering, not the budget
    // (see `retry::tests` for that).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(with_deadline(deadline, async move {
                store.submit(complaint(i, &format!("conc-{i}"), now(), 2026)).await
            }))
        })
        .collect();
    let mut seqs = BTreeSet::new();
    for t in tasks {
        let n = number(&t.await.unwrap().unwrap());
        assert!(seqs.insert(RegisterNumber::parse(&n).unwrap().seq), "duplicate number {n}");
    }
    assert_eq!(seqs, (1..=50).collect::<BTreeSet<u64>>(), "numbers 1 to 50, no gap, no duplicate");
}

async fn replays_answer_the_first_time<S: ComplaintStore>(store: &S) {
    let first = store.submit(complaint(1, "key-1", now(), 2026)).await.unwrap();
    let Submitted::New(receipt) = first else { panic!("first is new") };
    // Same key, same body: the first answer, nothing new stored.
    // (A new request draws a new tracking code.)
    let mut repeat = complaint(1, "key-1", now() + Duration::from_secs(60), 2026);
    let code = pengaduan_core::TrackingCode::from_random(*b"repeated");
    (repeat.receipt.kode_lacak, repeat.kode_hash) = (code.to_string(), code.digest());
    let again = store.submit(repeat).await.unwrap();
    assert_eq!(again, Submitted::Replay(receipt.clone()));
    // Same key, another body: refused, and the first answer is not handed out.
    let other = store.submit(complaint(2, "key-1", now() + Duration::from_secs(90), 2026)).await.unwrap();
    assert_eq!(other, Submitted::KeyReused);
    assert_eq!(store.find_replay("key-1", now()).await.unwrap().map(|r| r.receipt), Some(receipt.clone()));
    assert_eq!(store.find_replay("key-unknown", now()).await.unwrap(), None);
    // After 24 hours the key no longer counts.
    let later = now() + Duration::from_secs(24 * 3600 + 1);
    assert_eq!(store.find_replay("key-1", later).await.unwrap(), None);
    let fresh = store.submit(complaint(3, "key-1", later, 2026)).await.unwrap();
    assert_eq!(number(&fresh), "PGD-2026-00002", "a replay consumed no number");
}

async fn concurrent_duplicates_store_once<S: ComplaintStore + 'static>(store: Arc<S>) {
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let store = Arc::clone(&store);
            // The same body each time; each attempt has its own tracking code, as each request
            // draws one.
            let mut c = complaint(100, "double-click", now(), 2026);
            let code = pengaduan_core::TrackingCode::from_random((1000 + i as u64).to_le_bytes());
            (c.receipt.kode_lacak, c.kode_hash) = (code.to_string(), code.digest());
            tokio::spawn(async move { store.submit(c).await })
        })
        .collect();
    let mut numbers = BTreeSet::new();
    let mut new = 0;
    for t in tasks {
        match t.await.unwrap().unwrap() {
            Submitted::New(r) => {
                new += 1;
                numbers.insert(r.nomor);
            }
            Submitted::Replay(r) => {
                numbers.insert(r.nomor);
            }
            Submitted::KeyReused => panic!("the same body is a replay, not a reused key"),
        }
    }
    assert_eq!(new, 1, "exactly one stored");
    assert_eq!(numbers.into_iter().collect::<Vec<_>>(), ["PGD-2026-00001"]);
    let next = store.submit(complaint(8, "other", now(), 2026)).await.unwrap();
    assert_eq!(number(&next), "PGD-2026-00002");
}

async fn lookups_by_number<S: ComplaintStore>(store: &S) {
    let c = complaint(5, "lookup", now(), 2026);
    let kode_hash = c.kode_hash.clone();
    let nomor = number(&store.submit(c).await.unwrap());
    let record = store.find_public(&RegisterNumber::parse(&nomor).unwrap()).await.unwrap().expect("found");
    assert_eq!(record.nomor.to_string(), nomor);
    assert_eq!(record.kode_hash, kode_hash);
    assert_eq!(record.status, pengaduan_core::Status::Diterima);
    assert_eq!(record.jenis, pengaduan_core::Jenis::Pengaduan);
    assert_eq!(record.received_at, now());
    assert!(!record.anonim);
    let mut anonymous = complaint(6, "lookup-anonim", now(), 2026);
    anonymous.submission.anonim = true;
    let anonymous = RegisterNumber::parse(&number(&store.submit(anonymous).await.unwrap())).unwrap();
    assert!(store.find_public(&anonymous).await.unwrap().expect("found").anonim, "the status page can say so");
    let missing = RegisterNumber::parse("PGD-2026-00099").unwrap();
    assert_eq!(store.find_public(&missing).await.unwrap(), None);
}

async fn rate_limit_counts_per_source_and_hour<S: ComplaintStore>(store: &S) {
    let t = now();
    for _ in 0..3 {
        assert_eq!(store.count_submission("src-a", t, 3).await.unwrap(), RateDecision::Allowed);
    }
    match store.count_submission("src-a", t, 3).await.unwrap() {
        RateDecision::Limited { retry_after } => assert!((1..=3600).contains(&retry_after), "{retry_after}"),
        other => panic!("expected limited, got {other:?}"),
    }
    assert_eq!(store.count_submission("src-b", t, 3).await.unwrap(), RateDecision::Allowed, "other source");
    let next_hour = t + Duration::from_secs(3600);
    assert_eq!(store.count_submission("src-a", next_hour, 3).await.unwrap(), RateDecision::Allowed, "new window");
}

async fn events_count_per_key_and_window_apart_from_submissions<S: ComplaintStore>(store: &S) {
    let ten_min = Duration::from_secs(600);
    // Seven minutes into a ten-minute window: three minutes are left of it.
    let t = now() + Duration::from_secs(7 * 60);
    let limited = RateDecision::Limited { retry_after: 180 };
    assert_eq!(store.peek_events("ev-a", t, ten_min, 3).await.unwrap(), RateDecision::Allowed, "nothing counted");
    for _ in 0..3 {
        assert_eq!(store.count_event("ev-a", t, ten_min, 3).await.unwrap(), RateDecision::Allowed);
    }
    assert_eq!(store.peek_events("ev-a", t, ten_min, 3).await.unwrap(), limited, "peeking sees the limit");
    assert_eq!(store.count_event("ev-a", t, ten_min, 3).await.unwrap(), limited);
    assert_eq!(store.peek_events("ev-a", t, ten_min, 4).await.unwrap(), RateDecision::Allowed, "refusals not counted");
    assert_eq!(store.count_event("ev-b", t, ten_min, 3).await.unwrap(), RateDecision::Allowed, "other key");
    let hour = Duration::from_secs(3600);
    assert_eq!(store.peek_events("ev-a", t, hour, 3).await.unwrap(), RateDecision::Allowed, "other window length");
    // Submissions and events under the same key never share a counter, either way round.
    for _ in 0..3 {
        assert_eq!(store.count_submission("ev-a", t, 3).await.unwrap(), RateDecision::Allowed);
    }
    assert!(matches!(store.count_submission("ev-a", t, 3).await.unwrap(), RateDecision::Limited { .. }));
    assert_eq!(store.count_event("ev-c", t, hour, 1).await.unwrap(), RateDecision::Allowed);
    assert_eq!(
        store.count_submission("ev-c", t, 1).await.unwrap(),
        RateDecision::Allowed,
        "events are not submissions"
    );
    // The window refuses to its last second; the next one starts afresh, though the hour has not
    // ended.
    let next = now() + ten_min;
    let last_second = next - Duration::from_secs(1);
    let until_then = RateDecision::Limited { retry_after: 1 };
    assert_eq!(store.count_event("ev-a", last_second, ten_min, 3).await.unwrap(), until_then, "old window to its end");
    assert_eq!(store.peek_events("ev-a", next, ten_min, 3).await.unwrap(), RateDecision::Allowed, "new window");
    assert_eq!(store.count_event("ev-a", next, ten_min, 3).await.unwrap(), RateDecision::Allowed, "new window");
}

contract! {
    sqlite => sqlite_store(),
    dynamodb => (Moto::shared().store().await, ());
    [
        numbers_are_sequential_per_year,
        (arc) concurrent_submissions_are_gapless,
        replays_answer_the_first_time,
        (arc) concurrent_duplicates_store_once,
        lookups_by_number,
        rate_limit_counts_per_source_and_hour,
        events_count_per_key_and_window_apart_from_submissions,
    ]
}

#[tokio::test]
async fn sqlite_keeps_personal_data_apart() {
    let (store, dir) = sqlite_store();
    let nomor = number(&store.submit(complaint(1, "pd", now(), 2026)).await.unwrap());
    let conn = rusqlite::Connection::open(dir.path().join("data/pengaduan.db")).unwrap();
    let register_columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('complaints')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for personal in ["nama", "email", "telepon", "nik", "alamat"] {
        assert!(!register_columns.iter().any(|c| c == personal), "{personal} must not be in the register");
    }
    let (nama, telepon): (String, String) = conn
        .query_row("SELECT nama, telepon FROM personal_data WHERE nomor = ?1", [&nomor], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((nama.as_str(), telepon.as_str()), ("Siti Rahayu", "+6281234567890"));
}

#[tokio::test]
async fn dynamodb_keeps_personal_data_apart() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let moto = Moto::shared();
    let store = moto.store().await;
    let nomor = number(&store.submit(complaint(1, "pd", now(), 2026)).await.unwrap());
    let client = moto.client().await;
    let get = |sk: &'static str| {
        client
            .get_item()
            .table_name(store.table())
            .key("pk", AttributeValue::S(format!("COMPLAINT#{nomor}")))
            .key("sk", AttributeValue::S(sk.into()))
            .send()
    };
    let register = get("REGISTER").await.unwrap().item.expect("register item");
    for personal in ["nama", "email", "telepon", "nik", "alamat"] {
        assert!(!register.contains_key(personal), "{personal} must not be in the register item");
    }
    assert_eq!(register["judul"], AttributeValue::S("Izin usaha belum terbit 1".into()));
    let personal = get("PERSONAL").await.unwrap().item.expect("personal item");
    assert_eq!(personal["nama"], AttributeValue::S("Siti Rahayu".into()));
    assert_eq!(personal["nik"], AttributeValue::S("3201014101900001".into()));
}

/// A complaint names its uploads in the transaction that stores it, until they are committed.
async fn uploads_are_named_with_the_complaint<S: ComplaintStore>(store: &S) {
    use pengaduan_core::attachment::{FileKind, ValidFile};
    use pengaduan_store::attachments::PendingKey;
    let file = ValidFile { display_name: "bukti.pdf".into(), kind: FileKind::Pdf, size: 42 };
    let mut c = complaint(1, "with-files", now(), 2026);
    c.uploads = vec![(PendingKey::generate(now()), file.clone()), (PendingKey::generate(now()), file)];
    let with_files = nomor(&store.submit(c.clone()).await.unwrap());
    let without = nomor(&store.submit(complaint(2, "no-files", now(), 2026)).await.unwrap());
    assert_eq!(store.pending_uploads(&with_files).await.unwrap(), c.uploads);
    assert!(store.pending_uploads(&without).await.unwrap().is_empty());
    assert_eq!(store.unfinished_uploads(10).await.unwrap(), vec![(with_files.clone(), c.uploads.clone())]);
    store.uploads_committed(&with_files).await.unwrap();
    assert!(store.pending_uploads(&with_files).await.unwrap().is_empty());
    assert!(store.unfinished_uploads(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_names_uploads_with_the_complaint() {
    let (store, _dir) = sqlite_store();
    uploads_are_named_with_the_complaint(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_names_uploads_with_the_complaint() {
    let moto = Moto::shared();
    uploads_are_named_with_the_complaint(&moto.store().await).await;
}
