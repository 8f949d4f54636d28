//! One complaint: its record, attachments and history, and the actions the SOP allows the
//! user's role now, each an HTML form carrying the CSRF token and the version it was made
//! against.

use crate::confirmation::Confirmation;
use crate::fields::Fields;
use crate::session::{CSRF_FIELD, Staff, check_csrf};
use crate::views::{ActionError, ComplaintView};
use crate::{AppError, BASE, Console, see_other};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use pengaduan_core::access::{
    Role, may_check_completeness, may_erase, may_read_complaints, may_see_attachments, may_see_identity, may_take_steps,
};
use pengaduan_core::attachment::{FileKind, safe_file_name};
use pengaduan_core::scan::{ScanState, Withheld, may_serve};
use pengaduan_core::workflow::{Procedure, Transition, WorkflowError, find_procedure};
use pengaduan_core::{RegisterNumber, Status};
use pengaduan_store::accounts::{AccountStore, AuditAction, AuditEntry};
use pengaduan_store::attachments::{AttachmentMeta, AttachmentStore};
use pengaduan_store::erasure::{ErasureError, Request, erase_personal_data};
use pengaduan_store::{ComplaintRecord, StoreError, WorkflowChange, WorkflowStore};
use std::collections::HashMap;
use std::sync::Arc;

/// The role that takes the complaint's next step, if a staff role does.
pub(crate) fn next_role(record: &ComplaintRecord, procedures: &[Procedure]) -> Option<Role> {
    let state = &record.row.state;
    match (&state.procedure_id, state.step_index) {
        (Some(id), Some(i)) if state.status != Status::Selesai => {
            find_procedure(procedures, id).ok().and_then(|p| p.role_for_next(i))
        }
        // Before the files are complete, the Front Office checks them.
        _ if state.status != Status::Selesai => Some(Role::FrontOffice),
        _ => None,
    }
}

/// Whether this user may see the complainant's identity now.
pub(crate) fn identity_allowed(staff: &Staff, record: &ComplaintRecord, procedures: &[Procedure]) -> bool {
    !record.anonim
        && record.personal.is_some()
        && may_see_identity(staff.role(), record.rahasia, next_role(record, procedures))
}

/// Whether this user may list and download the complaint's attachments now: they identify the
/// complainant as the identity block does (core's `may_see_attachments`).
pub(crate) fn attachments_allowed(staff: &Staff, record: &ComplaintRecord, procedures: &[Procedure]) -> bool {
    may_see_attachments(staff.role(), record.rahasia, next_role(record, procedures))
}

/// The refusal of a role without complaints (the content editor).
pub(crate) const NO_COMPLAINTS: &str =
    "Pengaduan hanya dapat dibuka petugas yang menanganinya; peran Anda mengurus isi situs.";

pub(crate) async fn load(console: &Console, nomor: &str) -> Result<ComplaintRecord, AppError> {
    const TITLE: &str = "Pengaduan tidak ditemukan";
    let nomor =
        RegisterNumber::parse(nomor).ok_or_else(|| AppError::not_found(TITLE, "Nomor register ini tidak sah."))?;
    console
        .store()
        .load(&nomor)
        .await?
        .ok_or_else(|| AppError::not_found(TITLE, format!("Pengaduan {nomor} tidak ada di Buku Register.")))
}

/// `GET /staf/pengaduan/{nomor}`; `?identitas=1` shows the complainant's identity to a role
/// allowed to see it, and records that view in the audit trail.
pub(crate) async fn page(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Path(nomor): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.may(may_read_complaints, NO_COMPLAINTS)?;
    let record = load(&console, &nomor).await?;
    let rules = console.rules();
    let mut show_identity = false;
    if query.get("identitas").is_some_and(|v| v == "1") && identity_allowed(&staff, &record, &rules.service.procedures)
    {
        let entry = audit(&console, &staff, AuditAction::ViewPersonalData, &record, String::new());
        // No view without its record.
        console.store().record_audit(entry).await?;
        show_identity = true;
    }
    let files = match &console.attachments {
        Some(a) => a.list(&record.row.nomor.to_string()).await.unwrap_or_default(),
        None => Vec::new(),
    };
    // A role refused the attachments learns only how many there are, not their names.
    let (files, hidden_files) = if attachments_allowed(&staff, &record, &rules.service.procedures) {
        (scan_states(&console, files).await, 0)
    } else {
        (Vec::new(), files.len())
    };
    let notice = Confirmation::from_query(&query).map(|n| n.text(record.row.state.ba_number.as_deref()));
    let answer = crate::jawaban::section(&console, &staff, &record).await?;
    let view = ComplaintView::new(&console, &staff, &record, &rules, files, show_identity, notice, None)
        .with_hidden_files(hidden_files)
        .with_answer(answer);
    Ok(console.views.complaint(StatusCode::OK, &view))
}

/// Each file with what is known of its malware scan; a state that cannot be read shows as not
/// scanned (the download decides again, and refuses where a scanner is required).
async fn scan_states(console: &Console, files: Vec<AttachmentMeta>) -> Vec<(AttachmentMeta, ScanState)> {
    let Some(store) = &console.attachments else { return Vec::new() };
    let mut listed = Vec::with_capacity(files.len());
    for meta in files {
        let state = store.scan_state(&meta).await.unwrap_or_else(|e| {
            tracing::warn!(error = %pengaduan_store::error_chain(&e), "attachment scan state unreadable");
            ScanState::BelumDipindai
        });
        listed.push((meta, state));
    }
    listed
}

pub(crate) fn audit(
    console: &Console,
    staff: &Staff,
    action: AuditAction,
    record: &ComplaintRecord,
    detail: String,
) -> AuditEntry {
    AuditEntry {
        at: console.now().timestamp(),
        username: staff.account.username.clone(),
        role: Some(staff.role()),
        action,
        nomor: Some(record.row.nomor.to_string()),
        detail,
    }
}

/// `POST /staf/pengaduan/{nomor}/{action}`: `lengkap`, `kembalikan`, `lanjut`, `koreksi` or
/// `hapus-data-pribadi`. Refused with `403` without the session's CSRF token or for a role the
/// SOP does not give the action to, with `409` when the complaint changed since the form was
/// shown, with `422` when the workflow refuses it; in each case nothing changes and the page
/// comes back with what the user typed.
pub(crate) async fn act(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Path((nomor, action)): Path<(String, String)>,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    check_csrf(&staff, form.get(CSRF_FIELD).map(String::as_str))?;
    staff.may(may_read_complaints, NO_COMPLAINTS)?;
    let record = load(&console, &nomor).await?;
    let rules = console.rules();
    let role = staff.role();
    let field = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let allowed = match action.as_str() {
        "lengkap" | "kembalikan" => may_check_completeness(role),
        "lanjut" => {
            next_role(&record, &rules.service.procedures) == Some(role) && record.row.state.procedure_id.is_some()
        }
        // Which step a role may correct is core's rule (`WorkflowState::correct`).
        "koreksi" => may_take_steps(role) && record.row.state.procedure_id.is_some(),
        "hapus-data-pribadi" => may_erase(role),
        _ => return Err(AppError::not_found("Tindakan tidak dikenal", "Tindakan ini tidak ada di konsol.")),
    };
    if !allowed {
        return Err(AppError::forbidden(format!(
            "Tindakan ini bukan wewenang peran {} menurut prosedur layanan.",
            role.label()
        )));
    }
    let fail = |status: StatusCode, text: String| {
        let error = ActionError { action: action.clone(), message: text, form: form.clone() };
        let view = ComplaintView::new(&console, &staff, &record, &rules, Vec::new(), false, None, Some(error));
        Ok(console.views.complaint(status, &view))
    };
    let seen: Option<u64> = form.get("versi").and_then(|v| v.parse().ok());
    if seen != Some(record.row.version) {
        return fail(StatusCode::CONFLICT, crate::error::CHANGED_MEANWHILE.to_owned());
    }
    let now = console.now();
    let today = now.date();
    let by = staff.signature();
    if action == "hapus-data-pribadi" {
        let reason = field("alasan");
        if reason.is_empty() {
            return fail(StatusCode::UNPROCESSABLE_ENTITY, "Alasan penghapusan wajib diisi.".into());
        }
        if form.get("konfirmasi").is_none_or(|v| v.is_empty()) {
            return fail(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Centang konfirmasi bahwa data pribadi akan dihapus permanen dan tidak dapat dikembalikan.".into(),
            );
        }
        if record.row.erased_at.is_some() {
            return fail(StatusCode::UNPROCESSABLE_ENTITY, "Data pribadi pengaduan ini sudah dihapus.".into());
        }
        let request = Request {
            nomor: &record.row.nomor,
            expected_version: record.row.version,
            by: &by,
            reason: &reason,
            at: now.timestamp(),
        };
        return match erase_personal_data(
            console.store(),
            console.attachments.as_ref(),
            console.message_dir.as_deref(),
            request,
        )
        .await
        {
            Ok(erased) => {
                let detail = format!("{} lampiran dihapus", erased.attachments);
                let _ = console
                    .store()
                    .record_audit(audit(&console, &staff, AuditAction::ErasePersonalData, &record, detail))
                    .await;
                Ok(done(&record, Confirmation::Erased))
            }
            Err(ErasureError::Store(StoreError::Conflict)) => {
                fail(StatusCode::CONFLICT, crate::error::CHANGED_MEANWHILE.to_owned())
            }
            Err(ErasureError::Store(e)) => Err(e.into()),
            Err(e @ (ErasureError::Attachments(_) | ErasureError::Messages(_))) => {
                tracing::error!(error = %pengaduan_store::error_chain(&e), "erasure of files failed");
                fail(StatusCode::SERVICE_UNAVAILABLE, format!("{e}. Coba lagi."))
            }
        };
    }
    let state = &record.row.state;
    let procedures = &rules.service.procedures;
    let max = rules.service.max_working_days;
    let transition: Result<(Transition, &Procedure), WorkflowError> = match action.as_str() {
        "lengkap" => find_procedure(procedures, &field("prosedur"))
            .and_then(|p| state.mark_complete(p, today, &field("catatan")).map(|t| (t, p))),
        "kembalikan" => {
            // Returning undoes the procedure; its next step is told from the first procedure.
            let p = &procedures[0];
            state.mark_incomplete(&field("alasan"), today).map(|t| (t, p))
        }
        "koreksi" => match (&state.procedure_id, field("langkah").parse::<usize>().ok().and_then(|n| n.checked_sub(1)))
        {
            (Some(id), Some(redo)) => find_procedure(procedures, id)
                .and_then(|p| state.correct(p, redo, role, &field("alasan")).map(|t| (t, p))),
            (Some(_), None) => {
                return fail(StatusCode::UNPROCESSABLE_ENTITY, "Pilih langkah yang dikerjakan ulang.".into());
            }
            (None, _) => Err(WorkflowError::FilesNotComplete),
        },
        _ => match &state.procedure_id {
            Some(id) => find_procedure(procedures, id).and_then(|p| {
                let note = field("catatan");
                if note.is_empty() {
                    return Err(WorkflowError::ReasonMissing);
                }
                state.advance(p, today, &note).map(|t| (t, p))
            }),
            None => Err(WorkflowError::FilesNotComplete),
        },
    };
    let (t, p) = match transition {
        Ok(x) => x,
        Err(WorkflowError::ReasonMissing) if action == "lanjut" => {
            return fail(StatusCode::UNPROCESSABLE_ENTITY, "Catatan langkah wajib diisi.".into());
        }
        Err(e @ WorkflowError::NotYourStep { .. }) => return fail(StatusCode::FORBIDDEN, e.to_string()),
        Err(e) => return fail(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let deadline = match action.as_str() {
        // A correction keeps the deadline of the day the files were declared complete.
        "lanjut" | "koreksi" => record.row.deadline,
        _ => t.to.deadline(&rules.calendar, max),
    };
    let next_step = match (action.as_str(), t.to.step_index) {
        ("kembalikan", _) => None,
        (_, Some(step)) => p.public_next_step(step),
        _ => None,
    };
    let change = WorkflowChange::from_transition(&t, &by, now.timestamp(), now.year(), deadline, next_step);
    // Rework inside the office is not news for the complainant.
    let change = if action == "koreksi" { change } else { change.notify(&record, &t) };
    match console.store().apply(&record.row.nomor, record.row.version, change).await {
        Ok(applied) => {
            if action == "koreksi" {
                let detail = format!("kembali ke langkah {}", t.to.step_index.map_or(0, |i| i + 2));
                let entry = audit(&console, &staff, AuditAction::CorrectStep, &record, detail);
                console.store().record_audit(entry).await?;
            }
            let notice = match (&applied.ba_number, action.as_str()) {
                (Some(_), _) => Confirmation::BaNumbered,
                (None, "lengkap") => Confirmation::FilesComplete,
                (None, "kembalikan") => Confirmation::Returned,
                (None, "koreksi") => Confirmation::Corrected,
                _ if t.to.status == Status::Selesai => Confirmation::Finished,
                _ => Confirmation::StepRecorded,
            };
            Ok(done(&record, notice))
        }
        Err(StoreError::Conflict) => fail(StatusCode::CONFLICT, crate::error::CHANGED_MEANWHILE.to_owned()),
        Err(e) => Err(e.into()),
    }
}

/// `303` back to the complaint, with what was done.
pub(crate) fn done(record: &ComplaintRecord, notice: Confirmation) -> Response {
    see_other(&format!("{BASE}/pengaduan/{}?{}", record.row.nomor, notice.query()))
}

/// `GET /staf/pengaduan/{nomor}/lampiran/{index}`: one attachment, as a download under a safe
/// name with its detected type, never rendered inline; every download is in the audit trail.
pub(crate) async fn attachment(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Path((nomor, index)): Path<(String, usize)>,
) -> Result<Response, AppError> {
    const MISSING: &str = "Lampiran tidak ditemukan";
    staff.may(may_read_complaints, NO_COMPLAINTS)?;
    let record = load(&console, &nomor).await?;
    if record.rahasia && !matches!(staff.role(), Role::FrontOffice | Role::Admin) {
        return Err(AppError::forbidden("Lampiran pengaduan rahasia hanya dapat dibuka Front Office dan admin."));
    }
    if !attachments_allowed(&staff, &record, &console.rules().service.procedures) {
        return Err(AppError::forbidden(
            "Lampiran memuat identitas pengadu: hanya dapat dibuka oleh peran yang boleh melihat identitas pada tahap ini.",
        ));
    }
    let files =
        console.attachments.as_ref().ok_or_else(|| AppError::not_found(MISSING, "Tidak ada penyimpanan lampiran."))?;
    let key = record.row.nomor.to_string();
    let (meta, bytes) = match files.get(&key, index).await {
        Ok(Some(x)) => x,
        Ok(None) => return Err(AppError::not_found(MISSING, "Lampiran ini tidak ada.")),
        Err(e) => {
            tracing::error!(error = %pengaduan_store::error_chain(&e), "attachment read failed");
            return Err(AppError::Failed {
                status: StatusCode::SERVICE_UNAVAILABLE,
                title: "Lampiran tidak dapat dibaca",
                text: "Coba lagi.",
            });
        }
    };
    // Files come from the public: one found infected, or not scanned yet where a scanner guards
    // them, never reaches a staff machine (core's `may_serve`). The refusal is audited too.
    let state = files.screen(&meta, &bytes).await.unwrap_or_else(|e| {
        tracing::error!(error = %pengaduan_store::error_chain(&e), "attachment scan state unreadable");
        ScanState::BelumDipindai
    });
    if let Err(withheld) = may_serve(&state, files.scanning()) {
        let detail = format!("lampiran {}: {}", meta.index, state.label());
        let entry = audit(&console, &staff, AuditAction::DownloadWithheld, &record, detail);
        console.store().record_audit(entry).await?;
        let (status, title) = match withheld {
            Withheld::Infected { .. } => (StatusCode::FORBIDDEN, "Lampiran terinfeksi"),
            Withheld::NotScanned => (StatusCode::CONFLICT, "Lampiran belum dipindai"),
        };
        return Err(AppError::Refused { status, title, text: withheld.message() });
    }
    let name = safe_file_name(meta.index, &meta.display_name, meta.kind);
    let entry = audit(&console, &staff, AuditAction::DownloadAttachment, &record, format!("lampiran {}", meta.index));
    console.store().record_audit(entry).await?;
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded = percent_encoding::utf8_percent_encode(&name, percent_encoding::NON_ALPHANUMERIC);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    Ok(file_response(bytes, meta.kind, &disposition))
}

/// A stored file as a download of its detected type, never rendered inline nor cached.
pub(crate) fn file_response(bytes: bytes::Bytes, kind: FileKind, disposition: &str) -> Response {
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
