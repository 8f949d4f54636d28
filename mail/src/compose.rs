//! A message's wording: the outbox keeps what happened ([`Message`]), the templates in
//! `templates/surel/` say it. Each kind of message has a text template (its first line is the
//! subject: `Subjek: ...`) and an HTML one; both are sent, as `multipart/alternative`.
//!
//! Each language has its own pair: `status.txt` and `status.html` in Indonesian, the default;
//! `status.en.txt` and `status.en.html` in English. The message's language (decided at intake)
//! picks the pair, and the values the templates see (status, next step, dates, kind of report,
//! the tracking page's address) are in that language too. Every language's templates must be
//! there: a missing one stops start-up.
//!
//! The HTML templates extend one layout, [`LAYOUT`]: the document around the message (head,
//! body, the article), so its markup and styles are written once for every kind and language.
//! Its `lang` attributes come from `bahasa`, the message's language.
//!
//! Templates come from the repository's folder (site-gen serve, the staff tool: an editor's
//! change applies to the next message) or from the binary (the Lambda function, see `build.rs`).

use lettre::message::{Mailbox, MultiPart};
use pengaduan_core::Lang;
use pengaduan_core::datetime::date_in;
use pengaduan_core::notice::{Message, Notice};
use std::path::{Path, PathBuf};
use tera::{Context, Tera};

/// Where the templates live, relative to the site's root.
pub const TEMPLATE_DIR: &str = "templates/surel";

/// The file of the HTML layout every kind's HTML template extends.
pub const LAYOUT: &str = "_dasar.html";

/// The name the HTML templates extend the layout by (`{% extends "surel/_dasar.html" %}`): its
/// path under `templates/`, so that site-gen, which checks every template there under such
/// names, finds it too.
const LAYOUT_NAME: &str = "surel/_dasar.html";

/// The kinds of message, as [`Message::template`] names them.
pub const KINDS: [&str; 2] = ["tanda-terima", "status"];

/// The sender used locally when `PENGADUAN_EMAIL_FROM` is not set.
pub const LOCAL_SENDER: &str = "Layanan Pengaduan <pengaduan@localhost>";

/// The first line of a text template names the subject after this, in every language: a marker
/// for the program, never part of the email, so one rule serves every template.
const SUBJECT_PREFIX: &str = "Subjek:";

/// The file of the template of `kind` in `lang`, `ext` being `txt` or `html`:
/// `status.txt` for Indonesian, `status.en.txt` for English.
pub fn template_file(kind: &str, lang: Lang, ext: &str) -> String {
    match lang {
        Lang::Id => format!("{kind}.{ext}"),
        other => format!("{kind}.{}.{ext}", other.code()),
    }
}

/// Every template file the composer needs: the layout, and both files of every kind in every
/// language.
pub fn template_files() -> Vec<String> {
    let mut files = vec![LAYOUT.to_owned()];
    for lang in Lang::ALL {
        for kind in KINDS {
            for ext in ["txt", "html"] {
                files.push(template_file(kind, lang, ext));
            }
        }
    }
    files
}

/// The public tracking page's path in `lang`: `/lacak/`, or `/en/track/` for English.
pub fn track_path(lang: Lang) -> &'static str {
    lang.pick("/lacak/", "/en/track/")
}

/// Why a message could not be worded.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// A template is missing, does not parse, or fails to render.
    #[error("templat surel {file}: {detail}")]
    Template {
        /// The template's file.
        file: String,
        /// What is wrong, in the template engine's words.
        detail: String,
    },
    /// `PENGADUAN_EMAIL_FROM` is not an address.
    #[error(
        "PENGADUAN_EMAIL_FROM bukan alamat surel yang sah ({value:?}): tulis misalnya \
         `Layanan Pengaduan <pengaduan@dinas.go.id>` atau `pengaduan@dinas.go.id`"
    )]
    Sender {
        /// The value given.
        value: String,
    },
    /// `PENGADUAN_EMAIL_FROM` is required here (the deployed function) and not set.
    #[error("PENGADUAN_EMAIL_FROM belum diisi: alamat pengirim surel wajib diisi")]
    SenderMissing,
    /// The complainant's address cannot be written to (the address is not repeated here: it
    /// is personal data, and this text reaches logs and the staff's list of failed messages).
    #[error("alamat surel penerima tidak sah")]
    Recipient,
    /// The MIME message could not be built.
    #[error("surel tidak dapat disusun: {0}")]
    Build(String),
}

/// Parses the sender, `Nama <alamat>` or a bare address.
pub fn parse_sender(value: &str) -> Result<Mailbox, ComposeError> {
    value.trim().parse().map_err(|_| ComposeError::Sender { value: value.to_owned() })
}

/// Where the templates come from.
enum Source {
    /// Read from this folder at each message, so editors' changes apply at once.
    Dir(PathBuf),
    /// Compiled in.
    Embedded(Box<Tera>),
}

/// Renders outbox messages as MIME messages from one sender.
pub struct Composer {
    source: Source,
    sender: Mailbox,
    site_url: String,
    office: Office,
}

/// The office as its messages name it, from `config.toml`'s `[office]`: the templates' `kantor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Office {
    /// The office's full name with its region ("Dinas … Kabupaten Contoh").
    pub nama: String,
    /// Its short name with its region ("DPMPTSP Kabupaten Contoh").
    pub singkat: String,
    /// Its street address.
    pub alamat: String,
    /// Its telephone number, from the channel with a `tel:` link.
    pub telepon: String,
    /// Its complaints address, from the channel with a `mailto:` link: replies go there.
    pub surel: String,
}

impl Office {
    /// The office in the configuration `config` (the text of `config.toml`); empty fields for
    /// what it lacks.
    pub fn from_config(config: &str) -> Self {
        #[derive(serde::Deserialize, Default)]
        struct Config {
            #[serde(default)]
            office: Section,
        }
        #[derive(serde::Deserialize, Default)]
        struct Section {
            #[serde(default)]
            name: String,
            #[serde(default)]
            short_name: String,
            #[serde(default)]
            region: String,
            #[serde(default)]
            address: String,
            #[serde(default)]
            channels: Vec<Channel>,
        }
        #[derive(serde::Deserialize)]
        struct Channel {
            value: String,
            #[serde(default)]
            url: String,
        }
        let o = toml::from_str::<Config>(config).unwrap_or_default().office;
        let channel = |scheme: &str| {
            o.channels.iter().find(|c| c.url.starts_with(scheme)).map(|c| c.value.trim().to_owned()).unwrap_or_default()
        };
        let join = |a: &str, b: &str| format!("{a} {b}").trim().to_owned();
        Self {
            nama: join(&o.name, &o.region),
            singkat: join(&o.short_name, &o.region),
            alamat: o.address.trim().to_owned(),
            telepon: channel("tel:"),
            surel: channel("mailto:"),
        }
    }
}

impl std::fmt::Debug for Composer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::Dir(dir) => dir.display().to_string(),
            Source::Embedded(_) => "embedded".to_owned(),
        };
        f.debug_struct("Composer").field("source", &source).field("site_url", &self.site_url).finish()
    }
}

impl Composer {
    /// Templates from `<root>/templates/surel/`, read again for every message. They are checked
    /// now, so a broken template stops start-up with a message naming the file.
    pub fn from_dir(root: &Path, sender: Mailbox, site_url: &str) -> Result<Self, ComposeError> {
        let dir = root.join(TEMPLATE_DIR);
        load_dir(&dir)?;
        // The office from the root's configuration; a root without one (a test's) signs as built.
        let config = std::fs::read_to_string(root.join("config.toml"));
        let office = Office::from_config(config.as_deref().unwrap_or(crate::embedded::CONFIG));
        Ok(Self { source: Source::Dir(dir), sender, site_url: trim_url(site_url), office })
    }

    /// Templates compiled into the binary (the Lambda function).
    pub fn embedded(sender: Mailbox, site_url: &str) -> Result<Self, ComposeError> {
        let tera = load(crate::embedded::TEMPLATES.iter().map(|(name, src)| ((*name).to_owned(), (*src).to_owned())))?;
        let office = Office::from_config(crate::embedded::CONFIG);
        Ok(Self { source: Source::Embedded(Box::new(tera)), sender, site_url: trim_url(site_url), office })
    }

    /// The sender.
    pub fn sender(&self) -> &Mailbox {
        &self.sender
    }

    /// The sender of a message in `lang`: the configured address, and for English the office's
    /// name in English, so no Indonesian word heads an English message.
    pub fn sender_in(&self, lang: Lang) -> Mailbox {
        match lang {
            Lang::Id => self.sender.clone(),
            _ => {
                // No comma or other special: the name stays readable in the raw header.
                let name = format!("{} Complaint Service", self.office.singkat);
                Mailbox::new(Some(name.trim().to_owned()), self.sender.email.clone())
            }
        }
    }

    /// The office its messages name.
    pub fn office(&self) -> &Office {
        &self.office
    }

    /// The `Message-ID` of outbox entry `id`: the same for every try, so a message delivered
    /// twice (after a crash) shows as one in the complainant's mail program.
    pub fn message_id(&self, id: &str) -> String {
        let local: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '.' }).collect();
        format!("<{local}@{}>", self.sender.email.domain())
    }

    /// The subject, text and HTML of `message`.
    pub fn render(&self, message: &Message) -> Result<Rendered, ComposeError> {
        match &self.source {
            Source::Dir(dir) => self.render_with(&load_dir(dir)?, message),
            Source::Embedded(tera) => self.render_with(tera, message),
        }
    }

    /// `message` as the MIME message of outbox entry `id`.
    pub fn compose(&self, id: &str, message: &Message) -> Result<lettre::Message, ComposeError> {
        let rendered = self.render(message)?;
        let address = message.to.trim().parse().map_err(|_| ComposeError::Recipient)?;
        let to = Mailbox::new(message.nama.clone().filter(|n| !n.trim().is_empty()), address);
        let mut builder = lettre::Message::builder().from(self.sender_in(message.lang)).to(to);
        // Replies reach the office's complaints address, not the unattended sender.
        if let Ok(reply_to) = self.office.surel.parse::<lettre::Address>() {
            builder = builder.reply_to(Mailbox::new(None, reply_to));
        }
        builder
            .subject(rendered.subject)
            .message_id(Some(self.message_id(id)))
            .multipart(MultiPart::alternative_plain_html(rendered.text, rendered.html))
            .map_err(|e| ComposeError::Build(e.to_string()))
    }

    fn render_with(&self, tera: &Tera, message: &Message) -> Result<Rendered, ComposeError> {
        let kind = message.template();
        let mut context = context(message, &self.site_url);
        context.insert("kantor", &self.office);
        let text_file = template_file(kind, message.lang, "txt");
        let text = tera.render(&text_file, &context).map_err(|e| template_error(&text_file, &e))?;
        let (subject, text) = split_subject(&text).ok_or_else(|| ComposeError::Template {
            file: text_file.clone(),
            detail: format!("baris pertama harus berisi judul surel: `{SUBJECT_PREFIX} ...`"),
        })?;
        context.insert("subjek", &subject);
        let html_file = template_file(kind, message.lang, "html");
        let html = tera.render(&html_file, &context).map_err(|e| template_error(&html_file, &e))?;
        Ok(Rendered { subject, text, html })
    }
}

/// One message, worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line.
    pub subject: String,
    /// The plain text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
}

/// The variables the templates see (`templates/surel/README.md` lists them for editors), in
/// the message's language.
fn context(message: &Message, site_url: &str) -> Context {
    let lang = message.lang;
    let mut c = Context::new();
    c.insert("nama", message.nama.as_deref().map(str::trim).unwrap_or(""));
    c.insert("nomor", &message.nomor);
    c.insert("jenis", message.jenis.label_in(lang));
    c.insert("judul", &message.judul);
    c.insert("site_url", site_url);
    c.insert("lacak_url", &format!("{site_url}{}", track_path(lang)));
    c.insert("beranda_url", &format!("{site_url}{}", lang.pick("/", "/en/")));
    c.insert("bahasa", lang.code());
    match &message.notice {
        Notice::TandaTerima { kode_lacak, jangka_waktu } => {
            c.insert("kode_lacak", kode_lacak);
            c.insert("jangka_waktu", &jangka_waktu.as_deref().map(str::trim).filter(|j| !j.is_empty()));
        }
        Notice::Status { status, alasan, tenggat, tenggat_sementara } => {
            c.insert("status", status.code());
            c.insert("status_label", status.label_in(lang));
            c.insert("langkah", status.next_step_in(lang));
            c.insert("alasan", &alasan.as_deref().map(str::trim).filter(|a| !a.is_empty()));
            c.insert("tenggat", &tenggat.map(|d| date_in(lang, d)));
            c.insert("tenggat_sementara", tenggat_sementara);
        }
    }
    c
}

/// The subject from the first line (`Subjek: ...`), and the rest without leading blank lines.
fn split_subject(text: &str) -> Option<(String, String)> {
    let text = text.trim_start();
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let subject = first.trim().strip_prefix(SUBJECT_PREFIX)?.trim();
    if subject.is_empty() {
        return None;
    }
    let body = rest.trim_start_matches(['\r', '\n']).trim_end();
    Some((subject.to_owned(), format!("{body}\n")))
}

fn trim_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_owned()
}

fn template_error(file: &str, e: &tera::Error) -> ComposeError {
    ComposeError::Template { file: format!("{TEMPLATE_DIR}/{file}"), detail: pengaduan_store::error_chain(e) }
}

/// Escapes text for HTML, without Tera's escaping of `/`: links stay readable in the source
/// mail programs show and spam filters read.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The name Tera knows the template of file `file` by.
fn tera_name(file: &str) -> &str {
    if file == LAYOUT { LAYOUT_NAME } else { file }
}

/// Every template of `dir`, parsed; a missing one is named.
fn load_dir(dir: &Path) -> Result<Tera, ComposeError> {
    let mut sources = Vec::new();
    for name in template_files() {
        let path = dir.join(&name);
        let src = std::fs::read_to_string(&path).map_err(|e| ComposeError::Template {
            file: path.display().to_string(),
            detail: format!("tidak dapat dibaca ({e})"),
        })?;
        sources.push((name, src));
    }
    load(sources.into_iter())
}

/// Parses templates given as (file name, source); every kind needs both files in every
/// language.
fn load(sources: impl Iterator<Item = (String, String)>) -> Result<Tera, ComposeError> {
    let mut tera = Tera::default();
    tera.set_escape_fn(escape_html);
    // Tera resolves `extends` as each template is added, so the layout goes in first; one at a
    // time, an error names its own file.
    let mut sources: Vec<_> = sources.collect();
    sources.sort_by_key(|(name, _)| name != LAYOUT);
    for (name, src) in sources {
        tera.add_raw_template(tera_name(&name), &src).map_err(|e| template_error(&name, &e))?;
    }
    for name in template_files() {
        if tera.get_template(tera_name(&name)).is_err() {
            return Err(ComposeError::Template { file: format!("{TEMPLATE_DIR}/{name}"), detail: "tidak ada".into() });
        }
    }
    Ok(tera)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_is_the_first_line() {
        let (s, body) = split_subject("\nSubjek: Tanda terima PGD-2026-00001\n\n\nYth. Bapak/Ibu\n").unwrap();
        assert_eq!(s, "Tanda terima PGD-2026-00001");
        assert_eq!(body, "Yth. Bapak/Ibu\n");
        assert_eq!(split_subject("Yth. Bapak/Ibu\n"), None);
        assert_eq!(split_subject("Subjek:   \nisi"), None);
    }

    #[test]
    fn each_language_has_its_own_template_files() {
        assert_eq!(template_file("status", Lang::Id, "txt"), "status.txt");
        assert_eq!(template_file("status", Lang::En, "html"), "status.en.html");
        assert_eq!(template_files().len(), 1 + KINDS.len() * 2 * Lang::ALL.len());
        assert!(template_files().contains(&"tanda-terima.en.txt".to_owned()));
        assert_eq!(track_path(Lang::Id), "/lacak/");
        assert_eq!(track_path(Lang::En), "/en/track/");
    }

    #[test]
    fn an_invalid_sender_is_refused_in_indonesian() {
        let e = parse_sender("bukan alamat").unwrap_err().to_string();
        assert!(e.contains("PENGADUAN_EMAIL_FROM") && e.contains("bukan alamat"), "{e}");
        assert_eq!(parse_sender(LOCAL_SENDER).unwrap().email.domain(), "localhost");
    }
}
