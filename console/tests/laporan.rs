//! The periodic report `/staf/laporan`: who may read it, the figures of a quarter worked by hand
//! (complaints moved through their procedure on chosen days, survey answers), the letterhead,
//! the period chooser, and the XLSX and PDF downloads of the same document.

mod common;

use common::{Harness, Setup, text};
use http::{StatusCode, header};
use http_body_util::BodyExt;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use pengaduan_core::RegisterNumber;
use pengaduan_core::report::Letterhead;
use pengaduan_core::skm::Answers;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{complaint, nomor, procedure, state_of, store_transition};
use pengaduan_store::{AnyStore, ComplaintStore};
use std::io::Read;

/// 08.00 WIB on `d`.
fn morning(d: Date) -> Timestamp {
    d.at(8, 0, 0, 0).to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).unwrap().timestamp()
}

async fn receive(store: &AnyStore, n: usize, on: Date) -> RegisterNumber {
    nomor(&store.submit(complaint(n, &format!("lap-{n}"), morning(on), 2026)).await.unwrap())
}

async fn complete(store: &AnyStore, n: &RegisterNumber, on: Date) {
    let (state, version) = state_of(store, n).await;
    let t = state.mark_complete(procedure("penyelesaian"), on, "lengkap").unwrap();
    store_transition(store, n, version, &t, "Rina (FO)", morning(on)).await.unwrap();
}

async fn give_back(store: &AnyStore, n: &RegisterNumber, on: Date, reason: &str) {
    let (state, version) = state_of(store, n).await;
    let t = state.mark_incomplete(reason, on).unwrap();
    store_transition(store, n, version, &t, "Rina (FO)", morning(on)).await.unwrap();
}

async fn advance(store: &AnyStore, n: &RegisterNumber, on: Date) {
    let (state, version) = state_of(store, n).await;
    let t = state.advance(procedure("penyelesaian"), on, "dikerjakan").unwrap();
    store_transition(store, n, version, &t, "Budi (JFT)", morning(on)).await.unwrap();
}

/// The fourth quarter of 2026 up to the console's clock (Monday 30 November):
/// - A: received, complete Mon 5 October; eight moves 6..9, 12..15 October, finished Thu 15
///   October, 8 working days: on time.
/// - B: received Tue 6 October, returned Wed 7 ("KTP buram"), complete Thu 8, verified Fri 9,
///   then left at step 4 ever since: its deadline (the 10th working day after 8 October) is
///   long past: late, and the time went at step 4.
/// - C: received in September (Q3) and returned there: the previous quarter's.
/// - Two survey answers in Q4 (the SKM worked example's first two, each summing to 29).
async fn harness() -> (Harness, String) {
    let letterhead = Letterhead {
        nama: "Dinas Penanaman Modal dan PTSP".into(),
        wilayah: "Kabupaten Sukamaju".into(),
        alamat: "Jl. Merdeka No. 7".into(),
        telepon: "(0265) 123456".into(),
    };
    let h = Harness::with(Setup { letterhead: Some(letterhead), ..Setup::default() }).await;
    let s = &h.store;
    let a = receive(s, 1, date(2026, 10, 5)).await;
    complete(s, &a, date(2026, 10, 5)).await;
    for d in [6, 7, 8, 9, 12, 13, 14, 15] {
        advance(s, &a, date(2026, 10, d)).await;
    }
    let b = receive(s, 2, date(2026, 10, 6)).await;
    give_back(s, &b, date(2026, 10, 7), "KTP buram").await;
    complete(s, &b, date(2026, 10, 8)).await;
    advance(s, &b, date(2026, 10, 9)).await;
    let c = receive(s, 3, date(2026, 9, 14)).await;
    give_back(s, &c, date(2026, 9, 15), "Surat kuasa belum ada").await;
    for (i, (at, v)) in
        [("2026-10-20T03:00:00Z", [4, 3, 3, 4, 3, 3, 4, 2, 3]), ("2026-11-02T03:00:00Z", [3, 3, 2, 4, 3, 4, 4, 3, 3])]
            .into_iter()
            .enumerate()
    {
        assert!(
            s.record_survey(&format!("PGD-2026-9000{i}"), Answers::new(v).unwrap(), at.parse().unwrap()).await.unwrap()
        );
    }
    (h, b.to_string())
}

async fn bytes(resp: http::Response<axum::body::Body>) -> Vec<u8> {
    resp.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// The cells of the row whose first cell is `label`, their text.
fn row(html: &str, label: &str) -> Vec<String> {
    let start = html.find(&format!("<th scope=\"row\">{label}</th>")).unwrap_or_else(|| panic!("no row {label}"));
    let end = start + html[start..].find("</tr>").unwrap();
    html[start..end]
        .split("<td")
        .skip(1)
        .map(|c| c.split_once('>').unwrap().1.split("</td>").next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_heads_and_the_admin_read_it_others_are_refused() {
    let (h, _) = harness().await;
    for user in ["sari", "agus", "admin"] {
        let c = h.login(user).await.cookie;
        let resp = h.get("/staf/laporan", Some(&c)).await;
        assert_eq!(resp.status(), StatusCode::OK, "{user}");
        let home = text(h.get("/staf/", Some(&c)).await).await;
        assert!(home.contains("href=\"/staf/laporan\">Laporan berkala</a>"), "{user}: in the menu");
    }
    for user in ["rina", "budi", "dewi"] {
        let c = h.login(user).await.cookie;
        for path in
            ["/staf/laporan", "/staf/laporan?periode=2026-4&format=xlsx", "/staf/laporan?periode=2026-4&format=pdf"]
        {
            let resp = h.get(path, Some(&c)).await;
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{user} {path}");
            assert!(!text(resp).await.contains("KTP buram"));
        }
        let home = text(h.get("/staf/", Some(&c)).await).await;
        assert!(!home.contains("/staf/laporan"), "{user}: no link");
    }
    assert_eq!(h.get("/staf/laporan", None).await.status(), StatusCode::SEE_OTHER, "to the login");
}

#[tokio::test]
async fn the_page_shows_the_quarters_figures_under_the_letterhead() {
    let (h, late) = harness().await;
    let agus = h.login("agus").await.cookie;
    // The default: the current quarter, still running.
    let html = text(h.get("/staf/laporan", Some(&agus)).await).await;
    assert!(html.contains("<option value=\"2026-4\" selected>Triwulan IV 2026</option>"), "{html}");
    assert!(html.contains("<option value=\"2025\">Tahun 2025</option>"));
    assert!(html.contains("Periode masih berjalan: angka sampai Senin, 30 November 2026."));
    for part in ["Dinas Penanaman Modal dan PTSP", "Kabupaten Sukamaju", "Jl. Merdeka No. 7", "Telepon (0265) 123456"] {
        assert!(html.contains(part), "letterhead: {part}");
    }
    // Indikator | Q4 | Q3 | change.
    assert_eq!(row(&html, "Pengaduan diterima"), ["2", "1", "+1"]);
    assert_eq!(row(&html, "Pengaduan selesai"), ["1", "0", "+1"]);
    assert_eq!(row(&html, "Selesai tepat waktu"), ["1", "0", "+1"]);
    assert_eq!(row(&html, "Persentase selesai tepat waktu (%)"), ["100", "–", "–"]);
    // A: complete 5 October, finished 15 October: 6..9, 12..15 = 8 working days.
    assert_eq!(row(&html, "Median hari kerja (lengkap s&#x2F;d selesai)"), ["8", "–", "–"]);
    assert_eq!(row(&html, "Belum selesai pada akhir periode"), ["2", "1", "+1"], "B and C now; C at 30 September");
    assert_eq!(row(&html, "Berkas dikembalikan untuk dilengkapi"), ["1", "1", "0"]);
    // Two respondents: NRR sums 29 and 29, IKM = 29/9 × 25 = 80,56 (B).
    assert_eq!(row(&html, "IKM (nilai konversi)"), ["80,56", "–", "–"]);
    assert!(html.contains("IKM 80,56 (B, Baik)"));
    assert_eq!(row(&html, "U1 Persyaratan"), ["3,50", "0,389", "87,50", "B (Baik)"]);
    // The late complaint, with the step where its time went.
    let late_row = row(&html, &late);
    assert_eq!(late_row[0], "Pengaduan");
    assert_eq!(late_row[2], "belum selesai");
    assert!(late_row[4].starts_with("Langkah 4 dari 11"), "{late_row:?}");
    assert!(!html.contains("<th scope=\"row\">PGD-2026-00001</th>"), "A was on time");
    assert_eq!(row(&html, "KTP buram"), ["1"]);
    assert!(!html.contains("Surat kuasa belum ada"), "returned in Q3");
    // The steps of both procedures, A's verification among them (5 to 6 October: 1 day).
    assert!(html.contains("3. "), "the verification step is listed");

    // Another period, chosen in the form.
    let html = text(h.get("/staf/laporan?periode=2026-3", Some(&agus)).await).await;
    assert!(html.contains("<option value=\"2026-3\" selected>"));
    assert_eq!(row(&html, "Pengaduan diterima"), ["1", "0", "+1"]);
    assert!(html.contains("Surat kuasa belum ada") && !html.contains("KTP buram"));
    let html = text(h.get("/staf/laporan?periode=2026", Some(&agus)).await).await;
    assert_eq!(row(&html, "Pengaduan diterima"), ["3", "0", "+3"]);
    for bad in ["2026-5", "tahun-ini", "26"] {
        let resp = h.get(&format!("/staf/laporan?periode={bad}"), Some(&agus)).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(text(resp).await.contains("tidak sah"));
    }
}

#[tokio::test]
async fn the_xlsx_and_the_pdf_hold_the_same_report() {
    let (h, late) = harness().await;
    let sari = h.login("sari").await.cookie;
    let html = text(h.get("/staf/laporan?periode=2026-4", Some(&sari)).await).await;
    assert!(html.contains("href=\"/staf/laporan?periode=2026-4&amp;format=xlsx\""));
    assert!(html.contains("href=\"/staf/laporan?periode=2026-4&amp;format=pdf\""));

    let resp = h.get("/staf/laporan?periode=2026-4&format=xlsx", Some(&sari)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains("laporan-2026-4.xlsx"));
    let xlsx = bytes(resp).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("the workbook is a zip");
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap_or_else(|_| panic!("{name}")).read_to_string(&mut s).unwrap();
        s
    };
    let book = read("xl/workbook.xml");
    assert!(book.contains("name=\"Laporan\""));
    let strings = read("xl/sharedStrings.xml");
    for s in [
        "Laporan Berkala Pengelolaan Pengaduan",
        "Triwulan IV 2026",
        "Dinas Penanaman Modal dan PTSP",
        &late,
        "KTP buram",
    ] {
        assert!(strings.contains(s), "the workbook has {s}");
    }
    let sheet = read("xl/worksheets/sheet1.xml");
    // The IKM as a number the office can compute on, not text.
    assert!(sheet.contains("<v>80.5555"), "IKM as a number");

    let resp = h.get("/staf/laporan?periode=2026-4&format=pdf", Some(&sari)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/pdf");
    let pdf = bytes(resp).await;
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    // The text layer: strings shown with the standard fonts, readable as they are.
    for s in ["IKM 80,56", "Triwulan IV 2026", "(Dinas Penanaman Modal dan PTSP)", &late, "/BaseFont /Helvetica"] {
        assert!(text.contains(s), "the PDF has {s}");
    }
    // Each file that left is in the audit trail (who, which period, which format); the page is not.
    use pengaduan_store::accounts::{AccountStore, AuditAction};
    let downloads: Vec<_> = h
        .store
        .audit_trail(Timestamp::UNIX_EPOCH, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::ExportReport)
        .map(|e| (e.username, e.detail))
        .collect();
    assert_eq!(
        downloads,
        [("sari".to_owned(), "2026-4, pdf".to_owned()), ("sari".to_owned(), "2026-4, xlsx".to_owned())]
    );
}
