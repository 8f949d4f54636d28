//! `pengaduan-staf statistik` (issue 24) on a store with complaints: it builds the site with
//! `/statistik/` and its English translation, each chart an SVG with `role="img"` and a text
//! alternative followed by its table, and `/statistik/data.json` and `data.csv` as the contract
//! says, with no personal data and the small-cell rule applied.

use jiff::civil::date;
use pengaduan_core::skm::Answers;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_store::ComplaintStore;
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{advance, complaint, complete, nomor, state_of};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_pengaduan-staf");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Five complaints in March 2026: four on the web form, one by telephone; two finished.
async fn seed(db: &Path) {
    let store = SqliteStore::open(db).unwrap();
    let mut numbers = Vec::new();
    for i in 0..5 {
        let mut c = complaint(i, &format!("k{i}"), format!("2026-03-0{}T02:00:00Z", i + 2).parse().unwrap(), 2026);
        if i == 4 {
            c.channel = IntakeChannel::Telepon;
            c.recorded_by = "Rina (FO)".into();
        }
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

#[tokio::test]
async fn statistik_builds_the_page_and_the_open_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pengaduan.db");
    seed(&db).await;
    let out = dir.path().join("public");
    let run = Command::new(BIN)
        .arg("--store")
        .arg(format!("sqlite:{}", db.display()))
        .arg("--root")
        .arg(repo_root())
        .args(["statistik", "--keluaran"])
        .arg(&out)
        .env("PENGADUAN_STAF_WAKTU", "2026-04-10T09:00:00+07:00")
        .env_remove("PENGADUAN_TIMEZONE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let said = String::from_utf8(run.stdout).unwrap();
    assert!(said.contains("5 diterima, 2 selesai, 3 belum selesai"), "{said}");

    // The JSON: the contract's fields, oldest month first, null medians where none finished.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("statistik/data.json")).unwrap()).unwrap();
    assert_eq!(json["diperbarui"].as_str().unwrap().len(), "2026-04-10T09:00:00+07:00".len());
    assert!(json["diperbarui"].as_str().unwrap().starts_with("2026-04-10T09:00:00+07:00"), "{}", json["diperbarui"]);
    assert_eq!(json["terbuka"], 3);
    let months = json["bulan"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!((months[0]["bulan"].as_str(), months[11]["bulan"].as_str()), (Some("2025-05"), Some("2026-04")));
    let march = months.iter().find(|m| m["bulan"] == "2026-03").unwrap();
    assert_eq!((march["diterima"].as_u64(), march["selesai"].as_u64()), (Some(5), Some(2)));
    // Complete 16 March; the fixtures finish on 20 March, and 18 to 20 March are off in 2026:
    // one working day (the 17th), on time.
    assert_eq!((march["selesai_tepat_waktu"].as_u64(), march["median_hari_kerja"].as_f64()), (Some(2), Some(1.0)));
    assert!(months[0]["median_hari_kerja"].is_null());
    for key in ["bulan", "diterima", "selesai", "selesai_tepat_waktu", "median_hari_kerja"] {
        assert!(months.iter().all(|m| m.get(key).is_some()), "{key}");
    }
    // The < 3 rule in the breakdowns: 4 by the web form, 1 by telephone.
    let kanal = json["kanal"].as_array().unwrap();
    let cell = |kode: &str| kanal.iter().find(|k| k["kode"] == kode).unwrap()["diterima"].clone();
    assert_eq!((cell("web"), cell("telepon")), (serde_json::json!(4), serde_json::json!("< 3")));
    let q1 = json["ikm"].as_array().unwrap().iter().find(|q| q["triwulan"] == "2026-1").unwrap();
    assert_eq!(q1["responden"], 1);

    // The CSV holds the same figures.
    let csv = std::fs::read_to_string(out.join("statistik/data.csv")).unwrap();
    assert!(csv.starts_with("bagian,kode,label,diterima,selesai,selesai_tepat_waktu,"), "{csv}");
    assert!(csv.contains("\r\nbulan,2026-03,,5,2,2,100,1,tidak,"), "{csv}");
    assert!(csv.contains("\r\nkanal,telepon,Telepon,< 3,< 3,< 3,"), "{csv}");

    // The pages: five charts, each an SVG with role="img" named by its title and description,
    // each followed by its table; the < 3 rule said and applied; no personal data anywhere.
    for (page, table_heading) in [
        ("statistik/index.html", "Pengaduan diterima dan selesai per bulan"),
        ("en/statistics/index.html", "By channel"),
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert_eq!(html.matches("<svg class=\"grafik\" role=\"img\" aria-labelledby=").count(), 5, "{page}");
        assert_eq!(html.matches("<desc id=").count(), 5, "{page}");
        assert_eq!(
            html.matches("</svg></figure>\n<div class=\"stat-table\"").count(),
            5,
            "{page}: a table after each chart"
        );
        assert_eq!(html.matches("<table>").count(), 5, "{page}");
        assert!(html.contains(table_heading), "{page}");
        assert!(html.contains("&lt; 3"), "{page}");
        for secret in ["PGD-2026", "Siti", "Izin usaha belum terbit", "081234567890"] {
            assert!(!html.contains(secret), "{page} shows {secret}");
            assert!(!csv.contains(secret) && !json.to_string().contains(secret));
        }
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/statistik/</loc>") && sitemap.contains("/en/statistics/"), "{sitemap}");
    let en = std::fs::read_to_string(out.join("en/statistics/index.html")).unwrap();
    assert!(en.contains("hreflang=\"id\"") && en.contains("/statistik/"), "linked as translations");

    // A build without figures leaves no stale data: the site build itself owns the files.
    std::fs::remove_file(out.join(pengaduan_site::statistik::FIGURES_FILE)).unwrap();
    let opts = pengaduan_site::build::BuildCache::load(&out).same_options(&repo_root(), &out);
    pengaduan_site::build(&opts).unwrap();
    assert!(!out.join("statistik/data.json").exists());
    let page = std::fs::read_to_string(out.join("statistik/index.html")).unwrap();
    assert!(page.contains("Statistik belum tersedia"));
}
