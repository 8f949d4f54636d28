//! The register export carries the IKM of its period (issue 13): `pengaduan-staf ekspor` writes
//! the sheet "IKM" into the workbook and `NAME-ikm.csv` next to the register's CSV, both from the
//! survey answers given in the period (office time zone), by core's one formula. The answers are
//! the worked example of `pengaduan_core::skm`: four respondents, IKM 80,56, mutu B.

use pengaduan_core::skm::Answers;
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::survey::SurveyStore;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_pengaduan-staf");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Four answers in March 2026 (WIB), one on 1 April 00.30 WIB that the period leaves out.
async fn seed(db: &Path) {
    let store = SqliteStore::open(db).unwrap();
    let answers = [
        ("2026-03-02T01:00:00Z", [4, 3, 3, 4, 3, 3, 4, 2, 3]),
        ("2026-03-10T05:00:00Z", [3, 3, 2, 4, 3, 4, 4, 3, 3]),
        ("2026-03-20T09:00:00Z", [4, 4, 3, 4, 3, 3, 4, 2, 4]),
        ("2026-03-31T16:30:00Z", [3, 3, 2, 4, 3, 3, 3, 3, 3]),
        ("2026-03-31T17:30:00Z", [1, 1, 1, 1, 1, 1, 1, 1, 1]),
    ];
    for (i, (at, values)) in answers.into_iter().enumerate() {
        let nomor = format!("PGD-2026-{:05}", i + 1);
        assert!(store.record_survey(&nomor, Answers::new(values).unwrap(), at.parse().unwrap()).await.unwrap());
    }
}

fn ekspor(db: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--store")
        .arg(format!("sqlite:{}", db.display()))
        .arg("--root")
        .arg(repo_root())
        .arg("ekspor")
        .args(args)
        .env("PENGADUAN_STAF_WAKTU", "2026-04-10T09:00:00+07:00")
        .env_remove("PENGADUAN_TIMEZONE")
        .env("USER", "rina")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "ekspor {args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// The value of cell `cell` in a sheet's XML: `<c r="C5" ...><v>4</v></c>`.
fn number_at(sheet: &str, cell: &str) -> f64 {
    let start = sheet.find(&format!("<c r=\"{cell}\"")).unwrap_or_else(|| panic!("no cell {cell}"));
    let rest = &sheet[start..];
    let v = rest.find("<v>").unwrap() + 3;
    rest[v..v + rest[v..].find("</v>").unwrap()].parse().unwrap()
}

#[tokio::test]
async fn the_workbook_has_an_ikm_sheet_of_the_period() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    seed(&db).await;
    let xlsx = dir.path().join("register.xlsx");
    ekspor(&db, &["--dari", "2026-03-01", "--sampai", "2026-03-31", "--xlsx", xlsx.to_str().unwrap()]);

    let workbook = zip_entry(&xlsx, "xl/workbook.xml");
    assert!(workbook.contains("name=\"Buku Register Pengaduan\"") && workbook.contains("name=\"IKM\""), "{workbook}");
    let strings = zip_entry(&xlsx, "xl/sharedStrings.xml");
    for needle in pengaduan_report::IKM_SHEET_HEADINGS.iter().map(|h| h.to_string()).chain([
        "Waktu penyelesaian".into(),
        "Tidak Baik".into(),
        "Sangat Baik".into(),
        "IKM (nilai konversi, × 25)".into(),
    ]) {
        assert!(strings.contains(&needle), "the IKM sheet lacks {needle:?}");
    }
    let sheet = zip_entry(&xlsx, "xl/worksheets/sheet2.xml");
    // Headings on row 4, U1 … U9 on rows 5 … 13, the summary from row 15.
    assert_eq!(number_at(&sheet, "C5"), 4.0, "U1 answered by the four of March, not April's");
    assert_eq!(number_at(&sheet, "D5"), 3.5, "U1's NRR");
    assert!((number_at(&sheet, "E5") - 3.5 / 9.0).abs() < 1e-9, "U1's weighted NRR");
    assert_eq!(number_at(&sheet, "F7"), 62.5, "U3 × 25");
    assert_eq!(number_at(&sheet, "D8"), 4.0, "U4's NRR");
    assert_eq!(number_at(&sheet, "C15"), 4.0, "respondents");
    assert!((number_at(&sheet, "E16") - 29.0 / 9.0).abs() < 1e-9, "IKM unit");
    assert!((number_at(&sheet, "F17") - 29.0 / 9.0 * 25.0).abs() < 1e-9, "IKM × 25 = 80,56");

    // A period without answers still has the sheet, saying so.
    ekspor(&db, &["--dari", "2026-05-01", "--sampai", "2026-05-31", "--xlsx", xlsx.to_str().unwrap()]);
    assert!(zip_entry(&xlsx, "xl/workbook.xml").contains("name=\"IKM\""));
    assert!(zip_entry(&xlsx, "xl/sharedStrings.xml").contains("Belum ada jawaban survei pada periode ini."));
}

#[tokio::test]
async fn the_csv_has_its_ikm_in_a_second_file_next_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    seed(&db).await;
    let csv_path = dir.path().join("register-tw1.csv");
    ekspor(&db, &["--dari", "2026-03-01", "--sampai", "2026-03-31", "--csv", csv_path.to_str().unwrap()]);

    let register = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(register.lines().next().unwrap(), pengaduan_report::HEADINGS.join(","), "the register alone");
    assert!(!register.contains("IKM"));
    let ikm_path = dir.path().join("register-tw1-ikm.csv");
    assert_eq!(pengaduan_report::ikm_csv_path(&csv_path), ikm_path);
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_path(&ikm_path).unwrap().records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 10, "nine unsur and the IKM");
    assert_eq!(
        rows[2].iter().collect::<Vec<_>>(),
        ["U3", "Waktu penyelesaian", "2.50", "0.278", "62.50", "D", "Tidak Baik", "4"]
    );
    assert_eq!(
        rows[9].iter().collect::<Vec<_>>(),
        ["IKM", "Indeks Kepuasan Masyarakat", "", "3.222", "80.56", "B", "Baik", "4"]
    );

    // The same file as `pengaduan-staf skm --csv` of the period.
    let skm_csv = dir.path().join("skm.csv");
    let out = Command::new(BIN)
        .arg("--store")
        .arg(format!("sqlite:{}", db.display()))
        .arg("--root")
        .arg(repo_root())
        .args(["skm", "--dari", "2026-03-01", "--sampai", "2026-03-31", "--csv", skm_csv.to_str().unwrap()])
        .env_remove("PENGADUAN_TIMEZONE")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(std::fs::read(&skm_csv).unwrap(), std::fs::read(&ikm_path).unwrap());
}

#[test]
fn the_ikm_file_is_named_after_the_register() {
    use pengaduan_report::ikm_csv_path;
    assert_eq!(ikm_csv_path(Path::new("/tmp/a/register.csv")), Path::new("/tmp/a/register-ikm.csv"));
    assert_eq!(ikm_csv_path(Path::new("register")), Path::new("register-ikm.csv"));
    assert_eq!(ikm_csv_path(Path::new("buku.2026.CSV")), Path::new("buku.2026-ikm.CSV"));
}
