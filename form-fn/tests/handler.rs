//! The handler as its callers meet it: HTTP requests in, responses out, every status code of
//! the contract, with the real templates, on the SQLite store; and real Lambda event payloads
//! (HTTP API v2 and Function URL) through the Lambda adapter.

use bytes::Bytes;
use form_fn::{App, Config, Pages, handle};
use http::{Request, Response, StatusCode};
use jiff::Timestamp;
use pengaduan_store::sqlite::SqliteStore;
use serde_json::{Value, json};
use std::net::IpAddr;

const SOURCE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7)));

fn app_with(config: Config, at: &'static str) -> App<SqliteStore> {
    let store = SqliteStore::in_memory().unwrap();
    let now: Timestamp = at.parse().unwrap();
    App::new(store, config, Pages::embedded().unwrap()).with_clock(move || now)
}

fn app() -> App<SqliteStore> {
    app_with(Config { rate_limit_per_hour: 0, ..Config::default() }, "2026-11-29T06:00:00Z")
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

#[tokio::test]
async fn json_submission_is_created_with_number_and_code() {
    let app = app();
    let resp = post_json(&app, &valid_json()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_security_headers(&resp);
    assert_eq!(header(&resp, "content-type"), "application/json");
    let body = json_of(&resp);
    assert_eq!(body["nomor"], "PGD-2026-00001");
    assert_eq!(body["status"], "diterima");
    assert_eq!(body["diterima_pada"], "2026-11-29T13:00:00+07:00");
    let code = body["kode_lacak"].as_str().unwrap();
    assert!(pengaduan_core::TrackingCode::parse(code).is_some_and(|c| c.to_string() == code), "{code}");
    let second = json_of(&post_json(&app, &with(valid_json(), json!({"judul": "Judul kedua berbeda"}))).await);
    assert_eq!(second["nomor"], "PGD-2026-00002");
    assert_ne!(second["kode_lacak"], body["kode_lacak"]);
}

#[tokio::test]
async fn html_form_redirects_to_the_status_page_which_confirms() {
    let app = app();
    let resp = post_form(&app, VALID_FORM).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_security_headers(&resp);
    let location = header(&resp, "location").to_owned();
    let prefix = "/api/lacak?nomor=PGD-2026-00001&kode=";
    assert!(location.starts_with(prefix), "{location}");
    let code = &location[prefix.len()..];
    let page = send(&app, "GET", &location, &[("accept", "text/html")], "").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_security_headers(&page);
    assert!(header(&page, "content-security-policy").contains("default-src 'none'"));
    let html = text_of(&page);
    for needle in ["PGD-2026-00001", code, "Diterima", "29 November 2026"] {
        assert!(html.contains(needle), "status page lacks {needle}");
    }
    assert!(!html.contains("Siti") && !html.contains("siti@contoh"), "no personal data on the status page");
}

/// Posts the valid form and follows the redirect: the confirmation's URL (with the code in it)
/// and its page.
async fn confirmed(app: &App<SqliteStore>) -> (String, String) {
    let location = header(&post_form(app, VALID_FORM).await, "location").to_owned();
    let page = send(app, "GET", &location, &[("accept", "text/html")], "").await;
    assert_eq!(page.status(), StatusCode::OK);
    (location, text_of(&page))
}

#[tokio::test]
async fn the_confirmation_is_a_receipt_that_says_when_to_expect_an_answer() {
    let app = app();
    let (location, html) = confirmed(&app).await;
    let code = location.rsplit("kode=").next().unwrap();
    for needle in [
        "<title>Pengaduan Anda telah diterima",
        "PGD-2026-00001",
        code,
        "Izin usaha belum terbit",
        "<dd>Pengaduan</dd>",
        "29 November 2026, 13.00 WIB",
        "Jangka waktu penyelesaian: <strong>2 s&#x2F;d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap</strong>.",
        "Tanggal batas waktunya ditampilkan di halaman status ini setelah petugas menyatakan berkas Anda lengkap.",
        "<span class=\"url\">http:&#x2F;&#x2F;127.0.0.1:8080&#x2F;lacak&#x2F;</span>",
        "class=\"print-only print-heading\">Bukti penerimaan pengaduan</p>",
    ] {
        assert!(html.contains(needle), "the confirmation lacks {needle:?}:\n{html}");
    }
    // "Cetak bukti": a link to the print view without JavaScript (site.js makes it a button).
    let print_link = format!("href=\"?nomor=PGD-2026-00001&amp;kode={code}&amp;cetak=1\" data-cetak>Cetak bukti</a>");
    assert!(html.contains(&print_link), "{print_link} in\n{html}");
    // No screenshots, and no claim that the code it shows cannot be shown again.
    for gone in ["tangkapan layar", "tidak dapat ditampilkan ulang"] {
        assert!(!html.contains(gone), "{gone:?} is still said");
    }
    assert!(html.contains("class=\"site-nav\"") && html.contains("class=\"site-footer\""), "the site around it");
}

#[tokio::test]
async fn the_print_view_is_the_receipt_alone_and_json_ignores_it() {
    let config =
        Config { rate_limit_per_hour: 0, site_origin: Some("https://dpmptsp.example".into()), ..Config::default() };
    let app = app_with(config, "2026-11-29T06:00:00Z");
    let (location, _) = confirmed(&app).await;
    let code = location.rsplit("kode=").next().unwrap().to_owned();
    let print = send(&app, "GET", &format!("{location}&cetak=1"), &[], "").await;
    assert_eq!(print.status(), StatusCode::OK);
    assert_security_headers(&print);
    assert!(header(&print, "content-security-policy").contains("default-src 'none'"));
    let html = text_of(&print);
    for needle in [
        "<title>Bukti penerimaan pengaduan PGD-2026-00001 – DPMPTSP",
        "<h1>Bukti penerimaan pengaduan</h1>",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "<dd class=\"code\">PGD-2026-00001</dd>",
        &format!("<dd class=\"code\">{code}</dd>"),
        "<dd>Pengaduan</dd>",
        "<dd>Izin usaha belum terbit</dd>",
        "29 November 2026, 13.00 WIB",
        "2 s&#x2F;d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap",
        "<span class=\"url\">https:&#x2F;&#x2F;dpmptsp.example&#x2F;lacak&#x2F;</span>",
        // Printing with JavaScript, and the way back.
        "<button type=\"button\" class=\"button\" data-cetak hidden>Cetak bukti</button>",
        &format!("href=\"?nomor=PGD-2026-00001&amp;kode={code}\">Kembali ke status pengaduan</a>"),
        "<meta name=\"robots\" content=\"noindex\">",
    ] {
        assert!(html.contains(needle), "the print view lacks {needle:?}:\n{html}");
    }
    for absent in ["class=\"site-nav\"", "class=\"site-footer\"", "class=\"stages", "Siti", "siti@contoh"] {
        assert!(!html.contains(absent), "the print view has {absent:?}");
    }
    // Any other value is the ordinary page.
    let page = text_of(&send(&app, "GET", &format!("{location}&cetak=0"), &[], "").await);
    assert!(page.contains("Pengaduan Anda telah diterima") && page.contains("class=\"site-nav\""));

    // The JSON answer is the contract's, with or without the flag.
    let json = [("accept", "application/json")];
    let plain = send(&app, "GET", &location, &json, "").await;
    let flagged = send(&app, "GET", &format!("{location}&cetak=1"), &json, "").await;
    assert_eq!((plain.status(), flagged.status()), (StatusCode::OK, StatusCode::OK));
    assert_eq!(plain.body(), flagged.body());
    let keys: Vec<String> = json_of(&flagged).as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "diterima_pada",
            "jenis",
            "langkah_berikutnya",
            "nomor",
            "status",
            "status_label",
            "tahapan",
            "tenggat",
            "tenggat_sementara"
        ]
    );

    // A wrong code prints nothing: the tracking form again, as without the flag.
    let wrong = send(&app, "GET", "/api/lacak?nomor=PGD-2026-00001&kode=2222-2222-2222&cetak=1", &[], "").await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let wrong = text_of(&wrong);
    assert!(wrong.contains("id=\"ringkasan-galat\"") && !wrong.contains("Bukti penerimaan"), "{wrong}");
}

#[tokio::test]
async fn invalid_json_lists_each_failing_field() {
    let app = app();
    let bad =
        with(valid_json(), json!({"judul": "", "isi": "pendek", "email": "bukan", "pernyataan_kebenaran": false}));
    let resp = post_json(&app, &bad).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = json_of(&resp)["errors"].as_array().unwrap().clone();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "judul", "isi", "pernyataan_kebenaran"]);
    assert!(errors.iter().all(|e| !e["message"].as_str().unwrap().is_empty()));
    assert_eq!(errors[1]["message"], "Masukkan judul laporan");
    // Nothing stored: the next valid submission is number 1.
    assert_eq!(json_of(&post_json(&app, &valid_json()).await)["nomor"], "PGD-2026-00001");
}

#[tokio::test]
async fn invalid_form_comes_back_with_summary_messages_and_values() {
    let app = app();
    let body = "jenis=pengaduan&nama=%3Cb%3ESiti%3C%2Fb%3E&email=bukan-email&judul=&isi=pendek&lokasi=Kantor+DPMPTSP&persetujuan_data=on";
    let resp = post_form(&app, body).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(header(&resp, "content-type"), "text/html; charset=utf-8");
    assert!(!header(&resp, "content-security-policy").is_empty());
    let html = text_of(&resp);
    assert!(html.contains("Ada masalah"));
    assert!(html.contains("<title>Kesalahan: Ajukan Pengaduan"), "title is prefixed with a word citizens know");
    assert!(html.contains("<span class=\"visually-hidden\">Kesalahan:</span>") && !html.contains("Galat"), "{html}");
    for field in ["email", "judul", "isi", "pernyataan_kebenaran"] {
        assert!(html.contains(&format!("href=\"#{field}\"")), "summary links to {field}");
        assert!(html.contains(&format!("id=\"{field}-error\"")), "inline message for {field}");
    }
    assert!(html.contains("Kantor DPMPTSP"), "typed values are kept");
    assert!(html.contains("bukan-email"));
    assert!(html.contains("&lt;b&gt;Siti&lt;&#x2F;b&gt;") && !html.contains("<b>Siti"), "values are escaped");
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let app = app();
    let resp = send(&app, "POST", "/api/pengaduan", &[("content-type", "application/json")], "{\"jenis\":").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(json_of(&resp)["error"].as_str().unwrap().contains("JSON"));
    let resp = send(&app, "POST", "/api/pengaduan", &[("content-type", "application/json")], "[1]").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = post_form(&app, "nama=%FF%FE&judul=x").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(text_of(&resp).contains("UTF-8"));
    let bytes: &[u8] = b"nama=\xff";
    let resp = send(
        &app,
        "POST",
        "/api/pengaduan",
        &[("content-type", "application/x-www-form-urlencoded")],
        Bytes::from_static(bytes),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn other_content_types_are_415() {
    let app = app();
    for ct in ["text/plain", "application/xml", "application/json; charset=iso-8859-1"] {
        let resp = send(&app, "POST", "/api/pengaduan", &[("content-type", ct)], "x").await;
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
    }
    let resp = send(&app, "POST", "/api/pengaduan", &[], "x").await;
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let app = app();
    let big = with(valid_json(), json!({"isi": "x".repeat(70 * 1024)}));
    let resp = post_json(&app, &big).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let resp = post_form(&app, &format!("{VALID_FORM}&alamat={}", "y".repeat(65 * 1024))).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let huge = vec![b'z'; 6 * 1024 * 1024 + 1];
    let resp = send(&app, "POST", "/api/pengaduan", &[("content-type", "multipart/form-data; boundary=b")], huge).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let app = app_with(Config { rate_limit_per_hour: 2, ..Config::default() }, "2026-11-29T06:15:00Z");
    for i in 0..2 {
        let resp = post_json(&app, &with(valid_json(), json!({"judul": format!("Judul nomor {i}")}))).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
    }
    let resp = post_json(&app, &with(valid_json(), json!({"judul": "Judul nomor 3"}))).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&resp, "retry-after"), "2700", "until the hour window ends");
    // A replay of an earlier submission is not a new submission: still answered.
    let replay = post_json(&app, &with(valid_json(), json!({"judul": "Judul nomor 0"}))).await;
    assert_eq!(replay.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn honeypot_looks_like_success_and_stores_nothing() {
    let app = app();
    let resp = post_json(&app, &with(valid_json(), json!({"website": "http://spam.example"}))).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = post_form(&app, &format!("{VALID_FORM}http%3A%2F%2Fspam")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(json_of(&post_json(&app, &valid_json()).await)["nomor"], "PGD-2026-00001", "no number consumed");
}

#[tokio::test]
async fn idempotency_key_and_content_replays() {
    let app = app();
    let keyed = |key: &'static str| {
        let app = &app;
        async move {
            send(
                app,
                "POST",
                "/api/pengaduan",
                &[("content-type", "application/json"), ("idempotency-key", key)],
                valid_json().to_string(),
            )
            .await
        }
    };
    let first = json_of(&keyed("kunci-abc-123").await);
    let again = json_of(&keyed("kunci-abc-123").await);
    assert_eq!(first, again, "same key: the same answer");
    // Without a key, the same name, contact, title and text count as the same submission.
    let form_first = post_form(&app, VALID_FORM).await;
    let form_again = post_form(&app, VALID_FORM).await;
    assert_eq!(header(&form_first, "location"), header(&form_again, "location"));
    assert!(header(&form_first, "location").contains("PGD-2026-00002"));
    // A key in the wrong form is a field error.
    let bad = keyed("no").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(&bad)["errors"][0]["field"], "idempotency_key");
}

#[tokio::test]
async fn a_key_reused_for_another_body_is_refused_and_reveals_nothing() {
    let app = app();
    let post = |body: Value| {
        let app = &app;
        async move {
            let headers = [("content-type", "application/json"), ("idempotency-key", "kunci-bersama-1")];
            send(app, "POST", "/api/pengaduan", &headers, body.to_string()).await
        }
    };
    let first = json_of(&post(valid_json()).await);
    let other = post(with(valid_json(), json!({"nama": "Budi Santoso", "email": "budi@contoh.co.id"}))).await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = text_of(&other);
    assert_eq!(json_of(&other)["errors"][0]["field"], "idempotency_key");
    assert!(json_of(&other)["errors"][0]["message"].as_str().unwrap().contains("sudah dipakai untuk laporan lain"));
    for leaked in [first["nomor"].as_str().unwrap(), first["kode_lacak"].as_str().unwrap()] {
        assert!(!body.contains(leaked), "the first submitter's {leaked} must not be shown");
    }
    // The same body again is still answered as the first time, and nothing new was stored.
    assert_eq!(json_of(&post(valid_json()).await), first);
    let next = json_of(&post_json(&app, &with(valid_json(), json!({"judul": "Laporan lain sama sekali"}))).await);
    assert_eq!(next["nomor"], "PGD-2026-00002");
}

#[tokio::test]
async fn the_content_fingerprint_counts_for_ten_minutes_only() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};
    let seconds = Arc::new(AtomicI64::new("2026-11-29T06:00:00Z".parse::<Timestamp>().unwrap().as_second()));
    let clock = Arc::clone(&seconds);
    let app = App::new(
        SqliteStore::in_memory().unwrap(),
        Config { rate_limit_per_hour: 0, ..Config::default() },
        Pages::embedded().unwrap(),
    )
    .with_clock(move || Timestamp::from_second(clock.load(Ordering::SeqCst)).unwrap());
    let first = header(&post_form(&app, VALID_FORM).await, "location").to_owned();
    seconds.fetch_add(9 * 60, Ordering::SeqCst);
    assert_eq!(header(&post_form(&app, VALID_FORM).await, "location"), first, "a resend within 10 minutes");
    seconds.fetch_add(2 * 60, Ordering::SeqCst);
    let later = header(&post_form(&app, VALID_FORM).await, "location").to_owned();
    assert!(later.contains("PGD-2026-00002"), "after 10 minutes the same text is a new complaint: {later}");
}

#[tokio::test]
async fn the_honeypot_answer_has_the_shape_of_success() {
    let app = app();
    let resp = post_json(&app, &with(valid_json(), json!({"website": "http://spam.example"}))).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let decoy = json_of(&resp);
    let real = json_of(&post_json(&app, &with(valid_json(), json!({"judul": "Laporan yang sungguhan"}))).await);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&decoy), keys(&real), "the same fields as a real receipt");
    assert!(pengaduan_core::RegisterNumber::parse(decoy["nomor"].as_str().unwrap()).is_some(), "{decoy}");
    assert!(pengaduan_core::TrackingCode::parse(decoy["kode_lacak"].as_str().unwrap()).is_some(), "{decoy}");
    assert_eq!(real["nomor"], "PGD-2026-00001", "the decoy consumed no number");
    // The decoy's number and code reach nothing.
    let uri =
        format!("/api/lacak?nomor={}&kode={}", decoy["nomor"].as_str().unwrap(), decoy["kode_lacak"].as_str().unwrap());
    let lookup = send(&app, "GET", &uri, &[("accept", "application/json")], Bytes::new()).await;
    assert_eq!(lookup.status(), StatusCode::NOT_FOUND);
    // The HTML form gets the same redirect a real submission gets.
    let form = post_form(&app, &format!("{VALID_FORM}http%3A%2F%2Fspam")).await;
    assert_eq!(form.status(), StatusCode::SEE_OTHER);
    let location = header(&form, "location");
    assert!(location.starts_with("/api/lacak?nomor=PGD-2026-") && location.contains("&kode="), "{location}");
}

#[tokio::test]
async fn control_characters_are_refused_naming_the_field() {
    let app = app();
    let resp = post_json(&app, &with(valid_json(), json!({"judul": "Halo\u{1b}]0;owned\u{7}\u{1b}[2J dunia"}))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(&resp)["errors"][0]["field"], "judul");
    // A textarea's CRLF line breaks are fine.
    let isi = "Baris pertama laporan saya.\r\nBaris kedua dengan rincian.";
    let ok = post_json(&app, &with(valid_json(), json!({"isi": isi}))).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn codes_are_stored_keyed_and_older_plain_digests_still_open_their_status() {
    use pengaduan_store::ComplaintStore;
    let key = pengaduan_store::config::CodeKey::new(&"r".repeat(48)).unwrap();
    let app = app_with(
        Config { rate_limit_per_hour: 0, code_key: Some(key.clone()), ..Config::default() },
        "2026-11-29T06:00:00Z",
    );
    let first = json_of(&post_json(&app, &valid_json()).await);
    let nomor = pengaduan_core::RegisterNumber::parse(first["nomor"].as_str().unwrap()).unwrap();
    let kode = first["kode_lacak"].as_str().unwrap();
    let stored = app.store().find_public(&nomor).await.unwrap().unwrap().kode_hash;
    let code = pengaduan_core::TrackingCode::parse(kode).unwrap();
    assert_eq!(stored, code.keyed_digest(key.bytes()), "stored under the office's key, not as a plain digest");
    let look = |nomor: String, kode: String| {
        let app = &app;
        async move {
            let uri = format!("/api/lacak?nomor={nomor}&kode={kode}");
            send(app, "GET", &uri, &[("accept", "application/json")], Bytes::new()).await.status()
        }
    };
    assert_eq!(look(nomor.to_string(), kode.to_owned()).await, StatusCode::OK);
    assert_eq!(look(nomor.to_string(), "2222-2222-2222".into()).await, StatusCode::NOT_FOUND);

    // A complaint stored before the key existed (plain digest) opens with its code as before.
    let plain = app_with(Config { rate_limit_per_hour: 0, ..Config::default() }, "2026-11-29T06:00:00Z");
    let old = json_of(&post_json(&plain, &valid_json()).await);
    let old_nomor = pengaduan_core::RegisterNumber::parse(old["nomor"].as_str().unwrap()).unwrap();
    let old_hash = plain.store().find_public(&old_nomor).await.unwrap().unwrap().kode_hash;
    assert!(!old_hash.starts_with(pengaduan_core::tracking::KEYED_PREFIX));
    let keyed_again = App::new(
        plain.store().clone(),
        Config { rate_limit_per_hour: 0, code_key: Some(key), ..Config::default() },
        Pages::embedded().unwrap(),
    );
    let uri =
        format!("/api/lacak?nomor={}&kode={}", old["nomor"].as_str().unwrap(), old["kode_lacak"].as_str().unwrap());
    let resp = send(&keyed_again, "GET", &uri, &[("accept", "application/json")], Bytes::new()).await;
    assert_eq!(resp.status(), StatusCode::OK, "scheme 1 records keep working after the key is set");
}

#[tokio::test]
async fn lookup_by_number_and_code_in_any_case() {
    let app = app();
    let created = json_of(&post_json(&app, &valid_json()).await);
    let nomor = created["nomor"].as_str().unwrap();
    let code = created["kode_lacak"].as_str().unwrap();
    let loose = code.replace('-', "").to_lowercase();
    let resp =
        send(&app, "GET", &format!("/api/lacak?nomor={nomor}&kode={loose}"), &[("accept", "application/json")], "")
            .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_security_headers(&resp);
    let body = json_of(&resp);
    assert_eq!(body["nomor"], nomor);
    assert_eq!(body["status"], "diterima");
    assert!(body.get("nama").is_none() && !body.to_string().contains("Siti"), "no personal data: {body}");

    let wrong_code = send(
        &app,
        "GET",
        &format!("/api/lacak?nomor={nomor}&kode=2222-2222-2222"),
        &[("accept", "application/json")],
        "",
    )
    .await;
    let unknown = send(
        &app,
        "GET",
        &format!("/api/lacak?nomor=PGD-2026-00999&kode={code}"),
        &[("accept", "application/json")],
        "",
    )
    .await;
    assert_eq!(wrong_code.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(wrong_code.body(), unknown.body(), "a wrong code and an unknown number look the same");
    let html_404 = send(&app, "GET", "/api/lacak?nomor=PGD-2026-00999&kode=2222-2222-2222", &[], "").await;
    assert_eq!(html_404.status(), StatusCode::NOT_FOUND);
    let html = text_of(&html_404);
    assert!(html.contains("Tidak ada pengaduan dengan nomor dan kode lacak tersebut"), "the message");
    assert!(html.contains("id=\"ringkasan-galat\"") && html.contains("action=\"/api/lacak\""), "the form again");
    assert!(html.contains("value=\"PGD-2026-00999\""), "the typed number kept");
    let missing = send(&app, "GET", "/api/lacak", &[("accept", "application/json")], "").await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn failed_lookups_from_one_source_are_limited_to_thirty_in_ten_minutes() {
    // The submission limit is off here: the look-up limit does not depend on it.
    let app = app();
    let created = json_of(&post_json(&app, &valid_json()).await);
    let nomor = created["nomor"].as_str().unwrap();
    let code = created["kode_lacak"].as_str().unwrap();
    let lacak = |source: IpAddr, accept: &'static str, uri: String| {
        let req = Request::builder().uri(uri).header("accept", accept).body(Bytes::new()).unwrap();
        handle(&app, req, Some(source))
    };
    let guesser = SOURCE.unwrap();
    let right = format!("/api/lacak?nomor={nomor}&kode={code}");
    for _ in 0..40 {
        assert_eq!(lacak(guesser, "application/json", right.clone()).await.status(), StatusCode::OK);
    }
    // Every kind of failure counts: wrong code, unknown number, malformed number or code.
    let failures = [
        format!("/api/lacak?nomor={nomor}&kode=2222-2222-2222"),
        format!("/api/lacak?nomor=PGD-2026-00999&kode={code}"),
        format!("/api/lacak?nomor=PGD-26-1&kode={code}"),
        format!("/api/lacak?nomor={nomor}&kode=ABC"),
    ];
    assert_eq!(form_fn::http::LOOKUP_FAILURES_PER_10_MIN, 30);
    for i in 0..30 {
        let resp = lacak(guesser, "application/json", failures[i % failures.len()].clone()).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "failure {} of 30, after 40 successes", i + 1);
    }
    let limited = lacak(guesser, "application/json", failures[0].clone()).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_security_headers(&limited);
    assert_eq!(header(&limited, "retry-after"), "600", "the ten-minute window started at the clock's 06:00");
    let message = json_of(&limited)["error"].as_str().unwrap().to_owned();
    assert!(message.contains("Terlalu banyak percobaan pelacakan. Coba lagi dalam 10 menit."), "{message}");
    // Over the limit, the right code is refused too: a hit must look like a miss.
    let right_but_limited = lacak(guesser, "text/html", right.clone()).await;
    assert_eq!(right_but_limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&right_but_limited, "retry-after"), "600");
    assert!(text_of(&right_but_limited).contains("Terlalu banyak percobaan pelacakan"), "the HTML page says why");
    assert!(!text_of(&right_but_limited).contains("Diterima"), "no status shown");
    // Another source is not affected, and submitting is not either.
    let neighbour = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 23));
    let elsewhere = lacak(neighbour, "application/json", right.clone()).await;
    assert_eq!(elsewhere.status(), StatusCode::OK);
    assert_eq!(json_of(&elsewhere)["nomor"], nomor);
    let second = post_json(&app, &with(valid_json(), json!({"judul": "Judul kedua berbeda"}))).await;
    assert_eq!(second.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_lookup_limit_ends_with_its_window() {
    // Two and a half minutes before the window that began at 06:00 ends.
    let clock = std::sync::Arc::new(std::sync::Mutex::new("2026-11-29T06:07:30Z".parse::<Timestamp>().unwrap()));
    let store = SqliteStore::in_memory().unwrap();
    let app = App::new(store, Config { rate_limit_per_hour: 0, ..Config::default() }, Pages::embedded().unwrap())
        .with_clock({
            let clock = std::sync::Arc::clone(&clock);
            move || *clock.lock().unwrap()
        });
    let wrong = "/api/lacak?nomor=PGD-2026-00001&kode=2222-2222-2222";
    let json = [("accept", "application/json")];
    for _ in 0..30 {
        assert_eq!(send(&app, "GET", wrong, &json, "").await.status(), StatusCode::NOT_FOUND);
    }
    let limited = send(&app, "GET", wrong, &json, "").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&limited, "retry-after"), "150", "until 06:10:00");
    assert!(json_of(&limited)["error"].as_str().unwrap().contains("Coba lagi dalam 3 menit"), "rounded up");
    *clock.lock().unwrap() = "2026-11-29T06:10:00Z".parse().unwrap();
    assert_eq!(send(&app, "GET", wrong, &json, "").await.status(), StatusCode::NOT_FOUND, "a new window");
}

#[tokio::test]
async fn wrong_methods_and_paths() {
    let app = app();
    let resp = send(&app, "GET", "/api/pengaduan", &[], "").await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(header(&resp, "allow").contains("POST"));
    let resp = send(&app, "DELETE", "/api/lacak", &[], "").await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let resp = send(&app, "GET", "/api/lainnya", &[("accept", "application/json")], "").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cors_allows_only_the_site_origin() {
    let config =
        Config { rate_limit_per_hour: 0, site_origin: Some("https://dpmptsp.example".into()), ..Config::default() };
    let app = app_with(config, "2026-11-29T06:00:00Z");
    let pre = send(&app, "OPTIONS", "/api/pengaduan", &[("origin", "https://dpmptsp.example")], "").await;
    assert_eq!(pre.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&pre, "access-control-allow-origin"), "https://dpmptsp.example");
    assert!(header(&pre, "access-control-allow-headers").contains("Idempotency-Key"));
    let evil = send(&app, "OPTIONS", "/api/pengaduan", &[("origin", "https://evil.example")], "").await;
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    assert_eq!(header(&evil, "access-control-allow-origin"), "");
    let resp = send(
        &app,
        "POST",
        "/api/pengaduan",
        &[("content-type", "application/json"), ("origin", "https://evil.example")],
        valid_json().to_string(),
    )
    .await;
    assert_eq!(header(&resp, "access-control-allow-origin"), "");
    let resp = send(
        &app,
        "POST",
        "/api/pengaduan",
        &[("content-type", "application/json"), ("origin", "https://dpmptsp.example")],
        with(valid_json(), json!({"judul": "Judul lain sekali"})).to_string(),
    )
    .await;
    assert_eq!(header(&resp, "access-control-allow-origin"), "https://dpmptsp.example");
}

#[tokio::test]
async fn multipart_form_is_accepted() {
    let app = app();
    let mut body = String::new();
    for (k, v) in [
        ("jenis", "informasi"),
        ("nama", "Budi"),
        ("telepon", "+62 812 3456 7890"),
        ("judul", "Syarat izin usaha"),
        ("isi", "Apa saja syarat izin usaha mikro di kabupaten ini?"),
        ("pernyataan_kebenaran", "on"),
        ("persetujuan_data", "on"),
    ] {
        body.push_str(&format!("--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    body.push_str("--XyZ--\r\n");
    let resp =
        send(&app, "POST", "/api/pengaduan", &[("content-type", "multipart/form-data; boundary=XyZ")], body).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp =
        send(&app, "POST", "/api/pengaduan", &[("content-type", "multipart/form-data; boundary=XyZ")], "garbage").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn year_follows_the_office_time_zone() {
    // 17:30 UTC on 31 December is already 1 January in Jakarta.
    let app = app_with(Config { rate_limit_per_hour: 0, ..Config::default() }, "2026-12-31T17:30:00Z");
    let body = json_of(&post_json(&app, &valid_json()).await);
    assert_eq!(body["nomor"], "PGD-2027-00001");
    assert_eq!(body["diterima_pada"], "2027-01-01T00:30:00+07:00");
}

/// The English pages (`/en/complaint/`, `/en/track/`) answered in English: the forms' `lang`
/// field or parameter, or `Accept-Language` for JSON clients; field names and codes unchanged.
mod english {
    use super::*;

    const EN_FORM: [(&str, &str); 1] = [("content-type", "application/x-www-form-urlencoded")];

    #[tokio::test]
    async fn an_english_form_with_a_mistake_comes_back_in_english_with_the_values_kept() {
        let app = app();
        let body = VALID_FORM.replace("siti%40contoh.co.id", "bukan-email") + "&lang=en&lokasi=Kantor+DPMPTSP";
        let resp = send(&app, "POST", "/api/pengaduan", &EN_FORM, body).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = text_of(&resp);
        assert!(html.contains("<html lang=\"en\">"), "{html}");
        assert!(html.contains("Enter an email address in the correct format, like name@example.com"), "{html}");
        assert!(html.contains("href=\"#email\"") && html.contains("id=\"email-error\""));
        assert!(!html.contains("Masukkan alamat email"), "no Indonesian message");
        assert!(html.contains("<title>Error: Submit a Complaint"), "{html}");
        for typed in ["Siti Rahayu", "bukan-email", "Izin usaha belum terbit", "Kantor DPMPTSP"] {
            assert!(html.contains(typed), "typed value {typed:?} kept");
        }
    }

    #[tokio::test]
    async fn json_with_accept_language_en_gets_english_messages_for_the_same_fields() {
        let app = app();
        let bad =
            with(valid_json(), json!({"judul": "", "isi": "pendek", "email": "bukan", "pernyataan_kebenaran": false}));
        let json_en = [("content-type", "application/json"), ("accept-language", "en-GB,en;q=0.9")];
        let en = json_of(&send(&app, "POST", "/api/pengaduan", &json_en, bad.to_string()).await);
        let id = json_of(&post_json(&app, &bad).await);
        let fields = |v: &Value| -> Vec<String> {
            v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(fields(&en), fields(&id));
        assert_eq!(fields(&en), ["email", "judul", "isi", "pernyataan_kebenaran"]);
        for (e, i) in en["errors"].as_array().unwrap().iter().zip(id["errors"].as_array().unwrap()) {
            assert_ne!(e["message"], i["message"], "{}", e["field"]);
        }
        assert_eq!(en["errors"][1]["message"], "Enter a title for your report");
        assert_eq!(id["errors"][1]["message"], "Masukkan judul laporan", "Indonesian stays the default");
    }

    #[tokio::test]
    async fn the_lang_field_beats_an_english_accept_language() {
        let app = app();
        let body = VALID_FORM.replace("siti%40contoh.co.id", "bukan-email") + "&lang=id";
        let headers = [EN_FORM[0], ("accept-language", "en")];
        let html = text_of(&send(&app, "POST", "/api/pengaduan", &headers, body).await);
        assert!(html.contains("<html lang=\"id\">"));
        assert!(html.contains("Masukkan alamat email dengan format yang benar"));
        assert!(html.contains("<title>Kesalahan: Ajukan Pengaduan"));
        // Without the field, the header decides.
        let body = VALID_FORM.replace("siti%40contoh.co.id", "bukan-email");
        let html = text_of(&send(&app, "POST", "/api/pengaduan", &headers, body).await);
        assert!(html.contains("<html lang=\"en\">") && html.contains("Enter an email address"));
    }

    #[tokio::test]
    async fn an_english_submission_redirects_with_lang_to_an_english_status_page() {
        let config =
            Config { rate_limit_per_hour: 0, site_origin: Some("https://dpmptsp.example".into()), ..Config::default() };
        let app = app_with(config, "2026-11-29T06:00:00Z");
        let resp = send(&app, "POST", "/api/pengaduan", &EN_FORM, format!("{VALID_FORM}&lang=en")).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let location = header(&resp, "location").to_owned();
        assert!(location.starts_with("/api/lacak?nomor=PGD-2026-00001&kode=") && location.ends_with("&lang=en"));
        let code = location.split("kode=").nth(1).unwrap().split('&').next().unwrap().to_owned();
        let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
        assert!(html.contains("<html lang=\"en\">"), "{html}");
        for needle in [
            "Received",
            "29 November 2026, 13:00 WIB",
            "Sunday, 29 November 2026",
            "We have received and registered your report.",
            &format!("?nomor=PGD-2026-00001&amp;kode={code}&amp;lang=en&amp;cetak=1"),
        ] {
            assert!(html.contains(needle), "the English status page lacks {needle:?}:\n{html}");
        }
        assert!(!html.contains("Diterima</") && !html.contains("Minggu"), "no Indonesian labels or dates");
        // The language switch leads to the same complaint's page, Indonesian asked for by name.
        let switch = format!("href=\"?nomor=PGD-2026-00001&amp;kode={code}&amp;lang=id\" hreflang=\"id\"");
        assert!(html.contains(&switch), "no switch to the Indonesian status page:\n{html}");

        let print = text_of(&send(&app, "GET", &format!("{location}&cetak=1"), &[], "").await);
        assert!(print.contains("https:&#x2F;&#x2F;dpmptsp.example&#x2F;en&#x2F;track&#x2F;"), "{print}");
        assert!(print.contains("2 to 10 working days after the required documents are declared complete"));
        assert!(print.contains(&format!("?nomor=PGD-2026-00001&amp;kode={code}&amp;lang=en\"")), "{print}");

        // JSON: the same keys, English values.
        let json = json_of(
            &send(&app, "GET", &location, &[("accept", "application/json"), ("accept-language", "id")], "").await,
        );
        assert_eq!(json["status"], "diterima");
        assert_eq!(json["status_label"], "Received", "the query's lang beats the header");
        assert!(json["langkah_berikutnya"].as_str().unwrap().starts_with("We have received"));
        assert_eq!(json["tahapan"][0]["label"], "Received");
    }

    #[tokio::test]
    async fn an_indonesian_submission_redirects_without_lang() {
        let app = app();
        let location = header(&post_form(&app, VALID_FORM).await, "location").to_owned();
        assert!(!location.contains("lang"), "{location}");
        let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
        assert!(html.contains("&amp;lang=en\" hreflang=\"en\""), "no switch to the English status page:\n{html}");
        let json = json_of(&send(&app, "GET", &location, &[("accept", "application/json")], "").await);
        assert_eq!(json["status_label"], "Diterima");
        assert_eq!(json["tahapan"][0]["label"], "Diterima");
    }

    #[tokio::test]
    async fn tracking_in_english_with_a_wrong_code_is_404_in_english() {
        let app = app();
        let created = json_of(&post_json(&app, &valid_json()).await);
        let nomor = created["nomor"].as_str().unwrap();
        let uri = format!("/api/lacak?nomor={nomor}&kode=AAAA-AAAA-AAAA&lang=en");
        let resp = send(&app, "GET", &uri, &[], "").await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        let html = text_of(&resp);
        assert!(html.contains("<html lang=\"en\">"), "{html}");
        assert!(html.contains("There is no complaint with that register number and tracking code."), "{html}");
        assert!(html.contains("AAAA-AAAA-AAAA"), "the typed code is kept");
        let resp = send(&app, "GET", &uri, &[("accept", "application/json")], "").await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert!(json_of(&resp)["error"].as_str().unwrap().starts_with("There is no complaint"));
        let missing = send(&app, "GET", "/api/lacak?lang=en", &[("accept", "application/json")], "").await;
        assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
        assert!(json_of(&missing)["error"].as_str().unwrap().starts_with("Enter the register number"));
    }

    #[tokio::test]
    async fn protocol_errors_follow_accept_language() {
        let app = app();
        let en = [("accept", "application/json"), ("accept-language", "en")];
        let resp = send(&app, "GET", "/api/lainnya", &en, "").await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert_eq!(json_of(&resp)["error"], "The address you opened does not exist on the complaint service.");
        let resp = send(&app, "GET", "/api/pengaduan", &en, "").await;
        assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(json_of(&resp)["error"], "This address does not accept that kind of request.");
        let resp = send(&app, "POST", "/api/pengaduan", &[en[0], en[1], ("content-type", "text/plain")], "x").await;
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(json_of(&resp)["error"].as_str().unwrap().starts_with("Send the form as"));
        let resp = send(&app, "POST", "/api/pengaduan", &[en[1], ("content-type", "application/json")], "{").await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(json_of(&resp)["error"], "The request body is not valid JSON.");
        let html = text_of(&send(&app, "GET", "/api/lainnya", &[("accept-language", "en")], "").await);
        assert!(html.contains("<html lang=\"en\">") && html.contains("Page not found"), "{html}");
        let html = text_of(&send(&app, "GET", "/api/lainnya", &[], "").await);
        assert!(html.contains("<html lang=\"id\">") && html.contains("Halaman tidak ditemukan"));
    }

    #[tokio::test]
    async fn the_surveys_errors_follow_the_request_language() {
        let app = app();
        let resp = send(&app, "GET", "/api/survei?lang=en", &[], "").await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let html = text_of(&resp);
        assert!(html.contains("<html lang=\"en\">") && html.contains("Number and code required"), "{html}");
        let resp = send(&app, "GET", "/api/survei", &[("accept-language", "en")], "").await;
        assert!(text_of(&resp).contains("Number and code required"), "Accept-Language without lang");
        let resp = send(&app, "GET", "/api/survei?lang=id", &[("accept-language", "en")], "").await;
        let html = text_of(&resp);
        assert!(html.contains("<html lang=\"id\">") && html.contains("Nomor dan kode diperlukan"), "{html}");
        let resp = send(&app, "GET", "/api/survei", &[], "").await;
        assert!(text_of(&resp).contains("Nomor dan kode diperlukan"), "Indonesian stays the default");
        let resp = send(&app, "DELETE", "/api/survei?lang=en", &[], "").await;
        assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(text_of(&resp).contains("<html lang=\"en\">"));
    }
}

mod lambda {
    use super::*;
    use form_fn::lambda::handle_event;

    fn event(name: &str) -> String {
        std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    async fn invoke(app: &App<SqliteStore>, payload: &str) -> lambda_http::Response<lambda_http::Body> {
        let req = lambda_http::request::from_str(payload).expect("a valid Lambda HTTP event");
        handle_event(app, req).await
    }

    fn body_text(resp: &lambda_http::Response<lambda_http::Body>) -> String {
        String::from_utf8(resp.body().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn http_api_v2_events_submit_and_look_up() {
        let app = app_with(Config { rate_limit_per_hour: 1, ..Config::default() }, "2026-11-29T06:00:00Z");
        let resp = invoke(&app, &event("http-api-v2-post-form.json")).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/api/lacak?nomor=PGD-2026-00001&kode="), "{location}");
        let kode = location.rsplit('=').next().unwrap();

        // The same base64 body again is a replay (same idempotency key), even over the rate limit of 1.
        let again = invoke(&app, &event("http-api-v2-post-form.json")).await;
        assert_eq!(again.headers()["location"], location.as_str());

        let invalid = invoke(&app, &event("http-api-v2-post-invalid-json.json")).await;
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let errors: Value = serde_json::from_str(&body_text(&invalid)).unwrap();
        let fields: Vec<&str> =
            errors["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["nama", "email", "judul", "isi", "pernyataan_kebenaran"]);

        let lookup = invoke(&app, &event("http-api-v2-get-lacak.json").replace("REPLACE_KODE", kode)).await;
        assert_eq!(lookup.status(), StatusCode::OK);
        let status: Value = serde_json::from_str(&body_text(&lookup)).unwrap();
        assert_eq!(status["nomor"], "PGD-2026-00001");
        assert_eq!(status["status"], "diterima");
    }

    #[tokio::test]
    async fn function_url_event_with_base64_json_body() {
        let app = app_with(Config { rate_limit_per_hour: 1, ..Config::default() }, "2026-11-29T06:00:00Z");
        let resp = invoke(&app, &event("function-url-post-json.json")).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        let body: Value = serde_json::from_str(&body_text(&resp)).unwrap();
        assert_eq!(body["nomor"], "PGD-2026-00001");
        // The rate limit sees the Function URL's source address: a different submission from it is refused.
        let other =
            event("function-url-post-json.json").replace("\"isBase64Encoded\": true", "\"isBase64Encoded\": false");
        let other = other.replace(
            &other.split("\"body\": \"").nth(1).unwrap().split('"').next().unwrap().to_owned(),
            &json!({"jenis": "aspirasi", "anonim": true, "judul": "Judul yang berbeda", "isi": "Isi yang berbeda dan cukup panjang untuk lolos.", "pernyataan_kebenaran": true, "persetujuan_data": true}).to_string().replace('"', "\\\""),
        );
        let limited = invoke(&app, &other).await;
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

mod attachments {
    use super::*;
    use pengaduan_store::attachments::local::LocalAttachments;
    use pengaduan_store::attachments::{AnyAttachments, AttachmentStore};

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 0xFF, 0xD9];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];
    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00";

    const FIELDS: [(&str, &str); 7] = [
        ("jenis", "pengaduan"),
        ("nama", "Siti Rahayu"),
        ("email", "siti@contoh.co.id"),
        ("judul", "Izin usaha belum terbit"),
        ("isi", "Permohonan izin saya belum terbit setelah tiga minggu."),
        ("pernyataan_kebenaran", "on"),
        ("persetujuan_data", "on"),
    ];

    pub use pengaduan_store::testing::multipart;

    fn app_with_files() -> (App<SqliteStore>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let files = LocalAttachments::open(&dir.path().join("lampiran")).unwrap();
        (app().with_attachments(AnyAttachments::Local(files)), dir)
    }

    async fn post(app: &App<SqliteStore>, body: Vec<u8>, accept: &str) -> Response<Bytes> {
        send(
            app,
            "POST",
            "/api/pengaduan",
            &[("content-type", "multipart/form-data; boundary=B0und4ry"), ("accept", accept)],
            body,
        )
        .await
    }

    /// The process dies (here: the commit fails) between storing the complaint and committing
    /// its files: the complaint's record names them, and a replay, or the sweep, finishes it.
    #[tokio::test]
    async fn files_of_a_cut_short_intake_arrive_on_replay_and_by_the_sweep() {
        use pengaduan_store::ComplaintStore;
        let (app, dir) = app_with_files();
        // A file where the committed folder must go makes every commit fail.
        let blocker = dir.path().join("lampiran/lampiran");
        std::fs::write(&blocker, b"").unwrap();
        let mut fields: Vec<(&str, &str)> = FIELDS.to_vec();
        fields.push(("idempotency_key", "kunci-lampiran-1"));
        let body = multipart(&fields, &[("bukti.pdf", "application/pdf", PDF)]);
        let first = post(&app, body.clone(), "application/json").await;
        assert_eq!(first.status(), StatusCode::CREATED, "the complaint is stored: {}", text_of(&first));
        let nomor = json_of(&first)["nomor"].as_str().unwrap().to_owned();
        let files = app.attachments().unwrap();
        assert_eq!(app.store().pending_uploads(&nomor).await.unwrap().len(), 1, "the record names its file");

        std::fs::remove_file(&blocker).unwrap();
        let again = post(&app, body, "application/json").await;
        assert_eq!(json_of(&again)["nomor"], nomor.as_str(), "the replay answers as the first time");
        assert_eq!(files.list(&nomor).await.unwrap().len(), 1, "the replay finished the commit");
        assert!(app.store().pending_uploads(&nomor).await.unwrap().is_empty());

        // A second cut-short intake, never replayed: the sweep finishes it.
        let blocker = dir.path().join("lampiran/lampiran/PGD-2026-00002");
        std::fs::write(&blocker, b"").unwrap();
        let mut fields: Vec<(&str, &str)> = FIELDS.to_vec();
        fields.push(("judul", "Laporan kedua dengan lampiran"));
        let second = post(&app, multipart(&fields, &[("foto.png", "image/png", PNG)]), "application/json").await;
        let nomor2 = json_of(&second)["nomor"].as_str().unwrap().to_owned();
        assert_eq!(app.store().pending_uploads(&nomor2).await.unwrap().len(), 1, "not committed yet");
        std::fs::remove_file(&blocker).unwrap();
        assert_eq!(pengaduan_store::uploads::sweep(app.store(), files).await.unwrap(), 1);
        assert_eq!(files.list(&nomor2).await.unwrap().len(), 1, "the sweep finished the commit");
        assert_eq!(pengaduan_store::uploads::sweep(app.store(), files).await.unwrap(), 0, "nothing left");
    }

    fn files_under(dir: &std::path::Path) -> usize {
        walkdir(dir).into_iter().filter(|p| p.is_file()).count()
    }

    fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    out.extend(walkdir(&p));
                } else {
                    out.push(p);
                }
            }
        }
        out
    }

    #[tokio::test]
    async fn three_files_are_stored_with_the_complaint() {
        let (app, dir) = app_with_files();
        let files: [(&str, &str, &[u8]); 3] = [
            ("surat izin.pdf", "application/pdf", PDF),
            ("foto loket.jpg", "image/jpeg", JPEG),
            ("bukti.png", "image/png", PNG),
        ];
        let resp = post(&app, multipart(&FIELDS, &files), "text/html").await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert!(header(&resp, "location").contains("PGD-2026-00001"));
        let stored = app.attachments().unwrap().list("PGD-2026-00001").await.unwrap();
        let names: Vec<&str> = stored.iter().map(|m| m.display_name.as_str()).collect();
        assert_eq!(names, ["surat izin.pdf", "foto loket.jpg", "bukti.png"]);
        for (i, (_, _, bytes)) in files.iter().enumerate() {
            let (_, got) = app.attachments().unwrap().get("PGD-2026-00001", i + 1).await.unwrap().expect("stored");
            assert_eq!(&got[..], *bytes);
        }
        assert!(stored.iter().all(|m| !m.key.contains("surat") && !m.key.contains("foto")), "generated keys");
        let leftovers: Vec<_> = walkdir(&dir.path().join("lampiran"))
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("pending"))
            .collect();
        assert!(leftovers.is_empty(), "no pending files left: {leftovers:?}");
    }

    #[tokio::test]
    async fn each_bad_file_is_a_422_naming_it_and_nothing_is_stored() {
        let big = [PDF, &vec![b' '; 2 * 1024 * 1024][..]].concat();
        type Case<'a> = (Vec<(&'a str, &'a str, &'a [u8])>, &'a str);
        let cases: Vec<Case> = vec![
            (vec![("animasi.gif", "image/png", GIF)], "\"animasi.gif\" bukan PDF, JPEG, PNG, atau WebP"),
            (vec![("palsu.pdf", "application/pdf", b"MZ\x90\x00 not a pdf")], "\"palsu.pdf\""),
            (vec![("besar.pdf", "application/pdf", &big)], "\"besar.pdf\" lebih dari 2 MB"),
            (vec![("kosong.pdf", "application/pdf", b"")], "\"kosong.pdf\" kosong"),
            (
                vec![
                    ("a.pdf", "application/pdf", PDF),
                    ("b.pdf", "application/pdf", PDF),
                    ("c.pdf", "application/pdf", PDF),
                    ("d.pdf", "application/pdf", PDF),
                ],
                "paling banyak 3 berkas",
            ),
        ];
        let (app, dir) = app_with_files();
        for (files, needle) in cases {
            let resp = post(&app, multipart(&FIELDS, &files), "application/json").await;
            assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{needle}");
            let errors = json_of(&resp)["errors"].as_array().unwrap().clone();
            assert_eq!(errors.len(), 1, "one entry for the field: {errors:?}");
            assert_eq!(errors[0]["field"], "lampiran");
            assert!(errors[0]["message"].as_str().unwrap().contains(needle), "{needle}: {errors:?}");
        }
        assert_eq!(files_under(&dir.path().join("lampiran")), 0, "no file stored, not even pending");
        let ok = post(&app, multipart(&FIELDS, &[]), "application/json").await;
        assert_eq!(json_of(&ok)["nomor"], "PGD-2026-00001", "no number consumed");
    }

    #[tokio::test]
    async fn a_field_error_stores_no_file_and_the_form_says_to_choose_again() {
        let (app, dir) = app_with_files();
        let mut fields = FIELDS.to_vec();
        fields[3] = ("judul", "");
        let resp = post(&app, multipart(&fields, &[("bukti.png", "image/png", PNG)]), "text/html").await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = text_of(&resp);
        assert!(
            html.contains("enctype=\"multipart/form-data\""),
            "{}",
            &html[html.find("<form").unwrap_or(0)..][..300]
        );
        assert!(html.contains("pilih lagi"), "tells the person to choose the files again");
        assert_eq!(files_under(&dir.path().join("lampiran")), 0);
    }

    #[tokio::test]
    async fn without_an_attachment_store_files_are_refused_but_forms_work() {
        let app = app();
        let resp = post(&app, multipart(&FIELDS, &[("bukti.png", "image/png", PNG)]), "application/json").await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json_of(&resp)["errors"][0]["field"], "lampiran");
        let resp = post(&app, multipart(&FIELDS, &[("", "application/octet-stream", b"")]), "application/json").await;
        assert_eq!(resp.status(), StatusCode::CREATED, "an empty file input is no attachment");
    }

    /// A multipart body whose one file part carries `disposition` as its raw parameters, bytes
    /// and all: the shared helper can only write a plain UTF-8 `filename="..."`.
    fn multipart_with_raw_file(disposition: &[u8], bytes: &[u8]) -> Vec<u8> {
        let mut body = multipart(&FIELDS, &[]);
        body.truncate(body.len() - b"--B0und4ry--\r\n".len());
        body.extend_from_slice(b"--B0und4ry\r\nContent-Disposition: form-data; name=\"lampiran\"; ");
        body.extend_from_slice(disposition);
        body.extend_from_slice(b"\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n--B0und4ry--\r\n");
        body
    }

    #[tokio::test]
    async fn a_file_named_only_by_rfc_5987_filename_star_is_stored_under_its_decoded_name() {
        let (app, _dir) = app_with_files();
        let body = multipart_with_raw_file(b"filename*=UTF-8''Bukti%20Transfer.pdf", PDF);
        let resp = post(&app, body, "application/json").await;
        assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
        let stored = app.attachments().unwrap().list("PGD-2026-00001").await.unwrap();
        let names: Vec<&str> = stored.iter().map(|m| m.display_name.as_str()).collect();
        assert_eq!(names, ["Bukti Transfer.pdf"], "201 means the file was kept");
        let (_, got) = app.attachments().unwrap().get("PGD-2026-00001", 1).await.unwrap().expect("stored");
        assert_eq!(&got[..], PDF);
    }

    #[tokio::test]
    async fn a_file_whose_name_is_not_utf8_is_stored_under_a_safe_name() {
        let (app, _dir) = app_with_files();
        let body = multipart_with_raw_file(b"filename=\"Bukti \xff\xfe transfer.jpg\"", JPEG);
        let resp = post(&app, body, "application/json").await;
        assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
        let stored = app.attachments().unwrap().list("PGD-2026-00001").await.unwrap();
        let names: Vec<&str> = stored.iter().map(|m| m.display_name.as_str()).collect();
        assert_eq!(names, ["lampiran.jpg"], "201 means the file was kept");
        assert_eq!(stored[0].kind.content_type(), "image/jpeg");
    }

    #[tokio::test]
    async fn replayed_submission_keeps_the_first_files_only() {
        let (app, _dir) = app_with_files();
        let body = multipart(&FIELDS, &[("bukti.png", "image/png", PNG)]);
        let first = post(&app, body.clone(), "application/json").await;
        let again = post(&app, body, "application/json").await;
        assert_eq!(json_of(&first), json_of(&again));
        assert_eq!(app.attachments().unwrap().list("PGD-2026-00001").await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn lambda_multipart_event_base64_as_api_gateway_sends_it() {
        use base64::Engine as _;
        let (app, _dir) = app_with_files();
        let body = multipart(&FIELDS, &[("surat.pdf", "application/pdf", PDF), ("foto.jpg", "image/jpeg", JPEG)]);
        let mut event: Value = serde_json::from_str(include_str!("fixtures/http-api-v2-post-form.json")).unwrap();
        event["headers"]["content-type"] = json!("multipart/form-data; boundary=B0und4ry");
        event["headers"]["content-length"] = json!(body.len().to_string());
        event["body"] = json!(base64::engine::general_purpose::STANDARD.encode(&body));
        event["isBase64Encoded"] = json!(true);
        let req = lambda_http::request::from_str(&event.to_string()).unwrap();
        let resp = form_fn::lambda::handle_event(&app, req).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let stored = app.attachments().unwrap().list("PGD-2026-00001").await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[1].kind.content_type(), "image/jpeg");
    }
}

/// What the public sees of a complaint part-way through its procedure, from the real history.
mod public_status {
    use super::*;
    use jiff::civil::date;
    use pengaduan_store::testing::{advance, complaint, nomor, now, procedure, state_of, store_transition};
    use pengaduan_store::{ComplaintStore, WorkflowStore};

    #[tokio::test]
    async fn the_public_status_shows_stages_deadline_and_next_step_but_no_notes_or_names() {
        let store = SqliteStore::in_memory().unwrap();
        let c = complaint(1, "public", now(), 2026);
        let code = c.receipt.kode_lacak.clone();
        let n = nomor(&store.submit(c).await.unwrap());
        let (state, version) = state_of(&store, &n).await;
        let t = state.mark_incomplete("Fotokopi KTP kabur", date(2026, 11, 30)).unwrap();
        store_transition(&store, &n, version, &t, "Rina Rahasia", now()).await.unwrap();
        let (state, version) = state_of(&store, &n).await;
        let t = state.mark_complete(procedure("penyelesaian"), date(2026, 12, 1), "catatan internal").unwrap();
        store_transition(&store, &n, version, &t, "Rina Rahasia", now()).await.unwrap();
        advance(&store, &n, "Budi Rahasia").await;

        let app = App::new(store, Config::default(), Pages::embedded().unwrap()).with_clock(now);
        let get = |accept: &'static str| {
            let req = http::Request::builder()
                .uri(format!("/api/lacak?nomor={n}&kode={code}"))
                .header("accept", accept)
                .body(Bytes::new())
                .unwrap();
            handle(&app, req, None)
        };
        let json_resp = get("application/json").await;
        assert_eq!(json_resp.status(), 200);
        let v: serde_json::Value = serde_json::from_slice(json_resp.body()).unwrap();
        // The fields the contract already had are all still there.
        for key in ["nomor", "status", "status_label", "jenis", "diterima_pada", "langkah_berikutnya"] {
            assert!(v.get(key).is_some(), "{key} kept");
        }
        assert_eq!(v["status"], "diproses");
        assert_eq!(v["tenggat"], "2026-12-15", "10 working days after Tuesday 1 December 2026");
        let tahapan = v["tahapan"].as_array().unwrap();
        let got: Vec<(&str, bool, Option<&str>)> = tahapan
            .iter()
            .map(|t| (t["status"].as_str().unwrap(), t["tercapai"].as_bool().unwrap(), t["tanggal"].as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("diterima", true, Some("2026-11-29")),
                ("perlu_dilengkapi", true, Some("2026-11-29")),
                ("diverifikasi", true, Some("2026-12-01")),
                ("diproses", true, Some("2026-11-29")),
                ("selesai", false, None),
            ]
        );
        // The next step in plain words (core's sentence), never the staff's job titles.
        assert_eq!(v["langkah_berikutnya"], pengaduan_core::Status::Diproses.next_step());
        assert!(!v["langkah_berikutnya"].as_str().unwrap().contains("JFT"), "{}", v["langkah_berikutnya"]);
        let html_resp = get("text/html").await;
        let html = String::from_utf8(html_resp.body().to_vec()).unwrap();
        assert!(html.contains("Selasa, 15 Desember 2026"), "deadline shown");
        assert!(html.contains("Selasa, 1 Desember 2026"), "stage date shown");
        let body = String::from_utf8(json_resp.body().to_vec()).unwrap();
        for secret in ["Rahasia", "Fotokopi KTP kabur", "catatan internal", "dikerjakan", "Siti"] {
            assert!(!body.contains(secret) && !html.contains(secret), "{secret} must not be public");
        }
        assert_eq!(v["tenggat_sementara"], false, "counted with every holiday it needed");
        assert!(!html.contains("sementara"), "no mark on an exact deadline");
        // Once the files are complete, the page and its receipt say by when.
        let rule = "Jangka waktu penyelesaian: <strong>2 s&#x2F;d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap</strong>.";
        let date = "Batas waktu penyelesaian: <strong>Selasa, 15 Desember 2026</strong>.";
        assert!(html.contains(rule) && html.contains(date), "{html}");
        let req = http::Request::builder()
            .uri(format!("/api/lacak?nomor={n}&kode={code}&cetak=1"))
            .body(Bytes::new())
            .unwrap();
        let receipt = String::from_utf8(handle(&app, req, None).await.body().to_vec()).unwrap();
        assert!(receipt.contains("<h1>Bukti penerimaan pengaduan</h1>"), "{receipt}");
        assert!(receipt.contains(rule) && receipt.contains(date), "{receipt}");
        assert!(receipt.contains("<dd>Izin usaha belum terbit 1</dd>"), "the title: {receipt}");
        for secret in ["Rahasia", "Fotokopi KTP kabur", "catatan internal", "Siti"] {
            assert!(!receipt.contains(secret), "{secret} must not be on the receipt");
        }
    }

    #[tokio::test]
    async fn a_deadline_counted_without_a_years_holidays_is_marked_sementara() {
        let store = SqliteStore::in_memory().unwrap();
        let c = complaint(1, "provisional", now(), 2026);
        let code = c.receipt.kode_lacak.clone();
        let n = nomor(&store.submit(c).await.unwrap());
        // Complete on 28 December 2026: the shipped calendar has no 2027 yet.
        let (state, version) = state_of(&store, &n).await;
        let t = state.mark_complete(procedure("penyelesaian"), date(2026, 12, 28), "").unwrap();
        store_transition(&store, &n, version, &t, "Rina", now()).await.unwrap();

        let app = App::new(store, Config::default(), Pages::embedded().unwrap()).with_clock(now);
        let get = |accept: &'static str| {
            let req = http::Request::builder()
                .uri(format!("/api/lacak?nomor={n}&kode={code}"))
                .header("accept", accept)
                .body(Bytes::new())
                .unwrap();
            handle(&app, req, None)
        };
        let v: serde_json::Value = serde_json::from_slice(get("application/json").await.body()).unwrap();
        assert_eq!(
            (&v["tenggat"], &v["tenggat_sementara"]),
            (&serde_json::json!("2027-01-11"), &serde_json::json!(true))
        );
        let html = String::from_utf8(get("text/html").await.body().to_vec()).unwrap();
        assert!(
            html.contains("Senin, 11 Januari 2027 (sementara: kalender hari libur 2027 belum ditetapkan)"),
            "{html}"
        );

        // Recomputed once the year is known: the mark goes.
        app.store().refresh_deadline(&n, 2, Some(date(2027, 1, 12)), false).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(get("application/json").await.body()).unwrap();
        assert_eq!(
            (&v["tenggat"], &v["tenggat_sementara"]),
            (&serde_json::json!("2027-01-12"), &serde_json::json!(false))
        );
        let html = String::from_utf8(get("text/html").await.body().to_vec()).unwrap();
        assert!(html.contains("Selasa, 12 Januari 2027") && !html.contains("sementara"), "{html}");
    }
}

/// The Survei Kepuasan Masyarakat of a `selesai` complaint: shown and answered once, with the
/// tracking code as proof, refused otherwise.
mod survey {
    use super::*;
    use jiff::civil::date;
    use pengaduan_core::Status;
    use pengaduan_store::survey::SurveyStore;
    use pengaduan_store::testing::{advance, complaint, complete, nomor, now, state_of};
    use pengaduan_store::{ComplaintStore, WorkflowStore};

    /// An app holding one complaint, moved to `selesai` when `finished`; its number and code.
    async fn app_with_complaint(finished: bool) -> (App<SqliteStore>, String, String) {
        let store = SqliteStore::in_memory().unwrap();
        let c = complaint(1, "survei", now(), 2026);
        let code = c.receipt.kode_lacak.clone();
        let n = nomor(&store.submit(c).await.unwrap());
        if finished {
            complete(&store, &n, "penyelesaian", date(2026, 12, 1)).await;
            for _ in 0..20 {
                if state_of(&store, &n).await.0.status == Status::Selesai {
                    break;
                }
                advance(&store, &n, "Budi (JFT)").await;
            }
            assert_eq!(store.load(&n).await.unwrap().unwrap().row.state.status, Status::Selesai);
        }
        let app = App::new(store, Config::default(), Pages::embedded().unwrap()).with_clock(now);
        (app, n.to_string(), code)
    }

    fn answers(n: &str, code: &str, values: &str) -> String {
        let mut body = format!("nomor={n}&kode={code}");
        for (i, v) in values.chars().enumerate() {
            if v != '_' {
                body.push_str(&format!("&u{}={v}", i + 1));
            }
        }
        body
    }

    async fn post(app: &App<SqliteStore>, body: String, accept: &str) -> Response<Bytes> {
        send(
            app,
            "POST",
            "/api/survei",
            &[("content-type", "application/x-www-form-urlencoded"), ("accept", accept)],
            body,
        )
        .await
    }

    /// The code with its first character changed: well formed, and wrong.
    fn wrong_code(code: &str) -> String {
        let first = if code.starts_with('0') { '1' } else { '0' };
        format!("{first}{}", &code[1..])
    }

    fn html(resp: &Response<Bytes>) -> String {
        String::from_utf8(resp.body().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_finished_complaint_invites_and_shows_the_nine_questions() {
        let (app, n, code) = app_with_complaint(true).await;
        let status = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
        let page = html(&status);
        assert!(page.contains(&format!("href=\"survei?nomor={n}&amp;kode={code}\"")), "invitation: {page}");

        let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await;
        assert_eq!(resp.status(), 200);
        let page = html(&resp);
        assert_eq!(page.matches("<fieldset").count(), 9, "one fieldset per question");
        assert_eq!(page.matches("<legend").count(), 9);
        assert_eq!(page.matches("type=\"radio\"").count(), 36, "four answers each");
        for u in pengaduan_core::skm::UNSUR {
            assert!(page.contains(&u.pertanyaan.replace('/', "&#x2F;")), "{}", u.kode);
        }
        assert!(page.contains("method=\"post\"") && page.contains("action=\"/api/survei\""));
        assert!(!page.contains("Siti"), "no personal data on the page");
    }

    #[tokio::test]
    async fn the_survey_is_answered_once() {
        let (app, n, code) = app_with_complaint(true).await;
        let resp = post(&app, answers(&n, &code, "434433423"), "text/html").await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(location, format!("survei?nomor={n}&kode={code}&terima_kasih=1"));
        let thanks = send(&app, "GET", &format!("/api/{location}"), &[], Bytes::new()).await;
        assert_eq!(thanks.status(), 200);
        assert!(html(&thanks).contains("Terima kasih atas penilaian Anda"));

        let reopened = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await;
        assert_eq!(reopened.status(), 200);
        let page = html(&reopened);
        assert!(page.contains("<h1 class=\"panel__title\">Survei sudah diisi</h1>"), "{page}");
        assert!(page.contains("terima kasih atas penilaian Anda"));
        assert!(!page.contains("id=\"form-survei\""), "no form to be refused");
        assert_eq!(page.matches("type=\"radio\"").count(), 0);

        let again = post(&app, answers(&n, &code, "111111111"), "text/html").await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert!(html(&again).contains("Survei untuk pengaduan ini sudah diisi"));
        let again = post(&app, answers(&n, &code, "111111111"), "application/json").await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert!(json_of(&again)["error"].as_str().unwrap().contains("hanya dapat dinilai satu kali"));

        let stored = app
            .store()
            .surveys(now() - std::time::Duration::from_secs(60), now() + std::time::Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(stored.len(), 1, "the first answer only");
        assert_eq!(stored[0].1.code(), "434433423");
    }

    #[tokio::test]
    async fn json_answers_are_created() {
        let (app, n, code) = app_with_complaint(true).await;
        let resp = post(&app, answers(&n, &code, "444444444"), "application/json").await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        assert_eq!(json_of(&resp)["nomor"], n.as_str());
    }

    #[tokio::test]
    async fn missing_answers_show_the_form_again_with_errors() {
        let (app, n, code) = app_with_complaint(true).await;
        let resp = post(&app, answers(&n, &code, "4_44_4445"), "text/html").await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = html(&resp);
        assert!(page.contains("error-summary"));
        assert!(page.contains("Pilih satu jawaban untuk pertanyaan 2 (Sistem, mekanisme, dan prosedur)."), "{page}");
        assert!(page.contains("pertanyaan 5"));
        assert!(page.contains("Jawaban pertanyaan 9 (Sarana dan prasarana) harus 1, 2, 3, atau 4."));
        assert!(page.contains("id=\"u1-4\" name=\"u1\" value=\"4\" checked"), "answers kept");
        let resp = post(&app, answers(&n, &code, "4_4444444"), "application/json").await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json_of(&resp)["errors"][0]["field"], "u2");
        assert!(
            app.store()
                .surveys(now() - std::time::Duration::from_secs(60), now() + std::time::Duration::from_secs(60))
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn wrong_codes_unknown_numbers_and_open_complaints_are_refused() {
        let (app, n, code) = app_with_complaint(true).await;
        let wrong = wrong_code(&code);
        let lacak = send(
            &app,
            "GET",
            &format!("/api/lacak?nomor={n}&kode={wrong}"),
            &[("accept", "application/json")],
            Bytes::new(),
        )
        .await;
        for uri in
            [format!("/api/survei?nomor={n}&kode={wrong}"), format!("/api/survei?nomor=PGD-2026-09999&kode={code}")]
        {
            let resp = send(&app, "GET", &uri, &[("accept", "application/json")], Bytes::new()).await;
            assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{uri}");
            assert_eq!(json_of(&resp)["error"], json_of(&lacak)["error"], "the same answer as the status page");
        }
        let resp = post(&app, answers(&n, &wrong, "444444444"), "text/html").await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);

        let (open, n, code) = app_with_complaint(false).await;
        let resp = send(&open, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await;
        assert_eq!(resp.status(), StatusCode::CONFLICT);
        assert!(html(&resp).contains("setelah pengaduan Anda selesai"));
        let resp = post(&open, answers(&n, &code, "444444444"), "text/html").await;
        assert_eq!(resp.status(), StatusCode::CONFLICT);
        let status = send(&open, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
        assert!(!html(&status).contains("survei?"), "no invitation before selesai");
    }

    #[tokio::test]
    async fn the_english_status_page_invites_to_the_english_survey() {
        let (app, n, code) = app_with_complaint(true).await;
        let status = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}&lang=en"), &[], Bytes::new()).await;
        let page = html(&status);
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains(&format!("href=\"survei?nomor={n}&amp;kode={code}&amp;lang=en\"")), "invitation: {page}");
        assert!(page.contains("Telephone: (0000) 123456"), "the channel's English name on the receipt");
        assert!(!page.contains("Telepon:"), "{page}");
        let status = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
        let page = html(&status);
        assert!(page.contains("Telepon: (0000) 123456") && !page.contains("Telephone"), "Indonesian keeps its name");
    }

    #[tokio::test]
    async fn the_survey_in_english_asks_the_nine_questions_in_english() {
        let (app, n, code) = app_with_complaint(true).await;
        let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}&lang=en"), &[], Bytes::new()).await;
        assert_eq!(resp.status(), 200);
        let page = html(&resp);
        assert!(page.contains("<html lang=\"en\">"), "{page}");
        assert!(page.contains("<h1>Public Satisfaction Survey</h1>"), "{page}");
        assert_eq!(page.matches("<fieldset").count(), 9, "one fieldset per question");
        assert_eq!(page.matches("type=\"radio\"").count(), 36, "four answers each");
        for u in pengaduan_core::skm::UNSUR {
            assert!(page.contains(&u.pertanyaan_en.replace('\'', "&#x27;")), "{}", u.kode);
            assert!(!page.contains(u.pertanyaan), "{}: no Indonesian question", u.kode);
            assert!(page.contains(&u.nama_in(pengaduan_core::Lang::En).replace('/', "&#x2F;")), "{}", u.kode);
            for label in u.jawaban_en {
                assert!(page.contains(&format!(">{label}</label>")), "{label}");
            }
        }
        assert!(page.contains("Requirements (Persyaratan)"), "the official name in brackets");
        assert!(page.contains("<input type=\"hidden\" name=\"lang\" value=\"en\">"));
        assert!(page.contains("Send Survey") && !page.contains("Kirim Survei"));
        assert!(
            page.contains(&format!("href=\"&#x2F;api&#x2F;lacak?nomor={n}&amp;kode={code}&amp;lang=en\"")),
            "back, in English"
        );
        assert!(
            page.contains(&format!("href=\"survei?nomor={n}&amp;kode={code}&amp;lang=id\" hreflang=\"id\"")),
            "the language switch: {page}"
        );
        assert!(page.contains("Telephone:") && !page.contains("Telepon:"), "the footer's channel in English");
        for indonesian in ["Pengaduan ", "Survei Kepuasan", "Kembali", "pertanyaan"] {
            assert!(!page.contains(indonesian), "{indonesian:?} on the English page");
        }
        // Accept-Language alone picks English too.
        let resp =
            send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[("accept-language", "en")], "").await;
        assert!(html(&resp).contains("<h1>Public Satisfaction Survey</h1>"));
    }

    #[tokio::test]
    async fn missing_answers_in_english_come_back_in_english_with_the_values_kept() {
        let (app, n, code) = app_with_complaint(true).await;
        let resp = post(&app, answers(&n, &code, "4_44_4445") + "&lang=en", "text/html").await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = html(&resp);
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("<title>Error: Public Satisfaction Survey"), "{page}");
        assert!(
            page.contains("There is a problem") && page.contains("Answer every question, then send the survey again.")
        );
        assert!(page.contains("Choose one answer for question 2 (System, mechanism, and procedure)."), "{page}");
        assert!(page.contains("Choose one answer for question 5 (Product specification by type of service)."));
        assert!(page.contains("The answer to question 9 (Facilities and infrastructure) must be 1, 2, 3, or 4."));
        assert!(!page.contains("Pilih satu jawaban"), "no Indonesian message");
        assert!(page.contains("id=\"u1-4\" name=\"u1\" value=\"4\" checked"), "answers kept");
        assert!(page.contains("<span class=\"visually-hidden\">Error:</span>"));
        let json_en = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("accept", "application/json"),
            ("accept-language", "en"),
        ];
        let resp = send(&app, "POST", "/api/survei", &json_en, answers(&n, &code, "4_4444444")).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            json_of(&resp)["errors"][0]["message"],
            "Choose one answer for question 2 (System, mechanism, and procedure)."
        );
        // The form's field beats the header.
        let resp = send(&app, "POST", "/api/survei", &json_en, answers(&n, &code, "4_4444444") + "&lang=id").await;
        assert!(json_of(&resp)["errors"][0]["message"].as_str().unwrap().starts_with("Pilih satu jawaban"));
    }

    #[tokio::test]
    async fn an_english_answer_thanks_in_english_and_stores_the_same_numbers() {
        let (app, n, code) = app_with_complaint(true).await;
        let resp = post(&app, answers(&n, &code, "434433423") + "&lang=en", "text/html").await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(location, format!("survei?nomor={n}&kode={code}&terima_kasih=1&lang=en"));
        let thanks = html(&send(&app, "GET", &format!("/api/{location}"), &[], Bytes::new()).await);
        assert!(thanks.contains("<html lang=\"en\">") && thanks.contains("Thank you for your rating"), "{thanks}");
        assert!(thanks.contains(&format!("href=\"&#x2F;api&#x2F;lacak?nomor={n}&amp;kode={code}&amp;lang=en\"")));
        let reopened = html(&send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}&lang=en"), &[], "").await);
        assert!(reopened.contains("<h1 class=\"panel__title\">Survey already answered</h1>"), "{reopened}");
        let again = post(&app, answers(&n, &code, "111111111") + "&lang=en", "application/json").await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert!(json_of(&again)["error"].as_str().unwrap().contains("can be rated only once"));
        let stored = app
            .store()
            .surveys(now() - std::time::Duration::from_secs(60), now() + std::time::Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].1.code(), "434433423", "the numbers, whatever the language");
    }

    #[tokio::test]
    async fn the_indonesian_survey_keeps_its_words() {
        let (app, n, code) = app_with_complaint(true).await;
        let page = html(&send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await);
        assert!(page.contains("<html lang=\"id\">"));
        assert!(page.contains("<h1>Survei Kepuasan Masyarakat</h1>"));
        assert!(page.contains(&format!(
            "<p class=\"lead\">Pengaduan {n} telah selesai. Bantu kami memperbaiki pelayanan dengan menjawab sembilan pertanyaan berikut.</p>"
        )));
        assert!(page.contains("<p>Survei ini hanya dapat diisi satu kali untuk setiap pengaduan. Jawaban Anda disimpan tanpa nama atau data pribadi lain.</p>"));
        assert!(page.contains("data-cegah-kirim-ganda>Kirim Survei</button>"));
        assert!(page.contains(&format!(
            "<a href=\"&#x2F;api&#x2F;lacak?nomor={n}&amp;kode={code}\">Kembali ke status pengaduan</a>"
        )));
        assert!(page.contains("<p class=\"hint\">Persyaratan</p>"), "the regulation's name alone");
        assert!(!page.contains("Requirements") && !page.contains("Telephone"));
        assert!(page.contains(&format!("href=\"survei?nomor={n}&amp;kode={code}&amp;lang=en\" hreflang=\"en\"")));
    }

    #[tokio::test]
    async fn failed_survey_look_ups_count_toward_the_limit() {
        let (app, n, code) = app_with_complaint(true).await;
        let wrong = wrong_code(&code);
        for _ in 0..form_fn::http::LOOKUP_FAILURES_PER_10_MIN {
            let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={wrong}"), &[], Bytes::new()).await;
            assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        }
        let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await;
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "a right code is refused too, past the limit");
        let resp = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "one limit for both pages");
    }
}
