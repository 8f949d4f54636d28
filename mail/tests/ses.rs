//! Amazon SES (moto's server): raw messages sent through SES v2, a sender SES does not know
//! refused for good; and the Lambda handler on the DynamoDB outbox's stream keys.

#![cfg(feature = "aws")]

mod support;

use pengaduan_mail::transport::Ses;
use pengaduan_mail::{Composer, Delivery, Mailer, Report, Transport, deliver_due, deliver_one};
use pengaduan_store::outbox::OutboxStore;
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::testing::Moto;
use serde_json::{Value, json};
use support::{SITE, emails_in, mailer, parse, take_in};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DOMAIN: &str = "dinas.contoh.go.id";

async fn ses_client(moto: &Moto) -> aws_sdk_sesv2::Client {
    let client = aws_sdk_sesv2::Client::new(&moto.sdk_config());
    // SES sends only from verified identities: the office verifies its domain once.
    client.create_email_identity().email_identity(DOMAIN).send().await.unwrap();
    client
}

/// What moto's SES has sent: the raw messages from its model data.
async fn sent_by_moto(endpoint: &str) -> Vec<String> {
    let addr = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET /moto-api/data.json HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8(response).unwrap();
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    let data: Value = serde_json::from_str(body).unwrap();
    data.pointer("/ses/RawMessage")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("raw_data").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_go_out_through_ses_as_composed() {
    let moto = Moto::start();
    let ses = Ses::new(ses_client(&moto).await, None);
    let store = SqliteStore::in_memory().unwrap();
    let now = pengaduan_store::testing::now();
    let (nomor, kode, id) = take_in(&store, 1, now).await;
    let mailer = mailer(Transport::Ses(ses));
    assert_eq!(deliver_due(&store, &mailer, now, 10).await.unwrap(), Report { sent: 1, ..Report::default() });

    let sent = sent_by_moto(&moto.endpoint).await;
    let ours: Vec<_> = sent.iter().filter(|raw| raw.contains(&nomor)).collect();
    assert_eq!(ours.len(), 1, "one message for {nomor}");
    let email = parse(ours[0].as_bytes());
    assert!(email.header("Subject").unwrap().contains(&nomor));
    assert!(email.text.contains(&kode) && email.html.contains(&kode));
    assert_eq!(email.header("Message-ID").unwrap(), mailer.composer().message_id(&id));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sender_ses_does_not_know_is_refused_for_good() {
    let moto = Moto::start();
    let ses = Ses::new(ses_client(&moto).await, None);
    let store = SqliteStore::in_memory().unwrap();
    let now = pengaduan_store::testing::now();
    let (_, _, id) = take_in(&store, 1, now).await;
    let composer = Composer::embedded("Layanan <pengaduan@belum-diverifikasi.id>".parse().unwrap(), SITE).unwrap();
    let mailer = Mailer::new(composer, Transport::Ses(ses));
    assert_eq!(deliver_one(&store, &mailer, &id, now).await.unwrap(), Some(Delivery::Failed));
    let failed = store.failed_outbox().await.unwrap();
    assert!(failed[0].last_error.as_deref().unwrap().starts_with("SES: "), "{:?}", failed[0].last_error);
    assert!(sent_by_moto(&moto.endpoint).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_of_the_dynamodb_outbox_names_the_entry_to_deliver() {
    let moto = Moto::start();
    let store = moto.store().await;
    let now = pengaduan_store::testing::now();
    let (nomor, kode, id) = take_in(&store, 1, now).await;
    let dir = tempfile::tempdir().unwrap();
    let mailer = mailer(Transport::files(dir.path()));

    let version = id.rsplit_once('#').unwrap().1;
    let event = json!({"Records": [{"eventSource": "aws:dynamodb", "eventName": "INSERT",
        "dynamodb": {"Keys": {"pk": {"S": format!("COMPLAINT#{nomor}")}, "sk": {"S": format!("SUREL#{version}")}},
                     "SequenceNumber": "100"}}]});
    let answer = pengaduan_mail::event::handle(&store, &mailer, &event, now).await.unwrap();
    assert_eq!(answer, json!({"batchItemFailures": []}));
    let files = emails_in(dir.path());
    assert_eq!(files.len(), 1, "delivered from the stream record's keys");
    assert!(parse(&std::fs::read(&files[0]).unwrap()).text.contains(&kode));
    assert!(store.due_outbox(now + jiff::SignedDuration::from_hours(24), 10).await.unwrap().is_empty());
}
