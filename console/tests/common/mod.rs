//! The console behind its router, as the tests drive it: a real SQLite store in memory, the
//! service's rules from the repository's content (or a fixture calendar), one account per role,
//! a clock the test moves, optionally an attachment store in a temporary folder, and requests as
//! a browser without JavaScript sends them.

// Each test file uses only part of this.
#![allow(dead_code)]

pub mod workshop;

use axum::Router;
use axum::body::Body;
use http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use jiff::{SignedDuration, Timestamp};
use pengaduan_console::{Console, CookiePolicy, Rules};
use pengaduan_core::access::Role;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::{RegisterNumber, Status};
use pengaduan_store::accounts::password::hash_password;
use pengaduan_store::accounts::{Account, AccountStore};
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::attachments::local::LocalAttachments;
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::testing::{complaint, nomor};
use pengaduan_store::{AnyStore, ComplaintRecord, ComplaintStore, Config, WorkflowStore};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

pub const PASSWORD: &str = "kuda-lumping-berlari-2026";

/// Monday 30 November 2026, 09.00 WIB: the console's clock when a test starts.
pub const NOW: &str = "2026-11-30T02:00:00Z";

pub struct Harness {
    pub app: Router,
    /// The console behind `app`, for its counters.
    pub console: Arc<Console>,
    pub store: AnyStore,
    pub clock: Arc<Mutex<Timestamp>>,
    /// The console's attachment store, when [`Setup::attachments`] asked for one.
    pub attachments: Option<AnyAttachments>,
    /// The fixture site the editing pages work on, when [`Setup::workshop`] asked for one.
    pub workshop: Option<Arc<workshop::FixtureWorkshop>>,
    /// Keeps the attachments' folder until the harness goes.
    _folder: Option<tempfile::TempDir>,
}

/// What a test needs beyond the defaults.
#[derive(Default)]
pub struct Setup {
    /// A fixture calendar instead of the shipped `content/data/hari-libur.toml`, for years the
    /// shipped file does not cover or holidays a test chooses.
    pub calendar: Option<Calendar>,
    /// An attachment store in a temporary folder, so the download route runs.
    pub attachments: bool,
    /// With `attachments`: the folder scanned by a real clamd (the test binary's own, loading
    /// only a test database; see `pengaduan_store::testing::ClamdServer`).
    pub clamd: bool,
    /// Attachments in a bucket on moto's S3 instead of a folder (GuardDuty's tags decide).
    pub s3: bool,
    /// A fixture site for the editing pages (`/staf/konten/`), four eyes as given.
    pub workshop: Option<bool>,
    /// A DynamoDB table (moto) instead of SQLite in memory.
    pub dynamodb: bool,
    /// Another workshop for the editing pages (the remote one), instead of the fixture site.
    pub remote: Option<Arc<dyn pengaduan_console::Workshop>>,
    /// The office's letterhead on the periodic report, in the rules as the site publishes it.
    pub letterhead: Option<pengaduan_core::report::Letterhead>,
}

/// A logged-in browser: its session cookie and the CSRF token its pages carry.
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

impl Harness {
    pub async fn new() -> Self {
        Self::with(Setup::default()).await
    }

    pub async fn with(setup: Setup) -> Self {
        let store = if setup.dynamodb {
            AnyStore::Dynamo(pengaduan_store::testing::Moto::shared().store().await)
        } else {
            AnyStore::Sqlite(SqliteStore::in_memory().unwrap())
        };
        let service = pengaduan_core::service::ServiceRules::parse(include_str!(
            "../../../content/layanan/informasi-dan-pengaduan.md"
        ))
        .unwrap()
        .with_translation(include_str!("../../../content/layanan/informasi-dan-pengaduan.en.md"));
        let calendar = setup
            .calendar
            .unwrap_or_else(|| Calendar::from_toml(include_str!("../../../content/data/hari-libur.toml")).unwrap());
        let clock = Arc::new(Mutex::new(NOW.parse::<Timestamp>().unwrap()));
        let c = Arc::clone(&clock);
        let mut console = Console::new(
            store.clone(),
            Config::default(),
            Rules { service, calendar, kantor: setup.letterhead.unwrap_or_default() },
            CookiePolicy::SecureExceptLoopback,
        )
        .unwrap()
        .with_clock(move || *c.lock().unwrap());
        let (attachments, folder) = if setup.s3 {
            let client = pengaduan_store::testing::Moto::shared().s3().await;
            let bucket = pengaduan_store::testing::new_bucket(&client).await;
            let files = AnyAttachments::S3(pengaduan_store::attachments::s3::S3Attachments::new(client, bucket, ""));
            console = console.with_attachments(files.clone());
            (Some(files), None)
        } else if setup.attachments {
            let folder = tempfile::tempdir().unwrap();
            let mut local = LocalAttachments::open(folder.path()).unwrap();
            if setup.clamd {
                let url = &pengaduan_store::testing::ClamdServer::shared().url;
                local = local.with_scanner(pengaduan_store::attachments::clamd::Clamd::parse(url).unwrap());
            }
            let files = AnyAttachments::Local(local);
            console = console.with_attachments(files.clone());
            (Some(files), Some(folder))
        } else {
            (None, None)
        };
        let workshop = setup.workshop.map(|four_eyes| Arc::new(workshop::FixtureWorkshop::new(four_eyes)));
        if let Some(w) = &workshop {
            console = console.with_workshop(Arc::clone(w) as Arc<dyn pengaduan_console::Workshop>);
        }
        if let Some(w) = setup.remote {
            console = console.with_workshop(w);
        }
        for (username, role) in [
            ("rina", Role::FrontOffice),
            ("budi", Role::Jft),
            ("sari", Role::KepalaBidang),
            ("agus", Role::KepalaDinas),
            ("dewi", Role::Editor),
            ("eko", Role::Editor),
            ("admin", Role::Admin),
        ] {
            let at = *clock.lock().unwrap();
            store
                .create_account(Account {
                    username: username.into(),
                    name: format!("Petugas {username}"),
                    role,
                    active: true,
                    password_hash: hash_password(PASSWORD).unwrap(),
                    created_at: at,
                    password_set_at: at,
                })
                .await
                .unwrap();
        }
        let console = Arc::new(console);
        Self {
            app: pengaduan_console::app(Arc::clone(&console)),
            console,
            store,
            clock,
            attachments,
            workshop,
            _folder: folder,
        }
    }

    /// The console's clock now.
    pub fn now(&self) -> Timestamp {
        *self.clock.lock().unwrap()
    }

    pub fn advance(&self, d: SignedDuration) {
        let mut t = self.clock.lock().unwrap();
        *t += d;
    }

    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.app.clone().oneshot(req).await.unwrap()
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response<Body> {
        let mut req = Request::get(path).header(header::HOST, "127.0.0.1:8080");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Response<Body> {
        self.post_from(None, path, cookie, fields).await
    }

    /// [`Harness::post`] over a connection from `source` (as `site-gen serve` passes its peer).
    pub async fn post_from(
        &self,
        source: Option<&str>,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Response<Body> {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                format!("{k}={}", percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC))
            })
            .collect();
        let mut req = Request::post(path)
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let mut req = req.body(Body::from(body.join("&"))).unwrap();
        if let Some(ip) = source {
            let peer = std::net::SocketAddr::new(ip.parse().unwrap(), 50000);
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        self.send(req).await
    }

    /// Opens the login form and posts it: the raw answer and the form's cookie.
    pub async fn try_login(&self, user: &str, password: &str) -> Response<Body> {
        self.try_login_from(None, user, password).await
    }

    /// [`Harness::try_login`] from the address `source`.
    pub async fn try_login_from(&self, source: Option<&str>, user: &str, password: &str) -> Response<Body> {
        let form = self.get("/staf/masuk", None).await;
        let cookie = cookie_pair(&form, "staf_masuk");
        let csrf = csrf_of(&text(form).await);
        let fields = [("csrf", csrf.as_str()), ("pengguna", user), ("sandi", password)];
        self.post_from(source, "/staf/masuk", Some(&cookie), &fields).await
    }

    /// Posts action `action` on complaint `nomor` as browser `b`, with its CSRF token and the
    /// complaint's current version.
    pub async fn act(&self, b: &Browser, nomor: &str, action: &str, fields: &[(&str, &str)]) -> Response<Body> {
        let version = self.version(nomor).await.to_string();
        let mut all = vec![("csrf", b.csrf.as_str()), ("versi", version.as_str())];
        all.extend_from_slice(fields);
        self.post(&format!("/staf/pengaduan/{nomor}/{action}"), Some(&b.cookie), &all).await
    }

    /// The stored complaint `nomor`.
    pub async fn load(&self, nomor: &str) -> ComplaintRecord {
        self.store.load(&RegisterNumber::parse(nomor).unwrap()).await.unwrap().unwrap()
    }

    pub async fn version(&self, nomor: &str) -> u64 {
        self.load(nomor).await.row.version
    }

    pub async fn status(&self, nomor: &str) -> Status {
        self.load(nomor).await.row.state.status
    }

    /// Stores fixture complaint `n`, received now, and returns its number.
    pub async fn new_complaint(&self, n: usize) -> String {
        let submitted = self.store.submit(complaint(n, &format!("kunci-{n}"), self.now(), 2026)).await.unwrap();
        nomor(&submitted).to_string()
    }

    pub async fn login(&self, user: &str) -> Browser {
        let resp = self.try_login(user, PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "login of {user}");
        let cookie = cookie_pair(&resp, "staf_sesi");
        let page = self.get("/staf/", Some(&cookie)).await;
        assert_eq!(page.status(), StatusCode::OK);
        let csrf = csrf_of(&text(page).await);
        Browser { cookie, csrf }
    }
}

/// The `name=value` pair of the cookie `resp` sets, as the browser sends it back.
pub fn cookie_pair(resp: &Response<Body>, name: &str) -> String {
    set_cookie_line(resp, name).split(';').next().unwrap().to_owned()
}

/// The whole `Set-Cookie` line of the cookie `name`, attributes included.
pub fn set_cookie_line(resp: &Response<Body>, name: &str) -> String {
    resp.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_owned()
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub async fn text(resp: Response<Body>) -> String {
    String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

pub fn location(resp: &Response<Body>) -> &str {
    resp.headers().get(header::LOCATION).unwrap().to_str().unwrap()
}
