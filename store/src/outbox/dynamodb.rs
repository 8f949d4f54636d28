//! The outbox on DynamoDB, never a `Scan`:
//!
//! - `COMPLAINT#<nomor>` / `SUREL#000002`: one message, in its complaint's partition (so the
//!   erasure of personal data finds it with a query), created in the change's transaction.
//!   While pending or failed it carries `surel` (`tertunda` or `gagal`) and `surel_jatuh` (the
//!   due time, zero-padded seconds): the sparse index [`INDEX`] lists what is due and what failed.
//!   Delivered, it loses both and its message. `bahasa` is the message's language (`id`, `en`;
//!   absent on items recorded before it was kept: Indonesian).
//! - `SUREL-TOLAK#<digest>` / `SUREL-TOLAK`: an address mail bounces from, by digest.
//!
//! On AWS an insert of a message item reaches the delivery function through the table's
//! stream (keys only), and a schedule delivers what is due again after a failed try.

use super::{LEASE, OutboxEntry, OutboxState, OutboxStore, Outcome, id_of};
use crate::StoreError;
use crate::dynamodb::{DynamoStore, Item, build, n, number, opt_string, s, sdk, string};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem, Update};
use jiff::Timestamp;
use pengaduan_core::notice::Message;
use std::collections::HashMap;

/// The sparse global secondary index of pending and failed messages (partition `surel`, sort
/// `surel_jatuh`, keys only).
pub const INDEX: &str = "surel";

/// The index's sort key attribute: when the message is due.
pub const DUE: &str = "surel_jatuh";

/// The attribute of a message item keeping its language.
pub const LANG: &str = "bahasa";

/// The sort key prefix of message items.
pub const SK_PREFIX: &str = "SUREL#";

/// Seconds since the epoch as equal-length text, so text order is time order.
fn due(at: Timestamp) -> String {
    format!("{:012}", at.as_second().max(0))
}

/// The partition and sort key of entry `id` (`<nomor>#<version>`).
fn keys(id: &str) -> Result<(String, String), StoreError> {
    let (nomor, version) = id.rsplit_once('#').ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
    Ok((format!("COMPLAINT#{nomor}"), format!("{SK_PREFIX}{version}")))
}

/// The item recording `message`, caused by the change taking complaint `nomor` to `version`.
pub(crate) fn item(nomor: &str, version: u64, message: &Message, at: Timestamp) -> Result<Item, StoreError> {
    let json = serde_json::to_string(message).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(HashMap::from([
        ("pk".into(), s(&format!("COMPLAINT#{nomor}"))),
        ("sk".into(), s(&format!("{SK_PREFIX}{version:06}"))),
        ("pesan".into(), s(&json)),
        (LANG.into(), s(message.lang.code())),
        ("status_surel".into(), s(OutboxState::Tertunda.code())),
        ("percobaan".into(), n(0)),
        ("dibuat".into(), s(&at.to_string())),
        (INDEX.into(), s(OutboxState::Tertunda.code())),
        (DUE.into(), s(&due(at))),
    ]))
}

/// The updates, for an erasure's transaction, dropping the undelivered messages of complaint
/// `nomor` (they hold the address and the name).
pub(crate) async fn erase_updates(store: &DynamoStore, nomor: &str) -> Result<Vec<TransactWriteItem>, StoreError> {
    let out = store
        .client
        .query()
        .table_name(&store.table)
        .consistent_read(true)
        .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
        .expression_attribute_values(":pk", s(&format!("COMPLAINT#{nomor}")))
        .expression_attribute_values(":prefix", s(SK_PREFIX))
        .send()
        .await
        .map_err(sdk)?;
    let mut updates = Vec::new();
    for item in out.items.unwrap_or_default() {
        if opt_string(&item, "status_surel").as_deref() == Some(OutboxState::Terkirim.code()) {
            continue;
        }
        let update = Update::builder()
            .table_name(&store.table)
            .key("pk", s(&string(&item, "pk")?))
            .key("sk", s(&string(&item, "sk")?))
            .update_expression("SET status_surel = :failed, #index = :failed, galat = :why REMOVE pesan")
            .expression_attribute_names("#index", INDEX)
            .expression_attribute_values(":failed", s(OutboxState::Gagal.code()))
            .expression_attribute_values(":why", s(super::ERASED_ERROR))
            .build()
            .map_err(build)?;
        updates.push(TransactWriteItem::builder().update(update).build());
    }
    Ok(updates)
}

fn entry(item: &Item) -> Result<OutboxEntry, StoreError> {
    let id = id_of(&string(item, "pk")?, &string(item, "sk")?)
        .ok_or_else(|| StoreError::Corrupt("outbox item keys".into()))?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("outbox {id}: {what}"));
    let ts = |name: &str| -> Result<Option<Timestamp>, StoreError> {
        opt_string(item, name).map(|v| v.parse().map_err(|_| corrupt(name))).transpose()
    };
    let due_at = match opt_string(item, DUE) {
        Some(v) => v.parse::<i64>().ok().and_then(|v| Timestamp::from_second(v).ok()).ok_or_else(|| corrupt(DUE))?,
        None => Timestamp::UNIX_EPOCH,
    };
    let lang = crate::lang_of(opt_string(item, LANG).as_deref());
    let message: Option<Message> =
        opt_string(item, "pesan").map(|j| serde_json::from_str(&j)).transpose().map_err(|e| corrupt(&e.to_string()))?;
    Ok(OutboxEntry {
        // The attribute is the message's language: the one rule for items of every age.
        message: message.map(|m| Message { lang, ..m }),
        state: OutboxState::parse(&string(item, "status_surel")?).ok_or_else(|| corrupt("status_surel"))?,
        attempts: u32::try_from(number(item, "percobaan")?).map_err(|_| corrupt("percobaan"))?,
        created_at: ts("dibuat")?.ok_or_else(|| corrupt("dibuat"))?,
        due_at,
        last_error: opt_string(item, "galat"),
        sent_at: ts("terkirim")?,
        id,
    })
}

impl DynamoStore {
    /// The keys of index [`INDEX`]'s partition `state`, due at or before `before` when given.
    async fn indexed(&self, state: OutboxState, before: Option<Timestamp>) -> Result<Vec<String>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX)
            .expression_attribute_names("#index", INDEX)
            .expression_attribute_values(":state", s(state.code()));
        let query = match before {
            Some(at) => query
                .key_condition_expression("#index = :state AND #due <= :due")
                .expression_attribute_names("#due", DUE)
                .expression_attribute_values(":due", s(&due(at))),
            None => query.key_condition_expression("#index = :state"),
        };
        let mut ids = Vec::new();
        let mut items = query.into_paginator().items().send();
        while let Some(item) = items.try_next().await.map_err(sdk)? {
            if let Some(id) = id_of(&string(&item, "pk")?, &string(&item, "sk")?) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// One conditional update of entry `id`; `None` when the condition did not hold.
    async fn update_if(
        &self,
        id: &str,
        expression: &str,
        condition: &str,
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<Option<Item>, StoreError> {
        let (pk, sk) = keys(id)?;
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&pk))
            .key("sk", s(&sk))
            .update_expression(expression)
            .condition_expression(condition)
            .return_values(ReturnValue::AllNew);
        if expression.contains("#index") || condition.contains("#index") {
            update = update.expression_attribute_names("#index", INDEX);
        }
        if expression.contains("#due") || condition.contains("#due") {
            update = update.expression_attribute_names("#due", DUE);
        }
        for (name, value) in values {
            update = update.expression_attribute_values(name, value);
        }
        match update.send().await {
            Ok(out) => Ok(out.attributes),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }
}

impl OutboxStore for DynamoStore {
    async fn due_outbox(&self, now: Timestamp, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut ids = self.indexed(OutboxState::Tertunda, Some(now)).await?;
        ids.truncate(limit);
        Ok(ids)
    }

    async fn claim_outbox(&self, id: &str, now: Timestamp) -> Result<Option<OutboxEntry>, StoreError> {
        let lease_end = now.as_second() + LEASE.as_secs() as i64;
        let item = self
            .update_if(
                id,
                "SET percobaan = percobaan + :one, sewa_sampai = :lease",
                "status_surel = :pending AND #due <= :due AND (attribute_not_exists(sewa_sampai) OR sewa_sampai <= :now)",
                vec![
                    (":one", n(1)),
                    (":lease", n(lease_end)),
                    (":pending", s(OutboxState::Tertunda.code())),
                    (":due", s(&due(now))),
                    (":now", n(now.as_second())),
                ],
            )
            .await?;
        item.as_ref().map(entry).transpose()
    }

    async fn finish_outbox(&self, id: &str, outcome: Outcome) -> Result<(), StoreError> {
        let pending = (":pending", s(OutboxState::Tertunda.code()));
        let condition = "status_surel = :pending";
        match outcome {
            Outcome::Sent(at) => {
                self.update_if(
                    id,
                    "SET status_surel = :sent, terkirim = :at REMOVE pesan, #index, #due, sewa_sampai, galat",
                    condition,
                    vec![pending, (":sent", s(OutboxState::Terkirim.code())), (":at", s(&at.to_string()))],
                )
                .await?
            }
            Outcome::Failed { error, retry_at: Some(at) } => {
                self.update_if(
                    id,
                    "SET #due = :due, galat = :error REMOVE sewa_sampai",
                    condition,
                    vec![pending, (":due", s(&due(at))), (":error", s(&error))],
                )
                .await?
            }
            Outcome::Failed { error, retry_at: None } => {
                self.update_if(
                    id,
                    "SET status_surel = :failed, #index = :failed, galat = :error REMOVE sewa_sampai",
                    condition,
                    vec![pending, (":failed", s(OutboxState::Gagal.code())), (":error", s(&error))],
                )
                .await?
            }
        };
        Ok(())
    }

    async fn failed_outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut entries = Vec::new();
        for id in self.indexed(OutboxState::Gagal, None).await? {
            let (pk, sk) = keys(&id)?;
            if let Some(item) = self.get(&pk, &sk).await? {
                entries.push(entry(&item)?);
            }
        }
        entries.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(entries)
    }

    async fn requeue_outbox(&self, id: &str, now: Timestamp) -> Result<bool, StoreError> {
        let item = self
            .update_if(
                id,
                "SET status_surel = :pending, #index = :pending, #due = :due, percobaan = :zero REMOVE sewa_sampai",
                "status_surel = :failed AND attribute_exists(pesan)",
                vec![
                    (":pending", s(OutboxState::Tertunda.code())),
                    (":failed", s(OutboxState::Gagal.code())),
                    (":due", s(&due(now))),
                    (":zero", n(0)),
                ],
            )
            .await?;
        Ok(item.is_some())
    }

    async fn mark_undeliverable(&self, address: &str, reason: &str, at: Timestamp) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(&format!("SUREL-TOLAK#{address}")))
            .item("sk", s("SUREL-TOLAK"))
            .item("alasan", s(reason))
            .item("pada", s(&at.to_string()))
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    async fn undeliverable(&self, address: &str) -> Result<Option<String>, StoreError> {
        Ok(self.get(&format!("SUREL-TOLAK#{address}"), "SUREL-TOLAK").await?.and_then(|i| opt_string(&i, "alasan")))
    }
}
