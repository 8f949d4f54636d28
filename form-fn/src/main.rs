//! The Lambda function: builds the store, settings and templates once at start-up and reads the
//! rules the site publishes (`aturan-layanan.json` in `SITE_BUCKET`, for the time limit the
//! receipts state), then hands every API Gateway (HTTP API) or Function URL event to the shared
//! handler, after looking whether the rules changed when that is due, and the scheduled
//! `{"pengaduan": "sweep"}` event to the sweep that finishes unfinished attachment commits.

use form_fn::{App, Config, HttpConfig, Pages};
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Error, LambdaEvent, Request, Service, service_fn};
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::config::CodeKey;
use pengaduan_store::dynamodb::DynamoStore;
use pengaduan_store::rules_feed::RulesFeed;
use pengaduan_store::search_feed::SearchFeed;
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    pengaduan_aws::init_lambda_logging();
    let table = std::env::var("COMPLAINTS_TABLE").map_err(|_| "COMPLAINTS_TABLE is not set")?;
    let mut config = Config::from_env()?;
    let http = HttpConfig::from_env()?;
    if config.code_key.is_none()
        && let Some(arn) = std::env::var("PENGADUAN_CODE_KEY_SECRET_ARN").ok().filter(|a| !a.is_empty())
    {
        config.code_key = Some(code_key_from_secret(&arn).await?);
    }
    if config.code_key.is_none() {
        tracing::warn!("no tracking-code key: codes are stored as plain SHA-256 digests");
    }
    // No rules, no start: a receipt without the time limit would break the page's promise.
    // The whole chain (what S3 answered, where the document breaks) in the init error.
    let feed = Arc::new(RulesFeed::from_env().await.map_err(|e| pengaduan_store::error_chain(&e))?);
    let pages = Pages::embedded()?.with_rules(&feed.rules());
    let store = DynamoStore::from_env(table).await;
    let mut app = App::new(store, config, http, pages);
    // Without a bucket the function still takes complaints, and refuses files with a message.
    if let Some(bucket) = std::env::var("ATTACHMENTS_BUCKET").ok().filter(|b| !b.is_empty()) {
        app = app.with_attachments(AnyAttachments::S3(S3Attachments::from_env(bucket, "").await));
    }
    let app = Arc::new(app);
    // The search's pages file, from the same bucket: read now, followed like the rules.
    let search = Arc::new(SearchFeed::beside(&feed));
    form_fn::lambda::follow_search(&app, &search).await;
    tracing::info!("form-fn ready");
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let (app, feed, search) = (Arc::clone(&app), Arc::clone(&feed), Arc::clone(&search));
        async move { dispatch(app, &feed, &search, event).await }
    }))
    .await
}

/// The tracking-code key, read once at cold start from the Secrets Manager secret the template
/// creates (its ARN in `PENGADUAN_CODE_KEY_SECRET_ARN`): never in the function's environment.
async fn code_key_from_secret(arn: &str) -> Result<CodeKey, Error> {
    let sdk = pengaduan_aws::load_config().await;
    let mut builder = aws_sdk_secretsmanager::config::Builder::from(&sdk);
    if let Some(url) = pengaduan_aws::service_endpoint("SECRETSMANAGER") {
        builder = builder.endpoint_url(url);
    }
    let client = aws_sdk_secretsmanager::Client::from_conf(builder.build());
    let secret = client.get_secret_value().secret_id(arn).send().await?;
    let text = secret.secret_string().ok_or("the tracking-code key secret holds no text")?;
    Ok(CodeKey::new(text).ok_or("the tracking-code key secret is too short")?)
}

/// The sweep event (the template's schedule) or an HTTP event. lambda_http's own `run` takes
/// HTTP events only, so its adapter is called here for those.
async fn dispatch(
    app: Arc<App<DynamoStore>>,
    feed: &RulesFeed,
    search: &SearchFeed,
    event: LambdaEvent<Value>,
) -> Result<Value, Error> {
    let LambdaEvent { payload, context } = event;
    if payload.get("pengaduan").and_then(Value::as_str) == Some("sweep") {
        let finished = match app.attachments() {
            Some(files) => pengaduan_store::uploads::sweep(app.store(), files).await?,
            None => 0,
        };
        tracing::info!(finished, "sweep done");
        return Ok(json!({ "finished": finished }));
    }
    let request: LambdaRequest = serde_json::from_value(payload)?;
    form_fn::lambda::follow_rules(&app, feed).await;
    form_fn::lambda::follow_search(&app, search).await;
    let mut http = Adapter::from(service_fn(move |req: Request| {
        let app = Arc::clone(&app);
        async move { Ok::<_, Error>(form_fn::lambda::handle_event(&app, req).await) }
    }));
    let response = http.call(LambdaEvent::new(request, context)).await?;
    Ok(serde_json::to_value(response)?)
}
