//! The embedded store: one SQLite file, for `site-gen serve` and for trying everything without
//! a cloud account. Same guarantees as DynamoDB, through SQLite's own transactions.

mod complaints;
mod rows;
mod schema;
mod workflow;

use crate::StoreError;
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A complaint store in one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

/// How long a statement waits for another program's lock (`site-gen serve` and the staff tool
/// share one file) before it gives up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Puts the database in WAL mode. Switching a database another program has open returns
/// SQLITE_BUSY at once, without waiting in the busy handler, so the switch is tried again until
/// the busy timeout has passed: two programs opening an old database together both get in.
fn wal_mode(conn: &Connection) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other.map_err(backend),
        }
    }
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

    fn init(mut conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        wal_mode(&conn)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(backend)?;
        // Deleted content is overwritten, not left in free pages: erased personal data must not
        // be recoverable from the file.
        conn.pragma_update(None, "secure_delete", "ON").map_err(backend)?;
        schema::migrate(&mut conn)?;
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

/// A SQLite failure as the store reports it.
pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkflowStore;
    use crate::outbox::OutboxStore;
    use jiff::Timestamp;
    use pengaduan_core::notice::Message;
    use pengaduan_core::{Jenis, Lang, RegisterNumber};
    use rusqlite::params;

    /// A database as version 7 left it, holding one complaint and its pending receipt, is
    /// migrated: both read as Indonesian, the only language there was.
    #[tokio::test]
    async fn complaints_and_messages_stored_before_languages_read_as_indonesian() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lama.db");
        let at: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
        {
            let conn = Connection::open(&path).unwrap();
            for (i, step) in schema::MIGRATIONS[..7].iter().enumerate() {
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

    /// A database at version 11 (the office's answers, 0012_answer.sql) holding an answer gains
    /// the sliding rate windows and the additions table and keeps the answer: the additions' step
    /// (file 0014) runs after the answer's and the rates', also on a database already at 11.
    #[tokio::test]
    async fn a_database_with_answers_gains_the_additions_and_keeps_its_answers() {
        use crate::answer::AnswerStore;
        assert!(schema::MIGRATIONS[10].contains("CREATE TABLE answer"), "step 11 is the answer's");
        assert!(schema::MIGRATIONS[12].contains("CREATE TABLE additions"), "step 13 is the additions'");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jawaban.db");
        {
            let conn = Connection::open(&path).unwrap();
            for (i, step) in schema::MIGRATIONS[..11].iter().enumerate() {
                conn.execute_batch(&format!("BEGIN; {step} PRAGMA user_version = {}; COMMIT;", i + 1)).unwrap();
            }
            conn.execute(
                "INSERT INTO answer (nomor, text_id, text_en, berita_acara, by_name, at)
                 VALUES ('PGD-2026-00001', 'Jawaban kantor.', NULL, NULL, 'Rina', '2026-11-29T06:00:00Z')",
                [],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let answer = store.answer("PGD-2026-00001").await.unwrap().unwrap();
        assert_eq!(answer.text_id, "Jawaban kantor.");
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, schema::SCHEMA_VERSION);
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'additions'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(tables, 1, "the additions table");
    }
}
