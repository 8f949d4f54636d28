//! Markdown to HTML: CommonMark with tables, footnotes and heading ids; stable anchors on every
//! heading; raw HTML escaped unless allowed; internal links collected with their line.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashSet;

/// One heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The anchor.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// A link found in Markdown, with the 0-based byte offset of its start in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// The destination as written.
    pub dest: String,
    /// Byte offset in the body.
    pub offset: usize,
}

/// The rendered body of a page.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML.
    pub html: String,
    /// Headings in order.
    pub toc: Vec<TocEntry>,
    /// Internal links (not `scheme:` or `//host`).
    pub links: Vec<LinkRef>,
}

/// Renders Markdown. Raw HTML is escaped unless `allow_html`.
pub fn render(body: &str, allow_html: bool) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event> = Vec::new();
    let mut links = Vec::new();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Link { ref dest_url, .. }) | Event::Start(Tag::Image { ref dest_url, .. }) => {
                if is_internal(dest_url) {
                    links.push(LinkRef { dest: dest_url.to_string(), offset: range.start });
                }
                event
            }
            Event::Html(html) | Event::InlineHtml(html) if !allow_html => Event::Text(html),
            other => other,
        };
        events.push(event);
    }

    // Give every heading an id: the explicit `{#id}`, or a slug of its text, unique per page.
    let mut toc = Vec::new();
    let explicit: HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut used: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let anchor = match id {
                Some(id) => id.to_string(),
                None => {
                    let base = slugify(&text);
                    let base = if base.is_empty() { "bagian".to_owned() } else { base };
                    let mut candidate = base.clone();
                    let mut n = 1;
                    while used.contains(&candidate) || explicit.contains(&candidate) {
                        candidate = format!("{base}-{n}");
                        n += 1;
                    }
                    candidate
                }
            };
            used.insert(anchor.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(anchor.clone()));
            }
            toc.push(TocEntry { level: heading_level(level), id: anchor, title: text.trim().to_owned() });
            i = j;
        }
        i += 1;
    }

    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html, toc, links }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Whether a link points inside the site (no scheme, not protocol-relative).
pub fn is_internal(dest: &str) -> bool {
    if dest.starts_with("//") || dest.is_empty() {
        return false;
    }
    let scheme_end = dest.find(':');
    let path_start = dest.find(['/', '?', '#']).unwrap_or(dest.len());
    !matches!(scheme_end, Some(i) if i < path_start)
}

/// A stable anchor from heading text: lower case ASCII letters and digits, words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            slug.push(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_stable_ids() {
        let r = render("# Jangka Waktu\n\n## Biaya {#tarif}\n\n## Jangka waktu\n\n## Prosedur & Alur!\n", false);
        let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["jangka-waktu", "tarif", "jangka-waktu-1", "prosedur-alur"]);
        assert!(r.html.contains("<h1 id=\"jangka-waktu\">Jangka Waktu</h1>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"tarif\">Biaya</h2>"));
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let md = "Teks <script>alert(1)</script> dan\n\n<div class=\"x\">blok</div>\n";
        let escaped = render(md, false).html;
        assert!(!escaped.contains("<script>") && escaped.contains("&lt;script&gt;"), "{escaped}");
        assert!(!escaped.contains("<div"), "{escaped}");
        assert!(render(md, true).html.contains("<div class=\"x\">"));
    }

    #[test]
    fn tables_and_footnotes_render() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nTeks[^1].\n\n[^1]: Catatan.\n", false).html;
        assert!(html.contains("<table>") && html.contains("<td>1</td>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn collects_internal_links_with_offsets() {
        let md = "Lihat [formulir](/pengaduan/) dan\n[LAPOR!](https://www.lapor.go.id) dan [bagian](#biaya) ![g](/img/a.png)";
        let r = render(md, false);
        let dests: Vec<&str> = r.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["/pengaduan/", "#biaya", "/img/a.png"]);
        assert_eq!(&md[r.links[0].offset..r.links[0].offset + 1], "[");
    }

    #[test]
    fn internal_link_detection() {
        for internal in ["/a/", "a/b", "../x/", "#id", "?q=1", "a:b/c".split_at(0).1.trim_start_matches("a:")] {
            assert!(is_internal(internal), "{internal}");
        }
        for external in ["https://x.id", "mailto:a@b.id", "tel:+62", "//cdn.x", ""] {
            assert!(!is_internal(external), "{external}");
        }
    }
}
