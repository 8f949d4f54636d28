//! One contract, two stores: every case runs against SQLite and against DynamoDB (moto's
//! server). What a store must guarantee: yearly numbers that are unique, increasing and
//! gapless under concurrency; replays of the same submission; lookups; rate limiting and
//! windowed event counts; personal data kept apart from the register.

use jiff::Timestamp;
use pengaduan_core::RegisterNumber;
use pengaduan_store::retry::{DEFAULT_BUDGET, with_deadline};
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

async fn twenty_at_once_are_all_stored_in_time<S: ComplaintStore + 'static>(store: Arc<S>) {
    // A burst on one instance, each request with no more than the default budget: none gives up.
    let got = submit_at_once(&store, 0..20, DEFAULT_BUDGET).await;
    assert!(got.iter().all(|s| matches!(s, Submitted::New(_))), "{got:?}");
    let seqs: BTreeSet<u64> = got.iter().map(|s| RegisterNumber::parse(&number(s)).unwrap().seq).collect();
    assert_eq!(seqs, (1..=20).collect::<BTreeSet<u64>>());
}

/// Submits complaints `ids` all at once, each a request of its own with `budget` to answer in.
async fn submit_at_once<S: ComplaintStore + 'static>(
    store: &Arc<S>,
    ids: std::ops::Range<usize>,
    budget: Duration,
) -> Vec<Submitted> {
    let deadline = tokio::time::Instant::now() + budget;
    let tasks: Vec<_> = ids
        .map(|i| {
            let store = Arc::clone(store);
            tokio::spawn(with_deadline(deadline, async move {
                store.submit(complaint(i, &format!("burst-{i}"), now(), 2026)).await
            }))
        })
        .collect();
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap().unwrap());
    }
    got
}

async fn replays_answer_the_first_time<S: ComplaintStore>(store: &S) {
    let c = complaint(1, "key-1", now(), 2026);
    let sealed = c.replay_code.clone();
    let first = store.submit(c).await.unwrap();
    let Submitted::New(receipt) = first else { panic!("first is new") };
    // The record keeps the code as the intake sealed it, never the code itself.
    let kept = pengaduan_store::Receipt { kode_lacak: sealed, ..receipt.clone() };
    // Same key, same body: the first answer, nothing new stored.
    // (A new request draws a new tracking code.)
    let mut repeat = complaint(1, "key-1", now() + Duration::from_secs(60), 2026);
    let code = pengaduan_core::TrackingCode::from_random(*b"repeated");
    (repeat.receipt.kode_lacak, repeat.kode_hash) = (code.to_string(), code.digest());
    repeat.replay_code = format!("tersegel-{code}");
    let again = store.submit(repeat).await.unwrap();
    assert_eq!(again, Submitted::Replay(kept.clone()));
    // Same key, another body: refused, and the first answer is not handed out.
    let other = store.submit(complaint(2, "key-1", now() + Duration::from_secs(90), 2026)).await.unwrap();
    assert_eq!(other, Submitted::KeyReused);
    assert_eq!(store.find_replay("key-1", now()).await.unwrap().map(|r| r.receipt), Some(kept));
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
            c.replay_code = format!("tersegel-{code}");
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
    assert_eq!(store.count_submission("src-a", t, 3).await.unwrap(), RateDecision::Limited { retry_after: 3600 });
    assert_eq!(store.count_submission("src-b", t, 3).await.unwrap(), RateDecision::Allowed, "other source");
    let an_hour_later = t + Duration::from_secs(3600);
    assert_eq!(store.count_submission("src-a", an_hour_later, 3).await.unwrap(), RateDecision::Allowed, "they left");
}

/// The limit across the clock's hour: three in its last minute, then the next three within the
/// following minute are refused (windows aligned to the clock let all six through), until the
/// first three are an hour old.
async fn rate_limits_hold_across_the_clock_s_boundary<S: ComplaintStore>(store: &S) {
    let boundary = Timestamp::from_second(now().as_second().div_euclid(3600) * 3600 + 3600).unwrap();
    let before = |s: u64| boundary - Duration::from_secs(s);
    let after = |s: u64| boundary + Duration::from_secs(s);
    let ten_min = Duration::from_secs(600);
    for t in [before(30), before(20), before(10)] {
        assert_eq!(store.count_submission("edge", t, 3).await.unwrap(), RateDecision::Allowed);
        assert_eq!(store.count_event("edge", t, ten_min, 3).await.unwrap(), RateDecision::Allowed);
    }
    for t in [after(0), after(5), after(15)] {
        let refused = store.count_submission("edge", t, 3).await.unwrap();
        assert!(matches!(refused, RateDecision::Limited { .. }), "submission at {t}: {refused:?}");
        let refused = store.count_event("edge", t, ten_min, 3).await.unwrap();
        assert!(matches!(refused, RateDecision::Limited { .. }), "event at {t}: {refused:?}");
    }
    // Free again once the oldest counted one has left the window, not at the clock's hour (the
    // clock only moves forward: a store may forget what has left every window).
    let limited = RateDecision::Limited { retry_after: 1 };
    assert_eq!(store.peek_events("edge", before(30) + Duration::from_secs(599), ten_min, 3).await.unwrap(), limited);
    assert_eq!(
        store.count_event("edge", before(30) + ten_min, ten_min, 3).await.unwrap(),
        RateDecision::Allowed,
        "the ten-minute window slides on its own"
    );
    assert_eq!(store.count_submission("edge", before(30) + Duration::from_secs(3599), 3).await.unwrap(), limited);
    assert_eq!(
        store.count_submission("edge", before(30) + Duration::from_secs(3600), 3).await.unwrap(),
        RateDecision::Allowed
    );
}

async fn events_count_per_key_and_window_apart_from_submissions<S: ComplaintStore>(store: &S) {
    let ten_min = Duration::from_secs(600);
    let t = now() + Duration::from_secs(7 * 60);
    let limited = RateDecision::Limited { retry_after: 600 };
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
    // Refused to the window's last second after the events; allowed once they are ten minutes old.
    let last_second = t + ten_min - Duration::from_secs(1);
    let until_then = RateDecision::Limited { retry_after: 1 };
    assert_eq!(store.count_event("ev-a", last_second, ten_min, 3).await.unwrap(), until_then, "to the window's end");
    assert_eq!(store.peek_events("ev-a", t + ten_min, ten_min, 3).await.unwrap(), RateDecision::Allowed, "slid past");
    assert_eq!(store.count_event("ev-a", t + ten_min, ten_min, 3).await.unwrap(), RateDecision::Allowed, "slid past");
}

async fn receipts_count_per_address_and_day<S: ComplaintStore>(store: &S) {
    use pengaduan_store::{RECEIPT_WINDOW, receipt_counter_key};
    let t = now();
    let key = receipt_counter_key("siti@contoh.co.id");
    for _ in 0..3 {
        assert_eq!(store.count_event(&key, t, RECEIPT_WINDOW, 3).await.unwrap(), RateDecision::Allowed);
    }
    // The same address however it is typed.
    let again = receipt_counter_key(" Siti@Contoh.co.id ");
    assert!(matches!(store.count_event(&again, t, RECEIPT_WINDOW, 3).await.unwrap(), RateDecision::Limited { .. }));
    let other = receipt_counter_key("budi@contoh.co.id");
    assert_eq!(store.count_event(&other, t, RECEIPT_WINDOW, 3).await.unwrap(), RateDecision::Allowed);
    let tomorrow = t + RECEIPT_WINDOW;
    assert_eq!(store.count_event(&key, tomorrow, RECEIPT_WINDOW, 3).await.unwrap(), RateDecision::Allowed);
}

contract! {
    sqlite => sqlite_store(),
    dynamodb => (Moto::shared().store().await, ());
    [
        numbers_are_sequential_per_year,
        (arc) concurrent_submissions_are_gapless,
        (arc) twenty_at_once_are_all_stored_in_time,
        replays_answer_the_first_time,
        (arc) concurrent_duplicates_store_once,
        lookups_by_number,
        rate_limit_counts_per_source_and_hour,
        rate_limits_hold_across_the_clock_s_boundary,
        events_count_per_key_and_window_apart_from_submissions,
        receipts_count_per_address_and_day,
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_one_instance_takes_turns_one_transaction_each() {
    let moto = Moto::shared();
    let table = moto.store().await.table().to_owned();
    let (store, trips) = moto.instance(&table);
    let store = Arc::new(store);
    let got = submit_at_once(&store, 0..20, DEFAULT_BUDGET).await;
    assert!(got.iter().all(|s| matches!(s, Submitted::New(_))), "{got:?}");
    // Queued in turn, the instance never races itself: one read of the counter when it starts,
    // then one transaction per submission and no cancelled one.
    let expected = |reads: usize, writes: usize| {
        [("GetItem", reads), ("TransactWriteItems", writes)]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(op, n)| (op.to_owned(), n))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(trips.take(), expected(1, 20));
    let next = store.submit(complaint(99, "alone", now(), 2026)).await.unwrap();
    assert_eq!(number(&next), "PGD-2026-00021");
    assert_eq!(trips.take(), expected(0, 1), "a warm instance's submission is one round trip");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_two_instances_number_gapless() {
    let moto = Moto::shared();
    let table = moto.store().await.table().to_owned();
    let (a, a_trips) = moto.instance(&table);
    let (b, b_trips) = moto.instance(&table);
    let (a, b) = (Arc::new(a), Arc::new(b));
    // The instances race each other for every number; on a server answering one request at a
    // time that takes longer than one request's budget, which is not what is checked here.
    let budget = Duration::from_secs(120);
    let (from_a, from_b) = tokio::join!(submit_at_once(&a, 0..25, budget), submit_at_once(&b, 25..50, budget));
    let mut seqs = BTreeSet::new();
    for s in from_a.iter().chain(&from_b) {
        assert!(matches!(s, Submitted::New(_)), "{s:?}");
        assert!(seqs.insert(RegisterNumber::parse(&number(s)).unwrap().seq), "duplicate number {}", number(s));
    }
    assert_eq!(seqs, (1..=50).collect::<BTreeSet<u64>>(), "numbers 1 to 50, no gap, no duplicate");
    // A lost race brings the counter's value back with it: each instance read it once.
    for trips in [a_trips.take(), b_trips.take()] {
        assert_eq!(trips.get("GetItem"), Some(&1), "{trips:?}");
    }
}

#[tokio::test]
async fn sqlite_deletes_expired_replay_records_at_the_next_write() {
    let (store, dir) = sqlite_store();
    store.submit(complaint(1, "lama", now(), 2026)).await.unwrap();
    store.submit(complaint(2, "masih", now() + Duration::from_secs(3600), 2026)).await.unwrap();
    let keys = || {
        let conn = rusqlite::Connection::open(dir.path().join("data/pengaduan.db")).unwrap();
        let mut stmt = conn.prepare("SELECT key FROM idempotency ORDER BY key").unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().collect::<Result<Vec<_>, _>>().unwrap()
    };
    assert_eq!(keys(), ["lama", "masih"]);
    // A day and a minute later the first record's window is over: the next write removes it.
    store.submit(complaint(3, "baru", now() + Duration::from_secs(24 * 3600 + 60), 2026)).await.unwrap();
    assert_eq!(keys(), ["baru", "masih"]);
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
    let get = |pk: String, sk: &'static str| {
        client
            .get_item()
            .table_name(store.table())
            .key("pk", AttributeValue::S(pk))
            .key("sk", AttributeValue::S(sk.into()))
            .send()
    };
    let register = get(format!("COMPLAINT#{nomor}"), "REGISTER").await.unwrap().item.expect("register item");
    for personal in ["nama", "email", "telepon", "nik", "alamat"] {
        assert!(!register.contains_key(personal), "{personal} must not be in the register item");
    }
    assert_eq!(register["judul"], AttributeValue::S("Izin usaha belum terbit 1".into()));
    let personal = get(format!("PRIBADI#{nomor}"), "PRIBADI").await.unwrap().item.expect("personal item");
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

/// Issue 21, item 9: a replay answers with the first tracking code, yet the stored record holds
/// it sealed only, and expires with its window. `dump` is everything the store holds, as text.
async fn replay_codes_are_sealed_and_expire<S: ComplaintStore>(store: &S, dump: impl AsyncFn() -> String) {
    use pengaduan_store::intake::{Intake, Replay, intake};
    let config = pengaduan_store::Config {
        code_key: pengaduan_store::config::CodeKey::new(&"k".repeat(40)),
        ..pengaduan_store::Config::default()
    };
    let received = jiff::Timestamp::from_second(now().as_second()).unwrap().to_zoned(config.timezone.clone());
    let mut sub = pengaduan_store::testing::submission(1);
    // No address: no receipt in the outbox, which holds the code until it is sent.
    sub.personal.email = None;
    let online = Intake::online(sub, Vec::new(), received.clone(), Replay::Key("kunci-segel-0001".into()));
    let Submitted::New(first) = intake(store, &config, online.clone()).await.unwrap() else { panic!("new") };
    // Asked again, before and through the store's write: the same code.
    let found = online.find_replay(store, &config, now()).await.unwrap();
    assert_eq!(found, Some(Submitted::Replay(first.clone())));
    assert_eq!(intake(store, &config, online.clone()).await.unwrap(), Submitted::Replay(first.clone()));
    let text = dump().await;
    let bare = first.kode_lacak.replace('-', "");
    assert!(!text.contains(&first.kode_lacak) && !text.contains(&bare), "the code is stored in the clear");
    assert!(text.contains("seal1:"), "the record keeps the code sealed");
    // After its window the record answers nothing: the same key makes a new complaint.
    let later = now() + pengaduan_store::intake::REPLAY_WINDOW + Duration::from_secs(1);
    assert_eq!(online.find_replay(store, &config, later).await.unwrap(), None);
    let again = Intake { received_at: later.to_zoned(config.timezone.clone()), ..online };
    let Submitted::New(second) = intake(store, &config, again).await.unwrap() else { panic!("a new complaint") };
    assert_ne!(second.nomor, first.nomor);
}

#[tokio::test]
async fn sqlite_replay_codes_are_sealed_and_expire() {
    let (store, dir) = sqlite_store();
    let dump = async || {
        let mut text = String::new();
        for entry in std::fs::read_dir(dir.path().join("data")).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                text.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
            }
        }
        text
    };
    replay_codes_are_sealed_and_expire(&store, dump).await;
}

/// On DynamoDB the record carries the table's TTL attribute at its window's end, so DynamoDB
/// deletes it by itself.
#[tokio::test]
async fn dynamodb_replay_codes_are_sealed_and_expire() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let moto = Moto::shared();
    let store = moto.store().await;
    let client = moto.client().await;
    let dump = async || format!("{:?}", client.scan().table_name(store.table()).send().await.unwrap().items());
    replay_codes_are_sealed_and_expire(&store, dump).await;
    let items = client.scan().table_name(store.table()).send().await.unwrap().items.unwrap();
    let records: Vec<_> =
        items.iter().filter(|i| matches!(i.get("sk"), Some(AttributeValue::S(sk)) if sk == "IDEMPOTENCY")).collect();
    assert_eq!(records.len(), 1, "one record: the second complaint's replaced the first's");
    let window_end = now().as_second() + 2 * pengaduan_store::intake::REPLAY_WINDOW.as_secs() as i64 + 1;
    assert_eq!(
        records[0].get(pengaduan_store::dynamodb::TTL_ATTRIBUTE),
        Some(&AttributeValue::N(window_end.to_string()))
    );
}
