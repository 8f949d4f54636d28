//! The office's answer, attached at the procedure's last step: the Surat Jawaban's text
//! (Indonesian, English optional) and, where the procedure issues one, the signed Berita Acara
//! as a PDF, which the citizen then reads and downloads on the public status page. Who may
//! attach it, and when, is core's rule (`answer_role`).

use crate::complaint::{NO_COMPLAINTS, audit, done, load};
use crate::session::{CSRF_FIELD, Staff, check_csrf};
use crate::views::ComplaintView;
use crate::{AppError, Console};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use pengaduan_core::access::may_read_complaints;
use pengaduan_core::answer::{AnswerText, answer_role, berita_acara_file_name, issues_berita_acara};
use pengaduan_core::attachment::{FileKind, validate_files};
use pengaduan_core::workflow::find_procedure;
use pengaduan_store::ComplaintRecord;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::answer::{Answer, AnswerStore};
use pengaduan_store::attachments::AttachmentStore;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The largest body the answer's form may send: one PDF of the attachment limit, the texts
/// and the multipart framing.
pub(crate) const BODY_LIMIT: usize = pengaduan_core::attachment::MAX_FILE + 512 * 1024;

/// The answer's part of the complaint page (`jawaban.html`).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Section {
    /// What is attached now.
    answer: Option<AnswerView>,
    /// This user may attach (or replace) the answer now.
    may_attach: bool,
    /// The procedure issues a Berita Acara, so the form offers the PDF.
    issues_ba: bool,
    /// Why the last attempt was refused.
    error: Option<String>,
    /// The texts as typed, kept after a refusal.
    values: HashMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
struct AnswerView {
    text_id: String,
    text_en: String,
    by: String,
    at: String,
    ba_size_kb: Option<u64>,
}

/// The section for `record` as `staff` sees it.
pub(crate) async fn section(console: &Console, staff: &Staff, record: &ComplaintRecord) -> Result<Section, AppError> {
    let rules = console.rules();
    let procedure =
        record.row.state.procedure_id.as_deref().and_then(|id| find_procedure(&rules.service.procedures, id).ok());
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
        error: None,
        values: HashMap::new(),
    })
}

/// The fields and the file of the answer's multipart form.
struct Posted {
    fields: HashMap<String, String>,
    file: Option<(String, Bytes)>,
}

async fn read_multipart(headers: &HeaderMap, body: Bytes) -> Result<Posted, AppError> {
    let unreadable =
        |text| AppError::BadRequest { status: StatusCode::BAD_REQUEST, title: "Formulir tidak dapat dibaca", text };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|_| AppError::BadRequest {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        title: "Formulir tidak dapat dibaca",
        text: "Kirim formulir jawaban dari halaman konsol (multipart/form-data).",
    })?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut posted = Posted { fields: HashMap::new(), file: None };
    let broken = "Isi formulir rusak atau bukan UTF-8. Muat ulang halaman, lalu kirim lagi.";
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable(broken))? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let data = field.bytes().await.map_err(|_| unreadable(broken))?;
        match file_name {
            // A file input left empty sends a part without a name or bytes.
            Some(file_name) if name == "berita_acara" && !(file_name.is_empty() && data.is_empty()) => {
                posted.file = Some((file_name, data));
            }
            Some(_) => {}
            None => {
                let text = String::from_utf8(data.to_vec()).map_err(|_| unreadable(broken))?;
                posted.fields.entry(name).or_insert(text);
            }
        }
    }
    Ok(posted)
}

/// `POST /staf/pengaduan/{nomor}/jawaban` (multipart): attaches or replaces the answer. `403`
/// without the CSRF token or for a role or step the SOP does not give it to; `422` with the
/// texts kept when the text or the file is refused; recorded in the audit trail.
pub(crate) async fn attach(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Path(nomor): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let posted = read_multipart(&headers, body).await?;
    check_csrf(&staff, posted.fields.get(CSRF_FIELD).map(String::as_str))?;
    staff.may(may_read_complaints, NO_COMPLAINTS)?;
    let record = load(&console, &nomor).await?;
    let mut section = section(&console, &staff, &record).await?;
    if !section.may_attach {
        return Err(AppError::forbidden(
            "Jawaban dilampirkan pada langkah terakhir prosedur, oleh peran yang menyerahkannya kepada pengadu.",
        ));
    }
    let field = |k: &str| posted.fields.get(k).cloned().unwrap_or_default();
    let refuse = |mut section: Section, message: String| {
        section.error = Some(message);
        section.values =
            HashMap::from([("jawaban".into(), field("jawaban")), ("jawaban_en".into(), field("jawaban_en"))]);
        let rules = console.rules();
        let view =
            ComplaintView::new(&console, &staff, &record, &rules, Vec::new(), false, None, None).with_answer(section);
        Ok(console.views.complaint(StatusCode::UNPROCESSABLE_ENTITY, &view))
    };
    let text = match AnswerText::parse(&field("jawaban"), &field("jawaban_en")) {
        Ok(text) => text,
        Err(e) => return refuse(section, e.to_string()),
    };
    let key = record.row.nomor.to_string();
    let previous = console.store().answer(&key).await?;
    // A new text alone keeps the Berita Acara attached before.
    let mut berita_acara = previous.and_then(|a| a.berita_acara);
    if let Some((name, bytes)) = posted.file {
        if !section.issues_ba {
            return refuse(
                section,
                "Prosedur pengaduan ini tidak menerbitkan Berita Acara: lampirkan teksnya saja.".into(),
            );
        }
        let file = match validate_files(&[(name, &bytes[..])]) {
            Ok(mut files) if files.len() == 1 && files[0].kind == FileKind::Pdf => files.remove(0),
            Ok(_) => return refuse(section, "Berita Acara harus berupa berkas PDF.".into()),
            Err(errors) => {
                let message = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(". ");
                return refuse(section, format!("{message}."));
            }
        };
        let Some(files) = console.attachments.as_ref() else {
            return refuse(section, "Penyimpanan lampiran tidak tersedia: Berita Acara tidak dapat disimpan.".into());
        };
        match files.put_document(&key, &file, bytes).await {
            Ok(meta) => berita_acara = Some(meta),
            Err(e) => {
                tracing::error!(error = %pengaduan_store::error_chain(&e), "berita acara not stored");
                section.error = None;
                return refuse(section, "Berita Acara tidak dapat disimpan. Coba lagi.".into());
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
    Ok(done(&record, "Jawaban dilampirkan; pengadu dapat membacanya di halaman status setelah pengaduan selesai."))
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
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(FileKind::Pdf.content_type()));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
