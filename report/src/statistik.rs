//! The public statistics' inputs read from the store: core's plain rows (`StatRow`) from the
//! register, and the survey answers of the quarters shown; the figures themselves are core's
//! (`pengaduan_core::stats`), so the page, the JSON, the CSV and the CLI cannot disagree.
//!
//! Only the rows the figures rest on are read ([`pengaduan_store::WorkflowStore::stat_rows`]):
//! received in the twelve months shown, finished in them, or open now (DynamoDB: a `Query` per
//! month of the indexes by month received and finished, and one of the open complaints' index;
//! no scan), and the survey answers by period (DynamoDB: a `Query` per month partition).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use pengaduan_core::calendar::Calendar;
use pengaduan_core::skm::Answers;
use pengaduan_core::stats::{self, Figures, StatRow};
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::{RegisterRow, StatWindow, StoreError, WorkflowStore};
use std::hash::{DefaultHasher, Hash, Hasher};

/// What the figures are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// The complaints the figures rest on (received or finished in the months shown, or open
    /// now), without anything that names them or their complainants.
    pub rows: Vec<StatRow>,
    /// The survey answers given in the quarters shown, with when each was given.
    pub answers: Vec<(Timestamp, Answers)>,
}

impl Inputs {
    /// A digest of everything the figures depend on except the clock: equal digests on the same
    /// day give equal figures, so a caller polling the store recomputes only when it changed.
    pub fn fingerprint(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.rows.hash(&mut h);
        self.answers.hash(&mut h);
        h.finish()
    }

    /// The figures as of `now`.
    pub fn figures(&self, calendar: &Calendar, tz: &TimeZone, now: Timestamp) -> Figures {
        stats::compute(&self.rows, &self.answers, calendar, tz, now)
    }
}

/// The row the statistics need of a register row: no number, title or personal data.
pub fn stat_row(r: &RegisterRow) -> StatRow {
    StatRow {
        received_at: r.received_at,
        channel: r.channel,
        jenis: r.jenis,
        complete_on: r.state.files_complete_on,
        finished_on: r.state.finished_on,
        deadline: r.deadline,
    }
}

/// The first day whose survey answers the figures of `today` show: the first of the oldest
/// quarter.
fn answers_from(today: Date) -> Date {
    let quarter = Date::new(today.year(), (today.month() - 1) / 3 * 3 + 1, 1).expect("the first of a month exists");
    quarter.checked_sub((3 * (stats::QUARTERS - 1)).months()).expect("a year back exists")
}

/// Reads the inputs of the figures as of `now` in the office's time zone `tz`.
pub async fn read_inputs<S: WorkflowStore + SurveyStore>(
    store: &S,
    tz: &TimeZone,
    now: Timestamp,
) -> Result<Inputs, StoreError> {
    let today = now.to_zoned(tz.clone()).date();
    let window = StatWindow::months(stats::first_month(today), today, tz)?;
    let rows = store.stat_rows(&window).await?.iter().map(stat_row).collect();
    let from = answers_from(today)
        .to_zoned(tz.clone())
        .map_err(|e| StoreError::Backend(format!("awal triwulan: {e}").into()))?
        .timestamp();
    // A second past now: an answer given this very second still counts.
    let answers = store.surveys(from, now + 1.second()).await?;
    Ok(Inputs { rows, answers })
}

/// The figures as of `now`, read from `store`: what `pengaduan-staf statistik` and `site-gen
/// serve` write.
pub async fn statistics<S: WorkflowStore + SurveyStore>(
    store: &S,
    calendar: &Calendar,
    tz: &TimeZone,
    now: Timestamp,
) -> Result<Figures, StoreError> {
    Ok(read_inputs(store, tz, now).await?.figures(calendar, tz, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn answers_are_read_from_the_first_of_the_oldest_quarter_shown() {
        assert_eq!(answers_from(date(2026, 8, 15)), date(2025, 10, 1));
        assert_eq!(answers_from(date(2026, 1, 1)), date(2025, 4, 1));
        assert_eq!(answers_from(date(2026, 12, 31)), date(2026, 1, 1));
    }
}
