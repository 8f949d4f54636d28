//! Attachments (`lampiran`): accepted into the attachment store with the complaint, refused without one.

use super::*;
use pengaduan_core::RegisterNumber;
use pengaduan_store::attachments::local::LocalAttachments;
use pengaduan_store::attachments::{AnyAttachments, AttachmentStore};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 0xFF, 0xD9];
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00";

const FIELDS: [(&str, &str); 7] = [
    ("jenis", "pengaduan"),
    ("nama", "Siti Rahayu"),
    ("email", "siti@contoh.co.id"),
    ("judul", "Izin usaha belum terbit"),
    ("isi", "Permohonan izin saya belum terbit setelah tiga minggu."),
    ("pernyataan_kebenaran", "on"),
    ("persetujuan_data", "on"),
];

pub use pengaduan_store::testing::multipart;

fn app_with_files() -> (App<SqliteStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let files = LocalAttachments::open(&dir.path().join("lampiran")).unwrap();
    (app().with_attachments(AnyAttachments::Local(files)), dir)
}

async fn post(app: &App<SqliteStore>, body: Vec<u8>, accept: &str) -> Response<Bytes> {
    send(
        app,
        "POST",
        "/api/pengaduan",
        &[("content-type", "multipart/form-data; boundary=B0und4ry"), ("accept", accept)],
        body,
    )
    .await
}

/// The process dies (here: the commit fails) between storing the complaint and committing
/// its files: the complaint's record names them, and a replay, or the sweep, finishes it.
#[tokio::test]
async fn files_of_a_cut_short_intake_arrive_on_replay_and_by_the_sweep() {
    use pengaduan_store::ComplaintStore;
    let (app, dir) = app_with_files();
    // A file where the committed folder must go makes every commit fail.
    let blocker = dir.path().join("lampiran/lampiran");
    std::fs::write(&blocker, b"").unwrap();
    let mut fields: Vec<(&str, &str)> = FIELDS.to_vec();
    fields.push(("idempotency_key", "kunci-lampiran-1"));
    let body = multipart(&fields, &[("bukti.pdf", "application/pdf", PDF)]);
    let first = post(&app, body.clone(), "application/json").await;
    assert_eq!(first.status(), StatusCode::CREATED, "the complaint is stored: {}", text_of(&first));
    let nomor = json_of(&first)["nomor"].as_str().unwrap().to_owned();
    let files = app.attachments().unwrap();
    assert_eq!(
        app.store().pending_uploads(&RegisterNumber::parse(&nomor).unwrap()).await.unwrap().len(),
        1,
        "the record names its file"
    );

    std::fs::remove_file(&blocker).unwrap();
    let again = post(&app, body, "application/json").await;
    assert_eq!(json_of(&again)["nomor"], nomor.as_str(), "the replay answers as the first time");
    assert_eq!(files.list(&nomor).await.unwrap().len(), 1, "the replay finished the commit");
    assert!(app.store().pending_uploads(&RegisterNumber::parse(&nomor).unwrap()).await.unwrap().is_empty());

    // A second cut-short intake, never replayed: the sweep finishes it.
    let blocker = dir.path().join("lampiran/lampiran/PGD-2026-00002");
    std::fs::write(&blocker, b"").unwrap();
    let mut fields: Vec<(&str, &str)> = FIELDS.to_vec();
    fields.push(("judul", "Laporan kedua dengan lampiran"));
    let second = post(&app, multipart(&fields, &[("foto.png", "image/png", PNG)]), "application/json").await;
    let nomor2 = json_of(&second)["nomor"].as_str().unwrap().to_owned();
    assert_eq!(
        app.store().pending_uploads(&RegisterNumber::parse(&nomor2).unwrap()).await.unwrap().len(),
        1,
        "not committed yet"
    );
    std::fs::remove_file(&blocker).unwrap();
    assert_eq!(pengaduan_store::uploads::sweep(app.store(), files).await.unwrap(), 1);
    assert_eq!(files.list(&nomor2).await.unwrap().len(), 1, "the sweep finished the commit");
    assert_eq!(pengaduan_store::uploads::sweep(app.store(), files).await.unwrap(), 0, "nothing left");
}

fn files_under(dir: &std::path::Path) -> usize {
    walkdir(dir).into_iter().filter(|p| p.is_file()).count()
}

fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walkdir(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn three_files_are_stored_with_the_complaint() {
    let (app, dir) = app_with_files();
    let files: [(&str, &str, &[u8]); 3] = [
        ("surat izin.pdf", "application/pdf", PDF),
        ("foto loket.jpg", "image/jpeg", JPEG),
        ("bukti.png", "image/png", PNG),
    ];
    let resp = post(&app, multipart(&FIELDS, &files), "text/html").await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(header(&resp, "location").contains("PGD-2026-00001"));
    let stored = app.attachments().unwrap().list("PGD-2026-00001").await.unwrap();
    let names: Vec<&str> = stored.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["surat izin.pdf", "foto loket.jpg", "bukti.png"]);
    for (i, (_, _, bytes)) in files.iter().enumerate() {
        let (_, got) = app.attachments().unwrap().get("PGD-2026-00001", i + 1).await.unwrap().expect("stored");
        assert_eq!(&got[..], *bytes);
    }
    assert!(stored.iter().all(|m| !m.key.contains("surat") && !m.key.contains("foto")), "generated keys");
    let leftovers: Vec<_> =
        walkdir(&dir.path().join("lampiran")).into_iter().filter(|p| p.to_string_lossy().contains("pending")).collect();
    assert!(leftovers.is_empty(), "no pending files left: {leftovers:?}");
}

#[tokio::test]
async fn each_bad_file_is_a_422_naming_it_and_nothing_is_stored() {
    let big = [PDF, &vec![b' '; 2 * 1024 * 1024][..]].concat();
    type Case<'a> = (Vec<(&'a str, &'a str, &'a [u8])>, &'a str);
    let cases: Vec<Case> = vec![
        (vec![("animasi.gif", "image/png", GIF)], "\"animasi.gif\" bukan PDF, JPEG, PNG, atau WebP"),
        (vec![("palsu.pdf", "application/pdf", b"MZ\x90\x00 not a pdf")], "\"palsu.pdf\""),
        (vec![("besar.pdf", "application/pdf", &big)], "\"besar.pdf\" lebih dari 2 MB"),
        (vec![("kosong.pdf", "application/pdf", b"")], "\"kosong.pdf\" kosong"),
        (
            vec![
                ("a.pdf", "application/pdf", PDF),
                ("b.pdf", "application/pdf", PDF),
                ("c.pdf", "application/pdf", PDF),
                ("d.pdf", "application/pdf", PDF),
            ],
            "paling banyak 3 berkas",
        ),
    ];
    let (app, dir) = app_with_files();
    for (files, needle) in cases {
        let resp = post(&app, multipart(&FIELDS, &files), "application/json").await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{needle}");
        let errors = json_of(&resp)["errors"].as_array().unwrap().clone();
        assert_eq!(errors.len(), 1, "one entry for the field: {errors:?}");
        assert_eq!(errors[0]["field"], "lampiran");
        assert!(errors[0]["message"].as_str().unwrap().contains(needle), "{needle}: {errors:?}");
    }
    assert_eq!(files_under(&dir.path().join("lampiran")), 0, "no file stored, not even pending");
    let ok = post(&app, multipart(&FIELDS, &[]), "application/json").await;
    assert_eq!(json_of(&ok)["nomor"], "PGD-2026-00001", "no number consumed");
}

#[tokio::test]
async fn a_field_error_stores_no_file_and_the_form_says_to_choose_again() {
    let (app, dir) = app_with_files();
    let mut fields = FIELDS.to_vec();
    fields[3] = ("judul", "");
    let resp = post(&app, multipart(&fields, &[("bukti.png", "image/png", PNG)]), "text/html").await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text_of(&resp);
    assert!(html.contains("enctype=\"multipart/form-data\""), "{}", &html[html.find("<form").unwrap_or(0)..][..300]);
    assert!(html.contains("pilih lagi"), "tells the person to choose the files again");
    assert_eq!(files_under(&dir.path().join("lampiran")), 0);
}

#[tokio::test]
async fn without_an_attachment_store_files_are_refused_but_forms_work() {
    let app = app();
    let resp = post(&app, multipart(&FIELDS, &[("bukti.png", "image/png", PNG)]), "application/json").await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(&resp)["errors"][0]["field"], "lampiran");
    let resp = post(&app, multipart(&FIELDS, &[("", "application/octet-stream", b"")]), "application/json").await;
    assert_eq!(resp.status(), StatusCode::CREATED, "an empty file input is no attachment");
}

/// A multipart body whose one file part carries `disposition` as its raw parameters, bytes
/// and all: the shared helper can only write a plain UTF-8 `filename="..."`.
fn multipart_with_raw_file(disposition: &[u8], bytes: &[u8]) -> Vec<u8> {
    let mut body = multipart(&FIELDS, &[]);
    body.truncate(body.len() - b"--B0und4ry--\r\n".len());
    body.extend_from_slice(b"--B0und4ry\r\nContent-Disposition: form-data; name=\"lampiran\"; ");
    body.extend_from_slice(disposition);
    body.extend_from_slice(b"\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--B0und4ry--\r\n");
    body
}

#[tokio::test]
async fn a_file_named_only_by_rfc_5987_filename_star_is_stored_under_its_decoded_name() {
    let (app, _dir) = app_with_files();
    let body = multipart_with_raw_file(b"filename*=UTF-8''Bukti%20Transfer.pdf", PDF);
    let resp = post(&app, body, "application/json").await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
    let stored = app.attachments().unwrap().list("PGD-2026-00001").await.unwrap();
    let names: Vec<&str> = stored.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["Bukti Transfer.pdf"], "201 means the file was kept");
    let (_, got) = app.attachments().unwrap().get("PGD-2026-00001", 1).await.unwrap().expect("stored");
    assert_eq!(&got[..], PDF);
}

#[tokio::test]
async fn a_file_whose_name_is_not_utf8_is_stored_under_a_safe_name() {
    let (app, _dir) = app_with_files();
    let body = multipart_with_raw_file(b"filename=\"Bukti \xff\xfe transfer.jpg\"", JPEG);
    let resp = post(&app, body, "application/json").await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
    let stored = app.attachments().unwrap().list("PGD-2026-00001").await.unwrap();
    let names: Vec<&str> = stored.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["lampiran.jpg"], "201 means the file was kept");
    assert_eq!(stored[0].kind.content_type(), "image/jpeg");
}

#[tokio::test]
async fn replayed_submission_keeps_the_first_files_only() {
    let (app, _dir) = app_with_files();
    let body = multipart(&FIELDS, &[("bukti.png", "image/png", PNG)]);
    let first = post(&app, body.clone(), "application/json").await;
    let again = post(&app, body, "application/json").await;
    assert_eq!(json_of(&first), json_of(&again));
    assert_eq!(app.attachments().unwrap().list("PGD-2026-00001").await.unwrap().len(), 1);
}

#[tokio::test]
async fn lambda_multipart_event_base64_as_api_gateway_sends_it() {
    use base64::Engine as _;
    let (app, _dir) = app_with_files();
    let body = multipart(&FIELDS, &[("surat.pdf", "application/pdf", PDF), ("foto.jpg", "image/jpeg", JPEG)]);
    let mut event: Value = serde_json::from_str(include_str!("../fixtures/http-api-v2-post-form.json")).unwrap();
    event["headers"]["content-type"] = json!("multipart/form-data; boundary=B0und4ry");
    event["headers"]["content-length"] = json!(body.len().to_string());
    event["body"] = json!(base64::engine::general_purpose::STANDARD.encode(&body));
    event["isBase64Encoded"] = json!(true);
    let req = lambda_http::request::from_str(&event.to_string()).unwrap();
    let resp = form_fn::lambda::handle_event(&app, req).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let stored = app.attachments().unwrap().list("PGD-2026-00001").await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1].kind.content_type(), "image/jpeg");
}

/// A file with the EICAR test string in a PDF, sent with clamd scanning the folder: the
/// complainant gets the ordinary receipt (the scan runs after, off the request), and the file is
/// then recorded infected. With clamd unreachable, intake is the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_infected_file_does_not_change_the_receipt_and_is_found_after() {
    use pengaduan_core::scan::ScanState;
    use pengaduan_store::attachments::clamd::Clamd;
    use pengaduan_store::testing::{ClamdServer, EICAR_PDF, EICAR_SIGNATURE};
    let dir = tempfile::tempdir().unwrap();
    let gone = Clamd::parse(&format!("unix://{}", dir.path().join("none.sock").display())).unwrap();
    let live = Clamd::parse(&ClamdServer::shared().url).unwrap();
    for (clamd, up, title) in
        [(gone, false, "Izin usaha belum terbit (clamd mati)"), (live, true, "Izin usaha belum terbit")]
    {
        let folder = dir.path().join(if up { "lampiran" } else { "lampiran-tanpa-clamd" });
        let files = LocalAttachments::open(&folder).unwrap().with_scanner(clamd);
        let app = app().with_attachments(AnyAttachments::Local(files.clone()));
        let mut fields: Vec<(&str, &str)> = FIELDS.to_vec();
        fields.push(("judul", title));
        let resp =
            post(&app, multipart(&fields, &[("bukti.pdf", "application/pdf", EICAR_PDF)]), "application/json").await;
        assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
        let body = json_of(&resp);
        assert_eq!(body["nomor"], "PGD-2026-00001");
        assert_eq!(body["status"], "diterima");
        assert!(body["kode_lacak"].is_string(), "the ordinary receipt: {body}");
        assert!(!text_of(&resp).contains("EICAR") && !text_of(&resp).contains("terinfeksi"), "nothing of the scan");
        let nomor = body["nomor"].as_str().unwrap();
        let meta = files.list(nomor).await.unwrap().remove(0);
        let mut state = files.scan_state(&meta).await.unwrap();
        for _ in 0..300 {
            if state != ScanState::BelumDipindai || !up {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            state = files.scan_state(&meta).await.unwrap();
        }
        let expected =
            if up { ScanState::Terinfeksi { signature: EICAR_SIGNATURE.into() } } else { ScanState::BelumDipindai };
        assert_eq!(state, expected);
    }
}
