//! The audit trail, for the admin: who saw personal data, downloaded files, erased, logged in.

use crate::session::Staff;
use crate::views::{AuditFilterView, AuditLine, AuditView};
use crate::{AppError, Console};
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::SignedDuration;
use pengaduan_core::access::may_read_audit;
use pengaduan_core::datetime::human_time;
use pengaduan_store::accounts::{AccountStore, AuditAction, AuditFilter};
use std::collections::HashMap;
use std::sync::Arc;

/// The most lines one page shows.
const PAGE: usize = 100;

/// What a value in the paging links escapes: all but letters, digits and `-._`, which usernames,
/// action codes and register numbers are made of.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// The most entries read to filter: a period's trail beyond this is narrowed by a shorter
/// period, not paged through.
const SCAN: usize = 20_000;

/// `GET /staf/audit?hari=N&pengguna=U&tindakan=KODE&nomor=PGD-…&halaman=P`: the last N days
/// (default 30), newest first, narrowed to a user, an action and a complaint, a page at a time.
pub(crate) async fn page(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.may(may_read_audit, "Jejak audit hanya dapat dibaca admin.")?;
    let days = query.get("hari").and_then(|v| v.parse::<i64>().ok()).filter(|d| (1..=3660).contains(d)).unwrap_or(30);
    let field = |name: &str| query.get(name).map(|v| v.trim().chars().take(64).collect::<String>()).unwrap_or_default();
    let filter = AuditFilterView {
        pengguna: field("pengguna").to_lowercase(),
        tindakan: field("tindakan"),
        nomor: field("nomor").to_uppercase(),
    };
    let action = AuditAction::parse(&filter.tindakan);
    let page = query.get("halaman").and_then(|v| v.parse::<usize>().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let now = console.now();
    let since = now.timestamp() - SignedDuration::from_hours(24 * days);
    let entries = console.store().audit_trail(since, SCAN).await?;
    let tz = &console.config.timezone;
    let wanted = AuditFilter {
        username: Some(filter.pengguna.clone()).filter(|u| !u.is_empty()),
        action,
        nomor: Some(filter.nomor.clone()).filter(|n| !n.is_empty()),
    };
    let matching: Vec<_> = entries.into_iter().filter(|e| wanted.matches(e)).collect();
    let more = matching.len() > page * PAGE;
    let lines = matching
        .into_iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .map(|e| AuditLine {
            at: human_time(&e.at.to_zoned(tz.clone())),
            username: e.username,
            role: e.role.map(|r| r.label().to_owned()).unwrap_or_default(),
            action: e.action.label(),
            nomor: e.nomor.unwrap_or_default(),
            detail: e.detail,
        })
        .collect();
    let link = |p: usize| {
        let enc = |v: &str| percent_encoding::utf8_percent_encode(v, QUERY_VALUE).to_string();
        format!(
            "hari={days}&pengguna={}&tindakan={}&nomor={}&halaman={p}",
            enc(&filter.pengguna),
            enc(action.map(|a| a.code()).unwrap_or_default()),
            enc(&filter.nomor)
        )
    };
    let mut view = AuditView::new(&staff, lines, days);
    view.prev = (page > 1).then(|| link(page - 1));
    view.next = more.then(|| link(page + 1));
    view.page = page;
    view.actions = AuditAction::ALL.iter().map(|a| (a.code(), a.label())).collect();
    view.filter = filter;
    Ok(console.views.audit(&view))
}
