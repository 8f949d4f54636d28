//! The periodic report as an Excel workbook: one sheet "Laporan", the letterhead and title on
//! top, then each section's table as on the page, numbers as real numbers so the office can
//! compute on them, set to print on A4.

use super::Document;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// The sheet's name.
pub const SHEET: &str = "Laporan";

/// The workbook's bytes.
pub fn bytes(doc: &Document) -> Result<Vec<u8>, String> {
    build(doc).and_then(|mut w| w.save_to_buffer()).map_err(|e| e.to_string())
}

fn build(doc: &Document) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    sheet.set_paper_size(9); // A4
    sheet.set_header(format!("&C{} {}", doc.judul, doc.periode));
    sheet.set_footer("&CHalaman &P dari &N");
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let head =
        Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_border_bottom(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let number = |places: usize| {
        let f = if places == 0 { "0".to_owned() } else { format!("0.{}", "0".repeat(places)) };
        Format::new().set_num_format(f).set_align(FormatAlign::Top)
    };
    let mut row = 0u32;
    for (text, format) in [
        (doc.kop.nama.as_str(), &bold),
        (doc.kop.wilayah.as_str(), &bold),
        (doc.kop.alamat.as_str(), &wrap),
        (doc.kop.telepon.as_str(), &wrap),
    ] {
        if !text.is_empty() {
            sheet.write_string_with_format(row, 0, text, format)?;
            row += 1;
        }
    }
    row += 1;
    sheet.write_string_with_format(row, 0, format!("{} — {}", doc.judul, doc.periode), &title)?;
    sheet.write_string(row + 1, 0, &doc.rentang)?;
    sheet.write_string(row + 2, 0, &doc.catatan)?;
    sheet.write_string_with_format(row + 3, 0, &doc.ikm, &bold)?;
    row += 5;
    for s in &doc.bagian {
        sheet.write_string_with_format(row, 0, &s.judul, &title)?;
        sheet.write_string(row + 1, 0, &s.keterangan)?;
        row += 2;
        for (col, h) in s.kepala.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, h, &head)?;
        }
        row += 1;
        if s.baris.is_empty() {
            sheet.write_string(row, 0, &s.kosong)?;
            row += 1;
        }
        for cells in &s.baris {
            for (col, c) in cells.iter().enumerate() {
                let col = col as u16;
                match c.angka {
                    Some(x) => {
                        let places = c.teks.split_once(',').map_or(0, |(_, d)| d.len());
                        sheet.write_number_with_format(row, col, x, &number(places))?
                    }
                    None => sheet.write_string_with_format(row, col, &c.teks, &wrap)?,
                };
            }
            row += 1;
        }
        row += 1;
    }
    for (col, width) in [42.0, 30.0, 22.0, 14.0, 14.0, 40.0].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    Ok(workbook)
}
