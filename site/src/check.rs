//! `site-gen check`: builds in memory and lists every internal link or `#anchor` in the output
//! that does not resolve, templates' links included.

use crate::build::{BuildOptions, Site, render_site};
use crate::diagnostics::{BuildFailure, Diagnostic};
use crate::links;
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
    crate::build::add_search(&mut rendition, &opts.out, None)?;
    let (files, report) = (rendition.files, rendition.report);
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
            if let Some(problem) = links::check(&from, &dest, &known, |p| ids.get(p), &site.config.api_url) {
                problems.push(Diagnostic::new(Path::new("public").join(path), Some(line), problem));
            }
        }
    }
    if problems.is_empty() {
        Ok(CheckReport { pages: report.pages, links: count })
    } else {
        problems.sort();
        Err(BuildFailure(problems))
    }
}

/// The URL path an output file is served at: `a/index.html` is `/a/`.
fn page_url(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{path}"),
    }
}
