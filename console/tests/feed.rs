//! console-fn's rules from the site's bucket: publishing a calendar that adds a year makes the
//! provisional deadlines counted into that year exact, on the first request after the feed's
//! interval (console router, moto's S3, SQLite and DynamoDB).

mod common;

use common::{Harness, Setup};
use http::StatusCode;
use jiff::civil::date;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::published::PublishedRules;
use pengaduan_core::report::Letterhead;
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
    PublishedRules { calendar: Calendar::from_toml(calendar).unwrap(), ..shipped_rules() }
}

/// A bucket publishing `first`, the console following it with the feed's interval of 300 s on a
/// clock the test moves: how to publish again, the seconds elapsed, and the app.
async fn following(h: &Harness, first: PublishedRules) -> (impl AsyncFn(PublishedRules), Arc<AtomicI64>, axum::Router) {
    let client = Moto::shared().s3().await;
    let bucket = new_bucket(&client).await;
    put_rules(&client, &bucket, &first.to_json()).await;
    let elapsed = Arc::new(AtomicI64::new(0));
    let clock = Arc::clone(&elapsed);
    let base = h.now();
    let later = move || base + jiff::SignedDuration::from_secs(clock.load(Ordering::SeqCst));
    let feed =
        Arc::new(RulesFeed::load_with_clock(client.clone(), &bucket, Duration::from_secs(300), later).await.unwrap());
    // Cold start: the store records the rules its deadlines follow.
    pengaduan_console::feed::follow(&h.console, &feed.rules()).await;
    let app = pengaduan_console::feed::app_following(Arc::clone(&h.console), Arc::clone(&feed));
    let publish = async move |rules: PublishedRules| put_rules(&client, &bucket, &rules.to_json()).await;
    (publish, elapsed, app)
}

fn kantor(wilayah: &str, alamat: &str) -> Letterhead {
    Letterhead {
        nama: "Dinas Penanaman Modal dan PTSP".into(),
        wilayah: wilayah.into(),
        alamat: alamat.into(),
        telepon: "(0265) 123456".into(),
    }
}

/// On AWS the console has no config.toml: the periodic report's letterhead is the one the site
/// publishes with its rules, and a new one is followed after the feed's interval, no deploy.
#[tokio::test]
async fn the_reports_letterhead_is_the_published_one_and_follows_a_new_publish() {
    let h = Harness::with(Setup::default()).await;
    let first = PublishedRules { kantor: kantor("Kabupaten Sukamaju", "Jl. Merdeka No. 7"), ..shipped_rules() };
    let (publish, elapsed, app) = following(&h, first).await;
    let agus = h.login("agus").await.cookie;
    let report = async || {
        let req = http::Request::get("/staf/laporan")
            .header(http::header::HOST, "127.0.0.1:8080")
            .header(http::header::COOKIE, &agus)
            .body(axum::body::Body::empty())
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        String::from_utf8(http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes().to_vec())
            .unwrap()
    };
    let html = report().await;
    assert!(html.contains("Kabupaten Sukamaju") && html.contains("Jl. Merdeka No. 7"), "{html}");

    // The office moves; the site publishes its new address; after the interval the report follows.
    let moved = PublishedRules { kantor: kantor("Kabupaten Sukamaju", "Jl. Pahlawan No. 12"), ..shipped_rules() };
    publish(moved).await;
    elapsed.store(300, Ordering::SeqCst);
    let html = report().await;
    assert!(html.contains("Jl. Pahlawan No. 12") && !html.contains("Jl. Merdeka No. 7"), "{html}");
}

/// console-fn answers gzipped to a browser that accepts it (CloudFront does not compress
/// `/staf/*`), and plainly to one that does not.
#[tokio::test]
async fn console_fn_gzips_its_pages_for_browsers_that_accept_it() {
    use std::io::Read;
    let h = Harness::with(Setup::default()).await;
    let (_, _, app) = following(&h, shipped_rules()).await;
    let agus = h.login("agus").await.cookie;
    let inbox = async |encoding: &str| {
        let req = http::Request::get("/staf/")
            .header(http::header::HOST, "127.0.0.1:8080")
            .header(http::header::COOKIE, &agus)
            .header(http::header::ACCEPT_ENCODING, encoding)
            .body(axum::body::Body::empty())
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let gzip = resp.headers().get(http::header::CONTENT_ENCODING).is_some_and(|v| v == "gzip");
        let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes().to_vec();
        (gzip, bytes)
    };
    let (gzip, plain) = inbox("identity").await;
    assert!(!gzip);
    let (gzip, compressed) = inbox("gzip, deflate, br").await;
    assert!(gzip, "no Content-Encoding: gzip");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&compressed[..]).read_to_string(&mut html).unwrap();
    assert_eq!(html.as_bytes(), &plain[..], "the same page");
    assert!(compressed.len() * 2 < plain.len(), "{} bytes gzipped of {}", compressed.len(), plain.len());
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
    let (publish, elapsed, app) = following(&h, rules_with(CALENDAR_2026)).await;

    // Complete on Wednesday 23 December 2026: ten working days run into 2027, not yet published.
    let n = h.new_complaint(1).await;
    *h.clock.lock().unwrap() = "2026-12-23T03:00:00Z".parse().unwrap();
    let fo = h.login("rina").await;
    let resp = h.act(&fo, &n, "lengkap", &[("prosedur", "penyelesaian"), ("catatan", "Berkas lengkap")]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let deadline = h.load(&n).await.row.deadline.unwrap();
    assert!(deadline.provisional, "2027 is not in the calendar: {deadline:?}");

    // The office publishes 2027's holidays; the next request after the interval follows them.
    publish(rules_with(&format!("{CALENDAR_2026}{YEAR_2027}"))).await;
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
