//! The office's periodic report (laporan berkala) of complaint handling, for a quarter or a year,
//! as pure functions over plain rows: the same totals as the public statistics
//! ([`stats::totals`], [`stats::breakdowns`]), so the page, the report and the CLI cannot
//! disagree, plus what only the office sees:
//! - per SOP step, the median and worst working days spent at it, from the complaints' history:
//!   a stay at a step runs from the day it was reached to the day the complaint left it (moved on
//!   or had its files returned); a stay counts in the period it ended in, and one not ended by
//!   the period's last day counts up to that day (so a complaint stuck at a step shows);
//! - the complaints that missed their deadline (finished in the period after it, or not finished
//!   by the period's last day with the deadline passed), each with the step where most of its
//!   working days went since its files were last declared complete;
//! - the reasons the files were returned in the period, grouped (the same words, whatever the
//!   case and spacing) and counted;
//! - the IKM of the survey answers given in the period, per unsur ([`skm::ikm`]);
//! - the previous period's totals and IKM, to compare.
//!
//! Working days are those of the official calendar ([`Calendar::working_days_between`]).

use crate::Status;
use crate::calendar::Calendar;
use crate::skm::{Answers, Ikm, ikm, round2};
use crate::stats::{self, Breakdown, Month, StatRow, Totals};
use crate::workflow::{Action, HistoryEntry, Procedure};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::collections::BTreeMap;
use std::fmt;

/// A period of the report: a quarter (`2026-4`) or a calendar year (`2026`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A quarter of a year, 1..=4.
    Quarter {
        /// The year.
        year: i16,
        /// The quarter, 1..=4.
        quarter: i8,
    },
    /// A calendar year.
    Year(i16),
}

/// A period that cannot be read; the message is for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PeriodError(String);

fn parse_year(text: &str) -> Option<i16> {
    let y: i16 = text.parse().ok()?;
    (text.len() == 4 && (1900..=9998).contains(&y)).then_some(y)
}

impl Period {
    /// A quarter written `YYYY-Q` (`2026-4`).
    pub fn parse_quarter(text: &str) -> Result<Self, PeriodError> {
        let text = text.trim();
        let bad =
            || PeriodError(format!("Triwulan \"{text}\" tidak sah; tulis tahun dan triwulan 1 sampai 4, mis. 2026-4."));
        let (year, quarter) = text.split_once('-').ok_or_else(bad)?;
        let year = parse_year(year).ok_or_else(bad)?;
        match quarter.parse::<i8>() {
            Ok(q @ 1..=4) if quarter.len() == 1 => Ok(Self::Quarter { year, quarter: q }),
            _ => Err(bad()),
        }
    }

    /// A year written `YYYY` (`2026`).
    pub fn parse_year(text: &str) -> Result<Self, PeriodError> {
        let text = text.trim();
        parse_year(text)
            .map(Self::Year)
            .ok_or_else(|| PeriodError(format!("Tahun \"{text}\" tidak sah; tulis empat angka, mis. 2026.")))
    }

    /// Either form: `2026-4` is a quarter, `2026` a year.
    pub fn parse(text: &str) -> Result<Self, PeriodError> {
        if text.contains('-') { Self::parse_quarter(text) } else { Self::parse_year(text) }
    }

    /// The quarter holding `d`.
    pub fn quarter_of(d: Date) -> Self {
        Self::Quarter { year: d.year(), quarter: (d.month() - 1) / 3 + 1 }
    }

    /// The first day.
    pub fn first_day(self) -> Date {
        match self {
            Self::Quarter { year, quarter } => Date::new(year, (quarter - 1) * 3 + 1, 1),
            Self::Year(year) => Date::new(year, 1, 1),
        }
        .expect("a checked year and quarter start on a real day")
    }

    /// The last day.
    pub fn last_day(self) -> Date {
        match self {
            Self::Quarter { year, quarter } => Date::new(year, quarter * 3, 1).map(|d| d.last_of_month()),
            Self::Year(year) => Date::new(year, 12, 31),
        }
        .expect("a checked year and quarter end on a real day")
    }

    /// The period before: the previous quarter (the fourth of the year before the first), or
    /// the previous year.
    pub fn previous(self) -> Self {
        match self {
            Self::Quarter { year, quarter: 1 } => Self::Quarter { year: year - 1, quarter: 4 },
            Self::Quarter { year, quarter } => Self::Quarter { year, quarter: quarter - 1 },
            Self::Year(year) => Self::Year(year - 1),
        }
    }

    /// The code: `2026-4` or `2026`, as the CLI and the console's form take it.
    pub fn code(self) -> String {
        match self {
            Self::Quarter { year, quarter } => format!("{year}-{quarter}"),
            Self::Year(year) => year.to_string(),
        }
    }

    /// For people: `Triwulan IV 2026`, `Tahun 2026`.
    pub fn label(self) -> String {
        match self {
            Self::Quarter { year, quarter } => {
                format!("Triwulan {} {year}", ["I", "II", "III", "IV"][usize::try_from(quarter - 1).unwrap_or(0)])
            }
            Self::Year(year) => format!("Tahun {year}"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The office's letterhead (kop surat) heading the printed report, from the site's `config.toml`
/// (`[office]` name and region, its address, and the channel named "Telepon").
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Letterhead {
    /// The office's full name.
    pub nama: String,
    /// The region it serves (`Kabupaten ...`).
    pub wilayah: String,
    /// Its postal address.
    pub alamat: String,
    /// Its telephone number.
    pub telepon: String,
}

/// One change in a complaint's history as the report needs it: no staff name, and the note
/// only of a return (its reason).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// The day it took effect, in the office's time zone.
    pub on: Date,
    /// What was done.
    pub action: Action,
    /// The public status after it.
    pub to: Status,
    /// The procedure followed after it.
    pub procedure_id: Option<String>,
    /// The step reached, 0-based.
    pub step_index: Option<usize>,
    /// The reason, for a return; empty otherwise.
    pub reason: String,
}

impl Event {
    /// The event of a stored history entry: its day is the one the change took effect (files
    /// declared complete on a given day) or else the day it was recorded, in `tz`.
    pub fn of(entry: &HistoryEntry, tz: &TimeZone) -> Self {
        Self {
            on: entry.on.unwrap_or_else(|| entry.at.to_zoned(tz.clone()).date()),
            action: entry.action,
            to: entry.to,
            procedure_id: entry.procedure_id.clone(),
            step_index: entry.step_index,
            reason: if entry.action == Action::BerkasDikembalikan { entry.note.clone() } else { String::new() },
        }
    }
}

/// One complaint as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportRow {
    /// The register number, to name a late complaint (the register is the office's own).
    pub nomor: String,
    /// What the public statistics count.
    pub stat: StatRow,
    /// Its history, oldest first; empty when it was not read (see [`needs_history`]).
    pub events: Vec<Event>,
}

/// Whether a complaint's history can matter to the report of `period`: received by its end
/// and not finished before its start. Only those are read, one query each.
pub fn needs_history(row: &StatRow, tz: &TimeZone, period: Period) -> bool {
    let received = row.received_at.to_zoned(tz.clone()).date();
    received <= period.last_day() && row.finished_on.is_none_or(|f| f >= period.first_day())
}

/// Time spent at one step of a procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct StepTime {
    /// The procedure's id.
    pub procedure_id: String,
    /// The procedure's title.
    pub procedure: String,
    /// The step, 0-based.
    pub step_index: usize,
    /// Who does it.
    pub actor: String,
    /// What is done.
    pub action: String,
    /// How many stays at it counted in the period.
    pub jumlah: u64,
    /// The median working days of a stay; `None` when none.
    pub median_hari_kerja: Option<f64>,
    /// The longest stay, in working days; `None` when none.
    pub terlama_hari_kerja: Option<u32>,
    /// Some count ran through a year the calendar lacks.
    pub sementara: bool,
}

/// A complaint that missed its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Late {
    /// The register number.
    pub nomor: String,
    /// Its kind, as a label.
    pub jenis: &'static str,
    /// The deadline.
    pub tenggat: Date,
    /// The day it was finished; `None` when not by the period's end.
    pub selesai: Option<Date>,
    /// Working days past the deadline (to the day finished, or the period's last day).
    pub hari_terlambat: u32,
    /// Where the time went: "Langkah 4 dari 11 (JFT): …", with its working days.
    pub langkah: Option<String>,
    /// The working days spent at that step.
    pub hari_di_langkah: Option<u32>,
}

/// One reason the files were returned, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnReason {
    /// The reason as first written.
    pub alasan: String,
    /// How many returns gave it.
    pub jumlah: u64,
}

/// The headline figures of a period, also given for the previous one.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The period.
    pub periode: Period,
    /// Received, finished, on time, median.
    pub totals: Totals,
    /// Not finished at the period's last day (received by then).
    pub terbuka_akhir: u64,
    /// How many returns of files in the period.
    pub pengembalian: u64,
    /// The IKM of the answers given in the period; `None` when nobody answered.
    pub ikm: Option<Ikm>,
}

/// Every figure of the periodic report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The period's figures.
    pub ringkasan: Summary,
    /// The previous period's, to compare.
    pub sebelumnya: Summary,
    /// The period is still running on the day the report was made (figures up to that day).
    pub berjalan: bool,
    /// The day the report was made.
    pub dibuat: Date,
    /// The period's months, as on the public page.
    pub bulan: Vec<Month>,
    /// By kind (small cells suppressed, as on the public page).
    pub jenis: Vec<Breakdown>,
    /// By channel (likewise).
    pub kanal: Vec<Breakdown>,
    /// Per step of each procedure, from the verification step to the one before the last.
    pub langkah: Vec<StepTime>,
    /// The complaints that missed their deadline, the latest first.
    pub terlambat: Vec<Late>,
    /// The reasons for returns, the most frequent first.
    pub alasan_pengembalian: Vec<ReturnReason>,
}

/// A stay at a step.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stay {
    procedure_id: String,
    step_index: usize,
    from: Date,
    /// The day it was left; `None` while the complaint is still there.
    to: Option<Date>,
}

/// The stays of one history: each step reached (from the verification step on) until the next
/// move; the last step (finished) is no stay. Erasure entries move nothing.
fn stays(events: &[Event]) -> Vec<Stay> {
    let mut out: Vec<Stay> = Vec::new();
    let mut open: Option<Stay> = None;
    for e in events {
        if !matches!(e.action, Action::BerkasLengkap | Action::Lanjut | Action::BerkasDikembalikan) {
            continue;
        }
        if let Some(mut s) = open.take() {
            s.to = Some(e.on);
            out.push(s);
        }
        if let (Some(p), Some(i)) = (&e.procedure_id, e.step_index)
            && e.to != Status::Selesai
        {
            open = Some(Stay { procedure_id: p.clone(), step_index: i, from: e.on, to: None });
        }
    }
    out.extend(open);
    out
}

/// The working days of a stay counted up to `until` (the period's last day, or the day
/// made), or `None` when it ends outside the period `dari..=until`.
fn stay_days(s: &Stay, calendar: &Calendar, dari: Date, until: Date) -> Option<(u32, bool)> {
    if s.from > until {
        return None;
    }
    let end = s.to.map_or(until, |t| t.min(until));
    if end < dari {
        return None;
    }
    let n = calendar.working_days_between(s.from, end);
    Some((n.value, n.provisional))
}

/// The key a reason is grouped by: its words, lower case, single-spaced, without a final stop.
fn reason_key(reason: &str) -> String {
    reason.split_whitespace().collect::<Vec<_>>().join(" ").trim_end_matches('.').to_lowercase()
}

/// The summary of `period` (counted up to `until` when it is still running).
fn summary(
    rows: &[ReportRow],
    stat_rows: &[StatRow],
    received: &[Date],
    answers: &[(Date, Answers)],
    calendar: &Calendar,
    period: Period,
    until: Date,
) -> Summary {
    let (dari, sampai) = (period.first_day(), period.last_day().min(until));
    let terbuka_akhir = stat_rows
        .iter()
        .zip(received)
        .filter(|(r, d)| **d <= sampai && r.finished_on.is_none_or(|f| f > sampai))
        .count() as u64;
    let pengembalian = rows
        .iter()
        .flat_map(|r| &r.events)
        .filter(|e| e.action == Action::BerkasDikembalikan && e.on >= dari && e.on <= sampai)
        .count() as u64;
    let given: Vec<Answers> = answers.iter().filter(|(d, _)| *d >= dari && *d <= sampai).map(|(_, a)| *a).collect();
    Summary {
        periode: period,
        totals: stats::totals(stat_rows, received, calendar, dari, sampai),
        terbuka_akhir,
        pengembalian,
        ikm: ikm(&given),
    }
}

/// The report of `period` as of `now`, from `rows` (every complaint, with the history of those
/// [`needs_history`] picks), the survey `answers` of this and the previous period, the
/// procedures of the service page and the official calendar, in the office's time zone `tz`.
pub fn compute(
    rows: &[ReportRow],
    answers: &[(Timestamp, Answers)],
    procedures: &[Procedure],
    calendar: &Calendar,
    tz: &TimeZone,
    period: Period,
    now: Timestamp,
) -> Report {
    let today = now.to_zoned(tz.clone()).date();
    let stat_rows: Vec<StatRow> = rows.iter().map(|r| r.stat.clone()).collect();
    let received = stats::received_dates(&stat_rows, tz);
    let answers: Vec<(Date, Answers)> = answers.iter().map(|(t, a)| (t.to_zoned(tz.clone()).date(), *a)).collect();
    let (dari, sampai) = (period.first_day(), period.last_day().min(today));
    let ringkasan = summary(rows, &stat_rows, &received, &answers, calendar, period, today);
    let sebelumnya = summary(rows, &stat_rows, &received, &answers, calendar, period.previous(), today);

    let mut month_start = dari;
    let mut bulan = Vec::new();
    while month_start <= period.last_day() {
        bulan.push(stats::month(&stat_rows, &received, calendar, month_start));
        month_start = month_start.checked_add(1.month()).expect("within the calendar");
    }
    let (jenis, kanal) = stats::breakdowns(&stat_rows, &received, dari, sampai);

    let all_stays: Vec<(&ReportRow, Vec<Stay>)> = rows.iter().map(|r| (r, stays(&r.events))).collect();
    let mut per_step: BTreeMap<(String, usize), (Vec<u32>, bool)> = BTreeMap::new();
    for (_, list) in &all_stays {
        for s in list {
            if let Some((n, provisional)) = stay_days(s, calendar, dari, sampai) {
                let slot = per_step.entry((s.procedure_id.clone(), s.step_index)).or_default();
                slot.0.push(n);
                slot.1 |= provisional;
            }
        }
    }
    let langkah = procedures
        .iter()
        .flat_map(|p| {
            let per_step = &per_step;
            (p.start_index()..p.steps.len().saturating_sub(1)).map(move |i| {
                let (mut days, sementara) = per_step.get(&(p.id.clone(), i)).cloned().unwrap_or_default();
                StepTime {
                    procedure_id: p.id.clone(),
                    procedure: p.title.clone(),
                    step_index: i,
                    actor: p.steps[i].actor.clone(),
                    action: p.steps[i].action.clone(),
                    jumlah: days.len() as u64,
                    terlama_hari_kerja: days.iter().copied().max(),
                    median_hari_kerja: stats::median(&mut days),
                    sementara,
                }
            })
        })
        .collect();

    let mut terlambat: Vec<Late> =
        all_stays.iter().filter_map(|(r, list)| late(r, list, procedures, calendar, dari, sampai)).collect();
    terlambat.sort_by(|a, b| b.hari_terlambat.cmp(&a.hari_terlambat).then_with(|| a.nomor.cmp(&b.nomor)));

    let mut groups: Vec<(String, ReturnReason)> = Vec::new();
    for e in rows.iter().flat_map(|r| &r.events) {
        if e.action != Action::BerkasDikembalikan || e.on < dari || e.on > sampai {
            continue;
        }
        let key = reason_key(&e.reason);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.jumlah += 1,
            None => groups.push((key, ReturnReason { alasan: e.reason.trim().to_owned(), jumlah: 1 })),
        }
    }
    // Stable: equal counts keep the order first seen (the history's order).
    groups.sort_by_key(|g| std::cmp::Reverse(g.1.jumlah));

    Report {
        ringkasan,
        sebelumnya,
        berjalan: period.last_day() > today,
        dibuat: today,
        bulan,
        jenis,
        kanal,
        langkah,
        terlambat,
        alasan_pengembalian: groups.into_iter().map(|(_, g)| g).collect(),
    }
}

/// The row's lateness in the period, when it missed its deadline: finished in the period after
/// it, or not finished by the period's last day `sampai` with the deadline before that day.
fn late(
    row: &ReportRow,
    stays: &[Stay],
    procedures: &[Procedure],
    calendar: &Calendar,
    dari: Date,
    sampai: Date,
) -> Option<Late> {
    let deadline = row.stat.deadline?.value;
    let end = match row.stat.finished_on {
        Some(f) if f >= dari && f <= sampai => f,
        Some(f) if f < dari => return None,
        _ => sampai,
    };
    if end <= deadline {
        return None;
    }
    // The steps since the files were last declared complete: the clock the deadline counts.
    let since = row.stat.complete_on.unwrap_or(Date::MIN);
    let worst = stays
        .iter()
        .filter(|s| s.from >= since && s.from <= end)
        .map(|s| (s, calendar.working_days_between(s.from, s.to.map_or(end, |t| t.min(end))).value))
        // The first of equal maxima: where the time went first.
        .fold(None::<(&Stay, u32)>, |best, (s, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((s, n)),
        });
    let describe = |s: &Stay| match procedures.iter().find(|p| p.id == s.procedure_id) {
        Some(p) => p.describe_step(s.step_index),
        None => format!("Langkah {} (prosedur {})", s.step_index + 1, s.procedure_id),
    };
    Some(Late {
        nomor: row.nomor.clone(),
        jenis: row.stat.jenis.label(),
        tenggat: deadline,
        selesai: row.stat.finished_on.filter(|f| *f <= sampai),
        hari_terlambat: calendar.working_days_between(deadline, end).value,
        langkah: worst.map(|(s, _)| describe(s)),
        hari_di_langkah: worst.map(|(_, n)| n),
    })
}

/// A change between two values as shown: `+3`, `-1,5`, `0`; `None` when either is missing.
pub fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(round2(now? - before?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Jenis;
    use crate::calendar::Reckoned;
    use crate::fixtures::{at, calendar, wib};
    use crate::workflow::IntakeChannel;
    use jiff::civil::date;

    fn procedures() -> Vec<Procedure> {
        let text = include_str!("../../content/layanan/informasi-dan-pengaduan.md");
        crate::service::ServiceRules::parse(text).unwrap().procedures
    }

    fn ev(on: Date, action: Action, to: Status, step: Option<usize>) -> Event {
        Event {
            on,
            action,
            to,
            procedure_id: step.map(|_| "penyelesaian".to_owned()),
            step_index: step,
            reason: String::new(),
        }
    }

    fn returned(on: Date, reason: &str) -> Event {
        Event { reason: reason.to_owned(), ..ev(on, Action::BerkasDikembalikan, Status::PerluDilengkapi, None) }
    }

    /// A complaint received (08:00 WIB) on `received`, with `events` after intake; its stat row
    /// follows the events as the store would: complete on the last `BerkasLengkap`, finished
    /// on reaching `selesai`, the deadline 10 working days after complete.
    fn complaint(nomor: u32, received: Date, events: Vec<Event>) -> ReportRow {
        let cal = calendar();
        let complete_on = events
            .iter()
            .rev()
            .take_while(|e| e.action != Action::BerkasDikembalikan)
            .find(|e| e.action == Action::BerkasLengkap)
            .map(|e| e.on);
        let finished_on = events.iter().find(|e| e.to == Status::Selesai).map(|e| e.on);
        let mut all = vec![ev(received, Action::Diterima, Status::Diterima, None)];
        all.extend(events);
        ReportRow {
            nomor: format!("PGD-2026-{nomor:05}"),
            stat: StatRow {
                received_at: received.at(8, 0, 0, 0).to_zoned(wib()).unwrap().timestamp(),
                channel: IntakeChannel::Web,
                jenis: Jenis::Pengaduan,
                complete_on,
                finished_on,
                deadline: complete_on.map(|c| cal.deadline(c, 10)),
            },
            events: all,
        }
    }

    /// Through the resolution procedure (11 steps; the verification is step 3, index 2): complete
    /// on `complete`, then one move per day in `moves` (the last reaching `selesai` when there
    /// are eight).
    fn through(complete: Date, moves: &[Date]) -> Vec<Event> {
        let mut out = vec![ev(complete, Action::BerkasLengkap, Status::Diverifikasi, Some(2))];
        for (i, d) in moves.iter().enumerate() {
            let step = 3 + i;
            let to = if step == 10 { Status::Selesai } else { Status::Diproses };
            out.push(ev(*d, Action::Lanjut, to, Some(step)));
        }
        out
    }

    #[test]
    fn periods_parse_name_and_bound_themselves() {
        let q = Period::parse_quarter("2026-4").unwrap();
        assert_eq!(q, Period::Quarter { year: 2026, quarter: 4 });
        assert_eq!((q.first_day(), q.last_day()), (date(2026, 10, 1), date(2026, 12, 31)));
        assert_eq!(q.label(), "Triwulan IV 2026");
        assert_eq!(q.code(), "2026-4");
        assert_eq!(q.previous(), Period::Quarter { year: 2026, quarter: 3 });
        let q1 = Period::parse("2026-1").unwrap();
        assert_eq!((q1.first_day(), q1.last_day()), (date(2026, 1, 1), date(2026, 3, 31)));
        assert_eq!(q1.previous().code(), "2025-4", "the first quarter follows the year before's fourth");
        assert_eq!(Period::parse("2024-1").unwrap().previous().last_day(), date(2023, 12, 31));
        let y = Period::parse_year("2026").unwrap();
        assert_eq!(
            (y.first_day(), y.last_day(), y.label()),
            (date(2026, 1, 1), date(2026, 12, 31), "Tahun 2026".into())
        );
        assert_eq!(y.previous(), Period::Year(2025));
        assert_eq!(Period::quarter_of(date(2026, 6, 30)).code(), "2026-2");
        for bad in ["2026-5", "2026-0", "2026-", "26-1", "2026-41", "x"] {
            assert!(Period::parse_quarter(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Period::parse_quarter("2026-5").unwrap_err().to_string(),
            "Triwulan \"2026-5\" tidak sah; tulis tahun dan triwulan 1 sampai 4, mis. 2026-4."
        );
        assert!(Period::parse_year("20261").is_err() && Period::parse_year("abcd").is_err());
    }

    #[test]
    fn history_events_take_the_day_the_change_took_effect_in_the_office_time_zone() {
        let entry = HistoryEntry {
            seq: 3,
            // 31 March 18:00 UTC is 1 April 01:00 in Jakarta.
            at: at("2026-03-31T18:00:00Z"),
            by: "Rina".into(),
            action: Action::Lanjut,
            from: Some(Status::Diverifikasi),
            to: Status::Diproses,
            procedure_id: Some("penyelesaian".into()),
            step_index: Some(3),
            on: None,
            note: "catatan internal".into(),
            ba_number: None,
        };
        let e = Event::of(&entry, &wib());
        assert_eq!(e.on, date(2026, 4, 1));
        assert_eq!(e.reason, "", "only a return's note is kept");
        let complete = HistoryEntry { action: Action::BerkasLengkap, on: Some(date(2026, 3, 30)), ..entry.clone() };
        assert_eq!(Event::of(&complete, &wib()).on, date(2026, 3, 30));
        let back = HistoryEntry { action: Action::BerkasDikembalikan, note: "KTP buram".into(), ..entry };
        assert_eq!(Event::of(&back, &wib()).reason, "KTP buram");
    }

    #[test]
    fn the_period_figures_are_the_public_pages_and_open_counts_at_the_period_end() {
        let cal = calendar();
        // Q2 2026. A: complete Mon 16 March, finished 1 April (10 working days: on time).
        let a = complaint(
            1,
            date(2026, 3, 16),
            through(
                date(2026, 3, 16),
                &[
                    date(2026, 3, 20),
                    date(2026, 3, 23),
                    date(2026, 3, 24),
                    date(2026, 3, 25),
                    date(2026, 3, 26),
                    date(2026, 3, 27),
                    date(2026, 3, 30),
                    date(2026, 4, 1),
                ],
            ),
        );
        // B: received 2 April, complete 6 April, finished 22 April: 7..10, 13..17, 20..22 = 12 days, late.
        let b = complaint(
            2,
            date(2026, 4, 2),
            through(
                date(2026, 4, 6),
                &[
                    date(2026, 4, 7),
                    date(2026, 4, 8),
                    date(2026, 4, 9),
                    date(2026, 4, 10),
                    date(2026, 4, 13),
                    date(2026, 4, 14),
                    date(2026, 4, 15),
                    date(2026, 4, 22),
                ],
            ),
        );
        // C: received 30 June, still open.
        let c = complaint(3, date(2026, 6, 30), vec![]);
        // D: received 1 July (Q3): not in Q2, and not open at Q2's end.
        let d = complaint(4, date(2026, 7, 1), vec![]);
        let rows = [a, b, c, d];
        let p = Period::parse("2026-2").unwrap();
        let r = compute(&rows, &[], &procedures(), &cal, &wib(), p, at("2026-08-01T00:00:00Z"));
        let t = &r.ringkasan.totals;
        assert_eq!((t.diterima, t.selesai, t.selesai_tepat_waktu), (2, 2, 1));
        assert_eq!(t.persen_tepat_waktu, Some(50.0));
        assert_eq!(t.median_hari_kerja, Some(11.0), "10 and 12");
        assert_eq!(r.ringkasan.terbuka_akhir, 1, "C only: D came later");
        assert!(!r.berjalan);
        assert_eq!(r.bulan.iter().map(|m| m.bulan.as_str()).collect::<Vec<_>>(), ["2026-04", "2026-05", "2026-06"]);
        // The same months as the public page computes.
        let public = stats::compute(
            &rows.iter().map(|r| r.stat.clone()).collect::<Vec<_>>(),
            &[],
            &cal,
            &wib(),
            at("2026-08-01T00:00:00Z"),
        );
        for m in &r.bulan {
            assert_eq!(Some(m), public.bulan.iter().find(|x| x.bulan == m.bulan));
        }
        // The previous quarter: A received, none finished (A finished 1 April), B not yet received.
        let s = &r.sebelumnya;
        assert_eq!(s.periode.code(), "2026-1");
        assert_eq!((s.totals.diterima, s.totals.selesai, s.terbuka_akhir), (1, 0, 1));
        // The kinds and channels as the page shows them: 2 received, under 3.
        assert_eq!(r.kanal[0].diterima, stats::Cell::Small);
    }

    #[test]
    fn a_running_period_counts_up_to_today() {
        let cal = calendar();
        let c = complaint(1, date(2026, 10, 5), through(date(2026, 10, 5), &[date(2026, 10, 6)]));
        let r =
            compute(&[c], &[], &procedures(), &cal, &wib(), Period::parse("2026").unwrap(), at("2026-10-20T03:00:00Z"));
        assert!(r.berjalan);
        assert_eq!(r.dibuat, date(2026, 10, 20));
        assert_eq!(r.bulan.len(), 12);
        // Step 4 (index 3) reached Tue 6 Oct, still there on Tue 20 Oct: 7..9, 12..16, 19, 20 = 10.
        let step = r.langkah.iter().find(|s| s.step_index == 3).unwrap();
        assert_eq!((step.jumlah, step.terlama_hari_kerja), (1, Some(10)));
    }

    #[test]
    fn time_per_step_median_and_worst_across_holidays() {
        let cal = calendar();
        // Three complaints complete on Mon 16 March (Q1), verified (index 2 -> 3) after:
        // X: Tue 17 March: 1 working day. Y: Fri 20 March: 17, (18, 19 off), 20 = 2 days.
        // Z: Mon 23 March: 3 days. Z then waits at index 3 until Mon 6 April: 24..27, 30, 31,
        // 1, 2 April, (3 off), 6 = 9 days, a stay that ends in Q2 and so is not Q1's.
        let x = complaint(1, date(2026, 3, 16), through(date(2026, 3, 16), &[date(2026, 3, 17)]));
        let y = complaint(2, date(2026, 3, 16), through(date(2026, 3, 16), &[date(2026, 3, 20)]));
        let z = complaint(3, date(2026, 3, 16), through(date(2026, 3, 16), &[date(2026, 3, 23), date(2026, 4, 6)]));
        let rows = [x, y, z];
        let q1 = compute(
            &rows,
            &[],
            &procedures(),
            &cal,
            &wib(),
            Period::parse("2026-1").unwrap(),
            at("2026-05-01T00:00:00Z"),
        );
        let step = |r: &Report, i: usize| {
            r.langkah.iter().find(|s| s.procedure_id == "penyelesaian" && s.step_index == i).unwrap().clone()
        };
        let v = step(&q1, 2);
        assert_eq!((v.jumlah, v.median_hari_kerja, v.terlama_hari_kerja), (3, Some(2.0), Some(3)));
        assert_eq!(v.actor, procedures()[0].steps[2].actor);
        // At index 3, counted to 31 March: X from 17 March (18 and 19 off; 20, 23..27, 30, 31)
        // = 8; Y from 20 March = 7; Z from 23 to its move on 6 April, counted to 31 March = 6.
        let w = step(&q1, 3);
        assert_eq!((w.jumlah, w.median_hari_kerja, w.terlama_hari_kerja), (3, Some(7.0), Some(8)));
        // In Q2 the stays ended there count in full (Z: 9), and those never left count to 30 June.
        let q2 = compute(
            &rows,
            &[],
            &procedures(),
            &cal,
            &wib(),
            Period::parse("2026-2").unwrap(),
            at("2026-07-01T00:00:00Z"),
        );
        assert_eq!(step(&q2, 2).jumlah, 0, "the verifications ended in March");
        assert_eq!(step(&q2, 2).median_hari_kerja, None);
        let w2 = step(&q2, 3);
        assert_eq!(w2.jumlah, 3);
        assert!(w2.terlama_hari_kerja.unwrap() > 60, "X and Y stuck since March");
        // Every step from the verification to the one before the last, of both procedures.
        let p = procedures();
        let expected: usize = p.iter().map(|p| p.steps.len() - 1 - p.start_index()).sum();
        assert_eq!(q1.langkah.len(), expected);
    }

    #[test]
    fn a_return_ends_the_stay_and_the_clock_restarts() {
        let cal = calendar();
        // Complete Mon 2 March, returned Thu 5 March at index 3 (after a move on 3 March),
        // complete again Mon 9 March, verified Tue 10 March.
        let mut events = through(date(2026, 3, 2), &[date(2026, 3, 3)]);
        events.push(returned(date(2026, 3, 5), "KTP tidak terbaca"));
        events.extend(through(date(2026, 3, 9), &[date(2026, 3, 10)]));
        let r = complaint(1, date(2026, 3, 2), events);
        let list = stays(&r.events);
        let days: Vec<(usize, Option<Date>)> = list.iter().map(|s| (s.step_index, s.to)).collect();
        assert_eq!(
            days,
            [(2, Some(date(2026, 3, 3))), (3, Some(date(2026, 3, 5))), (2, Some(date(2026, 3, 10))), (3, None)]
        );
        let q1 = compute(
            &[r],
            &[],
            &procedures(),
            &cal,
            &wib(),
            Period::parse("2026-1").unwrap(),
            at("2026-04-01T00:00:00Z"),
        );
        assert_eq!(q1.ringkasan.pengembalian, 1);
    }

    #[test]
    fn late_complaints_name_the_step_where_the_time_went() {
        let cal = calendar();
        // Complete Mon 6 April; deadline the 10th working day: 7..10 (4), 13..17 (9), 20 April.
        assert_eq!(cal.deadline(date(2026, 4, 6), 10).value, date(2026, 4, 20));
        // L1 finished Wed 22 April (2 days late); its longest step: index 4, from 8 to 16 April.
        let l1 = complaint(
            1,
            date(2026, 4, 6),
            through(
                date(2026, 4, 6),
                &[
                    date(2026, 4, 7),
                    date(2026, 4, 8),
                    date(2026, 4, 16),
                    date(2026, 4, 17),
                    date(2026, 4, 20),
                    date(2026, 4, 21),
                    date(2026, 4, 21),
                    date(2026, 4, 22),
                ],
            ),
        );
        // L2 still at index 3 on 30 June.
        let l2 = complaint(2, date(2026, 4, 6), through(date(2026, 4, 6), &[date(2026, 4, 7)]));
        // On time: finished on the deadline.
        let ok = complaint(
            3,
            date(2026, 4, 6),
            through(
                date(2026, 4, 6),
                &[
                    date(2026, 4, 7),
                    date(2026, 4, 8),
                    date(2026, 4, 9),
                    date(2026, 4, 10),
                    date(2026, 4, 13),
                    date(2026, 4, 14),
                    date(2026, 4, 15),
                    date(2026, 4, 20),
                ],
            ),
        );
        let rows = [l1, l2, ok];
        let r = compute(
            &rows,
            &[],
            &procedures(),
            &cal,
            &wib(),
            Period::parse("2026-2").unwrap(),
            at("2026-08-01T00:00:00Z"),
        );
        let nomors: Vec<&str> = r.terlambat.iter().map(|l| l.nomor.as_str()).collect();
        assert_eq!(nomors, ["PGD-2026-00002", "PGD-2026-00001"], "the latest first");
        let l1 = &r.terlambat[1];
        assert_eq!((l1.tenggat, l1.selesai, l1.hari_terlambat), (date(2026, 4, 20), Some(date(2026, 4, 22)), 2));
        assert_eq!(l1.langkah.as_deref(), Some(procedures()[0].describe_step(4).as_str()));
        // 8 April to 16 April: 9, 10, 13..16 = 6 working days.
        assert_eq!(l1.hari_di_langkah, Some(6));
        let l2 = &r.terlambat[0];
        assert_eq!(l2.selesai, None);
        // 21 April to 30 June: all weekdays (the test calendar has no holidays then) = 51.
        assert_eq!(l2.hari_terlambat, cal.working_days_between(date(2026, 4, 20), date(2026, 6, 30)).value);
        assert_eq!(l2.hari_terlambat, 51);
        assert_eq!(l2.langkah.as_deref(), Some(procedures()[0].describe_step(3).as_str()));
        // The next quarter still lists the one not finished; the one finished in Q2 is Q2's only.
        let q3 = compute(
            &rows,
            &[],
            &procedures(),
            &cal,
            &wib(),
            Period::parse("2026-3").unwrap(),
            at("2026-10-01T00:00:00Z"),
        );
        assert_eq!(q3.terlambat.iter().map(|l| l.nomor.as_str()).collect::<Vec<_>>(), ["PGD-2026-00002"]);
    }

    #[test]
    fn return_reasons_are_grouped_whatever_the_case_and_spacing_and_counted() {
        let cal = calendar();
        let a = complaint(1, date(2026, 4, 1), vec![returned(date(2026, 4, 2), "KTP tidak terbaca.")]);
        let b = complaint(2, date(2026, 4, 1), vec![returned(date(2026, 4, 3), "  ktp  tidak terbaca ")]);
        let c = complaint(3, date(2026, 4, 1), vec![returned(date(2026, 4, 3), "Surat kuasa belum ada")]);
        // Returned in March: another quarter's.
        let d = complaint(4, date(2026, 3, 1), vec![returned(date(2026, 3, 31), "Surat kuasa belum ada")]);
        let r = compute(
            &[d, c, a, b],
            &[],
            &procedures(),
            &cal,
            &wib(),
            Period::parse("2026-2").unwrap(),
            at("2026-08-01T00:00:00Z"),
        );
        let got: Vec<(&str, u64)> = r.alasan_pengembalian.iter().map(|g| (g.alasan.as_str(), g.jumlah)).collect();
        assert_eq!(got, [("KTP tidak terbaca.", 2), ("Surat kuasa belum ada", 1)]);
        assert_eq!((r.ringkasan.pengembalian, r.sebelumnya.pengembalian), (3, 1));
    }

    #[test]
    fn the_ikm_per_unsur_of_the_period_and_the_previous_one() {
        let cal = calendar();
        let all4 = Answers::new([4; 9]).unwrap();
        let mixed = Answers::new([4, 3, 3, 4, 3, 3, 4, 2, 3]).unwrap();
        let answers = [
            // 30 September 17:30 UTC is 1 October in Jakarta: Q4.
            (at("2026-09-30T17:30:00Z"), all4),
            (at("2026-11-02T03:00:00Z"), mixed),
            (at("2026-08-01T03:00:00Z"), mixed),
        ];
        let r = compute(
            &[],
            &answers,
            &procedures(),
            &cal,
            &wib(),
            Period::parse("2026-4").unwrap(),
            at("2027-01-05T00:00:00Z"),
        );
        let i = r.ringkasan.ikm.as_ref().unwrap();
        assert_eq!(i.responden, 2);
        // U1: (4 + 4) / 2 = 4.00; U8: (4 + 2) / 2 = 3.00. Sum of NRR: 36 + 29 = 65 / 2 = 32.5;
        // IKM = 32.5 / 9 × 25 = 90.28, A.
        assert_eq!((i.unsur[0].nrr, i.unsur[7].nrr), (4.0, 3.0));
        assert_eq!(round2(i.nilai), 90.28);
        assert_eq!(i.mutu, crate::skm::Mutu::A);
        let prev = r.sebelumnya.ikm.as_ref().unwrap();
        assert_eq!((prev.responden, round2(prev.nilai)), (1, 80.56));
        assert_eq!(change(Some(round2(i.nilai)), Some(round2(prev.nilai))), Some(9.72));
        assert_eq!(change(Some(1.0), None), None);
    }

    #[test]
    fn only_complaints_that_can_matter_need_their_history_read() {
        let p = Period::parse("2026-2").unwrap();
        let row = |received: Date, finished: Option<Date>| StatRow {
            received_at: received.at(8, 0, 0, 0).to_zoned(wib()).unwrap().timestamp(),
            channel: IntakeChannel::Web,
            jenis: Jenis::Pengaduan,
            complete_on: None,
            finished_on: finished,
            deadline: Some(Reckoned::exact(date(2026, 1, 1))),
        };
        assert!(needs_history(&row(date(2026, 1, 5), None), &wib(), p), "open since before");
        assert!(needs_history(&row(date(2026, 1, 5), Some(date(2026, 4, 1))), &wib(), p));
        assert!(!needs_history(&row(date(2026, 1, 5), Some(date(2026, 3, 31))), &wib(), p), "finished before");
        assert!(!needs_history(&row(date(2026, 7, 1), None), &wib(), p), "received after");
        assert!(needs_history(&row(date(2026, 6, 30), None), &wib(), p));
    }
}
