//! What `publish-fn` answers besides publishing: the console's editing pages on AWS (its remote
//! workshop) ask it which files an editor may change, their published text, whether the site
//! builds and checks with some changed texts, and a page as it would be published. Only this
//! function links the site's build (Tera, Pagefind); the console stays small and invokes it.
//!
//! Every answer works on a site root laid out from the content store's live text ([`root`]).
//! A warm instance keeps that root while the store's heads are unchanged (one query instead of
//! a read per file and a fresh copy of the shipped site), so a save's check costs the build
//! only.
//!
//! The wire format, one JSON object each way ([`Request`], [`Answer`]): every answer carries
//! `four_eyes` (`[editing] four_eyes` of the shipped `config.toml`), since the console asks for
//! it without a round trip of its own; a refusal is `{"refusal": {path, line, field, message}}`
//! with the message in Bahasa Indonesia.

use crate::root::{self, SiteRoot};
use crate::statistik::{Scope, publish_statistics};
use crate::{Distribution, PublishError, SiteBucket, SiteSource};
use pengaduan_site::config::SiteConfig;
use pengaduan_site::edit::{self, FileKind};
use pengaduan_store::WorkflowStore;
use pengaduan_store::content::ContentStore;
use pengaduan_store::survey::SurveyStore;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One event `publish-fn` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Every file an editor may change.
    Files,
    /// The published text of `path` (relative to `content/`).
    LiveText {
        /// The file.
        path: String,
    },
    /// The whole site built and checked with `changes` (path to whole text) standing in.
    Check {
        /// The changed texts.
        changes: BTreeMap<String, String>,
    },
    /// The page built from `path` with `changes` standing in.
    Preview {
        /// The changed texts.
        changes: BTreeMap<String, String>,
        /// The page to show.
        path: String,
    },
    /// Build from the live text and publish (see [`crate::publish`]).
    Publish,
    /// Publish the public statistics alone (see [`crate::statistik::publish_statistics`]).
    Statistik,
}

/// One editable file, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to `content/`.
    pub path: String,
    /// A page's language code; none for a data file.
    pub lang: Option<String>,
    /// The page's title, or the data file's name.
    pub title: String,
    /// Whether it is a data file.
    pub is_data: bool,
}

/// Why the site would not build or check: the editing API's refusal on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRefusal {
    /// The file at fault, relative to `content/`.
    pub path: String,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// The field or key at fault, when known.
    pub field: Option<String>,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
}

impl From<edit::Refusal> for WireRefusal {
    fn from(r: edit::Refusal) -> Self {
        Self { path: r.path, line: r.line, field: r.field, message: r.message }
    }
}

/// An answer: `four_eyes` and the operation's own fields (absent when they do not apply).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Whether the office requires four eyes for publishing.
    pub four_eyes: bool,
    /// `files`: the editable files, sorted by path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<FileEntry>>,
    /// `live_text`: the text, `null` when the file is not editable or does not exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `preview`: the page's HTML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// `check`, `preview`: why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<WireRefusal>,
    /// `publish`: what it did ([`crate::PublishReport`]); `publish-fn` answers with it alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<serde_json::Value>,
}

/// A store's heads as a key: the path, the newest version and whether it is a draft. A publish
/// turns drafts into live text without a new version, so the draft flag is part of it.
type HeadsKey = Vec<(String, u64, bool)>;

/// The editing operations over one shipped site, with the root of the last store state seen.
#[derive(Debug)]
pub struct Workbench {
    site: SiteSource,
    cached: tokio::sync::Mutex<Option<(HeadsKey, Arc<SiteRoot>)>>,
}

impl Workbench {
    /// Over the shipped site `site` (checks and previews use its `base_url`).
    pub fn new(site: SiteSource) -> Self {
        Self { site, cached: tokio::sync::Mutex::new(None) }
    }

    /// The shipped site.
    pub fn site(&self) -> &SiteSource {
        &self.site
    }

    /// `[editing] four_eyes` of the shipped `config.toml`; an unreadable one counts as four eyes
    /// required, the stricter reading.
    pub fn four_eyes(&self) -> bool {
        SiteConfig::load(&self.site.dir).map_or(true, |c| c.editing.four_eyes)
    }

    /// The root of `store`'s live text, reused while its heads are unchanged.
    pub async fn root<S: ContentStore>(&self, store: &S) -> Result<Arc<SiteRoot>, PublishError> {
        let mut heads = store.content_heads().await?;
        heads.sort_by(|a, b| a.path.cmp(&b.path));
        let key: HeadsKey = heads.into_iter().map(|h| (h.path, h.version, h.draft_waiting)).collect();
        let mut cached = self.cached.lock().await;
        if let Some((seen, root)) = cached.as_ref()
            && *seen == key
        {
            return Ok(Arc::clone(root));
        }
        let live = store.live_content().await?;
        let (shipped, overlay) = (self.site.dir.clone(), self.site.overlay.clone());
        let root = blocking(move || root::materialise(&shipped, live.into_iter().map(|r| (r.path, r.text)), &overlay))
            .await??;
        let root = Arc::new(root);
        *cached = Some((key, Arc::clone(&root)));
        Ok(root)
    }

    /// Answers `request` as `publish-fn` does: `publish` builds the figures as of `now` (in the
    /// office's time zone `tz`) into the whole site, `statistik` publishes them alone, and
    /// every other request is [`Self::handle`]'s.
    pub async fn handle_with_statistics<S: ContentStore + WorkflowStore + SurveyStore>(
        &self,
        store: &S,
        request: Request,
        bucket: &SiteBucket,
        distribution: Option<&Distribution>,
        tz: &jiff::tz::TimeZone,
        now: jiff::Timestamp,
    ) -> Result<Answer, PublishError> {
        // Boxed: the build's future is deep, and the function's main would nest it further.
        let scope = match request {
            Request::Publish => Scope::WholeSite,
            Request::Statistik => Scope::Statistics,
            other => return Box::pin(self.handle(store, other, bucket, distribution)).await,
        };
        let report = Box::pin(publish_statistics(store, &self.site, bucket, distribution, (tz, now), scope)).await?;
        let mut answer = Answer { four_eyes: self.four_eyes(), ..Answer::default() };
        answer.published =
            Some(serde_json::to_value(&report).map_err(|e| PublishError::Site(format!("the report: {e}")))?);
        Ok(answer)
    }

    /// Answers `request`; `publish` needs the bucket (and the distribution, if any).
    pub async fn handle<S: ContentStore>(
        &self,
        store: &S,
        request: Request,
        bucket: &SiteBucket,
        distribution: Option<&Distribution>,
    ) -> Result<Answer, PublishError> {
        let mut answer = Answer { four_eyes: self.four_eyes(), ..Answer::default() };
        if matches!(request, Request::Publish | Request::Statistik) {
            // Without a store of complaints there are no figures: the site as it is.
            let report = crate::publish(store, &self.site, bucket, distribution).await?;
            answer.published =
                Some(serde_json::to_value(&report).map_err(|e| PublishError::Site(format!("the report: {e}")))?);
            return Ok(answer);
        }
        let root = self.root(store).await?;
        let base_url = self.site.base_url.clone();
        match request {
            Request::Files => {
                let files = blocking(move || edit::editable_files(root.path())).await?.map_err(PublishError::Site)?;
                answer.files = Some(
                    files
                        .into_iter()
                        .map(|f| FileEntry {
                            path: f.path,
                            lang: f.lang,
                            title: f.title,
                            is_data: f.kind == FileKind::Data,
                        })
                        .collect(),
                );
            }
            Request::LiveText { path } => {
                // Only a file an editor may change: never a path outside content/.
                answer.text = blocking(move || edit::read_editable(root.path(), &path).ok()).await?;
            }
            Request::Check { changes } => {
                let checked = blocking(move || edit::check_with(root.path(), Some(&base_url), &changes)).await?;
                answer.refusal = checked.err().map(WireRefusal::from);
            }
            Request::Preview { changes, path } => {
                match blocking(move || edit::preview(root.path(), Some(&base_url), &changes, &path)).await? {
                    Ok(html) => answer.html = Some(html),
                    Err(r) => answer.refusal = Some(r.into()),
                }
            }
            Request::Publish | Request::Statistik => unreachable!("answered above"),
        }
        Ok(answer)
    }
}

/// Runs the site's blocking work (builds, file reads) off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, PublishError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| PublishError::Build(format!("the build stopped: {e}")))
}
