//! What the public sees of a complaint part-way through its procedure, from the real history.

use super::*;
use jiff::civil::date;
use pengaduan_core::calendar::Calendar;
use pengaduan_store::testing::{advance, complaint, nomor, now, procedure, state_of, store_transition};
use pengaduan_store::{ComplaintStore, WorkflowChange, WorkflowStore};

#[tokio::test]
async fn the_public_status_shows_stages_deadline_and_next_step_but_no_notes_or_names() {
    let store = SqliteStore::in_memory().unwrap();
    let (n, code) = returned_as_incomplete(&store).await;
    let (state, version) = state_of(&store, &n).await;
    let t = state.mark_complete(procedure("penyelesaian"), date(2026, 12, 1), "catatan internal").unwrap();
    store_transition(&store, &n, version, &t, "Rina Rahasia", now()).await.unwrap();
    advance(&store, &n, "Budi Rahasia").await;

    let app = App::new(store, Config::default(), HttpConfig::default(), crate::pages()).with_clock(now);
    let get = |accept: &'static str| {
        let req = http::Request::builder()
            .uri(format!("/api/lacak?nomor={n}&kode={code}"))
            .header("accept", accept)
            .body(Bytes::new())
            .unwrap();
        handle(&app, req, None)
    };
    let json_resp = get("application/json").await;
    assert_eq!(json_resp.status(), 200);
    let v: serde_json::Value = serde_json::from_slice(json_resp.body()).unwrap();
    // The fields the contract already had are all still there.
    for key in ["nomor", "status", "status_label", "jenis", "diterima_pada", "langkah_berikutnya"] {
        assert!(v.get(key).is_some(), "{key} kept");
    }
    assert_eq!(v["status"], "diproses");
    assert_eq!(v["tenggat"], "2026-12-15", "10 working days after Tuesday 1 December 2026");
    let tahapan = v["tahapan"].as_array().unwrap();
    let got: Vec<(&str, bool, Option<&str>)> = tahapan
        .iter()
        .map(|t| (t["status"].as_str().unwrap(), t["tercapai"].as_bool().unwrap(), t["tanggal"].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("diterima", true, Some("2026-11-29")),
            ("perlu_dilengkapi", true, Some("2026-11-29")),
            ("diverifikasi", true, Some("2026-12-01")),
            ("diproses", true, Some("2026-11-29")),
            ("selesai", false, None),
        ]
    );
    // The next step in plain words (core's sentence), never the staff's job titles.
    assert_eq!(v["langkah_berikutnya"], pengaduan_core::Status::Diproses.next_step());
    assert!(!v["langkah_berikutnya"].as_str().unwrap().contains("JFT"), "{}", v["langkah_berikutnya"]);
    let html_resp = get("text/html").await;
    let html = String::from_utf8(html_resp.body().to_vec()).unwrap();
    assert!(html.contains("Selasa, 15 Desember 2026"), "deadline shown");
    assert!(html.contains("Selasa, 1 Desember 2026"), "stage date shown");
    let marks = stage_marks(&html);
    assert_eq!(marks, ["✓", "✓", "✓", "", ""], "ticks for what is done, none on the step under way: {marks:?}");
    let body = String::from_utf8(json_resp.body().to_vec()).unwrap();
    for secret in ["Rahasia", "Fotokopi KTP kabur", "catatan internal", "dikerjakan", "Siti"] {
        assert!(!body.contains(secret) && !html.contains(secret), "{secret} must not be public");
    }
    assert_eq!(v["tenggat_sementara"], false, "counted with every holiday it needed");
    assert!(!html.contains("sementara"), "no mark on an exact deadline");
    // Once the files are complete, the page and its receipt say by when.
    let rule = "Jangka waktu penyelesaian: <strong>2 s&#x2F;d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap</strong>.";
    let date = "Batas waktu penyelesaian: <strong>Selasa, 15 Desember 2026</strong>.";
    assert!(html.contains(rule) && html.contains(date), "{html}");
    let req =
        http::Request::builder().uri(format!("/api/lacak?nomor={n}&kode={code}&cetak=1")).body(Bytes::new()).unwrap();
    let receipt = String::from_utf8(handle(&app, req, None).await.body().to_vec()).unwrap();
    assert!(receipt.contains("<h1>Bukti penerimaan pengaduan</h1>"), "{receipt}");
    assert!(receipt.contains(rule) && receipt.contains(date), "{receipt}");
    assert!(receipt.contains("<dd>Izin usaha belum terbit 1</dd>"), "the title: {receipt}");
    for secret in ["Rahasia", "Fotokopi KTP kabur", "catatan internal", "Siti"] {
        assert!(!receipt.contains(secret), "{secret} must not be on the receipt");
    }
}

/// A complaint received on 29 November and returned as incomplete by "Rina Rahasia" (a name
/// that must never be public): its number and tracking code.
async fn returned_as_incomplete(store: &SqliteStore) -> (pengaduan_core::RegisterNumber, String) {
    let c = complaint(1, "public", now(), 2026);
    let code = c.receipt.kode_lacak.clone();
    let n = nomor(&store.submit(c).await.unwrap());
    let (state, version) = state_of(store, &n).await;
    let t = state.mark_incomplete("Fotokopi KTP kabur", date(2026, 11, 30)).unwrap();
    store_transition(store, &n, version, &t, "Rina Rahasia", now()).await.unwrap();
    (n, code.to_string())
}

/// The marker of each stage on a status page, in order.
fn stage_marks(html: &str) -> Vec<String> {
    html.split("<span class=\"stage__marker\" aria-hidden=\"true\">")
        .skip(1)
        .map(|rest| rest.split("</span>").next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_file_waiting_for_the_citizen_is_marked_for_attention_not_ticked() {
    let store = SqliteStore::in_memory().unwrap();
    let (n, code) = returned_as_incomplete(&store).await;
    let app = App::new(store, Config::default(), HttpConfig::default(), crate::pages()).with_clock(now);
    let req = http::Request::builder().uri(format!("/api/lacak?nomor={n}&kode={code}")).body(Bytes::new()).unwrap();
    let html = String::from_utf8(handle(&app, req, None).await.body().to_vec()).unwrap();
    assert_eq!(stage_marks(&html), ["✓", "!", "", "", ""]);
    assert!(html.contains("stage--current stage--attention\" aria-current=\"step\""), "{html}");
}

/// A holiday calendar with 2026 only (Christmas and its cuti bersama, the only days off left
/// after 28 December that could move a deadline).
const CALENDAR_2026_ONLY: &str = r#"
[[tahun]]
tahun = 2026
libur_nasional = [{ tanggal = 2026-12-25, nama = "Kelahiran Yesus Kristus (Natal)" }]
cuti_bersama = [{ tanggal = 2026-12-24, nama = "Cuti bersama Kelahiran Yesus Kristus (Natal)" }]
"#;

#[tokio::test]
async fn a_deadline_counted_without_a_years_holidays_is_marked_sementara() {
    let store = SqliteStore::in_memory().unwrap();
    let c = complaint(1, "provisional", now(), 2026);
    let code = c.receipt.kode_lacak.clone();
    let n = nomor(&store.submit(c).await.unwrap());
    // Complete on 28 December 2026, counted on a calendar that has no 2027: the shipped one
    // gains 2027 the day the office adds it, and this must still find a year unknown.
    let calendar = Calendar::from_toml(CALENDAR_2026_ONLY).unwrap();
    let (state, version) = state_of(&store, &n).await;
    let t = state.mark_complete(procedure("penyelesaian"), date(2026, 12, 28), "").unwrap();
    let deadline = t.to.deadline(&calendar, 10);
    assert!(deadline.is_some_and(|d| d.provisional), "2027 is not in the fixture: {deadline:?}");
    let next = procedure("penyelesaian").public_next_step(t.to.step_index.unwrap());
    let change = WorkflowChange::from_transition(&t, "Rina", now(), 2026, deadline, next);
    store.apply(&n, version, change).await.unwrap();

    let app = App::new(store, Config::default(), HttpConfig::default(), crate::pages()).with_clock(now);
    let get = |accept: &'static str| {
        let req = http::Request::builder()
            .uri(format!("/api/lacak?nomor={n}&kode={code}"))
            .header("accept", accept)
            .body(Bytes::new())
            .unwrap();
        handle(&app, req, None)
    };
    let v: serde_json::Value = serde_json::from_slice(get("application/json").await.body()).unwrap();
    assert_eq!((&v["tenggat"], &v["tenggat_sementara"]), (&serde_json::json!("2027-01-11"), &serde_json::json!(true)));
    let html = String::from_utf8(get("text/html").await.body().to_vec()).unwrap();
    assert!(html.contains("Senin, 11 Januari 2027 (sementara: kalender hari libur 2027 belum ditetapkan)"), "{html}");

    // Recomputed once the year is known: the mark goes.
    app.store().refresh_deadline(&n, 2, Some(date(2027, 1, 12)), false).await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(get("application/json").await.body()).unwrap();
    assert_eq!((&v["tenggat"], &v["tenggat_sementara"]), (&serde_json::json!("2027-01-12"), &serde_json::json!(false)));
    let html = String::from_utf8(get("text/html").await.body().to_vec()).unwrap();
    assert!(html.contains("Selasa, 12 Januari 2027") && !html.contains("sementara"), "{html}");
}
