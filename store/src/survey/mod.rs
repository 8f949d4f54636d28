//! The Survei Kepuasan Masyarakat's answers: at most one set per complaint, kept without any
//! personal data, and read back by period for the IKM (`pengaduan_core::skm`).
//!
//! SQLite: table `survey` (the complaint's number as primary key, which is the once-only guard).
//! DynamoDB, never a `Scan`:
//!
//! - `SURVEI#<nomor>` / `SURVEI`: the guard, created only if absent; holds no answers.
//! - `SURVEI-BULAN#<YYYY-MM>` / `<at>#<random>`: the answers and their instant, in the partition
//!   of their month (UTC), without the number, so the period's answers cannot be tied back to a
//!   complaint. Both are written in one transaction.

use crate::StoreError;
use jiff::Timestamp;
use pengaduan_core::skm::Answers;
use std::future::Future;

/// Where survey answers are kept.
pub trait SurveyStore: Send + Sync {
    /// Records complaint `nomor`'s answers given at `at`; `false`, and nothing written, when
    /// the complaint's survey was answered before.
    fn record_survey(
        &self,
        nomor: &str,
        answers: Answers,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Every answer set given at or after `from` and before `before`, oldest first.
    fn surveys(
        &self,
        from: Timestamp,
        before: Timestamp,
    ) -> impl Future<Output = Result<Vec<(Timestamp, Answers)>, StoreError>> + Send;

    /// Whether complaint `nomor`'s survey was answered, so the form is not offered again only
    /// to be refused when sent. A read: [`record_survey`](Self::record_survey) stays the guard.
    fn survey_answered(&self, nomor: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

fn parse_answers(code: &str) -> Result<Answers, StoreError> {
    Answers::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("survey answers {code:?}")))
}

#[cfg(feature = "aws")]
mod dynamodb;
#[cfg(feature = "sqlite")]
mod sqlite;
