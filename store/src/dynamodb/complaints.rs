//! Registering complaints, replays, their uploads, the public view and the rate limits.

use super::attributes::{history_item, n, number, opt_date, opt_string, provisional_of, put_opt, s, string};
use super::{DynamoStore, Item, OPEN_INDEX, RECEIVED_INDEX, TTL_ATTRIBUTE, build, open_marker, sdk};
use crate::fields::{parse_jenis, parse_status, parse_ts};
use crate::retry::{current_deadline, in_turn, pause};
use crate::{
    ComplaintStore, NewComplaint, PendingUpload, PublicEvent, PublicRecord, RateDecision, Receipt, StoreError,
    StoredReplay, Submitted, intake_entry,
};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use jiff::Timestamp;
use pengaduan_core::RegisterNumber;
use std::collections::HashMap;
use std::time::Duration;

/// How one submission transaction ended.
enum Attempt {
    /// Stored under the next number.
    Stored(Receipt),
    /// The idempotency record is there already: the stored first answer.
    Replay(StoredReplay),
    /// Another instance moved the counter: its value now.
    Moved(i64),
    /// Cancelled for another reason (a conflicting transaction in flight): try again later.
    Conflict,
}

/// The positions in the submission's transaction of the items whose cancellation says why.
const COUNTER_AT: usize = 0;
const IDEMPOTENCY_AT: usize = 3;

impl DynamoStore {
    /// The counter's value, read.
    async fn counter_value(&self, counter_sk: &str) -> Result<i64, StoreError> {
        match self.get("COUNTER", counter_sk).await? {
            Some(item) => number(&item, "value"),
            None => Ok(0),
        }
    }

    /// One transaction storing `c` under the number after `last`.
    async fn try_submit(&self, c: &NewComplaint, counter_sk: &str, last: i64) -> Result<Attempt, StoreError> {
        let seq = last + 1;
        let nomor = RegisterNumber::new(&c.prefix, c.year, seq as u64).to_string();
        let receipt = Receipt { nomor: nomor.clone(), ..c.receipt.clone() };
        let kept = Receipt { kode_lacak: c.replay_code.clone(), ..receipt.clone() };
        let receipt_json = serde_json::to_string(&kept).map_err(|e| StoreError::Corrupt(e.to_string()))?;

        let counter = if last == 0 {
            Update::builder().condition_expression("attribute_not_exists(pk)")
        } else {
            Update::builder().condition_expression("#v = :last").expression_attribute_values(":last", n(last))
        }
        .table_name(&self.table)
        .key("pk", s("COUNTER"))
        .key("sk", s(counter_sk))
        // A lost race hands back the counter's value with the cancellation: no read to retry.
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .update_expression("SET #v = :next")
        .expression_attribute_names("#v", "value")
        .expression_attribute_values(":next", n(seq))
        .build()
        .map_err(build)?;

        let sub = &c.submission;
        let mut register: Item = HashMap::from([
            ("pk".into(), s(&format!("COMPLAINT#{nomor}"))),
            ("sk".into(), s("REGISTER")),
            ("nomor".into(), s(&nomor)),
            ("prefix".into(), s(&c.prefix)),
            ("year".into(), n(i64::from(c.year))),
            ("seq".into(), n(seq)),
            ("kode_hash".into(), s(&c.kode_hash)),
            ("channel".into(), s(c.channel.code())),
            ("jenis".into(), s(sub.jenis.code())),
            ("judul".into(), s(&sub.judul)),
            ("status".into(), s(c.receipt.status.code())),
            ("received_at".into(), s(&c.received_at.to_string())),
            ("anonim".into(), AttributeValue::Bool(sub.anonim)),
            ("rahasia".into(), AttributeValue::Bool(sub.rahasia)),
            ("isi".into(), s(&sub.isi)),
            ("version".into(), n(1)),
            // The complainant's language; absent on complaints stored before: Indonesian.
            ("lang".into(), s(c.lang.code())),
            // Files it by period: the register export and the statistics query months.
            (RECEIVED_INDEX.into(), s(&pengaduan_core::stats::month_key(c.received_on))),
        ]);
        put_opt(&mut register, "layanan", sub.layanan.as_deref());
        put_opt(&mut register, "lokasi", sub.lokasi.as_deref());
        put_opt(&mut register, "tanggal_kejadian", sub.tanggal_kejadian.map(|d| d.to_string()).as_deref());
        if let Some(open) = open_marker(c.receipt.status) {
            register.insert(OPEN_INDEX.into(), open);
        }

        let p = &sub.personal;
        // Under its own partition key, in the same transaction as the register item.
        let mut personal: Item = super::personal::personal_key(&nomor);
        put_opt(&mut personal, "nama", p.nama.as_deref());
        put_opt(&mut personal, "email", p.email.as_deref());
        put_opt(&mut personal, "telepon", p.telepon.as_deref());
        put_opt(&mut personal, "nik", p.nik.as_deref());
        put_opt(&mut personal, "alamat", p.alamat.as_deref());

        let idempotency: Item = HashMap::from([
            ("pk".into(), s(&format!("IDEMPOTENCY#{}", c.idempotency_key))),
            ("sk".into(), s("IDEMPOTENCY")),
            ("receipt".into(), s(&receipt_json)),
            (TTL_ATTRIBUTE.into(), n(c.idempotency_expires_at.as_second())),
        ]);
        let mut idempotency = idempotency;
        put_opt(&mut idempotency, "body", c.body_digest.as_deref());

        let idem_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(idempotency))
            .condition_expression("attribute_not_exists(pk) OR #exp <= :now")
            // A replay hands back the first answer with the cancellation.
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .expression_attribute_names("#exp", TTL_ATTRIBUTE)
            .expression_attribute_values(":now", n(c.received_at.as_second()))
            .build()
            .map_err(build)?;

        let history = history_item(&nomor, &intake_entry(c), "");
        // The complaint names its uploads until they are committed: a sweeper finds them under
        // one partition key, with a query, never a scan.
        let pending = (!c.uploads.is_empty()).then(|| {
            HashMap::from([
                ("pk".to_owned(), s(PENDING_PK)),
                ("sk".to_owned(), s(&nomor)),
                ("uploads".to_owned(), s(&crate::uploads::encode(&c.uploads))),
            ])
        });

        let mut transaction = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(counter).build())
            .transact_items(TransactWriteItem::builder().put(self.create(register)?).build())
            .transact_items(TransactWriteItem::builder().put(self.create(personal)?).build())
            .transact_items(TransactWriteItem::builder().put(idem_put).build())
            .transact_items(TransactWriteItem::builder().put(self.create(history)?).build());
        if let Some(pending) = pending {
            transaction = transaction.transact_items(TransactWriteItem::builder().put(self.create(pending)?).build());
        }
        if let Some(message) = &c.message {
            let message = pengaduan_core::notice::Message { nomor: nomor.clone(), ..message.clone() };
            let item = crate::outbox::dynamodb::item(&nomor, 1, &message, c.received_at)?;
            transaction = transaction.transact_items(TransactWriteItem::builder().put(self.create(item)?).build());
        }
        let reasons = match transaction.send().await {
            Ok(_) => return Ok(Attempt::Stored(receipt)),
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => match e.into_err() {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => cancelled.cancellation_reasons,
                _ => None,
            },
            Err(e) => return Err(sdk(e)),
        }
        .unwrap_or_default();
        let failed =
            |at: usize| reasons.get(at).filter(|r| r.code() == Some("ConditionalCheckFailed")).map(|r| r.item());
        // The replay first: when the SDK resent a transaction that had committed, the counter
        // moved too, by this very submission.
        if let Some(Some(previous)) = failed(IDEMPOTENCY_AT) {
            return Ok(Attempt::Replay(stored_replay(previous)?));
        }
        Ok(match failed(COUNTER_AT) {
            Some(Some(counter)) => Attempt::Moved(number(counter, "value")?),
            // The counter expected is not there: none yet.
            Some(None) => Attempt::Moved(0),
            None => Attempt::Conflict,
        })
    }

    /// Stores a new complaint and its first history entry: in this process's turn on the
    /// counter, then as many transactions as races with other instances take, until the
    /// request's deadline.
    async fn submit_new(&self, c: &NewComplaint) -> Result<Submitted, StoreError> {
        let deadline = current_deadline();
        let counter_sk = RegisterNumber::counter_name(&c.prefix, c.year);
        let turn = self.counters.turn(&counter_sk);
        let mut known = in_turn(&turn, deadline).await?;
        let mut tries = 0;
        loop {
            tries += 1;
            let last = match known.take() {
                Some(last) => last,
                None => self.counter_value(&counter_sk).await?,
            };
            // `known` stays empty until the transaction says what the counter holds: after an
            // error nobody knows.
            match self.try_submit(c, &counter_sk, last).await? {
                Attempt::Stored(receipt) => {
                    *known = Some(last + 1);
                    return Ok(Submitted::New(receipt));
                }
                Attempt::Replay(previous) => {
                    // Our own write: the transaction committed but its answer was lost and the
                    // SDK's retry was cancelled by the very items it had written.
                    // The record keeps the code sealed (`replay_code`): ours, if it is ours.
                    return Ok(if previous.receipt.kode_lacak == c.replay_code {
                        Submitted::New(Receipt { kode_lacak: c.receipt.kode_lacak.clone(), ..previous.receipt })
                    } else {
                        previous.judge(c.body_digest.as_deref())
                    });
                }
                // Another instance took the number; the fresh value in hand, try it at once:
                // each such race has a winner, and this instance sends one contender only.
                Attempt::Moved(current) if tokio::time::Instant::now() < deadline => *known = Some(current),
                Attempt::Moved(_) => return Err(StoreError::Contention(tries)),
                Attempt::Conflict => pause(tries, deadline).await?,
            }
        }
    }
}

/// The stored first answer in an idempotency record.
fn stored_replay(item: &Item) -> Result<StoredReplay, StoreError> {
    let json = string(item, "receipt")?;
    let receipt = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("idempotency record: {e}")))?;
    Ok(StoredReplay { receipt, body: opt_string(item, "body") })
}

/// The partition of the items naming complaints whose uploads are not committed yet.
pub(super) const PENDING_PK: &str = "PENDING";

impl ComplaintStore for DynamoStore {
    async fn pending_uploads(&self, nomor: &RegisterNumber) -> Result<Vec<PendingUpload>, StoreError> {
        match self.get(PENDING_PK, &nomor.to_string()).await? {
            Some(item) => crate::uploads::decode(&string(&item, "uploads")?),
            None => Ok(Vec::new()),
        }
    }

    async fn unfinished_uploads(&self, limit: usize) -> Result<Vec<(RegisterNumber, Vec<PendingUpload>)>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(PENDING_PK))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(sdk)?;
        out.items
            .unwrap_or_default()
            .iter()
            .map(|item| {
                let nomor = crate::fields::parse_number(&string(item, "sk")?)?;
                Ok((nomor, crate::uploads::decode(&string(item, "uploads")?)?))
            })
            .collect()
    }

    async fn uploads_committed(&self, nomor: &RegisterNumber) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(PENDING_PK))
            .key("sk", s(&nomor.to_string()))
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    async fn find_replay(&self, key: &str, now: Timestamp) -> Result<Option<StoredReplay>, StoreError> {
        let Some(item) = self.get(&format!("IDEMPOTENCY#{key}"), "IDEMPOTENCY").await? else {
            return Ok(None);
        };
        // TTL deletion is lazy (up to days late), so expiry is checked here too.
        if number(&item, TTL_ATTRIBUTE)? <= now.as_second() {
            return Ok(None);
        }
        stored_replay(&item).map(Some)
    }

    async fn submit(&self, c: NewComplaint) -> Result<Submitted, StoreError> {
        self.submit_new(&c).await
    }

    async fn find_public(&self, nomor: &RegisterNumber) -> Result<Option<PublicRecord>, StoreError> {
        let Some(item) = self.get(&format!("COMPLAINT#{nomor}"), "REGISTER").await? else {
            return Ok(None);
        };
        let history = self.complaint_items(&nomor.to_string(), true).await?;
        let status = parse_status(&string(&item, "status")?)?;
        let entries: Vec<(String, String)> = history
            .iter()
            .map(|h| (opt_string(h, "action").unwrap_or_default(), opt_string(h, "note").unwrap_or_default()))
            .collect();
        let return_reason =
            crate::complaints::return_reason(status, entries.iter().map(|(a, n)| (a.as_str(), n.as_str())));
        let events = history
            .iter()
            .map(|h| {
                Ok(PublicEvent {
                    status: parse_status(&string(h, "to_status")?)?,
                    at: parse_ts(&string(h, "at")?)?,
                    on: opt_date(h, "on_date")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(PublicRecord {
            nomor: nomor.clone(),
            kode_hash: string(&item, "kode_hash")?,
            status,
            jenis: parse_jenis(&string(&item, "jenis")?)?,
            judul: string(&item, "judul")?,
            received_at: parse_ts(&string(&item, "received_at")?)?,
            events,
            deadline: crate::fields::deadline(opt_date(&item, "deadline")?, provisional_of(&item)),
            next_step: opt_string(&item, "next_step"),
            return_reason,
            anonim: matches!(item.get("anonim"), Some(AttributeValue::Bool(true))),
        }))
    }

    async fn count_submission(&self, source: &str, now: Timestamp, limit: u32) -> Result<RateDecision, StoreError> {
        let pk = crate::submission_counter_key(source);
        self.count_in_window((pk, "RATE"), now, crate::SUBMISSION_WINDOW, limit).await
    }

    async fn count_event(
        &self,
        key: &str,
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        self.count_in_window((crate::event_counter_key(key, window), "EVENT"), now, window, limit).await
    }

    async fn peek_events(
        &self,
        key: &str,
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        let (log, _) = rate_log(self.get(&crate::event_counter_key(key, window), "EVENT").await?)?;
        Ok(crate::decide(&log, limit, now, window))
    }
}

/// The attribute holding a rate item's log: the moments (seconds) of its counted events.
const LOG: &str = "log";

/// The attribute that versions a rate item, for the conditional write of the next count.
const LOG_VERSION: &str = "versi";

/// How often a count is tried again when another request wrote the same log meanwhile. Only one
/// source's or key's own requests race for it; one of them wins each round.
const LOG_ATTEMPTS: usize = 20;

/// The log and version of a rate item (none yet: empty, version 0).
fn rate_log(item: Option<Item>) -> Result<(Vec<i64>, i64), StoreError> {
    let Some(item) = item else { return Ok((Vec::new(), 0)) };
    let log = match item.get(LOG) {
        Some(AttributeValue::L(values)) => values
            .iter()
            .map(|v| match v {
                AttributeValue::N(t) => t.parse().map_err(|_| StoreError::Corrupt(format!("rate log entry {t}"))),
                other => Err(StoreError::Corrupt(format!("rate log entry {other:?}"))),
            })
            .collect::<Result<_, _>>()?,
        other => return Err(StoreError::Corrupt(format!("rate log {other:?}"))),
    };
    let version = if item.contains_key(LOG_VERSION) { number(&item, LOG_VERSION)? } else { 0 };
    Ok((log, version))
}

impl DynamoStore {
    /// One more event on the item `(pk, sk)` at `now`, unless `limit` of them are already in
    /// the `window` before it: the log is read, decided on and written back only if its version
    /// is still the one read, so concurrent requests never count past the limit; a lost race
    /// reads again.
    async fn count_in_window(
        &self,
        (pk, sk): (String, &str),
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        for _ in 0..LOG_ATTEMPTS {
            let (log, version) = rate_log(self.get(&pk, sk).await?)?;
            let decision = crate::decide(&log, limit, now, window);
            if decision != RateDecision::Allowed {
                return Ok(decision);
            }
            let kept = crate::kept_after(&log, limit, now, window);
            let expires = kept.iter().max().copied().unwrap_or(now.as_second()).saturating_add(crate::seconds(window));
            let mut update = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("pk", s(&pk))
                .key("sk", s(sk))
                .update_expression("SET #log = :log, #v = :next, #exp = :exp")
                .expression_attribute_names("#log", LOG)
                .expression_attribute_names("#v", LOG_VERSION)
                .expression_attribute_names("#exp", TTL_ATTRIBUTE)
                .expression_attribute_values(":log", AttributeValue::L(kept.into_iter().map(n).collect()))
                .expression_attribute_values(":next", n(version + 1))
                .expression_attribute_values(":exp", n(expires));
            update = if version == 0 {
                update.condition_expression("attribute_not_exists(#v)")
            } else {
                update.condition_expression("#v = :read").expression_attribute_values(":read", n(version))
            };
            match update.send().await {
                Ok(_) => return Ok(RateDecision::Allowed),
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) => {}
                Err(e) => return Err(sdk(e)),
            }
        }
        // Every round lost to the same key's other requests: it is busy beyond any limit.
        Ok(RateDecision::Limited { retry_after: 1 })
    }
}
