//! Editing and publishing the site in the console (`/staf/konten/`), over a fixture site (see
//! `common/workshop.rs`) and a SQLite store: who may come, saving with the site's check,
//! conflicts, previews, publishing with four eyes, the history and restoring, the audit trail,
//! and next year's holidays noticed from October. Expected outcomes are written here, not read
//! from the pages under test.

mod common;

use common::workshop::FILES;
use common::{Browser, Harness, Setup, location, text};
use http::StatusCode;
use jiff::Timestamp;
use pengaduan_core::calendar::Calendar;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::content::{ContentStore, RevisionKind};

const PAGE: &str = "layanan/informasi-dan-pengaduan.md";
const HOLIDAYS: &str = "data/hari-libur.toml";

/// The fixture site's text of `path` before any change.
fn original(path: &str) -> &'static str {
    FILES.iter().find(|(p, _)| *p == path).unwrap().1
}

async fn site(four_eyes: bool) -> Harness {
    Harness::with(Setup { workshop: Some(four_eyes), ..Setup::default() }).await
}

/// The file's current version, as the edit form would carry it.
async fn version(h: &Harness, path: &str) -> u64 {
    h.store.content_heads().await.unwrap().iter().find(|c| c.path == path).map_or(0, |c| c.version)
}

/// Saves `text` as `path`'s draft as browser `b`, from the file's current version.
async fn save(h: &Harness, b: &Browser, path: &str, text: &str) -> http::Response<axum::body::Body> {
    let v = version(h, path).await.to_string();
    let fields = [("csrf", b.csrf.as_str()), ("berkas", path), ("versi", v.as_str()), ("isi", text), ("catatan", "")];
    h.post("/staf/konten/simpan", Some(&b.cookie), &fields).await
}

/// The audit trail's entries of `action`: (user, detail).
async fn audited(h: &Harness, action: AuditAction) -> Vec<(String, String)> {
    let trail = h.store.audit_trail(Timestamp::UNIX_EPOCH, 1000).await.unwrap();
    trail.into_iter().filter(|e| e.action == action).map(|e| (e.username, e.detail)).collect()
}

/// Each route of `/staf/konten/` for a role: the expected status, written out.
#[tokio::test]
async fn only_the_editor_and_the_admin_reach_the_editing_pages() {
    let h = site(false).await;
    let edited = "+++\ntitle = \"Informasi dan Pengaduan\"\n+++\n\n## Persyaratan\n\n- KTP elektronik\n";
    for user in ["rina", "budi", "sari", "agus"] {
        let b = h.login(user).await;
        let get = |path: &'static str| {
            let cookie = b.cookie.clone();
            let h = &h;
            async move { h.get(path, Some(&cookie)).await }
        };
        for path in [
            "/staf/konten/",
            "/staf/konten/ubah?berkas=layanan/informasi-dan-pengaduan.md",
            "/staf/konten/riwayat?berkas=layanan/informasi-dan-pengaduan.md",
        ] {
            let resp = get(path).await;
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user}: GET {path}");
            assert!(text(resp).await.contains("hanya untuk Editor Konten dan admin"), "{user}: GET {path}");
        }
        let form = [("csrf", b.csrf.as_str()), ("berkas", PAGE), ("versi", "0"), ("isi", edited), ("revisi", "1")];
        for path in [
            "/staf/konten/simpan",
            "/staf/konten/simpan-isian",
            "/staf/konten/pratinjau",
            "/staf/konten/pratinjau-isian",
            "/staf/konten/pulihkan",
            "/staf/konten/terbitkan",
        ] {
            let resp = h.post(path, Some(&b.cookie), &form).await;
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user}: POST {path}");
            assert!(text(resp).await.contains("hanya untuk Editor Konten dan admin"), "{user}: POST {path}");
        }
        assert!(h.store.content_heads().await.unwrap().is_empty(), "{user}: nothing stored");
        let page = text(get("/staf/").await).await;
        assert!(!page.contains("/staf/konten/"), "{user}: no link to the editing pages");
    }
    assert!(h.workshop.as_ref().unwrap().published.lock().unwrap().is_empty());

    for user in ["dewi", "admin"] {
        let b = h.login(user).await;
        let page = text(h.get("/staf/", Some(&b.cookie)).await).await;
        assert!(page.contains("href=\"/staf/konten/\""), "{user}: /staf/ links the editing pages");
        let list = h.get("/staf/konten/", Some(&b.cookie)).await;
        assert_eq!(list.status(), StatusCode::OK, "{user}: the list");
        let form = h.get(&format!("/staf/konten/ubah?berkas={PAGE}"), Some(&b.cookie)).await;
        assert_eq!(form.status(), StatusCode::OK, "{user}: the edit form");
        let text_of = format!("{edited}\n{user}\n");
        let saved = save(&h, &b, PAGE, &text_of).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{user}: a save");
        let v = version(&h, PAGE).await.to_string();
        let fields = [("csrf", b.csrf.as_str()), ("berkas", PAGE), ("versi", v.as_str()), ("isi", text_of.as_str())];
        let preview = h.post("/staf/konten/pratinjau", Some(&b.cookie), &fields).await;
        assert_eq!(preview.status(), StatusCode::OK, "{user}: a preview");
        let history = h.get(&format!("/staf/konten/riwayat?berkas={PAGE}"), Some(&b.cookie)).await;
        assert_eq!(history.status(), StatusCode::OK, "{user}: the history");
        let restore = [("csrf", b.csrf.as_str()), ("berkas", PAGE), ("revisi", "1")];
        let restored = h.post("/staf/konten/pulihkan", Some(&b.cookie), &restore).await;
        assert_eq!(restored.status(), StatusCode::SEE_OTHER, "{user}: a restore");
        let publish = h.post("/staf/konten/terbitkan", Some(&b.cookie), &[("csrf", b.csrf.as_str())]).await;
        assert_eq!(publish.status(), StatusCode::SEE_OTHER, "{user}: a publish");
    }
    // Each allowed user saved, restored and published once.
    assert_eq!(h.workshop.as_ref().unwrap().published.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn the_editor_sees_no_complaint_anywhere() {
    let h = site(false).await;
    let n = h.new_complaint(1).await;
    let editor = h.login("dewi").await;
    let home = text(h.get("/staf/", Some(&editor.cookie)).await).await;
    assert!(!home.contains(&n) && !home.contains("Kotak masuk"), "{home}");
    assert!(home.contains("Editor Konten"), "{home}");
    for path in [
        format!("/staf/pengaduan/{n}"),
        format!("/staf/pengaduan/{n}/lampiran/1"),
        "/staf/catat".to_owned(),
        "/staf/ekspor?dari=2026-01-01&sampai=2026-12-31".to_owned(),
        "/staf/skm".to_owned(),
        "/staf/surel".to_owned(),
        "/staf/audit".to_owned(),
    ] {
        assert_eq!(h.get(&path, Some(&editor.cookie)).await.status(), StatusCode::FORBIDDEN, "GET {path}");
    }
    let v = h.version(&n).await;
    let resp = h.act(&editor, &n, "lengkap", &[("prosedur", "penyelesaian"), ("catatan", "Lengkap")]).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(!text(resp).await.contains(&h.load(&n).await.row.judul));
    assert_eq!(h.version(&n).await, v);
}

#[tokio::test]
async fn a_post_without_the_sessions_token_is_refused_and_stores_nothing() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let text_of = original(PAGE).replace("KTP", "KTP elektronik");
    for path in [
        "/staf/konten/simpan",
        "/staf/konten/simpan-isian",
        "/staf/konten/pratinjau",
        "/staf/konten/pratinjau-isian",
        "/staf/konten/pulihkan",
        "/staf/konten/terbitkan",
    ] {
        for token in [None, Some("0".repeat(64)), Some(format!("{}x", editor.csrf))] {
            let mut fields = vec![("berkas", PAGE), ("versi", "0"), ("isi", text_of.as_str()), ("revisi", "1")];
            fields.extend(token.as_deref().map(|t| ("csrf", t)));
            let resp = h.post(path, Some(&editor.cookie), &fields).await;
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path} with {token:?}");
            assert!(text(resp).await.contains("token keamanan yang sah"));
        }
    }
    assert!(h.store.content_heads().await.unwrap().is_empty());
    assert!(audited(&h, AuditAction::ContentSaved).await.is_empty());
}

#[tokio::test]
async fn a_save_stores_a_draft_and_changes_nothing_public() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let new = original(PAGE).replace("- KTP\n", "- KTP elektronik\n");
    let resp = save(&h, &editor, PAGE, &new.replace('\n', "\r\n")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).starts_with("/staf/konten/ubah?berkas=layanan/informasi-dan-pengaduan.md&pesan="));
    let confirmation = text(h.get(location(&resp), Some(&editor.cookie)).await).await;
    assert!(confirmation.contains("Draf disimpan sebagai revisi 2"), "{confirmation}");
    assert!(confirmation.contains("KTP elektronik"), "the form shows the waiting draft");
    assert!(confirmation.contains(">\n+++\ntitle = &quot;Informasi"), "the whole file, its first line kept");
    assert!(confirmation.contains("name=\"versi\" value=\"2\""), "the next save is against version 2");

    // The first save recorded the text it replaced; the draft is kept with LF endings.
    let revisions = h.store.content_revisions(PAGE).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!((revisions[0].kind, revisions[0].text.as_str()), (RevisionKind::Original, original(PAGE)));
    assert_eq!((revisions[1].kind, revisions[1].text.as_str()), (RevisionKind::Draft, new.as_str()));
    assert_eq!(revisions[1].author, "dewi");
    let workshop = h.workshop.as_ref().unwrap();
    assert_eq!(workshop.public(PAGE), original(PAGE), "nothing public changes on a save");
    assert!(workshop.published.lock().unwrap().is_empty());

    let list = text(h.get("/staf/konten/", Some(&editor.cookie)).await).await;
    let row_of = |path: &str| {
        let cell = format!("<td data-label=\"Berkas\"><a href=\"/staf/konten/ubah?berkas={path}\">");
        list.split("<tr>").find(|r| r.contains(&cell)).unwrap_or_else(|| panic!("{path} in {list}")).to_owned()
    };
    let row = row_of(PAGE);
    assert!(row.contains("Draf menunggu") && row.contains("dewi,"), "{row}");
    assert!(list.contains("Terbitkan semua draf"), "{list}");
    let untouched = row_of("_index.en.md");
    assert!(untouched.contains("Belum pernah diubah") && !untouched.contains("Draf menunggu"), "{untouched}");
    assert!(list.contains("English") && list.contains("Bahasa Indonesia") && list.contains("Berkas data"));
    assert_eq!(audited(&h, AuditAction::ContentSaved).await, [("dewi".to_owned(), format!("{PAGE} revisi 2"))]);
}

#[tokio::test]
async fn a_save_against_a_stale_version_is_refused_with_the_text_kept() {
    let h = site(false).await;
    let (dewi, eko) = (h.login("dewi").await, h.login("eko").await);
    assert_eq!(save(&h, &eko, PAGE, &original(PAGE).replace("KTP", "KTP asli")).await.status(), StatusCode::SEE_OTHER);
    // Dewi opened the form before Eko saved: version 0.
    let mine = original(PAGE).replace("Formulir", "Formulir bertanda tangan");
    let fields = [("csrf", dewi.csrf.as_str()), ("berkas", PAGE), ("versi", "0"), ("isi", mine.as_str())];
    let resp = h.post("/staf/konten/simpan", Some(&dewi.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let page = text(resp).await;
    assert!(page.contains("Formulir bertanda tangan"), "the typed text kept: {page}");
    assert!(page.contains("Editor lain telah menyimpan berkas ini lebih dahulu (eko,"), "{page}");
    assert!(page.contains("name=\"versi\" value=\"0\""), "still the stale version");
    let revisions = h.store.content_revisions(PAGE).await.unwrap();
    assert_eq!(revisions.len(), 2, "nothing stored");
    assert_eq!(revisions[1].author, "eko");
}

#[tokio::test]
async fn a_text_the_site_would_not_build_with_is_refused_naming_the_line() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    // Line 4: a date written with a month 13.
    let broken =
        "# Hari libur\n[[tahun]]\ntahun = 2026\nlibur_nasional = [{ tanggal = 2026-13-25, nama = \"Natal\" }]\n";
    let resp = save(&h, &editor, HOLIDAYS, broken).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(resp).await;
    assert!(page.contains("2026-13-25"), "the typed text kept");
    assert!(
        page.contains("Situs tidak dapat dibangun dengan teks ini, sehingga belum disimpan. Pada baris 4:"),
        "{page}"
    );
    // A page's front matter without its title: the line and the field.
    let untitled = "+++\nsummary = \"Ringkas\"\n+++\n\nIsi.\n";
    let page = text(save(&h, &editor, PAGE, untitled).await).await;
    assert!(page.contains("Pada baris 2, isian title: judul halaman wajib diisi"), "{page}");
    assert!(h.store.content_heads().await.unwrap().is_empty(), "nothing stored");
    assert!(audited(&h, AuditAction::ContentSaved).await.is_empty());
    // JSON clients read the same reason.
    let v = "0";
    let req = http::Request::post("/staf/konten/simpan")
        .header(http::header::HOST, "127.0.0.1:8080")
        .header(http::header::COOKIE, &editor.cookie)
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("csrf={}&berkas={PAGE}&versi={v}&isi=tanpa", editor.csrf)))
        .unwrap();
    let resp = h.send(req).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let json: serde_json::Value = serde_json::from_str(&text(resp).await).unwrap();
    assert!(json["error"].as_str().unwrap().contains("Pada baris 1"), "{json}");
}

#[tokio::test]
async fn every_check_builds_with_all_waiting_drafts_together() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let home = original("_index.md").replace("Selamat datang", "Selamat datang kembali");
    assert_eq!(save(&h, &editor, "_index.md", &home).await.status(), StatusCode::SEE_OTHER);
    let holidays = format!("{}cuti_bersama = []\n", original(HOLIDAYS));
    assert_eq!(save(&h, &editor, HOLIDAYS, &holidays).await.status(), StatusCode::SEE_OTHER);
    let checked = h.workshop.as_ref().unwrap().checked.lock().unwrap().clone();
    assert_eq!(checked.last().unwrap(), &["_index.md".to_owned(), HOLIDAYS.to_owned()], "{checked:?}");
}

#[tokio::test]
async fn a_preview_shows_the_text_as_published_and_stores_nothing() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let new = original(PAGE).replace("- KTP\n", "- Kartu Keluarga\n");
    let fields = [("csrf", editor.csrf.as_str()), ("berkas", PAGE), ("versi", "0"), ("isi", new.as_str())];
    let resp = h.post("/staf/konten/pratinjau", Some(&editor.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = text(resp).await;
    assert!(page.contains("Kartu Keluarga"), "{page}");
    assert!(page.contains("<body class=\"halaman\"><div role=\"status\""), "the banner right after <body>: {page}");
    assert!(page.contains("Pratinjau — belum disimpan"));
    assert!(h.store.content_heads().await.unwrap().is_empty(), "nothing stored");
    // A preview the site would refuse is the form again.
    let fields = [("csrf", editor.csrf.as_str()), ("berkas", PAGE), ("versi", "0"), ("isi", "tanpa keterangan")];
    let resp = h.post("/staf/konten/pratinjau", Some(&editor.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(resp).await.contains("tanpa keterangan"));
}

#[tokio::test]
async fn publishing_makes_exactly_the_drafts_public() {
    let h = site(false).await;
    let (dewi, admin) = (h.login("dewi").await, h.login("admin").await);
    let page = original(PAGE).replace("- KTP\n", "- KTP elektronik\n");
    let first = original(PAGE).replace("- KTP\n", "- KTP lama\n");
    assert_eq!(save(&h, &dewi, PAGE, &first).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(save(&h, &dewi, PAGE, &page).await.status(), StatusCode::SEE_OTHER);
    let english = original("_index.en.md").replace("Welcome", "Welcome back");
    assert_eq!(save(&h, &admin, "_index.en.md", &english).await.status(), StatusCode::SEE_OTHER);

    let resp = h.post("/staf/konten/terbitkan", Some(&dewi.cookie), &[("csrf", dewi.csrf.as_str())]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let list = text(h.get(location(&resp), Some(&dewi.cookie)).await).await;
    assert!(list.contains("2 berkas diterbitkan."), "{list}");
    assert!(list.contains("Tidak ada draf yang menunggu"), "{list}");
    let workshop = h.workshop.as_ref().unwrap();
    let published = workshop.published.lock().unwrap().clone();
    assert_eq!(published, [vec![("_index.en.md".to_owned(), english.clone()), (PAGE.to_owned(), page.clone())]]);
    assert_eq!(workshop.public(PAGE), page);
    let heads = h.store.content_heads().await.unwrap();
    assert!(heads.iter().all(|c| !c.draft_waiting), "{heads:?}");
    let revisions = h.store.content_revisions(PAGE).await.unwrap();
    assert_eq!(revisions[2].kind, RevisionKind::Published);
    assert_eq!(revisions[2].published.as_ref().map(|(who, _)| who.as_str()), Some("dewi"));
    assert_eq!(revisions[1].kind, RevisionKind::Draft, "the draft a later save replaced stays a draft");
    assert_eq!(
        audited(&h, AuditAction::ContentPublished).await,
        [("dewi".to_owned(), format!("_index.en.md revisi 2, {PAGE} revisi 3"))]
    );
    // Nothing waits: nothing is published again.
    let again = h.post("/staf/konten/terbitkan", Some(&dewi.cookie), &[("csrf", dewi.csrf.as_str())]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(workshop.published.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn with_four_eyes_the_author_may_not_publish_and_another_editor_may() {
    let h = site(true).await;
    let (dewi, eko) = (h.login("dewi").await, h.login("eko").await);
    let page = original(PAGE).replace("- KTP\n", "- KTP elektronik\n");
    assert_eq!(save(&h, &dewi, PAGE, &page).await.status(), StatusCode::SEE_OTHER);

    let list = text(h.get("/staf/konten/", Some(&dewi.cookie)).await).await;
    assert!(list.contains("aturan empat mata"), "{list}");
    assert!(!list.contains("Terbitkan semua draf</button>"), "no button for the author: {list}");
    assert!(list.contains("Minta editor lain atau admin menerbitkannya"));
    let resp = h.post("/staf/konten/terbitkan", Some(&dewi.cookie), &[("csrf", dewi.csrf.as_str())]).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(text(resp).await.contains("empat mata"));
    let workshop = h.workshop.as_ref().unwrap();
    assert!(workshop.published.lock().unwrap().is_empty());
    assert!(h.store.content_heads().await.unwrap()[0].draft_waiting);

    let list = text(h.get("/staf/konten/", Some(&eko.cookie)).await).await;
    assert!(list.contains("Terbitkan semua draf</button>"), "another editor may: {list}");
    let resp = h.post("/staf/konten/terbitkan", Some(&eko.cookie), &[("csrf", eko.csrf.as_str())]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(workshop.public(PAGE), page);
}

#[tokio::test]
async fn the_history_shows_the_original_and_each_change_and_restores_a_revision_as_a_draft() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let changed = original(PAGE).replace("- KTP\n", "- KTP elektronik\n");
    let fields =
        [("csrf", editor.csrf.as_str()), ("berkas", PAGE), ("versi", "0"), ("isi", &changed), ("catatan", "KTP-el")];
    assert_eq!(h.post("/staf/konten/simpan", Some(&editor.cookie), &fields).await.status(), StatusCode::SEE_OTHER);

    let history = text(h.get(&format!("/staf/konten/riwayat?berkas={PAGE}"), Some(&editor.cookie)).await).await;
    let second = history.find("Revisi 2: Draf").expect("revision 2");
    let first = history.find("Revisi 1: Asli").expect("revision 1, the original");
    assert!(second < first, "newest first");
    assert!(history.contains("Catatan: KTP-el"));
    let diff = &history[second..first];
    assert!(diff.contains("staf-diff__hapus") && diff.contains("<code>- KTP</code>"), "{diff}");
    assert!(diff.contains("staf-diff__tambah") && diff.contains("<code>- KTP elektronik</code>"), "{diff}");
    assert!(diff.contains(">+</span><span class=\"visually-hidden\">ditambahkan"), "marked, not coloured only");
    assert!(history.contains("name=\"revisi\" value=\"1\""));

    let restore = [("csrf", editor.csrf.as_str()), ("berkas", PAGE), ("revisi", "1")];
    let resp = h.post("/staf/konten/pulihkan", Some(&editor.cookie), &restore).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).starts_with("/staf/konten/ubah?berkas="));
    let revisions = h.store.content_revisions(PAGE).await.unwrap();
    assert_eq!(revisions.len(), 3);
    assert_eq!((revisions[2].kind, revisions[2].text.as_str()), (RevisionKind::Draft, original(PAGE)));
    assert_eq!(revisions[2].note, "dipulihkan dari revisi 1");
    assert_eq!(
        audited(&h, AuditAction::ContentRestored).await,
        [("dewi".to_owned(), format!("{PAGE} revisi 3 dari revisi 1"))]
    );
    let missing = [("csrf", editor.csrf.as_str()), ("berkas", PAGE), ("revisi", "9")];
    assert_eq!(h.post("/staf/konten/pulihkan", Some(&editor.cookie), &missing).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_file_outside_the_editable_ones_is_not_found() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    for path in ["../config.toml", "data/tidak-ada.toml", ""] {
        let resp = h.get(&format!("/staf/konten/ubah?berkas={path}"), Some(&editor.cookie)).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(save(&h, &editor, path, "x = 1\n").await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert!(h.store.content_heads().await.unwrap().is_empty());
}

#[tokio::test]
async fn without_a_workshop_the_editing_pages_are_unavailable() {
    let h = Harness::new().await;
    let editor = h.login("dewi").await;
    let resp = h.get("/staf/konten/", Some(&editor.cookie)).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(text(resp).await.contains("Penyuntingan konten tidak tersedia di sini"));
    let resp = save(&h, &editor, PAGE, original(PAGE)).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_file_too_large_is_refused() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let big = format!("{}{}", original(PAGE), "a".repeat(pengaduan_store::content::MAX_CONTENT_BYTES));
    assert_eq!(save(&h, &editor, PAGE, &big).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(h.store.content_heads().await.unwrap().is_empty());
}

/// A calendar that covers 2026 and 2027.
const WITH_2027: &str = r#"
[[tahun]]
tahun = 2026
libur_nasional = [{ tanggal = 2026-12-25, nama = "Hari Raya Natal" }]
cuti_bersama = []

[[tahun]]
tahun = 2027
libur_nasional = [{ tanggal = 2027-01-01, nama = "Tahun Baru 2027 Masehi" }]
cuti_bersama = []
"#;

#[tokio::test]
async fn from_october_the_editor_and_admin_are_told_next_years_holidays_are_missing() {
    const NOTICE: &str = "Hari libur tahun 2027 belum diisi";
    const LINK: &str = "href=\"/staf/konten/ubah?berkas=data/hari-libur.toml\"";
    // The shipped calendar covers 2025 and 2026.
    let h = site(false).await;
    let (editor, admin, fo) = (h.login("dewi").await, h.login("admin").await, h.login("rina").await);
    let page = |b: &Browser, path: &'static str| {
        let cookie = b.cookie.clone();
        let h = &h;
        async move { text(h.get(path, Some(&cookie)).await).await }
    };
    // 30 September 2026, 23.50 WIB: not yet.
    *h.clock.lock().unwrap() = "2026-09-30T16:50:00Z".parse().unwrap();
    for b in [&editor, &admin] {
        assert!(!page(b, "/staf/").await.contains(NOTICE));
        assert!(!page(b, "/staf/konten/").await.contains(NOTICE));
    }
    // Thursday 1 October 2026, 00.05 WIB (within the sessions' idle time).
    *h.clock.lock().unwrap() = "2026-09-30T17:05:00Z".parse().unwrap();
    for b in [&editor, &admin] {
        for path in ["/staf/", "/staf/konten/"] {
            let p = page(b, path).await;
            assert!(p.contains(NOTICE) && p.contains(LINK), "{path}: {p}");
        }
    }
    assert!(!page(&fo, "/staf/").await.contains(NOTICE), "the Front Office is not the one to fill it in");

    // With 2027 in the calendar: no notice.
    let calendar = Calendar::from_toml(WITH_2027).unwrap();
    let h = Harness::with(Setup { calendar: Some(calendar), workshop: Some(false), ..Setup::default() }).await;
    *h.clock.lock().unwrap() = "2026-10-01T03:00:00Z".parse().unwrap();
    let admin = h.login("admin").await;
    let editor = h.login("dewi").await;
    for (b, path) in [(&admin, "/staf/"), (&admin, "/staf/konten/"), (&editor, "/staf/"), (&editor, "/staf/konten/")] {
        let p = text(h.get(path, Some(&b.cookie)).await).await;
        assert!(!p.contains("belum diisi"), "{path}");
    }
}

/// The same flow on DynamoDB (moto): the console reads heads and revisions from either store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_publishing_and_restoring_work_on_dynamodb_too() {
    let h = Harness::with(Setup { workshop: Some(true), dynamodb: true, ..Setup::default() }).await;
    let (dewi, eko) = (h.login("dewi").await, h.login("eko").await);
    let page = original(PAGE).replace("- KTP\n", "- KTP elektronik\n");
    assert_eq!(save(&h, &dewi, PAGE, &page).await.status(), StatusCode::SEE_OTHER);
    let stale = [("csrf", eko.csrf.as_str()), ("berkas", PAGE), ("versi", "0"), ("isi", "+++\ntitle = \"X\"\n+++\n")];
    assert_eq!(h.post("/staf/konten/simpan", Some(&eko.cookie), &stale).await.status(), StatusCode::CONFLICT);
    let own = h.post("/staf/konten/terbitkan", Some(&dewi.cookie), &[("csrf", dewi.csrf.as_str())]).await;
    assert_eq!(own.status(), StatusCode::FORBIDDEN, "four eyes");
    let resp = h.post("/staf/konten/terbitkan", Some(&eko.cookie), &[("csrf", eko.csrf.as_str())]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(h.workshop.as_ref().unwrap().public(PAGE), page);
    let restore = [("csrf", dewi.csrf.as_str()), ("berkas", PAGE), ("revisi", "1")];
    assert_eq!(h.post("/staf/konten/pulihkan", Some(&dewi.cookie), &restore).await.status(), StatusCode::SEE_OTHER);
    let revisions = h.store.content_revisions(PAGE).await.unwrap();
    let kinds: Vec<RevisionKind> = revisions.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [RevisionKind::Original, RevisionKind::Published, RevisionKind::Draft]);
    assert_eq!(revisions[2].text, original(PAGE));
    let history = text(h.get(&format!("/staf/konten/riwayat?berkas={PAGE}"), Some(&dewi.cookie)).await).await;
    assert!(
        history.contains("Revisi 3: Draf")
            && history.contains("Revisi 2: Terbit")
            && history.contains("Revisi 1: Asli")
    );
    assert!(history.contains("diterbitkan oleh eko,"), "{history}");
    let actions: Vec<AuditAction> =
        h.store.audit_trail(Timestamp::UNIX_EPOCH, 100).await.unwrap().into_iter().map(|e| e.action).collect();
    for a in [AuditAction::ContentSaved, AuditAction::ContentPublished, AuditAction::ContentRestored] {
        assert!(actions.contains(&a), "{a:?} in {actions:?}");
    }
}

/// The structured form of the fixture's service page as a browser posts it: every field as the
/// page shows it (the channel's empty row included), then `changes` over them.
fn service_fields<'a>(b: &'a Browser, versi: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf", b.csrf.as_str()),
        ("berkas", PAGE),
        ("versi", versi),
        ("batas_min", "2"),
        ("batas_maks", "10"),
        ("batas_mulai", "setelah berkas lengkap"),
        ("biaya", "Tidak dipungut biaya"),
        ("kanal-0-nama", "Loket"),
        ("kanal-0-keterangan", "Datang langsung ke kantor."),
        ("kanal-0-tautan", ""),
        ("kanal-0-kontak", ""),
        ("kanal-1-nama", ""),
        ("kanal-1-keterangan", ""),
        ("kanal-1-tautan", ""),
        ("kanal-1-kontak", ""),
        ("prosedur-0-langkah-0-pelaku", "Petugas Front Office"),
        ("prosedur-0-langkah-0-kegiatan", "Menerima berkas."),
        ("prosedur-0-langkah-0-peran", "front-office"),
        ("prosedur-0-langkah-0-status", "diterima"),
        ("prosedur-0-langkah-1-pelaku", "JFT Analis Kebijakan"),
        ("prosedur-0-langkah-1-kegiatan", "Memverifikasi."),
        ("prosedur-0-langkah-1-peran", "jft"),
        ("prosedur-0-langkah-1-status", "diverifikasi"),
        ("catatan", "lewat isian"),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

/// The fixture calendar's structured form as posted: 2026's Christmas, its empty row, and the
/// new year's block, then `changes` over them.
fn calendar_fields<'a>(b: &'a Browser, versi: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf", b.csrf.as_str()),
        ("berkas", HOLIDAYS),
        ("versi", versi),
        ("tahun-0-tahun", "2026"),
        ("tahun-0-skb", ""),
        ("tahun-0-hari-0-tanggal", "2026-12-25"),
        ("tahun-0-hari-0-nama", "Natal"),
        ("tahun-0-hari-0-jenis", "libur"),
        ("tahun-0-hari-1-tanggal", ""),
        ("tahun-0-hari-1-nama", ""),
        ("tahun-0-hari-1-jenis", "libur"),
        ("tahun-1-baru", "1"),
        ("tahun-1-tahun", ""),
        ("tahun-1-skb", ""),
    ];
    for d in ["0", "1", "2"] {
        for key in ["tanggal", "nama", "jenis"] {
            let name: &'static str = Box::leak(format!("tahun-1-hari-{d}-{key}").into_boxed_str());
            fields.push((name, if key == "jenis" { "libur" } else { "" }));
        }
    }
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

#[tokio::test]
async fn the_edit_page_shows_structured_fields_for_the_service_page_and_the_calendar_only() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let page = text(h.get(&format!("/staf/konten/ubah?berkas={PAGE}"), Some(&editor.cookie)).await).await;
    assert!(page.contains("<h2 id=\"judul-isian\">Isian terstruktur</h2>"), "{page}");
    assert!(page.contains("action=\"/staf/konten/simpan-isian\""));
    assert!(page.contains("id=\"biaya\" name=\"biaya\" value=\"Tidak dipungut biaya\""), "{page}");
    assert!(page.contains("id=\"batas_maks\" name=\"batas_maks\" value=\"10\""));
    assert!(page.contains("id=\"kanal-1-nama\" name=\"kanal-1-nama\" value=\"\""), "an empty row to add a channel");
    assert!(page.contains("<option value=\"jft\" selected>"), "the step's role selected");
    assert!(!page.contains("<option value=\"editor\""), "only the SOP's roles are offered");
    assert!(page.contains("<option value=\"diverifikasi\" selected>"), "the step's public status selected");
    let calendar = text(h.get(&format!("/staf/konten/ubah?berkas={HOLIDAYS}"), Some(&editor.cookie)).await).await;
    assert!(calendar.contains("Tahun 2026") && calendar.contains("Tahun baru"), "{calendar}");
    assert!(
        calendar.contains(
            "type=\"date\" id=\"tahun-0-hari-0-tanggal\" name=\"tahun-0-hari-0-tanggal\" value=\"2026-12-25\""
        )
    );
    assert!(calendar.contains("id=\"tahun-1-tahun\" name=\"tahun-1-tahun\" value=\"\""), "a block to add a year");
    let home = text(h.get("/staf/konten/ubah?berkas=_index.md", Some(&editor.cookie)).await).await;
    assert!(!home.contains("Isian terstruktur"), "a page without [service] has only the text");
}

#[tokio::test]
async fn a_fee_changed_through_the_fields_makes_a_draft_with_the_rest_byte_identical() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let fields = service_fields(&editor, "0", &[("biaya", "Rp 5.000 per berkas")]);
    let resp = h.post("/staf/konten/simpan-isian", Some(&editor.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", text(resp).await);
    let confirmation = text(h.get(location(&resp), Some(&editor.cookie)).await).await;
    assert!(confirmation.contains("Draf disimpan sebagai revisi 2"), "{confirmation}");
    assert!(confirmation.contains("value=\"Rp 5.000 per berkas\""), "the fields show the draft");
    let revisions = h.store.content_revisions(PAGE).await.unwrap();
    let expected =
        original(PAGE).replace("fee = \"Tidak dipungut biaya\" # Perda", "fee = \"Rp 5.000 per berkas\" # Perda");
    assert_ne!(expected, original(PAGE));
    assert_eq!(revisions.last().unwrap().text, expected, "only the fee changed, its comment kept");
    assert_eq!(revisions.last().unwrap().note, "lewat isian");
    assert_eq!(audited(&h, AuditAction::ContentSaved).await, [("dewi".to_owned(), format!("{PAGE} revisi 2"))]);
    let workshop = h.workshop.as_ref().unwrap();
    assert_eq!(workshop.public(PAGE), original(PAGE), "nothing public changes on a save");
    assert_eq!(workshop.checked.lock().unwrap().last().unwrap(), &[PAGE.to_owned()], "the site's check ran");

    // From the draft on: the fields apply to the draft's text; a channel added, the empty row dropped.
    let fields = service_fields(
        &editor,
        "2",
        &[
            ("biaya", "Rp 5.000 per berkas"),
            ("kanal-1-nama", "WhatsApp"),
            ("kanal-1-tautan", "/pengaduan/"),
            ("kanal-1-kontak", "Telepon"),
        ],
    );
    assert_eq!(
        h.post("/staf/konten/simpan-isian", Some(&editor.cookie), &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    let text3 = h.store.content_revisions(PAGE).await.unwrap().pop().unwrap().text;
    assert!(
        text3.contains(
            "[[service.channels]]\nname = \"WhatsApp\"\ndescription = \"\"\nurl = \"/pengaduan/\"\ncontact = \"Telepon\""
        ),
        "{text3}"
    );
    assert!(text3.contains("fee = \"Rp 5.000 per berkas\" # Perda 3/2020"));
}

#[tokio::test]
async fn a_holiday_row_added_for_2027_lands_in_the_draft() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let fields = calendar_fields(
        &editor,
        "0",
        &[
            ("tahun-1-tahun", "2027"),
            ("tahun-1-skb", "SKB 3 Menteri 2026"),
            ("tahun-1-hari-1-tanggal", "2027-01-01"),
            ("tahun-1-hari-1-nama", "Tahun Baru 2027 Masehi"),
            ("tahun-0-hari-1-tanggal", "2026-12-24"),
            ("tahun-0-hari-1-nama", "Cuti bersama Natal"),
            ("tahun-0-hari-1-jenis", "cuti"),
        ],
    );
    let resp = h.post("/staf/konten/simpan-isian", Some(&editor.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", text(resp).await);
    let draft = h.store.content_revisions(HOLIDAYS).await.unwrap().pop().unwrap().text;
    assert!(draft.starts_with("# Hari libur\n[[tahun]]\ntahun = 2026\n"), "{draft}");
    assert!(draft.contains("tahun = 2027\nskb = \"SKB 3 Menteri 2026\"\nlibur_nasional = [\n  { tanggal = 2027-01-01, nama = \"Tahun Baru 2027 Masehi\" },\n]"), "{draft}");
    let calendar = Calendar::from_toml(&draft).unwrap();
    assert!(calendar.covers(2027), "{draft}");
    assert_eq!(calendar.source(2027), Some("SKB 3 Menteri 2026"));
    assert!(calendar.holidays().any(|d| d.date.to_string() == "2026-12-24" && d.name == "Cuti bersama Natal"));
    assert_eq!(h.workshop.as_ref().unwrap().public(HOLIDAYS), original(HOLIDAYS), "nothing public yet");
}

#[tokio::test]
async fn impossible_values_are_refused_naming_the_field_with_the_typed_values_kept() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    // (the fields changed, the input at fault, the reason, a typed value kept)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str, &'a str);
    let cases: [Case; 4] = [
        (
            vec![("batas_min", "12"), ("biaya", "Rp 7.500")],
            "batas_min",
            "Isian \u{201c}Jangka waktu paling cepat\u{201d}: jangka waktu paling cepat (12) harus 0 sampai jangka waktu paling lama (10 hari kerja)",
            "value=\"Rp 7.500\"",
        ),
        (
            vec![("batas_maks", "sepuluh")],
            "batas_maks",
            "Isian \u{201c}Jangka waktu paling lama\u{201d}: \u{201c}sepuluh\u{201d} bukan angka hari kerja",
            "value=\"sepuluh\"",
        ),
        (
            vec![("prosedur-0-langkah-1-peran", "admin")],
            "prosedur-0-langkah-1-peran",
            "Isian \u{201c}Penyelesaian pengaduan, langkah 2, Peran\u{201d}: peran \"admin\" tidak mengerjakan langkah prosedur",
            "<option value=\"admin\" selected>admin</option>",
        ),
        (
            vec![("kanal-0-nama", ""), ("kanal-0-keterangan", "Tanpa nama")],
            "kanal-0-nama",
            "Isian \u{201c}Saluran 1, Nama saluran\u{201d}: nama saluran wajib diisi",
            "value=\"Tanpa nama\"",
        ),
    ];
    for (changes, input, reason, kept) in cases {
        let fields = service_fields(&editor, "0", &changes);
        let resp = h.post("/staf/konten/simpan-isian", Some(&editor.cookie), &fields).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{input}");
        let page = text(resp).await;
        let reason = reason.replace('"', "&quot;");
        assert!(page.contains(&reason), "{input}: {reason}\n{page}");
        assert!(page.contains(&format!("href=\"#{input}\"")), "{input}: the summary links the field");
        assert!(page.contains(&format!("id=\"{input}\" name=\"{input}\"")), "{input}");
        let marked = page.split(&format!("id=\"{input}\"")).nth(1).unwrap().split('>').next().unwrap().to_owned();
        assert!(marked.contains("aria-invalid=\"true\""), "{input}: {marked}");
        assert!(page.contains(kept), "{input}: typed values kept");
        assert!(page.contains("value=\"lewat isian\""), "{input}: the note kept");
    }
    // A date outside its year's block, in the calendar.
    let fields = calendar_fields(
        &editor,
        "0",
        &[
            ("tahun-1-tahun", "2027"),
            ("tahun-1-hari-0-tanggal", "2026-12-31"),
            ("tahun-1-hari-0-nama", "Malam tahun baru"),
        ],
    );
    let resp = h.post("/staf/konten/simpan-isian", Some(&editor.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(resp).await;
    assert!(
        page.contains(
            "Isian \u{201c}Tahun 2027, baris 1, Tanggal\u{201d}: tanggal 2026-12-31 tidak berada di tahun 2027"
        ),
        "{page}"
    );
    assert!(
        page.contains(
            "id=\"tahun-1-hari-0-tanggal\" name=\"tahun-1-hari-0-tanggal\" value=\"2026-12-31\" aria-invalid=\"true\""
        ),
        "{page}"
    );
    assert!(
        page.contains("value=\"Malam tahun baru\"")
            && page.contains("id=\"tahun-1-tahun\" name=\"tahun-1-tahun\" value=\"2027\"")
    );
    assert!(h.store.content_heads().await.unwrap().is_empty(), "nothing stored");
    assert!(audited(&h, AuditAction::ContentSaved).await.is_empty());
}

#[tokio::test]
async fn a_stale_structured_form_is_a_conflict_with_its_fields_kept() {
    let h = site(false).await;
    let (dewi, eko) = (h.login("dewi").await, h.login("eko").await);
    let first = service_fields(&eko, "0", &[("biaya", "Rp 1.000")]);
    assert_eq!(h.post("/staf/konten/simpan-isian", Some(&eko.cookie), &first).await.status(), StatusCode::SEE_OTHER);
    let late = service_fields(&dewi, "0", &[("biaya", "Rp 2.000")]);
    let resp = h.post("/staf/konten/simpan-isian", Some(&dewi.cookie), &late).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let page = text(resp).await;
    assert!(page.contains("Editor lain telah menyimpan berkas ini lebih dahulu (eko"), "{page}");
    assert!(page.contains("Isian Anda belum disimpan"), "{page}");
    assert!(page.contains("id=\"biaya\" name=\"biaya\" value=\"Rp 2.000\""), "typed value kept");
    assert!(page.contains("name=\"versi\" value=\"0\""), "still the stale version: a resend is refused again");
    let revisions = h.store.content_revisions(PAGE).await.unwrap();
    assert!(revisions.last().unwrap().text.contains("Rp 1.000"), "the first save stands");
}

#[tokio::test]
async fn a_preview_of_the_fields_shows_them_and_stores_nothing() {
    let h = site(false).await;
    let editor = h.login("dewi").await;
    let fields = service_fields(&editor, "0", &[("biaya", "Rp 9.000 dalam pratinjau")]);
    let resp = h.post("/staf/konten/pratinjau-isian", Some(&editor.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let page = text(resp).await;
    assert!(page.contains("Pratinjau — belum disimpan") && page.contains("Rp 9.000 dalam pratinjau"), "{page}");
    let fields = service_fields(&editor, "0", &[("batas_min", "11")]);
    let resp = h.post("/staf/konten/pratinjau-isian", Some(&editor.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(resp).await.contains("id=\"batas_min\" name=\"batas_min\" value=\"11\" aria-invalid=\"true\""));
    assert!(h.store.content_heads().await.unwrap().is_empty(), "nothing stored");
    let calendar = text(h.get(&format!("/staf/konten/ubah?berkas={HOLIDAYS}"), Some(&editor.cookie)).await).await;
    assert!(!calendar.contains("pratinjau-isian"), "a data file has no page to preview");
}
