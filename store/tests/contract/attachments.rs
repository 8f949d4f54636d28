//! One contract, two attachment stores: every case runs against a local folder and against S3
//! (moto's server). What a store must guarantee: uploads wait under generated pending keys and
//! are listed nowhere until committed; a commit links them to the complaint, byte for byte,
//! once, however often it is retried; discarded, committed or expired uploads leave nothing
//! pending; a failed commit leaves nothing under `lampiran/`.

use bytes::Bytes;
use jiff::Timestamp;
use pengaduan_core::attachment::{FileKind, ValidFile, validate_files};
use pengaduan_store::attachments::local::LocalAttachments;
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::attachments::{AttachmentError, AttachmentMeta, AttachmentStore, PendingKey, sha256_hex};
use pengaduan_store::testing::Moto;
use std::path::Path;
use std::time::Duration;

const NOMOR: &str = "PGD-2026-00001";

/// A store to test and a way to see every key it holds, whatever its API says.
trait Backend {
    type Store: AttachmentStore;
    fn store(&self) -> &Self::Store;
    /// Every stored key (folder-relative path or object key without the store's prefix), sorted.
    fn keys(&self) -> impl Future<Output = Vec<String>>;
}

struct Local {
    store: LocalAttachments,
    _dir: tempfile::TempDir,
}

impl Local {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalAttachments::open(&dir.path().join("lampiran")).unwrap();
        Self { store, _dir: dir }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).unwrap().to_str().unwrap().replace('\\', "/"));
        }
    }
}

impl Backend for Local {
    type Store = LocalAttachments;
    fn store(&self) -> &LocalAttachments {
        &self.store
    }
    async fn keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        walk(self.store.root(), self.store.root(), &mut keys);
        // Temp files are the store's own business, but none may be left after a write.
        assert!(!keys.iter().any(|k| k.starts_with(".tmp/")), "temp files left: {keys:?}");
        keys.sort();
        keys
    }
}

struct S3 {
    store: S3Attachments,
    client: aws_sdk_s3::Client,
}

impl S3 {
    async fn new(moto: &Moto, prefix: &str) -> Self {
        let client = moto.s3().await;
        let bucket = pengaduan_store::testing::new_bucket(&client).await;
        let store = S3Attachments::new(client.clone(), bucket, prefix)
            .with_post_endpoint(&moto.endpoint)
            .with_signing(&moto.sdk_config());
        Self { store, client }
    }
}

impl Backend for S3 {
    type Store = S3Attachments;
    fn store(&self) -> &S3Attachments {
        &self.store
    }
    async fn keys(&self) -> Vec<String> {
        let prefix = self.store.prefix();
        pengaduan_store::testing::all_keys(&self.client, self.store.bucket())
            .await
            .into_iter()
            .map(|k| k.strip_prefix(prefix).unwrap_or_else(|| panic!("{k} is outside the prefix {prefix:?}")).into())
            .collect()
    }
}

fn now() -> Timestamp {
    "2026-11-29T06:00:00Z".parse().unwrap()
}

/// `len` bytes that start with `magic` and differ per `seed`, so digests differ too.
fn content(magic: &[u8], len: usize, seed: u8) -> Vec<u8> {
    let mut bytes = magic.to_vec();
    bytes.extend((0..len - magic.len()).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes
}

fn pdf() -> Vec<u8> {
    content(b"%PDF-1.7\n", 3000, 1)
}

fn jpeg() -> Vec<u8> {
    content(&[0xFF, 0xD8, 0xFF, 0xE0], 2000, 2)
}

fn png() -> Vec<u8> {
    content(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A], 1000, 3)
}

/// Three files with hostile names, validated as the handler will.
fn three_files() -> Vec<(ValidFile, Vec<u8>)> {
    let sent = [("surat-kuasa.pdf", pdf()), ("../../etc/passwd.pdf", jpeg()), ("<script>.png", png())];
    let named: Vec<(String, &[u8])> = sent.iter().map(|(n, b)| ((*n).to_owned(), b.as_slice())).collect();
    let valid = validate_files(&named).unwrap();
    valid.into_iter().zip(sent.into_iter().map(|(_, b)| b)).collect()
}

async fn put_all<S: AttachmentStore>(
    store: &S,
    files: &[(ValidFile, Vec<u8>)],
    at: Timestamp,
) -> Vec<(PendingKey, ValidFile)> {
    let mut pending = Vec::new();
    for (file, bytes) in files {
        pending.push((store.put_pending(file, Bytes::from(bytes.clone()), at).await.unwrap(), file.clone()));
    }
    pending
}

fn assert_no_trace_of_names(keys: &[String]) {
    for key in keys {
        for part in ["passwd", "etc", "..", "script", "<", ">", "surat", "kuasa"] {
            assert!(!key.contains(part), "key {key:?} contains {part:?} from an original name");
        }
    }
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

async fn commit_links_files_byte_for_byte<B: Backend>(b: &B) {
    let store = b.store();
    let files = three_files();
    let pending = put_all(store, &files, now()).await;

    // Before the commit: only pending keys, nothing listed, nothing under lampiran/.
    let before = b.keys().await;
    assert_eq!(before.len(), 3, "{before:?}");
    assert!(before.iter().all(|k| k.starts_with("pending/2026-11-29/")), "{before:?}");
    assert_eq!(store.list(NOMOR).await.unwrap(), []);
    assert_eq!(store.get(NOMOR, 1).await.unwrap(), None);

    let metas = store.commit(NOMOR, &pending).await.unwrap();
    assert_eq!(metas.len(), 3);
    let names: Vec<&str> = metas.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["surat-kuasa.pdf", "passwd.pdf", "<script>.png"]);
    let kinds: Vec<FileKind> = metas.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [FileKind::Pdf, FileKind::Jpeg, FileKind::Png], "types come from content, not names");
    for (i, (meta, (_, bytes))) in metas.iter().zip(&files).enumerate() {
        assert_eq!(meta.index, i + 1);
        assert_eq!(meta.size, bytes.len() as u64);
        assert_eq!(meta.sha256, sha256_hex(bytes));
        let (dir, name) = meta.key.rsplit_once('/').unwrap();
        assert_eq!(dir, format!("lampiran/{NOMOR}"));
        let (stem, ext) = name.split_once('.').unwrap();
        let (n, random) = stem.split_once('-').unwrap();
        assert_eq!((n, ext), ((i + 1).to_string().as_str(), meta.kind.extension()));
        assert!(is_hex32(random), "{name}");
    }

    assert_eq!(store.list(NOMOR).await.unwrap(), metas);
    for (meta, (_, bytes)) in metas.iter().zip(&files) {
        let (got_meta, got) = store.get(NOMOR, meta.index).await.unwrap().expect("attachment");
        assert_eq!(&got_meta, meta);
        assert_eq!(sha256_hex(&got), sha256_hex(bytes));
        assert_eq!(got.as_ref(), bytes.as_slice());
    }
    assert_eq!(store.get(NOMOR, 0).await.unwrap(), None);
    assert_eq!(store.get(NOMOR, 4).await.unwrap(), None);
    assert_eq!(store.list("PGD-2026-00002").await.unwrap(), [], "another complaint has none");

    // After the commit: no pending key left, the three files and the manifest under the number.
    let after = b.keys().await;
    let mut expected: Vec<String> = metas.iter().map(|m| m.key.clone()).collect();
    expected.push(format!("lampiran/{NOMOR}/manifest.json"));
    expected.sort();
    assert_eq!(after, expected);
    assert_no_trace_of_names(&after);
}

async fn pending_keys_are_generated<B: Backend>(b: &B) {
    let store = b.store();
    let files = three_files();
    let (file, bytes) = &files[1];
    assert_eq!(file.display_name, "passwd.pdf");
    let first = store.put_pending(file, Bytes::from(bytes.clone()), now()).await.unwrap();
    let second = store.put_pending(file, Bytes::from(bytes.clone()), now()).await.unwrap();
    assert_ne!(first, second, "the same file twice gets two keys");
    for key in [&first, &second] {
        let random = key.as_str().strip_prefix("pending/2026-11-29/").expect("dated pending key");
        assert!(is_hex32(random), "{key}");
        assert_eq!(PendingKey::parse(key.as_str()).as_ref(), Some(key));
    }
    let keys = b.keys().await;
    assert_eq!(keys, {
        let mut k = vec![first.to_string(), second.to_string()];
        k.sort();
        k
    });
    assert_no_trace_of_names(&keys);
}

async fn discard_leaves_nothing<B: Backend>(b: &B) {
    let store = b.store();
    let pending = put_all(store, &three_files(), now()).await;
    assert_eq!(b.keys().await.len(), 3);
    let keys: Vec<PendingKey> = pending.iter().map(|(k, _)| k.clone()).collect();
    store.discard(&keys).await;
    assert_eq!(b.keys().await, Vec::<String>::new());
    store.discard(&keys).await; // Again: already gone is fine.
    assert_eq!(store.list(NOMOR).await.unwrap(), []);
}

async fn commit_is_idempotent<B: Backend>(b: &B) {
    let store = b.store();
    let pending = put_all(store, &three_files(), now()).await;
    let first = store.commit(NOMOR, &pending).await.unwrap();
    let keys = b.keys().await;
    let again = store.commit(NOMOR, &pending).await.unwrap();
    assert_eq!(again, first, "the same list");
    let lower = store.commit(&NOMOR.to_lowercase(), &pending).await.unwrap();
    assert_eq!(lower, first, "numbers are read in any case");
    assert_eq!(b.keys().await, keys, "nothing new stored, nothing duplicated");
    assert_eq!(store.list(NOMOR).await.unwrap(), first);
    // An empty commit stores nothing and lists nothing.
    assert_eq!(store.commit("PGD-2026-00002", &[]).await.unwrap(), []);
    assert_eq!(b.keys().await, keys);
}

/// Files a complainant adds later are listed after those already committed, and a retried
/// commit of them adds nothing; the record may name the earlier uploads again (not yet marked
/// committed), which stay as they are.
async fn a_later_commit_adds_files_after_those_listed<B: Backend>(b: &B) {
    let store = b.store();
    let files = three_files();
    let first = put_all(store, &files[..1], now()).await;
    let listed = store.commit(NOMOR, &first).await.unwrap();
    let later = put_all(store, &files[1..], now()).await;
    let all: Vec<_> = first.iter().chain(&later).cloned().collect();
    let metas = store.commit(NOMOR, &all).await.unwrap();
    assert_eq!(metas.iter().map(|m| m.index).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(metas[0], listed[0], "the first file is untouched");
    assert_eq!(store.list(NOMOR).await.unwrap(), metas);
    for (i, (_, bytes)) in files.iter().enumerate() {
        assert_eq!(store.get(NOMOR, i + 1).await.unwrap().expect("listed").1, bytes.as_slice());
    }
    let keys = b.keys().await;
    assert!(!keys.iter().any(|k| k.starts_with("pending/")), "{keys:?}");
    assert_eq!(store.commit(NOMOR, &later).await.unwrap(), metas, "a retry adds nothing");
    assert_eq!(b.keys().await, keys);
}

/// Erasure deletes every file of one complaint and its manifest, and only those; again, it
/// finds nothing and fails on nothing.
async fn erase_deletes_one_complaints_files<B: Backend>(b: &B) {
    let store = b.store();
    let pending = put_all(store, &three_files(), now()).await;
    store.commit(NOMOR, &pending).await.unwrap();
    let other = put_all(store, &three_files()[..1], now()).await;
    store.commit("PGD-2026-00002", &other).await.unwrap();
    assert_eq!(store.erase(NOMOR).await.unwrap(), 3);
    assert!(store.list(NOMOR).await.unwrap().is_empty());
    assert!(store.get(NOMOR, 1).await.unwrap().is_none());
    let keys = b.keys().await;
    assert!(keys.iter().all(|k| !k.contains(NOMOR)), "nothing of {NOMOR} left: {keys:?}");
    assert_eq!(store.list("PGD-2026-00002").await.unwrap().len(), 1, "the other complaint keeps its file");
    assert_eq!(store.erase(NOMOR).await.unwrap(), 0, "erasing again is harmless");
}

async fn failed_commit_leaves_nothing_under_lampiran<B: Backend>(b: &B) {
    let store = b.store();
    let pending = put_all(store, &three_files(), now()).await;
    // The last upload is gone (discarded, or expired): the commit fails after copying two.
    store.discard(&[pending[2].0.clone()]).await;
    match store.commit(NOMOR, &pending).await {
        Err(AttachmentError::PendingMissing(key)) => assert_eq!(key, pending[2].0.to_string()),
        other => panic!("expected PendingMissing, got {other:?}"),
    }
    let keys = b.keys().await;
    assert!(!keys.iter().any(|k| k.starts_with("lampiran/")), "copies of a failed commit remain: {keys:?}");
    assert_eq!(keys.len(), 2, "the two remaining uploads stay pending (and expire): {keys:?}");
    assert_eq!(store.list(NOMOR).await.unwrap(), []);
    // Committing what is still there works.
    let metas = store.commit(NOMOR, &pending[..2]).await.unwrap();
    assert_eq!(metas.len(), 2);
}

async fn purge_removes_only_old_pending_uploads<B: Backend>(b: &B) {
    let store = b.store();
    // Real time: S3 judges age by its own clock.
    let t = Timestamp::now();
    let files = three_files();
    let committed = put_all(store, &files[..1], t).await;
    store.commit(NOMOR, &committed).await.unwrap();
    put_all(store, &files[1..], t).await;
    assert_eq!(store.purge_pending(t - Duration::from_secs(3600)).await.unwrap(), 0, "nothing is that old");
    assert_eq!(b.keys().await.iter().filter(|k| k.starts_with("pending/")).count(), 2);
    assert_eq!(store.purge_pending(t + Duration::from_secs(3600)).await.unwrap(), 2);
    let keys = b.keys().await;
    assert!(!keys.iter().any(|k| k.starts_with("pending/")), "{keys:?}");
    assert_eq!(keys.len(), 2, "the committed file and its manifest stay: {keys:?}");
    assert_eq!(store.get(NOMOR, 1).await.unwrap().expect("committed").1.len(), files[0].1.len());
}

async fn numbers_are_checked<B: Backend>(b: &B) {
    let store = b.store();
    let pending = put_all(store, &three_files()[..1], now()).await;
    for bad in ["../PGD-2026-00001", "PGD-2026-00001/../../x", "", "lampiran"] {
        assert!(matches!(store.list(bad).await, Err(AttachmentError::InvalidNumber(_))), "{bad}");
        assert!(matches!(store.get(bad, 1).await, Err(AttachmentError::InvalidNumber(_))), "{bad}");
        assert!(matches!(store.commit(bad, &pending).await, Err(AttachmentError::InvalidNumber(_))), "{bad}");
    }
    assert!(b.keys().await.iter().all(|k| k.starts_with("pending/")));
}

async fn documents_are_stored_beside_the_complaints_files_and_erased_with_them<B: Backend>(b: &B) {
    let store = b.store();
    let pending = put_all(store, &three_files()[..1], now()).await;
    store.commit(NOMOR, &pending).await.unwrap();
    let bytes = pdf();
    let file = ValidFile { display_name: "BA ttd.pdf".into(), kind: FileKind::Pdf, size: bytes.len() };
    let meta = store.put_document("pgd-2026-00001", &file, Bytes::from(bytes.clone())).await.unwrap();
    assert_eq!((meta.index, meta.kind, meta.size), (0, FileKind::Pdf, bytes.len() as u64));
    assert_eq!(meta.sha256, sha256_hex(&bytes));
    assert!(meta.key.starts_with("lampiran/PGD-2026-00001/jawaban-") && meta.key.ends_with(".pdf"), "{}", meta.key);
    assert_eq!(store.get_document(NOMOR, &meta).await.unwrap().as_deref(), Some(&bytes[..]), "byte for byte");
    assert_eq!(store.list(NOMOR).await.unwrap().len(), 1, "the complainant's files are listed as they sent them");
    // A second document gets its own key; the first stays readable.
    let second = store.put_document(NOMOR, &file, Bytes::from(bytes.clone())).await.unwrap();
    assert_ne!(second.key, meta.key);
    // An entry never leads to another complaint's folder, nor to a tampered file.
    assert!(store.get_document("PGD-2026-00002", &meta).await.is_err());
    let traversal = AttachmentMeta { key: "lampiran/PGD-2026-00001/jawaban-../../x".into(), ..meta.clone() };
    assert!(store.get_document(NOMOR, &traversal).await.is_err());
    let wrong_digest = AttachmentMeta { sha256: sha256_hex(b"other"), ..meta.clone() };
    assert!(matches!(store.get_document(NOMOR, &wrong_digest).await, Err(AttachmentError::Corrupt(_))));
    assert!(store.put_document("bukan-nomor", &file, Bytes::from(bytes)).await.is_err());
    store.erase(NOMOR).await.unwrap();
    assert_eq!(store.get_document(NOMOR, &meta).await.unwrap(), None, "erased with the complaint's files");
    let keys = b.keys().await;
    assert!(keys.iter().all(|k| !k.contains(NOMOR)), "nothing of {NOMOR} left: {keys:?}");
}

contract! {
    local => (Local::new(), ()),
    s3 => (S3::new(Moto::shared(), "").await, ());
    [
        commit_links_files_byte_for_byte,
        pending_keys_are_generated,
        discard_leaves_nothing,
        commit_is_idempotent,
        a_later_commit_adds_files_after_those_listed,
        erase_deletes_one_complaints_files,
        failed_commit_leaves_nothing_under_lampiran,
        purge_removes_only_old_pending_uploads,
        numbers_are_checked,
        documents_are_stored_beside_the_complaints_files_and_erased_with_them,
    ]
}

#[tokio::test]
async fn s3_store_keeps_to_its_key_prefix() {
    let moto = Moto::shared();
    let backend = S3::new(moto, "uji/lampiran-form").await;
    assert_eq!(backend.store.prefix(), "uji/lampiran-form/");
    // keys() fails on any key outside the prefix.
    commit_links_files_byte_for_byte(&backend).await;
    discard_leaves_nothing(&S3::new(moto, "uji").await).await;
}

#[tokio::test]
async fn s3_objects_are_encrypted_typed_and_carry_their_digest() {
    let moto = Moto::shared();
    let backend = S3::new(moto, "").await;
    let files = three_files();
    let pending = put_all(&backend.store, &files, now()).await;
    let metas: Vec<AttachmentMeta> = backend.store.commit(NOMOR, &pending).await.unwrap();
    for meta in &metas {
        let head = backend.client.head_object().bucket(backend.store.bucket()).key(&meta.key).send().await.unwrap();
        assert_eq!(head.content_type(), Some(meta.kind.content_type()));
        assert_eq!(head.content_disposition(), Some("attachment"));
        assert_eq!(head.server_side_encryption().map(|s| s.as_str()), Some("AES256"));
        assert_eq!(head.metadata().and_then(|m| m.get("sha256")), Some(&meta.sha256));
    }
}

/// A browser's direct upload: the signed form takes the file to the bucket under the key the
/// server chose (in the store's prefix), intake takes it back byte for byte, and once deleted
/// it is gone; a larger object than the caller allows is never read.
#[tokio::test]
async fn s3_direct_uploads_arrive_under_the_servers_key_and_are_taken_back() {
    use pengaduan_store::attachments::UploadRead;
    let moto = Moto::shared();
    let backend = S3::new(moto, "uji").await;
    let store = &backend.store;
    let upload = store.presign_upload(now(), 2 * 1024 * 1024, FileKind::Pdf).await.unwrap();
    assert!(upload.fields.contains(&("Content-Type".to_owned(), "application/pdf".to_owned())));
    assert_eq!(upload.url, format!("{}/{}", moto.endpoint, store.bucket()));
    assert_eq!(store.post_origin(), moto.endpoint);
    let key_field = upload.fields.iter().find(|(n, _)| n == "key").map(|(_, v)| v.clone());
    assert_eq!(key_field, Some(format!("uji/{}", upload.key.as_str())), "the form names the key in the prefix");
    let bytes = pdf();
    let (status, answer) = pengaduan_store::testing::post_to_bucket(&upload, &bytes);
    assert_eq!(status, 204, "{answer}");
    let stored = backend.client.head_object().bucket(store.bucket()).key(format!("uji/{}", upload.key.as_str()));
    let stored = stored.send().await.unwrap();
    assert_eq!(stored.content_length(), Some(i64::try_from(bytes.len()).unwrap()));
    assert_eq!(
        store.take_upload(&upload.key, 2 * 1024 * 1024).await.unwrap(),
        UploadRead::Ready(Bytes::from(bytes.clone()))
    );
    // A cap below the object's size: refused from the listing, before any read.
    let small = u64::try_from(bytes.len() - 1).unwrap();
    assert_eq!(store.take_upload(&upload.key, small).await.unwrap(), UploadRead::TooLarge);
    store.delete_uploads(std::slice::from_ref(&upload.key)).await;
    assert_eq!(store.take_upload(&upload.key, 2 * 1024 * 1024).await.unwrap(), UploadRead::Missing);
    assert!(backend.keys().await.is_empty(), "nothing left: {:?}", backend.keys().await);
}

/// Without credentials to sign with, no form is handed out (rather than one S3 refuses).
#[tokio::test]
async fn s3_direct_uploads_need_signing_credentials() {
    let moto = Moto::shared();
    let client = moto.s3().await;
    let bucket = pengaduan_store::testing::new_bucket(&client).await;
    let unsigned = S3Attachments::new(client, bucket, "");
    assert!(matches!(unsigned.presign_upload(now(), 10, FileKind::Pdf).await, Err(AttachmentError::Backend(_))));
}

/// A local folder takes files only with the form: no signed form, nothing to take back.
#[tokio::test]
async fn local_stores_have_no_direct_uploads() {
    use pengaduan_store::attachments::{AnyAttachments, UploadKey, UploadRead};
    let local = AnyAttachments::Local(Local::new().store);
    assert_eq!(local.presign_upload(now(), 10, FileKind::Pdf).await.unwrap(), None);
    assert_eq!(local.upload_origin(), None);
    assert_eq!(local.take_upload(&UploadKey::generate(now()), 10).await.unwrap(), UploadRead::Missing);
}

#[tokio::test]
async fn local_purge_goes_by_upload_time() {
    let backend = Local::new();
    let store = backend.store();
    let files = three_files();
    let t = now();
    let old = put_all(store, &files[..1], t - Duration::from_secs(2 * 24 * 3600)).await;
    let fresh = put_all(store, &files[1..2], t - Duration::from_secs(3600)).await;
    assert_eq!(store.purge_pending(t - Duration::from_secs(24 * 3600)).await.unwrap(), 1);
    assert_eq!(backend.keys().await, [fresh[0].0.to_string()]);
    assert!(matches!(store.commit(NOMOR, &old).await, Err(AttachmentError::PendingMissing(_))));
    // Empty day folders go with their files.
    let days: Vec<_> = std::fs::read_dir(store.root().join("pending")).unwrap().collect();
    assert_eq!(days.len(), 1);
}

#[tokio::test]
async fn local_get_refuses_altered_files() {
    let backend = Local::new();
    let store = backend.store();
    let pending = put_all(store, &three_files(), now()).await;
    let metas = store.commit(NOMOR, &pending).await.unwrap();
    std::fs::write(store.root().join(&metas[1].key), b"\xFF\xD8\xFF altered").unwrap();
    assert!(matches!(store.get(NOMOR, 2).await, Err(AttachmentError::Corrupt(_))));
    assert!(store.get(NOMOR, 1).await.unwrap().is_some(), "the others are intact");
}

#[tokio::test]
async fn local_commit_survives_a_lost_pending_file_after_copying() {
    // A commit that copied the file, then failed before its manifest, then is retried after the
    // pending file expired: the copy made before is used.
    let backend = Local::new();
    let store = backend.store();
    let files = three_files();
    let pending = put_all(store, &files[..1], now()).await;
    let metas = store.commit(NOMOR, &pending).await.unwrap();
    // Simulate "copied, no manifest yet, pending expired".
    std::fs::remove_file(store.root().join(format!("lampiran/{NOMOR}/manifest.json"))).unwrap();
    assert_eq!(backend.keys().await, [metas[0].key.clone()]);
    assert_eq!(store.commit(NOMOR, &pending).await.unwrap(), metas);
}
