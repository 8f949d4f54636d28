//! Where complaints and their attachments are kept: one interface, two adapters (SQLite for
//! `site-gen serve` and the staff tool, DynamoDB on AWS), both held to the same contract test
//! suite; attachment storage (a folder, or S3); and [`intake`], the one path by which a
//! validated submission from any channel becomes a stored complaint.
//!
//! Every store keeps the personal data of a complaint apart from its register entry, numbers
//! complaints gaplessly per year inside one transaction, replays idempotent submissions, and
//! counts submissions per source for the rate limit, and other events (failed tracking look-ups)
//! per key and window.
//!
//! Staff move complaints through their procedure with [`WorkflowStore`]: every change is checked
//! against the version of the complaint the change was computed from (optimistic concurrency,
//! so two staff acting at once never lose an update), appended to the complaint's history in
//! the same transaction, and numbers the Berita Acara from its own gapless yearly counter.

pub mod accounts;
pub mod attachments;
#[cfg(feature = "aws")]
pub mod aws;
pub mod config;
pub mod deadlines;
#[cfg(feature = "aws")]
pub mod dynamodb;
pub mod erasure;
pub mod error;
pub mod intake;
pub mod open;
pub mod outbox;
pub mod retry;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod survey;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod uploads;

#[cfg(not(any(feature = "sqlite", feature = "aws")))]
compile_error!("pengaduan-store needs at least one store: enable the `sqlite` or `aws` feature");

pub use config::Config;
pub use error::error_chain;
pub use open::{OpenError, open, open_attachments};

use jiff::Timestamp;
use jiff::civil::Date;
use pengaduan_core::calendar::Deadline;
use pengaduan_core::workflow::{Action, Channel, HistoryEntry, Transition, WorkflowState};
use pengaduan_core::{Jenis, PersonalData, RegisterNumber, Status, Submission};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::time::Duration;

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
    /// The channel it came through.
    pub channel: Channel,
    /// Who recorded it: [`ONLINE_FRONT_OFFICE`] for the online form, else the staff member.
    pub recorded_by: String,
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
    /// Digest of the whole body, kept with an explicit key to refuse its reuse for another body.
    pub body_digest: Option<String>,
    /// Uploads stored under pending keys, to commit to the number once it is assigned: named in
    /// the same transaction, so a complaint never exists without knowing its files.
    pub uploads: Vec<PendingUpload>,
    /// When the idempotency record stops counting.
    pub idempotency_expires_at: Timestamp,
    /// The receipt to send, recorded in the outbox in the same transaction (the store fills in
    /// its `nomor`).
    pub message: Option<pengaduan_core::notice::Message>,
    /// The language the complainant wrote in: kept with the complaint, so every later message
    /// to them is worded in it.
    pub lang: pengaduan_core::Lang,
}

/// An upload waiting for its complaint, as the complaint's record names it.
pub type PendingUpload = (attachments::PendingKey, pengaduan_core::attachment::ValidFile);

/// The outcome of [`ComplaintStore::submit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored under a new number.
    New(Receipt),
    /// The same submission was stored before: its original answer.
    Replay(Receipt),
    /// The idempotency key was used before for another body: refused, and nothing of the first
    /// submission is shown (it may be another citizen's).
    KeyReused,
}

/// A stored first answer, with the digest of the body its key came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReplay {
    /// The first answer.
    pub receipt: Receipt,
    /// Digest of the first body, for explicit keys (`None`: a content fingerprint, or a record
    /// stored before bodies were kept).
    pub body: Option<String>,
}

impl StoredReplay {
    /// The answer to a repeat whose body digest is `body`: the first answer, unless both bodies
    /// are known and differ.
    pub fn judge(self, body: Option<&str>) -> Submitted {
        match (self.body.as_deref(), body) {
            (Some(first), Some(again)) if first != again => Submitted::KeyReused,
            _ => Submitted::Replay(self.receipt),
        }
    }
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
    /// Kind of report.
    pub jenis: Jenis,
    /// The title the complainant gave: a register field, kept when personal data is erased;
    /// shown to whoever holds the tracking code (the receipt names it).
    pub judul: String,
    /// When it was received.
    pub received_at: Timestamp,
    /// The public statuses reached, in the order they happened, with their dates. Never notes
    /// or staff names: the type cannot carry them.
    pub events: Vec<PublicEvent>,
    /// The deadline, once the files are complete.
    pub deadline: Option<Date>,
    /// The deadline was counted without a year's holidays (the calendar lacked it): shown as
    /// sementara until the stores recompute it.
    pub deadline_provisional: bool,
    /// What comes next in the complaint's procedure, as the service page words it.
    pub next_step: Option<String>,
}

/// One public status reached, from the complaint's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicEvent {
    /// The status reached.
    pub status: Status,
    /// When it was recorded.
    pub at: Timestamp,
    /// The day it took effect, when staff gave one (files declared complete on).
    pub on: Option<Date>,
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
    #[error("storage backend error")]
    Backend(#[source] error::BoxError),
    /// Too many concurrent writers kept winning; the caller may retry.
    #[error("storage contention: gave up after {0} attempts")]
    Contention(u32),
    /// Stored data could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The complaint changed since it was read: another staff member acted first.
    #[error("Pengaduan telah diubah oleh petugas lain; muat ulang dan coba lagi.")]
    Conflict,
    /// No complaint has this number.
    #[error("Pengaduan {0} tidak ditemukan.")]
    NotFound(String),
    /// A record with this key exists already (a username that is taken).
    #[error("Pengguna {0} sudah ada.")]
    Duplicate(String),
}

/// The storage interface behind the complaint handler.
pub trait ComplaintStore: Send + Sync {
    /// A previous answer for this idempotency digest, if it has not expired at `now`.
    fn find_replay(
        &self,
        idempotency_key: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<StoredReplay>, StoreError>> + Send;

    /// Stores the complaint with the next number of its year, the personal data apart, and the
    /// idempotency record, all in one transaction. A failure consumes no number.
    fn submit(&self, complaint: NewComplaint) -> impl Future<Output = Result<Submitted, StoreError>> + Send;

    /// The uploads complaint `nomor` still has to commit, if any.
    fn pending_uploads(&self, nomor: &str) -> impl Future<Output = Result<Vec<PendingUpload>, StoreError>> + Send;

    /// Up to `limit` complaints whose uploads are not committed yet, oldest first.
    fn unfinished_uploads(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<(String, Vec<PendingUpload>)>, StoreError>> + Send;

    /// Records that complaint `nomor`'s uploads are committed.
    fn uploads_committed(&self, nomor: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

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

    /// Counts one event under `key` (a namespaced digest, such as one failed tracking look-up
    /// from a source) in the fixed window of length `window` containing `now`: allowed and
    /// counted while fewer than `limit` are counted, else limited until the window ends and not
    /// counted. Kept apart from [`count_submission`](Self::count_submission)'s counts.
    fn count_event(
        &self,
        key: &str,
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> impl Future<Output = Result<RateDecision, StoreError>> + Send;

    /// Whether `key` has reached `limit` events in the window containing `now`, counting none:
    /// a refusal that applies before the work it limits is done.
    fn peek_events(
        &self,
        key: &str,
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> impl Future<Output = Result<RateDecision, StoreError>> + Send;
}

/// The name recorded in the history of a complaint received through the online form.
pub const ONLINE_FRONT_OFFICE: &str = "Front Office (daring)";

/// One row of the Buku Register Pengaduan: what stays when personal data is erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    /// The register number.
    pub nomor: RegisterNumber,
    /// When it was received.
    pub received_at: Timestamp,
    /// The channel it came through.
    pub channel: Channel,
    /// Kind of report.
    pub jenis: Jenis,
    /// Title.
    pub judul: String,
    /// Where the complaint stands.
    pub state: WorkflowState,
    /// The deadline, computed with the working-day calendar when the files were declared complete
    /// (and again whenever the calendar changes, while the complaint is not finished).
    pub deadline: Option<Date>,
    /// The deadline was counted without a year's holidays: shown as sementara.
    pub deadline_provisional: bool,
    /// The version every change is checked against; 1 at intake, one more per change.
    pub version: u64,
    /// When the personal data was erased, if it was.
    pub erased_at: Option<Timestamp>,
    /// How many attachments were erased with it (their names and contents are gone).
    pub attachments_erased: Option<usize>,
}

impl RegisterRow {
    /// The stored deadline with its flag, as the calendar computed it.
    pub fn stored_deadline(&self) -> Option<Deadline> {
        self.deadline.map(|value| Deadline { value, provisional: self.deadline_provisional })
    }
}

/// Everything staff may see of one complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRecord {
    /// The register entry and workflow state.
    pub row: RegisterRow,
    /// Identity hidden from the officials handling it.
    pub anonim: bool,
    /// Not to be made public.
    pub rahasia: bool,
    /// What happened (blanked when personal data is erased).
    pub isi: String,
    /// Where it happened.
    pub lokasi: Option<String>,
    /// When it happened.
    pub tanggal_kejadian: Option<Date>,
    /// The service it is about.
    pub layanan: Option<String>,
    /// Personal data; `None` once erased.
    pub personal: Option<PersonalData>,
    /// What the public is told comes next.
    pub next_step: Option<String>,
    /// Every change, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The language the complainant wrote in (Indonesian for complaints stored before it was
    /// kept): messages to them are worded in it.
    pub lang: pengaduan_core::Lang,
}

/// One change to a complaint, as staff made it, to be stored atomically.
#[derive(Debug, Clone)]
pub struct WorkflowChange {
    /// The state after the change. When `assign_ba` is set, the store fills in `ba_number`.
    pub state: WorkflowState,
    /// Assign the next Berita Acara number of `ba_year`, in the same transaction.
    pub assign_ba: bool,
    /// The year of the Berita Acara number, in the office's time zone.
    pub ba_year: i16,
    /// The deadline after the change (computed with the calendar by the caller).
    pub deadline: Option<Date>,
    /// The deadline was counted without a year's holidays.
    pub deadline_provisional: bool,
    /// What the public is told comes next after the change.
    pub next_step: Option<String>,
    /// The history entry; the store sets `seq` (the new version) and `ba_number`.
    pub entry: HistoryEntry,
    /// The message telling the complainant, recorded in the outbox in the same transaction.
    pub message: Option<pengaduan_core::notice::Message>,
}

impl WorkflowChange {
    /// The change storing a checked transition made by `by` at `at`; `ba_year` is the year of
    /// `at` in the office's time zone, `deadline` and `next_step` are computed by the caller
    /// (with the working-day calendar and the procedure).
    pub fn from_transition(
        t: &Transition,
        by: &str,
        at: Timestamp,
        ba_year: i16,
        deadline: Option<Deadline>,
        next_step: Option<String>,
    ) -> Self {
        Self {
            state: t.to.clone(),
            assign_ba: t.assign_ba,
            ba_year,
            deadline: deadline.map(|d| d.value),
            deadline_provisional: deadline.is_some_and(|d| d.provisional),
            next_step,
            entry: t.entry(at, by),
            message: None,
        }
    }

    /// The same change, telling the complainant of `record` when it reaches another public
    /// status (see [`Message::status_change`](pengaduan_core::notice::Message::status_change)).
    pub fn notify(mut self, record: &ComplaintRecord, t: &Transition) -> Self {
        self.message = pengaduan_core::notice::Message::status_change(
            &record.row.nomor.to_string(),
            record.personal.as_ref(),
            record.anonim,
            record.row.jenis,
            &record.row.judul,
            t,
            self.deadline,
            self.deadline_provisional,
            record.lang,
        );
        self
    }
}

/// The language stored as `code` (a complaint's, a message's); Indonesian when it is absent
/// (stored before languages were kept) or unknown: a message in the default language beats a
/// complaint staff cannot open.
pub(crate) fn lang_of(code: Option<&str>) -> pengaduan_core::Lang {
    code.and_then(pengaduan_core::Lang::parse).unwrap_or_default()
}

#[cfg(test)]
mod lang_tests {
    use pengaduan_core::Lang;

    #[test]
    fn a_stored_language_missing_or_unknown_reads_as_indonesian() {
        // Items and rows written before languages were kept have none; staff must still open them.
        assert_eq!(super::lang_of(None), Lang::Id);
        assert_eq!(super::lang_of(Some("")), Lang::Id);
        assert_eq!(super::lang_of(Some("fr")), Lang::Id);
        assert_eq!(super::lang_of(Some("en")), Lang::En);
        assert_eq!(super::lang_of(Some("id")), Lang::Id);
    }
}

/// The outcome of a stored change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The complaint's version after the change.
    pub version: u64,
    /// The Berita Acara number, when this change assigned one.
    pub ba_number: Option<String>,
}

/// Which register rows to list. Empty means all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only this public status.
    pub status: Option<Status>,
    /// Only this kind of report.
    pub jenis: Option<Jenis>,
    /// Only complaints received at or after this instant.
    pub received_from: Option<Timestamp>,
    /// Only complaints received before this instant.
    pub received_before: Option<Timestamp>,
}

impl ListFilter {
    /// Whether a row passes the filter (the stores narrow what they can natively, then this).
    pub fn matches(&self, row: &RegisterRow) -> bool {
        self.status.is_none_or(|s| s == row.state.status)
            && self.jenis.is_none_or(|j| j == row.jenis)
            && self.received_from.is_none_or(|t| row.received_at >= t)
            && self.received_before.is_none_or(|t| row.received_at < t)
    }
}

/// The staff side of the store: the register, each complaint's history, and changes checked
/// against the version they were computed from.
pub trait WorkflowStore: ComplaintStore {
    /// One complaint with its personal data and full history.
    fn load(&self, nomor: &RegisterNumber) -> impl Future<Output = Result<Option<ComplaintRecord>, StoreError>> + Send;

    /// Stores a change computed from version `expected_version`: the register entry, the
    /// history entry and (when asked) the next Berita Acara number, in one transaction, only if
    /// nobody changed the complaint meanwhile ([`StoreError::Conflict`] otherwise).
    fn apply(
        &self,
        nomor: &RegisterNumber,
        expected_version: u64,
        change: WorkflowChange,
    ) -> impl Future<Output = Result<Applied, StoreError>> + Send;

    /// The register rows passing `filter`, by number.
    fn list(&self, filter: &ListFilter) -> impl Future<Output = Result<Vec<RegisterRow>, StoreError>> + Send;

    /// Every complaint not yet `selesai` (the staff's inbox), by number.
    fn open_rows(&self) -> impl Future<Output = Result<Vec<RegisterRow>, StoreError>> + Send;

    /// Erases the complaint's personal data (and its free text, which often names people) on
    /// request, keeping its register row; appends "data pribadi dihapus" with the reason.
    /// `attachments_erased` is how many files were erased with it, for the register.
    fn erase_personal(
        &self,
        request: &erasure::Request<'_>,
        attachments_erased: usize,
    ) -> impl Future<Output = Result<Applied, StoreError>> + Send;

    /// Replaces the stored deadline of a complaint still at version `expected_version` with one
    /// recomputed from a changed calendar: only the deadline and its flag change, the version
    /// stays and no history entry is written, since no staff member acted. `false`, and nothing
    /// written, when the version has moved on (whoever changed it stored their own deadline).
    fn refresh_deadline(
        &self,
        nomor: &RegisterNumber,
        expected_version: u64,
        deadline: Option<Date>,
        provisional: bool,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A value of the store's own bookkeeping (such as the calendar the deadlines were computed
    /// with), `None` when never written.
    fn read_meta(&self, key: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Writes a value of the store's own bookkeeping, replacing the previous one.
    fn write_meta(&self, key: &str, value: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The first history entry of a complaint: received online or recorded by staff.
pub(crate) fn intake_entry(c: &NewComplaint) -> HistoryEntry {
    let (action, note) = match c.channel {
        Channel::Web => (Action::Diterima, String::new()),
        other => (Action::Dicatat, format!("Diterima melalui {}", other.label())),
    };
    HistoryEntry {
        seq: 1,
        at: c.received_at,
        by: c.recorded_by.clone(),
        action,
        from: None,
        to: c.receipt.status,
        procedure_id: None,
        step_index: None,
        on: None,
        note,
        ba_number: None,
    }
}

/// The history entry of an erasure.
pub(crate) fn erase_entry(status: Status, by: &str, reason: &str, at: Timestamp) -> HistoryEntry {
    HistoryEntry {
        seq: 0,
        at,
        by: by.to_owned(),
        action: Action::DataPribadiDihapus,
        from: Some(status),
        to: status,
        procedure_id: None,
        step_index: None,
        on: None,
        note: reason.trim().to_owned(),
        ba_number: None,
    }
}

/// What replaces the complaint's text once personal data is erased.
pub const ERASED_TEXT: &str = "[dihapus atas permintaan]";

/// A random token identifying one attempt at a change, to recognise it after a lost answer.
#[cfg(feature = "aws")]
pub(crate) fn change_token() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The start and end (seconds since the epoch) of the hour window containing `now`.
pub fn rate_window(now: Timestamp) -> (i64, i64) {
    event_window(now, Duration::from_secs(3600))
}

/// The start and end (seconds since the epoch) of the fixed window of length `window` containing
/// `now`. Windows are aligned to the epoch, so every instance of the function agrees on them
/// without sharing state; a window shorter than a second counts as one second.
pub fn event_window(now: Timestamp, window: Duration) -> (i64, i64) {
    let length = i64::try_from(window.as_secs()).unwrap_or(i64::MAX).max(1);
    let start = now.as_second().div_euclid(length) * length;
    (start, start.saturating_add(length))
}

/// What a store counts events under: apart from submissions' counts, and per window length, so
/// that two limits on the same key with different windows never share a counter.
pub(crate) fn event_counter_key(key: &str, window: Duration, start: i64) -> String {
    format!("EVENT#{key}#{}#{start}", window.as_secs().max(1))
}

/// The decision once `count` events are counted in the window ending at `end`.
pub(crate) fn decide(count: i64, limit: u32, now: Timestamp, end: i64) -> RateDecision {
    if count >= i64::from(limit) {
        RateDecision::Limited { retry_after: (end - now.as_second()).max(1) as u64 }
    } else {
        RateDecision::Allowed
    }
}

/// The store chosen at run time: `sqlite:PATH` or `dynamodb:TABLE`.
#[derive(Clone)]
pub enum AnyStore {
    /// The embedded database.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::SqliteStore),
    /// A DynamoDB table.
    #[cfg(feature = "aws")]
    Dynamo(dynamodb::DynamoStore),
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite($s) => $call.await,
            #[cfg(feature = "aws")]
            AnyStore::Dynamo($s) => $call.await,
        }
    };
}

impl ComplaintStore for AnyStore {
    async fn find_replay(&self, key: &str, now: Timestamp) -> Result<Option<StoredReplay>, StoreError> {
        dispatch!(self, s => s.find_replay(key, now))
    }

    async fn submit(&self, complaint: NewComplaint) -> Result<Submitted, StoreError> {
        dispatch!(self, s => s.submit(complaint))
    }

    async fn pending_uploads(&self, nomor: &str) -> Result<Vec<PendingUpload>, StoreError> {
        dispatch!(self, s => s.pending_uploads(nomor))
    }

    async fn unfinished_uploads(&self, limit: usize) -> Result<Vec<(String, Vec<PendingUpload>)>, StoreError> {
        dispatch!(self, s => s.unfinished_uploads(limit))
    }

    async fn uploads_committed(&self, nomor: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.uploads_committed(nomor))
    }

    async fn find_public(&self, nomor: &RegisterNumber) -> Result<Option<PublicRecord>, StoreError> {
        dispatch!(self, s => s.find_public(nomor))
    }

    async fn count_submission(&self, source: &str, now: Timestamp, limit: u32) -> Result<RateDecision, StoreError> {
        dispatch!(self, s => s.count_submission(source, now, limit))
    }

    async fn count_event(
        &self,
        key: &str,
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        dispatch!(self, s => s.count_event(key, now, window, limit))
    }

    async fn peek_events(
        &self,
        key: &str,
        now: Timestamp,
        window: Duration,
        limit: u32,
    ) -> Result<RateDecision, StoreError> {
        dispatch!(self, s => s.peek_events(key, now, window, limit))
    }
}

impl WorkflowStore for AnyStore {
    async fn load(&self, nomor: &RegisterNumber) -> Result<Option<ComplaintRecord>, StoreError> {
        dispatch!(self, s => s.load(nomor))
    }

    async fn apply(
        &self,
        nomor: &RegisterNumber,
        expected: u64,
        change: WorkflowChange,
    ) -> Result<Applied, StoreError> {
        dispatch!(self, s => s.apply(nomor, expected, change))
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<RegisterRow>, StoreError> {
        dispatch!(self, s => s.list(filter))
    }

    async fn open_rows(&self) -> Result<Vec<RegisterRow>, StoreError> {
        dispatch!(self, s => s.open_rows())
    }

    async fn erase_personal(
        &self,
        request: &erasure::Request<'_>,
        attachments_erased: usize,
    ) -> Result<Applied, StoreError> {
        dispatch!(self, s => s.erase_personal(request, attachments_erased))
    }

    async fn refresh_deadline(
        &self,
        nomor: &RegisterNumber,
        expected: u64,
        deadline: Option<Date>,
        provisional: bool,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.refresh_deadline(nomor, expected, deadline, provisional))
    }

    async fn read_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        dispatch!(self, s => s.read_meta(key))
    }

    async fn write_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.write_meta(key, value))
    }
}

impl outbox::OutboxStore for AnyStore {
    async fn due_outbox(&self, now: Timestamp, limit: usize) -> Result<Vec<String>, StoreError> {
        dispatch!(self, s => s.due_outbox(now, limit))
    }

    async fn claim_outbox(&self, id: &str, now: Timestamp) -> Result<Option<outbox::OutboxEntry>, StoreError> {
        dispatch!(self, s => s.claim_outbox(id, now))
    }

    async fn finish_outbox(&self, id: &str, outcome: outbox::Outcome) -> Result<(), StoreError> {
        dispatch!(self, s => s.finish_outbox(id, outcome.clone()))
    }

    async fn failed_outbox(&self) -> Result<Vec<outbox::OutboxEntry>, StoreError> {
        dispatch!(self, s => s.failed_outbox())
    }

    async fn requeue_outbox(&self, id: &str, now: Timestamp) -> Result<bool, StoreError> {
        dispatch!(self, s => s.requeue_outbox(id, now))
    }

    async fn mark_undeliverable(&self, address: &str, reason: &str, at: Timestamp) -> Result<(), StoreError> {
        dispatch!(self, s => s.mark_undeliverable(address, reason, at))
    }

    async fn undeliverable(&self, address: &str) -> Result<Option<String>, StoreError> {
        dispatch!(self, s => s.undeliverable(address))
    }
}

impl survey::SurveyStore for AnyStore {
    async fn record_survey(
        &self,
        nomor: &str,
        answers: pengaduan_core::skm::Answers,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.record_survey(nomor, answers, at))
    }

    async fn surveys(
        &self,
        from: Timestamp,
        before: Timestamp,
    ) -> Result<Vec<(Timestamp, pengaduan_core::skm::Answers)>, StoreError> {
        dispatch!(self, s => s.surveys(from, before))
    }

    async fn survey_answered(&self, nomor: &str) -> Result<bool, StoreError> {
        dispatch!(self, s => s.survey_answered(nomor))
    }
}

impl accounts::AccountStore for AnyStore {
    async fn create_account(&self, account: accounts::Account) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_account(account))
    }

    async fn account(&self, username: &str) -> Result<Option<accounts::Account>, StoreError> {
        dispatch!(self, s => s.account(username))
    }

    async fn accounts(&self) -> Result<Vec<accounts::Account>, StoreError> {
        dispatch!(self, s => s.accounts())
    }

    async fn update_account(&self, account: accounts::Account) -> Result<(), StoreError> {
        dispatch!(self, s => s.update_account(account))
    }

    async fn create_session(&self, session: accounts::Session) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_session(session))
    }

    async fn session(&self, id_digest: &str) -> Result<Option<accounts::Session>, StoreError> {
        dispatch!(self, s => s.session(id_digest))
    }

    async fn touch_session(&self, id_digest: &str, at: Timestamp) -> Result<(), StoreError> {
        dispatch!(self, s => s.touch_session(id_digest, at))
    }

    async fn end_session(&self, id_digest: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.end_session(id_digest))
    }

    async fn end_sessions_of(&self, username: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.end_sessions_of(username))
    }

    async fn record_login_failure(&self, username: &str, at: Timestamp) -> Result<(), StoreError> {
        dispatch!(self, s => s.record_login_failure(username, at))
    }

    async fn login_failures(&self, username: &str, since: Timestamp) -> Result<Vec<Timestamp>, StoreError> {
        dispatch!(self, s => s.login_failures(username, since))
    }

    async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.clear_login_failures(username))
    }

    async fn reserve_login_check(
        &self,
        username: &str,
        source: &str,
        now: Timestamp,
    ) -> Result<accounts::LoginReservation, StoreError> {
        dispatch!(self, s => s.reserve_login_check(username, source, now))
    }

    async fn login_succeeded(&self, username: &str, source: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.login_succeeded(username, source))
    }

    async fn record_audit(&self, entry: accounts::AuditEntry) -> Result<(), StoreError> {
        dispatch!(self, s => s.record_audit(entry))
    }

    async fn audit_trail(&self, since: Timestamp, limit: usize) -> Result<Vec<accounts::AuditEntry>, StoreError> {
        dispatch!(self, s => s.audit_trail(since, limit))
    }
}
