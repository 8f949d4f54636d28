//! Editing the site's content from the staff console (`/staf/konten/`): which files an editor
//! may change, the real build and checks run in memory on their changed text, the page as it
//! would be published, and writing published text into `content/`.
//!
//! Paths are relative to `content/` with `/` separators (`layanan/informasi-dan-pengaduan.md`,
//! `data/hari-libur.toml`), as the console's `berkas` field names them. Only files that exist
//! may be changed: an editor never creates, renames or deletes one here.
//!
//! [`model`] has the forms' structured fields beside the text (the calendar's rows, the service
//! page's facts), read from and written into a file's text; [`locate`] finds a key's line and
//! a line's key, for refusals.

pub mod locate;
pub mod model;

use crate::build::{BuildOptions, CONTENT_DIR, Rendition, Site, output_path, render_site_with};
use crate::config::SiteConfig;
use crate::diagnostics::{BuildFailure, Diagnostic, LineIndex, toml_message};
use crate::{check, content, placeholders, rules};
use pengaduan_core::calendar::Calendar;
use pengaduan_core::published::PublishedRules;
use pengaduan_core::service::ServiceRules;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::Path;
use walkdir::WalkDir;

/// The folder of data files under `content/` (`data/hari-libur.toml`).
pub const DATA_DIR: &str = "data";

/// What kind of content file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A Markdown page with TOML front matter.
    Page,
    /// A TOML data file under `data/`.
    Data,
}

/// One content file an editor may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditableFile {
    /// Relative to `content/`, with `/` separators.
    pub path: String,
    /// A page's language (`id`, `en`), from its file name; none for data files.
    pub lang: Option<String>,
    /// A page's `title`, a data file's first comment line; else the path.
    pub title: String,
    /// Page or data.
    pub kind: FileKind,
}

/// Why a change was refused: the file, where in it, and what is wrong, for the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The file, relative to `content/` (files outside it, such as `config.toml` or a template,
    /// are named from the site root).
    pub path: String,
    /// The 1-based line in the whole file (front matter included), when known.
    pub line: Option<usize>,
    /// The front-matter or data key at fault (`service.time_limit.max_working_days`,
    /// `service.procedures[2].steps[3].peran`; arrays counted from 1), when known.
    pub field: Option<String>,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
}

impl Refusal {
    /// A refusal without line or field.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), line: None, field: None, message: message.into() }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, " baris {line}")?;
        }
        // The field helps only when the message does not already name it.
        if let Some(field) = self.field.as_deref().filter(|field| !self.message.contains(field)) {
            write!(f, " ({field})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Refusal {}

/// What a check that passed looked at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckSummary {
    /// Pages built.
    pub pages: usize,
    /// Internal links checked in the output.
    pub links: usize,
    /// The files of the change whose text differs from the file on disk, sorted.
    pub changed: Vec<String>,
    /// The digest of the rules the site would publish ([`PublishedRules::digest`]); none for a
    /// site without the service page or the calendar.
    pub rules_digest: Option<String>,
}

/// Every content file an editor may change, sorted by path: each `.md` under `content/` and
/// each `content/data/*.toml`. Hidden and backup files (`.x`, `x~`) are left out, as the build
/// leaves them out.
pub fn editable_files(root: &Path) -> Result<Vec<EditableFile>, String> {
    let config = SiteConfig::load(root).map_err(|d| d.to_string())?;
    let codes: Vec<&str> = config.languages.keys().map(String::as_str).collect();
    let content_dir = root.join(CONTENT_DIR);
    let mut files = Vec::new();
    for entry in WalkDir::new(&content_dir).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("{CONTENT_DIR}: {e}"))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let rel = entry.path().strip_prefix(&content_dir).unwrap_or(entry.path());
        let path = rel.to_string_lossy().replace('\\', "/");
        let kind = if path.ends_with(".md") {
            FileKind::Page
        } else if is_data_path(&path) {
            FileKind::Data
        } else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| format!("{CONTENT_DIR}/{path}: tidak dapat dibaca (harus UTF-8): {e}"))?;
        let (lang, title) = match kind {
            FileKind::Page => (
                content::placement(rel, &codes, &config.language).ok().map(|p| p.lang),
                page_title(&text).unwrap_or_else(|| path.clone()),
            ),
            FileKind::Data => (None, data_title(&text).unwrap_or_else(|| path.clone())),
        };
        files.push(EditableFile { path, lang, title, kind });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Whether `path` (relative to `content/`) names a file [`editable_files`] lists: no `..`, no
/// absolute path, no backslash, no file that does not exist yet.
pub fn is_editable(root: &Path, path: &str) -> bool {
    well_formed(path) && editable_files(root).is_ok_and(|files| files.iter().any(|f| f.path == path))
}

/// The text of the editable file `path` (relative to `content/`), for the edit page; a path that
/// is not editable is refused before anything is read.
pub fn read_editable(root: &Path, path: &str) -> Result<String, Refusal> {
    check_paths(root, [path])?;
    std::fs::read_to_string(root.join(CONTENT_DIR).join(path))
        .map_err(|e| Refusal::new(path, format!("tidak dapat dibaca (harus UTF-8): {e}")))
}

/// Refuses the first path of `paths` that is not editable, before anything is read or written;
/// returns the editable files.
fn check_paths<'a>(root: &Path, paths: impl IntoIterator<Item = &'a str>) -> Result<Vec<EditableFile>, Refusal> {
    let files = editable_files(root).map_err(|e| Refusal::new(crate::config::CONFIG_FILE, e))?;
    for path in paths {
        if !well_formed(path) || !files.iter().any(|f| f.path == path) {
            return Err(Refusal::new(
                path,
                "berkas ini tidak dapat diubah di sini: hanya halaman (.md) dan data/*.toml yang sudah ada di content/",
            ));
        }
    }
    Ok(files)
}

/// A relative path of plain segments: nothing that could leave `content/`.
fn well_formed(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains(['\\', ':', '\0'])
        && path.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// `data/NAME.toml`, directly in the data folder.
fn is_data_path(path: &str) -> bool {
    path.strip_prefix(DATA_DIR)
        .and_then(|p| p.strip_prefix('/'))
        .is_some_and(|name| name.ends_with(".toml") && !name.contains('/'))
}

/// A page's `title`, read without the rest of the front matter's rules.
fn page_title(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Title {
        title: String,
    }
    let front = pengaduan_core::service::front_matter(text)?;
    toml::from_str::<Title>(front).ok().map(|t| t.title).filter(|t| !t.trim().is_empty())
}

/// A data file's first line when it is a comment (`# Hari libur nasional dan cuti bersama`).
fn data_title(text: &str) -> Option<String> {
    let first = text.trim_start_matches('\u{feff}').lines().next()?;
    let title = first.strip_prefix('#')?.trim();
    (!title.is_empty()).then(|| title.to_owned())
}

/// The text of a content file with the change applied: the change's text, else the file's.
fn text_of(root: &Path, changes: &BTreeMap<String, String>, path: &str) -> Option<String> {
    match changes.get(path) {
        Some(text) => Some(text.clone()),
        None => std::fs::read_to_string(root.join(CONTENT_DIR).join(path)).ok(),
    }
}

/// Runs the site's real build and checks in memory with the files of `changes` (path relative to
/// `content/` → the whole new text) standing in for those on disk; nothing is written. Checks,
/// in order: that each path is editable; every data file's TOML and the holiday calendar's rules
/// (core's [`Calendar::from_toml`]); every page parsed and rendered through the templates, with
/// its procedures (the workflow's schema and roles) and a translation's procedures matching the
/// original's, and Markdown links resolving; the service page's rules as the workflow reads them
/// (core's [`ServiceRules::parse`]); every internal link and anchor in the output; and, for an
/// `https://` base URL, no placeholder left in `config.toml` or the content's TOML. The first
/// problem found is refused, preferring one in a changed file.
///
/// The search index is not built: it is made from the pages' HTML this check already has, so
/// nothing an editor writes can break it, yet it would about double a check's time (on the
/// shipped site); it is built when the site is published. Links into it are not checked here.
pub fn check_with(
    root: &Path,
    base_url: Option<&str>,
    changes: &BTreeMap<String, String>,
) -> Result<CheckSummary, Refusal> {
    let files = check_paths(root, changes.keys().map(String::as_str))?;
    check_data(root, &files, changes)?;
    let (site, rendition) = render(root, base_url, changes)?;
    check_service_rules(root, changes)?;
    let links = check_links(root, changes, &site, &rendition)?;
    if placeholders::is_production(&site.config.base_url) {
        check_placeholders(root, &files, base_url, changes)?;
    }
    let changed = changes
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(root.join(CONTENT_DIR).join(path)).ok().as_ref() != Some(*text))
        .map(|(path, _)| path.clone())
        .collect();
    let rules_digest = (rendition.files.iter())
        .find(|f| f.path == pengaduan_core::published::FILE)
        .and_then(|f| PublishedRules::from_json(&String::from_utf8_lossy(&f.bytes)).ok())
        .map(|rules| rules.digest());
    Ok(CheckSummary { pages: rendition.report.pages, links, changed, rules_digest })
}

/// The HTML of the page `path` (relative to `content/`) as it would be published with
/// `changes`: the same build and templates as [`check_with`], without the live-reload script.
/// Only the build itself must pass (pages parse and render, Markdown links resolve); the later
/// checks of [`check_with`] do not stop a preview. A search page is shown without its list of
/// pages, which the search index's build adds.
///
/// A data file has no page of its own (the holiday calendar is shown on none): previewing one is
/// refused, saying so; its check is [`check_with`]. A draft page is not published, so it has
/// no preview either.
pub fn preview(
    root: &Path,
    base_url: Option<&str>,
    changes: &BTreeMap<String, String>,
    path: &str,
) -> Result<String, Refusal> {
    check_paths(root, changes.keys().map(String::as_str).chain([path]))?;
    if !path.ends_with(".md") {
        return Err(Refusal::new(
            path,
            "pratinjau hanya tersedia untuk halaman (.md); berkas data diperiksa saat disimpan dan tidak tampil sebagai halaman sendiri",
        ));
    }
    if text_of(root, changes, path).is_some_and(|text| is_draft(&text)) {
        return Err(draft_refusal(path));
    }
    let (_, rendition) = render(root, base_url, changes)?;
    let file = format!("{CONTENT_DIR}/{path}");
    let Some(url) = rendition.cache.page_url(&file) else { return Err(draft_refusal(path)) };
    let out = output_path(url);
    let html = rendition.files.iter().find(|f| f.path == out).map(|f| String::from_utf8_lossy(&f.bytes).into_owned());
    html.ok_or_else(|| Refusal::new(path, format!("halaman {url} tidak dihasilkan oleh build")))
}

/// Whether a page's front matter says `draft = true` (a draft is left out of the build).
fn is_draft(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Draft {
        #[serde(default)]
        draft: bool,
    }
    let front = pengaduan_core::service::front_matter(text).unwrap_or_default();
    toml::from_str::<Draft>(front).is_ok_and(|d| d.draft)
}

/// A draft is left out of the build, so it has no page to show.
fn draft_refusal(path: &str) -> Refusal {
    Refusal::new(path, "halaman ini draf (draft = true) dan tidak diterbitkan, jadi tidak ada pratinjau")
}

/// Writes each `(path, text)` into `root/content/<path>` atomically (a temporary file in the same
/// folder, then a rename, so a reader sees the old text or the new, never half of one), only
/// those whose bytes differ from the file's; returns the paths written. Every path is checked
/// before anything is written: one that is not editable refuses the whole batch.
pub fn write_published(root: &Path, files: &[(String, String)]) -> Result<Vec<String>, String> {
    check_paths(root, files.iter().map(|(path, _)| path.as_str())).map_err(|r| r.to_string())?;
    let mut written = Vec::new();
    for (path, text) in files {
        let target = root.join(CONTENT_DIR).join(path);
        if std::fs::read(&target).is_ok_and(|bytes| bytes == text.as_bytes()) {
            continue;
        }
        write_atomically(&target, text.as_bytes()).map_err(|e| format!("{CONTENT_DIR}/{path}: {e}"))?;
        written.push(path.clone());
    }
    Ok(written)
}

/// Writes `bytes` to a hidden temporary file beside `target` (the build skips hidden files),
/// flushes it to disk, then renames it over `target`.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = target.parent().ok_or_else(|| std::io::Error::other("tanpa folder"))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        // Keep the file's permissions: an editor's save must not make it unreadable to the server.
        if let Ok(meta) = std::fs::metadata(target) {
            file.set_permissions(meta.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Builds the site in memory with `changes`.
fn render(
    root: &Path,
    base_url: Option<&str>,
    changes: &BTreeMap<String, String>,
) -> Result<(Site, Rendition), Refusal> {
    let site = Site::load(root, base_url).map_err(|f| refusal_of_failure(root, changes, &f))?;
    let opts = BuildOptions {
        root: root.to_path_buf(),
        out: root.join("public"),
        base_url: base_url.map(str::to_owned),
        live_reload: false,
    };
    let rendition =
        render_site_with(&site, &opts, None, Some(changes)).map_err(|f| refusal_of_failure(root, changes, &f))?;
    Ok((site, rendition))
}

/// Every `data/*.toml` as TOML, and the holiday calendar by core's rules.
fn check_data(root: &Path, files: &[EditableFile], changes: &BTreeMap<String, String>) -> Result<(), Refusal> {
    let calendar = rules::CALENDAR.strip_prefix("content/").unwrap_or(rules::CALENDAR);
    // Changed files first, so the refusal names what the editor just touched.
    let mut data: Vec<&str> = files.iter().filter(|f| f.kind == FileKind::Data).map(|f| f.path.as_str()).collect();
    data.sort_by_key(|p| !changes.contains_key(*p));
    for path in data {
        let Some(text) = text_of(root, changes, path) else { continue };
        if path == calendar {
            Calendar::from_toml(&text).map_err(|e| {
                let line = e.line();
                let message = e.to_string();
                // Core's message starts "Kalender hari libur baris N: "; the refusal names both.
                let prefix =
                    format!("Kalender hari libur{}: ", line.map(|l| format!(" baris {l}")).unwrap_or_default());
                let message = message.strip_prefix(&prefix).map(str::to_owned).unwrap_or(message);
                located(path, &text, 0, line, message)
            })?;
        } else {
            toml::from_str::<toml::Table>(&text).map_err(|e| {
                let line = e.span().map(|s| LineIndex::new(&text).line(s.start));
                located(path, &text, 0, line, toml_message(e.message()))
            })?;
        }
    }
    Ok(())
}

/// The service page's rules as the workflow reads them (its procedures and time limit).
fn check_service_rules(root: &Path, changes: &BTreeMap<String, String>) -> Result<(), Refusal> {
    let path = rules::SERVICE_PAGE.strip_prefix("content/").unwrap_or(rules::SERVICE_PAGE);
    // A site without the service page (a fixture, a new office) has no workflow to check.
    let Some(text) = text_of(root, changes, path) else { return Ok(()) };
    ServiceRules::parse(&text).map(|_| ()).map_err(|e| refusal_in_page(path, &text, None, e))
}

/// Every internal link and anchor of the output, each broken one blamed on the page it is in
/// and the line of that page's source that has it.
fn check_links(
    root: &Path,
    changes: &BTreeMap<String, String>,
    site: &Site,
    rendition: &Rendition,
) -> Result<usize, Refusal> {
    let (problems, count) = check::broken_links(&rendition.files, &site.config.api_url);
    let bundle = format!("/{}/", crate::search::BUNDLE_DIR);
    let sources: BTreeMap<String, &str> =
        rendition.cache.page_urls().map(|(file, url)| (output_path(url), file)).collect();
    let mut refusals: Vec<Refusal> = problems
        .into_iter()
        // The search index is built at publishing (see check_with).
        .filter(|b| !b.dest.starts_with(&bundle))
        .map(|b| {
            let Some(file) = sources.get(&b.file) else {
                return Refusal::new(format!("public/{}", b.file), b.problem);
            };
            let path = file.strip_prefix("content/").unwrap_or(file);
            let text = text_of(root, changes, path).unwrap_or_default();
            let bare = b.dest.split('#').next().unwrap_or(&b.dest);
            let needle = if text.contains(&b.dest) || bare.is_empty() { b.dest.as_str() } else { bare };
            let line = text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
            refusal_in_page(path, &text, line, b.problem)
        })
        .collect();
    refusals.sort_by_key(|r| (!changes.contains_key(&r.path), r.path.clone(), r.line));
    match refusals.into_iter().next() {
        Some(refusal) => Err(refusal),
        None => Ok(count),
    }
}

/// Placeholders a production build refuses: in `config.toml` (the build's own rule), and values
/// marked `# CONTOH` or at example domains in the pages' front matter and the data files.
fn check_placeholders(
    root: &Path,
    files: &[EditableFile],
    base_url: Option<&str>,
    changes: &BTreeMap<String, String>,
) -> Result<(), Refusal> {
    let config = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let mut found = placeholders::in_config(&config);
    if let Some(url) = base_url {
        found.retain(|d| !d.message.starts_with("base_url "));
        found.extend(placeholders::in_base_url(url));
    }
    if let Some(d) = found.first() {
        return Err(Refusal {
            path: d.file.to_string_lossy().into_owned(),
            line: d.line,
            field: None,
            message: d.message.clone(),
        });
    }
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    paths.sort_by_key(|p| !changes.contains_key(*p));
    for path in paths {
        let Some(text) = text_of(root, changes, path) else { continue };
        let (toml, offset) = match locate::front_matter_at(&text) {
            Some((front, offset)) if path.ends_with(".md") => (front, offset),
            _ if path.ends_with(".md") => continue,
            _ => (text.as_str(), 0),
        };
        if let Some(d) = placeholders::in_content(path, toml, offset).into_iter().next() {
            return Err(located(path, &text, offset, d.line.map(|l| l - offset), d.message));
        }
    }
    Ok(())
}

/// A refusal in the content file `path` whose text is `text`, for a problem at `line` (1-based,
/// counted within the TOML starting at line `offset + 1`); the field is the key on that line.
fn located(path: &str, text: &str, offset: usize, line: Option<usize>, message: String) -> Refusal {
    let toml =
        if offset == 0 && !path.ends_with(".md") { Some(text) } else { locate::front_matter_at(text).map(|(f, _)| f) };
    let field = toml.zip(line).and_then(|(toml, line)| locate::field_at_line(toml, line));
    Refusal { path: path.to_owned(), line: line.map(|l| l + offset), field, message }
}

/// A refusal in the page `path`: the field named at the start of the message
/// (`service.time_limit.max_working_days harus ...`) or found on the line, and the line of
/// that field when the message gave none.
fn refusal_in_page(path: &str, text: &str, line: Option<usize>, message: String) -> Refusal {
    let Some((front, offset)) = locate::front_matter_at(text) else {
        return Refusal { path: path.to_owned(), line, field: None, message };
    };
    let in_front = |l: usize| l > offset && l <= offset + front.lines().count();
    let named = locate::field_in_message(&message);
    let on_line = line.filter(|l| in_front(*l)).and_then(|l| locate::field_at_line(front, l - offset));
    // The line's key when it is the named one or inside it (`service.procedures[2]` for a
    // message about `service.procedures`), else the named one.
    let field = match (named, on_line) {
        (Some(named), Some(on_line)) if on_line.starts_with(&named) => Some(on_line),
        (named, on_line) => named.or(on_line),
    };
    let line = line.or_else(|| field.as_deref().and_then(|f| locate::line_of_field(front, f)).map(|l| l + offset));
    Refusal { path: path.to_owned(), line, field, message }
}

/// The refusal for a failed build: its first problem in a changed file, else its first; the
/// message says how many more there are.
fn refusal_of_failure(root: &Path, changes: &BTreeMap<String, String>, failure: &BuildFailure) -> Refusal {
    let content_path = |d: &Diagnostic| {
        let file = d.file.to_string_lossy().replace('\\', "/");
        file.strip_prefix("content/").map(str::to_owned).unwrap_or(file)
    };
    let first = failure.0.iter().find(|d| changes.contains_key(&content_path(d))).or_else(|| failure.0.first());
    let Some(d) = first else { return Refusal::new(CONTENT_DIR, "situs tidak dapat dibangun") };
    let path = content_path(d);
    let mut message = d.message.clone();
    if failure.0.len() > 1 {
        message.push_str(&format!(" (dan {} masalah lain)", failure.0.len() - 1));
    }
    match text_of(root, changes, &path).filter(|_| path.ends_with(".md") && well_formed(&path)) {
        Some(text) => refusal_in_page(&path, &text, d.line, message),
        None => Refusal { path, line: d.line, field: None, message },
    }
}

#[cfg(test)]
mod tests;
