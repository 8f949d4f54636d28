//! Delivery from the outbox on SQLite: the files transport, retries on core's schedule, failing
//! for good, addresses known to bounce, and the Lambda handler's three kinds of event.

mod support;

use jiff::{SignedDuration, Timestamp};
use pengaduan_core::notice::{MAX_ATTEMPTS, Message};
use pengaduan_mail::event::handle;
use pengaduan_mail::{Delivery, Mailer, MessageChannel, Report, SendError, Transport, deliver_due, deliver_one};
use pengaduan_store::outbox::{OutboxState, OutboxStore, address_digest};
use pengaduan_store::sqlite::SqliteStore;
use serde_json::json;
use std::sync::Mutex;
use support::{emails_in, mailer, parse, root, take_in};

fn t0() -> Timestamp {
    pengaduan_store::testing::now()
}

/// A channel that records what it was asked to send, and fails as told.
struct Recorder {
    sent: Mutex<Vec<String>>,
    fail: Option<SendError>,
}

impl Recorder {
    fn new(fail: Option<SendError>) -> Self {
        Self { sent: Mutex::new(Vec::new()), fail }
    }

    fn calls(&self) -> usize {
        self.sent.lock().unwrap().len()
    }
}

impl MessageChannel for Recorder {
    async fn send(&self, id: &str, _message: &Message) -> Result<(), SendError> {
        self.sent.lock().unwrap().push(id.to_owned());
        match &self.fail {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

#[tokio::test]
async fn the_files_transport_writes_one_readable_eml_per_entry() {
    let store = SqliteStore::in_memory().unwrap();
    let (nomor, kode, id) = take_in(&store, 1, t0()).await;
    let data = tempfile::tempdir().unwrap();
    let mailer = Mailer::local_with(&root(), data.path(), support::SITE, |_| None).unwrap();
    assert!(matches!(mailer.transport(), Transport::Files(_)));

    let report = deliver_due(&store, &mailer, t0(), 10).await.unwrap();
    assert_eq!(report, Report { sent: 1, ..Report::default() });
    let dir = data.path().join("surel");
    let files = emails_in(&dir);
    assert_eq!(files, [dir.join(format!("{}.eml", id.replace('#', "-")))]);
    let email = parse(&std::fs::read(&files[0]).unwrap());
    assert!(email.header("Subject").unwrap().contains(&nomor));
    assert!(email.text.contains(&kode) && email.html.contains(&kode));
    assert!(email.header("From").unwrap().contains("<pengaduan@localhost>"), "the local default sender");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file is left");

    // Delivered: nothing is due any more, and a second round sends nothing.
    assert_eq!(
        deliver_due(&store, &mailer, t0() + SignedDuration::from_hours(24), 10).await.unwrap(),
        Report::default()
    );
    assert!(store.failed_outbox().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_local_mailer_reads_its_settings() {
    let data = tempfile::tempdir().unwrap();
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
    };
    let m =
        Mailer::local_with(&root(), data.path(), support::SITE, env(&[("SMTP_URL", "smtp://127.0.0.1:2525")])).unwrap();
    assert!(matches!(m.transport(), Transport::Smtp(_)));
    let m =
        Mailer::local_with(&root(), data.path(), support::SITE, env(&[("PENGADUAN_EMAIL_FROM", "surel@dinas.go.id")]))
            .unwrap();
    assert_eq!(m.composer().sender().email.to_string(), "surel@dinas.go.id");
    let e =
        Mailer::local_with(&root(), data.path(), support::SITE, env(&[("PENGADUAN_EMAIL_FROM", "Dinas <tanpa-at>")]))
            .unwrap_err()
            .to_string();
    assert!(e.contains("PENGADUAN_EMAIL_FROM") && e.contains("bukan alamat surel yang sah"), "{e}");
    let e = Mailer::local_with(&root(), data.path(), support::SITE, env(&[("SMTP_URL", "ftp://host")])).unwrap_err();
    assert!(e.to_string().starts_with("SMTP_URL tidak sah"), "{e}");
}

#[tokio::test]
async fn a_temporary_failure_is_retried_on_core_s_schedule_then_marked_failed() {
    let store = SqliteStore::in_memory().unwrap();
    let (_, _, id) = take_in(&store, 1, t0()).await;
    let channel = Recorder::new(Some(SendError::Temporary("421 server sibuk".into())));

    let mut now = t0();
    let waits = [1, 5, 30, 120, 360];
    for (attempt, wait) in waits.iter().enumerate() {
        let report = deliver_due(&store, &channel, now, 10).await.unwrap();
        assert_eq!(report, Report { retried: 1, ..Report::default() }, "attempt {}", attempt + 1);
        assert_eq!(channel.calls(), attempt + 1);
        // Not due a second before the wait is over; due when it is.
        let next = now + SignedDuration::from_mins(*wait);
        assert!(store.due_outbox(next - SignedDuration::from_secs(1), 10).await.unwrap().is_empty());
        assert_eq!(store.due_outbox(next, 10).await.unwrap(), std::slice::from_ref(&id));
        now = next;
    }
    let report = deliver_due(&store, &channel, now, 10).await.unwrap();
    assert_eq!(report, Report { failed: 1, ..Report::default() });
    assert_eq!(channel.calls(), MAX_ATTEMPTS as usize);

    let failed = store.failed_outbox().await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].id.as_str(), failed[0].state, failed[0].attempts),
        (id.as_str(), OutboxState::Gagal, MAX_ATTEMPTS)
    );
    assert_eq!(failed[0].last_error.as_deref(), Some("421 server sibuk"));
    assert!(store.due_outbox(now + SignedDuration::from_hours(48), 10).await.unwrap().is_empty(), "never tried again");

    // Staff re-queue it: it is delivered with a working channel.
    let later = now + SignedDuration::from_hours(1);
    assert!(store.requeue_outbox(&id, later).await.unwrap());
    let ok = Recorder::new(None);
    assert_eq!(deliver_one(&store, &ok, &id, later).await.unwrap(), Some(Delivery::Sent));
    assert!(store.failed_outbox().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_permanent_failure_is_not_retried() {
    let store = SqliteStore::in_memory().unwrap();
    let (_, _, id) = take_in(&store, 1, t0()).await;
    let channel = Recorder::new(Some(SendError::Permanent("550 mailbox unavailable".into())));
    assert_eq!(deliver_one(&store, &channel, &id, t0()).await.unwrap(), Some(Delivery::Failed));
    let failed = store.failed_outbox().await.unwrap();
    assert_eq!((failed.len(), failed[0].attempts), (1, 1));
    assert_eq!(deliver_one(&store, &channel, &id, t0() + SignedDuration::from_hours(9)).await.unwrap(), None);
    assert_eq!(channel.calls(), 1);
}

/// Servers name the recipient in their refusals; what is kept for staff names no address.
#[tokio::test]
async fn a_failure_is_kept_without_the_address_the_server_named() {
    let store = SqliteStore::in_memory().unwrap();
    let (_, _, id) = take_in(&store, 1, t0()).await;
    let to = store.claim_outbox(&id, t0()).await.unwrap().unwrap().message.unwrap().to;
    let error = format!("550 5.1.1 <{to}>: Recipient address rejected; also tried {}", to.to_uppercase());
    let channel = Recorder::new(Some(SendError::Permanent(error)));
    let after_lease =
        t0() + SignedDuration::try_from(pengaduan_store::outbox::LEASE).unwrap() + SignedDuration::from_secs(1);
    assert_eq!(deliver_one(&store, &channel, &id, after_lease).await.unwrap(), Some(Delivery::Failed));
    let kept = store.failed_outbox().await.unwrap()[0].last_error.clone().unwrap();
    assert_eq!(kept, "550 5.1.1 <[alamat surel]>: Recipient address rejected; also tried [alamat surel]");
}

#[tokio::test]
async fn an_address_known_to_bounce_is_not_written_to() {
    let store = SqliteStore::in_memory().unwrap();
    let (_, _, id) = take_in(&store, 1, t0()).await;
    store.mark_undeliverable(&address_digest(" Siti@Contoh.co.id "), "bounce permanen", t0()).await.unwrap();
    let channel = Recorder::new(None);
    let report = deliver_due(&store, &channel, t0(), 10).await.unwrap();
    assert_eq!(report, Report { failed: 1, ..Report::default() });
    assert_eq!(channel.calls(), 0, "nothing was sent");
    let failed = store.failed_outbox().await.unwrap();
    assert_eq!(failed[0].id, id);
    assert!(failed[0].last_error.as_deref().unwrap().contains("bounce permanen"));
}

#[tokio::test]
async fn a_claimed_entry_is_not_delivered_twice() {
    let store = SqliteStore::in_memory().unwrap();
    let (_, _, id) = take_in(&store, 1, t0()).await;
    // Another deliverer holds it (and crashed): nothing now, delivered once its lease ends.
    assert!(store.claim_outbox(&id, t0()).await.unwrap().is_some());
    let channel = Recorder::new(None);
    assert_eq!(deliver_one(&store, &channel, &id, t0()).await.unwrap(), None);
    assert_eq!(deliver_due(&store, &channel, t0(), 10).await.unwrap(), Report::default());
    let after_lease =
        t0() + SignedDuration::try_from(pengaduan_store::outbox::LEASE).unwrap() + SignedDuration::from_secs(1);
    assert_eq!(deliver_due(&store, &channel, after_lease, 10).await.unwrap(), Report { sent: 1, ..Report::default() });
    assert_eq!(channel.calls(), 1);
}

#[tokio::test]
async fn the_lambda_handler_delivers_stream_inserts_marks_bounces_and_ticks() {
    let store = SqliteStore::in_memory().unwrap();
    let (nomor, kode, id) = take_in(&store, 1, t0()).await;
    let (nomor2, _, id2) = take_in(&store, 2, t0()).await;
    let data = tempfile::tempdir().unwrap();
    let mailer = mailer(Transport::files(data.path()));

    // The stream: the first entry's insert (the second is left for the tick), another item's
    // insert and a modification are ignored.
    let (version, _) = id.rsplit_once('#').map(|(n, v)| (v, n)).unwrap();
    let record = |name: &str, pk: &str, sk: &str, seq: &str| {
        json!({"eventSource": "aws:dynamodb", "eventName": name,
               "dynamodb": {"Keys": {"pk": {"S": pk}, "sk": {"S": sk}}, "SequenceNumber": seq}})
    };
    let event = json!({"Records": [
        record("INSERT", &format!("COMPLAINT#{nomor}"), &format!("SUREL#{version}"), "1"),
        record("INSERT", &format!("COMPLAINT#{nomor}"), "META", "2"),
        record("MODIFY", &format!("COMPLAINT#{nomor2}"), &format!("SUREL#{version}"), "3"),
    ]});
    let answer = handle(&store, &mailer, &event, t0()).await.unwrap();
    assert_eq!(answer, json!({"batchItemFailures": []}));
    let files = emails_in(data.path());
    assert_eq!(files.len(), 1);
    assert!(parse(&std::fs::read(&files[0]).unwrap()).text.contains(&kode));

    // SES says the address bounces for good: the second entry is not sent at the tick.
    let bounce = json!({"notificationType": "Bounce", "bounce": {"bounceType": "Permanent",
        "bouncedRecipients": [{"emailAddress": "siti@contoh.co.id", "status": "5.1.1"}]},
        "mail": {"destination": ["siti@contoh.co.id"]}});
    let sns = json!({"Records": [{"EventSource": "aws:sns", "Sns": {"Message": bounce.to_string()}}]});
    assert_eq!(handle(&store, &mailer, &sns, t0()).await.unwrap(), json!({"ditandai": 1}));
    assert!(store.undeliverable(&address_digest("siti@contoh.co.id")).await.unwrap().is_some());

    let tick = json!({"source": "aws.scheduler"});
    let answer = handle(&store, &mailer, &tick, t0()).await.unwrap();
    assert_eq!(answer, json!({"terkirim": 0, "dicoba_lagi": 0, "gagal": 1, "galat": 0}));
    assert_eq!(emails_in(data.path()).len(), 1);
    assert_eq!(store.failed_outbox().await.unwrap()[0].id, id2);
}
