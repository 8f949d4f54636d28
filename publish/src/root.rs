//! A site root to build from, in a temporary folder: `templates/`, `static/` and `config.toml`
//! copied from the shipped site (on Lambda `$LAMBDA_TASK_ROOT/site/`, which `infra/deploy.sh`
//! packs next to `bootstrap`; in tests the repository), and `content/` written from the content
//! store's live text, with optional changes laid over it.
//!
//! Content comes only from the store: a file the store does not have is not on the site, which
//! is how a page that editors removed leaves it.

use crate::PublishError;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use tempfile::TempDir;
use walkdir::WalkDir;

/// What is copied from the shipped site, beside the content the store supplies.
pub const SHIPPED: [&str; 3] = ["templates", "static", "config.toml"];

/// A materialised site root; the folder is removed when this is dropped.
#[derive(Debug)]
pub struct SiteRoot {
    dir: TempDir,
    content_files: usize,
}

impl SiteRoot {
    /// The root folder (holding `content/`, `templates/`, `static/`, `config.toml`).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// How many content files were written.
    pub fn content_files(&self) -> usize {
        self.content_files
    }
}

/// Lays out a site root from the shipped folder `shipped` and the content files `content`
/// (path relative to `content/` → text), then `overlay` over them (the same, replacing).
/// Refuses any path that could leave `content/`: absolute, with `..` or `.`, or empty.
pub fn materialise(
    shipped: &Path,
    content: impl IntoIterator<Item = (String, String)>,
    overlay: &BTreeMap<String, String>,
) -> Result<SiteRoot, PublishError> {
    let dir = tempfile::Builder::new().prefix("pengaduan-situs-").tempdir().map_err(|e| io("a temporary folder", e))?;
    for name in SHIPPED {
        let from = shipped.join(name);
        if !from.exists() {
            return Err(PublishError::Site(format!("{} is missing from the shipped site", from.display())));
        }
        copy(&from, &dir.path().join(name))?;
    }
    let mut files: BTreeMap<String, String> = content.into_iter().collect();
    files.extend(overlay.iter().map(|(k, v)| (k.clone(), v.clone())));
    let content_dir = dir.path().join(pengaduan_site::build::CONTENT_DIR);
    std::fs::create_dir_all(&content_dir).map_err(|e| io(&content_dir, e))?;
    for (path, text) in &files {
        let target = content_dir.join(safe_path(path)?);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&target, text).map_err(|e| io(&target, e))?;
    }
    Ok(SiteRoot { dir, content_files: files.len() })
}

/// `path` as a relative path of plain names only, or [`PublishError::UnsafePath`].
pub fn safe_path(path: &str) -> Result<PathBuf, PublishError> {
    let p = Path::new(path);
    // A backslash or NUL is no part of any content file's name, and a backslash would be a
    // separator on some systems.
    let plain = !path.is_empty()
        && !path.contains(['\\', '\0'])
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !path.split('/').any(|part| part.is_empty() || part == "." || part == "..");
    if plain { Ok(p.to_path_buf()) } else { Err(PublishError::UnsafePath(path.to_owned())) }
}

/// Copies a file, or a folder with everything under it (symbolic links are followed: the
/// shipped folder is the office's own).
fn copy(from: &Path, to: &Path) -> Result<(), PublishError> {
    if from.is_file() {
        std::fs::copy(from, to).map_err(|e| io(from, e))?;
        return Ok(());
    }
    for entry in WalkDir::new(from).follow_links(true) {
        let entry = entry.map_err(|e| PublishError::Site(format!("{}: {e}", from.display())))?;
        let rel = entry.path().strip_prefix(from).expect("under the walked folder");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| io(&target, e))?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| io(entry.path(), e))?;
        }
    }
    Ok(())
}

fn io(what: impl AsRef<Path>, e: std::io::Error) -> PublishError {
    PublishError::Site(format!("{}: {e}", what.as_ref().display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn unsafe_paths_are_refused() {
        for bad in ["", "/etc/passwd", "../x.md", "a/../../x.md", "a//b.md", "./a.md", "a/./b.md", "a\\b.md", "a/"] {
            assert!(matches!(safe_path(bad), Err(PublishError::UnsafePath(_))), "{bad:?} was accepted");
        }
        for good in ["_index.md", "layanan/informasi-dan-pengaduan.md", "data/hari-libur.toml", "a..b.md"] {
            assert_eq!(safe_path(good).unwrap(), PathBuf::from(good));
        }
    }

    #[test]
    fn root_holds_the_shipped_site_the_content_and_the_overlay() {
        let content = vec![("_index.md".to_owned(), "+++\ntitle = \"A\"\n+++\n".to_owned())];
        let overlay = BTreeMap::from([
            ("_index.md".to_owned(), "+++\ntitle = \"B\"\n+++\n".to_owned()),
            ("baru/halaman.md".to_owned(), "+++\ntitle = \"C\"\n+++\n".to_owned()),
        ]);
        let root = materialise(&repo(), content, &overlay).unwrap();
        assert!(root.path().join("config.toml").is_file());
        assert!(root.path().join("templates/base.html").is_file());
        assert!(root.path().join("static/favicon.svg").is_file());
        let index = std::fs::read_to_string(root.path().join("content/_index.md")).unwrap();
        assert!(index.contains("\"B\""), "the overlay wins: {index}");
        assert!(root.path().join("content/baru/halaman.md").is_file());
        assert_eq!(root.content_files(), 2);
        // Nothing of the repository's own content/ is taken: only the store's files.
        assert!(!root.path().join("content/lacak.md").exists());
    }

    #[test]
    fn an_unsafe_content_path_stops_the_root() {
        let content = vec![("../escape.md".to_owned(), "x".to_owned())];
        let err = materialise(&repo(), content, &BTreeMap::new()).unwrap_err();
        assert!(matches!(err, PublishError::UnsafePath(p) if p == "../escape.md"));
    }
}
