//! The staff side of the store: the register, each complaint's history, and changes checked
//! against the version they were computed from.

use crate::{ComplaintStore, StoreError, erasure};
use jiff::Timestamp;
use jiff::civil::Date;
use pengaduan_core::calendar::Deadline;
use pengaduan_core::workflow::{Action, HistoryEntry, IntakeChannel, Transition, WorkflowState};
use pengaduan_core::{Jenis, PersonalData, RegisterNumber, Status};
use std::future::Future;

/// One row of the Buku Register Pengaduan: what stays when personal data is erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    /// The register number.
    pub nomor: RegisterNumber,
    /// When it was received.
    pub received_at: Timestamp,
    /// The channel it came through.
    pub channel: IntakeChannel,
    /// Kind of report.
    pub jenis: Jenis,
    /// Title.
    pub judul: String,
    /// Where the complaint stands.
    pub state: WorkflowState,
    /// The deadline, computed with the working-day calendar when the files were declared complete
    /// (and again whenever the calendar changes, while the complaint is not finished); marked
    /// provisional when it was counted without a year's holidays (shown as sementara).
    pub deadline: Option<Deadline>,
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
        self.deadline
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
    /// What the complainant added online to returned files, oldest first.
    pub additions: Vec<Addition>,
}

/// Information a complainant added online to files returned to be completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addition {
    /// The history entry that recorded it (the store sets it when the change is applied).
    pub seq: u64,
    /// When it was sent.
    pub at: Timestamp,
    /// The text added, under the rules of the complaint's own text; blanked by an erasure.
    pub text: String,
    /// The display names of the documents sent with it (the files are the complaint's
    /// attachments); emptied by an erasure.
    pub files: Vec<String>,
}

/// The file names of an addition as stored (JSON).
pub(crate) fn encode_files(files: &[String]) -> String {
    serde_json::to_string(files).unwrap_or_default()
}

/// The file names of an addition from storage.
pub(crate) fn decode_files(json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("addition files: {e}")))
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
    /// The deadline after the change (computed with the calendar by the caller), provisional
    /// when it was counted without a year's holidays.
    pub deadline: Option<Deadline>,
    /// What the public is told comes next after the change.
    pub next_step: Option<String>,
    /// The history entry; the store sets `seq` (the new version) and `ba_number`.
    pub entry: HistoryEntry,
    /// The message telling the complainant, recorded in the outbox in the same transaction.
    pub message: Option<pengaduan_core::notice::Message>,
    /// What the complainant added online, stored in the same transaction under the new version.
    pub addition: Option<Addition>,
    /// Uploads sent with the addition, named in the same transaction for committing to the
    /// complaint (after those it may still have to commit).
    pub uploads: Vec<crate::PendingUpload>,
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
            deadline,
            next_step,
            entry: t.entry(at, by),
            message: None,
            addition: None,
            uploads: Vec::new(),
        }
    }

    /// The same change, storing what the complainant added and the files sent with it.
    pub fn with_addition(mut self, addition: Addition, uploads: Vec<crate::PendingUpload>) -> Self {
        self.addition = Some(addition);
        self.uploads = uploads;
        self
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

/// The months the public statistics show, and which register rows their figures rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatWindow {
    /// The first day of the first month.
    pub first: Date,
    /// The last day of the last month.
    pub last: Date,
    /// The first instant of `first` in the office's time zone.
    pub received_from: Timestamp,
    /// The first instant after `last` in the office's time zone.
    pub received_before: Timestamp,
}

impl StatWindow {
    /// The whole months from the one holding `first` to the one holding `last`, days of the
    /// office's time zone `tz`.
    pub fn months(first: Date, last: Date, tz: &jiff::tz::TimeZone) -> Result<Self, StoreError> {
        let (first, last) = (first.first_of_month(), last.last_of_month());
        let instant =
            |d: Date| d.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|e| StoreError::Backend(e.into()));
        let after = last.tomorrow().map_err(|e| StoreError::Backend(e.into()))?;
        Ok(Self { first, last, received_from: instant(first)?, received_before: instant(after)? })
    }

    /// Whether a row counts: received in the months, finished in them, or not finished now.
    pub fn wants(&self, row: &RegisterRow) -> bool {
        (row.received_at >= self.received_from && row.received_at < self.received_before)
            || row.state.finished_on.is_some_and(|d| d >= self.first && d <= self.last)
            || row.state.status != Status::Selesai
    }
}

/// What filing older register items under their months found and did (DynamoDB's
/// `backfill_months`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthBackfill {
    /// Register items read.
    pub checked: usize,
    /// Register items given their months.
    pub updated: usize,
}

/// What moving personal data items to their own key found and did (DynamoDB's
/// `move_personal_items`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PersonalMove {
    /// Register numbers looked at.
    pub checked: usize,
    /// Personal data items moved.
    pub moved: usize,
}

/// The staff side of the store: the register, each complaint's history, and changes checked
/// against the version they were computed from.
pub trait WorkflowStore: ComplaintStore {
    /// One complaint with its personal data and full history.
    fn load(&self, nomor: &RegisterNumber) -> impl Future<Output = Result<Option<ComplaintRecord>, StoreError>> + Send;

    /// One complaint's register row alone, without its personal data: the public side's read
    /// (on DynamoDB the intake function's role may not read personal data).
    fn load_row(&self, nomor: &RegisterNumber) -> impl Future<Output = Result<Option<RegisterRow>, StoreError>> + Send {
        async move { Ok(self.load(nomor).await?.map(|r| r.row)) }
    }

    /// Stores a change computed from version `expected_version`: the register entry, the
    /// history entry and (when asked) the next Berita Acara number, in one transaction, only if
    /// nobody changed the complaint meanwhile ([`StoreError::Conflict`] otherwise).
    fn apply(
        &self,
        nomor: &RegisterNumber,
        expected_version: u64,
        change: WorkflowChange,
    ) -> impl Future<Output = Result<Applied, StoreError>> + Send;

    /// One complaint's history, oldest first, without its register entry or personal data: what
    /// the periodic report reads of each complaint it needs (SQLite: one indexed select;
    /// DynamoDB: one `Query` of the complaint's `HISTORY#` items). Empty for an unknown number.
    fn history(&self, nomor: &RegisterNumber) -> impl Future<Output = Result<Vec<HistoryEntry>, StoreError>> + Send;

    /// The register rows passing `filter`, by number.
    fn list(&self, filter: &ListFilter) -> impl Future<Output = Result<Vec<RegisterRow>, StoreError>> + Send;

    /// Every complaint not yet `selesai` (the staff's inbox), by number.
    fn open_rows(&self) -> impl Future<Output = Result<Vec<RegisterRow>, StoreError>> + Send;

    /// The rows [`StatWindow::wants`], by number: what the public statistics read instead of
    /// the whole register (SQLite: one select; DynamoDB: a `Query` per month of the indexes
    /// `bulan_terima` and `bulan_selesai`, and the open complaints' index `terbuka`).
    fn stat_rows(&self, window: &StatWindow) -> impl Future<Output = Result<Vec<RegisterRow>, StoreError>> + Send;

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

/// What replaces the complaint's title once personal data is erased: a title is the
/// complainant's own words ("Izin usaha Toko Siti di Jl. Melati 3 ditolak") and names them as
/// surely as the text does. The register row keeps everything else.
pub const ERASED_TITLE: &str = "[judul dihapus atas permintaan]";

/// A random token identifying one attempt at a change, to recognise it after a lost answer.
#[cfg(feature = "aws")]
pub(crate) fn change_token() -> String {
    crate::fields::random_hex::<16>()
}
