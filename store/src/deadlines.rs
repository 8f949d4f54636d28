//! Stored deadlines follow the holiday calendar.
//!
//! A deadline is computed when the files are declared complete and stored, so that the public
//! function needs no calendar. The calendar changes, though: an SKB is amended mid-year, or next
//! year's holidays are added after deadlines were already counted into it without them (and
//! marked sementara). [`recompute_if_changed`] keeps the two in step: the store remembers a
//! fingerprint of what its deadlines were computed with, and when the calendar in hand differs,
//! every complaint whose clock may be running gets its deadline counted again.
//!
//! A recomputed deadline is written with [`WorkflowStore::refresh_deadline`]: checked against the
//! version read, but without a new version or a history entry, since no staff member acted. A
//! finished complaint keeps the deadline it was finished against.

use crate::{StoreError, WorkflowStore};
use pengaduan_core::RegisterNumber;
use pengaduan_core::calendar::{Calendar, Deadline};

/// The meta key under which a store keeps the fingerprint of its deadlines' calendar.
pub const CALENDAR_META_KEY: &str = "kalender";

/// One complaint whose stored deadline was replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineChange {
    /// The complaint.
    pub nomor: RegisterNumber,
    /// The deadline stored before.
    pub old: Option<Deadline>,
    /// The deadline stored now.
    pub new: Option<Deadline>,
}

/// What a recomputation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recomputed {
    /// How many unfinished complaints had a deadline, stored or due, to check.
    pub checked: usize,
    /// The complaints whose deadline (or its sementara mark) changed, by number.
    pub changed: Vec<DeadlineChange>,
}

/// What the stored deadlines depend on: the calendar's days off and the time limit, since a
/// deadline computed under another limit is just as stale as one computed under another SKB.
pub fn basis(calendar: &Calendar, max_working_days: u32) -> String {
    format!("{}:{max_working_days}", calendar.fingerprint())
}

/// Counts the deadline of every unfinished complaint again with `calendar` and stores those
/// that differ in date or in being provisional. A complaint changed meanwhile by staff is left
/// alone: that change stored its own deadline.
pub async fn recompute_deadlines<S: WorkflowStore>(
    store: &S,
    calendar: &Calendar,
    max_working_days: u32,
) -> Result<Recomputed, StoreError> {
    let mut done = Recomputed::default();
    // The open complaints only (DynamoDB: the index `terbuka`, not every month of the register).
    for row in store.open_rows().await? {
        let old = row.stored_deadline();
        let new = row.state.deadline(calendar, max_working_days);
        if old.is_none() && new.is_none() {
            continue;
        }
        done.checked += 1;
        if old == new {
            continue;
        }
        let stored = store
            .refresh_deadline(&row.nomor, row.version, new.map(|d| d.value), new.is_some_and(|d| d.provisional))
            .await?;
        if stored {
            done.changed.push(DeadlineChange { nomor: row.nomor, old, new });
        }
    }
    Ok(done)
}

/// Recomputes the stored deadlines when they were computed with another calendar or time limit
/// than these (or never recorded which), then records these. `None` when nothing changed since
/// the last time. Two programs doing it at once write the same deadlines, so no lock is needed.
pub async fn recompute_if_changed<S: WorkflowStore>(
    store: &S,
    calendar: &Calendar,
    max_working_days: u32,
) -> Result<Option<Recomputed>, StoreError> {
    let basis = basis(calendar, max_working_days);
    if store.read_meta(CALENDAR_META_KEY).await?.as_deref() == Some(basis.as_str()) {
        return Ok(None);
    }
    let done = recompute_deadlines(store, calendar, max_working_days).await?;
    // Only after every deadline is stored: an interrupted run is done again next time.
    store.write_meta(CALENDAR_META_KEY, &basis).await?;
    Ok(Some(done))
}

/// [`recompute_deadlines`], then records the calendar as the one the deadlines follow.
pub async fn recompute_and_record<S: WorkflowStore>(
    store: &S,
    calendar: &Calendar,
    max_working_days: u32,
) -> Result<Recomputed, StoreError> {
    let done = recompute_deadlines(store, calendar, max_working_days).await?;
    store.write_meta(CALENDAR_META_KEY, &basis(calendar, max_working_days)).await?;
    Ok(done)
}
