//! What every route shares: methods, unknown paths and CORS.

use super::*;

#[tokio::test]
async fn wrong_methods_and_paths() {
    let app = app();
    let resp = send(&app, "GET", "/api/pengaduan", &[], "").await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(header(&resp, "allow").contains("POST"));
    let page = text_of(&resp);
    assert!(page.contains("<h1>Alamat ini hanya menerima formulir yang dikirim</h1>"), "{page}");
    assert!(
        page.contains("Laporan yang sudah Anda kirim tetap tersimpan"),
        "reopened from history: the report is kept"
    );
    let resp = send(&app, "DELETE", "/api/lacak", &[], "").await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let resp = send(&app, "GET", "/api/lainnya", &[("accept", "application/json")], "").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cors_allows_only_the_site_origin() {
    let config = HttpConfig {
        rate_limit_per_hour: 0,
        site_origin: Some("https://dpmptsp.example".into()),
        ..HttpConfig::default()
    };
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
