//! Content revisions in SQLite: table `content_revisions` (migration 10), one row per revision.

use super::{ContentHead, ContentSave, ContentStore, Revision, RevisionKind, parse_kind};
use crate::StoreError;
use crate::fields::{parse_ts, sortable};
use crate::sqlite::{SqliteStore, backend};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

const COLUMNS: &str = "path, number, text, kind, author, saved_at, note, published_by, published_at";

/// A revision row as SQLite holds it, checked by [`RawRevision::check`].
struct RawRevision {
    path: String,
    number: i64,
    text: String,
    kind: String,
    author: String,
    saved_at: String,
    note: String,
    published_by: Option<String>,
    published_at: Option<String>,
}

fn read_revision(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRevision> {
    Ok(RawRevision {
        path: r.get("path")?,
        number: r.get("number")?,
        text: r.get("text")?,
        kind: r.get("kind")?,
        author: r.get("author")?,
        saved_at: r.get("saved_at")?,
        note: r.get("note")?,
        published_by: r.get("published_by")?,
        published_at: r.get("published_at")?,
    })
}

impl RawRevision {
    fn check(self) -> Result<Revision, StoreError> {
        let published = match (self.published_by, self.published_at) {
            (Some(by), Some(at)) => Some((by, parse_ts(&at)?)),
            _ => None,
        };
        Ok(Revision {
            path: self.path,
            number: self.number as u64,
            text: self.text,
            kind: parse_kind(&self.kind)?,
            author: self.author,
            saved_at: parse_ts(&self.saved_at)?,
            note: self.note,
            published,
        })
    }
}

/// The revisions a query returns, checked.
fn query_revisions(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Revision>, StoreError> {
    let mut stmt = conn.prepare(sql).map_err(backend)?;
    let raw: Vec<RawRevision> =
        stmt.query_map(args, read_revision).map_err(backend)?.collect::<Result<_, _>>().map_err(backend)?;
    raw.into_iter().map(RawRevision::check).collect()
}

fn insert_revision(conn: &Connection, r: &Revision) -> Result<(), StoreError> {
    conn.execute(
        &format!("INSERT INTO content_revisions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        params![
            r.path,
            r.number as i64,
            r.text,
            r.kind.code(),
            r.author,
            sortable(r.saved_at),
            r.note,
            r.published.as_ref().map(|(by, _)| by.as_str()),
            r.published.as_ref().map(|(_, at)| sortable(*at)),
        ],
    )
    .map_err(backend)?;
    Ok(())
}

/// Every file's newest revision (the rows whose number is their file's largest), by path.
fn newest(conn: &Connection) -> Result<Vec<Revision>, StoreError> {
    query_revisions(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM content_revisions r
             WHERE number = (SELECT MAX(number) FROM content_revisions WHERE path = r.path)
             ORDER BY path"
        ),
        [],
    )
}

impl ContentStore for SqliteStore {
    async fn content_heads(&self) -> Result<Vec<ContentHead>, StoreError> {
        self.with_conn(|conn| Ok(newest(conn)?.iter().map(Revision::head).collect())).await
    }

    async fn content_revisions(&self, path: &str) -> Result<Vec<Revision>, StoreError> {
        let path = path.to_owned();
        self.with_conn(move |conn| {
            query_revisions(
                conn,
                &format!("SELECT {COLUMNS} FROM content_revisions WHERE path = ?1 ORDER BY number"),
                [path],
            )
        })
        .await
    }

    async fn save_content(&self, mut save: ContentSave) -> Result<Revision, StoreError> {
        self.with_conn(move |conn| {
            // IMMEDIATE takes the write lock first: the version read below cannot go stale.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            let version: i64 = tx
                .query_row(
                    "SELECT COALESCE(MAX(number), 0) FROM content_revisions WHERE path = ?1",
                    [&save.path],
                    |r| r.get(0),
                )
                .map_err(backend)?;
            if version as u64 != save.expected_version {
                return Err(StoreError::Conflict);
            }
            let mut number = save.expected_version + 1;
            if let (0, Some(original)) = (version, save.original.take()) {
                insert_revision(&tx, &Revision::original(&save.path, original, save.at))?;
                number += 1;
            }
            let draft = Revision::draft(save, number);
            insert_revision(&tx, &draft)?;
            tx.commit().map_err(backend)?;
            Ok(draft)
        })
        .await
    }

    async fn publish_content(&self, publisher: &str, at: Timestamp) -> Result<Vec<Revision>, StoreError> {
        let publisher = publisher.to_owned();
        self.with_conn(move |conn| {
            // One write transaction: a save cannot land between choosing the drafts and marking them.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            let waiting: Vec<Revision> = newest(&tx)?.into_iter().filter(|r| r.kind == RevisionKind::Draft).collect();
            let mut published = Vec::with_capacity(waiting.len());
            for r in waiting {
                tx.execute(
                    "UPDATE content_revisions SET kind = ?1, published_by = ?2, published_at = ?3
                     WHERE path = ?4 AND number = ?5",
                    params![RevisionKind::Published.code(), publisher, sortable(at), r.path, r.number as i64],
                )
                .map_err(backend)?;
                published.push(Revision {
                    kind: RevisionKind::Published,
                    published: Some((publisher.clone(), at)),
                    ..r
                });
            }
            tx.commit().map_err(backend)?;
            Ok(published)
        })
        .await
    }

    async fn live_content(&self) -> Result<Vec<Revision>, StoreError> {
        self.with_conn(|conn| {
            query_revisions(
                conn,
                &format!(
                    "SELECT {COLUMNS} FROM content_revisions r
                     WHERE number = (SELECT MAX(number) FROM content_revisions
                                     WHERE path = r.path AND kind != ?1)
                     ORDER BY path"
                ),
                [RevisionKind::Draft.code()],
            )
        })
        .await
    }

    async fn seed_content(&self, path: &str, text: &str, at: Timestamp) -> Result<bool, StoreError> {
        let original = Revision::original(path, text.to_owned(), at);
        self.with_conn(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            // Every file with revisions has a revision 1 (numbers start there and none is deleted).
            let exists = tx
                .query_row("SELECT 1 FROM content_revisions WHERE path = ?1 AND number = 1", [&original.path], |_| {
                    Ok(())
                })
                .optional()
                .map_err(backend)?
                .is_some();
            if exists {
                return Ok(false);
            }
            insert_revision(&tx, &original)?;
            tx.commit().map_err(backend)?;
            Ok(true)
        })
        .await
    }
}
