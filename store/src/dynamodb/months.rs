//! The register by month: the export of a period and the public statistics' rows, each a
//! `Query` per month partition of the indexes `bulan_terima` and `bulan_selesai`, never a scan.

use super::attributes::{number, read_row, sk_of};
use super::{DynamoStore, FINISHED_INDEX, Item, RECEIVED_INDEX, s, sdk};
use crate::{ListFilter, RegisterRow, StoreError};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use pengaduan_core::stats::month_key;
use std::collections::BTreeMap;

/// The months from `first` to `last` (both included; any day of each), oldest first.
pub(super) fn months(first: Date, last: Date) -> Vec<Date> {
    let (mut month, last) = (first.first_of_month(), last.first_of_month());
    let mut all = Vec::new();
    while month <= last {
        all.push(month);
        month = month.checked_add(1.month()).expect("a register's months are far from the calendar's end");
    }
    all
}

/// The first day of the month of `at` moved by `days`: a month key's partition in any office
/// time zone lies within a day of its UTC one.
fn month_near(at: Timestamp, days: i64) -> Date {
    let moved = at.checked_add(days.hours() * 24).unwrap_or(at);
    moved.to_zoned(TimeZone::UTC).date().first_of_month()
}

impl DynamoStore {
    /// The first and last years a register counter names (`<prefix>#<year>`; the Berita
    /// Acara's are left out): every register item was received in one of them. `None` before
    /// the first complaint.
    pub(super) async fn register_years(&self) -> Result<Option<(i16, i16)>, StoreError> {
        let years = register_counters(&self.counter_items().await?).into_iter().map(|(_, year, _)| year);
        Ok(years.fold(None, |span, y| match span {
            None => Some((y, y)),
            Some((a, b)) => Some((a.min(y), b.max(y))),
        }))
    }

    /// Every item of the `COUNTER` partition (register and Berita Acara counters), read
    /// consistently: a handful a year.
    pub(super) async fn counter_items(&self) -> Result<Vec<Item>, StoreError> {
        self.client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s("COUNTER"))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(sdk)
    }

    /// The register items of one month partition of `index`, narrowed by `filter`'s status
    /// and kind on the server.
    async fn month_items(&self, index: &str, month: Date, filter: &ListFilter) -> Result<Vec<Item>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression("#m = :m")
            .expression_attribute_names("#m", index)
            .expression_attribute_values(":m", s(&month_key(month)));
        let mut conditions = Vec::new();
        if let Some(status) = filter.status {
            conditions.push("#status = :status");
            query = query
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":status", s(status.code()));
        }
        if let Some(jenis) = filter.jenis {
            conditions.push("#jenis = :jenis");
            query = query
                .expression_attribute_names("#jenis", "jenis")
                .expression_attribute_values(":jenis", s(jenis.code()));
        }
        if !conditions.is_empty() {
            query = query.filter_expression(conditions.join(" AND "));
        }
        query.into_paginator().items().send().try_collect().await.map_err(sdk)
    }

    /// The register as [`crate::WorkflowStore::list`] gives it: the month partitions of the
    /// period received (the years the counters name, cut to the filter's instants widened by
    /// a day, whatever the office's time zone), in the register's order.
    pub(super) async fn list_by_month(&self, filter: &ListFilter) -> Result<Vec<RegisterRow>, StoreError> {
        let Some((first_year, last_year)) = self.register_years().await? else { return Ok(Vec::new()) };
        let mut first = Date::new(first_year, 1, 1).map_err(|e| StoreError::Backend(e.into()))?;
        let mut last = Date::new(last_year, 12, 1).map_err(|e| StoreError::Backend(e.into()))?;
        if let Some(from) = filter.received_from {
            first = first.max(month_near(from, -1));
        }
        if let Some(before) = filter.received_before {
            last = last.min(month_near(before, 1));
        }
        let mut rows = Vec::new();
        for month in months(first, last) {
            for item in self.month_items(RECEIVED_INDEX, month, filter).await? {
                let row = read_row(&item)?;
                if filter.matches(&row) {
                    rows.push(row);
                }
            }
        }
        rows.sort_by_key(|r| (r.nomor.year, r.nomor.seq));
        Ok(rows)
    }

    /// The rows the public statistics need: received in the months from `first` to `last`,
    /// finished in them, or open now; each once, in the register's order.
    pub(super) async fn window_rows(&self, first: Date, last: Date) -> Result<Vec<RegisterRow>, StoreError> {
        let all = ListFilter::default();
        let mut by_number = BTreeMap::new();
        for month in months(first, last) {
            for index in [RECEIVED_INDEX, FINISHED_INDEX] {
                for item in self.month_items(index, month, &all).await? {
                    let row = read_row(&item)?;
                    by_number.insert((row.nomor.year, row.nomor.seq, row.nomor.to_string()), row);
                }
            }
        }
        for row in crate::WorkflowStore::open_rows(self).await? {
            by_number.insert((row.nomor.year, row.nomor.seq, row.nomor.to_string()), row);
        }
        Ok(by_number.into_values().collect())
    }
}

/// The register counters among the `COUNTER` items: prefix, year and last number of each.
pub(super) fn register_counters(items: &[Item]) -> Vec<(String, i16, u64)> {
    let ba = pengaduan_core::workflow::ba_counter_name(2000);
    let ba_prefix = ba.trim_end_matches("2000");
    items
        .iter()
        .filter(|i| !sk_of(i).starts_with(ba_prefix))
        .filter_map(|i| {
            let (prefix, year) = sk_of(i).rsplit_once('#')?;
            let year = year.parse().ok()?;
            let last = number(i, "value").ok()?;
            Some((prefix.to_owned(), year, u64::try_from(last).ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn months_run_from_the_first_to_the_last_inclusive() {
        let got: Vec<String> = months(date(2025, 11, 20), date(2026, 2, 1)).into_iter().map(month_key).collect();
        assert_eq!(got, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert!(months(date(2026, 3, 1), date(2026, 2, 1)).is_empty());
    }

    #[test]
    fn a_period_is_widened_by_a_day_for_any_office_time_zone() {
        // 1 December 00.30 WIB is still 30 November in UTC; the day before reaches November.
        let from: Timestamp = "2026-11-30T17:30:00Z".parse().unwrap();
        assert_eq!(month_near(from, -1), date(2026, 11, 1));
        assert_eq!(month_near(from, 1), date(2026, 12, 1));
    }
}
