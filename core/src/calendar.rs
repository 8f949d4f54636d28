//! Working days (hari kerja) and the complaint's deadline.
//!
//! The service promises an answer within "2 s/d 10 hari kerja setelah berkas persyaratan
//! dinyatakan lengkap". A working day is Monday to Friday and neither a national holiday (libur
//! nasional) nor a collective leave day (cuti bersama). Both lists are set every year by a joint
//! ministerial decree (SKB) that can be amended mid-year, so they are data, not code: the caller
//! reads `content/data/hari-libur.toml` and hands its text to [`Calendar::from_toml`].
//!
//! A year the file does not cover must not stop the office, so counting never fails: a day in
//! such a year is a working day exactly when it is Monday to Friday. That is a guess, and it is
//! marked as one: every count comes back as a [`Reckoned`] value whose `provisional` flag says
//! that some day it looked at lies in an uncovered year. A provisional deadline is shown as
//! *sementara* wherever it appears, since without that year's holidays it could fall on Idul
//! Fitri; the stores recompute every stored deadline once the year is added (see
//! [`Calendar::fingerprint`]).

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// How many days before the end of a year next year's holidays must already be in the calendar:
/// from then on, a 10-working-day deadline can cross into the new year.
pub const NEXT_YEAR_WARNING_DAYS: i16 = 60;

/// The years a calendar may hold. Narrower than what `jiff` supports so that a typo such as
/// `tahun = 20226` is caught, and so that the day after any covered date always exists.
const YEARS: std::ops::RangeInclusive<i16> = 1900..=2999;

/// Which list a day off comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HolidayKind {
    /// A national holiday (libur nasional).
    LiburNasional,
    /// A collective leave day (cuti bersama); for this service it is a day off like a holiday.
    CutiBersama,
}

impl HolidayKind {
    /// The label shown to people, in lower case, to be used inside a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Self::LiburNasional => "libur nasional",
            Self::CutiBersama => "cuti bersama",
        }
    }
}

/// One day off, as listed in the calendar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// Its short Indonesian name, e.g. "Idul Fitri 1447 Hijriah".
    pub name: String,
    /// The list it comes from.
    pub kind: HolidayKind,
}

impl fmt::Display for Holiday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {})", self.date, self.name, self.kind.label())
    }
}

/// A count made with the calendar, and whether it is a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reckoned<T> {
    /// The date or number counted.
    pub value: T,
    /// Some day the count looked at lies in a year the calendar does not cover, so that day's
    /// holidays were not known and only weekends were skipped.
    pub provisional: bool,
}

impl<T> Reckoned<T> {
    /// A count that only looked at covered years.
    pub fn exact(value: T) -> Self {
        Self { value, provisional: false }
    }
}

/// A deadline: the date, and whether it was counted without a year's holidays.
pub type Deadline = Reckoned<Date>;

impl Reckoned<Date> {
    /// The words shown after a provisional deadline, e.g. "sementara: kalender hari libur 2027
    /// belum ditetapkan"; `None` for an exact one. The year named is the deadline's own: a count
    /// runs forward, so the year it reached last is the one whose holidays are missing (an
    /// earlier missing year would be the office's current one, which every staff command warns
    /// about).
    pub fn provisional_note(&self) -> Option<String> {
        self.provisional_note_in(crate::Lang::Id)
    }

    /// [`Deadline::provisional_note`] in the language `lang`.
    pub fn provisional_note_in(&self, lang: crate::Lang) -> Option<String> {
        let year = self.value.year();
        self.provisional.then(|| {
            lang.pick(
                format!("sementara: kalender hari libur {year} belum ditetapkan"),
                format!("provisional: the {year} public holiday calendar is not set yet"),
            )
        })
    }
}

/// Why the calendar file was refused. Each message is for the editor of the file: it says what
/// is wrong and, when known, on which line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The text is not valid TOML, or does not have the expected keys and types.
    #[error("Kalender hari libur{}: isi berkas tidak valid: {message}", at(*.line))]
    Syntax {
        /// The line of the problem, when the parser knows it.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The file has no `[[tahun]]` block at all.
    #[error("Kalender hari libur kosong: belum ada satu pun blok [[tahun]].")]
    Empty,
    /// A `tahun` value outside the years a calendar may hold.
    #[error("Kalender hari libur{}: tahun {year} tidak masuk akal; tulis tahun empat angka antara 1900 dan 2999.", at(Some(*.line)))]
    YearOutOfRange {
        /// The line of the `tahun` key.
        line: usize,
        /// The value written.
        year: i64,
    },
    /// Two `[[tahun]]` blocks for the same year.
    #[error("Kalender hari libur{}: tahun {year} sudah punya blok [[tahun]] di baris {first_line}; gabungkan keduanya menjadi satu blok.", at(Some(*.line)))]
    DuplicateYear {
        /// The line of the second block's `tahun` key.
        line: usize,
        /// The year listed twice.
        year: i16,
        /// The line of the first block's `tahun` key.
        first_line: usize,
    },
    /// A year without a single national holiday: almost certainly an unfinished block.
    #[error("Kalender hari libur{}: tahun {year} tidak punya satu pun libur nasional; isi daftar libur_nasional sesuai SKB tahun itu.", at(Some(*.line)))]
    NoNationalHolidays {
        /// The line of the year's `tahun` key.
        line: usize,
        /// The year.
        year: i16,
    },
    /// A `tanggal` that is not a plain TOML date such as `2026-01-01`.
    #[error("Kalender hari libur{}: {kind} tahun {year}: tanggal {written} tidak valid; {hint}", at(Some(*.line)), kind = .kind.label())]
    InvalidDate {
        /// The line of the `tanggal` value.
        line: usize,
        /// The year block it is in.
        year: i16,
        /// The list it is in.
        kind: HolidayKind,
        /// The value as written in the file.
        written: String,
        /// How to write it instead.
        hint: &'static str,
    },
    /// A date listed in another year's block.
    #[error("Kalender hari libur{}: {kind} {date} (\"{name}\") ada di blok tahun {year}; pindahkan ke blok tahun {date_year}.", at(Some(*.line)), kind = .kind.label(), date_year = .date.year())]
    DateOutsideYear {
        /// The line of the day.
        line: usize,
        /// The year block it is in.
        year: i16,
        /// The list it is in.
        kind: HolidayKind,
        /// The date.
        date: Date,
        /// Its name.
        name: String,
    },
    /// The same date listed twice in a year, in the same list or in both.
    #[error("Kalender hari libur{}: tanggal {date} (\"{name}\", {kind}) sudah tercantum di baris {first_line} sebagai {first_kind} (\"{first_name}\"); satu tanggal hanya boleh muncul sekali.", at(Some(*.line)), kind = .kind.label(), first_kind = .first_kind.label())]
    DuplicateDate {
        /// The line of the second listing.
        line: usize,
        /// The date listed twice.
        date: Date,
        /// The second listing's name.
        name: String,
        /// The second listing's list.
        kind: HolidayKind,
        /// The line of the first listing.
        first_line: usize,
        /// The first listing's name.
        first_name: String,
        /// The first listing's list.
        first_kind: HolidayKind,
    },
    /// A day without a name: people are shown the name when a deadline skips the day.
    #[error("Kalender hari libur{}: {kind} {date} belum diberi nama; isi nama = \"...\".", at(Some(*.line)), kind = .kind.label())]
    EmptyName {
        /// The line of the day.
        line: usize,
        /// The date.
        date: Date,
        /// The list it is in.
        kind: HolidayKind,
    },
}

impl CalendarError {
    /// The line of the file the problem is on, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. } => *line,
            Self::Empty => None,
            Self::YearOutOfRange { line, .. }
            | Self::DuplicateYear { line, .. }
            | Self::NoNationalHolidays { line, .. }
            | Self::InvalidDate { line, .. }
            | Self::DateOutsideYear { line, .. }
            | Self::DuplicateDate { line, .. }
            | Self::EmptyName { line, .. } => Some(*line),
        }
    }
}

/// Formats " baris N" for messages, or nothing when the line is unknown.
fn at(line: Option<usize>) -> String {
    line.map(|l| format!(" baris {l}")).unwrap_or_default()
}

/// One event of the deadline clock, in the complaint's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockEvent {
    /// The files were declared complete on this day: the clock starts again from zero.
    Complete(Date),
    /// The files were returned to the complainant on this day: the clock stops.
    Incomplete(Date),
}

impl ClockEvent {
    /// The day the event happened.
    pub fn date(self) -> Date {
        match self {
            Self::Complete(d) | Self::Incomplete(d) => d,
        }
    }
}

/// The working-day calendar: weekends plus each covered year's national holidays and cuti bersama.
/// As JSON (in the published rules, [`crate::published::PublishedRules`]) it is the file's
/// shape: `{"tahun": [{"tahun": 2026, "libur_nasional": [{"tanggal": "2026-01-01", "nama": ...}],
/// "cuti_bersama": [...]}]}`, read back with the same checks of years and dates.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "CalendarJson", try_from = "CalendarJson")]
pub struct Calendar {
    /// Days off by year; a year is covered exactly when it has an entry, even an empty one.
    years: BTreeMap<i16, BTreeMap<Date, Holiday>>,
    /// Each year's source, when the file names it (`skb = "SKB 1497/2/5 Tahun 2025"`): shown to
    /// editors beside the year's days, and no part of any count.
    sources: BTreeMap<i16, String>,
}

impl Calendar {
    /// Parses the calendar file (see `content/data/hari-libur.toml` for the schema) and checks it:
    /// each year once, each date in its own year's block and listed once, every day named.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        let doc: FileDoc = toml::from_str(text).map_err(|e| CalendarError::Syntax {
            line: e.span().map(|s| line_of(text, s.start)),
            message: translate_toml_message(e.message()),
        })?;
        if doc.tahun.is_empty() {
            return Err(CalendarError::Empty);
        }
        let mut years: BTreeMap<i16, BTreeMap<Date, Holiday>> = BTreeMap::new();
        let mut sources = BTreeMap::new();
        // Where each year and each date was first seen, to point at both places on a duplicate.
        let mut year_lines: BTreeMap<i16, usize> = BTreeMap::new();
        for block in doc.tahun {
            let block = block.into_inner();
            let year_line = line_of(text, block.tahun.span().start);
            let year = i16::try_from(*block.tahun.get_ref())
                .ok()
                .filter(|y| YEARS.contains(y))
                .ok_or(CalendarError::YearOutOfRange { line: year_line, year: *block.tahun.get_ref() })?;
            if let Some(&first_line) = year_lines.get(&year) {
                return Err(CalendarError::DuplicateYear { line: year_line, year, first_line });
            }
            year_lines.insert(year, year_line);
            if block.libur_nasional.is_empty() {
                return Err(CalendarError::NoNationalHolidays { line: year_line, year });
            }
            let mut days: BTreeMap<Date, (Holiday, usize)> = BTreeMap::new();
            let lists =
                [(HolidayKind::LiburNasional, block.libur_nasional), (HolidayKind::CutiBersama, block.cuti_bersama)];
            for (kind, list) in lists {
                for day in list {
                    let holiday = check_day(text, year, kind, day.get_ref())?;
                    let line = line_of(text, day.span().start);
                    if let Some((first, first_line)) = days.get(&holiday.date) {
                        return Err(CalendarError::DuplicateDate {
                            line,
                            date: holiday.date,
                            name: holiday.name,
                            kind,
                            first_line: *first_line,
                            first_name: first.name.clone(),
                            first_kind: first.kind,
                        });
                    }
                    days.insert(holiday.date, (holiday, line));
                }
            }
            years.insert(year, days.into_iter().map(|(date, (holiday, _))| (date, holiday)).collect());
            if let Some(skb) = block.skb.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
                sources.insert(year, skb);
            }
        }
        Ok(Calendar { years, sources })
    }

    /// The covered years, in order.
    pub fn years(&self) -> Vec<i16> {
        self.years.keys().copied().collect()
    }

    /// The decree `year`'s days come from, as the file names it (`SKB 1497/2/5 Tahun 2025`,
    /// amendments included); `None` when it names none.
    pub fn source(&self, year: i16) -> Option<&str> {
        self.sources.get(&year).map(String::as_str)
    }

    /// Whether the calendar has the holidays of `year`.
    pub fn covers(&self, year: i16) -> bool {
        self.years.contains_key(&year)
    }

    /// The day off on `date`, if it is one; weekends are not listed.
    pub fn holiday(&self, date: Date) -> Option<&Holiday> {
        self.years.get(&date.year())?.get(&date)
    }

    /// Every listed day off, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = &Holiday> {
        self.years.values().flat_map(BTreeMap::values)
    }

    /// Whether `date` is a working day: Monday to Friday, and neither a national holiday nor
    /// cuti bersama. In a year the calendar does not cover, every Monday to Friday counts: the
    /// counts below mark such an answer as provisional.
    pub fn is_working_day(&self, date: Date) -> bool {
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        !weekend && self.years.get(&date.year()).is_none_or(|days_off| !days_off.contains_key(&date))
    }

    /// The `n`-th working day after `start`. `start` itself never counts, whatever day it is,
    /// because the time limit runs from the day after the files are declared complete; `n = 0`
    /// gives `start`. Provisional when the count passes through a year the calendar does not
    /// cover; a count running off the end of `jiff`'s dates stops at the last one.
    pub fn add_working_days(&self, start: Date, n: u32) -> Reckoned<Date> {
        let mut day = start;
        let mut counted = 0;
        let mut provisional = false;
        while counted < n {
            let Ok(next) = day.tomorrow() else {
                // Far past any year a calendar may hold (2999), so never exact.
                return Reckoned { value: day, provisional: true };
            };
            day = next;
            provisional |= !self.covers(day.year());
            if self.is_working_day(day) {
                counted += 1;
            }
        }
        Reckoned { value: day, provisional }
    }

    /// The deadline of a complaint whose files were declared complete on `complete_on`: the
    /// `max_working_days`-th working day after it (the service page's `max_working_days`).
    pub fn deadline(&self, complete_on: Date, max_working_days: u32) -> Deadline {
        self.add_working_days(complete_on, max_working_days)
    }

    /// The number of working days `d` with `from < d <= to`, and 0 when `to <= from`. It is the
    /// inverse of [`Calendar::add_working_days`]: `working_days_between(s, add_working_days(s, n)) == n`.
    /// Only the days counted are looked at, so `from` may lie in a year that is not covered
    /// without making the count provisional.
    pub fn working_days_between(&self, from: Date, to: Date) -> Reckoned<u32> {
        let mut count = 0;
        let mut provisional = false;
        let mut day = from;
        while day < to {
            // `day < to` leaves room for one more day.
            let Ok(next) = day.tomorrow() else { break };
            day = next;
            provisional |= !self.covers(day.year());
            if self.is_working_day(day) {
                count += 1;
            }
        }
        Reckoned { value: count, provisional }
    }

    /// How far a deadline is overdue on `today`: `None` on or before the deadline, else the
    /// working days after it up to and including `today`. That count is 0 when only weekends or
    /// holidays have passed since, which is still past the deadline: the office's last day to
    /// answer is over.
    pub fn overdue_by(&self, deadline: Date, today: Date) -> Option<Reckoned<u32>> {
        (today > deadline).then(|| self.working_days_between(deadline, today))
    }

    /// How many working days the complaint took, from the day its files were declared complete
    /// to the day it was finished; the same count as the deadline, so a complaint finished on its
    /// deadline took exactly the time limit.
    pub fn days_taken(&self, complete_on: Date, finished_on: Date) -> Reckoned<u32> {
        self.working_days_between(complete_on, finished_on)
    }

    /// The deadline given the clock's history: counted from the latest `Complete`, provided no
    /// `Incomplete` came after it, since returning the files stops the clock and completing
    /// them again restarts it from zero. `None` while the clock is stopped or has never started.
    ///
    /// Events are ordered by date; events on the same day keep their order in `events`, so a
    /// history stored in the order it happened is read as it happened.
    pub fn deadline_with_pauses(&self, events: &[ClockEvent], max_working_days: u32) -> Option<Deadline> {
        // `max_by_key` returns the last of equal maxima: the latest event, ties by slice order.
        match events.iter().copied().max_by_key(|e| e.date()) {
            Some(ClockEvent::Complete(day)) => Some(self.deadline(day, max_working_days)),
            Some(ClockEvent::Incomplete(_)) | None => None,
        }
    }

    /// A digest of everything a deadline depends on in the calendar: the covered years and each
    /// day off with its list. Names and sources are left out, so correcting a holiday's name does not make
    /// the stores recompute every deadline; adding a year or amending a date does.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        for (year, days_off) in &self.years {
            hasher.update(format!("tahun {year}\n"));
            for h in days_off.values() {
                hasher.update(format!("{} {}\n", h.date, h.kind.label()));
            }
        }
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A loud warning for the people running the service when the calendar lacks the current
    /// year, or next year once fewer than [`NEXT_YEAR_WARNING_DAYS`] days are left: deadlines
    /// that fall in a missing year are counted without its holidays and marked sementara.
    /// `file` names where the calendar is kept, for the people who add the year. `None` when all
    /// is well.
    pub fn warn_missing(&self, today: Date, file: &str) -> Option<String> {
        let year = today.year();
        let days_left = today.days_in_year() - today.day_of_year();
        let mut missing = Vec::new();
        if !self.covers(year) {
            missing.push(year);
        }
        if days_left <= NEXT_YEAR_WARNING_DAYS && !self.covers(year + 1) {
            missing.push(year + 1);
        }
        let years = match missing.as_slice() {
            [] => return None,
            [y] => y.to_string(),
            [a, b, ..] => format!("{a} dan {b}"),
        };
        Some(format!(
            "PERINGATAN: kalender hari libur tahun {years} belum ada di {file}. Tenggat yang jatuh di tahun itu dihitung tanpa hari libur (hanya Sabtu dan Minggu yang dilewati) dan ditandai sementara. Tambahkan libur nasional dan cuti bersama tahun {years} sesuai SKB, lalu terbitkan ulang; tenggat yang tersimpan dihitung ulang dengan sendirinya."
        ))
    }
}

/// The 1-based line of a byte offset in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Turns the parser's usual English messages into Indonesian; anything else is kept as is,
/// since a precise English message beats a vague Indonesian one.
pub fn translate_toml_message(message: &str) -> String {
    let message = message.trim();
    // A bare date where an entry was expected shows up as toml's internal datetime key.
    if message.contains("$__toml_private_datetime") {
        return "tertulis tanggal saja; tulis setiap hari sebagai { tanggal = 2026-01-01, nama = \"...\" }".to_owned();
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected.trim_start_matches("one of ").replace(" or ", ", ");
        if expected.is_empty() {
            return format!("kunci {field} tidak dikenal");
        }
        return format!("kunci {field} tidak dikenal; kunci yang dikenal: {expected}");
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("kunci {field} wajib ada");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = match expected {
            "i64" => "angka tanpa tanda kutip",
            "a sequence" => "daftar dalam [ ... ]",
            "a string" => "teks dalam tanda kutip",
            "struct DayDoc" => "{ tanggal = ..., nama = \"...\" }",
            "struct YearDoc" => "blok [[tahun]]",
            other => other,
        };
        return format!("jenis nilai salah: tertulis {found}, seharusnya {expected}");
    }
    if message.starts_with("invalid date") {
        return format!("tanggal itu tidak ada di kalender ({message})");
    }
    message.to_owned()
}

/// Checks one listed day and turns it into a [`Holiday`].
fn check_day(text: &str, year: i16, kind: HolidayKind, day: &DayDoc) -> Result<Holiday, CalendarError> {
    let line = line_of(text, day.tanggal.span().start);
    let date = to_date(day.tanggal.get_ref()).map_err(|hint| CalendarError::InvalidDate {
        line,
        year,
        kind,
        written: day.tanggal.get_ref().to_string(),
        hint,
    })?;
    let name = day.nama.get_ref().trim();
    if name.is_empty() {
        return Err(CalendarError::EmptyName { line: line_of(text, day.nama.span().start), date, kind });
    }
    if date.year() != year {
        return Err(CalendarError::DateOutsideYear { line, year, kind, date, name: name.to_owned() });
    }
    Ok(Holiday { date, name: name.to_owned(), kind })
}

/// Reads a TOML local date; the error is a hint on how to write it.
fn to_date(value: &toml::Value) -> Result<Date, &'static str> {
    const HINT: &str = "tulis tanggal TOML tanpa tanda kutip dan tanpa jam, mis. tanggal = 2026-01-01.";
    match value {
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date.ok_or(HINT)?;
            let year = i16::try_from(d.year).map_err(|_| HINT)?;
            let month = i8::try_from(d.month).map_err(|_| HINT)?;
            let day = i8::try_from(d.day).map_err(|_| HINT)?;
            Date::new(year, month, day).map_err(|_| "tanggal itu tidak ada di kalender.")
        }
        toml::Value::String(_) => {
            Err("hapus tanda kutipnya: tanggal ditulis sebagai tanggal TOML, mis. tanggal = 2026-01-01.")
        }
        _ => Err(HINT),
    }
}

/// The calendar as JSON: the file's keys, each year's days in date order.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarJson {
    tahun: Vec<YearJson>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearJson {
    tahun: i16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skb: Option<String>,
    libur_nasional: Vec<DayJson>,
    cuti_bersama: Vec<DayJson>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DayJson {
    tanggal: Date,
    nama: String,
}

impl From<Calendar> for CalendarJson {
    fn from(mut calendar: Calendar) -> Self {
        let tahun = calendar
            .years
            .into_iter()
            .map(|(tahun, days)| {
                let list = |kind| {
                    days.values()
                        .filter(|h| h.kind == kind)
                        .map(|h| DayJson { tanggal: h.date, nama: h.name.clone() })
                        .collect()
                };
                YearJson {
                    tahun,
                    skb: calendar.sources.remove(&tahun),
                    libur_nasional: list(HolidayKind::LiburNasional),
                    cuti_bersama: list(HolidayKind::CutiBersama),
                }
            })
            .collect();
        CalendarJson { tahun }
    }
}

impl TryFrom<CalendarJson> for Calendar {
    type Error = String;

    /// Keeps the file's rules a reader relies on: each year once, each date in its year, once.
    fn try_from(json: CalendarJson) -> Result<Self, String> {
        let (mut years, mut sources) = (BTreeMap::new(), BTreeMap::new());
        for year in json.tahun {
            if let Some(skb) = year.skb {
                sources.insert(year.tahun, skb);
            }
            let mut days = BTreeMap::new();
            let lists =
                [(HolidayKind::LiburNasional, year.libur_nasional), (HolidayKind::CutiBersama, year.cuti_bersama)];
            for (kind, list) in lists {
                for day in list {
                    if day.tanggal.year() != year.tahun {
                        return Err(format!("tanggal {} di luar tahun {}", day.tanggal, year.tahun));
                    }
                    let holiday = Holiday { date: day.tanggal, name: day.nama, kind };
                    if days.insert(day.tanggal, holiday).is_some() {
                        return Err(format!("tanggal {} tercantum dua kali", day.tanggal));
                    }
                }
            }
            if years.insert(year.tahun, days).is_some() {
                return Err(format!("tahun {} tercantum dua kali", year.tahun));
            }
        }
        Ok(Calendar { years, sources })
    }
}

/// The whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    /// One block per year; missing means an empty file, reported as such.
    #[serde(default)]
    tahun: Vec<Spanned<YearDoc>>,
}

/// One `[[tahun]]` block. Both lists are required, even empty, so that a year is never added
/// half-finished by accident; unknown keys are refused so that a misspelt list is not ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearDoc {
    tahun: Spanned<i64>,
    /// The decree the year's days come from; optional, for the people who check them.
    #[serde(default)]
    skb: Option<String>,
    libur_nasional: Vec<Spanned<DayDoc>>,
    cuti_bersama: Vec<Spanned<DayDoc>>,
}

/// One `{ tanggal = ..., nama = "..." }` entry. The date is read as any value so that a quoted
/// date gets a helpful Indonesian message instead of a type error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayDoc {
    tanggal: Spanned<toml::Value>,
    nama: Spanned<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::ToSpan;
    use jiff::civil::date;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    const SHIPPED: &str = include_str!("../../content/data/hari-libur.toml");

    /// Parsed once: the property tests ask for it hundreds of times.
    static SHIPPED_CALENDAR: LazyLock<Calendar> =
        LazyLock::new(|| Calendar::from_toml(SHIPPED).expect("the shipped calendar parses"));

    fn shipped() -> &'static Calendar {
        &SHIPPED_CALENDAR
    }

    #[test]
    fn overdue_counts_working_days_after_the_deadline() {
        let cal = shipped();
        // Monday 16 November 2026; 7 December is three weeks later.
        let deadline = date(2026, 11, 16);
        assert_eq!(cal.overdue_by(deadline, date(2026, 11, 13)), None, "before");
        assert_eq!(cal.overdue_by(deadline, deadline), None, "the deadline itself is still in time");
        assert_eq!(cal.overdue_by(deadline, date(2026, 11, 17)), Some(Reckoned::exact(1)));
        assert_eq!(cal.overdue_by(deadline, date(2026, 12, 7)), Some(Reckoned::exact(15)));
        // Friday 4 December: the weekend after it adds nothing, yet the deadline has passed.
        let friday = date(2026, 12, 4);
        assert_eq!(cal.overdue_by(friday, date(2026, 12, 6)), Some(Reckoned::exact(0)));
        // Christmas and its cuti bersama are not working days.
        assert_eq!(cal.overdue_by(date(2026, 12, 23), date(2026, 12, 28)), Some(Reckoned::exact(1)));
    }

    /// 2026 and no other year (a fixture, see the file): the tests of a missing year use it, so
    /// that they keep their missing year when the shipped file gains the next one.
    const ONLY_2026: &str = include_str!("../tests/fixtures/hari-libur-2026.toml");

    fn only_2026() -> Calendar {
        Calendar::from_toml(ONLY_2026).expect("the fixture parses")
    }

    #[test]
    fn a_count_from_an_uncovered_year_into_a_covered_one_stays_provisional() {
        // The fixture covers 2026 only: counting from late December 2025 passes through days
        // whose holidays are unknown, even though the count ends in a covered year.
        let cal = only_2026();
        let start = date(2025, 12, 29);
        let end = cal.add_working_days(start, 10);
        assert!(end.value.year() == 2026 && end.provisional, "{end:?}");
        let between = cal.working_days_between(start, date(2026, 1, 20));
        assert!(between.provisional, "{between:?}");
        // From inside the covered year on, the same counts are exact.
        assert!(!cal.add_working_days(date(2026, 1, 2), 10).provisional);
        assert!(!cal.working_days_between(date(2026, 1, 2), date(2026, 1, 20)).provisional);
    }

    /// The value of a count that stays inside the covered years, checking that it says so.
    trait Known<T> {
        fn known(self) -> T;
    }

    impl<T> Known<T> for Reckoned<T> {
        fn known(self) -> T {
            assert!(!self.provisional, "a count inside the covered years is not provisional");
            self.value
        }
    }

    impl<T> Known<Option<T>> for Option<Reckoned<T>> {
        fn known(self) -> Option<T> {
            self.map(Known::known)
        }
    }

    /// Dates as `(month, day)` in `year`.
    fn dates(year: i16, md: &[(i8, i8)]) -> Vec<Date> {
        md.iter().map(|&(m, d)| date(year, m, d)).collect()
    }

    // Copied by hand from shared/reference/hari-libur.md, which copies the SKBs: the point is that
    // the data file is checked against an independent list.
    fn reference_2025_libur() -> Vec<Date> {
        dates(
            2025,
            &[
                (1, 1),
                (1, 27),
                (1, 29),
                (3, 29),
                (3, 31),
                (4, 1),
                (4, 18),
                (4, 20),
                (5, 1),
                (5, 12),
                (5, 29),
                (6, 1),
                (6, 6),
                (6, 27),
                (8, 17),
                (9, 5),
                (12, 25),
            ],
        )
    }

    fn reference_2025_cuti() -> Vec<Date> {
        dates(2025, &[(1, 28), (3, 28), (4, 2), (4, 3), (4, 4), (4, 7), (5, 13), (5, 30), (6, 9), (8, 18), (12, 26)])
    }

    fn reference_2026_libur() -> Vec<Date> {
        dates(
            2026,
            &[
                (1, 1),
                (1, 16),
                (2, 17),
                (3, 19),
                (3, 21),
                (3, 22),
                (4, 3),
                (4, 5),
                (5, 1),
                (5, 14),
                (5, 27),
                (5, 31),
                (6, 1),
                (6, 16),
                (8, 17),
                (8, 25),
                (12, 25),
            ],
        )
    }

    fn reference_2026_cuti() -> Vec<Date> {
        dates(2026, &[(2, 16), (3, 18), (3, 20), (3, 23), (3, 24), (5, 15), (5, 28), (12, 24)])
    }

    fn listed(cal: &Calendar, year: i16, kind: HolidayKind) -> Vec<Date> {
        cal.holidays().filter(|h| h.date.year() == year && h.kind == kind).map(|h| h.date).collect()
    }

    fn every_day(from: Date, to: Date) -> impl Iterator<Item = Date> {
        from.series(1.day()).take_while(move |d| *d <= to)
    }

    // ---- the shipped file ----

    #[test]
    fn shipped_file_parses_and_covers_2025_and_2026() {
        let cal = shipped();
        // Later years are added as their SKBs appear: only the start of the list is fixed.
        assert_eq!(cal.years()[..2], [2025, 2026]);
        assert!(cal.covers(2025) && cal.covers(2026) && !cal.covers(2024));
    }

    #[test]
    fn each_year_names_its_decree() {
        let cal = shipped();
        assert_eq!(cal.source(2026), Some("SKB 1497/2/5 Tahun 2025"));
        assert!(cal.source(2025).is_some_and(|s| s.contains("diubah dengan SKB 933/1/3 Tahun 2025")));
        assert_eq!(cal.source(2024), None);
        // Optional, and an empty one is none; other unknown keys are still refused.
        let year = |extra: &str| {
            format!(
                "[[tahun]]\ntahun = 2030\n{extra}libur_nasional = [{{ tanggal = 2030-01-01, nama = \"Tahun Baru\" }}]\ncuti_bersama = []\n"
            )
        };
        assert_eq!(Calendar::from_toml(&year("")).unwrap().source(2030), None);
        assert_eq!(Calendar::from_toml(&year("skb = \"  \"\n")).unwrap().source(2030), None);
        assert_eq!(Calendar::from_toml(&year("skb = \" SKB 1/2/3 \"\n")).unwrap().source(2030), Some("SKB 1/2/3"));
        let err = Calendar::from_toml(&year("sumber = \"SKB\"\n")).unwrap_err().to_string();
        assert!(err.contains("kunci `sumber` tidak dikenal") && err.contains("skb"), "{err}");
        // A source is no part of a deadline.
        let without = Calendar::from_toml(&year("")).unwrap();
        assert_eq!(Calendar::from_toml(&year("skb = \"SKB\"\n")).unwrap().fingerprint(), without.fingerprint());
    }

    #[test]
    fn the_fixture_is_the_shipped_2026_alone() {
        let fixture = only_2026();
        assert_eq!(fixture.years(), vec![2026]);
        assert!(!fixture.covers(2025) && !fixture.covers(2027));
        let of_2026 = |cal: &Calendar| cal.holidays().filter(|h| h.date.year() == 2026).cloned().collect::<Vec<_>>();
        assert_eq!(of_2026(&fixture), of_2026(shipped()));
    }

    #[test]
    fn shipped_file_has_exactly_the_reference_dates() {
        let cal = shipped();
        assert_eq!(listed(cal, 2025, HolidayKind::LiburNasional), reference_2025_libur());
        assert_eq!(listed(cal, 2025, HolidayKind::CutiBersama), reference_2025_cuti());
        assert_eq!(listed(cal, 2026, HolidayKind::LiburNasional), reference_2026_libur());
        assert_eq!(listed(cal, 2026, HolidayKind::CutiBersama), reference_2026_cuti());
        let in_2025_and_2026 = cal.holidays().filter(|h| matches!(h.date.year(), 2025 | 2026)).count();
        assert_eq!(in_2025_and_2026, 17 + 11 + 17 + 8);
    }

    #[test]
    fn shipped_names_match_the_days() {
        let cal = shipped();
        let name = |y, m, d| cal.holiday(date(y, m, d)).map(|h| h.name.as_str()).unwrap_or("");
        assert_eq!(name(2026, 1, 1), "Tahun Baru 2026 Masehi");
        assert_eq!(name(2025, 1, 1), "Tahun Baru 2025 Masehi");
        assert!(name(2026, 3, 21).starts_with("Idul Fitri"));
        assert!(name(2026, 3, 19).contains("Nyepi"));
        assert!(name(2026, 5, 31).contains("Waisak"));
        assert!(name(2026, 12, 25).contains("Natal"));
        assert!(name(2025, 8, 18).starts_with("Cuti bersama"));
        // Every cuti bersama says so, and no national holiday does, so lists read unambiguously.
        for h in cal.holidays() {
            assert_eq!(h.name.starts_with("Cuti bersama"), h.kind == HolidayKind::CutiBersama, "{h}");
        }
        assert_eq!(cal.holiday(date(2026, 1, 5)), None);
    }

    // ---- working days ----

    #[test]
    fn weekends_are_never_working_days() {
        let cal = shipped();
        for day in every_day(date(2025, 1, 1), date(2026, 12, 31)) {
            if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                assert!(!cal.is_working_day(day), "{day}");
            }
        }
    }

    #[test]
    fn plain_weekdays_are_working_days() {
        let cal = shipped();
        // Monday 5 to Friday 9 January 2026: no holiday.
        for day in every_day(date(2026, 1, 5), date(2026, 1, 9)) {
            assert!(cal.is_working_day(day), "{day}");
        }
        // 24 December 2025 is a Wednesday and, unlike 2026, not cuti bersama.
        assert!(cal.is_working_day(date(2025, 12, 24)));
    }

    #[test]
    fn every_listed_day_is_a_day_off() {
        let cal = shipped();
        let all = [reference_2025_libur(), reference_2025_cuti(), reference_2026_libur(), reference_2026_cuti()];
        for day in all.iter().flatten() {
            assert!(!cal.is_working_day(*day), "{day}");
        }
    }

    #[test]
    fn each_2026_holiday_is_not_a_working_day_and_the_days_around_it_are_counted_right() {
        let cal = shipped();
        for day in reference_2026_libur().into_iter().chain(reference_2026_cuti()) {
            assert!(!cal.is_working_day(day), "{day}");
            // Skipping the day: the next working day after the day before is later than the day.
            let before = day.yesterday().unwrap();
            assert!(cal.add_working_days(before, 1).known() > day, "{day}");
        }
    }

    #[test]
    fn working_days_per_year() {
        let cal = shipped();
        // 2025: 261 weekdays, minus 13 national holidays on weekdays (29 Mar, 20 Apr, 1 Jun and
        // 17 Aug are weekends) and 11 cuti bersama: 237.
        assert_eq!(cal.working_days_between(date(2024, 12, 31), date(2025, 12, 31)).known(), 237);
        // 2026: 261 weekdays, minus 13 national holidays on weekdays (21 and 22 Mar, 5 Apr and
        // 31 May are weekends) and 8 cuti bersama: 240.
        assert_eq!(cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)).known(), 240);
    }

    #[test]
    fn idul_fitri_2026_run() {
        let cal = shipped();
        // 18 cuti (Nyepi), 19 Nyepi, 20 cuti, 21-22 weekend and Idul Fitri, 23-24 cuti.
        for day in every_day(date(2026, 3, 18), date(2026, 3, 24)) {
            assert!(!cal.is_working_day(day), "{day}");
        }
        assert!(cal.is_working_day(date(2026, 3, 17)));
        assert!(cal.is_working_day(date(2026, 3, 25)));
        assert_eq!(cal.add_working_days(date(2026, 3, 17), 1).known(), date(2026, 3, 25));
        // Monday 16: Tue 17 (1), Wed 25 (2).
        assert_eq!(cal.add_working_days(date(2026, 3, 16), 2).known(), date(2026, 3, 25));
        assert_eq!(cal.working_days_between(date(2026, 3, 17), date(2026, 3, 25)).known(), 1);
        assert_eq!(cal.working_days_between(date(2026, 3, 17), date(2026, 3, 24)).known(), 0);
    }

    #[test]
    fn deadline_across_idul_fitri_and_good_friday() {
        let cal = shipped();
        // Complete Tue 17 Mar 2026: 25 (1), 26 (2), 27 (3), 30 (4), 31 (5), 1 Apr (6), 2 (7),
        // 3 Good Friday skipped, 6 (8), 7 (9), 8 (10).
        assert_eq!(cal.deadline(date(2026, 3, 17), 10).known(), date(2026, 4, 8));
        // The shortest limit, 2 working days: 25 (1), 26 (2).
        assert_eq!(cal.deadline(date(2026, 3, 17), 2).known(), date(2026, 3, 26));
    }

    #[test]
    fn deadline_across_the_may_2026_holidays() {
        let cal = shipped();
        // Complete Tue 12 May: 13 (1), 14 Kenaikan, 15 cuti, 18 (2), 19 (3), 20 (4), 21 (5),
        // 22 (6), 25 (7), 26 (8), 27 Idul Adha, 28 cuti, 29 (9), 1 Jun Pancasila, 2 Jun (10).
        assert_eq!(cal.deadline(date(2026, 5, 12), 10).known(), date(2026, 6, 2));
    }

    #[test]
    fn year_end_2025_into_2026() {
        let cal = shipped();
        let start = date(2025, 12, 23); // Tuesday
        // Wed 24 (1); 25 Natal, 26 cuti, 27-28 weekend; Mon 29 (2), 30 (3), 31 (4);
        // 1 Jan 2026 holiday; Fri 2 Jan (5).
        assert_eq!(cal.add_working_days(start, 1).known(), date(2025, 12, 24));
        assert_eq!(cal.add_working_days(start, 2).known(), date(2025, 12, 29));
        assert_eq!(cal.add_working_days(start, 3).known(), date(2025, 12, 30));
        assert_eq!(cal.add_working_days(start, 4).known(), date(2025, 12, 31));
        assert_eq!(cal.add_working_days(start, 5).known(), date(2026, 1, 2));
        assert_eq!(cal.working_days_between(start, date(2026, 1, 2)).known(), 5);
    }

    #[test]
    fn year_end_2026() {
        let cal = shipped();
        let start = date(2026, 12, 22); // Tuesday
        // Wed 23 (1); 24 cuti, 25 Natal, 26-27 weekend; Mon 28 (2), Tue 29 (3).
        assert_eq!(cal.add_working_days(start, 1).known(), date(2026, 12, 23));
        assert_eq!(cal.add_working_days(start, 2).known(), date(2026, 12, 28));
        assert_eq!(cal.add_working_days(start, 3).known(), date(2026, 12, 29));
        // Mon 28: 29 (1), 30 (2), 31 (3): stays in 2026, so no need for 2027.
        assert_eq!(cal.add_working_days(date(2026, 12, 28), 3).known(), date(2026, 12, 31));
    }

    #[test]
    fn start_day_never_counts() {
        let cal = shipped();
        // A working Monday: the first working day after it is Tuesday.
        assert_eq!(cal.add_working_days(date(2026, 1, 5), 1).known(), date(2026, 1, 6));
        // A Friday: the next is Monday.
        assert_eq!(cal.add_working_days(date(2026, 1, 9), 1).known(), date(2026, 1, 12));
        // A Saturday that is also Idul Fitri: Sun 22, cuti 23-24, so Wed 25.
        assert_eq!(cal.add_working_days(date(2026, 3, 21), 1).known(), date(2026, 3, 25));
        // Zero working days is the start itself, even on a holiday.
        assert_eq!(cal.add_working_days(date(2026, 3, 21), 0).known(), date(2026, 3, 21));
    }

    #[test]
    fn working_days_between_is_zero_when_not_after() {
        let cal = shipped();
        let day = date(2026, 6, 10);
        assert_eq!(cal.working_days_between(day, day).known(), 0);
        assert_eq!(cal.working_days_between(day, date(2026, 6, 1)).known(), 0);
        // No look-up happens, so uncovered years are fine too.
        assert_eq!(cal.working_days_between(date(2030, 1, 1), date(2020, 1, 1)).known(), 0);
        // Mon 8 to Fri 12 June: 9, 10, 11, 12.
        assert_eq!(cal.working_days_between(date(2026, 6, 8), date(2026, 6, 12)).known(), 4);
    }

    #[test]
    fn days_taken_counts_like_the_deadline() {
        let cal = shipped();
        assert_eq!(cal.days_taken(date(2026, 3, 17), date(2026, 3, 25)).known(), 1);
        assert_eq!(cal.days_taken(date(2026, 3, 17), date(2026, 3, 17)).known(), 0);
        assert_eq!(cal.days_taken(date(2026, 3, 17), date(2026, 4, 8)).known(), 10);
        // Finished after the deadline: 9 Apr is the 11th working day.
        assert_eq!(cal.days_taken(date(2026, 3, 17), date(2026, 4, 9)).known(), 11);
    }

    // ---- missing years ----

    /// The 2026 fixture with 2027 added (only New Year's Day, enough for these tests).
    fn with_2027() -> Calendar {
        let year = "\n[[tahun]]\ntahun = 2027\nlibur_nasional = [\n  { tanggal = 2027-01-01, nama = \"Tahun Baru 2027 Masehi\" },\n]\ncuti_bersama = []\n";
        Calendar::from_toml(&format!("{ONLY_2026}{year}")).unwrap()
    }

    #[test]
    fn a_missing_year_counts_weekends_only_and_says_so() {
        let cal = only_2026();
        // Mon 28 Dec 2026: 29 (1), 30 (2), 31 (3), then Fri 1 Jan 2027, whose New Year's Day the
        // calendar does not know, counts (4).
        let d = cal.add_working_days(date(2026, 12, 28), 4);
        assert_eq!(d, Reckoned { value: date(2027, 1, 1), provisional: true });
        assert_eq!(cal.deadline(date(2026, 12, 28), 4), d);
        // Ten: on to Mon 4 (5) ... Fri 8 (9), Mon 11 (10); the weekend is still skipped.
        assert_eq!(cal.deadline(date(2026, 12, 28), 10), Reckoned { value: date(2027, 1, 11), provisional: true });
        // Once 2027 is in the calendar the same count skips New Year's Day and is exact.
        let full = with_2027();
        assert_eq!(full.deadline(date(2026, 12, 28), 4), Reckoned::exact(date(2027, 1, 4)));
        assert_eq!(full.deadline(date(2026, 12, 28), 10), Reckoned::exact(date(2027, 1, 12)));
    }

    #[test]
    fn a_count_inside_covered_years_is_not_provisional() {
        let cal = &only_2026();
        // Mon 28 Dec 2026 + 3 stays in 2026, although 2027 is missing.
        assert_eq!(cal.add_working_days(date(2026, 12, 28), 3), Reckoned::exact(date(2026, 12, 31)));
        // Zero days looks at no day at all, even in an uncovered year.
        assert_eq!(cal.add_working_days(date(2027, 1, 1), 0), Reckoned::exact(date(2027, 1, 1)));
        let cal = shipped();
        // The start day is not looked at either: from 31 Dec 2024, only 2025 is counted.
        assert_eq!(cal.working_days_between(date(2024, 12, 31), date(2025, 1, 3)), Reckoned::exact(2));
        assert_eq!(cal.days_taken(date(2026, 3, 17), date(2026, 4, 8)), Reckoned::exact(10));
    }

    #[test]
    fn uncovered_days_are_working_days_from_monday_to_friday() {
        let cal = only_2026();
        assert!(cal.is_working_day(date(2024, 6, 3)), "a Monday in 2024");
        assert!(cal.is_working_day(date(2027, 1, 1)), "New Year's Day 2027 is not known");
        assert!(!cal.is_working_day(date(2027, 1, 2)), "a Saturday is never one");
        assert!(!cal.is_working_day(date(2027, 1, 3)), "nor a Sunday");
        // 31 Dec (1), 1 Jan (2), 4 Jan (3): the count touched 2027.
        let n = cal.working_days_between(date(2026, 12, 30), date(2027, 1, 4));
        assert_eq!(n, Reckoned { value: 3, provisional: true });
        assert_eq!(cal.days_taken(date(2026, 12, 30), date(2027, 1, 4)), n);
        assert_eq!(
            cal.add_working_days(date(2024, 12, 30), 1),
            Reckoned { value: date(2024, 12, 31), provisional: true }
        );
    }

    #[test]
    fn the_end_of_jiff_time_saturates_and_is_provisional() {
        let cal = shipped();
        assert_eq!(cal.add_working_days(Date::MAX, 1), Reckoned { value: Date::MAX, provisional: true });
        assert_eq!(cal.working_days_between(Date::MAX, Date::MAX), Reckoned::exact(0));
    }

    #[test]
    fn a_provisional_deadline_says_which_year_is_missing() {
        let d = Reckoned { value: date(2027, 1, 12), provisional: true };
        assert_eq!(d.provisional_note().as_deref(), Some("sementara: kalender hari libur 2027 belum ditetapkan"));
        assert_eq!(Reckoned::exact(date(2026, 4, 8)).provisional_note(), None);
    }

    #[test]
    fn the_fingerprint_follows_the_days_off_not_their_names() {
        let cal = shipped();
        let fp = cal.fingerprint();
        assert_eq!(fp.len(), 64);
        assert_eq!(fp, Calendar::from_toml(SHIPPED).unwrap().fingerprint(), "the same data, the same digest");
        let renamed = SHIPPED.replace("Tahun Baru 2026 Masehi", "Tahun Baru Masehi 2026");
        assert_ne!(renamed, SHIPPED);
        assert_eq!(Calendar::from_toml(&renamed).unwrap().fingerprint(), fp, "a name is not a date");
        assert_ne!(with_2027().fingerprint(), only_2026().fingerprint(), "a year added");
        let moved = SHIPPED.replace("tanggal = 2026-12-24", "tanggal = 2026-12-28");
        assert_ne!(moved, SHIPPED);
        assert_ne!(Calendar::from_toml(&moved).unwrap().fingerprint(), fp, "a day moved by an amended SKB");
    }

    #[test]
    fn warns_when_the_current_or_next_year_is_missing() {
        assert_eq!(shipped().warn_missing(date(2026, 6, 1), "data/kalender.toml"), None);
        assert_eq!(shipped().warn_missing(date(2025, 12, 31), "data/kalender.toml"), None);
        let cal = only_2026();
        // 31 Oct 2026 is 61 days before the end of the year: not yet.
        assert_eq!(cal.warn_missing(date(2026, 10, 31), "data/kalender.toml"), None);
        // 1 Nov 2026 is 60 days before: 2027 is needed now.
        let warning = cal.warn_missing(date(2026, 11, 1), "data/kalender.toml").unwrap();
        assert!(warning.starts_with("PERINGATAN"), "{warning}");
        assert!(warning.contains("tahun 2027"), "{warning}");
        assert!(warning.contains("data/kalender.toml"), "the file is named: {warning}");
        let warning = cal.warn_missing(date(2027, 1, 5), "data/kalender.toml").unwrap();
        assert!(warning.contains("tahun 2027"), "{warning}");
        let warning = cal.warn_missing(date(2027, 12, 20), "data/kalender.toml").unwrap();
        assert!(warning.contains("tahun 2027 dan 2028"), "{warning}");
        let warning = cal.warn_missing(date(2024, 3, 1), "data/kalender.toml").unwrap();
        assert!(warning.contains("tahun 2024"), "{warning}");
    }

    // ---- the clock ----

    #[test]
    fn clock_never_started_or_stopped_has_no_deadline() {
        let cal = shipped();
        assert_eq!(cal.deadline_with_pauses(&[], 10).known(), None);
        let events = [ClockEvent::Incomplete(date(2026, 3, 2))];
        assert_eq!(cal.deadline_with_pauses(&events, 10).known(), None);
        let events = [ClockEvent::Complete(date(2026, 3, 2)), ClockEvent::Incomplete(date(2026, 3, 4))];
        assert_eq!(cal.deadline_with_pauses(&events, 10).known(), None);
    }

    #[test]
    fn clock_runs_from_the_last_complete() {
        let cal = shipped();
        let events = [ClockEvent::Complete(date(2026, 3, 17))];
        assert_eq!(cal.deadline_with_pauses(&events, 10).known(), Some(date(2026, 4, 8)));
        // Returned, then completed again on 12 May: the clock restarts from zero there.
        let events = [
            ClockEvent::Complete(date(2026, 3, 17)),
            ClockEvent::Incomplete(date(2026, 3, 26)),
            ClockEvent::Complete(date(2026, 5, 12)),
        ];
        assert_eq!(cal.deadline_with_pauses(&events, 10).known(), Some(date(2026, 6, 2)));
        // Declared complete twice: the later one counts.
        let events = [ClockEvent::Complete(date(2026, 3, 17)), ClockEvent::Complete(date(2026, 5, 12))];
        assert_eq!(cal.deadline_with_pauses(&events, 10).known(), Some(date(2026, 6, 2)));
    }

    #[test]
    fn clock_reads_events_by_date_and_same_day_by_order() {
        let cal = shipped();
        // Stored out of order: the latest date still decides.
        let events = [ClockEvent::Complete(date(2026, 5, 12)), ClockEvent::Incomplete(date(2026, 3, 26))];
        assert_eq!(cal.deadline_with_pauses(&events, 10).known(), Some(date(2026, 6, 2)));
        // Returned and completed on the same day: the later entry wins.
        let day = date(2026, 5, 12);
        let events = [ClockEvent::Incomplete(day), ClockEvent::Complete(day)];
        assert_eq!(cal.deadline_with_pauses(&events, 10).known(), Some(date(2026, 6, 2)));
        let events = [ClockEvent::Complete(day), ClockEvent::Incomplete(day)];
        assert_eq!(cal.deadline_with_pauses(&events, 10).known(), None);
    }

    #[test]
    fn clock_marks_a_deadline_in_a_missing_year() {
        let cal = only_2026();
        let events = [ClockEvent::Complete(date(2026, 12, 28))];
        assert_eq!(
            cal.deadline_with_pauses(&events, 10),
            Some(Reckoned { value: date(2027, 1, 11), provisional: true })
        );
        assert_eq!(ClockEvent::Incomplete(date(2026, 1, 2)).date(), date(2026, 1, 2));
    }

    // ---- parse errors ----

    fn parse_err(text: &str) -> CalendarError {
        Calendar::from_toml(text).expect_err("the text is refused")
    }

    const GOOD: &str = r#"
[[tahun]]
tahun = 2030
libur_nasional = [
  { tanggal = 2030-01-01, nama = "Tahun Baru 2030 Masehi" },
]
cuti_bersama = []
"#;

    #[test]
    fn a_minimal_file_parses() {
        let cal = Calendar::from_toml(GOOD).unwrap();
        assert_eq!(cal.years(), vec![2030]);
        let h = cal.holiday(date(2030, 1, 1)).unwrap();
        assert_eq!((h.name.as_str(), h.kind), ("Tahun Baru 2030 Masehi", HolidayKind::LiburNasional));
        assert_eq!(h.to_string(), "2030-01-01 (Tahun Baru 2030 Masehi, libur nasional)");
        // Wed 2 Jan 2030 is the first working day after New Year's Day.
        assert_eq!(cal.add_working_days(date(2029, 12, 31), 1).known(), date(2030, 1, 2));
    }

    #[test]
    fn refuses_a_duplicate_date_in_one_list() {
        let text = GOOD.replace(
            "  { tanggal = 2030-01-01, nama = \"Tahun Baru 2030 Masehi\" },\n",
            "  { tanggal = 2030-01-01, nama = \"Tahun Baru 2030 Masehi\" },\n  { tanggal = 2030-01-01, nama = \"Lagi\" },\n",
        );
        let err = parse_err(&text);
        assert!(matches!(err, CalendarError::DuplicateDate { line: 6, first_line: 5, .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("baris 6") && msg.contains("2030-01-01") && msg.contains("baris 5"), "{msg}");
    }

    #[test]
    fn refuses_a_date_in_both_lists() {
        let text = GOOD.replace("cuti_bersama = []", "cuti_bersama = [ { tanggal = 2030-01-01, nama = \"Cuti\" } ]");
        let err = parse_err(&text);
        assert!(
            matches!(
                err,
                CalendarError::DuplicateDate {
                    kind: HolidayKind::CutiBersama,
                    first_kind: HolidayKind::LiburNasional,
                    line: 7,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("cuti bersama"), "{err}");
    }

    #[test]
    fn refuses_a_date_in_the_wrong_year_block() {
        let text = GOOD.replace("tanggal = 2030-01-01", "tanggal = 2031-01-01");
        let err = parse_err(&text);
        assert!(matches!(err, CalendarError::DateOutsideYear { year: 2030, line: 5, .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "Kalender hari libur baris 5: libur nasional 2031-01-01 (\"Tahun Baru 2030 Masehi\") ada di blok tahun 2030; pindahkan ke blok tahun 2031."
        );
    }

    #[test]
    fn refuses_a_year_listed_twice() {
        let text = format!("{GOOD}{GOOD}");
        let err = parse_err(&text);
        assert!(matches!(err, CalendarError::DuplicateYear { year: 2030, line: 10, first_line: 3 }), "{err:?}");
        assert!(err.to_string().contains("baris 3"), "{err}");
    }

    #[test]
    fn refuses_unknown_keys_at_every_level() {
        let top = format!("versi = 1\n{GOOD}");
        let err = parse_err(&top);
        assert!(matches!(err, CalendarError::Syntax { .. }), "{err:?}");
        assert!(err.to_string().contains("kunci `versi` tidak dikenal"), "{err}");

        let year = GOOD.replace("cuti_bersama = []", "cuti_bersma = []");
        let err = parse_err(&year);
        assert!(err.to_string().contains("`cuti_bersma`"), "{err}");
        assert!(err.line().is_some(), "{err:?}");

        let bare = GOOD.replace("{ tanggal = 2030-01-01, nama = \"Tahun Baru 2030 Masehi\" }", "2030-01-01");
        let err = parse_err(&bare);
        assert!(err.to_string().contains("tertulis tanggal saja"), "{err}");
        assert_eq!(err.line(), Some(5), "{err:?}");

        let day = GOOD.replace("nama = ", "keterangan = ");
        let err = parse_err(&day);
        assert!(err.to_string().contains("`keterangan`"), "{err}");
        assert_eq!(err.line(), Some(5), "{err:?}");
    }

    #[test]
    fn refuses_a_missing_list() {
        let err = parse_err(&GOOD.replace("cuti_bersama = []", ""));
        assert!(err.to_string().contains("kunci `cuti_bersama` wajib ada"), "{err}");
    }

    #[test]
    fn refuses_a_year_without_national_holidays() {
        let err = parse_err("[[tahun]]\ntahun = 2030\nlibur_nasional = []\ncuti_bersama = []\n");
        assert_eq!(err, CalendarError::NoNationalHolidays { line: 2, year: 2030 });
    }

    #[test]
    fn refuses_badly_written_dates() {
        let quoted = GOOD.replace("tanggal = 2030-01-01", "tanggal = \"2030-01-01\"");
        let err = parse_err(&quoted);
        assert!(matches!(err, CalendarError::InvalidDate { line: 5, .. }), "{err:?}");
        assert!(err.to_string().contains("hapus tanda kutipnya"), "{err}");

        let with_time = GOOD.replace("tanggal = 2030-01-01", "tanggal = 2030-01-01T08:00:00");
        let err = parse_err(&with_time);
        assert!(matches!(err, CalendarError::InvalidDate { .. }), "{err:?}");
        assert!(err.to_string().contains("tanpa jam"), "{err}");

        let number = GOOD.replace("tanggal = 2030-01-01", "tanggal = 20300101");
        assert!(matches!(parse_err(&number), CalendarError::InvalidDate { .. }));

        // 30 February is refused by the TOML parser itself, with its line.
        let impossible = GOOD.replace("tanggal = 2030-01-01", "tanggal = 2030-02-30");
        let err = parse_err(&impossible);
        assert_eq!(err.line(), Some(5), "{err:?}");
        assert!(err.to_string().contains("tanggal itu tidak ada di kalender"), "{err}");
    }

    #[test]
    fn refuses_an_empty_name() {
        let err = parse_err(&GOOD.replace("\"Tahun Baru 2030 Masehi\"", "\"  \""));
        assert!(matches!(err, CalendarError::EmptyName { line: 5, .. }), "{err:?}");
        assert!(err.to_string().contains("belum diberi nama"), "{err}");
    }

    #[test]
    fn refuses_an_absurd_year() {
        let err = parse_err(&GOOD.replace("tahun = 2030", "tahun = 20230"));
        assert_eq!(err, CalendarError::YearOutOfRange { line: 3, year: 20230 });
        let err = parse_err(&GOOD.replace("tahun = 2030", "tahun = \"2030\""));
        assert!(matches!(err, CalendarError::Syntax { line: Some(3), .. }), "{err:?}");
        assert!(err.to_string().contains("seharusnya angka tanpa tanda kutip"), "{err}");
    }

    #[test]
    fn refuses_empty_and_malformed_files() {
        assert_eq!(parse_err(""), CalendarError::Empty);
        assert_eq!(parse_err("# hanya komentar\n"), CalendarError::Empty);
        let err = parse_err(&GOOD.replace("cuti_bersama = []", "cuti_bersama = ["));
        assert!(matches!(err, CalendarError::Syntax { line: Some(_), .. }), "{err:?}");
        assert!(err.to_string().starts_with("Kalender hari libur baris"), "{err}");
    }

    // ---- properties ----

    /// A date `offset` days after 1 January 2025.
    fn day_from(offset: i32) -> Date {
        date(2025, 1, 1).checked_add(offset.days()).unwrap()
    }

    /// Days from 1 January 2025 to 30 November 2026, and to 31 December 2026.
    const TO_30_NOV_2026: i32 = 698;
    const TO_31_DEC_2026: i32 = 729;

    #[test]
    fn property_ranges_stay_inside_the_shipped_years() {
        // The properties call `known()`, so each count they make must stay inside the years the
        // shipped file covers; widening a range past them is caught here, not by a rare case.
        let cal = shipped();
        let (first, last) = (day_from(0), day_from(TO_31_DEC_2026));
        assert!(cal.covers(first.year()) && cal.covers(last.year()), "{first}..{last}");
        assert!(!cal.working_days_between(first, last).provisional);
        // add_then_count's latest start plus its largest count ends inside them too.
        assert!(!cal.add_working_days(day_from(TO_30_NOV_2026), 15).provisional);
    }

    proptest! {
        #[test]
        fn add_then_count_round_trips(offset in 0..=TO_30_NOV_2026, n in 0u32..=15) {
            let cal = shipped();
            let start = day_from(offset);
            // December 2026 has more than 15 working days, so the result stays within 2026.
            let end = cal.add_working_days(start, n).known();
            prop_assert!(end.year() <= 2026);
            prop_assert_eq!(cal.working_days_between(start, end).known(), n);
            if n == 0 {
                prop_assert_eq!(end, start);
            } else {
                prop_assert!(end > start);
                prop_assert!(cal.is_working_day(end));
                // It is the first day that reaches n: the day before has only n - 1.
                prop_assert_eq!(cal.working_days_between(start, end.yesterday().unwrap()).known(), n - 1);
                prop_assert!(cal.add_working_days(start, n - 1).known() < end);
            }
        }

        #[test]
        fn counting_is_additive(x in 0..=TO_31_DEC_2026, y in 0..=TO_31_DEC_2026, z in 0..=TO_31_DEC_2026) {
            let cal = shipped();
            let mut abc = [x, y, z];
            abc.sort_unstable();
            let [a, b, c] = abc.map(day_from);
            let whole = cal.working_days_between(a, c).known();
            let parts = cal.working_days_between(a, b).known() + cal.working_days_between(b, c).known();
            prop_assert_eq!(whole, parts);
        }

        #[test]
        fn one_day_counts_once_exactly_when_it_is_a_working_day(offset in 1..=TO_31_DEC_2026) {
            let cal = shipped();
            let day = day_from(offset);
            let counted = cal.working_days_between(day.yesterday().unwrap(), day).known();
            prop_assert_eq!(counted == 1, cal.is_working_day(day));
        }
    }
}
