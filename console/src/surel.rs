//! Messages to complainants that could not be delivered, for the Front Office and the admin:
//! which complaint, since when, how often tried and why it failed, and a button to send one
//! again once the cause is fixed. No address or text is shown: the complaint's own page shows
//! the contact, and records that it was seen.

use crate::fields::Fields;
use crate::session::{CSRF_FIELD, Staff, check_csrf};
use crate::views::{FailedMail, MailView};
use crate::{AppError, BASE, Console, see_other};
use axum::extract::State;
use axum::response::Response;
use pengaduan_core::access::may_handle_mail;
use pengaduan_core::datetime::human_time;
use pengaduan_core::text::redact_addresses;
use pengaduan_store::outbox::OutboxStore;
use std::sync::Arc;

const REFUSED: &str = "Surel yang gagal terkirim hanya dapat dilihat Front Office dan admin.";

/// `GET /staf/surel`: every message that failed for good, oldest first.
pub(crate) async fn page(State(console): State<Arc<Console>>, staff: Staff) -> Result<Response, AppError> {
    staff.may(may_handle_mail, REFUSED)?;
    let failed = console.store().failed_outbox().await?;
    let tz = &console.config.timezone;
    let lines = failed
        .into_iter()
        .map(|e| FailedMail {
            nomor: e.id.rsplit_once('#').map(|(n, _)| n.to_owned()).unwrap_or_default(),
            dibuat: human_time(&e.created_at.to_zoned(tz.clone())),
            percobaan: e.attempts,
            // Redacted when stored; again here for what was stored before that.
            galat: redact_addresses(e.last_error.as_deref().unwrap_or_default()).into_owned(),
            dapat_diulang: e.message.is_some(),
            id: e.id,
        })
        .collect();
    Ok(console.views.mail(&MailView::new(&staff, lines)))
}

/// `POST /staf/surel/ulang` with `id`: puts a failed message back in the queue.
pub(crate) async fn requeue(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    check_csrf(&staff, form.get(CSRF_FIELD).map(String::as_str))?;
    staff.may(may_handle_mail, REFUSED)?;
    let id = form.get("id").map(String::as_str).unwrap_or_default();
    console.store().requeue_outbox(id, console.now().timestamp()).await?;
    Ok(see_other(&format!("{BASE}/surel")))
}
