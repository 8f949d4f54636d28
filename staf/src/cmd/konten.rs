//! `konten`: the site's content between the store, where editors change it in the console, and
//! a working tree's `content/`.
//!
//! - `tarik` writes the store's live text of every file (its newest published or original
//!   revision) into `<root>/content/`, each file atomically and only when its bytes differ, so
//!   a build afterwards rebuilds only what changed.
//! - `benih` records the working tree's files as the store's originals, for a store that has
//!   none yet (the first deploy on AWS); a file editors have changed in the console is left
//!   alone unless `--timpa` says the repository wins.
//!
//! Only `.md` files and `data/*.toml` move either way, at relative paths checked by
//! [`checked_path`]: a path read from the store never leaves `content/`.

use crate::Failure;
use clap::{Args, Subcommand};
use jiff::Zoned;
use pengaduan_core::datetime::human_time;
use pengaduan_core::text::escape_controls_line;
use pengaduan_store::content::{ContentHead, ContentSave, ContentStore, MAX_CONTENT_BYTES, Revision};
use pengaduan_store::{AnyStore, StoreError};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Who `benih --timpa` saves and publishes as: the deploy, not a person.
pub const DEPLOY: &str = "deploy";

/// The note of a revision `benih --timpa` saves.
pub const OVERWRITE_NOTE: &str = "ditimpa dari repositori";

/// The options of `konten`.
#[derive(Debug, Args)]
pub struct Konten {
    /// What to do.
    #[command(subcommand)]
    pub perintah: Perintah,
}

/// The subcommands of `konten`.
#[derive(Debug, Subcommand)]
pub enum Perintah {
    /// Tulis isi situs yang sudah terbit di penyimpanan ke content/ (hanya berkas yang berbeda).
    #[command(override_usage = "pengaduan-staf [--root FOLDER] [--store TEMPAT] konten tarik")]
    Tarik,
    /// Isi penyimpanan dengan berkas content/ (.md dan data/*.toml) yang belum ada di sana.
    #[command(override_usage = "pengaduan-staf [--root FOLDER] [--store TEMPAT] konten benih [--timpa]")]
    Benih {
        /// Berkas yang diubah lewat konsol ditimpa dengan isi repositori, lalu semua draf diterbitkan.
        #[arg(long)]
        timpa: bool,
    },
}

/// Runs `konten` on `store` for the site at `root`, at `now`.
pub(crate) async fn run(store: &AnyStore, root: &Path, now: &Zoned, a: Konten) -> Result<String, Failure> {
    match a.perintah {
        Perintah::Tarik => pull(store, root).await,
        Perintah::Benih { timpa } => seed(store, root, now, timpa).await,
    }
}

/// `path` (relative to `content/`, with `/`) as a relative file path, when it is one this
/// command may write: no absolute path, no `..` or empty part, and a `.md` file or
/// `data/<name>.toml`. The reason in Bahasa Indonesia otherwise.
pub fn checked_path(path: &str) -> Result<PathBuf, String> {
    let refuse = |why: &str| Err(format!("jalur {:?} ditolak: {why}", escape_controls_line(path)));
    if path.starts_with('/') || path.contains('\\') || path.contains(':') || path.contains('\0') {
        return refuse("harus relatif terhadap content/, dengan garis miring /");
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts.iter().any(|p| p.is_empty() || *p == "." || *p == "..") {
        return refuse("tidak boleh memuat .., . atau bagian kosong");
    }
    let name = parts[parts.len() - 1];
    let markdown = name.len() > ".md".len() && name.ends_with(".md");
    let data = parts.len() == 2 && parts[0] == "data" && name.len() > ".toml".len() && name.ends_with(".toml");
    if !markdown && !data {
        return refuse("hanya berkas .md dan data/*.toml");
    }
    Ok(parts.iter().collect())
}

/// `konten tarik`.
async fn pull(store: &AnyStore, root: &Path) -> Result<String, Failure> {
    let live = store.live_content().await?;
    if live.is_empty() {
        return Ok("Penyimpanan belum berisi konten situs; tidak ada berkas yang ditulis.\n".into());
    }
    // Every path checked before anything is written: a store holding one bad path writes nothing.
    let targets = live
        .iter()
        .map(|r| checked_path(&r.path).map(|p| root.join("content").join(p)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::new(format!("Konten di penyimpanan tidak ditulis: {e}.")))?;
    let mut out = String::new();
    let (mut written, mut same) = (0, 0);
    for (revision, target) in live.iter().zip(&targets) {
        if std::fs::read(target).is_ok_and(|bytes| bytes == revision.text.as_bytes()) {
            same += 1;
            continue;
        }
        write_atomically(target, revision.text.as_bytes())
            .map_err(|e| Failure::new(format!("{} tidak dapat ditulis: {e}", target.display())))?;
        let _ = writeln!(out, "ditulis: {}", escape_controls_line(&revision.path));
        written += 1;
    }
    let _ = writeln!(out, "{written} berkas diperbarui, {same} sama.");
    Ok(out)
}

/// Writes `bytes` to `target` through a temporary file in the same folder and a rename, so a
/// build or a server reading the tree meanwhile sees the old file or the new one, never half.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target.parent().ok_or_else(|| std::io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = target.file_name().ok_or_else(|| std::io::Error::other("no file name"))?;
    let temp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// The working tree's content files, by path relative to `content/`: every `.md` (hidden files
/// and folders, and symbolic links, left out) and `data/*.toml`.
fn working_files(content: &Path) -> Result<Vec<(String, String)>, Failure> {
    let unreadable = |p: &Path, e: std::io::Error| Failure::new(format!("{} tidak dapat dibaca: {e}", p.display()));
    if !content.is_dir() {
        return Err(Failure::new(format!("Folder {} tidak ada; periksa --root.", content.display())));
    }
    let mut files = Vec::new();
    let mut folders = vec![content.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| unreadable(&folder, e))? {
            let entry = entry.map_err(|e| unreadable(&folder, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| unreadable(&path, e))?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if kind.is_dir() {
                folders.push(path);
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            let relative = path.strip_prefix(content).expect("found under content/");
            let Some(parts) = relative.iter().map(|p| p.to_str()).collect::<Option<Vec<_>>>() else {
                return Err(Failure::new(format!("Nama berkas {} bukan UTF-8.", path.display())));
            };
            let relative = parts.join("/");
            if checked_path(&relative).is_err() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
            if text.len() > MAX_CONTENT_BYTES {
                return Err(Failure::new(format!(
                    "{relative} terlalu besar ({} KB; paling besar {} KB).",
                    text.len() / 1024,
                    MAX_CONTENT_BYTES / 1024
                )));
            }
            files.push((relative, text));
        }
    }
    files.sort();
    Ok(files)
}

/// `konten benih`.
async fn seed(store: &AnyStore, root: &Path, now: &Zoned, overwrite: bool) -> Result<String, Failure> {
    let files = working_files(&root.join("content"))?;
    if files.is_empty() {
        return Ok(format!("Tidak ada berkas .md atau data/*.toml di {}.\n", root.join("content").display()));
    }
    let at = now.timestamp();
    let live: HashMap<String, Revision> =
        store.live_content().await?.into_iter().map(|r| (r.path.clone(), r)).collect();
    let heads: HashMap<String, ContentHead> =
        store.content_heads().await?.into_iter().map(|h| (h.path.clone(), h)).collect();
    let mut out = String::new();
    let (mut seeded, mut same, mut skipped, mut overwritten) = (0, 0, 0, 0);
    for (path, text) in &files {
        let shown = escape_controls_line(path);
        if !heads.contains_key(path) && store.seed_content(path, text, at).await? {
            let _ = writeln!(out, "dibenihkan: {shown}");
            seeded += 1;
            continue;
        }
        if live.get(path).is_some_and(|r| r.text == *text) {
            same += 1;
            continue;
        }
        let head = match heads.get(path) {
            Some(head) => head.clone(),
            // Seeded by another deploy between the reads above and the seed: read it again.
            None => store.content_heads().await?.into_iter().find(|h| h.path == *path).ok_or_else(|| {
                Failure::new(format!("{shown}: penyimpanan berubah selama perintah berjalan; jalankan lagi."))
            })?,
        };
        if !overwrite {
            let _ = writeln!(out, "dilewati: {shown}: {}; pakai --timpa untuk menimpa", who_changed(&head, now));
            skipped += 1;
            continue;
        }
        let save = ContentSave {
            path: path.clone(),
            text: text.clone(),
            expected_version: head.version,
            original: None,
            author: DEPLOY.into(),
            note: OVERWRITE_NOTE.into(),
            at,
        };
        match store.save_content(save).await {
            Ok(_) => {}
            Err(StoreError::Conflict) => {
                return Err(Failure {
                    message: format!("{shown} baru saja diubah lewat konsol; jalankan lagi."),
                    code: crate::EXIT_CONFLICT,
                });
            }
            Err(e) => return Err(e.into()),
        }
        let _ = writeln!(out, "ditimpa: {shown}");
        overwritten += 1;
    }
    let _ = write!(out, "{seeded} berkas dibenihkan, {same} sama, {skipped} dilewati");
    if overwrite {
        let _ = write!(out, ", {overwritten} ditimpa");
    }
    out.push_str(".\n");
    if overwritten > 0 {
        // The repository's text must go live now; publishing takes every waiting draft with it.
        let published = store.publish_content(DEPLOY, at).await?;
        let _ = writeln!(out, "{} berkas diterbitkan (termasuk draf lain yang menunggu).", published.len());
    }
    Ok(out)
}

/// Why a file's text in the store is not the repository's: who changed it in the console and
/// when, or, for a text no editor saved, that the store's copy is older.
fn who_changed(head: &ContentHead, now: &Zoned) -> String {
    let when = human_time(&head.saved_at.to_zoned(now.time_zone().clone()));
    if head.author.is_empty() {
        format!("isi di penyimpanan (direkam {when}) berbeda dari repositori")
    } else {
        format!("diubah lewat konsol pada {when} oleh {}", escape_controls_line(&head.author))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_markdown_and_data_toml_paths_are_written() {
        for ok in ["_index.md", "layanan/informasi-dan-pengaduan.en.md", "data/hari-libur.toml", "data/x.md"] {
            assert!(checked_path(ok).is_ok(), "{ok}");
        }
        assert_eq!(checked_path("layanan/a.md").unwrap(), Path::new("layanan").join("a.md"));
        for bad in [
            "/etc/passwd.md",
            "../luar.md",
            "layanan/../../luar.md",
            "layanan/./a.md",
            "layanan//a.md",
            "a\\..\\b.md",
            "C:/a.md",
            "data/../../x.toml",
            "config.toml",
            "data/sub/x.toml",
            "layanan/data/x.toml",
            "gambar/a.png",
            ".md",
            "data/.toml",
            "",
        ] {
            assert!(checked_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("layanan").join("a.md");
        write_atomically(&target, "lama".as_bytes()).unwrap();
        write_atomically(&target, "baru ✓".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "baru ✓");
        let names: Vec<_> =
            std::fs::read_dir(target.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.md"]);
    }
}
