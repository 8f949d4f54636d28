//! The publishing Lambda function `publish-fn`: builds its clients once at start-up, then answers
//! every `{"op": "publish"}` event (the console's invocation, or a schedule) with
//! [`pengaduan_publish::publish`]'s report.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use pengaduan_publish::{Distribution, SiteBucket, SiteSource};
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::dynamodb::DynamoStore;
use serde_json::Value;
use std::sync::Arc;

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
    let state = Arc::new((store, SiteSource::new(site_dir, site_url), bucket, distribution));
    tracing::info!("publish-fn ready");
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let state = Arc::clone(&state);
        async move {
            let (store, site, bucket, distribution) = &*state;
            if event.payload.get("op").and_then(Value::as_str) != Some("publish") {
                return Err(Error::from(r#"unknown event: expected {"op": "publish"}"#));
            }
            let report = pengaduan_publish::publish(store, site, bucket, distribution.as_ref())
                .await
                .map_err(|e| Error::from(e.to_string()))?;
            // Counts only: which pages changed is in the answer, not in the logs.
            tracing::info!(
                built = report.built,
                uploaded = report.uploaded.len(),
                removed = report.removed.len(),
                invalidated = report.invalidated_paths.len(),
                elapsed_ms = report.elapsed.as_millis() as u64,
                "published"
            );
            Ok::<_, Error>(serde_json::to_value(&report)?)
        }
    }))
    .await
}
