//! The office's answer in the console: attached at the procedure's last step by the role that
//! hands it over (text, English text, the Berita Acara as a PDF where the procedure issues one),
//! refused at other steps, to other roles and without the CSRF token, the file checked as intake
//! checks attachments, the texts kept on a refusal, shown to staff, and in the audit trail.

mod common;

use axum::body::Body;
use common::{Browser, Harness, Setup, location, text as body};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use pengaduan_core::RegisterNumber;
use pengaduan_core::attachment::MAX_FILE;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::answer::AnswerStore;
use pengaduan_store::testing::{advance, complete, multipart_in};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
const TEXT: &str = "Izin Anda telah terbit.";

/// A refused form: its fields, its file, and what the page then says.
type Case<'a> = (&'a [(&'a str, &'a str)], Option<(&'a str, &'a [u8])>, &'a str);

/// Posts the answer's form as a browser does: the texts, then the file field `berita_acara`
/// (a part with an empty name and no bytes when no file was chosen).
async fn attach(
    h: &Harness,
    b: &Browser,
    n: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> http::Response<Body> {
    let (name, bytes) = file.unwrap_or(("", b""));
    let body = multipart_in("berita_acara", fields, &[(name, "application/octet-stream", bytes)]);
    let req = Request::post(format!("/staf/pengaduan/{n}/jawaban"))
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B0und4ry")
        .header(header::COOKIE, &b.cookie)
        .body(Body::from(body))
        .unwrap();
    h.send(req).await
}

/// A complaint under `procedure`, its files complete, advanced to `steps_before_last` steps
/// before the procedure's last.
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

async fn page(h: &Harness, b: &Browser, n: &str) -> String {
    body(h.get(&format!("/staf/pengaduan/{n}"), Some(&b.cookie)).await).await
}

async fn attached(h: &Harness) -> Vec<pengaduan_store::accounts::AuditEntry> {
    let since = h.now() - jiff::SignedDuration::from_hours(1);
    let trail = h.store.audit_trail(since, 100).await.unwrap();
    trail.into_iter().filter(|e| e.action == AuditAction::AttachAnswer).collect()
}

#[tokio::test]
async fn only_the_role_of_the_last_step_attaches_the_answer_and_only_there() {
    for dynamodb in [false, true] {
        let h = Harness::with(Setup { attachments: true, dynamodb, ..Setup::default() }).await;
        let (fo, jft) = (h.login("rina").await, h.login("budi").await);
        let n = at_step(&h, "penyelesaian", 2).await;
        // Two steps before the last, the answer is not signed yet: no form, and a refusal saying when.
        let html = page(&h, &fo, &n).await;
        assert!(html.contains("Belum ada jawaban") && !html.contains("id=\"tindakan-jawaban\""), "{html}");
        let resp = attach(&h, &fo, &n, &[("csrf", &fo.csrf), ("jawaban", TEXT)], None).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let html = body(resp).await;
        assert!(html.contains("pengaduan ini belum sampai di sana"), "{html}");
        assert!(html.contains("Menyerahkan Berita Acara Penyelesaian Pengaduan kepada pemohon"), "{html}");

        advance(&h.store, &RegisterNumber::parse(&n).unwrap(), "rina (Front Office)").await;
        // The right step, another role: refused, naming whose it is.
        let html = page(&h, &jft, &n).await;
        assert!(!html.contains("id=\"tindakan-jawaban\""), "{html}");
        let resp = attach(&h, &jft, &n, &[("csrf", &jft.csrf), ("jawaban", TEXT)], None).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let html = body(resp).await;
        assert!(html.contains("Jawaban dilampirkan oleh Front Office") && html.contains("JFT"), "{html}");
        // No token, or another session's: refused before anything else.
        let resp = attach(&h, &fo, &n, &[("jawaban", TEXT)], None).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert!(body(resp).await.contains("token keamanan"));
        let resp = attach(&h, &fo, &n, &[("csrf", &jft.csrf), ("jawaban", TEXT)], Some(("BA.pdf", PDF))).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert_eq!(h.store.answer(&n).await.unwrap(), None, "nothing stored by a refusal");
        assert!(attached(&h).await.is_empty(), "nor audited");

        // The Front Office, at the right step, sees the form and attaches everything.
        let html = page(&h, &fo, &n).await;
        assert!(html.contains("id=\"tindakan-jawaban\"") && html.contains("name=\"berita_acara\""), "{html}");
        assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains(&fo.csrf), "{html}");
        let full = [
            ("csrf", fo.csrf.as_str()),
            ("jawaban", "Izin Anda telah terbit.\r\n\r\nTerima kasih."),
            ("jawaban_en", "Your permit was issued."),
        ];
        let resp = attach(&h, &fo, &n, &full, Some(("BA ttd.pdf", PDF))).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&resp), format!("/staf/pengaduan/{n}?pesan=jawaban"));
        let stored = h.store.answer(&n).await.unwrap().expect("stored");
        assert_eq!(stored.text_id, "Izin Anda telah terbit.\n\nTerima kasih.");
        assert_eq!(stored.text_en.as_deref(), Some("Your permit was issued."));
        assert_eq!(stored.by, "rina (Front Office)");
        assert_eq!(stored.berita_acara.as_ref().map(|m| m.size), Some(PDF.len() as u64));
        let trail = attached(&h).await;
        assert_eq!(trail.len(), 1, "{trail:?}");
        assert_eq!(
            (trail[0].username.as_str(), trail[0].nomor.as_deref(), trail[0].detail.as_str()),
            ("rina", Some(n.as_str()), "teks id, en, berita acara")
        );
        let html = body(h.get(&format!("/staf/pengaduan/{n}?pesan=jawaban"), Some(&fo.cookie)).await).await;
        assert!(html.contains("Jawaban dilampirkan; pengadu dapat membacanya"), "{html}");
    }
}

#[tokio::test]
async fn staff_see_the_answer_download_the_berita_acara_and_correct_the_text_after_the_last_step() {
    let h = Harness::with(Setup { attachments: true, ..Setup::default() }).await;
    let (fo, jft) = (h.login("rina").await, h.login("budi").await);
    let n = at_step(&h, "penyelesaian", 1).await;
    let full = [("csrf", fo.csrf.as_str()), ("jawaban", TEXT), ("jawaban_en", "Your permit was issued.")];
    assert_eq!(attach(&h, &fo, &n, &full, Some(("BA.pdf", PDF))).await.status(), StatusCode::SEE_OTHER);

    let html = page(&h, &jft, &n).await;
    assert!(html.contains(TEXT) && html.contains("Your permit was issued."), "{html}");
    let link = format!("/staf/pengaduan/{n}/jawaban/berita-acara");
    assert!(html.contains(&link), "{html}");
    let download = h.get(&link, Some(&jft.cookie)).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        download.headers()[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"berita-acara-{n}.pdf\"")
    );
    assert_eq!(&download.into_body().collect().await.unwrap().to_bytes()[..], PDF);
    let since = h.now() - jiff::SignedDuration::from_hours(1);
    let trail = h.store.audit_trail(since, 100).await.unwrap();
    assert!(trail.iter().any(|e| e.action == AuditAction::DownloadAttachment && e.detail == "berita acara"));

    // Finished: the Front Office may still correct it; a new text alone keeps the PDF.
    advance(&h.store, &RegisterNumber::parse(&n).unwrap(), "rina (Front Office)").await;
    let html = page(&h, &fo, &n).await;
    assert!(html.contains("Ganti jawaban") && html.contains("tetap dipakai"), "{html}");
    let fixed = [("csrf", fo.csrf.as_str()), ("jawaban", "Izin Anda telah terbit (diperbaiki).")];
    assert_eq!(attach(&h, &fo, &n, &fixed, None).await.status(), StatusCode::SEE_OTHER);
    let stored = h.store.answer(&n).await.unwrap().unwrap();
    assert_eq!((stored.text_id.as_str(), stored.text_en.is_none()), ("Izin Anda telah terbit (diperbaiki).", true));
    assert!(stored.berita_acara.is_some(), "the Berita Acara attached before stays");
    let trail = attached(&h).await;
    assert_eq!(
        trail.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>(),
        ["teks id, berita acara", "teks id, en, berita acara"],
        "newest first"
    );
}

#[tokio::test]
async fn a_refused_answer_keeps_the_texts_stores_nothing_and_says_why_in_indonesian() {
    let h = Harness::with(Setup { attachments: true, ..Setup::default() }).await;
    let fo = h.login("rina").await;
    let n = at_step(&h, "penyelesaian", 1).await;
    let csrf = fo.csrf.as_str();
    let en = "Your permit was issued.";
    let big = [b"%PDF-1.4\n".as_slice(), &vec![b'0'; MAX_FILE]].concat();
    let renamed = b"MZ\x90\0 this is a program, not a PDF";
    let cases: [Case; 6] = [
        (
            &[("csrf", csrf), ("jawaban", " \r\n "), ("jawaban_en", en)],
            None,
            "Isi Surat Jawaban (bahasa Indonesia) wajib diisi.",
        ),
        (&[("csrf", csrf), ("jawaban", "Izin\u{7} terbit."), ("jawaban_en", en)], None, "karakter kendali"),
        (
            &[("csrf", csrf), ("jawaban", TEXT), ("jawaban_en", en)],
            Some(("foto.png", PNG)),
            "Berita Acara harus berupa berkas PDF.",
        ),
        (
            &[("csrf", csrf), ("jawaban", TEXT), ("jawaban_en", en)],
            Some(("BA.pdf", renamed)),
            "bukan PDF, JPEG, PNG, atau WebP",
        ),
        (&[("csrf", csrf), ("jawaban", TEXT), ("jawaban_en", en)], Some(("BA.pdf", &big)), "lebih dari 2 MB"),
        (&[("csrf", csrf), ("jawaban", TEXT), ("jawaban_en", en)], Some(("BA.pdf", b"")), "kosong"),
    ];
    for (fields, file, message) in cases {
        let resp = attach(&h, &fo, &n, fields, file).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        let html = body(resp).await;
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains("href=\"#tindakan-jawaban\""), "the page's summary leads to the form: {html}");
        assert!(html.contains("class=\"error-message\""), "and the field says it: {html}");
        // What was typed comes back in the form.
        let typed = fields.iter().find(|(k, _)| *k == "jawaban").unwrap().1;
        if !typed.trim().is_empty() && !typed.contains('\u{7}') {
            assert!(html.contains(&format!(">{typed}</textarea>")), "{html}");
        }
        assert!(html.contains(&format!(">{en}</textarea>")), "{html}");
    }
    // A body far over the limit is refused whole, in Indonesian.
    let huge = [b"%PDF-1.4\n".as_slice(), &vec![b'0'; 6 * MAX_FILE]].concat();
    let resp = attach(&h, &fo, &n, &[("csrf", csrf), ("jawaban", TEXT)], Some(("BA.pdf", &huge))).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body(resp).await.contains("Berita Acara paling besar 2 MB"));
    // A form that is not multipart.
    let resp =
        h.post(&format!("/staf/pengaduan/{n}/jawaban"), Some(&fo.cookie), &[("csrf", csrf), ("jawaban", TEXT)]).await;
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(h.store.answer(&n).await.unwrap(), None);
    assert!(attached(&h).await.is_empty());
}

#[tokio::test]
async fn a_written_answer_procedure_takes_the_text_but_no_berita_acara() {
    let h = Harness::with(Setup { attachments: true, ..Setup::default() }).await;
    let fo = h.login("rina").await;
    let n = at_step(&h, "jawaban-tertulis", 1).await;
    let html = page(&h, &fo, &n).await;
    assert!(html.contains("id=\"tindakan-jawaban\"") && !html.contains("name=\"berita_acara\""), "{html}");
    let fields = [("csrf", fo.csrf.as_str()), ("jawaban", "Jawaban tertulis.")];
    let resp = attach(&h, &fo, &n, &fields, Some(("BA.pdf", PDF))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(resp).await.contains("tidak menerbitkan Berita Acara"));
    assert_eq!(h.store.answer(&n).await.unwrap(), None);
    let resp = attach(&h, &fo, &n, &fields, None).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(h.store.answer(&n).await.unwrap().map(|a| a.text_id), Some("Jawaban tertulis.".into()));
    assert_eq!(attached(&h).await.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>(), ["teks id"]);
    // The head of office signs the letter but does not hand it over.
    let kadis = h.login("agus").await;
    let fields = [("csrf", kadis.csrf.as_str()), ("jawaban", "x")];
    assert_eq!(attach(&h, &kadis, &n, &fields, None).await.status(), StatusCode::FORBIDDEN);
}
