//! The publishing Lambda function `publish-fn`: builds its clients once at start-up, then answers
//! every event of [`pengaduan_publish::Request`]: `{"op": "publish"}` (the console's invocation
//! after editors publish) with the report of a publish that includes the public statistics,
//! `{"op": "statistik"}` (the daily schedule) with the report of the statistics alone, and the
//! console's editing operations (`files`, `live_text`, `check`, `preview`) through
//! [`pengaduan_publish::Workbench`], which keeps the site root of the store's live text while
//! a warm instance lives.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use pengaduan_publish::{Distribution, Request, SiteBucket, SiteSource, Workbench};
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::dynamodb::DynamoStore;
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Error> {
    pengaduan_aws::init_lambda_logging();
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let table = var("COMPLAINTS_TABLE").ok_or("COMPLAINTS_TABLE is not set")?;
    let bucket = var("SITE_BUCKET").ok_or("SITE_BUCKET is not set")?;
    let site_url = var("SITE_URL").ok_or("SITE_URL is not set: the site is built for its public address")?;
    // templates/, static/ and config.toml, packed next to `bootstrap` by infra/deploy.sh.
    let site_dir = match var("PENGADUAN_SITE_DIR") {
        Some(dir) => dir.into(),
        None => std::path::Path::new(&var("LAMBDA_TASK_ROOT").ok_or("LAMBDA_TASK_ROOT is not set")?).join("site"),
    };
    // The office's time zone (PENGADUAN_TIMEZONE), for the statistics' months.
    let tz = pengaduan_store::Config::from_env().map_err(|e| e.to_string())?.timezone;
    let config = pengaduan_aws::load_config().await;
    let store = DynamoStore::from_env(table).await;
    let s3 = S3Attachments::client(&config, S3Attachments::path_style_from_env());
    let bucket = SiteBucket::new(s3, bucket, "");
    // Without a distribution (a local test, a bucket served otherwise) nothing is invalidated.
    let distribution = var("DISTRIBUTION_ID").map(|id| {
        let mut builder = aws_sdk_cloudfront::config::Builder::from(&config);
        if let Some(url) = pengaduan_aws::service_endpoint("CLOUDFRONT") {
            builder = builder.endpoint_url(url);
        }
        Distribution::new(aws_sdk_cloudfront::Client::from_conf(builder.build()), id)
    });
    let state = Arc::new((store, Workbench::new(SiteSource::new(site_dir, site_url)), bucket, distribution, tz));
    tracing::info!("publish-fn ready");
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let state = Arc::clone(&state);
        async move {
            let (store, workbench, bucket, distribution, tz) = &*state;
            let request: Request = serde_json::from_value(event.payload).map_err(|e| {
                Error::from(format!(
                    r#"unknown event ({e}): expected {{"op": "publish" | "statistik" | "files" | "live_text" | "check" | "preview", ...}}"#
                ))
            })?;
            let op = op_name(&request);
            let started = Instant::now();
            let answer = workbench
                .handle_with_statistics(store, request, bucket, distribution.as_ref(), tz, jiff::Timestamp::now())
                .await
                .map_err(|e| Error::from(e.to_string()))?;
            // Counts and the outcome only: no content, no page, no editor's text in the logs.
            let elapsed_ms = started.elapsed().as_millis() as u64;
            if let Some(report) = &answer.published {
                let count = |k: &str| report.get(k).and_then(serde_json::Value::as_array).map_or(0, Vec::len);
                tracing::info!(
                    built = report.get("built").and_then(serde_json::Value::as_u64).unwrap_or(0),
                    uploaded = count("uploaded"),
                    removed = count("removed"),
                    invalidated = count("invalidated_paths"),
                    elapsed_ms,
                    "published"
                );
            } else {
                tracing::info!(op, refused = answer.refusal.is_some(), elapsed_ms, "answered");
            }
            // A publish answers with its report itself, as it did before the other operations.
            match answer.published {
                Some(report) => Ok::<_, Error>(report),
                None => Ok(serde_json::to_value(&answer)?),
            }
        }
    }))
    .await
}

/// The operation's name, for the log.
fn op_name(request: &Request) -> &'static str {
    match request {
        Request::Files => "files",
        Request::LiveText { .. } => "live_text",
        Request::Check { .. } => "check",
        Request::Preview { .. } => "preview",
        Request::Publish => "publish",
        Request::Statistik => "statistik",
    }
}
