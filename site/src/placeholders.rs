//! Placeholders in `config.toml` that must not reach the public: values the shipped file marks
//! with a `# CONTOH` comment (or that still say "Contoh"), and addresses at the reserved
//! `example` domains (RFC 2606: `example`, `example.com`, `example.net`, `example.org` and
//! their subdomains). A build for a production address (`https://…`) refuses them; a local
//! build only warns (see [`crate::build::build_site`]).

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, LineIndex};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Whether a site built for `base_url` is the public one: only those must be free of
/// placeholders (a local preview at `http://127.0.0.1:8080` may keep them).
pub fn is_production(base_url: &str) -> bool {
    base_url.trim().get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// Every placeholder in the text of `config.toml`, one diagnostic per value, by line. A file
/// that does not parse has none here: loading it reports that.
pub fn in_config(text: &str) -> Vec<Diagnostic> {
    let Ok(table) = DeTable::parse(text) else { return Vec::new() };
    let lines = LineIndex::new(text);
    let mut found = Vec::new();
    let scan = Scan { file: CONFIG_FILE, text, lines: &lines, words: true, line_offset: 0 };
    walk_table(&scan, "", table.get_ref(), &mut found);
    found.sort();
    found
}

/// The placeholders in a content file's TOML (a page's front matter, whose first line is line
/// `line_offset + 1` of `file`, or a `data/*.toml` file with `line_offset` 0): values marked
/// `# CONTOH` and addresses at example domains. Unlike `config.toml`, the word "contoh" alone
/// is no placeholder here: content says "contoh: PGD-2026-00042" on purpose.
pub fn in_content(file: &str, text: &str, line_offset: usize) -> Vec<Diagnostic> {
    let Ok(table) = DeTable::parse(text) else { return Vec::new() };
    let lines = LineIndex::new(text);
    let mut found = Vec::new();
    let scan = Scan { file, text, lines: &lines, words: false, line_offset };
    walk_table(&scan, "", table.get_ref(), &mut found);
    found.sort();
    found
}

/// What a walk over one TOML text reports against.
struct Scan<'a> {
    file: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    /// Whether a value saying "contoh" is a placeholder even without a `# CONTOH` mark.
    words: bool,
    line_offset: usize,
}

/// The base URL given on the command line (`--base-url`), when it names an example domain.
pub fn in_base_url(url: &str) -> Option<Diagnostic> {
    example_domain(url).map(|domain| Diagnostic::new("--base-url", None, format!("memakai domain contoh {domain}")))
}

/// Prints the placeholders a local build leaves in, one line each, and what a production build
/// would do about them.
pub fn warn(found: &[Diagnostic]) {
    if found.is_empty() {
        return;
    }
    for d in found {
        eprintln!("peringatan: {d}");
    }
    eprintln!(
        "Peringatan: {} nilai contoh belum diganti. Ganti dengan data kantor (dan hapus tanda # CONTOH): \
         site-gen build untuk alamat https:// menolak membangun selama masih ada.",
        found.len()
    );
}

fn walk_table(scan: &Scan<'_>, prefix: &str, table: &DeTable<'_>, found: &mut Vec<Diagnostic>) {
    for (key, value) in table {
        let path = if prefix.is_empty() { key.get_ref().to_string() } else { format!("{prefix}.{}", key.get_ref()) };
        walk_value(scan, &path, value, found);
    }
}

fn walk_value(scan: &Scan<'_>, path: &str, value: &Spanned<DeValue<'_>>, found: &mut Vec<Diagnostic>) {
    let (file, text) = (scan.file, scan.text);
    match value.get_ref() {
        DeValue::Table(table) => walk_table(scan, path, table, found),
        DeValue::Array(items) => {
            // Counted from 1, as an editor counts the `[[office.channels]]` blocks.
            for (i, item) in items.iter().enumerate() {
                walk_value(scan, &format!("{path}[{}]", i + 1), item, found);
            }
        }
        scalar => {
            let span = value.span();
            let line = Some(scan.line_offset + scan.lines.line(span.start));
            let string = match scalar {
                DeValue::String(s) => Some(s.as_ref()),
                _ => None,
            };
            // Interface words ("Contoh: nama@contoh.id" under the email field) say "contoh"
            // and show sample addresses on purpose; only a `# CONTOH` mark counts there.
            let string = if interface_words(path) { None } else { string };
            if marked(text, span.end) || (scan.words && string.is_some_and(says_contoh)) {
                found.push(Diagnostic::new(file, line, format!("{path} masih berisi CONTOH")));
            } else if let Some(domain) = string.and_then(example_domain) {
                found.push(Diagnostic::new(file, line, format!("{path} masih memakai domain contoh {domain}")));
            }
        }
    }
}

/// Whether `path` is a word of a language's interface tables (`languages.en.form.email_hint`).
fn interface_words(path: &str) -> bool {
    matches!(path.split('.').collect::<Vec<_>>().as_slice(), ["languages", _, "ui" | "form" | "track" | "errors", _])
}

/// Whether the rest of the line after a value is a comment marking it `CONTOH`.
fn marked(text: &str, value_end: usize) -> bool {
    let rest = text.get(value_end..).unwrap_or("");
    let rest = rest.split('\n').next().unwrap_or("").trim_start();
    rest.strip_prefix('#').is_some_and(says_contoh)
}

/// Whether `text` has the word "contoh" in it, in any case ("Kabupaten Contoh").
fn says_contoh(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|word| word.eq_ignore_ascii_case("contoh"))
}

/// The first host name in `text` at a reserved example domain, such as `dpmptsp.example` in
/// `mailto:pengaduan@dpmptsp.example`.
fn example_domain(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .map(|token| token.trim_matches('.').to_ascii_lowercase())
        .find(|host| {
            let labels: Vec<&str> = host.split('.').collect();
            matches!(labels.as_slice(), [.., _, "example"] | [.., "example", "com" | "net" | "org"])
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        in_config(text).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_shipped_config_names_each_placeholder() {
        let text = include_str!("../../config.toml");
        let found = messages(text);
        for key in [
            "office.region masih berisi CONTOH",
            "office.address masih berisi CONTOH",
            "office.channels[1].value masih berisi CONTOH",
            "office.channels[1].url masih berisi CONTOH",
            "office.channels[2].value masih berisi CONTOH",
            "office.channels[3].value masih berisi CONTOH",
            "office.channels[3].url masih berisi CONTOH",
        ] {
            assert!(found.iter().any(|m| m.ends_with(key)), "{key} not among {found:#?}");
        }
        assert!(found.iter().all(|m| m.starts_with("config.toml:")), "each with its line: {found:#?}");
        assert!(!found.iter().any(|m| m.contains("LAPOR") || m.contains("menu")), "{found:#?}");
        assert!(!found.iter().any(|m| m.contains("languages.")), "interface words are no placeholders: {found:#?}");
    }

    #[test]
    fn markers_words_and_example_domains() {
        let text = "title = \"Situs\" # CONTOH\nbase_url = \"https://uji.example.org/\"\n\
                    [office]\nname = \"Dinas\"\nregion = \"Kabupaten Contoh\"\naddress = \"Jl. Contohan 1\"\n\
                    hours = \"08.00\" # ganti jam\n";
        assert_eq!(
            messages(text),
            [
                "config.toml:1: title masih berisi CONTOH",
                "config.toml:2: base_url masih memakai domain contoh uji.example.org",
                "config.toml:5: office.region masih berisi CONTOH",
            ]
        );
    }

    #[test]
    fn real_values_pass() {
        let text = "title = \"Layanan\"\nbase_url = \"https://dpmptsp.sukamajukab.go.id\"\n[office]\nname = \"Dinas\"\n\
                    [[office.channels]]\nname = \"Email\"\nvalue = \"pengaduan@example-dinas.go.id\"\n";
        assert_eq!(messages(text), Vec::<String>::new());
        assert_eq!(
            in_base_url("https://www.example.com/").map(|d| d.to_string()).as_deref(),
            Some("--base-url: memakai domain contoh www.example.com")
        );
        assert!(in_base_url("https://example-dinas.go.id").is_none());
    }

    #[test]
    fn content_is_refused_only_for_marks_and_example_domains() {
        let text = "title = \"Contoh isian\"\nurl = \"https://dinas.example/\"\nfee = \"Gratis\" # CONTOH\n";
        let found: Vec<String> = in_content("content/a.md", text, 1).iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "content/a.md:3: url masih memakai domain contoh dinas.example",
                "content/a.md:4: fee masih berisi CONTOH"
            ]
        );
    }

    #[test]
    fn only_https_is_production() {
        assert!(is_production("https://dpmptsp.go.id"));
        assert!(is_production("HTTPS://dpmptsp.go.id"));
        assert!(!is_production("http://127.0.0.1:8080"));
        assert!(!is_production(""));
    }
}
