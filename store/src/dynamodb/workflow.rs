//! Staff changes checked against the version they were computed from, erasure, the register
//! and the store's own bookkeeping.

use super::attributes::{
    history_item, history_sk, n, number, opt_date, opt_string, read_history, read_row, s, sk_of, string, version_of,
};
use super::complaints::PENDING_PK;
use super::personal::{LEGACY_PERSONAL_SK, personal_key, read_personal};
use super::{DynamoStore, FINISHED_INDEX, Item, OPEN, OPEN_INDEX, build, finished_marker, open_marker, sdk};
use crate::erasure::Request;
use crate::fields::parse_status;
use crate::retry::until_deadline;
use crate::{
    Addition, Applied, ComplaintRecord, ERASED_TEXT, ERASED_TITLE, ListFilter, RegisterRow, StoreError, WorkflowChange,
    WorkflowStore, change_token, decode_files, encode_files, erase_entry,
};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use jiff::civil::Date;
use pengaduan_core::RegisterNumber;
use pengaduan_core::workflow::{self, HistoryEntry};
use std::collections::HashMap;

impl DynamoStore {
    /// a counter moved; `try_once` is one transaction attempt identified by `token`.
    async fn versioned_change<F, Fut>(&self, key: &str, expected: u64, try_once: F) -> Result<Applied, StoreError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<Option<Applied>, StoreError>>,
    {
        let token = change_token();
        let (token, try_once) = (&token, &try_once);
        until_deadline(|| async move {
            if let Some(applied) = try_once(token.clone()).await? {
                return Ok(Some(applied));
            }
            match self.after_cancel(key, expected, token).await? {
                AfterCancel::Done(applied) => Ok(Some(applied)),
                AfterCancel::Retry => Ok(None),
            }
        })
        .await
    }

    /// Every item of one complaint (register, history, additions, outbox entries; personal data
    /// only where it was stored before it had its own key), read consistently.
    pub(super) async fn complaint_items(&self, nomor: &str, history_only: bool) -> Result<Vec<Item>, StoreError> {
        let q = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .expression_attribute_values(":pk", s(&format!("COMPLAINT#{nomor}")));
        let q = if history_only {
            // Statuses, dates and actions, and the notes only for the reason of a return (the
            // caller keeps that one alone): names never reach the public side.
            q.key_condition_expression("pk = :pk AND begins_with(sk, :h)")
                .expression_attribute_values(":h", s("HISTORY#"))
                .projection_expression("#to, #at, on_date, #action, #note")
                .expression_attribute_names("#to", "to_status")
                .expression_attribute_names("#at", "at")
                .expression_attribute_names("#action", "action")
                .expression_attribute_names("#note", "note")
        } else {
            q.key_condition_expression("pk = :pk")
        };
        q.into_paginator().items().send().try_collect().await.map_err(sdk)
    }

    /// After a cancelled change: whether it was ours after all (the answer lost, the SDK's retry
    /// cancelled by our own write), a conflict, or a counter race worth retrying.
    async fn after_cancel(&self, nomor: &str, expected: u64, token: &str) -> Result<AfterCancel, StoreError> {
        let Some(register) = self.get(&format!("COMPLAINT#{nomor}"), "REGISTER").await? else {
            return Err(StoreError::NotFound(nomor.to_owned()));
        };
        let version = version_of(&register)?;
        if version == expected {
            return Ok(AfterCancel::Retry);
        }
        if version == expected + 1
            && let Some(h) = self.get(&format!("COMPLAINT#{nomor}"), &history_sk(version)).await?
            && opt_string(&h, "change_id").as_deref() == Some(token)
        {
            return Ok(AfterCancel::Done(Applied { version, ba_number: opt_string(&h, "ba_number") }));
        }
        Err(StoreError::Conflict)
    }

    /// The condition that the register item still has version `expected` (items stored before
    /// versions existed count as version 1).
    fn version_condition(expected: u64) -> &'static str {
        if expected == 1 {
            "attribute_exists(pk) AND (attribute_not_exists(#version) OR #version = :expected)"
        } else {
            "attribute_exists(pk) AND #version = :expected"
        }
    }

    async fn try_apply(
        &self,
        nomor: &str,
        expected: u64,
        change: &WorkflowChange,
        token: &str,
    ) -> Result<Option<Applied>, StoreError> {
        let version = expected + 1;
        let mut state = change.state.clone();
        let mut items = Vec::new();
        let mut ba = None;
        if change.assign_ba {
            let counter_sk = workflow::ba_counter_name(change.ba_year);
            let last = match self.get("COUNTER", &counter_sk).await? {
                Some(item) => number(&item, "value")?,
                None => 0,
            };
            let seq = last + 1;
            ba = Some(workflow::ba_number(change.ba_year, seq as u64));
            items.push(TransactWriteItem::builder().update(self.counter_update(&counter_sk, last)?).build());
        }
        if ba.is_some() {
            state.ba_number = ba.clone();
        }
        let mut fields: Vec<(&str, Option<AttributeValue>)> = vec![
            ("status", Some(s(state.status.code()))),
            ("procedure_id", state.procedure_id.as_deref().map(s)),
            ("step_index", state.step_index.map(|i| n(i as i64))),
            ("files_complete_on", state.files_complete_on.map(|d| s(&d.to_string()))),
            ("clock_events", Some(s(&crate::fields::encode_clock(&state.clock_events)))),
            ("ba_number", state.ba_number.as_deref().map(s)),
            ("finished_on", state.finished_on.map(|d| s(&d.to_string()))),
            ("deadline", change.deadline.map(|d| s(&d.value.to_string()))),
            ("deadline_provisional", Some(AttributeValue::Bool(change.deadline.is_some_and(|d| d.provisional)))),
            ("next_step", change.next_step.as_deref().map(s)),
            // Also sets it on complaints stored before the index existed, at their next change.
            (OPEN_INDEX, open_marker(state.status)),
            // In the write that finishes it, so the statistics' index never lags the status.
            (FINISHED_INDEX, finished_marker(state.finished_on)),
        ];
        if change.entry.action.keeps_clock() {
            // A correction keeps the stored clock, deadline and durations.
            const CLOCK: [&str; 6] = [
                "files_complete_on",
                "clock_events",
                "finished_on",
                FINISHED_INDEX,
                "deadline",
                "deadline_provisional",
            ];
            fields.retain(|(name, _)| !CLOCK.contains(name));
        }
        items.push(TransactWriteItem::builder().update(self.register_update(nomor, expected, fields)?).build());
        let entry = HistoryEntry { seq: version, ba_number: ba.clone(), ..change.entry.clone() };
        items.push(TransactWriteItem::builder().put(self.create(history_item(nomor, &entry, token))?).build());
        if let Some(message) = &change.message {
            let item = crate::outbox::dynamodb::item(nomor, version, message, change.entry.at)?;
            items.push(TransactWriteItem::builder().put(self.create(item)?).build());
        }
        if let Some(addition) = &change.addition {
            let item: Item = HashMap::from([
                ("pk".into(), s(&format!("COMPLAINT#{nomor}"))),
                ("sk".into(), s(&addition_sk(version))),
                ("seq".into(), n(version as i64)),
                ("at".into(), s(&addition.at.to_string())),
                ("text".into(), s(&addition.text)),
                ("files".into(), s(&encode_files(&addition.files))),
            ]);
            items.push(TransactWriteItem::builder().put(self.create(item)?).build());
        }
        if !change.uploads.is_empty() {
            // After any the complaint still has to commit; the version condition above keeps
            // this read from going stale, as only a change of the complaint writes it.
            let mut all = match self.get(PENDING_PK, nomor).await? {
                Some(item) => crate::uploads::decode(&string(&item, "uploads")?)?,
                None => Vec::new(),
            };
            all.extend_from_slice(&change.uploads);
            let item: Item = HashMap::from([
                ("pk".to_owned(), s(PENDING_PK)),
                ("sk".to_owned(), s(nomor)),
                ("uploads".to_owned(), s(&crate::uploads::encode(&all))),
            ]);
            let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(build)?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(Some(Applied { version, ba_number: ba })),
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }

    /// Moves a counter from `last` to `last + 1`, only if nobody moved it meanwhile.
    fn counter_update(&self, counter_sk: &str, last: i64) -> Result<Update, StoreError> {
        if last == 0 {
            Update::builder().condition_expression("attribute_not_exists(pk)")
        } else {
            Update::builder().condition_expression("#v = :last").expression_attribute_values(":last", n(last))
        }
        .table_name(&self.table)
        .key("pk", s("COUNTER"))
        .key("sk", s(counter_sk))
        .update_expression("SET #v = :next")
        .expression_attribute_names("#v", "value")
        .expression_attribute_values(":next", n(last + 1))
        .build()
        .map_err(build)
    }

    /// Sets (or removes, for `None`) register attributes and the next version, only if the
    /// version is still `expected`.
    fn register_update(
        &self,
        nomor: &str,
        expected: u64,
        fields: Vec<(&str, Option<AttributeValue>)>,
    ) -> Result<Update, StoreError> {
        let mut set = vec!["#version = :version".to_owned()];
        let mut remove = Vec::new();
        let mut b = Update::builder()
            .table_name(&self.table)
            .key("pk", s(&format!("COMPLAINT#{nomor}")))
            .key("sk", s("REGISTER"))
            .condition_expression(Self::version_condition(expected))
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":version", n(expected as i64 + 1))
            .expression_attribute_values(":expected", n(expected as i64));
        for (i, (name, value)) in fields.into_iter().enumerate() {
            b = b.expression_attribute_names(format!("#a{i}"), name);
            match value {
                Some(v) => {
                    set.push(format!("#a{i} = :a{i}"));
                    b = b.expression_attribute_values(format!(":a{i}"), v);
                }
                None => remove.push(format!("#a{i}")),
            }
        }
        let mut expr = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expr.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        b.update_expression(expr).build().map_err(build)
    }

    async fn try_erase(
        &self,
        nomor: &str,
        expected: u64,
        entry: &HistoryEntry,
        attachments_erased: usize,
        token: &str,
    ) -> Result<Option<Applied>, StoreError> {
        let version = expected + 1;
        let fields: Vec<(&str, Option<AttributeValue>)> = vec![
            ("isi", Some(s(ERASED_TEXT))),
            ("judul", Some(s(ERASED_TITLE))),
            ("lokasi", None),
            ("tanggal_kejadian", None),
            ("erased_at", Some(s(&entry.at.to_string()))),
            ("attachments_erased", Some(n(attachments_erased as i64))),
        ];
        // Both keys: the item may still be where it was stored before it had its own.
        let delete =
            Delete::builder().table_name(&self.table).set_key(Some(personal_key(nomor))).build().map_err(build)?;
        let delete_legacy = Delete::builder()
            .table_name(&self.table)
            .key("pk", s(&format!("COMPLAINT#{nomor}")))
            .key("sk", s(LEGACY_PERSONAL_SK))
            .build()
            .map_err(build)?;
        let entry = HistoryEntry { seq: version, ..entry.clone() };
        let mut items = vec![
            TransactWriteItem::builder().update(self.register_update(nomor, expected, fields)?).build(),
            TransactWriteItem::builder().delete(delete).build(),
            TransactWriteItem::builder().delete(delete_legacy).build(),
            TransactWriteItem::builder().put(self.create(history_item(nomor, &entry, token))?).build(),
        ];
        items.extend(crate::outbox::dynamodb::erase_updates(self, nomor).await?);
        items.extend(self.erase_additions(nomor).await?);
        let result = self.client.transact_write_items().set_transact_items(Some(items)).send().await;
        match result {
            Ok(_) => Ok(Some(Applied { version, ba_number: None })),
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }
}

/// The sort key of the addition recorded by history entry `seq`.
fn addition_sk(seq: u64) -> String {
    format!("ADDITION#{seq:06}")
}

impl DynamoStore {
    /// Blanks the text and file names of the complaint's additions, in the erasure's transaction.
    async fn erase_additions(&self, nomor: &str) -> Result<Vec<TransactWriteItem>, StoreError> {
        let items = self.complaint_items(nomor, false).await?;
        let mut updates = Vec::new();
        for item in items.iter().filter(|i| sk_of(i).starts_with("ADDITION#")) {
            let update = Update::builder()
                .table_name(&self.table)
                .key("pk", s(&format!("COMPLAINT#{nomor}")))
                .key("sk", s(sk_of(item)))
                .update_expression("SET #text = :erased, files = :none")
                .expression_attribute_names("#text", "text")
                .expression_attribute_values(":erased", s(ERASED_TEXT))
                .expression_attribute_values(":none", s("[]"))
                .build()
                .map_err(build)?;
            updates.push(TransactWriteItem::builder().update(update).build());
        }
        Ok(updates)
    }
}

/// The additions among a complaint's items, oldest first.
fn read_additions(items: &[Item]) -> Result<Vec<Addition>, StoreError> {
    let mut additions = items
        .iter()
        .filter(|i| sk_of(i).starts_with("ADDITION#"))
        .map(|i| {
            Ok(Addition {
                seq: number(i, "seq")? as u64,
                at: crate::fields::parse_ts(&string(i, "at")?)?,
                text: string(i, "text")?,
                files: decode_files(&string(i, "files")?)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    additions.sort_by_key(|a| a.seq);
    Ok(additions)
}

/// What a cancelled change turned out to be.
enum AfterCancel {
    /// Our change did commit.
    Done(Applied),
    /// Only the counter moved: try again.
    Retry,
}

impl WorkflowStore for DynamoStore {
    async fn load(&self, nomor: &RegisterNumber) -> Result<Option<ComplaintRecord>, StoreError> {
        let items = self.complaint_items(&nomor.to_string(), false).await?;
        let Some(register) = items.iter().find(|i| sk_of(i) == "REGISTER") else { return Ok(None) };
        let personal = self.personal_item(&nomor.to_string(), &items).await?.as_ref().map(read_personal);
        let mut history = items
            .iter()
            .filter(|i| sk_of(i).starts_with("HISTORY#"))
            .map(read_history)
            .collect::<Result<Vec<_>, _>>()?;
        history.sort_by_key(|h| h.seq);
        Ok(Some(ComplaintRecord {
            row: read_row(register)?,
            anonim: matches!(register.get("anonim"), Some(AttributeValue::Bool(true))),
            rahasia: matches!(register.get("rahasia"), Some(AttributeValue::Bool(true))),
            isi: opt_string(register, "isi").unwrap_or_default(),
            lokasi: opt_string(register, "lokasi"),
            tanggal_kejadian: opt_date(register, "tanggal_kejadian")?,
            layanan: opt_string(register, "layanan"),
            personal,
            next_step: opt_string(register, "next_step"),
            history,
            lang: crate::lang_of(opt_string(register, "lang").as_deref()),
            additions: read_additions(&items)?,
        }))
    }

    async fn load_row(&self, nomor: &RegisterNumber) -> Result<Option<RegisterRow>, StoreError> {
        self.get(&format!("COMPLAINT#{nomor}"), "REGISTER").await?.as_ref().map(read_row).transpose()
    }

    async fn apply(
        &self,
        nomor: &RegisterNumber,
        expected: u64,
        change: WorkflowChange,
    ) -> Result<Applied, StoreError> {
        let key = nomor.to_string();
        let (key, change) = (&key, &change);
        self.versioned_change(key, expected, |token| async move { self.try_apply(key, expected, change, &token).await })
            .await
    }

    async fn history(&self, nomor: &RegisterNumber) -> Result<Vec<HistoryEntry>, StoreError> {
        let items: Vec<Item> = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :h)")
            .expression_attribute_values(":pk", s(&format!("COMPLAINT#{nomor}")))
            .expression_attribute_values(":h", s("HISTORY#"))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(sdk)?;
        let mut history = items.iter().map(read_history).collect::<Result<Vec<_>, _>>()?;
        history.sort_by_key(|h| h.seq);
        Ok(history)
    }

    async fn open_rows(&self) -> Result<Vec<RegisterRow>, StoreError> {
        let mut rows = Vec::new();
        // A global secondary index is read eventually consistent: a change made a moment ago
        // may show a moment later; the complaint's own page reads it consistently.
        let mut items = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(OPEN_INDEX)
            .key_condition_expression("#open = :open")
            .expression_attribute_names("#open", OPEN_INDEX)
            .expression_attribute_values(":open", s(OPEN))
            .into_paginator()
            .items()
            .send();
        while let Some(item) = items.try_next().await.map_err(sdk)? {
            rows.push(read_row(&item)?);
        }
        // The index sorts by the number's text; the register's order is by year and sequence.
        rows.sort_by_key(|r| (r.nomor.year, r.nomor.seq));
        Ok(rows)
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<RegisterRow>, StoreError> {
        self.list_by_month(filter).await
    }

    async fn stat_rows(&self, window: &crate::StatWindow) -> Result<Vec<RegisterRow>, StoreError> {
        let rows = self.window_rows(window.first, window.last).await?;
        Ok(rows.into_iter().filter(|r| window.wants(r)).collect())
    }

    async fn erase_personal(&self, request: &Request<'_>, attachments_erased: usize) -> Result<Applied, StoreError> {
        let Request { nomor, expected_version: expected, by, reason, at } = *request;
        let key = nomor.to_string();
        let Some(register) = self.get(&format!("COMPLAINT#{key}"), "REGISTER").await? else {
            return Err(StoreError::NotFound(key));
        };
        if version_of(&register)? != expected {
            return Err(StoreError::Conflict);
        }
        let status = parse_status(&string(&register, "status")?)?;
        let entry = erase_entry(status, by, reason, at);
        let (key, entry) = (&key, &entry);
        self.versioned_change(key, expected, |token| async move {
            self.try_erase(key, expected, entry, attachments_erased, &token).await
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
        let update = match deadline {
            Some(_) => "SET #d = :d, #p = :p",
            None => "SET #p = :p REMOVE #d",
        };
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&format!("COMPLAINT#{nomor}")))
            .key("sk", s("REGISTER"))
            .update_expression(update)
            // Not `register_update`: the version is checked, not moved.
            .condition_expression(Self::version_condition(expected))
            .expression_attribute_names("#version", "version")
            .expression_attribute_names("#d", "deadline")
            .expression_attribute_names("#p", "deadline_provisional")
            .expression_attribute_values(":expected", n(expected as i64))
            .expression_attribute_values(":p", AttributeValue::Bool(provisional));
        if let Some(d) = deadline {
            request = request.expression_attribute_values(":d", s(&d.to_string()));
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk(e)),
        }
    }

    async fn read_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.get(&format!("META#{key}"), "META").await?.map(|item| string(&item, "value")).transpose()
    }

    async fn write_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let item: Item = HashMap::from([
            ("pk".to_owned(), s(&format!("META#{key}"))),
            ("sk".to_owned(), s("META")),
            ("value".to_owned(), s(value)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(sdk)?;
        Ok(())
    }
}
