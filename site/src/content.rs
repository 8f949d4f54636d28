//! Content pages: Markdown files with TOML front matter between `+++` lines.

use crate::diagnostics::{Diagnostic, LineIndex, toml_message};
use pengaduan_core::service::{TimeLimit, check_procedures};
use pengaduan_core::workflow::Procedure;
use serde::{Deserialize, Deserializer, Serialize};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A page's front matter, as an editor writes it. Unknown keys are errors.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page's title (its h1).
    pub title: String,
    /// A sentence for search engines and link previews.
    #[serde(default)]
    pub description: String,
    /// The last part of the page's address, instead of the file's name: a translation's own
    /// words (`slug = "information-and-complaints"` gives `/en/layanan/information-and-complaints/`).
    #[serde(default)]
    pub slug: Option<String>,
    /// The template, `page.html` when absent.
    #[serde(default)]
    pub template: Option<String>,
    /// Order among services (lower first).
    #[serde(default)]
    pub weight: i64,
    /// A draft is not published.
    #[serde(default)]
    pub draft: bool,
    /// Free values for templates.
    #[serde(default)]
    pub extra: toml::Table,
    /// The Standar Pelayanan, on service pages.
    #[serde(default)]
    pub service: Option<Service>,
}

/// A service's Standar Pelayanan (PermenPANRB 15/2014), as structured data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The service's name.
    pub name: String,
    /// What the service is, in a sentence or two.
    #[serde(default)]
    pub summary: String,
    /// Persyaratan.
    pub requirements: Vec<String>,
    /// The ways to reach the service.
    #[serde(default)]
    pub channels: Vec<ServiceChannel>,
    /// Sistem, mekanisme dan prosedur: the same procedures the staff workflow follows, each
    /// with where it starts in the file, so a procedure the workflow refuses is reported there.
    pub procedures: Vec<Spanned<Procedure>>,
    /// Jangka waktu: core's type, the one the deadlines count, with `starts` required here.
    #[serde(deserialize_with = "time_limit_with_starts")]
    pub time_limit: TimeLimit,
    /// Biaya/tarif.
    pub fee: String,
    /// Produk pelayanan.
    pub products: Vec<String>,
    /// Penanganan pengaduan, saran dan masukan.
    #[serde(default)]
    pub complaint_handling: String,
}

/// A channel through which the service is reached.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceChannel {
    /// Name of the channel.
    pub name: String,
    /// How to use it.
    #[serde(default)]
    pub description: String,
    /// A link, when it has one.
    #[serde(default)]
    pub url: Option<String>,
    /// The office contact shown with the channel: `alamat` (the office's address) or the `name`
    /// of one of config.toml's `[[office.channels]]`, so the page gives the address, number or
    /// email where the reader looks for it instead of sending them to the footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// Reads `[service.time_limit]` with `starts` required: a published page says when the clock
/// starts (`starts = ""` says nothing), while core's type leaves it optional for the programs that
/// only count days. Read through a struct of the same name and keys, so the deserialiser's
/// errors (unknown, missing or mistyped keys, with their lines) read as for any table.
fn time_limit_with_starts<'de, D: Deserializer<'de>>(d: D) -> Result<TimeLimit, D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct TimeLimit {
        min_working_days: u32,
        max_working_days: u32,
        starts: String,
    }
    let TimeLimit { min_working_days, max_working_days, starts } = TimeLimit::deserialize(d)?;
    Ok(pengaduan_core::service::TimeLimit { min_working_days, max_working_days, starts })
}

/// A Markdown file, read and split, not yet rendered.
#[derive(Debug, Clone)]
pub struct SourcePage {
    /// Path relative to the site root, for messages (`content/pengaduan.md`).
    pub file: PathBuf,
    /// URL path (`/pengaduan/`).
    pub path: String,
    /// Parsed front matter.
    pub front: FrontMatter,
    /// Markdown body.
    pub body: String,
    /// Line number of the body's first line in the file.
    pub body_line: usize,
    /// Line of each procedure's `[[service.procedures]]`, in order.
    pub procedure_lines: Vec<usize>,
}

/// What a translation of a service page must keep of the original: its procedures, each with
/// its steps' public statuses in order (the workflow and the tracking page follow these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureShape {
    /// The procedure's id.
    pub id: String,
    /// Line of its `[[service.procedures]]` in the file.
    pub line: usize,
    /// Each step's public status code (empty when the step shows none).
    pub statuses: Vec<String>,
}

impl SourcePage {
    /// The shape of the page's procedures; `None` on a page without `[service]`.
    pub fn procedure_shapes(&self) -> Option<Vec<ProcedureShape>> {
        let service = self.front.service.as_ref()?;
        Some(
            service
                .procedures
                .iter()
                .zip(&self.procedure_lines)
                .map(|(p, line)| ProcedureShape {
                    id: p.get_ref().id.clone(),
                    line: *line,
                    statuses: p
                        .get_ref()
                        .steps
                        .iter()
                        .map(|s| s.public_status.map(|st| st.code().to_owned()).unwrap_or_default())
                        .collect(),
                })
                .collect(),
        )
    }
}

/// Where a content file belongs: its language, and the key it shares with its translations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The language's code (`id`, `en`).
    pub lang: String,
    /// The file's path inside `content/` without the language and `.md` (`layanan/informasi`):
    /// the original and its translations have the same key.
    pub key: String,
}

/// The language of `relative` (a path inside `content/`): `a.en.md` is English when `en` is a
/// declared language, `a.md` is in the default language. A suffix that looks like a language
/// code but is not declared is an error, so a translation is never published as a page of its own.
pub fn placement(relative: &Path, languages: &[&str], default: &str) -> Result<Placement, String> {
    let text = relative.to_string_lossy().replace('\\', "/");
    let stem = text.strip_suffix(".md").unwrap_or(&text);
    let file = stem.rsplit('/').next().unwrap_or(stem);
    if let Some((_, suffix)) = file.rsplit_once('.')
        && (2..=3).contains(&suffix.len())
        && suffix.bytes().all(|b| b.is_ascii_lowercase())
    {
        if !languages.contains(&suffix) {
            return Err(format!("bahasa \"{suffix}\" tidak dinyatakan di config.toml ([languages.{suffix}])"));
        }
        let key = &stem[..stem.len() - suffix.len() - 1];
        return Ok(Placement { lang: suffix.to_owned(), key: key.to_owned() });
    }
    Ok(Placement { lang: default.to_owned(), key: stem.to_owned() })
}

/// The URL path of a page: [`url_path`] of its key, the last part replaced by `slug`, under
/// `prefix` (`/en`; empty for the default language).
pub fn localized_url(key: &str, slug: Option<&str>, prefix: &str) -> Result<String, String> {
    let mut path = url_path(Path::new(&format!("{key}.md")));
    if let Some(slug) = slug {
        let valid = !slug.is_empty()
            && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !valid {
            return Err(format!("slug \"{slug}\" hanya boleh berisi huruf kecil, angka, - dan _"));
        }
        if path == "/" {
            return Err("slug tidak berlaku untuk beranda (_index)".into());
        }
        let inner = path.trim_end_matches('/');
        let parent = &inner[..inner.rfind('/').unwrap_or(0)];
        path = format!("{parent}/{slug}/");
    }
    Ok(format!("{prefix}{path}"))
}

/// The URL path of a content file: `a/b.md` is `/a/b/`, `a/_index.md` is `/a/`.
pub fn url_path(relative: &Path) -> String {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.strip_suffix(".md").unwrap_or(&file);
    if stem != "_index" && stem != "index" {
        parts.push(stem.to_owned());
    }
    if parts.is_empty() { "/".to_owned() } else { format!("/{}/", parts.join("/")) }
}

/// Splits and parses one file's text. `file` is only for messages.
pub fn parse_page(file: &Path, url: String, text: &str) -> Result<SourcePage, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = LineIndex::new(text);
    let err = |line: Option<usize>, msg: String| Diagnostic::new(file, line, msg);
    let Some(rest) = text.strip_prefix("+++").filter(|r| r.starts_with('\n') || r.starts_with("\r\n")) else {
        return Err(err(Some(1), "front matter harus diawali baris `+++`".into()));
    };
    let fm_start = text.len() - rest.len();
    let Some(end) = find_closing(rest) else {
        return Err(err(Some(1), "front matter tidak ditutup dengan baris `+++`".into()));
    };
    let fm_text = &rest[..end];
    let after = &rest[end..];
    let after = after.strip_prefix("+++").unwrap_or(after);
    let after = after.strip_prefix("\r\n").or_else(|| after.strip_prefix('\n')).unwrap_or(after);
    let body_offset = text.len() - after.len();

    let front: FrontMatter = toml::from_str(fm_text).map_err(|e| {
        let line = e.span().map(|s| lines.line(fm_start + s.start));
        err(line, format!("front matter: {}", toml_message(e.message())))
    })?;
    let mut procedure_lines = Vec::new();
    if let Some(service) = &front.service {
        service.time_limit.check().map_err(|e| err(None, e))?;
        procedure_lines = service.procedures.iter().map(|p| lines.line(fm_start + p.span().start)).collect();
        // The staff tool follows these procedures: one it would refuse must not be published.
        let procedures: Vec<Procedure> = service.procedures.iter().map(|p| p.get_ref().clone()).collect();
        check_procedures(&procedures)
            .map_err(|(i, e)| err(Some(procedure_lines[i]), format!("service.procedures: {e}")))?;
    }
    Ok(SourcePage {
        file: file.to_path_buf(),
        path: url,
        front,
        body: after.to_owned(),
        body_line: lines.line(body_offset),
        procedure_lines,
    })
}

fn find_closing(rest: &str) -> Option<usize> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if offset > 0 && line.trim_end() == "+++" {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_are_pretty() {
        assert_eq!(url_path(Path::new("_index.md")), "/");
        assert_eq!(url_path(Path::new("pengaduan.md")), "/pengaduan/");
        assert_eq!(url_path(Path::new("layanan/_index.md")), "/layanan/");
        assert_eq!(url_path(Path::new("layanan/informasi-dan-pengaduan.md")), "/layanan/informasi-dan-pengaduan/");
    }

    #[test]
    fn translations_share_a_key_and_live_under_their_language() {
        let langs = ["en", "id"];
        let p = placement(Path::new("layanan/informasi.en.md"), &langs, "id").unwrap();
        assert_eq!((p.lang.as_str(), p.key.as_str()), ("en", "layanan/informasi"));
        let p = placement(Path::new("layanan/informasi.md"), &langs, "id").unwrap();
        assert_eq!((p.lang.as_str(), p.key.as_str()), ("id", "layanan/informasi"));
        assert!(placement(Path::new("a.fr.md"), &langs, "id").unwrap_err().contains("[languages.fr]"));
        assert_eq!(localized_url("_index", None, "/en").unwrap(), "/en/");
        assert_eq!(localized_url("layanan/informasi", Some("info"), "/en").unwrap(), "/en/layanan/info/");
        assert_eq!(localized_url("pengaduan", Some("complaint"), "/en").unwrap(), "/en/complaint/");
        assert_eq!(localized_url("pengaduan", None, "").unwrap(), "/pengaduan/");
        assert!(localized_url("a", Some("b/c"), "/en").is_err());
    }

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let p = parse_page(Path::new("a.md"), "/a/".into(), "+++\ntitle = \"A\"\n+++\n\n# Judul\n").unwrap();
        assert_eq!(p.front.title, "A");
        assert_eq!(p.body, "\n# Judul\n");
        assert_eq!(p.body_line, 4);
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let e = parse_page(Path::new("content/a.md"), "/a/".into(), "+++\ntitle = \"A\"\ntitel = \"B\"\n+++\n")
            .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("titel"), "{}", e.message);
        assert_eq!(e.to_string().split(':').next(), Some("content/a.md"));
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        assert!(parse_page(Path::new("a.md"), "/a/".into(), "# no front matter").is_err());
        assert!(parse_page(Path::new("a.md"), "/a/".into(), "+++\ntitle = \"A\"\n").is_err());
    }

    #[test]
    fn a_page_s_time_limit_must_say_when_it_starts() {
        #[derive(Debug, Deserialize)]
        struct Page {
            #[serde(deserialize_with = "time_limit_with_starts")]
            time_limit: TimeLimit,
        }
        let page = |keys: &str| toml::from_str::<Page>(&format!("[time_limit]\n{keys}"));
        let t = page("min_working_days = 2\nmax_working_days = 10\nstarts = \"setelah lengkap\"").unwrap().time_limit;
        assert_eq!(t, TimeLimit { min_working_days: 2, max_working_days: 10, starts: "setelah lengkap".into() });
        let missing = page("min_working_days = 2\nmax_working_days = 10").unwrap_err().to_string();
        assert!(missing.contains("missing field `starts`"), "{missing}");
        let unknown =
            page("min_working_days = 2\nmax_working_days = 10\nstarts = \"\"\nhari = 3").unwrap_err().to_string();
        assert!(unknown.contains("unknown field `hari`"), "{unknown}");
    }
}
