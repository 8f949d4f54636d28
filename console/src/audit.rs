//! The audit trail, for the admin: who saw personal data, downloaded files, erased, logged in.

use crate::session::Staff;
use crate::views::{AuditLine, AuditView};
use crate::{AppError, Console};
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::SignedDuration;
use pengaduan_core::access::may_read_audit;
use pengaduan_core::datetime::human_time;
use pengaduan_store::accounts::AccountStore;
use std::collections::HashMap;
use std::sync::Arc;

/// The most lines one page shows.
const LIMIT: usize = 500;

/// `GET /staf/audit?hari=N`: the last N days (default 30), newest first.
pub(crate) async fn page(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.may(may_read_audit, "Jejak audit hanya dapat dibaca admin.")?;
    let days = query.get("hari").and_then(|v| v.parse::<i64>().ok()).filter(|d| (1..=3660).contains(d)).unwrap_or(30);
    let now = console.now();
    let since = now.timestamp() - SignedDuration::from_hours(24 * days);
    let entries = console.store().audit_trail(since, LIMIT).await?;
    let tz = &console.config.timezone;
    let lines = entries
        .into_iter()
        .map(|e| AuditLine {
            at: human_time(&e.at.to_zoned(tz.clone())),
            username: e.username,
            role: e.role.map(|r| r.label().to_owned()).unwrap_or_default(),
            action: e.action.label(),
            nomor: e.nomor.unwrap_or_default(),
            detail: e.detail,
        })
        .collect();
    Ok(console.views.audit(&AuditView::new(&staff, lines, days)))
}
