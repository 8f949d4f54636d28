//! Loading the Tera templates and turning their errors into file-and-line diagnostics.

use crate::diagnostics::Diagnostic;
use pengaduan_core::text::error_chain as chain;
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// The site's templates, and their sources for locating errors.
pub struct Templates {
    /// The compiled templates.
    pub tera: tera::Tera,
    sources: BTreeMap<String, String>,
}

/// The templates folder under the site root.
pub const TEMPLATES_DIR: &str = "templates";

impl Templates {
    /// Loads every `.html` file under `root/templates`, named by its path inside that folder.
    pub fn load(root: &Path) -> Result<Self, Diagnostic> {
        let dir = root.join(TEMPLATES_DIR);
        let mut sources = BTreeMap::new();
        for entry in WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| Diagnostic::new(TEMPLATES_DIR, None, format!("tidak dapat dibaca: {e}")))?;
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let name = path.strip_prefix(&dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(path).map_err(|e| {
                Diagnostic::new(Path::new(TEMPLATES_DIR).join(&name), None, format!("tidak dapat dibaca: {e}"))
            })?;
            sources.insert(name, text);
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str()))).map_err(|e| {
            let chain = chain(&e);
            let name = quoted_template(&chain).unwrap_or_default();
            let line =
                chain.split("--> ").nth(1).and_then(|rest| rest.split(':').next()).and_then(|l| l.trim().parse().ok());
            Diagnostic::new(
                Path::new(TEMPLATES_DIR).join(name),
                line,
                format!("template tidak sah: {}", one_line(&chain)),
            )
        })?;
        Ok(Self { tera, sources })
    }

    /// Every template's source by name, in name order.
    pub fn sources(&self) -> &BTreeMap<String, String> {
        &self.sources
    }

    /// Whether a template of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Turns a render error into a diagnostic on the template, with the line of the missing
    /// variable when it can be found; `page_file` says which page was being rendered.
    pub fn render_error(&self, template: &str, e: &tera::Error, page_file: &Path) -> Diagnostic {
        let chain = chain(e);
        let failing = last_quoted_template(&chain).unwrap_or_else(|| template.to_owned());
        let needle = chain.split('`').nth(1).map(str::to_owned);
        let mut line = None;
        let mut file = failing.clone();
        if let Some(needle) = &needle {
            let search = std::iter::once(failing.as_str()).chain(self.sources.keys().map(String::as_str));
            for name in search {
                if let Some(l) =
                    self.sources.get(name).and_then(|src| src.lines().position(|l| l.contains(needle.as_str())))
                {
                    line = Some(l + 1);
                    file = name.to_owned();
                    break;
                }
            }
        }
        Diagnostic::new(
            Path::new(TEMPLATES_DIR).join(file),
            line,
            format!("{} (saat merender {})", one_line(&chain), page_file.display()),
        )
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn quoted_template(s: &str) -> Option<String> {
    s.split('\'').nth(1).map(str::to_owned)
}

fn last_quoted_template(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split('\'').collect();
    (parts.len() >= 3).then(|| parts[parts.len() - 2].to_owned())
}
