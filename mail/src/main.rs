//! The delivery Lambda function `mail-fn`: builds the store and the mailer once at start-up,
//! then hands every event (the table's stream, SES notifications through SNS, the schedule's
//! tick) to [`pengaduan_mail::event::handle`].
//!
//! Unlike the intake and the console, this function reads no published rules
//! (`aturan-layanan.json`): every message carries what it states from the moment it was
//! queued, the time limit worded by the intake (`jangka_waktu`) and the deadline counted by
//! the console (`tenggat`, `tenggat_sementara`), so it needs neither the time limit nor the
//! calendar, nor a permission on the site's bucket.

use jiff::Timestamp;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use pengaduan_mail::Mailer;
use pengaduan_store::dynamodb::DynamoStore;
use serde_json::Value;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    pengaduan_aws::init_lambda_logging();
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let table = var("COMPLAINTS_TABLE").ok_or("COMPLAINTS_TABLE belum diisi")?;
    // The links in every message point here: a message without them would strand the reader.
    let site = var("SITE_ORIGIN").ok_or("SITE_ORIGIN belum diisi: tautan di surel mengarah ke situs ini")?;
    let store = Arc::new(DynamoStore::from_env(table).await);
    let mailer = Arc::new(Mailer::ses_from_env(&site).await?);
    tracing::info!("mail-fn ready");
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let (store, mailer) = (Arc::clone(&store), Arc::clone(&mailer));
        async move {
            let answer = pengaduan_mail::event::handle(&*store, &*mailer, &event.payload, Timestamp::now()).await;
            answer.map_err(|e| Error::from(pengaduan_store::error_chain(&e)))
        }
    }))
    .await
}
