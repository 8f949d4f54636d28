//! The AWS environment shared by the functions and the tools: the SDK configuration every
//! client is built from (once, at start-up), service endpoints, and the Lambda functions' logging.
//!
//! Two loaders behind one function. With the `aws-config` feature (site-gen and the staff tool:
//! people's machines, with profiles, SSO and assumed roles) the SDK's full provider chain is used.
//! Without it (the Lambda function) the settings come from the environment alone: Lambda puts
//! the region and the function's credentials there, and leaving out aws-config and its STS
//! client keeps the binary and its cold start small.

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_types::retry::RetryConfig;
use aws_types::SdkConfig;
use aws_types::region::Region;
use aws_types::sdk_config::SharedHttpClient;

/// An HTTPS client on rustls and ring: the SDK's default, aws-lc, adds megabytes to the Lambda
/// binary and to its cold start, for primitives ring provides as well.
pub fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring)).build_https()
}

/// Settings given explicitly (tests, local tools): region, static keys and an endpoint.
pub fn static_config(region: &str, key: &str, secret: &str, endpoint: Option<&str>) -> SdkConfig {
    let mut b = SdkConfig::builder()
        .behavior_version(aws_smithy_runtime_api::client::behavior_version::BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(key, secret, None, None, "static")))
        .http_client(http_client())
        .retry_config(RetryConfig::standard());
    if let Some(url) = endpoint {
        b = b.endpoint_url(url);
    }
    b.build()
}

/// Loads the standard AWS settings: see the module documentation for which loader.
#[cfg(feature = "aws-config")]
pub async fn load_config() -> SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http_client()).load().await
}

/// Loads the standard AWS settings: see the module documentation for which loader.
#[cfg(not(feature = "aws-config"))]
pub async fn load_config() -> SdkConfig {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let region = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION"));
    let mut b = SdkConfig::builder()
        .behavior_version(aws_smithy_runtime_api::client::behavior_version::BehaviorVersion::latest())
        .http_client(http_client())
        .retry_config(RetryConfig::standard());
    if let Some(region) = region {
        b = b.region(Region::new(region));
    }
    if let (Some(key), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        let credentials = Credentials::new(key, secret, var("AWS_SESSION_TOKEN"), None, "environment");
        b = b.credentials_provider(SharedCredentialsProvider::new(credentials));
    }
    if let Some(url) = var("AWS_ENDPOINT_URL") {
        b = b.endpoint_url(url);
    }
    b.build()
}

/// A service's own endpoint from `AWS_ENDPOINT_URL_<SERVICE>` (a local server), which the full
/// loader applies by itself and the Lambda loader leaves to each client.
pub fn service_endpoint(service: &str) -> Option<String> {
    std::env::var(format!("AWS_ENDPOINT_URL_{service}")).ok().filter(|v| !v.is_empty())
}

/// Logging of the Lambda functions: JSON lines at one level read from `RUST_LOG` (`info`,
/// `debug`...), without timestamps, which CloudWatch adds. Per-target filters would bring in a
/// regex engine, which the binaries' size and cold start pay for.
#[cfg(feature = "lambda-log")]
pub fn init_lambda_logging() {
    let level = std::env::var("RUST_LOG").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt().json().with_max_level(level).with_current_span(false).without_time().init();
}
