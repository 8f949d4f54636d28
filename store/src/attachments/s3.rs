//! Attachments in a private S3 bucket (the stack's `AttachmentsBucket`), under an optional key
//! prefix: `pending/<date>/<random>` for uploads waiting for their complaint, which the bucket's
//! lifecycle rule expires after a day, and `lampiran/<nomor>/…` once committed.
//!
//! Every object is written with server-side encryption (AES256) and `Content-Disposition:
//! attachment`, so that even a link to one (a presigned URL, later) downloads rather than
//! renders it. Each object carries its SHA-256 as user metadata (`x-amz-meta-sha256`), which a
//! copy keeps, so committing needs no second read of the content.
//!
//! GuardDuty Malware Protection for S3 scans every object written under `lampiran/` and tags it
//! `GuardDutyMalwareScanStatus` (`NO_THREATS_FOUND`, `THREATS_FOUND`, or a status saying it
//! could not scan); [`AttachmentStore::scan_state`] reads that tag, and only `NO_THREATS_FOUND`
//! counts as clean.
//!
//! The function's role may only put, get and delete objects, read their tags, and list keys,
//! under the two prefixes. Whether a key exists is asked with a prefix listing, never inferred from a
//! failed read: without an unrestricted `s3:ListBucket`, S3 answers a missing key with 403, not
//! 404.

use super::{
    AttachmentError, AttachmentMeta, AttachmentStore, DirectUpload, PENDING_PREFIX, PendingKey, UploadKey, UploadRead,
    canonical_number, check_document_key, committed_dir, committed_key, direct, document_key, document_meta,
    manifest_json, manifest_key, not_listed, parse_manifest, sha256_hex, verify,
};
use aws_sdk_s3::Client;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{MetadataDirective, ServerSideEncryption};
use bytes::Bytes;
use jiff::Timestamp;
use pengaduan_core::attachment::{FileKind, ValidFile};
use pengaduan_core::scan::ScanState;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The user metadata entry holding an object's SHA-256.
const SHA256_METADATA: &str = "sha256";

/// The tag GuardDuty Malware Protection for S3 puts on each object it scanned.
pub const SCAN_STATUS_TAG: &str = "GuardDutyMalwareScanStatus";

/// The scan state GuardDuty's status tag says (`None`: no tag yet). Only `NO_THREATS_FOUND` is
/// clean; `THREATS_FOUND` is infected (the tag names no signature); any other status
/// (`UNSUPPORTED`, `ACCESS_DENIED`, `FAILED`) is no verdict, so the file stays unscanned.
pub fn scan_state_of_tag(status: Option<&str>) -> ScanState {
    match status {
        Some("NO_THREATS_FOUND") => ScanState::Bersih,
        Some("THREATS_FOUND") => ScanState::Terinfeksi { signature: "ancaman terdeteksi GuardDuty".to_owned() },
        _ => ScanState::BelumDipindai,
    }
}

/// What stays unescaped in a `CopySource` (`bucket/key`, URL-encoded).
const COPY_SOURCE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// How long a browser has to start sending a file it asked to send straight to the bucket.
pub const DIRECT_UPLOAD_VALIDITY: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);

/// An attachment store on one S3 bucket.
#[derive(Clone, Debug)]
pub struct S3Attachments {
    client: Client,
    bucket: String,
    prefix: String,
    /// Where browsers post direct uploads, when not the bucket's own AWS address (a local server).
    post_endpoint: Option<String>,
    /// The credentials that sign direct uploads (the client does not give its own back).
    credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
}

impl S3Attachments {
    /// Wraps a client built once at start-up. `prefix` (may be empty) is put before every key,
    /// e.g. `lampiran-uji/`; a missing trailing slash is added.
    pub fn new(client: Client, bucket: impl Into<String>, prefix: &str) -> Self {
        let prefix = prefix.trim_start_matches('/');
        let prefix = if prefix.is_empty() || prefix.ends_with('/') { prefix.to_owned() } else { format!("{prefix}/") };
        Self { client, bucket: bucket.into(), prefix, post_endpoint: None, credentials: None }
    }

    /// Signs direct uploads with the credentials of `config` (the client's own).
    pub fn with_signing(mut self, config: &aws_types::SdkConfig) -> Self {
        self.credentials = config.credentials_provider();
        self
    }

    /// Browsers post direct uploads to `endpoint` (path-style, `endpoint/bucket`) instead of the
    /// bucket's AWS address: for a local S3-compatible server.
    pub fn with_post_endpoint(mut self, endpoint: &str) -> Self {
        self.post_endpoint = Some(endpoint.trim_end_matches('/').to_owned());
        self
    }

    /// The address browsers post direct uploads to.
    pub fn post_url(&self) -> String {
        match &self.post_endpoint {
            Some(endpoint) => format!("{endpoint}/{}", self.bucket),
            None => {
                let region = self.client.config().region().map_or("us-east-1", |r| r.as_ref());
                format!("https://{}.s3.{region}.amazonaws.com", self.bucket)
            }
        }
    }

    /// The origin of [`S3Attachments::post_url`], for the pages' `connect-src`.
    pub fn post_origin(&self) -> String {
        let url = self.post_url();
        let after_scheme = url.find("://").map_or(0, |i| i + 3);
        let end = url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i);
        url[..end].to_owned()
    }

    /// Signs a form for a browser to send one file of `kind` and at most `max_bytes` straight
    /// to the bucket, under a new key in `unggahan/`, valid for [`DIRECT_UPLOAD_VALIDITY`].
    pub async fn presign_upload(
        &self,
        now: Timestamp,
        max_bytes: u64,
        kind: FileKind,
    ) -> Result<DirectUpload, AttachmentError> {
        use aws_credential_types::provider::ProvideCredentials;
        let config = self.client.config();
        let provider = self
            .credentials
            .as_ref()
            .ok_or_else(|| AttachmentError::Backend("no credentials to sign direct uploads with".into()))?;
        let credentials = provider.provide_credentials().await.map_err(|e| AttachmentError::Backend(e.into()))?;
        let region = config.region().map_or("us-east-1", |r| r.as_ref());
        let key = UploadKey::generate(now);
        let full = self.full(key.as_str());
        let signer = direct::Signer {
            access_key: credentials.access_key_id(),
            secret_key: credentials.secret_access_key(),
            session_token: credentials.session_token(),
            region,
        };
        let expires = now.checked_add(DIRECT_UPLOAD_VALIDITY).unwrap_or(now);
        let content_type = kind.content_type();
        let allowed = direct::Allowed { bucket: &self.bucket, key: &full, max_bytes, content_type, now, expires };
        Ok(DirectUpload { url: self.post_url(), fields: direct::post_fields(&signer, &allowed), key })
    }

    /// The bytes a browser sent straight to the bucket under `key`, if any and not larger than
    /// `max_bytes` (the size is read from the listing first, so a large object is never fetched).
    pub async fn take_upload(&self, key: &UploadKey, max_bytes: u64) -> Result<UploadRead, AttachmentError> {
        let full = self.full(key.as_str());
        let out =
            self.client.list_objects_v2().bucket(&self.bucket).prefix(&full).max_keys(1).send().await.map_err(sdk)?;
        let Some(object) = out.contents().iter().find(|o| o.key() == Some(full.as_str())) else {
            return Ok(UploadRead::Missing);
        };
        if object.size().and_then(|n| u64::try_from(n).ok()).is_none_or(|n| n > max_bytes) {
            return Ok(UploadRead::TooLarge);
        }
        let bytes = self.read(key.as_str()).await?;
        // Written after the listing? The policy caps the size; this is the lock behind it.
        if u64::try_from(bytes.len()).map_or(true, |n| n > max_bytes) {
            return Ok(UploadRead::TooLarge);
        }
        Ok(UploadRead::Ready(Bytes::from(bytes)))
    }

    /// Deletes direct uploads once read (best effort: the bucket expires what is left).
    pub async fn delete_uploads(&self, keys: &[UploadKey]) {
        self.delete_keys(&keys.iter().map(UploadKey::as_str).collect::<Vec<_>>()).await;
    }

    /// Builds a client from the standard AWS environment (see [`pengaduan_aws::load_config`]), with
    /// path-style addressing when an S3 endpoint is configured ([`S3Attachments::path_style_from_env`]).
    pub async fn from_env(bucket: impl Into<String>, prefix: &str) -> Self {
        let config = pengaduan_aws::load_config().await;
        let store = Self::new(Self::client(&config, Self::path_style_from_env()), bucket, prefix).with_signing(&config);
        match pengaduan_aws::service_endpoint("S3").or_else(|| std::env::var("AWS_ENDPOINT_URL").ok()) {
            Some(endpoint) if !endpoint.is_empty() => store.with_post_endpoint(&endpoint),
            _ => store,
        }
    }

    /// An S3 client from shared AWS settings. Path-style addressing (`endpoint/bucket/key`)
    /// is what local S3-compatible servers such as moto understand, as they have no DNS for
    /// `bucket.endpoint`.
    pub fn client(config: &aws_types::SdkConfig, force_path_style: bool) -> Client {
        let mut builder = aws_sdk_s3::config::Builder::from(config).force_path_style(force_path_style);
        if let Some(url) = pengaduan_aws::service_endpoint("S3") {
            builder = builder.endpoint_url(url);
        }
        Client::from_conf(builder.build())
    }

    /// Whether `AWS_ENDPOINT_URL_S3` (or the general `AWS_ENDPOINT_URL`) is set: a custom
    /// endpoint means a local server, which needs path-style addressing. Real S3 works either way.
    pub fn path_style_from_env() -> bool {
        ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"].iter().any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()))
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key prefix, empty or ending in `/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn full(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn put(&self, key: &str, body: Bytes, content_type: &str, sha256: &str) -> Result<(), AttachmentError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .body(ByteStream::from(body))
            .content_type(content_type)
            .content_disposition("attachment")
            .server_side_encryption(ServerSideEncryption::Aes256)
            .metadata(SHA256_METADATA, sha256)
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    /// Whether `key` exists, by listing its exact name as a prefix (see the module's note).
    async fn exists(&self, key: &str) -> Result<bool, AttachmentError> {
        let full = self.full(key);
        let out =
            self.client.list_objects_v2().bucket(&self.bucket).prefix(&full).max_keys(1).send().await.map_err(sdk)?;
        Ok(out.contents().iter().any(|o| o.key() == Some(full.as_str())))
    }

    /// The bytes of `key`, which is known to exist.
    async fn read(&self, key: &str) -> Result<Vec<u8>, AttachmentError> {
        let out = self.client.get_object().bucket(&self.bucket).key(self.full(key)).send().await.map_err(sdk)?;
        let body = out.body.collect().await.map_err(|e| AttachmentError::Backend(e.into()))?;
        Ok(body.to_vec())
    }

    async fn read_manifest(&self, nomor: &str) -> Result<Option<Vec<AttachmentMeta>>, AttachmentError> {
        let key = manifest_key(nomor);
        if !self.exists(&key).await? {
            return Ok(None);
        }
        Ok(Some(parse_manifest(nomor, &self.read(&key).await?)?.files))
    }

    /// Copies `from` to `to` in the bucket, keeping content type, disposition and metadata.
    async fn copy(&self, from: &str, to: &str) -> Result<(), AttachmentError> {
        let source = utf8_percent_encode(&format!("{}/{}", self.bucket, self.full(from)), COPY_SOURCE).to_string();
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(source)
            .key(self.full(to))
            .metadata_directive(MetadataDirective::Copy)
            .server_side_encryption(ServerSideEncryption::Aes256)
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    /// Size and SHA-256 (from its metadata) of `key`.
    async fn size_and_digest(&self, key: &str) -> Result<(u64, String), AttachmentError> {
        let out = self.client.head_object().bucket(&self.bucket).key(self.full(key)).send().await.map_err(sdk)?;
        let sha256 = out
            .metadata()
            .and_then(|m| m.get(SHA256_METADATA))
            .filter(|s| s.len() == 64)
            .ok_or_else(|| AttachmentError::Corrupt(format!("{key} has no sha256 metadata")))?;
        let size = out.content_length().and_then(|n| u64::try_from(n).ok());
        let size = size.ok_or_else(|| AttachmentError::Corrupt(format!("{key} has no size")))?;
        Ok((size, sha256.to_owned()))
    }

    /// Every object under `prefix` (full keys), with when S3 last modified it (seconds since the
    /// epoch), through all pages of the listing.
    async fn objects_under(&self, prefix: &str) -> Result<Vec<(String, i64)>, AttachmentError> {
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(sdk)?;
            objects.extend(
                out.contents()
                    .iter()
                    .filter_map(|o| Some((o.key()?.to_owned(), o.last_modified().map_or(i64::MAX, |t| t.secs())))),
            );
            match out.next_continuation_token() {
                Some(next) if out.is_truncated() == Some(true) => token = Some(next.to_owned()),
                _ => break,
            }
        }
        Ok(objects)
    }

    /// Deletes objects, best effort: a pending object left behind expires through the bucket's
    /// lifecycle rule; a copy of a failed commit left behind is logged and listed nowhere.
    async fn delete_keys(&self, keys: &[&str]) {
        for key in keys {
            if let Err(e) = self.client.delete_object().bucket(&self.bucket).key(self.full(key)).send().await {
                tracing::warn!(error = %sdk(e), "could not delete an uncommitted attachment");
            }
        }
    }

    /// Copies each pending object to its committed key, recording each copy in `copied`, then
    /// writes the manifest: the commit point, before which nothing is listed and after which all is.
    async fn copy_and_list(
        &self,
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
            match self.copy(key.as_str(), &target).await {
                Ok(()) => copied.push(target.clone()),
                // A retry after the pending object expired can still find the copy made before.
                Err(e) => {
                    if self.exists(key.as_str()).await? {
                        return Err(e);
                    }
                    if !self.exists(&target).await? {
                        return Err(AttachmentError::PendingMissing(key.to_string()));
                    }
                }
            }
            let (size, sha256) = self.size_and_digest(&target).await?;
            files.push(AttachmentMeta {
                index,
                display_name: file.display_name.clone(),
                kind: file.kind,
                size,
                key: target,
                sha256,
            });
        }
        let json = Bytes::from(manifest_json(nomor, &files)?);
        let digest = sha256_hex(&json);
        self.put(&manifest_key(nomor), json, "application/json", &digest).await?;
        Ok(files)
    }
}

impl AttachmentStore for S3Attachments {
    async fn put_pending(&self, file: &ValidFile, bytes: Bytes, now: Timestamp) -> Result<PendingKey, AttachmentError> {
        debug_assert_eq!(file.size, bytes.len(), "the bytes are the validated file's");
        let key = PendingKey::generate(now);
        let sha256 = sha256_hex(&bytes);
        self.put(key.as_str(), bytes, file.kind.content_type(), &sha256).await?;
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
        let pending_keys: Vec<&str> = pending.iter().map(|(k, _)| k.as_str()).collect();
        let listed = self.read_manifest(&nomor).await?.unwrap_or_default();
        let new = not_listed(&listed, pending);
        if new.is_empty() {
            // Committed before (this is a retry): only the clean-up may be left to do.
            self.delete_keys(&pending_keys).await;
            return Ok(listed);
        }
        let mut copied = Vec::with_capacity(new.len());
        let committed = self.copy_and_list(&nomor, listed, &new, &mut copied).await;
        if committed.is_err() {
            // A manifest write that failed on the way back (a timeout) may have landed all the
            // same: then the commit stands.
            if let Ok(Some(files)) = self.read_manifest(&nomor).await
                && not_listed(&files, pending).is_empty()
            {
                self.delete_keys(&pending_keys).await;
                return Ok(files);
            }
            // No manifest, so these copies are listed nowhere: remove them. The pending objects
            // stay for a retry, and expire otherwise.
            self.delete_keys(&copied.iter().map(String::as_str).collect::<Vec<_>>()).await;
            return committed;
        }
        self.delete_keys(&pending_keys).await;
        committed
    }

    async fn discard(&self, pending: &[PendingKey]) {
        self.delete_keys(&pending.iter().map(PendingKey::as_str).collect::<Vec<_>>()).await;
    }

    async fn list(&self, nomor: &str) -> Result<Vec<AttachmentMeta>, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        Ok(self.read_manifest(&nomor).await?.unwrap_or_default())
    }

    async fn get(&self, nomor: &str, index: usize) -> Result<Option<(AttachmentMeta, Bytes)>, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        let files = self.read_manifest(&nomor).await?.unwrap_or_default();
        let Some(meta) = files.into_iter().find(|m| m.index == index) else { return Ok(None) };
        let bytes = self.read(&meta.key).await?;
        verify(&meta, &bytes)?;
        Ok(Some((meta, Bytes::from(bytes))))
    }

    async fn scan_state(&self, meta: &AttachmentMeta) -> Result<ScanState, AttachmentError> {
        let out = self
            .client
            .get_object_tagging()
            .bucket(&self.bucket)
            .key(self.full(&meta.key))
            .send()
            .await
            .map_err(sdk)?;
        let status = out.tag_set().iter().find(|t| t.key() == SCAN_STATUS_TAG).map(|t| t.value());
        Ok(scan_state_of_tag(status))
    }

    /// Deletes pending objects S3 last modified before `older_than`. On AWS the lifecycle rule
    /// does this too; this is for buckets without one (a local server) and for tidying early.
    async fn purge_pending(&self, older_than: Timestamp) -> Result<usize, AttachmentError> {
        let cutoff = older_than.as_second();
        let old = self.objects_under(&self.full(PENDING_PREFIX)).await?;
        let old: Vec<String> = old.into_iter().filter(|(_, modified)| *modified < cutoff).map(|(k, _)| k).collect();
        for key in &old {
            self.client.delete_object().bucket(&self.bucket).key(key).send().await.map_err(sdk)?;
        }
        Ok(old.len())
    }

    async fn erase(&self, nomor: &str) -> Result<usize, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        let listed = self.read_manifest(&nomor).await?.map_or(0, |files| files.len());
        // Every object under the complaint's prefix, manifest last, so a failure midway leaves
        // the manifest naming what is still there and a retry finishes the job.
        let prefix = self.full(&committed_dir(&nomor));
        let manifest = self.full(&manifest_key(&nomor));
        let mut keys: Vec<String> =
            self.objects_under(&prefix).await?.into_iter().map(|(k, _)| k).filter(|k| *k != manifest).collect();
        keys.push(manifest);
        for key in keys {
            self.client.delete_object().bucket(&self.bucket).key(key).send().await.map_err(sdk)?;
        }
        Ok(listed)
    }

    async fn put_document(
        &self,
        nomor: &str,
        file: &ValidFile,
        bytes: Bytes,
    ) -> Result<AttachmentMeta, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        let meta = document_meta(document_key(&nomor, file.kind), file, &bytes);
        self.put(&meta.key, bytes, file.kind.content_type(), &meta.sha256).await?;
        Ok(meta)
    }

    async fn get_document(&self, nomor: &str, meta: &AttachmentMeta) -> Result<Option<Bytes>, AttachmentError> {
        let nomor = canonical_number(nomor)?;
        check_document_key(&nomor, meta)?;
        if !self.exists(&meta.key).await? {
            return Ok(None);
        }
        let bytes = self.read(&meta.key).await?;
        verify(meta, &bytes)?;
        Ok(Some(Bytes::from(bytes)))
    }
}

fn sdk<E, R>(e: SdkError<E, R>) -> AttachmentError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    // The SDK's Display is terse ("service error"); the source chain says what went wrong.
    AttachmentError::Backend(e.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_no_threats_found_is_clean() {
        assert_eq!(scan_state_of_tag(Some("NO_THREATS_FOUND")), ScanState::Bersih);
        assert!(matches!(scan_state_of_tag(Some("THREATS_FOUND")), ScanState::Terinfeksi { .. }));
        for other in [None, Some("UNSUPPORTED"), Some("ACCESS_DENIED"), Some("FAILED"), Some("no_threats_found")] {
            assert_eq!(scan_state_of_tag(other), ScanState::BelumDipindai, "{other:?}");
        }
    }
}
