//! Register numbers (`PGD-2026-00042`): a gapless sequence per calendar year.

use std::fmt;

/// The default prefix of register numbers.
pub const DEFAULT_PREFIX: &str = "PGD";

/// A register number: prefix, calendar year in the office's time zone, and sequence in that year.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegisterNumber {
    /// Upper-case letters identifying the register, `PGD` by default.
    pub prefix: String,
    /// The calendar year the complaint was received in.
    pub year: i16,
    /// The position in that year's register, starting at 1.
    pub seq: u64,
}

impl RegisterNumber {
    /// Builds a number; the caller guarantees `seq >= 1`.
    pub fn new(prefix: &str, year: i16, seq: u64) -> Self {
        Self { prefix: prefix.to_owned(), year, seq }
    }

    /// Parses `PREFIX-YYYY-NNNNN` (case-insensitive, surrounding blanks ignored).
    pub fn parse(input: &str) -> Option<Self> {
        let upper = input.trim().to_ascii_uppercase();
        let mut parts = upper.rsplitn(3, '-');
        let seq = parts.next()?;
        let year = parts.next()?;
        let prefix = parts.next()?;
        let valid_prefix = is_valid_prefix(prefix);
        let valid_year = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
        let valid_seq = seq.len() >= 5 && seq.bytes().all(|b| b.is_ascii_digit());
        if !(valid_prefix && valid_year && valid_seq) {
            return None;
        }
        let seq: u64 = seq.parse().ok()?;
        let year: i16 = year.parse().ok()?;
        (seq >= 1).then(|| Self::new(prefix, year, seq))
    }

    /// The name of this number's yearly counter, e.g. `PGD#2026`.
    pub fn counter_name(prefix: &str, year: i16) -> String {
        format!("{prefix}#{year}")
    }
}

/// Whether a configured prefix is usable: 1 to 10 ASCII upper-case letters.
pub fn is_valid_prefix(prefix: &str) -> bool {
    (1..=10).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase())
}

impl fmt::Display for RegisterNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}-{:05}", self.prefix, self.year, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_five_digit_padding() {
        assert_eq!(RegisterNumber::new("PGD", 2026, 42).to_string(), "PGD-2026-00042");
        assert_eq!(RegisterNumber::new("PGD", 2026, 123_456).to_string(), "PGD-2026-123456");
    }

    #[test]
    fn parses_what_it_formats_in_any_case() {
        let n = RegisterNumber::new("PGD", 2026, 7);
        assert_eq!(RegisterNumber::parse("pgd-2026-00007"), Some(n.clone()));
        assert_eq!(RegisterNumber::parse(" PGD-2026-00007 "), Some(n));
        assert_eq!(RegisterNumber::parse("BA-PGD-2025-00001"), None);
    }

    #[test]
    fn rejects_malformed_numbers() {
        for bad in ["", "PGD", "PGD-26-00001", "PGD-2026-1", "PGD-2026-00000", "P1-2026-00001", "PGD-2026-0000x"] {
            assert_eq!(RegisterNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn orders_by_year_then_sequence() {
        assert!(RegisterNumber::new("PGD", 2025, 99) < RegisterNumber::new("PGD", 2026, 1));
        assert!(RegisterNumber::new("PGD", 2026, 9) < RegisterNumber::new("PGD", 2026, 10));
    }
}
