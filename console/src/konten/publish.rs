//! `POST /staf/konten/terbitkan`: every waiting draft made public together, after the site's
//! build has checked them together.

use super::{allowed, audit, changes_with, waiting_drafts, workshop};
use crate::confirmation::Confirmation;
use crate::fields::Fields;
use crate::session::{CSRF_FIELD, Staff, check_csrf};
use crate::{AppError, BASE, Console, see_other};
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::content::ContentStore;
use std::sync::Arc;

/// Publishes every waiting draft: refused with `422` when the site no longer builds with them
/// all (`503` when the builder cannot answer now), with `403` when four eyes are required and
/// the user wrote one of them; then marked published in the store, made public by the workshop
/// (on AWS: queued, the page says so), and recorded in the audit trail.
pub(crate) async fn publish(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    allowed(&staff)?;
    check_csrf(&staff, form.get(CSRF_FIELD).map(String::as_str))?;
    let workshop = workshop(&console)?;
    let drafts = waiting_drafts(&console).await?;
    if drafts.is_empty() {
        return Ok(see_other(&format!("{BASE}/konten/?{}", Confirmation::NoDrafts.query())));
    }
    // The build's check first: on AWS its answer also brings the office's four-eyes setting,
    // which a fresh console instance has not heard yet.
    if let Err(refusal) = workshop.check(changes_with(&console, None).await?).await {
        if refusal.is_unavailable() {
            return Err(super::unavailable(refusal.message));
        }
        return Err(AppError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            title: "Draf belum dapat diterbitkan",
            text: format!(
                "Situs tidak dapat dibangun dengan semua draf yang menunggu, sehingga tidak ada yang diterbitkan. {} Perbaiki berkas itu lewat halaman penyuntingannya, lalu terbitkan lagi.",
                refusal.describe()
            ),
        });
    }
    let me = &staff.account.username;
    if workshop.four_eyes()
        && let Some(own) = drafts.iter().find(|d| &d.author == me)
    {
        return Err(AppError::forbidden(format!(
            "Draf {} Anda tulis sendiri, dan kantor ini menetapkan empat mata: draf diterbitkan oleh editor lain atau admin.",
            own.path
        )));
    }
    let published = console.store().publish_content(me, console.now().timestamp()).await?;
    let paths: Vec<String> = published.iter().map(|r| format!("{} revisi {}", r.path, r.number)).collect();
    let files: Vec<(String, String)> = published.into_iter().map(|r| (r.path, r.text)).collect();
    let count = files.len();
    // The store marked them first: a save landing meanwhile stays a draft, and what the
    // workshop is given is exactly what the store now calls published.
    let made_public = workshop.publish(files).await;
    let entry = audit(&console, &staff, AuditAction::ContentPublished, paths.join(", "));
    console.store().record_audit(entry).await?;
    if let Err(why) = made_public {
        tracing::error!(error = %why, "publishing the content failed after the store marked it published");
        return Err(AppError::Failed {
            status: StatusCode::SERVICE_UNAVAILABLE,
            title: "Situs belum diperbarui",
            text: "Draf telah ditandai terbit, tetapi situs gagal diperbarui. Hubungi admin: pembangunan situs perlu dijalankan ulang.",
        });
    }
    let count = count as u64;
    let notice = if workshop.publishes_later() {
        Confirmation::PublishedLater { count }
    } else {
        Confirmation::Published { count }
    };
    Ok(see_other(&format!("{BASE}/konten/?{}", notice.query())))
}
