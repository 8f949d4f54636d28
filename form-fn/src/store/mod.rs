//! Storage of complaints: one interface, two adapters (SQLite for `site-gen serve`, DynamoDB on
//! AWS), both held to the same contract test suite.
//!
//! Every store keeps the personal data of a complaint apart from its register entry, numbers
//! complaints gaplessly per year inside one transaction, replays idempotent submissions, and
//! counts submissions per source for the rate limit.

pub mod dynamodb;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use jiff::Timestamp;
use pengaduan_core::{RegisterNumber, Status, Submission};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// The answer given for a stored submission, replayed as is for the same idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The register number, e.g. `PGD-2026-00042`.
    pub nomor: String,
    /// The tracking code as shown, e.g. `7KQ2-M9XD-4TPA`.
    pub kode_lacak: String,
    /// The public status at intake.
    pub status: Status,
    /// When it was received, RFC 3339 with the office's offset.
    pub diterima_pada: String,
}

/// Everything a store needs to register one new complaint.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    /// The validated submission.
    pub submission: Submission,
    /// The channel it came through (`web` for the online form).
    pub channel: String,
    /// Prefix of register numbers.
    pub prefix: String,
    /// Calendar year in the office's time zone: selects the counter.
    pub year: i16,
    /// When it was received.
    pub received_at: Timestamp,
    /// The answer to give, except for `nomor`, which the store assigns.
    pub receipt: Receipt,
    /// Digest of the tracking code, to check lookups against.
    pub kode_hash: String,
    /// Digest identifying the submission for replays (explicit key or content fingerprint).
    pub idempotency_key: String,
    /// When the idempotency record stops counting.
    pub idempotency_expires_at: Timestamp,
}

/// The outcome of [`ComplaintStore::submit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored under a new number.
    New(Receipt),
    /// The same submission was stored before: its original answer.
    Replay(Receipt),
}

/// What the public may see of one complaint, plus the code digest to check access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRecord {
    /// The register number.
    pub nomor: RegisterNumber,
    /// Digest of the tracking code.
    pub kode_hash: String,
    /// Current public status.
    pub status: Status,
    /// Kind of report (`pengaduan`, `informasi`, `aspirasi`).
    pub jenis: String,
    /// When it was received.
    pub received_at: Timestamp,
}

/// The outcome of counting one submission against the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// Under the limit; counted.
    Allowed,
    /// Over the limit until the window ends, in this many seconds.
    Limited {
        /// Seconds until the current window ends.
        retry_after: u64,
    },
}

/// A storage failure. Messages carry no personal data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed or was unreachable.
    #[error("storage backend error: {0}")]
    Backend(String),
    /// Too many concurrent writers kept winning; the caller may retry.
    #[error("storage contention: gave up after {0} attempts")]
    Contention(u32),
    /// Stored data could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// The storage interface behind the complaint handler.
pub trait ComplaintStore: Send + Sync {
    /// A previous answer for this idempotency digest, if it has not expired at `now`.
    fn find_replay(
        &self,
        idempotency_key: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<Receipt>, StoreError>> + Send;

    /// Stores the complaint with the next number of its year, the personal data apart, and the
    /// idempotency record, all in one transaction. A failure consumes no number.
    fn submit(&self, complaint: NewComplaint) -> impl Future<Output = Result<Submitted, StoreError>> + Send;

    /// The public view of one complaint.
    fn find_public(
        &self,
        nomor: &RegisterNumber,
    ) -> impl Future<Output = Result<Option<PublicRecord>, StoreError>> + Send;

    /// Counts one submission from `source` (a digest) in the hour window containing `now`.
    fn count_submission(
        &self,
        source: &str,
        now: Timestamp,
        limit_per_hour: u32,
    ) -> impl Future<Output = Result<RateDecision, StoreError>> + Send;
}

/// The start and end (seconds since the epoch) of the hour window containing `now`.
pub fn rate_window(now: Timestamp) -> (i64, i64) {
    let start = now.as_second().div_euclid(3600) * 3600;
    (start, start + 3600)
}

/// The store chosen at run time: `sqlite:PATH` or `dynamodb:TABLE`.
#[derive(Clone)]
pub enum AnyStore {
    /// The embedded database.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::SqliteStore),
    /// A DynamoDB table.
    Dynamo(dynamodb::DynamoStore),
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite($s) => $call.await,
            AnyStore::Dynamo($s) => $call.await,
        }
    };
}

impl ComplaintStore for AnyStore {
    async fn find_replay(&self, key: &str, now: Timestamp) -> Result<Option<Receipt>, StoreError> {
        dispatch!(self, s => s.find_replay(key, now))
    }

    async fn submit(&self, complaint: NewComplaint) -> Result<Submitted, StoreError> {
        dispatch!(self, s => s.submit(complaint))
    }

    async fn find_public(&self, nomor: &RegisterNumber) -> Result<Option<PublicRecord>, StoreError> {
        dispatch!(self, s => s.find_public(nomor))
    }

    async fn count_submission(&self, source: &str, now: Timestamp, limit: u32) -> Result<RateDecision, StoreError> {
        dispatch!(self, s => s.count_submission(source, now, limit))
    }
}
