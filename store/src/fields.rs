//! How both stores read back the values they wrote (codes, instants, days), so that a stored
//! value that no longer parses is reported the same way, as [`StoreError::Corrupt`], by either.

use crate::StoreError;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::fmt::temporal::DateTimePrinter;
use pengaduan_core::calendar::{ClockEvent, Deadline};
use pengaduan_core::workflow::{Action, IntakeChannel};
use pengaduan_core::{Jenis, Status};

/// A timestamp in UTC with all nine fractional digits: equal-length strings, so text order is
/// time order (jiff's default drops trailing zeros, and `…:00Z` would sort after `…:00.5Z`).
pub(crate) fn sortable(at: Timestamp) -> String {
    DateTimePrinter::new().precision(Some(9)).timestamp_to_string(&at)
}

/// A stored instant.
pub(crate) fn parse_ts(v: &str) -> Result<Timestamp, StoreError> {
    v.parse().map_err(|e: jiff::Error| StoreError::Corrupt(format!("timestamp {v:?}: {e}")))
}

/// A stored day; `what` names the field in the error.
pub(crate) fn parse_date(what: &str, v: &str) -> Result<Date, StoreError> {
    v.parse().map_err(|e: jiff::Error| StoreError::Corrupt(format!("{what} {v:?}: {e}")))
}

/// A stored register number.
pub(crate) fn parse_number(v: &str) -> Result<pengaduan_core::RegisterNumber, StoreError> {
    pengaduan_core::RegisterNumber::parse(v).ok_or_else(|| StoreError::Corrupt(format!("register number {v:?}")))
}

/// A stored channel code.
pub(crate) fn parse_channel(v: &str) -> Result<IntakeChannel, StoreError> {
    IntakeChannel::parse(v).ok_or_else(|| StoreError::Corrupt(format!("channel {v:?}")))
}

/// A stored kind of report.
pub(crate) fn parse_jenis(v: &str) -> Result<Jenis, StoreError> {
    Jenis::parse(v).ok_or_else(|| StoreError::Corrupt(format!("jenis {v:?}")))
}

/// A stored public status.
pub(crate) fn parse_status(v: &str) -> Result<Status, StoreError> {
    v.parse::<Status>().map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A stored history action.
pub(crate) fn parse_action(v: &str) -> Result<Action, StoreError> {
    Action::parse(v).ok_or_else(|| StoreError::Corrupt(format!("action {v:?}")))
}

/// `N` random bytes in hex.
#[cfg(feature = "aws")]
pub(crate) fn random_hex<const N: usize>() -> String {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// 64 random bits in hex: tells apart records written at the same instant.
#[cfg(feature = "aws")]
pub(crate) fn random_suffix() -> String {
    random_hex::<8>()
}

/// Writes a complaint's deadline-clock events as both stores keep them: `lengkap:2026-03-17,kembali:2026-03-26`.
pub(crate) fn encode_clock(events: &[ClockEvent]) -> String {
    events
        .iter()
        .map(|e| match e {
            ClockEvent::Complete(d) => format!("lengkap:{d}"),
            ClockEvent::Incomplete(d) => format!("kembali:{d}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads clock events written by [`encode_clock`].
pub(crate) fn decode_clock(text: &str) -> Result<Vec<ClockEvent>, String> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|part| {
            let (kind, date) = part.trim().split_once(':').ok_or_else(|| format!("clock event {part:?}"))?;
            let date: Date = date.parse().map_err(|e| format!("clock event {part:?}: {e}"))?;
            match kind {
                "lengkap" => Ok(ClockEvent::Complete(date)),
                "kembali" => Ok(ClockEvent::Incomplete(date)),
                _ => Err(format!("clock event {part:?}")),
            }
        })
        .collect()
}

/// A stored deadline: its day and, kept beside it, whether it was counted without a year's holidays.
pub(crate) fn deadline(day: Option<Date>, provisional: bool) -> Option<Deadline> {
    day.map(|value| Deadline { value, provisional })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn clock_events_round_trip_through_text() {
        let events = vec![ClockEvent::Complete(date(2026, 3, 17)), ClockEvent::Incomplete(date(2026, 3, 26))];
        let text = encode_clock(&events);
        assert_eq!(text, "lengkap:2026-03-17,kembali:2026-03-26");
        assert_eq!(decode_clock(&text).unwrap(), events);
        assert_eq!(decode_clock("").unwrap(), vec![]);
        assert!(decode_clock("berhenti:2026-01-01").is_err());
        assert!(decode_clock("lengkap:2026-02-30").is_err());
    }

    use std::time::Duration;

    #[test]
    fn sortable_timestamps_sort_as_time_and_read_back() {
        let whole: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
        let later = whole + Duration::from_millis(500);
        assert_eq!(sortable(whole), "2026-11-29T06:00:00.000000000Z");
        assert!(sortable(whole) < sortable(later));
        assert_eq!(parse_ts(&sortable(later)).unwrap(), later);
    }

    #[test]
    fn unreadable_values_are_corrupt_and_named() {
        assert!(
            matches!(parse_date("deadline", "2026-13-01"), Err(StoreError::Corrupt(m)) if m.starts_with("deadline \"2026-13-01\""))
        );
        assert!(matches!(parse_channel("merpati"), Err(StoreError::Corrupt(m)) if m == "channel \"merpati\""));
        assert!(matches!(parse_jenis("x"), Err(StoreError::Corrupt(m)) if m == "jenis \"x\""));
        assert!(matches!(parse_action("x"), Err(StoreError::Corrupt(m)) if m == "action \"x\""));
        assert!(matches!(parse_status("x"), Err(StoreError::Corrupt(_))));
        assert_eq!(parse_status("selesai").unwrap(), Status::Selesai);
    }
}
