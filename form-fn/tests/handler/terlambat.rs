//! An unfinished complaint past its deadline: the status page says so, in working days, and
//! names where to escalate; before the deadline, and once finished, it does not.

use super::*;
use jiff::civil::date;
use pengaduan_store::testing::{complaint, complete, nomor, now};
use pengaduan_store::{ComplaintStore, WorkflowStore};

/// A complaint whose files were declared complete on Monday 2 November 2026, so its deadline
/// is Monday 16 November, on an app whose clock reads `at`.
async fn overdue_app(at: &'static str) -> (App<SqliteStore>, String, String) {
    let store = SqliteStore::in_memory().unwrap();
    let c = complaint(1, "terlambat", now(), 2026);
    let code = c.receipt.kode_lacak.clone();
    let n = nomor(&store.submit(c).await.unwrap());
    complete(&store, &n, "penyelesaian", date(2026, 11, 2)).await;
    assert_eq!(store.load(&n).await.unwrap().unwrap().row.deadline.map(|d| d.value), Some(date(2026, 11, 16)));
    let clock: Timestamp = at.parse().unwrap();
    let app = App::new(store, Config::default(), HttpConfig::default(), pages()).with_clock(move || clock);
    (app, n.to_string(), code)
}

async fn status_page(app: &App<SqliteStore>, n: &str, code: &str, lang: &str) -> String {
    let resp = send(app, "GET", &format!("/api/lacak?nomor={n}&kode={code}{lang}"), &[], Bytes::new()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    String::from_utf8(resp.body().to_vec()).unwrap()
}

#[tokio::test]
async fn past_the_deadline_the_page_says_by_how_many_working_days_and_where_to_escalate() {
    // Monday 7 December 2026, 10.00 WIB: 15 working days after 16 November.
    let (app, n, code) = overdue_app("2026-12-07T03:00:00Z").await;
    let html = status_page(&app, &n, &code, "").await;
    assert!(html.contains("Batas waktu penyelesaian telah lewat"), "{html}");
    assert!(html.contains("telah lewat 15 hari kerja"), "{html}");
    assert!(html.contains("Senin, 16 November 2026"), "the deadline itself is still given");
    for contact in [
        "https://www.lapor.go.id",
        "sms:1708",
        "Ombudsman Republik Indonesia",
        "tel:137",
        "https://www.ombudsman.go.id",
    ] {
        assert!(html.contains(contact), "{contact} listed: {html}");
    }
    let en = status_page(&app, &n, &code, "&lang=en").await;
    assert!(en.contains("The time limit for your complaint passed 15 working days ago"), "{en}");
    assert!(en.contains("Website: <a href=\"https://www.ombudsman.go.id\">"), "{en}");
    assert!(!en.contains("telah lewat"), "no Indonesian sentence on the English page");
    let resp = send(
        &app,
        "GET",
        &format!("/api/lacak?nomor={n}&kode={code}"),
        &[("accept", "application/json")],
        Bytes::new(),
    )
    .await;
    assert_eq!(json_of(&resp)["terlambat_hari_kerja"], 15);
}

#[tokio::test]
async fn on_the_deadline_and_before_it_nothing_is_overdue() {
    // Monday 16 November 2026, 15.00 WIB: the last day, still in time.
    let (app, n, code) = overdue_app("2026-11-16T08:00:00Z").await;
    let html = status_page(&app, &n, &code, "").await;
    assert!(html.contains("Senin, 16 November 2026"), "{html}");
    assert!(!html.contains("telah lewat") && !html.contains("Ombudsman"), "{html}");
    let resp = send(
        &app,
        "GET",
        &format!("/api/lacak?nomor={n}&kode={code}"),
        &[("accept", "application/json")],
        Bytes::new(),
    )
    .await;
    assert_eq!(json_of(&resp)["terlambat_hari_kerja"], Value::Null);
}

#[tokio::test]
async fn a_weekend_after_the_deadline_is_past_it_without_a_count() {
    // Saturday 21 November: the deadline was Monday, four working days ago; then a weekend
    // right after a Friday deadline reads without a number.
    let (app, n, code) = overdue_app("2026-11-21T03:00:00Z").await;
    assert!(status_page(&app, &n, &code, "").await.contains("telah lewat 4 hari kerja"));
}
