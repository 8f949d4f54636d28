//! The console's guards, each tested so that breaking it fails a test: the CSRF token on every
//! state-changing route, who takes which step of the SOP (the expected actors are written here,
//! not read from the pages under test), the login lockout's window and its reset, the idle
//! timeout, the deadline stored when the files are declared complete, and who may download the
//! attachments of a complaint kept secret (`rahasia`).

mod common;

use common::{Browser, Harness, PASSWORD, Setup, cookie_pair, csrf_of, location, text};
use http::{StatusCode, header};
use http_body_util::BodyExt;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use pengaduan_core::Status;
use pengaduan_core::access::Role;
use pengaduan_core::attachment::validate_files;
use pengaduan_core::calendar::Calendar;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::attachments::AttachmentStore;
use pengaduan_store::content::ContentStore;
use pengaduan_store::outbox::{OutboxStore, Outcome};
use pengaduan_store::testing::{complaint, nomor};
use pengaduan_store::{ComplaintStore, WorkflowStore};
use std::collections::BTreeSet;

/// The fixture accounts, one per role (see `common`).
const ACCOUNTS: [(Role, &str); 6] = [
    (Role::FrontOffice, "rina"),
    (Role::Jft, "budi"),
    (Role::KepalaBidang, "sari"),
    (Role::KepalaDinas, "agus"),
    (Role::Editor, "dewi"),
    (Role::Admin, "admin"),
];

/// A browser logged in for every role.
async fn everyone(h: &Harness) -> Vec<(Role, Browser)> {
    let mut all = Vec::new();
    for (role, user) in ACCOUNTS {
        all.push((role, h.login(user).await));
    }
    all
}

/// What a route changes when it succeeds, read from the store (or the session) so that a
/// refused request can be shown to have changed nothing.
enum Effect {
    /// The complaint's version.
    Complaint(String),
    /// The complaints in the register.
    Register,
    /// The messages that failed for good.
    FailedMail,
    /// Whether the session with this cookie still opens the inbox.
    Session(String),
    /// The failed logins kept for this account.
    LoginFailures(&'static str),
    /// The site's content: each file's version and waiting draft, and the publishes.
    Content,
}

impl Effect {
    async fn observe(&self, h: &Harness) -> String {
        match self {
            Self::Complaint(n) => {
                let r = h.load(n).await;
                format!("versi {} pribadi {}", r.row.version, r.personal.is_some())
            }
            Self::Register => format!("{} pengaduan", h.store.open_rows().await.unwrap().len()),
            Self::FailedMail => format!("{} gagal", h.store.failed_outbox().await.unwrap().len()),
            Self::Session(cookie) => format!("{}", h.get("/staf/", Some(cookie)).await.status()),
            Self::LoginFailures(user) => {
                format!("{} gagal masuk", h.store.login_failures(user, Timestamp::UNIX_EPOCH).await.unwrap().len())
            }
            Self::Content => {
                let heads = h.store.content_heads().await.unwrap();
                let published = h.workshop.as_ref().unwrap().published.lock().unwrap().len();
                let heads: Vec<String> =
                    heads.iter().map(|c| format!("{} {} {}", c.path, c.version, c.draft_waiting)).collect();
                format!("{heads:?}, {published} kali terbit")
            }
        }
    }
}

/// One state-changing request, as the role it belongs to would send it.
struct Route<'a> {
    /// The route as the router names it, under `/staf`.
    pattern: &'static str,
    /// The address posted to.
    path: String,
    /// Who posts it.
    by: &'a Browser,
    /// The form's fields but the CSRF token and the version.
    fields: Vec<(&'a str, &'a str)>,
    /// What it changes.
    effect: Effect,
    /// Whether it only answers (a preview): `200`, nothing changed, even with the right token.
    reads_only: bool,
}

/// A token of the same form as the session's but not it: its last digit changed.
fn altered(token: &str) -> String {
    let (head, last) = token.split_at(token.len() - 1);
    format!("{head}{}", if last == "0" { "1" } else { "0" })
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_missing_foreign_or_wrong_csrf_token_and_changes_nothing() {
    let h = Harness::with(Setup { workshop: Some(false), ..Setup::default() }).await;
    // A failed login to be forgotten when the admin lifts the lock.
    assert_eq!(h.try_login("agus", "salah-salah-salah").await.status(), StatusCode::UNAUTHORIZED);
    let fo = h.login("rina").await;
    let fo_elsewhere = h.login("rina").await;
    let fo_leaving = h.login("rina").await;
    let jft = h.login("budi").await;
    let admin = h.login("admin").await;
    let editor = h.login("dewi").await;
    let page = "_index.md";
    let edited = "+++\ntitle = \"Beranda\"\n+++\n\nSelamat datang kembali.\n";

    let [to_complete, to_return, to_advance, to_erase, returned] = [
        h.new_complaint(1).await,
        h.new_complaint(2).await,
        h.new_complaint(3).await,
        h.new_complaint(4).await,
        h.new_complaint(5).await,
    ];
    let ready = h.act(&fo, &to_advance, "lengkap", &[("prosedur", "penyelesaian"), ("catatan", "Lengkap")]).await;
    assert_eq!(ready.status(), StatusCode::SEE_OTHER);
    // A message to the complainant that failed for good, to be sent again.
    let back = h.act(&fo, &returned, "kembalikan", &[("alasan", "Lampirkan KTP")]).await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    let now = h.now();
    let mail = format!("{returned}#000002");
    h.store.claim_outbox(&mail, now).await.unwrap().expect("the return was to be told");
    h.store.finish_outbox(&mail, Outcome::Failed { error: "550".into(), retry_at: None }).await.unwrap();

    let register = vec![
        ("kanal", "telepon"),
        ("jenis", "pengaduan"),
        ("judul", "Biaya tambahan di loket izin"),
        ("isi", "Petugas loket meminta biaya tambahan untuk izin usaha mikro kecil."),
        ("nama", "Siti Aminah"),
        ("telepon", "0812 3456 7890"),
        ("persetujuan", "on"),
    ];
    let action = |n: &str, action: &str, by, fields| Route {
        pattern: ACTIONS,
        path: format!("/staf/pengaduan/{n}/{action}"),
        by,
        fields,
        effect: Effect::Complaint(n.to_owned()),
        reads_only: false,
    };
    let content = |pattern: &'static str, by, fields, reads_only| Route {
        pattern,
        path: format!("/staf{pattern}"),
        by,
        fields,
        effect: Effect::Content,
        reads_only,
    };
    // Each route as the role it belongs to would post it: only the token is wrong.
    let routes = [
        action(&to_complete, "lengkap", &fo, vec![("prosedur", "penyelesaian"), ("catatan", "Berkas lengkap")]),
        action(&to_return, "kembalikan", &fo, vec![("alasan", "Lampirkan fotokopi KTP")]),
        action(&to_advance, "lanjut", &jft, vec![("catatan", "Diverifikasi")]),
        action(&to_erase, "hapus-data-pribadi", &admin, vec![("alasan", "Permintaan pengadu"), ("konfirmasi", "1")]),
        Route {
            pattern: "/catat",
            path: "/staf/catat".into(),
            by: &fo,
            fields: register,
            effect: Effect::Register,
            reads_only: false,
        },
        // In this order: a first save (its original is revision 1), a save of the service page's
        // fee through its structured fields, previews of a text and of the fields, the original restored, all published.
        content("/konten/simpan", &editor, vec![("berkas", page), ("versi", "0"), ("isi", edited)], false),
        content(
            "/konten/simpan-isian",
            &editor,
            vec![("berkas", "layanan/informasi-dan-pengaduan.md"), ("versi", "0"), ("biaya", "Rp 1.000")],
            false,
        ),
        content("/konten/pratinjau", &editor, vec![("berkas", page), ("versi", "2"), ("isi", edited)], true),
        content(
            "/konten/pratinjau-isian",
            &editor,
            vec![("berkas", "layanan/informasi-dan-pengaduan.md"), ("versi", "2"), ("biaya", "Rp 2.000")],
            true,
        ),
        content("/konten/pulihkan", &editor, vec![("berkas", page), ("revisi", "1")], false),
        content("/konten/terbitkan", &admin, Vec::new(), false),
        Route {
            pattern: "/surel/ulang",
            path: "/staf/surel/ulang".into(),
            by: &fo,
            fields: vec![("id", mail.as_str())],
            effect: Effect::FailedMail,
            reads_only: false,
        },
        Route {
            pattern: "/pengguna/buka-kunci",
            path: "/staf/pengguna/buka-kunci".into(),
            by: &admin,
            fields: vec![("pengguna", "agus")],
            effect: Effect::LoginFailures("agus"),
            reads_only: false,
        },
        Route {
            pattern: "/keluar",
            path: "/staf/keluar".into(),
            by: &fo_leaving,
            fields: Vec::new(),
            effect: Effect::Session(fo_leaving.cookie.clone()),
            reads_only: false,
        },
    ];
    let mut covered: BTreeSet<&str> = routes.iter().map(|r| r.pattern).collect();
    covered.insert(LOGIN);
    assert_eq!(posted_routes(), covered, "every POST route of the router is in this test");
    for Route { path, by: b, fields, effect, reads_only, .. } in &routes {
        let version = match effect {
            Effect::Complaint(n) => Some(h.version(n).await.to_string()),
            _ => None,
        };
        let mut base: Vec<(&str, &str)> = version.iter().map(|v| ("versi", v.as_str())).collect();
        base.extend(fields.iter().copied());
        let before = effect.observe(&h).await;
        let other_session = if b.cookie == fo_elsewhere.cookie { &fo } else { &fo_elsewhere };
        let wrong = altered(&b.csrf);
        for (case, token) in [
            ("no token", None),
            ("another session's token", Some(other_session.csrf.as_str())),
            ("a wrong token", Some(wrong.as_str())),
        ] {
            let mut all = base.clone();
            all.extend(token.map(|t| ("csrf", t)));
            let resp = h.post(path, Some(&b.cookie), &all).await;
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path} with {case}");
            assert!(text(resp).await.contains("token keamanan yang sah"), "{path} with {case}: the CSRF refusal");
            assert_eq!(effect.observe(&h).await, before, "{path} with {case} changed something");
        }
        // With the session's own token the same request goes through: the refusals were the token's.
        let mut all = base.clone();
        all.push(("csrf", b.csrf.as_str()));
        let resp = h.post(path, Some(&b.cookie), &all).await;
        if *reads_only {
            assert_eq!(resp.status(), StatusCode::OK, "{path} with the right token");
            assert_eq!(effect.observe(&h).await, before, "{path} only answers");
            continue;
        }
        assert!(resp.status().is_redirection() || resp.status() == StatusCode::CREATED, "{path}: {}", resp.status());
        assert_ne!(effect.observe(&h).await, before, "{path} with the right token");
    }

    // The login form's token is a double submit: the cookie and the field must be one token.
    let form = || async {
        let resp = h.get("/staf/masuk", None).await;
        let cookie = cookie_pair(&resp, "staf_masuk");
        (cookie, csrf_of(&text(resp).await))
    };
    let (cookie, token) = form().await;
    let (_, other_token) = form().await;
    let wrong = altered(&token);
    for (case, given) in [
        ("no token", None),
        ("another form's token", Some(other_token.as_str())),
        ("a wrong token", Some(wrong.as_str())),
    ] {
        let mut fields = vec![("pengguna", "rina"), ("sandi", PASSWORD)];
        fields.extend(given.map(|t| ("csrf", t)));
        let resp = h.post("/staf/masuk", Some(&cookie), &fields).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "login with {case}");
        assert!(
            !resp.headers().get_all(header::SET_COOKIE).iter().any(|v| v.to_str().unwrap().starts_with("staf_sesi="))
        );
    }
    let resp =
        h.post("/staf/masuk", Some(&cookie), &[("csrf", &token), ("pengguna", "rina"), ("sandi", PASSWORD)]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "the same login with its own token");
}

/// Someone able to set a cookie for the site (a sibling subdomain, a plain-HTTP hop) chooses
/// the login form's double-submit token: the same value in the cookie and the field. Equality
/// alone let that through; only tokens the console made under its key pass.
#[tokio::test]
async fn a_login_token_chosen_by_whoever_sets_the_cookie_is_refused() {
    let h = Harness::new().await;
    let made = csrf_of(&text(h.get("/staf/masuk", None).await).await);
    let (nonce, _) = made.split_once('.').expect("a nonce and its MAC");
    for chosen in ["a".repeat(64), format!("{nonce}.{}", "0".repeat(64)), format!("{nonce}.")] {
        let cookie = format!("staf_masuk={chosen}");
        let fields = [("csrf", chosen.as_str()), ("pengguna", "rina"), ("sandi", PASSWORD)];
        let resp = h.post("/staf/masuk", Some(&cookie), &fields).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "chosen token {chosen:?}");
        assert!(
            !resp.headers().get_all(header::SET_COOKIE).iter().any(|v| v.to_str().unwrap().starts_with("staf_sesi="))
        );
    }
    let cookie = format!("staf_masuk={made}");
    let resp =
        h.post("/staf/masuk", Some(&cookie), &[("csrf", &made), ("pengguna", "rina"), ("sandi", PASSWORD)]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "the console's own token");
}

/// The route of the complaint's actions, as the router names it.
const ACTIONS: &str = "/pengaduan/{nomor}/{action}";

/// The route of the login form.
const LOGIN: &str = "/masuk";

/// The paths the router in `src/lib.rs` answers POSTs on (under `/staf`), read from its source
/// so that a route added later without a place in the table above fails the test.
fn posted_routes() -> BTreeSet<&'static str> {
    include_str!("../src/lib.rs")
        .lines()
        .filter(|l| l.contains(".route(&at(\"") && l.contains("post("))
        .map(|l| l.split("at(\"").nth(1).unwrap().split('"').next().unwrap())
        .collect()
}

/// The roles that take the steps after the files are declared complete, in order, as the
/// shipped service page assigns them (`peran`).
const SOP: [(&str, &[Role]); 2] = {
    use Role::*;
    [
        ("penyelesaian", &[Jft, Jft, KepalaBidang, KepalaBidang, KepalaDinas, FrontOffice, FrontOffice, FrontOffice]),
        ("jawaban-tertulis", &[Jft, KepalaBidang, Jft, KepalaBidang, KepalaDinas, FrontOffice]),
    ]
};

#[tokio::test]
async fn every_role_admin_included_is_refused_every_sop_step_but_its_own() {
    let h = Harness::new().await;
    let everyone = everyone(&h).await;
    for (i, (procedure, actors)) in SOP.into_iter().enumerate() {
        let n = h.new_complaint(10 + i).await;
        for (role, b) in &everyone {
            let v = h.version(&n).await;
            let resp = h.act(b, &n, "lengkap", &[("prosedur", procedure), ("catatan", "Berkas lengkap")]).await;
            if *role == Role::FrontOffice {
                assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{procedure}: the Front Office checks the files");
            } else {
                assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{procedure}: {role:?} declaring the files complete");
                assert_eq!(h.version(&n).await, v);
                let back = h.act(b, &n, "kembalikan", &[("alasan", "Lampirkan KTP")]).await;
                assert_eq!(back.status(), StatusCode::FORBIDDEN, "{procedure}: {role:?} returning the files");
                assert_eq!(h.version(&n).await, v);
            }
        }
        for (step, expected) in actors.iter().enumerate() {
            for (role, b) in everyone.iter().filter(|(r, _)| r != expected) {
                let v = h.version(&n).await;
                let resp = h.act(b, &n, "lanjut", &[("catatan", "bukan giliran saya")]).await;
                assert_eq!(
                    resp.status(),
                    StatusCode::FORBIDDEN,
                    "{procedure} step {step}: {role:?} instead of {expected:?}"
                );
                assert_eq!(h.version(&n).await, v, "a refused step changes nothing");
            }
            let (_, b) = everyone.iter().find(|(r, _)| r == expected).unwrap();
            let v = h.version(&n).await;
            let resp = h.act(b, &n, "lanjut", &[("catatan", "Langkah dikerjakan")]).await;
            assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{procedure} step {step}: {expected:?}");
            assert_eq!(h.version(&n).await, v + 1);
        }
        assert_eq!(h.status(&n).await, Status::Selesai, "{procedure} has {} steps after the check", actors.len());
        for (role, b) in &everyone {
            let resp = h.act(b, &n, "lanjut", &[("catatan", "lagi")]).await;
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{procedure} finished: {role:?}");
        }
        // Erasure is the admin's alone.
        for (role, b) in &everyone {
            let v = h.version(&n).await;
            let resp =
                h.act(b, &n, "hapus-data-pribadi", &[("alasan", "Permintaan pengadu"), ("konfirmasi", "1")]).await;
            if *role == Role::Admin {
                assert_eq!(resp.status(), StatusCode::SEE_OTHER);
                assert!(h.load(&n).await.personal.is_none());
            } else {
                assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{role:?} erasing");
                assert_eq!(h.version(&n).await, v);
            }
        }
    }
}

/// Sets the console's clock to `minutes` after the harness's start.
fn at(h: &Harness, start: Timestamp, minutes: f64) {
    *h.clock.lock().unwrap() = start + SignedDuration::from_secs_f64(minutes * 60.0);
}

#[tokio::test]
async fn a_lock_that_began_within_fifteen_minutes_holds_even_when_its_first_failures_are_older() {
    let h = Harness::new().await;
    let start = h.now();
    // Five failures within exactly 15 minutes: the fifth at minute 15 locks until minute 30.
    for minute in [0.0, 1.0, 2.0, 3.0, 15.0] {
        at(&h, start, minute);
        assert_eq!(h.try_login("budi", "salah-salah-salah").await.status(), StatusCode::UNAUTHORIZED);
    }
    // At minute 29 the first failures are 29 minutes old: the lock still rests on them.
    for minute in [15.0, 20.0, 29.0, 29.99] {
        at(&h, start, minute);
        assert_eq!(h.try_login("budi", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS, "minute {minute}");
    }
    at(&h, start, 30.0);
    assert_eq!(h.try_login("budi", PASSWORD).await.status(), StatusCode::SEE_OTHER, "the lock ends at minute 30");
}

#[tokio::test]
async fn five_failures_spread_over_more_than_fifteen_minutes_do_not_lock() {
    let h = Harness::new().await;
    let start = h.now();
    for minute in [0.0, 1.0, 2.0, 3.0, 15.02] {
        at(&h, start, minute);
        assert_eq!(h.try_login("budi", "salah-salah-salah").await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(h.try_login("budi", PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_successful_login_clears_the_failures_before_it() {
    let h = Harness::new().await;
    for _ in 0..4 {
        assert_eq!(h.try_login("budi", "salah-salah-salah").await.status(), StatusCode::UNAUTHORIZED);
    }
    h.advance(SignedDuration::from_mins(1));
    assert_eq!(h.try_login("budi", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    h.advance(SignedDuration::from_mins(1));
    assert_eq!(h.try_login("budi", "salah-salah-salah").await.status(), StatusCode::UNAUTHORIZED);
    h.advance(SignedDuration::from_mins(1));
    // Four failures, a success, one failure: one failure counts, not five.
    assert_eq!(h.try_login("budi", PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn activity_keeps_a_session_alive_and_thirty_idle_minutes_end_it() {
    let h = Harness::new().await;
    let b = h.login("rina").await;
    for minutes in [20, 20, 29] {
        h.advance(SignedDuration::from_mins(minutes));
        let resp = h.get("/staf/", Some(&b.cookie)).await;
        assert_eq!(resp.status(), StatusCode::OK, "{minutes} minutes after the last request");
    }
    h.advance(SignedDuration::from_secs(29 * 60 + 59));
    assert_eq!(h.get("/staf/", Some(&b.cookie)).await.status(), StatusCode::OK, "29:59 idle");
    h.advance(SignedDuration::from_mins(30));
    let idle = h.get("/staf/", Some(&b.cookie)).await;
    assert_eq!(idle.status(), StatusCode::SEE_OTHER, "30 minutes idle");
    assert_eq!(location(&idle), "/staf/masuk");
}

/// A calendar of 2026 and 2027 with days off around the new year: 2027 is not in the shipped
/// file, and Christmas Eve is off only here.
const FIXTURE_CALENDAR: &str = r#"
[[tahun]]
tahun = 2026
libur_nasional = [{ tanggal = 2026-12-25, nama = "Hari Raya Natal" }]
cuti_bersama = [{ tanggal = 2026-12-24, nama = "Cuti bersama Hari Raya Natal" }]

[[tahun]]
tahun = 2027
libur_nasional = [{ tanggal = 2027-01-01, nama = "Tahun Baru 2027 Masehi" }]
cuti_bersama = []
"#;

#[tokio::test]
async fn the_deadline_stored_when_the_files_are_complete_is_the_tenth_working_day_after() {
    let calendar = Calendar::from_toml(FIXTURE_CALENDAR).unwrap();
    let h = Harness::with(Setup { calendar: Some(calendar.clone()), ..Setup::default() }).await;
    let n = h.new_complaint(1).await;
    // Wednesday 23 December 2026, 10.00 WIB.
    *h.clock.lock().unwrap() = "2026-12-23T03:00:00Z".parse().unwrap();
    let fo = h.login("rina").await;
    let resp = h.act(&fo, &n, "lengkap", &[("prosedur", "penyelesaian"), ("catatan", "Berkas lengkap")]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let row = h.load(&n).await.row;
    // The service page's time limit: 2 s/d 10 hari kerja.
    let expected = calendar.add_working_days(date(2026, 12, 23), 10);
    assert!(!expected.provisional);
    assert_eq!(row.deadline.map(|d| d.value), Some(expected.value));
    assert_eq!(row.deadline.map(|d| d.value), Some(date(2027, 1, 11)), "24 and 25 December and 1 January are off");
    assert!(!row.deadline.is_some_and(|d| d.provisional), "both years are in the calendar");
}

/// The bytes of a small PDF, as uploaded.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

#[tokio::test]
async fn attachments_follow_the_identity_rule_per_role_and_step_as_audited_downloads() {
    let h = Harness::with(Setup { attachments: true, ..Setup::default() }).await;
    let files = h.attachments.as_ref().unwrap();
    let mut numbers = Vec::new();
    for (i, rahasia) in [(1, true), (2, false), (3, false)] {
        let mut c = complaint(i, &format!("lampiran-{i}"), h.now(), 2026);
        c.submission.rahasia = rahasia;
        let n = nomor(&h.store.submit(c).await.unwrap()).to_string();
        let valid = validate_files(&[("../KTP Siti.exe.pdf".to_owned(), PDF)]).unwrap().remove(0);
        let key = files.put_pending(&valid, bytes::Bytes::from_static(PDF), h.now()).await.unwrap();
        files.commit(&n, &[(key, valid)]).await.unwrap();
        numbers.push(n);
    }
    let (secret, open, at_jft) = (&numbers[0], &numbers[1], &numbers[2]);
    let everyone = everyone(&h).await;
    // The third is complete: its next step is the JFT's verification.
    let fo = &everyone[0].1;
    let ready = h.act(fo, at_jft, "lengkap", &[("prosedur", "penyelesaian"), ("catatan", "Lengkap")]).await;
    assert_eq!(ready.status(), StatusCode::SEE_OTHER);
    // Who may open what, written out: a file identifies its sender as the identity block does.
    let allowed = |role: Role, n: &String| match role {
        Role::FrontOffice | Role::Admin => true,
        Role::Jft => n == at_jft,
        _ => false,
    };
    let downloads = || async {
        let trail = h.store.audit_trail(Timestamp::UNIX_EPOCH, 100).await.unwrap();
        trail
            .into_iter()
            .filter(|e| e.action == AuditAction::DownloadAttachment)
            .map(|e| (e.username, e.role, e.nomor.unwrap_or_default(), e.detail))
            .collect::<Vec<_>>()
    };
    for (role, b) in &everyone {
        let user = ACCOUNTS.iter().find(|(r, _)| r == role).unwrap().1;
        for n in [secret, open, at_jft] {
            let before = downloads().await.len();
            let resp = h.get(&format!("/staf/pengaduan/{n}/lampiran/1"), Some(&b.cookie)).await;
            if *role == Role::Editor {
                assert_eq!(resp.status(), StatusCode::FORBIDDEN, "the editor opening any complaint's file");
                assert!(text(resp).await.contains("peran Anda mengurus isi situs"));
                assert_eq!(downloads().await.len(), before);
                continue;
            }
            let page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&b.cookie)).await).await;
            if !allowed(*role, n) {
                assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{role:?} opening {n}'s file");
                let why = text(resp).await;
                if n == secret {
                    assert!(why.contains("hanya dapat dibuka Front Office dan admin"), "{why}");
                } else {
                    assert!(why.contains("memuat identitas pengadu"), "{why}");
                }
                assert_eq!(downloads().await.len(), before, "no download, nothing to audit");
                assert!(!page.contains("KTP"), "{role:?} sees no file name on {n}'s page");
                assert!(page.contains("1 lampiran"), "{role:?} is told a file exists on {n}'s page");
                continue;
            }
            assert!(page.contains("KTP Siti"), "{role:?} sees the file's name on {n}'s page");
            assert_eq!(resp.status(), StatusCode::OK, "{role:?} downloading from {n}");
            let headers = resp.headers().clone();
            assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
            assert_eq!(
                headers[header::CONTENT_DISPOSITION],
                "attachment; filename=\"1-KTP_Siti.pdf\"; filename*=UTF-8''1%2DKTP%20Siti%2Epdf",
                "a safe name: no folder, no second extension"
            );
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers[header::CACHE_CONTROL], "no-store");
            assert_eq!(resp.into_body().collect().await.unwrap().to_bytes(), PDF);
            let trail = downloads().await;
            assert_eq!(trail.len(), before + 1);
            assert!(
                trail.contains(&(user.to_owned(), Some(*role), n.clone(), "lampiran 1".to_owned())),
                "{role:?}'s download of {n} is in the audit trail: {trail:?}"
            );
        }
    }
    let missing = h.get(&format!("/staf/pengaduan/{open}/lampiran/2"), Some(&everyone[0].1.cookie)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// A complaint with a clean PDF (1) and a PDF carrying the EICAR test string (2), committed to
/// the harness's attachment store; its number.
async fn complaint_with_eicar(h: &Harness) -> String {
    use pengaduan_store::testing::EICAR_PDF;
    let files = h.attachments.as_ref().unwrap();
    let n = nomor(&h.store.submit(complaint(1, "lampiran", h.now(), 2026)).await.unwrap()).to_string();
    let sent = [("surat.pdf".to_owned(), PDF), ("bukti.pdf".to_owned(), EICAR_PDF)];
    let mut pending = Vec::new();
    for (valid, bytes) in validate_files(&sent).unwrap().into_iter().zip([PDF, EICAR_PDF]) {
        pending.push((files.put_pending(&valid, bytes::Bytes::from_static(bytes), h.now()).await.unwrap(), valid));
    }
    files.commit(&n, &pending).await.unwrap();
    n
}

/// The audit trail's entries of `action`, as (nomor, detail).
async fn audited(h: &Harness, action: AuditAction) -> Vec<(String, String)> {
    let trail = h.store.audit_trail(Timestamp::UNIX_EPOCH, 100).await.unwrap();
    trail.into_iter().filter(|e| e.action == action).map(|e| (e.nomor.unwrap_or_default(), e.detail)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clamd_scanned_files_are_served_when_clean_and_an_infected_one_never() {
    use pengaduan_store::testing::EICAR_SIGNATURE;
    let h = Harness::with(Setup { attachments: true, clamd: true, ..Setup::default() }).await;
    let n = complaint_with_eicar(&h).await;
    let fo = h.login("rina").await;
    // The scan runs off the commit: wait for the page to show both verdicts.
    let infected = format!("terinfeksi: {EICAR_SIGNATURE}");
    let mut page = String::new();
    for _ in 0..300 {
        page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
        if page.contains(&infected) && page.contains("bersih") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(page.contains(&infected), "the page says which file is infected: {page}");
    assert!(page.contains("— bersih"), "{page}");
    assert!(page.contains(&format!("/staf/pengaduan/{n}/lampiran/1\"")), "the clean file is offered");
    assert!(!page.contains(&format!("/staf/pengaduan/{n}/lampiran/2\"")), "the infected one is not");
    assert!(!page.contains("Pemindai antivirus belum terpasang"), "{page}");
    let clean = h.get(&format!("/staf/pengaduan/{n}/lampiran/1"), Some(&fo.cookie)).await;
    assert_eq!(clean.status(), StatusCode::OK);
    assert_eq!(clean.into_body().collect().await.unwrap().to_bytes(), PDF);
    // Asked for all the same (an old link): refused, said why, and audited as withheld.
    let refused = h.get(&format!("/staf/pengaduan/{n}/lampiran/2"), Some(&fo.cookie)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let why = text(refused).await;
    assert!(why.contains(&format!("terinfeksi ({EICAR_SIGNATURE})")) && why.contains("tidak akan diberikan"), "{why}");
    assert!(!why.contains("EICAR-STANDARD"), "no byte of the file in the answer");
    assert_eq!(audited(&h, AuditAction::DownloadAttachment).await, [(n.clone(), "lampiran 1".to_owned())]);
    assert_eq!(audited(&h, AuditAction::DownloadWithheld).await, [(n.clone(), format!("lampiran 2: {infected}"))]);
}

#[tokio::test]
async fn without_clamd_files_show_as_not_scanned_and_download_with_the_warning() {
    let h = Harness::with(Setup { attachments: true, ..Setup::default() }).await;
    let n = complaint_with_eicar(&h).await;
    let fo = h.login("rina").await;
    let page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert_eq!(page.matches("— belum dipindai").count(), 2, "{page}");
    assert!(page.contains("Pemindai antivirus belum terpasang (CLAMD_URL tidak diatur)"), "{page}");
    let resp = h.get(&format!("/staf/pengaduan/{n}/lampiran/1"), Some(&fo.cookie)).await;
    assert_eq!(resp.status(), StatusCode::OK, "locally without a scanner, files are served as before");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_s3_only_objects_guardduty_tagged_clean_are_served() {
    use pengaduan_store::attachments::AnyAttachments;
    use pengaduan_store::testing::{Moto, tag_scan_status};
    let h = Harness::with(Setup { s3: true, ..Setup::default() }).await;
    let n = complaint_with_eicar(&h).await;
    let AnyAttachments::S3(s3) = h.attachments.as_ref().unwrap() else { panic!("a bucket") };
    let client = Moto::shared().s3().await;
    let fo = h.login("rina").await;
    let download = |i: usize| {
        let path = format!("/staf/pengaduan/{n}/lampiran/{i}");
        let (h, cookie) = (&h, fo.cookie.clone());
        async move { h.get(&path, Some(&cookie)).await }
    };
    // No tag yet: not scanned, so not served on AWS.
    let early = download(1).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert!(text(early).await.contains("belum selesai dipindai"));
    let page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert_eq!(page.matches("— belum dipindai").count(), 2, "{page}");
    assert!(!page.contains("Pemindai antivirus belum terpasang"), "GuardDuty guards the bucket");
    let files = s3.list(&n).await.unwrap();
    tag_scan_status(&client, s3.bucket(), &files[0].key, "NO_THREATS_FOUND").await;
    tag_scan_status(&client, s3.bucket(), &files[1].key, "THREATS_FOUND").await;
    let clean = download(1).await;
    assert_eq!(clean.status(), StatusCode::OK);
    assert_eq!(clean.into_body().collect().await.unwrap().to_bytes(), PDF);
    assert_eq!(download(2).await.status(), StatusCode::FORBIDDEN);
    let page = text(h.get(&format!("/staf/pengaduan/{n}"), Some(&fo.cookie)).await).await;
    assert!(page.contains("terinfeksi: ancaman terdeteksi GuardDuty"), "{page}");
    let withheld = audited(&h, AuditAction::DownloadWithheld).await;
    assert_eq!(withheld.len(), 2, "the early try and the infected file: {withheld:?}");
    assert_eq!(audited(&h, AuditAction::DownloadAttachment).await, [(n.clone(), "lampiran 1".to_owned())]);
}

/// The service rules the harness starts with, over `calendar`.
fn rules_over(calendar: Calendar) -> pengaduan_console::Rules {
    let service =
        pengaduan_core::service::ServiceRules::parse(include_str!("../../content/layanan/informasi-dan-pengaduan.md"))
            .unwrap();
    pengaduan_console::Rules { service, calendar, kantor: Default::default() }
}

/// The notice code a console action's redirect carries (`?pesan=…`).
fn notice(resp: &http::Response<axum::body::Body>) -> String {
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    location(resp).rsplit_once("pesan=").map(|(_, code)| code.to_owned()).unwrap_or_default()
}

/// Beyond who may act: what each action says it did (the notice after the redirect), the next
/// step the status page shows, which message an empty note gets, and the deadline fixed when the
/// files were declared complete, which a holiday published afterwards does not move (neither a
/// step nor a correction recounts it).
#[tokio::test]
async fn each_action_says_what_it_did_shows_the_next_step_and_keeps_the_deadline_given() {
    let calendar = Calendar::from_toml(FIXTURE_CALENDAR).unwrap();
    let h = Harness::with(Setup { calendar: Some(calendar), ..Setup::default() }).await;
    // Wednesday 23 December 2026, 10.00 WIB.
    *h.clock.lock().unwrap() = "2026-12-23T03:00:00Z".parse().unwrap();
    let n = h.new_complaint(1).await;
    let nomor = pengaduan_core::RegisterNumber::parse(&n).unwrap();
    let [fo, jft, kabid, kadis] =
        [h.login("rina").await, h.login("budi").await, h.login("sari").await, h.login("agus").await];
    let public = || async { h.store.find_public(&nomor).await.unwrap().unwrap() };

    let empty = h.act(&fo, &n, "kembalikan", &[("alasan", " ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(empty).await;
    assert!(html.contains("Alasan pengembalian berkas wajib diisi.") && !html.contains("Catatan langkah"), "{html}");
    assert_eq!(notice(&h.act(&fo, &n, "kembalikan", &[("alasan", "Lampirkan KTP")]).await), "dikembalikan");
    assert_eq!(public().await.next_step, None, "with the complainant, no step is next");

    let procedure = pengaduan_store::testing::procedure("jawaban-tertulis");
    let complete = h.act(&fo, &n, "lengkap", &[("prosedur", "jawaban-tertulis"), ("catatan", "Berkas lengkap")]).await;
    assert_eq!(notice(&complete), "lengkap");
    let row = h.load(&n).await.row;
    let step = row.state.step_index.unwrap();
    assert_eq!(public().await.next_step, procedure.public_next_step(step));
    assert!(public().await.next_step.is_some());
    let given = row.deadline.expect("a deadline once the files are complete");

    // The office publishes a holiday inside the count: what was given stands.
    let mut holidays = FIXTURE_CALENDAR.to_owned();
    holidays = holidays.replacen(
        "{ tanggal = 2026-12-25, nama = \"Hari Raya Natal\" }",
        "{ tanggal = 2026-12-25, nama = \"Hari Raya Natal\" }, { tanggal = 2026-12-28, nama = \"Cuti bersama\" }",
        1,
    );
    let later = Calendar::from_toml(&holidays).unwrap();
    assert_ne!(later.add_working_days(date(2026, 12, 23), 10).value, given.value, "the new holiday would move it");
    h.console.set_rules(rules_over(later));

    let no_note = h.act(&jft, &n, "lanjut", &[("catatan", "")]).await;
    assert_eq!(no_note.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(no_note).await;
    assert!(html.contains("Catatan langkah wajib diisi.") && !html.contains("Alasan pengembalian"), "{html}");
    assert_eq!(notice(&h.act(&jft, &n, "lanjut", &[("catatan", "Telaah selesai")]).await), "langkah");
    assert_eq!(h.load(&n).await.row.deadline, Some(given), "a step keeps the deadline given");
    assert_eq!(public().await.next_step, procedure.public_next_step(step + 1));

    // Only the step's own role corrects it: the admin takes no steps and is told so before the
    // SOP is asked, the Front Office by the SOP's own rule.
    let admin = h.login("admin").await;
    let langkah = (step + 2).to_string();
    let refused = h.act(&admin, &n, "koreksi", &[("langkah", &langkah), ("alasan", "Ulang")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let html = text(refused).await;
    assert!(html.contains("bukan wewenang peran") && !html.contains("hanya peran itu"), "{html}");
    let refused = h.act(&fo, &n, "koreksi", &[("langkah", &langkah), ("alasan", "Ulang")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(text(refused).await.contains("hanya peran itu yang dapat mengoreksinya"));
    let corrected = h.act(&jft, &n, "koreksi", &[("langkah", &langkah), ("alasan", "Data keliru")]).await;
    assert_eq!(notice(&corrected), "koreksi");
    assert_eq!(h.load(&n).await.row.deadline, Some(given), "a correction keeps the deadline given");

    // Through the procedure: each step says so, the last says the complaint is finished.
    let actors = [&jft, &kabid, &jft, &kabid, &kadis, &fo];
    let mut said = Vec::new();
    for b in actors {
        said.push(notice(&h.act(b, &n, "lanjut", &[("catatan", "Dikerjakan")]).await));
        if h.status(&n).await == Status::Selesai {
            break;
        }
    }
    assert_eq!(h.status(&n).await, Status::Selesai, "{said:?}");
    let (last, before) = said.split_last().unwrap();
    assert_eq!(last, "selesai", "{said:?}");
    assert!(before.iter().all(|s| s == "langkah" || s == "berita-acara"), "{said:?}");
    assert!(before.iter().any(|s| s == "langkah"), "{said:?}");
}

/// Cookies carry `Secure` except over plain HTTP to this machine itself (`site-gen serve`): a
/// console reached by any other name, or through HTTPS, never sends its cookies in clear text.
#[tokio::test]
async fn cookies_are_secure_except_over_plain_http_to_this_machine() {
    let h = Harness::new().await;
    for (host, proto, secure) in [
        ("127.0.0.1:8080", None, false),
        ("localhost:8080", None, false),
        ("[::1]:8080", None, false),
        ("127.0.0.1:8080", Some("https"), true),
        ("pengaduan.dpmptsp.example", None, true),
        ("192.0.2.10:8080", None, true),
    ] {
        let mut req = http::Request::get("/staf/masuk").header(header::HOST, host);
        if let Some(p) = proto {
            req = req.header("x-forwarded-proto", p);
        }
        let resp = h.send(req.body(axum::body::Body::empty()).unwrap()).await;
        let line = common::set_cookie_line(&resp, "staf_masuk");
        assert_eq!(line.contains("; Secure"), secure, "{host} {proto:?}: {line}");
    }
}

/// An account switched off ends its sessions at their next request, and switching it on again
/// does not bring them back.
#[tokio::test]
async fn a_deactivated_account_is_logged_out_at_once() {
    let h = Harness::new().await;
    let b = h.login("budi").await;
    assert_eq!(h.get("/staf/", Some(&b.cookie)).await.status(), StatusCode::OK);
    let mut account = h.store.account("budi").await.unwrap().unwrap();
    account.active = false;
    h.store.update_account(account.clone()).await.unwrap();
    let resp = h.get("/staf/", Some(&b.cookie)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).starts_with("/staf/masuk"), "{}", location(&resp));
    account.active = true;
    h.store.update_account(account).await.unwrap();
    assert_eq!(h.get("/staf/", Some(&b.cookie)).await.status(), StatusCode::SEE_OTHER, "the session is gone");
}
