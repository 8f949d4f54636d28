//! The DynamoDB store: one on-demand table with string keys `pk` and `sk`.
//!
//! Items:
//! - `COUNTER` / `PGD#2026`: the year's last register number (`value`).
//! - `COMPLAINT#PGD-2026-00001` / `REGISTER`: the register entry and the complaint's text.
//! - `COMPLAINT#PGD-2026-00001` / `PERSONAL`: personal data, erasable on its own.
//! - `COMPLAINT#PGD-2026-00001` / `HISTORY#000001`, `HISTORY#000002`, ...: the complaint's
//!   history, one item per change, numbered by the complaint's version after it (so the order
//!   does not depend on the clocks of staff machines), created only if absent and never updated.
//! - `COUNTER` / `BA#2026`: the year's last Berita Acara number.
//! - `IDEMPOTENCY#<digest>` / `IDEMPOTENCY`: the first answer, expiring through `expires_at` (TTL).
//! - `RATE#<digest>#<window>` / `RATE`: submissions per source and hour, expiring likewise.
//! - `EVENT#<digest>#<seconds>#<window>` / `EVENT`: other counted events (failed tracking
//!   look-ups per source), per window of that many seconds, expiring likewise.
//! - `META#<key>` / `META`: the store's own bookkeeping (`value`), such as the fingerprint of
//!   the calendar the stored deadlines were computed with (`META#kalender`).
//! - Staff accounts, sessions, failed logins and the audit trail: see `accounts/dynamodb.rs`.
//!
//! A submission is one `TransactWriteItems`: the counter moves from the value read to the next
//! one only if nobody moved it meanwhile, the complaint and personal items are created only if
//! absent, and the idempotency record only if absent or expired. A conflict retries the whole
//! transaction, so numbers are unique and gapless and a failed write consumes none.
//!
//! A staff change is one `TransactWriteItems` too: the register item is updated only if its
//! `version` is still the one the change was computed from, the history item is created, and
//! the Berita Acara counter (when the change numbers one) moves like the register counter. A
//! cancelled transaction is re-read: another version means another staff member acted first
//! (a conflict, never a lost update); the same version means the counter moved (retry).
//!
//! Listing the register is a `Scan` filtered on `sk = REGISTER`: an office registers thousands
//! of complaints a year, so a scan of the table costs little. The staff's inbox, read on every
//! page of the console, is a `Query` of the sparse global secondary index `terbuka` instead:
//! a register item carries `terbuka = "1"` while its complaint is not `selesai`, and every
//! write of the register item sets or removes it with the status.

use crate::erasure::Request;
use crate::retry::until_deadline;
use crate::{
    Applied, ComplaintRecord, ComplaintStore, ERASED_TEXT, ListFilter, NewComplaint, PendingUpload, PublicEvent,
    PublicRecord, RateDecision, Receipt, RegisterRow, StoreError, StoredReplay, Submitted, WorkflowChange,
    WorkflowStore, change_token, erase_entry, intake_entry, rate_window,
};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, Delete, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    Projection, ProjectionType, Put, ScalarAttributeType, TimeToLiveSpecification, TransactWriteItem, Update,
};
use jiff::Timestamp;
use jiff::civil::Date;
use pengaduan_core::workflow::{self, Action, Channel, HistoryEntry, WorkflowState};
use pengaduan_core::{Jenis, PersonalData, RegisterNumber, Status};
use std::collections::HashMap;
use std::time::Duration;

/// The TTL attribute of expiring items.
pub const TTL_ATTRIBUTE: &str = "expires_at";

/// The sparse global secondary index of open complaints (partition `terbuka`, sort `nomor`),
/// and the attribute that puts a register item in it.
pub const OPEN_INDEX: &str = "terbuka";

/// The value of [`OPEN_INDEX`]'s attribute on a register item whose complaint is open: one
/// partition, for an office's few thousand complaints a year.
const OPEN: &str = "1";

/// The `terbuka` attribute of a register item in `status`: present while the complaint is open.
fn open_marker(status: Status) -> Option<AttributeValue> {
    (status != Status::Selesai).then(|| s(OPEN))
}

pub(crate) type Item = HashMap<String, AttributeValue>;

/// A complaint store on one DynamoDB table.
#[derive(Clone)]
pub struct DynamoStore {
    pub(crate) client: Client,
    pub(crate) table: String,
}

impl DynamoStore {
    /// Wraps a client built once at start-up.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// Builds a client from the standard AWS environment (including `AWS_ENDPOINT_URL_DYNAMODB`).
    pub async fn from_env(table: impl Into<String>) -> Self {
        let config = crate::aws::load_config().await;
        let mut builder = aws_sdk_dynamodb::config::Builder::from(&config);
        if let Some(url) = crate::aws::service_endpoint("DYNAMODB") {
            builder = builder.endpoint_url(url);
        }
        Self::new(Client::from_conf(builder.build()), table)
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Creates the table (on-demand, TTL on `expires_at`) when it does not exist. For local use:
    /// the deployed function never creates tables, the infrastructure template does.
    pub async fn ensure_table(&self) -> Result<bool, StoreError> {
        if self.client.describe_table().table_name(&self.table).send().await.is_ok() {
            return Ok(false);
        }
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|e| StoreError::Backend(e.into()))
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(|e| StoreError::Backend(e.into()))
        };
        self.client
            .create_table()
            .table_name(&self.table)
            .attribute_definitions(attr("pk")?)
            .attribute_definitions(attr("sk")?)
            .attribute_definitions(attr(OPEN_INDEX)?)
            .attribute_definitions(attr("nomor")?)
            .attribute_definitions(attr(crate::outbox::dynamodb::INDEX)?)
            .attribute_definitions(attr(crate::outbox::dynamodb::DUE)?)
            .key_schema(key("pk", KeyType::Hash)?)
            .key_schema(key("sk", KeyType::Range)?)
            // As infra/template.yaml declares it: all attributes, so a row needs no second read.
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(OPEN_INDEX)
                    .key_schema(key(OPEN_INDEX, KeyType::Hash)?)
                    .key_schema(key("nomor", KeyType::Range)?)
                    .projection(Projection::builder().projection_type(ProjectionType::All).build())
                    .build()
                    .map_err(|e| StoreError::Backend(e.into()))?,
            )
            // Keys only: delivery reads each message with a consistent read as it claims it.
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(crate::outbox::dynamodb::INDEX)
                    .key_schema(key(crate::outbox::dynamodb::INDEX, KeyType::Hash)?)
                    .key_schema(key(crate::outbox::dynamodb::DUE, KeyType::Range)?)
                    .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                    .build()
                    .map_err(|e| StoreError::Backend(e.into()))?,
            )
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .map_err(sdk)?;
        for _ in 0..60 {
            let out = self.client.describe_table().table_name(&self.table).send().await.map_err(sdk)?;
            if out.table().and_then(|t| t.table_status()).is_some_and(|s| s.as_str() == "ACTIVE") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let ttl = TimeToLiveSpecification::builder()
            .attribute_name(TTL_ATTRIBUTE)
            .enabled(true)
            .build()
            .map_err(|e| StoreError::Backend(e.into()))?;
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(ttl)
            .send()
            .await
            .map_err(sdk)?;
        Ok(true)
    }

    pub(crate) async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        Ok(out.item)
    }

    async fn try_submit(&self, c: &NewComplaint) -> Result<Option<Receipt>, StoreError> {
        let counter_sk = RegisterNumber::counter_name(&c.prefix, c.year);
        let last = match self.get("COUNTER", &counter_sk).await? {
            Some(item) => number(&item, "value")?,
            None => 0,
        };
        let seq = last + 1;
        let nomor = RegisterNumber::new(&c.prefix, c.year, seq as u64).to_string();
        let receipt = Receipt { nomor: nomor.clone(), ..c.receipt.clone() };
        let receipt_json = serde_json::to_string(&receipt).map_err(|e| StoreError::Corrupt(e.to_string()))?;

        let counter = if last == 0 {
            Update::builder().condition_expression("attribute_not_exists(pk)")
        } else {
            Update::builder().condition_expression("#v = :last").expression_attribute_values(":last", n(last))
        }
        .table_name(&self.table)
        .key("pk", s("COUNTER"))
        .key("sk", s(&counter_sk))
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
        ]);
        put_opt(&mut register, "layanan", sub.layanan.as_deref());
        put_opt(&mut register, "lokasi", sub.lokasi.as_deref());
        put_opt(&mut register, "tanggal_kejadian", sub.tanggal_kejadian.map(|d| d.to_string()).as_deref());
        if let Some(open) = open_marker(c.receipt.status) {
            register.insert(OPEN_INDEX.into(), open);
        }

        let p = &sub.personal;
        let mut personal: Item =
            HashMap::from([("pk".into(), s(&format!("COMPLAINT#{nomor}"))), ("sk".into(), s("PERSONAL"))]);
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

        let create = |item: Item| {
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(build)
        };
        let idem_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(idempotency))
            .condition_expression("attribute_not_exists(pk) OR #exp <= :now")
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
            .transact_items(TransactWriteItem::builder().put(create(register)?).build())
            .transact_items(TransactWriteItem::builder().put(create(personal)?).build())
            .transact_items(TransactWriteItem::builder().put(idem_put).build())
            .transact_items(TransactWriteItem::builder().put(create(history)?).build());
        if let Some(pending) = pending {
            transaction = transaction.transact_items(TransactWriteItem::builder().put(create(pending)?).build());
        }
        if let Some(message) = &c.message {
            let message = pengaduan_core::notice::Message { nomor: nomor.clone(), ..message.clone() };
            let item = crate::outbox::dynamodb::item(&nomor, 1, &message, c.received_at)?;
            transaction = transaction.transact_items(TransactWriteItem::builder().put(create(item)?).build());
        }
        let result = transaction.send().await;
        match result {
            Ok(_) => Ok(Some(receipt)),
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }
}

impl DynamoStore {
    /// Stores a new complaint and its first history entry.
    async fn submit_new(&self, c: &NewComplaint) -> Result<Submitted, StoreError> {
        until_deadline(|| async move {
            if let Some(receipt) = self.try_submit(c).await? {
                return Ok(Some(Submitted::New(receipt)));
            }
            // Cancelled: either someone took this number (retry) or the same submission landed
            // first (replay its answer).
            Ok(self.find_replay(&c.idempotency_key, c.received_at).await?.map(|previous| {
                // Our own write: the transaction committed but its answer was lost and the SDK's
                // retry was cancelled by the very items it had written.
                if previous.receipt.kode_lacak == c.receipt.kode_lacak {
                    Submitted::New(previous.receipt)
                } else {
                    previous.judge(c.body_digest.as_deref())
                }
            }))
        })
        .await
    }

    /// Stores a change to a complaint checked against version `expected`, retried while only
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

    /// Every item of one complaint (register, personal data, history), read consistently.
    async fn complaint_items(&self, nomor: &str, history_only: bool) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .expression_attribute_values(":pk", s(&format!("COMPLAINT#{nomor}")))
                .set_exclusive_start_key(start.take());
            q = if history_only {
                // Only statuses and dates: notes and names never reach the public side.
                q.key_condition_expression("pk = :pk AND begins_with(sk, :h)")
                    .expression_attribute_values(":h", s("HISTORY#"))
                    .projection_expression("#to, #at, on_date")
                    .expression_attribute_names("#to", "to_status")
                    .expression_attribute_names("#at", "at")
            } else {
                q.key_condition_expression("pk = :pk")
            };
            let out = q.send().await.map_err(sdk)?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(items),
            }
        }
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
        let fields: Vec<(&str, Option<AttributeValue>)> = vec![
            ("status", Some(s(state.status.code()))),
            ("procedure_id", state.procedure_id.as_deref().map(s)),
            ("step_index", state.step_index.map(|i| n(i as i64))),
            ("files_complete_on", state.files_complete_on.map(|d| s(&d.to_string()))),
            ("clock_events", Some(s(&workflow::encode_clock(&state.clock_events)))),
            ("ba_number", state.ba_number.as_deref().map(s)),
            ("finished_on", state.finished_on.map(|d| s(&d.to_string()))),
            ("deadline", change.deadline.map(|d| s(&d.to_string()))),
            ("deadline_provisional", Some(AttributeValue::Bool(change.deadline_provisional))),
            ("next_step", change.next_step.as_deref().map(s)),
            // Also sets it on complaints stored before the index existed, at their next change.
            (OPEN_INDEX, open_marker(state.status)),
        ];
        items.push(TransactWriteItem::builder().update(self.register_update(nomor, expected, fields)?).build());
        let entry = HistoryEntry { seq: version, ba_number: ba.clone(), ..change.entry.clone() };
        items.push(TransactWriteItem::builder().put(self.create(history_item(nomor, &entry, token))?).build());
        if let Some(message) = &change.message {
            let item = crate::outbox::dynamodb::item(nomor, version, message, change.entry.at)?;
            items.push(TransactWriteItem::builder().put(self.create(item)?).build());
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

    fn create(&self, item: Item) -> Result<Put, StoreError> {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)
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
            ("lokasi", None),
            ("tanggal_kejadian", None),
            ("erased_at", Some(s(&entry.at.to_string()))),
            ("attachments_erased", Some(n(attachments_erased as i64))),
        ];
        let delete = Delete::builder()
            .table_name(&self.table)
            .key("pk", s(&format!("COMPLAINT#{nomor}")))
            .key("sk", s("PERSONAL"))
            .build()
            .map_err(build)?;
        let entry = HistoryEntry { seq: version, ..entry.clone() };
        let mut items = vec![
            TransactWriteItem::builder().update(self.register_update(nomor, expected, fields)?).build(),
            TransactWriteItem::builder().delete(delete).build(),
            TransactWriteItem::builder().put(self.create(history_item(nomor, &entry, token))?).build(),
        ];
        items.extend(crate::outbox::dynamodb::erase_updates(self, nomor).await?);
        let result = self.client.transact_write_items().set_transact_items(Some(items)).send().await;
        match result {
            Ok(_) => Ok(Some(Applied { version, ba_number: None })),
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }
}

/// What a cancelled change turned out to be.
enum AfterCancel {
    /// Our change did commit.
    Done(Applied),
    /// Only the counter moved: try again.
    Retry,
}

/// The partition of the items naming complaints whose uploads are not committed yet.
const PENDING_PK: &str = "PENDING";

impl ComplaintStore for DynamoStore {
    async fn pending_uploads(&self, nomor: &str) -> Result<Vec<PendingUpload>, StoreError> {
        match self.get(PENDING_PK, nomor).await? {
            Some(item) => crate::uploads::decode(&string(&item, "uploads")?),
            None => Ok(Vec::new()),
        }
    }

    async fn unfinished_uploads(&self, limit: usize) -> Result<Vec<(String, Vec<PendingUpload>)>, StoreError> {
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
            .map(|item| Ok((string(item, "sk")?, crate::uploads::decode(&string(item, "uploads")?)?)))
            .collect()
    }

    async fn uploads_committed(&self, nomor: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(PENDING_PK))
            .key("sk", s(nomor))
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
        let json = string(&item, "receipt")?;
        let receipt =
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("idempotency record: {e}")))?;
        Ok(Some(StoredReplay { receipt, body: opt_string(&item, "body") }))
    }

    async fn submit(&self, c: NewComplaint) -> Result<Submitted, StoreError> {
        self.submit_new(&c).await
    }

    async fn find_public(&self, nomor: &RegisterNumber) -> Result<Option<PublicRecord>, StoreError> {
        let Some(item) = self.get(&format!("COMPLAINT#{nomor}"), "REGISTER").await? else {
            return Ok(None);
        };
        let events = self
            .complaint_items(&nomor.to_string(), true)
            .await?
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
            status: parse_status(&string(&item, "status")?)?,
            jenis: parse_jenis(&string(&item, "jenis")?)?,
            judul: string(&item, "judul")?,
            received_at: parse_ts(&string(&item, "received_at")?)?,
            events,
            deadline: opt_date(&item, "deadline")?,
            deadline_provisional: provisional_of(&item),
            next_step: opt_string(&item, "next_step"),
        }))
    }

    async fn count_submission(&self, source: &str, now: Timestamp, limit: u32) -> Result<RateDecision, StoreError> {
        let (start, end) = rate_window(now);
        self.count_in_window((format!("RATE#{source}#{start}"), "RATE"), now, end, limit).await
    }

    async fn count_event(
        &self,
        key: &str,
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        let (start, end) = crate::event_window(now, window);
        self.count_in_window((crate::event_counter_key(key, window, start), "EVENT"), now, end, limit).await
    }

    async fn peek_events(
        &self,
        key: &str,
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        let (start, end) = crate::event_window(now, window);
        let count = match self.get(&crate::event_counter_key(key, window, start), "EVENT").await? {
            Some(item) => number(&item, "count")?,
            None => 0,
        };
        Ok(crate::decide(count, limit, now, end))
    }
}

impl DynamoStore {
    /// One more count on the item `(pk, sk)` for the window ending at `end`, unless `limit` is
    /// reached: one conditional update, so concurrent requests never count past the limit.
    async fn count_in_window(
        &self,
        (pk, sk): (String, &str),
        now: Timestamp,
        end: i64,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&pk))
            .key("sk", s(sk))
            .update_expression("ADD #c :one SET #exp = :end")
            .condition_expression("attribute_not_exists(#c) OR #c < :limit")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#exp", TTL_ATTRIBUTE)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":end", n(end))
            .expression_attribute_values(":limit", n(i64::from(limit)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(RateDecision::Allowed),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(RateDecision::Limited { retry_after: (end - now.as_second()).max(1) as u64 })
            }
            Err(e) => Err(sdk(e)),
        }
    }
}

impl WorkflowStore for DynamoStore {
    async fn load(&self, nomor: &RegisterNumber) -> Result<Option<ComplaintRecord>, StoreError> {
        let items = self.complaint_items(&nomor.to_string(), false).await?;
        let Some(register) = items.iter().find(|i| sk_of(i) == "REGISTER") else { return Ok(None) };
        let personal = items.iter().find(|i| sk_of(i) == "PERSONAL").map(|p| PersonalData {
            nama: opt_string(p, "nama"),
            email: opt_string(p, "email"),
            telepon: opt_string(p, "telepon"),
            nik: opt_string(p, "nik"),
            alamat: opt_string(p, "alamat"),
        });
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
        }))
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

    async fn open_rows(&self) -> Result<Vec<RegisterRow>, StoreError> {
        let mut rows = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            // A global secondary index is read eventually consistent: a change made a moment ago
            // may show a moment later; the complaint's own page reads it consistently.
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(OPEN_INDEX)
                .key_condition_expression("#open = :open")
                .expression_attribute_names("#open", OPEN_INDEX)
                .expression_attribute_values(":open", s(OPEN))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(sdk)?;
            for item in out.items.unwrap_or_default() {
                rows.push(read_row(&item)?);
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        // The index sorts by the number's text; the register's order is by year and sequence.
        rows.sort_by_key(|r| (r.nomor.year, r.nomor.seq));
        Ok(rows)
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<RegisterRow>, StoreError> {
        let mut rows = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut scan = self
                .client
                .scan()
                .table_name(&self.table)
                .consistent_read(true)
                .expression_attribute_names("#sk", "sk")
                .expression_attribute_values(":reg", s("REGISTER"))
                .set_exclusive_start_key(start.take());
            let mut conditions = vec!["#sk = :reg"];
            if let Some(status) = filter.status {
                conditions.push("#status = :status");
                scan = scan
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":status", s(status.code()));
            }
            if let Some(jenis) = filter.jenis {
                conditions.push("#jenis = :jenis");
                scan = scan
                    .expression_attribute_names("#jenis", "jenis")
                    .expression_attribute_values(":jenis", s(jenis.code()));
            }
            let out = scan.filter_expression(conditions.join(" AND ")).send().await.map_err(sdk)?;
            for item in out.items.unwrap_or_default() {
                let row = read_row(&item)?;
                if filter.matches(&row) {
                    rows.push(row);
                }
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        rows.sort_by_key(|r| (r.nomor.year, r.nomor.seq));
        Ok(rows)
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

/// The sort key of a complaint's history item at `seq`.
fn history_sk(seq: u64) -> String {
    format!("HISTORY#{seq:06}")
}

/// A history item; `token` identifies the attempt that wrote it.
fn history_item(nomor: &str, e: &HistoryEntry, token: &str) -> Item {
    let mut item: Item = HashMap::from([
        ("pk".into(), s(&format!("COMPLAINT#{nomor}"))),
        ("sk".into(), s(&history_sk(e.seq))),
        ("seq".into(), n(e.seq as i64)),
        ("at".into(), s(&e.at.to_string())),
        ("by".into(), s(&e.by)),
        ("action".into(), s(e.action.code())),
        ("to_status".into(), s(e.to.code())),
    ]);
    put_opt(&mut item, "from_status", e.from.map(Status::code));
    put_opt(&mut item, "procedure_id", e.procedure_id.as_deref());
    if let Some(i) = e.step_index {
        item.insert("step_index".into(), n(i as i64));
    }
    put_opt(&mut item, "on_date", e.on.map(|d| d.to_string()).as_deref());
    // Empty strings are left out: older DynamoDB-compatible servers refuse them.
    put_opt(&mut item, "note", Some(e.note.as_str()).filter(|t| !t.is_empty()));
    put_opt(&mut item, "ba_number", e.ba_number.as_deref());
    put_opt(&mut item, "change_id", Some(token).filter(|t| !t.is_empty()));
    item
}

fn read_history(item: &Item) -> Result<HistoryEntry, StoreError> {
    let action = string(item, "action")?;
    Ok(HistoryEntry {
        seq: number(item, "seq")? as u64,
        at: parse_ts(&string(item, "at")?)?,
        by: string(item, "by")?,
        action: Action::parse(&action).ok_or_else(|| StoreError::Corrupt(format!("action {action:?}")))?,
        from: opt_string(item, "from_status").as_deref().map(parse_status).transpose()?,
        to: parse_status(&string(item, "to_status")?)?,
        procedure_id: opt_string(item, "procedure_id"),
        step_index: opt_number(item, "step_index")?.map(|i| i as usize),
        on: opt_date(item, "on_date")?,
        note: opt_string(item, "note").unwrap_or_default(),
        ba_number: opt_string(item, "ba_number"),
    })
}

fn read_row(item: &Item) -> Result<RegisterRow, StoreError> {
    let nomor = string(item, "nomor")?;
    Ok(RegisterRow {
        nomor: RegisterNumber::parse(&nomor)
            .ok_or_else(|| StoreError::Corrupt(format!("register number {nomor:?}")))?,
        received_at: parse_ts(&string(item, "received_at")?)?,
        channel: parse_channel(&string(item, "channel")?)?,
        jenis: parse_jenis(&string(item, "jenis")?)?,
        judul: string(item, "judul")?,
        state: WorkflowState {
            status: parse_status(&string(item, "status")?)?,
            procedure_id: opt_string(item, "procedure_id"),
            step_index: opt_number(item, "step_index")?.map(|i| i as usize),
            files_complete_on: opt_date(item, "files_complete_on")?,
            clock_events: workflow::decode_clock(&opt_string(item, "clock_events").unwrap_or_default())
                .map_err(StoreError::Corrupt)?,
            ba_number: opt_string(item, "ba_number"),
            finished_on: opt_date(item, "finished_on")?,
        },
        deadline: opt_date(item, "deadline")?,
        deadline_provisional: provisional_of(item),
        version: version_of(item)?,
        erased_at: opt_string(item, "erased_at").as_deref().map(parse_ts).transpose()?,
        attachments_erased: item
            .get("attachments_erased")
            .map(|_| number(item, "attachments_erased"))
            .transpose()?
            .map(|n| n as usize),
    })
}

/// Whether a register item's deadline is provisional; items stored before the flag existed were
/// computed with every year they needed (a missing year was refused then).
fn provisional_of(item: &Item) -> bool {
    matches!(item.get("deadline_provisional"), Some(AttributeValue::Bool(true)))
}

/// A register item's version; items stored before versions existed are version 1.
fn version_of(item: &Item) -> Result<u64, StoreError> {
    Ok(opt_number(item, "version")?.unwrap_or(1) as u64)
}

fn sk_of(item: &Item) -> &str {
    match item.get("sk") {
        Some(AttributeValue::S(v)) => v,
        _ => "",
    }
}

pub(crate) fn opt_string(item: &Item, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

fn opt_number(item: &Item, name: &str) -> Result<Option<i64>, StoreError> {
    if item.contains_key(name) { number(item, name).map(Some) } else { Ok(None) }
}

fn opt_date(item: &Item, name: &str) -> Result<Option<Date>, StoreError> {
    opt_string(item, name)
        .map(|d| d.parse().map_err(|e: jiff::Error| StoreError::Corrupt(format!("{name} {d:?}: {e}"))))
        .transpose()
}

fn parse_channel(v: &str) -> Result<Channel, StoreError> {
    Channel::parse(v).ok_or_else(|| StoreError::Corrupt(format!("channel {v:?}")))
}

fn parse_jenis(v: &str) -> Result<Jenis, StoreError> {
    Jenis::parse(v).ok_or_else(|| StoreError::Corrupt(format!("jenis {v:?}")))
}

fn parse_status(v: &str) -> Result<Status, StoreError> {
    v.parse::<Status>().map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse_ts(v: &str) -> Result<Timestamp, StoreError> {
    v.parse().map_err(|e: jiff::Error| StoreError::Corrupt(format!("timestamp {v:?}: {e}")))
}

pub(crate) fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

pub(crate) fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn put_opt(item: &mut Item, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        item.insert(name.to_owned(), s(v));
    }
}

pub(crate) fn string(item: &Item, name: &str) -> Result<String, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v.clone()),
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing or not a string"))),
    }
}

pub(crate) fn number(item: &Item, name: &str) -> Result<i64, StoreError> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => {
            v.parse().map_err(|_| StoreError::Corrupt(format!("attribute {name} is not an integer")))
        }
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing or not a number"))),
    }
}

pub(crate) fn sdk<E, R>(e: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    // The SDK's Display is terse ("service error"); the source chain says what went wrong.
    StoreError::Backend(e.into())
}

pub(crate) fn build(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Backend(e.into())
}
