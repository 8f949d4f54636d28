//! Attachments in a local folder, for `site-gen serve` (e.g. `.data/lampiran/`). The folder
//! holds the same keys as the S3 bucket, as paths: `pending/<date>/<random>` and
//! `lampiran/<nomor>/…`, plus `.tmp/` for files being written.
//!
//! Every file is written to `.tmp/` and renamed into place, so a reader or a crash never sees
//! half a file. Paths come only from generated keys and parsed register numbers, so no input
//! can point outside the folder.
//!
//! With a scanner ([`LocalAttachments::with_scanner`], from `CLAMD_URL`), each committed file is
//! scanned in the background once the commit is done (the complainant's request never waits on
//! clamd nor fails because of it), and its result kept beside it as `<key>.pindai` (JSON), one
//! file per attachment so that concurrent commits and scans never overwrite each other's
//! records. A file still unscanned when staff ask for it is scanned then.

use super::clamd::Clamd;
use super::{
    AttachmentError, AttachmentMeta, AttachmentStore, PENDING_PREFIX, PendingKey, canonical_number, check_document_key,
    committed_dir, committed_key, document_key, document_meta, manifest_json, manifest_key, not_listed, parse_manifest,
    random_hex, sha256_hex, verify,
};
use bytes::Bytes;
use jiff::Timestamp;
use pengaduan_core::attachment::ValidFile;
use pengaduan_core::scan::{ScanState, Scanning};
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

const TMP_DIR: &str = ".tmp";
/// What is appended to an attachment's key for the record of its scan.
const SCAN_SUFFIX: &str = ".pindai";

/// An attachment store in one folder.
#[derive(Clone, Debug)]
pub struct LocalAttachments {
    root: Arc<PathBuf>,
    scanner: Option<Arc<Clamd>>,
}

impl LocalAttachments {
    /// Uses (and creates on first use) the folder `root`.
    pub fn open(root: &Path) -> Result<Self, AttachmentError> {
        fs::create_dir_all(root.join(TMP_DIR)).map_err(|e| io(root, e))?;
        Ok(Self { root: Arc::new(root.to_path_buf()), scanner: None })
    }

    /// Scans every committed file with `clamd` (see the module's note).
    pub fn with_scanner(mut self, clamd: Clamd) -> Self {
        self.scanner = Some(Arc::new(clamd));
        self
    }

    /// The clamd scanning these files, if any.
    pub fn scanner(&self) -> Option<&Clamd> {
        self.scanner.as_deref()
    }

    /// Whether a scanner guards these files.
    pub fn scanning(&self) -> Scanning {
        if self.scanner.is_some() { Scanning::Required } else { Scanning::Absent }
    }

    /// What is known of `meta`'s scan; with a scanner, a file not scanned yet is scanned now
    /// (`bytes` are its content, already checked against the manifest) and the result kept. A
    /// scan without an answer leaves it [`ScanState::BelumDipindai`].
    pub async fn screen(&self, meta: &AttachmentMeta, bytes: &[u8]) -> Result<ScanState, AttachmentError> {
        let known = self.scan_state(meta).await?;
        match (&known, &self.scanner) {
            (ScanState::BelumDipindai, Some(clamd)) => self.scan_and_record(clamd, meta, bytes).await,
            _ => Ok(known),
        }
    }

    async fn scan_and_record(
        &self,
        clamd: &Clamd,
        meta: &AttachmentMeta,
        bytes: &[u8],
    ) -> Result<ScanState, AttachmentError> {
        let state = match clamd.scan(bytes).await {
            Ok(state) => state,
            Err(e) => {
                tracing::warn!(key = %meta.key, error = %e, "attachment not scanned");
                return Ok(ScanState::BelumDipindai);
            }
        };
        if let ScanState::Terinfeksi { signature } = &state {
            tracing::warn!(key = %meta.key, signature = %signature, "infected attachment");
        }
        let record = scan_record_key(&meta.key);
        let json = serde_json::to_vec(&state).map_err(|e| AttachmentError::Corrupt(e.to_string()))?;
        self.blocking(move |root| write_atomic(root, &record, &json, None)).await?;
        Ok(state)
    }

    /// Scans the files just committed, one after the other, off the request that committed them.
    fn scan_in_background(&self, files: Vec<AttachmentMeta>) {
        let (Some(clamd), Ok(runtime)) = (self.scanner.clone(), tokio::runtime::Handle::try_current()) else {
            return;
        };
        let this = self.clone();
        runtime.spawn(async move {
            for meta in files {
                // A retried commit names files scanned before.
                if !matches!(this.scan_state(&meta).await, Ok(ScanState::BelumDipindai)) {
                    continue;
                }
                let key = meta.key.clone();
                let bytes = this.blocking(move |root| read(root, &key)).await;
                match bytes {
                    Ok(Some(bytes)) => {
                        if let Err(e) = this.scan_and_record(&clamd, &meta, &bytes).await {
                            tracing::warn!(key = %meta.key, error = %e, "scan result not recorded");
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(key = %meta.key, error = %e, "attachment not read for scanning"),
                }
            }
        });
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Runs `f` on the folder off the async runtime's threads.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Path) -> Result<T, AttachmentError> + Send + 'static,
    ) -> Result<T, AttachmentError> {
        let root = Arc::clone(&self.root);
        tokio::task::spawn_blocking(move || f(&root)).await.map_err(|e| AttachmentError::Backend(e.into()))?
    }
}

fn io(path: &Path, e: std::io::Error) -> AttachmentError {
    AttachmentError::Io(path.display().to_string(), e)
}

/// Writes `bytes` to `root/key` through a temp file and a rename, with `modified` as the
/// file's modification time when given (pending files: their upload time, which purging reads).
fn write_atomic(root: &Path, key: &str, bytes: &[u8], modified: Option<SystemTime>) -> Result<(), AttachmentError> {
    let target = root.join(key);
    let dir = target.parent().expect("keys have a folder");
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let tmp_dir = root.join(TMP_DIR);
    fs::create_dir_all(&tmp_dir).map_err(|e| io(&tmp_dir, e))?;
    let tmp = tmp_dir.join(format!("{}.part", random_hex()));
    let written = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if let Some(t) = modified {
            file.set_modified(t)?;
        }
        file.sync_all()?;
        fs::rename(&tmp, &target)
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io(&target, e)
    })
}

/// Reads `root/key`; `None` when it does not exist.
fn read(root: &Path, key: &str) -> Result<Option<Vec<u8>>, AttachmentError> {
    let path = root.join(key);
    match fs::read(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path, e)),
    }
}

/// Deletes `root/key`; a file already gone is not an error.
fn remove(root: &Path, key: &str) -> Result<(), AttachmentError> {
    let path = root.join(key);
    match fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(&path, e)),
    }
}

/// Deletes files, best effort: a pending file left behind is purged later.
fn remove_quietly(root: &Path, keys: impl IntoIterator<Item = impl AsRef<str>>) {
    for key in keys {
        if let Err(e) = remove(root, key.as_ref()) {
            tracing::warn!(error = %e, "could not delete an uncommitted attachment");
        }
    }
}

/// The key of the record of `key`'s scan.
fn scan_record_key(key: &str) -> String {
    format!("{key}{SCAN_SUFFIX}")
}

fn read_manifest(root: &Path, nomor: &str) -> Result<Option<Vec<AttachmentMeta>>, AttachmentError> {
    read(root, &manifest_key(nomor))?.map(|json| parse_manifest(nomor, &json).map(|m| m.files)).transpose()
}

/// Files in `dir` last modified before `cutoff`; a missing folder has none.
fn entries_older_than(dir: &Path, cutoff: SystemTime) -> Result<Vec<PathBuf>, AttachmentError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir, e)),
    };
    let mut old = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io(dir, e))?;
        let meta = entry.metadata().map_err(|e| io(&entry.path(), e))?;
        if meta.is_file() && meta.modified().map_err(|e| io(&entry.path(), e))? < cutoff {
            old.push(entry.path());
        }
    }
    Ok(old)
}

/// Copies each pending file to its committed key, numbered after the `listed` ones, recording
/// each copy in `copied`, then writes the manifest of them all: the commit point, before which
/// none of them is listed and after which all are.
fn copy_and_list(
    root: &Path,
    nomor: &str,
    listed: Vec<AttachmentMeta>,
    pending: &[&(PendingKey, ValidFile)],
    copied: &mut Vec<String>,
) -> Result<Vec<AttachmentMeta>, AttachmentError> {
    let mut files = listed;
    let first = files.len() + 1;
    for (i, (key, file)) in pending.iter().map(|p| (&p.0, &p.1)).enumerate() {
        let index = first + i;
        let target = committed_key(nomor, index, key, file.kind);
        // A retry after the pending file expired can still find the copy made before.
        let bytes = match read(root, key.as_str())? {
            Some(bytes) => {
                write_atomic(root, &target, &bytes, None)?;
                copied.push(target.clone());
                bytes
            }
            None => read(root, &target)?.ok_or_else(|| AttachmentError::PendingMissing(key.to_string()))?,
        };
        files.push(AttachmentMeta {
            index,
            display_name: file.display_name.clone(),
            kind: file.kind,
            size: bytes.len() as u64,
            key: target,
            sha256: sha256_hex(&bytes),
        });
    }
    write_atomic(root, &manifest_key(nomor), &manifest_json(nomor, &files)?, None)?;
    Ok(files)
}

impl AttachmentStore for LocalAttachments {
    async fn put_pending(&self, file: &ValidFile, bytes: Bytes, now: Timestamp) -> Result<PendingKey, AttachmentError> {
        debug_assert_eq!(file.size, bytes.len(), "the bytes are the validated file's");
        let key = PendingKey::generate(now);
        let path_key = key.as_str().to_owned();
        self.blocking(move |root| write_atomic(root, &path_key, &bytes, Some(SystemTime::from(now)))).await?;
        Ok(key)
    }

    async fn commit(
        &self,
        nomor: &str,
        pending: &[(PendingKey, ValidFile)],
    ) -> Result<Vec<AttachmentMeta>, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let pending = pending.to_vec();
        let to_commit = pending.clone();
        let committed = self
            .blocking(move |root| {
                let pending = to_commit;
                let pending_keys = pending.iter().map(|(k, _)| k.as_str().to_owned()).collect::<Vec<_>>();
                let listed = read_manifest(root, &nomor)?.unwrap_or_default();
                let new = not_listed(&listed, &pending);
                if new.is_empty() {
                    // Committed before (this is a retry): only the clean-up may be left to do.
                    remove_quietly(root, &pending_keys);
                    return Ok(listed);
                }
                let mut copied = Vec::with_capacity(new.len());
                let committed = copy_and_list(root, &nomor, listed, &new, &mut copied);
                if committed.is_err() {
                    // No manifest, so these copies are listed nowhere: remove them. The pending files
                    // stay for a retry, and expire otherwise.
                    remove_quietly(root, &copied);
                    return committed;
                }
                remove_quietly(root, &pending_keys);
                committed
            })
            .await?;
        let unscanned = committed.iter().filter(|m| pending.iter().any(|(k, _)| m.key.contains(k.random())));
        self.scan_in_background(unscanned.cloned().collect());
        Ok(committed)
    }

    async fn discard(&self, pending: &[PendingKey]) {
        let keys: Vec<String> = pending.iter().map(|k| k.as_str().to_owned()).collect();
        let done = self
            .blocking(move |root| {
                remove_quietly(root, &keys);
                Ok(())
            })
            .await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "could not discard pending attachments");
        }
    }

    async fn list(&self, nomor: &str) -> Result<Vec<AttachmentMeta>, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        self.blocking(move |root| Ok(read_manifest(root, &nomor)?.unwrap_or_default())).await
    }

    async fn get(&self, nomor: &str, index: usize) -> Result<Option<(AttachmentMeta, Bytes)>, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        self.blocking(move |root| {
            let Some(meta) = read_manifest(root, &nomor)?.unwrap_or_default().into_iter().find(|m| m.index == index)
            else {
                return Ok(None);
            };
            let bytes = read(root, &meta.key)?
                .ok_or_else(|| AttachmentError::Corrupt(format!("{} is in the manifest but missing", meta.key)))?;
            verify(&meta, &bytes)?;
            Ok(Some((meta, Bytes::from(bytes))))
        })
        .await
    }

    async fn purge_pending(&self, older_than: Timestamp) -> Result<usize, AttachmentError> {
        let cutoff = SystemTime::from(older_than);
        self.blocking(move |root| {
            let pending_dir = root.join(PENDING_PREFIX);
            let days = match fs::read_dir(&pending_dir) {
                Ok(days) => days,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(0),
                Err(e) => return Err(io(&pending_dir, e)),
            };
            let mut purged = 0;
            for day in days {
                let day = day.map_err(|e| io(&pending_dir, e))?.path();
                if !day.is_dir() {
                    continue;
                }
                for file in entries_older_than(&day, cutoff)? {
                    fs::remove_file(&file).map_err(|e| io(&file, e))?;
                    purged += 1;
                }
                // Fails, harmlessly, while the day still has files.
                let _ = fs::remove_dir(&day);
            }
            // Temp files of writes that crashed midway.
            for tmp in entries_older_than(&root.join(TMP_DIR), cutoff)? {
                let _ = fs::remove_file(tmp);
            }
            Ok(purged)
        })
        .await
    }

    async fn erase(&self, nomor: &str) -> Result<usize, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        self.blocking(move |root| {
            let listed = read_manifest(root, &nomor)?.map_or(0, |files| files.len());
            // The whole folder: files a failed commit left behind are the citizen's data too.
            let dir = root.join(committed_dir(&nomor));
            match fs::remove_dir_all(&dir) {
                Ok(()) => Ok(listed),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(listed),
                Err(e) => Err(io(&dir, e)),
            }
        })
        .await
    }

    async fn scan_state(&self, meta: &AttachmentMeta) -> Result<ScanState, AttachmentError> {
        let key = scan_record_key(&meta.key);
        let json = self.blocking(move |root| read(root, &key)).await?;
        let Some(json) = json else { return Ok(ScanState::BelumDipindai) };
        serde_json::from_slice(&json).map_err(|e| AttachmentError::Corrupt(format!("scan record of {}: {e}", meta.key)))
    }

    async fn put_document(
        &self,
        nomor: &str,
        file: &ValidFile,
        bytes: Bytes,
    ) -> Result<AttachmentMeta, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        let meta = document_meta(document_key(&nomor, file.kind), file, &bytes);
        let key = meta.key.clone();
        self.blocking(move |root| write_atomic(root, &key, &bytes, None)).await?;
        Ok(meta)
    }

    async fn get_document(&self, nomor: &str, meta: &AttachmentMeta) -> Result<Option<Bytes>, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        check_document_key(&nomor, meta)?;
        let meta = meta.clone();
        self.blocking(move |root| {
            let Some(bytes) = read(root, &meta.key)? else { return Ok(None) };
            verify(&meta, &bytes)?;
            Ok(Some(Bytes::from(bytes)))
        })
        .await
    }
}
