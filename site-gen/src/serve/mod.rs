//! `site-gen serve`: builds the site, serves it with the complaint API at `/api/` (the same
//! handler as the Lambda function), rebuilds what changed and reloads the open browser.
//! A content or template error is shown in the terminal and in the browser, and serving goes on.

mod search;
mod stats;
mod workshop;

pub use search::HOLD_VARIABLE;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use form_fn::{App, Config, HttpConfig, PageError, Pages};
use http::header::{self, HeaderName, HeaderValue};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use notify_debouncer_mini::notify;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};
use pengaduan_console::{Console, CookiePolicy, Rules};
use pengaduan_core::published::PublishedRules;
use pengaduan_site::build::{BuildOptions, Site, build_site_indexing};
use pengaduan_site::diagnostics::BuildFailure;
use pengaduan_site::search::Indexing;
use pengaduan_store::attachments::{AttachmentStore, PENDING_TTL};
use pengaduan_store::config::ConfigError;
use pengaduan_store::open::MissingTable;
use pengaduan_store::{AnyStore, OpenError};
use std::convert::Infallible;
use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The API's Content-Security-Policy (form-fn's `CSP`) plus `connect-src 'self'`, which the
/// live-reload script's `EventSource` and the search's index need, and `'wasm-unsafe-eval'`,
/// which the search's WebAssembly needs (Pagefind, see pengaduan_site::search). A test compares the two,
/// so they cannot drift.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
                            img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
                            connect-src 'self'";

/// How long a connection may take to send a complete request head (slowloris). Also how long
/// an idle keep-alive connection stays open: browsers simply open a new one.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client may take to send a request's body once its head has arrived, before
/// what arrived earns more time (`PENGADUAN_BATAS_WAKTU_UNGGAH_DETIK` sets another): without a
/// limit, thousands of clients that send a head and then nothing hold a connection and a task
/// each for ever.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The slowest steady upload that is never cut off: every this many bytes received add a
/// second to [`BODY_READ_TIMEOUT`]. 16 KiB/s is 128 kbit/s, below a slow 3G connection
/// (500 kbit/s sends a 4 MB photo in about 70 s, past a fixed minute), while a client that
/// trickles a byte at a time still runs out of time after about the minute.
pub const BODY_BYTES_PER_EXTRA_SECOND: usize = 16 * 1024;

/// The environment variable that sets [`BODY_READ_TIMEOUT`] otherwise, in whole seconds.
pub const BODY_READ_TIMEOUT_VARIABLE: &str = "PENGADUAN_BATAS_WAKTU_UNGGAH_DETIK";

/// How long Ctrl+C waits for requests in progress before the server stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why `serve` could not start or stopped early. Messages are in Bahasa Indonesia; print them
/// with [`pengaduan_store::error_chain`] to include their causes.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The staff console's templates did not load.
    #[error("konsol petugas")]
    Console(#[source] pengaduan_console::ViewError),
    /// The async runtime could not be started.
    #[error("runtime tokio tidak dapat dimulai")]
    Runtime(#[source] std::io::Error),
    /// The address could not be listened on.
    #[error("tidak dapat mendengarkan di {bind}:{port}")]
    Bind {
        /// The address asked for.
        bind: IpAddr,
        /// The port asked for.
        port: u16,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The listening socket's own address could not be read.
    #[error("alamat server tidak dapat dibaca")]
    LocalAddr(#[source] std::io::Error),
    /// Neither the site's templates nor the embedded ones load, so the API has no pages.
    #[error("halaman API pengaduan tidak dapat disiapkan")]
    Pages(#[source] PageError),
    /// The complaint or attachment store could not be opened (the message names which).
    #[error(transparent)]
    Store(#[from] OpenError),
    /// A setting of the complaint handler in the environment cannot be used.
    #[error("pengaturan API pengaduan tidak sah")]
    Config(#[source] ConfigError),
    /// The file watcher could not be started.
    #[error("pemantau berkas tidak dapat dimulai")]
    Watcher(#[source] notify::Error),
    /// A source folder could not be watched.
    #[error("{} tidak dapat dipantau", path.display())]
    Watch {
        /// The folder or file.
        path: PathBuf,
        /// Why.
        #[source]
        source: notify::Error,
    },
    /// The staff tool's test clock is set to something that is not a moment.
    #[error("{}={value:?} bukan waktu RFC 3339", pengaduan_store::config::CLOCK_VARIABLE)]
    Clock {
        /// The value set.
        value: String,
        /// Why.
        #[source]
        source: jiff::Error,
    },
    /// The body read timeout set in the environment is not a whole number of seconds above 0.
    #[error("{BODY_READ_TIMEOUT_VARIABLE}={0:?} bukan bilangan bulat detik di atas 0")]
    BodyTimeout(String),
    /// Ctrl+C cannot be caught, so the server could not be stopped cleanly.
    #[error("sinyal Ctrl+C tidak dapat ditangkap")]
    Signal(#[source] std::io::Error),
}

/// How `serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root.
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port.
    pub port: u16,
    /// `sqlite:PATH` or `dynamodb:TABLE`.
    pub store: String,
    /// `folder:PATH` or `s3:BUCKET`; by default a folder beside the database.
    pub lampiran: Option<String>,
}

/// The state the browser is told about: a build number, or the error of the last build.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reload {
    Built(u64),
    Failed(String),
}

struct Builder {
    opts: BuildOptions,
    generation: u64,
    sources: Vec<(PathBuf, Option<std::time::SystemTime>, u64)>,
    /// Made before serving starts, then in the background after each build.
    search: Arc<search::SearchIndex>,
}

/// Every source file with its modification time and size. File watchers also report reads
/// (the build's own among them), so a rebuild happens only when this snapshot changes.
fn snapshot(root: &Path) -> Vec<(PathBuf, Option<std::time::SystemTime>, u64)> {
    let mut files = Vec::new();
    for dir in ["content", "templates", "static", "config.toml"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name().into_iter().flatten() {
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                files.push((entry.into_path(), meta.modified().ok(), meta.len()));
            }
        }
    }
    files
}

impl Builder {
    /// Rebuilds (only what changed: see [`pengaduan_site::build`]); returns the loaded site, for the
    /// API's templates, and a summary line.
    fn rebuild(&mut self) -> Result<(Site, String), BuildFailure> {
        let started = Instant::now();
        self.sources = snapshot(&self.opts.root);
        let (report, site, job) = build_site_indexing(&self.opts, Indexing::Later)?;
        if let Some(job) = job {
            if self.generation == 0 {
                // The first index is made before serving starts: the search works from the start.
                if let Err(e) = self.search.make_now(&job) {
                    eprintln!("Indeks pencarian tidak dibuat: {e}");
                }
            } else {
                self.search.submit(job);
            }
        }
        self.generation += 1;
        if self.generation == 1 {
            pengaduan_site::placeholders::warn(&report.placeholders);
        }
        let summary = format!(
            "Dibangun: {} halaman ({} diurai, {} dirender), {} berkas ditulis, {} dihapus, {:.0} ms",
            report.pages,
            report.pages_parsed,
            report.pages_rendered,
            report.written,
            report.removed,
            started.elapsed().as_secs_f64() * 1000.0
        );
        Ok((site, summary))
    }
}

/// Rebuilds the site and brings everything that reads it up to date: the API's pages, the
/// console's rules, the browsers' live reload, and the stored deadlines when the calendar or the
/// time limit changed. Shared by the file watcher and the editors' publishing, so that a publish
/// answers only once the public site shows it.
struct Rebuilder {
    builder: Mutex<Builder>,
    app: Arc<App<AnyStore>>,
    /// Set once the console exists: it holds the editing pages, which hold this.
    console: OnceLock<Weak<Console>>,
    /// Taken at shutdown: dropping the sender ends every open live-reload stream, whose
    /// connections would otherwise keep the server from stopping.
    tx: Mutex<Option<watch::Sender<Reload>>>,
    store: AnyStore,
    config: Config,
    now: Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>,
}

impl Rebuilder {
    /// Rebuilds when a source changed since the last build (or always, with `force`); returns
    /// the rules of the new build (none when nothing was built or the rules do not load), or the
    /// build's error, which is also shown in the terminal and over the open pages.
    fn rebuild(&self, force: bool) -> Result<Option<Rules>, String> {
        let mut builder = self.builder.lock().unwrap_or_else(|e| e.into_inner());
        if !force && snapshot(&builder.opts.root) == builder.sources {
            return Ok(None);
        }
        match builder.rebuild() {
            Ok((site, summary)) => {
                eprintln!("{summary}");
                // The build validated the rules; the API and the console follow what it published.
                let rules = built_rules(&builder.opts.out).ok();
                self.app.set_pages(api_pages(&site, rules.as_ref()));
                if let Some(found) = search::built_search(&builder.opts.out) {
                    self.app.set_search(found);
                }
                let rules = rules.map(Rules::from);
                if let (Some(console), Some(rules)) = (self.console.get().and_then(Weak::upgrade), &rules) {
                    console.set_rules(rules.clone());
                }
                self.tell(Reload::Built(builder.generation));
                Ok(rules)
            }
            Err(failure) => {
                let e = failure.to_string();
                eprintln!("{e}\n(Situs terakhir yang berhasil tetap disajikan; perbaiki berkasnya dan simpan lagi.)");
                self.tell(Reload::Failed(e.clone()));
                Err(e)
            }
        }
    }

    /// Rebuilds after new statistics were saved. Open pages are not reloaded for new figures
    /// (they change with every complaint, and a reader's page would jump under them), unless
    /// the sources changed too: then it is a build like any other.
    fn rebuild_figures(&self) -> Result<Option<Rules>, String> {
        let mut builder = self.builder.lock().unwrap_or_else(|e| e.into_inner());
        if snapshot(&builder.opts.root) != builder.sources {
            drop(builder);
            return self.rebuild(true);
        }
        match builder.rebuild() {
            Ok(_) => Ok(None),
            Err(failure) => {
                let e = failure.to_string();
                eprintln!("{e}\n(Situs terakhir yang berhasil tetap disajikan.)");
                self.tell(Reload::Failed(e.clone()));
                Err(e)
            }
        }
    }

    fn tell(&self, state: Reload) {
        if let Some(tx) = &*self.tx.lock().unwrap_or_else(|e| e.into_inner()) {
            tx.send_replace(state);
        }
    }

    /// Ends the live-reload streams (at shutdown).
    fn close(&self) {
        self.tx.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Recounts the stored deadlines after a build whose calendar or time limit differs from the
    /// one they were counted with (a no-op otherwise: the store keeps the fingerprint).
    async fn follow(&self, rules: Option<Rules>) {
        if let Some(rules) = rules {
            refresh_deadlines(&rules, &self.store, &self.config, (self.now)()).await;
        }
    }
}

/// Runs the local server until Ctrl+C.
pub async fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,form_fn=info,site_gen=info".into()),
        )
        .with_target(false)
        // Colour codes only for a person watching: a log file or a CI log gets plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let root = opts.root.clone();
    let body_timeout = body_read_timeout(std::env::var(BODY_READ_TIMEOUT_VARIABLE).ok())?;
    let out = root.join(".data").join("public");
    let listener = TcpListener::bind((opts.bind, opts.port)).await.map_err(|source| ServeError::Bind {
        bind: opts.bind,
        port: opts.port,
        source,
    })?;
    let url = format!("http://{}/", listener.local_addr().map_err(ServeError::LocalAddr)?);

    let build_opts = BuildOptions {
        root: root.clone(),
        out: out.clone(),
        base_url: Some(url.trim_end_matches('/').to_owned()),
        live_reload: true,
    };
    let search = search::SearchIndex::new(root.join(".data").join("search"));
    let mut builder = Builder { opts: build_opts, generation: 0, sources: Vec::new(), search: Arc::clone(&search) };
    let (tx, rx) = watch::channel(Reload::Built(0));
    let built = builder.rebuild();
    // After a failed build, the rules of the last good one (still in the output), if any.
    let published = built_rules(&out);
    let pages = match built {
        Ok((site, summary)) => {
            eprintln!("{summary}");
            tx.send_replace(Reload::Built(builder.generation));
            api_pages(&site, published.as_ref().ok())
        }
        Err(failure) => {
            let e = failure.to_string();
            eprintln!("{e}");
            tx.send_replace(Reload::Failed(e));
            let pages = Pages::embedded().map_err(ServeError::Pages)?;
            match &published {
                Ok(rules) => pages.with_rules(rules),
                Err(_) => pages,
            }
        }
    };

    let store = pengaduan_store::open(&opts.store, MissingTable::Create, "site-gen").await?;
    let mut config = Config::from_env().map_err(ServeError::Config)?;
    let http = HttpConfig::from_env().map_err(ServeError::Config)?;
    let now = clock()?;
    let rules = published.map(Rules::from);
    match &rules {
        Ok(rules) => refresh_deadlines(rules, &store, &config, now()).await,
        Err(e) => eprintln!("Peringatan: konsol petugas dan tenggat tidak tersedia: {e}"),
    }
    pengaduan_store::open::with_local_code_key(&mut config, &opts.store, Some(&root.join(".data")))?;
    // Attachments live beside the database (or under ROOT/.data for DynamoDB).
    let attachments =
        pengaduan_store::open_attachments(&opts.store, opts.lampiran.as_deref(), Some(&root.join(".data")), "site-gen")
            .await?;
    let mail = deliver_mail(&opts.store, &root, &store, url.trim_end_matches('/'));
    let app = Arc::new(
        App::new(store.clone(), config.clone(), http.clone(), pages)
            .with_attachments(attachments.clone())
            .with_clock(now),
    );
    if let Some(found) = search::built_search(&out) {
        app.set_search(found);
    }
    tokio::spawn(purge_pending_uploads(Arc::clone(&app)));
    let rebuilder = Arc::new(Rebuilder {
        builder: Mutex::new(builder),
        app: Arc::clone(&app),
        console: OnceLock::new(),
        tx: Mutex::new(Some(tx)),
        store: store.clone(),
        config: config.clone(),
        now: Arc::new(now),
    });
    // The console runs on the same store, with the same rules as the staff tool; its editing
    // pages publish into this site's content/.
    let console = match rules {
        Ok(rules) => {
            let workshop = workshop::LocalWorkshop::new(&root, url.trim_end_matches('/'), Arc::clone(&rebuilder));
            // The rules carry the periodic report's letterhead too: the office in config.toml, as
            // the build published it.
            let mut console = Console::new(store.clone(), config.clone(), rules, CookiePolicy::SecureExceptLoopback)
                .map_err(ServeError::Console)?
                .with_origin_secret(http.origin_secret.clone())
                .with_attachments(attachments.clone())
                .with_workshop(Arc::new(workshop))
                .with_clock(now);
            // Local mail's .eml copies live beside the database: erasure removes them too.
            if let Some(dir) = pengaduan_store::open::local_dir(&opts.store, Some(&root.join(".data"))) {
                console = console.with_message_dir(dir.join("surel"));
            }
            let console = Arc::new(console);
            let _ = rebuilder.console.set(Arc::downgrade(&console));
            Some(console)
        }
        Err(_) => None,
    };
    search.start();
    let watcher = watch_sources(&root, Arc::clone(&rebuilder))?;
    tokio::spawn(stats::keep_up_to_date(Arc::clone(&rebuilder), root.clone(), out.clone()));

    let mut router = Router::new()
        .route("/__livereload.js", get(livereload_js))
        .route("/__livereload", get(livereload_events))
        .with_state(rx)
        // Compressed for clients that accept it (CloudFront does the same on AWS): the API's
        // pages are text, and phones on slow links are its usual readers.
        .route("/api/{*rest}", any(api).with_state(Arc::clone(&app)).layer(CompressionLayer::new()))
        .route(&search::route(), get(search::files).with_state(search));
    if let Some(console) = console {
        router = router.merge(pengaduan_console::router(console).layer(CompressionLayer::new()));
    }
    let upload_origin = attachments.upload_origin();
    let router = security_headers(
        upload_origin.as_deref(),
        router
            .fallback_service(ServeDir::new(&out).not_found_service(ServeFile::new(out.join("404.html"))))
            .layer(axum::middleware::from_fn_with_state(Arc::clone(&app), search::answer_query)),
    )
    .layer(axum::middleware::from_fn_with_state(body_timeout, body_deadline));

    eprintln!(
        "Situs tersaji di {url} (API pengaduan di {url}api/, penyimpanan {}). Tekan Ctrl+C untuk berhenti.",
        opts.store
    );
    if let Some(mail) = &mail {
        eprintln!("{mail}");
    }
    eprintln!("{}", scanning_note(&attachments).await);
    let graceful = GracefulShutdown::new();
    let stopped = accept_until_ctrl_c(listener, router, &graceful).await;
    // Dropping the live-reload channel's sender ends every open event stream, whose
    // connections would otherwise keep the server from stopping.
    drop(watcher);
    rebuilder.close();
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after the grace period were closed");
    }
    eprintln!("Server berhenti.");
    stopped
}

/// The clock of the API, the console and the deadline warning: the staff tool's fixed moment
/// ([`pengaduan_store::config::CLOCK_VARIABLE`]) when it is set, so that a test runs the site and the
/// tool at the same moment; the system's clock otherwise.
fn clock() -> Result<impl Fn() -> jiff::Timestamp + Copy + Send + Sync + 'static, ServeError> {
    let fixed = match std::env::var(pengaduan_store::config::CLOCK_VARIABLE) {
        Ok(value) if !value.is_empty() => {
            Some(value.parse::<jiff::Timestamp>().map_err(|source| ServeError::Clock { value, source })?)
        }
        _ => None,
    };
    Ok(move || fixed.unwrap_or_else(jiff::Timestamp::now))
}

/// How often the outbox is looked at: a receipt reaches the complainant within seconds.
const MAIL_ROUND: Duration = Duration::from_secs(2);

/// Starts delivering the outbox in the background when this installation delivers its own mail
/// ([`pengaduan_mail::delivers_locally`]): `.eml` files beside the database, or `SMTP_URL`.
/// The line to print about it.
fn deliver_mail(spec: &str, root: &Path, store: &AnyStore, site_url: &str) -> Option<String> {
    if !pengaduan_mail::delivers_locally(spec) {
        return None;
    }
    let data_dir = pengaduan_store::open::local_dir(spec, Some(&root.join(".data")))?;
    match pengaduan_mail::Mailer::local(root, &data_dir, site_url) {
        Ok(mailer) => {
            let line = match std::env::var("SMTP_URL").ok().filter(|v| !v.trim().is_empty()) {
                Some(_) => {
                    let warning = pengaduan_mail::loopback_link_warning(site_url, true);
                    let sent = "Surel kepada pengadu dikirim melalui server SMTP_URL.";
                    warning.map_or_else(|| sent.to_owned(), |w| format!("{sent}\n{w}"))
                }
                None => format!(
                    "Surel kepada pengadu ditulis sebagai berkas .eml di {} (atur SMTP_URL untuk mengirimnya).",
                    data_dir.join("surel").display()
                ),
            };
            pengaduan_mail::spawn_background(Arc::new(store.clone()), Arc::new(mailer), MAIL_ROUND);
            Some(line)
        }
        Err(e) => Some(format!("Peringatan: surel kepada pengadu tidak dikirim: {e}")),
    }
}

/// The API's pages from the site just built: its templates, its configuration, and the time
/// limits its rules publish (which the status page and the receipt state in each language).
fn api_pages(site: &Site, rules: Option<&PublishedRules>) -> Pages {
    let pages = Pages::new(site.templates.tera.clone(), site.config_value.clone());
    match rules {
        Some(rules) => pages.with_rules(rules),
        None => pages,
    }
}

/// The rules the site just built publishes (`aturan-layanan.json` at the output's root), read as
/// the AWS functions read them from the site's bucket: the one way every part of `serve` (the
/// API's time limits, the console, the deadlines) gets them.
fn built_rules(out: &Path) -> Result<PublishedRules, String> {
    let path = out.join(pengaduan_core::published::FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => PublishedRules::from_json(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "situs ini tidak menerbitkan aturan layanan ({} dan {} belum ada atau situs gagal dibangun)",
            pengaduan_site::rules::SERVICE_PAGE,
            pengaduan_site::rules::CALENDAR
        )),
        Err(e) => Err(format!("{}: tidak dapat dibaca ({e})", path.display())),
    }
}

/// Brings the stored deadlines in step with the holiday calendar and the time limit in content
/// (see `pengaduan_store::deadlines`): a year added or an SKB amended since they were stored
/// changes the dates the tracking page shows. Serving goes on whatever happens here: a content
/// error is the build's to report, and the staff tool tries again on its next command.
async fn refresh_deadlines(rules: &Rules, store: &AnyStore, config: &Config, now: jiff::Timestamp) {
    let today = now.to_zoned(config.timezone.clone()).date();
    if let Some(warning) = rules.calendar.warn_missing(today, pengaduan_site::rules::CALENDAR) {
        eprintln!("{warning}");
    }
    let max = rules.service.max_working_days;
    match pengaduan_store::deadlines::recompute_if_changed(store, &rules.calendar, max).await {
        Ok(Some(done)) if !done.changed.is_empty() => eprintln!(
            "Kalender hari libur atau jangka waktu berubah: {} tenggat diperiksa, {} diperbarui.",
            done.checked,
            done.changed.len()
        ),
        Ok(_) => {}
        Err(e) => eprintln!("Peringatan: tenggat tidak dihitung ulang: {}", pengaduan_store::error_chain(&e)),
    }
}

/// The headers the API sets on its own answers (see form-fn's `finish` and `html_response`),
/// on every answer of `serve`; the API's own values win where it sets them.
fn security_headers(upload_origin: Option<&str>, router: Router) -> Router {
    // With files sent straight to a bucket, pages may also connect there.
    let csp = match upload_origin {
        Some(origin) => HeaderValue::from_str(&form_fn::http::with_upload_origin(PAGE_CSP, origin))
            .unwrap_or(HeaderValue::from_static(PAGE_CSP)),
        None => HeaderValue::from_static(PAGE_CSP),
    };
    let if_html = move |resp: &Response| {
        let html = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        html.then(|| csp.clone())
    };
    let fixed = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    router
        .layer(fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(fixed(header::REFERRER_POLICY, "no-referrer"))
        .layer(fixed(header::X_FRAME_OPTIONS, "DENY"))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, if_html))
}

/// The body read timeout: [`BODY_READ_TIMEOUT`], or the whole seconds `value` gives.
fn body_read_timeout(value: Option<String>) -> Result<Duration, ServeError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(BODY_READ_TIMEOUT),
        Some(v) => match v.parse::<u64>() {
            Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
            _ => Err(ServeError::BodyTimeout(v.to_owned())),
        },
    }
}

/// Gives the request's body `limit` from now, plus a second for every
/// [`BODY_BYTES_PER_EXTRA_SECOND`] bytes that arrive, to arrive whole. A body still incomplete
/// then ends in an error for whichever handler reads it, and the request is answered
/// `408 Request Timeout` with the connection closed, whatever that handler made of the error.
async fn body_deadline(State(limit): State<Duration>, request: Request, next: axum::middleware::Next) -> Response {
    let timed_out = Arc::new(AtomicBool::new(false));
    let deadline = tokio::time::Instant::now() + limit;
    let flag = Arc::clone(&timed_out);
    let request = request.map(move |body| {
        let chunks = futures_util::stream::unfold(Some((body.into_data_stream(), deadline)), move |state| {
            let flag = Arc::clone(&flag);
            async move {
                let (mut chunks, deadline) = state?;
                match tokio::time::timeout_at(deadline, futures_util::StreamExt::next(&mut chunks)).await {
                    Ok(Some(chunk)) => {
                        let earned = chunk.as_ref().map_or(0, |c| c.len()) as f64 / BODY_BYTES_PER_EXTRA_SECOND as f64;
                        Some((chunk, Some((chunks, deadline + Duration::from_secs_f64(earned)))))
                    }
                    Ok(None) => None,
                    Err(_) => {
                        flag.store(true, Ordering::SeqCst);
                        Some((Err(axum::Error::new("the request body did not arrive in time")), None))
                    }
                }
            }
        });
        axum::body::Body::from_stream(chunks)
    });
    let response = next.run(request).await;
    if !timed_out.load(Ordering::SeqCst) {
        return response;
    }
    tracing::info!(limit_secs = limit.as_secs(), "request body not received in time");
    let text = format!(
        "Isi permintaan tidak selesai terkirim dalam {} detik (ditambah 1 detik untuk setiap {} KB yang sudah \
         diterima). Periksa sambungan Anda, lalu kirim lagi.",
        limit.as_secs(),
        BODY_BYTES_PER_EXTRA_SECOND / 1024
    );
    let mut response = (http::StatusCode::REQUEST_TIMEOUT, text).into_response();
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Serves connections until Ctrl+C. Unlike `axum::serve`, this drops a connection that has not
/// sent a complete request head within [`HEADER_READ_TIMEOUT`], so a handful of slow clients
/// (slowloris) cannot hold every connection open.
async fn accept_until_ctrl_c(
    listener: TcpListener,
    router: Router,
    graceful: &GracefulShutdown,
) -> Result<(), ServeError> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let mut ctrl_c = pin!(tokio::signal::ctrl_c());
    loop {
        let (stream, peer) = tokio::select! {
            signal = &mut ctrl_c => return signal.map_err(ServeError::Signal),
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(e) => {
                    // Out of file descriptors and the like: waiting beats spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    continue;
                }
            },
        };
        // What `into_make_service_with_connect_info` would add: the API reads the peer address.
        let service = router.clone().map_request(move |mut req: http::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
}

fn watch_sources(root: &Path, rebuilder: Arc<Rebuilder>) -> Result<impl Drop, ServeError> {
    let handle = tokio::runtime::Handle::current();
    let mut debouncer = new_debouncer(Duration::from_millis(150), move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Our own output under .data/ must not trigger builds.
        if events.iter().all(|e| e.path.components().any(|c| c.as_os_str() == ".data")) {
            return;
        }
        let rebuilder = Arc::clone(&rebuilder);
        let handle2 = handle.clone();
        handle.spawn_blocking(move || {
            let rules = rebuilder.rebuild(false).ok().flatten();
            handle2.spawn(async move { rebuilder.follow(rules).await });
        });
    })
    .map_err(ServeError::Watcher)?;
    for (dir, mode) in [
        ("content", RecursiveMode::Recursive),
        ("templates", RecursiveMode::Recursive),
        ("static", RecursiveMode::Recursive),
        ("config.toml", RecursiveMode::NonRecursive),
    ] {
        let path = root.join(dir);
        if path.exists() {
            debouncer
                .watcher()
                .watch(&path, mode)
                .map_err(|source| ServeError::Watch { path: path.clone(), source })?;
        }
    }
    Ok(debouncer)
}

/// At start and every hour: finishes attachment commits an earlier run left unfinished (a
/// crash between storing a complaint and committing its files), and removes uploads that never
/// became part of a complaint (S3 has a lifecycle rule for this).
async fn purge_pending_uploads(app: Arc<App<AnyStore>>) {
    let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Some(store) = app.attachments() {
            match pengaduan_store::uploads::sweep(app.store(), store).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(finished = n, "unfinished attachment commits finished"),
                Err(e) => {
                    tracing::warn!(error = %pengaduan_store::error_chain(&e), "finishing attachment commits failed")
                }
            }
            let cutoff = jiff::Timestamp::now() - PENDING_TTL;
            match store.purge_pending(cutoff).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "expired pending uploads removed"),
                Err(e) => tracing::warn!(error = %e, "purging pending uploads failed"),
            }
        }
    }
}

async fn api(
    State(app): State<Arc<App<AnyStore>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let limit = form_fn::http::body::MAX_MULTIPART_BODY;
    let Ok(bytes) = axum::body::to_bytes(body, limit + 1).await else {
        return form_fn::http::payload_too_large(&app, &parts.headers).map(axum::body::Body::from).into_response();
    };
    let resp = form_fn::handle(&app, http::Request::from_parts(parts, bytes), Some(peer.ip())).await;
    resp.map(axum::body::Body::from).into_response()
}

async fn livereload_events(
    State(rx): State<watch::Receiver<Reload>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let event = match &*rx.borrow_and_update() {
            Reload::Built(n) => Event::default().event("built").data(n.to_string()),
            Reload::Failed(e) => Event::default().event("failed").data(e.replace('\r', "")),
        };
        Some((Ok(event), (rx, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn livereload_js() -> impl IntoResponse {
    ([(http::header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LIVERELOAD_JS)
}

/// Reloads on a new build; shows the build error over the page until the next good build.
///
/// The event stream holds one HTTP/1.1 connection open, and browsers allow six per host. A page
/// kept in the back-forward cache keeps its scripts' connections, so after six pages in one tab
/// the seventh would wait for a free connection forever: the stream is closed on `pagehide` and
/// opened again on `pageshow` when the page comes back from that cache (a build number other
/// than the one it saw then reloads it, as usual). `window.__liveReload` says whether the stream
/// is open, for the browser tests.
const LIVERELOAD_JS: &str = r#"(function () {
  var seen = null;
  var box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;" +
        "background:#fff4f4;color:#6b0000;border-top:4px solid #b00;padding:1rem;font:14px/1.5 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "Kesalahan saat membangun situs (site-gen serve):\n\n" + text;
  }
  var state = window.__liveReload = { open: false };
  var source = null;
  function connect() {
    if (source) { return; }
    source = new EventSource("/__livereload");
    source.addEventListener("open", function () { state.open = true; });
    source.addEventListener("built", function (e) {
      if (seen !== null && seen !== e.data) { location.reload(); return; }
      seen = e.data;
      if (box) { box.remove(); box = null; location.reload(); }
    });
    source.addEventListener("failed", function (e) { show(e.data); });
  }
  function disconnect() {
    if (source) { source.close(); source = null; }
    state.open = false;
  }
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", function (e) { if (e.persisted) { connect(); } });
  connect();
})();
"#;

/// What `serve` says at start about the attachments' malware scanning (`CLAMD_URL`).
async fn scanning_note(attachments: &pengaduan_store::attachments::AnyAttachments) -> String {
    use pengaduan_store::attachments::AnyAttachments;
    match attachments {
        AnyAttachments::Local(local) => match local.scanner() {
            Some(clamd) if clamd.ping().await => "Lampiran dipindai antivirus oleh clamd (CLAMD_URL).".to_owned(),
            Some(_) => "Peringatan: clamd (CLAMD_URL) tidak menjawab; lampiran belum dipindai tidak dapat \
                        diunduh petugas sampai clamd berjalan."
                .to_owned(),
            None => "Lampiran tidak dipindai antivirus (CLAMD_URL tidak diatur): konsol menandainya \
                     \"belum dipindai\"."
                .to_owned(),
        },
        #[allow(unreachable_patterns)]
        _ => "Lampiran dipindai GuardDuty (tag GuardDutyMalwareScanStatus).".to_owned(),
    }
}
