//! Validation and normalisation of a complaint submission: one message per failing field, in
//! Bahasa Indonesia or English, and values trimmed and normalised (telephone to `+62…`, NIK digits only).

use crate::Lang;
use crate::date_input::DateParts;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The kind of report, as SP4N-LAPOR! classifies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jenis {
    /// A complaint about a service.
    Pengaduan,
    /// A request for information.
    Informasi,
    /// A suggestion or aspiration.
    Aspirasi,
}

impl Jenis {
    /// Every kind, in the form's order.
    pub const ALL: [Jenis; 3] = [Self::Pengaduan, Self::Informasi, Self::Aspirasi];

    /// The code used in forms, storage and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pengaduan => "pengaduan",
            Self::Informasi => "informasi",
            Self::Aspirasi => "aspirasi",
        }
    }

    /// The label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pengaduan => "Pengaduan",
            Self::Informasi => "Permintaan informasi",
            Self::Aspirasi => "Aspirasi",
        }
    }

    /// The label in the language `lang`.
    pub fn label_in(self, lang: crate::Lang) -> &'static str {
        match (lang, self) {
            (crate::Lang::Id, _) => self.label(),
            (crate::Lang::En, Self::Pengaduan) => "Complaint",
            (crate::Lang::En, Self::Informasi) => "Request for information",
            (crate::Lang::En, Self::Aspirasi) => "Suggestion",
        }
    }

    /// Reads a code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|j| j.code() == code)
    }
}

impl fmt::Display for Jenis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One submitted value, before validation.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// Text, from a form field or a JSON string.
    Text(String),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON value of another type (number, array, object).
    Other,
}

/// The submitted fields by name; the first value of a repeated field wins.
#[derive(Debug, Clone, Default)]
pub struct RawForm {
    fields: BTreeMap<String, RawValue>,
}

impl RawForm {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field unless one of that name is already there.
    pub fn insert(&mut self, name: impl Into<String>, value: RawValue) {
        self.fields.entry(name.into()).or_insert(value);
    }

    /// The raw value of a field.
    pub fn get(&self, name: &str) -> Option<&RawValue> {
        self.fields.get(name)
    }

    /// The field as text, for re-displaying the form: booleans become `on` or empty.
    pub fn display_value(&self, name: &str) -> String {
        match self.fields.get(name) {
            Some(RawValue::Text(s)) => s.clone(),
            Some(RawValue::Bool(true)) => "on".to_owned(),
            _ => String::new(),
        }
    }

    /// Whether the honeypot field `website` holds anything.
    pub fn honeypot_filled(&self) -> bool {
        match self.fields.get("website") {
            Some(RawValue::Text(s)) => !s.trim().is_empty(),
            Some(RawValue::Bool(b)) => *b,
            Some(RawValue::Other) => true,
            None => false,
        }
    }
}

impl<K: Into<String>> FromIterator<(K, RawValue)> for RawForm {
    fn from_iter<I: IntoIterator<Item = (K, RawValue)>>(iter: I) -> Self {
        let mut form = Self::new();
        for (k, v) in iter {
            form.insert(k, v);
        }
        form
    }
}

/// The fields of the form in the order a person meets them, which is the order of error messages.
pub const FIELD_ORDER: [&str; 17] = [
    "jenis",
    "anonim",
    "nama",
    "email",
    "telepon",
    "nik",
    "alamat",
    "judul",
    "isi",
    "tanggal_kejadian",
    "lokasi",
    "layanan",
    "lampiran",
    "rahasia",
    "pernyataan_kebenaran",
    "persetujuan_data",
    "idempotency_key",
];

/// The fields typed in a textarea: the only ones where line feeds and tabs belong.
const MULTI_LINE_FIELDS: [&str; 4] = ["isi", "alamat", "lokasi", ADDITION_FIELD];

/// The field of the information a complainant adds to returned files online.
pub const ADDITION_FIELD: &str = "keterangan";

/// The form's three boxes for `tanggal_kejadian` (day, month, year), combined into that one
/// field here; API clients keep sending `tanggal_kejadian` as `YYYY-MM-DD`.
pub const DATE_PART_FIELDS: [&str; 3] = ["tanggal_kejadian_hari", "tanggal_kejadian_bulan", "tanggal_kejadian_tahun"];

/// The earliest accepted `tanggal_kejadian`: the year the Republic was founded.
pub const EARLIEST_INCIDENT_DATE: Date = jiff::civil::date(1945, 1, 1);

/// One failing field and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name, as in the contract.
    pub field: &'static str,
    /// The message for the person, in the language validation was asked for (Indonesian by
    /// default).
    pub message: String,
}

/// The personal data of a submission, kept apart from the register so it can be erased.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PersonalData {
    /// Name, absent for anonymous reports that gave none.
    pub nama: Option<String>,
    /// Email address, as typed (trimmed).
    pub email: Option<String>,
    /// Telephone number normalised to `+62…`.
    pub telepon: Option<String>,
    /// NIK, 16 digits.
    pub nik: Option<String>,
    /// Postal address.
    pub alamat: Option<String>,
}

/// A valid, normalised submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    /// The kind of report.
    pub jenis: Jenis,
    /// Identity hidden from the public and the officials handling it.
    pub anonim: bool,
    /// The report is not to be made public.
    pub rahasia: bool,
    /// Who sent it.
    pub personal: PersonalData,
    /// Title.
    pub judul: String,
    /// What happened, as typed.
    pub isi: String,
    /// When it happened.
    pub tanggal_kejadian: Option<Date>,
    /// Where it happened.
    pub lokasi: Option<String>,
    /// The service the report is about.
    pub layanan: Option<String>,
}

impl Submission {
    /// A digest of name, contact, title and text: two submissions with the same one within a
    /// day are the same submission (a double click, a resent form).
    pub fn fingerprint(&self) -> String {
        let p = &self.personal;
        let parts = [
            p.nama.as_deref().unwrap_or(""),
            &p.email.as_deref().unwrap_or("").to_lowercase(),
            p.telepon.as_deref().unwrap_or(""),
            &self.judul,
            &self.isi,
        ];
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Validates a raw form against the contract's rules, with messages in Bahasa Indonesia.
/// `today` is the current date in the office's time zone (for `tanggal_kejadian`).
pub fn validate(form: &RawForm, today: Date) -> Result<Submission, Vec<FieldError>> {
    validate_in(form, today, Lang::Id)
}

/// [`validate`] with its messages in the language `lang`: the same fields fail, in the same
/// order, whatever the language.
pub fn validate_in(form: &RawForm, today: Date, lang: Lang) -> Result<Submission, Vec<FieldError>> {
    let mut v = Validator { form, errors: Vec::new(), lang };

    let jenis = v.text("jenis").and_then(|s| match s {
        None => v.fail(
            "jenis",
            lang.pick(
                "Pilih jenis laporan: pengaduan, permintaan informasi, atau aspirasi",
                "Choose the type of report: complaint, request for information, or suggestion",
            ),
        ),
        Some(s) => Jenis::parse(&s).or_else(|| {
            v.fail(
                "jenis",
                lang.pick(
                    "Jenis laporan harus pengaduan, informasi, atau aspirasi",
                    "Choose a type of report from the list: complaint, request for information, or suggestion",
                ),
            )
        }),
    });
    let anonim = v.flag("anonim", ("anonim", "send anonymously")).unwrap_or(false);

    // An anonymous report keeps no identity at all, whatever was typed or autofilled: the
    // identity fields are neither checked nor kept, so no store, log or message can hold them.
    let personal = if anonim { PersonalData::default() } else { identity(&mut v) };

    let judul =
        v.required_length("judul", 5, 150, lang.pick("Masukkan judul laporan", "Enter a title for your report"));
    let isi = v.required_length("isi", 20, 5000, lang.pick("Masukkan isi laporan", "Enter the details of your report"));

    let tanggal_kejadian = v.incident_date(today);
    let lokasi = v.optional_length("lokasi", 200);
    let layanan = v.optional_length("layanan", 150);
    let rahasia = v.flag("rahasia", ("rahasia", "keep confidential")).unwrap_or(false);

    if v.flag("pernyataan_kebenaran", ("pernyataan kebenaran", "statement of truth")) != Some(true)
        && !v.has_error("pernyataan_kebenaran")
    {
        v.fail::<()>(
            "pernyataan_kebenaran",
            lang.pick(
                "Centang pernyataan bahwa isi laporan Anda benar",
                "Tick the statement that the details of your report are true",
            ),
        );
    }
    if v.flag("persetujuan_data", ("persetujuan data", "consent to data processing")) != Some(true)
        && !v.has_error("persetujuan_data")
    {
        v.fail::<()>(
            "persetujuan_data",
            lang.pick(
                "Centang persetujuan pemrosesan data pribadi Anda",
                "Tick your consent to the processing of your personal data",
            ),
        );
    }
    // Only the control check and plain trimming here, not the invisible-means-empty rule: the
    // handler takes any non-blank key as given, so an invisible-only key must be refused, not dropped.
    if let Some(key) = v.checked_text("idempotency_key").flatten()
        && !is_valid_idempotency_key(&key)
    {
        v.fail::<()>("idempotency_key", idempotency_key_message(lang));
    }

    let mut errors = v.errors;
    if !errors.is_empty() {
        errors.sort_by_key(|e| FIELD_ORDER.iter().position(|f| *f == e.field));
        return Err(errors);
    }
    Ok(Submission {
        jenis: jenis.expect("checked above"),
        anonim,
        rahasia,
        personal,
        judul: judul.expect("checked above"),
        isi: isi.expect("checked above"),
        tanggal_kejadian,
        lokasi,
        layanan,
    })
}

/// The complainant's identity fields, checked: a name and a contact are required.
fn identity(v: &mut Validator<'_>) -> PersonalData {
    let lang = v.lang;
    let nama = v.text("nama").flatten();
    let nama = match nama {
        None => v.fail(
            "nama",
            lang.pick(
                "Masukkan nama Anda, atau pilih kirim sebagai anonim",
                "Enter your name, or choose to send anonymously",
            ),
        ),
        Some(n) => v.length("nama", n, 2, 100),
    };

    let email = v.text("email").flatten().and_then(|e| {
        if is_valid_email(&e) {
            Some(e)
        } else {
            v.fail(
                "email",
                lang.pick(
                    "Masukkan alamat email dengan format yang benar, seperti nama@contoh.co.id",
                    "Enter an email address in the correct format, like name@example.com",
                ),
            )
        }
    });
    let telepon = v.text("telepon").flatten().and_then(|t| {
        normalize_phone(&t).or_else(|| {
            v.fail(
                "telepon",
                lang.pick(
                    "Masukkan nomor telepon Indonesia, seperti 081234567890 atau +62 812 3456 7890; untuk nomor luar negeri, isi email saja",
                    "Enter an Indonesian telephone number, like 081234567890 or +62 812 3456 7890; with a number abroad, give your email instead",
                ),
            )
        })
    });
    let contact_given = v.text_present("email") || v.text_present("telepon");
    if !contact_given {
        v.fail::<()>(
            "email",
            lang.pick(
                "Masukkan alamat email atau nomor telepon agar kami dapat menghubungi Anda",
                "Enter an email address or a telephone number so that we can contact you",
            ),
        );
    }

    let nik = v.text("nik").flatten().and_then(|n| {
        let digits: String = n.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
        if digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Some(digits)
        } else {
            v.fail("nik", lang.pick("NIK harus terdiri dari tepat 16 angka", "NIK must be exactly 16 digits"))
        }
    });
    let alamat = v.optional_length("alamat", 300);
    PersonalData { nama, email, telepon, nik, alamat }
}

/// The message for an idempotency key of the wrong form.
pub const IDEMPOTENCY_KEY_MESSAGE: &str =
    "Kunci idempotensi harus 8 sampai 128 karakter berupa huruf A-Z atau a-z, angka, tanda - atau _";

/// [`IDEMPOTENCY_KEY_MESSAGE`] in the language `lang`.
pub fn idempotency_key_message(lang: Lang) -> &'static str {
    lang.pick(
        IDEMPOTENCY_KEY_MESSAGE,
        "The idempotency key must be 8 to 128 characters long, using only letters A-Z or a-z, digits, - or _",
    )
}

/// Whether an idempotency key has the contract's form: 8 to 128 of `A-Z a-z 0-9 - _`.
pub fn is_valid_idempotency_key(key: &str) -> bool {
    (8..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

struct Validator<'a> {
    form: &'a RawForm,
    errors: Vec<FieldError>,
    lang: Lang,
}

impl Validator<'_> {
    /// Records an error and yields `None`, so a failing check reads as one expression.
    fn fail<T>(&mut self, field: &'static str, message: &str) -> Option<T> {
        if !self.has_error(field) {
            self.errors.push(FieldError { field, message: message.to_owned() });
        }
        None
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// The trimmed text of a field: `Some(None)` when absent or [blank](is_blank), `None` after
    /// a type error or a control character.
    fn text(&mut self, field: &'static str) -> Option<Option<String>> {
        Some(self.checked_text(field)?.filter(|t| !is_blank(t)))
    }

    /// The trimmed text of a field, line breaks normalised to LF in [`MULTI_LINE_FIELDS`]:
    /// `Some(None)` when absent or empty after trimming, `None` after a type error or a control
    /// character.
    fn checked_text(&mut self, field: &'static str) -> Option<Option<String>> {
        match self.form.get(field) {
            None => Some(None),
            Some(RawValue::Text(s)) => {
                let multi_line = MULTI_LINE_FIELDS.contains(&field);
                // Before the control check and the length count: a browser sends a textarea's
                // line breaks as CRLF, yet counts each as one character against `maxlength`.
                let s = if multi_line { normalize_line_breaks(s) } else { Cow::Borrowed(s.as_str()) };
                if has_forbidden_control(&s, multi_line) {
                    return self.fail(field, &control_message(field_label(field, self.lang), self.lang));
                }
                let t = s.trim();
                Some((!t.is_empty()).then(|| t.to_owned()))
            }
            Some(_) => {
                let message = self
                    .lang
                    .pick(format!("Isian {field} harus berupa teks"), format!("The field {field} must be text"));
                self.fail(field, &message)
            }
        }
    }

    /// `tanggal_kejadian`: from the form's three boxes ([`DATE_PART_FIELDS`]) when any is
    /// filled, else from the one `YYYY-MM-DD` field API clients send; not in the future, not
    /// before [`EARLIEST_INCIDENT_DATE`]. Every message is under `tanggal_kejadian`.
    fn incident_date(&mut self, today: Date) -> Option<Date> {
        const FIELD: &str = "tanggal_kejadian";
        let lang = self.lang;
        let mut boxes: [Option<String>; 3] = Default::default();
        for (slot, name) in boxes.iter_mut().zip(DATE_PART_FIELDS) {
            match self.form.get(name) {
                None => {}
                Some(RawValue::Text(s)) if has_forbidden_control(s, false) => {
                    return self.fail(FIELD, &control_message(field_label(FIELD, lang), lang));
                }
                Some(RawValue::Text(s)) => *slot = Some(s.trim().to_owned()).filter(|t| !is_blank(t)),
                Some(_) => {
                    let message =
                        lang.pick(format!("Isian {name} harus berupa teks"), format!("The field {name} must be text"));
                    return self.fail(FIELD, &message);
                }
            }
        }
        let parts = DateParts { day: boxes[0].as_deref(), month: boxes[1].as_deref(), year: boxes[2].as_deref() };
        let date = if parts.is_empty() {
            match parse_date(&self.text(FIELD)??) {
                Some(d) => d,
                None => {
                    return self.fail(
                        FIELD,
                        lang.pick(
                            "Tanggal kejadian harus berupa tanggal yang benar dengan format TTTT-BB-HH, seperti 2026-11-29",
                            "The date of the incident must be a real date in the format YYYY-MM-DD, like 2026-11-29",
                        ),
                    );
                }
            }
        } else {
            match parts.parse() {
                Ok(d) => d,
                Err(e) => return self.fail(FIELD, &e.message(field_label(FIELD, lang), lang)),
            }
        };
        if date > today {
            self.fail(
                FIELD,
                lang.pick(
                    "Tanggal kejadian tidak boleh setelah hari ini",
                    "The date of the incident must be today or in the past",
                ),
            )
        } else if date < EARLIEST_INCIDENT_DATE {
            self.fail(
                FIELD,
                lang.pick(
                    "Tanggal kejadian tidak boleh sebelum 1 Januari 1945",
                    "The date of the incident must be 1 January 1945 or later",
                ),
            )
        } else {
            Some(date)
        }
    }

    fn text_present(&self, field: &str) -> bool {
        matches!(self.form.get(field), Some(RawValue::Text(s)) if !is_blank(s))
    }

    /// A boolean field: `on`, `true`, `1` (or JSON true) is true; absent, empty, `off`,
    /// `false`, `0` (or JSON false) is false. `what` names the choice in Indonesian and English.
    fn flag(&mut self, field: &'static str, what: (&str, &str)) -> Option<bool> {
        let lang = self.lang;
        let choice = || lang.pick(format!("Pilihan {}", what.0), format!("The choice \u{201c}{}\u{201d}", what.1));
        match self.form.get(field) {
            None => Some(false),
            Some(RawValue::Bool(b)) => Some(*b),
            Some(RawValue::Text(s)) if has_forbidden_control(s, false) => {
                self.fail(field, &control_message(&choice(), lang))
            }
            Some(RawValue::Text(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "on" | "true" | "1" => Some(true),
                "" | "off" | "false" | "0" => Some(false),
                _ => {
                    let message = lang.pick(
                        format!("{} harus dicentang atau tidak dicentang", choice()),
                        format!("{} must be either ticked or not ticked", choice()),
                    );
                    self.fail(field, &message)
                }
            },
            Some(RawValue::Other) => {
                let message = lang.pick(
                    format!("{} harus bernilai true atau false", choice()),
                    format!("{} must be true or false", choice()),
                );
                self.fail(field, &message)
            }
        }
    }

    /// The value if its length in characters is within `min..=max`; the message names the field
    /// by its [label](field_label).
    fn length(&mut self, field: &'static str, value: String, min: usize, max: usize) -> Option<String> {
        let n = value.chars().count();
        let what = field_label(field, self.lang);
        let message = if n < min {
            self.lang.pick(
                format!("{what} harus {min} karakter atau lebih"),
                format!("{what} must be at least {min} characters long"),
            )
        } else if n > max {
            self.lang.pick(
                format!("{what} harus {max} karakter atau kurang (sekarang {n})"),
                format!("{what} must be {max} characters or fewer (it is {n} now)"),
            )
        } else {
            return Some(value);
        };
        self.fail(field, &message)
    }

    fn required_length(&mut self, field: &'static str, min: usize, max: usize, missing: &str) -> Option<String> {
        match self.text(field)? {
            None => self.fail(field, missing),
            Some(s) => self.length(field, s, min, max),
        }
    }

    fn optional_length(&mut self, field: &'static str, max: usize) -> Option<String> {
        let s = self.text(field)??;
        self.length(field, s, 0, max)
    }
}

/// The information a complainant adds to returned files ([`ADDITION_FIELD`]), under the rules
/// of the complaint's own text (`isi`): required, 20 to 5000 characters, line feeds and tabs
/// the only controls.
pub fn validate_addition(form: &RawForm, lang: Lang) -> Result<String, FieldError> {
    let mut v = Validator { form, errors: Vec::new(), lang };
    let missing = lang.pick("Tuliskan keterangan yang Anda tambahkan", "Enter the information you are adding");
    v.required_length(ADDITION_FIELD, 20, 5000, missing).ok_or_else(|| v.errors.remove(0))
}

/// The field's name as the person knows it, at the start of a message, in the language `lang`.
fn field_label(field: &str, lang: Lang) -> &'static str {
    let (id, en) = match field {
        "jenis" => ("Jenis laporan", "The type of report"),
        "nama" => ("Nama", "Your name"),
        "email" => ("Alamat email", "The email address"),
        "telepon" => ("Nomor telepon", "The telephone number"),
        "nik" => ("NIK", "The NIK"),
        "alamat" => ("Alamat", "The address"),
        "judul" => ("Judul laporan", "The title of your report"),
        "isi" => ("Isi laporan", "The details of your report"),
        ADDITION_FIELD => ("Keterangan tambahan", "The additional information"),
        "tanggal_kejadian" => ("Tanggal kejadian", "The date of the incident"),
        "lokasi" => ("Lokasi", "The location"),
        "layanan" => ("Nama layanan", "The name of the service"),
        "idempotency_key" => ("Kunci idempotensi", "The idempotency key"),
        _ => ("Isian", "This field"),
    };
    lang.pick(id, en)
}

fn control_message(label: &str, lang: Lang) -> String {
    lang.pick(
        format!("{label} berisi karakter kendali yang tidak diizinkan. Hapus karakter tersebut, lalu kirim lagi"),
        format!("{label} contains control characters, which are not allowed. Remove them, then send the form again"),
    )
}

/// CRLF and a lone CR become LF, as in a browser's own value of a textarea.
fn normalize_line_breaks(s: &str) -> Cow<'_, str> {
    if s.contains('\r') { Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n")) } else { Cow::Borrowed(s) }
}

/// Whether the text holds a C0 or C1 control or DEL (they can rewrite a terminal or a log line
/// and hide text), allowing line feed and tab where the field is multi-line, or a bidirectional
/// embedding, override or isolate (U+202A–U+202E, U+2066–U+2069: they make a name or a title
/// read differently from what it is, in the console, the register and the exports).
fn has_forbidden_control(s: &str, multi_line: bool) -> bool {
    s.chars().any(|c| {
        (c.is_control() && !(multi_line && matches!(c, '\n' | '\t')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// Whether the text shows nothing: only white space, combining marks without a base, and
/// invisible format characters. Such a field counts as empty.
fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_combining_mark(c) || is_default_ignorable(c))
}

// Hand-written ranges, not a Unicode crate: a few blocks cover blank-looking input.
/// The generic combining blocks (category Mn) and the enclosing marks (Me); script-specific vowel
/// signs are left out, as they do not appear alone in real input.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{A670}'..='\u{A672}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Unicode's Default_Ignorable_Code_Point: zero-width and formatting characters, variation
/// selectors, and the Hangul fillers often used for "blank" names.
fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// A deliberately plain address check: one `@`, a non-empty local part, a dotted domain of
/// letters, digits and hyphens, no blanks; and an address the mailer's own parser (lettre's)
/// takes, so that nothing accepted here is refused at sending (`a,b@contoh.co.id`). Delivery
/// is the real test.
pub fn is_valid_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if email.parse::<lettre::Address>().is_err() {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else { return false };
    if local.is_empty() || local.len() > 64 || domain.contains('@') || local.contains("..") {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()))
}

/// Normalises an Indonesian telephone number to `+62…` (`08…`, `628…`, `+62 8…`, `0062 8…`
/// mobiles and landlines such as `(021) 555-1234`), or `None` when it is not one. Numbers abroad
/// are refused, as the contract says (`telepon`: an Indonesian number, stored as `+62…`); the
/// message sends their owners to the email field.
pub fn normalize_phone(input: &str) -> Option<String> {
    let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let international = compact.strip_prefix('+').or_else(|| compact.strip_prefix("00"));
    if international.is_some_and(|d| !d.starts_with("62")) {
        return None;
    }
    let compact = international.map_or(compact.clone(), |d| format!("+{d}"));
    let national = if let Some(rest) = compact.strip_prefix("+62") {
        rest
    } else if let Some(rest) = compact.strip_prefix("62") {
        rest
    } else {
        compact.strip_prefix('0')?
    };
    let national = national.strip_prefix('0').filter(|_| compact.starts_with("+62")).unwrap_or(national);
    if !national.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ok = match national.as_bytes().first()? {
        // Mobile: 8, an operator digit 1-9, then 6 to 10 digits.
        b'8' => (9..=12).contains(&national.len()) && national.as_bytes()[1] != b'0',
        // Landline: area code and subscriber number, 8 to 11 digits in all.
        b'1'..=b'9' => (8..=11).contains(&national.len()),
        _ => false,
    };
    ok.then(|| format!("+62{national}"))
}

/// Parses exactly `YYYY-MM-DD`.
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    Date::new(s[0..4].parse().ok()?, s[5..7].parse().ok()?, s[8..10].parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 29);

    fn text(v: &str) -> RawValue {
        RawValue::Text(v.to_owned())
    }

    fn valid_form() -> RawForm {
        [
            ("jenis", text("pengaduan")),
            ("nama", text("  Siti Rahayu ")),
            ("email", text("siti@contoh.co.id")),
            ("telepon", text("0812-3456-7890")),
            ("nik", text("3201 0141 0190 0001")),
            ("judul", text("Izin usaha belum terbit")),
            ("isi", text("Permohonan izin saya belum terbit setelah tiga minggu.")),
            ("tanggal_kejadian", text("2026-11-28")),
            ("pernyataan_kebenaran", text("on")),
            ("persetujuan_data", text("on")),
        ]
        .into_iter()
        .collect()
    }

    fn with(mut pairs: Vec<(&'static str, RawValue)>) -> RawForm {
        let base = valid_form();
        let mut form = RawForm::new();
        pairs.retain(|(k, _)| !k.is_empty());
        for (k, v) in pairs {
            form.insert(k, v);
        }
        for (k, v) in base.fields {
            form.insert(k, v);
        }
        form
    }

    fn errors_of(form: &RawForm) -> Vec<(&'static str, String)> {
        validate(form, TODAY).err().unwrap_or_default().into_iter().map(|e| (e.field, e.message)).collect()
    }

    fn fields_failing(form: &RawForm) -> Vec<&'static str> {
        errors_of(form).into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn valid_submission_is_trimmed_and_normalised() {
        let s = validate(&valid_form(), TODAY).unwrap();
        assert_eq!(s.jenis, Jenis::Pengaduan);
        assert_eq!(s.personal.nama.as_deref(), Some("Siti Rahayu"));
        assert_eq!(s.personal.telepon.as_deref(), Some("+6281234567890"));
        assert_eq!(s.personal.nik.as_deref(), Some("3201014101900001"));
        assert_eq!(s.tanggal_kejadian, Some(date(2026, 11, 28)));
        assert!(!s.anonim && !s.rahasia);
    }

    #[test]
    fn empty_form_reports_each_required_field_once_in_form_order() {
        assert_eq!(
            fields_failing(&RawForm::new()),
            ["jenis", "nama", "email", "judul", "isi", "pernyataan_kebenaran", "persetujuan_data"]
        );
    }

    #[test]
    fn length_limits_count_characters_after_trimming() {
        let cases = [
            ("nama", "A", true),
            ("nama", "Al", false),
            ("nama", &"é".repeat(100), false),
            ("nama", &"é".repeat(101), true),
            ("judul", " abcd ", true),
            ("judul", "abcde", false),
            ("judul", &"x".repeat(151), true),
            ("isi", &"x".repeat(19), true),
            ("isi", &"x".repeat(5000), false),
            ("isi", &"x".repeat(5001), true),
            ("alamat", &"x".repeat(301), true),
            ("lokasi", &"x".repeat(201), true),
            ("layanan", &"x".repeat(151), true),
            ("layanan", &"x".repeat(150), false),
        ];
        for (field, value, fails) in cases {
            let form = with(vec![(field, text(value))]);
            assert_eq!(fields_failing(&form).contains(&field), fails, "{field} = {} chars", value.chars().count());
        }
    }

    #[test]
    fn messages_are_indonesian_and_specific() {
        let form = with(vec![("isi", text("terlalu pendek")), ("email", text("bukan-email"))]);
        let errors = errors_of(&form);
        assert_eq!(
            errors[0],
            ("email", "Masukkan alamat email dengan format yang benar, seperti nama@contoh.co.id".into())
        );
        assert_eq!(errors[1], ("isi", "Isi laporan harus 20 karakter atau lebih".into()));
    }

    #[test]
    fn contact_is_required_unless_anonymous() {
        let no_contact = with(vec![("email", text(" ")), ("telepon", text(""))]);
        assert_eq!(fields_failing(&no_contact), ["email"]);
        let anonymous =
            with(vec![("email", text("")), ("telepon", text("")), ("nama", text("")), ("anonim", text("on"))]);
        let s = validate(&anonymous, TODAY).unwrap();
        assert!(s.anonim);
        assert_eq!(s.personal.nama, None);
        let phone_only = with(vec![("email", text(""))]);
        assert!(validate(&phone_only, TODAY).is_ok());
    }

    #[test]
    fn an_anonymous_report_keeps_no_identity_whatever_was_typed() {
        let typed = with(vec![
            ("anonim", text("on")),
            ("nama", text("Bambang Sutrisno")),
            ("email", text("bambang@contoh.co.id")),
            ("telepon", text("081377778888")),
            ("nik", text("3201014101900001")),
            ("alamat", text("Jl. Kenanga No. 7")),
        ]);
        let s = validate(&typed, TODAY).unwrap();
        assert!(s.anonim);
        assert_eq!(s.personal, PersonalData::default());
        // Not kept, so not judged either: an autofilled wrong value does not block the report.
        let wrong = with(vec![("anonim", text("on")), ("email", text("bukan-email")), ("nama", text("\u{1b}[2J"))]);
        assert_eq!(validate(&wrong, TODAY).unwrap().personal, PersonalData::default());
        assert_eq!(validate(&wrong, TODAY).unwrap().fingerprint(), validate(&typed, TODAY).unwrap().fingerprint());
    }

    #[test]
    fn the_incident_date_comes_from_the_three_boxes_or_the_one_field() {
        let boxes = |d: &str, m: &str, y: &str| {
            with(vec![
                ("tanggal_kejadian", text("")),
                ("tanggal_kejadian_hari", text(d)),
                ("tanggal_kejadian_bulan", text(m)),
                ("tanggal_kejadian_tahun", text(y)),
            ])
        };
        assert_eq!(validate(&boxes(" 27 ", "3", "2026"), TODAY).unwrap().tanggal_kejadian, Some(date(2026, 3, 27)));
        assert_eq!(validate(&boxes("07", "03", "2026"), TODAY).unwrap().tanggal_kejadian, Some(date(2026, 3, 7)));
        assert_eq!(validate(&boxes("", "", ""), TODAY).unwrap().tanggal_kejadian, None, "three empty boxes: no date");
        let message =
            |form: &RawForm| errors_of(form).into_iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>();
        assert_eq!(
            message(&boxes("27", "3", "26")),
            ["tanggal_kejadian: Tahun pada tanggal kejadian harus ditulis lengkap dengan 4 angka, seperti 2026"]
        );
        assert_eq!(
            message(&boxes("31", "2", "2026")),
            [
                "tanggal_kejadian: Tanggal kejadian harus tanggal yang benar. Periksa hari dan bulannya, seperti 27 3 2026"
            ]
        );
        assert_eq!(
            message(&boxes("30", "11", "2026")),
            ["tanggal_kejadian: Tanggal kejadian tidak boleh setelah hari ini"]
        );
        assert_eq!(message(&boxes("", "11", "")), ["tanggal_kejadian: Tanggal kejadian harus berisi hari dan tahun"]);
        assert_eq!(fields_failing(&boxes("1", "1", "1944")), ["tanggal_kejadian"]);
        assert_eq!(fields_failing(&boxes("1\u{1b}", "1", "2020")), ["tanggal_kejadian"]);
        // The boxes are the form's way; the contract's one field is read as before.
        let form = with(vec![("tanggal_kejadian", text("2026-03-27"))]);
        assert_eq!(validate(&form, TODAY).unwrap().tanggal_kejadian, Some(date(2026, 3, 27)));
        assert_english(&boxes("27", "3", "26"));
        assert_english(&boxes("31", "2", "2026"));
        assert_english(&boxes("", "x", ""));
    }

    #[test]
    fn a_number_abroad_is_refused_and_the_message_points_to_email() {
        let errors = errors_of(&with(vec![("telepon", text("+44 20 7946 0958"))]));
        assert_eq!(errors[0].0, "telepon");
        assert!(errors[0].1.contains("untuk nomor luar negeri, isi email saja"), "{errors:?}");
        let en = validate_in(&with(vec![("telepon", text("+44 20 7946 0958"))]), TODAY, Lang::En).unwrap_err();
        assert!(en[0].message.contains("with a number abroad, give your email instead"), "{en:?}");
    }

    #[test]
    fn booleans_accept_form_and_json_spellings() {
        for yes in [text("on"), text("true"), text("1"), RawValue::Bool(true)] {
            let form = with(vec![("rahasia", yes.clone())]);
            assert!(validate(&form, TODAY).unwrap().rahasia, "{yes:?}");
        }
        for no in [text(""), text("false"), RawValue::Bool(false)] {
            let form = with(vec![("pernyataan_kebenaran", no.clone())]);
            assert_eq!(fields_failing(&form), ["pernyataan_kebenaran"], "{no:?}");
        }
        // An unticked box's spellings are a valid "no", not a refusal.
        for no in [text(""), text("off"), text("false"), text("0")] {
            let form = with(vec![("rahasia", no.clone())]);
            assert!(!validate(&form, TODAY).unwrap().rahasia, "{no:?}");
        }
        assert_eq!(fields_failing(&with(vec![("rahasia", text("ya"))])), ["rahasia"]);
        assert_eq!(fields_failing(&with(vec![("anonim", RawValue::Other)])), ["anonim"]);
    }

    #[test]
    fn wrong_json_types_fail_the_field() {
        assert_eq!(fields_failing(&with(vec![("judul", RawValue::Other)])), ["judul"]);
        assert_eq!(fields_failing(&with(vec![("nik", RawValue::Bool(true))])), ["nik"]);
    }

    #[test]
    fn jenis_must_be_one_of_three() {
        assert_eq!(fields_failing(&with(vec![("jenis", text("keluhan"))])), ["jenis"]);
        for j in ["pengaduan", "informasi", "aspirasi"] {
            assert_eq!(validate(&with(vec![("jenis", text(j))]), TODAY).unwrap().jenis.code(), j);
        }
    }

    #[test]
    fn nik_must_be_sixteen_digits() {
        for bad in ["123", "32010141019000011", "320101410190000A"] {
            assert_eq!(fields_failing(&with(vec![("nik", text(bad))])), ["nik"], "{bad}");
        }
    }

    #[test]
    fn incident_date_is_strict_and_not_in_the_future() {
        for bad in ["2026-11-30", "29-11-2026", "2026-02-30", "2026-1-05", "kemarin"] {
            assert_eq!(fields_failing(&with(vec![("tanggal_kejadian", text(bad))])), ["tanggal_kejadian"], "{bad}");
        }
        assert!(validate(&with(vec![("tanggal_kejadian", text("2026-11-29"))]), TODAY).is_ok());
    }

    #[test]
    fn phone_numbers_normalise_to_plus_62() {
        let ok = [
            ("081234567890", "+6281234567890"),
            ("+62 812-3456-7890", "+6281234567890"),
            ("6281234567890", "+6281234567890"),
            ("+62 (0)812 3456 7890", "+6281234567890"),
            ("(021) 555-1234", "+62215551234"),
            ("0274 512345", "+62274512345"),
        ];
        for (input, want) in ok {
            assert_eq!(normalize_phone(input).as_deref(), Some(want), "{input}");
        }
        for bad in ["12345", "0812", "0801234567", "08123456789012345", "08xx"] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
        // Numbers abroad are not Indonesian numbers (the contract); +62 written the international
        // way is, and is checked as such.
        for bad in ["+1 202 555 0100", "+44 20 7946 0958", "0065 6123 4567", "+0062812345678", "+62 12", "0062 8"] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
        assert_eq!(normalize_phone("0062 812 3456 7890").as_deref(), Some("+6281234567890"));
    }

    #[test]
    fn email_check_is_plain() {
        for ok in ["a@b.co", "nama.lengkap+tag@dinas.go.id", "x@sub.domain.example"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@", "@b.co", "a@b", "a b@c.id", "a@b..id", "a@-b.id", "a@b.1", "a@@b.id"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        // The lengths RFC 5321 allows, to the character: 254 in all, 64 before the @.
        let local = |n: usize| "a".repeat(n);
        assert!(is_valid_email(&format!("{}@b.id", local(64))));
        assert!(!is_valid_email(&format!("{}@b.id", local(65))));
        let domain = |last: usize| format!("{}.{}.{}.id", "b".repeat(63), "c".repeat(63), "d".repeat(last));
        assert_eq!(format!("{}@{}", local(64), domain(58)).len(), 254);
        assert!(is_valid_email(&format!("{}@{}", local(64), domain(58))), "254 characters");
        assert!(!is_valid_email(&format!("{}@{}", local(64), domain(59))), "255 characters");
        assert!(!is_valid_email("a..b@c.id"), "two dots in a row before the @");
        assert!(!is_valid_email("a\tb@c.id") && !is_valid_email("a\u{7}b@c.id"), "blanks and controls");
    }

    #[test]
    fn an_accepted_address_is_one_the_mailer_can_send_to() {
        // Each passed the plain check alone, and each is refused when the mail is composed.
        for unsendable in
            ["a,b@contoh.co.id", "a(b)@c.id", "a<b@c.id", "a[b]@c.id", "a:b@c.id", "a\\b@c.id", ".a@c.id", "a.@c.id"]
        {
            assert!(unsendable.parse::<lettre::Address>().is_err(), "the mailer refuses {unsendable}");
            assert!(!is_valid_email(unsendable), "{unsendable}");
        }
        for ok in ["a@b.co", "nama.lengkap+tag@dinas.go.id", "o'brien@contoh.co.id", "siti@kantor.bandung.go.id"] {
            assert!(is_valid_email(ok), "{ok}");
        }
    }

    #[test]
    fn idempotency_key_form() {
        assert!(is_valid_idempotency_key("abcDEF09-_"));
        assert!(!is_valid_idempotency_key("short"));
        assert!(!is_valid_idempotency_key(&"a".repeat(129)));
        assert!(!is_valid_idempotency_key("has space here"));
        assert_eq!(fields_failing(&with(vec![("idempotency_key", text("bad key!"))])), ["idempotency_key"]);
    }

    #[test]
    fn fingerprint_depends_on_name_contact_title_and_text_only() {
        let a = validate(&valid_form(), TODAY).unwrap();
        let same =
            validate(&with(vec![("lokasi", text("Kantor")), ("email", text("SITI@contoh.co.id"))]), TODAY).unwrap();
        assert_eq!(a.fingerprint(), same.fingerprint());
        let other = validate(&with(vec![("judul", text("Judul yang lain"))]), TODAY).unwrap();
        assert_ne!(a.fingerprint(), other.fingerprint());
    }

    /// A valid value of every text field, for putting a bad character into.
    const VALID_TEXTS: [(&str, &str); 16] = [
        ("jenis", "pengaduan"),
        ("anonim", "on"),
        ("nama", "Siti Rahayu"),
        ("email", "siti@contoh.co.id"),
        ("telepon", "081234567890"),
        ("nik", "3201014101900001"),
        ("alamat", "Jl. Merdeka No. 1"),
        ("judul", "Izin usaha belum terbit"),
        ("isi", "Permohonan izin saya belum terbit setelah tiga minggu."),
        ("tanggal_kejadian", "2026-11-28"),
        ("lokasi", "Kantor DPMPTSP"),
        ("layanan", "Perizinan berusaha"),
        ("rahasia", "on"),
        ("pernyataan_kebenaran", "on"),
        ("persetujuan_data", "on"),
        ("idempotency_key", "abcdefgh-1234"),
    ];

    #[test]
    fn terminal_escape_in_title_is_refused_with_a_message_naming_it() {
        let form = with(vec![("judul", text("Halo\u{1b}]0;owned\u{7}\u{1b}[2J dunia"))]);
        assert_eq!(
            errors_of(&form),
            [(
                "judul",
                "Judul laporan berisi karakter kendali yang tidak diizinkan. Hapus karakter tersebut, lalu kirim lagi"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn control_characters_are_refused_in_every_text_field() {
        let controls = [
            '\0', '\u{7}', '\u{1b}', '\u{1f}', '\u{7f}', '\u{80}', '\u{85}', '\u{9b}', '\u{9f}', '\u{202a}',
            '\u{202e}', '\u{2066}', '\u{2069}',
        ];
        let single_line_only = ['\n', '\t', '\r', '\u{b}', '\u{c}'];
        for (field, valid) in VALID_TEXTS {
            let multi_line = MULTI_LINE_FIELDS.contains(&field);
            let refused = controls.iter().chain(if multi_line { &[][..] } else { &single_line_only[..] });
            for &c in refused {
                // In the middle, at the end, and alone: trimming must not hide any of them.
                let (head, tail) = valid.split_at(1);
                for value in [format!("{head}{c}{tail}"), format!("{valid}{c}"), c.to_string()] {
                    let errors = errors_of(&with(vec![(field, text(&value))]));
                    assert_eq!(errors.len(), 1, "{field} = {value:?}: {errors:?}");
                    assert_eq!(errors[0].0, field, "{value:?}");
                    assert!(errors[0].1.contains("karakter kendali"), "{field} = {value:?}: {}", errors[0].1);
                }
            }
        }
    }

    #[test]
    fn control_message_names_the_field_as_people_know_it() {
        let message_of = |field, value: &str| errors_of(&with(vec![(field, text(value))]))[0].1.clone();
        assert!(message_of("email", "siti@contoh.co.id\u{0}").starts_with("Alamat email berisi karakter kendali"));
        assert!(message_of("isi", "Isi yang cukup panjang\u{1b}[2J").starts_with("Isi laporan berisi"));
        assert!(message_of("layanan", "Izin\u{7f}").starts_with("Nama layanan berisi"));
        assert!(message_of("rahasia", "on\n").starts_with("Pilihan rahasia berisi"));
        assert!(message_of("idempotency_key", "abcdefgh\u{9b}").starts_with("Kunci idempotensi berisi"));
    }

    #[test]
    fn line_breaks_from_a_textarea_are_normalised_and_accepted() {
        let form = with(vec![
            ("isi", text("Baris pertama\tdengan tab\r\nBaris kedua\rBaris ketiga\n\r\n")),
            ("alamat", text("Jl. Merdeka No. 1\r\nBandung")),
            ("lokasi", text("Gedung B\r\n\tLantai 2")),
        ]);
        let s = validate(&form, TODAY).unwrap();
        assert_eq!(s.isi, "Baris pertama\tdengan tab\nBaris kedua\nBaris ketiga");
        assert_eq!(s.personal.alamat.as_deref(), Some("Jl. Merdeka No. 1\nBandung"));
        assert_eq!(s.lokasi.as_deref(), Some("Gedung B\n\tLantai 2"));
    }

    #[test]
    fn a_textarea_line_break_counts_as_one_character() {
        let lines = vec!["x".repeat(101); 49];
        let crlf = lines.join("\r\n");
        assert!(crlf.chars().count() > 5000 && lines.join("\n").chars().count() <= 5000);
        assert!(validate(&with(vec![("isi", text(&crlf))]), TODAY).is_ok());
        let alamat = ["x".repeat(150), "y".repeat(149)].join("\r\n");
        assert!(validate(&with(vec![("alamat", text(&alamat))]), TODAY).is_ok());
    }

    #[test]
    fn added_information_follows_the_rules_of_the_complaint_text() {
        let form = |t: &str| with(vec![(ADDITION_FIELD, text(t))]);
        let ok = validate_addition(&form("  Fotokopi KTP saya lampirkan.\r\nTerima kasih.  "), Lang::Id).unwrap();
        assert_eq!(ok, "Fotokopi KTP saya lampirkan.\nTerima kasih.");
        let err = validate_addition(&form("terlalu pendek"), Lang::Id).unwrap_err();
        assert_eq!(
            (err.field, err.message.as_str()),
            (ADDITION_FIELD, "Keterangan tambahan harus 20 karakter atau lebih")
        );
        assert!(validate_addition(&form(&"x".repeat(5000)), Lang::Id).is_ok());
        assert!(validate_addition(&form(&"x".repeat(5001)), Lang::Id).is_err());
        assert!(validate_addition(&form("Keterangan yang cukup panjang\u{1b}[2J"), Lang::Id).is_err());
        assert!(validate_addition(&form("Baris pertama\tdengan tab\nBaris kedua"), Lang::Id).is_ok());
        let err = validate_addition(&RawForm::new(), Lang::En).unwrap_err();
        assert_eq!(err.message, "Enter the information you are adding");
    }

    #[test]
    fn invisible_only_required_fields_get_the_required_message() {
        let invisible =
            "\u{200B}\u{0301}\u{FEFF} \u{00AD}\u{2060}\u{034F}\u{180E}\u{2028}\u{20DD}\u{1AB0}\u{1DC0}\u{FE20}\u{3164}";
        let form =
            with(vec![("judul", text(invisible)), ("isi", text(&invisible.repeat(3))), ("nama", text(invisible))]);
        assert_eq!(
            errors_of(&form),
            [
                ("nama", "Masukkan nama Anda, atau pilih kirim sebagai anonim".to_owned()),
                ("judul", "Masukkan judul laporan".to_owned()),
                ("isi", "Masukkan isi laporan".to_owned()),
            ]
        );
        let combining_only = "\u{0300}\u{0301}\u{0302}\u{0303}\u{0304}\u{0305}";
        assert_eq!(fields_failing(&with(vec![("judul", text(combining_only))])), ["judul"]);
    }

    #[test]
    fn invisible_only_optional_fields_are_absent() {
        let form = with(vec![
            ("nik", text("\u{200B}")),
            ("alamat", text("\u{FEFF}\r\n\u{200D}")),
            ("tanggal_kejadian", text("\u{200E}")),
            ("lokasi", text("\u{0301}\u{20DD}")),
            ("layanan", text("\u{2060} \u{00AD}")),
            ("email", text("\u{200C}")),
        ]);
        let s = validate(&form, TODAY).unwrap();
        assert_eq!((s.personal.nik, s.personal.alamat, s.personal.email), (None, None, None));
        assert_eq!((s.tanggal_kejadian, s.lokasi, s.layanan), (None, None, None));
    }

    #[test]
    fn invisible_contact_does_not_count_as_contact() {
        let form = with(vec![("email", text("\u{200B}")), ("telepon", text("\u{FEFF}"))]);
        assert_eq!(
            errors_of(&form),
            [("email", "Masukkan alamat email atau nomor telepon agar kami dapat menghubungi Anda".to_owned())]
        );
    }

    #[test]
    fn visible_text_with_marks_is_not_blank_and_lengths_count_characters() {
        let s = validate(&with(vec![("nama", text("A\u{0301}"))]), TODAY).unwrap();
        assert_eq!(s.personal.nama.as_deref(), Some("A\u{0301}"));
        assert_eq!(fields_failing(&with(vec![("nama", text("\u{200B}A"))])), Vec::<&str>::new());
        assert_eq!(fields_failing(&with(vec![("judul", text("abc\u{0301}"))])), ["judul"]);
    }

    #[test]
    fn invisible_idempotency_key_is_refused_not_dropped() {
        assert_eq!(
            errors_of(&with(vec![("idempotency_key", text("\u{200B}"))])),
            [("idempotency_key", IDEMPOTENCY_KEY_MESSAGE.to_owned())]
        );
        assert!(validate(&with(vec![("idempotency_key", text("  "))]), TODAY).is_ok());
    }

    #[test]
    fn incident_date_is_not_before_1945() {
        for early in ["1944-12-31", "1900-06-01", "0000-01-01"] {
            assert_eq!(
                errors_of(&with(vec![("tanggal_kejadian", text(early))])),
                [("tanggal_kejadian", "Tanggal kejadian tidak boleh sebelum 1 Januari 1945".to_owned())],
                "{early}"
            );
        }
        let s = validate(&with(vec![("tanggal_kejadian", text("1945-01-01"))]), TODAY).unwrap();
        assert_eq!(s.tanggal_kejadian, Some(EARLIEST_INCIDENT_DATE));
    }

    proptest::proptest! {
        #[test]
        fn accepted_text_never_holds_a_forbidden_control(judul in "\\PC{0,20}|[\\x00-\\x9f]{5,30}", isi in "[\\x00-\\x9f]{20,60}") {
            if let Ok(s) = validate(&with(vec![("judul", text(&judul)), ("isi", text(&isi))]), TODAY) {
                proptest::prop_assert!(!s.judul.chars().any(char::is_control));
                proptest::prop_assert!(!s.isi.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
            }
        }
    }

    /// Words of Indonesian messages that no English message should hold.
    const INDONESIAN_WORDS: [&str; 14] = [
        "harus", "masukkan", "pilih", "centang", "berisi", "karakter", "tidak", "isian", "atau", "pilihan", "nama",
        "laporan", "kirim", "tanggal",
    ];

    /// Checks that the English errors fail the same fields in the same order as the Indonesian
    /// ones, each with a message of its own that holds no Indonesian word.
    fn assert_english(form: &RawForm) {
        let id = validate_in(form, TODAY, Lang::Id).unwrap_err();
        let en = validate_in(form, TODAY, Lang::En).unwrap_err();
        assert_eq!(id, validate(form, TODAY).unwrap_err(), "validate is the Indonesian call");
        let fields = |errors: &[FieldError]| errors.iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(&en), fields(&id));
        for (id, en) in id.iter().zip(&en) {
            assert_ne!(en.message, id.message, "{}", en.field);
            let words: Vec<String> = en.message.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).collect();
            for word in INDONESIAN_WORDS {
                assert!(!words.iter().any(|w| w == word), "{}: {:?} holds {word:?}", en.field, en.message);
            }
        }
    }

    #[test]
    fn english_messages_for_a_wrong_value_in_every_field() {
        let long = |n| text(&"x".repeat(n));
        let form = with(vec![
            ("jenis", text("keluhan")),
            ("anonim", text("ya")),
            ("nama", text("A")),
            ("email", text("bukan-email")),
            ("telepon", text("123")),
            ("nik", text("123")),
            ("alamat", long(301)),
            ("judul", text("abc")),
            ("isi", text("terlalu pendek")),
            ("tanggal_kejadian", text("kemarin")),
            ("lokasi", long(201)),
            ("layanan", long(151)),
            ("rahasia", text("ya")),
            ("pernyataan_kebenaran", text("")),
            ("persetujuan_data", RawValue::Other),
            ("idempotency_key", text("bad key!")),
        ]);
        let en = validate_in(&form, TODAY, Lang::En).unwrap_err();
        let fields: Vec<&str> = en.iter().map(|e| e.field).collect();
        let expected: Vec<&str> = FIELD_ORDER.iter().copied().filter(|f| *f != "lampiran").collect();
        assert_eq!(fields, expected, "one message per field, in the form's order");
        assert_english(&form);
        assert_eq!(en[2].message, "Your name must be at least 2 characters long");
        assert_eq!(en[3].message, "Enter an email address in the correct format, like name@example.com");
        assert_eq!(en[15].message, idempotency_key_message(Lang::En));
    }

    #[test]
    fn english_messages_for_missing_values_and_other_mistakes() {
        let empty = RawForm::new();
        assert_english(&empty);
        let en = validate_in(&empty, TODAY, Lang::En).unwrap_err();
        assert_eq!(
            en[1],
            FieldError { field: "nama", message: "Enter your name, or choose to send anonymously".into() }
        );
        assert_english(&with(vec![("email", text("")), ("telepon", text(""))]));
        assert_english(&with(vec![("tanggal_kejadian", text("2026-11-30"))]));
        assert_english(&with(vec![("tanggal_kejadian", text("1944-12-31"))]));
        assert_english(&with(vec![("isi", long_text(5001)), ("judul", RawValue::Other), ("anonim", RawValue::Other)]));
        for (field, valid) in VALID_TEXTS {
            let form = with(vec![(field, text(&format!("{valid}\u{1b}")))]);
            assert_english(&form);
            let message = &validate_in(&form, TODAY, Lang::En).unwrap_err()[0].message;
            assert!(message.contains("control characters"), "{field}: {message}");
        }
    }

    fn long_text(n: usize) -> RawValue {
        text(&"x".repeat(n))
    }

    #[test]
    fn honeypot_detects_any_content() {
        assert!(!valid_form().honeypot_filled());
        assert!(with(vec![("website", text("http://spam"))]).honeypot_filled());
        assert!(!with(vec![("website", text("  "))]).honeypot_filled());
    }
}
