//! The periodic report as a PDF on A4: the letterhead, the title, then each section's table.
//!
//! Written with `pdf-writer` (the Typst project's PDF writer): it is small (four tiny
//! dependencies), well kept, and writes exactly the objects asked for. The text uses the PDF
//! standard fonts Helvetica and Helvetica-Bold in WinAnsiEncoding, which every reader has, so no
//! font is embedded: the console's Lambda binary and the file stay small, and the text is a real
//! text layer (searchable, copyable, read by screen readers' PDF tools). Heavier choices were
//! weighed: `printpdf` and `genpdf` bring font parsers and image codecs, `krilla` and `typst`
//! need an embedded font and a layout engine, all megabytes for a few tables. The layout here
//! is the little a report of tables needs: word-wrapped cells on column widths from the text,
//! and a new page when one is full.

use super::{Cell, Document};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 45.0;
const BODY: f32 = 8.5;
const LEADING: f32 = 1.25;

/// Helvetica's advance widths (per 1000 units) of the printable ASCII characters, from the
/// font's standard metrics (AFM); others count as a digit's width.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];

/// Helvetica-Bold's, likewise.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611,
    556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389,
    280, 389, 584,
];

#[derive(Clone, Copy, PartialEq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> Name<'static> {
        match self {
            Self::Regular => Name(b"F1"),
            Self::Bold => Name(b"F2"),
        }
    }

    fn width(self, text: &str, size: f32) -> f32 {
        let table = if self == Self::Bold { &HELVETICA_BOLD } else { &HELVETICA };
        let units: u32 = text
            .chars()
            .map(|c| match c as u32 {
                n @ 32..=126 => u32::from(table[(n - 32) as usize]),
                _ => 556,
            })
            .sum();
        units as f32 * size / 1000.0
    }
}

/// The text in WinAnsiEncoding, the standard fonts' encoding: Latin-1 and the few typographic
/// marks it adds; anything else becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '≈' => b'~',
            _ => b'?',
        })
        .collect()
}

/// Shows WinAnsi `bytes` as runs: pdf-writer writes a string with any byte past ASCII in hex,
/// so the ASCII runs go as literal strings, which text tools and tests read as they are.
fn show(c: &mut Content, bytes: &[u8]) {
    for run in bytes.chunk_by(|a, b| a.is_ascii() == b.is_ascii()) {
        c.show(Str(run));
    }
}

/// Breaks `text` into lines no wider than `width`; a word too long for a line is cut.
fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if font.width(&candidate, size) <= width || line.is_empty() && font.width(word, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_owned();
        while font.width(&rest, size) > width && rest.chars().count() > 1 {
            let mut cut = String::new();
            for c in rest.chars() {
                if font.width(&format!("{cut}{c}"), size) > width && !cut.is_empty() {
                    break;
                }
                cut.push(c);
            }
            rest = rest[cut.len()..].to_owned();
            lines.push(cut);
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The pages being written: their content streams, and where the next line goes.
struct Writer {
    pages: Vec<Content>,
    y: f32,
}

impl Writer {
    fn new() -> Self {
        Self { pages: vec![Content::new()], y: HEIGHT - MARGIN }
    }

    fn page(&mut self) -> &mut Content {
        self.pages.last_mut().expect("there is always a page")
    }

    /// Room for `height` more points, or a new page.
    fn room(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.pages.push(Content::new());
            self.y = HEIGHT - MARGIN;
        }
    }

    fn text(&mut self, x: f32, y: f32, text: &str, font: Font, size: f32) {
        let bytes = win_ansi(text);
        let c = self.page();
        c.begin_text();
        c.set_font(font.name(), size);
        c.next_line(x, y);
        show(c, &bytes);
        c.end_text();
    }

    /// A paragraph across the page, wrapped.
    fn paragraph(&mut self, text: &str, font: Font, size: f32) {
        for line in wrap(text, font, size, WIDTH - 2.0 * MARGIN) {
            self.room(size * LEADING);
            self.y -= size * LEADING;
            self.text(MARGIN, self.y, &line, font, size);
        }
    }

    fn rule(&mut self, x1: f32, x2: f32, width: f32) {
        let y = self.y;
        let c = self.page();
        c.set_line_width(width);
        c.move_to(x1, y);
        c.line_to(x2, y);
        c.stroke();
    }

    /// One row of cells on `columns` (their widths), wrapped; bold for the heading row.
    fn row(&mut self, cells: &[Cell], columns: &[f32], font: Font) {
        let pad = 3.0;
        let wrapped: Vec<Vec<String>> =
            cells.iter().zip(columns).map(|(c, w)| wrap(&c.teks, font, BODY, w - 2.0 * pad)).collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let height = lines as f32 * BODY * LEADING + pad;
        self.room(height);
        let top = self.y;
        let mut x = MARGIN;
        for ((cell, lines), w) in cells.iter().zip(&wrapped).zip(columns) {
            for (i, line) in lines.iter().enumerate() {
                let y = top - (i as f32 + 1.0) * BODY * LEADING;
                let lx = if cell.numeric() { x + w - pad - font.width(line, BODY) } else { x + pad };
                self.text(lx, y, line, font, BODY);
            }
            x += w;
        }
        self.y = top - height;
        self.rule(MARGIN, MARGIN + columns.iter().sum::<f32>(), if font == Font::Bold { 0.8 } else { 0.2 });
    }
}

/// Column widths filling the page: each column gets at least its longest word (a register
/// number is never cut), and the room left is shared by the columns' widest text.
fn columns(heads: &[String], rows: &[Vec<Cell>]) -> Vec<f32> {
    let available = WIDTH - 2.0 * MARGIN;
    let word = |t: &str, f: Font| t.split_whitespace().map(|w| f.width(w, BODY)).fold(0.0_f32, f32::max) + 8.0;
    let mut least: Vec<f32> = heads.iter().map(|h| word(h, Font::Bold).min(80.0)).collect();
    let mut wide: Vec<f32> = heads.iter().map(|h| Font::Bold.width(h, BODY).min(90.0) + 8.0).collect();
    for r in rows {
        for ((l, w), c) in least.iter_mut().zip(wide.iter_mut()).zip(r) {
            *l = l.max(word(&c.teks, Font::Regular).min(120.0));
            *w = w.max(Font::Regular.width(&c.teks, BODY).min(200.0) + 8.0);
        }
    }
    let floor: f32 = least.iter().sum();
    if floor >= available {
        return least.iter().map(|l| l * available / floor).collect();
    }
    let extra: Vec<f32> = wide.iter().zip(&least).map(|(w, l)| (w - l).max(0.0)).collect();
    let total: f32 = extra.iter().sum::<f32>().max(1.0);
    let share = (available - floor).min(total);
    let spare = available - floor - share;
    let n = least.len() as f32;
    least.iter().zip(&extra).map(|(l, e)| l + e * share / total + spare / n).collect()
}

/// The PDF's bytes.
pub fn bytes(doc: &Document) -> Vec<u8> {
    let mut w = Writer::new();
    for (text, font, size) in [
        (&doc.kop.nama, Font::Bold, 13.0),
        (&doc.kop.wilayah, Font::Bold, 11.0),
        (&doc.kop.alamat, Font::Regular, 9.0),
        (&doc.kop.telepon, Font::Regular, 9.0),
    ] {
        if !text.is_empty() {
            let text = if size == 9.0 && text == &doc.kop.telepon { format!("Telepon {text}") } else { text.clone() };
            w.room(size * LEADING);
            w.y -= size * LEADING;
            let x = (WIDTH - font.width(&text, size)) / 2.0;
            w.text(x.max(MARGIN), w.y, &text, font, size);
        }
    }
    w.y -= 5.0;
    w.rule(MARGIN, WIDTH - MARGIN, 1.5);
    w.y -= 14.0;
    w.paragraph(&format!("{} — {}", doc.judul, doc.periode), Font::Bold, 13.0);
    w.paragraph(&doc.rentang, Font::Regular, 9.0);
    w.paragraph(&doc.catatan, Font::Regular, 9.0);
    w.paragraph(&doc.ikm, Font::Bold, 10.0);
    for s in &doc.bagian {
        w.y -= 8.0;
        w.room(60.0);
        w.paragraph(&s.judul, Font::Bold, 11.0);
        w.paragraph(&s.keterangan, Font::Regular, 7.5);
        w.y -= 3.0;
        let cols = columns(&s.kepala, &s.baris);
        let heads: Vec<Cell> = s.kepala.iter().map(Cell::text).collect();
        w.row(&heads, &cols, Font::Bold);
        if s.baris.is_empty() {
            w.paragraph(&s.kosong, Font::Regular, BODY);
        }
        for r in &s.baris {
            w.row(r, &cols, Font::Regular);
        }
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let (regular, bold) = (Ref::new(3), Ref::new(4));
    let info = Ref::new(5);
    let mut next = 6;
    let mut ids = Vec::new();
    for _ in &w.pages {
        ids.push((Ref::new(next), Ref::new(next + 1)));
        next += 2;
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(ids.iter().map(|(p, _)| *p)).count(ids.len() as i32);
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info).title(TextStr(&format!("{} {}", doc.judul, doc.periode))).creator(TextStr("pengaduan"));
    let count = w.pages.len();
    for (i, (content, (page_id, content_id))) in w.pages.into_iter().zip(&ids).enumerate() {
        let mut content = content;
        let footer = format!("{} {} — halaman {} dari {count}", doc.judul, doc.periode, i + 1);
        let bytes = win_ansi(&footer);
        content.begin_text();
        content.set_font(Font::Regular.name(), 7.0);
        content.next_line(MARGIN, MARGIN - 20.0);
        show(&mut content, &bytes);
        content.end_text();
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        page.parent(tree);
        page.contents(*content_id);
        let mut resources = page.resources();
        resources.fonts().pair(Font::Regular.name(), regular).pair(Font::Bold.name(), bold);
        resources.finish();
        page.finish();
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_within_the_width_and_long_words_are_cut() {
        let lines = wrap("Menerima dan mencatat pengaduan di Buku Register", Font::Regular, 10.0, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| Font::Regular.width(l, 10.0) <= 100.0), "{lines:?}");
        assert_eq!(lines.join(" "), "Menerima dan mencatat pengaduan di Buku Register");
        let cut = wrap("PGD-2026-00001PGD-2026-00002", Font::Regular, 10.0, 40.0);
        assert!(cut.len() > 1 && cut.concat() == "PGD-2026-00001PGD-2026-00002");
        assert_eq!(wrap("", Font::Regular, 10.0, 40.0), [""]);
    }

    #[test]
    fn text_is_encoded_for_the_standard_fonts() {
        assert_eq!(win_ansi("IKM 80,56 – é ×"), b"IKM 80,56 \x96 \xe9 \xd7");
        assert_eq!(win_ansi("漢"), b"?");
    }
}
