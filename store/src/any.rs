//! The store chosen at run time, forwarding every call to the adapter it holds.

#[cfg(feature = "aws")]
use crate::dynamodb;
#[cfg(feature = "sqlite")]
use crate::sqlite;
use crate::{
    Applied, ComplaintRecord, ComplaintStore, ListFilter, NewComplaint, PendingUpload, PublicRecord, RateDecision,
    RegisterRow, StatWindow, StoreError, StoredReplay, Submitted, WorkflowChange, WorkflowStore, accounts, answer,
    content, erasure, outbox, survey,
};
use jiff::Timestamp;
use jiff::civil::Date;
use pengaduan_core::RegisterNumber;
use pengaduan_core::workflow::HistoryEntry;
use std::time::Duration;

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

impl AnyStore {
    /// Files the register items stored before the month indexes existed under their months
    /// received (in the office's time zone `tz`) and finished: DynamoDB only, `None` on SQLite,
    /// which needs nothing.
    pub async fn backfill_months(&self, tz: &jiff::tz::TimeZone) -> Result<Option<crate::MonthBackfill>, StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite(_) => {
                let _ = tz;
                Ok(None)
            }
            #[cfg(feature = "aws")]
            AnyStore::Dynamo(s) => s.backfill_months(tz).await.map(Some),
        }
    }
}

impl AnyStore {
    /// Moves the personal data items stored in their complaints' partitions to their own keys:
    /// DynamoDB only, `None` on SQLite, which keeps them in a table of their own already.
    pub async fn move_personal_items(&self) -> Result<Option<crate::PersonalMove>, StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite(_) => Ok(None),
            #[cfg(feature = "aws")]
            AnyStore::Dynamo(s) => s.move_personal_items().await.map(Some),
        }
    }
}

impl ComplaintStore for AnyStore {
    async fn find_replay(&self, key: &str, now: Timestamp) -> Result<Option<StoredReplay>, StoreError> {
        dispatch!(self, s => s.find_replay(key, now))
    }

    async fn submit(&self, complaint: NewComplaint) -> Result<Submitted, StoreError> {
        dispatch!(self, s => s.submit(complaint))
    }

    async fn pending_uploads(&self, nomor: &RegisterNumber) -> Result<Vec<PendingUpload>, StoreError> {
        dispatch!(self, s => s.pending_uploads(nomor))
    }

    async fn unfinished_uploads(&self, limit: usize) -> Result<Vec<(RegisterNumber, Vec<PendingUpload>)>, StoreError> {
        dispatch!(self, s => s.unfinished_uploads(limit))
    }

    async fn uploads_committed(&self, nomor: &RegisterNumber) -> Result<(), StoreError> {
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

    async fn load_row(&self, nomor: &RegisterNumber) -> Result<Option<RegisterRow>, StoreError> {
        dispatch!(self, s => s.load_row(nomor))
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

    async fn history(&self, nomor: &RegisterNumber) -> Result<Vec<HistoryEntry>, StoreError> {
        dispatch!(self, s => s.history(nomor))
    }

    async fn stat_rows(&self, window: &StatWindow) -> Result<Vec<RegisterRow>, StoreError> {
        dispatch!(self, s => s.stat_rows(window))
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

impl answer::AnswerStore for AnyStore {
    async fn set_answer(&self, nomor: &str, a: &answer::Answer) -> Result<(), StoreError> {
        dispatch!(self, s => s.set_answer(nomor, a))
    }

    async fn answer(&self, nomor: &str) -> Result<Option<answer::Answer>, StoreError> {
        dispatch!(self, s => s.answer(nomor))
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

impl content::ContentStore for AnyStore {
    async fn content_heads(&self) -> Result<Vec<content::ContentHead>, StoreError> {
        dispatch!(self, s => s.content_heads())
    }

    async fn content_revisions(&self, path: &str) -> Result<Vec<content::Revision>, StoreError> {
        dispatch!(self, s => s.content_revisions(path))
    }

    async fn save_content(&self, save: content::ContentSave) -> Result<content::Revision, StoreError> {
        dispatch!(self, s => s.save_content(save))
    }

    async fn publish_content(&self, publisher: &str, at: Timestamp) -> Result<Vec<content::Revision>, StoreError> {
        dispatch!(self, s => s.publish_content(publisher, at))
    }

    async fn live_content(&self) -> Result<Vec<content::Revision>, StoreError> {
        dispatch!(self, s => s.live_content())
    }

    async fn seed_content(&self, path: &str, text: &str, at: Timestamp) -> Result<bool, StoreError> {
        dispatch!(self, s => s.seed_content(path, text, at))
    }
}
