//! The published rules read from the site's bucket (`pengaduan_store::rules_feed`), on moto's
//! S3: the first load, conditional checks at most once per interval, changes, and failures.

use jiff::Timestamp;
use pengaduan_core::published::{FILE, PublishedRules};
use pengaduan_store::rules_feed::{FeedError, RulesFeed};
use pengaduan_store::testing::{Moto, new_bucket, shipped_rules};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

const INTERVAL: Duration = Duration::from_secs(300);

/// A clock the test moves by hand: seconds after a fixed moment.
#[derive(Clone, Default)]
struct Clock(Arc<AtomicI64>);

impl Clock {
    fn now(&self) -> Timestamp {
        pengaduan_store::testing::now() + jiff::SignedDuration::from_secs(self.0.load(Ordering::SeqCst))
    }
    fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

use pengaduan_store::testing::put_rules as put;

/// A bucket holding the shipped rules, and a feed that has read them.
async fn published() -> (aws_sdk_s3::Client, String, RulesFeed, Clock) {
    let client = Moto::shared().s3().await;
    let bucket = new_bucket(&client).await;
    put(&client, &bucket, &shipped_rules().to_json()).await;
    let clock = Clock::default();
    let c = clock.clone();
    let feed = RulesFeed::load_with_clock(client.clone(), &bucket, INTERVAL, move || c.now()).await.unwrap();
    (client, bucket, feed, clock)
}

fn shorter(rules: &PublishedRules) -> PublishedRules {
    let mut rules = rules.clone();
    rules.service.max_working_days = 7;
    rules.service.time_limits.id.as_mut().unwrap().max_working_days = 7;
    rules
}

#[tokio::test]
async fn the_first_load_reads_the_published_rules() {
    let (_, _, feed, _) = published().await;
    assert_eq!(*feed.rules(), shipped_rules());
}

#[tokio::test]
async fn unchanged_rules_give_nothing_new() {
    let (client, bucket, feed, clock) = published().await;
    assert!(feed.check().await.unwrap().is_none(), "304: the same object");
    clock.advance(301);
    assert!(feed.refresh_if_due().await.is_none());
    // Written again with other bytes but the same rules (a rebuild that changed nothing in
    // them): a new ETag, the same digest.
    put(&client, &bucket, &shipped_rules().to_json().replace("\n", "\r\n")).await;
    clock.advance(301);
    assert!(feed.refresh_if_due().await.is_none(), "the same digest");
    assert_eq!(*feed.rules(), shipped_rules());
}

#[tokio::test]
async fn changed_rules_are_taken_once_the_interval_has_passed() {
    let (client, bucket, feed, clock) = published().await;
    let new = shorter(&shipped_rules());
    put(&client, &bucket, &new.to_json()).await;
    clock.advance(299);
    assert!(feed.refresh_if_due().await.is_none(), "not due yet: the bucket is not asked");
    assert_eq!(*feed.rules(), shipped_rules());
    clock.advance(1);
    assert_eq!(feed.refresh_if_due().await.as_deref(), Some(&new));
    assert_eq!(*feed.rules(), new);
    // Checked just now: the next check waits a whole interval again.
    put(&client, &bucket, &shipped_rules().to_json()).await;
    clock.advance(10);
    assert!(feed.refresh_if_due().await.is_none());
    clock.advance(300);
    assert_eq!(feed.refresh_if_due().await.as_deref(), Some(&shipped_rules()));
}

#[tokio::test]
async fn a_missing_object_is_a_clear_error_at_cold_start() {
    let client = Moto::shared().s3().await;
    let bucket = new_bucket(&client).await;
    let e = RulesFeed::load(client, &bucket, INTERVAL).await.err().expect("no rules published");
    assert!(matches!(e, FeedError::Missing { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains(&format!("s3://{bucket}/{FILE}")) && text.contains("publish the site"), "{text}");
}

#[tokio::test]
async fn corrupt_rules_are_refused_and_the_last_good_ones_kept() {
    let client = Moto::shared().s3().await;
    let bucket = new_bucket(&client).await;
    put(&client, &bucket, "{\"service\": ").await;
    let e = RulesFeed::load(client.clone(), &bucket, INTERVAL).await.err().expect("corrupt");
    assert!(matches!(e, FeedError::Invalid { .. }), "{e:?}");

    let (client, bucket, feed, clock) = published().await;
    put(&client, &bucket, "{\"service\": ").await;
    assert!(matches!(feed.check().await, Err(FeedError::Invalid { .. })));
    clock.advance(301);
    assert!(feed.refresh_if_due().await.is_none(), "logged, not taken");
    assert_eq!(*feed.rules(), shipped_rules(), "the last good rules stay");
    // Fixed at the next publish: taken at the next check.
    let new = shorter(&shipped_rules());
    put(&client, &bucket, &new.to_json()).await;
    clock.advance(301);
    assert_eq!(feed.refresh_if_due().await.as_deref(), Some(&new));
}
