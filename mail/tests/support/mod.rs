//! Shared test support: complaints taken in through the real intake path, a reader of the
//! `.eml` the transports produce, and a real SMTP server (Python's aiosmtpd).

#![allow(dead_code, missing_docs)]

use base64::Engine;
use jiff::Timestamp;
use jiff::tz::{TimeZone, offset};
use pengaduan_core::notice::{Message, Notice};
use pengaduan_core::{Jenis, Lang, Status};
use pengaduan_mail::{Composer, Mailer, Transport};
use pengaduan_store::intake::{Intake, Replay, intake};
use pengaduan_store::outbox::entry_id;
use pengaduan_store::{ComplaintStore, Config, Submitted};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The site the links point to.
pub const SITE: &str = "https://pengaduan.contoh.go.id";

/// The sender the tests use.
pub const SENDER: &str = "Layanan Pengaduan <pengaduan@dinas.contoh.go.id>";

/// The workspace root (templates live under it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A composer on the repository's templates.
pub fn composer() -> Composer {
    Composer::from_dir(&root(), SENDER.parse().unwrap(), SITE).unwrap()
}

/// A mailer on the repository's templates over `transport`.
pub fn mailer(transport: Transport) -> Mailer {
    Mailer::new(composer(), transport)
}

/// One complaint taken in at `at` (fixture `n`, email `siti@contoh.co.id`): its number, its
/// tracking code, and the id of its receipt in the outbox.
pub async fn take_in<S: ComplaintStore>(store: &S, n: usize, at: Timestamp) -> (String, String, String) {
    let received = at.to_zoned(TimeZone::fixed(offset(7)));
    let mut intake_ = Intake::online(
        pengaduan_store::testing::submission(n),
        Vec::new(),
        received,
        Replay::Key(format!("kunci-uji-{n:04}")),
    );
    intake_.deadline_rule = Some("2 s/d 10 hari kerja".into());
    match intake(store, &Config::default(), intake_).await.unwrap() {
        Submitted::New(r) => {
            let id = entry_id(&r.nomor, 1);
            (r.nomor, r.kode_lacak, id)
        }
        other => panic!("expected a new complaint, got {other:?}"),
    }
}

/// A receipt as the outbox keeps it.
pub fn receipt(nomor: &str, kode: &str) -> Message {
    Message {
        nomor: nomor.into(),
        to: "siti@contoh.co.id".into(),
        nama: Some("Siti Rahayu".into()),
        jenis: Jenis::Pengaduan,
        judul: "Izin usaha belum terbit".into(),
        notice: Notice::TandaTerima {
            kode_lacak: kode.into(), // The rule as intake states it: the days and when they start counting.
            jangka_waktu: Some("2 s/d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap".into()),
        },
        lang: Lang::Id,
    }
}

/// The receipt of a complaint sent through the English form.
pub fn receipt_en(nomor: &str, kode: &str) -> Message {
    Message {
        notice: Notice::TandaTerima {
            kode_lacak: kode.into(),
            jangka_waktu: Some("2 to 10 working days after the required documents are declared complete".into()),
        },
        lang: Lang::En,
        ..receipt(nomor, kode)
    }
}

/// A status message as the outbox keeps it.
pub fn status(
    nomor: &str,
    status: Status,
    alasan: Option<&str>,
    tenggat: Option<jiff::civil::Date>,
    sementara: bool,
) -> Message {
    Message {
        notice: Notice::Status { status, alasan: alasan.map(Into::into), tenggat, tenggat_sementara: sementara },
        ..receipt(nomor, "")
    }
}

/// A received email, decoded: header block, text part, HTML part.
#[derive(Debug)]
pub struct Email {
    pub headers: String,
    pub text: String,
    pub html: String,
}

impl Email {
    /// The value of header `name` (unfolded), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_lowercase());
        self.headers
            .lines()
            .find(|l| l.to_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }
}

/// Reads a MIME message as the transports write it: a `multipart/alternative` of a text and an
/// HTML part, each 7bit, quoted-printable or base64.
pub fn parse(raw: &[u8]) -> Email {
    let raw = String::from_utf8(raw.to_vec()).expect("a message is ASCII on the wire").replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").expect("headers, then a body");
    let headers = head.replace("\n ", " ").replace("\n\t", " ");
    let content_type = Email { headers: headers.clone(), text: String::new(), html: String::new() }
        .header("Content-Type")
        .expect("Content-Type");
    assert!(content_type.starts_with("multipart/alternative"), "{content_type}");
    let boundary = content_type.split("boundary=").nth(1).unwrap().trim_matches('"').to_owned();
    let (mut text, mut html) = (String::new(), String::new());
    for part in body.split(&format!("--{boundary}")).skip(1) {
        let Some((part_head, part_body)) = part.trim_start_matches('\n').split_once("\n\n") else { continue };
        let part_head = part_head.to_lowercase();
        let decoded = if part_head.contains("content-transfer-encoding: base64") {
            let joined: String = part_body.split_whitespace().collect();
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).unwrap()).unwrap()
        } else if part_head.contains("content-transfer-encoding: quoted-printable") {
            let bytes =
                quoted_printable::decode(part_body.trim_end().as_bytes(), quoted_printable::ParseMode::Robust).unwrap();
            String::from_utf8(bytes).unwrap()
        } else {
            part_body.to_owned()
        };
        if part_head.contains("text/plain") {
            text = decoded;
        } else if part_head.contains("text/html") {
            html = decoded;
        }
    }
    assert!(!text.is_empty() && !html.is_empty(), "both parts are present");
    Email { headers, text, html }
}

/// Every `.eml` file in `dir` (none when it does not exist), sorted by name.
pub fn emails_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "eml")).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// The Python with aiosmtpd: the test script's venv (`MOTO_PYTHON`) or `python3`.
pub fn python() -> String {
    std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// A real SMTP server (tests/support/smtp_server.py), writing what it accepts to a folder;
/// stopped when dropped. Without aiosmtpd the test fails, with the way to install it.
pub struct SmtpServer {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl SmtpServer {
    /// Starts the server.
    pub fn start() -> Self {
        Self::spawn(None)
    }

    /// Starts a server that accepts `n` messages, then holds each later one unanswered until
    /// [`SmtpServer::release`].
    pub fn start_holding_after(n: usize) -> Self {
        Self::spawn(Some(n))
    }

    fn spawn(hold_after: Option<usize>) -> Self {
        let program = python();
        let problem = match Command::new(&program).args(["-c", "import aiosmtpd"]).output() {
            Ok(out) if out.status.success() => None,
            Ok(out) => Some(String::from_utf8_lossy(&out.stderr).trim().lines().last().unwrap_or("").to_owned()),
            Err(e) => Some(e.to_string()),
        };
        if let Some(problem) = problem {
            panic!(
                "the SMTP tests need Python's aiosmtpd for {program} ({problem}): run `bash tests/run.sh`, \
                 or `$MOTO_PYTHON -m pip install aiosmtpd` and set MOTO_PYTHON"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let script = root().join("tests/support/smtp_server.py");
        let mut cmd = Command::new(&program);
        cmd.arg(&script).arg("--out").arg(dir.path());
        if let Some(n) = hold_after {
            cmd.args(["--hold-after", &n.to_string()]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        // The server binds a port the system picks and says which once it listens.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let port = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => line.trim().strip_prefix("ready ").and_then(|p| p.parse().ok()),
            Err(_) => None,
        };
        let Some(port) = port else {
            let _ = child.kill();
            let status = child.wait().unwrap();
            panic!("the SMTP test server did not say where it listens within 20 s ({status})");
        };
        Self { port, dir, child }
    }

    /// Waits (at most 20 s) until the server holds a message, the delivery of it in flight.
    pub fn wait_until_holding(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.dir.path().join(".holding").exists() {
            assert!(Instant::now() < deadline, "the SMTP test server held no message within 20 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Lets held messages through, and every later one.
    pub fn release(&self) {
        std::fs::write(self.dir.path().join("release"), "").unwrap();
    }

    /// `SMTP_URL` for this server.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// What it received so far.
    pub fn received(&self) -> Vec<Email> {
        emails_in(self.dir.path()).iter().map(|p| parse(&std::fs::read(p).unwrap())).collect()
    }

    /// Waits until at least `n` messages arrived (at most `timeout`).
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Email> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
