//! The console through its HTTP interface, as a browser without JavaScript uses it: login,
//! sessions, CSRF, roles, the SOP's steps, the audit trail and erasure, on a real SQLite store.

mod common;

use axum::body::Body;
use common::{Harness, PASSWORD, location, set_cookie_line, text};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::{SignedDuration, Timestamp};
use pengaduan_console::{Console, CookiePolicy, Rules};
use pengaduan_core::Status;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::notice::Notice;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::outbox::{OutboxStore, Outcome};
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::{AnyStore, Config, WorkflowStore};
use std::sync::Arc;
use tower::ServiceExt;

#[tokio::test]
async fn login_sets_a_strict_http_only_session_and_failures_do_not_say_which_part_was_wrong() {
    let h = Harness::new().await;
    let form = h.get("/staf/masuk", None).await;
    assert_eq!(form.status(), StatusCode::OK);
    let html = text(form).await;
    for field in ["name=\"pengguna\"", "name=\"sandi\"", "type=\"hidden\" name=\"csrf\""] {
        assert!(html.contains(field), "{field}");
    }

    let wrong_password = h.try_login("rina", "bukan-sandi-yang-benar").await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    let unknown_user = h.try_login("tidak-ada", PASSWORD).await;
    assert_eq!(unknown_user.status(), StatusCode::UNAUTHORIZED);
    let (a, b) = (text(wrong_password).await, text(unknown_user).await);
    assert!(a.contains("Nama pengguna atau kata sandi salah."));
    assert!(b.contains("Nama pengguna atau kata sandi salah."));

    let ok = h.try_login("rina", PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&ok), "/staf/");
    let line = set_cookie_line(&ok, "staf_sesi");
    assert!(line.contains("HttpOnly") && line.contains("SameSite=Strict"), "{line}");
    assert!(!line.contains("Secure"), "plain http on loopback: {line}");
    let id = line.split(';').next().unwrap().trim_start_matches("staf_sesi=");
    assert_eq!(id.len(), 64, "256 random bits in hex");
}

#[tokio::test]
async fn the_login_form_refuses_a_post_without_its_csrf_token() {
    let h = Harness::new().await;
    let resp = h.post("/staf/masuk", None, &[("pengguna", "rina"), ("sandi", PASSWORD)]).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_without_a_session_go_to_login_and_json_gets_401() {
    let h = Harness::new().await;
    for path in ["/staf/", "/staf/pengaduan/PGD-2026-00001", "/staf/audit"] {
        let resp = h.get(path, None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&resp), "/staf/masuk");
    }
    let req = Request::get("/staf/").header(header::ACCEPT, "application/json").body(Body::empty()).unwrap();
    assert_eq!(h.send(req).await.status(), StatusCode::UNAUTHORIZED);
    let forged = h.get("/staf/", Some("staf_sesi=00ff")).await;
    assert_eq!(forged.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes_even_with_the_right_password() {
    let h = Harness::new().await;
    for _ in 0..5 {
        assert_eq!(h.try_login("budi", "salah-salah-salah").await.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = h.try_login("budi", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers().contains_key(header::RETRY_AFTER));
    assert!(text(locked).await.contains("Terlalu banyak percobaan"));
    // Another account is not affected.
    assert_eq!(h.try_login("rina", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    h.advance(SignedDuration::from_mins(14));
    assert_eq!(h.try_login("budi", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    h.advance(SignedDuration::from_mins(2));
    assert_eq!(h.try_login("budi", PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sessions_end_after_thirty_idle_minutes_after_twelve_hours_and_at_logout() {
    let h = Harness::new().await;
    let b = h.login("rina").await;
    h.advance(SignedDuration::from_mins(29));
    assert_eq!(h.get("/staf/", Some(&b.cookie)).await.status(), StatusCode::OK, "used within 30 minutes");
    h.advance(SignedDuration::from_mins(31));
    let idle = h.get("/staf/", Some(&b.cookie)).await;
    assert_eq!(idle.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&idle), "/staf/masuk");

    let b = h.login("rina").await;
    for i in 1..=25 {
        h.advance(SignedDuration::from_mins(29));
        let resp = h.get("/staf/", Some(&b.cookie)).await;
        // Each use keeps the session alive for 30 more minutes, until 12 hours (720 minutes).
        let expected = if 29 * i < 720 { StatusCode::OK } else { StatusCode::SEE_OTHER };
        assert_eq!(resp.status(), expected, "after {} minutes in use", 29 * i);
    }
    assert_eq!(h.get("/staf/", Some(&b.cookie)).await.status(), StatusCode::SEE_OTHER, "over 12 hours");

    let b = h.login("rina").await;
    assert_eq!(h.post("/staf/keluar", Some(&b.cookie), &[]).await.status(), StatusCode::FORBIDDEN, "no token");
    let out = h.post("/staf/keluar", Some(&b.cookie), &[("csrf", &b.csrf)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(h.get("/staf/", Some(&b.cookie)).await.status(), StatusCode::SEE_OTHER, "ended on the server");
}

/// `?pesan=` names one of the console's own confirmations; text of a link's making never
/// reaches the notice box (a phishing line in the console's voice).
#[tokio::test]
async fn a_link_cannot_put_its_own_words_in_the_notice_box() {
    let h = Harness::with(common::Setup { workshop: Some(false), ..common::Setup::default() }).await;
    let n = h.new_complaint(1).await;
    let fo = h.login("rina").await;
    let editor = h.login("dewi").await;
    let bait = "Akun Anda diblokir. Hubungi 0812-0000-0000 untuk membukanya.";
    let encoded = percent_encoding::utf8_percent_encode(bait, percent_encoding::NON_ALPHANUMERIC).to_string();
    for (path, b) in [
        (format!("/staf/pengaduan/{n}"), &fo),
        ("/staf/konten/".to_owned(), &editor),
        ("/staf/konten/ubah?berkas=layanan/informasi-dan-pengaduan.md".to_owned(), &editor),
    ] {
        let join = if path.contains('?') { '&' } else { '?' };
        let page = h.get(&format!("{path}{join}pesan={encoded}"), Some(&b.cookie)).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let page = text(page).await;
        assert!(!page.contains("Akun Anda diblokir"), "{path} shows the link's text");
    }
    // The console's own codes still show their words.
    let page = text(h.get(&format!("/staf/pengaduan/{n}?pesan=lengkap"), Some(&fo.cookie)).await).await;
    assert!(page.contains("Berkas dinyatakan lengkap; tenggat mulai dihitung."));
}

#[tokio::test]
async fn the_sop_runs_role_by_role_to_selesai_with_the_berita_acara_numbered() {
    let h = Harness::new().await;
    let n = h.new_complaint(1).await;
    let fo = h.login("rina").await;
    let jft = h.login("budi").await;
    let kabid = h.login("sari").await;
    let kadis = h.login("agus").await;

    let inbox = text(h.get("/staf/", Some(&fo.cookie)).await).await;
    assert!(inbox.contains(&format!("/staf/pengaduan/{n}")), "the new complaint is in the inbox");

    // JFT may not declare the files complete: 403, nothing changed.
    let before = h.version(&n).await;
    let refused = h.act(&jft, &n, "lengkap", &[("prosedur", "penyelesaian")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.version(&n).await, before);

    // A POST without the CSRF token: 403, nothing changed.
    let no_token = h
        .post(
            &format!("/staf/pengaduan/{n}/lengkap"),
            Some(&fo.cookie),
            &[("versi", &before.to_string()), ("prosedur", "penyelesaian")],
        )
        .await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.version(&n).await, before);

    let done = h.act(&fo, &n, "lengkap", &[("prosedur", "penyelesaian"), ("catatan", "Berkas lengkap")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "{}", text(done).await);
    assert_eq!(h.status(&n).await, Status::Diverifikasi);

    // Walk the procedure: each step by its role; a wrong role is refused on the way.
    let mut ba_seen = false;
    for _ in 0..20 {
        if h.status(&n).await == Status::Selesai {
            break;
        }
        let page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
        let who = ["Front Office", "JFT Analis Kebijakan", "Kepala Bidang", "Kepala Dinas"]
            .into_iter()
            .find(|r| page.contains(&format!("Langkah berikutnya dilakukan oleh {r}.")))
            .expect("the page names who takes the next step");
        let (actor, other) = match who {
            "Front Office" => (&fo, &kadis),
            "JFT Analis Kebijakan" => (&jft, &fo),
            "Kepala Bidang" => (&kabid, &jft),
            _ => (&kadis, &kabid),
        };
        let v = h.version(&n).await;
        assert_eq!(
            h.act(other, &n, "lanjut", &[("catatan", "bukan giliran saya")]).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(h.version(&n).await, v, "a refused step changes nothing");
        let resp = h.act(actor, &n, "lanjut", &[("catatan", "Langkah dikerjakan")]).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        ba_seen |= location(&resp).contains("pesan=berita-acara");
    }
    assert_eq!(h.status(&n).await, Status::Selesai);
    assert!(ba_seen, "the numbering step reported the Berita Acara number");
    let record = h.store.load(&pengaduan_core::RegisterNumber::parse(&n).unwrap()).await.unwrap().unwrap();
    assert!(record.row.state.ba_number.is_some());
    assert!(record.history.iter().any(|e| e.by == "budi (JFT Analis Kebijakan)"), "history names account and role");

    // The complainant was told each public status reached, in the change's own transaction,
    // and never a staff name or note.
    let now = "2030-01-01T00:00:00Z".parse().unwrap();
    let mut told = Vec::new();
    for id in h.store.due_outbox(now, 50).await.unwrap() {
        let entry = h.store.claim_outbox(&id, now).await.unwrap().unwrap();
        let json = serde_json::to_string(&entry.message).unwrap();
        assert!(!json.contains("rina") && !json.contains("budi") && !json.contains("Langkah dikerjakan"), "{json}");
        if let Some(Notice::Status { status, .. }) = entry.message.map(|m| m.notice) {
            told.push(status);
        }
    }
    assert_eq!(told, [Status::Diverifikasi, Status::Diproses, Status::Selesai]);
}

#[tokio::test]
async fn failed_messages_are_listed_for_the_front_office_and_sent_again() {
    let h = Harness::new().await;
    let n = h.new_complaint(3).await;
    let fo = h.login("rina").await;
    let jft = h.login("budi").await;
    let resp = h.act(&fo, &n, "kembalikan", &[("alasan", "Lampirkan fotokopi KTP")]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let id = format!("{n}#000002");
    let now: Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
    assert_eq!(h.store.due_outbox(now, 10).await.unwrap(), std::slice::from_ref(&id));
    let entry = h.store.claim_outbox(&id, now).await.unwrap().unwrap();
    let to = entry.message.as_ref().unwrap().to.clone();
    h.store
        .finish_outbox(&id, Outcome::Failed { error: format!("550 <{to}>: kotak surat tidak ada"), retry_at: None })
        .await
        .unwrap();

    assert_eq!(h.get("/staf/surel", Some(&jft.cookie)).await.status(), StatusCode::FORBIDDEN);
    let inbox = text(h.get("/staf/", Some(&jft.cookie)).await).await;
    assert!(!inbox.contains("/staf/surel\""), "no menu link for the JFT");
    let page = text(h.get("/staf/surel", Some(&fo.cookie)).await).await;
    // Stored as the server said it (as before the deliverer redacted), shown without the address.
    assert!(page.contains(&n) && page.contains("550 &lt;[alamat surel]&gt;: kotak surat tidak ada"), "{page}");
    assert!(page.contains("Kirim ulang"));
    assert!(!page.contains(&to), "the address is not on the list");

    let refused = h.post("/staf/surel/ulang", Some(&fo.cookie), &[("id", &id)]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "no CSRF token, nothing re-queued");
    assert_eq!(h.store.failed_outbox().await.unwrap().len(), 1);
    let resp = h.post("/staf/surel/ulang", Some(&fo.cookie), &[("csrf", &fo.csrf), ("id", &id)]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(h.store.failed_outbox().await.unwrap().is_empty());
    assert_eq!(h.store.due_outbox("2026-11-30T03:00:00Z".parse().unwrap(), 10).await.unwrap(), [id]);
    let page = text(h.get("/staf/surel", Some(&fo.cookie)).await).await;
    assert!(page.contains("Tidak ada surel yang gagal terkirim."));
}

#[tokio::test]
async fn a_stale_version_is_refused_with_the_typed_note_kept() {
    let h = Harness::new().await;
    let n = h.new_complaint(2).await;
    let fo = h.login("rina").await;
    let v = h.version(&n).await;
    let resp = h
        .post(
            &format!("/staf/pengaduan/{n}/kembalikan"),
            Some(&fo.cookie),
            &[("csrf", &fo.csrf), ("versi", &(v - 1).to_string()), ("alasan", "Lampirkan fotokopi KTP")],
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = text(resp).await;
    assert!(html.contains("Pengaduan telah diubah oleh petugas lain"));
    assert!(html.contains("Lampirkan fotokopi KTP"), "what was typed is not lost");
    assert_eq!(h.version(&n).await, v);
}

#[tokio::test]
async fn identity_is_shown_to_roles_that_need_it_and_every_view_is_audited() {
    let h = Harness::new().await;
    let n = h.new_complaint(3).await;
    let fo = h.login("rina").await;
    let kabid = h.login("sari").await;
    let admin = h.login("admin").await;

    let hidden = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert!(!hidden.contains("id=\"identitas\""), "not shown until asked");
    let shown = text(h.get(&format!("/staf/pengaduan/{n}?identitas=1"), Some(&fo.cookie)).await).await;
    assert!(shown.contains("id=\"identitas\""));
    let kabid_page = text(h.get(&format!("/staf/pengaduan/{n}?identitas=1"), Some(&kabid.cookie)).await).await;
    assert!(!kabid_page.contains("id=\"identitas\""), "a Kepala Bidang does not need the identity");

    let trail = h.store.audit_trail(Timestamp::UNIX_EPOCH, 100).await.unwrap();
    let views: Vec<_> = trail.iter().filter(|e| e.action == AuditAction::ViewPersonalData).collect();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].username, "rina");
    assert_eq!(views[0].nomor.as_deref(), Some(n.as_str()));

    assert_eq!(h.get("/staf/audit", Some(&fo.cookie)).await.status(), StatusCode::FORBIDDEN);
    let audit = text(h.get("/staf/audit", Some(&admin.cookie)).await).await;
    assert!(audit.contains("Melihat data pribadi") && audit.contains(&n));
}

#[tokio::test]
async fn the_admin_erases_personal_data_after_confirming() {
    let h = Harness::new().await;
    let n = h.new_complaint(4).await;
    let fo = h.login("rina").await;
    let admin = h.login("admin").await;
    assert_eq!(
        h.act(&fo, &n, "hapus-data-pribadi", &[("alasan", "Permintaan pengadu"), ("konfirmasi", "1")]).await.status(),
        StatusCode::FORBIDDEN
    );
    let unconfirmed = h.act(&admin, &n, "hapus-data-pribadi", &[("alasan", "Permintaan pengadu")]).await;
    assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let key = pengaduan_core::RegisterNumber::parse(&n).unwrap();
    assert!(h.store.load(&key).await.unwrap().unwrap().personal.is_some(), "nothing erased unconfirmed");
    let erased =
        h.act(&admin, &n, "hapus-data-pribadi", &[("alasan", "Permintaan pengadu"), ("konfirmasi", "1")]).await;
    assert_eq!(erased.status(), StatusCode::SEE_OTHER);
    let record = h.store.load(&key).await.unwrap().unwrap();
    assert!(record.personal.is_none());
    let page = text(h.get(&format!("/staf/pengaduan/{n}?identitas=1"), Some(&fo.cookie)).await).await;
    assert!(page.contains("Data pribadi pengadu telah dihapus."));
}

#[tokio::test]
async fn the_front_office_registers_a_telephone_complaint_with_mistakes_shown_and_values_kept() {
    let h = Harness::new().await;
    let fo = h.login("rina").await;
    let jft = h.login("budi").await;
    assert_eq!(h.get("/staf/catat", Some(&jft.cookie)).await.status(), StatusCode::FORBIDDEN);
    let form = h.get("/staf/catat", Some(&fo.cookie)).await;
    assert_eq!(form.status(), StatusCode::OK);

    let isi = "Petugas loket meminta biaya tambahan untuk izin usaha mikro kecil.";
    let mut fields = vec![
        ("csrf", fo.csrf.as_str()),
        ("kanal", "telepon"),
        ("jenis", "pengaduan"),
        ("judul", "Uang"),
        ("isi", isi),
        ("nama", "Siti Aminah"),
        ("telepon", "0812 3456 7890"),
    ];
    let wrong = h.post("/staf/catat", Some(&fo.cookie), &fields).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(wrong).await;
    assert!(html.contains("Pengaduan belum dapat dicatat"));
    assert!(html.contains("href=\"#judul\""), "the too-short title is named");
    assert!(html.contains("href=\"#persetujuan\""), "the consent is asked for");
    assert!(html.contains(isi), "what was typed is kept");

    fields[3] = ("judul", "Biaya tambahan di loket izin");
    fields.push(("persetujuan", "on"));
    let ok = h.post("/staf/catat", Some(&fo.cookie), &fields).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let html = text(ok).await;
    assert!(html.contains("Pengaduan dicatat di Buku Register"));
    let nomor = html.split("Nomor register: <strong class=\"panel__code\">").nth(1).unwrap().split('<').next().unwrap();
    let record = h.store.load(&pengaduan_core::RegisterNumber::parse(nomor).unwrap()).await.unwrap().unwrap();
    assert_eq!(record.row.channel, pengaduan_core::workflow::IntakeChannel::Telepon);
    assert_eq!(record.history[0].by, "rina (Front Office)");
    assert_eq!(record.personal.unwrap().telepon.as_deref(), Some("+6281234567890"));
    assert_eq!(record.lang, pengaduan_core::Lang::Id, "Indonesian unless the officer chose otherwise");
}

#[tokio::test]
async fn a_complaint_registered_for_an_english_speaker_is_answered_in_english() {
    let h = Harness::new().await;
    let fo = h.login("rina").await;
    let form = text(h.get("/staf/catat", Some(&fo.cookie)).await).await;
    assert!(form.contains(r#"<option value="en" lang="en">English</option>"#), "the officer can choose English");
    let fields = [
        ("csrf", fo.csrf.as_str()),
        ("kanal", "langsung"),
        ("jenis", "informasi"),
        ("judul", "Investment licence requirements"),
        ("isi", "Which documents does a foreign investment company need for a business licence?"),
        ("nama", "John Smith"),
        ("email", "john@example.com"),
        ("bahasa", "en"),
        ("persetujuan", "on"),
    ];
    let ok = h.post("/staf/catat", Some(&fo.cookie), &fields).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let html = text(ok).await;
    let nomor = html.split("Nomor register: <strong class=\"panel__code\">").nth(1).unwrap().split('<').next().unwrap();
    let record = h.store.load(&pengaduan_core::RegisterNumber::parse(nomor).unwrap()).await.unwrap().unwrap();
    assert_eq!(record.lang, pengaduan_core::Lang::En);
    let now = "2030-01-01T00:00:00Z".parse().unwrap();
    let ids = h.store.due_outbox(now, 10).await.unwrap();
    let entry = h.store.claim_outbox(&ids[0], now).await.unwrap().unwrap();
    let receipt = entry.message.expect("a receipt to the address given");
    assert_eq!(receipt.lang, pengaduan_core::Lang::En);
    match receipt.notice {
        Notice::TandaTerima { jangka_waktu, .. } => assert_eq!(
            jangka_waktu.as_deref(),
            Some("2 to 10 working days after the required documents are declared complete"),
            "the English service page's wording"
        ),
        other => panic!("a receipt, got {other:?}"),
    }
}

#[tokio::test]
async fn the_register_of_a_period_downloads_as_csv_and_xlsx_for_the_roles_that_report() {
    let h = Harness::new().await;
    let n = h.new_complaint(5).await;
    let fo = h.login("rina").await;
    let jft = h.login("budi").await;
    let path = "/staf/ekspor?dari=2026-11-01&sampai=2026-11-30&format=csv";
    assert_eq!(h.get(path, Some(&jft.cookie)).await.status(), StatusCode::FORBIDDEN);
    let csv = h.get(path, Some(&fo.cookie)).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(
        csv.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("buku-register-2026-11-01-2026-11-30.csv")
    );
    let body = text(csv).await;
    assert!(body.starts_with("Nomor Register,"), "the same headings as the CLI");
    assert!(body.contains(&n));
    let xlsx = h.get("/staf/ekspor?dari=2026-11-01&sampai=2026-11-30&format=xlsx", Some(&fo.cookie)).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..2], b"PK", "an XLSX workbook is a zip file");
    let bad = h.get("/staf/ekspor?dari=2026-12-01&sampai=2026-11-01", Some(&fo.cookie)).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Each file that left is in the audit trail, who and which period; the refusals are not.
    let exports: Vec<_> = h
        .store
        .audit_trail(Timestamp::UNIX_EPOCH, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::ExportRegister)
        .map(|e| (e.username, e.detail))
        .collect();
    assert_eq!(
        exports,
        [
            ("rina".to_owned(), "2026-11-01 s/d 2026-11-30, xlsx, 1 baris".to_owned()),
            ("rina".to_owned(), "2026-11-01 s/d 2026-11-30, csv, 1 baris".to_owned()),
        ],
        "newest first"
    );
}

#[tokio::test]
async fn with_an_origin_secret_only_requests_through_the_site_reach_the_console() {
    let store = AnyStore::Sqlite(SqliteStore::in_memory().unwrap());
    let service =
        pengaduan_core::service::ServiceRules::parse(include_str!("../../content/layanan/informasi-dan-pengaduan.md"))
            .unwrap();
    let calendar = Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap();
    let console = Console::new(
        store,
        Config::default(),
        Rules { service, calendar, kantor: Default::default() },
        CookiePolicy::Secure,
    )
    .unwrap()
    .with_origin_secret(Some("rahasia-cloudfront".into()));
    let app = pengaduan_console::app(Arc::new(console));
    let direct = app.clone().oneshot(Request::get("/staf/masuk").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(direct.status(), StatusCode::NOT_FOUND);
    let through =
        Request::get("/staf/masuk").header("x-origin-verify", "rahasia-cloudfront").body(Body::empty()).unwrap();
    let through = app.oneshot(through).await.unwrap();
    assert_eq!(through.status(), StatusCode::OK);
    assert!(set_cookie_line(&through, "staf_masuk").contains("Secure"));
}

#[tokio::test]
async fn refusals_answer_a_json_client_in_json_with_the_same_status_and_text() {
    let h = Harness::new().await;
    let fo = h.login("rina").await;
    let json = |req: http::request::Builder| {
        req.header(header::HOST, "127.0.0.1:8080")
            .header(header::COOKIE, &fo.cookie)
            .header(header::ACCEPT, "application/json")
    };
    let cases = [
        (
            json(Request::post("/staf/keluar"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("csrf=salah"))
                .unwrap(),
            StatusCode::FORBIDDEN,
            "Formulir ini tidak membawa token keamanan yang sah, sehingga tidak diproses dan tidak ada yang berubah. Muat ulang halaman, lalu kirim lagi.",
        ),
        (
            json(Request::get("/staf/audit")).body(Body::empty()).unwrap(),
            StatusCode::FORBIDDEN,
            "Jejak audit hanya dapat dibaca admin. Tidak ada yang berubah.",
        ),
        (
            json(Request::get("/staf/pengaduan/PGD-2026-09999")).body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "Pengaduan PGD-2026-09999 tidak ada di Buku Register.",
        ),
        (
            json(Request::get("/bukan-konsol")).body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "Alamat ini tidak ada di konsol petugas.",
        ),
    ];
    for (req, status, message) in cases {
        let path = req.uri().to_string();
        let resp = h.send(req).await;
        assert_eq!(resp.status(), status, "{path}");
        assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/json", "{path}");
        let body: serde_json::Value = serde_json::from_str(&text(resp).await).unwrap();
        assert_eq!(body, serde_json::json!({ "error": message }), "{path}");
    }
}

/// The "Terlambat …" or "… hari kerja lagi" of the only complaint in the inbox of `b`.
async fn inbox_time_left(h: &Harness, b: &common::Browser) -> String {
    let inbox = text(h.get("/staf/", Some(&b.cookie)).await).await;
    let at = inbox.find("Terlambat ").or_else(|| inbox.find(" hari kerja lagi")).expect("a running deadline");
    let start = inbox[..at].rfind('>').map_or(at, |i| i + 1);
    let end = at + inbox[at..].find('<').unwrap();
    inbox[start..end].trim().to_owned()
}

#[tokio::test]
async fn after_the_signature_the_front_office_cannot_return_the_files_and_a_correction_keeps_the_deadline() {
    // The probe: after the Kepala Dinas signed, the Front Office's `kembalikan` then `lengkap`
    // restarted the procedure and an overdue deadline with it.
    let h = Harness::new().await;
    let n = h.new_complaint(4).await;
    let [fo, jft, kabid, kadis] =
        [h.login("rina").await, h.login("budi").await, h.login("sari").await, h.login("agus").await];
    let resp = h.act(&fo, &n, "lengkap", &[("prosedur", "penyelesaian"), ("catatan", "Lengkap")]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    for b in [&jft, &jft, &kabid, &kabid, &kadis] {
        assert_eq!(h.act(b, &n, "lanjut", &[("catatan", "Dikerjakan")]).await.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(h.load(&n).await.row.state.step_index, Some(7), "signed by the Kepala Dinas");
    h.advance(SignedDuration::from_hours(24 * 70));
    // Seventy days later the sessions are gone: everyone logs in again.
    let [fo, kadis] = [h.login("rina").await, h.login("agus").await];
    let overdue = inbox_time_left(&h, &kadis).await;
    assert!(overdue.starts_with("Terlambat "), "{overdue}");
    let before = h.load(&n).await.row;

    // Returning the files is the completeness check's, long over: no form, and refused.
    let page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert!(!page.contains("id=\"tindakan-kembalikan\"") && !page.contains("id=\"tindakan-koreksi\""), "{page}");
    let back = h.act(&fo, &n, "kembalikan", &[("alasan", "Data kurang")]).await;
    assert_eq!(back.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(back).await;
    assert!(html.contains("hanya dilakukan pada pemeriksaan kelengkapan"), "{html}");
    // Nor may the Front Office take back the signature as a correction.
    let forged = h.act(&fo, &n, "koreksi", &[("langkah", "8"), ("alasan", "Ulang")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.load(&n).await.row.version, before.version, "nothing changed");

    // The Kepala Dinas corrects the signature: the step is due again, the deadline is not moved.
    let page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&kadis.cookie)).await).await;
    assert!(page.contains("id=\"tindakan-koreksi\"") && page.contains("<option value=\"8\""), "{page}");
    let missing = h.act(&kadis, &n, "koreksi", &[("langkah", "8"), ("alasan", " ")]).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resp = h.act(&kadis, &n, "koreksi", &[("langkah", "8"), ("alasan", "Nominal di Berita Acara keliru")]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let after = h.load(&n).await;
    assert_eq!(after.row.state.step_index, Some(6));
    assert_eq!(after.row.deadline, before.deadline);
    assert_eq!(after.row.state.files_complete_on, before.state.files_complete_on);
    assert_eq!(inbox_time_left(&h, &kadis).await, overdue, "still as late as before");
    let last = after.history.last().unwrap();
    assert_eq!(last.action.code(), "koreksi");
    assert_eq!(last.note, "Nominal di Berita Acara keliru");
    // The correction is in the audit trail, with who and which complaint.
    let trail = h.store.audit_trail(Timestamp::UNIX_EPOCH, 100).await.unwrap();
    let corrections: Vec<_> = trail.iter().filter(|e| e.action == AuditAction::CorrectStep).collect();
    assert_eq!(corrections.len(), 1);
    assert_eq!((corrections[0].username.as_str(), corrections[0].nomor.as_deref()), ("agus", Some(n.as_str())));
    assert_eq!(corrections[0].detail, "kembali ke langkah 8");
    // Signed again, the procedure goes on from there.
    assert_eq!(h.act(&kadis, &n, "lanjut", &[("catatan", "Ditandatangani")]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(h.load(&n).await.row.deadline, before.deadline);
}

#[tokio::test]
async fn staff_see_what_the_complainant_added_online() {
    let h = Harness::new().await;
    let n = h.new_complaint(4).await;
    let fo = h.login("rina").await;
    let resp = h.act(&fo, &n, "kembalikan", &[("alasan", "Lampirkan fotokopi KTP")]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    // The complainant's addition, as the public form stores it.
    let rec = h.load(&n).await;
    let t = rec.row.state.add_information().unwrap();
    let addition = pengaduan_store::Addition {
        seq: 0,
        at: h.now(),
        text: "Fotokopi KTP saya lampirkan bersama tambahan ini.".into(),
        files: vec!["ktp-siti.pdf".into()],
    };
    let change = pengaduan_store::WorkflowChange::from_transition(&t, "Pengadu (daring)", h.now(), 2026, None, None)
        .with_addition(addition, Vec::new());
    h.store.apply(&rec.row.nomor, rec.row.version, change).await.unwrap();

    let page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert!(page.contains("Tambahan dari pengadu"), "{page}");
    assert!(page.contains("Fotokopi KTP saya lampirkan bersama tambahan ini."), "{page}");
    assert!(page.contains("ktp-siti.pdf"), "{page}");
    assert!(page.contains("dilengkapi pengadu secara daring"), "the history names the addition: {page}");
    assert!(page.contains("Pengadu (daring)"));
    assert_eq!(h.status(&n).await, Status::Diterima, "back at the completeness check");
    // The Front Office can declare the files complete again.
    assert!(page.contains("tindakan-lengkap") || page.contains("/lengkap\""), "{page}");
}
