//! The outbox on SQLite: table `outbox`, a claim being one conditional `UPDATE`. Column `lang`
//! keeps the message's language (`id` for entries recorded before it was kept).

use super::{LEASE, OutboxEntry, OutboxState, OutboxStore, Outcome};
use crate::StoreError;
use crate::fields::parse_ts;
use crate::sqlite::{SqliteStore, backend};
use jiff::Timestamp;
use pengaduan_core::notice::Message;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLUMNS: &str = "id, message, state, attempts, created_at, due_at, last_error, sent_at, lang";

struct Raw {
    id: String,
    message: Option<String>,
    state: String,
    attempts: i64,
    created_at: String,
    due_at: i64,
    last_error: Option<String>,
    sent_at: Option<String>,
    lang: Option<String>,
}

fn raw(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        id: r.get("id")?,
        message: r.get("message")?,
        state: r.get("state")?,
        attempts: r.get("attempts")?,
        created_at: r.get("created_at")?,
        due_at: r.get("due_at")?,
        last_error: r.get("last_error")?,
        sent_at: r.get("sent_at")?,
        lang: r.get("lang")?,
    })
}

fn entry(r: Raw) -> Result<OutboxEntry, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("outbox {}: {what}", r.id));
    let lang = crate::lang_of(r.lang.as_deref());
    let message: Option<Message> =
        r.message.as_deref().map(serde_json::from_str).transpose().map_err(|e| corrupt(&e.to_string()))?;
    Ok(OutboxEntry {
        // The column is the message's language: the one rule for entries of every age.
        message: message.map(|m| Message { lang, ..m }),
        state: OutboxState::parse(&r.state).ok_or_else(|| corrupt("state"))?,
        attempts: u32::try_from(r.attempts).map_err(|_| corrupt("attempts"))?,
        created_at: parse_ts(&r.created_at)?,
        due_at: Timestamp::from_second(r.due_at).map_err(|_| corrupt("due_at"))?,
        last_error: r.last_error,
        sent_at: r.sent_at.as_deref().map(parse_ts).transpose()?,
        id: r.id,
    })
}

impl OutboxStore for SqliteStore {
    async fn due_outbox(&self, now: Timestamp, limit: usize) -> Result<Vec<String>, StoreError> {
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT id FROM outbox WHERE state = 'tertunda' AND due_at <= ?1 AND leased_until <= ?1
                     ORDER BY due_at, id LIMIT ?2",
                )
                .map_err(backend)?;
            stmt.query_map(params![now.as_second(), limit as i64], |r| r.get(0))
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)
        })
        .await
    }

    async fn claim_outbox(&self, id: &str, now: Timestamp) -> Result<Option<OutboxEntry>, StoreError> {
        let id = id.to_owned();
        self.with_conn(move |conn| {
            let lease_end = now.as_second() + LEASE.as_secs() as i64;
            // One statement: of two deliverers claiming at once, exactly one sees a row.
            conn.query_row(
                &format!(
                    "UPDATE outbox SET attempts = attempts + 1, leased_until = ?2
                     WHERE id = ?1 AND state = 'tertunda' AND due_at <= ?3 AND leased_until <= ?3
                     RETURNING {COLUMNS}"
                ),
                params![id, lease_end, now.as_second()],
                raw,
            )
            .optional()
            .map_err(backend)?
            .map(entry)
            .transpose()
        })
        .await
    }

    async fn finish_outbox(&self, id: &str, outcome: Outcome) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.with_conn(move |conn| {
            match outcome {
                Outcome::Sent(at) => conn.execute(
                    "UPDATE outbox SET state = 'terkirim', message = NULL, sent_at = ?2, leased_until = 0,
                         last_error = NULL
                     WHERE id = ?1 AND state = 'tertunda'",
                    params![id, at.to_string()],
                ),
                Outcome::Failed { error, retry_at: Some(at) } => conn.execute(
                    "UPDATE outbox SET due_at = ?2, leased_until = 0, last_error = ?3
                     WHERE id = ?1 AND state = 'tertunda'",
                    params![id, at.as_second(), error],
                ),
                Outcome::Failed { error, retry_at: None } => conn.execute(
                    "UPDATE outbox SET state = 'gagal', leased_until = 0, last_error = ?2
                     WHERE id = ?1 AND state = 'tertunda'",
                    params![id, error],
                ),
            }
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn failed_outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare(&format!("SELECT {COLUMNS} FROM outbox WHERE state = 'gagal' ORDER BY created_at, id"))
                .map_err(backend)?;
            let rows: Vec<Raw> =
                stmt.query_map([], raw).map_err(backend)?.collect::<Result<_, _>>().map_err(backend)?;
            rows.into_iter().map(entry).collect()
        })
        .await
    }

    async fn requeue_outbox(&self, id: &str, now: Timestamp) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.with_conn(move |conn| {
            let n = conn
                .execute(
                    "UPDATE outbox SET state = 'tertunda', attempts = 0, due_at = ?2, leased_until = 0
                     WHERE id = ?1 AND state = 'gagal' AND message IS NOT NULL",
                    params![id, now.as_second()],
                )
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn mark_undeliverable(&self, address: &str, reason: &str, at: Timestamp) -> Result<(), StoreError> {
        let (address, reason) = (address.to_owned(), reason.to_owned());
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO undeliverable (address, reason, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, at = excluded.at",
                params![address, reason, at.to_string()],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn undeliverable(&self, address: &str) -> Result<Option<String>, StoreError> {
        let address = address.to_owned();
        self.with_conn(move |conn| {
            conn.query_row("SELECT reason FROM undeliverable WHERE address = ?1", [address], |r| r.get(0))
                .optional()
                .map_err(backend)
        })
        .await
    }
}

/// Records `message`, caused by the change that took complaint `nomor` to `version`, due at once.
pub(crate) fn insert_outbox(
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
