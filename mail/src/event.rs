//! The delivery function's handler, a plain function of the event (the Lambda shell in
//! `main.rs` only builds the store and the channel). Three events reach it:
//!
//! - the table's stream (DynamoDB Streams, keys only): a new outbox item is delivered at once;
//!   records the store failed on are returned as batch item failures, so only they come again;
//! - SES bounce and complaint notifications through SNS: the address is marked undeliverable
//!   (by digest), so nothing more is sent there;
//! - anything else, the schedule's tick: whatever is due (retries after a failed try).

use crate::channel::MessageChannel;
use crate::deliver::{deliver_due, deliver_one};
use jiff::Timestamp;
use pengaduan_store::StoreError;
use pengaduan_store::outbox::{OutboxStore, address_digest, id_of};
use serde_json::{Value, json};

/// How many due entries one scheduled tick delivers at most.
pub const TICK_BATCH: usize = 100;

/// Handles one event; the answer is the function's result (batch item failures for a stream).
pub async fn handle<S: OutboxStore, C: MessageChannel>(
    store: &S,
    channel: &C,
    event: &Value,
    now: Timestamp,
) -> Result<Value, StoreError> {
    let records = event.get("Records").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let source = |r: &Value, key: &str| r.get(key).and_then(Value::as_str).map(str::to_owned);
    if records.iter().any(|r| source(r, "eventSource").as_deref() == Some("aws:dynamodb")) {
        return Ok(stream(store, channel, records, now).await);
    }
    if records.iter().any(|r| source(r, "EventSource").as_deref() == Some("aws:sns")) {
        return notifications(store, records, now).await;
    }
    let report = deliver_due(store, channel, now, TICK_BATCH).await?;
    Ok(json!({
        "terkirim": report.sent,
        "dicoba_lagi": report.retried,
        "gagal": report.failed,
        "galat": report.errors,
    }))
}

async fn stream<S: OutboxStore, C: MessageChannel>(store: &S, channel: &C, records: &[Value], now: Timestamp) -> Value {
    let mut failures = Vec::new();
    for record in records {
        if record.get("eventName").and_then(Value::as_str) != Some("INSERT") {
            continue;
        }
        let key = |name: &str| record.pointer(&format!("/dynamodb/Keys/{name}/S")).and_then(Value::as_str);
        let Some(id) = key("pk").zip(key("sk")).and_then(|(pk, sk)| id_of(pk, sk)) else {
            continue;
        };
        if let Err(e) = deliver_one(store, channel, &id, now).await {
            tracing::error!(entry = id.as_str(), error = %pengaduan_store::error_chain(&e), "outbox tidak dapat diperbarui");
            let sequence = record.pointer("/dynamodb/SequenceNumber").cloned().unwrap_or(Value::Null);
            failures.push(json!({ "itemIdentifier": sequence }));
        }
    }
    json!({ "batchItemFailures": failures })
}

/// Marks the addresses of permanent bounces and complaints as undeliverable. A store error
/// fails the invocation, and SNS delivers the notification again.
async fn notifications<S: OutboxStore>(store: &S, records: &[Value], now: Timestamp) -> Result<Value, StoreError> {
    let mut marked = 0;
    for record in records {
        let Some(text) = record.pointer("/Sns/Message").and_then(Value::as_str) else { continue };
        let Ok(notification) = serde_json::from_str::<Value>(text) else {
            tracing::warn!("notifikasi SNS bukan JSON, diabaikan");
            continue;
        };
        for (address, reason) in undeliverable(&notification) {
            store.mark_undeliverable(&address_digest(&address), reason, now).await?;
            marked += 1;
        }
    }
    tracing::info!(marked, "alamat surel ditandai tidak menerima surel");
    Ok(json!({ "ditandai": marked }))
}

/// The addresses an SES notification says not to write to again, with the reason: permanent
/// bounces and complaints (event publishing names the type `eventType`, identity
/// notifications `notificationType`). Transient bounces are left to retries.
pub fn undeliverable(notification: &Value) -> Vec<(String, &'static str)> {
    let kind = notification.get("eventType").or_else(|| notification.get("notificationType")).and_then(Value::as_str);
    let (list, field, reason) = match kind {
        Some("Bounce") if notification.pointer("/bounce/bounceType").and_then(Value::as_str) == Some("Permanent") => {
            ("/bounce/bouncedRecipients", "emailAddress", "surel ditolak permanen oleh server penerima (bounce)")
        }
        Some("Complaint") => {
            ("/complaint/complainedRecipients", "emailAddress", "penerima menandai surel sebagai spam (complaint)")
        }
        _ => return Vec::new(),
    };
    notification
        .pointer(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get(field).and_then(Value::as_str))
        .map(|a| (a.to_owned(), reason))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_keys_name_outbox_entries_only() {
        assert_eq!(id_of("COMPLAINT#PGD-2026-00001", "SUREL#000001").as_deref(), Some("PGD-2026-00001#000001"));
        assert_eq!(id_of("COMPLAINT#PGD-2026-00001", "META"), None);
        assert_eq!(id_of("SUREL-TOLAK#abc", "SUREL-TOLAK"), None);
    }

    #[test]
    fn only_permanent_bounces_and_complaints_stop_mail() {
        let bounce = |kind: &str| {
            json!({"notificationType": "Bounce", "bounce": {"bounceType": kind,
                "bouncedRecipients": [{"emailAddress": "a@contoh.id"}, {"emailAddress": "b@contoh.id"}]}})
        };
        let got: Vec<String> = undeliverable(&bounce("Permanent")).into_iter().map(|(a, _)| a).collect();
        assert_eq!(got, ["a@contoh.id", "b@contoh.id"]);
        assert!(undeliverable(&bounce("Transient")).is_empty());
        let complaint =
            json!({"eventType": "Complaint", "complaint": {"complainedRecipients": [{"emailAddress": "c@contoh.id"}]}});
        assert_eq!(undeliverable(&complaint).len(), 1);
        assert!(undeliverable(&json!({"eventType": "Delivery"})).is_empty());
    }
}
