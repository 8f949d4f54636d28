//! The public complaint statistics (`/statistik/`) as pure functions over plain rows, so the
//! page, its JSON and CSV, the staff tool and (later) the periodic report cannot disagree.
//!
//! What is counted, for the 12 calendar months ending with the current one (in the office's
//! time zone):
//! - `diterima`: complaints received in the month;
//! - `selesai`: complaints whose last step was reached in the month (whenever received);
//! - `selesai_tepat_waktu`: of those, the ones finished on or before their stored deadline
//!   (a complaint finished without a deadline is not counted as on time);
//! - `median_hari_kerja`: the median of the working days from the files declared complete to
//!   finished, counted on the official calendar ([`Calendar::days_taken`]); of an even count,
//!   the mean of the two middle values (so it may end in .5); `None` when none finished;
//! - `sementara`: some deadline or count behind the month's figures was made without a year's
//!   holidays (the calendar lacks that year), so the figure may still change;
//! - `terbuka`: complaints not finished now, whenever received.
//!
//! The breakdowns by kind and channel cover the whole window. A cell under [`SMALL_CELL`] is
//! shown as [`SUPPRESSED`] ("< 3", zero included) so that no figure can point to a person; the
//! monthly totals stay exact. The IKM is given for the four quarters ending with the current
//! one (that one up to today), from the survey answers given in each, by `skm::ikm`.

use crate::Jenis;
use crate::calendar::{Calendar, Deadline};
use crate::skm::{Answers, ikm, round2};
use crate::workflow::IntakeChannel;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many months the statistics cover.
pub const MONTHS: i32 = 12;
/// How many quarters of IKM are shown.
pub const QUARTERS: i32 = 4;
/// A breakdown cell counting fewer complaints than this is not shown as a number.
pub const SMALL_CELL: u64 = 3;
/// What a suppressed cell shows.
pub const SUPPRESSED: &str = "< 3";

/// One complaint as the statistics need it: no number, no title, nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatRow {
    /// When it was received.
    pub received_at: Timestamp,
    /// The channel it came through.
    pub channel: IntakeChannel,
    /// Its kind.
    pub jenis: Jenis,
    /// The day the files were (last) declared complete, if they were.
    pub complete_on: Option<Date>,
    /// The day the last step was reached, once finished.
    pub finished_on: Option<Date>,
    /// The stored deadline with its provisional flag, once the files were complete.
    pub deadline: Option<Deadline>,
}

/// One month's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub bulan: String,
    /// Received in the month.
    pub diterima: u64,
    /// Finished in the month.
    pub selesai: u64,
    /// Finished in the month on or before the deadline.
    pub selesai_tepat_waktu: u64,
    /// `selesai_tepat_waktu` as a percentage of `selesai`, one decimal; `None` when none finished.
    pub persen_tepat_waktu: Option<f64>,
    /// Median working days from complete to finished; `None` when none finished.
    pub median_hari_kerja: Option<f64>,
    /// Some deadline or count behind these figures is provisional.
    pub sementara: bool,
}

/// The figures of any span of days: a month of the public page, a period of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Received in it.
    pub diterima: u64,
    /// Finished in it.
    pub selesai: u64,
    /// Finished in it on or before the deadline.
    pub selesai_tepat_waktu: u64,
    /// `selesai_tepat_waktu` as a percentage of `selesai`, one decimal; `None` when none finished.
    pub persen_tepat_waktu: Option<f64>,
    /// Median working days from complete to finished; `None` when none finished.
    pub median_hari_kerja: Option<f64>,
    /// Some deadline or count behind these figures is provisional.
    pub sementara: bool,
}

/// A breakdown cell: an exact count, or [`SUPPRESSED`] when under [`SMALL_CELL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The count, at least [`SMALL_CELL`].
    Exact(u64),
    /// Fewer than [`SMALL_CELL`], zero included.
    Small,
}

impl Cell {
    /// The cell of a count.
    pub fn of(n: u64) -> Self {
        if n < SMALL_CELL { Self::Small } else { Self::Exact(n) }
    }

    /// As shown: the number, or "< 3".
    pub fn text(self) -> String {
        match self {
            Self::Exact(n) => n.to_string(),
            Self::Small => SUPPRESSED.to_owned(),
        }
    }
}

// In JSON a cell is a number or the string "< 3", as on the page.
impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Exact(n) => s.serialize_u64(*n),
            Self::Small => s.serialize_str(SUPPRESSED),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(Self::of(n)),
            Raw::S(s) if s == SUPPRESSED => Ok(Self::Small),
            Raw::S(s) => Err(serde::de::Error::custom(format!("sel {s:?} bukan angka atau \"{SUPPRESSED}\""))),
        }
    }
}

/// One row of a breakdown (a kind or a channel) over the whole window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// The code (`pengaduan`, `web`).
    pub kode: String,
    /// The Indonesian label.
    pub label: String,
    /// Received in the window.
    pub diterima: Cell,
    /// Finished in the window.
    pub selesai: Cell,
    /// Finished in the window on or before the deadline.
    pub selesai_tepat_waktu: Cell,
}

/// The IKM of one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quarter {
    /// `YYYY-Q` (`2026-4`).
    pub triwulan: String,
    /// First day.
    pub dari: Date,
    /// Last day counted: the quarter's last, or today for the current one.
    pub sampai: Date,
    /// The current quarter, still running.
    pub berjalan: bool,
    /// How many answered the survey in it.
    pub responden: u64,
    /// The converted IKM (25–100), two decimals; `None` when nobody answered.
    pub ikm: Option<f64>,
    /// Its grade (`A` … `D`); `None` when nobody answered.
    pub mutu: Option<String>,
}

/// Every figure of the public statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// When they were computed (RFC 3339, the office's offset).
    pub diperbarui: String,
    /// The first month (`YYYY-MM`).
    pub dari: String,
    /// The last month (`YYYY-MM`), the current one.
    pub sampai: String,
    /// Complaints not finished now.
    pub terbuka: u64,
    /// The months, oldest first.
    pub bulan: Vec<Month>,
    /// By kind, in the form's order.
    pub jenis: Vec<Breakdown>,
    /// By channel, the online form first.
    pub kanal: Vec<Breakdown>,
    /// The IKM by quarter, oldest first.
    pub ikm: Vec<Quarter>,
    /// The small-cell threshold applied to the breakdowns.
    pub ambang_sel_kecil: u64,
}

/// The first day of the oldest month shown on `today`: [`MONTHS`] months ending with today's.
pub fn first_month(today: Date) -> Date {
    today.first_of_month().checked_sub((MONTHS - 1).months()).expect("a year back exists")
}

/// `YYYY-MM` of a date.
pub fn month_key(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The median of `values`; of an even count, the mean of the two middle ones. `None` when empty.
pub fn median(values: &mut [u32]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        f64::from(values[mid])
    } else {
        (f64::from(values[mid - 1]) + f64::from(values[mid])) / 2.0
    })
}

/// Whether a finished complaint met its deadline: finished on or before it.
pub fn on_time(row: &StatRow) -> bool {
    matches!((row.finished_on, row.deadline), (Some(f), Some(d)) if f <= d.value)
}

/// The first day of the quarter holding `d`.
pub fn quarter_start(d: Date) -> Date {
    let month = (d.month() - 1) / 3 * 3 + 1;
    Date::new(d.year(), month, 1).expect("the first of a month exists")
}

/// The day each row was received, in the office's time zone `tz` (the `received` that
/// [`totals`], [`month`] and [`breakdowns`] take, computed once).
pub fn received_dates(rows: &[StatRow], tz: &TimeZone) -> Vec<Date> {
    rows.iter().map(|r| r.received_at.to_zoned(tz.clone()).date()).collect()
}

/// The figures of the days from `dari` to `sampai` (both included): received in them, finished
/// in them, on time, the median working days. `received` is [`received_dates`] of `rows`. The
/// public page's months and the periodic report's periods are both this.
pub fn totals(rows: &[StatRow], received: &[Date], calendar: &Calendar, dari: Date, sampai: Date) -> Totals {
    let within = |d: Date| d >= dari && d <= sampai;
    let diterima = received.iter().filter(|d| within(**d)).count() as u64;
    let finished: Vec<&StatRow> = rows.iter().filter(|r| r.finished_on.is_some_and(within)).collect();
    let tepat = finished.iter().filter(|r| on_time(r)).count() as u64;
    let mut sementara = finished.iter().any(|r| r.deadline.is_some_and(|d| d.provisional));
    let mut days = Vec::new();
    for r in &finished {
        if let (Some(c), Some(f)) = (r.complete_on, r.finished_on) {
            let taken = calendar.days_taken(c, f);
            sementara |= taken.provisional;
            days.push(taken.value);
        }
    }
    let selesai = finished.len() as u64;
    Totals {
        diterima,
        selesai,
        selesai_tepat_waktu: tepat,
        persen_tepat_waktu: share(tepat, selesai),
        median_hari_kerja: median(&mut days),
        sementara,
    }
}

/// `part` as a percentage of `whole`, one decimal; `None` of nothing.
pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The figures of the calendar month starting on `start`.
pub fn month(rows: &[StatRow], received: &[Date], calendar: &Calendar, start: Date) -> Month {
    let t = totals(rows, received, calendar, start, start.last_of_month());
    Month {
        bulan: month_key(start),
        diterima: t.diterima,
        selesai: t.selesai,
        selesai_tepat_waktu: t.selesai_tepat_waktu,
        persen_tepat_waktu: t.persen_tepat_waktu,
        median_hari_kerja: t.median_hari_kerja,
        sementara: t.sementara,
    }
}

/// The breakdowns by kind and by channel of the days from `dari` to `sampai` (both included),
/// small cells suppressed.
pub fn breakdowns(rows: &[StatRow], received: &[Date], dari: Date, sampai: Date) -> (Vec<Breakdown>, Vec<Breakdown>) {
    let within = |d: Date| d >= dari && d <= sampai;
    let breakdown = |kode: &str, label: &str, pick: &dyn Fn(&StatRow) -> bool| {
        let diterima = rows.iter().zip(received).filter(|(r, d)| pick(r) && within(**d)).count() as u64;
        let done: Vec<&StatRow> = rows.iter().filter(|r| pick(r) && r.finished_on.is_some_and(within)).collect();
        Breakdown {
            kode: kode.to_owned(),
            label: label.to_owned(),
            diterima: Cell::of(diterima),
            selesai: Cell::of(done.len() as u64),
            selesai_tepat_waktu: Cell::of(done.iter().filter(|r| on_time(r)).count() as u64),
        }
    };
    let jenis = Jenis::ALL.iter().map(|j| breakdown(j.code(), j.label(), &|r| r.jenis == *j)).collect();
    let kanal = IntakeChannel::ALL.iter().map(|c| breakdown(c.code(), c.label(), &|r| r.channel == *c)).collect();
    (jenis, kanal)
}

/// The figures of `rows` and the survey `answers` (with when each was given), as of `now` in
/// the office's time zone `tz`.
pub fn compute(
    rows: &[StatRow],
    answers: &[(Timestamp, Answers)],
    calendar: &Calendar,
    tz: &TimeZone,
    now: Timestamp,
) -> Figures {
    let zoned_now = now.to_zoned(tz.clone());
    let today = zoned_now.date();
    let this_month = today.first_of_month();
    let first = first_month(today);
    let received = received_dates(rows, tz);

    let bulan = (0..MONTHS)
        .map(|i| {
            let start = first.checked_add(i.months()).expect("within a year");
            month(rows, &received, calendar, start)
        })
        .collect();
    let (jenis, kanal) = breakdowns(rows, &received, first, today.last_of_month());

    let current = quarter_start(today);
    let ikm_rows = (0..QUARTERS)
        .rev()
        .map(|i| {
            let dari = current.checked_sub((3 * i).months()).expect("a year back exists");
            let last = dari.checked_add(3.months()).and_then(|d| d.yesterday()).expect("a quarter ends");
            let (sampai, berjalan) = if last > today { (today, true) } else { (last, false) };
            let given: Vec<Answers> = answers
                .iter()
                .filter(|(at, _)| {
                    let d = at.to_zoned(tz.clone()).date();
                    d >= dari && d <= sampai
                })
                .map(|(_, a)| *a)
                .collect();
            let result = ikm(&given);
            Quarter {
                triwulan: format!("{}-{}", dari.year(), (dari.month() - 1) / 3 + 1),
                dari,
                sampai,
                berjalan,
                responden: given.len() as u64,
                ikm: result.as_ref().map(|r| round2(r.nilai)),
                mutu: result.map(|r| r.mutu.letter().to_owned()),
            }
        })
        .collect();

    Figures {
        diperbarui: zoned_now.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        dari: month_key(first),
        sampai: month_key(this_month),
        terbuka: rows.iter().filter(|r| r.finished_on.is_none()).count() as u64,
        bulan,
        jenis,
        kanal,
        ikm: ikm_rows,
        ambang_sel_kecil: SMALL_CELL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Reckoned;
    use crate::fixtures::{at, calendar, wib};
    use jiff::civil::date;

    /// A complaint received at `received` (UTC), complete on `complete`, finished on `finished`,
    /// its deadline counted with `cal` (10 working days), as the store would have stored it.
    fn row(cal: &Calendar, received: &str, complete: Option<Date>, finished: Option<Date>) -> StatRow {
        StatRow {
            received_at: at(received),
            channel: IntakeChannel::Web,
            jenis: Jenis::Pengaduan,
            complete_on: complete,
            finished_on: finished,
            deadline: complete.map(|c| cal.deadline(c, 10)),
        }
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7.0));
        assert_eq!(median(&mut [9, 2, 4]), Some(4.0));
        // Even: the mean of the two middle values once sorted (3 and 6).
        assert_eq!(median(&mut [10, 3, 1, 6]), Some(4.5));
        assert_eq!(median(&mut [2, 2]), Some(2.0));
    }

    #[test]
    fn the_window_is_twelve_months_ending_with_the_current_one_oldest_first() {
        let f = compute(&[], &[], &calendar(), &wib(), at("2026-12-07T03:00:00Z"));
        assert_eq!(f.bulan.len(), 12);
        assert_eq!((f.bulan[0].bulan.as_str(), f.bulan[11].bulan.as_str()), ("2026-01", "2026-12"));
        assert_eq!((f.dari.as_str(), f.sampai.as_str()), ("2026-01", "2026-12"));
        assert_eq!(f.diperbarui, "2026-12-07T10:00:00+07:00");
        assert!(f.bulan.iter().all(|m| m.median_hari_kerja.is_none() && m.persen_tepat_waktu.is_none()));
        // Across a year: March 2026 back to April 2025.
        let f = compute(&[], &[], &calendar(), &wib(), at("2026-03-31T10:00:00Z"));
        assert_eq!((f.bulan[0].bulan.as_str(), f.bulan[11].bulan.as_str()), ("2025-04", "2026-03"));
    }

    #[test]
    fn months_are_those_of_the_office_time_zone() {
        let cal = calendar();
        // 31 January 17:30 UTC is 1 February 00:30 in Jakarta: a February complaint.
        let late = row(&cal, "2026-01-31T17:30:00Z", None, None);
        // 31 January 16:59 UTC is still 31 January 23:59 in Jakarta.
        let early = row(&cal, "2026-01-31T16:59:00Z", None, None);
        let f = compute(&[late, early], &[], &cal, &wib(), at("2026-06-01T00:00:00Z"));
        let m = |k: &str| f.bulan.iter().find(|m| m.bulan == k).unwrap().clone();
        assert_eq!((m("2026-01").diterima, m("2026-02").diterima), (1, 1));
        assert_eq!(f.terbuka, 2);
        // Received before the window: not counted as received, but open now.
        let old = row(&cal, "2025-05-31T16:00:00Z", None, None);
        let f = compute(&[old], &[], &cal, &wib(), at("2026-05-01T00:00:00Z"));
        assert_eq!(f.bulan.iter().map(|m| m.diterima).sum::<u64>(), 0);
        assert_eq!(f.terbuka, 1);
    }

    #[test]
    fn on_time_shares_and_working_days_across_holidays() {
        let cal = calendar();
        // Complete on Mon 16 March 2026. Working days after it: 17 (1), 18 cuti bersama, 19
        // Nyepi, 20 (2), 23..27 (3..7), 30, 31 (8, 9), 1 April (10). Deadline: 1 April.
        let complete = date(2026, 3, 16);
        assert_eq!(cal.deadline(complete, 10).value, date(2026, 4, 1));
        // On the deadline: on time, 10 working days.
        let a = row(&cal, "2026-03-16T02:00:00Z", Some(complete), Some(date(2026, 4, 1)));
        // The day after: 2 April is the 11th working day, late.
        let b = row(&cal, "2026-03-16T03:00:00Z", Some(complete), Some(date(2026, 4, 2)));
        // 6 April: 3 April is Good Friday, so 2 and 6 April are days 11 and 12: late.
        let c = row(&cal, "2026-03-16T04:00:00Z", Some(complete), Some(date(2026, 4, 6)));
        // Finished 20 March: 17 and 20 count, so 2 working days, on time (a March figure).
        let d = row(&cal, "2026-03-16T05:00:00Z", Some(complete), Some(date(2026, 3, 20)));
        let f = compute(&[a, b, c, d], &[], &cal, &wib(), at("2026-04-30T05:00:00Z"));
        let april = f.bulan.iter().find(|m| m.bulan == "2026-04").unwrap();
        assert_eq!((april.selesai, april.selesai_tepat_waktu), (3, 1));
        assert_eq!(april.persen_tepat_waktu, Some(33.3));
        assert_eq!(april.median_hari_kerja, Some(11.0), "10, 11, 12");
        assert!(!april.sementara);
        let march = f.bulan.iter().find(|m| m.bulan == "2026-03").unwrap();
        assert_eq!((march.diterima, march.selesai, march.selesai_tepat_waktu), (4, 1, 1));
        assert_eq!(march.median_hari_kerja, Some(2.0));
        assert_eq!(march.persen_tepat_waktu, Some(100.0));
        assert_eq!(f.terbuka, 0);
    }

    #[test]
    fn the_stored_deadline_decides_and_provisional_ones_are_marked() {
        let cal = calendar();
        // 2027 is not in the calendar: a deadline counted into it is provisional, as stored.
        let complete = date(2026, 12, 21);
        let stored = cal.deadline(complete, 10);
        assert!(stored.provisional);
        // 22, 23 (1, 2), 24 and 25 off, 28..31 (3..6), 1 Jan 2027 counted as a working day
        // (no holidays known), 4..6 Jan (8..10).
        assert_eq!(stored.value, date(2027, 1, 6));
        let a = row(&cal, "2026-12-21T02:00:00Z", Some(complete), Some(date(2027, 1, 5)));
        // A deadline stored earlier, exact, one day before it finished: late whatever the
        // calendar says now, since staff were bound by the stored date.
        let b = StatRow {
            deadline: Some(Reckoned::exact(date(2027, 1, 4))),
            ..row(&cal, "2026-12-21T03:00:00Z", Some(complete), Some(date(2027, 1, 5)))
        };
        // Finished without a deadline (none stored): not on time.
        let c = StatRow { deadline: None, ..row(&cal, "2026-12-21T04:00:00Z", Some(complete), Some(date(2027, 1, 5))) };
        let f = compute(&[a, b, c], &[], &cal, &wib(), at("2027-01-10T00:00:00Z"));
        let jan = f.bulan.iter().find(|m| m.bulan == "2027-01").unwrap();
        assert_eq!((jan.selesai, jan.selesai_tepat_waktu), (3, 1));
        assert!(jan.sementara, "counted through 2027, which the calendar lacks");
        assert_eq!(jan.median_hari_kerja, Some(9.0));
        let dec = f.bulan.iter().find(|m| m.bulan == "2026-12").unwrap();
        assert!(!dec.sementara && dec.diterima == 3);
    }

    #[test]
    fn breakdown_cells_under_three_are_suppressed_and_totals_stay_exact() {
        let cal = calendar();
        let mut rows = Vec::new();
        for i in 0..3 {
            rows.push(StatRow {
                channel: IntakeChannel::Web,
                ..row(&cal, &format!("2026-05-0{}T02:00:00Z", i + 4), None, None)
            });
        }
        rows.push(StatRow {
            channel: IntakeChannel::Telepon,
            jenis: Jenis::Informasi,
            ..row(&cal, "2026-05-11T02:00:00Z", None, None)
        });
        let f = compute(&rows, &[], &cal, &wib(), at("2026-05-20T00:00:00Z"));
        let may = f.bulan.iter().find(|m| m.bulan == "2026-05").unwrap();
        assert_eq!(may.diterima, 4, "monthly totals are exact");
        let kanal = |k: &str| f.kanal.iter().find(|b| b.kode == k).unwrap().clone();
        assert_eq!(kanal("web").diterima, Cell::Exact(3));
        assert_eq!(kanal("telepon").diterima, Cell::Small);
        assert_eq!(kanal("surat").diterima, Cell::Small, "zero is under three too");
        let jenis = |k: &str| f.jenis.iter().find(|b| b.kode == k).unwrap().clone();
        assert_eq!(jenis("pengaduan").diterima, Cell::Exact(3));
        assert_eq!(jenis("informasi").diterima, Cell::Small);
        assert_eq!(f.kanal.len(), IntakeChannel::ALL.len());
        // As JSON the cell reads as on the page.
        let json = serde_json::to_value(kanal("telepon")).unwrap();
        assert_eq!(json["diterima"], "< 3");
        assert_eq!(serde_json::to_value(kanal("web")).unwrap()["diterima"], 3);
        let back: Figures = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn ikm_by_quarter_in_the_office_time_zone() {
        let cal = calendar();
        let all4 = Answers::new([4; 9]).unwrap();
        let all3 = Answers::new([3; 9]).unwrap();
        let answers = vec![
            // 30 June 17:30 UTC is 1 July in Jakarta: the third quarter.
            (at("2026-06-30T17:30:00Z"), all4),
            (at("2026-06-30T16:00:00Z"), all3),
            (at("2026-02-01T00:00:00Z"), all3),
        ];
        let f = compute(&[], &answers, &cal, &wib(), at("2026-08-15T00:00:00Z"));
        let names: Vec<&str> = f.ikm.iter().map(|q| q.triwulan.as_str()).collect();
        assert_eq!(names, ["2025-4", "2026-1", "2026-2", "2026-3"]);
        let q = |k: &str| f.ikm.iter().find(|q| q.triwulan == k).unwrap().clone();
        assert_eq!((q("2026-3").responden, q("2026-3").ikm, q("2026-3").mutu.as_deref()), (1, Some(100.0), Some("A")));
        assert!(q("2026-3").berjalan);
        assert_eq!(q("2026-3").sampai, date(2026, 8, 15));
        assert_eq!((q("2026-2").responden, q("2026-2").ikm, q("2026-2").mutu.as_deref()), (1, Some(75.0), Some("C")));
        assert_eq!((q("2026-2").dari, q("2026-2").sampai), (date(2026, 4, 1), date(2026, 6, 30)));
        assert_eq!(q("2026-1").responden, 1);
        assert_eq!((q("2025-4").responden, q("2025-4").ikm, q("2025-4").mutu.clone()), (0, None, None));
        assert!(!q("2025-4").berjalan);
    }
}
