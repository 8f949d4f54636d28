//! Registering complaints, replays, their uploads, the public view and the rate limits.

use super::rows::{insert_history, parse_opt_date};
use super::{SqliteStore, backend};
use crate::fields::{parse_jenis, parse_status, parse_ts};
use crate::outbox::sqlite::insert_outbox;
use crate::{
    ComplaintStore, NewComplaint, PendingUpload, PublicEvent, PublicRecord, RateDecision, Receipt, StoreError,
    StoredReplay, Submitted, intake_entry,
};
use jiff::Timestamp;
use pengaduan_core::RegisterNumber;
use pengaduan_core::notice::Message;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

impl SqliteStore {
    /// Stores a new complaint and its first history entry, recorded as by `by`.
    async fn submit_new(&self, c: NewComplaint) -> Result<Submitted, StoreError> {
        self.with_conn(move |conn| {
            // IMMEDIATE takes the write lock first, so the counter read below cannot go stale.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            // Replay records are kept for their window only (the DynamoDB table's TTL).
            tx.execute("DELETE FROM idempotency WHERE expires_at <= ?1", [c.received_at.as_second()])
                .map_err(backend)?;
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
            let kept = Receipt { kode_lacak: c.replay_code, ..receipt.clone() };
            let json = serde_json::to_string(&kept).map_err(|e| StoreError::Corrupt(e.to_string()))?;
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

    async fn pending_uploads(&self, nomor: &RegisterNumber) -> Result<Vec<PendingUpload>, StoreError> {
        let nomor = nomor.to_string();
        self.with_conn(move |conn| {
            let json: Option<String> = conn
                .query_row("SELECT uploads FROM pending_uploads WHERE nomor = ?1", [&nomor], |r| r.get("uploads"))
                .optional()
                .map_err(backend)?;
            json.map_or(Ok(Vec::new()), |j| crate::uploads::decode(&j))
        })
        .await
    }

    async fn unfinished_uploads(&self, limit: usize) -> Result<Vec<(RegisterNumber, Vec<PendingUpload>)>, StoreError> {
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
            rows.into_iter()
                .map(|(nomor, json)| Ok((crate::fields::parse_number(&nomor)?, crate::uploads::decode(&json)?)))
                .collect()
        })
        .await
    }

    async fn uploads_committed(&self, nomor: &RegisterNumber) -> Result<(), StoreError> {
        let nomor = nomor.to_string();
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
            type Raw = (String, String, String, String, Option<String>, Option<String>, bool, String, bool);
            let row: Option<Raw> = conn
                .query_row(
                    "SELECT kode_hash, status, jenis, received_at, deadline, next_step, deadline_provisional, judul,
                            anonim
                     FROM complaints WHERE nomor = ?1",
                    [&key],
                    |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
                    },
                )
                .optional()
                .map_err(backend)?;
            let Some((kode_hash, status, jenis, received_at, deadline, next_step, deadline_provisional, judul, anonim)) =
                row
            else {
                return Ok(None);
            };
            // Only statuses and dates are read, and the reason of a return: names and every
            // other note never reach the public side.
            let mut stmt = conn
                .prepare(
                    "SELECT to_status, at, on_date, action,
                         CASE action WHEN 'berkas_dikembalikan' THEN note ELSE '' END
                     FROM history WHERE nomor = ?1 ORDER BY seq",
                )
                .map_err(backend)?;
            type RawEvent = (String, String, Option<String>, String, String);
            let raw: Vec<RawEvent> = stmt
                .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            let status = parse_status(&status)?;
            let return_reason =
                crate::complaints::return_reason(status, raw.iter().map(|r| (r.3.as_str(), r.4.as_str())));
            let events = raw
                .into_iter()
                .map(|(status, at, on, _, _)| {
                    Ok(PublicEvent { status: parse_status(&status)?, at: parse_ts(&at)?, on: parse_opt_date(on)? })
                })
                .collect::<Result<_, StoreError>>()?;
            Ok(Some(PublicRecord {
                nomor,
                kode_hash,
                status,
                jenis: parse_jenis(&jenis)?,
                judul,
                received_at: parse_ts(&received_at)?,
                events,
                deadline: crate::fields::deadline(parse_opt_date(deadline)?, deadline_provisional),
                next_step,
                return_reason,
                anonim,
            }))
        })
        .await
    }

    async fn count_submission(&self, source: &str, now: Timestamp, limit: u32) -> Result<RateDecision, StoreError> {
        self.count_in_window(crate::submission_counter_key(source), now, crate::SUBMISSION_WINDOW, limit).await
    }

    async fn count_event(
        &self,
        key: &str,
        now: Timestamp,
        window: std::time::Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        self.count_in_window(crate::event_counter_key(key, window), now, window, limit).await
    }

    async fn peek_events(
        &self,
        key: &str,
        now: Timestamp,
        window: std::time::Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        let key = crate::event_counter_key(key, window);
        self.with_conn(move |conn| Ok(crate::decide(&logged(conn, &key)?, limit, now, window))).await
    }
}

/// The moments of the events logged under `key` (expired ones may be among them).
fn logged(conn: &rusqlite::Connection, key: &str) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT at FROM rate_events WHERE key = ?1").map_err(backend)?;
    let times = stmt.query_map([key], |r| r.get(0)).map_err(backend)?;
    times.collect::<Result<_, _>>().map_err(backend)
}

impl SqliteStore {
    /// One more event under `key` at `now`, unless `limit` of them are already in the `window`
    /// before it: read, decide and write in one IMMEDIATE transaction, so concurrent requests
    /// never count past the limit.
    async fn count_in_window(
        &self,
        key: String,
        now: Timestamp,
        window: std::time::Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            tx.execute("DELETE FROM rate_events WHERE expires_at <= ?1", [now.as_second()]).map_err(backend)?;
            let decision = crate::decide(&logged(&tx, &key)?, limit, now, window);
            if decision != RateDecision::Allowed {
                return Ok(decision);
            }
            let at = now.as_second();
            tx.execute(
                "INSERT INTO rate_events (key, at, expires_at) VALUES (?1, ?2, ?3)",
                params![key, at, at.saturating_add(crate::seconds(window))],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(RateDecision::Allowed)
        })
        .await
    }
}
