//! The site's search without JavaScript (issues 14 and 23): which pages answer a query, and the
//! search page that lists them. Pure: the site build writes the pages file ([`FILE`], a
//! [`SiteSearch`]), and whoever answers a query (`site-gen serve`, form-fn on AWS reading the
//! file from the site's bucket) hands it here with the query ([`answer`]), so both answer alike.

use crate::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The pages file, at the root of the built site (beside `aturan-layanan.json`).
pub const FILE: &str = "pencarian.json";
/// Start of the list of pages in a search page.
pub const LIST_START: &str = "<!-- site-gen:daftar-halaman -->";
/// End of the list of pages in a search page.
pub const LIST_END: &str = "<!-- /site-gen:daftar-halaman -->";

/// What a page's HTML says about it: language, title, description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSummary {
    /// Its URL path.
    pub url: String,
    /// `<html lang>`, `id` when absent.
    #[serde(skip)]
    pub lang: String,
    /// The first `<h1>`'s text, else `<title>`'s (as escaped in the HTML).
    pub title: String,
    /// `<meta name="description">` (as escaped in the HTML).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A page as a query sees it: its summary and its searchable text, lower case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Searchable {
    /// Link, title, description.
    #[serde(flatten)]
    pub page: PageSummary,
    /// Title, description and the indexed text, lower case, tags removed.
    pub text: String,
}

/// One language's search: its search page, without its list of pages, and every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSearch {
    /// The search page's URL path (`/cari/`), where an empty query is sent.
    pub url: String,
    /// The search page's HTML with nothing between [`LIST_START`] and [`LIST_END`].
    pub html: String,
    /// Every page of the language but the search page, in address order.
    pub pages: Vec<Searchable>,
}

/// The pages file: the search of each language (`id`, `en`) the site has a search page in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSearch {
    /// By language code.
    pub languages: BTreeMap<String, LanguageSearch>,
}

impl SiteSearch {
    /// Reads a pages file.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("{FILE}: {e}"))
    }

    /// Writes the pages file: one line, the smallest JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The search of the language whose search page is at `url`.
    pub fn by_url(&self, url: &str) -> Option<(Lang, &LanguageSearch)> {
        self.languages
            .iter()
            .find(|(_, l)| l.url == url)
            .map(|(code, l)| (if code == "en" { Lang::En } else { Lang::Id }, l))
    }
}

/// What a query is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The search page listing the pages found (or saying none holds the words).
    Page(String),
    /// No words: the search page itself, which lists every page (its URL path).
    Empty(String),
    /// The site has no search page in this language.
    NoSearch,
}

/// Answers the query `q` in `lang` from `search`: the search page with the pages holding
/// every word, titles first.
pub fn answer(search: &SiteSearch, lang: Lang, q: &str) -> Answer {
    let Some(language) = search.languages.get(lang.code()) else { return Answer::NoSearch };
    let words = query_words(q);
    if words.is_empty() {
        return Answer::Empty(language.url.clone());
    }
    let found = matching(&language.pages, &words);
    let Some(page) = results_page(&language.html, q, &found, result_words(lang)) else { return Answer::NoSearch };
    // The titles found are text again: Indonesian names in them are marked as the build marks them.
    Answer::Page(match lang {
        Lang::Id => page,
        Lang::En => crate::terms::mark_indonesian_terms(&page, crate::terms::INDONESIAN_TERMS),
    })
}

/// The list of pages, as HTML: one item per page with its link and description.
pub fn list_html(pages: &[&PageSummary]) -> String {
    let mut html = String::from("<ul class=\"daftar-halaman\">\n");
    for p in pages {
        let url = p.url.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
        html.push_str(&format!("<li><a href=\"{url}\">{}</a>", p.title));
        if !p.description.is_empty() {
            html.push_str(&format!("<p>{}</p>", p.description));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n");
    html
}

/// The words of a query, lower case, without punctuation around them; at most eight, so a
/// pasted paragraph costs no more than a sentence.
pub fn query_words(q: &str) -> Vec<String> {
    q.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect()
}

/// The pages of `pages` whose text holds every word of `words`, as a word's start ("izin"
/// finds "izin" and "perizinan" does not match "zin"), titles first.
pub fn matching<'a>(pages: &'a [Searchable], words: &[String]) -> Vec<&'a PageSummary> {
    let starts_word = |text: &str, word: &str| {
        text.match_indices(word).any(|(i, _)| !text[..i].chars().next_back().is_some_and(char::is_alphanumeric))
    };
    let mut found: Vec<(bool, &PageSummary)> = pages
        .iter()
        .filter(|s| !words.is_empty() && words.iter().all(|w| starts_word(&s.text, w)))
        .map(|s| (words.iter().all(|w| starts_word(&s.page.title.to_lowercase(), w)), &s.page))
        .collect();
    found.sort_by_key(|(in_title, _)| !in_title);
    found.into_iter().map(|(_, p)| p).collect()
}

/// The search page `html` answering the query `q` without JavaScript: the list of pages
/// replaced by the pages found, under a heading that says what was looked for and how many
/// pages hold it (`words`: the heading, and the sentence with `{q}` and `{n}`, or for none
/// with `{q}`); the query kept in the search boxes. `None` when the page has no list.
pub fn results_page(html: &str, q: &str, found: &[&PageSummary], words: (&str, &str, &str)) -> Option<String> {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let (heading, some, none) = words;
    let q = escape(q.trim());
    let sentence = if found.is_empty() {
        none.replace("{q}", &q)
    } else {
        some.replace("{q}", &q).replace("{n}", &found.len().to_string())
    };
    // The section's heading and introduction, up to the list's end, say what was found.
    let heading_start = html.find("id=\"semua-halaman-judul\"")?;
    let after_tag = heading_start + html[heading_start..].find('>')? + 1;
    let end = html.find(LIST_END)?;
    let list = if found.is_empty() { String::new() } else { list_html(found) };
    let results = format!("{heading}</h2>\n<p role=\"status\">{sentence}</p>\n{LIST_START}\n{list}");
    let page = format!("{}{results}{}", &html[..after_tag], &html[end..]);
    // The search boxes show what was looked for.
    Some(page.replace("name=\"q\"", &format!("name=\"q\" value=\"{q}\"")))
}

/// The words [`results_page`] says in `lang`.
pub fn result_words(lang: Lang) -> (&'static str, &'static str, &'static str) {
    lang.pick(
        (
            "Hasil pencarian",
            "{n} halaman memuat “{q}”.",
            "Tidak ada halaman yang memuat “{q}”. Coba kata lain, atau tanyakan kepada kami di bawah ini.",
        ),
        ("Search results", "{n} page(s) contain “{q}”.", "No page contains “{q}”. Try another word, or ask us below."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, title: &str, text: &str) -> Searchable {
        let page =
            PageSummary { url: url.into(), lang: String::new(), title: title.into(), description: String::new() };
        let text = format!("{title} {text}").to_lowercase();
        Searchable { page, text }
    }

    fn site() -> SiteSearch {
        let html = format!(
            "<html lang=\"id\"><form action=\"/api/cari\"><input name=\"q\"></form>\
             <h2 id=\"semua-halaman-judul\">Semua halaman</h2>\n<p>Semua.</p>\n{LIST_START}{LIST_END}</html>"
        );
        let id = LanguageSearch {
            url: "/cari/".into(),
            html: html.clone(),
            pages: vec![
                page("/biaya/", "Biaya", "biaya layanan perizinan gratis"),
                page("/izin/", "Perizinan", "izin usaha"),
            ],
        };
        let en = LanguageSearch {
            url: "/en/search/".into(),
            html: html.replace("lang=\"id\"", "lang=\"en\""),
            pages: vec![page("/en/fees/", "Pengaduan fees", "fees are free")],
        };
        SiteSearch { languages: [("id".into(), id), ("en".into(), en)].into() }
    }

    #[test]
    fn every_word_as_a_word_start_titles_first() {
        let s = site();
        let pages = &s.languages["id"].pages;
        let urls = |q: &str| matching(pages, &query_words(q)).iter().map(|p| p.url.clone()).collect::<Vec<_>>();
        assert_eq!(urls("izin"), ["/izin/"]);
        assert_eq!(urls("perizinan"), ["/izin/", "/biaya/"], "title first");
        assert!(urls("zin").is_empty());
        assert!(urls("biaya usaha").is_empty(), "every word");
    }

    #[test]
    fn an_answer_escapes_the_query_and_says_when_nothing_matched() {
        let s = site();
        let Answer::Page(html) = answer(&s, Lang::Id, "zzz <b>") else { panic!() };
        assert!(html.contains("Tidak ada halaman yang memuat “zzz &lt;b&gt;”"), "{html}");
        assert!(html.contains("value=\"zzz &lt;b&gt;\""), "{html}");
        let Answer::Page(html) = answer(&s, Lang::Id, "gratis") else { panic!() };
        assert!(html.contains("1 halaman memuat “gratis”") && html.contains("href=\"/biaya/\""), "{html}");
        let Answer::Page(html) = answer(&s, Lang::En, "fees") else { panic!() };
        assert!(html.contains("Search results") && html.contains("/en/fees/"), "{html}");
        assert!(html.contains("<span lang=\"id\">Pengaduan</span>"), "Indonesian names marked: {html}");
        assert_eq!(answer(&s, Lang::En, " ... "), Answer::Empty("/en/search/".into()));
        assert_eq!(answer(&SiteSearch::default(), Lang::Id, "izin"), Answer::NoSearch);
        assert_eq!(SiteSearch::from_json(&s.to_json()).unwrap().languages["en"].pages[0].page.url, "/en/fees/");
    }
}
