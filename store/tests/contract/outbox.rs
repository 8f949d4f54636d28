//! The outbox, one contract on both stores (SQLite and DynamoDB on moto's server): a message is
//! recorded with the change that causes it and only then, a claim keeps other deliverers off
//! for the lease, retries wait until they are due, a message that keeps failing is listed for
//! staff and can be re-queued, a delivered message's text is not kept, and erasure of personal
//! data takes undelivered messages with it.

use jiff::Timestamp;
use jiff::civil::date;
use pengaduan_core::notice::{Message, Notice};
use pengaduan_core::{Jenis, Lang, Status};
use pengaduan_store::erasure::Request;
use pengaduan_store::outbox::{LEASE, OutboxState, OutboxStore, Outcome, address_digest, entry_id};
use pengaduan_store::testing::{Moto, complaint, forget_outbox_lang, nomor, now, sqlite_store, state_of};
use pengaduan_store::{AnyStore, ComplaintStore, StoreError, Submitted, WorkflowChange, WorkflowStore};
use std::time::Duration;

fn receipt() -> Message {
    let p = pengaduan_store::testing::submission(1).personal;
    Message::receipt(&p, false, Jenis::Pengaduan, "Izin usaha belum terbit", "AAAA-BBBB-CCCC", None, Lang::Id).unwrap()
}

fn nomor_of(s: &Submitted) -> String {
    match s {
        Submitted::New(r) | Submitted::Replay(r) => r.nomor.clone(),
        Submitted::KeyReused => panic!("a reused key"),
    }
}

fn later(at: Timestamp, secs: u64) -> Timestamp {
    at + Duration::from_secs(secs)
}

async fn submit_with_receipt<S: ComplaintStore>(store: &S, n: usize, key: &str) -> Submitted {
    let mut c = complaint(n, key, now(), 2026);
    c.message = Some(receipt());
    store.submit(c).await.unwrap()
}

async fn a_receipt_is_recorded_claimed_once_and_sent<S: WorkflowStore + OutboxStore>(store: &S) {
    let first = nomor(&submit_with_receipt(store, 1, "k-1").await);
    // A replay stores nothing, so it records no second receipt (checked below: one entry).
    assert_eq!(nomor_of(&submit_with_receipt(store, 1, "k-1").await), "PGD-2026-00001");
    // A complaint without an address records none.
    store.submit(complaint(2, "k-2", now(), 2026)).await.unwrap();
    let id = entry_id(&first.to_string(), 1);
    assert_eq!(id, "PGD-2026-00001#000001");
    assert_eq!(store.due_outbox(now(), 10).await.unwrap(), std::slice::from_ref(&id));

    let claimed = store.claim_outbox(&id, now()).await.unwrap().expect("claimed");
    assert_eq!(claimed.attempts, 1);
    assert_eq!(claimed.state, OutboxState::Tertunda);
    let message = claimed.message.expect("the message is kept until sent");
    assert_eq!(message.nomor, "PGD-2026-00001", "the store fills in the number it assigned");
    assert!(matches!(message.notice, Notice::TandaTerima { ref kode_lacak, .. } if kode_lacak == "AAAA-BBBB-CCCC"));
    // Another deliverer finds it claimed for the lease, and may take it over after.
    assert!(store.claim_outbox(&id, later(now(), 5)).await.unwrap().is_none(), "leased");
    let retaken = store.claim_outbox(&id, later(now(), LEASE.as_secs() + 1)).await.unwrap().expect("lease over");
    assert_eq!(retaken.attempts, 2);

    let sent_at = later(now(), LEASE.as_secs() + 2);
    store.finish_outbox(&id, Outcome::Sent(sent_at)).await.unwrap();
    assert!(store.due_outbox(later(now(), 86_400), 10).await.unwrap().is_empty());
    assert!(store.claim_outbox(&id, later(now(), 86_400)).await.unwrap().is_none(), "never sent twice");
    assert!(store.failed_outbox().await.unwrap().is_empty());
    // Finishing again (a deliverer that lost its lease) changes nothing.
    store.finish_outbox(&id, Outcome::Failed { error: "late".into(), retry_at: None }).await.unwrap();
    assert!(store.failed_outbox().await.unwrap().is_empty());
}

async fn retries_wait_then_fail_and_can_be_requeued<S: WorkflowStore + OutboxStore>(store: &S) {
    let id = entry_id(&nomor(&submit_with_receipt(store, 1, "k-1").await).to_string(), 1);
    store.claim_outbox(&id, now()).await.unwrap().unwrap();
    let retry = later(now(), 60);
    store.finish_outbox(&id, Outcome::Failed { error: "421 sibuk".into(), retry_at: Some(retry) }).await.unwrap();
    assert!(store.due_outbox(later(now(), 59), 10).await.unwrap().is_empty(), "not due before its retry");
    assert!(store.claim_outbox(&id, later(now(), 59)).await.unwrap().is_none());
    assert_eq!(store.due_outbox(retry, 10).await.unwrap(), std::slice::from_ref(&id));
    let again = store.claim_outbox(&id, retry).await.unwrap().unwrap();
    assert_eq!((again.attempts, again.last_error.as_deref()), (2, Some("421 sibuk")));
    store.finish_outbox(&id, Outcome::Failed { error: "550 tidak ada".into(), retry_at: None }).await.unwrap();
    assert!(store.due_outbox(later(now(), 86_400), 10).await.unwrap().is_empty());
    let failed = store.failed_outbox().await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].id.as_str(), failed[0].state), (id.as_str(), OutboxState::Gagal));
    assert_eq!(failed[0].last_error.as_deref(), Some("550 tidak ada"));
    assert!(failed[0].message.is_some(), "kept, to be sent again once the address is fixed");

    let at = later(now(), 7200);
    assert!(store.requeue_outbox(&id, at).await.unwrap());
    assert!(!store.requeue_outbox(&id, at).await.unwrap(), "only a failed message is re-queued");
    assert!(store.failed_outbox().await.unwrap().is_empty());
    assert_eq!(store.due_outbox(at, 10).await.unwrap(), std::slice::from_ref(&id));
    assert_eq!(store.claim_outbox(&id, at).await.unwrap().unwrap().attempts, 1, "tries counted anew");
}

async fn a_change_records_its_message_in_its_transaction<S: WorkflowStore + OutboxStore>(store: &S) {
    let n = nomor(&submit_with_receipt(store, 1, "k-1").await);
    let receipt_id = entry_id(&n.to_string(), 1);
    store.claim_outbox(&receipt_id, now()).await.unwrap().unwrap();
    store.finish_outbox(&receipt_id, Outcome::Sent(now())).await.unwrap();

    let rec = store.load(&n).await.unwrap().unwrap();
    let (state, version) = state_of(store, &n).await;
    let t = state.mark_incomplete("Lampirkan surat kuasa.", date(2026, 11, 30)).unwrap();
    let change = |t| WorkflowChange::from_transition(t, "Rina (FO)", now(), 2026, None, None).notify(&rec, t);
    // A change computed from a stale version stores nothing, and records no message.
    assert!(matches!(store.apply(&n, version + 1, change(&t)).await, Err(StoreError::Conflict)));
    assert!(store.due_outbox(now(), 10).await.unwrap().is_empty());

    store.apply(&n, version, change(&t)).await.unwrap();
    let id = entry_id(&n.to_string(), 2);
    assert_eq!(store.due_outbox(now(), 10).await.unwrap(), std::slice::from_ref(&id));
    let entry = store.claim_outbox(&id, now()).await.unwrap().unwrap();
    let m = entry.message.unwrap();
    assert_eq!(m.to, "siti@contoh.co.id");
    assert!(
        matches!(m.notice, Notice::Status { status: Status::PerluDilengkapi, alasan: Some(ref a), .. } if a == "Lampirkan surat kuasa.")
    );
}

async fn the_complainants_language_goes_with_every_message(store: &AnyStore) {
    // Taken in through the English form: the complaint and its receipt are English.
    let mut c = complaint(1, "k-1", now(), 2026);
    c.message = Some(Message { lang: Lang::En, ..receipt() });
    c.lang = Lang::En;
    let en = nomor(&store.submit(c).await.unwrap());
    let receipt_id = entry_id(&en.to_string(), 1);
    let claimed = store.claim_outbox(&receipt_id, now()).await.unwrap().unwrap();
    assert_eq!(claimed.message.unwrap().lang, Lang::En, "an English receipt comes back English");
    store.finish_outbox(&receipt_id, Outcome::Sent(now())).await.unwrap();

    // The complaint keeps its language: a staff change tells the complainant in it.
    let rec = store.load(&en).await.unwrap().unwrap();
    assert_eq!(rec.lang, Lang::En);
    let (state, version) = state_of(store, &en).await;
    let t = state.mark_incomplete("Attach the power of attorney.", date(2026, 11, 30)).unwrap();
    let change = WorkflowChange::from_transition(&t, "Rina (FO)", now(), 2026, None, None).notify(&rec, &t);
    assert_eq!(change.message.as_ref().unwrap().lang, Lang::En);
    store.apply(&en, version, change).await.unwrap();
    let status_id = entry_id(&en.to_string(), 2);
    let m = store.claim_outbox(&status_id, now()).await.unwrap().unwrap().message.unwrap();
    assert_eq!(m.lang, Lang::En, "the status message too");
    assert!(matches!(m.notice, Notice::Status { status: Status::PerluDilengkapi, .. }));

    // The Indonesian form's complaint stays Indonesian.
    let id = nomor(&submit_with_receipt(store, 2, "k-2").await);
    assert_eq!(store.load(&id).await.unwrap().unwrap().lang, Lang::Id);
    let id_receipt = entry_id(&id.to_string(), 1);
    let m = store.claim_outbox(&id_receipt, now()).await.unwrap().unwrap().message.unwrap();
    assert_eq!(m.lang, Lang::Id);

    // An entry recorded before messages kept their language reads as Indonesian.
    let mut c = complaint(3, "k-3", now(), 2026);
    c.message = Some(Message { lang: Lang::En, ..receipt() });
    c.lang = Lang::En;
    let old = nomor(&store.submit(c).await.unwrap());
    let old_id = entry_id(&old.to_string(), 1);
    forget_outbox_lang(store, &old_id).await;
    let m = store.claim_outbox(&old_id, now()).await.unwrap().expect("still pending").message.unwrap();
    assert_eq!(m.lang, Lang::Id, "absent means Indonesian");
    assert_eq!(m.nomor, old.to_string(), "the rest of the message is intact");
}

async fn erasure_takes_undelivered_messages<S: WorkflowStore + OutboxStore>(store: &S) {
    let n = nomor(&submit_with_receipt(store, 1, "k-1").await);
    let id = entry_id(&n.to_string(), 1);
    let (_, version) = state_of(store, &n).await;
    let request =
        Request { nomor: &n, expected_version: version, by: "Admin", reason: "Permintaan pelapor", at: now() };
    store.erase_personal(&request, 0).await.unwrap();
    assert!(store.due_outbox(later(now(), 60), 10).await.unwrap().is_empty(), "nothing left to send");
    assert!(store.claim_outbox(&id, later(now(), 60)).await.unwrap().is_none());
    let failed = store.failed_outbox().await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].message, None, "the address and the name are gone");
    assert!(!store.requeue_outbox(&id, now()).await.unwrap(), "nothing to send again");
}

async fn one_of_two_deliverers_claims<S: WorkflowStore + OutboxStore + Clone + 'static>(store: &S) {
    let id = entry_id(&nomor(&submit_with_receipt(store, 1, "k-1").await).to_string(), 1);
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move { store.claim_outbox(&id, now()).await.unwrap().is_some() })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 1, "exactly one claim wins");
}

async fn bouncing_addresses_are_remembered_by_digest<S: OutboxStore>(store: &S) {
    let digest = address_digest(" Siti@Contoh.co.id ");
    assert_eq!(digest, address_digest("siti@contoh.co.id"), "case and spaces do not matter");
    assert_eq!(store.undeliverable(&digest).await.unwrap(), None);
    store.mark_undeliverable(&digest, "bounce permanen", now()).await.unwrap();
    assert_eq!(store.undeliverable(&digest).await.unwrap().as_deref(), Some("bounce permanen"));
    assert_eq!(store.undeliverable(&address_digest("budi@contoh.co.id")).await.unwrap(), None);
}

contract! {
    sqlite => {
        let (store, dir) = sqlite_store();
        (AnyStore::Sqlite(store), dir)
    },
    dynamodb => (AnyStore::Dynamo(Moto::shared().store().await), ());
    [
        a_receipt_is_recorded_claimed_once_and_sent,
        retries_wait_then_fail_and_can_be_requeued,
        a_change_records_its_message_in_its_transaction,
        erasure_takes_undelivered_messages,
        one_of_two_deliverers_claims,
        bouncing_addresses_are_remembered_by_digest,
        the_complainants_language_goes_with_every_message,
    ]
}
