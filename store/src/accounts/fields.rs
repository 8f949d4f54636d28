//! How both stores write the fields of account records, so that they agree on what sorts and
//! on how long short-lived records are kept.

use crate::StoreError;
use jiff::Timestamp;
use jiff::fmt::temporal::DateTimePrinter;
use pengaduan_core::access::Role;
use std::time::Duration;

use super::AuditAction;

/// How long a session is kept: the absolute lifetime of a session is never longer. DynamoDB
/// deletes it by itself after this (TTL); SQLite prunes on the next login.
pub(crate) const SESSION_KEPT: Duration = Duration::from_secs(12 * 3600);

/// How long a failed login is kept: the lockout never looks further back.
pub(crate) const FAILURE_KEPT: Duration = Duration::from_secs(3600);

/// A timestamp in UTC with all nine fractional digits: equal-length strings, so text order is
/// time order (jiff's default drops trailing zeros, and `…:00Z` would sort after `…:00.5Z`).
pub(crate) fn sortable(at: Timestamp) -> String {
    DateTimePrinter::new().precision(Some(9)).timestamp_to_string(&at)
}

pub(crate) fn parse_ts(v: &str) -> Result<Timestamp, StoreError> {
    v.parse().map_err(|e: jiff::Error| StoreError::Corrupt(format!("timestamp {v:?}: {e}")))
}

pub(crate) fn parse_role(v: &str) -> Result<Role, StoreError> {
    Role::parse(v).ok_or_else(|| StoreError::Corrupt(format!("role {v:?}")))
}

pub(crate) fn parse_action(v: &str) -> Result<AuditAction, StoreError> {
    AuditAction::parse(v).ok_or_else(|| StoreError::Corrupt(format!("audit action {v:?}")))
}

/// 64 random bits in hex: tells apart records written at the same instant.
#[cfg(feature = "aws")]
pub(crate) fn random_suffix() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sortable_timestamps_sort_as_time_and_read_back() {
        let whole: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
        let later = whole + Duration::from_millis(500);
        assert_eq!(sortable(whole), "2026-11-29T06:00:00.000000000Z");
        assert!(sortable(whole) < sortable(later));
        assert_eq!(parse_ts(&sortable(later)).unwrap(), later);
    }
}
