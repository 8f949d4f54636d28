//! The Buku Register Pengaduan as files: CSV for other programs, an Excel workbook for people.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use pengaduan_core::calendar::Calendar;
use pengaduan_store::{ListFilter, StoreError, WorkflowStore};
use rust_xlsxwriter::{FormatAlign, Workbook, XlsxError};
use std::borrow::Cow;
use std::path::Path;

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
    pub diterima: Date,
    /// Channel, as a label.
    pub kanal: String,
    /// Kind of report, as a label.
    pub jenis: String,
    /// Title.
    pub judul: String,
    /// Public status, as a label.
    pub status: String,
    /// Deadline, once the files were complete.
    pub tenggat: Option<Date>,
    /// Working days from files complete to finished, once finished.
    pub lama: Option<u32>,
    /// Berita Acara number, once numbered.
    pub nomor_ba: Option<String>,
    /// The deadline was counted without a year's holidays (the calendar lacked the year).
    pub tenggat_sementara: bool,
    /// The time taken was counted without a year's holidays.
    pub lama_sementara: bool,
}

impl ExportRow {
    /// The two "sementara" cells: "ya" or "tidak" next to a value, empty where there is none.
    fn provisional_cells(&self) -> [&'static str; 2] {
        let cell = |has_value: bool, provisional: bool| match (has_value, provisional) {
            (false, _) => "",
            (true, true) => "ya",
            (true, false) => "tidak",
        };
        [cell(self.tenggat.is_some(), self.tenggat_sementara), cell(self.lama.is_some(), self.lama_sementara)]
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

/// The register rows of the complaints received from `dari` to `sampai` (both included, in the
/// office's time zone `tz`), by number: what `pengaduan-staf ekspor` and the console's export
/// both write.
pub async fn register_rows<S: WorkflowStore>(
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
        .map(|r| {
            let lama = r.state.days_taken(calendar);
            ExportRow {
                nomor: r.nomor.to_string(),
                diterima: r.received_at.to_zoned(tz.clone()).date(),
                kanal: r.channel.label().to_owned(),
                jenis: r.jenis.label().to_owned(),
                judul: r.judul.clone(),
                status: r.state.status.label().to_owned(),
                tenggat: r.deadline,
                lama: lama.map(|n| n.value),
                nomor_ba: r.state.ba_number.clone(),
                tenggat_sementara: r.deadline_provisional,
                lama_sementara: lama.is_some_and(|n| n.provisional),
            }
        })
        .collect())
}

/// The file's bytes in `format`; `dari` and `sampai` head the workbook's printed pages.
pub fn to_bytes(format: Format, rows: &[ExportRow], dari: Date, sampai: Date) -> Result<Vec<u8>, String> {
    match format {
        Format::Csv => csv_bytes(rows).map_err(|e| e.to_string()),
        Format::Xlsx => build_xlsx(rows, dari, sampai).and_then(|mut w| w.save_to_buffer()).map_err(|e| e.to_string()),
    }
}

/// Writes the rows as CSV (RFC 4180, UTF-8, dates `YYYY-MM-DD`, empty cells for unknowns),
/// every text cell passed through [`csv_cell`].
pub fn write_csv(path: &Path, rows: &[ExportRow]) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: tidak dapat ditulis ({e})", path.display());
    let bytes = csv_bytes(rows).map_err(|e| fail(&e))?;
    std::fs::write(path, bytes).map_err(|e| fail(&e))
}

fn csv_bytes(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADINGS)?;
    for r in rows {
        w.write_record(
            [
                csv_cell(&r.nomor),
                csv_cell(&r.diterima.to_string()),
                csv_cell(&r.kanal),
                csv_cell(&r.jenis),
                csv_cell(&r.judul),
                csv_cell(&r.status),
                csv_cell(&r.tenggat.map(|d| d.to_string()).unwrap_or_default()),
                csv_cell(&r.lama.map(|n| n.to_string()).unwrap_or_default()),
                csv_cell(r.nomor_ba.as_deref().unwrap_or_default()),
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

/// Writes the rows as an Excel workbook: one sheet, a bold frozen heading row with filters,
/// real date cells, and the period in the sheet's header for printing.
pub fn write_xlsx(path: &Path, rows: &[ExportRow], dari: Date, sampai: Date) -> Result<(), String> {
    build_xlsx(rows, dari, sampai)
        .and_then(|mut w| w.save(path))
        .map_err(|e| format!("{}: tidak dapat ditulis ({e})", path.display()))
}

fn build_xlsx(rows: &[ExportRow], dari: Date, sampai: Date) -> Result<Workbook, XlsxError> {
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
        sheet.write_date_with_format(row, 1, r.diterima, &date)?;
        sheet.write_string(row, 2, &r.kanal)?;
        sheet.write_string(row, 3, &r.jenis)?;
        sheet.write_string(row, 4, &r.judul)?;
        sheet.write_string(row, 5, &r.status)?;
        if let Some(d) = r.tenggat {
            sheet.write_date_with_format(row, 6, d, &date)?;
        }
        if let Some(n) = r.lama {
            sheet.write_number(row, 7, f64::from(n))?;
        }
        if let Some(ba) = &r.nomor_ba {
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
    Ok(workbook)
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
