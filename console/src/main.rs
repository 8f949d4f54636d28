//! The console's Lambda function, behind CloudFront's `/staf/*`: the same router as in
//! `site-gen serve`, on the DynamoDB table and the attachments bucket. The service's rules
//! (procedures, time limit, holidays) are the content compiled in at build time, so a deploy
//! carries the rules its site publishes.

use lambda_http::Error;
use pengaduan_console::{Console, CookiePolicy, Rules};
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::dynamodb::DynamoStore;
use pengaduan_store::{AnyStore, Config};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    pengaduan_aws::init_lambda_logging();
    let table = std::env::var("COMPLAINTS_TABLE").map_err(|_| "COMPLAINTS_TABLE is not set")?;
    let config = Config::from_env()?;
    let service =
        pengaduan_core::service::ServiceRules::parse(include_str!("../../content/layanan/informasi-dan-pengaduan.md"))?
            .with_translation(include_str!("../../content/layanan/informasi-dan-pengaduan.en.md"));
    let calendar = pengaduan_core::calendar::Calendar::from_toml(include_str!("../../content/data/hari-libur.toml"))?;
    let store = AnyStore::Dynamo(DynamoStore::from_env(table).await);
    let origin_secret = std::env::var("PENGADUAN_ORIGIN_SECRET").ok().filter(|s| !s.is_empty());
    let mut console = Console::new(store, config, Rules { service, calendar }, CookiePolicy::Secure)?
        .with_origin_secret(origin_secret);
    if let Some(bucket) = std::env::var("ATTACHMENTS_BUCKET").ok().filter(|b| !b.is_empty()) {
        console = console.with_attachments(AnyAttachments::S3(S3Attachments::from_env(bucket, "").await));
    }
    let app = pengaduan_console::app(Arc::new(console));
    tracing::info!("console-fn ready");
    lambda_http::run(app).await
}
