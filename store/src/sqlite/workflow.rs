//! Staff changes checked against the version they were computed from, erasure, the register
//! and the store's own bookkeeping.

use super::rows::{ROW_COLUMNS, RawRow, insert_history, parse_opt_date, raw_row, read_history, read_row};
use super::{SqliteStore, backend};
use crate::erasure::Request;
use crate::fields::parse_status;
use crate::outbox::sqlite::insert_outbox;
use crate::{
    Addition, Applied, ComplaintRecord, ERASED_TEXT, ERASED_TITLE, ListFilter, PendingUpload, RegisterRow, StoreError,
    WorkflowChange, WorkflowStore, decode_files, encode_files, erase_entry,
};
use jiff::civil::Date;
use pengaduan_core::workflow::{self, HistoryEntry};
use pengaduan_core::{Jenis, PersonalData, RegisterNumber, Status};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

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
            let additions = read_additions(&tx, &key)?;
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
                additions,
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
                    // A correction (?14) keeps the stored clock, deadline and durations.
                    "UPDATE complaints SET status = ?1, procedure_id = ?2, step_index = ?3,
                         files_complete_on = CASE WHEN ?14 THEN files_complete_on ELSE ?4 END,
                         clock_events = CASE WHEN ?14 THEN clock_events ELSE ?5 END, ba_number = ?6,
                         finished_on = CASE WHEN ?14 THEN finished_on ELSE ?7 END,
                         deadline = CASE WHEN ?14 THEN deadline ELSE ?8 END, next_step = ?9, version = ?10,
                         deadline_provisional = CASE WHEN ?14 THEN deadline_provisional ELSE ?13 END
                     WHERE nomor = ?11 AND version = ?12",
                    params![
                        state.status.code(),
                        state.procedure_id,
                        state.step_index.map(|i| i as i64),
                        state.files_complete_on.map(|d| d.to_string()),
                        crate::fields::encode_clock(&state.clock_events),
                        state.ba_number,
                        state.finished_on.map(|d| d.to_string()),
                        change.deadline.map(|d| d.value.to_string()),
                        change.next_step,
                        version as i64,
                        key,
                        expected as i64,
                        change.deadline.is_some_and(|d| d.provisional),
                        change.entry.action.keeps_clock(),
                    ],
                )
                .map_err(backend)?;
            if updated != 1 {
                return Err(StoreError::Conflict);
            }
            if let Some(message) = &change.message {
                insert_outbox(&tx, &key, version, message, change.entry.at)?;
            }
            if let Some(addition) = &change.addition {
                tx.execute(
                    "INSERT INTO additions (nomor, seq, at, text, files) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![key, version as i64, addition.at.to_string(), addition.text, encode_files(&addition.files)],
                )
                .map_err(backend)?;
            }
            if !change.uploads.is_empty() {
                add_pending_uploads(&tx, &key, &change.uploads)?;
            }
            let entry = HistoryEntry { seq: version, ba_number: ba.clone(), ..change.entry };
            insert_history(&tx, &key, &entry)?;
            tx.commit().map_err(backend)?;
            Ok(Applied { version, ba_number: ba })
        })
        .await
    }

    async fn history(&self, nomor: &RegisterNumber) -> Result<Vec<HistoryEntry>, StoreError> {
        let key = nomor.to_string();
        self.with_conn(move |conn| read_history(conn, &key)).await
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

    async fn stat_rows(&self, window: &crate::StatWindow) -> Result<Vec<RegisterRow>, StoreError> {
        let window = *window;
        // A day early on the stored text: the instants are compared exactly after.
        let from = (window.received_from - jiff::SignedDuration::from_hours(24)).to_string();
        self.with_conn(move |conn| {
            let condition = "received_at >= ?1 OR finished_on >= ?2 OR status <> 'selesai'";
            select_rows(conn, condition, params![from, window.first.to_string()], |row| window.wants(row))
        })
        .await
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<RegisterRow>, StoreError> {
        let filter = filter.clone();
        self.with_conn(move |conn| {
            let condition = "(?1 IS NULL OR status = ?1) AND (?2 IS NULL OR jenis = ?2)";
            let values = params![filter.status.map(Status::code), filter.jenis.map(Jenis::code)];
            select_rows(conn, condition, values, |row| filter.matches(row))
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
                    "UPDATE complaints SET isi = ?1, judul = ?7, lokasi = NULL, tanggal_kejadian = NULL,
                         erased_at = ?2, version = ?3, attachments_erased = ?6
                     WHERE nomor = ?4 AND version = ?5",
                    params![
                        ERASED_TEXT,
                        at.to_string(),
                        version as i64,
                        key,
                        expected as i64,
                        attachments_erased as i64,
                        ERASED_TITLE
                    ],
                )
                .map_err(backend)?;
            if updated != 1 {
                return Err(StoreError::Conflict);
            }
            tx.execute("UPDATE additions SET text = ?2, files = '[]' WHERE nomor = ?1", params![key, ERASED_TEXT])
                .map_err(backend)?;
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
pub(super) fn check_version(tx: &Transaction<'_>, key: &str, expected: u64) -> Result<Status, StoreError> {
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
pub(super) fn next_counter(tx: &Transaction<'_>, name: &str) -> Result<u64, StoreError> {
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

/// The complaint's additions, oldest first.
fn read_additions(tx: &Transaction<'_>, key: &str) -> Result<Vec<Addition>, StoreError> {
    let mut stmt =
        tx.prepare("SELECT seq, at, text, files FROM additions WHERE nomor = ?1 ORDER BY seq").map_err(backend)?;
    let raw: Vec<(i64, String, String, String)> = stmt
        .query_map([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(backend)?
        .collect::<Result<_, _>>()
        .map_err(backend)?;
    raw.into_iter()
        .map(|(seq, at, text, files)| {
            Ok(Addition { seq: seq as u64, at: crate::fields::parse_ts(&at)?, text, files: decode_files(&files)? })
        })
        .collect()
}

/// Names `uploads` for committing to the complaint, after any it still has to commit.
fn add_pending_uploads(tx: &Transaction<'_>, key: &str, uploads: &[PendingUpload]) -> Result<(), StoreError> {
    let earlier: Option<String> = tx
        .query_row("SELECT uploads FROM pending_uploads WHERE nomor = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(backend)?;
    let mut all = earlier.map_or(Ok(Vec::new()), |j| crate::uploads::decode(&j))?;
    all.extend_from_slice(uploads);
    tx.execute(
        "INSERT INTO pending_uploads (nomor, uploads) VALUES (?1, ?2)
         ON CONFLICT (nomor) DO UPDATE SET uploads = excluded.uploads",
        params![key, crate::uploads::encode(&all)],
    )
    .map_err(backend)?;
    Ok(())
}

/// The register rows meeting the SQL `condition` on `values` and then `keep`, by number.
fn select_rows(
    conn: &rusqlite::Connection,
    condition: &str,
    values: impl rusqlite::Params,
    keep: impl Fn(&RegisterRow) -> bool,
) -> Result<Vec<RegisterRow>, StoreError> {
    let mut stmt = conn
        .prepare(&format!("SELECT {ROW_COLUMNS} FROM complaints WHERE {condition} ORDER BY year, seq"))
        .map_err(backend)?;
    let raw: Vec<RawRow> =
        stmt.query_map(values, raw_row).map_err(backend)?.collect::<Result<_, _>>().map_err(backend)?;
    let mut rows = Vec::with_capacity(raw.len());
    for r in raw {
        let row = read_row(r)?;
        if keep(&row) {
            rows.push(row);
        }
    }
    Ok(rows)
}
