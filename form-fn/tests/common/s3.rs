//! S3 on moto's server for the attachment contract: a client with path-style addressing and a
//! new, empty bucket per store.

use aws_sdk_s3::Client;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use form_fn::attachments::s3::S3Attachments;
use std::sync::atomic::{AtomicUsize, Ordering};

const REGION: &str = "ap-southeast-3";

/// An S3 client for the server at `endpoint`.
pub async fn client(endpoint: &str) -> Client {
    let config = form_fn::aws::static_config(REGION, "test", "test", Some(endpoint));
    S3Attachments::client(&config, true)
}

/// Creates a new, empty bucket and returns its name.
pub async fn new_bucket(client: &Client) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let bucket = format!("lampiran-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let location =
        CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::from(REGION)).build();
    client.create_bucket().bucket(&bucket).create_bucket_configuration(location).send().await.unwrap();
    bucket
}

/// Every key in `bucket`, sorted.
pub async fn all_keys(client: &Client, bucket: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut token = None;
    loop {
        let out = client.list_objects_v2().bucket(bucket).set_continuation_token(token).send().await.unwrap();
        keys.extend(out.contents().iter().filter_map(|o| o.key().map(str::to_owned)));
        token = out.next_continuation_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    keys.sort();
    keys
}
