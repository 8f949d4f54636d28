//! The complaint handler's side of the store: registering a complaint under its number,
//! replaying a repeated submission, and what the public may see of it.

use crate::{StoreError, attachments, rate::RateDecision};
use jiff::Timestamp;
use jiff::civil::Date;
use pengaduan_core::workflow::{Action, HistoryEntry, IntakeChannel};
use pengaduan_core::{Jenis, RegisterNumber, Status, Submission};
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
    pub channel: IntakeChannel,
    /// Who recorded it: [`ONLINE_FRONT_OFFICE`] for the online form, else the staff member.
    pub recorded_by: String,
    /// Prefix of register numbers.
    pub prefix: String,
    /// Calendar year in the office's time zone: selects the counter.
    pub year: i16,
    /// When it was received.
    pub received_at: Timestamp,
    /// The day it was received in the office's time zone: its month files it by period.
    pub received_on: jiff::civil::Date,
    /// The answer to give, except for `nomor`, which the store assigns.
    pub receipt: Receipt,
    /// Digest of the tracking code, to check lookups against.
    pub kode_hash: String,
    /// Digest identifying the submission for replays (explicit key or content fingerprint).
    pub idempotency_key: String,
    /// The tracking code as the replay record keeps it in place of `receipt.kode_lacak`:
    /// sealed by the intake, so that the store never writes the code itself.
    pub replay_code: String,
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

/// A stored first answer, with the digest of the body its key came with. Its `kode_lacak` is the
/// sealed code the record keeps ([`NewComplaint::replay_code`]); the intake opens it.
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
    /// The deadline, once the files are complete; provisional when it was counted without a
    /// year's holidays (the calendar lacked it), shown as sementara until the stores recompute it.
    pub deadline: Option<pengaduan_core::calendar::Deadline>,
    /// What comes next in the complaint's procedure, as the service page words it.
    pub next_step: Option<String>,
    /// While the files are with the complainant (`perlu_dilengkapi`): the reason staff gave
    /// when they returned them, what the complainant must add. The one staff note the public
    /// side reads, as the status email quotes it; every other note stays internal.
    pub return_reason: Option<String>,
    /// Sent anonymously: no identity was kept, so no receipt or message can be sent.
    pub anonim: bool,
}

/// The reason of the last return among `(action, note)` history entries, oldest first, while
/// the complaint stands at `perlu_dilengkapi`.
pub(crate) fn return_reason<'a>(
    status: Status,
    entries: impl DoubleEndedIterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    if status != Status::PerluDilengkapi {
        return None;
    }
    entries
        .rev()
        .find(|(action, _)| *action == Action::BerkasDikembalikan.code())
        .map(|(_, note)| note.trim().to_owned())
        .filter(|note| !note.is_empty())
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
    fn pending_uploads(
        &self,
        nomor: &RegisterNumber,
    ) -> impl Future<Output = Result<Vec<PendingUpload>, StoreError>> + Send;

    /// Up to `limit` complaints whose uploads are not committed yet, oldest first.
    fn unfinished_uploads(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<(RegisterNumber, Vec<PendingUpload>)>, StoreError>> + Send;

    /// Records that complaint `nomor`'s uploads are committed.
    fn uploads_committed(&self, nomor: &RegisterNumber) -> impl Future<Output = Result<(), StoreError>> + Send;

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

/// The first history entry of a complaint: received online or recorded by staff.
pub(crate) fn intake_entry(c: &NewComplaint) -> HistoryEntry {
    let (action, note) = match c.channel {
        IntakeChannel::Web => (Action::Diterima, String::new()),
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
