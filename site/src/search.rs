//! The site's search (issue 14): a static index built with Pagefind after every build, and the
//! list of pages the search page shows without JavaScript.
//!
//! - The index: every page's HTML goes to Pagefind (the `pagefind` crate, used as a library, so
//!   `site-gen build`/`serve` need nothing else installed), which splits it by `<html lang>`
//!   (Indonesian stemming for `id`, English for `en`) and writes one index per language with its
//!   default UI (`pagefind-ui.js`, `pagefind-ui.css`) under [`BUNDLE_DIR`] in the output folder.
//!   Only the element marked `data-pagefind-body` (the page's `<main>`) is indexed. The files go
//!   through the build's [`Writer`](crate::output::Writer), so only changed ones are written and
//!   stale ones removed; when no page changed, the index is not rebuilt. A site without a
//!   search page gets no index.
//! - The fallback: a search page (template [`SEARCH_TEMPLATE`]) holds the markers
//!   [`LIST_START`] and [`LIST_END`]; between them every build puts the list of every page of
//!   the search page's language (title, link, description), read from the pages' own HTML. The
//!   list is in the page for readers without JavaScript; the search script hides it when the live
//!   search takes over.
//! - The pages file ([`PAGES_FILE`], `pencarian.json`): each language's pages with their text and
//!   its search page without the list, from which form-fn answers `GET /api/cari?q=` (under
//!   `serve` and on AWS alike) with core's matching (`pengaduan_core::search`).

use crate::output::{OutputFile, Writer, digest};
use rayon::prelude::*;
use regex::Regex;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

pub use pengaduan_core::search::{
    FILE as PAGES_FILE, LIST_END, LIST_START, LanguageSearch, PageSummary, Searchable, SiteSearch, list_html, matching,
    query_words, result_words, results_page,
};

/// Where the index and its UI go, under the output folder (Pagefind's own default).
pub const BUNDLE_DIR: &str = "pagefind";
/// The template of search pages: they are not indexed, and get the list of pages.
pub const SEARCH_TEMPLATE: &str = "cari.html";
/// What the last index was built from, kept in the output folder (like the build cache).
pub const STATE_FILE: &str = ".site-gen-search";

// Bumped when the way the index is built changes, so an index on disk is rebuilt.
const STATE_VERSION: &str = "site-gen-search 1 pagefind 1.6";

/// One page of the site, as the search sees it.
#[derive(Debug, Clone)]
pub struct SearchPage {
    /// Path of its file in the output folder (`a/b/index.html`).
    pub file: String,
    /// Its URL path (`/a/b/`).
    pub url: String,
    /// Whether it is a search page (not indexed; gets the list of pages).
    pub is_search_page: bool,
}

static LANG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?is)<html\b[^>]*?\blang="([^"]*)""#).unwrap());
static H1: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<h1\b[^>]*>(.*?)</h1>").unwrap());
static TITLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<title\b[^>]*>(.*?)</title>").unwrap());
static DESCRIPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?is)<meta\s+name="description"\s+content="([^"]*)""#).unwrap());
static KATA_KUNCI: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?s)\bdata-kata-kunci="([^"]*)""#).unwrap());
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").unwrap());
static SPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+").unwrap());

/// Reads language, title and description from a page's HTML. Text stays as escaped in the HTML.
pub fn summarise(url: &str, html: &str) -> PageSummary {
    let text = |s: &str| SPACE.replace_all(TAG.replace_all(s, "").trim(), " ").into_owned();
    let lang = LANG.captures(html).map_or_else(|| "id".to_owned(), |c| c[1].trim().to_lowercase());
    let title = H1.captures(html).or_else(|| TITLE.captures(html)).map(|c| text(&c[1])).unwrap_or_default();
    let description = DESCRIPTION.captures(html).map(|c| c[1].trim().to_owned()).unwrap_or_default();
    PageSummary { url: url.to_owned(), lang, title, description }
}

/// A page's searchable text, lower case: its title, description, search words (front matter
/// `kata_kunci`, which Pagefind indexes from `data-kata-kunci`), and the text of the part the
/// search index reads (the `<main>`, without menus and footer), tags removed, entities as written.
pub fn searchable_text(summary: &PageSummary, html: &str) -> String {
    let part = indexed_part(html);
    let body = part.find("<body").map_or(part.as_ref(), |i| &part[i..]);
    let words: Vec<&str> = KATA_KUNCI.captures_iter(body).filter_map(|c| c.get(1)).map(|m| m.as_str()).collect();
    let text = TAG.replace_all(body, " ");
    let text = SPACE.replace_all(&text, " ");
    format!("{} {} {} {text}", summary.title, summary.description, words.join(" ")).to_lowercase()
}

/// Puts `list` between the markers in `html` (replacing what an earlier build put there).
fn insert_list(html: &str, list: &str) -> Option<String> {
    let start = html.find(LIST_START)? + LIST_START.len();
    let end = start + html[start..].find(LIST_END)?;
    Some(format!("{}\n{list}{}", &html[..start], &html[end..]))
}

/// When a build makes the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// The build makes the index (or keeps the one on disk) and writes it with the pages.
    Now,
    /// The build leaves the index out and hands back what to make it from ([`IndexJob`]), for
    /// `serve`, which shows the changed pages at once and makes the index in the background.
    Later,
}

/// What a search index is made from: every indexed page's URL path and HTML, and a key that
/// is the same for the same pages (so an index made from them can be kept).
#[derive(Debug, Clone)]
pub struct IndexJob {
    /// Names the pages and the way the index is built.
    pub key: String,
    pages: Vec<(String, String)>,
}

impl IndexJob {
    /// A name for the index of these pages, usable as a folder name.
    pub fn name(&self) -> String {
        format!("{:016x}", digest(self.key.as_bytes()))
    }

    /// Makes the index: its files, paths under the output folder (`pagefind/…`).
    pub fn build(&self) -> Result<Vec<OutputFile>, String> {
        build_index(&self.pages)
    }
}

/// Adds the search to a build: fills the search pages' lists of pages and, with
/// [`Indexing::Now`], adds the index files (or keeps them, when the pages are those of the last
/// index and its files are on disk); with [`Indexing::Later`], returns what to make the index
/// from instead. `files` are the files this build rendered, `kept` those it left as they were
/// in `out`. A site without a search page gets no index. `writer` is `None` for a build in
/// memory (`site-gen check`): the index is built, and nothing is read from or written to `out`.
pub fn add_search(
    out: &Path,
    writer: Option<&Writer>,
    pages: &[SearchPage],
    files: &mut Vec<OutputFile>,
    kept: &mut Vec<String>,
    indexing: Indexing,
) -> Result<Option<IndexJob>, String> {
    if !pages.iter().any(|p| p.is_search_page) {
        return Ok(None);
    }
    // Every page's HTML: rendered now, or as the last build left it (read in parallel: at
    // thousands of pages this is most of a rebuild's time).
    let mut html: BTreeMap<&str, String> = {
        let rendered: BTreeMap<&str, &OutputFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
        pages
            .par_iter()
            .map(|page| {
                let text = match rendered.get(page.file.as_str()) {
                    Some(f) => String::from_utf8_lossy(&f.bytes).into_owned(),
                    None => std::fs::read_to_string(out.join(&page.file)).map_err(|e| format!("{}: {e}", page.file))?,
                };
                Ok((page.file.as_str(), text))
            })
            .collect::<Result<_, String>>()?
    };
    let mut searchable: Vec<Searchable> = pages
        .par_iter()
        .filter(|p| !p.is_search_page)
        .map(|p| {
            let text = &html[p.file.as_str()];
            let page = summarise(&p.url, text);
            Searchable { text: searchable_text(&page, text), page }
        })
        .collect();
    searchable.sort_by(|a, b| (&a.page.lang, &a.page.url).cmp(&(&b.page.lang, &b.page.url)));

    // The search pages, with the list of their language's pages; the pages file, with each
    // language's pages and its search page without the list, for answering queries on a server.
    let mut site_search = SiteSearch::default();
    for page in pages.iter().filter(|p| p.is_search_page) {
        let text = &html[page.file.as_str()];
        let lang = summarise(&page.url, text).lang;
        let same: Vec<&Searchable> = searchable.iter().filter(|s| s.page.lang == lang).collect();
        let list: Vec<&PageSummary> = same.iter().map(|s| &s.page).collect();
        let (Some(filled), Some(empty)) = (insert_list(text, &list_html(&list)), insert_list(text, "")) else {
            continue;
        };
        let search = LanguageSearch { url: page.url.clone(), html: empty, pages: same.into_iter().cloned().collect() };
        site_search.languages.insert(lang, search);
        kept.retain(|k| *k != page.file);
        files.retain(|f| f.path != page.file);
        files.push(OutputFile::new(page.file.clone(), filled.into_bytes()));
    }
    kept.retain(|k| k != PAGES_FILE);
    files.retain(|f| f.path != PAGES_FILE);
    files.push(OutputFile::new(PAGES_FILE.to_owned(), site_search.to_json().into_bytes()));

    // The index: rebuilt only when a page changed or its files are not on disk as written.
    let indexed: Vec<(String, String)> = pages
        .iter()
        .filter(|p| !p.is_search_page)
        .map(|p| (p.url.clone(), html.remove(p.file.as_str()).unwrap_or_default()))
        .collect();
    let digests: Vec<u64> = indexed.par_iter().map(|(_, text)| digest(text.as_bytes())).collect();
    let mut key = Vec::new();
    for ((url, _), d) in indexed.iter().zip(digests) {
        key.extend_from_slice(url.as_bytes());
        key.push(0);
        key.extend_from_slice(&d.to_le_bytes());
    }
    let job = IndexJob { key: format!("{STATE_VERSION} {:016x}", digest(&key)), pages: indexed };
    if indexing == Indexing::Later {
        return Ok(Some(job));
    }
    let Some(writer) = writer else {
        files.extend(job.build()?);
        return Ok(None);
    };
    let state = std::fs::read_to_string(out.join(STATE_FILE)).unwrap_or_default();
    let mut lines = state.lines();
    if lines.next() == Some(job.key.as_str()) {
        let previous: Vec<String> = lines.map(str::to_owned).collect();
        if !previous.is_empty() && previous.iter().all(|p| writer.unchanged(p)) {
            kept.extend(previous);
            return Ok(None);
        }
    }
    let index = job.build()?;
    let mut state = job.key;
    for file in &index {
        state.push('\n');
        state.push_str(&file.path);
    }
    files.extend(index);
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    std::fs::write(out.join(STATE_FILE), state).map_err(|e| format!("{STATE_FILE}: {e}"))?;
    Ok(None)
}

/// The part of a page Pagefind reads, when the rest cannot change what it indexes: the head
/// (title, description, language) and the `data-pagefind-body` element, without the header,
/// menus and footer around it, which Pagefind would parse only to drop. A page where anything
/// outside that element could count (a heading, an image, a `data-pagefind-*` attribute) is
/// given whole.
fn indexed_part(html: &str) -> Cow<'_, str> {
    const MARK: &str = "data-pagefind-body";
    let trimmed = (|| {
        let head_end = html.find("</head>")? + "</head>".len();
        let mark = html.find(MARK)?;
        if html[mark + MARK.len()..].contains(MARK) {
            return None;
        }
        let start = html[..mark].rfind('<')?;
        if !html[start..].starts_with("<main") || start < head_end {
            return None;
        }
        let end = html.rfind("</main>")? + "</main>".len();
        let (before, after) = (&html[head_end..start], &html[end..]);
        let counts = |s: &str| {
            let s = s.to_ascii_lowercase();
            s.contains("<h1") || s.contains("<img") || s.contains("data-pagefind") || s.contains("<main")
        };
        if counts(before) || counts(after) {
            return None;
        }
        Some(format!("{}<body>{}</body></html>", &html[..head_end], &html[start..end]))
    })();
    trimmed.map_or(Cow::Borrowed(html), Cow::Owned)
}

/// Builds Pagefind's index of `pages` (URL path, HTML): its files, paths under the output folder.
pub fn build_index(pages: &[(String, String)]) -> Result<Vec<OutputFile>, String> {
    index_pages(pages.par_iter().map(|(u, h)| (u.clone(), indexed_part(h).into_owned())).collect())
}

/// Gives `pages` to Pagefind as they are, in their order, and returns its files.
fn index_pages(pages: Vec<(String, String)>) -> Result<Vec<OutputFile>, String> {
    // Pagefind is async; it runs on a runtime of its own, on a thread of its own, so a build
    // started from inside another runtime (`serve`) does not nest one runtime in another.
    let worker = std::thread::spawn(move || -> Result<Vec<OutputFile>, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("runtime pencarian: {e}"))?;
        runtime.block_on(async move {
            let options = pagefind::options::PagefindServiceConfig::builder().build();
            let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| format!("Pagefind: {e}"))?;
            for (url, html) in pages {
                index.add_html_file(None, Some(url.clone()), html).await.map_err(|e| format!("{url}: {e}"))?;
            }
            let files = index.get_files().await.map_err(|e| format!("Pagefind: {e}"))?;
            let mut out: Vec<OutputFile> = files
                .into_iter()
                .map(|f| {
                    let name = f.filename.to_string_lossy().replace('\\', "/");
                    OutputFile::new(format!("{BUNDLE_DIR}/{name}"), f.contents)
                })
                .collect();
            out.sort_by(|a, b| a.path.cmp(&b.path));
            Ok(out)
        })
    });
    worker.join().map_err(|_| "Pagefind berhenti dengan galat".to_owned())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_a_page() {
        let html = "<html lang=\"en\"><head><title>T – X</title>\
                    <meta name=\"description\" content=\"About &amp; more\"></head>\
                    <body><h1 class=\"a\">Fees <em>and</em>\n times</h1></body></html>";
        let s = summarise("/en/fees/", html);
        assert_eq!(s.lang, "en");
        assert_eq!(s.title, "Fees and times");
        assert_eq!(s.description, "About &amp; more");
        assert_eq!(summarise("/", "<html><title>Beranda</title></html>").lang, "id");
        assert_eq!(summarise("/", "<html><title>Beranda</title></html>").title, "Beranda");
    }

    #[test]
    fn a_query_finds_the_pages_holding_every_word_titles_first() {
        let page = |url: &str, title: &str, body: &str| {
            let summary =
                PageSummary { url: url.into(), lang: "id".into(), title: title.into(), description: String::new() };
            let html = format!(
                "<html lang=\"id\"><head></head><body><nav>biaya</nav><main data-pagefind-body><h1>{title}</h1><p>{body}</p></main></body></html>"
            );
            let text = searchable_text(&summary, &html);
            Searchable { page: summary, text }
        };
        let pages = vec![
            page("/a/", "Layanan", "Tidak dipungut biaya. Jangka waktu 10 hari kerja."),
            page("/b/", "Biaya layanan", "Gratis."),
            page("/c/", "Lacak", "Nomor register."),
            page("/d/", "Aduan", "<span hidden data-kata-kunci=\"pungli, berapa lama\"></span>Lapor."),
        ];
        let urls = |q: &str| matching(&pages, &query_words(q)).iter().map(|p| p.url.clone()).collect::<Vec<_>>();
        assert_eq!(urls("Biaya"), ["/b/", "/a/"], "the title's match first");
        assert_eq!(urls("biaya, hari!"), ["/a/"], "every word");
        assert_eq!(urls("aya"), Vec::<String>::new(), "a word's start, not its middle");
        assert_eq!(urls("   "), Vec::<String>::new());
        assert_eq!(urls("register"), ["/c/"]);
        assert_eq!(urls("pungli"), ["/d/"], "the page's search words count");
        assert_eq!(urls("berapa lama"), ["/d/"]);
        assert_eq!(query_words("a b c d e f g h i j").len(), 8);
    }

    #[test]
    fn the_results_replace_the_list_and_escape_the_query() {
        let html = format!(
            "<form><input name=\"q\"></form><section><h2 id=\"semua-halaman-judul\">Semua halaman</h2><p>intro</p>{LIST_START}<ul><li>x</li></ul>{LIST_END}</section>"
        );
        let found =
            PageSummary { url: "/a/".into(), lang: "id".into(), title: "Layanan".into(), description: "D".into() };
        let words = ("Hasil pencarian", "{n} halaman memuat “{q}”.", "Tidak ada halaman yang memuat “{q}”.");
        let page = results_page(&html, "biaya <b>", &[&found], words).unwrap();
        assert!(
            page.contains("Hasil pencarian</h2>") && page.contains("1 halaman memuat “biaya &lt;b&gt;”."),
            "{page}"
        );
        assert!(page.contains("href=\"/a/\">Layanan</a>") && !page.contains("<li>x</li>") && !page.contains("intro"));
        assert!(page.contains("name=\"q\" value=\"biaya &lt;b&gt;\""));
        let none = results_page(&html, "zzz", &[], words).unwrap();
        assert!(none.contains("Tidak ada halaman yang memuat “zzz”.") && !none.contains("<ul"), "{none}");
        assert_eq!(results_page("<p>no list</p>", "q", &[], words), None);
    }

    #[test]
    fn the_list_replaces_the_last_one() {
        let page = format!("<main>{LIST_START}{LIST_END}</main>");
        let one = PageSummary { url: "/a/".into(), lang: "id".into(), title: "A".into(), description: "d".into() };
        let first = insert_list(&page, &list_html(&[&one])).unwrap();
        assert!(first.contains("<a href=\"/a/\">A</a><p>d</p>"), "{first}");
        let again = insert_list(&first, &list_html(&[&one])).unwrap();
        assert_eq!(first, again);
        assert_eq!(insert_list("<main></main>", "x"), None);
    }

    fn page(lang: &str, title: &str, outside: &str, body: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><title>{title} – Kantor</title>\
             <meta name=\"description\" content=\"Tentang {title}\"></head><body class=\"b\">\
             <header><a href=\"/\">Kantor</a>{outside}<nav><ul><li><a href=\"/a/\">Menu satu</a></li></ul></nav></header>\
             <main id=\"isi\" data-pagefind-body><h1>{title}</h1>{body}</main>\
             <footer><p>Alamat kantor, Jalan Merdeka 1</p></footer></body></html>"
        )
    }

    #[test]
    fn pagefind_gets_only_the_indexed_part_when_the_rest_cannot_count() {
        let plain = page("id", "Biaya", "", "<p>Tidak dipungut biaya.</p>");
        let part = indexed_part(&plain);
        assert!(part.contains("<title>Biaya – Kantor</title>") && part.contains("Tidak dipungut biaya."), "{part}");
        assert!(!part.contains("Menu satu") && !part.contains("Jalan Merdeka"), "{part}");
        // A heading, an image or Pagefind's own attributes outside the body count: the page goes whole.
        for outside in
            ["<h1>Kantor</h1>", "<img src=\"/logo.png\" alt=\"\">", "<span data-pagefind-filter=\"x\">y</span>"]
        {
            let html = page("id", "Biaya", outside, "<p>Isi.</p>");
            assert_eq!(indexed_part(&html), html.as_str(), "{outside}");
        }
        assert_eq!(indexed_part("<html><body><p>x</p></body></html>"), "<html><body><p>x</p></body></html>");
    }

    #[test]
    fn the_index_of_the_indexed_parts_is_the_index_of_the_whole_pages() {
        let pages: Vec<(String, String)> = vec![
            ("/".into(), page("id", "Beranda", "", "<p>Selamat datang di layanan pengaduan.</p>")),
            ("/biaya/".into(), page("id", "Biaya", "", "<h2 id=\"rincian\">Rincian</h2><p>Tidak dipungut biaya.</p>")),
            ("/logo/".into(), page("id", "Logo", "<img src=\"/logo.png\" alt=\"Logo\">", "<p>Gambar.</p>")),
            ("/en/fees/".into(), page("en", "Fees", "", "<p>Complaints are free of charge.</p>")),
        ];
        let whole = index_pages(pages.clone()).unwrap();
        let parts = build_index(&pages).unwrap();
        assert_eq!(whole.len(), parts.len());
        for (a, b) in whole.iter().zip(&parts) {
            assert_eq!(a.path, b.path);
            assert!(a.bytes == b.bytes, "{} differs", a.path);
        }
    }
}
