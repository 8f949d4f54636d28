//! The IKM page `/staf/skm`: the values computed from seeded survey answers (the worked example
//! of `pengaduan_core::skm`: four respondents, IKM 80,56, mutu B), the default period (this year
//! so far), the CSV download, and who may see it.

mod common;

use common::{Harness, text};
use http::{StatusCode, header};
use pengaduan_core::skm::Answers;
use pengaduan_store::survey::SurveyStore;

/// The worked example's four respondents, within 2026, and answers outside the default period.
const SEEDED: [(&str, [u8; 9]); 6] = [
    ("2026-03-02T01:00:00Z", [4, 3, 3, 4, 3, 3, 4, 2, 3]),
    ("2026-06-10T05:00:00Z", [3, 3, 2, 4, 3, 4, 4, 3, 3]),
    ("2026-09-20T09:00:00Z", [4, 4, 3, 4, 3, 3, 4, 2, 4]),
    // 1 January 2026, 00.30 WIB: in 2026 in the office's time zone, still 2025 in UTC.
    ("2025-12-31T17:30:00Z", [3, 3, 2, 4, 3, 3, 3, 3, 3]),
    // 31 December 2025, 23.30 WIB: last year.
    ("2025-12-31T16:30:00Z", [1, 1, 1, 1, 1, 1, 1, 1, 1]),
    // 1 December 2026, 00.30 WIB: after today (only a wrong clock writes it; the period ends today).
    ("2026-11-30T17:30:00Z", [1, 1, 1, 1, 1, 1, 1, 1, 1]),
];

/// The console, its clock at `common::NOW` (a Monday, 30 November 2026), with [`SEEDED`]'s answers.
async fn harness() -> Harness {
    let h = Harness::new().await;
    for (i, (at, values)) in SEEDED.into_iter().enumerate() {
        let nomor = format!("PGD-2026-{:05}", i + 1);
        assert!(h.store.record_survey(&nomor, Answers::new(values).unwrap(), at.parse().unwrap()).await.unwrap());
    }
    h
}

/// The cells of the table row with `id`, their text without tags.
fn row_cells(html: &str, id: &str) -> Vec<String> {
    let start = html.find(&format!("<tr id=\"{id}\">")).unwrap_or_else(|| panic!("no row {id}"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("<td>")
        .skip(1)
        .map(|cell| {
            let cell = cell.split("</td>").next().unwrap();
            let mut out = String::new();
            let mut in_tag = false;
            for c in cell.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out
        })
        .collect()
}

fn inner_text_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {id}")) + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_ikm_of_this_year_so_far_is_shown_per_unsur_and_overall() {
    let h = harness().await;
    let rina = h.login("rina").await.cookie;
    let resp = h.get("/staf/skm", Some(&rina)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = text(resp).await;
    assert!(html.contains("value=\"2026-01-01\"") && html.contains("value=\"2026-11-30\""), "default period");
    assert!(html.contains("Kamis, 1 Januari 2026 s&#x2F;d Senin, 30 November 2026"), "{html}");
    assert_eq!(inner_text_of(&html, "responden"), "4", "the four of 2026 in WIB, not last year's or tomorrow's");
    assert_eq!(inner_text_of(&html, "ikm-nilai"), "80,56");
    assert_eq!(inner_text_of(&html, "ikm-mutu"), "B");
    assert!(html.contains("Jumlah NRR tertimbang: 3,222"), "{html}");
    assert_eq!(row_cells(&html, "unsur-U1"), ["U1", "Persyaratan", "3,50", "0,389", "87,50", "B (Baik)"]);
    assert_eq!(
        row_cells(&html, "unsur-U3"),
        ["U3", "Waktu penyelesaian (terendah)", "2,50", "0,278", "62,50", "D (Tidak Baik)"]
    );
    assert_eq!(row_cells(&html, "unsur-U4"), ["U4", "Biaya&#x2F;tarif", "4,00", "0,444", "100,00", "A (Sangat Baik)"]);
    assert_eq!(row_cells(&html, "unsur-U5")[5], "C (Kurang Baik)");
    assert!(
        html.contains("U3 Waktu penyelesaian, U8 Penanganan pengaduan, saran, dan masukan."),
        "the two lowest, tied at 2,50"
    );
    assert!(html.contains("href=\"/staf/skm\">Indeks kepuasan</a>"), "in the menu");
}

#[tokio::test]
async fn a_chosen_period_and_its_csv() {
    let h = harness().await;
    let agus = h.login("agus").await.cookie;
    // Only 31 December 2025 (WIB): the one respondent who answered 1 everywhere.
    let html = text(h.get("/staf/skm?dari=2025-12-01&sampai=2025-12-31", Some(&agus)).await).await;
    assert_eq!(inner_text_of(&html, "responden"), "1");
    assert_eq!(inner_text_of(&html, "ikm-nilai"), "25,00");
    assert_eq!(inner_text_of(&html, "ikm-mutu"), "D");
    let html = text(h.get("/staf/skm?dari=2026-04-01&sampai=2026-05-31", Some(&agus)).await).await;
    assert!(html.contains("Jumlah responden: <strong id=\"responden\">0</strong>. Belum ada jawaban survei"));
    assert!(!html.contains("ikm-nilai"));

    let csv = h.get("/staf/skm?dari=2026-01-01&sampai=2026-11-30&format=csv", Some(&agus)).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains("ikm-2026-01-01-2026-11-30.csv"));
    let body = text(csv).await;
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines[0], pengaduan_report::IKM_CSV_HEADINGS.join(","));
    assert_eq!(lines[1], "U1,Persyaratan,3.50,0.389,87.50,B,Baik,4");
    assert_eq!(lines[10], "IKM,Indeks Kepuasan Masyarakat,,3.222,80.56,B,Baik,4");

    for bad in ["/staf/skm?dari=2026-12-01&sampai=2026-11-01", "/staf/skm?dari=kemarin"] {
        assert_eq!(h.get(bad, Some(&agus)).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // The CSV that left is in the audit trail; the pages looked at are not.
    use pengaduan_store::accounts::{AccountStore, AuditAction};
    let downloads: Vec<_> = h
        .store
        .audit_trail(jiff::Timestamp::UNIX_EPOCH, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::ExportSkm)
        .map(|e| (e.username, e.detail))
        .collect();
    assert_eq!(downloads, [("agus".to_owned(), "2026-01-01 s/d 2026-11-30, csv".to_owned())]);
}

#[tokio::test]
async fn only_the_roles_that_export_see_it() {
    let h = harness().await;
    let budi = h.login("budi").await.cookie;
    let resp = h.get("/staf/skm", Some(&budi)).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(!text(resp).await.contains("80,56"));
    let inbox = text(h.get("/staf/", Some(&budi)).await).await;
    assert!(!inbox.contains("/staf/skm"), "no link for the JFT");
    let resp = h.get("/staf/skm", None).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "to the login");
}
