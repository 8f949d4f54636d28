//! How long the inbox takes with 10,000 complaints in the local SQLite store, through the
//! router as a browser asks for it (session check, open rows, ordering, rendering).
//!
//! Run: `cargo bench -p pengaduan-console --bench inbox`. The target is under 200 ms a page.

use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::Timestamp;
use pengaduan_console::{Console, CookiePolicy, Rules};
use pengaduan_core::access::Role;
use pengaduan_core::calendar::Calendar;
use pengaduan_store::accounts::password::hash_password;
use pengaduan_store::accounts::{Account, AccountStore};
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::testing::{complaint, complete, nomor};
use pengaduan_store::{AnyStore, ComplaintStore, Config};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const COMPLAINTS: usize = 10_000;
const RUNS: usize = 30;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = AnyStore::Sqlite(SqliteStore::open(&dir.path().join("bench.db")).unwrap());
    let start: Timestamp = "2026-01-05T02:00:00Z".parse().unwrap();
    let filling = Instant::now();
    for n in 0..COMPLAINTS {
        let at = start + Duration::from_secs(n as u64 * 1800);
        let s = store.submit(complaint(n, &format!("bench-{n}"), at, 2026)).await.unwrap();
        // A third have their clock running, so ordering by deadline has work to do.
        if n.is_multiple_of(3) {
            let day = at.to_zoned(jiff::tz::TimeZone::UTC).date();
            complete(&store, &nomor(&s), "penyelesaian", day).await;
        }
    }
    eprintln!("{COMPLAINTS} complaints stored in {:.1} s", filling.elapsed().as_secs_f64());
    let now: Timestamp = "2026-12-01T02:00:00Z".parse().unwrap();
    store
        .create_account(Account {
            username: "rina".into(),
            name: "Rina".into(),
            role: Role::FrontOffice,
            active: true,
            password_hash: hash_password("kuda-lumping-berlari-2026").unwrap(),
            created_at: now,
            password_set_at: now,
        })
        .await
        .unwrap();
    let service =
        pengaduan_core::service::ServiceRules::parse(include_str!("../../content/layanan/informasi-dan-pengaduan.md"))
            .unwrap();
    let calendar = Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap();
    let console = Console::new(
        store,
        Config::default(),
        Rules { service, calendar, kantor: Default::default() },
        CookiePolicy::SecureExceptLoopback,
    )
    .unwrap()
    .with_clock(move || now);
    let app = pengaduan_console::app(Arc::new(console));
    let send = |req: Request<Body>| app.clone().oneshot(req);

    let form =
        send(Request::get("/staf/masuk").header(header::HOST, "127.0.0.1").body(Body::empty()).unwrap()).await.unwrap();
    let login_cookie = cookie(&form, "staf_masuk");
    let html = String::from_utf8(form.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let body = format!("csrf={csrf}&pengguna=rina&sandi=kuda-lumping-berlari-2026");
    let login = send(
        Request::post("/staf/masuk")
            .header(header::HOST, "127.0.0.1")
            .header(header::COOKIE, login_cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let session = cookie(&login, "staf_sesi");

    for (label, path) in [
        ("first page", "/staf/"),
        ("page 100", "/staf/?halaman=100"),
        ("search in titles", "/staf/?q=pengaduan+nomor"),
        ("overdue only", "/staf/?terlambat=1"),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let resp = send(
                Request::get(path)
                    .header(header::HOST, "127.0.0.1")
                    .header(header::COOKIE, &session)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            let _ = resp.into_body().collect().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "inbox {label:<18} {COMPLAINTS} complaints: median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({RUNS} runs)",
            ms(times[RUNS / 2]),
            ms(times[RUNS * 9 / 10]),
            ms(times[RUNS - 1])
        );
    }
}

fn cookie(resp: &http::Response<Body>, name: &str) -> String {
    resp.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}
