//! Attachments (`lampiran`) of a complaint: which files are accepted, judged by their content,
//! and the display name kept of each. No I/O: the bytes come in, a verdict goes out.
//!
//! A file's type is decided by its first bytes (its "magic number"), never by its name or the
//! type the browser declared: both are whatever the sender says, while the first bytes are what
//! a viewer will actually open.

use crate::Lang;
use crate::submission::FieldError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The form field holding the files.
pub const FIELD: &str = "lampiran";

/// One mebibyte. The limits are in MiB, not decimal MB, because Windows Explorer (what most
/// complainants use) shows sizes in binary units labelled "MB": a file it shows as "2,00 MB" must
/// pass a limit announced as 2 MB. macOS shows decimal MB, which only makes files look larger,
/// so the binary reading accepts everything either system shows as within the limit.
pub const MIB: usize = 1024 * 1024;
/// At most this many files per complaint.
pub const MAX_FILES: usize = 3;
/// Largest size of one file, in bytes.
pub const MAX_FILE: usize = 2 * MIB;
/// Largest size of all files together, in bytes.
pub const MAX_TOTAL: usize = 5 * MIB;
/// Longest display name kept, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The display name of a file whose name has nothing left after sanitising.
pub const FALLBACK_NAME: &str = "lampiran";

/// The hint shown under the file field (GOV.UK style: the rules before the person chooses).
pub const HINT: &str = "Paling banyak 3 berkas, masing-masing paling besar 2 MB dan semuanya paling besar 5 MB. \
                        Format: PDF, JPEG, PNG, atau WebP.";

/// An accepted file type, as detected from the file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A PDF document (`%PDF-`).
    Pdf,
    /// A JPEG photo (`FF D8 FF`).
    Jpeg,
    /// A PNG image (the 8-byte PNG signature).
    Png,
    /// A WebP image (`RIFF`, a 4-byte size, `WEBP`).
    Webp,
}

const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

impl FileKind {
    /// Every accepted kind.
    pub const ALL: [Self; 4] = [Self::Pdf, Self::Jpeg, Self::Png, Self::Webp];

    /// The kind of a file judged by its first bytes, or `None` when it is none of the accepted ones.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(PNG_SIGNATURE) {
            Some(Self::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    /// The media type to store and serve the file with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// The file name extension of stored objects, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    /// The name of the format shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Webp => "WebP",
        }
    }

    /// The kind with this media type (as written by [`FileKind::content_type`]).
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.content_type().eq_ignore_ascii_case(content_type.trim()))
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

// Stored (in manifests) as the media type, the one spelling every other tool understands.
impl Serialize for FileKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.content_type())
    }
}

impl<'de> Deserialize<'de> for FileKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::from_content_type(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not an accepted attachment type: {s:?}")))
    }
}

/// An accepted file: what is kept of it besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidFile {
    /// The original name, sanitised: display text only, never part of a storage key.
    pub display_name: String,
    /// The type detected from its content.
    pub kind: FileKind,
    /// Its size in bytes.
    pub size: usize,
}

/// Characters that change how text around them is displayed without showing themselves:
/// a right-to-left override can make `gpj.exe` read as `exe.jpg`.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The original file name made safe to show: no folder part (either slash), no control or
/// invisible formatting characters, blanks collapsed, at most 100 characters with the extension
/// kept, and [`FALLBACK_NAME`] when nothing is left. Display text only: it names no stored object.
pub fn sanitize_name(original: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name = String::with_capacity(base.len());
    let mut pending_space = false;
    for c in base.chars() {
        if c.is_whitespace() {
            pending_space = true;
        } else if c.is_control() || is_invisible_format(c) {
            // Dropped: neither shown nor turned into a blank.
        } else {
            if pending_space && !name.is_empty() {
                name.push(' ');
            }
            pending_space = false;
            name.push(c);
        }
    }
    if name.chars().all(|c| c == '.') {
        return FALLBACK_NAME.to_owned();
    }
    truncate_keeping_extension(name)
}

fn truncate_keeping_extension(name: String) -> String {
    if name.chars().count() <= MAX_NAME_CHARS {
        return name;
    }
    // An extension is a short alphanumeric tail after a dot that is not the first character.
    let extension = name.rsplit_once('.').and_then(|(stem, ext)| {
        let plausible =
            !stem.is_empty() && (1..=10).contains(&ext.chars().count()) && ext.chars().all(|c| c.is_alphanumeric());
        plausible.then_some(ext)
    });
    match extension {
        Some(ext) => {
            let keep = MAX_NAME_CHARS - 1 - ext.chars().count();
            let stem: String = name.chars().take(keep).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        None => name.chars().take(MAX_NAME_CHARS).collect::<String>().trim_end().to_owned(),
    }
}

/// Longest stem kept in a saved file's name, in characters. Even at four bytes a character the
/// whole name stays well under the 255-byte limit of common file systems.
pub const MAX_STEM_CHARS: usize = 60;

/// The name to save an attachment under when it is handed to staff (the CLI's `unduh`, any
/// future console): `{index}-{stem}.{ext}`, the extension always that of the detected `kind`.
///
/// The sender chose `original`, so nothing of it may decide how the file is opened: the stem
/// keeps only letters, digits, `-`, `_` and single spaces, everything from the first dot is
/// dropped (`Bukti.pdf.cmd` must not end in `.cmd`, nor `x.hta.pdf` carry `.hta`), no folder
/// part survives, and a Windows device name is altered. An empty stem becomes [`FALLBACK_NAME`].
pub fn safe_file_name(index: usize, original: &str, kind: FileKind) -> String {
    format!("{index}-{}.{}", safe_stem(original), kind.extension())
}

fn safe_stem(original: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or("");
    let before_dot = base.split('.').next().unwrap_or("");
    let mut stem = String::with_capacity(before_dot.len());
    for c in before_dot.chars() {
        let out = if c.is_alphanumeric() || c == '-' || c == '_' {
            c
        } else if c.is_whitespace() {
            ' '
        } else if c.is_control() || is_invisible_format(c) {
            // Dropped rather than replaced, as in `sanitize_name`: they were never visible text.
            continue;
        } else {
            '_'
        };
        if (out == ' ' || out == '_') && stem.ends_with(out) {
            continue;
        }
        stem.push(out);
    }
    let trim = |s: &str| s.trim_matches([' ', '_', '-']).to_owned();
    let stem = trim(&trim(&stem).chars().take(MAX_STEM_CHARS).collect::<String>());
    if stem.is_empty() {
        FALLBACK_NAME.to_owned()
    } else if is_windows_device_name(&stem) {
        // Windows opens the device instead of a file named so, whatever the extension.
        format!("{stem}_")
    } else {
        stem
    }
}

/// Whether Windows reserves `stem` for a device (trailing blanks are ignored there, as is case;
/// superscript digits count as digits for `COM` and `LPT`).
fn is_windows_device_name(stem: &str) -> bool {
    let upper = stem.trim_end_matches(' ').to_ascii_uppercase();
    if matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL") {
        return true;
    }
    let Some(rest) = upper.strip_prefix("COM").or_else(|| upper.strip_prefix("LPT")) else {
        return false;
    };
    let mut chars = rest.chars();
    matches!((chars.next(), chars.next()), (Some('0'..='9' | '\u{B9}' | '\u{B2}' | '\u{B3}'), None))
}

fn error(message: String) -> FieldError {
    FieldError { field: FIELD, message }
}

/// Checks the chosen files against the limits and accepted types. `files` holds each file's
/// original name and bytes, in the order sent. An entry with a blank name and no bytes is a file
/// input left empty (browsers send one) and is ignored.
///
/// Every problem is one message on the field `lampiran`: too many files first, then one per
/// failing file naming it (empty, else wrong type, else too large), then the total size (only
/// when no single file was too large, which already explains it).
pub fn validate_files(files: &[(String, &[u8])]) -> Result<Vec<ValidFile>, Vec<FieldError>> {
    validate_files_in(files, Lang::Id)
}

/// [`validate_files`] with its messages in the language `lang`.
pub fn validate_files_in(files: &[(String, &[u8])], lang: Lang) -> Result<Vec<ValidFile>, Vec<FieldError>> {
    let chosen: Vec<&(String, &[u8])> =
        files.iter().filter(|(name, bytes)| !(name.trim().is_empty() && bytes.is_empty())).collect();
    let mut errors = Vec::new();
    if chosen.len() > MAX_FILES {
        errors.push(error(lang.pick(
            format!("Lampirkan paling banyak {MAX_FILES} berkas"),
            format!("Attach no more than {MAX_FILES} files"),
        )));
    }
    let mut valid = Vec::with_capacity(chosen.len());
    let mut total = 0usize;
    let mut oversize = false;
    for (name, bytes) in chosen {
        let display_name = sanitize_name(name);
        total = total.saturating_add(bytes.len());
        if bytes.is_empty() {
            errors.push(error(
                lang.pick(format!("Berkas \"{display_name}\" kosong"), format!("The file \"{display_name}\" is empty")),
            ));
            continue;
        }
        let Some(kind) = FileKind::detect(bytes) else {
            errors.push(error(lang.pick(
                format!("Berkas \"{display_name}\" bukan PDF, JPEG, PNG, atau WebP"),
                format!("The file \"{display_name}\" is not a PDF, JPEG, PNG or WebP file"),
            )));
            continue;
        };
        if bytes.len() > MAX_FILE {
            oversize = true;
            errors.push(error(too_large_message(&display_name, lang)));
            continue;
        }
        valid.push(ValidFile { display_name, kind, size: bytes.len() });
    }
    if !oversize && total > MAX_TOTAL {
        errors.push(error(lang.pick(
            format!("Ukuran semua lampiran lebih dari {} MB", MAX_TOTAL / MIB),
            format!("All attachments together are larger than {} MB", MAX_TOTAL / MIB),
        )));
    }
    if errors.is_empty() { Ok(valid) } else { Err(errors) }
}

/// The message for a file larger than [`MAX_FILE`], named by its sanitised name.
pub fn too_large_message(display_name: &str, lang: Lang) -> String {
    lang.pick(
        format!("Berkas \"{display_name}\" lebih dari {} MB", MAX_FILE / MIB),
        format!("The file \"{display_name}\" is larger than {} MB", MAX_FILE / MIB),
    )
}

/// The message when files were sent but the service cannot take them online (no attachment
/// store): they go to the Front Office instead.
pub fn not_accepted_online_message(lang: Lang) -> &'static str {
    lang.pick(
        "Lampiran belum dapat diterima secara daring. Serahkan bukti pendukung ke Front Office.",
        "Attachments cannot be accepted online yet. Please hand in your supporting documents at the Front Office.",
    )
}

/// [`HINT`] in the language `lang`.
pub fn hint_in(lang: Lang) -> &'static str {
    lang.pick(
        HINT,
        "No more than 3 files, each no larger than 2 MB and 5 MB in total. Formats: PDF, JPEG, PNG or WebP.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
    const WEBP: &[u8] = b"RIFF\x24\x00\x00\x00WEBPVP8 ";
    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00";

    /// A file of `kind` padded with zeros to `size` bytes.
    fn sized(magic: &[u8], size: usize) -> Vec<u8> {
        let mut v = magic.to_vec();
        v.resize(size, 0);
        v
    }

    fn files<'a>(list: &[(&str, &'a [u8])]) -> Vec<(String, &'a [u8])> {
        list.iter().map(|(n, b)| ((*n).to_owned(), *b)).collect()
    }

    fn messages(list: &[(&str, &[u8])]) -> Vec<String> {
        let errors = validate_files(&files(list)).expect_err("should fail");
        assert!(errors.iter().all(|e| e.field == "lampiran"), "{errors:?}");
        errors.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn english_messages_name_the_same_problems() {
        let over = sized(PDF, MAX_FILE + 1);
        let two = sized(JPEG, 2 * MIB);
        let list = files(&[("ok.pdf", PDF), ("foto.gif", GIF), ("kosong.pdf", b""), ("besar.png", &over)]);
        let en: Vec<String> = validate_files_in(&list, Lang::En).unwrap_err().into_iter().map(|e| e.message).collect();
        assert_eq!(
            en,
            [
                "Attach no more than 3 files",
                "The file \"foto.gif\" is not a PDF, JPEG, PNG or WebP file",
                "The file \"kosong.pdf\" is empty",
                "The file \"besar.png\" is larger than 2 MB",
            ]
        );
        let total = files(&[("a.jpg", &two), ("b.jpg", &two), ("c.jpg", &two)]);
        let en = validate_files_in(&total, Lang::En).unwrap_err();
        assert_eq!(en[0].message, "All attachments together are larger than 5 MB");
        assert_eq!(validate_files_in(&total, Lang::Id).unwrap_err(), validate_files(&total).unwrap_err());
        assert_ne!(not_accepted_online_message(Lang::En), not_accepted_online_message(Lang::Id));
        assert_eq!(hint_in(Lang::Id), HINT);
    }

    #[test]
    fn detects_each_kind_by_magic_bytes() {
        assert_eq!(FileKind::detect(PDF), Some(FileKind::Pdf));
        assert_eq!(FileKind::detect(JPEG), Some(FileKind::Jpeg));
        assert_eq!(FileKind::detect(PNG), Some(FileKind::Png));
        assert_eq!(FileKind::detect(WEBP), Some(FileKind::Webp));
        // The shortest content that carries each signature.
        assert_eq!(FileKind::detect(b"%PDF-"), Some(FileKind::Pdf));
        assert_eq!(FileKind::detect(&[0xFF, 0xD8, 0xFF]), Some(FileKind::Jpeg));
        assert_eq!(FileKind::detect(&PNG[..8]), Some(FileKind::Png));
        assert_eq!(FileKind::detect(&WEBP[..12]), Some(FileKind::Webp));
    }

    #[test]
    fn rejects_near_misses_and_other_formats() {
        let others: [&[u8]; 14] = [
            b"",
            b"%PDF",
            b" %PDF-1.4",
            b"%pdf-1.4",
            &[0xFF, 0xD8],
            &[0xFF, 0xD8, 0xFE],
            &PNG[..7],
            &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x00],
            b"RIFF\x24\x00\x00\x00WAVEfmt ",
            b"RIFF\x24\x00\x00\x00WEB",
            GIF,
            b"PK\x03\x04 a zip or docx",
            b"<html><script>alert(1)</script>",
            b"MZ\x90\x00 an exe",
        ];
        for bytes in others {
            assert_eq!(FileKind::detect(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn content_type_extension_and_label() {
        let expected = [
            (FileKind::Pdf, "application/pdf", "pdf", "PDF"),
            (FileKind::Jpeg, "image/jpeg", "jpg", "JPEG"),
            (FileKind::Png, "image/png", "png", "PNG"),
            (FileKind::Webp, "image/webp", "webp", "WebP"),
        ];
        for (kind, content_type, extension, label) in expected {
            assert_eq!(kind.content_type(), content_type);
            assert_eq!(kind.extension(), extension);
            assert_eq!(kind.label(), label);
            assert_eq!(kind.to_string(), label);
            assert_eq!(FileKind::from_content_type(content_type), Some(kind));
            assert_eq!(FileKind::from_content_type(&content_type.to_uppercase()), Some(kind));
        }
        assert_eq!(FileKind::from_content_type("image/gif"), None);
    }

    #[test]
    fn kind_serialises_as_its_media_type() {
        assert_eq!(serde_json::to_string(&FileKind::Webp).unwrap(), "\"image/webp\"");
        assert_eq!(serde_json::from_str::<FileKind>("\"application/pdf\"").unwrap(), FileKind::Pdf);
        assert!(serde_json::from_str::<FileKind>("\"text/html\"").is_err());
        let file = ValidFile { display_name: "a.png".into(), kind: FileKind::Png, size: 3 };
        let json = serde_json::to_string(&file).unwrap();
        assert_eq!(json, r#"{"display_name":"a.png","kind":"image/png","size":3}"#);
        assert_eq!(serde_json::from_str::<ValidFile>(&json).unwrap(), file);
    }

    #[test]
    fn type_comes_from_content_not_name() {
        let ok = validate_files(&files(&[("foto.pdf", PNG), ("surat.png", PDF), ("tanpa-ekstensi", JPEG)])).unwrap();
        let kinds: Vec<FileKind> = ok.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [FileKind::Png, FileKind::Pdf, FileKind::Jpeg]);
        assert_eq!(messages(&[("foto.jpg", GIF)]), ["Berkas \"foto.jpg\" bukan PDF, JPEG, PNG, atau WebP"]);
    }

    #[test]
    fn sanitize_strips_folders_of_either_kind() {
        assert_eq!(sanitize_name("../../etc/passwd.pdf"), "passwd.pdf");
        assert_eq!(sanitize_name("C:\\Users\\Siti\\Dokumen\\KTP.jpg"), "KTP.jpg");
        assert_eq!(sanitize_name("/a/b\\c/surat.pdf"), "surat.pdf");
        assert_eq!(sanitize_name("surat.pdf"), "surat.pdf");
    }

    #[test]
    fn sanitize_drops_control_and_invisible_characters() {
        assert_eq!(sanitize_name("sur\u{0}at\u{7}.pdf"), "surat.pdf");
        assert_eq!(sanitize_name("foto\u{202E}gpj.exe"), "fotogpj.exe");
        assert_eq!(sanitize_name("\u{FEFF}a\u{200B}b.png"), "ab.png");
        assert_eq!(sanitize_name("<script>.png"), "<script>.png", "markup is escaped where shown, not here");
    }

    #[test]
    fn sanitize_collapses_whitespace() {
        assert_eq!(sanitize_name("  foto \t\r\n  rumah\u{00A0}\u{3000}saya .jpg  "), "foto rumah saya .jpg");
        assert_eq!(sanitize_name("a\nb"), "a b");
    }

    #[test]
    fn sanitize_falls_back_when_nothing_is_left() {
        for empty in ["", "   ", ".", "..", "...", "../", "C:\\", "dir/", "\u{202E}\u{0}", "\t"] {
            assert_eq!(sanitize_name(empty), FALLBACK_NAME, "{empty:?}");
        }
        assert_eq!(sanitize_name(".htaccess"), ".htaccess", "a leading dot is only text");
    }

    #[test]
    fn sanitize_limits_length_keeping_the_extension() {
        let long = format!("{}.pdf", "a".repeat(150));
        let short = sanitize_name(&long);
        assert_eq!(short.chars().count(), MAX_NAME_CHARS);
        assert_eq!(short, format!("{}.pdf", "a".repeat(96)));

        // Characters, not bytes: multibyte text is not cut mid-character nor cut early.
        let wide = format!("{}.jpeg", "é".repeat(120));
        assert_eq!(sanitize_name(&wide), format!("{}.jpeg", "é".repeat(95)));
        let exact = format!("{}.png", "ü".repeat(96));
        assert_eq!(sanitize_name(&exact), exact);

        // No plausible extension: plain truncation.
        assert_eq!(sanitize_name(&"b".repeat(101)), "b".repeat(100));
        let odd_tail = format!("{}.{}", "c".repeat(100), "x".repeat(11));
        assert_eq!(sanitize_name(&odd_tail), "c".repeat(100));
        // A blank left at the cut is trimmed.
        let spaced = format!("{} {}.pdf", "d".repeat(95), "e".repeat(10));
        assert_eq!(sanitize_name(&spaced), format!("{}.pdf", "d".repeat(95)));
    }

    #[test]
    fn three_valid_files_pass_in_order() {
        let webp = sized(WEBP, 20);
        let ok = validate_files(&files(&[("surat.pdf", PDF), ("../foto.jpg", JPEG), ("gambar.webp", &webp)])).unwrap();
        assert_eq!(
            ok,
            [
                ValidFile { display_name: "surat.pdf".into(), kind: FileKind::Pdf, size: PDF.len() },
                ValidFile { display_name: "foto.jpg".into(), kind: FileKind::Jpeg, size: JPEG.len() },
                ValidFile { display_name: "gambar.webp".into(), kind: FileKind::Webp, size: 20 },
            ]
        );
    }

    #[test]
    fn no_files_and_empty_inputs_are_fine() {
        assert_eq!(validate_files(&[]).unwrap(), []);
        // A file input left empty arrives as a part with filename="" and no bytes.
        assert_eq!(validate_files(&files(&[("", b""), (" ", b"")])).unwrap(), []);
        let ok = validate_files(&files(&[("", b""), ("a.png", PNG)])).unwrap();
        assert_eq!(ok.len(), 1);
    }

    #[test]
    fn empty_file_is_named() {
        assert_eq!(messages(&[("kosong.pdf", b"")]), ["Berkas \"kosong.pdf\" kosong"]);
        // Bytes with no name still get checked, under the fallback name.
        assert_eq!(messages(&[("", GIF)]), ["Berkas \"lampiran\" bukan PDF, JPEG, PNG, atau WebP"]);
    }

    #[test]
    fn wrong_type_is_named() {
        assert_eq!(messages(&[("foto.gif", GIF)]), ["Berkas \"foto.gif\" bukan PDF, JPEG, PNG, atau WebP"]);
        assert_eq!(
            messages(&[("../../x/evil.exe", b"MZ\x90\x00")]),
            ["Berkas \"evil.exe\" bukan PDF, JPEG, PNG, atau WebP"],
            "the message names the sanitised name"
        );
    }

    #[test]
    fn size_limit_per_file_is_two_mib_inclusive() {
        let at_limit = sized(PDF, MAX_FILE);
        assert_eq!(validate_files(&files(&[("pas.pdf", &at_limit)])).unwrap()[0].size, 2 * 1024 * 1024);
        let over = sized(PDF, MAX_FILE + 1);
        assert_eq!(messages(&[("besar.pdf", &over)]), ["Berkas \"besar.pdf\" lebih dari 2 MB"]);
    }

    #[test]
    fn wrong_type_is_reported_before_size() {
        let big_gif = sized(GIF, MAX_FILE + 1);
        assert_eq!(messages(&[("besar.gif", &big_gif)]), ["Berkas \"besar.gif\" bukan PDF, JPEG, PNG, atau WebP"]);
    }

    #[test]
    fn at_most_three_files() {
        assert_eq!(
            messages(&[("1.pdf", PDF), ("2.pdf", PDF), ("3.pdf", PDF), ("4.pdf", PDF)]),
            ["Lampirkan paling banyak 3 berkas"]
        );
        assert!(validate_files(&files(&[("1.pdf", PDF), ("2.pdf", PDF), ("3.pdf", PDF)])).is_ok());
        // Empty inputs do not count as files.
        assert!(
            validate_files(&files(&[("1.pdf", PDF), ("", b""), ("2.pdf", PDF), ("", b""), ("3.pdf", PDF)])).is_ok()
        );
    }

    #[test]
    fn total_limit_is_five_mib_inclusive() {
        let two = sized(JPEG, MAX_FILE);
        let one = sized(PNG, MIB);
        assert!(validate_files(&files(&[("a.jpg", &two), ("b.jpg", &two), ("c.png", &one)])).is_ok(), "exactly 5 MiB");
        let one_more = sized(PNG, MIB + 1);
        assert_eq!(
            messages(&[("a.jpg", &two), ("b.jpg", &two), ("c.png", &one_more)]),
            ["Ukuran semua lampiran lebih dari 5 MB"]
        );
    }

    #[test]
    fn oversize_file_explains_the_total_by_itself() {
        let two = sized(JPEG, MAX_FILE);
        let over = sized(PDF, MAX_FILE + 1);
        assert_eq!(
            messages(&[("a.jpg", &two), ("b.jpg", &two), ("besar.pdf", &over)]),
            ["Berkas \"besar.pdf\" lebih dari 2 MB"]
        );
    }

    #[test]
    fn every_problem_is_reported_in_order() {
        let over = sized(PNG, MAX_FILE + 1);
        assert_eq!(
            messages(&[("ok.pdf", PDF), ("foto.gif", GIF), ("kosong.pdf", b""), ("besar.png", &over)]),
            [
                "Lampirkan paling banyak 3 berkas",
                "Berkas \"foto.gif\" bukan PDF, JPEG, PNG, atau WebP",
                "Berkas \"kosong.pdf\" kosong",
                "Berkas \"besar.png\" lebih dari 2 MB",
            ]
        );
    }

    #[test]
    fn hint_states_the_limits() {
        assert_eq!(
            HINT,
            "Paling banyak 3 berkas, masing-masing paling besar 2 MB dan semuanya paling besar 5 MB. \
             Format: PDF, JPEG, PNG, atau WebP."
        );
        assert!(HINT.contains(&format!("{MAX_FILES} berkas")));
        assert!(HINT.contains(&format!("{} MB dan", MAX_FILE / MIB)));
        assert!(HINT.contains(&format!("{} MB.", MAX_TOTAL / MIB)));
        let formats = FileKind::ALL.map(FileKind::label);
        assert!(HINT.ends_with(&format!("{}, {}, {}, atau {}.", formats[0], formats[1], formats[2], formats[3])));
    }

    #[test]
    fn sanitize_removes_every_control_and_bidi_override() {
        // What a listing prints must not be able to move or hide text around it.
        let spoofers: Vec<char> = ('\u{0}'..='\u{1F}')
            .chain(['\u{7F}'])
            .chain('\u{80}'..='\u{9F}')
            .chain('\u{202A}'..='\u{202E}')
            .chain('\u{2066}'..='\u{2069}')
            .collect();
        for c in spoofers {
            let name = sanitize_name(&format!("fo{c}to.pdf"));
            assert!(name == "foto.pdf" || name == "fo to.pdf", "{c:?} gave {name:?}");
        }
        assert_eq!(sanitize_name("Bukti\u{2067}fdp.exe\u{2069}.pdf"), "Buktifdp.exe.pdf");
    }

    #[test]
    fn safe_name_takes_the_extension_from_the_content() {
        assert_eq!(safe_file_name(1, "Bukti Transfer.pdf.cmd", FileKind::Pdf), "1-Bukti Transfer.pdf");
        assert_eq!(safe_file_name(2, "foto.svg", FileKind::Png), "2-foto.png");
        assert_eq!(safe_file_name(3, "x.hta", FileKind::Jpeg), "3-x.jpg");
        assert_eq!(safe_file_name(1, "evil.html", FileKind::Pdf), "1-evil.pdf");
        assert_eq!(safe_file_name(2, "gambar", FileKind::Webp), "2-gambar.webp");
        assert_eq!(safe_file_name(3, "surat.pdf", FileKind::Pdf), "3-surat.pdf");
    }

    #[test]
    fn safe_name_drops_every_inner_extension() {
        assert_eq!(safe_file_name(1, "x.hta.pdf", FileKind::Pdf), "1-x.pdf");
        assert_eq!(safe_file_name(1, "laporan.2024.final.docx.exe", FileKind::Pdf), "1-laporan.pdf");
        assert_eq!(safe_file_name(1, "KTP .jpg", FileKind::Jpeg), "1-KTP.jpg");
    }

    #[test]
    fn safe_name_has_no_folder_part() {
        assert_eq!(safe_file_name(1, "../../etc/passwd", FileKind::Pdf), "1-passwd.pdf");
        assert_eq!(safe_file_name(1, "..\\..\\Windows\\win.ini", FileKind::Pdf), "1-win.pdf");
        assert_eq!(safe_file_name(1, "C:\\Users\\Siti\\KTP.jpg", FileKind::Jpeg), "1-KTP.jpg");
        assert_eq!(safe_file_name(1, "dir/", FileKind::Png), "1-lampiran.png");
        for name in [safe_file_name(1, "../../etc/passwd", FileKind::Pdf), safe_file_name(1, "a/..", FileKind::Pdf)] {
            assert!(!name.contains(['/', '\\']), "{name}");
            assert_eq!(name.matches('.').count(), 1, "{name}");
        }
    }

    #[test]
    fn safe_name_keeps_letters_digits_and_simple_punctuation_only() {
        assert_eq!(safe_file_name(1, "Surat_Kuasa-2024 (final)!.pdf", FileKind::Pdf), "1-Surat_Kuasa-2024 _final.pdf");
        assert_eq!(safe_file_name(1, "a<>:\"|?*b.pdf", FileKind::Pdf), "1-a_b.pdf");
        assert_eq!(safe_file_name(1, "foto  \t rumah\u{3000}saya.jpg", FileKind::Jpeg), "1-foto rumah saya.jpg");
        assert_eq!(safe_file_name(1, "a__ __b.png", FileKind::Png), "1-a_ _b.png");
        assert_eq!(safe_file_name(1, "  -_bukti_-  .pdf", FileKind::Pdf), "1-bukti.pdf");
        // Letters of any script are names people really use.
        assert_eq!(
            safe_file_name(1, "Bukti Pembayaran Ü 東京 ١٢.pdf", FileKind::Pdf),
            "1-Bukti Pembayaran Ü 東京 ١٢.pdf"
        );
        // Look-alike separators are not letters either.
        assert_eq!(safe_file_name(1, "a\u{FF0E}exe\u{2215}b.pdf", FileKind::Pdf), "1-a_exe_b.pdf");
    }

    #[test]
    fn safe_name_removes_format_and_control_characters() {
        assert_eq!(safe_file_name(1, "foto\u{202E}gpj.exe", FileKind::Jpeg), "1-fotogpj.jpg");
        // U+0085 (next line) is whitespace as well as a control, so it separates words.
        assert_eq!(safe_file_name(1, "a\u{0}\u{1b}[2J\u{7f}\u{85}b.pdf", FileKind::Pdf), "1-a_2J b.pdf");
        assert_eq!(safe_file_name(1, "\u{FEFF}a\u{200B}\u{2066}b\u{2069}.png", FileKind::Png), "1-ab.png");
    }

    #[test]
    fn safe_name_alters_windows_device_names() {
        for (original, expected) in [
            ("CON.pdf", "1-CON_.pdf"),
            ("nul", "1-nul_.pdf"),
            ("Aux  .txt", "1-Aux_.pdf"),
            ("prn", "1-prn_.pdf"),
            ("com1.pdf", "1-com1_.pdf"),
            ("LPT9", "1-LPT9_.pdf"),
            ("COM0", "1-COM0_.pdf"),
            ("COM\u{B9}", "1-COM\u{B9}_.pdf"),
            ("../CON", "1-CON_.pdf"),
        ] {
            assert_eq!(safe_file_name(1, original, FileKind::Pdf), expected, "{original:?}");
        }
        for harmless in ["CONTOH", "console", "COM10", "LPT", "nulis", "AUX1"] {
            assert_eq!(safe_file_name(1, harmless, FileKind::Pdf), format!("1-{harmless}.pdf"));
        }
    }

    #[test]
    fn safe_name_bounds_the_stem() {
        let long = format!("{}.pdf", "a".repeat(500));
        assert_eq!(safe_file_name(1, &long, FileKind::Pdf), format!("1-{}.pdf", "a".repeat(MAX_STEM_CHARS)));
        let wide = "東".repeat(200);
        assert_eq!(safe_file_name(1, &wide, FileKind::Png), format!("1-{}.png", "東".repeat(MAX_STEM_CHARS)));
        // A blank left at the cut is trimmed.
        let spaced = format!("{} {}", "d".repeat(MAX_STEM_CHARS - 1), "e".repeat(10));
        assert_eq!(safe_file_name(1, &spaced, FileKind::Pdf), format!("1-{}.pdf", "d".repeat(MAX_STEM_CHARS - 1)));
    }

    #[test]
    fn safe_name_falls_back_when_nothing_is_left() {
        for empty in
            ["", "   ", ".", "..", "...", ".htaccess", "..pdf", "!!!.pdf", "???", "-_-", "\u{202E}\u{0}", "C:\\"]
        {
            assert_eq!(safe_file_name(2, empty, FileKind::Jpeg), "2-lampiran.jpg", "{empty:?}");
        }
    }

    proptest! {
        #[test]
        fn sanitized_names_are_always_safe_to_show(original in "\\PC{0,300}|[\\x00-\\x7f]{0,300}") {
            let name = sanitize_name(&original);
            prop_assert!(!name.is_empty());
            prop_assert!(name.chars().count() <= MAX_NAME_CHARS);
            prop_assert!(!name.contains(['/', '\\']));
            prop_assert!(!name.chars().any(|c| c.is_control() || is_invisible_format(c)));
            prop_assert!(!name.starts_with(' ') && !name.ends_with(' ') && !name.contains("  "));
            prop_assert!(name != "." && name != "..");
        }

        #[test]
        fn safe_names_are_always_safe_to_save(
            index in 0usize..1000,
            original in "\\PC{0,300}|[\\x00-\\x{9f}\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}é東\\x{FEFF}\\x{B9}]{0,300}",
            kind in prop::sample::select(FileKind::ALL.to_vec()),
        ) {
            let name = safe_file_name(index, &original, kind);
            let prefix = format!("{index}-");
            let suffix = format!(".{}", kind.extension());
            prop_assert!(name.starts_with(&prefix) && name.ends_with(&suffix), "{name:?}");
            let stem = &name[prefix.len()..name.len() - suffix.len()];
            prop_assert!(!stem.is_empty());
            prop_assert!(stem.chars().count() <= MAX_STEM_CHARS + 1);
            prop_assert!(stem.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' ')), "{stem:?}");
            prop_assert!(!stem.starts_with([' ', '_', '-']) && !stem.ends_with([' ', '-']));
            prop_assert!(!stem.contains("  ") && !stem.contains("__"));
            prop_assert!(!is_windows_device_name(stem));
        }

        #[test]
        fn detection_reads_the_signature_and_nothing_else(
            kind in prop::sample::select(FileKind::ALL.to_vec()),
            size in any::<[u8; 4]>(),
            cut in 0usize..12,
            tail in proptest::collection::vec(any::<u8>(), 0..32),
        ) {
            // The signature as the format defines it; a WebP's RIFF size may be anything.
            let signature: Vec<u8> = match kind {
                FileKind::Pdf => b"%PDF-".to_vec(),
                FileKind::Jpeg => vec![0xFF, 0xD8, 0xFF],
                FileKind::Png => PNG[..8].to_vec(),
                FileKind::Webp => [&b"RIFF"[..], &size, b"WEBP"].concat(),
            };
            // Whatever follows the signature, the kind is the signature's.
            prop_assert_eq!(FileKind::detect(&[&signature[..], &tail].concat()), Some(kind));
            // Cut short, it is no accepted kind (no signature is the start of another).
            let cut = cut % signature.len();
            prop_assert_eq!(FileKind::detect(&signature[..cut]), None, "{:?}", &signature[..cut]);
            // Anything else in front of it hides it: the bytes must lead.
            if tail.first().is_some_and(|b| !matches!(b, b'%' | 0xFF | 0x89 | b'R')) {
                prop_assert_eq!(FileKind::detect(&[&tail[..1], &signature[..], &tail].concat()), None);
            }
        }
    }
}
