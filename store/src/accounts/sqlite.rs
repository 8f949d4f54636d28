//! Accounts, sessions, failed logins and the audit trail in the SQLite file (tables of
//! migration 4, `sqlite/migrations/0004_accounts.sql`).

use super::fields::{FAILURE_KEPT, SESSION_KEPT, parse_action, parse_role};
use super::{Account, AccountStore, AuditEntry, LoginReservation, Session, judge_reservation};
use crate::StoreError;
use crate::fields::{parse_ts, sortable};
use crate::sqlite::{SqliteStore, backend};
use jiff::{SignedDuration, Timestamp};
use pengaduan_core::access::LOCKOUT_WINDOW;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

const ACCOUNT_COLUMNS: &str = "username, name, role, active, password_hash, created_at, password_set_at";

fn read_account(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawAccount> {
    Ok(RawAccount {
        username: r.get("username")?,
        name: r.get("name")?,
        role: r.get("role")?,
        active: r.get("active")?,
        password_hash: r.get("password_hash")?,
        created_at: r.get("created_at")?,
        password_set_at: r.get("password_set_at")?,
    })
}

/// An account row as SQLite holds it, checked by [`RawAccount::check`].
struct RawAccount {
    username: String,
    name: String,
    role: String,
    active: bool,
    password_hash: String,
    created_at: String,
    password_set_at: String,
}

impl RawAccount {
    fn check(self) -> Result<Account, StoreError> {
        Ok(Account {
            username: self.username,
            name: self.name,
            role: parse_role(&self.role)?,
            active: self.active,
            password_hash: self.password_hash,
            created_at: parse_ts(&self.created_at)?,
            password_set_at: parse_ts(&self.password_set_at)?,
        })
    }
}

impl AccountStore for SqliteStore {
    async fn create_account(&self, a: Account) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let inserted = conn
                .execute(
                    &format!(
                        "INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                         ON CONFLICT (username) DO NOTHING"
                    ),
                    params![
                        a.username,
                        a.name,
                        a.role.code(),
                        a.active,
                        a.password_hash,
                        sortable(a.created_at),
                        sortable(a.password_set_at),
                    ],
                )
                .map_err(backend)?;
            if inserted == 0 {
                return Err(StoreError::Duplicate(a.username));
            }
            Ok(())
        })
        .await
    }

    async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let username = username.to_owned();
        self.with_conn(move |conn| {
            conn.query_row(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = ?1"), [&username], |r| {
                read_account(r)
            })
            .optional()
            .map_err(backend)?
            .map(RawAccount::check)
            .transpose()
        })
        .await
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.with_conn(move |conn| {
            let mut stmt =
                conn.prepare(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY username")).map_err(backend)?;
            let raw: Vec<RawAccount> =
                stmt.query_map([], read_account).map_err(backend)?.collect::<Result<_, _>>().map_err(backend)?;
            raw.into_iter().map(RawAccount::check).collect()
        })
        .await
    }

    async fn update_account(&self, a: Account) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let updated = conn
                .execute(
                    "UPDATE accounts SET name = ?2, role = ?3, active = ?4, password_hash = ?5, created_at = ?6,
                         password_set_at = ?7
                     WHERE username = ?1",
                    params![
                        a.username,
                        a.name,
                        a.role.code(),
                        a.active,
                        a.password_hash,
                        sortable(a.created_at),
                        sortable(a.password_set_at),
                    ],
                )
                .map_err(backend)?;
            if updated == 0 {
                return Err(StoreError::NotFound(a.username));
            }
            Ok(())
        })
        .await
    }

    async fn create_session(&self, s: Session) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction().map_err(backend)?;
            // Nothing else deletes sessions that simply ran out (DynamoDB's TTL does, there).
            tx.execute("DELETE FROM sessions WHERE created_at < ?1", [sortable(s.created_at - SESSION_KEPT)])
                .map_err(backend)?;
            tx.execute(
                "INSERT INTO sessions (id_digest, username, role, csrf_token, created_at, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    s.id_digest,
                    s.username,
                    s.role.code(),
                    s.csrf_token,
                    sortable(s.created_at),
                    sortable(s.last_seen)
                ],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn session(&self, id_digest: &str) -> Result<Option<Session>, StoreError> {
        let id_digest = id_digest.to_owned();
        self.with_conn(move |conn| {
            type Raw = (String, String, String, String, String, String);
            let raw: Option<Raw> = conn
                .query_row(
                    "SELECT id_digest, username, role, csrf_token, created_at, last_seen FROM sessions
                     WHERE id_digest = ?1",
                    [&id_digest],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                )
                .optional()
                .map_err(backend)?;
            raw.map(|(id_digest, username, role, csrf_token, created_at, last_seen)| {
                Ok(Session {
                    id_digest,
                    username,
                    role: parse_role(&role)?,
                    csrf_token,
                    created_at: parse_ts(&created_at)?,
                    last_seen: parse_ts(&last_seen)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn touch_session(&self, id_digest: &str, at: Timestamp) -> Result<(), StoreError> {
        let id_digest = id_digest.to_owned();
        self.with_conn(move |conn| {
            // A session ended meanwhile stays ended: nothing to touch, and no error.
            conn.execute("UPDATE sessions SET last_seen = ?2 WHERE id_digest = ?1", params![id_digest, sortable(at)])
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn end_session(&self, id_digest: &str) -> Result<(), StoreError> {
        let id_digest = id_digest.to_owned();
        self.with_conn(move |conn| {
            conn.execute("DELETE FROM sessions WHERE id_digest = ?1", [&id_digest]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn end_sessions_of(&self, username: &str) -> Result<(), StoreError> {
        let username = username.to_owned();
        self.with_conn(move |conn| {
            conn.execute("DELETE FROM sessions WHERE username = ?1", [&username]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn record_login_failure(&self, username: &str, at: Timestamp) -> Result<(), StoreError> {
        let username = username.to_owned();
        self.with_conn(move |conn| {
            let tx = conn.transaction().map_err(backend)?;
            // Failures for names that never log in would otherwise pile up.
            tx.execute("DELETE FROM login_failures WHERE at < ?1", [sortable(at - FAILURE_KEPT)]).map_err(backend)?;
            tx.execute("INSERT INTO login_failures (username, at) VALUES (?1, ?2)", params![username, sortable(at)])
                .map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn login_failures(&self, username: &str, since: Timestamp) -> Result<Vec<Timestamp>, StoreError> {
        let username = username.to_owned();
        self.with_conn(move |conn| {
            let mut stmt = conn
                .prepare("SELECT at FROM login_failures WHERE username = ?1 AND at >= ?2 ORDER BY at")
                .map_err(backend)?;
            let raw: Vec<String> = stmt
                .query_map(params![username, sortable(since)], |r| r.get(0))
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            raw.iter().map(|at| parse_ts(at)).collect()
        })
        .await
    }

    async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        let username = username.to_owned();
        self.with_conn(move |conn| {
            conn.execute("DELETE FROM login_failures WHERE username = ?1", [&username]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn reserve_login_check(
        &self,
        username: &str,
        source: &str,
        now: Timestamp,
    ) -> Result<LoginReservation, StoreError> {
        let (username, source) = (username.to_owned(), source.to_owned());
        self.with_conn(move |conn| {
            // IMMEDIATE takes the write lock before the read: two attempts cannot both read the
            // count below the limit, in this process or another one on the same file.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            tx.execute("DELETE FROM login_failures WHERE at < ?1", [sortable(now - FAILURE_KEPT)]).map_err(backend)?;
            // Twice the window: a lock that began within the last window may rest on older failures.
            let since = sortable(now - SignedDuration::from_secs(2 * LOCKOUT_WINDOW.as_secs()));
            let raw: Vec<(String, String)> = tx
                .prepare("SELECT at, source FROM login_failures WHERE username = ?1 AND at >= ?2")
                .map_err(backend)?
                .query_map(params![username, since], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            let account =
                raw.into_iter().map(|(at, s)| Ok((parse_ts(&at)?, s))).collect::<Result<Vec<_>, StoreError>>()?;
            let raw: Vec<String> = tx
                .prepare("SELECT at FROM login_failures WHERE source = ?1 AND at >= ?2")
                .map_err(backend)?
                .query_map(params![source, sortable(now - LOCKOUT_WINDOW)], |r| r.get(0))
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            let source_times = raw.iter().map(|at| parse_ts(at)).collect::<Result<Vec<_>, StoreError>>()?;
            let answer = judge_reservation(&account, &source_times, &source, now);
            if matches!(answer, LoginReservation::Reserved { .. }) {
                tx.execute(
                    "INSERT INTO login_failures (username, at, source) VALUES (?1, ?2, ?3)",
                    params![username, sortable(now), source],
                )
                .map_err(backend)?;
            }
            tx.commit().map_err(backend)?;
            Ok(answer)
        })
        .await
    }

    async fn login_succeeded(&self, username: &str, source: &str) -> Result<(), StoreError> {
        let (username, source) = (username.to_owned(), source.to_owned());
        self.with_conn(move |conn| {
            conn.execute("DELETE FROM login_failures WHERE username = ?1 AND source = ?2", [&username, &source])
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn record_audit(&self, e: AuditEntry) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO audit (at, username, role, action, nomor, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![sortable(e.at), e.username, e.role.map(|r| r.code()), e.action.code(), e.nomor, e.detail],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn audit_trail(&self, since: Timestamp, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.with_conn(move |conn| {
            type Raw = (String, String, Option<String>, String, Option<String>, String);
            // Entries of the same instant: the later written first, as with a newer instant.
            let mut stmt = conn
                .prepare(
                    "SELECT at, username, role, action, nomor, detail FROM audit WHERE at >= ?1
                     ORDER BY at DESC, rowid DESC LIMIT ?2",
                )
                .map_err(backend)?;
            let raw: Vec<Raw> = stmt
                .query_map(params![sortable(since), i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })
                .map_err(backend)?
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            raw.into_iter()
                .map(|(at, username, role, action, nomor, detail)| {
                    Ok(AuditEntry {
                        at: parse_ts(&at)?,
                        username,
                        role: role.as_deref().map(parse_role).transpose()?,
                        action: parse_action(&action)?,
                        nomor,
                        detail,
                    })
                })
                .collect()
        })
        .await
    }
}
