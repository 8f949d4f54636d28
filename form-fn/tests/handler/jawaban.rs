//! The office's answer on the status page of a finished complaint: the Surat Jawaban's text in
//! the page's language where the office wrote one, and the Berita Acara's download, a POST that
//! checks number and code as the look-up does.

use super::*;
use jiff::civil::date;
use pengaduan_core::attachment::{FileKind, ValidFile};
use pengaduan_store::answer::{Answer, AnswerStore};
use pengaduan_store::attachments::local::LocalAttachments;
use pengaduan_store::attachments::{AnyAttachments, AttachmentStore};
use pengaduan_store::testing::{advance, complaint, complete, nomor, now};
use pengaduan_store::{ComplaintStore, WorkflowStore};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

struct Fixture {
    app: App<SqliteStore>,
    n: String,
    code: String,
    _dir: tempfile::TempDir,
}

/// A complaint taken through procedure `penyelesaian` to its last step when `finish`, else
/// left one step before it, with an answer (English text as given) and a Berita Acara.
async fn fixture(finish: bool, english: Option<&str>) -> Fixture {
    let store = SqliteStore::in_memory().unwrap();
    let c = complaint(1, "jawaban", now(), 2026);
    let code = c.receipt.kode_lacak.clone();
    let number = nomor(&store.submit(c).await.unwrap());
    complete(&store, &number, "penyelesaian", date(2026, 11, 30)).await;
    let last = pengaduan_store::testing::procedure("penyelesaian").steps.len() - 1;
    let stop = if finish { last } else { last - 1 };
    while store.load(&number).await.unwrap().unwrap().row.state.step_index != Some(stop) {
        advance(&store, &number, "rina (Front Office)").await;
    }
    let dir = tempfile::tempdir().unwrap();
    let files = AnyAttachments::Local(LocalAttachments::open(dir.path()).unwrap());
    let n = number.to_string();
    let pdf = ValidFile { display_name: "BA ttd".into(), kind: FileKind::Pdf, size: PDF.len() };
    let meta = files.put_document(&n, &pdf, Bytes::from_static(PDF)).await.unwrap();
    let answer = Answer {
        text_id: "Izin usaha Anda telah terbit.\n\nTerima kasih atas laporan Anda.".into(),
        text_en: english.map(str::to_owned),
        berita_acara: Some(meta),
        by: "rina (Front Office)".into(),
        at: now(),
    };
    store.set_answer(&n, &answer).await.unwrap();
    let app =
        App::new(store, Config::default(), HttpConfig::default(), pages()).with_attachments(files).with_clock(now);
    Fixture { app, n, code, _dir: dir }
}

async fn page(f: &Fixture, lang: &str) -> String {
    let resp = send(&f.app, "GET", &format!("/api/lacak?nomor={}&kode={}{lang}", f.n, f.code), &[], Bytes::new()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    String::from_utf8(resp.body().to_vec()).unwrap()
}

async fn download(f: &Fixture, kode: &str) -> Response<Bytes> {
    let body = format!("nomor={}&kode={kode}&lang=id", f.n);
    send(&f.app, "POST", "/api/jawaban", &[("content-type", "application/x-www-form-urlencoded")], body).await
}

#[tokio::test]
async fn a_finished_complaint_shows_the_answer_in_the_pages_language() {
    let f = fixture(true, Some("Your business permit has been issued.")).await;
    let html = page(&f, "").await;
    assert!(html.contains("<h2 id=\"jawaban\">Jawaban atas pengaduan Anda</h2>"), "{html}");
    assert!(
        html.contains("<p>Izin usaha Anda telah terbit.</p>")
            && html.contains("<p>Terima kasih atas laporan Anda.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<form class=\"no-print\" method=\"post\" action=\"jawaban\""),
        "the download is a POST: {html}"
    );
    assert!(html.contains(&format!("name=\"kode\" value=\"{}\"", f.code)), "{html}");
    assert!(!html.contains("rina"), "no staff name on the public page");
    let en = page(&f, "&lang=en").await;
    assert!(en.contains("<h2 id=\"jawaban\">Our answer to your complaint</h2>"), "{en}");
    assert!(en.contains("<div class=\"answer\">\n  <p>Your business permit has been issued.</p>"), "{en}");
    let resp = send(
        &f.app,
        "GET",
        &format!("/api/lacak?nomor={}&kode={}", f.n, f.code),
        &[("accept", "application/json")],
        Bytes::new(),
    )
    .await;
    let v = json_of(&resp);
    assert_eq!((v["jawaban"]["bahasa"].as_str(), v["jawaban"]["berita_acara"].as_bool()), (Some("id"), Some(true)));
}

#[tokio::test]
async fn an_english_page_without_an_english_text_shows_the_indonesian_marked_so() {
    let f = fixture(true, None).await;
    let en = page(&f, "&lang=en").await;
    assert!(en.contains("<div class=\"answer\" lang=\"id\">\n  <p>Izin usaha Anda telah terbit.</p>"), "{en}");
}

#[tokio::test]
async fn the_berita_acara_downloads_with_the_right_code_only() {
    let f = fixture(true, None).await;
    let resp = download(&f, &f.code.to_lowercase().replace('-', "")).await;
    assert_eq!(resp.status(), StatusCode::OK, "the code in any case, with or without hyphens");
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert_eq!(resp.headers()["content-disposition"], format!("attachment; filename=\"berita-acara-{}.pdf\"", f.n));
    assert_eq!(&resp.body()[..], PDF);

    let wrong = download(&f, "AAAA-AAAA-AAAA").await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    assert!(wrong.headers().get("content-disposition").is_none());
    assert!(!wrong.body().starts_with(b"%PDF"));
    let missing = send(
        &f.app,
        "POST",
        "/api/jawaban",
        &[("content-type", "application/x-www-form-urlencoded")],
        format!("nomor={}", f.n),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    // Never by GET: the code would sit in the address.
    let get = send(&f.app, "GET", &format!("/api/jawaban?nomor={}&kode={}", f.n, f.code), &[], Bytes::new()).await;
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn before_the_last_step_the_answer_is_not_handed_over_online() {
    let f = fixture(false, Some("Issued.")).await;
    let html = page(&f, "").await;
    assert!(!html.contains("id=\"jawaban\"") && !html.contains("Izin usaha Anda telah terbit."), "{html}");
    assert_eq!(download(&f, &f.code).await.status(), StatusCode::NOT_FOUND);
}
