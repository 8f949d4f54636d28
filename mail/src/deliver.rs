//! Delivery of the outbox: claim an entry (so no other deliverer sends it meanwhile), send it,
//! record the outcome. A failed try is retried on core's schedule
//! ([`pengaduan_core::notice::retry_at`]) and marked failed after the last one, or at once
//! when the failure is permanent or the address is known to bounce.
//!
//! Logs name entry ids and counts only: never an address, a name, a code or a message's text.

use crate::channel::MessageChannel;
use jiff::Timestamp;
use pengaduan_core::notice::retry_at;
use pengaduan_core::text::redact_addresses;
use pengaduan_store::StoreError;
use pengaduan_store::outbox::{OutboxStore, Outcome, address_digest};
use std::sync::Arc;
use std::time::Duration;

/// How one claimed entry ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Sent.
    Sent,
    /// Failed; another try is scheduled.
    Retry,
    /// Failed for good: shown to staff.
    Failed,
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Messages sent.
    pub sent: usize,
    /// Messages that failed and will be tried again.
    pub retried: usize,
    /// Messages that failed for good.
    pub failed: usize,
    /// Entries the store could not claim or update (tried again at the next round).
    pub errors: usize,
}

impl Report {
    fn count(&mut self, delivery: Delivery) {
        match delivery {
            Delivery::Sent => self.sent += 1,
            Delivery::Retry => self.retried += 1,
            Delivery::Failed => self.failed += 1,
        }
    }
}

/// Delivers outbox entry `id` if it is due at `now` and nobody else holds it: `None` when it
/// was not claimed (not pending, not due, or claimed by another deliverer).
pub async fn deliver_one<S: OutboxStore, C: MessageChannel>(
    store: &S,
    channel: &C,
    id: &str,
    now: Timestamp,
) -> Result<Option<Delivery>, StoreError> {
    let Some(entry) = store.claim_outbox(id, now).await? else {
        return Ok(None);
    };
    let failed = |error: String| Outcome::Failed { error, retry_at: None };
    let outcome = match &entry.message {
        // Erased with the complaint's personal data, or already delivered: nothing to send.
        None => failed("pesan tidak lagi tersimpan".into()),
        Some(message) => match store.undeliverable(&address_digest(&message.to)).await? {
            Some(reason) => failed(format!("alamat surel tidak menerima surel lagi: {reason}")),
            None => match channel.send(id, message).await {
                Ok(()) => Outcome::Sent(now),
                Err(e) => {
                    let again = if e.is_permanent() { None } else { retry_at(entry.attempts, now) };
                    // Servers name the recipient in their errors; staff read these on the
                    // failure list, which shows no address.
                    Outcome::Failed { error: redact_addresses(&e.to_string()).into_owned(), retry_at: again }
                }
            },
        },
    };
    let delivery = match &outcome {
        Outcome::Sent(_) => Delivery::Sent,
        Outcome::Failed { retry_at: Some(_), .. } => Delivery::Retry,
        Outcome::Failed { retry_at: None, .. } => Delivery::Failed,
    };
    store.finish_outbox(id, outcome).await?;
    match delivery {
        Delivery::Sent => tracing::info!(entry = id, "surel terkirim"),
        Delivery::Retry => tracing::warn!(entry = id, attempts = entry.attempts, "surel gagal, dicoba lagi"),
        Delivery::Failed => tracing::warn!(entry = id, attempts = entry.attempts, "surel gagal, tidak dicoba lagi"),
    }
    Ok(Some(delivery))
}

/// Delivers up to `limit` entries due at `now`, oldest first. An entry the store fails on is
/// counted in [`Report::errors`] and left for the next round; only failing to list the due
/// entries is an error.
pub async fn deliver_due<S: OutboxStore, C: MessageChannel>(
    store: &S,
    channel: &C,
    now: Timestamp,
    limit: usize,
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    for id in store.due_outbox(now, limit).await? {
        match deliver_one(store, channel, &id, now).await {
            Ok(Some(delivery)) => report.count(delivery),
            Ok(None) => {}
            Err(e) => {
                report.errors += 1;
                tracing::error!(entry = id.as_str(), error = %pengaduan_store::error_chain(&e), "outbox tidak dapat diperbarui");
            }
        }
    }
    if report != Report::default() {
        tracing::info!(
            sent = report.sent,
            retried = report.retried,
            failed = report.failed,
            errors = report.errors,
            "pengiriman surel"
        );
    }
    Ok(report)
}

/// How many entries one background round takes at most.
const BACKGROUND_BATCH: usize = 50;

/// Delivers what is due every `every`, in a task of its own (`site-gen serve`, the console):
/// a failing store is logged and tried again at the next round, never a panic. Abort the
/// returned handle to stop it; an entry it held is delivered again once its lease ends.
pub fn spawn_background<S, C>(store: Arc<S>, channel: Arc<C>, every: Duration) -> tokio::task::JoinHandle<()>
where
    S: OutboxStore + 'static,
    C: MessageChannel + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&*store, &*channel, Timestamp::now(), BACKGROUND_BATCH).await {
                tracing::error!(error = %pengaduan_store::error_chain(&e), "outbox tidak dapat dibaca");
            }
        }
    })
}
