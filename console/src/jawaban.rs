//! The office's answer, attached at the procedure's last step: the Surat Jawaban's text
//! (Indonesian, English optional) and, where the procedure issues one, the signed Berita Acara
//! as a PDF, which the citizen then reads and downloads on the public status page. Who may
//! attach it, and when, is core's rule (`answer_role`); the file passes the intake's checks
//! (`validate_files`: type by content, size).

use crate::complaint::{NO_COMPLAINTS, audit, done, file_response, load};
use crate::confirmation::Confirmation;
use crate::session::{CSRF_FIELD, Staff, check_csrf};
use crate::views::{ActionError, ComplaintView};
use crate::{AppError, Console};
use axum::extract::multipart::MultipartError;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use pengaduan_core::access::{Role, may_read_complaints};
use pengaduan_core::answer::{AnswerText, answer_role, berita_acara_file_name, issues_berita_acara};
use pengaduan_core::attachment::{FileKind, MAX_FILE, MIB, ValidFile, validate_files};
use pengaduan_core::workflow::{Procedure, find_procedure};
use pengaduan_store::ComplaintRecord;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::answer::{Answer, AnswerStore};
use pengaduan_store::attachments::AttachmentStore;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The largest body the answer's form may send. Above the file limit, so that a PDF too large
/// is refused by the same check as at intake, with the texts kept, rather than cut off.
pub(crate) const BODY_LIMIT: usize = 2 * MAX_FILE + MIB;

/// The file field of the answer's form.
const FILE_FIELD: &str = "berita_acara";

/// The answer's part of the complaint page (`jawaban.html`).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Section {
    /// What is attached now.
    answer: Option<AnswerView>,
    /// This user may attach (or replace) the answer now.
    may_attach: bool,
    /// The procedure issues a Berita Acara, so the form offers the PDF.
    issues_ba: bool,
    /// Why the last attempt was refused, by field (`jawaban`, `jawaban_en`, `berita_acara`).
    errors: Vec<FieldError>,
    /// The texts as typed, kept after a refusal.
    values: HashMap<&'static str, String>,
}

/// One refusal on the answer's form.
#[derive(Debug, Clone, Serialize)]
struct FieldError {
    /// The form field.
    field: &'static str,
    message: String,
}

#[derive(Debug, Clone, Serialize)]
struct AnswerView {
    text_id: String,
    text_en: String,
    by: String,
    at: String,
    ba_size_kb: Option<u64>,
}

/// The procedure the complaint follows, once its files are complete.
fn procedure_of<'a>(procedures: &'a [Procedure], record: &ComplaintRecord) -> Option<&'a Procedure> {
    record.row.state.procedure_id.as_deref().and_then(|id| find_procedure(procedures, id).ok())
}

/// The section for `record` as `staff` sees it.
pub(crate) async fn section(console: &Console, staff: &Staff, record: &ComplaintRecord) -> Result<Section, AppError> {
    let rules = console.rules();
    let procedure = procedure_of(&rules.service.procedures, record);
    let answer = console.store().answer(&record.row.nomor.to_string()).await?;
    let tz = &console.config.timezone;
    Ok(Section {
        answer: answer.map(|a| AnswerView {
            text_id: a.text_id,
            text_en: a.text_en.unwrap_or_default(),
            by: a.by,
            at: pengaduan_core::datetime::human_time(&a.at.to_zoned(tz.clone())),
            ba_size_kb: a.berita_acara.map(|m| m.size.div_ceil(1024)),
        }),
        may_attach: procedure.is_some_and(|p| answer_role(p, &record.row.state) == Some(staff.role())),
        issues_ba: procedure.is_some_and(issues_berita_acara),
        errors: Vec::new(),
        values: HashMap::new(),
    })
}

/// Why `role` may not attach the answer to `record` now, in words that say who may and when.
fn refusal(procedure: Option<&Procedure>, record: &ComplaintRecord, role: Role) -> String {
    let Some(p) = procedure else {
        return "Jawaban baru dapat dilampirkan pada langkah terakhir prosedur, setelah berkas dinyatakan lengkap \
                dan Surat Jawaban ditandatangani."
            .into();
    };
    let last = p.steps.len().saturating_sub(1);
    let hands_over = p.steps.last().and_then(|s| s.peran);
    match answer_role(p, &record.row.state) {
        Some(whose) => format!(
            "Jawaban dilampirkan oleh {}, yang menyerahkannya kepada pengadu; bukan wewenang peran {}.",
            whose.label(),
            role.label()
        ),
        None => format!(
            "Jawaban dilampirkan {}setelah Surat Jawaban ditandatangani, menjelang langkah terakhir prosedur ({}); \
             pengaduan ini belum sampai di sana.",
            hands_over.map(|r| format!("oleh {} ", r.label())).unwrap_or_default(),
            p.describe_step(last)
        ),
    }
}

/// The fields and the file of the answer's multipart form.
#[derive(Default)]
struct Posted {
    fields: HashMap<String, String>,
    /// The chosen file's name and bytes; a file input left empty sends none.
    file: Option<(String, Bytes)>,
}

/// Reads the answer's form. The part named `berita_acara` is the file whatever its headers
/// say (a name that is not UTF-8 leaves multer without a file name); any other file is dropped.
async fn read_form(multipart: Result<Multipart, MultipartRejection>) -> Result<Posted, AppError> {
    let Ok(mut multipart) = multipart else {
        return Err(AppError::BadRequest {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            title: "Formulir tidak dapat dibaca",
            text: "Kirim formulir jawaban dari halaman konsol (multipart/form-data).",
        });
    };
    let mut posted = Posted::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let data = field.bytes().await.map_err(unreadable)?;
        if name == FILE_FIELD {
            let file_name = file_name.unwrap_or_default();
            if !(file_name.trim().is_empty() && data.is_empty()) {
                posted.file = Some((file_name, data));
            }
        } else if file_name.is_none() {
            let text = String::from_utf8(data.to_vec()).map_err(|_| unreadable_text())?;
            posted.fields.entry(name).or_insert(text);
        }
    }
    Ok(posted)
}

fn unreadable(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::BadRequest {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            title: "Berkas terlalu besar",
            text: "Berita Acara paling besar 2 MB. Kembali ke halaman pengaduan dan pilih berkas yang lebih kecil; \
                   tidak ada yang berubah.",
        };
    }
    unreadable_text()
}

fn unreadable_text() -> AppError {
    AppError::BadRequest {
        status: StatusCode::BAD_REQUEST,
        title: "Formulir tidak dapat dibaca",
        text: "Isi formulir rusak atau bukan UTF-8. Muat ulang halaman, lalu kirim lagi.",
    }
}

/// The Berita Acara as sent, checked as intake checks attachments, and a PDF.
fn check_file(name: String, bytes: &[u8]) -> Result<ValidFile, String> {
    match validate_files(&[(name, bytes)]) {
        Ok(mut files) if files.len() == 1 && files[0].kind == FileKind::Pdf => Ok(files.remove(0)),
        Ok(_) => Err("Berita Acara harus berupa berkas PDF.".into()),
        Err(errors) => Err(format!("{}.", errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(". "))),
    }
}

/// `POST /staf/pengaduan/{nomor}/jawaban` (multipart): attaches or replaces the answer. `403`
/// without the CSRF token or for a role or step the SOP does not give it to; `422` with the
/// texts kept when the text or the file is refused; each attachment is in the audit trail.
pub(crate) async fn attach(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Path(nomor): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let posted = read_form(multipart).await?;
    check_csrf(&staff, posted.fields.get(CSRF_FIELD).map(String::as_str))?;
    staff.may(may_read_complaints, NO_COMPLAINTS)?;
    let record = load(&console, &nomor).await?;
    let section = section(&console, &staff, &record).await?;
    if !section.may_attach {
        let rules = console.rules();
        let procedure = procedure_of(&rules.service.procedures, &record);
        return Err(AppError::forbidden(refusal(procedure, &record, staff.role())));
    }
    let field = |k: &str| posted.fields.get(k).cloned().unwrap_or_default();
    let (typed_id, typed_en) = (field("jawaban"), field("jawaban_en"));
    let mut errors = Vec::new();
    let text = AnswerText::parse(&typed_id, &typed_en)
        .map_err(|e| errors.push(FieldError { field: "jawaban", message: e.to_string() }))
        .ok();
    let file = match posted.file {
        Some(_) if !section.issues_ba => {
            errors.push(FieldError {
                field: "jawaban",
                message: "Prosedur pengaduan ini tidak menerbitkan Berita Acara: lampirkan teksnya saja.".into(),
            });
            None
        }
        Some((name, bytes)) => match check_file(name, &bytes) {
            Ok(valid) => Some((valid, bytes)),
            Err(message) => {
                errors.push(FieldError { field: FILE_FIELD, message });
                None
            }
        },
        None => None,
    };
    let rules = console.rules();
    let refuse = |mut section: Section, errors: Vec<FieldError>| {
        // The page's summary at the top names every refusal and leads to the form.
        let summary = ActionError {
            action: "jawaban".into(),
            message: errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
            form: HashMap::new(),
        };
        section.errors = errors;
        section.values = HashMap::from([("jawaban", typed_id.clone()), ("jawaban_en", typed_en.clone())]);
        let view = ComplaintView::new(&console, &staff, &record, &rules, Vec::new(), false, None, Some(summary))
            .with_answer(section);
        Ok(console.views.complaint(StatusCode::UNPROCESSABLE_ENTITY, &view))
    };
    let Some(text) = text.filter(|_| errors.is_empty()) else {
        return refuse(section, errors);
    };
    let key = record.row.nomor.to_string();
    // A new text alone keeps the Berita Acara attached before.
    let mut berita_acara = console.store().answer(&key).await?.and_then(|a| a.berita_acara);
    if let Some((valid, bytes)) = file {
        let stored = match console.attachments.as_ref() {
            Some(files) => files.put_document(&key, &valid, bytes).await.map_err(|e| {
                tracing::error!(error = %pengaduan_store::error_chain(&e), "berita acara not stored");
            }),
            None => Err(()),
        };
        match stored {
            Ok(meta) => berita_acara = Some(meta),
            Err(()) => {
                let message =
                    "Berita Acara tidak dapat disimpan saat ini; tidak ada yang berubah. Pilih berkasnya lagi \
                               dan coba sebentar lagi."
                        .into();
                return refuse(section, vec![FieldError { field: FILE_FIELD, message }]);
            }
        }
    }
    let answer = Answer {
        text_id: text.id,
        text_en: text.en,
        berita_acara,
        by: staff.signature(),
        at: console.now().timestamp(),
    };
    let detail = match (&answer.text_en, &answer.berita_acara) {
        (Some(_), Some(_)) => "teks id, en, berita acara",
        (Some(_), None) => "teks id, en",
        (None, Some(_)) => "teks id, berita acara",
        (None, None) => "teks id",
    };
    // No answer without its record in the trail.
    console.store().record_audit(audit(&console, &staff, AuditAction::AttachAnswer, &record, detail.into())).await?;
    console.store().set_answer(&key, &answer).await?;
    Ok(done(&record, Confirmation::AnswerAttached))
}

/// `GET /staf/pengaduan/{nomor}/jawaban/berita-acara`: the attached Berita Acara, as a
/// download; in the audit trail like every download.
pub(crate) async fn download(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Path(nomor): Path<String>,
) -> Result<Response, AppError> {
    const MISSING: &str = "Berita Acara tidak ditemukan";
    staff.may(may_read_complaints, NO_COMPLAINTS)?;
    let record = load(&console, &nomor).await?;
    let key = record.row.nomor.to_string();
    let meta = console.store().answer(&key).await?.and_then(|a| a.berita_acara);
    let (Some(meta), Some(files)) = (meta, console.attachments.as_ref()) else {
        return Err(AppError::not_found(MISSING, "Belum ada Berita Acara yang dilampirkan."));
    };
    let bytes = match files.get_document(&key, &meta).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(AppError::not_found(MISSING, "Berkasnya sudah dihapus.")),
        Err(e) => {
            tracing::error!(error = %pengaduan_store::error_chain(&e), "berita acara read failed");
            return Err(AppError::Failed {
                status: StatusCode::SERVICE_UNAVAILABLE,
                title: "Berita Acara tidak dapat dibaca",
                text: "Coba lagi.",
            });
        }
    };
    let entry = audit(&console, &staff, AuditAction::DownloadAttachment, &record, "berita acara".into());
    console.store().record_audit(entry).await?;
    let disposition = format!("attachment; filename=\"{}\"", berita_acara_file_name(&record.row.nomor));
    Ok(file_response(bytes, FileKind::Pdf, &disposition))
}
