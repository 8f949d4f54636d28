//! The office's periodic report (laporan berkala): read from the store, computed by core
//! (`pengaduan_core::report`, on the public statistics' own totals), and laid out once as a
//! [`Document`] of titled tables that the console's page, the workbook ([`xlsx`]) and the PDF
//! ([`pdf`]) all render, so the three cannot disagree.
//!
//! Reading: the register's rows by `list` (on DynamoDB a `Query` per month of the index
//! `bulan_terima`, every month the register counters name), then the history of only the complaints that can matter
//! to the period ([`needs_history`]), one query each (DynamoDB: a `Query` of the complaint's
//! partition, `begins_with(sk, "HISTORY#")`; no index needed), and the survey answers of this
//! and the previous period (a `Query` per month partition).

pub mod pdf;
pub mod xlsx;

use futures_util::{StreamExt, TryStreamExt};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use pengaduan_core::calendar::Calendar;
use pengaduan_core::datetime::tanggal_indonesia;
use pengaduan_core::report::{Event, Letterhead, Period, Report, ReportRow, Summary, change, compute, needs_history};
use pengaduan_core::skm::{Answers, round2};
use pengaduan_core::stats::{Breakdown, SUPPRESSED};
use pengaduan_core::workflow::Procedure;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::{ListFilter, StoreError, WorkflowStore};
use serde::Serialize;

/// How many complaints' histories are read at once.
const CONCURRENT_READS: usize = 8;

/// What the report is computed from, as read from the store.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Every complaint, with the history of those that can matter to the period.
    pub rows: Vec<ReportRow>,
    /// The survey answers of this and the previous period.
    pub answers: Vec<(Timestamp, Answers)>,
}

/// Reads the report's inputs for `period` as of `now`; `progress` is told how many histories
/// are to be read and then each one read (the CLI shows it on stderr).
pub async fn read_inputs<S: WorkflowStore + SurveyStore>(
    store: &S,
    tz: &TimeZone,
    period: Period,
    now: Timestamp,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Inputs, StoreError> {
    let register = store.list(&ListFilter::default()).await?;
    let stat: Vec<_> = register.iter().map(crate::statistik::stat_row).collect();
    let wanted: Vec<usize> = (0..register.len()).filter(|i| needs_history(&stat[*i], tz, period)).collect();
    progress(Progress::Register { complaints: register.len(), histories: wanted.len() });
    let mut histories: Vec<(usize, Vec<Event>)> = futures_util::stream::iter(wanted.iter().copied())
        .map(|i| {
            let nomor = &register[i].nomor;
            async move {
                let h = store.history(nomor).await?;
                Ok::<_, StoreError>((i, h.iter().map(|e| Event::of(e, tz)).collect::<Vec<_>>()))
            }
        })
        .buffer_unordered(CONCURRENT_READS)
        .inspect_ok(|_| progress(Progress::History))
        .try_collect()
        .await?;
    histories.sort_by_key(|(i, _)| *i);
    let mut events = histories.into_iter().peekable();
    let rows = register
        .iter()
        .zip(stat)
        .enumerate()
        .map(|(i, (r, stat))| ReportRow {
            nomor: r.nomor.to_string(),
            stat,
            events: if events.peek().is_some_and(|(j, _)| *j == i) {
                events.next().map(|(_, e)| e).unwrap_or_default()
            } else {
                Vec::new()
            },
        })
        .collect();
    let instant = |d: jiff::civil::Date| {
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| StoreError::Backend(format!("tanggal {d}: {e}").into()))
    };
    let from = instant(period.previous().first_day())?;
    let end = period.last_day().tomorrow().map_err(|e| StoreError::Backend(e.to_string().into()))?;
    // A second past now: an answer given this very second still counts.
    let before = instant(end)?.min(now + 1.second());
    let answers = store.surveys(from, before).await?;
    progress(Progress::Answers(answers.len()));
    Ok(Inputs { rows, answers })
}

/// A step of reading, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The register was read: so many complaints, of which so many histories are to be read.
    Register {
        /// Complaints in the register.
        complaints: usize,
        /// Histories to read.
        histories: usize,
    },
    /// One more history read.
    History,
    /// The survey answers were read: so many.
    Answers(usize),
}

/// The report of `period` as of `now`, read from `store`: what the console and the CLI show.
pub async fn report<S: WorkflowStore + SurveyStore>(
    store: &S,
    procedures: &[Procedure],
    calendar: &Calendar,
    tz: &TimeZone,
    period: Period,
    now: Timestamp,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report, StoreError> {
    let inputs = read_inputs(store, tz, period, now, progress).await?;
    Ok(compute(&inputs.rows, &inputs.answers, procedures, calendar, tz, period, now))
}

/// One cell: the text shown, and the number behind it when there is one (the workbook writes
/// it as a number, the page and the PDF align it right).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// As shown.
    pub teks: String,
    /// The value, when the cell is a number.
    pub angka: Option<f64>,
}

impl Cell {
    /// A text cell.
    pub fn text(t: impl Into<String>) -> Self {
        Self { teks: t.into(), angka: None }
    }

    /// A number, shown with the Indonesian decimal comma and at most `places` decimals.
    pub fn number(x: f64, places: usize) -> Self {
        Self { teks: decimal(x, places), angka: Some(x) }
    }

    /// A number with exactly `places` decimals, as the SKM's values are reported.
    pub fn fixed(x: f64, places: usize) -> Self {
        Self { teks: format!("{x:.places$}").replace('.', ","), angka: Some(x) }
    }

    /// A count.
    pub fn count(n: u64) -> Self {
        Self::number(n as f64, 0)
    }

    /// A number, or "–" when there is none.
    pub fn maybe(x: Option<f64>, places: usize) -> Self {
        x.map_or_else(|| Self::text("–"), |x| Self::number(x, places))
    }

    /// A number to show right-aligned.
    pub fn numeric(&self) -> bool {
        self.angka.is_some() || self.teks == "–" || self.teks == SUPPRESSED
    }
}

/// `x` with at most `places` decimals (trailing zeros dropped) and the decimal comma.
pub fn decimal(x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s };
    let s = if s == "-0" { "0".to_owned() } else { s };
    s.replace('.', ",")
}

/// A signed change: `+3`, `-1,5`, `0`; "–" when either value is missing.
fn signed(x: Option<f64>, places: usize) -> Cell {
    match x {
        None => Cell::text("–"),
        Some(x) => {
            let mut c = Cell::number(x, places);
            if c.teks != "0" && x > 0.0 {
                c.teks = format!("+{}", c.teks);
            }
            c
        }
    }
}

/// One titled table of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// A stable id (`ringkasan`, `langkah`), for anchors and sheet names.
    pub id: &'static str,
    /// The heading.
    pub judul: String,
    /// What the figures are and how they are counted.
    pub keterangan: String,
    /// The column headings.
    pub kepala: Vec<String>,
    /// The rows.
    pub baris: Vec<Vec<Cell>>,
    /// Said instead of the table when it has no rows.
    pub kosong: String,
}

/// The whole report, laid out: the letterhead, the title, the period and the sections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// The office's letterhead.
    pub kop: Letterhead,
    /// "Laporan Berkala Pengelolaan Pengaduan".
    pub judul: String,
    /// "Triwulan IV 2026".
    pub periode: String,
    /// The period's code (`2026-4`), for file names.
    pub kode: String,
    /// "Kamis, 1 Oktober 2026 s/d Kamis, 31 Desember 2026".
    pub rentang: String,
    /// When it was made, and whether the period is still running.
    pub catatan: String,
    /// The IKM and its grade, for the heading ("IKM 80,56 (B, Baik)"), or that nobody answered.
    pub ikm: String,
    /// The tables, in order.
    pub bagian: Vec<Section>,
}

fn breakdown_rows(list: &[Breakdown]) -> Vec<Vec<Cell>> {
    let cell = |c: pengaduan_core::stats::Cell| match c {
        pengaduan_core::stats::Cell::Exact(n) => Cell::count(n),
        pengaduan_core::stats::Cell::Small => Cell::text(SUPPRESSED),
    };
    list.iter()
        .map(|b| vec![Cell::text(&b.label), cell(b.diterima), cell(b.selesai), cell(b.selesai_tepat_waktu)])
        .collect()
}

fn ikm_value(s: &Summary) -> Option<f64> {
    s.ikm.as_ref().map(|i| round2(i.nilai))
}

/// Lays out `report` under the letterhead `kop`.
pub fn document(report: &Report, kop: &Letterhead) -> Document {
    let (now, before) = (&report.ringkasan, &report.sebelumnya);
    let period = now.periode;
    let sampai = if report.berjalan { report.dibuat } else { period.last_day() };
    let n = |s: &Summary| [s.totals.diterima as f64, s.totals.selesai as f64, s.totals.selesai_tepat_waktu as f64];
    let mut ringkasan: Vec<Vec<Cell>> = Vec::new();
    let labels = ["Pengaduan diterima", "Pengaduan selesai", "Selesai tepat waktu"];
    for (i, label) in labels.iter().enumerate() {
        let (a, b) = (n(now)[i], n(before)[i]);
        ringkasan.push(vec![Cell::text(*label), Cell::number(a, 0), Cell::number(b, 0), signed(Some(a - b), 0)]);
    }
    let mut line = |label: &str, a: Option<f64>, b: Option<f64>, places: usize| {
        ringkasan.push(vec![
            Cell::text(label),
            Cell::maybe(a, places),
            Cell::maybe(b, places),
            signed(change(a, b), places),
        ]);
    };
    line("Persentase selesai tepat waktu (%)", now.totals.persen_tepat_waktu, before.totals.persen_tepat_waktu, 1);
    line("Median hari kerja (lengkap s/d selesai)", now.totals.median_hari_kerja, before.totals.median_hari_kerja, 1);
    line("Belum selesai pada akhir periode", Some(now.terbuka_akhir as f64), Some(before.terbuka_akhir as f64), 0);
    line("Berkas dikembalikan untuk dilengkapi", Some(now.pengembalian as f64), Some(before.pengembalian as f64), 0);
    line("IKM (nilai konversi)", ikm_value(now), ikm_value(before), 2);
    let responden = |s: &Summary| Some(s.ikm.as_ref().map_or(0, |i| i.responden) as f64);
    line("Responden SKM", responden(now), responden(before), 0);

    let bulan = report
        .bulan
        .iter()
        .map(|m| {
            let (y, mo) = m.bulan.split_once('-').unwrap_or((&m.bulan, "1"));
            let name = pengaduan_core::datetime::MONTHS[mo.parse::<usize>().unwrap_or(1).clamp(1, 12) - 1];
            vec![
                Cell::text(format!("{name} {y}{}", if m.sementara { " *" } else { "" })),
                Cell::count(m.diterima),
                Cell::count(m.selesai),
                Cell::count(m.selesai_tepat_waktu),
                Cell::maybe(m.persen_tepat_waktu, 1),
                Cell::maybe(m.median_hari_kerja, 1),
            ]
        })
        .collect();

    let langkah = report
        .langkah
        .iter()
        .map(|s| {
            vec![
                Cell::text(&s.procedure),
                Cell::text(format!("{}. {}", s.step_index + 1, s.action)),
                Cell::text(&s.actor),
                Cell::count(s.jumlah),
                Cell::maybe(s.median_hari_kerja, 1),
                Cell::maybe(s.terlama_hari_kerja.map(f64::from), 0),
            ]
        })
        .collect();

    let terlambat = report
        .terlambat
        .iter()
        .map(|l| {
            vec![
                Cell::text(&l.nomor),
                Cell::text(l.jenis),
                Cell::text(l.tenggat.to_string()),
                Cell::text(l.selesai.map_or_else(|| "belum selesai".to_owned(), |d| d.to_string())),
                Cell::count(u64::from(l.hari_terlambat)),
                Cell::text(match (&l.langkah, l.hari_di_langkah) {
                    (Some(s), Some(d)) => format!("{s} ({d} hari kerja)"),
                    _ => "–".to_owned(),
                }),
            ]
        })
        .collect();

    let alasan =
        report.alasan_pengembalian.iter().map(|r| vec![Cell::text(&r.alasan), Cell::count(r.jumlah)]).collect();

    let (skm, ikm) = match &now.ikm {
        Some(i) => {
            let mut rows: Vec<Vec<Cell>> = i
                .unsur
                .iter()
                .map(|u| {
                    vec![
                        Cell::text(format!("{} {}", u.unsur.kode, u.unsur.nama)),
                        Cell::fixed(u.nrr, 2),
                        Cell::fixed(u.nrr_tertimbang, 3),
                        Cell::fixed(u.konversi, 2),
                        Cell::text(format!("{} ({})", u.mutu.letter(), u.mutu.label())),
                    ]
                })
                .collect();
            rows.push(vec![
                Cell::text(format!("IKM ({} responden)", i.responden)),
                Cell::text(""),
                Cell::fixed(i.unit, 3),
                Cell::fixed(i.nilai, 2),
                Cell::text(format!("{} ({})", i.mutu.letter(), i.mutu.label())),
            ]);
            (rows, format!("IKM {:.2} ({}, {})", i.nilai, i.mutu.letter(), i.mutu.label()).replacen('.', ",", 1))
        }
        None => (Vec::new(), "IKM: belum ada responden survei pada periode ini".to_owned()),
    };

    let heads = |h: &[&str]| h.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let count_heads = heads(&["", "Diterima", "Selesai", "Selesai tepat waktu"]);
    let small = format!(
        "Sel berisi kurang dari 3 pengaduan ditampilkan \"{SUPPRESSED}\", sama seperti di halaman statistik publik."
    );
    let bagian = vec![
        Section {
            id: "ringkasan",
            judul: "Ringkasan dan perbandingan".into(),
            keterangan: format!(
                "Angka {} dibandingkan dengan {}. Hari kerja dihitung menurut kalender resmi (hari libur nasional dan cuti bersama).",
                period.label(),
                period.previous().label()
            ),
            kepala: heads(&["Indikator", &period.label(), &period.previous().label(), "Perubahan"]),
            baris: ringkasan,
            kosong: String::new(),
        },
        Section {
            id: "bulan",
            judul: "Per bulan".into(),
            keterangan: "Sama dengan halaman statistik publik. * = ada tenggat atau hitungan sementara (kalender tahun itu belum lengkap).".into(),
            kepala: heads(&["Bulan", "Diterima", "Selesai", "Tepat waktu", "% tepat waktu", "Median hari kerja"]),
            baris: bulan,
            kosong: String::new(),
        },
        Section {
            id: "jenis",
            judul: "Menurut jenis laporan".into(),
            keterangan: small.clone(),
            kepala: { let mut h = count_heads.clone(); h[0] = "Jenis".into(); h },
            baris: breakdown_rows(&report.jenis),
            kosong: String::new(),
        },
        Section {
            id: "kanal",
            judul: "Menurut kanal pengaduan".into(),
            keterangan: small,
            kepala: { let mut h = count_heads; h[0] = "Kanal".into(); h },
            baris: breakdown_rows(&report.kanal),
            kosong: String::new(),
        },
        Section {
            id: "langkah",
            judul: "Waktu per langkah SOP".into(),
            keterangan: "Hari kerja dari langkah dicapai sampai ditinggalkan (dilanjutkan atau berkas dikembalikan). Dihitung untuk periode tempat langkah ditinggalkan; yang belum ditinggalkan dihitung sampai akhir periode.".into(),
            kepala: heads(&["Prosedur", "Langkah", "Pelaksana", "Jumlah", "Median hari kerja", "Terlama (hari kerja)"]),
            baris: langkah,
            kosong: "Tidak ada prosedur.".into(),
        },
        Section {
            id: "terlambat",
            judul: "Pengaduan yang melewati tenggat".into(),
            keterangan: "Selesai dalam periode sesudah tenggat, atau belum selesai pada akhir periode padahal tenggat sudah lewat; dengan langkah yang paling lama sejak berkas terakhir dinyatakan lengkap.".into(),
            kepala: heads(&["Nomor", "Jenis", "Tenggat", "Selesai", "Terlambat (hari kerja)", "Langkah terlama"]),
            baris: terlambat,
            kosong: "Tidak ada pengaduan yang melewati tenggat.".into(),
        },
        Section {
            id: "pengembalian",
            judul: "Alasan pengembalian berkas".into(),
            keterangan: "Alasan yang sama (tanpa membedakan huruf besar, spasi, dan titik akhir) dihitung bersama.".into(),
            kepala: heads(&["Alasan", "Jumlah"]),
            baris: alasan,
            kosong: "Tidak ada berkas yang dikembalikan pada periode ini.".into(),
        },
        Section {
            id: "skm",
            judul: "Survei Kepuasan Masyarakat (SKM)".into(),
            keterangan: "Per unsur PermenPANRB 14/2017: nilai rata-rata (NRR), NRR tertimbang (× 1/9), nilai konversi (× 25), dan mutu; dari jawaban survei yang diberikan dalam periode.".into(),
            kepala: heads(&["Unsur", "NRR", "NRR tertimbang", "Nilai konversi", "Mutu"]),
            baris: skm,
            kosong: "Belum ada jawaban survei pada periode ini.".into(),
        },
    ];
    Document {
        kop: kop.clone(),
        judul: "Laporan Berkala Pengelolaan Pengaduan".into(),
        periode: period.label(),
        kode: period.code(),
        rentang: format!("{} s/d {}", tanggal_indonesia(period.first_day()), tanggal_indonesia(sampai)),
        catatan: if report.berjalan {
            format!("Periode masih berjalan: angka sampai {}.", tanggal_indonesia(report.dibuat))
        } else {
            format!("Dibuat {}.", tanggal_indonesia(report.dibuat))
        },
        ikm,
        bagian,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_indonesian_way() {
        assert_eq!(decimal(80.555, 2), "80,56");
        assert_eq!(decimal(11.0, 1), "11");
        assert_eq!(decimal(33.3, 1), "33,3");
        assert_eq!(decimal(-0.0, 1), "0");
        assert_eq!(signed(Some(2.0), 0).teks, "+2");
        assert_eq!(signed(Some(-1.5), 1).teks, "-1,5");
        assert_eq!(signed(Some(0.0), 1).teks, "0");
        assert_eq!(signed(None, 1).teks, "–");
    }
}
