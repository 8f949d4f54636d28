//! The outbox: each message to a complainant is recorded in the same transaction as the change
//! that causes it (intake, or a staff change reaching another public status), so a change is
//! never stored without its message nor a message without its change. Delivery happens
//! afterwards, by whoever runs it (`site-gen serve` in the background, the staff tool after a
//! command, the delivery function on AWS): it claims an entry for a short lease, so two
//! deliverers never send the same message, sends it, then marks it sent or schedules a retry.
//!
//! A deliverer that crashes after sending and before marking leaves the entry claimed; once
//! the lease ends it is delivered again. That is the one way a message can arrive twice.

use crate::StoreError;
use jiff::Timestamp;
use pengaduan_core::notice::Message;
use std::future::Future;
use std::time::Duration;

/// How long a claim keeps other deliverers off an entry: far longer than one send takes.
pub const LEASE: Duration = Duration::from_secs(120);

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    /// Waiting for (another) try.
    Tertunda,
    /// Delivered; the message's text is no longer kept.
    Terkirim,
    /// Given up after the last try, or refused for good: shown to staff.
    Gagal,
}

impl OutboxState {
    /// The code used in storage.
    pub fn code(self) -> &'static str {
        match self {
            Self::Tertunda => "tertunda",
            Self::Terkirim => "terkirim",
            Self::Gagal => "gagal",
        }
    }

    /// The state with this code.
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Tertunda, Self::Terkirim, Self::Gagal].into_iter().find(|s| s.code() == code)
    }
}

/// One recorded message and its delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// `PGD-2026-00001#000002`: the complaint and its version after the change that caused the
    /// message, so one change records at most one message.
    pub id: String,
    /// The message; `None` once delivered (the address and the tracking code are not kept
    /// longer than needed) or erased with the complaint's personal data.
    pub message: Option<Message>,
    /// Where it stands.
    pub state: OutboxState,
    /// Tries so far.
    pub attempts: u32,
    /// When it was recorded.
    pub created_at: Timestamp,
    /// Not to be tried before this instant.
    pub due_at: Timestamp,
    /// Why the last try failed: the transport's words, never the message's content.
    pub last_error: Option<String>,
    /// When it was delivered.
    pub sent_at: Option<Timestamp>,
}

/// The outbox entry id of the message caused by the change that took complaint `nomor` to
/// `version` (1 for the receipt at intake).
pub fn entry_id(nomor: &str, version: u64) -> String {
    format!("{nomor}#{version:06}")
}

/// The entry id of the DynamoDB item with keys `COMPLAINT#<nomor>` / `SUREL#<version>`
/// (`<nomor>#<version>`); `None` for any other item. The delivery function reads the table's
/// stream keys with it.
pub fn id_of(pk: &str, sk: &str) -> Option<String> {
    let nomor = pk.strip_prefix("COMPLAINT#").filter(|n| !n.is_empty())?;
    let version = sk.strip_prefix("SUREL#").filter(|v| !v.is_empty())?;
    Some(format!("{nomor}#{version}"))
}

/// How one try ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered at this instant.
    Sent(Timestamp),
    /// Failed; try again at `retry_at`, or never (marked failed) when it is `None`.
    Failed {
        /// The transport's error, for staff.
        error: String,
        /// When to try again.
        retry_at: Option<Timestamp>,
    },
}

/// The outbox side of a store.
pub trait OutboxStore: Send + Sync {
    /// Ids of up to `limit` pending entries due at `now` and not claimed, oldest first.
    fn due_outbox(&self, now: Timestamp, limit: usize) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Claims entry `id` for [`LEASE`] from `now` and counts one more try: the entry, or `None`
    /// when it is not pending, not due, or claimed by another deliverer.
    fn claim_outbox(
        &self,
        id: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<OutboxEntry>, StoreError>> + Send;

    /// Records how the try of a claimed entry ended: sent (its message is dropped), retried
    /// later, or failed for good.
    fn finish_outbox(&self, id: &str, outcome: Outcome) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every entry that failed for good, oldest first: for staff to see and re-queue.
    fn failed_outbox(&self) -> impl Future<Output = Result<Vec<OutboxEntry>, StoreError>> + Send;

    /// Puts a failed entry back in the queue, due at `now`, its tries counted from zero.
    /// `false` when it is not failed.
    fn requeue_outbox(&self, id: &str, now: Timestamp) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records that mail to the address with digest `address` bounces or was reported as
    /// spam: nothing more is sent there.
    fn mark_undeliverable(
        &self,
        address: &str,
        reason: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Why mail to the address with digest `address` is not sent, if it is not.
    fn undeliverable(&self, address: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
}

/// The digest under which an address is known to bounce: the address itself is not kept.
pub fn address_digest(address: &str) -> String {
    crate::intake::digest(&format!("surel:{}", address.trim().to_lowercase()))
}

/// Why an undelivered message was dropped when the complaint's personal data was erased.
pub const ERASED_ERROR: &str = "data pribadi dihapus sebelum pesan terkirim";

/// The file a message is written to when mail goes to a folder (`.eml`, local use): the entry
/// id with `#` (and anything but letters, digits, `-` and `_`) as `-`, so it is a plain file name
/// on every system. The store owns it because erasure must find a complaint's copies.
pub fn message_file_name(id: &str) -> String {
    let stem: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    format!("{stem}.eml")
}

/// Removes every message file of complaint `nomor` in `dir` (what [`message_file_name`] names
/// for its entries `nomor#…`, and half-written temporary copies); how many. A missing folder
/// holds none.
pub fn remove_message_files(dir: &std::path::Path, nomor: &str) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    // The number's own dash-terminated prefix: PGD-2026-00001- never matches PGD-2026-000010-.
    let stem = message_file_name(&format!("{nomor}#"));
    let prefix = stem.trim_end_matches(".eml");
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = (name.starts_with(prefix) && name.ends_with(".eml"))
            || (name.starts_with(&format!(".{prefix}")) && name.ends_with(".tmp"));
        if ours && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(feature = "aws")]
pub mod dynamodb;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
