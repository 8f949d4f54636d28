//! How both stores write the fields of account records, so that they agree on what sorts and
//! on how long short-lived records are kept.

use crate::StoreError;
use pengaduan_core::access::Role;
use std::time::Duration;

use super::AuditAction;

/// How long a session is kept: the absolute lifetime of a session is never longer. DynamoDB
/// deletes it by itself after this (TTL); SQLite prunes on the next login.
pub(crate) const SESSION_KEPT: Duration = Duration::from_secs(12 * 3600);

/// How long a failed login is kept: the lockout never looks further back.
pub(crate) const FAILURE_KEPT: Duration = Duration::from_secs(3600);

pub(crate) fn parse_role(v: &str) -> Result<Role, StoreError> {
    Role::parse(v).ok_or_else(|| StoreError::Corrupt(format!("role {v:?}")))
}

pub(crate) fn parse_action(v: &str) -> Result<AuditAction, StoreError> {
    AuditAction::parse(v).ok_or_else(|| StoreError::Corrupt(format!("audit action {v:?}")))
}
