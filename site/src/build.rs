//! Building the site: load, render in parallel, check Markdown links, write what changed.
//!
//! A build keeps a cache in the output folder (`.site-gen-cache`): for each content file, the
//! digest of its text and what later builds need of it (URL, template, links, anchors, its
//! entry in the services list). A page whose text, templates, configuration and services list
//! are unchanged, and whose output is still on disk, is neither parsed nor rendered again. That
//! is what keeps a repeat build of thousands of pages, and every rebuild under `serve`, short.

use crate::config::SiteConfig;
use crate::content::{self, SourcePage};
use crate::diagnostics::{BuildFailure, Diagnostic, LineIndex, relative};
use crate::links;
use crate::markdown::{self, Rendered};
use crate::output::{OutputFile, Writer, digest};
use crate::search::{IndexJob, Indexing};
use crate::templates::Templates;
use pengaduan_core::service::TimeLimit;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The content folder under the site root.
pub const CONTENT_DIR: &str = "content";
/// The static assets folder under the site root.
pub const STATIC_DIR: &str = "static";
/// The build cache, kept in the output folder next to the files it describes.
pub const CACHE_FILE: &str = ".site-gen-cache";

/// What to build, and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holding `content/`, `templates/`, `static/`, `config.toml`).
    pub root: PathBuf,
    /// Where to write the site.
    pub out: PathBuf,
    /// Overrides `base_url` from the configuration.
    pub base_url: Option<String>,
    /// Adds the live-reload script (for `serve`).
    pub live_reload: bool,
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Pages in the site.
    pub pages: usize,
    /// Pages whose Markdown was parsed (the rest were unchanged since the last build).
    pub pages_parsed: usize,
    /// Pages rendered with their templates.
    pub pages_rendered: usize,
    /// Static files copied.
    pub static_files: usize,
    /// Files written because their bytes changed.
    pub written: usize,
    /// Stale files removed.
    pub removed: usize,
    /// Placeholders left in `config.toml` (values marked `CONTOH`, example domains): a local
    /// build warns about them, a build for an `https://` address refuses to run (see
    /// [`crate::placeholders`]).
    pub placeholders: Vec<Diagnostic>,
}

/// What the last build learnt about each content file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuildCache {
    version: u32,
    /// Digest of everything every page depends on: templates, configuration, services list.
    global: u64,
    /// By content file (relative to the site root).
    pages: BTreeMap<String, CachedPage>,
    /// The `--base-url` the build was made with, so that a later build into the same folder
    /// (`pengaduan-staf statistik` into `serve`'s) can be made the same way.
    #[serde(default)]
    base_url: Option<String>,
    /// Whether the build had the live-reload script, likewise.
    #[serde(default)]
    live_reload: bool,
}

// Version 2: procedures are validated against the workflow when a page is parsed; pages cached
// before that must be parsed (and so checked) again. Version 3: pages have a language.
const CACHE_VERSION: u32 = 3;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedPage {
    source: u64,
    path: String,
    draft: bool,
    template: String,
    weight: i64,
    service: Option<Value>,
    links: Vec<(String, usize)>,
    ids: Vec<String>,
    /// The page's language (`id`, `en`).
    lang: String,
    /// What the page shares with its translations (`layanan/informasi-dan-pengaduan`).
    key: String,
    /// Its procedures' shape, which a translation must keep.
    shape: Option<Vec<content::ProcedureShape>>,
}

impl BuildCache {
    /// Reads the cache of the output folder `out`; a missing or unreadable one is empty.
    pub fn load(out: &Path) -> Self {
        std::fs::read(out.join(CACHE_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Self>(&bytes).ok())
            .filter(|c| c.version == CACHE_VERSION)
            .unwrap_or_default()
    }

    /// The URL path of the page built from `file` (relative to the site root,
    /// `content/pengaduan.md`); none for a draft or a file that is not a page.
    pub fn page_url(&self, file: &str) -> Option<&str> {
        self.pages.get(file).map(|m| m.path.as_str())
    }

    /// Every page's content file (relative to the site root) and URL path, by file.
    pub fn page_urls(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pages.iter().map(|(file, m)| (file.as_str(), m.path.as_str()))
    }

    /// The options of the build that wrote this cache, for a build of `root` into `out` made the
    /// same way (so that it renders only what changed rather than every page anew).
    pub fn same_options(&self, root: &Path, out: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            base_url: self.base_url.clone(),
            live_reload: self.live_reload,
        }
    }

    /// Writes the cache into the output folder `out`.
    pub fn save(&self, out: &Path) -> Result<(), String> {
        let bytes = serde_json::to_vec(self).map_err(|e| e.to_string())?;
        std::fs::write(out.join(CACHE_FILE), bytes).map_err(|e| format!("{CACHE_FILE}: {e}"))
    }
}

/// A loaded site: configuration, templates and configuration as a template value.
pub struct Site {
    /// The configuration.
    pub config: SiteConfig,
    /// The templates.
    pub templates: Templates,
    /// The configuration as the templates see it.
    pub config_value: Value,
}

impl Site {
    /// Loads configuration and templates from `root`.
    pub fn load(root: &Path, base_url: Option<&str>) -> Result<Self, BuildFailure> {
        let mut config = SiteConfig::load(root)?;
        if let Some(url) = base_url {
            config.base_url = url.trim_end_matches('/').to_owned();
        }
        let templates = Templates::load(root)?;
        let config_value = serde_json::to_value(&config).expect("configuration serialises");
        Ok(Self { config, templates, config_value })
    }
}

/// The result of rendering: files to write, files to keep as they are, and the new cache.
pub struct Rendition {
    /// Files rendered in this build.
    pub files: Vec<OutputFile>,
    /// Output files left as the last build wrote them.
    pub kept: Vec<String>,
    /// What to remember for the next build.
    pub cache: BuildCache,
    /// Counts.
    pub report: BuildReport,
}

/// Builds the site into `opts.out`, writing only files whose bytes changed.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    build_site(opts).map(|(report, _)| report)
}

/// Builds, and also returns the loaded site (for `serve`, which hands its templates to the API).
pub fn build_site(opts: &BuildOptions) -> Result<(BuildReport, Site), BuildFailure> {
    build_site_indexing(opts, Indexing::Now).map(|(report, site, _)| (report, site))
}

/// [`build_site`], with the search index made now or left to the caller ([`Indexing::Later`]:
/// then the output has no index, and what to make it from is returned).
pub fn build_site_indexing(
    opts: &BuildOptions,
    indexing: Indexing,
) -> Result<(BuildReport, Site, Option<IndexJob>), BuildFailure> {
    let site = Site::load(&opts.root, opts.base_url.as_deref())?;
    let placeholders = placeholders(&opts.root, opts.base_url.as_deref());
    if crate::placeholders::is_production(&site.config.base_url) && !placeholders.is_empty() {
        return Err(BuildFailure(placeholders));
    }
    let mut writer = Writer::open(&opts.out).map_err(|e| Diagnostic::new(&opts.out, None, e))?;
    let previous = BuildCache::load(&opts.out);
    let mut rendition = render_site(&site, opts, Some((&previous, &writer)))?;
    let job = add_search(&mut rendition, &opts.out, Some(&writer), indexing)?;
    let outcome =
        writer.write_all(rendition.files, &rendition.kept).map_err(|e| Diagnostic::new(&opts.out, None, e))?;
    rendition.cache.save(&opts.out).map_err(|e| Diagnostic::new(&opts.out, None, e))?;
    Ok((
        BuildReport { written: outcome.written, removed: outcome.removed, placeholders, ..rendition.report },
        site,
        job,
    ))
}

/// Adds the search index and the search pages' lists of pages to a rendition (see
/// [`crate::search`]); `writer` is `None` for a build in memory. With [`Indexing::Later`], the
/// index is left out and what to make it from returned.
pub fn add_search(
    rendition: &mut Rendition,
    out: &Path,
    writer: Option<&Writer>,
    indexing: Indexing,
) -> Result<Option<IndexJob>, BuildFailure> {
    let pages: Vec<crate::search::SearchPage> = (rendition.cache.pages.values())
        .map(|m| crate::search::SearchPage {
            file: output_path(&m.path),
            url: m.path.clone(),
            is_search_page: m.template == crate::search::SEARCH_TEMPLATE,
        })
        .collect();
    crate::search::add_search(out, writer, &pages, &mut rendition.files, &mut rendition.kept, indexing)
        .map_err(|e| BuildFailure(vec![Diagnostic::new(out, None, e)]))
}

/// The placeholders in the site's `config.toml` and in the `--base-url` given, by line.
fn placeholders(root: &Path, base_url: Option<&str>) -> Vec<Diagnostic> {
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let mut found = crate::placeholders::in_config(&text);
    if let Some(url) = base_url {
        // The command line's address replaces the file's: only it is published.
        found.retain(|d| !d.message.starts_with("base_url "));
        found.splice(0..0, crate::placeholders::in_base_url(url));
    }
    found
}

/// One content file after loading: either unchanged since the cached build, or parsed anew.
enum Loaded {
    Cached { file: String, text: String, meta: CachedPage },
    Parsed { file: String, page: Box<SourcePage>, rendered: Rendered, meta: CachedPage },
}

impl Loaded {
    fn meta(&self) -> &CachedPage {
        match self {
            Self::Cached { meta, .. } | Self::Parsed { meta, .. } => meta,
        }
    }
}

/// Parses a content file and places it: its language from the file name (`a.en.md`), its URL
/// under that language's prefix, with the front matter's `slug` when it has one.
fn parse(
    rel: &Path,
    inner: &Path,
    text: &str,
    config: &SiteConfig,
) -> Result<(SourcePage, Rendered, content::Placement), Diagnostic> {
    let codes: Vec<&str> = config.languages.keys().map(String::as_str).collect();
    let placement = content::placement(inner, &codes, &config.language).map_err(|e| Diagnostic::new(rel, None, e))?;
    let mut page = content::parse_page(rel, String::new(), text)?;
    page.path = content::localized_url(&placement.key, page.front.slug.as_deref(), &config.prefix(&placement.lang))
        .map_err(|e| {
            let line = text.lines().position(|l| l.trim_start().starts_with("slug")).map(|i| i + 1);
            Diagnostic::new(rel, line, e)
        })?;
    if let Some(service) = &page.front.service {
        // The message names the field, from which an editor's refusal finds the line.
        check_contacts(&service.channels, config).map_err(|e| Diagnostic::new(rel, None, e))?;
    }
    let rendered = markdown::render(&page.body, config.allow_html);
    Ok((page, rendered, placement))
}

/// The word a service channel's `contact` uses for the office's address.
const ADDRESS_CONTACT: &str = "alamat";

/// Refuses a channel's `contact` that names neither the address nor an office channel, listing
/// the names it may take.
fn check_contacts(channels: &[content::ServiceChannel], config: &SiteConfig) -> Result<(), String> {
    for (i, channel) in channels.iter().enumerate() {
        let Some(contact) = channel.contact.as_deref() else { continue };
        if contact != ADDRESS_CONTACT && !config.office.channels.iter().any(|c| c.name == contact) {
            let names: Vec<&str> = std::iter::once(ADDRESS_CONTACT)
                .chain(config.office.channels.iter().map(|c| c.name.as_str()))
                .collect();
            return Err(format!(
                "service.channels[{}].contact: \"{contact}\" bukan alamat kantor maupun saluran di config.toml \
                 ([[office.channels]]); pilihan: {}",
                i + 1,
                names.join(", ")
            ));
        }
    }
    Ok(())
}

/// The office contact a channel names, as `{label, value, url}` for the template.
fn contact_value(contact: &str, config: &SiteConfig, lang: &str) -> Option<Value> {
    if contact == ADDRESS_CONTACT {
        return Some(json!({ "label": config.ui(lang, "address", "Alamat"), "value": config.office.address }));
    }
    let channel = config.office.channels.iter().find(|c| c.name == contact)?;
    let label = if lang == config.language { &channel.name } else { channel.name_en.as_ref().unwrap_or(&channel.name) };
    Some(json!({ "label": label, "value": channel.value, "url": channel.url }))
}

/// A page after rendering: its output (none when kept as it was), its file and what to cache.
type PageResult = (Option<OutputFile>, String, CachedPage);

/// The previous build's cache and the writer that knows what it wrote.
type Previous<'a> = Option<(&'a BuildCache, &'a Writer)>;

/// Texts standing in for content files on disk, by path relative to `content/` (`pengaduan.md`):
/// the editor's unsaved changes, checked and previewed without writing them anywhere.
pub type Overlay<'a> = Option<&'a BTreeMap<String, String>>;

/// Renders every page that needs it and checks the Markdown's internal links. With the previous
/// build's cache and writer, pages unchanged since then are kept rather than rendered.
pub fn render_site(site: &Site, opts: &BuildOptions, previous: Previous<'_>) -> Result<Rendition, BuildFailure> {
    render_site_with(site, opts, previous, None)
}

/// [`render_site`] with the content files of `overlay` read from it instead of from disk.
pub fn render_site_with(
    site: &Site,
    opts: &BuildOptions,
    previous: Previous<'_>,
    overlay: Overlay<'_>,
) -> Result<Rendition, BuildFailure> {
    let pages = load_pages(site, &opts.root, previous, overlay)?;
    // The statistics page's figures, when something computed them (see crate::statistik). A
    // file that no longer reads (written by an older site-gen) counts as none: the next
    // computation replaces it, and the page says the figures are not available meanwhile.
    let figures = crate::statistik::load(&opts.out).ok().flatten();
    let figures = figures.as_ref();
    let parsed = pages.iter().filter(|p| matches!(p, Loaded::Parsed { .. })).count();

    // Everything every page depends on; when it changes, every page is rendered again.
    let mut services: Vec<&CachedPage> = pages.iter().map(Loaded::meta).filter(|m| m.service.is_some()).collect();
    services.sort_by(|a, b| (a.weight, &a.path).cmp(&(b.weight, &b.path)));
    let services_value: Vec<&Value> = services.iter().filter_map(|m| m.service.as_ref()).collect();
    let translations = Translations::new(pages.iter().map(Loaded::meta));
    // Each language's context: its services and its status names. Every page's alternates and
    // language switch depend on which translations exist, so they are part of the global digest.
    let mut bases: HashMap<&str, tera::Context> = HashMap::new();
    let mut all_statuses = Vec::new();
    for lang in site.config.languages.keys() {
        let statuses = statuses_value_in(pengaduan_core::Lang::parse(lang).unwrap_or_default());
        let mut base = tera::Context::new();
        base.insert("config", &site.config_value);
        let own: Vec<&Value> = services.iter().filter(|m| m.lang == *lang).filter_map(|m| m.service.as_ref()).collect();
        base.insert("services", &own);
        base.insert("statuses", &statuses);
        base.insert("live_reload", &opts.live_reload);
        bases.insert(lang, base);
        all_statuses.push(statuses);
    }
    let global = global_digest(site, opts, &services_value, &json!([all_statuses, translations.by_key]));
    let base = &bases[site.config.language.as_str()];

    let results: Vec<Result<PageResult, Diagnostic>> = pages
        .into_par_iter()
        .map(|loaded| {
            let base = bases.get(loaded.meta().lang.as_str()).unwrap_or(base);
            render_page(site, base, &translations, global, previous, figures, loaded)
        })
        .collect();
    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(results.len() + 8);
    let mut kept = Vec::new();
    let mut cache = BuildCache {
        version: CACHE_VERSION,
        global,
        pages: BTreeMap::new(),
        base_url: opts.base_url.clone(),
        live_reload: opts.live_reload,
    };
    let mut seen = HashSet::new();
    for r in results {
        match r {
            Ok((out, file, meta)) => {
                match out {
                    Some(out) => files.push(out),
                    None => kept.push(output_path(&meta.path)),
                }
                cache.pages.insert(file, meta);
            }
            // The same template error repeats for every page using it: report it once.
            Err(d) => {
                if seen.insert((d.file.clone(), d.line)) {
                    diagnostics.push(d);
                }
            }
        }
    }
    let rendered_count = files.len();

    let static_count = add_site_wide_files(site, &opts.root, base, &cache, &mut files, &mut diagnostics)?;
    // The rules as data, from the same texts the pages were built from (see crate::rules).
    match crate::rules::published_rules(&opts.root, overlay) {
        Ok(Some(rules)) => {
            files.push(OutputFile::new(pengaduan_core::published::FILE.into(), rules.to_json().into_bytes()))
        }
        Ok(None) => {}
        Err(d) => diagnostics.push(d),
    }
    if let Some(figures) = figures {
        files.extend(crate::statistik::data_files(figures));
    }
    diagnostics.extend(check_markdown_links(&site.config, &files, &kept, &cache));
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(BuildFailure(diagnostics));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let report = BuildReport {
        pages: cache.pages.len(),
        pages_parsed: parsed,
        pages_rendered: rendered_count,
        static_files: static_count,
        ..Default::default()
    };
    Ok(Rendition { files, kept, cache, report })
}

/// Reads every content file and parses those whose text changed since the cached build; drafts
/// are left out. Fails on any unreadable or invalid page, a URL used twice or a missing template.
fn load_pages(
    site: &Site,
    root: &Path,
    previous: Previous<'_>,
    overlay: Overlay<'_>,
) -> Result<Vec<Loaded>, BuildFailure> {
    let content_dir = root.join(CONTENT_DIR);
    let sources = list_files(&content_dir, "md").map_err(|e| Diagnostic::new(CONTENT_DIR, None, e))?;
    let loaded: Vec<Result<Loaded, Diagnostic>> =
        sources.par_iter().map(|abs| load_page(root, &content_dir, abs, &site.config, previous, overlay)).collect();
    let mut diagnostics = Vec::new();
    let mut pages = Vec::with_capacity(loaded.len());
    for item in loaded {
        match item {
            Ok(l) if !l.meta().draft => pages.push(l),
            Ok(_) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    let mut seen_paths: HashMap<&str, &str> = HashMap::new();
    for page in &pages {
        let (file, meta) = match page {
            Loaded::Cached { file, meta, .. } | Loaded::Parsed { file, meta, .. } => (file, meta),
        };
        if let Some(other) = seen_paths.insert(&meta.path, file) {
            diagnostics.push(Diagnostic::new(file, None, format!("alamat {} sudah dipakai oleh {other}", meta.path)));
        }
        if !site.templates.has(&meta.template) {
            diagnostics.push(Diagnostic::new(
                file,
                Some(2),
                format!("template {} tidak ada di templates/", meta.template),
            ));
        }
    }
    diagnostics.extend(check_translations(&site.config, &pages));
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(BuildFailure(diagnostics));
    }
    Ok(pages)
}

/// A translated service page must have the original's procedures: as many, each with as many
/// steps and the same public statuses in order, since the workflow and the tracking page follow
/// the original and a reader of either language must see the same procedure.
fn check_translations(config: &SiteConfig, pages: &[Loaded]) -> Vec<Diagnostic> {
    let file_meta = |p: &'_ Loaded| match p {
        Loaded::Cached { file, meta, .. } | Loaded::Parsed { file, meta, .. } => (file.clone(), meta.clone()),
    };
    let originals: HashMap<String, (String, CachedPage)> = pages
        .iter()
        .map(file_meta)
        .filter(|(_, m)| m.lang == config.language)
        .map(|(f, m)| (m.key.clone(), (f, m)))
        .collect();
    let mut diagnostics = Vec::new();
    for (file, meta) in pages.iter().map(file_meta).filter(|(_, m)| m.lang != config.language) {
        let Some((original, source)) = originals.get(&meta.key) else { continue };
        if let Some(problem) = shape_difference(meta.shape.as_deref(), source.shape.as_deref(), original) {
            diagnostics.push(Diagnostic::new(file, problem.0, problem.1));
        }
    }
    diagnostics
}

/// How a translation's procedures differ from the original's (in file `original`): the line in
/// the translation and the message, or `None` when they agree.
fn shape_difference(
    translation: Option<&[content::ProcedureShape]>,
    source: Option<&[content::ProcedureShape]>,
    original: &str,
) -> Option<(Option<usize>, String)> {
    let (ours, theirs) = match (translation, source) {
        (None, None) => return None,
        (Some(_), None) => return Some((None, format!("terjemahan memuat [service], aslinya ({original}) tidak"))),
        (None, Some(_)) => {
            return Some((
                None,
                format!("terjemahan harus memuat [service] dengan prosedur yang sama seperti aslinya ({original})"),
            ));
        }
        (Some(a), Some(b)) => (a, b),
    };
    if ours.len() != theirs.len() {
        let line = ours.first().map(|p| p.line);
        return Some((
            line,
            format!(
                "service.procedures: terjemahan memuat {} prosedur, aslinya ({original}) {} prosedur",
                ours.len(),
                theirs.len()
            ),
        ));
    }
    for (ours, theirs) in ours.iter().zip(theirs) {
        let at = format!("{original}:{}", theirs.line);
        let name = &ours.id;
        if ours.id != theirs.id {
            let msg =
                format!("service.procedures: id prosedur \"{name}\" berbeda dari aslinya \"{}\" ({at})", theirs.id);
            return Some((Some(ours.line), msg));
        }
        if ours.statuses.len() != theirs.statuses.len() {
            let msg = format!(
                "service.procedures: prosedur \"{name}\" memuat {} langkah, aslinya ({at}) {} langkah",
                ours.statuses.len(),
                theirs.statuses.len()
            );
            return Some((Some(ours.line), msg));
        }
        if let Some(i) = ours.statuses.iter().zip(&theirs.statuses).position(|(a, b)| a != b) {
            let shown = |s: &str| if s.is_empty() { "(tanpa status)".to_owned() } else { s.to_owned() };
            let msg = format!(
                "service.procedures: prosedur \"{name}\" langkah {} berstatus {}, aslinya ({at}) {}",
                i + 1,
                shown(&ours.statuses[i]),
                shown(&theirs.statuses[i])
            );
            return Some((Some(ours.line), msg));
        }
    }
    None
}

/// Which pages translate which: by key, each language's URL path.
struct Translations {
    by_key: BTreeMap<String, BTreeMap<String, String>>,
    paths: HashSet<String>,
}

impl Translations {
    fn new<'a>(metas: impl Iterator<Item = &'a CachedPage>) -> Self {
        let mut by_key: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut paths = HashSet::new();
        for m in metas {
            by_key.entry(m.key.clone()).or_default().insert(m.lang.clone(), m.path.clone());
            paths.insert(m.path.clone());
        }
        Self { by_key, paths }
    }

    /// The page's versions by language (itself included), in language order.
    fn versions(&self, key: &str) -> Option<&BTreeMap<String, String>> {
        self.by_key.get(key)
    }

    /// What the language switch offers on a page: for every other language, the page's
    /// translation, else that language's home page; a language with neither is left out.
    fn switch(&self, config: &SiteConfig, lang: &str, key: &str) -> Vec<Value> {
        let versions = self.versions(key);
        config
            .languages
            .iter()
            .filter(|(code, _)| code.as_str() != lang)
            .filter_map(|(code, language)| {
                let translated = versions.and_then(|v| v.get(code));
                let home = format!("{}/", config.prefix(code));
                let path = translated.cloned().or_else(|| self.paths.contains(&home).then_some(home))?;
                let name = if language.name.is_empty() { code.clone() } else { language.name.clone() };
                Some(json!({ "lang": code, "name": name, "path": path, "translated": translated.is_some() }))
            })
            .collect()
    }
}

/// One content file: cached when its text is what the last build saw, else parsed.
fn load_page(
    root: &Path,
    content_dir: &Path,
    abs: &Path,
    config: &SiteConfig,
    previous: Previous<'_>,
    overlay: Overlay<'_>,
) -> Result<Loaded, Diagnostic> {
    let rel = relative(root, abs);
    let key = rel.to_string_lossy().replace('\\', "/");
    let inner = abs.strip_prefix(content_dir).unwrap_or(abs);
    let stand_in = overlay.and_then(|o| o.get(&inner.to_string_lossy().replace('\\', "/")));
    let text = match stand_in {
        Some(text) => text.clone(),
        None => std::fs::read_to_string(abs)
            .map_err(|e| Diagnostic::new(&rel, None, format!("tidak dapat dibaca (harus UTF-8): {e}")))?,
    };
    let source = digest(text.as_bytes());
    if let Some(meta) = previous.and_then(|(c, _)| c.pages.get(&key)).filter(|m| m.source == source) {
        return Ok(Loaded::Cached { file: key, text, meta: meta.clone() });
    }
    let (page, rendered, placement) = parse(&rel, inner, &text, config)?;
    let body_lines = LineIndex::new(&page.body);
    let links =
        rendered.links.iter().map(|l| (l.dest.clone(), page.body_line + body_lines.line(l.offset) - 1)).collect();
    let service = page.front.service.as_ref().map(|s| {
        let v = service_value(s, config, &placement.lang);
        json!({ "title": page.front.title, "path": page.path, "description": page.front.description, "service": v })
    });
    let meta = CachedPage {
        source,
        path: page.path.clone(),
        draft: page.front.draft,
        template: page.front.template.clone().unwrap_or_else(|| default_template(&page.path).to_owned()),
        weight: page.front.weight,
        service,
        links,
        ids: Vec::new(),
        shape: page.procedure_shapes(),
        lang: placement.lang,
        key: placement.key,
    };
    Ok(Loaded::Parsed { file: key, page: Box::new(page), rendered, meta })
}

/// The digest of what every page depends on: this program, the configuration, the services
/// list, live reload and the templates.
/// The public statuses as templates see them: `statuses.diproses.label` and, in procedure
/// order, `statuses.all`. Core's words, so the service page, the tracking page, the status
/// page and the emails name a status the same way and no template keeps its own copy.
pub fn statuses_value() -> Value {
    statuses_value_in(pengaduan_core::Lang::Id)
}

/// [`statuses_value`] for pages in the language `lang`: the labels in that language (core's
/// `Status::label_in`).
pub fn statuses_value_in(lang: pengaduan_core::Lang) -> Value {
    use pengaduan_core::Status;
    let one = |st: Status| json!({ "code": st.code(), "label": st.label_in(lang), "next_step": st.next_step_in(lang) });
    let mut v: serde_json::Map<String, Value> =
        Status::ALL.into_iter().map(|st| (st.code().to_owned(), one(st))).collect();
    v.insert("all".to_owned(), Value::Array(Status::ALL.into_iter().map(one).collect()));
    Value::Object(v)
}

fn global_digest(site: &Site, opts: &BuildOptions, services_value: &[&Value], statuses: &Value) -> u64 {
    let mut parts = serde_json::to_vec(&(
        env!("CARGO_PKG_VERSION"),
        &site.config_value,
        services_value,
        // Core's wording changes without a change in the site's files.
        statuses,
        opts.live_reload,
        site.templates.sources(),
    ))
    .expect("serialises");
    parts.extend_from_slice(b"site-gen");
    digest(&parts)
}

/// Renders one page with its template, or keeps it when neither it nor anything global changed
/// and its output is still on disk.
fn render_page(
    site: &Site,
    base: &tera::Context,
    translations: &Translations,
    global: u64,
    previous: Previous<'_>,
    figures: Option<&pengaduan_core::stats::Figures>,
    loaded: Loaded,
) -> Result<PageResult, Diagnostic> {
    let config = &site.config;
    // A statistics page shows the figures, which change without its text: it is rendered on
    // every build (a page or two), and written only when its bytes changed.
    let statistics = loaded.meta().template == crate::statistik::TEMPLATE;
    let (file, page, rendered, mut meta) = match loaded {
        Loaded::Cached { file, text, meta } => {
            let out = output_path(&meta.path);
            let unchanged = !statistics && previous.is_some_and(|(c, w)| c.global == global && w.unchanged(&out));
            if unchanged {
                return Ok((None, file, meta));
            }
            let rel = PathBuf::from(&file);
            let inner = rel.strip_prefix(CONTENT_DIR).unwrap_or(&rel).to_path_buf();
            let (page, rendered, _) = parse(&rel, &inner, &text, config)?;
            (file, Box::new(page), rendered, meta)
        }
        Loaded::Parsed { file, page, rendered, meta } => (file, page, rendered, meta),
    };
    let mut ctx = base.clone();
    let mut value = page_value(&page, &rendered, config, &meta.lang);
    add_languages(&mut value, config, translations, &meta.lang, &meta.key);
    ctx.insert("page", &value);
    if statistics && let Some(figures) = figures {
        ctx.insert("statistik", &crate::statistik::page_value(figures, config, &meta.lang));
    }
    let html = site
        .templates
        .tera
        .render(&meta.template, &ctx)
        .map_err(|e| site.templates.render_error(&meta.template, &e, &page.file))?;
    // Indonesian names kept in another language's text are marked as Indonesian.
    let html = if meta.lang == "id" {
        html
    } else {
        pengaduan_core::terms::mark_indonesian_terms(&html, pengaduan_core::terms::INDONESIAN_TERMS)
    };
    let mut ids: Vec<String> = links::ids(&html).into_iter().collect();
    ids.sort_unstable();
    meta.ids = ids;
    Ok((Some(OutputFile::new(output_path(&page.path), html.into_bytes())), file, meta))
}

/// Adds the 404 page, the sitemap, robots.txt and the static files; returns how many static
/// files there are. A failing 404 template is a diagnostic; an unreadable static file stops.
fn add_site_wide_files(
    site: &Site,
    root: &Path,
    base: &tera::Context,
    cache: &BuildCache,
    files: &mut Vec<OutputFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<usize, BuildFailure> {
    let config = &site.config;
    let mut ctx = base.clone();
    ctx.insert(
        "page",
        &json!({ "title": "Halaman tidak ditemukan", "description": "", "path": "/404.html",
                  "permalink": format!("{}/404.html", config.base_url), "content": "", "toc": [],
                  "extra": {}, "json_ld": "", "lang": config.language, "alternates": [], "x_default": null,
                  "switch": [] }),
    );
    match site.templates.tera.render("404.html", &ctx) {
        Ok(html) => files.push(OutputFile::new("404.html".into(), html.into_bytes())),
        Err(e) => diagnostics.push(site.templates.render_error("404.html", &e, Path::new("404.html"))),
    }
    let mut urls: Vec<&str> = cache.pages.values().map(|m| m.path.as_str()).collect();
    urls.sort_unstable();
    let translations = Translations::new(cache.pages.values());
    let alternates: HashMap<&str, &BTreeMap<String, String>> = cache
        .pages
        .values()
        .filter_map(|m| translations.versions(&m.key).filter(|v| v.len() > 1).map(|v| (m.path.as_str(), v)))
        .collect();
    files.push(OutputFile::new(
        "sitemap.xml".into(),
        sitemap(&config.base_url, &urls, &alternates, &config.language).into_bytes(),
    ));
    files.push(OutputFile::new(
        "robots.txt".into(),
        format!("User-agent: *\nAllow: /\nSitemap: {}/sitemap.xml\n", config.base_url).into_bytes(),
    ));
    let statics = list_files(&root.join(STATIC_DIR), "").map_err(|e| Diagnostic::new(STATIC_DIR, None, e))?;
    let static_count = statics.len();
    for abs in statics {
        let rel = abs.strip_prefix(root.join(STATIC_DIR)).unwrap_or(&abs).to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&abs).map_err(|e| Diagnostic::new(relative(root, &abs), None, e.to_string()))?;
        files.push(OutputFile::new(rel, bytes));
    }
    Ok(static_count)
}

/// Markdown's internal links must resolve to a page or file, and their anchors to an id.
fn check_markdown_links(
    config: &SiteConfig,
    files: &[OutputFile],
    kept: &[String],
    cache: &BuildCache,
) -> Vec<Diagnostic> {
    let known: HashSet<&str> = files.iter().map(|f| f.path.as_str()).chain(kept.iter().map(String::as_str)).collect();
    let ids: HashMap<String, HashSet<String>> =
        cache.pages.values().map(|m| (output_path(&m.path), m.ids.iter().cloned().collect())).collect();
    let mut diagnostics = Vec::new();
    for (file, meta) in &cache.pages {
        for (dest, line) in &meta.links {
            if let Some(problem) = links::check(&meta.path, dest, &known, |p| ids.get(p), &config.api_url) {
                diagnostics.push(Diagnostic::new(file, Some(*line), problem));
            }
        }
    }
    diagnostics
}

fn default_template(path: &str) -> &'static str {
    if path == "/" { "index.html" } else { "page.html" }
}

/// `/a/b/` is written to `a/b/index.html`.
pub fn output_path(url: &str) -> String {
    let inner = url.trim_matches('/');
    if inner.is_empty() { "index.html".into() } else { format!("{inner}/index.html") }
}

/// A service as templates see it, its time limit also as text in the page's language.
fn service_value(s: &content::Service, config: &SiteConfig, lang: &str) -> Value {
    let mut v = serde_json::to_value(s).expect("service serialises");
    v["time_limit"]["text"] = Value::String(time_limit_text(&s.time_limit, config, lang));
    for (i, channel) in s.channels.iter().enumerate() {
        if let Some(found) = channel.contact.as_deref().and_then(|c| contact_value(c, config, lang)) {
            v["channels"][i]["contact_value"] = found;
        }
    }
    v
}

/// "2 s/d 10 hari kerja" in the page's language, with the words of its `ui` table.
fn time_limit_text(t: &TimeLimit, config: &SiteConfig, lang: &str) -> String {
    let (to, days) = (config.ui(lang, "range_to", "s/d"), config.ui(lang, "working_days", "hari kerja"));
    let range = t.range(to, days);
    if t.starts.is_empty() { range } else { format!("{range} ({})", t.starts) }
}

/// Adds the page's language, its versions in every language (for `hreflang`), the Indonesian
/// one as `x_default`, and the language switch's targets.
fn add_languages(value: &mut Value, config: &SiteConfig, translations: &Translations, lang: &str, key: &str) {
    let versions = translations.versions(key);
    let alternates: Vec<Value> = versions
        .into_iter()
        .flatten()
        .map(|(code, path)| json!({ "lang": code, "path": path, "permalink": format!("{}{path}", config.base_url) }))
        .collect();
    let x_default = versions.and_then(|v| v.get(&config.language)).map(|p| format!("{}{p}", config.base_url));
    value["lang"] = Value::String(lang.to_owned());
    value["alternates"] = Value::Array(alternates);
    value["x_default"] = x_default.map(Value::String).unwrap_or(Value::Null);
    value["switch"] = Value::Array(translations.switch(config, lang, key));
}

fn page_value(page: &SourcePage, rendered: &Rendered, config: &SiteConfig, lang: &str) -> Value {
    let permalink = format!("{}{}", config.base_url, page.path);
    let json_ld = page.front.service.as_ref().map(|s| json_ld_in(s, &permalink, config, lang)).unwrap_or_default();
    let service = page.front.service.as_ref().map(|s| service_value(s, config, lang));
    json!({
        "title": page.front.title,
        "description": page.front.description,
        "path": page.path,
        "permalink": permalink,
        "content": rendered.html,
        "toc": rendered.toc,
        "extra": page.front.extra,
        "kata_kunci": page.front.kata_kunci,
        "service": service,
        "json_ld": json_ld,
        "template": page.front.template,
    })
}

/// schema.org `GovernmentService`, escaped so it can sit inside a `<script>` element.
pub fn json_ld(s: &content::Service, permalink: &str, config: &SiteConfig) -> String {
    json_ld_in(s, permalink, config, &config.language)
}

/// [`json_ld`] for a page in the language `lang`: the terms in that language's words.
pub fn json_ld_in(s: &content::Service, permalink: &str, config: &SiteConfig, lang: &str) -> String {
    let free = s.fee.to_lowercase().contains("tidak dipungut") || s.fee.to_lowercase().contains("gratis");
    let channels: Vec<Value> = s
        .channels
        .iter()
        .map(|c| {
            let mut v = json!({ "@type": "ServiceChannel", "name": c.name, "description": c.description });
            if let Some(url) = &c.url {
                let url = if url.starts_with('/') { format!("{}{url}", config.base_url) } else { url.clone() };
                v["serviceUrl"] = Value::String(url);
            }
            v
        })
        .collect();
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": s.name,
        "description": s.summary,
        "url": permalink,
        "serviceType": s.name,
        "provider": {
            "@type": "GovernmentOrganization",
            "name": config.office.name,
            "address": config.office.address,
            "url": config.base_url,
        },
        "areaServed": config.office.region,
        "availableChannel": channels,
        "termsOfService": format!(
            "{}: {}. {}: {}.",
            config.ui(lang, "time_limit", "Jangka waktu"),
            time_limit_text(&s.time_limit, config, lang),
            config.ui(lang, "fee", "Biaya"),
            s.fee
        ),
    });
    if free {
        v["offers"] = json!({ "@type": "Offer", "price": "0", "priceCurrency": "IDR", "description": s.fee });
    }
    serde_json::to_string(&v)
        .expect("JSON-LD serialises")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The sitemap; a page with translations lists every version (itself included) and the
/// default language's as `x-default`, as search engines ask.
fn sitemap(
    base_url: &str,
    urls: &[&str],
    alternates: &HashMap<&str, &BTreeMap<String, String>>,
    default_lang: &str,
) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let escape = |url: &str| format!("{base_url}{url}").replace('&', "&amp;").replace('<', "&lt;");
    for url in urls {
        let loc = escape(url);
        let Some(versions) = alternates.get(url) else {
            xml.push_str(&format!("  <url><loc>{loc}</loc></url>\n"));
            continue;
        };
        xml.push_str(&format!("  <url><loc>{loc}</loc>"));
        for (lang, path) in versions.iter() {
            xml.push_str(&format!("<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>", escape(path)));
        }
        if let Some(path) = versions.get(default_lang) {
            xml.push_str(&format!("<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>", escape(path)));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Files under `dir` with the given extension (any when empty), sorted; a missing folder is empty.
fn list_files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if ext.is_empty() || entry.path().extension().is_some_and(|e| e == ext) {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}
