//! `pengaduan-staf laporan` (issue 24): the periodic report of a quarter or a year written as
//! XLSX and PDF (both by default, one by `--keluar`'s extension), its progress on stderr, and
//! its refusals (a period that is not one, an extension it cannot write) with nothing written.

use jiff::civil::date;
use pengaduan_core::skm::Answers;
use pengaduan_store::ComplaintStore;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{advance, complaint, complete, nomor, state_of};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_pengaduan-staf");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Three complaints received in March 2026 (Q1), two finished; one survey answer.
async fn seed(db: &Path) {
    let store = SqliteStore::open(db).unwrap();
    let mut numbers = Vec::new();
    for i in 0..3 {
        let c = complaint(i, &format!("k{i}"), format!("2026-03-0{}T02:00:00Z", i + 2).parse().unwrap(), 2026);
        numbers.push(nomor(&store.submit(c).await.unwrap()));
    }
    for n in &numbers[..2] {
        complete(&store, n, "penyelesaian", date(2026, 3, 16)).await;
        while state_of(&store, n).await.0.status != pengaduan_core::Status::Selesai {
            advance(&store, n, "Budi (JFT)").await;
        }
    }
    let answers = Answers::new([4, 3, 3, 4, 3, 3, 4, 2, 3]).unwrap();
    assert!(store.record_survey("PGD-2026-00001", answers, "2026-03-21T02:00:00Z".parse().unwrap()).await.unwrap());
}

fn run(db: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(cwd)
        .arg("--store")
        .arg(format!("sqlite:{}", db.display()))
        .arg("--root")
        .arg(repo_root())
        .arg("laporan")
        .args(args)
        .env("PENGADUAN_STAF_WAKTU", "2026-04-10T09:00:00+07:00")
        .env_remove("PENGADUAN_TIMEZONE")
        .output()
        .unwrap()
}

fn shared_strings(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("a workbook is a zip");
    let mut s = String::new();
    zip.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut s).unwrap();
    s
}

#[tokio::test]
async fn a_quarter_is_written_as_xlsx_and_pdf_with_progress_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    seed(&db).await;
    let out = run(&db, dir.path(), &["--triwulan", "2026-1"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // Progress: the register, the histories of the three, the answers, each file.
    assert!(stderr.contains("Menyusun laporan Triwulan I 2026"), "{stderr}");
    assert!(stderr.contains("Buku Register dibaca: 3 pengaduan; riwayat 3 pengaduan akan dibaca."), "{stderr}");
    assert!(stderr.contains("Riwayat dibaca: 3 dari 3."), "{stderr}");
    assert!(stderr.contains("Jawaban survei dibaca: 1."), "{stderr}");
    assert!(stderr.contains("Ditulis: laporan-2026-1.xlsx") && stderr.contains("Ditulis: laporan-2026-1.pdf"));
    assert!(stdout.contains("3 diterima, 2 selesai"), "{stdout}");
    assert!(stdout.contains("IKM 80,56 (B, Baik)"), "{stdout}");
    assert!(!stdout.contains("Siti") && !stderr.contains("Siti"), "no personal data");
    // Each file written is in the audit trail, as the console's download is.
    let store = SqliteStore::open(&db).unwrap();
    let trail = store.audit_trail("2026-01-01T00:00:00Z".parse().unwrap(), 100).await.unwrap();
    let mut reports: Vec<(String, Option<String>)> = trail
        .iter()
        .filter(|e| e.action == AuditAction::ExportReport)
        .map(|e| (e.detail.clone(), e.nomor.clone()))
        .collect();
    reports.sort();
    assert_eq!(
        reports,
        [("pengaduan-staf: 2026-1, pdf".to_owned(), None), ("pengaduan-staf: 2026-1, xlsx".to_owned(), None)]
    );

    let strings = shared_strings(&dir.path().join("laporan-2026-1.xlsx"));
    // The letterhead from the repository's config.toml, and the report's sections.
    for s in ["Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "Triwulan I 2026", "Waktu per langkah SOP"] {
        assert!(strings.contains(s), "{s}");
    }
    let pdf = std::fs::read(dir.path().join("laporan-2026-1.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    for s in ["Triwulan I 2026", "IKM 80,56", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"] {
        assert!(text.contains(s), "the PDF's text has {s}");
    }
}

#[tokio::test]
async fn keluar_chooses_the_format_by_extension_and_a_year_is_a_period() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    seed(&db).await;
    let pdf = dir.path().join("tahunan.PDF");
    let out = run(&db, dir.path(), &["--tahun", "2026", "--keluar", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).contains("Tahun 2026"));
    assert!(!dir.path().join("laporan-2026.xlsx").exists(), "only the file asked for");

    // Refusals, in Indonesian, with nothing written.
    let bad = dir.path().join("laporan.docx");
    for (args, says) in [
        (vec!["--triwulan", "2026-5"], "Triwulan \"2026-5\" tidak sah"),
        (vec!["--tahun", "26"], "Tahun \"26\" tidak sah"),
        (vec!["--triwulan", "2026-1", "--keluar", bad.to_str().unwrap()], "akhiran berkas harus .xlsx atau .pdf"),
    ] {
        let out = run(&db, dir.path(), &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(!bad.exists());
    let out = run(&db, dir.path(), &["--triwulan", "2026-1", "--tahun", "2026"]);
    assert_eq!(out.status.code(), Some(2), "one period at a time");
}
