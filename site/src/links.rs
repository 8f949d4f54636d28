//! Finding links and anchors in HTML and checking that internal ones resolve.

use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"\s(?:id|name)\s*=\s*["']([^"']+)["']"#).unwrap());
static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"\s(?:href|src)\s*=\s*["']([^"']*)["']"#).unwrap());

/// The ids (and `name` anchors) an HTML page defines.
pub fn ids(html: &str) -> HashSet<String> {
    ID.captures_iter(html).map(|c| c[1].to_owned()).collect()
}

/// The `href` and `src` values of an HTML page, with the line of each, character references undone.
pub fn links(html: &str) -> Vec<(String, usize)> {
    let lines = crate::diagnostics::LineIndex::new(html);
    LINK.captures_iter(html)
        .map(|c| {
            let m = c.get(1).expect("group 1");
            (unescape(m.as_str()), lines.line(m.start()))
        })
        .collect()
}

/// Undoes the character references templates produce in attributes (`&amp;`, `&#x2F;`, …).
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Checks one link found on the page at URL path `from`. `known` holds every output file's
/// path (`a/b/index.html`); `ids_of` gives the ids of an output file when known.
/// Returns what is wrong, in Bahasa Indonesia, or `None` when the link resolves.
pub fn check<'a>(
    from: &str,
    dest: &str,
    known: &HashSet<&str>,
    ids_of: impl Fn(&str) -> Option<&'a HashSet<String>>,
    api_url: &str,
) -> Option<String> {
    if !crate::markdown::is_internal(dest) {
        return None;
    }
    let (before_fragment, fragment) = dest.split_once('#').unwrap_or((dest, ""));
    let path = before_fragment.split('?').next().unwrap_or("");
    let target_url = if path.is_empty() { from.to_owned() } else { resolve(from, path) };
    let api = api_url.trim_end_matches('/');
    if api.starts_with('/') && (target_url == api || target_url.starts_with(&format!("{api}/"))) {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(&target_url).decode_utf8_lossy().into_owned();
    let inner = decoded.trim_start_matches('/');
    let candidates = if inner.is_empty() || inner.ends_with('/') {
        vec![format!("{inner}index.html")]
    } else {
        vec![inner.to_owned(), format!("{inner}/index.html")]
    };
    let Some(file) = candidates.iter().find(|c| known.contains(c.as_str())) else {
        return Some(format!("tautan rusak: {dest} (tidak ada halaman atau berkas {target_url})"));
    };
    if !fragment.is_empty()
        && let Some(ids) = ids_of(file)
    {
        let fragment = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        if !ids.contains(fragment.as_ref()) {
            return Some(format!("anchor rusak: {dest} (tidak ada id \"{fragment}\" di {target_url})"));
        }
    }
    None
}

/// Resolves `path` against the page at URL path `from` (a folder when it ends with `/`).
pub fn resolve(from: &str, path: &str) -> String {
    if path.starts_with('/') {
        return normalize(path);
    }
    let base = match from.rfind('/') {
        Some(i) => &from[..=i],
        None => "/",
    };
    normalize(&format!("{base}{path}"))
}

fn normalize(path: &str) -> String {
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out != "/" {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(resolve("/layanan/a/", "../b/"), "/layanan/b/");
        assert_eq!(resolve("/layanan/a/", "c/"), "/layanan/a/c/");
        assert_eq!(resolve("/", "/x/./y/../z/"), "/x/z/");
        assert_eq!(resolve("/404.html", "css/site.css"), "/css/site.css");
    }

    #[test]
    fn checks_pages_files_and_anchors() {
        let known: HashSet<&str> = ["index.html", "pengaduan/index.html", "css/site.css"].into();
        let ids: HashSet<String> = ["nama".to_string()].into();
        let ids_of = |f: &str| (f == "pengaduan/index.html").then_some(&ids);
        let ok = |d: &str| check("/", d, &known, ids_of, "/api").is_none();
        assert!(ok("/pengaduan/"));
        assert!(ok("/pengaduan"));
        assert!(ok("/pengaduan/#nama"));
        assert!(ok("/css/site.css?v=1"));
        assert!(ok("/api/pengaduan"));
        assert!(ok("https://www.lapor.go.id"));
        assert!(!ok("/pengaduan/#alamat"));
        assert!(!ok("/lacak/"));
        assert!(check("/", "/tidak-ada/", &known, ids_of, "/api").unwrap().contains("/tidak-ada/"));
    }

    #[test]
    fn unescapes_character_references() {
        assert_eq!(unescape("&#x2F;a&#x2F;?x=1&amp;y=&#39;2&#39; &copy"), "/a/?x=1&y='2' &copy");
    }

    #[test]
    fn finds_ids_and_links() {
        let html = "<a href=\"/a/?x=1&amp;y=2\">a</a>\n<h2 id=\"biaya\">B</h2><img src='/i.png'>";
        assert!(ids(html).contains("biaya"));
        assert_eq!(links(html), [("/a/?x=1&y=2".to_string(), 1), ("/i.png".to_string(), 2)]);
    }
}
