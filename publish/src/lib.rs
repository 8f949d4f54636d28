//! Publishing the site on AWS, as the publishing function (`publish-fn`) does when editors
//! publish in the console: lay out a site root from the shipped templates and the content
//! store's live text ([`root`]), build it with site-gen's library (search included, for the
//! production address), upload to the site bucket only what changed and delete what is no
//! longer built ([`sync`]), and invalidate exactly those paths in CloudFront ([`invalidate`]).
//!
//! Every publish builds from scratch in a temporary folder and compares with the bucket, not
//! with an earlier build: the bucket is the truth, whoever wrote it last (`infra/deploy.sh`'s
//! first sync, or an earlier publish).

pub mod invalidate;
pub mod ops;
pub mod root;
pub mod statistik;
pub mod sync;

pub use invalidate::Distribution;
pub use ops::{Answer, Request, Workbench};
pub use sync::SiteBucket;

use pengaduan_store::StoreError;
use pengaduan_store::content::ContentStore;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Why a publish stopped. Messages are for operators (English), except a build's, which names
/// the content file and line in Bahasa Indonesia for the editor.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A content path that could leave `content/`.
    #[error("unsafe content path {0:?}")]
    UnsafePath(String),
    /// The shipped site or a temporary folder could not be read or written.
    #[error("site files: {0}")]
    Site(String),
    /// The site does not build with this content.
    #[error("{0}")]
    Build(String),
    /// The content store failed.
    #[error("content store: {}", pengaduan_store::error_chain(.0))]
    Store(#[from] StoreError),
    /// S3 failed.
    #[error("site bucket: {0}")]
    S3(String),
    /// CloudFront failed (the bucket is already up to date then).
    #[error("CloudFront: {0}")]
    CloudFront(String),
}

/// What to build: the shipped site and the address it is published at.
#[derive(Debug, Clone)]
pub struct SiteSource {
    /// The folder holding `templates/`, `static/` and `config.toml`.
    pub dir: PathBuf,
    /// The public address (`https://…`, no trailing slash), replacing `config.toml`'s `base_url`.
    pub base_url: String,
    /// Changes laid over the store's content (path relative to `content/` → text).
    pub overlay: BTreeMap<String, String>,
}

impl SiteSource {
    /// The site in `dir`, published at `base_url`, with the store's content as it is.
    pub fn new(dir: impl Into<PathBuf>, base_url: impl Into<String>) -> Self {
        Self { dir: dir.into(), base_url: base_url.into(), overlay: BTreeMap::new() }
    }
}

/// What a publish did.
#[derive(Debug, Clone, Serialize)]
pub struct PublishReport {
    /// Files in the build.
    pub built: usize,
    /// Keys uploaded (new or changed), relative to the site's root, sorted.
    pub uploaded: Vec<String>,
    /// Keys deleted (no longer built), sorted.
    pub removed: Vec<String>,
    /// The paths invalidated in CloudFront (empty when nothing changed or no distribution).
    pub invalidated_paths: Vec<String>,
    /// The invalidation's id, when one was created.
    pub invalidation_id: Option<String>,
    /// How long the whole publish took.
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    pub elapsed: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Builds the site from `store`'s live content and `site`, brings `bucket` in line with it and
/// invalidates what changed in `distribution` (when given). Without figures the statistics
/// page says there are none and its data files are not built: `publish-fn` always gives them
/// ([`statistik::publish_statistics`]).
pub async fn publish<S: ContentStore>(
    store: &S,
    site: &SiteSource,
    bucket: &SiteBucket,
    distribution: Option<&Distribution>,
) -> Result<PublishReport, PublishError> {
    build_and_sync(store, site, None, bucket, distribution, None).await
}

/// The publish: the build (with the figures of `statistics` left in its output folder for the
/// statistics page, when given), then the whole site synced, or with `only`, just those keys.
pub(crate) async fn build_and_sync<S: ContentStore>(
    store: &S,
    site: &SiteSource,
    statistics: Option<&statistik::Statistics>,
    bucket: &SiteBucket,
    distribution: Option<&Distribution>,
    only: Option<&[&str]>,
) -> Result<PublishReport, PublishError> {
    let started = Instant::now();
    let live = store.live_content().await?;
    let root = root::materialise(&site.dir, live.into_iter().map(|r| (r.path, r.text)), &site.overlay)?;
    let out = tempfile::Builder::new()
        .prefix("pengaduan-terbit-")
        .tempdir()
        .map_err(|e| PublishError::Site(format!("a temporary folder: {e}")))?;
    if let Some(statistics) = statistics {
        // The holiday calendar of the content being published, as the page it shows.
        let calendar = pengaduan_site::rules::load_calendar(root.path()).map_err(PublishError::Build)?;
        pengaduan_site::statistik::save(out.path(), &statistics.figures(&calendar)).map_err(PublishError::Site)?;
    }
    let options = pengaduan_site::BuildOptions {
        root: root.path().to_path_buf(),
        out: out.path().to_path_buf(),
        base_url: Some(site.base_url.clone()),
        live_reload: false,
    };
    // The build is CPU work (rayon) and runs Pagefind on a runtime of its own: off this one.
    let built = tokio::task::spawn_blocking(move || pengaduan_site::build(&options))
        .await
        .map_err(|e| PublishError::Build(format!("the build stopped: {e}")))?;
    built.map_err(|failure| PublishError::Build(failure.to_string()))?;
    drop(root);
    let synced = match only {
        Some(keys) => sync::sync_keys(out.path(), bucket, keys).await?,
        None => sync::sync(out.path(), bucket).await?,
    };
    let (invalidated_paths, invalidation_id) = match distribution {
        Some(d) => {
            let paths = invalidate::paths(synced.uploaded.iter().chain(&synced.removed));
            let id = d.invalidate(&paths, &reference(&paths)).await?;
            (paths, id)
        }
        None => (Vec::new(), None),
    };
    Ok(PublishReport {
        built: synced.built,
        uploaded: synced.uploaded,
        removed: synced.removed,
        invalidated_paths,
        invalidation_id,
        elapsed: started.elapsed(),
    })
}

/// A caller reference unique to this publish: the time, and a digest of the paths.
fn reference(paths: &[String]) -> String {
    let now = jiff::Timestamp::now().as_nanosecond();
    let digest = sync::md5_hex(paths.join("\n").as_bytes());
    format!("terbit-{now}-{}", &digest[..12])
}
