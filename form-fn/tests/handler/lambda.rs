//! Real Lambda event payloads (HTTP API v2 and Function URL) through the Lambda adapter.

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
    let app = app_with(HttpConfig { rate_limit_per_hour: 1, ..HttpConfig::default() }, "2026-11-29T06:00:00Z");
    let resp = invoke(&app, &event("http-api-v2-post-form.json")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/api/lacak?nomor=PGD-2026-00001&kode="), "{location}");
    let kode = location.split("kode=").nth(1).unwrap().split('&').next().unwrap();

    // The same base64 body again is a replay (same idempotency key), even over the rate limit of 1.
    let again = invoke(&app, &event("http-api-v2-post-form.json")).await;
    assert_eq!(again.headers()["location"], location.as_str());

    let invalid = invoke(&app, &event("http-api-v2-post-invalid-json.json")).await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors: Value = serde_json::from_str(&body_text(&invalid)).unwrap();
    let fields: Vec<&str> = errors["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["nama", "email", "judul", "isi", "pernyataan_kebenaran"]);

    let lookup = invoke(&app, &event("http-api-v2-get-lacak.json").replace("REPLACE_KODE", kode)).await;
    assert_eq!(lookup.status(), StatusCode::OK);
    let status: Value = serde_json::from_str(&body_text(&lookup)).unwrap();
    assert_eq!(status["nomor"], "PGD-2026-00001");
    assert_eq!(status["status"], "diterima");
}

#[tokio::test]
async fn function_url_event_with_base64_json_body() {
    let app = app_with(HttpConfig { rate_limit_per_hour: 1, ..HttpConfig::default() }, "2026-11-29T06:00:00Z");
    let resp = invoke(&app, &event("function-url-post-json.json")).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = serde_json::from_str(&body_text(&resp)).unwrap();
    assert_eq!(body["nomor"], "PGD-2026-00001");
    // The rate limit sees the Function URL's source address: a different submission from it is refused.
    let other = event("function-url-post-json.json").replace("\"isBase64Encoded\": true", "\"isBase64Encoded\": false");
    let other = other.replace(
        &other.split("\"body\": \"").nth(1).unwrap().split('"').next().unwrap().to_owned(),
        &json!({"jenis": "aspirasi", "anonim": true, "judul": "Judul yang berbeda", "isi": "Isi yang berbeda dan cukup panjang untuk lolos.", "pernyataan_kebenaran": true, "persetujuan_data": true}).to_string().replace('"', "\\\""),
    );
    let limited = invoke(&app, &other).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_html_answer_is_gzipped_for_a_client_that_accepts_it() {
    use std::io::Read;
    let app = app();
    let html_lookup =
        event("http-api-v2-get-lacak.json").replace("\"accept\": \"application/json\"", "\"accept\": \"text/html\"");
    let plain = invoke(&app, &html_lookup).await;
    assert_eq!(plain.status(), StatusCode::NOT_FOUND);
    assert!(plain.headers().get("content-encoding").is_none());
    let page = body_text(&plain);
    assert!(page.contains("<html"), "{page}");
    let gzip = html_lookup
        .replace("\"accept\": \"text/html\"", "\"accept\": \"text/html\", \"accept-encoding\": \"gzip, deflate, br\"");
    let compressed = invoke(&app, &gzip).await;
    assert_eq!(compressed.status(), StatusCode::NOT_FOUND);
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    assert!(compressed.headers().get_all("vary").iter().any(|v| v == "Accept-Encoding"));
    assert!(matches!(compressed.body(), lambda_http::Body::Binary(_)), "sent base64-encoded");
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(&compressed.body()[..]).read_to_string(&mut decoded).unwrap();
    assert_eq!(decoded, page);
    assert!(compressed.body().len() < page.len() / 2);
    // Refused by q=0: plain.
    let refused = invoke(&app, &gzip.replace("gzip, deflate, br", "gzip;q=0, br")).await;
    assert!(refused.headers().get("content-encoding").is_none());
}
