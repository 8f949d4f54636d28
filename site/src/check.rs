//! `site-gen check`: builds in memory and lists every internal link or `#anchor` in the output
//! that does not resolve, templates' links included.

use crate::build::{BuildOptions, Site, render_site};
use crate::diagnostics::{BuildFailure, Diagnostic};
use crate::links;
use crate::output::OutputFile;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Counts from a check that passed.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckReport {
    /// Pages checked.
    pub pages: usize,
    /// Internal links checked.
    pub links: usize,
}

/// Builds the site at `root` without writing anything and checks every internal link.
pub fn check(root: &Path) -> Result<CheckReport, BuildFailure> {
    let opts = BuildOptions { root: root.to_path_buf(), out: root.join("public"), base_url: None, live_reload: false };
    let site = Site::load(root, None)?;
    let mut rendition = render_site(&site, &opts, None)?;
    crate::build::add_search(&mut rendition, &opts.out, None, crate::search::Indexing::Now)?;
    let (problems, count) = broken_links(&rendition.files, &site.config.api_url);
    if problems.is_empty() {
        Ok(CheckReport { pages: rendition.report.pages, links: count })
    } else {
        let mut problems: Vec<Diagnostic> = problems
            .into_iter()
            .map(|b| Diagnostic::new(Path::new("public").join(&b.file), Some(b.line), b.problem))
            .collect();
        problems.sort();
        Err(BuildFailure(problems))
    }
}

/// An internal link in the output that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The output file it is in (`layanan/index.html`).
    pub file: String,
    /// Its line in that file.
    pub line: usize,
    /// The link as written (`/tidak-ada/#x`).
    pub dest: String,
    /// What is wrong, in Bahasa Indonesia.
    pub problem: String,
}

/// Every internal link or anchor in the HTML of `files` that does not resolve among them, and
/// how many links were checked: the one link check of `site-gen check` and of the editor's
/// check ([`crate::edit::check_with`]).
pub fn broken_links(files: &[OutputFile], api_url: &str) -> (Vec<BrokenLink>, usize) {
    let known: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let html: Vec<(&str, &str)> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| std::str::from_utf8(&f.bytes).ok().map(|s| (f.path.as_str(), s)))
        .collect();
    let ids: HashMap<&str, HashSet<String>> = html.iter().map(|(p, h)| (*p, links::ids(h))).collect();
    let mut problems = Vec::new();
    let mut count = 0;
    for (path, text) in &html {
        let from = page_url(path);
        for (dest, line) in links::links(text) {
            count += 1;
            if let Some(problem) = links::check(&from, &dest, &known, |p| ids.get(p), api_url) {
                problems.push(BrokenLink { file: (*path).to_owned(), line, dest, problem });
            }
        }
    }
    (problems, count)
}

/// The URL path an output file is served at: `a/index.html` is `/a/`.
fn page_url(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{path}"),
    }
}
