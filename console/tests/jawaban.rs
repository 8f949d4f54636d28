//! The office's answer in the console: attached at the procedure's last step by the role that
//! hands it over (text, English text, the Berita Acara as a PDF where the procedure issues one),
//! refused at other steps, to other roles and without the CSRF token, shown to staff, and in the
//! audit trail.

mod common;

use axum::body::Body;
use common::{Browser, Harness, Setup, location, text as body};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use pengaduan_core::RegisterNumber;
use pengaduan_store::WorkflowStore;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::answer::AnswerStore;
use pengaduan_store::testing::{advance, complete};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// A multipart body as a browser sends the answer's form: text fields, then the file field
/// `berita_acara` (empty name and no bytes when none was chosen).
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    let (name, bytes) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!("--XyZ\r\nContent-Disposition: form-data; name=\"berita_acara\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    ("multipart/form-data; boundary=XyZ".into(), body)
}

async fn attach(
    h: &Harness,
    b: &Browser,
    n: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> http::Response<Body> {
    let (content_type, body) = multipart(fields, file);
    let req = Request::post(format!("/staf/pengaduan/{n}/jawaban"))
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, &b.cookie)
        .body(Body::from(body))
        .unwrap();
    h.send(req).await
}

/// A complaint under `procedure` advanced to the step `steps_before_last` before the last.
async fn at_step(h: &Harness, procedure: &str, steps_before_last: usize) -> String {
    let n = h.new_complaint(1).await;
    let number = RegisterNumber::parse(&n).unwrap();
    complete(&h.store, &number, procedure, jiff::civil::date(2026, 11, 30)).await;
    let len = pengaduan_store::testing::procedure(procedure).steps.len();
    while h.load(&n).await.row.state.step_index.unwrap() + 1 + steps_before_last < len {
        advance(&h.store, &number, "budi (JFT Analis Kebijakan)").await;
    }
    n
}

#[tokio::test]
async fn the_front_office_attaches_the_answer_at_the_last_step_and_staff_see_it() {
    let h = Harness::with(Setup { attachments: true, ..Setup::default() }).await;
    let fo = h.login("rina").await;
    let jft = h.login("budi").await;
    let n = at_step(&h, "penyelesaian", 2).await;
    let text = |csrf: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![("csrf", csrf), ("jawaban", "Izin Anda telah terbit.")]
    };
    let (fo_csrf, jft_csrf): (&'static str, &'static str) = (fo.csrf.clone().leak(), jft.csrf.clone().leak());
    // Two steps before the last, the answer is not signed yet: refused, and no form offered.
    assert_eq!(attach(&h, &fo, &n, &text(fo_csrf), None).await.status(), StatusCode::FORBIDDEN);
    let page = body(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert!(page.contains("Belum ada jawaban") && !page.contains("id=\"tindakan-jawaban\""), "{page}");

    advance(&h.store, &RegisterNumber::parse(&n).unwrap(), "budi (JFT Analis Kebijakan)").await;
    assert_eq!(attach(&h, &jft, &n, &text(jft_csrf), None).await.status(), StatusCode::FORBIDDEN, "not the JFT's step");
    let no_token = [("jawaban", "Izin Anda telah terbit.")];
    assert_eq!(attach(&h, &fo, &n, &no_token, None).await.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let wrong_token = [("csrf", "salah"), ("jawaban", "x")];
    assert_eq!(attach(&h, &fo, &n, &wrong_token, None).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.store.answer(&n).await.unwrap(), None, "nothing stored by a refusal");
    let page = body(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert!(page.contains("id=\"tindakan-jawaban\"") && page.contains("name=\"berita_acara\""), "{page}");

    // Refusals keep what was typed: no Indonesian text; a picture for the Berita Acara.
    let empty = [("csrf", fo_csrf), ("jawaban", " "), ("jawaban_en", "Your permit was issued.")];
    let resp = attach(&h, &fo, &n, &empty, None).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(resp).await;
    assert!(
        html.contains("Isi Surat Jawaban (bahasa Indonesia) wajib diisi.") && html.contains("Your permit was issued."),
        "{html}"
    );
    let resp = attach(&h, &fo, &n, &text(fo_csrf), Some(("foto.png", PNG))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(resp).await;
    assert!(
        html.contains("Berita Acara harus berupa berkas PDF.") && html.contains("Izin Anda telah terbit."),
        "{html}"
    );
    assert_eq!(h.store.answer(&n).await.unwrap(), None);

    let full = [
        ("csrf", fo_csrf),
        ("jawaban", "Izin Anda telah terbit.\r\n\r\nTerima kasih."),
        ("jawaban_en", "Your permit was issued."),
    ];
    let resp = attach(&h, &fo, &n, &full, Some(("BA ttd.pdf", PDF))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).starts_with(&format!("/staf/pengaduan/{n}?pesan=Jawaban")), "{}", location(&resp));
    let stored = h.store.answer(&n).await.unwrap().expect("stored");
    assert_eq!(stored.text_id, "Izin Anda telah terbit.\n\nTerima kasih.");
    assert_eq!(stored.text_en.as_deref(), Some("Your permit was issued."));
    assert_eq!(stored.by, "rina (Front Office)");
    assert_eq!(stored.berita_acara.as_ref().map(|m| m.size), Some(PDF.len() as u64));

    // Staff see it, and download the PDF (audited).
    let page = body(h.get(&format!("/staf/pengaduan/{n}"), Some(&jft.cookie)).await).await;
    assert!(page.contains("Izin Anda telah terbit.") && page.contains("Your permit was issued."), "{page}");
    assert!(page.contains(&format!("/staf/pengaduan/{n}/jawaban/berita-acara")), "{page}");
    let download = h.get(&format!("/staf/pengaduan/{n}/jawaban/berita-acara"), Some(&jft.cookie)).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        download.headers()[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"berita-acara-{n}.pdf\"")
    );
    assert_eq!(&download.into_body().collect().await.unwrap().to_bytes()[..], PDF);

    // A new text alone keeps the Berita Acara; after the last step it may still be corrected.
    advance(&h.store, &RegisterNumber::parse(&n).unwrap(), "rina (Front Office)").await;
    let fixed = [("csrf", fo_csrf), ("jawaban", "Izin Anda telah terbit (diperbaiki).")];
    let resp = attach(&h, &fo, &n, &fixed, None).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let stored = h.store.answer(&n).await.unwrap().unwrap();
    assert_eq!((stored.text_id.as_str(), stored.text_en.is_none()), ("Izin Anda telah terbit (diperbaiki).", true));
    assert!(stored.berita_acara.is_some(), "the Berita Acara attached before stays");

    let since = h.now() - jiff::SignedDuration::from_hours(1);
    let trail = h.store.audit_trail(since, 100).await.unwrap();
    let attached: Vec<_> = trail.iter().filter(|e| e.action == AuditAction::AttachAnswer).collect();
    assert_eq!(attached.len(), 2, "each attachment is in the trail");
    assert!(attached.iter().all(|e| e.username == "rina" && e.nomor.as_deref() == Some(n.as_str())));
    assert!(attached.iter().any(|e| e.detail == "teks id, en, berita acara"), "{attached:?}");
    assert!(trail.iter().any(|e| e.action == AuditAction::DownloadAttachment && e.detail == "berita acara"));
}

#[tokio::test]
async fn a_written_answer_procedure_takes_the_text_but_no_berita_acara() {
    let h = Harness::with(Setup { attachments: true, ..Setup::default() }).await;
    let fo = h.login("rina").await;
    let n = at_step(&h, "jawaban-tertulis", 1).await;
    let page = body(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert!(page.contains("id=\"tindakan-jawaban\"") && !page.contains("name=\"berita_acara\""), "{page}");
    let fields = [("csrf", fo.csrf.as_str()), ("jawaban", "Jawaban tertulis.")];
    let resp = attach(&h, &fo, &n, &fields, Some(("BA.pdf", PDF))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(resp).await.contains("tidak menerbitkan Berita Acara"));
    let resp = attach(&h, &fo, &n, &fields, None).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(h.store.answer(&n).await.unwrap().map(|a| a.text_id), Some("Jawaban tertulis.".into()));
    // Not a staff member's number: the same rule holds for any other role.
    let kadis = h.login("agus").await;
    let fields = [("csrf", kadis.csrf.as_str()), ("jawaban", "x")];
    assert_eq!(attach(&h, &kadis, &n, &fields, None).await.status(), StatusCode::FORBIDDEN);
}
