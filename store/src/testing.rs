//! Test support for every crate's tests: moto's server (DynamoDB and S3, one request at a
//! time), fresh stores, and valid submissions to store. Compiled only with the `test-support`
//! feature, which only dev-dependencies turn on.

#![allow(missing_docs)]

/// The region the tests' AWS clients use.
#[cfg(feature = "aws")]
pub const REGION: &str = "ap-southeast-3";

#[cfg(feature = "aws")]
use crate::dynamodb::DynamoStore;
#[cfg(feature = "sqlite")]
use crate::sqlite::SqliteStore;
use crate::{NewComplaint, ONLINE_FRONT_OFFICE, Receipt};
use jiff::Timestamp;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_core::{RawForm, RawValue, Status, Submission, TrackingCode};
#[cfg(feature = "aws")]
use std::process::{Child, Command, Stdio};
#[cfg(feature = "aws")]
use std::sync::OnceLock;
#[cfg(feature = "aws")]
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A moto server on a port it chose itself, stopped when dropped (or, for [`Moto::shared`], when
/// the test process ends). `DYNAMODB_ENDPOINT` points the tests at a server started elsewhere;
/// otherwise moto's server is started here with the Python in `MOTO_PYTHON` (the test script's
/// venv) or `python3`. No moto is a test failure, never a skip.
#[cfg(feature = "aws")]
pub struct Moto {
    /// The server's URL.
    pub endpoint: String,
    child: Option<Child>,
}

#[cfg(feature = "aws")]
impl Moto {
    /// Starts moto's server, or uses the one `DYNAMODB_ENDPOINT` names.
    pub fn start() -> Self {
        if let Ok(endpoint) = std::env::var("DYNAMODB_ENDPOINT") {
            return Self { endpoint, child: None };
        }
        // moto's Python, running tests/support/moto_serial.py (why: see that file).
        let program = std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/support/moto_serial.py");
        // Port 0: the server binds a free port itself and names it, so no other process can
        // take the port between choosing it and binding it. The shell keeps the server only as
        // long as its standard input is open: it closes when this process ends, however it
        // ends, so a server held in a static (never dropped) does not outlive the tests.
        let mut child = Command::new("sh")
            .args([
                "-c",
                r#"exec 3<&0; "$0" "$@" </dev/null 3<&- & server=$!; (read -r _ <&3; kill "$server") 2>/dev/null & exec 3<&-; wait "$server""#,
                &program,
                script,
                "-H",
                "127.0.0.1",
                "-p",
                "0",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start sh to run moto's server ({e})"));
        let port = announced_port(child.stderr.take().expect("piped stderr")).unwrap_or_else(|| {
            let _ = child.kill();
            let status = child.wait().ok();
            panic!(
                "moto's server did not start within 30 s (exit: {status:?}): the DynamoDB contract tests need it. \
                 Run `bash tests/run.sh`, or `pip install 'moto[server]'` and set MOTO_PYTHON (now {program})"
            )
        });
        Self { endpoint: format!("http://127.0.0.1:{port}"), child: Some(child) }
    }

    /// One server for the whole test binary, started by the first test that asks; each test
    /// keeps to its own tables and buckets ([`store`](Self::store), [`new_bucket`]).
    pub fn shared() -> &'static Self {
        static SHARED: OnceLock<Moto> = OnceLock::new();
        SHARED.get_or_init(Self::start)
    }

    /// Settings for a client of this server: static test keys, the region the office uses.
    pub fn sdk_config(&self) -> aws_types::SdkConfig {
        pengaduan_aws::static_config(REGION, "test", "test", Some(&self.endpoint))
    }

    /// A DynamoDB client for this server.
    pub async fn client(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk_config())
    }

    /// An S3 client for this server (path-style addressing).
    pub async fn s3(&self) -> aws_sdk_s3::Client {
        crate::attachments::s3::S3Attachments::client(&self.sdk_config(), true)
    }

    /// The environment a child process needs to reach this server as DynamoDB and S3.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL_DYNAMODB", self.endpoint.as_str()),
            ("AWS_ENDPOINT_URL_S3", self.endpoint.as_str()),
            ("AWS_REGION", REGION),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
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

/// The round trips a DynamoDB client sent, by operation (`GetItem`, `TransactWriteItems`, ...),
/// its retries included.
#[cfg(feature = "aws")]
#[derive(Debug, Default)]
pub struct RoundTrips(std::sync::Mutex<std::collections::BTreeMap<String, usize>>);

#[cfg(feature = "aws")]
impl RoundTrips {
    /// The round trips counted since the last call, by operation.
    pub fn take(&self) -> std::collections::BTreeMap<String, usize> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

#[cfg(feature = "aws")]
#[derive(Debug)]
struct Counting(std::sync::Arc<RoundTrips>);

#[cfg(feature = "aws")]
impl aws_sdk_dynamodb::config::Intercept for Counting {
    fn name(&self) -> &'static str {
        "RoundTrips"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), crate::error::BoxError> {
        let operation = operation_of(context.request()).to_owned();
        *self.0.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(operation).or_default() += 1;
        Ok(())
    }
}

/// The DynamoDB operation a request asks for (`GetItem`, ...): DynamoDB's JSON protocol names it
/// in the `x-amz-target` header.
#[cfg(feature = "aws")]
fn operation_of(request: &aws_sdk_dynamodb::config::http::HttpRequest) -> &str {
    let target = request.headers().get("x-amz-target").unwrap_or("?");
    target.rsplit('.').next().unwrap_or(target)
}

/// Refuses what the intake function's role is denied on personal data (`infra/template.yaml`):
/// every read, update or delete naming a `PRIBADI#` partition key.
#[cfg(feature = "aws")]
#[derive(Debug)]
struct DenyPersonal;

#[cfg(feature = "aws")]
impl aws_sdk_dynamodb::config::Intercept for DenyPersonal {
    fn name(&self) -> &'static str {
        "DenyPersonal"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), crate::error::BoxError> {
        const DENIED: [&str; 5] = ["GetItem", "BatchGetItem", "Query", "UpdateItem", "DeleteItem"];
        let request = context.request();
        let operation = operation_of(request);
        let body = request.body().bytes().map(String::from_utf8_lossy).unwrap_or_default();
        let personal = format!("\"{}", crate::dynamodb::PERSONAL_PREFIX);
        if DENIED.contains(&operation) && body.contains(&personal) {
            return Err(format!("AccessDenied: {operation} on personal data").into());
        }
        Ok(())
    }
}

#[cfg(feature = "aws")]
impl Moto {
    /// A store on `table` whose requests are refused as the intake function's role refuses
    /// them: no read of a complaint's personal data.
    pub fn intake_instance(&self, table: &str) -> DynamoStore {
        let config = aws_sdk_dynamodb::config::Builder::from(&self.sdk_config()).interceptor(DenyPersonal).build();
        DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(config), table)
    }

    /// Another store on `table`, as another function instance would have it (its own client
    /// and its own turns on the counters), with the round trips it sends counted.
    pub fn instance(&self, table: &str) -> (DynamoStore, std::sync::Arc<RoundTrips>) {
        let trips = std::sync::Arc::new(RoundTrips::default());
        let config = aws_sdk_dynamodb::config::Builder::from(&self.sdk_config())
            .interceptor(Counting(std::sync::Arc::clone(&trips)))
            .build();
        (DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(config), table), trips)
    }
}

#[cfg(feature = "aws")]
impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            // Closing the shell's input stops the server; killing the shell ends the wait.
            drop(child.stdin.take());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The port moto's server names once it is listening (werkzeug's ` * Running on
/// http://127.0.0.1:PORT`), read from its standard error; `None` when it exits or says nothing
/// within 30 s. The rest of its output (a line per request) is read and dropped, so the server
/// never blocks on a full pipe.
#[cfg(feature = "aws")]
fn announced_port(stderr: std::process::ChildStderr) -> Option<u16> {
    use std::io::{BufRead, BufReader};
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(port) = line.split("Running on http://127.0.0.1:").nth(1) {
                let digits: String = port.chars().take_while(char::is_ascii_digit).collect();
                if let (Some(tx), Ok(port)) = (tx.take(), digits.parse::<u16>()) {
                    let _ = tx.send(port);
                }
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(30)).ok()
}

#[cfg(feature = "sqlite")]
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
        channel: IntakeChannel::Web,
        recorded_by: ONLINE_FRONT_OFFICE.into(),
        prefix: "PGD".into(),
        year,
        received_at: at,
        received_on: at.to_zoned(crate::config::Config::default().timezone).date(),
        receipt: Receipt {
            nomor: String::new(),
            kode_lacak: code.to_string(),
            status: Status::Diterima,
            diterima_pada: "2026-11-29T13:00:00+07:00".into(),
        },
        kode_hash: code.digest(),
        idempotency_key: key.to_owned(),
        // Opaque to the store, like the intake's sealed code: one per code.
        replay_code: format!("tersegel-{}", code.to_string().to_lowercase()),
        // As for an explicit key: the body differs with `n`.
        body_digest: Some(crate::intake::digest(&format!("body:{n}"))),
        uploads: Vec::new(),
        idempotency_expires_at: at + Duration::from_secs(24 * 3600),
        message: None,
        lang: pengaduan_core::Lang::Id,
    }
}

/// The instant the fixtures are received at: 29 November 2026, 13.00 WIB.
pub fn now() -> Timestamp {
    "2026-11-29T06:00:00Z".parse().unwrap()
}

/// Creates a new, empty bucket and returns its name.
#[cfg(feature = "aws")]
pub async fn new_bucket(client: &aws_sdk_s3::Client) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let bucket = format!("lampiran-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(REGION))
        .build();
    client.create_bucket().bucket(&bucket).create_bucket_configuration(location).send().await.unwrap();
    bucket
}

/// Publishes `text` as the site's rules (`aturan-layanan.json`) in `bucket`, as a site build's
/// upload does.
#[cfg(feature = "aws")]
pub async fn put_rules(client: &aws_sdk_s3::Client, bucket: &str, text: &str) {
    put_site_file(client, bucket, pengaduan_core::published::FILE, text).await;
}

/// Publishes `text` as the site's file `key` in `bucket` (the search's `pencarian.json`...).
#[cfg(feature = "aws")]
pub async fn put_site_file(client: &aws_sdk_s3::Client, bucket: &str, key: &str, text: &str) {
    let body = aws_sdk_s3::primitives::ByteStream::from(text.as_bytes().to_vec());
    client.put_object().bucket(bucket).key(key).body(body).send().await.unwrap();
}

/// Tags object `key` as GuardDuty Malware Protection for S3 does once it has scanned it.
#[cfg(feature = "aws")]
pub async fn tag_scan_status(client: &aws_sdk_s3::Client, bucket: &str, key: &str, status: &str) {
    let tag =
        aws_sdk_s3::types::Tag::builder().key(crate::attachments::s3::SCAN_STATUS_TAG).value(status).build().unwrap();
    let tagging = aws_sdk_s3::types::Tagging::builder().tag_set(tag).build().unwrap();
    client.put_object_tagging().bucket(bucket).key(key).tagging(tagging).send().await.unwrap();
}

/// Every key in `bucket`, sorted.
#[cfg(feature = "aws")]
pub async fn all_keys(client: &aws_sdk_s3::Client, bucket: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut token = None;
    loop {
        let out = client.list_objects_v2().bucket(bucket).set_continuation_token(token).send().await.unwrap();
        keys.extend(out.contents().iter().filter_map(|o| o.key().map(str::to_owned)));
        token = out.next_continuation_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    keys.sort();
    keys
}

// ---- The workflow, as the staff tool drives it ----

use crate::{Applied, StoreError, Submitted, WorkflowChange, WorkflowStore};
use jiff::civil::{Date, date};
use pengaduan_core::RegisterNumber;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::workflow::{Procedure, Transition, WorkflowState, find_procedure};
use std::sync::LazyLock;

/// The procedures of the service page, as shipped: the workflow follows the real content.
pub static PROCEDURES: LazyLock<Vec<Procedure>> = LazyLock::new(|| {
    let text = include_str!("../../content/layanan/informasi-dan-pengaduan.md");
    pengaduan_core::service::ServiceRules::parse(text).expect("the shipped page parses").procedures
});

/// The rules the shipped site publishes (`aturan-layanan.json` of a build of this repository):
/// the service page, its English translation and the holiday calendar, as shipped.
pub fn shipped_rules() -> pengaduan_core::published::PublishedRules {
    let service =
        pengaduan_core::service::ServiceRules::parse(include_str!("../../content/layanan/informasi-dan-pengaduan.md"))
            .expect("the shipped page parses")
            .with_translation(include_str!("../../content/layanan/informasi-dan-pengaduan.en.md"));
    let calendar =
        Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).expect("the shipped calendar parses");
    pengaduan_core::published::PublishedRules { service, calendar, kantor: Default::default() }
}

/// The holiday calendar the fixtures' deadlines are counted with: 2026 only, with the holidays
/// the shipped calendar lists for it. A year after it is missing on purpose, so the tests of
/// provisional deadlines do not depend on when `content/data/hari-libur.toml` gains 2027.
pub static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| Calendar::from_toml(CALENDAR_2026).unwrap());

/// [`CALENDAR`]'s source.
pub const CALENDAR_2026: &str = r#"
[[tahun]]
tahun = 2026
# SKB 1497/2/5 Tahun 2025.
libur_nasional = [
  { tanggal = 2026-01-01, nama = "Tahun Baru 2026 Masehi" },
  { tanggal = 2026-01-16, nama = "Isra Mikraj Nabi Muhammad SAW" },
  { tanggal = 2026-02-17, nama = "Tahun Baru Imlek 2577 Kongzili" },
  { tanggal = 2026-03-19, nama = "Hari Suci Nyepi Tahun Baru Saka 1948" },
  { tanggal = 2026-03-21, nama = "Idul Fitri 1447 Hijriah" },
  { tanggal = 2026-03-22, nama = "Idul Fitri 1447 Hijriah" },
  { tanggal = 2026-04-03, nama = "Wafat Yesus Kristus" },
  { tanggal = 2026-04-05, nama = "Kebangkitan Yesus Kristus (Paskah)" },
  { tanggal = 2026-05-01, nama = "Hari Buruh Internasional" },
  { tanggal = 2026-05-14, nama = "Kenaikan Yesus Kristus" },
  { tanggal = 2026-05-27, nama = "Idul Adha 1447 Hijriah" },
  { tanggal = 2026-05-31, nama = "Hari Raya Waisak 2570 BE" },
  { tanggal = 2026-06-01, nama = "Hari Lahir Pancasila" },
  { tanggal = 2026-06-16, nama = "Tahun Baru Islam 1448 Hijriah" },
  { tanggal = 2026-08-17, nama = "Proklamasi Kemerdekaan Republik Indonesia" },
  { tanggal = 2026-08-25, nama = "Maulid Nabi Muhammad SAW" },
  { tanggal = 2026-12-25, nama = "Kelahiran Yesus Kristus (Natal)" },
]
cuti_bersama = [
  { tanggal = 2026-02-16, nama = "Cuti bersama Tahun Baru Imlek 2577 Kongzili" },
  { tanggal = 2026-03-18, nama = "Cuti bersama Hari Suci Nyepi Tahun Baru Saka 1948" },
  { tanggal = 2026-03-20, nama = "Cuti bersama Idul Fitri 1447 Hijriah" },
  { tanggal = 2026-03-23, nama = "Cuti bersama Idul Fitri 1447 Hijriah" },
  { tanggal = 2026-03-24, nama = "Cuti bersama Idul Fitri 1447 Hijriah" },
  { tanggal = 2026-05-15, nama = "Cuti bersama Kenaikan Yesus Kristus" },
  { tanggal = 2026-05-28, nama = "Cuti bersama Idul Adha 1447 Hijriah" },
  { tanggal = 2026-12-24, nama = "Cuti bersama Kelahiran Yesus Kristus (Natal)" },
]
"#;

/// One shipped procedure by id.
pub fn procedure(id: &str) -> &'static Procedure {
    find_procedure(&PROCEDURES, id).unwrap()
}

/// The number of a newly stored complaint.
pub fn nomor(s: &Submitted) -> RegisterNumber {
    match s {
        Submitted::New(r) => RegisterNumber::parse(&r.nomor).unwrap(),
        Submitted::Replay(r) => panic!("expected a new complaint, got a replay of {}", r.nomor),
        Submitted::KeyReused => panic!("expected a new complaint, got a reused key"),
    }
}

/// Stores a transition the way the staff tool does: from the version loaded.
pub async fn store_transition<S: WorkflowStore>(
    store: &S,
    n: &RegisterNumber,
    version: u64,
    t: &Transition,
    by: &str,
    at: Timestamp,
) -> Result<Applied, StoreError> {
    let deadline = t.to.deadline(&CALENDAR, 10);
    let next = match (&t.to.procedure_id, t.to.step_index) {
        (Some(id), Some(i)) => procedure(id).public_next_step(i),
        _ => None,
    };
    let change = WorkflowChange::from_transition(t, by, at, 2026, deadline, next);
    store.apply(n, version, change).await
}

/// The state and version of a stored complaint.
pub async fn state_of<S: WorkflowStore>(store: &S, n: &RegisterNumber) -> (WorkflowState, u64) {
    let rec = store.load(n).await.unwrap().expect("stored");
    (rec.row.state, rec.row.version)
}

/// Loads, advances one step, stores.
pub async fn advance<S: WorkflowStore>(store: &S, n: &RegisterNumber, by: &str) -> Applied {
    let (state, version) = state_of(store, n).await;
    let p = procedure(state.procedure_id.as_deref().unwrap());
    let t = state.advance(p, date(2026, 3, 20), "dikerjakan").unwrap();
    store_transition(store, n, version, &t, by, now()).await.unwrap()
}

/// Loads, declares the files complete under `procedure_id` on `on`, stores.
pub async fn complete<S: WorkflowStore>(store: &S, n: &RegisterNumber, procedure_id: &str, on: Date) -> Applied {
    let (state, version) = state_of(store, n).await;
    let t = state.mark_complete(procedure(procedure_id), on, "berkas lengkap").unwrap();
    store_transition(store, n, version, &t, "Rina (FO)", now()).await.unwrap()
}

/// A multipart body as a browser sends it (boundary `B0und4ry`): text fields, then `lampiran`
/// files as (name, declared content type, bytes).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    multipart_in("lampiran", fields, files)
}

/// [`multipart`] with the files in field `file_field`.
pub fn multipart_in(file_field: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--B0und4ry\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    for (name, declared, bytes) in files {
        body.extend_from_slice(
            format!("--B0und4ry\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\nContent-Type: {declared}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--B0und4ry--\r\n");
    body
}

/// Sends a file as a browser does with a direct upload's signed form: the form's fields, then
/// the file, posted to its address (a local S3 server); the answer's status and body.
#[cfg(feature = "aws")]
pub fn post_to_bucket(upload: &crate::attachments::DirectUpload, bytes: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let mut body = Vec::new();
    for (name, value) in &upload.fields {
        body.extend_from_slice(
            format!("--B0und4ry\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        b"--B0und4ry\r\nContent-Disposition: form-data; name=\"file\"; filename=\"berkas\"\r\nContent-Type: application/octet-stream\r\n\r\n",
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--B0und4ry--\r\n");
    let rest = upload.url.strip_prefix("http://").expect("a local server's address");
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).expect("the S3 server answers");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=B0und4ry\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body)).expect("the upload is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("the S3 server's answer");
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer)
}

/// Makes outbox entry `id` look as it was recorded before messages kept their language: the
/// message's text without `lang`, and no language of the entry's own (SQLite: the row written
/// again without naming column `lang`, as the code before migration 8 wrote it, so the
/// migration's default applies; DynamoDB: attribute `bahasa` removed).
pub async fn forget_outbox_lang(store: &crate::AnyStore, id: &str) {
    fn without_lang(json: &str) -> String {
        let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
        value.as_object_mut().unwrap().remove("lang");
        value.to_string()
    }
    match store {
        #[cfg(feature = "sqlite")]
        crate::AnyStore::Sqlite(s) => {
            let id = id.to_owned();
            s.with_conn(move |conn| {
                let tx = conn.transaction().unwrap();
                let (nomor, message, created_at, due_at): (String, String, String, i64) = tx
                    .query_row("SELECT nomor, message, created_at, due_at FROM outbox WHERE id = ?1", [&id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .unwrap();
                tx.execute("DELETE FROM outbox WHERE id = ?1", [&id]).unwrap();
                tx.execute(
                    "INSERT INTO outbox (id, nomor, message, state, created_at, due_at)
                     VALUES (?1, ?2, ?3, 'tertunda', ?4, ?5)",
                    rusqlite::params![id, nomor, without_lang(&message), created_at, due_at],
                )
                .unwrap();
                tx.commit().unwrap();
                Ok(())
            })
            .await
            .unwrap();
        }
        #[cfg(feature = "aws")]
        crate::AnyStore::Dynamo(d) => {
            let (nomor, version) = id.rsplit_once('#').unwrap();
            let (pk, sk) = (format!("COMPLAINT#{nomor}"), format!("{}{version}", crate::outbox::dynamodb::SK_PREFIX));
            let item = d.get(&pk, &sk).await.unwrap().expect("the outbox item");
            let json = crate::dynamodb::opt_string(&item, "pesan").expect("a message");
            d.client
                .update_item()
                .table_name(&d.table)
                .key("pk", crate::dynamodb::s(&pk))
                .key("sk", crate::dynamodb::s(&sk))
                .update_expression("SET pesan = :json REMOVE #lang")
                .expression_attribute_names("#lang", crate::outbox::dynamodb::LANG)
                .expression_attribute_values(":json", crate::dynamodb::s(&without_lang(&json)))
                .send()
                .await
                .unwrap();
        }
    }
}

/// The EICAR anti-virus test file: harmless, and found by every scanner as a test virus.
pub const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// A PDF carrying the EICAR string: intake's sniffer takes it as a PDF, clamd's body signature
/// finds the string inside.
pub const EICAR_PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Length 68 >>\nstream\nX5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// The name clamd gives what the test databases find (unsigned databases are "UNOFFICIAL").
pub const EICAR_SIGNATURE: &str = "Eicar-Test-Signature.UNOFFICIAL";

/// A real clamd (Debian's `clamav-daemon`) on a Unix socket in a temp folder, loading only a
/// test database written here: the EICAR file's MD5 (`test.hdb`) and the EICAR string anywhere
/// in a file (`test.ndb`), so no download of ClamAV's databases is needed. The binary is
/// `CLAMD_BIN` or `/usr/sbin/clamd`; none is a test failure, never a skip. Like moto's server, it
/// lives as long as the test process, and its folder is removed after it.
pub struct ClamdServer {
    /// `unix://…/clamd.sock`, for `CLAMD_URL`.
    pub url: String,
    _child: std::process::Child,
}

impl ClamdServer {
    /// One clamd for the whole test binary, started by the first test that asks.
    pub fn shared() -> &'static Self {
        static SHARED: std::sync::OnceLock<ClamdServer> = std::sync::OnceLock::new();
        SHARED.get_or_init(Self::start)
    }

    /// Starts clamd and waits until it answers `PING` with `PONG`.
    pub fn start() -> Self {
        use std::process::{Command, Stdio};
        let program = std::env::var("CLAMD_BIN").unwrap_or_else(|_| "/usr/sbin/clamd".into());
        if !std::path::Path::new(&program).exists() {
            panic!(
                "clamd not found at {program}: the attachment scanning tests need a real clamd. \
                 Run `bash tests/run.sh` (it installs clamav-daemon), or `apt-get install clamav-daemon`, \
                 or set CLAMD_BIN"
            );
        }
        // Kept past this function: the shell below removes it once clamd has stopped.
        let dir = tempfile::Builder::new().prefix("clamd-test-").tempdir().unwrap().keep();
        let db = dir.join("db");
        std::fs::create_dir_all(&db).unwrap();
        // md5:size:name of the EICAR file; the MD5 is the one published with it.
        std::fs::write(
            db.join("test.hdb"),
            format!("44d88612fea8a8f36de82e1278abb02f:{}:Eicar-Test-Signature\n", EICAR.len()),
        )
        .unwrap();
        let hex: String = EICAR.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::write(db.join("test.ndb"), format!("Eicar-Test-Signature:0:*:{hex}\n")).unwrap();
        let socket = dir.join("clamd.sock");
        let config = dir.join("clamd.conf");
        std::fs::write(
            &config,
            format!(
                "LocalSocket {}\nDatabaseDirectory {}\nTemporaryDirectory {}\nForeground yes\nLogFile {}\n",
                socket.display(),
                db.display(),
                dir.display(),
                dir.join("clamd.log").display()
            ),
        )
        .unwrap();
        // The shell keeps clamd only as long as its standard input is open (see `Moto::start`),
        // then removes the folder.
        let child = Command::new("sh")
            .args([
                "-c",
                r#"exec 3<&0; "$0" -c "$1" </dev/null >/dev/null 2>&1 3<&- & server=$!; (read -r _ <&3; kill "$server") 2>/dev/null & exec 3<&-; wait "$server"; rm -rf "$2""#,
                &program,
                &config.display().to_string(),
                &dir.display().to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start sh to run clamd ({e})"));
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let ping = clamav_client::Socket { socket_path: socket.as_path() };
        while !matches!(clamav_client::ping(ping), Ok(r) if r == clamav_client::PONG) {
            if std::time::Instant::now() > deadline {
                let log = std::fs::read_to_string(dir.join("clamd.log")).unwrap_or_default();
                panic!("clamd ({program}) did not answer PING within 60 s; its log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { url: format!("unix://{}", socket.display()), _child: child }
    }
}
