//! The staff console at `/staf/`: where the office's staff log in with their own accounts and
//! work complaints through the SOP in a browser, on the same rules and the same store as the
//! public intake and the `pengaduan-staf` tool.
//!
//! One axum router, run two ways: inside `site-gen serve` (nested at `/staf`) and as its own
//! Lambda function behind CloudFront's `/staf/*`, never the public intake function, which keeps
//! no permission to read complaints. Pages are server-rendered and work without JavaScript;
//! every POST carries the session's CSRF token and every change the version it was made against.

mod audit;
mod complaint;
mod confirmation;
mod error;
mod export;
#[cfg(feature = "lambda")]
pub mod feed;
mod fields;
pub mod inbox;
mod jawaban;
pub mod konten;
mod laporan;
mod login;
mod register;
mod session;
mod skm;
mod surel;
mod views;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, StatusCode, header};
use jiff::{Timestamp, Zoned};
use pengaduan_core::calendar::Calendar;
use pengaduan_core::published::PublishedRules;
use pengaduan_core::service::ServiceRules;
use pengaduan_store::accounts::password::LoginTokenKey;
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::{AnyStore, Config};
use std::sync::{Arc, RwLock};

use error::AppError;

pub use konten::{EditableFile, Refusal, Workshop, WorkshopFuture};
pub use views::ViewError;

/// Where the console is mounted; links and redirects are absolute under it.
pub const BASE: &str = "/staf";

/// The service's rules the console follows: the procedures and time limit of the service page,
/// and the working-day calendar.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Procedures and the time limit.
    pub service: ServiceRules,
    /// Working days.
    pub calendar: Calendar,
    /// The office's letterhead heading the periodic report, as the site publishes it.
    pub kantor: pengaduan_core::report::Letterhead,
}

impl From<PublishedRules> for Rules {
    fn from(rules: PublishedRules) -> Self {
        Self { service: rules.service, calendar: rules.calendar, kantor: rules.kantor }
    }
}

/// Everything the console's handlers share.
pub struct Console {
    store: AnyStore,
    attachments: Option<AnyAttachments>,
    /// Where messages to complainants are written as `.eml` files (local mail), for erasure.
    message_dir: Option<std::path::PathBuf>,
    config: Config,
    origin_secret: Option<String>,
    /// What the login form's double-submit token is made under (see [`LoginTokenKey`]).
    login_key: LoginTokenKey,
    rules: RwLock<Arc<Rules>>,
    views: &'static views::Views,
    clock: Box<dyn Fn() -> Timestamp + Send + Sync>,
    cookies: CookiePolicy,
    /// Password verifications allowed at once: Argon2 takes 19 MiB and tens of milliseconds
    /// each, so a burst of logins must queue rather than take the whole machine.
    verifications: tokio::sync::Semaphore,
    /// Password verifications run since the console started.
    checks_run: std::sync::atomic::AtomicU64,
    /// What builds, checks and publishes the site for the editing pages; without one they
    /// answer `503`.
    workshop: Option<Arc<dyn Workshop>>,
}

/// Password verifications run at once, at most (see [`Console`]'s `verifications`).
const CONCURRENT_VERIFICATIONS: usize = 2;

/// Whether session cookies carry `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookiePolicy {
    /// Always (behind CloudFront, always HTTPS).
    Secure,
    /// Except when the request came over plain HTTP to a loopback address (`site-gen serve`
    /// on a laptop), where a `Secure` cookie would never be sent back.
    SecureExceptLoopback,
}

impl Console {
    /// A console over `store`, following `rules`, with the office's settings.
    pub fn new(store: AnyStore, config: Config, rules: Rules, cookies: CookiePolicy) -> Result<Self, ViewError> {
        Ok(Self {
            store,
            attachments: None,
            message_dir: None,
            config,
            origin_secret: None,
            login_key: LoginTokenKey::random(),
            rules: RwLock::new(Arc::new(rules)),
            views: views::Views::shared()?,
            clock: Box::new(Timestamp::now),
            cookies,
            verifications: tokio::sync::Semaphore::new(CONCURRENT_VERIFICATIONS),
            checks_run: std::sync::atomic::AtomicU64::new(0),
            workshop: None,
        })
    }

    /// Where the complaints' attachments are kept.
    pub fn with_attachments(mut self, attachments: AnyAttachments) -> Self {
        self.attachments = Some(attachments);
        self
    }

    /// Where this installation writes messages to complainants as `.eml` files: erasure
    /// removes a complaint's copies there.
    pub fn with_message_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.message_dir = Some(dir);
        self
    }

    /// Answers only requests carrying `secret` in `X-Origin-Verify` (`PENGADUAN_ORIGIN_SECRET`,
    /// the header CloudFront adds); with none, every request. The login form's tokens are then
    /// made under a key derived from it, so that every Lambda instance accepts the others'.
    pub fn with_origin_secret(mut self, secret: Option<String>) -> Self {
        if let Some(s) = &secret {
            self.login_key = LoginTokenKey::derived_from(s);
        }
        self.origin_secret = secret;
        self
    }

    /// What builds, checks and publishes the site, for the editing pages (`/staf/konten/`).
    pub fn with_workshop(mut self, workshop: Arc<dyn Workshop>) -> Self {
        self.workshop = Some(workshop);
        self
    }

    /// A fixed or simulated clock, for tests and training.
    pub fn with_clock(mut self, clock: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Replaces the rules after the content changed (`site-gen serve` rebuilds).
    pub fn set_rules(&self, rules: Rules) {
        *self.rules.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(rules);
    }

    fn rules(&self) -> Arc<Rules> {
        Arc::clone(&self.rules.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn now(&self) -> Zoned {
        (self.clock)().to_zoned(self.config.timezone.clone())
    }

    /// How many password verifications (Argon2) this console has run: for monitoring, and for
    /// tests that show a burst of logins gets no more checks than the lockout allows.
    pub fn password_checks(&self) -> u64 {
        self.checks_run.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The store, for the hosting program's own work (sweeps, recomputations).
    pub fn store(&self) -> &AnyStore {
        &self.store
    }
}

/// The console's routes, at their full paths under [`BASE`], to be merged into a host's router.
pub fn router(console: Arc<Console>) -> Router {
    let at = |path: &str| format!("{BASE}{path}");
    Router::new()
        .route(BASE, get(|| async { see_other(&format!("{BASE}/")) }))
        .route(&at("/"), get(inbox::page))
        .route(&at("/masuk"), get(login::form).post(login::submit))
        .route(&at("/keluar"), post(login::logout))
        .route(&at("/catat"), get(register::form).post(register::submit))
        .route(&at("/pengaduan/{nomor}"), get(complaint::page))
        .route(&at("/pengaduan/{nomor}/{action}"), post(complaint::act))
        .route(&at("/pengaduan/{nomor}/lampiran/{index}"), get(complaint::attachment))
        .route(
            &at("/pengaduan/{nomor}/jawaban"),
            post(jawaban::attach).layer(axum::extract::DefaultBodyLimit::max(jawaban::BODY_LIMIT)),
        )
        .route(&at("/pengaduan/{nomor}/jawaban/berita-acara"), get(jawaban::download))
        .route(&at("/ekspor"), get(export::download))
        .route(&at("/skm"), get(skm::page))
        .route(&at("/laporan"), get(laporan::page))
        .route(&at("/audit"), get(audit::page))
        .route(&at("/pengguna/buka-kunci"), post(login::unlock))
        .route(&at("/surel"), get(surel::page))
        .route(&at("/surel/ulang"), post(surel::requeue))
        .route(&at("/konten/"), get(konten::list))
        .route(&at("/konten"), get(|| async { see_other(&format!("{BASE}/konten/")) }))
        .route(&at("/konten/ubah"), get(konten::form))
        .route(&at("/konten/simpan"), post(konten::save))
        .route(&at("/konten/simpan-isian"), post(konten::save_fields))
        .route(&at("/konten/pratinjau"), post(konten::preview))
        .route(&at("/konten/pratinjau-isian"), post(konten::preview_fields))
        .route(&at("/konten/terbitkan"), post(konten::publish))
        .route(&at("/konten/riwayat"), get(konten::history))
        .route(&at("/konten/pulihkan"), post(konten::restore))
        .route(&at("/{*rest}"), axum::routing::any(not_found))
        .route_layer(axum::middleware::from_fn_with_state(Arc::clone(&console), from_the_site))
        .route_layer(axum::middleware::from_fn(error::answer_in_kind))
        .with_state(console)
}

/// With an origin secret configured (on AWS: CloudFront adds it as `X-Origin-Verify`), only
/// requests through the site reach the console: the same routes on the API's own address would
/// skip CloudFront's headers. Others are answered as if nothing were there.
async fn from_the_site(
    axum::extract::State(console): axum::extract::State<Arc<Console>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if let Some(secret) = &console.origin_secret {
        let given = request.headers().get("x-origin-verify").and_then(|v| v.to_str().ok());
        if !session::token_matches(secret, given) {
            return not_found().await.into_response();
        }
    }
    next.run(request).await
}

/// The console on its own (the Lambda function, tests): anything outside [`BASE`] is not found.
pub fn app(console: Arc<Console>) -> Router {
    // The fallback is outside the router's route layers, so it gets the JSON answer of its own.
    router(console).fallback(not_found).layer(axum::middleware::from_fn(error::answer_in_kind))
}

async fn not_found() -> AppError {
    AppError::not_found("Halaman tidak ditemukan", "Alamat ini tidak ada di konsol petugas.")
}

/// Whether the client asked for JSON rather than a page.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

/// `303 See Other` to `location`.
fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_owned())]).into_response()
}
