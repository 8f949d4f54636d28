//! `POST /api/pengaduan/lengkapi`: a complainant completes returned files online with the
//! number and tracking code (issue 23): back to the completeness check, the addition in the
//! history and its file with the complaint's attachments; refused with a wrong code (counted
//! like a failed look-up) and for a complaint whose files were not returned.

use super::*;
use jiff::civil::date;
use pengaduan_core::workflow::Action;
use pengaduan_core::{RegisterNumber, Status};
use pengaduan_store::attachments::local::LocalAttachments;
use pengaduan_store::attachments::{AnyAttachments, AttachmentStore};
use pengaduan_store::testing::{multipart, state_of, store_transition};
use pengaduan_store::{ComplaintStore, WorkflowStore};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00";
const REASON: &str = "Lampirkan fotokopi KTP yang terbaca jelas.";
const ADDED: &str = "Fotokopi KTP yang jelas saya lampirkan bersama ini.";

/// An app with an attachment folder and one complaint received online (its number and code).
async fn received() -> (App<SqliteStore>, tempfile::TempDir, RegisterNumber, String) {
    let dir = tempfile::tempdir().unwrap();
    let files = LocalAttachments::open(&dir.path().join("lampiran")).unwrap();
    let app = app().with_attachments(AnyAttachments::Local(files));
    let first = multipart(
        &[
            ("jenis", "pengaduan"),
            ("nama", "Siti Rahayu"),
            ("telepon", "081234567890"),
            ("judul", "Izin usaha belum terbit"),
            ("isi", "Permohonan izin saya belum terbit setelah tiga minggu."),
            ("pernyataan_kebenaran", "on"),
            ("persetujuan_data", "on"),
        ],
        &[("permohonan.pdf", "application/pdf", PDF)],
    );
    let resp = send(
        &app,
        "POST",
        "/api/pengaduan",
        &[("content-type", "multipart/form-data; boundary=B0und4ry"), ("accept", "application/json")],
        first,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
    let v = json_of(&resp);
    let n = RegisterNumber::parse(v["nomor"].as_str().unwrap()).unwrap();
    (app, dir, n, v["kode_lacak"].as_str().unwrap().to_owned())
}

/// The Front Office returns the files with [`REASON`].
async fn returned() -> (App<SqliteStore>, tempfile::TempDir, RegisterNumber, String) {
    let (app, dir, n, code) = received().await;
    let (state, version) = state_of(app.store(), &n).await;
    let t = state.mark_incomplete(REASON, date(2026, 11, 29)).unwrap();
    store_transition(app.store(), &n, version, &t, "Rina (FO)", pengaduan_store::testing::now()).await.unwrap();
    (app, dir, n, code)
}

async fn add(
    app: &App<SqliteStore>,
    n: &RegisterNumber,
    code: &str,
    text: &str,
    files: &[(&str, &str, &[u8])],
) -> Response<Bytes> {
    let nomor = n.to_string();
    let body = multipart(&[("nomor", &nomor), ("kode", code), ("lang", "id"), ("keterangan", text)], files);
    send(app, "POST", "/api/pengaduan/lengkapi", &[("content-type", "multipart/form-data; boundary=B0und4ry")], body)
        .await
}

#[tokio::test]
async fn the_status_page_says_what_is_missing_and_offers_the_form() {
    let (app, _dir, n, code) = returned().await;
    let page = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    let html = text_of(&page);
    assert_eq!(page.status(), StatusCode::OK);
    assert!(html.contains("Yang perlu dilengkapi") && html.contains(REASON), "the office's reason: {html}");
    assert!(html.contains(r#"action="/api/pengaduan/lengkapi""#), "{html}");
    assert!(html.contains(r#"enctype="multipart/form-data""#));
    assert!(html.contains(&format!(r#"name="kode" value="{code}""#)), "the code in the body, not the address");
    assert!(html.contains(r#"name="keterangan""#) && html.contains(r#"name="lampiran""#));
    let json = json_of(
        &send(
            &app,
            "GET",
            &format!("/api/lacak?nomor={n}&kode={code}"),
            &[("accept", "application/json")],
            Bytes::new(),
        )
        .await,
    );
    assert_eq!(json["alasan_pengembalian"], REASON);

    // Only while the files are with the complainant.
    let (app, _dir, n, code) = received().await;
    let html = text_of(&send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await);
    assert!(!html.contains("form-lengkapi"), "{html}");
}

#[tokio::test]
async fn a_returned_complaint_is_completed_online_with_text_and_a_pdf() {
    let (app, _dir, n, code) = returned().await;
    let before = app.store().load(&n).await.unwrap().unwrap();
    let resp =
        add(&app, &n, &code.to_lowercase().replace('-', ""), ADDED, &[("ktp-siti.pdf", "application/pdf", PDF)]).await;
    let html = text_of(&resp);
    assert_eq!(resp.status(), StatusCode::OK, "{html}");
    assert!(resp.headers().get("location").is_none(), "no address carries the code");
    assert!(html.contains("Tambahan Anda telah kami terima") && html.contains("ktp-siti.pdf"), "{html}");
    assert!(html.contains(&code), "the status page of this complaint");
    assert!(!html.contains("form-lengkapi"), "the form is gone once sent");
    // The forms of the page answering the POST (`…/lengkapi`) still reach the look-up, the
    // code POSTed rather than put in an address.
    assert!(
        html.contains(&format!(
            "action=\"/api/lacak\"><input type=\"hidden\" name=\"nomor\" value=\"{n}\"><input type=\"hidden\" name=\"kode\" value=\"{code}\">"
        )),
        "{html}"
    );
    assert!(!html.contains("kode="), "no address holds the code: {html}");

    let after = app.store().load(&n).await.unwrap().unwrap();
    assert_eq!(after.row.state.status, Status::Diterima, "back to the completeness check");
    assert_eq!(after.row.state.clock_events, before.row.state.clock_events, "the clock waits for staff");
    assert_eq!(after.row.deadline, None);
    let last = after.history.last().unwrap();
    assert_eq!(
        (last.action, last.from, last.to),
        (Action::Dilengkapi, Some(Status::PerluDilengkapi), Status::Diterima)
    );
    assert_eq!(last.by, "Pengadu (daring)");
    assert_eq!(after.additions.len(), 1);
    let a = &after.additions[0];
    assert_eq!((a.seq, a.text.as_str(), a.files.as_slice()), (last.seq, ADDED, &["ktp-siti.pdf".to_owned()][..]));
    assert_eq!(a.at, "2026-11-29T06:00:00Z".parse().unwrap());
    // Stored with the complaint's files, after the one sent at intake, byte for byte.
    let files = app.attachments().unwrap();
    let listed = files.list(&n.to_string()).await.unwrap();
    assert_eq!(listed.iter().map(|m| m.display_name.as_str()).collect::<Vec<_>>(), ["permohonan.pdf", "ktp-siti.pdf"]);
    assert_eq!(files.get(&n.to_string(), 2).await.unwrap().unwrap().1, PDF);
    assert!(app.store().pending_uploads(&n).await.unwrap().is_empty(), "committed");

    // Once only: the files are back with the office.
    let again = add(&app, &n, &code, ADDED, &[]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(app.store().load(&n).await.unwrap().unwrap().additions.len(), 1);
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_counted_with_the_look_ups() {
    let (app, _dir, n, code) = returned().await;
    let wrong = add(&app, &n, "AAAA-BBBB-CCCC", ADDED, &[("ktp.pdf", "application/pdf", PDF)]).await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND, "{}", text_of(&wrong));
    assert_eq!(app.store().load(&n).await.unwrap().unwrap().row.state.status, Status::PerluDilengkapi);
    assert!(app.store().load(&n).await.unwrap().unwrap().additions.is_empty());
    // The same count as the status page's: 29 more failures there, and then even the right code is refused.
    for _ in 0..29 {
        send(&app, "GET", &format!("/api/lacak?nomor={n}&kode=AAAA-BBBB-CCCC"), &[], Bytes::new()).await;
    }
    let limited = add(&app, &n, &code, ADDED, &[]).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!header(&limited, "retry-after").is_empty());
    assert!(app.store().load(&n).await.unwrap().unwrap().additions.is_empty(), "nothing stored");
}

#[tokio::test]
async fn a_complaint_not_returned_is_refused_in_plain_words() {
    let (app, _dir, n, code) = received().await;
    let resp = add(&app, &n, &code, ADDED, &[("ktp.pdf", "application/pdf", PDF)]).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = text_of(&resp);
    assert!(html.contains("tidak sedang berstatus Perlu dilengkapi"), "{html}");
    let rec = app.store().load(&n).await.unwrap().unwrap();
    assert_eq!((rec.history.len(), rec.additions.len()), (1, 0), "nothing stored");
    assert_eq!(app.attachments().unwrap().list(&n.to_string()).await.unwrap().len(), 1, "only the intake's file");
}

#[tokio::test]
async fn bad_input_is_shown_again_with_the_text_kept_and_nothing_stored() {
    let (app, _dir, n, code) = returned().await;
    let resp = add(&app, &n, &code, "terlalu pendek", &[("gambar.gif", "image/gif", GIF)]).await;
    let html = text_of(&resp);
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Keterangan tambahan harus 20 karakter atau lebih"), "{html}");
    assert!(html.contains(r##"<a href="#lampiran">"##), "the file's message in the summary: {html}");
    assert!(html.contains(">terlalu pendek</textarea>"), "the text kept: {html}");
    assert!(html.contains(REASON), "still says what is missing");
    let rec = app.store().load(&n).await.unwrap().unwrap();
    assert_eq!((rec.row.state.status, rec.additions.len()), (Status::PerluDilengkapi, 0));
    assert_eq!(app.attachments().unwrap().list(&n.to_string()).await.unwrap().len(), 1);

    // JSON clients get the field errors.
    let nomor = n.to_string();
    let body =
        json!({ "nomor": nomor, "kode": code, "keterangan": "\u{1b}[2J cukup panjang untuk diterima" }).to_string();
    let resp = send(&app, "POST", "/api/pengaduan/lengkapi", &[("content-type", "application/json")], body).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(&resp)["errors"][0]["field"], "keterangan");
    // Another method is refused, naming the one allowed.
    let get = send(&app, "GET", "/api/pengaduan/lengkapi", &[], Bytes::new()).await;
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
}
