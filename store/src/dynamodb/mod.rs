//! The DynamoDB store: one on-demand table with string keys `pk` and `sk`.
//!
//! Items:
//! - `COUNTER` / `PGD#2026`: the year's last register number (`value`).
//! - `COMPLAINT#PGD-2026-00001` / `REGISTER`: the register entry and the complaint's text.
//! - `PRIBADI#PGD-2026-00001` / `PRIBADI`: personal data, erasable on its own, in a partition
//!   of its own so a role can be denied it (see [`personal`]); `COMPLAINT#…` / `PERSONAL` before.
//! - `COMPLAINT#PGD-2026-00001` / `HISTORY#000001`, `HISTORY#000002`, ...: the complaint's
//!   history, one item per change, numbered by the complaint's version after it (so the order
//!   does not depend on the clocks of staff machines), created only if absent and never updated.
//! - `COUNTER` / `BA#2026`: the year's last Berita Acara number.
//! - `IDEMPOTENCY#<digest>` / `IDEMPOTENCY`: the first answer, expiring through `expires_at` (TTL).
//! - `RATE#<digest>` / `RATE`: the moments of a source's submissions in the last hour (`log`,
//!   a sliding window, versioned by `versi`), expiring likewise.
//! - `EVENT#<digest>#<seconds>` / `EVENT`: other counted events (failed tracking look-ups per
//!   source) in the last window of that many seconds, kept and expiring likewise.
//! - `META#<key>` / `META`: the store's own bookkeeping (`value`), such as the fingerprint of
//!   the calendar the stored deadlines were computed with (`META#kalender`).
//! - `JAWABAN#<nomor>` / `JAWABAN`: the office's answer to the complaint: see `answer/`.
//! - Staff accounts, sessions, failed logins and the audit trail: see `accounts/dynamodb.rs`.
//! - The site's content, its heads (`KONTEN`) and revisions (`KONTEN#<path>`): see
//!   `content/dynamodb.rs`.
//!
//! A submission is one `TransactWriteItems`: the counter moves from the value read to the next
//! one only if nobody moved it meanwhile, the complaint and personal items are created only if
//! absent, and the idempotency record only if absent or expired. A conflict retries the whole
//! transaction, so numbers are unique and gapless and a failed write consumes none. Within one
//! process the submissions on a counter take turns (see [`counters`]), so an instance never
//! races itself, and the counter's value is remembered between turns: a warm instance's
//! submission is that one transaction and no read. Instances still race each other; a lost
//! race returns the counter's value with the cancellation, so the retry needs no read either.
//!
//! A staff change is one `TransactWriteItems` too: the register item is updated only if its
//! `version` is still the one the change was computed from, the history item is created, and
//! the Berita Acara counter (when the change numbers one) moves like the register counter. A
//! cancelled transaction is re-read: another version means another staff member acted first
//! (a conflict, never a lost update); the same version means the counter moved (retry).
//!
//! Listing the register never scans the table: a register item carries the month it was
//! received in the office's time zone (`bulan_terima`, `YYYY-MM`), the partition key of the
//! global secondary index of that name, so a period is one `Query` per month (all years: the
//! months of the years the register counters name). The sparse index `bulan_selesai` holds the
//! month a complaint finished, set in the write that finishes it, for the public statistics.
//! The staff's inbox, read on every page of the console, is a `Query` of the sparse index
//! `terbuka`: a register item carries `terbuka = "1"` while its complaint is not `selesai`,
//! and every write of the register item sets or removes it with the status.

mod attributes;
mod backfill;
mod complaints;
mod counters;
mod months;
mod personal;
mod table;
mod workflow;

use crate::StoreError;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, Put};
use pengaduan_core::Status;
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) use attributes::{n, number, opt_string, put_opt, s, string};
pub use personal::PERSONAL_PREFIX;

/// The TTL attribute of expiring items.
pub const TTL_ATTRIBUTE: &str = "expires_at";

/// The sparse global secondary index of open complaints (partition `terbuka`, sort `nomor`),
/// and the attribute that puts a register item in it.
pub const OPEN_INDEX: &str = "terbuka";

/// The global secondary index of the register by month received (partition `bulan_terima`,
/// `YYYY-MM` in the office's time zone; sort `nomor`), and the attribute that puts a register
/// item in it.
pub const RECEIVED_INDEX: &str = "bulan_terima";

/// The sparse global secondary index of finished complaints by month finished (partition
/// `bulan_selesai`, `YYYY-MM` of the day finished; sort `nomor`), and its attribute.
pub const FINISHED_INDEX: &str = "bulan_selesai";

/// The value of [`OPEN_INDEX`]'s attribute on a register item whose complaint is open: one
/// partition, for an office's few thousand complaints a year.
const OPEN: &str = "1";

/// The `terbuka` attribute of a register item in `status`: present while the complaint is open.
fn open_marker(status: Status) -> Option<AttributeValue> {
    (status != Status::Selesai).then(|| s(OPEN))
}

/// The `bulan_selesai` attribute of a register item finished on `finished_on`: present once
/// it is finished.
fn finished_marker(finished_on: Option<jiff::civil::Date>) -> Option<AttributeValue> {
    finished_on.map(|d| s(&pengaduan_core::stats::month_key(d)))
}

pub(crate) type Item = HashMap<String, AttributeValue>;

/// A complaint store on one DynamoDB table.
#[derive(Clone)]
pub struct DynamoStore {
    pub(crate) client: Client,
    pub(crate) table: String,
    /// This process's turns on the register counters; shared by clones, as by the requests of
    /// one function instance.
    counters: Arc<counters::Counters>,
}

impl DynamoStore {
    /// Wraps a client built once at start-up. Each store made here takes its own turns on the
    /// counters, as another function instance would; clones share them.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into(), counters: Arc::default() }
    }

    /// Builds a client from the standard AWS environment (including `AWS_ENDPOINT_URL_DYNAMODB`).
    pub async fn from_env(table: impl Into<String>) -> Self {
        let config = pengaduan_aws::load_config().await;
        let mut builder = aws_sdk_dynamodb::config::Builder::from(&config);
        if let Some(url) = pengaduan_aws::service_endpoint("DYNAMODB") {
            builder = builder.endpoint_url(url);
        }
        Self::new(Client::from_conf(builder.build()), table)
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// One item, read consistently.
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

    /// A put that creates `item` only if absent.
    fn create(&self, item: Item) -> Result<Put, StoreError> {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)
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
