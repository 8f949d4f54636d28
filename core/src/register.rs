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

    /// Parses `PREFIX-YYYY-NNNNN` as people type it: any case, surrounding blanks ignored, and
    /// the hyphens left out or typed as spaces, slashes, dots or dashes (`PGD202600001`,
    /// `pgd 2026 00001`, `PGD–2026–00001` from a phone's autocorrect).
    pub fn parse(input: &str) -> Option<Self> {
        let upper = input.trim().to_uppercase();
        let prefix_len = upper.bytes().take_while(u8::is_ascii_uppercase).count();
        let (prefix, rest) = upper.split_at(prefix_len);
        if !is_valid_prefix(prefix) {
            return None;
        }
        let is_separator = |c: char| matches!(c, '-' | ' ' | '/' | '.' | '_' | '\u{2010}'..='\u{2015}' | '\u{2212}');
        if !rest.chars().all(|c| c.is_ascii_digit() || is_separator(c)) {
            return None;
        }
        let groups: Vec<&str> = rest.split(is_separator).filter(|g| !g.is_empty()).collect();
        let (year, seq) = match groups.as_slice() {
            [year, seq] => (*year, *seq),
            // Without separators the year is the first four digits.
            [digits] if digits.len() >= 9 => digits.split_at(4),
            _ => return None,
        };
        if year.len() != 4 || seq.len() < 5 {
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
    fn reads_the_number_as_people_type_it() {
        let n = RegisterNumber::new("PGD", 2026, 1);
        for typed in [
            "PGD202600001",
            "pgd 2026 00001",
            "PGD/2026/00001",
            "PGD\u{2013}2026\u{2013}00001",
            "PGD2026-00001",
            "PGD. 2026. 00001",
        ] {
            assert_eq!(RegisterNumber::parse(typed), Some(n.clone()), "{typed}");
        }
        assert_eq!(RegisterNumber::parse("PGD2026123456"), Some(RegisterNumber::new("PGD", 2026, 123_456)));
    }

    #[test]
    fn rejects_malformed_numbers() {
        for bad in [
            "",
            "PGD",
            "PGD-26-00001",
            "PGD-2026-1",
            "PGD-2026-00000",
            "P1-2026-00001",
            "PGD-2026-0000x",
            "PGD20260001",
            "PGD-2026-00001-7",
            "PGD-2026-00001X",
            "-2026-00001",
        ] {
            assert_eq!(RegisterNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn orders_by_year_then_sequence() {
        assert!(RegisterNumber::new("PGD", 2025, 99) < RegisterNumber::new("PGD", 2026, 1));
        assert!(RegisterNumber::new("PGD", 2026, 9) < RegisterNumber::new("PGD", 2026, 10));
    }
}
