//! Writing the built site: only files whose bytes changed are written, and files a previous
//! build wrote that this one did not are removed. Rewriting or deleting thousands of unchanged
//! files costs seconds on slow filesystems and churns every upload and cache downstream.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The list of files the last build wrote, with their digests, kept in the output folder.
pub const MANIFEST: &str = ".site-gen-manifest";

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path inside the output folder, with `/` separators.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl OutputFile {
    /// A file at `path` with `bytes`.
    pub fn new(path: String, bytes: Vec<u8>) -> Self {
        Self { path, bytes }
    }
}

/// What writing did.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOutcome {
    /// Files written.
    pub written: usize,
    /// Stale files removed.
    pub removed: usize,
}

/// Writes builds into one output folder.
pub struct Writer {
    out: PathBuf,
    previous: BTreeMap<String, (u64, u64)>,
}

/// A digest of `bytes` for change detection (not for security).
pub fn digest(bytes: &[u8]) -> u64 {
    // Fixed keys: stable between runs of the same build of site-gen. A different digest after
    // an upgrade only means one full rewrite.
    let mut h = DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

impl Writer {
    /// Reads the previous build's manifest in `out`, if any. Nothing is created until
    /// [`Writer::write_all`]: a failed build leaves no trace.
    pub fn open(out: &Path) -> Result<Self, String> {
        let mut previous = BTreeMap::new();
        if let Ok(text) = std::fs::read_to_string(out.join(MANIFEST)) {
            for line in text.lines() {
                let mut parts = line.splitn(3, ' ');
                if let (Some(h), Some(l), Some(p)) = (parts.next(), parts.next(), parts.next())
                    && let (Ok(h), Ok(l)) = (u64::from_str_radix(h, 16), l.parse())
                {
                    previous.insert(p.to_owned(), (h, l));
                }
            }
        }
        Ok(Self { out: out.to_path_buf(), previous })
    }

    /// Whether `path` is on disk as the last build wrote it (by its recorded size).
    pub fn unchanged(&self, path: &str) -> bool {
        self.previous.get(path).is_some_and(|(_, len)| {
            std::fs::metadata(self.out.join(path)).is_ok_and(|m| m.is_file() && m.len() == *len)
        })
    }

    /// Writes the files that changed, keeps the `kept` ones as they are, removes stale ones and
    /// records the new manifest.
    pub fn write_all(&mut self, files: Vec<OutputFile>, kept: &[String]) -> Result<WriteOutcome, String> {
        std::fs::create_dir_all(&self.out).map_err(|e| format!("folder keluaran tidak dapat dibuat: {e}"))?;
        let dirs: BTreeSet<&str> = files.iter().filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d)).collect();
        for dir in &dirs {
            let p = self.out.join(dir);
            if !p.is_dir() {
                std::fs::create_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            }
        }
        let written = AtomicUsize::new(0);
        let entries: Vec<(String, u64, u64)> = files
            .into_par_iter()
            .map(|f| {
                let hash = digest(&f.bytes);
                let len = f.bytes.len() as u64;
                let target = self.out.join(&f.path);
                let unchanged = self.previous.get(&f.path) == Some(&(hash, len))
                    && std::fs::metadata(&target).is_ok_and(|m| m.len() == len);
                if !unchanged {
                    std::fs::write(&target, &f.bytes).map_err(|e| format!("{}: {e}", target.display()))?;
                    written.fetch_add(1, Ordering::Relaxed);
                }
                Ok((f.path, hash, len))
            })
            .collect::<Result<_, String>>()?;
        let mut current: BTreeMap<String, (u64, u64)> = entries.into_iter().map(|(p, h, l)| (p, (h, l))).collect();
        for path in kept {
            if let Some(entry) = self.previous.get(path) {
                current.insert(path.clone(), *entry);
            }
        }
        let mut removed = 0;
        for stale in self.previous.keys().filter(|p| !current.contains_key(*p)) {
            let target = self.out.join(stale);
            if std::fs::remove_file(&target).is_ok() {
                removed += 1;
            }
            // Empty folders left behind go too; a non-empty one (someone else's files) stays.
            let mut dir = target.parent();
            while let Some(d) = dir.filter(|d| *d != self.out) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        let written = written.into_inner();
        if written > 0 || removed > 0 || current != self.previous {
            let mut text = String::with_capacity(current.len() * 64);
            for (path, (hash, len)) in &current {
                text.push_str(&format!("{hash:016x} {len} {path}\n"));
            }
            std::fs::write(self.out.join(MANIFEST), text).map_err(|e| format!("{MANIFEST}: {e}"))?;
        }
        self.previous = current;
        Ok(WriteOutcome { written, removed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str, b: &str) -> OutputFile {
        OutputFile::new(p.into(), b.as_bytes().to_vec())
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writer::open(dir.path()).unwrap();
        let first = w
            .write_all(vec![file("index.html", "a"), file("x/index.html", "b"), file("y/z/index.html", "c")], &[])
            .unwrap();
        assert_eq!((first.written, first.removed), (3, 0));

        let mut w = Writer::open(dir.path()).unwrap();
        let again = w.write_all(vec![file("index.html", "a"), file("x/index.html", "B")], &[]).unwrap();
        assert_eq!((again.written, again.removed), (1, 1));
        assert_eq!(std::fs::read_to_string(dir.path().join("x/index.html")).unwrap(), "B");
        assert!(!dir.path().join("y").exists(), "empty folders of stale files are removed");

        // A file changed behind the builder's back is rewritten.
        std::fs::write(dir.path().join("index.html"), "edited by hand").unwrap();
        let mut w = Writer::open(dir.path()).unwrap();
        let repaired = w.write_all(vec![file("index.html", "a"), file("x/index.html", "B")], &[]).unwrap();
        assert_eq!(repaired.written, 1);
        assert_eq!(std::fs::read_to_string(dir.path().join("index.html")).unwrap(), "a");
    }

    #[test]
    fn kept_files_stay_without_being_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writer::open(dir.path()).unwrap();
        w.write_all(vec![file("a/index.html", "a"), file("b/index.html", "b")], &[]).unwrap();
        assert!(w.unchanged("a/index.html"));
        let mut w = Writer::open(dir.path()).unwrap();
        let outcome = w.write_all(vec![file("b/index.html", "b")], &["a/index.html".to_owned()]).unwrap();
        assert_eq!((outcome.written, outcome.removed), (0, 0));
        assert!(dir.path().join("a/index.html").exists());
        std::fs::write(dir.path().join("a/index.html"), "changed length").unwrap();
        assert!(!Writer::open(dir.path()).unwrap().unchanged("a/index.html"));
    }

    #[test]
    fn leaves_files_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
        let mut w = Writer::open(dir.path()).unwrap();
        w.write_all(vec![file("index.html", "a")], &[]).unwrap();
        w.write_all(vec![], &[]).unwrap();
        assert!(dir.path().join("keep.txt").exists());
        assert!(!dir.path().join("index.html").exists());
    }
}
