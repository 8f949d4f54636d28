//! The embedded store: one SQLite file, for `site-gen serve` and for trying everything without
//! a cloud account. Same guarantees as DynamoDB, through SQLite's own transactions.

use super::{ComplaintStore, NewComplaint, PublicRecord, RateDecision, Receipt, StoreError, Submitted, rate_window};
use jiff::Timestamp;
use pengaduan_core::RegisterNumber;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::Path;
use std::sync::{Arc, Mutex};

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
-- The register: what stays when personal data is erased.
CREATE TABLE complaints (
    nomor            TEXT PRIMARY KEY,
    prefix           TEXT NOT NULL,
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    kode_hash        TEXT NOT NULL,
    channel          TEXT NOT NULL,
    jenis            TEXT NOT NULL,
    judul            TEXT NOT NULL,
    status           TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    anonim           INTEGER NOT NULL,
    rahasia          INTEGER NOT NULL,
    layanan          TEXT,
    isi              TEXT NOT NULL,
    lokasi           TEXT,
    tanggal_kejadian TEXT,
    UNIQUE (prefix, year, seq)
);
-- Personal data, kept apart so it can be erased on request without touching the register.
CREATE TABLE personal_data (
    nomor   TEXT PRIMARY KEY REFERENCES complaints (nomor),
    nama    TEXT,
    email   TEXT,
    telepon TEXT,
    nik     TEXT,
    alamat  TEXT
);
CREATE TABLE idempotency (
    key        TEXT PRIMARY KEY,
    receipt    TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE rate_limits (
    key        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
";

/// A complaint store in one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (and creates, with its folder, on first use) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Backend(format!("{}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path).map_err(backend)?;
        Self::init(conn)
    }

    /// A private in-memory database, for tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory().map_err(backend)?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(backend)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(backend)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(backend)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(backend)?;
        match version {
            0 => {
                conn.execute_batch(SCHEMA).map_err(backend)?;
                conn.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(backend)?;
            }
            SCHEMA_VERSION => {}
            other => {
                return Err(StoreError::Backend(format!(
                    "database schema version {other} is newer than this program's {SCHEMA_VERSION}"
                )));
            }
        }
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` on the connection off the async runtime's threads.
    async fn with_conn<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Backend("connection lock poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Backend(format!("blocking task failed: {e}")))?
    }
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn read_replay(conn: &Connection, key: &str, now: i64) -> Result<Option<Receipt>, StoreError> {
    let json: Option<String> = conn
        .query_row("SELECT receipt FROM idempotency WHERE key = ?1 AND expires_at > ?2", params![key, now], |r| {
            r.get(0)
        })
        .optional()
        .map_err(backend)?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("idempotency record: {e}"))))
        .transpose()
}

impl ComplaintStore for SqliteStore {
    async fn find_replay(&self, key: &str, now: Timestamp) -> Result<Option<Receipt>, StoreError> {
        let key = key.to_owned();
        self.with_conn(move |conn| read_replay(conn, &key, now.as_second())).await
    }

    async fn submit(&self, c: NewComplaint) -> Result<Submitted, StoreError> {
        self.with_conn(move |conn| {
            // IMMEDIATE takes the write lock first, so the counter read below cannot go stale.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            if let Some(previous) = read_replay(&tx, &c.idempotency_key, c.received_at.as_second())? {
                return Ok(Submitted::Replay(previous));
            }
            let counter = RegisterNumber::counter_name(&c.prefix, c.year);
            let last: i64 = tx
                .query_row("SELECT value FROM counters WHERE name = ?1", [&counter], |r| r.get(0))
                .optional()
                .map_err(backend)?
                .unwrap_or(0);
            let seq = last + 1;
            let nomor = RegisterNumber::new(&c.prefix, c.year, seq as u64).to_string();
            tx.execute(
                "INSERT INTO counters (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![counter, seq],
            )
            .map_err(backend)?;
            let s = &c.submission;
            tx.execute(
                "INSERT INTO complaints (nomor, prefix, year, seq, kode_hash, channel, jenis, judul, status,
                     received_at, anonim, rahasia, layanan, isi, lokasi, tanggal_kejadian)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![
                    nomor,
                    c.prefix,
                    c.year,
                    seq,
                    c.kode_hash,
                    c.channel,
                    s.jenis.code(),
                    s.judul,
                    c.receipt.status.code(),
                    c.received_at.to_string(),
                    s.anonim,
                    s.rahasia,
                    s.layanan,
                    s.isi,
                    s.lokasi,
                    s.tanggal_kejadian.map(|d| d.to_string()),
                ],
            )
            .map_err(backend)?;
            let p = &s.personal;
            tx.execute(
                "INSERT INTO personal_data (nomor, nama, email, telepon, nik, alamat) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![nomor, p.nama, p.email, p.telepon, p.nik, p.alamat],
            )
            .map_err(backend)?;
            let receipt = Receipt { nomor, ..c.receipt };
            let json = serde_json::to_string(&receipt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.execute(
                "INSERT INTO idempotency (key, receipt, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET receipt = excluded.receipt, expires_at = excluded.expires_at",
                params![c.idempotency_key, json, c.idempotency_expires_at.as_second()],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(Submitted::New(receipt))
        })
        .await
    }

    async fn find_public(&self, nomor: &RegisterNumber) -> Result<Option<PublicRecord>, StoreError> {
        let key = nomor.to_string();
        let nomor = nomor.clone();
        self.with_conn(move |conn| {
            let row: Option<(String, String, String, String)> = conn
                .query_row(
                    "SELECT kode_hash, status, jenis, received_at FROM complaints WHERE nomor = ?1",
                    [&key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .map_err(backend)?;
            let Some((kode_hash, status, jenis, received_at)) = row else { return Ok(None) };
            Ok(Some(PublicRecord {
                nomor,
                kode_hash,
                status: status
                    .parse()
                    .map_err(|e: pengaduan_core::status::UnknownStatus| StoreError::Corrupt(e.to_string()))?,
                jenis,
                received_at: received_at.parse().map_err(|e: jiff::Error| StoreError::Corrupt(e.to_string()))?,
            }))
        })
        .await
    }

    async fn count_submission(&self, source: &str, now: Timestamp, limit: u32) -> Result<RateDecision, StoreError> {
        let (start, end) = rate_window(now);
        let key = format!("{source}#{start}");
        self.with_conn(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            tx.execute("DELETE FROM rate_limits WHERE expires_at <= ?1", [start]).map_err(backend)?;
            let count: i64 = tx
                .query_row("SELECT count FROM rate_limits WHERE key = ?1", [&key], |r| r.get(0))
                .optional()
                .map_err(backend)?
                .unwrap_or(0);
            if count >= i64::from(limit) {
                return Ok(RateDecision::Limited { retry_after: (end - now.as_second()).max(1) as u64 });
            }
            tx.execute(
                "INSERT INTO rate_limits (key, count, expires_at) VALUES (?1, 1, ?2)
                 ON CONFLICT (key) DO UPDATE SET count = count + 1",
                params![key, end],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(RateDecision::Allowed)
        })
        .await
    }
}
