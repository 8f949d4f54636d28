//! The Buku Register Pengaduan as files: CSV for other programs, an Excel workbook for people;
//! each with the Indeks Kepuasan Masyarakat (IKM) of the same period: a second sheet "IKM" in the
//! workbook, a second CSV file next to the register's (one table per CSV file).

pub mod laporan;
pub mod statistik;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use pengaduan_core::calendar::{Calendar, Deadline, Reckoned};
use pengaduan_core::skm::{Ikm, ikm};
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::{ListFilter, StoreError, WorkflowStore};
use rust_xlsxwriter::{FormatAlign, Workbook, Worksheet, XlsxError};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The column headings, in order. New columns go at the end, so that sheets and programs reading
/// the earlier ones by position keep working.
pub const HEADINGS: [&str; 11] = [
    "Nomor Register",
    "Tanggal Diterima",
    "Kanal",
    "Jenis",
    "Judul",
    "Status",
    "Tenggat",
    "Lama Penyelesaian (hari kerja)",
    "Nomor Berita Acara",
    "Tenggat Sementara",
    "Lama Penyelesaian Sementara",
];

/// One row of the register: one complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    /// Register number.
    pub nomor: String,
    /// Day received, in the office's time zone.
    pub received_on: Date,
    /// The intake channel, as a label.
    pub channel: String,
    /// Kind of report, as a label.
    pub jenis: String,
    /// Title.
    pub judul: String,
    /// Public status, as a label.
    pub status: String,
    /// Deadline, once the files were complete; provisional when counted without a year's
    /// holidays (the calendar lacked the year).
    pub deadline: Option<Deadline>,
    /// Working days from files complete to finished, once finished; provisional likewise.
    pub days_taken: Option<Reckoned<u32>>,
    /// Berita Acara number, once numbered.
    pub ba_number: Option<String>,
}

impl ExportRow {
    /// The two "sementara" cells: "ya" or "tidak" next to a value, empty where there is none.
    fn provisional_cells(&self) -> [&'static str; 2] {
        let cell = |provisional: Option<bool>| match provisional {
            None => "",
            Some(true) => "ya",
            Some(false) => "tidak",
        };
        [cell(self.deadline.map(|d| d.provisional)), cell(self.days_taken.map(|n| n.provisional))]
    }
}

/// The two file formats of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV for other programs.
    Csv,
    /// An Excel workbook for people.
    Xlsx,
}

impl Format {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The media type of a download.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The register of a period: its complaints and the IKM of the survey answers given in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    /// One row per complaint received in the period, by number.
    pub rows: Vec<ExportRow>,
    /// The IKM of the answers given in the period; `None` when nobody answered.
    pub ikm: Option<Ikm>,
}

impl Register {
    /// How many complaints.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no complaint was received in the period.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The register of the period from `dari` to `sampai` (both included, in the office's time zone
/// `tz`): the complaints received in it, by number, and the IKM of the survey answers given in
/// it. What `pengaduan-staf ekspor` and the console's export both write.
pub async fn register_rows<S: WorkflowStore + SurveyStore>(
    store: &S,
    calendar: &Calendar,
    tz: &TimeZone,
    dari: Date,
    sampai: Date,
) -> Result<Register, StoreError> {
    let rows = complaint_rows(store, calendar, tz, dari, sampai).await?;
    let ikm = ikm_of_period(store, tz, dari, sampai).await?;
    Ok(Register { rows, ikm })
}

/// The IKM of the survey answers given from `dari` to `sampai` (both included, in the office's
/// time zone `tz`), by core's one formula; `None` when nobody answered. The period is that of
/// the answers, not of the complaints: a citizen answers after the complaint is finished, and
/// the regulation reports satisfaction by when it was measured.
pub async fn ikm_of_period<S: SurveyStore>(
    store: &S,
    tz: &TimeZone,
    dari: Date,
    sampai: Date,
) -> Result<Option<Ikm>, StoreError> {
    let (from, before) = period_instants(tz, dari, sampai)?;
    let answers: Vec<_> = store.surveys(from, before).await?.into_iter().map(|(_, a)| a).collect();
    Ok(ikm(&answers))
}

/// The period's first instant and the instant after its last day, in the office's time zone.
fn period_instants(tz: &TimeZone, dari: Date, sampai: Date) -> Result<(jiff::Timestamp, jiff::Timestamp), StoreError> {
    let instant = |d: Date| {
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| StoreError::Backend(format!("tanggal {d}: {e}").into()))
    };
    let end = sampai.tomorrow().map_err(|e| StoreError::Backend(format!("tanggal {sampai}: {e}").into()))?;
    Ok((instant(dari)?, instant(end)?))
}

async fn complaint_rows<S: WorkflowStore>(
    store: &S,
    calendar: &Calendar,
    tz: &TimeZone,
    dari: Date,
    sampai: Date,
) -> Result<Vec<ExportRow>, StoreError> {
    let instant = |d: Date| d.to_zoned(tz.clone()).map(|z| z.timestamp()).ok();
    let filter = ListFilter {
        received_from: instant(dari),
        received_before: sampai.tomorrow().ok().and_then(instant),
        ..Default::default()
    };
    Ok(store
        .list(&filter)
        .await?
        .into_iter()
        .map(|r| ExportRow {
            nomor: r.nomor.to_string(),
            received_on: r.received_at.to_zoned(tz.clone()).date(),
            channel: r.channel.label().to_owned(),
            jenis: r.jenis.label().to_owned(),
            judul: r.judul.clone(),
            status: r.state.status.label().to_owned(),
            deadline: r.deadline,
            days_taken: r.state.days_taken(calendar),
            ba_number: r.state.ba_number.clone(),
        })
        .collect())
}

/// The file's bytes in `format`; `dari` and `sampai` head the workbook's printed pages. The
/// workbook carries the IKM as its second sheet; the CSV is the register alone (one table per
/// CSV file), its IKM is [`ikm_csv_bytes`].
pub fn to_bytes(format: Format, register: &Register, dari: Date, sampai: Date) -> Result<Vec<u8>, String> {
    match format {
        Format::Csv => csv_bytes(&register.rows).map_err(|e| e.to_string()),
        Format::Xlsx => {
            build_xlsx(register, dari, sampai).and_then(|mut w| w.save_to_buffer()).map_err(|e| e.to_string())
        }
    }
}

/// Writes the register as CSV (RFC 4180, UTF-8, dates `YYYY-MM-DD`, empty cells for unknowns),
/// every text cell passed through [`csv_cell`], and its IKM next to it in the file
/// [`ikm_csv_path`] names; returns that second file's path.
///
/// Two files, because a CSV file holds one table: a program reading the register by its
/// headings must not meet the IKM's rows, and an office opening the folder finds both.
pub fn write_csv(path: &Path, register: &Register) -> Result<PathBuf, String> {
    let fail = |p: &Path, e: &dyn std::fmt::Display| format!("{}: tidak dapat ditulis ({e})", p.display());
    let bytes = csv_bytes(&register.rows).map_err(|e| fail(path, &e))?;
    std::fs::write(path, bytes).map_err(|e| fail(path, &e))?;
    let ikm_path = ikm_csv_path(path);
    let bytes = ikm_csv_bytes(register.ikm.as_ref()).map_err(|e| fail(&ikm_path, &e))?;
    std::fs::write(&ikm_path, bytes).map_err(|e| fail(&ikm_path, &e))?;
    Ok(ikm_path)
}

/// Where the IKM's CSV goes next to the register's: `register-tw1.csv` → `register-tw1-ikm.csv`.
pub fn ikm_csv_path(register_csv: &Path) -> PathBuf {
    let stem = register_csv.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = register_csv.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_else(|| "csv".into());
    register_csv.with_file_name(format!("{stem}-ikm.{ext}"))
}

/// The headings of the IKM's CSV, the same file `pengaduan-staf skm --csv` writes.
pub const IKM_CSV_HEADINGS: [&str; 8] =
    ["Unsur", "Nama", "NRR", "NRR tertimbang", "Nilai konversi", "Mutu", "Kinerja", "Responden"];

/// The IKM as CSV: one row per unsur, then the row `IKM` (its NRR tertimbang is the IKM unit,
/// its nilai konversi the IKM × 25); the headings alone when nobody answered. Decimal points,
/// so spreadsheets in any locale read numbers.
pub fn ikm_csv_bytes(result: Option<&Ikm>) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(IKM_CSV_HEADINGS).map_err(|e| e.to_string())?;
    if let Some(r) = result {
        for u in &r.unsur {
            w.write_record([
                u.unsur.kode,
                u.unsur.nama,
                &format!("{:.2}", u.nrr),
                &format!("{:.3}", u.nrr_tertimbang),
                &format!("{:.2}", u.konversi),
                u.mutu.letter(),
                u.mutu.label(),
                &r.responden.to_string(),
            ])
            .map_err(|e| e.to_string())?;
        }
        w.write_record([
            "IKM",
            "Indeks Kepuasan Masyarakat",
            "",
            &format!("{:.3}", r.unit),
            &format!("{:.2}", r.nilai),
            r.mutu.letter(),
            r.mutu.label(),
            &r.responden.to_string(),
        ])
        .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

fn csv_bytes(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADINGS)?;
    for r in rows {
        w.write_record(
            [
                csv_cell(&r.nomor),
                csv_cell(&r.received_on.to_string()),
                csv_cell(&r.channel),
                csv_cell(&r.jenis),
                csv_cell(&r.judul),
                csv_cell(&r.status),
                csv_cell(&r.deadline.map(|d| d.value.to_string()).unwrap_or_default()),
                csv_cell(&r.days_taken.map(|n| n.value.to_string()).unwrap_or_default()),
                csv_cell(r.ba_number.as_deref().unwrap_or_default()),
                csv_cell(r.provisional_cells()[0]),
                csv_cell(r.provisional_cells()[1]),
            ]
            .iter()
            .map(|cell| cell.as_bytes()),
        )?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// A text cell that a spreadsheet opening the CSV shows as text: one starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP, CSV injection).
///
/// Excel and LibreOffice read such a cell as a formula, and a citizen writes the title: a
/// `=HYPERLINK(...)` or `=cmd|...` there would run on the staff member's computer. The quote is
/// what spreadsheets themselves use to mark "text", and a reader sees where it came from.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Writes the register as an Excel workbook: the sheet "Buku Register Pengaduan" (a bold frozen
/// heading row with filters, real date cells, the period in the header for printing) and the
/// sheet "IKM" of the same period.
pub fn write_xlsx(path: &Path, register: &Register, dari: Date, sampai: Date) -> Result<(), String> {
    build_xlsx(register, dari, sampai)
        .and_then(|mut w| w.save(path))
        .map_err(|e| format!("{}: tidak dapat ditulis ({e})", path.display()))
}

fn build_xlsx(register: &Register, dari: Date, sampai: Date) -> Result<Workbook, XlsxError> {
    let rows = &register.rows;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Buku Register Pengaduan")?;
    sheet.set_header(format!("&CBuku Register Pengaduan {dari} s/d {sampai}"));
    let bold = rust_xlsxwriter::Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top);
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (col, heading) in HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *heading, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &r.nomor)?;
        sheet.write_date_with_format(row, 1, r.received_on, &date)?;
        sheet.write_string(row, 2, &r.channel)?;
        sheet.write_string(row, 3, &r.jenis)?;
        sheet.write_string(row, 4, &r.judul)?;
        sheet.write_string(row, 5, &r.status)?;
        if let Some(d) = r.deadline.map(|d| d.value) {
            sheet.write_date_with_format(row, 6, d, &date)?;
        }
        if let Some(n) = r.days_taken.map(|n| n.value) {
            sheet.write_number(row, 7, f64::from(n))?;
        }
        if let Some(ba) = &r.ba_number {
            sheet.write_string(row, 8, ba)?;
        }
        for (col, cell) in (9..).zip(r.provisional_cells()) {
            if !cell.is_empty() {
                sheet.write_string(row, col, cell)?;
            }
        }
    }
    for (col, width) in [16.0, 12.0, 16.0, 20.0, 50.0, 26.0, 12.0, 14.0, 16.0, 12.0, 14.0].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, (HEADINGS.len() - 1) as u16)?;
    ikm_sheet(workbook.add_worksheet(), register.ikm.as_ref(), dari, sampai, &bold)?;
    Ok(workbook)
}

/// The headings of the workbook's IKM sheet, per unsur.
pub const IKM_SHEET_HEADINGS: [&str; 8] = [
    "Unsur",
    "Nama Unsur",
    "Jumlah Jawaban",
    "Nilai Rata-rata (NRR)",
    "NRR Tertimbang (NRR × bobot 1/9 ≈ 0,111)",
    "Nilai Konversi (NRR × 25)",
    "Mutu",
    "Kinerja",
];

/// The sheet "IKM": the period, per unsur its answers, NRR, weighted NRR, converted value and
/// grade, then the respondents, the IKM unit, the IKM × 25 and its grade. Real numbers, shown
/// with the decimals reports use, so the office can compute on them.
fn ikm_sheet(
    sheet: &mut Worksheet,
    result: Option<&Ikm>,
    dari: Date,
    sampai: Date,
    bold: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    sheet.set_name("IKM")?;
    sheet.set_header(format!("&CIndeks Kepuasan Masyarakat {dari} s/d {sampai}"));
    let two = rust_xlsxwriter::Format::new().set_num_format("0.00");
    let three = rust_xlsxwriter::Format::new().set_num_format("0.000");
    let title = rust_xlsxwriter::Format::new().set_bold();
    sheet.write_string_with_format(0, 0, "Indeks Kepuasan Masyarakat (PermenPANRB 14/2017)", &title)?;
    sheet.write_string(1, 0, format!("Periode pengisian survei: {dari} s/d {sampai}"))?;
    for (col, width) in [8.0, 40.0, 12.0, 14.0, 16.0, 16.0, 8.0, 14.0].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    let Some(r) = result else {
        sheet.write_string(3, 0, "Jumlah responden: 0. Belum ada jawaban survei pada periode ini.")?;
        return Ok(());
    };
    let top = 3;
    for (col, heading) in IKM_SHEET_HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *heading, bold)?;
    }
    for (i, u) in r.unsur.iter().enumerate() {
        let row = top + 1 + i as u32;
        sheet.write_string(row, 0, u.unsur.kode)?;
        sheet.write_string(row, 1, u.unsur.nama)?;
        // Every answer set answers all nine: each unsur has one answer per respondent.
        sheet.write_number(row, 2, r.responden as f64)?;
        sheet.write_number_with_format(row, 3, u.nrr, &two)?;
        sheet.write_number_with_format(row, 4, u.nrr_tertimbang, &three)?;
        sheet.write_number_with_format(row, 5, u.konversi, &two)?;
        sheet.write_string(row, 6, u.mutu.letter())?;
        sheet.write_string(row, 7, u.mutu.label())?;
    }
    let summary = top + 1 + r.unsur.len() as u32 + 1;
    sheet.write_string_with_format(summary, 1, "Jumlah responden", bold)?;
    sheet.write_number(summary, 2, r.responden as f64)?;
    sheet.write_string_with_format(summary + 1, 1, "IKM unit pelayanan (jumlah NRR tertimbang)", bold)?;
    sheet.write_number_with_format(summary + 1, 4, r.unit, &three)?;
    sheet.write_string_with_format(summary + 2, 1, "IKM (nilai konversi, × 25)", bold)?;
    sheet.write_number_with_format(summary + 2, 5, r.nilai, &two)?;
    sheet.write_string(summary + 2, 6, r.mutu.letter())?;
    sheet.write_string(summary + 2, 7, r.mutu.label())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted_and_other_text_is_not() {
        for formula in ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tx", "\rx"] {
            assert_eq!(csv_cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for text in ["Antrean izin usaha lama", "PGD-2026-00001", "2026-03-16", "", "1-2"] {
            assert!(matches!(csv_cell(text), Cow::Borrowed(t) if t == text), "{text:?}");
        }
    }
}
