//! Building the site: load, render in parallel, check Markdown links, write what changed.

use crate::config::SiteConfig;
use crate::content::{self, SourcePage};
use crate::diagnostics::{BuildFailure, Diagnostic, LineIndex, relative};
use crate::links;
use crate::markdown::{self, Rendered};
use crate::output::{OutputFile, Writer};
use crate::templates::Templates;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;
use walkdir::WalkDir;

/// The content folder under the site root.
pub const CONTENT_DIR: &str = "content";
/// The static assets folder under the site root.
pub const STATIC_DIR: &str = "static";

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
    /// Pages rendered.
    pub pages: usize,
    /// Pages whose Markdown was parsed anew (the rest came from the cache).
    pub pages_parsed: usize,
    /// Static files copied.
    pub static_files: usize,
    /// Files written because their bytes changed.
    pub written: usize,
    /// Stale files removed.
    pub removed: usize,
}

/// Parsed and rendered Markdown kept between builds by `serve`, keyed by file.
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<PathBuf, CacheEntry>>,
}

struct CacheEntry {
    modified: Option<SystemTime>,
    len: u64,
    allow_html: bool,
    page: SourcePage,
    rendered: Rendered,
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

struct PageOut {
    file: PathBuf,
    path: String,
    links: Vec<(String, usize)>,
    ids: HashSet<String>,
}

/// Builds the site into `opts.out`, writing only files whose bytes changed.
pub fn build(opts: &BuildOptions, cache: Option<&PageCache>) -> Result<BuildReport, BuildFailure> {
    let site = Site::load(&opts.root, opts.base_url.as_deref())?;
    let (files, report) = render_site(&site, opts, cache)?;
    let mut writer = Writer::open(&opts.out).map_err(|e| Diagnostic::new(&opts.out, None, e))?;
    let outcome = writer.write_all(files).map_err(|e| Diagnostic::new(&opts.out, None, e))?;
    Ok(BuildReport { written: outcome.written, removed: outcome.removed, ..report })
}

/// Renders every output file in memory and checks the Markdown's internal links.
pub fn render_site(
    site: &Site,
    opts: &BuildOptions,
    cache: Option<&PageCache>,
) -> Result<(Vec<OutputFile>, BuildReport), BuildFailure> {
    let root = &opts.root;
    let config = &site.config;
    let mut diagnostics = Vec::new();

    // Load: read, split and render Markdown, in parallel; reuse the cache where the file is unchanged.
    let sources = list_files(&root.join(CONTENT_DIR), "md").map_err(|e| Diagnostic::new(CONTENT_DIR, None, e))?;
    let parsed_count = std::sync::atomic::AtomicUsize::new(0);
    let loaded: Vec<Result<(SourcePage, Rendered), Diagnostic>> = sources
        .par_iter()
        .map(|abs| {
            let rel = relative(root, abs);
            let meta =
                std::fs::metadata(abs).map_err(|e| Diagnostic::new(&rel, None, format!("tidak dapat dibaca: {e}")))?;
            let modified = meta.modified().ok();
            if let Some(cache) = cache
                && let Some(hit) = cache.entries.lock().unwrap_or_else(|e| e.into_inner()).get(abs)
                && hit.modified == modified
                && hit.len == meta.len()
                && hit.allow_html == config.allow_html
            {
                return Ok((hit.page.clone(), hit.rendered.clone()));
            }
            let text = std::fs::read_to_string(abs)
                .map_err(|e| Diagnostic::new(&rel, None, format!("tidak dapat dibaca (harus UTF-8): {e}")))?;
            let inner = abs.strip_prefix(root.join(CONTENT_DIR)).unwrap_or(abs);
            let page = content::parse_page(&rel, content::url_path(inner), &text)?;
            let rendered = markdown::render(&page.body, config.allow_html);
            parsed_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let Some(cache) = cache {
                cache.entries.lock().unwrap_or_else(|e| e.into_inner()).insert(
                    abs.clone(),
                    CacheEntry {
                        modified,
                        len: meta.len(),
                        allow_html: config.allow_html,
                        page: page.clone(),
                        rendered: rendered.clone(),
                    },
                );
            }
            Ok((page, rendered))
        })
        .collect();
    let mut pages = Vec::with_capacity(loaded.len());
    for item in loaded {
        match item {
            Ok((page, rendered)) if !page.front.draft => pages.push((page, rendered)),
            Ok(_) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    if let Some(cache) = cache {
        let present: HashSet<&PathBuf> = sources.iter().collect();
        cache.entries.lock().unwrap_or_else(|e| e.into_inner()).retain(|k, _| present.contains(k));
    }
    let mut seen_paths: HashMap<String, PathBuf> = HashMap::new();
    for (page, _) in &pages {
        if let Some(other) = seen_paths.insert(page.path.clone(), page.file.clone()) {
            diagnostics.push(Diagnostic::new(
                &page.file,
                None,
                format!("alamat {} sudah dipakai oleh {}", page.path, other.display()),
            ));
        }
        let template = page.front.template.as_deref().unwrap_or(default_template(&page.path));
        if !site.templates.has(template) {
            diagnostics.push(Diagnostic::new(
                &page.file,
                Some(2),
                format!("template {template} tidak ada di templates/"),
            ));
        }
    }
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(BuildFailure(diagnostics));
    }

    // Render pages with their templates, in parallel.
    let mut services: Vec<&SourcePage> = pages.iter().map(|(p, _)| p).filter(|p| p.front.service.is_some()).collect();
    services.sort_by(|a, b| (a.front.weight, &a.path).cmp(&(b.front.weight, &b.path)));
    let services_value: Vec<Value> = services
        .iter()
        .map(|p| json!({ "title": p.front.title, "path": p.path, "description": p.front.description, "service": p.front.service }))
        .collect();
    let mut base = tera::Context::new();
    base.insert("config", &site.config_value);
    base.insert("services", &services_value);
    base.insert("live_reload", &opts.live_reload);

    let results: Vec<Result<(OutputFile, PageOut), Diagnostic>> = pages
        .par_iter()
        .map(|(page, rendered)| {
            let template = page.front.template.as_deref().unwrap_or(default_template(&page.path));
            let mut ctx = base.clone();
            ctx.insert("page", &page_value(page, rendered, config));
            let html = site
                .templates
                .tera
                .render(template, &ctx)
                .map_err(|e| site.templates.render_error(template, &e, &page.file))?;
            let ids = links::ids(&html);
            let out = OutputFile::new(output_path(&page.path), html.into_bytes());
            let body_lines = LineIndex::new(&page.body);
            let links = rendered
                .links
                .iter()
                .map(|l| (l.dest.clone(), page.body_line + body_lines.line(l.offset) - 1))
                .collect();
            Ok((out, PageOut { file: page.file.clone(), path: page.path.clone(), links, ids }))
        })
        .collect();
    let mut files = Vec::with_capacity(results.len() + 8);
    let mut outs = Vec::with_capacity(results.len());
    let mut seen = HashSet::new();
    for r in results {
        match r {
            Ok((file, out)) => {
                files.push(file);
                outs.push(out);
            }
            // The same template error repeats for every page using it: report it once.
            Err(d) => {
                if seen.insert((d.file.clone(), d.line)) {
                    diagnostics.push(d);
                }
            }
        }
    }

    // Site-wide files.
    let mut ctx = base.clone();
    ctx.insert(
        "page",
        &json!({ "title": "Halaman tidak ditemukan", "description": "", "path": "/404.html",
                  "permalink": format!("{}/404.html", config.base_url), "content": "", "toc": [],
                  "extra": {}, "json_ld": "" }),
    );
    match site.templates.tera.render("404.html", &ctx) {
        Ok(html) => files.push(OutputFile::new("404.html".into(), html.into_bytes())),
        Err(e) => diagnostics.push(site.templates.render_error("404.html", &e, Path::new("404.html"))),
    }
    let mut urls: Vec<&str> = outs.iter().map(|o| o.path.as_str()).collect();
    urls.sort_unstable();
    files.push(OutputFile::new("sitemap.xml".into(), sitemap(&config.base_url, &urls).into_bytes()));
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

    // Markdown's internal links must resolve to a page or file, and their anchors to an id.
    let known: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let ids: HashMap<String, &HashSet<String>> = outs.iter().map(|o| (output_path(&o.path), &o.ids)).collect();
    for out in &outs {
        for (dest, line) in &out.links {
            if let Some(problem) = links::check(&out.path, dest, &known, |p| ids.get(p).copied(), &config.api_url) {
                diagnostics.push(Diagnostic::new(&out.file, Some(*line), problem));
            }
        }
    }
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(BuildFailure(diagnostics));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let report = BuildReport {
        pages: outs.len(),
        pages_parsed: parsed_count.into_inner(),
        static_files: static_count,
        ..Default::default()
    };
    Ok((files, report))
}

fn default_template(path: &str) -> &'static str {
    if path == "/" { "index.html" } else { "page.html" }
}

/// `/a/b/` is written to `a/b/index.html`.
pub fn output_path(url: &str) -> String {
    let inner = url.trim_matches('/');
    if inner.is_empty() { "index.html".into() } else { format!("{inner}/index.html") }
}

fn page_value(page: &SourcePage, rendered: &Rendered, config: &SiteConfig) -> Value {
    let permalink = format!("{}{}", config.base_url, page.path);
    let json_ld = page.front.service.as_ref().map(|s| json_ld(s, &permalink, config)).unwrap_or_default();
    let service = page.front.service.as_ref().map(|s| {
        let mut v = serde_json::to_value(s).expect("service serialises");
        v["time_limit"]["text"] = Value::String(s.time_limit.text());
        v
    });
    json!({
        "title": page.front.title,
        "description": page.front.description,
        "path": page.path,
        "permalink": permalink,
        "content": rendered.html,
        "toc": rendered.toc,
        "extra": page.front.extra,
        "service": service,
        "json_ld": json_ld,
        "template": page.front.template,
    })
}

/// schema.org `GovernmentService`, escaped so it can sit inside a `<script>` element.
pub fn json_ld(s: &content::Service, permalink: &str, config: &SiteConfig) -> String {
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
        "termsOfService": format!("Jangka waktu: {}. Biaya: {}.", s.time_limit.text(), s.fee),
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

fn sitemap(base_url: &str, urls: &[&str]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        let loc = format!("{base_url}{url}").replace('&', "&amp;").replace('<', "&lt;");
        xml.push_str(&format!("  <url><loc>{loc}</loc></url>\n"));
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
