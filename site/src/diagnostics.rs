//! Errors an editor can act on: the file, the line where known, and what is wrong.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the site's sources or output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file the problem is in, relative to the site root where possible.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
}

impl Diagnostic {
    /// A problem in `file` at `line`.
    pub fn new(file: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        Self { file: file.into(), line, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// A failed build: every problem found, sorted by file and line.
#[derive(Debug, Clone)]
pub struct BuildFailure(pub Vec<Diagnostic>);

impl fmt::Display for BuildFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "kesalahan: {d}")?;
        }
        write!(f, "{} masalah ditemukan", self.0.len())
    }
}

impl std::error::Error for BuildFailure {}

impl From<Diagnostic> for BuildFailure {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

/// `path` relative to `root` when it is inside it, for shorter messages.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// Maps byte offsets to 1-based line numbers.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// The line containing byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// A message of the `toml` crate (a TOML syntax error, or serde's complaint about a value) in
/// Bahasa Indonesia, for `config.toml` and the front matter: an editor reads these, and "invalid
/// basic string" or "unknown variant" tells them nothing. A misspelt value or key close to a
/// known one (at most two edits away) gets "maksud Anda `selesai`?".
pub fn toml_message(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return unknown("nilai", rest);
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return unknown("kunci", rest);
    }
    // A syntax error: toml_parser's description, then ", expected ..." with the tokens it wanted.
    let (head, expected) = message.split_once(", expected ").unwrap_or((message, ""));
    if let Some(text) = syntax_message(head.trim_start_matches("TOML parse error: ")) {
        // The wanted tokens help when they are characters (`]`, `"`); toml's English words for
        // them ("value", "nothing") would not.
        let expected = expected.trim();
        let tokens =
            !expected.is_empty() && expected.split(", ").all(|t| t.len() > 2 && t.starts_with('`') && t.ends_with('`'));
        return if tokens { format!("{text} (yang diharapkan: {expected})") } else { text.to_owned() };
    }
    pengaduan_core::calendar::translate_toml_message(message)
}

/// "`selasai`, expected one of `diterima`, `selesai`": what was written and what is allowed.
fn unknown(what: &str, rest: &str) -> String {
    let (written, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let bare = written.trim().trim_matches('`');
    let mut text = format!("{what} `{bare}` tidak dikenal");
    let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    match suggestion(bare, &known) {
        Some(close) => text.push_str(&format!("; maksud Anda `{close}`? ({what} yang dikenal: {list})")),
        None if !known.is_empty() => text.push_str(&format!("; {what} yang dikenal: {list}")),
        None => {}
    }
    text
}

/// The known word nearest to `written`, when it is at most two edits away (and not the whole
/// word: "ab" is two edits from "id" but no misspelling of it).
pub fn suggestion<'a>(written: &str, known: &[&'a str]) -> Option<&'a str> {
    let written = written.to_lowercase();
    known
        .iter()
        .map(|k| (levenshtein(&written, &k.to_lowercase()), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edits (insert, delete, substitute one character) between `a` and `b`.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// toml_parser's descriptions of a syntax error, and what an editor should do about each.
fn syntax_message(description: &str) -> Option<&'static str> {
    Some(match description {
        "invalid basic string" | "invalid string" => {
            "teks dalam tanda kutip tidak sah: tanda kutip penutup \" hilang, atau ada garis miring terbalik \\ yang tidak sah (tulis \\\\ untuk satu \\)"
        }
        "invalid multi-line basic string" => {
            "teks beberapa baris (\"\"\" ... \"\"\") tidak sah: periksa tanda kutip penutupnya"
        }
        "invalid literal string" | "invalid multi-line literal string" => {
            "teks dalam tanda kutip tunggal (') tidak sah: periksa tanda kutip penutupnya"
        }
        "missing escaped value" | "too few unicode value digits" => {
            "garis miring terbalik \\ di dalam teks harus diikuti karakter yang sah (tulis \\\\ untuk satu \\)"
        }
        "string values must be quoted" | "invalid value" => {
            "nilai tidak sah: teks harus diapit tanda kutip, mis. title = \"Judul\""
        }
        "missing value" | "missing value for key" | "key with no value" => "nilai setelah tanda = belum diisi",
        "missing assignment between key-value pairs" => "tanda = tidak ada di antara kunci dan nilainya",
        "extra assignment between key-value pairs" | "extra `=`" => "tanda = tertulis lebih dari sekali",
        "missing comma between array elements" => "tanda koma tidak ada di antara isi daftar [ ... ]",
        "missing comma between key-value pairs" => "tanda koma tidak ada di antara isi tabel { ... }",
        "extra comma in inline table" => "tabel { ... } tidak boleh diakhiri tanda koma",
        "unclosed array" => "daftar [ ... ] tidak ditutup dengan ]",
        "unclosed inline table" => "tabel { ... } tidak ditutup dengan }",
        "unclosed table" | "unclosed array table" | "invalid table" => "judul tabel [ ... ] tidak ditutup dengan ]",
        "duplicate key" => "kunci yang sama tertulis dua kali",
        "invalid key" | "invalid unquoted key" | "unquoted keys cannot be empty" => {
            "nama kunci tidak sah: gunakan huruf, angka, - dan _ saja"
        }
        "invalid key-value pair" | "unexpected key or value" | "unexpected content" => {
            "baris ini bukan pasangan kunci = nilai yang sah"
        }
        "invalid date-time" => "tanggal atau waktu tidak sah; tulis tanggal sebagai 2026-01-31",
        "invalid boolean" => "nilai ya/tidak harus ditulis true atau false, tanpa tanda kutip",
        "invalid integer number" | "invalid float" | "unexpected leading zero" => "angka tidak sah",
        "invalid comment character" | "unexpected content between comment and newline" => {
            "komentar (#) berisi karakter yang tidak sah"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("selasai", "selesai"), 1);
        assert_eq!(levenshtein("diproses", "diproses"), 0);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("ditrima", "diterima"), 1);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    #[test]
    fn a_close_unknown_value_is_suggested() {
        let msg = "unknown variant `selasai`, expected one of `diterima`, `perlu_dilengkapi`, `diverifikasi`, `diproses`, `selesai`";
        assert_eq!(
            toml_message(msg),
            "nilai `selasai` tidak dikenal; maksud Anda `selesai`? (nilai yang dikenal: `diterima`, `perlu_dilengkapi`, `diverifikasi`, `diproses`, `selesai`)"
        );
        // Nothing close: the list alone, no guess.
        let far = toml_message("unknown variant `ditolak`, expected `diterima` or `selesai`");
        assert_eq!(far, "nilai `ditolak` tidak dikenal; nilai yang dikenal: `diterima`, `selesai`");
        assert_eq!(suggestion("ab", &["id"]), None, "two edits that replace the whole word are no misspelling");
    }

    #[test]
    fn a_close_unknown_key_is_suggested() {
        let msg = "unknown field `titel`, expected one of `title`, `description`, `template`";
        let text = toml_message(msg);
        assert!(text.starts_with("kunci `titel` tidak dikenal; maksud Anda `title`?"), "{text}");
        assert!(text.ends_with("(kunci yang dikenal: `title`, `description`, `template`)"), "{text}");
    }

    #[test]
    fn syntax_errors_are_told_in_indonesian() {
        let text = toml_message("invalid basic string, expected `\"`");
        assert!(text.starts_with("teks dalam tanda kutip tidak sah"), "{text}");
        assert!(text.ends_with("(yang diharapkan: `\"`)"), "{text}");
        assert_eq!(
            toml_message("unclosed array, expected `]`"),
            "daftar [ ... ] tidak ditutup dengan ] (yang diharapkan: `]`)"
        );
        assert_eq!(toml_message("duplicate key"), "kunci yang sama tertulis dua kali");
        assert_eq!(
            toml_message("missing value, expected value"),
            "nilai setelah tanda = belum diisi",
            "no English words"
        );
        // serde's own kinds keep the shared translation.
        assert_eq!(toml_message("missing field `title`"), "kunci `title` wajib ada");
    }

    #[test]
    fn line_index_counts_from_one() {
        let idx = LineIndex::new("a\nbc\n\nd");
        assert_eq!([0, 1, 2, 4, 5, 6].map(|o| idx.line(o)), [1, 1, 2, 2, 3, 4]);
    }
}
