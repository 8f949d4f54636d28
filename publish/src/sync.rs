//! Bringing the site bucket in line with a built site: upload only the files that are new or
//! changed, with the Content-Type and Cache-Control `infra/deploy.sh` gives them, and delete the
//! objects no longer built, under the bucket's prefix only.
//!
//! A file is unchanged when an object with its key has the same size and, as its ETag, the hex
//! MD5 of its bytes: S3's ETag of a single-part upload without SSE-KMS, which is how this module
//! and `aws s3 sync` upload the site's small files to its SSE-S3 bucket. An object uploaded in
//! parts (an ETag ending in `-N`) compares unequal and is uploaded again once, in one part.
//!
//! Only bytes are compared, not headers: a change to [`RULES`] reaches objects already in the
//! bucket only when their bytes change (or after `infra/deploy.sh`'s first-deploy sync).

use crate::PublishError;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use md5::{Digest, Md5};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use walkdir::WalkDir;

/// Cache-Control of assets (CSS, JS, images, fonts, search index): their names carry no content
/// hash yet, so a changed file keeps its URL and a year-long max-age would pin old copies.
pub const ASSET_CACHE: &str = "public, max-age=3600, must-revalidate";
/// Cache-Control of pages and other documents (HTML, XML, text): always revalidated.
pub const PAGE_CACHE: &str = "no-cache";

/// One of `infra/deploy.sh`'s `sync_type` calls: files ending in `suffix` get these headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRule {
    /// The pattern's suffix (`.css` for deploy.sh's `'*.css'`).
    pub suffix: &'static str,
    /// Content-Type.
    pub content_type: &'static str,
    /// Cache-Control.
    pub cache_control: &'static str,
}

const fn rule(suffix: &'static str, content_type: &'static str, cache_control: &'static str) -> TypeRule {
    TypeRule { suffix, content_type, cache_control }
}

/// deploy.sh's `sync_type` calls, in its order; a test reads deploy.sh and compares.
pub const RULES: &[TypeRule] = &[
    rule(".css", "text/css; charset=utf-8", ASSET_CACHE),
    rule(".js", "text/javascript; charset=utf-8", ASSET_CACHE),
    rule(".mjs", "text/javascript; charset=utf-8", ASSET_CACHE),
    rule(".json", "application/json; charset=utf-8", ASSET_CACHE),
    rule(".webmanifest", "application/manifest+json", ASSET_CACHE),
    rule(".svg", "image/svg+xml", ASSET_CACHE),
    rule(".webp", "image/webp", ASSET_CACHE),
    rule(".avif", "image/avif", ASSET_CACHE),
    rule(".ico", "image/vnd.microsoft.icon", ASSET_CACHE),
    rule(".woff2", "font/woff2", ASSET_CACHE),
    rule(".woff", "font/woff", ASSET_CACHE),
    rule(".html", "text/html; charset=utf-8", PAGE_CACHE),
    rule(".xml", "application/xml; charset=utf-8", PAGE_CACHE),
    rule(".txt", "text/plain; charset=utf-8", PAGE_CACHE),
];

/// For every other file deploy.sh lets the AWS CLI guess the type from the extension (Python's
/// `mimetypes`): these are its guesses for what a site may hold. Anything else (Pagefind's index
/// files) is sent without a Content-Type, as the CLI sends it, and is served as an octet stream.
pub const GUESSED: &[(&str, &str)] = &[
    (".png", "image/png"),
    (".jpg", "image/jpeg"),
    (".jpeg", "image/jpeg"),
    (".gif", "image/gif"),
    (".bmp", "image/bmp"),
    (".tif", "image/tiff"),
    (".tiff", "image/tiff"),
    (".pdf", "application/pdf"),
    (".wasm", "application/wasm"),
    (".csv", "text/csv"),
    (".md", "text/markdown"),
    (".zip", "application/zip"),
    (".ttf", "font/ttf"),
    (".otf", "font/otf"),
    (".mp3", "audio/mpeg"),
    (".mp4", "video/mp4"),
    (".webm", "video/webm"),
    (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
];

/// The headers an object gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headers {
    /// Content-Type; `None` leaves it to S3 (an octet stream).
    pub content_type: Option<&'static str>,
    /// Cache-Control.
    pub cache_control: &'static str,
}

/// The headers of the file at `key` (relative to the site), as deploy.sh uploads it: the
/// first rule whose suffix ends the key (case as written, like the CLI's patterns), else the
/// guessed type (any case, like Python's `mimetypes`) with the assets' caching.
pub fn headers(key: &str) -> Headers {
    if let Some(r) = RULES.iter().find(|r| key.ends_with(r.suffix)) {
        return Headers { content_type: Some(r.content_type), cache_control: r.cache_control };
    }
    let lower = key.to_ascii_lowercase();
    let content_type = GUESSED.iter().find(|(suffix, _)| lower.ends_with(suffix)).map(|(_, t)| *t);
    Headers { content_type, cache_control: ASSET_CACHE }
}

/// site-gen's own bookkeeping in the output folder (`.site-gen-manifest`, `.site-gen-cache`,
/// …), which deploy.sh keeps out of the bucket (`--exclude '.site-gen-*'`) and so never deletes.
pub fn is_bookkeeping(key: &str) -> bool {
    key.starts_with(".site-gen-")
}

/// Where the site lives: a bucket and a key prefix (empty, or ending in `/`).
#[derive(Debug, Clone)]
pub struct SiteBucket {
    client: Client,
    bucket: String,
    prefix: String,
}

impl SiteBucket {
    /// The bucket `bucket` through `client`, under `prefix` (may be empty; a missing trailing
    /// slash is added).
    pub fn new(client: Client, bucket: impl Into<String>, prefix: &str) -> Self {
        let prefix = prefix.trim_start_matches('/');
        let prefix = if prefix.is_empty() || prefix.ends_with('/') { prefix.to_owned() } else { format!("{prefix}/") };
        Self { client, bucket: bucket.into(), prefix }
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key prefix, empty or ending in `/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Every object under the prefix, by key relative to it: its size and ETag (quotes removed).
    pub async fn list(&self) -> Result<BTreeMap<String, Remote>, PublishError> {
        let mut found = BTreeMap::new();
        let mut token = None;
        loop {
            let page = (self.client.list_objects_v2().bucket(&self.bucket))
                .prefix(&self.prefix)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(s3)?;
            for object in page.contents() {
                let Some(rel) = object.key().and_then(|k| k.strip_prefix(self.prefix.as_str())) else { continue };
                if rel.is_empty() {
                    continue;
                }
                let etag = object.e_tag().unwrap_or_default().trim_matches('"').to_owned();
                found.insert(rel.to_owned(), Remote { size: object.size().unwrap_or(-1), etag });
            }
            token = page.next_continuation_token().map(str::to_owned);
            if token.is_none() {
                return Ok(found);
            }
        }
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), PublishError> {
        let h = headers(key);
        (self.client.put_object().bucket(&self.bucket))
            .key(format!("{}{key}", self.prefix))
            .body(ByteStream::from(bytes))
            .set_content_type(h.content_type.map(str::to_owned))
            .cache_control(h.cache_control)
            .send()
            .await
            .map_err(s3)?;
        Ok(())
    }

    async fn delete(&self, keys: &[String]) -> Result<(), PublishError> {
        // DeleteObjects takes at most 1000 keys.
        for batch in keys.chunks(1000) {
            let objects = (batch.iter())
                .map(|k| ObjectIdentifier::builder().key(format!("{}{k}", self.prefix)).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| PublishError::S3(e.to_string()))?;
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| PublishError::S3(e.to_string()))?;
            let out = self.client.delete_objects().bucket(&self.bucket).delete(delete).send().await.map_err(s3)?;
            if let Some(e) = out.errors().first() {
                return Err(PublishError::S3(format!(
                    "{} object(s) not deleted, the first {}: {}",
                    out.errors().len(),
                    e.key().unwrap_or_default(),
                    e.message().or(e.code()).unwrap_or_default()
                )));
            }
        }
        Ok(())
    }
}

/// An object in the bucket, as the listing gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Its size in bytes.
    pub size: i64,
    /// Its ETag without quotes.
    pub etag: String,
}

/// A built file.
struct Local {
    key: String,
    bytes: Vec<u8>,
}

impl Local {
    fn same_as(&self, remote: &Remote) -> bool {
        remote.size == self.bytes.len() as i64 && remote.etag.eq_ignore_ascii_case(&md5_hex(&self.bytes))
    }
}

/// The hex MD5 of `bytes`: S3's ETag of a single-part upload.
pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a sync did, keys relative to the prefix (so, to the site's root).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Files in the build (site-gen's bookkeeping left out).
    pub built: usize,
    /// Files uploaded because they were new or changed, sorted.
    pub uploaded: Vec<String>,
    /// Objects deleted because nothing built has their key, sorted.
    pub removed: Vec<String>,
}

/// How many uploads run at once.
const PARALLEL_UPLOADS: usize = 8;

/// Uploads what changed in the built site `out` to `target` and deletes what is no longer
/// built. Order as in deploy.sh, for visitors during the sync: assets first (new pages may
/// reference them), then pages, then deletions.
pub async fn sync(out: &Path, target: &SiteBucket) -> Result<SyncReport, PublishError> {
    sync_some(out, target, None).await
}

/// Uploads those of `keys` that changed in the built site `out` (a key not built is left
/// alone): the statistics' run, which must not touch the rest of the site.
pub async fn sync_keys(out: &Path, target: &SiteBucket, keys: &[&str]) -> Result<SyncReport, PublishError> {
    sync_some(out, target, Some(&keys.iter().copied().collect())).await
}

/// [`sync`], or with `only`, [`sync_keys`].
async fn sync_some(out: &Path, target: &SiteBucket, only: Option<&BTreeSet<&str>>) -> Result<SyncReport, PublishError> {
    let mut local = read_built(out)?;
    if let Some(only) = only {
        local.retain(|l| only.contains(l.key.as_str()));
    }
    let remote = target.list().await?;
    let built = local.len();
    let built_keys: BTreeSet<&str> = local.iter().map(|l| l.key.as_str()).collect();
    let removed: Vec<String> = match only {
        Some(_) => Vec::new(),
        None => remote.keys().filter(|k| !is_bookkeeping(k) && !built_keys.contains(k.as_str())).cloned().collect(),
    };
    let changed: Vec<Local> = local.into_iter().filter(|l| remote.get(&l.key).is_none_or(|r| !l.same_as(r))).collect();
    let mut uploaded: Vec<String> = changed.iter().map(|l| l.key.clone()).collect();
    let (assets, pages): (Vec<Local>, Vec<Local>) =
        changed.into_iter().partition(|l| headers(&l.key).cache_control != PAGE_CACHE);
    upload(target, assets).await?;
    upload(target, pages).await?;
    target.delete(&removed).await?;
    uploaded.sort();
    Ok(SyncReport { built, uploaded, removed })
}

/// Uploads `files`, a few at a time.
async fn upload(target: &SiteBucket, files: Vec<Local>) -> Result<(), PublishError> {
    let limit = Arc::new(tokio::sync::Semaphore::new(PARALLEL_UPLOADS));
    let mut tasks = tokio::task::JoinSet::new();
    for file in files {
        let (target, limit) = (target.clone(), Arc::clone(&limit));
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("the semaphore is never closed");
            target.put(&file.key, file.bytes).await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| PublishError::S3(format!("an upload stopped: {e}")))??;
    }
    Ok(())
}

/// Every built file under `out` but site-gen's bookkeeping, by key (`/`-separated).
fn read_built(out: &Path) -> Result<Vec<Local>, PublishError> {
    let mut files = Vec::new();
    for entry in WalkDir::new(out).sort_by_file_name() {
        let entry = entry.map_err(|e| PublishError::Site(format!("{}: {e}", out.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(out).expect("under the walked folder");
        let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if is_bookkeeping(&key) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| PublishError::Site(format!("{key}: {e}")))?;
        files.push(Local { key, bytes });
    }
    Ok(files)
}

fn s3<E: std::error::Error + 'static>(e: aws_sdk_s3::error::SdkError<E>) -> PublishError {
    PublishError::S3(aws_sdk_s3::error::DisplayErrorContext(e).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// deploy.sh's headers: its two cache values, each `sync_type` call (pattern, type, cache),
    /// in order, and the patterns its catch-all pass excludes.
    fn deploy_sh() -> (Vec<TypeRule>, Vec<String>) {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/deploy.sh")).unwrap();
        let value = |name: &str| {
            let line = text.lines().find(|l| l.starts_with(&format!("{name}=\""))).unwrap();
            line.split('"').nth(1).unwrap().to_owned()
        };
        let (asset, page) = (value("asset_cache"), value("page_cache"));
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let mut rules = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| l.starts_with("sync_type '")) {
            let quoted: Vec<&str> = line.split('\'').collect();
            let (pattern, content_type) = (quoted[1], quoted[3]);
            let cache = match line.split('"').nth(1).unwrap() {
                "$asset_cache" => asset.clone(),
                "$page_cache" => page.clone(),
                other => panic!("unknown cache value {other} in deploy.sh"),
            };
            let suffix = pattern.strip_prefix('*').expect("patterns are *.ext");
            rules.push(rule(leak(suffix.to_owned()), leak(content_type.to_owned()), leak(cache)));
        }
        let start = text.find("--exclude '.site-gen-*' \\\n  --exclude '*.html'").expect("the catch-all pass");
        let pass = &text[start..start + text[start..].find("--cache-control").unwrap()];
        let excluded = pass.split("--exclude '").skip(1).map(|p| p.split('\'').next().unwrap().to_owned()).collect();
        (rules, excluded)
    }

    #[test]
    fn the_rules_are_deploy_sh_s() {
        let (rules, excluded) = deploy_sh();
        assert_eq!(rules, RULES, "RULES must list infra/deploy.sh's sync_type calls, in order");
        // Everything the catch-all pass leaves out has a rule here, and nothing else.
        let mut patterns: Vec<String> = RULES.iter().map(|r| format!("*{}", r.suffix)).collect();
        patterns.insert(0, ".site-gen-*".into());
        let (mut a, mut b) = (patterns, excluded);
        a.sort();
        b.sort();
        assert_eq!(a, b, "deploy.sh's catch-all pass excludes exactly the typed patterns and .site-gen-*");
        assert!(deploy_sh_text().contains(&format!("asset_cache=\"{ASSET_CACHE}\"")));
        assert!(deploy_sh_text().contains(&format!("page_cache=\"{PAGE_CACHE}\"")));
    }

    fn deploy_sh_text() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/deploy.sh")).unwrap()
    }

    #[test]
    fn headers_follow_the_rules_then_the_guess() {
        assert_eq!(
            headers("index.html"),
            Headers { content_type: Some("text/html; charset=utf-8"), cache_control: PAGE_CACHE }
        );
        assert_eq!(headers("sitemap.xml").cache_control, PAGE_CACHE);
        assert_eq!(headers("robots.txt").content_type, Some("text/plain; charset=utf-8"));
        assert_eq!(headers("js/form.js").content_type, Some("text/javascript; charset=utf-8"));
        assert_eq!(headers("js/x.mjs").content_type, Some("text/javascript; charset=utf-8"));
        assert_eq!(headers("f.woff").content_type, Some("font/woff"));
        assert_eq!(headers("f.woff2").content_type, Some("font/woff2"));
        assert_eq!(headers("img/Foto.JPG"), Headers { content_type: Some("image/jpeg"), cache_control: ASSET_CACHE });
        assert_eq!(headers("pagefind/index/en_1.pf_index"), Headers { content_type: None, cache_control: ASSET_CACHE });
        assert!(is_bookkeeping(".site-gen-cache") && !is_bookkeeping("a/.site-gen-cache"));
    }

    #[test]
    fn etag_is_the_hex_md5() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        let local = Local { key: "a".into(), bytes: b"abc".to_vec() };
        assert!(local.same_as(&Remote { size: 3, etag: "900150983CD24FB0D6963F7D28E17F72".into() }));
        assert!(!local.same_as(&Remote { size: 4, etag: "900150983cd24fb0d6963f7d28e17f72".into() }));
        assert!(!local.same_as(&Remote { size: 3, etag: "900150983cd24fb0d6963f7d28e17f72-1".into() }));
    }
}
