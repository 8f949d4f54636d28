//! Fixtures shared by the unit tests of the figures (`stats`, `report`): a calendar of 2026
//! written here rather than the shipped one, so adding the office's next year changes nothing.

use crate::calendar::Calendar;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// 2026's holidays and collective leave as the figures' tests count them.
const CALENDAR_2026: &str = r#"
[[tahun]]
tahun = 2026
libur_nasional = [
  { tanggal = 2026-03-19, nama = "Nyepi" },
  { tanggal = 2026-04-03, nama = "Wafat Yesus Kristus" },
  { tanggal = 2026-12-25, nama = "Natal" },
]
cuti_bersama = [
  { tanggal = 2026-03-18, nama = "Cuti bersama Nyepi" },
  { tanggal = 2026-12-24, nama = "Cuti bersama Natal" },
]
"#;

/// The fixture calendar: 2026 only.
pub(crate) fn calendar() -> Calendar {
    Calendar::from_toml(CALENDAR_2026).unwrap()
}

/// The office's time zone.
pub(crate) fn wib() -> TimeZone {
    TimeZone::get("Asia/Jakarta").unwrap()
}

/// An RFC 3339 instant.
pub(crate) fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}
