//! The rules the site publishes reach the running function: a new `aturan-layanan.json` in the
//! site's bucket changes the time limit the status page and the receipt state, once the feed's
//! interval has passed (as the Lambda function checks before each request).

use super::*;
use pengaduan_store::rules_feed::RulesFeed;
use pengaduan_store::testing::{Moto, new_bucket, put_rules, shipped_rules};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

#[tokio::test]
async fn a_published_time_limit_changes_what_the_status_page_states() {
    let client = Moto::shared().s3().await;
    let bucket = new_bucket(&client).await;
    put_rules(&client, &bucket, &shipped_rules().to_json()).await;
    let base: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
    let elapsed = Arc::new(AtomicI64::new(0));
    let clock = Arc::clone(&elapsed);
    let later = move || base + jiff::SignedDuration::from_secs(clock.load(Ordering::SeqCst));
    let feed = RulesFeed::load_with_clock(client.clone(), &bucket, Duration::from_secs(300), later).await.unwrap();
    let pages = Pages::embedded().unwrap().with_rules(&feed.rules());
    let http = HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() };
    let app = App::new(SqliteStore::in_memory().unwrap(), Config::default(), http, pages).with_clock(move || base);

    let location = header(&post_form(&app, VALID_FORM).await, "location").to_owned();
    let status = || async { text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await) };
    let old = "<strong>2 s&#x2F;d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap</strong>";
    assert!(status().await.contains(old));

    let mut rules = shipped_rules();
    rules.service.max_working_days = 7;
    rules.service.time_limits.id.as_mut().unwrap().max_working_days = 7;
    put_rules(&client, &bucket, &rules.to_json()).await;
    form_fn::lambda::follow_rules(&app, &feed).await;
    assert!(status().await.contains(old), "not due yet: the rules in hand stay");

    elapsed.store(300, Ordering::SeqCst);
    form_fn::lambda::follow_rules(&app, &feed).await;
    let html = status().await;
    assert!(
        html.contains("<strong>2 s&#x2F;d 7 hari kerja setelah berkas persyaratan dinyatakan lengkap</strong>"),
        "{html}"
    );
    // A complaint submitted now is told the new limit in its receipt too.
    let location =
        header(&post_form(&app, &VALID_FORM.replace("belum+terbit", "tertunda")).await, "location").to_owned();
    let page = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(page.contains("2 s&#x2F;d 7 hari kerja"), "{page}");
}
