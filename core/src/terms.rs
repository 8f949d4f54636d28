//! Indonesian terms in English text: the names of documents, bodies, steps and systems that
//! stay Indonesian on English pages ("Berita Acara Penyelesaian Pengaduan", "LAPOR!"). Marked
//! `lang="id"`, a screen reader speaks them with Indonesian pronunciation instead of spelling
//! them out as English (WCAG 3.1.2, language of parts).

/// The Indonesian terms English pages use, longest first where one contains another, so the
/// longer name is marked whole.
pub const INDONESIAN_TERMS: &[&str] = &[
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "Kepala Bidang Pengaduan, Kebijakan dan Pelaporan Layanan",
    "Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional",
    "Layanan Aspirasi dan Pengaduan Online Rakyat",
    "Berita Acara Penyelesaian Pengaduan",
    "Surat Pernyataan Kebenaran Aduan",
    "Layanan Informasi dan Pengaduan",
    "Survei Kepuasan Masyarakat",
    "Surat Jawaban Pengaduan",
    "Buku Register Pengaduan",
    "JFT Analis Kebijakan",
    "Formulir Pengaduan",
    "Perlu dilengkapi",
    "Kepala Bidang",
    "Kepala Dinas",
    "SP4N-LAPOR!",
    "hari kerja",
    "Pengaduan",
    "LAPOR!",
];

/// Elements whose text cannot hold markup (or is not text): left as they are.
const NO_MARKUP: [&str; 6] = ["title", "textarea", "option", "script", "style", "template"];

/// Elements without an end tag.
const VOID: [&str; 14] =
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param"];

/// `html` (an English page) with each of `terms` in its text wrapped in `<span lang="id">`,
/// except where it already stands in an element marked Indonesian, in an attribute, or in an
/// element whose text cannot hold markup (`title`, `option`, `script`).
pub fn mark_indonesian_terms(html: &str, terms: &[&str]) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    walk(html, |segment| match segment {
        Segment::Markup(m) => out.push_str(m),
        Segment::Text { text, plain: false } => out.push_str(text),
        Segment::Text { text, plain: true } => {
            let mut rest = text;
            while let Some((at, term)) = find_term(rest, terms) {
                out.push_str(&rest[..at]);
                out.push_str("<span lang=\"id\">");
                out.push_str(term);
                out.push_str("</span>");
                rest = &rest[at + term.len()..];
            }
            out.push_str(rest);
        }
    });
    out
}

/// The terms of `terms` that stand in `html`'s text outside any element marked Indonesian,
/// once each, in the order found: what [`mark_indonesian_terms`] would still mark.
pub fn unmarked_terms<'t>(html: &str, terms: &[&'t str]) -> Vec<&'t str> {
    let mut found = Vec::new();
    walk(html, |segment| {
        if let Segment::Text { text, plain: true } = segment {
            let mut rest = text;
            while let Some((at, term)) = find_term(rest, terms) {
                if !found.contains(&term) {
                    found.push(term);
                }
                rest = &rest[at + term.len()..];
            }
        }
    });
    found
}

/// A piece of a page: markup to copy, or text, `plain` when it is English text a term may be
/// marked in.
enum Segment<'a> {
    Markup(&'a str),
    Text { text: &'a str, plain: bool },
}

/// Calls `each` with every piece of `html` in order, following which elements are open and
/// which of them are marked Indonesian.
fn walk<'a>(html: &'a str, mut each: impl FnMut(Segment<'a>)) {
    // Open elements: name, and whether its own `lang` says Indonesian (None: no `lang`).
    let mut open: Vec<(String, Option<bool>)> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            each(Segment::Text { text: rest, plain: plain_here(&open) });
            break;
        };
        if lt > 0 {
            each(Segment::Text { text: &rest[..lt], plain: plain_here(&open) });
        }
        rest = &rest[lt..];
        let end = if rest.starts_with("<!--") { rest.find("-->").map_or(rest.len(), |e| e + 3) } else { tag_end(rest) };
        let tag = &rest[..end];
        each(Segment::Markup(tag));
        rest = &rest[end..];
        let Some(name) = tag_name(tag) else { continue };
        if let Some(closing) = name.strip_prefix('/') {
            if let Some(i) = open.iter().rposition(|(n, _)| n == closing) {
                open.truncate(i);
            }
            continue;
        }
        if VOID.contains(&name.as_str()) || tag.ends_with("/>") {
            continue;
        }
        if name == "script" || name == "style" {
            // Raw text up to the element's end tag, copied as it is.
            let close = format!("</{name}");
            let stop = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
            each(Segment::Text { text: &rest[..stop], plain: false });
            rest = &rest[stop..];
            continue;
        }
        open.push((name, lang_attribute(tag).map(|l| l == "id" || l.starts_with("id-"))));
    }
}

/// Whether text here is English text a term may be marked in: no open element's text takes no
/// markup, and the nearest `lang` is not Indonesian.
fn plain_here(open: &[(String, Option<bool>)]) -> bool {
    let markup_allowed = !open.iter().any(|(n, _)| NO_MARKUP.contains(&n.as_str()));
    let indonesian = open.iter().rev().find_map(|(_, lang)| *lang).unwrap_or(false);
    markup_allowed && !indonesian
}

/// The length of the tag at the start of `s` (which starts with `<`), quoted `>` included.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The tag's name in lower case, with a leading `/` for an end tag; `None` for `<!doctype>`
/// and comments.
fn tag_name(tag: &str) -> Option<String> {
    let inner = tag.strip_prefix('<')?;
    if inner.starts_with('!') || inner.starts_with('?') {
        return None;
    }
    let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '-').collect();
    (!name.is_empty() && name != "/").then(|| name.to_ascii_lowercase())
}

/// The value of the tag's own `lang` attribute (not `hreflang` or `xml:lang`), lower case.
fn lang_attribute(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("lang=") {
        let at = from + i;
        from = at + 5;
        if !lower[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let value = &lower[at + 5..];
        let quote = value.chars().next()?;
        let value = if quote == '"' || quote == '\'' {
            value[1..].split(quote).next()?
        } else {
            value.split(|c: char| c.is_ascii_whitespace() || c == '>').next()?
        };
        return Some(value.trim().to_owned());
    }
    None
}

/// The first term of `terms` in `text` that stands as words (not inside a longer word), the
/// longest where several start at the same place.
fn find_term<'t>(text: &str, terms: &[&'t str]) -> Option<(usize, &'t str)> {
    let word = |c: char| c.is_alphanumeric() || c == '-';
    let mut best: Option<(usize, &'t str)> = None;
    for term in terms {
        let mut from = 0;
        while let Some(i) = text[from..].find(term) {
            let at = from + i;
            let before = text[..at].chars().next_back();
            let after = text[at + term.len()..].chars().next();
            if !before.is_some_and(word) && !after.is_some_and(word) {
                if best.is_none_or(|(b, t)| at < b || (at == b && term.len() > t.len())) {
                    best = Some((at, term));
                }
                break;
            }
            from = at + term.len();
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_in_english_text_are_marked_indonesian_once_and_whole() {
        let html = "<p>A Complaint Settlement Report (<em>Berita Acara Penyelesaian Pengaduan</em>) through LAPOR! or SP4N-LAPOR!.</p>";
        assert_eq!(
            mark_indonesian_terms(html, INDONESIAN_TERMS),
            "<p>A Complaint Settlement Report (<em><span lang=\"id\">Berita Acara Penyelesaian Pengaduan</span></em>) through <span lang=\"id\">LAPOR!</span> or <span lang=\"id\">SP4N-LAPOR!</span>.</p>"
        );
    }

    #[test]
    fn text_already_indonesian_attributes_and_text_without_markup_are_left() {
        let html = concat!(
            "<!doctype html><html lang=\"en\"><head><title>Pengaduan</title>",
            "<script>var a = \"<b>Pengaduan</b>\";</script></head>",
            "<body><a href=\"/\" hreflang=\"id\" lang=\"id\" title=\"Pengaduan\">Layanan <b>Pengaduan</b></a>",
            "<select><option>Pengaduan</option></select><!-- Pengaduan --><br>",
            "<p lang=\"id\">Pengaduan <span lang=\"en\">then Pengaduan</span></p>",
            "<p>Pengaduannya, PengaduanX and hari kerjanya stay</p></body></html>"
        );
        let marked = mark_indonesian_terms(html, INDONESIAN_TERMS);
        assert_eq!(marked.matches("<span lang=\"id\">").count(), 1, "{marked}");
        assert!(marked.contains("<span lang=\"en\">then <span lang=\"id\">Pengaduan</span></span>"), "{marked}");
        assert_eq!(unmarked_terms(&marked, INDONESIAN_TERMS), Vec::<&str>::new());
        assert_eq!(unmarked_terms(html, INDONESIAN_TERMS), vec!["Pengaduan"]);
    }

    #[test]
    fn a_page_without_terms_is_unchanged() {
        let html = "<!doctype html><html lang=\"en\"><body><p class='x'>Track a complaint &amp; more</p></body></html>";
        assert_eq!(mark_indonesian_terms(html, INDONESIAN_TERMS), html);
    }
}
