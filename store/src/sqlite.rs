//! The embedded store: one SQLite file, for `site-gen serve` and for trying everything without
//! a cloud account. Same guarantees as DynamoDB, through SQLite's own transactions.

use crate::erasure::Request;
use crate::{
    Applied, ComplaintRecord, ComplaintStore, ERASED_TEXT, ListFilter, NewComplaint, PendingUpload, PublicEvent,
    PublicRecord, RateDecision, Receipt, RegisterRow, StoreError, StoredReplay, Submitted, WorkflowChange,
    WorkflowStore, erase_entry, intake_entry, rate_window,
};
use jiff::Timestamp;
use jiff::civil::Date;
use pengaduan_core::notice::Message;
use pengaduan_core::workflow::{self, Action, Channel, HistoryEntry, WorkflowState};
use pengaduan_core::{Jenis, PersonalData, RegisterNumber, Status};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::Path;
use std::sync::{Arc, Mutex};

const SCHEMA_VERSION: i64 = 9;

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

/// Version 2: the workflow. The register row gains its state and a version for optimistic
/// concurrency; the history is a table that refuses updates and deletes; complaints stored
/// before get their intake entry (appended, nothing rewritten).
const MIGRATION_2: &str = "
ALTER TABLE complaints ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE complaints ADD COLUMN procedure_id TEXT;
ALTER TABLE complaints ADD COLUMN step_index INTEGER;
ALTER TABLE complaints ADD COLUMN files_complete_on TEXT;
ALTER TABLE complaints ADD COLUMN clock_events TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN ba_number TEXT;
ALTER TABLE complaints ADD COLUMN deadline TEXT;
ALTER TABLE complaints ADD COLUMN finished_on TEXT;
ALTER TABLE complaints ADD COLUMN next_step TEXT;
ALTER TABLE complaints ADD COLUMN erased_at TEXT;
CREATE UNIQUE INDEX complaints_ba_number ON complaints (ba_number) WHERE ba_number IS NOT NULL;
CREATE INDEX complaints_status ON complaints (status);
CREATE TABLE history (
    nomor        TEXT NOT NULL REFERENCES complaints (nomor),
    seq          INTEGER NOT NULL,
    at           TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    action       TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    procedure_id TEXT,
    step_index   INTEGER,
    on_date      TEXT,
    note         TEXT NOT NULL,
    ba_number    TEXT,
    change_id    TEXT,
    PRIMARY KEY (nomor, seq)
);
CREATE TRIGGER history_append_only_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_append_only_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
INSERT INTO history (nomor, seq, at, by_name, action, from_status, to_status, note)
    SELECT nomor, 1, received_at,
           CASE channel WHEN 'web' THEN 'Front Office (daring)' ELSE 'sistem' END,
           CASE channel WHEN 'web' THEN 'diterima' ELSE 'dicatat' END,
           NULL, status, ''
    FROM complaints;
";

/// The register columns [`raw_row`] reads.
const ROW_COLUMNS: &str = "nomor, received_at, channel, jenis, judul, status, procedure_id, step_index, \
    files_complete_on, clock_events, ba_number, finished_on, deadline, version, erased_at, attachments_erased, \
    deadline_provisional";

/// Version 3: hardening. An erased complaint keeps the count of the files erased with it; an
/// idempotency record keeps a digest of the body its key came with (a key reused for another
/// body is refused, not answered); a complaint names its uploads still to commit, in the same
/// transaction that stores it, until they are committed.
const MIGRATION_3: &str = "
ALTER TABLE complaints ADD COLUMN attachments_erased INTEGER;
ALTER TABLE idempotency ADD COLUMN body TEXT;
CREATE TABLE pending_uploads (
    nomor   TEXT PRIMARY KEY REFERENCES complaints (nomor),
    uploads TEXT NOT NULL
);
";

/// Version 4: staff identities for the console (see `accounts/`), an audit trail that refuses
/// updates and deletes like the history, and an index for the inbox of open complaints.
/// Timestamps are written with nine fractional digits, so their text order is time order.
const MIGRATION_4: &str = "
CREATE TABLE accounts (
    username        TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    active          INTEGER NOT NULL,
    password_hash   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    password_set_at TEXT NOT NULL
);
CREATE TABLE sessions (
    id_digest  TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    role       TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE INDEX sessions_username ON sessions (username);
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE TABLE audit (
    at       TEXT NOT NULL,
    username TEXT NOT NULL,
    role     TEXT,
    action   TEXT NOT NULL,
    nomor    TEXT,
    detail   TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
-- The inbox's query repeats this condition word for word, so the planner uses the index.
CREATE INDEX complaints_open ON complaints (year, seq) WHERE status <> 'selesai';
";

/// Version 5: a deadline counted without a year's holidays (the calendar lacked the year) is
/// marked as such, and the store remembers which calendar its deadlines were computed with, so
/// that they are recomputed when the calendar changes (see `deadlines.rs`).
const MIGRATION_5: &str = "
ALTER TABLE complaints ADD COLUMN deadline_provisional INTEGER NOT NULL DEFAULT 0;
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// Version 6: the Survei Kepuasan Masyarakat's answers, one set per complaint (the primary
/// key is the once-only guard). `at` is sortable UTC text, for the period queries.
const MIGRATION_6: &str = "
CREATE TABLE survey (
    nomor   TEXT PRIMARY KEY,
    answers TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX survey_at ON survey (at);
";

/// Version 7: the outbox of messages to complainants (see `outbox.rs`), written in the same
/// transaction as the change that causes each, and the addresses mail bounces from. Times to
/// compare (`due_at`, `leased_until`) are seconds since the epoch.
const MIGRATION_7: &str = "
CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    nomor        TEXT NOT NULL,
    message      TEXT,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    due_at       INTEGER NOT NULL,
    leased_until INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    sent_at      TEXT
);
CREATE INDEX outbox_due ON outbox (due_at) WHERE state = 'tertunda';
CREATE INDEX outbox_nomor ON outbox (nomor);
CREATE TABLE undeliverable (
    address TEXT PRIMARY KEY,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL
);
";

/// Version 8: the language the complainant wrote in (`id`, `en`), kept with the complaint and
/// with each message, so every message to them is worded in it. Rows stored before read as
/// Indonesian, the only language there was.
const MIGRATION_8: &str = "
ALTER TABLE complaints ADD COLUMN lang TEXT NOT NULL DEFAULT 'id';
ALTER TABLE outbox ADD COLUMN lang TEXT NOT NULL DEFAULT 'id';
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
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Backend(format!("{}: {e}", dir.display()).into()))?;
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
        // Deleted content is overwritten, not left in free pages: erased personal data must not
        // be recoverable from the file.
        conn.pragma_update(None, "secure_delete", "ON").map_err(backend)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(backend)?;
        // Each step runs in one transaction with its version bump, so a crash leaves either the
        // old schema or the new one.
        if version == 0 {
            conn.execute_batch(&format!("BEGIN; {SCHEMA} PRAGMA user_version = 1; COMMIT;")).map_err(backend)?;
        }
        if version <= 1 {
            conn.execute_batch(&format!("BEGIN; {MIGRATION_2} PRAGMA user_version = 2; COMMIT;")).map_err(backend)?;
        }
        if version <= 2 {
            conn.execute_batch(&format!("BEGIN; {MIGRATION_3} PRAGMA user_version = 3; COMMIT;")).map_err(backend)?;
        }
        if version <= 3 {
            conn.execute_batch(&format!("BEGIN; {MIGRATION_4} PRAGMA user_version = 4; COMMIT;")).map_err(backend)?;
        }
        if version <= 4 {
            conn.execute_batch(&format!("BEGIN; {MIGRATION_5} PRAGMA user_version = 5; COMMIT;")).map_err(backend)?;
        }
        if version <= 5 {
            conn.execute_batch(&format!("BEGIN; {MIGRATION_6} PRAGMA user_version = 6; COMMIT;")).map_err(backend)?;
        }
        if version <= 6 {
            conn.execute_batch(&format!("BEGIN; {MIGRATION_7} PRAGMA user_version = 7; COMMIT;")).map_err(backend)?;
        }
        if version <= 7 {
            conn.execute_batch(&format!("BEGIN; {MIGRATION_8} PRAGMA user_version = 8; COMMIT;")).map_err(backend)?;
        }
        if version <= 8 {
            let step = crate::accounts::sqlite::MIGRATION_9;
            conn.execute_batch(&format!("BEGIN; {step} PRAGMA user_version = 9; COMMIT;")).map_err(backend)?;
        }
        match version {
            0..=SCHEMA_VERSION => {}
            other => {
                return Err(StoreError::Backend(
                    format!("database schema version {other} is newer than this program's {SCHEMA_VERSION}").into(),
                ));
            }
        }
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` on the connection off the async runtime's threads.
    pub(crate) async fn with_conn<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Backend("connection lock poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Backend(e.into()))?
    }
}

impl SqliteStore {
    /// Stores a new complaint and its first history entry, recorded as by `by`.
    async fn submit_new(&self, c: NewComplaint) -> Result<Submitted, StoreError> {
        self.with_conn(move |conn| {
            // IMMEDIATE takes the write lock first, so the counter read below cannot go stale.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            if let Some(previous) = read_replay(&tx, &c.idempotency_key, c.received_at.as_second())? {
                return Ok(previous.judge(c.body_digest.as_deref()));
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
                     received_at, anonim, rahasia, layanan, isi, lokasi, tanggal_kejadian, lang)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                params![
                    nomor,
                    c.prefix,
                    c.year,
                    seq,
                    c.kode_hash,
                    c.channel.code(),
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
                    c.lang.code(),
                ],
            )
            .map_err(backend)?;
            let p = &s.personal;
            tx.execute(
                "INSERT INTO personal_data (nomor, nama, email, telepon, nik, alamat) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![nomor, p.nama, p.email, p.telepon, p.nik, p.alamat],
            )
            .map_err(backend)?;
            insert_history(&tx, &nomor, &intake_entry(&c))?;
            if !c.uploads.is_empty() {
                tx.execute(
                    "INSERT INTO pending_uploads (nomor, uploads) VALUES (?1, ?2)",
                    params![nomor, crate::uploads::encode(&c.uploads)],
                )
                .map_err(backend)?;
            }
            if let Some(message) = c.message {
                let message = Message { nomor: nomor.clone(), ..message };
                insert_outbox(&tx, &nomor, 1, &message, c.received_at)?;
            }
            let receipt = Receipt { nomor, ..c.receipt };
            let json = serde_json::to_string(&receipt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.execute(
                "INSERT INTO idempotency (key, receipt, expires_at, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET receipt = excluded.receipt, expires_at = excluded.expires_at,
                     body = excluded.body",
                params![c.idempotency_key, json, c.idempotency_expires_at.as_second(), c.body_digest],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(Submitted::New(receipt))
        })
        .await
    }
}

pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.into())
}

fn read_replay(conn: &Connection, key: &str, now: i64) -> Result<Option<StoredReplay>, StoreError> {
    let row: Option<(String, Option<String>)> = conn
        .query_row("SELECT receipt, body FROM idempotency WHERE key = ?1 AND expires_at > ?2", params![key, now], |r| {
            Ok((r.get("receipt")?, r.get("body")?))
        })
        .optional()
        .map_err(backend)?;
    row.map(|(json, body)| {
        let receipt =
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("idempotency record: {e}")))?;
        Ok(StoredReplay { receipt, body })
    })
    .transpose()
}

impl ComplaintStore for SqliteStore {
    async fn find_replay(&self, key: &str, now: Timestamp) -> Result<Option<StoredReplay>, StoreError> {
        let key = key.to_owned();
        self.with_conn(move |conn| read_replay(conn, &key, now.as_second())).await
    }

    async fn submit(&self, c: NewComplaint) -> Result<Submitted, StoreError> {
        self.submit_new(c).await
    }

    async fn pending_uploads(&self, nomor: &str) -> Result<Vec<PendingUpload>, StoreError> {
        let nomor = nomor.to_owned();
        self.with_conn(move |conn| {
            let json: Option<String> = conn
                .query_row("SELECT uploads FROM pending_uploads WHERE nomor = ?1", [&nomor], |r| r.get("uploads"))
                .optional()
                .map_err(backend)?;
            json.map_or(Ok(Vec::new()), |j| crate::uploads::decode(&j))
        })
        .await
    }

    async fn unfinished_uploads(&self, limit: usize) -> Result<Vec<(String, Vec<PendingUpload>)>, StoreError> {
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT p.nomor, p.uploads FROM pending_uploads p JOIN complaints c ON c.nomor = p.nomor
                     ORDER BY c.year, c.seq LIMIT ?1",
                )
                .map_err(backend)?;
            let rows: Vec<(String, String)> = stmt
                .query_map([limit as i64], |r| Ok((r.get("nomor")?, r.get("uploads")?)))
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            rows.into_iter().map(|(nomor, json)| Ok((nomor, crate::uploads::decode(&json)?))).collect()
        })
        .await
    }

    async fn uploads_committed(&self, nomor: &str) -> Result<(), StoreError> {
        let nomor = nomor.to_owned();
        self.with_conn(move |conn| {
            conn.execute("DELETE FROM pending_uploads WHERE nomor = ?1", [&nomor]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn find_public(&self, nomor: &RegisterNumber) -> Result<Option<PublicRecord>, StoreError> {
        let key = nomor.to_string();
        let nomor = nomor.clone();
        self.with_conn(move |conn| {
            type Raw = (String, String, String, String, Option<String>, Option<String>, bool, String);
            let row: Option<Raw> = conn
                .query_row(
                    "SELECT kode_hash, status, jenis, received_at, deadline, next_step, deadline_provisional, judul
                     FROM complaints WHERE nomor = ?1",
                    [&key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
                )
                .optional()
                .map_err(backend)?;
            let Some((kode_hash, status, jenis, received_at, deadline, next_step, deadline_provisional, judul)) = row
            else {
                return Ok(None);
            };
            // Only statuses and dates are read: notes and names never reach the public side.
            let mut stmt = conn
                .prepare("SELECT to_status, at, on_date FROM history WHERE nomor = ?1 ORDER BY seq")
                .map_err(backend)?;
            let raw: Vec<(String, String, Option<String>)> = stmt
                .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            let events = raw
                .into_iter()
                .map(|(status, at, on)| {
                    Ok(PublicEvent { status: parse_status(&status)?, at: parse_ts(&at)?, on: parse_opt_date(on)? })
                })
                .collect::<Result<_, StoreError>>()?;
            Ok(Some(PublicRecord {
                nomor,
                kode_hash,
                status: parse_status(&status)?,
                jenis: parse_jenis(&jenis)?,
                judul,
                received_at: parse_ts(&received_at)?,
                events,
                deadline: parse_opt_date(deadline)?,
                deadline_provisional,
                next_step,
            }))
        })
        .await
    }

    async fn count_submission(&self, source: &str, now: Timestamp, limit: u32) -> Result<RateDecision, StoreError> {
        let (start, end) = rate_window(now);
        self.count_in_window(format!("{source}#{start}"), now, end, limit).await
    }

    async fn count_event(
        &self,
        key: &str,
        now: Timestamp,
        window: std::time::Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        let (start, end) = crate::event_window(now, window);
        self.count_in_window(crate::event_counter_key(key, window, start), now, end, limit).await
    }

    async fn peek_events(
        &self,
        key: &str,
        now: Timestamp,
        window: std::time::Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        let (start, end) = crate::event_window(now, window);
        let key = crate::event_counter_key(key, window, start);
        self.with_conn(move |conn| {
            let count: i64 = conn
                .query_row("SELECT count FROM rate_limits WHERE key = ?1", [&key], |r| r.get(0))
                .optional()
                .map_err(backend)?
                .unwrap_or(0);
            Ok(crate::decide(count, limit, now, end))
        })
        .await
    }
}

impl SqliteStore {
    /// One more count under `key` for the window ending at `end`, unless `limit` is reached.
    async fn count_in_window(
        &self,
        key: String,
        now: Timestamp,
        end: i64,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            tx.execute("DELETE FROM rate_limits WHERE expires_at <= ?1", [now.as_second()]).map_err(backend)?;
            let count: i64 = tx
                .query_row("SELECT count FROM rate_limits WHERE key = ?1", [&key], |r| r.get(0))
                .optional()
                .map_err(backend)?
                .unwrap_or(0);
            let decision = crate::decide(count, limit, now, end);
            if decision != RateDecision::Allowed {
                return Ok(decision);
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

impl WorkflowStore for SqliteStore {
    async fn load(&self, nomor: &RegisterNumber) -> Result<Option<ComplaintRecord>, StoreError> {
        let key = nomor.to_string();
        self.with_conn(move |conn| {
            let tx = conn.transaction().map_err(backend)?;
            let row = tx
                .query_row(&format!("SELECT {ROW_COLUMNS} FROM complaints WHERE nomor = ?1"), [&key], raw_row)
                .optional()
                .map_err(backend)?;
            let Some(row) = row else { return Ok(None) };
            let row = read_row(row)?;
            type Details = (bool, bool, String, Option<String>, Option<String>, Option<String>, Option<String>, String);
            let (anonim, rahasia, isi, lokasi, tanggal_kejadian, layanan, next_step, lang): Details = tx
                .query_row(
                    "SELECT anonim, rahasia, isi, lokasi, tanggal_kejadian, layanan, next_step, lang
                     FROM complaints WHERE nomor = ?1",
                    [&key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
                )
                .map_err(backend)?;
            let personal = tx
                .query_row(
                    "SELECT nama, email, telepon, nik, alamat FROM personal_data WHERE nomor = ?1",
                    [&key],
                    |r| {
                        Ok(PersonalData {
                            nama: r.get(0)?,
                            email: r.get(1)?,
                            telepon: r.get(2)?,
                            nik: r.get(3)?,
                            alamat: r.get(4)?,
                        })
                    },
                )
                .optional()
                .map_err(backend)?;
            let history = read_history(&tx, &key)?;
            Ok(Some(ComplaintRecord {
                row,
                anonim,
                rahasia,
                isi,
                lokasi,
                tanggal_kejadian: parse_opt_date(tanggal_kejadian)?,
                layanan,
                personal,
                next_step,
                history,
                lang: crate::lang_of(Some(&lang)),
            }))
        })
        .await
    }

    async fn apply(
        &self,
        nomor: &RegisterNumber,
        expected: u64,
        change: WorkflowChange,
    ) -> Result<Applied, StoreError> {
        let key = nomor.to_string();
        self.with_conn(move |conn| {
            // IMMEDIATE takes the write lock first: the version read below cannot go stale.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            check_version(&tx, &key, expected)?;
            let version = expected + 1;
            let mut state = change.state;
            let ba = if change.assign_ba {
                let counter = workflow::ba_counter_name(change.ba_year);
                let seq = next_counter(&tx, &counter)?;
                Some(workflow::ba_number(change.ba_year, seq))
            } else {
                None
            };
            if ba.is_some() {
                state.ba_number = ba.clone();
            }
            let updated = tx
                .execute(
                    "UPDATE complaints SET status = ?1, procedure_id = ?2, step_index = ?3, files_complete_on = ?4,
                         clock_events = ?5, ba_number = ?6, finished_on = ?7, deadline = ?8, next_step = ?9,
                         version = ?10, deadline_provisional = ?13
                     WHERE nomor = ?11 AND version = ?12",
                    params![
                        state.status.code(),
                        state.procedure_id,
                        state.step_index.map(|i| i as i64),
                        state.files_complete_on.map(|d| d.to_string()),
                        workflow::encode_clock(&state.clock_events),
                        state.ba_number,
                        state.finished_on.map(|d| d.to_string()),
                        change.deadline.map(|d| d.to_string()),
                        change.next_step,
                        version as i64,
                        key,
                        expected as i64,
                        change.deadline_provisional,
                    ],
                )
                .map_err(backend)?;
            if updated != 1 {
                return Err(StoreError::Conflict);
            }
            if let Some(message) = &change.message {
                insert_outbox(&tx, &key, version, message, change.entry.at)?;
            }
            let entry = HistoryEntry { seq: version, ba_number: ba.clone(), ..change.entry };
            insert_history(&tx, &key, &entry)?;
            tx.commit().map_err(backend)?;
            Ok(Applied { version, ba_number: ba })
        })
        .await
    }

    async fn open_rows(&self) -> Result<Vec<RegisterRow>, StoreError> {
        self.with_conn(move |conn| {
            // Word for word the condition of the partial index complaints_open.
            let mut stmt = conn
                .prepare(&format!("SELECT {ROW_COLUMNS} FROM complaints WHERE status <> 'selesai' ORDER BY year, seq"))
                .map_err(backend)?;
            let raw: Vec<RawRow> =
                stmt.query_map([], raw_row).map_err(backend)?.collect::<Result<_, _>>().map_err(backend)?;
            raw.into_iter().map(read_row).collect()
        })
        .await
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<RegisterRow>, StoreError> {
        let filter = filter.clone();
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {ROW_COLUMNS} FROM complaints
                     WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR jenis = ?2)
                     ORDER BY year, seq"
                ))
                .map_err(backend)?;
            let raw: Vec<RawRow> = stmt
                .query_map(params![filter.status.map(Status::code), filter.jenis.map(Jenis::code)], raw_row)
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            let mut rows = Vec::with_capacity(raw.len());
            for r in raw {
                let row = read_row(r)?;
                if filter.matches(&row) {
                    rows.push(row);
                }
            }
            Ok(rows)
        })
        .await
    }

    async fn erase_personal(&self, request: &Request<'_>, attachments_erased: usize) -> Result<Applied, StoreError> {
        let Request { nomor, expected_version: expected, by, reason, at } = *request;
        let key = nomor.to_string();
        let (by, reason) = (by.to_owned(), reason.to_owned());
        self.with_conn(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            let status = check_version(&tx, &key, expected)?;
            let version = expected + 1;
            tx.execute("DELETE FROM personal_data WHERE nomor = ?1", [&key]).map_err(backend)?;
            // Undelivered messages hold the address and the name: they go with the rest.
            tx.execute(
                "UPDATE outbox SET message = NULL, state = 'gagal', last_error = ?2
                 WHERE nomor = ?1 AND state <> 'terkirim'",
                params![key, crate::outbox::ERASED_ERROR],
            )
            .map_err(backend)?;
            let updated = tx
                .execute(
                    "UPDATE complaints SET isi = ?1, lokasi = NULL, tanggal_kejadian = NULL, erased_at = ?2,
                         version = ?3, attachments_erased = ?6
                     WHERE nomor = ?4 AND version = ?5",
                    params![
                        ERASED_TEXT,
                        at.to_string(),
                        version as i64,
                        key,
                        expected as i64,
                        attachments_erased as i64
                    ],
                )
                .map_err(backend)?;
            if updated != 1 {
                return Err(StoreError::Conflict);
            }
            let entry = HistoryEntry { seq: version, ..erase_entry(status, &by, &reason, at) };
            insert_history(&tx, &key, &entry)?;
            tx.commit().map_err(backend)?;
            // The write-ahead log still holds the pages as they were before: fold it into the
            // database (where secure_delete has zeroed the old content) and empty it.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(backend)?;
            Ok(Applied { version, ba_number: None })
        })
        .await
    }

    async fn refresh_deadline(
        &self,
        nomor: &RegisterNumber,
        expected: u64,
        deadline: Option<Date>,
        provisional: bool,
    ) -> Result<bool, StoreError> {
        let key = nomor.to_string();
        self.with_conn(move |conn| {
            let updated = conn
                .execute(
                    "UPDATE complaints SET deadline = ?1, deadline_provisional = ?2 WHERE nomor = ?3 AND version = ?4",
                    params![deadline.map(|d| d.to_string()), provisional, key, expected as i64],
                )
                .map_err(backend)?;
            Ok(updated == 1)
        })
        .await
    }

    async fn read_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let key = key.to_owned();
        self.with_conn(move |conn| {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [&key], |r| r.get(0)).optional().map_err(backend)
        })
        .await
    }

    async fn write_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }
}

/// The complaint's current status, provided its version is `expected`.
fn check_version(tx: &Transaction<'_>, key: &str, expected: u64) -> Result<Status, StoreError> {
    let current: Option<(i64, String)> = tx
        .query_row("SELECT version, status FROM complaints WHERE nomor = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(backend)?;
    match current {
        None => Err(StoreError::NotFound(key.to_owned())),
        Some((v, _)) if v as u64 != expected => Err(StoreError::Conflict),
        Some((_, status)) => parse_status(&status),
    }
}

/// Moves a counter to its next value and returns it.
fn next_counter(tx: &Transaction<'_>, name: &str) -> Result<u64, StoreError> {
    let last: i64 = tx
        .query_row("SELECT value FROM counters WHERE name = ?1", [name], |r| r.get(0))
        .optional()
        .map_err(backend)?
        .unwrap_or(0);
    let next = last + 1;
    tx.execute(
        "INSERT INTO counters (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, next],
    )
    .map_err(backend)?;
    Ok(next as u64)
}

/// Records `message`, caused by the change that took complaint `nomor` to `version`, due at once.
fn insert_outbox(
    conn: &Connection,
    nomor: &str,
    version: u64,
    message: &Message,
    at: Timestamp,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(message).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO outbox (id, nomor, message, state, created_at, due_at, lang)
         VALUES (?1, ?2, ?3, 'tertunda', ?4, ?5, ?6)",
        params![
            crate::outbox::entry_id(nomor, version),
            nomor,
            json,
            at.to_string(),
            at.as_second(),
            message.lang.code()
        ],
    )
    .map_err(backend)?;
    Ok(())
}

fn insert_history(conn: &Connection, key: &str, e: &HistoryEntry) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO history (nomor, seq, at, by_name, action, from_status, to_status, procedure_id, step_index,
             on_date, note, ba_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            key,
            e.seq as i64,
            e.at.to_string(),
            e.by,
            e.action.code(),
            e.from.map(Status::code),
            e.to.code(),
            e.procedure_id,
            e.step_index.map(|i| i as i64),
            e.on.map(|d| d.to_string()),
            e.note,
            e.ba_number,
        ],
    )
    .map_err(backend)?;
    Ok(())
}

fn read_history(conn: &Connection, key: &str) -> Result<Vec<HistoryEntry>, StoreError> {
    type Raw = (
        i64,
        String,
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<i64>,
        Option<String>,
        String,
        Option<String>,
    );
    let mut stmt = conn
        .prepare(
            "SELECT seq, at, by_name, action, from_status, to_status, procedure_id, step_index, on_date, note, ba_number
             FROM history WHERE nomor = ?1 ORDER BY seq",
        )
        .map_err(backend)?;
    let raw: Vec<Raw> = stmt
        .query_map([key], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    raw.into_iter()
        .map(|(seq, at, by, action, from, to, procedure_id, step_index, on, note, ba_number)| {
            Ok(HistoryEntry {
                seq: seq as u64,
                at: parse_ts(&at)?,
                by,
                action: Action::parse(&action).ok_or_else(|| StoreError::Corrupt(format!("action {action:?}")))?,
                from: from.as_deref().map(parse_status).transpose()?,
                to: parse_status(&to)?,
                procedure_id,
                step_index: step_index.map(|i| i as usize),
                on: parse_opt_date(on)?,
                note,
                ba_number,
            })
        })
        .collect()
}

/// A register row as SQLite holds it, read by column name.
struct RawRow {
    nomor: String,
    received_at: String,
    channel: String,
    jenis: String,
    judul: String,
    status: String,
    procedure_id: Option<String>,
    step_index: Option<i64>,
    files_complete_on: Option<String>,
    clock_events: String,
    ba_number: Option<String>,
    finished_on: Option<String>,
    deadline: Option<String>,
    version: i64,
    erased_at: Option<String>,
    attachments_erased: Option<i64>,
    deadline_provisional: bool,
}

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        nomor: r.get("nomor")?,
        received_at: r.get("received_at")?,
        channel: r.get("channel")?,
        jenis: r.get("jenis")?,
        judul: r.get("judul")?,
        status: r.get("status")?,
        procedure_id: r.get("procedure_id")?,
        step_index: r.get("step_index")?,
        files_complete_on: r.get("files_complete_on")?,
        clock_events: r.get("clock_events")?,
        ba_number: r.get("ba_number")?,
        finished_on: r.get("finished_on")?,
        deadline: r.get("deadline")?,
        version: r.get("version")?,
        erased_at: r.get("erased_at")?,
        attachments_erased: r.get("attachments_erased")?,
        deadline_provisional: r.get("deadline_provisional")?,
    })
}

fn read_row(raw: RawRow) -> Result<RegisterRow, StoreError> {
    Ok(RegisterRow {
        nomor: RegisterNumber::parse(&raw.nomor)
            .ok_or_else(|| StoreError::Corrupt(format!("register number {:?}", raw.nomor)))?,
        received_at: parse_ts(&raw.received_at)?,
        channel: parse_channel(&raw.channel)?,
        jenis: parse_jenis(&raw.jenis)?,
        judul: raw.judul,
        state: WorkflowState {
            status: parse_status(&raw.status)?,
            procedure_id: raw.procedure_id,
            step_index: raw.step_index.map(|i| i as usize),
            files_complete_on: parse_opt_date(raw.files_complete_on)?,
            clock_events: workflow::decode_clock(&raw.clock_events).map_err(StoreError::Corrupt)?,
            ba_number: raw.ba_number,
            finished_on: parse_opt_date(raw.finished_on)?,
        },
        deadline: parse_opt_date(raw.deadline)?,
        deadline_provisional: raw.deadline_provisional,
        version: raw.version as u64,
        erased_at: raw.erased_at.as_deref().map(parse_ts).transpose()?,
        attachments_erased: raw.attachments_erased.map(|n| n as usize),
    })
}

fn parse_channel(s: &str) -> Result<Channel, StoreError> {
    Channel::parse(s).ok_or_else(|| StoreError::Corrupt(format!("channel {s:?}")))
}

fn parse_jenis(s: &str) -> Result<Jenis, StoreError> {
    Jenis::parse(s).ok_or_else(|| StoreError::Corrupt(format!("jenis {s:?}")))
}

fn parse_status(s: &str) -> Result<Status, StoreError> {
    s.parse().map_err(|e: pengaduan_core::status::UnknownStatus| StoreError::Corrupt(e.to_string()))
}

fn parse_ts(s: &str) -> Result<Timestamp, StoreError> {
    s.parse().map_err(|e: jiff::Error| StoreError::Corrupt(format!("timestamp {s:?}: {e}")))
}

fn parse_opt_date(s: Option<String>) -> Result<Option<Date>, StoreError> {
    s.map(|d| d.parse().map_err(|e: jiff::Error| StoreError::Corrupt(format!("date {d:?}: {e}")))).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::OutboxStore;
    use pengaduan_core::Lang;

    /// A database as version 7 left it, holding one complaint and its pending receipt, is
    /// migrated: both read as Indonesian, the only language there was.
    #[tokio::test]
    async fn complaints_and_messages_stored_before_languages_read_as_indonesian() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lama.db");
        let at: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
        {
            let conn = Connection::open(&path).unwrap();
            let steps = [SCHEMA, MIGRATION_2, MIGRATION_3, MIGRATION_4, MIGRATION_5, MIGRATION_6, MIGRATION_7];
            for (i, step) in steps.iter().enumerate() {
                conn.execute_batch(&format!("BEGIN; {step} PRAGMA user_version = {}; COMMIT;", i + 1)).unwrap();
            }
            let nomor = "PGD-2026-00001";
            conn.execute(
                "INSERT INTO complaints (nomor, prefix, year, seq, kode_hash, channel, jenis, judul, status,
                     received_at, anonim, rahasia, isi)
                 VALUES (?1, 'PGD', 2026, 1, 'x', 'web', 'pengaduan', 'Judul', 'diterima', ?2, 0, 0, 'Isi')",
                params![nomor, at.to_string()],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO personal_data (nomor, nama, email) VALUES (?1, 'Siti', 'siti@contoh.co.id')",
                [nomor],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO history (nomor, seq, at, by_name, action, to_status, note)
                 VALUES (?1, 1, ?2, 'Front Office (daring)', 'diterima', 'diterima', '')",
                params![nomor, at.to_string()],
            )
            .unwrap();
            let personal = crate::testing::submission(1).personal;
            let message =
                Message::receipt(&personal, false, Jenis::Pengaduan, "Judul", "AAAA-BBBB-CCCC", None, Lang::Id)
                    .unwrap();
            let mut json = serde_json::to_value(Message { nomor: nomor.into(), ..message }).unwrap();
            json.as_object_mut().unwrap().remove("lang");
            conn.execute(
                "INSERT INTO outbox (id, nomor, message, state, created_at, due_at)
                 VALUES (?1, ?2, ?3, 'tertunda', ?4, ?5)",
                params![crate::outbox::entry_id(nomor, 1), nomor, json.to_string(), at.to_string(), at.as_second()],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let nomor = RegisterNumber::parse("PGD-2026-00001").unwrap();
        assert_eq!(store.load(&nomor).await.unwrap().unwrap().lang, Lang::Id);
        let entry = store.claim_outbox(&crate::outbox::entry_id("PGD-2026-00001", 1), at).await.unwrap().unwrap();
        assert_eq!(entry.message.unwrap().lang, Lang::Id);
    }
}
