//! The search index under `serve`: a build shows changed pages at once and leaves the index to
//! a thread of its own ([`pengaduan_site::search::Indexing::Later`]), since Pagefind re-reads
//! every page and takes seconds at thousands of pages.
//!
//! Each index is made in a folder of its own under `ROOT/.data/search/` (named after the pages
//! it was made from), written under a temporary name and renamed once complete; the server then
//! switches `/pagefind/` to it in one step. So the search page answers from the previous index
//! until the new one is whole, never from a half-written one. The previous folder stays until
//! the next switch, and a file missing from the current index is looked for there: a search
//! page opened before the switch still finds the fragments its index names.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use pengaduan_site::search::{BUNDLE_DIR, IndexJob};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// For tests: while the file this variable names exists, the background indexer waits before
/// making the next index, so a test can look at the site between a build and its index.
pub const HOLD_VARIABLE: &str = "SITE_GEN_SEARCH_HOLD";

/// The index being served and the one being made.
pub(super) struct SearchIndex {
    dir: PathBuf,
    served: RwLock<Served>,
    next: Mutex<Option<IndexJob>>,
    wake: Condvar,
    hold: Option<PathBuf>,
}

#[derive(Default)]
struct Served {
    /// The index's name and folder.
    current: Option<(String, PathBuf)>,
    previous: Option<PathBuf>,
}

impl SearchIndex {
    /// Indexes kept under `dir` (`ROOT/.data/search`).
    pub(super) fn new(dir: PathBuf) -> Arc<Self> {
        let hold = std::env::var_os(HOLD_VARIABLE).filter(|v| !v.is_empty()).map(PathBuf::from);
        Arc::new(Self { dir, served: RwLock::default(), next: Mutex::new(None), wake: Condvar::new(), hold })
    }

    /// Makes the index of `job` (or finds it made by an earlier run) and serves it.
    pub(super) fn make_now(&self, job: &IndexJob) -> Result<(), String> {
        let name = job.name();
        if self.current_name().as_deref() == Some(name.as_str()) {
            return Ok(());
        }
        let folder = self.make(job, &name)?;
        self.switch(name, folder);
        Ok(())
    }

    /// Queues `job` for the background indexer, replacing a queued one that has not started
    /// (only the latest pages matter). Nothing happens when it is the index being served.
    pub(super) fn submit(&self, job: IndexJob) {
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        if self.current_name().as_deref() == Some(job.name().as_str()) {
            *next = None;
            return;
        }
        *next = Some(job);
        self.wake.notify_one();
    }

    /// Starts the background indexer, which runs until the process ends.
    pub(super) fn start(self: &Arc<Self>) {
        let this = Arc::clone(self);
        std::thread::spawn(move || {
            loop {
                let job = {
                    let mut next = this.next.lock().unwrap_or_else(|e| e.into_inner());
                    loop {
                        if let Some(job) = next.take() {
                            break job;
                        }
                        next = this.wake.wait(next).unwrap_or_else(|e| e.into_inner());
                    }
                };
                if let Some(hold) = &this.hold {
                    while hold.exists() {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                let started = Instant::now();
                match this.make_now(&job) {
                    Ok(()) => eprintln!(
                        "Indeks pencarian diperbarui dalam {:.0} ms.",
                        started.elapsed().as_secs_f64() * 1000.0
                    ),
                    Err(e) => eprintln!("Indeks pencarian tidak diperbarui (indeks sebelumnya tetap dipakai): {e}"),
                }
            }
        });
    }

    fn current_name(&self) -> Option<String> {
        self.served.read().unwrap_or_else(|e| e.into_inner()).current.as_ref().map(|(n, _)| n.clone())
    }

    /// The folders to serve `/pagefind/` from: the current index, then the previous one.
    fn folders(&self) -> (Option<PathBuf>, Option<PathBuf>) {
        let served = self.served.read().unwrap_or_else(|e| e.into_inner());
        (served.current.as_ref().map(|(_, f)| f.clone()), served.previous.clone())
    }

    /// Writes the index of `job` into a folder of its own, complete before it gets its name.
    fn make(&self, job: &IndexJob, name: &str) -> Result<PathBuf, String> {
        let folder = self.dir.join(name);
        if folder.is_dir() {
            return Ok(folder);
        }
        let files = job.build()?;
        let partial = self.dir.join(format!("{name}.tmp"));
        let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(|e| io(&partial, e))?;
        }
        for file in &files {
            let path = partial.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            std::fs::write(&path, &file.bytes).map_err(|e| io(&path, e))?;
        }
        std::fs::rename(&partial, &folder).map_err(|e| io(&folder, e))?;
        Ok(folder)
    }

    /// Serves `folder` from now on; the one served until now stays as the fallback, and older
    /// ones are removed.
    fn switch(&self, name: String, folder: PathBuf) {
        let mut served = self.served.write().unwrap_or_else(|e| e.into_inner());
        let previous = served.current.take().map(|(_, f)| f).filter(|f| *f != folder);
        served.previous = previous.or_else(|| served.previous.take().filter(|f| *f != folder));
        served.current = Some((name, folder));
        let keep: Vec<PathBuf> = served.current.iter().map(|(_, f)| f.clone()).chain(served.previous.clone()).collect();
        drop(served);
        for entry in std::fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if !keep.contains(&path) && path.extension().is_none_or(|e| e != "tmp") {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }
}

/// `/pagefind/…`: the file from the current index, else from the previous one.
pub(super) async fn files(State(search): State<Arc<SearchIndex>>, req: Request) -> Response {
    let (current, previous) = search.folders();
    let Some(current) = current else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let again = previous.map(|p| {
        let mut copy = Request::new(Body::empty());
        *copy.method_mut() = req.method().clone();
        *copy.uri_mut() = req.uri().clone();
        *copy.headers_mut() = req.headers().clone();
        (p, copy)
    });
    let found = match ServeDir::new(&current).oneshot(req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    if found.status() == StatusCode::NOT_FOUND
        && let Some((previous, req)) = again
    {
        return match ServeDir::new(previous).oneshot(req).await {
            Ok(resp) => resp.into_response(),
            Err(never) => match never {},
        };
    }
    found.into_response()
}

/// The URL prefix of the index's files.
pub(super) fn route() -> String {
    format!("/{BUNDLE_DIR}/{{*file}}")
}

/// `GET` of a search page with `?q=` (old links, and the search box as it was before it went
/// to `/api/cari`): answered as form-fn answers `/api/cari`, from the same pages file.
/// Anything else goes on to the static files.
pub(super) async fn answer_query(
    State(app): State<Arc<form_fn::App<pengaduan_store::AnyStore>>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    use pengaduan_core::search::{Answer, answer};
    let q = axum::extract::Query::<std::collections::HashMap<String, String>>::try_from_uri(req.uri())
        .ok()
        .and_then(|query| query.0.get("q").cloned())
        .filter(|q| !q.trim().is_empty());
    let (true, Some(q), Some(search)) = (req.method() == http::Method::GET, q, app.search()) else {
        return next.run(req).await;
    };
    let Some((lang, _)) = search.by_url(req.uri().path()) else { return next.run(req).await };
    match answer(&search, lang, &q) {
        Answer::Page(page) => ([(http::header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response(),
        Answer::Empty(_) | Answer::NoSearch => next.run(req).await,
    }
}

/// The pages file the build just wrote in `out`, for the API's `/api/cari` and [`answer_query`].
pub(super) fn built_search(out: &Path) -> Option<pengaduan_core::search::SiteSearch> {
    let text = std::fs::read_to_string(out.join(pengaduan_core::search::FILE)).ok()?;
    pengaduan_core::search::SiteSearch::from_json(&text).ok()
}
