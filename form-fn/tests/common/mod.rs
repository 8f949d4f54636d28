//! Shared test support: stores to run the contract against, a moto DynamoDB server, and
//! submissions to store.

#![allow(dead_code)]

use form_fn::store::dynamodb::DynamoStore;
use form_fn::store::sqlite::SqliteStore;
use form_fn::store::{NewComplaint, Receipt};
use jiff::Timestamp;
use pengaduan_core::{RawForm, RawValue, Status, Submission, TrackingCode};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A moto server on a free port, stopped when dropped. `DYNAMODB_ENDPOINT` points the tests at
/// a server started elsewhere; otherwise moto's server is started here with the Python in
/// `MOTO_PYTHON` (the test script's venv) or `python3`. No moto is a test failure, never a skip.
pub struct Moto {
    pub endpoint: String,
    child: Option<Child>,
}

impl Moto {
    pub fn start() -> Self {
        if let Ok(endpoint) = std::env::var("DYNAMODB_ENDPOINT") {
            return Self { endpoint, child: None };
        }
        // moto's Python, running tests/support/moto_serial.py (why: see that file).
        let program = std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/support/moto_serial.py");
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(&program)
            .args([script, "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {program} ({e}): the DynamoDB contract tests need moto's server. \
                     Run `bash tests/run.sh`, or `pip install 'moto[server]'` and set MOTO_PYTHON"
                )
            });
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto's server did not start on port {port} within 30 s: is moto[server] installed for {program}?"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { endpoint, child: Some(child) }
    }

    pub async fn client(&self) -> aws_sdk_dynamodb::Client {
        let config = form_fn::aws::static_config("ap-southeast-3", "test", "test", Some(&self.endpoint));
        aws_sdk_dynamodb::Client::new(&config)
    }

    /// A store on a new, empty table.
    pub async fn store(&self) -> DynamoStore {
        static N: AtomicUsize = AtomicUsize::new(0);
        let table = format!("pengaduan-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let store = DynamoStore::new(self.client().await, table);
        assert!(store.ensure_table().await.unwrap(), "table is new");
        store
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A store in a fresh SQLite file (kept in a temp dir that lives as long as the store).
pub fn sqlite_store() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("data/pengaduan.db")).unwrap();
    (store, dir)
}

fn text(v: &str) -> RawValue {
    RawValue::Text(v.to_owned())
}

/// A valid submission; `n` varies the title so fingerprints differ.
pub fn submission(n: usize) -> Submission {
    let form: RawForm = [
        ("jenis", text("pengaduan")),
        ("nama", text("Siti Rahayu")),
        ("email", text("siti@contoh.co.id")),
        ("telepon", text("081234567890")),
        ("nik", text("3201014101900001")),
        ("alamat", text("Jl. Melati 5")),
        ("judul", text(&format!("Izin usaha belum terbit {n}"))),
        ("isi", text("Permohonan izin saya belum terbit setelah tiga minggu.")),
        ("pernyataan_kebenaran", text("on")),
        ("persetujuan_data", text("on")),
    ]
    .into_iter()
    .collect();
    pengaduan_core::submission::validate(&form, jiff::civil::date(2026, 11, 29)).unwrap()
}

/// A complaint for `year`, received at `at`, with idempotency key `key`.
pub fn complaint(n: usize, key: &str, at: Timestamp, year: i16) -> NewComplaint {
    let code = TrackingCode::from_random((n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    NewComplaint {
        submission: submission(n),
        channel: "web".into(),
        prefix: "PGD".into(),
        year,
        received_at: at,
        receipt: Receipt {
            nomor: String::new(),
            kode_lacak: code.to_string(),
            status: Status::Diterima,
            diterima_pada: "2026-11-29T13:00:00+07:00".into(),
        },
        kode_hash: code.digest(),
        idempotency_key: key.to_owned(),
        idempotency_expires_at: at + Duration::from_secs(24 * 3600),
    }
}

pub fn now() -> Timestamp {
    "2026-11-29T06:00:00Z".parse().unwrap()
}
