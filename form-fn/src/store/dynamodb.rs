//! The DynamoDB store: one on-demand table with string keys `pk` and `sk`.
//!
//! Items:
//! - `COUNTER` / `PGD#2026`: the year's last register number (`value`).
//! - `COMPLAINT#PGD-2026-00001` / `REGISTER`: the register entry and the complaint's text.
//! - `COMPLAINT#PGD-2026-00001` / `PERSONAL`: personal data, erasable on its own.
//! - `IDEMPOTENCY#<digest>` / `IDEMPOTENCY`: the first answer, expiring through `expires_at` (TTL).
//! - `RATE#<digest>#<window>` / `RATE`: submissions per source and hour, expiring likewise.
//!
//! A submission is one `TransactWriteItems`: the counter moves from the value read to the next
//! one only if nobody moved it meanwhile, the complaint and personal items are created only if
//! absent, and the idempotency record only if absent or expired. A conflict retries the whole
//! transaction, so numbers are unique and gapless and a failed write consumes none.

use super::{ComplaintStore, NewComplaint, PublicRecord, RateDecision, Receipt, StoreError, Submitted, rate_window};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, Put, ScalarAttributeType,
    TimeToLiveSpecification, TransactWriteItem, Update,
};
use jiff::Timestamp;
use pengaduan_core::{RegisterNumber, Status};
use std::collections::HashMap;
use std::time::Duration;

/// The TTL attribute of expiring items.
pub const TTL_ATTRIBUTE: &str = "expires_at";
const MAX_ATTEMPTS: u32 = 400;

type Item = HashMap<String, AttributeValue>;

/// A complaint store on one DynamoDB table.
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    /// Wraps a client built once at start-up.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// Builds a client from the standard AWS environment (including `AWS_ENDPOINT_URL_DYNAMODB`).
    pub async fn from_env(table: impl Into<String>) -> Self {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Self::new(Client::new(&config), table)
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
                .map_err(|e| StoreError::Backend(e.to_string()))
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))
        };
        self.client
            .create_table()
            .table_name(&self.table)
            .attribute_definitions(attr("pk")?)
            .attribute_definitions(attr("sk")?)
            .key_schema(key("pk", KeyType::Hash)?)
            .key_schema(key("sk", KeyType::Range)?)
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
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(ttl)
            .send()
            .await
            .map_err(sdk)?;
        Ok(true)
    }

    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
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
            ("channel".into(), s(&c.channel)),
            ("jenis".into(), s(sub.jenis.code())),
            ("judul".into(), s(&sub.judul)),
            ("status".into(), s(c.receipt.status.code())),
            ("received_at".into(), s(&c.received_at.to_string())),
            ("anonim".into(), AttributeValue::Bool(sub.anonim)),
            ("rahasia".into(), AttributeValue::Bool(sub.rahasia)),
            ("isi".into(), s(&sub.isi)),
        ]);
        put_opt(&mut register, "layanan", sub.layanan.as_deref());
        put_opt(&mut register, "lokasi", sub.lokasi.as_deref());
        put_opt(&mut register, "tanggal_kejadian", sub.tanggal_kejadian.map(|d| d.to_string()).as_deref());

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

        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(counter).build())
            .transact_items(TransactWriteItem::builder().put(create(register)?).build())
            .transact_items(TransactWriteItem::builder().put(create(personal)?).build())
            .transact_items(TransactWriteItem::builder().put(idem_put).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(Some(receipt)),
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }
}

impl ComplaintStore for DynamoStore {
    async fn find_replay(&self, key: &str, now: Timestamp) -> Result<Option<Receipt>, StoreError> {
        let Some(item) = self.get(&format!("IDEMPOTENCY#{key}"), "IDEMPOTENCY").await? else {
            return Ok(None);
        };
        // TTL deletion is lazy (up to days late), so expiry is checked here too.
        if number(&item, TTL_ATTRIBUTE)? <= now.as_second() {
            return Ok(None);
        }
        let json = string(&item, "receipt")?;
        serde_json::from_str(&json).map(Some).map_err(|e| StoreError::Corrupt(format!("idempotency record: {e}")))
    }

    async fn submit(&self, c: NewComplaint) -> Result<Submitted, StoreError> {
        for attempt in 0..MAX_ATTEMPTS {
            if let Some(receipt) = self.try_submit(&c).await? {
                return Ok(Submitted::New(receipt));
            }
            // Cancelled: either someone took this number (retry) or the same submission landed
            // first (replay its answer).
            if let Some(previous) = self.find_replay(&c.idempotency_key, c.received_at).await? {
                // Our own write: the transaction committed but its answer was lost and the SDK's
                // retry was cancelled by the very items it had written.
                if previous.kode_lacak == c.receipt.kode_lacak {
                    return Ok(Submitted::New(previous));
                }
                return Ok(Submitted::Replay(previous));
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
        Err(StoreError::Contention(MAX_ATTEMPTS))
    }

    async fn find_public(&self, nomor: &RegisterNumber) -> Result<Option<PublicRecord>, StoreError> {
        let Some(item) = self.get(&format!("COMPLAINT#{nomor}"), "REGISTER").await? else {
            return Ok(None);
        };
        Ok(Some(PublicRecord {
            nomor: nomor.clone(),
            kode_hash: string(&item, "kode_hash")?,
            status: string(&item, "status")?.parse::<Status>().map_err(|e| StoreError::Corrupt(e.to_string()))?,
            jenis: string(&item, "jenis")?,
            received_at: string(&item, "received_at")?
                .parse()
                .map_err(|e: jiff::Error| StoreError::Corrupt(e.to_string()))?,
        }))
    }

    async fn count_submission(&self, source: &str, now: Timestamp, limit: u32) -> Result<RateDecision, StoreError> {
        let (start, end) = rate_window(now);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&format!("RATE#{source}#{start}")))
            .key("sk", s("RATE"))
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

/// Exponential backoff with jitter, capped at 200 ms: conflicts clear in one round trip or two.
fn backoff(attempt: u32) -> Duration {
    let cap = 200u64.min(5u64 << attempt.min(6));
    let mut b = [0u8; 8];
    let jitter = getrandom::fill(&mut b).map(|_| u64::from_le_bytes(b) % (cap + 1)).unwrap_or(cap);
    Duration::from_millis(jitter)
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn put_opt(item: &mut Item, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        item.insert(name.to_owned(), s(v));
    }
}

fn string(item: &Item, name: &str) -> Result<String, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v.clone()),
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing or not a string"))),
    }
}

fn number(item: &Item, name: &str) -> Result<i64, StoreError> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => {
            v.parse().map_err(|_| StoreError::Corrupt(format!("attribute {name} is not an integer")))
        }
        _ => Err(StoreError::Corrupt(format!("attribute {name} missing or not a number"))),
    }
}

fn sdk<E: std::error::Error + 'static, R: std::fmt::Debug>(e: SdkError<E, R>) -> StoreError {
    // The SDK's Display is terse ("service error"); the source chain says what went wrong.
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    StoreError::Backend(msg)
}

fn build(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Backend(format!("request build: {e}"))
}
