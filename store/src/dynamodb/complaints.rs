//! Registering complaints, replays, their uploads, the public view and the rate limits.

use super::attributes::{history_item, n, number, opt_date, opt_string, provisional_of, put_opt, s, string};
use super::{DynamoStore, Item, OPEN_INDEX, TTL_ATTRIBUTE, build, open_marker, sdk};
use crate::fields::{parse_jenis, parse_status, parse_ts};
use crate::retry::until_deadline;
use crate::{
    ComplaintStore, NewComplaint, PendingUpload, PublicEvent, PublicRecord, RateDecision, Receipt, StoreError,
    StoredReplay, Submitted, intake_entry, rate_window,
};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use jiff::Timestamp;
use pengaduan_core::RegisterNumber;
use std::collections::HashMap;
use std::time::Duration;

impl DynamoStore {
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
        let result = transaction.send().await;
        match result {
            Ok(_) => Ok(Some(receipt)),
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }

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
