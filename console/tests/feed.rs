//! console-fn's rules from the site's bucket: publishing a calendar that adds a year makes the
//! provisional deadlines counted into that year exact, on the first request after the feed's
//! interval (console router, moto's S3, SQLite and DynamoDB).

mod common;

use common::{Harness, Setup};
use http::StatusCode;
use jiff::civil::date;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::published::PublishedRules;
use pengaduan_store::rules_feed::RulesFeed;
use pengaduan_store::testing::{CALENDAR_2026, Moto, new_bucket, put_rules, shipped_rules};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tower::ServiceExt;

const YEAR_2027: &str = r#"
[[tahun]]
tahun = 2027
libur_nasional = [{ tanggal = 2027-01-01, nama = "Tahun Baru 2027 Masehi" }]
cuti_bersama = []
"#;

fn rules_with(calendar: &str) -> PublishedRules {
    PublishedRules { service: shipped_rules().service, calendar: Calendar::from_toml(calendar).unwrap() }
}

#[tokio::test]
async fn a_published_year_makes_its_provisional_deadlines_exact_after_the_refresh_on_sqlite() {
    a_published_year_makes_its_provisional_deadlines_exact(false).await;
}

#[tokio::test]
async fn a_published_year_makes_its_provisional_deadlines_exact_after_the_refresh_on_dynamodb() {
    a_published_year_makes_its_provisional_deadlines_exact(true).await;
}

async fn a_published_year_makes_its_provisional_deadlines_exact(dynamodb: bool) {
    let calendar = Some(Calendar::from_toml(CALENDAR_2026).unwrap());
    let h = Harness::with(Setup { calendar, dynamodb, ..Setup::default() }).await;
    let client = Moto::shared().s3().await;
    let bucket = new_bucket(&client).await;
    put_rules(&client, &bucket, &rules_with(CALENDAR_2026).to_json()).await;
    let elapsed = Arc::new(AtomicI64::new(0));
    let clock = Arc::clone(&elapsed);
    let base = h.now();
    let later = move || base + jiff::SignedDuration::from_secs(clock.load(Ordering::SeqCst));
    let feed =
        Arc::new(RulesFeed::load_with_clock(client.clone(), &bucket, Duration::from_secs(300), later).await.unwrap());
    // Cold start: the store records the rules its deadlines follow.
    pengaduan_console::feed::follow(&h.console, &feed.rules()).await;
    let app = pengaduan_console::feed::app_following(Arc::clone(&h.console), Arc::clone(&feed));

    // Complete on Wednesday 23 December 2026: ten working days run into 2027, not yet published.
    let n = h.new_complaint(1).await;
    *h.clock.lock().unwrap() = "2026-12-23T03:00:00Z".parse().unwrap();
    let fo = h.login("rina").await;
    let resp = h.act(&fo, &n, "lengkap", &[("prosedur", "penyelesaian"), ("catatan", "Berkas lengkap")]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let deadline = h.load(&n).await.row.deadline.unwrap();
    assert!(deadline.provisional, "2027 is not in the calendar: {deadline:?}");

    // The office publishes 2027's holidays; the next request after the interval follows them.
    put_rules(&client, &bucket, &rules_with(&format!("{CALENDAR_2026}{YEAR_2027}")).to_json()).await;
    let page = |app: &axum::Router| {
        let req = http::Request::get("/staf/masuk").header(http::header::HOST, "127.0.0.1:8080");
        app.clone().oneshot(req.body(axum::body::Body::empty()).unwrap())
    };
    assert_eq!(page(&app).await.unwrap().status(), StatusCode::OK);
    assert!(h.load(&n).await.row.deadline.unwrap().provisional, "not due yet");
    elapsed.store(300, Ordering::SeqCst);
    assert_eq!(page(&app).await.unwrap().status(), StatusCode::OK);
    let deadline = h.load(&n).await.row.deadline.unwrap();
    assert!(!deadline.provisional, "{deadline:?}");
    assert_eq!(deadline.value, date(2027, 1, 11), "24 and 25 December and 1 January are off");
}
