//! The Lambda function: builds the store, settings and templates once at start-up, then hands
//! every API Gateway (HTTP API) or Function URL event to the shared handler.

use form_fn::{App, Config, Pages};
use lambda_http::{Error, Request, run, service_fn};
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::dynamodb::DynamoStore;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_current_span(false)
        .without_time() // CloudWatch stamps every line.
        .init();
    let table = std::env::var("COMPLAINTS_TABLE").map_err(|_| "COMPLAINTS_TABLE is not set")?;
    let config = Config::from_env()?;
    let pages = Pages::embedded()?;
    let store = DynamoStore::from_env(table).await;
    let mut app = App::new(store, config, pages);
    // Without a bucket the function still takes complaints, and refuses files with a message.
    if let Some(bucket) = std::env::var("ATTACHMENTS_BUCKET").ok().filter(|b| !b.is_empty()) {
        app = app.with_attachments(AnyAttachments::S3(S3Attachments::from_env(bucket, "").await));
    }
    let app = Arc::new(app);
    tracing::info!("form-fn ready");
    run(service_fn(move |req: Request| {
        let app = Arc::clone(&app);
        async move { Ok::<_, Error>(form_fn::lambda::handle_event(&app, req).await) }
    }))
    .await
}
