//! The handler as its callers meet it: HTTP requests in, responses out, every status code of
//! the contract, with the real templates, on the SQLite store; and real Lambda event payloads
//! (HTTP API v2 and Function URL) through the Lambda adapter.

use bytes::Bytes;
use form_fn::{App, Config, HttpConfig, Pages, handle};
use http::{Request, Response, StatusCode};
use jiff::Timestamp;
use pengaduan_store::sqlite::SqliteStore;
use serde_json::{Value, json};
use std::net::IpAddr;

mod anonymity;
mod attachments;
mod cari;
mod citizen;
mod english;
mod jawaban;
mod lambda;
mod lengkapi;
mod lookup;
mod protocol;
mod public_status;
mod rules;
mod submit;
mod survey;
mod terlambat;
mod unggah;

const SOURCE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7)));

fn app_with(http: HttpConfig, at: &'static str) -> App<SqliteStore> {
    app_with_config(Config::default(), http, at)
}

fn app_with_config(config: Config, http: HttpConfig, at: &'static str) -> App<SqliteStore> {
    let store = SqliteStore::in_memory().unwrap();
    let now: Timestamp = at.parse().unwrap();
    App::new(store, config, http, pages()).with_clock(move || now)
}

/// The embedded templates with the shipped site's published rules, as the Lambda function has
/// them after its cold start.
fn pages() -> Pages {
    Pages::embedded().unwrap().with_rules(&pengaduan_store::testing::shipped_rules())
}

fn app() -> App<SqliteStore> {
    app_with(HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() }, "2026-11-29T06:00:00Z")
}

fn valid_json() -> Value {
    json!({
        "jenis": "pengaduan", "nama": "Siti Rahayu", "email": "siti@contoh.co.id",
        "judul": "Izin usaha belum terbit", "isi": "Permohonan izin saya belum terbit setelah tiga minggu.",
        "pernyataan_kebenaran": true, "persetujuan_data": true
    })
}

const VALID_FORM: &str = "jenis=pengaduan&nama=Siti+Rahayu&email=siti%40contoh.co.id&judul=Izin+usaha+belum+terbit\
    &isi=Permohonan+izin+saya+belum+terbit+setelah+tiga+minggu.&pernyataan_kebenaran=on&persetujuan_data=on&website=";

async fn send(
    app: &App<SqliteStore>,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Response<Bytes> {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    handle(app, req.body(body.into()).unwrap(), SOURCE).await
}

async fn post_json(app: &App<SqliteStore>, body: &Value) -> Response<Bytes> {
    send(app, "POST", "/api/pengaduan", &[("content-type", "application/json")], body.to_string()).await
}

async fn post_form(app: &App<SqliteStore>, body: &str) -> Response<Bytes> {
    send(app, "POST", "/api/pengaduan", &[("content-type", "application/x-www-form-urlencoded")], body.to_owned()).await
}

fn json_of(resp: &Response<Bytes>) -> Value {
    serde_json::from_slice(resp.body()).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", resp.body()))
}

fn text_of(resp: &Response<Bytes>) -> String {
    String::from_utf8(resp.body().to_vec()).unwrap()
}

fn header<'a>(resp: &'a Response<Bytes>, name: &str) -> &'a str {
    resp.headers().get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

fn assert_security_headers(resp: &Response<Bytes>) {
    assert_eq!(header(resp, "cache-control"), "no-store");
    assert_eq!(header(resp, "referrer-policy"), "no-referrer");
    assert_eq!(header(resp, "x-content-type-options"), "nosniff");
}

fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}
