//! What the handler logs, captured: never a tracking code, neither from the confirmation's
//! redirect nor from the status page, its print view or a failed look-up. A file of its own, so
//! that the capturing subscriber is the only one in the process (tracing caches per call site
//! whether anyone listens, which tests running alongside without one would spoil).

use bytes::Bytes;
use form_fn::{App, Config, HttpConfig, Pages, handle};
use http::Request;
use jiff::Timestamp;
use pengaduan_store::sqlite::SqliteStore;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn send(
    app: &App<SqliteStore>,
    method: &str,
    uri: &str,
    content_type: &str,
    body: &str,
) -> http::Response<Bytes> {
    let req = Request::builder().method(method).uri(uri).header("content-type", content_type);
    handle(app, req.body(Bytes::from(body.to_owned())).unwrap(), None).await
}

#[tokio::test]
async fn tracking_codes_never_reach_the_logs() {
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let now: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
    let app = App::new(
        SqliteStore::in_memory().unwrap(),
        Config::default(),
        HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() },
        Pages::embedded().unwrap().with_rules(&pengaduan_store::testing::shipped_rules()),
    )
    .with_clock(move || now);
    let form = "jenis=pengaduan&nama=Siti+Rahayu&email=siti%40contoh.co.id&judul=Izin+usaha+belum+terbit\
                &isi=Permohonan+izin+saya+belum+terbit+setelah+tiga+minggu.&pernyataan_kebenaran=on&persetujuan_data=on";
    let redirect = send(&app, "POST", "/api/pengaduan", "application/x-www-form-urlencoded", form).await;
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    let code = location.rsplit("kode=").next().unwrap().to_owned();
    for uri in [location.clone(), format!("{location}&cetak=1"), location.replace("kode=", "kode=X")] {
        send(&app, "GET", &uri, "text/plain", "").await;
    }
    // Completing returned files: the code travels in the body, and neither a success nor a wrong
    // code writes it down.
    let nomor = pengaduan_core::RegisterNumber::parse("PGD-2026-00001").unwrap();
    let (state, version) = pengaduan_store::testing::state_of(app.store(), &nomor).await;
    let t = state.mark_incomplete("Lampirkan KTP", jiff::civil::date(2026, 11, 29)).unwrap();
    pengaduan_store::testing::store_transition(app.store(), &nomor, version, &t, "Rina", now).await.unwrap();
    let code_only = code.split('&').next().unwrap().to_owned();
    for kode in [code_only.clone(), format!("{code_only}X")] {
        let body = format!("nomor={nomor}&kode={kode}&keterangan=Fotokopi+KTP+saya+lampirkan+di+sini.");
        let resp = send(&app, "POST", "/api/pengaduan/lengkapi", "application/x-www-form-urlencoded", &body).await;
        assert!(resp.status() == 200 || resp.status() == 404, "{}", resp.status());
    }

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert_eq!(text.matches("request handled").count(), 6, "every request was logged:\n{text}");
    assert!(text.contains("addition recorded"), "the addition's outcome is logged:\n{text}");
    let code = code.split('&').next().unwrap().to_owned();
    for secret in [code.clone(), code.replace('-', "")] {
        assert!(!text.contains(&secret), "the tracking code {secret} is in the logs:\n{text}");
    }
}
