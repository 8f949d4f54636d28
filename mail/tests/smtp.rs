//! Delivery through a real SMTP server (Python's aiosmtpd), and a delivery loop killed half-way:
//! every message still arrives, at most one of them twice.

mod support;

use jiff::{SignedDuration, Timestamp};
use pengaduan_mail::{MessageChannel, Report, SendError, Transport, deliver_due, spawn_background};
use pengaduan_store::outbox::{LEASE, OutboxStore};
use pengaduan_store::sqlite::SqliteStore;
use std::sync::Arc;
use std::time::Duration;
use support::{SmtpServer, mailer, receipt, take_in};

#[tokio::test(flavor = "multi_thread")]
async fn messages_arrive_at_the_smtp_server_with_number_and_code() {
    let server = SmtpServer::start();
    let store = SqliteStore::in_memory().unwrap();
    let now = pengaduan_store::testing::now();
    let mut taken = Vec::new();
    for n in 1..=3 {
        taken.push(take_in(&store, n, now).await);
    }
    let mailer = mailer(Transport::smtp(&server.url()).unwrap());
    assert_eq!(deliver_due(&store, &mailer, now, 10).await.unwrap(), Report { sent: 3, ..Report::default() });

    let received = server.wait_for(3, Duration::from_secs(10));
    assert_eq!(received.len(), 3);
    for (nomor, kode, id) in &taken {
        let email = received
            .iter()
            .find(|e| e.header("Subject").unwrap().contains(nomor.as_str()))
            .unwrap_or_else(|| panic!("{nomor} did not arrive"));
        assert!(email.text.contains(kode.as_str()) && email.html.contains(kode.as_str()));
        assert_eq!(email.header("Message-ID").unwrap(), mailer.composer().message_id(id));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_mailbox_is_permanent_and_a_server_that_is_down_temporary() {
    let server = SmtpServer::start();
    let up = mailer(Transport::smtp(&server.url()).unwrap());
    let mut m = receipt("PGD-2026-00001", "AAAA-BBBB-CCCC");
    m.to = "tolak@contoh.co.id".into();
    let e = up.send("PGD-2026-00001#000001", &m).await.unwrap_err();
    assert!(e.is_permanent(), "{e}");
    assert!(e.to_string().contains("550"), "{e}");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let down = mailer(Transport::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap());
    let e = down.send("PGD-2026-00001#000001", &receipt("PGD-2026-00001", "AAAA-BBBB-CCCC")).await.unwrap_err();
    assert!(matches!(e, SendError::Temporary(_)), "{e}");
    assert!(server.received().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_loop_killed_half_way_loses_nothing() {
    const N: usize = 6;
    const BEFORE: usize = 2;
    let server = SmtpServer::start_holding_after(BEFORE);
    let (store, _dir) = pengaduan_store::testing::sqlite_store();
    let store = Arc::new(store);
    let now = Timestamp::now();
    let mut taken = Vec::new();
    for n in 1..=N {
        taken.push(take_in(&*store, n, now).await);
    }
    let mailer = Arc::new(mailer(Transport::smtp(&server.url()).unwrap()));

    // The background loop of `site-gen serve`, killed once some messages arrived and while it
    // waits for the server's answer to the next one (which the server holds back).
    let task = spawn_background(Arc::clone(&store), Arc::clone(&mailer), Duration::from_millis(50));
    server.wait_until_holding();
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    let before = server.received().len();
    assert_eq!(before, BEFORE, "killed half-way: {before} of {N} had arrived");
    assert!((2..N).contains(&before), "killed half-way: {before} of {N} had arrived");
    // The held message may still arrive (its sender gone): the one that may come twice.
    server.release();

    // Run again, once the lease of the entry it held has ended.
    let later = Timestamp::now() + SignedDuration::try_from(LEASE).unwrap() + SignedDuration::from_secs(1);
    let mut total = Report::default();
    loop {
        let report = deliver_due(&*store, &*mailer, later, 100).await.unwrap();
        if report == Report::default() {
            break;
        }
        assert_eq!((report.retried, report.failed, report.errors), (0, 0, 0), "{report:?}");
        total.sent += report.sent;
    }
    assert!(total.sent <= N - before + 1, "only what had not arrived is sent again: {total:?}");

    let received = server.wait_for(N, Duration::from_secs(30));
    for (nomor, kode, _) in &taken {
        let copies: Vec<_> =
            received.iter().filter(|e| e.header("Subject").unwrap().contains(nomor.as_str())).collect();
        assert!(!copies.is_empty(), "{nomor} never arrived");
        assert!(copies.iter().all(|e| e.text.contains(kode.as_str())));
    }
    assert!((N..=N + 1).contains(&received.len()), "every message, at most one twice: {}", received.len());

    // Every entry is sent: none failed, none pending (due or claimed) even far in the future.
    let far = later + SignedDuration::from_hours(24 * 30);
    assert!(store.failed_outbox().await.unwrap().is_empty());
    assert!(store.due_outbox(far, 100).await.unwrap().is_empty());
    for (_, _, id) in &taken {
        assert!(store.claim_outbox(id, far).await.unwrap().is_none(), "{id} is sent");
    }
}
