//! Accounts, sessions, failed logins and the audit trail as items of the complaints' table.
//! Every partition key starts with a word no complaint item uses, and every read is a
//! `GetItem` or a `Query` of one partition, never a `Scan`:
//!
//! - `AKUN` / `<username>`: one account. All accounts are one partition, so listing them is
//!   one `Query` (an office has tens of staff).
//! - `SESI#<digest>` / `SESI`: one session, found by the digest of its identifier; expires
//!   through `expires_at` (TTL) 12 hours after it began.
//! - `SESI-AKUN#<username>` / `<digest>`: names one session of the account, written in the same
//!   transaction as the session and expiring with it, so that ending every session of an
//!   account is a `Query`.
//! - `GAGAL#<username>` / `<at>#<random>`: one failed login (or a password check under way)
//!   with the key of its `source`, expiring an hour after it.
//! - `GAGAL-SUMBER#<source>` / `<at>#<random>`: the same failure under its source, written in the
//!   same transaction, so a source's failures on every account are one `Query`.
//! - `GAGAL-JAGA#<username>` and `GAGAL-JAGA-SUMBER#<source>` / `JAGA`: a version number each,
//!   raised by every reserved check; a reservation is written only if neither changed since the
//!   failures it was judged on were read, so concurrent attempts cannot all pass the limit.
//! - `AUDIT#<YYYY-MM>` / `<at>#<random>`: one audit entry, in the partition of its month (UTC),
//!   created only if absent and never updated; read newest first with a descending `Query`.
//! - `AUDIT-BULAN` / `<YYYY-MM>`: a month that has audit entries, so the trail is read month
//!   by month from the newest without guessing which months exist.
//!
//! `<at>` is an instant in UTC with nine fractional digits, so the sort key's order is time order.

use super::fields::{FAILURE_KEPT, SESSION_KEPT, parse_action, parse_role};
use super::{Account, AccountStore, AuditEntry, LoginReservation, Session, judge_reservation};
use crate::StoreError;
use crate::dynamodb::{DynamoStore, Item, TTL_ATTRIBUTE, build, n, opt_string, put_opt, s, sdk, string};
use crate::fields::{parse_ts, random_suffix, sortable};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem, Update};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use pengaduan_core::access::LOCKOUT_WINDOW;
use std::collections::HashMap;

const ACCOUNTS_PK: &str = "AKUN";
const SESSION_SK: &str = "SESI";
const AUDIT_MONTHS_PK: &str = "AUDIT-BULAN";

fn session_pk(digest: &str) -> String {
    format!("SESI#{digest}")
}

fn sessions_of_pk(username: &str) -> String {
    format!("SESI-AKUN#{username}")
}

fn failures_pk(username: &str) -> String {
    format!("GAGAL#{username}")
}

fn source_failures_pk(source: &str) -> String {
    format!("GAGAL-SUMBER#{source}")
}

fn guard_pk(username: &str) -> String {
    format!("GAGAL-JAGA#{username}")
}

fn source_guard_pk(source: &str) -> String {
    format!("GAGAL-JAGA-SUMBER#{source}")
}

const GUARD_SK: &str = "JAGA";

/// Attempts a reservation makes before it gives up and refuses for a minute: only a storm of
/// concurrent logins on one account or source comes near it, and refusing is the safe answer.
const RESERVE_TRIES: u32 = 40;

fn audit_pk(month: &str) -> String {
    format!("AUDIT#{month}")
}

/// The month of `at` in UTC, `YYYY-MM`: the audit partition of an entry made then.
fn month_of(at: Timestamp) -> String {
    let d = at.to_zoned(TimeZone::UTC).date();
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The instant, in seconds since the epoch, at which DynamoDB may delete a record made at `at`.
fn expiry(at: Timestamp, kept: std::time::Duration) -> AttributeValue {
    n((at + kept).as_second())
}

fn account_item(a: &Account) -> Item {
    HashMap::from([
        ("pk".into(), s(ACCOUNTS_PK)),
        ("sk".into(), s(&a.username)),
        ("username".into(), s(&a.username)),
        ("name".into(), s(&a.name)),
        ("role".into(), s(a.role.code())),
        ("active".into(), AttributeValue::Bool(a.active)),
        ("password_hash".into(), s(&a.password_hash)),
        ("created_at".into(), s(&sortable(a.created_at))),
        ("password_set_at".into(), s(&sortable(a.password_set_at))),
    ])
}

fn read_account(item: &Item) -> Result<Account, StoreError> {
    Ok(Account {
        username: string(item, "username")?,
        name: string(item, "name")?,
        role: parse_role(&string(item, "role")?)?,
        active: match item.get("active") {
            Some(AttributeValue::Bool(b)) => *b,
            _ => return Err(StoreError::Corrupt("attribute active missing or not a boolean".into())),
        },
        password_hash: string(item, "password_hash")?,
        created_at: parse_ts(&string(item, "created_at")?)?,
        password_set_at: parse_ts(&string(item, "password_set_at")?)?,
    })
}

fn read_session(item: &Item) -> Result<Session, StoreError> {
    Ok(Session {
        id_digest: string(item, "id_digest")?,
        username: string(item, "username")?,
        role: parse_role(&string(item, "role")?)?,
        csrf_token: string(item, "csrf_token")?,
        created_at: parse_ts(&string(item, "created_at")?)?,
        last_seen: parse_ts(&string(item, "last_seen")?)?,
    })
}

fn read_audit(item: &Item) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        at: parse_ts(&string(item, "at")?)?,
        username: string(item, "username")?,
        role: opt_string(item, "role").as_deref().map(parse_role).transpose()?,
        action: parse_action(&string(item, "action")?)?,
        nomor: opt_string(item, "nomor"),
        detail: opt_string(item, "detail").unwrap_or_default(),
    })
}

fn is_conditional_put(e: &SdkError<PutItemError, impl std::fmt::Debug>) -> bool {
    matches!(e, SdkError::ServiceError(e) if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)))
}

fn is_conditional_update(e: &SdkError<UpdateItemError, impl std::fmt::Debug>) -> bool {
    matches!(e, SdkError::ServiceError(e) if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)))
}

/// How a partition is read by [`DynamoStore::query_partition`].
struct Partition<'a> {
    pk: &'a str,
    /// Only sort keys at or after this one.
    sk_from: Option<&'a str>,
    newest_first: bool,
    /// Stop after this many items.
    limit: Option<usize>,
}

impl DynamoStore {
    /// The items of one partition in sort-key order, every page of them (up to `limit`).
    async fn query_partition(&self, p: Partition<'_>) -> Result<Vec<Item>, StoreError> {
        let mut q = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .scan_index_forward(!p.newest_first)
            .expression_attribute_values(":pk", s(p.pk));
        q = match p.sk_from {
            Some(from) => {
                q.key_condition_expression("pk = :pk AND sk >= :from").expression_attribute_values(":from", s(from))
            }
            None => q.key_condition_expression("pk = :pk"),
        };
        if let Some(l) = p.limit {
            // Pages no longer than what is wanted; no page is asked for once `l` items are read.
            q = q.limit(i32::try_from(l.max(1)).unwrap_or(i32::MAX));
        }
        let limit = p.limit.unwrap_or(usize::MAX);
        let mut items = Vec::new();
        let mut stream = q.into_paginator().items().send();
        while items.len() < limit {
            match stream.try_next().await.map_err(sdk)? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(items)
    }

    /// The version of a lockout guard item, `0` when there is none yet.
    async fn guard_version(&self, pk: &str) -> Result<i64, StoreError> {
        match self.get(pk, GUARD_SK).await? {
            Some(item) => crate::dynamodb::number(&item, "versi"),
            None => Ok(0),
        }
    }

    /// Deletes the failed logins of `username` (from `source` only, when given) with their
    /// copies under their sources. Forgetting never needs the guards: a reservation judged on
    /// failures deleted meanwhile only judged more strictly.
    async fn forget_failures(&self, username: &str, source: Option<&str>) -> Result<(), StoreError> {
        let pk = failures_pk(username);
        let items =
            self.query_partition(Partition { pk: &pk, sk_from: None, newest_first: false, limit: None }).await?;
        for item in items {
            let from = opt_string(&item, "source");
            if source.is_some_and(|wanted| from.as_deref().unwrap_or_default() != wanted) {
                continue;
            }
            let sk = string(&item, "sk")?;
            self.delete(&pk, &sk).await?;
            if let Some(from) = from {
                self.delete(&source_failures_pk(&from), &sk).await?;
            }
        }
        Ok(())
    }

    async fn delete(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(sdk)?;
        Ok(out.attributes)
    }
}

impl AccountStore for DynamoStore {
    async fn create_account(&self, a: Account) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(account_item(&a)))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_put(&e) => Err(StoreError::Duplicate(a.username)),
            Err(e) => Err(sdk(e)),
        }
    }

    async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        self.get(ACCOUNTS_PK, username).await?.as_ref().map(read_account).transpose()
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let items =
            self.query_partition(Partition { pk: ACCOUNTS_PK, sk_from: None, newest_first: false, limit: None });
        items.await?.iter().map(read_account).collect()
    }

    async fn update_account(&self, a: Account) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(account_item(&a)))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_put(&e) => Err(StoreError::NotFound(a.username)),
            Err(e) => Err(sdk(e)),
        }
    }

    async fn create_session(&self, session: Session) -> Result<(), StoreError> {
        let expires = expiry(session.created_at, SESSION_KEPT);
        let item: Item = HashMap::from([
            ("pk".into(), s(&session_pk(&session.id_digest))),
            ("sk".into(), s(SESSION_SK)),
            ("id_digest".into(), s(&session.id_digest)),
            ("username".into(), s(&session.username)),
            ("role".into(), s(session.role.code())),
            ("csrf_token".into(), s(&session.csrf_token)),
            ("created_at".into(), s(&sortable(session.created_at))),
            ("last_seen".into(), s(&sortable(session.last_seen))),
            (TTL_ATTRIBUTE.into(), expires.clone()),
        ]);
        let pointer: Item = HashMap::from([
            ("pk".into(), s(&sessions_of_pk(&session.username))),
            ("sk".into(), s(&session.id_digest)),
            (TTL_ATTRIBUTE.into(), expires),
        ]);
        let put = |item: Item| {
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(build)
        };
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put(item)?).build())
            .transact_items(TransactWriteItem::builder().put(put(pointer)?).build())
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    async fn session(&self, id_digest: &str) -> Result<Option<Session>, StoreError> {
        self.get(&session_pk(id_digest), SESSION_SK).await?.as_ref().map(read_session).transpose()
    }

    async fn touch_session(&self, id_digest: &str, at: Timestamp) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&session_pk(id_digest)))
            .key("sk", s(SESSION_SK))
            .update_expression("SET last_seen = :at")
            // Never brings back a session that was ended: the update would create the item.
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":at", s(&sortable(at)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_update(&e) => Ok(()),
            Err(e) => Err(sdk(e)),
        }
    }

    async fn end_session(&self, id_digest: &str) -> Result<(), StoreError> {
        // The session first: once it is gone nobody is logged in with it, whatever happens next.
        if let Some(old) = self.delete(&session_pk(id_digest), SESSION_SK).await? {
            self.delete(&sessions_of_pk(&string(&old, "username")?), id_digest).await?;
        }
        Ok(())
    }

    async fn end_sessions_of(&self, username: &str) -> Result<(), StoreError> {
        let pk = sessions_of_pk(username);
        let pointers =
            self.query_partition(Partition { pk: &pk, sk_from: None, newest_first: false, limit: None }).await?;
        for pointer in pointers {
            let digest = string(&pointer, "sk")?;
            self.delete(&session_pk(&digest), SESSION_SK).await?;
            self.delete(&pk, &digest).await?;
        }
        Ok(())
    }

    async fn record_login_failure(&self, username: &str, at: Timestamp) -> Result<(), StoreError> {
        let item: Item = HashMap::from([
            ("pk".into(), s(&failures_pk(username))),
            ("sk".into(), s(&format!("{}#{}", sortable(at), random_suffix()))),
            ("at".into(), s(&sortable(at))),
            (TTL_ATTRIBUTE.into(), expiry(at, FAILURE_KEPT)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(sdk)?;
        Ok(())
    }

    async fn login_failures(&self, username: &str, since: Timestamp) -> Result<Vec<Timestamp>, StoreError> {
        let (pk, from) = (failures_pk(username), sortable(since));
        let items =
            self.query_partition(Partition { pk: &pk, sk_from: Some(&from), newest_first: false, limit: None }).await?;
        items.iter().map(|i| parse_ts(&string(i, "at")?)).collect()
    }

    async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        self.forget_failures(username, None).await
    }

    async fn reserve_login_check(
        &self,
        username: &str,
        source: &str,
        now: Timestamp,
    ) -> Result<LoginReservation, StoreError> {
        for attempt in 0..RESERVE_TRIES {
            // The versions first: a failure added after this read raises one of them, and the
            // write below is then refused.
            let account_version = self.guard_version(&guard_pk(username)).await?;
            let source_version = self.guard_version(&source_guard_pk(source)).await?;
            let (pk, from) =
                (failures_pk(username), sortable(now - SignedDuration::from_secs(2 * LOCKOUT_WINDOW.as_secs())));
            let items = self
                .query_partition(Partition { pk: &pk, sk_from: Some(&from), newest_first: false, limit: None })
                .await?;
            let account = items
                .iter()
                .map(|i| Ok((parse_ts(&string(i, "at")?)?, opt_string(i, "source").unwrap_or_default())))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let (spk, sfrom) = (source_failures_pk(source), sortable(now - LOCKOUT_WINDOW));
            let items = self
                .query_partition(Partition { pk: &spk, sk_from: Some(&sfrom), newest_first: false, limit: None })
                .await?;
            let source_times = items.iter().map(|i| parse_ts(&string(i, "at")?)).collect::<Result<Vec<_>, _>>()?;
            let answer = judge_reservation(&account, &source_times, source, now);
            if matches!(answer, LoginReservation::Refused { .. }) {
                return Ok(answer);
            }
            let sk = format!("{}#{}", sortable(now), random_suffix());
            let expires = expiry(now, FAILURE_KEPT);
            let mut failure: Item = HashMap::from([
                ("pk".into(), s(&pk)),
                ("sk".into(), s(&sk)),
                ("at".into(), s(&sortable(now))),
                (TTL_ATTRIBUTE.into(), expires.clone()),
            ]);
            put_opt(&mut failure, "source", Some(source).filter(|v| !v.is_empty()));
            let mirror: Item = HashMap::from([
                ("pk".into(), s(&spk)),
                ("sk".into(), s(&sk)),
                ("at".into(), s(&sortable(now))),
                ("username".into(), s(username)),
                (TTL_ATTRIBUTE.into(), expires.clone()),
            ]);
            let guard = |pk: String, version: i64| {
                let b = Update::builder();
                // Only the condition in use may name its values.
                let b = if version == 0 { b } else { b.expression_attribute_values(":seen", n(version)) };
                b.table_name(&self.table)
                    .key("pk", s(&pk))
                    .key("sk", s(GUARD_SK))
                    .update_expression("SET versi = :next, #ttl = :exp")
                    .condition_expression(if version == 0 { "attribute_not_exists(versi)" } else { "versi = :seen" })
                    .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
                    .expression_attribute_values(":next", n(version + 1))
                    .expression_attribute_values(":exp", expires.clone())
                    .build()
                    .map_err(build)
            };
            let put = |item: Item| Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(build);
            let result = self
                .client
                .transact_write_items()
                .transact_items(
                    TransactWriteItem::builder().update(guard(guard_pk(username), account_version)?).build(),
                )
                .transact_items(
                    TransactWriteItem::builder().update(guard(source_guard_pk(source), source_version)?).build(),
                )
                .transact_items(TransactWriteItem::builder().put(put(failure)?).build())
                .transact_items(TransactWriteItem::builder().put(put(mirror)?).build())
                .send()
                .await;
            match result {
                Ok(_) => return Ok(answer),
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), TransactWriteItemsError::TransactionCanceledException(_)) =>
                {
                    // Another attempt counted first: judge again on what it left. A little
                    // random wait keeps the racers from meeting again at once.
                    let jitter = u64::from(random_suffix().as_bytes()[0] % 16);
                    tokio::time::sleep(std::time::Duration::from_millis(5 + jitter * u64::from(attempt.min(8)))).await;
                }
                Err(e) => return Err(sdk(e)),
            }
        }
        Ok(LoginReservation::Refused { until: now + SignedDuration::from_mins(1) })
    }

    async fn login_succeeded(&self, username: &str, source: &str) -> Result<(), StoreError> {
        self.forget_failures(username, Some(source)).await
    }

    async fn record_audit(&self, e: AuditEntry) -> Result<(), StoreError> {
        let month = month_of(e.at);
        // The month first: an entry is never in a month the trail does not know of.
        let marker: Item = HashMap::from([("pk".into(), s(AUDIT_MONTHS_PK)), ("sk".into(), s(&month))]);
        self.client.put_item().table_name(&self.table).set_item(Some(marker)).send().await.map_err(sdk)?;
        let mut item: Item = HashMap::from([
            ("pk".into(), s(&audit_pk(&month))),
            ("sk".into(), s(&format!("{}#{}", sortable(e.at), random_suffix()))),
            ("at".into(), s(&sortable(e.at))),
            ("username".into(), s(&e.username)),
            ("action".into(), s(e.action.code())),
        ]);
        put_opt(&mut item, "role", e.role.map(|r| r.code()));
        put_opt(&mut item, "nomor", e.nomor.as_deref());
        // Empty strings are left out: older DynamoDB-compatible servers refuse them.
        put_opt(&mut item, "detail", Some(e.detail.as_str()).filter(|d| !d.is_empty()));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    async fn audit_trail(&self, since: Timestamp, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let mut entries = Vec::new();
        if limit == 0 {
            return Ok(entries);
        }
        let first_month = month_of(since);
        let months = self
            .query_partition(Partition {
                pk: AUDIT_MONTHS_PK,
                sk_from: Some(&first_month),
                newest_first: true,
                limit: None,
            })
            .await?;
        let from = sortable(since);
        for month in months {
            let pk = audit_pk(&string(&month, "sk")?);
            let items = self
                .query_partition(Partition {
                    pk: &pk,
                    sk_from: Some(&from),
                    newest_first: true,
                    limit: Some(limit - entries.len()),
                })
                .await?;
            for item in &items {
                entries.push(read_audit(item)?);
            }
            if entries.len() >= limit {
                break;
            }
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_months_are_utc_months() {
        let at: Timestamp = "2026-11-30T17:30:00Z".parse().unwrap();
        assert_eq!(month_of(at), "2026-11", "00.30 WIB on 1 December is still November in UTC");
        assert_eq!(month_of("2027-01-01T00:00:00Z".parse().unwrap()), "2027-01");
    }

    #[test]
    fn no_key_collides_with_complaint_items() {
        let complaint_prefixes =
            ["COMPLAINT#", "PRIBADI#", "COUNTER", "PENDING", "IDEMPOTENCY#", "RATE#", "EVENT#", "META#"];
        for pk in [
            ACCOUNTS_PK.to_owned(),
            session_pk("d"),
            sessions_of_pk("u"),
            failures_pk("u"),
            source_failures_pk("s"),
            guard_pk("u"),
            source_guard_pk("s"),
            audit_pk("m"),
        ]
        .into_iter()
        .chain([AUDIT_MONTHS_PK.to_owned()])
        {
            assert!(!complaint_prefixes.iter().any(|p| pk.starts_with(p)), "{pk}");
        }
    }
}
