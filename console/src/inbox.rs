//! The inbox (kotak masuk): open complaints, most urgent first, with filters, search and paging.
//!
//! The ordering and filtering are plain functions over register rows ([`arrange`]), so they are
//! unit-tested and benchmarked without a store; the handler only loads the open rows and renders.

use crate::session::Staff;
use crate::views::{InboxItem, InboxView};
use crate::{AppError, Console};
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::civil::Date;
use pengaduan_core::access::may_read_complaints;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_core::{Jenis, Status};
use pengaduan_store::{RegisterRow, WorkflowStore};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

/// Complaints per page.
pub const PAGE_SIZE: usize = 25;

/// What the staff member asked to see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this public status.
    pub status: Option<Status>,
    /// Only this kind of report.
    pub jenis: Option<Jenis>,
    /// Only this channel.
    pub kanal: Option<IntakeChannel>,
    /// Only complaints past their deadline.
    pub overdue: bool,
    /// Only complaints due within this many working days (overdue ones included).
    pub due_within: Option<u32>,
    /// A register number, or words that must all appear in the title (any case).
    pub query: String,
    /// The page, from 1.
    pub page: usize,
}

impl Filter {
    /// The filter from the query string; unknown or malformed values are ignored, not errors:
    /// a hand-edited address still shows the inbox.
    pub fn from_query(q: &HashMap<String, String>) -> Self {
        let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        Self {
            status: get("status").and_then(|v| Status::ALL.into_iter().find(|s| s.code() == v)),
            jenis: get("jenis").and_then(Jenis::parse),
            kanal: get("kanal").and_then(IntakeChannel::parse),
            overdue: get("terlambat").is_some_and(|v| matches!(v, "1" | "on" | "true")),
            due_within: get("jatuh_tempo").and_then(|v| v.parse().ok()),
            query: get("q").unwrap_or_default().to_owned(),
            page: get("halaman").and_then(|v| v.parse().ok()).filter(|&p| p >= 1).unwrap_or(1),
        }
    }
}

/// One open complaint with what urgency needs: its deadline and the working days left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urgency {
    /// The register row.
    pub row: RegisterRow,
    /// Working days from today to the deadline: negative when overdue, `None` without a deadline.
    pub days_left: Option<i64>,
}

/// The page of the inbox asked for, and how many complaints passed the filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arranged {
    /// The complaints of the page, most urgent first.
    pub items: Vec<Urgency>,
    /// How many passed the filter, over all pages.
    pub total: usize,
}

/// Filters, orders and pages the open rows: overdue first (the most overdue first), then by
/// deadline (soonest first), then those whose clock has not started, oldest received first.
pub fn arrange(rows: Vec<RegisterRow>, filter: &Filter, calendar: &Calendar, today: Date) -> Arranged {
    let words: Vec<String> = filter.query.to_lowercase().split_whitespace().map(str::to_owned).collect();
    let wanted_number = pengaduan_core::RegisterNumber::parse(filter.query.trim());
    // Due within n working days: before the (n+1)-th working day from today.
    let due_before = filter.due_within.map(|n| calendar.add_working_days(today, n.saturating_add(1)).value);
    let mut rows: Vec<RegisterRow> = rows
        .into_iter()
        .filter(|r| r.state.status != Status::Selesai)
        .filter(|r| filter.status.is_none_or(|s| s == r.state.status))
        .filter(|r| filter.jenis.is_none_or(|j| j == r.jenis))
        .filter(|r| filter.kanal.is_none_or(|k| k == r.channel))
        .filter(|r| match &wanted_number {
            Some(n) => r.nomor == *n,
            None => {
                let title = r.judul.to_lowercase();
                words.iter().all(|w| title.contains(w.as_str()))
            }
        })
        // Only dates are compared here: counting working days for every row would cost a walk
        // over the calendar per complaint; the page's 25 get their count below.
        .filter(|r| !filter.overdue || r.deadline.is_some_and(|d| d.value < today))
        .filter(|r| due_before.is_none_or(|limit| r.deadline.is_some_and(|d| d.value < limit)))
        .collect();
    rows.sort_by(urgency_order);
    let total = rows.len();
    let start = (filter.page.saturating_sub(1)).saturating_mul(PAGE_SIZE).min(total);
    let items = rows
        .into_iter()
        .skip(start)
        .take(PAGE_SIZE)
        .map(|row| {
            let days_left = row.deadline.map(|d| signed_working_days(calendar, today, d.value));
            Urgency { row, days_left }
        })
        .collect();
    Arranged { items, total }
}

fn urgency_order(a: &RegisterRow, b: &RegisterRow) -> Ordering {
    match (a.deadline.map(|d| d.value), b.deadline.map(|d| d.value)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.received_at.cmp(&b.received_at),
    }
    .then_with(|| (a.nomor.year, a.nomor.seq).cmp(&(b.nomor.year, b.nomor.seq)))
}

/// Working days from `today` to `deadline`: 0 on the day itself, negative after it.
pub fn signed_working_days(calendar: &Calendar, today: Date, deadline: Date) -> i64 {
    if deadline >= today {
        i64::from(calendar.working_days_between(today, deadline).value)
    } else {
        -i64::from(calendar.working_days_between(deadline, today).value)
    }
}

/// `GET /staf/`: the inbox.
pub(crate) async fn page(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    // The content editor has no complaints: its page says where its work is.
    if !may_read_complaints(staff.role()) {
        return Ok(crate::konten::editor_home(&console, &staff));
    }
    let rows = console.store().open_rows().await?;
    let filter = Filter::from_query(&query);
    let rules = console.rules();
    let now = console.now();
    let arranged = arrange(rows, &filter, &rules.calendar, now.date());
    let items = arranged.items.iter().map(|u| InboxItem::new(u, &console.config.timezone)).collect();
    let pages = arranged.total.div_ceil(PAGE_SIZE).max(1);
    let mut view = InboxView::new(&staff, items, arranged.total, filter, pages, &query);
    view.holiday = crate::konten::holiday_notice(&console, staff.role());
    Ok(console.views.inbox(&view))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use pengaduan_core::RegisterNumber;
    use pengaduan_core::workflow::WorkflowState;

    fn calendar() -> Calendar {
        Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap()
    }

    fn row(seq: u64, judul: &str, status: Status, deadline: Option<Date>, received: &str) -> RegisterRow {
        let mut state = WorkflowState::received();
        state.status = status;
        RegisterRow {
            nomor: RegisterNumber::parse(&format!("PGD-2026-{seq:05}")).unwrap(),
            received_at: received.parse::<Timestamp>().unwrap(),
            channel: if seq.is_multiple_of(2) { IntakeChannel::Web } else { IntakeChannel::Telepon },
            jenis: Jenis::Pengaduan,
            judul: judul.to_owned(),
            state,
            deadline: deadline.map(pengaduan_core::calendar::Deadline::exact),
            version: 1,
            erased_at: None,
            attachments_erased: None,
        }
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn numbers(a: &Arranged) -> Vec<u64> {
        a.items.iter().map(|u| u.row.nomor.seq).collect()
    }

    #[test]
    fn overdue_first_then_by_deadline_then_oldest_without_a_clock() {
        let rows = vec![
            row(1, "Izin lama", Status::Diterima, None, "2026-03-02T01:00:00Z"),
            row(2, "Tenggat jauh", Status::Diproses, Some(d("2026-03-20")), "2026-03-01T01:00:00Z"),
            row(3, "Terlambat", Status::Diverifikasi, Some(d("2026-03-06")), "2026-03-01T02:00:00Z"),
            row(4, "Selesai", Status::Selesai, Some(d("2026-03-05")), "2026-03-01T03:00:00Z"),
            row(5, "Tenggat dekat", Status::Diproses, Some(d("2026-03-11")), "2026-03-01T04:00:00Z"),
            row(6, "Paling lama", Status::PerluDilengkapi, None, "2026-02-27T01:00:00Z"),
        ];
        let a = arrange(rows, &Filter { page: 1, ..Default::default() }, &calendar(), d("2026-03-10"));
        assert_eq!(numbers(&a), vec![3, 5, 2, 6, 1], "selesai is never in the inbox");
        assert_eq!(a.total, 5);
        assert_eq!(a.items[0].days_left, Some(-2), "6 March to 10 March: Monday and Tuesday passed");
        assert_eq!(a.items[1].days_left, Some(1));
    }

    #[test]
    fn filters_search_and_overdue() {
        let rows = || {
            vec![
                row(1, "Antrean izin usaha lama", Status::Diterima, None, "2026-03-02T01:00:00Z"),
                row(2, "Petugas tidak ramah", Status::Diproses, Some(d("2026-03-09")), "2026-03-01T01:00:00Z"),
                row(3, "Izin bangunan lambat", Status::Diproses, Some(d("2026-03-13")), "2026-03-01T01:00:00Z"),
            ]
        };
        let cal = calendar();
        let today = d("2026-03-10");
        let f = |q: &str| Filter { query: q.to_owned(), page: 1, ..Default::default() };
        assert_eq!(numbers(&arrange(rows(), &f("IZIN lama"), &cal, today)), vec![1]);
        assert_eq!(numbers(&arrange(rows(), &f("izin"), &cal, today)), vec![3, 1]);
        assert_eq!(numbers(&arrange(rows(), &f("PGD-2026-00002"), &cal, today)), vec![2]);
        let overdue = Filter { overdue: true, page: 1, ..Default::default() };
        assert_eq!(numbers(&arrange(rows(), &overdue, &cal, today)), vec![2]);
        let soon = Filter { due_within: Some(3), page: 1, ..Default::default() };
        assert_eq!(numbers(&arrange(rows(), &soon, &cal, today)), vec![2, 3]);
        let kanal = Filter { kanal: Some(IntakeChannel::Telepon), page: 1, ..Default::default() };
        assert_eq!(numbers(&arrange(rows(), &kanal, &cal, today)), vec![3, 1]);
        let status = Filter { status: Some(Status::Diterima), page: 1, ..Default::default() };
        assert_eq!(numbers(&arrange(rows(), &status, &cal, today)), vec![1]);
    }

    #[test]
    fn pages_of_twenty_five() {
        let rows: Vec<_> =
            (1..=60).map(|i| row(i, "Judul pengaduan", Status::Diterima, None, "2026-03-02T01:00:00Z")).collect();
        let cal = calendar();
        let page = |p| arrange(rows.clone(), &Filter { page: p, ..Default::default() }, &cal, d("2026-03-10"));
        assert_eq!(page(1).items.len(), 25);
        assert_eq!(page(3).items.len(), 10);
        assert_eq!(page(3).items[0].row.nomor.seq, 51);
        assert_eq!(page(9).items.len(), 0);
        assert_eq!(page(9).total, 60);
    }

    #[test]
    fn the_query_string_is_read_leniently() {
        let q: HashMap<String, String> =
            [("status", "diproses"), ("jatuh_tempo", "3"), ("halaman", "x"), ("kanal", "??")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        let f = Filter::from_query(&q);
        assert_eq!(f.status, Some(Status::Diproses));
        assert_eq!(f.due_within, Some(3));
        assert_eq!(f.page, 1);
        assert_eq!(f.kanal, None);
    }
}
