//! The console's Lambda function, behind CloudFront's `/staf/*`: the same router as in
//! `site-gen serve`, on the DynamoDB table and the attachments bucket. The service's rules
//! (procedures, time limit, holidays) are the ones the site publishes: `aturan-layanan.json` in
//! `SITE_BUCKET`, read at cold start and followed when it changes (see
//! [`pengaduan_console::feed`]), so a published calendar needs no deploy. The editing pages'
//! workshop invokes the publishing function (`PENGADUAN_PUBLISH_FUNCTION`; see
//! [`pengaduan_console::konten::remote`]).

use lambda_http::Error;
use pengaduan_console::konten::remote::LambdaWorkshop;
use pengaduan_console::{Console, CookiePolicy, Rules};
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::dynamodb::DynamoStore;
use pengaduan_store::rules_feed::RulesFeed;
use pengaduan_store::{AnyStore, Config};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    pengaduan_aws::init_lambda_logging();
    let table = std::env::var("COMPLAINTS_TABLE").map_err(|_| "COMPLAINTS_TABLE is not set")?;
    let config = Config::from_env()?;
    // No rules, no start: the console cannot follow a procedure or count a deadline without them.
    // The whole chain (what S3 answered, where the document breaks) in the init error.
    let feed = Arc::new(RulesFeed::from_env().await.map_err(|e| pengaduan_store::error_chain(&e))?);
    let rules = feed.rules();
    let store = AnyStore::Dynamo(DynamoStore::from_env(table).await);
    let origin_secret = std::env::var("PENGADUAN_ORIGIN_SECRET").ok().filter(|s| !s.is_empty());
    let mut console = Console::new(store, config, Rules::from((*rules).clone()), CookiePolicy::Secure)?
        .with_origin_secret(origin_secret);
    if let Some(bucket) = std::env::var("ATTACHMENTS_BUCKET").ok().filter(|b| !b.is_empty()) {
        console = console.with_attachments(AnyAttachments::S3(S3Attachments::from_env(bucket, "").await));
    }
    // The editing pages build the site through the publishing function, which has the site's
    // templates; without it they answer 503.
    if let Some(function) = std::env::var("PENGADUAN_PUBLISH_FUNCTION").ok().filter(|f| !f.is_empty()) {
        let client = LambdaWorkshop::client(&pengaduan_aws::load_config().await);
        console = console.with_workshop(Arc::new(LambdaWorkshop::new(client, function)));
    }
    let console = Arc::new(console);
    pengaduan_console::feed::follow(&console, &rules).await;
    let app = pengaduan_console::feed::app_following(console, feed);
    tracing::info!("console-fn ready");
    lambda_http::run(app).await
}
