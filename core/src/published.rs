//! The rules a site publishes, as data: the service page's procedures and time limits, the
//! working-day calendar and the office's letterhead, written by every site build as [`FILE`] at
//! the output's root. A program that only has the published site (the web form or the console
//! behind a CDN, an AWS function after publishing) reads the same rules the pages state, and
//! [`PublishedRules::digest`] tells it whether they changed.

use crate::calendar::Calendar;
use crate::report::Letterhead;
use crate::service::ServiceRules;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The file's name at the root of the built site.
pub const FILE: &str = "aturan-layanan.json";

/// The service's rules and the calendar, as one published document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedRules {
    /// The service page's procedures and time limits.
    pub service: ServiceRules,
    /// The working-day calendar.
    pub calendar: Calendar,
    /// The office's letterhead (`config.toml`'s `[office]`), heading the periodic report the
    /// console prints, so a function that has only the published site prints the office's own.
    #[serde(default)]
    pub kantor: Letterhead,
}

impl PublishedRules {
    /// The document as written to [`FILE`]: indented JSON with a final newline, its keys always
    /// in the same order (structs in field order, maps sorted), so equal rules give equal bytes.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("the rules serialise");
        json.push('\n');
        json
    }

    /// Reads the document back from the text of [`FILE`].
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("{FILE} tidak valid: {e}"))
    }

    /// A stable digest of the rules: the hex SHA-256 of [`PublishedRules::to_json`]. Any change
    /// a reader could notice (a step, a role, a limit, a holiday or its name) changes it.
    pub fn digest(&self) -> String {
        Sha256::digest(self.to_json().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> PublishedRules {
        let service = ServiceRules::parse(include_str!("../../content/layanan/informasi-dan-pengaduan.md"))
            .unwrap()
            .with_translation(include_str!("../../content/layanan/informasi-dan-pengaduan.en.md"));
        let calendar = Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap();
        PublishedRules { service, calendar, kantor: Letterhead::default() }
    }

    #[test]
    fn the_rules_round_trip_through_json() {
        let rules = shipped();
        let json = rules.to_json();
        assert_eq!(PublishedRules::from_json(&json).unwrap(), rules);
        assert!(json.contains("\"tanggal\": \"2026-01-01\""), "dates as the file writes them");
        assert!(json.contains("\"skb\": \"SKB 1497/2/5 Tahun 2025\""), "each year with its decree");
        assert_eq!(rules.digest(), PublishedRules::from_json(&json).unwrap().digest());
        assert_eq!(rules.digest().len(), 64);
    }

    #[test]
    fn the_digest_follows_the_rules() {
        let rules = shipped();
        let mut renamed = rules.clone();
        renamed.service.procedures[1].steps[1].actor.push_str(" (baru)");
        assert_ne!(renamed.digest(), rules.digest());
        let mut shorter = rules.clone();
        shorter.service.max_working_days = 9;
        assert_ne!(shorter.digest(), rules.digest());
    }

    #[test]
    fn a_calendar_that_breaks_its_rules_is_refused() {
        let json = shipped().to_json().replacen("\"tanggal\": \"2025-01-27\"", "\"tanggal\": \"2025-01-01\"", 1);
        assert!(PublishedRules::from_json(&json).unwrap_err().contains("dua kali"));
        let json = shipped().to_json().replacen("\"tanggal\": \"2025-01-27\"", "\"tanggal\": \"2024-01-27\"", 1);
        assert!(PublishedRules::from_json(&json).unwrap_err().contains("di luar tahun"));
    }
}
