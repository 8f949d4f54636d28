//! The AWS SDK configuration shared by every client, built once at start-up.

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

/// Loads the standard AWS environment (region, credentials, `AWS_ENDPOINT_URL_*`) with an HTTPS
/// client on rustls and ring: the SDK's default, aws-lc, adds megabytes to the Lambda binary
/// and to its cold start, for primitives ring provides as well.
pub async fn load_config() -> aws_config::SdkConfig {
    config_loader().load().await
}

/// The loader behind [`load_config`], for callers (tests) that set region, credentials or
/// endpoint themselves.
pub fn config_loader() -> aws_config::ConfigLoader {
    let http = aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring)).build_https();
    aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http)
}
