//! The console's editing pages over this server's working tree: the files under `content/`, the
//! site's own build and checks in memory ([`pengaduan_site::edit`]), and publishing by writing
//! `content/` atomically and rebuilding before the editor is answered, so the next request sees
//! the published site and a developer sees the editors' changes in `git diff`.

use super::Rebuilder;
use pengaduan_console::{EditableFile, Refusal, Workshop, WorkshopFuture};
use pengaduan_site::config::SiteConfig;
use pengaduan_site::edit::{self, FileKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The editing pages' workshop under `site-gen serve`.
pub(super) struct LocalWorkshop {
    root: PathBuf,
    base_url: String,
    rebuilder: Arc<Rebuilder>,
}

impl LocalWorkshop {
    /// Over the site at `root`, checked with the address it is served at.
    pub(super) fn new(root: &Path, base_url: &str, rebuilder: Arc<Rebuilder>) -> Self {
        Self { root: root.to_path_buf(), base_url: base_url.to_owned(), rebuilder }
    }
}

/// Runs the site's blocking work (builds, file reads) off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(work).await.map_err(|e| format!("pekerjaan situs terhenti: {e}"))
}

fn refusal(r: edit::Refusal) -> Refusal {
    Refusal { path: r.path, line: r.line, field: r.field, message: r.message }
}

fn stopped(path: &str, e: String) -> Refusal {
    Refusal { path: path.to_owned(), line: None, field: None, message: e }
}

impl Workshop for LocalWorkshop {
    fn files(&self) -> WorkshopFuture<'_, Vec<EditableFile>> {
        let root = self.root.clone();
        Box::pin(async move {
            match blocking(move || edit::editable_files(&root)).await.and_then(|r| r) {
                Ok(files) => files
                    .into_iter()
                    .map(|f| EditableFile {
                        path: f.path,
                        lang: f.lang,
                        title: f.title,
                        is_data: f.kind == FileKind::Data,
                    })
                    .collect(),
                Err(e) => {
                    tracing::warn!(error = %e, "the editable files could not be listed");
                    Vec::new()
                }
            }
        })
    }

    fn live_text<'a>(&'a self, path: &'a str) -> WorkshopFuture<'a, Option<String>> {
        let (root, path) = (self.root.clone(), path.to_owned());
        Box::pin(async move {
            blocking(move || {
                // Only files an editor may change: never a path outside content/.
                edit::is_editable(&root, &path)
                    .then(|| std::fs::read_to_string(root.join(pengaduan_site::build::CONTENT_DIR).join(&path)).ok())
                    .flatten()
            })
            .await
            .ok()
            .flatten()
        })
    }

    fn check(&self, changes: BTreeMap<String, String>) -> WorkshopFuture<'_, Result<(), Refusal>> {
        let (root, base_url) = (self.root.clone(), self.base_url.clone());
        Box::pin(async move {
            let first = changes.keys().next().cloned().unwrap_or_default();
            blocking(move || edit::check_with(&root, Some(&base_url), &changes).map(|_| ()).map_err(refusal))
                .await
                .unwrap_or_else(|e| Err(stopped(&first, e)))
        })
    }

    fn preview<'a>(
        &'a self,
        changes: BTreeMap<String, String>,
        path: &'a str,
    ) -> WorkshopFuture<'a, Result<String, Refusal>> {
        let (root, base_url, page) = (self.root.clone(), self.base_url.clone(), path.to_owned());
        Box::pin(async move {
            blocking(move || edit::preview(&root, Some(&base_url), &changes, &page).map_err(refusal))
                .await
                .unwrap_or_else(|e| Err(stopped(path, e)))
        })
    }

    fn publish(&self, files: Vec<(String, String)>) -> WorkshopFuture<'_, Result<(), String>> {
        let root = self.root.clone();
        let rebuilder = Arc::clone(&self.rebuilder);
        Box::pin(async move {
            let written = blocking(move || edit::write_published(&root, &files)).await??;
            tracing::info!(files = written.len(), "published content written");
            // Rebuilt before answering: the editor's next look at the public page shows it.
            let rules = {
                let rebuilder = Arc::clone(&rebuilder);
                blocking(move || rebuilder.rebuild(true)).await??
            };
            rebuilder.follow(rules).await;
            Ok(())
        })
    }

    fn four_eyes(&self) -> bool {
        SiteConfig::load(&self.root).is_ok_and(|c| c.editing.four_eyes)
    }
}
