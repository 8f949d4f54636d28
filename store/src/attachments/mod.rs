//! Storage of attachments (`lampiran`): one interface, two adapters (a folder for
//! `site-gen serve`, a private S3 bucket on AWS), both held to the same contract test suite.
//!
//! A submission with files goes through three steps so that a failure anywhere leaves nothing
//! behind that is not cleaned up:
//!
//! 1. [`AttachmentStore::put_pending`] each validated file under `pending/<date>/<random>`,
//!    before the complaint is stored. Pending objects expire (S3 lifecycle rule, or
//!    [`AttachmentStore::purge_pending`] locally) unless committed, so a crash here leaves
//!    only what expires by itself.
//! 2. Store the complaint (the complaint store's transaction assigns the number). If that
//!    fails, [`AttachmentStore::discard`] the pending objects (best effort; expiry is the
//!    backstop).
//! 3. [`AttachmentStore::commit`] them to the number: copied to `lampiran/<nomor>/…`, listed in
//!    `lampiran/<nomor>/manifest.json`, then the pending objects deleted. Retrying a commit
//!    that failed midway finishes it; retrying one that succeeded changes nothing. Files a
//!    complainant adds later (to complete returned files) are committed the same way, listed
//!    after those already there.
//!
//! Keys are generated from random bits and the register number, never from a file's name: the
//! original name is kept only as display text in the manifest.

pub mod clamd;
#[cfg(feature = "aws")]
pub mod direct;
pub mod local;
#[cfg(feature = "aws")]
pub mod s3;

use bytes::Bytes;
use jiff::Timestamp;
use pengaduan_core::RegisterNumber;
use pengaduan_core::attachment::{FileKind, ValidFile};
use pengaduan_core::scan::{ScanState, Scanning};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::future::Future;

/// How long an uncommitted upload may stay before it is purged.
pub const PENDING_TTL: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
/// The key prefix of uploads not yet linked to a complaint.
pub const PENDING_PREFIX: &str = "pending/";
/// The key prefix of committed attachments.
pub const COMMITTED_PREFIX: &str = "lampiran/";
/// The name of the list of a complaint's attachments, beside them.
pub const MANIFEST: &str = "manifest.json";
const MANIFEST_VERSION: u32 = 1;

/// The key of an upload waiting for its complaint: `pending/<yyyy-mm-dd>/<32 hex digits>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PendingKey(String);

impl PendingKey {
    /// A new key for an upload received at `now`, with 128 random bits.
    pub fn generate(now: Timestamp) -> Self {
        Self(dated_key(PENDING_PREFIX, now))
    }

    /// Reads a key, accepting only the exact form [`PendingKey::generate`] writes.
    pub fn parse(key: &str) -> Option<Self> {
        is_dated_key(PENDING_PREFIX, key).then(|| Self(key.to_owned()))
    }

    /// The key as stored, e.g. `pending/2026-11-29/0f3c…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 32 random hex digits, reused in the committed key so a retried commit writes the
    /// same objects instead of new ones.
    pub fn random(&self) -> &str {
        &self.0[self.0.len() - 32..]
    }
}

impl fmt::Display for PendingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The key prefix of files a browser sent straight to the bucket (a presigned POST): kept apart,
/// never served, until intake reads them, checks them as it checks any file and puts them aside
/// as pending; expired after a day otherwise.
pub const UPLOAD_PREFIX: &str = "unggahan/";

/// The key of a file a browser sends straight to the bucket: `unggahan/<yyyy-mm-dd>/<32 hex
/// digits>`. Chosen by the server when it signs the upload, so a sender can only name its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UploadKey(String);

impl UploadKey {
    /// A new key for an upload signed at `now`, with 128 random bits.
    pub fn generate(now: Timestamp) -> Self {
        Self(dated_key(UPLOAD_PREFIX, now))
    }

    /// Reads a key a form sent back, accepting only the exact form [`UploadKey::generate`] writes.
    pub fn parse(key: &str) -> Option<Self> {
        is_dated_key(UPLOAD_PREFIX, key).then(|| Self(key.to_owned()))
    }

    /// The key as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A signed form for sending one file straight from the browser to the bucket: the address to
/// post to, the fields to send before the file (in this order), and the key the file gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectUpload {
    /// Where the browser posts the form.
    pub url: String,
    /// The policy's fields, sent before the file.
    pub fields: Vec<(String, String)>,
    /// The key the file is stored under.
    pub key: UploadKey,
}

/// What became of a file a browser said it sent straight to the bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRead {
    /// Nothing is stored under its key (never sent, expired, or already taken).
    Missing,
    /// Larger than the limit the caller gave (the policy refuses it; this is the second lock).
    TooLarge,
    /// Its bytes.
    Ready(Bytes),
}

/// One committed attachment, as listed in its complaint's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    /// Its position among the complaint's attachments, from 1.
    pub index: usize,
    /// The sanitised original name: display text only.
    pub display_name: String,
    /// The type detected from its content (stored as the media type).
    #[serde(rename = "content_type")]
    pub kind: FileKind,
    /// Size in bytes.
    pub size: u64,
    /// The object's key, `lampiran/<nomor>/<index>-<random>.<ext>`.
    pub key: String,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// The list of a complaint's attachments, stored beside them as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version of this file.
    pub version: u32,
    /// The register number the files belong to.
    pub nomor: String,
    /// The attachments in the order they were sent.
    pub files: Vec<AttachmentMeta>,
}

/// An attachment storage failure. Messages carry no personal data (keys and numbers only).
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// The backend failed or was unreachable.
    #[error("attachment backend error")]
    Backend(#[source] crate::error::BoxError),
    /// A file or folder could not be used.
    #[error("{0}")]
    Io(String, #[source] std::io::Error),
    /// Not a register number.
    #[error("not a register number: {0:?}")]
    InvalidNumber(String),
    /// A pending upload to commit is gone (discarded or expired).
    #[error("pending upload not found: {0}")]
    PendingMissing(String),
    /// Stored data could not be read back or does not match its manifest.
    #[error("stored attachment data is corrupt: {0}")]
    Corrupt(String),
}

/// The storage interface for attachments.
pub trait AttachmentStore: Send + Sync {
    /// Stores a validated file under a new pending key generated for `now`.
    fn put_pending(
        &self,
        file: &ValidFile,
        bytes: Bytes,
        now: Timestamp,
    ) -> impl Future<Output = Result<PendingKey, AttachmentError>> + Send;

    /// Links pending uploads to complaint `nomor`, in the given order, after the files it has:
    /// copies those the manifest does not list yet under `lampiran/<nomor>/`, writes the
    /// manifest, then deletes the pending objects; returns every file listed. Idempotent: once
    /// the manifest lists them all it is the answer, and the pending objects are only cleaned up.
    fn commit(
        &self,
        nomor: &str,
        pending: &[(PendingKey, ValidFile)],
    ) -> impl Future<Output = Result<Vec<AttachmentMeta>, AttachmentError>> + Send;

    /// Deletes pending uploads, best effort: a failure is logged, and expiry removes the rest.
    fn discard(&self, pending: &[PendingKey]) -> impl Future<Output = ()> + Send;

    /// The attachments of complaint `nomor`, empty when it has none.
    fn list(&self, nomor: &str) -> impl Future<Output = Result<Vec<AttachmentMeta>, AttachmentError>> + Send;

    /// One attachment of complaint `nomor` by its index (from 1) and its bytes, checked against
    /// the manifest's digest; `None` when there is no such attachment.
    fn get(
        &self,
        nomor: &str,
        index: usize,
    ) -> impl Future<Output = Result<Option<(AttachmentMeta, Bytes)>, AttachmentError>> + Send;

    /// What is known of the malware scan of `meta` (a committed attachment): the record beside
    /// it locally, its GuardDuty tag on S3; [`ScanState::BelumDipindai`] when there is none yet.
    fn scan_state(&self, meta: &AttachmentMeta) -> impl Future<Output = Result<ScanState, AttachmentError>> + Send;

    /// Deletes pending uploads stored before `older_than` (callers pass now minus
    /// [`PENDING_TTL`]) and returns how many went.
    fn purge_pending(&self, older_than: Timestamp) -> impl Future<Output = Result<usize, AttachmentError>> + Send;

    /// Deletes every attachment of complaint `nomor` and its manifest (erasure of personal data:
    /// a KTP scan is personal data); returns how many files the manifest listed. Idempotent.
    fn erase(&self, nomor: &str) -> impl Future<Output = Result<usize, AttachmentError>> + Send;

    /// Stores a validated document the office issues for complaint `nomor` (the signed Berita
    /// Acara) under a new key in the complaint's folder, outside its manifest (the
    /// complainant's files stay as they sent them); the entry returned (index 0) is what the
    /// answer keeps. Erased with the complaint's attachments.
    fn put_document(
        &self,
        nomor: &str,
        file: &ValidFile,
        bytes: Bytes,
    ) -> impl Future<Output = Result<AttachmentMeta, AttachmentError>> + Send;

    /// A document stored with [`AttachmentStore::put_document`] for complaint `nomor`, checked
    /// against its entry; `None` when it is gone (erased).
    fn get_document(
        &self,
        nomor: &str,
        meta: &AttachmentMeta,
    ) -> impl Future<Output = Result<Option<Bytes>, AttachmentError>> + Send;
}

/// The attachment store chosen at run time.
#[derive(Clone)]
pub enum AnyAttachments {
    /// A local folder.
    Local(local::LocalAttachments),
    /// An S3 bucket.
    #[cfg(feature = "aws")]
    S3(s3::S3Attachments),
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            AnyAttachments::Local($s) => $call.await,
            #[cfg(feature = "aws")]
            AnyAttachments::S3($s) => $call.await,
        }
    };
}

impl AttachmentStore for AnyAttachments {
    async fn put_pending(&self, file: &ValidFile, bytes: Bytes, now: Timestamp) -> Result<PendingKey, AttachmentError> {
        dispatch!(self, s => s.put_pending(file, bytes, now))
    }

    async fn commit(
        &self,
        nomor: &str,
        pending: &[(PendingKey, ValidFile)],
    ) -> Result<Vec<AttachmentMeta>, AttachmentError> {
        dispatch!(self, s => s.commit(nomor, pending))
    }

    async fn discard(&self, pending: &[PendingKey]) {
        dispatch!(self, s => s.discard(pending))
    }

    async fn list(&self, nomor: &str) -> Result<Vec<AttachmentMeta>, AttachmentError> {
        dispatch!(self, s => s.list(nomor))
    }

    async fn get(&self, nomor: &str, index: usize) -> Result<Option<(AttachmentMeta, Bytes)>, AttachmentError> {
        dispatch!(self, s => s.get(nomor, index))
    }

    async fn scan_state(&self, meta: &AttachmentMeta) -> Result<ScanState, AttachmentError> {
        dispatch!(self, s => s.scan_state(meta))
    }

    async fn purge_pending(&self, older_than: Timestamp) -> Result<usize, AttachmentError> {
        dispatch!(self, s => s.purge_pending(older_than))
    }

    async fn erase(&self, nomor: &str) -> Result<usize, AttachmentError> {
        dispatch!(self, s => s.erase(nomor))
    }

    async fn put_document(
        &self,
        nomor: &str,
        file: &ValidFile,
        bytes: Bytes,
    ) -> Result<AttachmentMeta, AttachmentError> {
        dispatch!(self, s => s.put_document(nomor, file, bytes))
    }

    async fn get_document(&self, nomor: &str, meta: &AttachmentMeta) -> Result<Option<Bytes>, AttachmentError> {
        dispatch!(self, s => s.get_document(nomor, meta))
    }
}

impl AnyAttachments {
    /// A signed form for a browser to send one file of `kind` and at most `max_bytes` straight
    /// to the bucket; `None` when files only come through the function (a local folder).
    pub async fn presign_upload(
        &self,
        now: Timestamp,
        max_bytes: u64,
        kind: FileKind,
    ) -> Result<Option<DirectUpload>, AttachmentError> {
        match self {
            AnyAttachments::Local(_) => Ok(None),
            #[cfg(feature = "aws")]
            AnyAttachments::S3(s) => s.presign_upload(now, max_bytes, kind).await.map(Some),
        }
    }

    /// The bytes of a direct upload, if it is there and not larger than `max_bytes`.
    pub async fn take_upload(&self, key: &UploadKey, max_bytes: u64) -> Result<UploadRead, AttachmentError> {
        match self {
            AnyAttachments::Local(_) => Ok(UploadRead::Missing),
            #[cfg(feature = "aws")]
            AnyAttachments::S3(s) => s.take_upload(key, max_bytes).await,
        }
    }

    /// Deletes direct uploads once read, best effort.
    pub async fn delete_uploads(&self, keys: &[UploadKey]) {
        match self {
            AnyAttachments::Local(_) => {}
            #[cfg(feature = "aws")]
            AnyAttachments::S3(s) => s.delete_uploads(keys).await,
        }
    }

    /// The origin browsers send direct uploads to, for the pages' `connect-src`.
    pub fn upload_origin(&self) -> Option<String> {
        match self {
            AnyAttachments::Local(_) => None,
            #[cfg(feature = "aws")]
            AnyAttachments::S3(s) => Some(s.post_origin()),
        }
    }
}

impl AnyAttachments {
    /// Whether a malware scanner guards these files: a folder with a clamd, or S3 (GuardDuty).
    pub fn scanning(&self) -> Scanning {
        match self {
            Self::Local(l) => l.scanning(),
            #[cfg(feature = "aws")]
            Self::S3(_) => Scanning::Required,
        }
    }

    /// The scan state that decides whether `meta` (with content `bytes`) may be served: locally,
    /// a file not scanned yet is scanned now when a clamd is configured; on S3, GuardDuty's tag.
    pub async fn screen(&self, meta: &AttachmentMeta, bytes: &[u8]) -> Result<ScanState, AttachmentError> {
        match self {
            Self::Local(l) => l.screen(meta, bytes).await,
            #[cfg(feature = "aws")]
            Self::S3(s) => s.scan_state(meta).await,
        }
    }
}

/// The canonical form of a register number (`pgd-2026-00007` becomes `PGD-2026-00007`); the
/// parse is also what keeps anything but a number out of keys and paths.
fn canonical_number(nomor: &str) -> Result<String, AttachmentError> {
    RegisterNumber::parse(nomor).map(|n| n.to_string()).ok_or_else(|| AttachmentError::InvalidNumber(nomor.to_owned()))
}

/// `lampiran/<nomor>/`.
fn committed_dir(nomor: &str) -> String {
    format!("{COMMITTED_PREFIX}{nomor}/")
}

/// The committed key of the `index`-th (from 1) file.
fn committed_key(nomor: &str, index: usize, pending: &PendingKey, kind: FileKind) -> String {
    format!("{}{index}-{}.{}", committed_dir(nomor), pending.random(), kind.extension())
}

/// A new key for a document the office issues for complaint `nomor` (already canonical).
fn document_key(nomor: &str, kind: FileKind) -> String {
    format!("{}jawaban-{}.{}", committed_dir(nomor), random_hex(), kind.extension())
}

/// The entry of a document stored under `key`.
fn document_meta(key: String, file: &ValidFile, bytes: &[u8]) -> AttachmentMeta {
    AttachmentMeta {
        index: 0,
        display_name: file.display_name.clone(),
        kind: file.kind,
        size: bytes.len() as u64,
        key,
        sha256: sha256_hex(bytes),
    }
}

/// Refuses an entry whose key is not a document of complaint `nomor`: an entry is read back
/// from the answer store, and must not lead to another complaint's files.
fn check_document_key(nomor: &str, meta: &AttachmentMeta) -> Result<(), AttachmentError> {
    let rest = meta.key.strip_prefix(&committed_dir(nomor)).and_then(|r| r.strip_prefix("jawaban-"));
    match rest {
        Some(r) if !r.contains('/') && !r.contains("..") => Ok(()),
        _ => Err(AttachmentError::Corrupt(format!("{} is not a document of {nomor}", meta.key))),
    }
}

fn manifest_key(nomor: &str) -> String {
    format!("{}{MANIFEST}", committed_dir(nomor))
}

fn parse_manifest(nomor: &str, json: &[u8]) -> Result<Manifest, AttachmentError> {
    let manifest: Manifest =
        serde_json::from_slice(json).map_err(|e| AttachmentError::Corrupt(format!("manifest of {nomor}: {e}")))?;
    if manifest.nomor != nomor {
        return Err(AttachmentError::Corrupt(format!("manifest of {nomor} names {}", manifest.nomor)));
    }
    Ok(manifest)
}

fn manifest_json(nomor: &str, files: &[AttachmentMeta]) -> Result<Vec<u8>, AttachmentError> {
    let manifest = Manifest { version: MANIFEST_VERSION, nomor: nomor.to_owned(), files: files.to_vec() };
    serde_json::to_vec_pretty(&manifest).map_err(|e| AttachmentError::Corrupt(e.to_string()))
}

/// The uploads of `pending` that `listed` (a manifest's files) does not name yet: a committed
/// key carries its pending key's random part, so a retried commit finds its files listed.
fn not_listed<'a>(
    listed: &[AttachmentMeta],
    pending: &'a [(PendingKey, ValidFile)],
) -> Vec<&'a (PendingKey, ValidFile)> {
    pending.iter().filter(|(key, _)| !listed.iter().any(|m| m.key.contains(key.random()))).collect()
}

/// Checks bytes read back against their manifest entry.
fn verify(meta: &AttachmentMeta, bytes: &[u8]) -> Result<(), AttachmentError> {
    if bytes.len() as u64 != meta.size || sha256_hex(bytes) != meta.sha256 {
        return Err(AttachmentError::Corrupt(format!("{} does not match its manifest entry", meta.key)));
    }
    Ok(())
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `<prefix><yyyy-mm-dd>/<32 random hex digits>` for `now`.
fn dated_key(prefix: &str, now: Timestamp) -> String {
    format!("{prefix}{}/{}", now.strftime("%Y-%m-%d"), random_hex())
}

/// Whether `key` has exactly the form [`dated_key`] writes with `prefix`.
fn is_dated_key(prefix: &str, key: &str) -> bool {
    let Some((date, random)) = key.strip_prefix(prefix).and_then(|rest| rest.split_once('/')) else { return false };
    date.len() == 10 && date.parse::<jiff::civil::Date>().is_ok() && is_random_hex(random)
}

fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_random_hex(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_keys_have_the_date_and_128_random_bits() {
        let now: Timestamp = "2026-11-29T23:30:00Z".parse().unwrap();
        let a = PendingKey::generate(now);
        let b = PendingKey::generate(now);
        assert_ne!(a, b);
        assert!(a.as_str().starts_with("pending/2026-11-29/"), "{a}");
        assert_eq!(a.as_str().len(), "pending/2026-11-29/".len() + 32);
        assert!(is_random_hex(a.random()));
        assert_eq!(PendingKey::parse(a.as_str()), Some(a));
    }

    #[test]
    fn pending_key_parse_is_strict() {
        let hex = "0123456789abcdef0123456789abcdef";
        assert!(PendingKey::parse(&format!("pending/2026-11-29/{hex}")).is_some());
        for bad in [
            format!("pending/2026-11-29/{}", hex.to_uppercase()),
            format!("pending/2026-13-29/{hex}"),
            format!("pending/../../{hex}"),
            format!("lampiran/2026-11-29/{hex}"),
            format!("pending/2026-11-29/{hex}/x"),
            format!("pending/2026-11-29/{}", &hex[1..]),
            "pending/2026-11-29/".to_owned(),
        ] {
            assert_eq!(PendingKey::parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn upload_keys_are_their_own_kind_and_parsed_as_strictly() {
        let now: Timestamp = "2026-12-08T01:00:00Z".parse().unwrap();
        let key = UploadKey::generate(now);
        assert!(key.as_str().starts_with("unggahan/2026-12-08/"), "{key:?}");
        assert_ne!(key, UploadKey::generate(now));
        assert_eq!(UploadKey::parse(key.as_str()), Some(key.clone()));
        let hex = "0123456789abcdef0123456789abcdef";
        for bad in [
            format!("pending/2026-12-08/{hex}"),
            format!("unggahan/2026-12-08/{hex}/../x"),
            format!("unggahan/2026-12-8/{hex}"),
            format!("lampiran/PGD-2026-00001/{hex}"),
            format!("unggahan/2026-12-08/{}", hex.to_uppercase()),
        ] {
            assert_eq!(UploadKey::parse(&bad), None, "{bad}");
        }
        assert_eq!(PendingKey::parse(key.as_str()), None, "an upload is not pending until intake checked it");
    }

    #[test]
    fn committed_keys_come_from_number_index_and_random_only() {
        let pending = PendingKey::parse("pending/2026-11-29/0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(
            committed_key("PGD-2026-00042", 2, &pending, FileKind::Jpeg),
            "lampiran/PGD-2026-00042/2-0123456789abcdef0123456789abcdef.jpg"
        );
        assert_eq!(manifest_key("PGD-2026-00042"), "lampiran/PGD-2026-00042/manifest.json");
    }

    #[test]
    fn numbers_are_canonical_and_nothing_else_passes() {
        assert_eq!(canonical_number(" pgd-2026-00007 ").unwrap(), "PGD-2026-00007");
        for bad in ["../PGD-2026-00007", "PGD-2026-00007/..", "", "PGD-2026-00007/../../x"] {
            assert!(matches!(canonical_number(bad), Err(AttachmentError::InvalidNumber(_))), "{bad}");
        }
    }

    #[test]
    fn manifest_round_trips_with_media_types() {
        let meta = AttachmentMeta {
            index: 1,
            display_name: "surat.pdf".into(),
            kind: FileKind::Pdf,
            size: 3,
            key: "lampiran/PGD-2026-00001/1-0123456789abcdef0123456789abcdef.pdf".into(),
            sha256: sha256_hex(b"abc"),
        };
        let json = manifest_json("PGD-2026-00001", std::slice::from_ref(&meta)).unwrap();
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(text.contains("\"content_type\": \"application/pdf\""), "{text}");
        assert_eq!(parse_manifest("PGD-2026-00001", &json).unwrap().files, std::slice::from_ref(&meta));
        assert!(matches!(parse_manifest("PGD-2026-00002", &json), Err(AttachmentError::Corrupt(_))));
        assert!(verify(&meta, b"abc").is_ok());
        assert!(verify(&meta, b"abd").is_err());
    }
}
