//! The edit page of one file (`GET /staf/konten/ubah`), saving a draft from the whole text
//! (`POST simpan`) or from the structured fields beside it (`POST simpan-isian`), and the
//! preview of what would be published from either (`POST pratinjau`, `POST pratinjau-isian`).

use super::isian::{self, Isian};
use super::{EditableFile, Refusal, allowed, audit, by_when, changes_with, edit_link, editable, encode_path, workshop};
use crate::confirmation::Confirmation;
use crate::fields::Fields;
use crate::session::{CSRF_FIELD, Staff, check_csrf};
use crate::views::UserView;
use crate::{AppError, Console, see_other};
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use pengaduan_store::StoreError;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::content::{ContentHead, ContentSave, ContentStore, MAX_CONTENT_BYTES};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The most characters of a note kept.
const NOTE_MAX_CHARS: usize = 500;

/// The edit form, with what was typed and why it was refused, if it was.
#[derive(Debug, Serialize)]
struct EditView {
    user: UserView,
    berkas: String,
    /// The path as a query value.
    link: String,
    title: String,
    is_data: bool,
    versi: u64,
    isi: String,
    catatan: String,
    /// Whether the text shown is a draft waiting to be published.
    draft_waiting: bool,
    /// Who changed the file last, and when.
    last: String,
    notice: Option<String>,
    error: Option<String>,
    /// Where the error summary's link leads: the textarea, or the structured field at fault.
    error_target: String,
    /// The structured fields ("Isian terstruktur"), for a file with a model whose text reads.
    isian: Option<Isian>,
    /// Whether the error is the structured form's (its fields kept as typed).
    isian_error: bool,
    /// The structured input at fault, marked invalid.
    isian_input: Option<String>,
}

/// The file's newest revision, if it has any.
async fn head(console: &Console, path: &str) -> Result<Option<ContentHead>, AppError> {
    Ok(console.store().content_heads().await?.into_iter().find(|h| h.path == path))
}

impl EditView {
    fn new(console: &Console, staff: &Staff, file: &EditableFile, head: Option<&ContentHead>, isi: String) -> Self {
        Self {
            user: UserView::new(staff),
            berkas: file.path.clone(),
            link: encode_path(&file.path),
            title: file.title.clone(),
            is_data: file.is_data,
            versi: head.map_or(0, |h| h.version),
            catatan: String::new(),
            draft_waiting: head.is_some_and(|h| h.draft_waiting),
            last: head.map(|h| by_when(console, &h.author, h.saved_at)).unwrap_or_default(),
            notice: None,
            error: None,
            error_target: "isi".into(),
            isian: isian::from_text(&file.path, &isi),
            isian_error: false,
            isian_input: None,
            isi,
        }
    }
}

/// The text the edit page shows and the structured fields apply to: the newest draft if one
/// waits, else the published text.
async fn current_text(
    console: &Console,
    workshop: &dyn super::Workshop,
    path: &str,
    head: Option<&ContentHead>,
) -> Result<String, AppError> {
    let draft = match head {
        Some(h) if h.draft_waiting => console.store().content_revisions(path).await?.pop().map(|r| r.text),
        _ => None,
    };
    Ok(match draft {
        Some(t) => t,
        None => super::live_text(workshop, path).await?.unwrap_or_default(),
    })
}

/// `GET /staf/konten/ubah?berkas=PATH`: the whole file in a form, the newest draft if one
/// waits, else the published text.
pub(crate) async fn form(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    allowed(&staff)?;
    let workshop = workshop(&console)?;
    let path = query.get("berkas").map(String::as_str).unwrap_or_default();
    let file = editable(workshop.as_ref(), path).await?;
    let head = head(&console, path).await?;
    let text = current_text(&console, workshop.as_ref(), path, head.as_ref()).await?;
    let mut view = EditView::new(&console, &staff, &file, head.as_ref(), text);
    view.notice = Confirmation::shown(&query);
    Ok(console.views.page(StatusCode::OK, "konten-ubah.html", &view))
}

/// The posted form: the file, the version it was edited from, the text and the note.
struct Posted {
    file: EditableFile,
    versi: u64,
    isi: String,
    catatan: String,
}

/// Reads the posted form after the role and the CSRF token: the file must be editable and the
/// text within [`MAX_CONTENT_BYTES`].
async fn posted(
    console: &Console,
    staff: &Staff,
    form: &HashMap<String, String>,
) -> Result<(Arc<dyn super::Workshop>, Posted), AppError> {
    allowed(staff)?;
    check_csrf(staff, form.get(CSRF_FIELD).map(String::as_str))?;
    let workshop = workshop(console)?;
    let path = form.get("berkas").map(String::as_str).unwrap_or_default();
    let file = editable(workshop.as_ref(), path).await?;
    let versi = versi_of(form)?;
    // Browsers send CRLF line endings from a textarea; the files keep LF.
    let isi = form.get("isi").map(|t| t.replace("\r\n", "\n")).unwrap_or_default();
    if isi.len() > MAX_CONTENT_BYTES {
        return Err(AppError::unprocessable(
            "Berkas terlalu besar",
            "Isi berkas melebihi 300 KB, batas satu berkas. Pecah halaman ini menjadi beberapa halaman.",
        ));
    }
    let catatan = note_of(form);
    Ok((workshop, Posted { file, versi, isi, catatan }))
}

/// The version the form was edited from.
fn versi_of(form: &HashMap<String, String>) -> Result<u64, AppError> {
    form.get("versi").and_then(|v| v.trim().parse::<u64>().ok()).ok_or_else(|| {
        AppError::unprocessable(
            "Formulir tidak lengkap",
            "Versi berkas tidak terbaca. Muat ulang halaman penyuntingan, lalu simpan lagi.",
        )
    })
}

/// The change's note, at most [`NOTE_MAX_CHARS`] characters.
fn note_of(form: &HashMap<String, String>) -> String {
    form.get("catatan").map(|n| n.trim().chars().take(NOTE_MAX_CHARS).collect()).unwrap_or_default()
}

/// What a refused structured form keeps: the text its fields were applied to (shown in the
/// textarea, since nothing was saved), the fields as typed, and the input at fault.
struct Kept {
    current: String,
    isian: Isian,
    input: Option<String>,
}

/// The form again with the typed text (or, from the structured form, the typed fields) and
/// note kept and `error` above it: the `409` or `422`.
fn again(
    console: &Console,
    staff: &Staff,
    posted: Posted,
    head: Option<&ContentHead>,
    status: StatusCode,
    error: String,
    kept: Option<Kept>,
) -> AppError {
    let isi = kept.as_ref().map_or(posted.isi, |k| k.current.clone());
    let mut view = EditView::new(console, staff, &posted.file, head, isi);
    if let Some(kept) = kept {
        view.isian = Some(kept.isian);
        view.isian_error = true;
        view.error_target = kept.input.clone().unwrap_or_else(|| "isian".into());
        view.isian_input = kept.input;
    }
    // The version stays the one the text was edited from: a stale one is refused again, so a
    // second save cannot silently overwrite the other editor's.
    view.versi = posted.versi;
    view.catatan = posted.catatan;
    view.error = Some(error.clone());
    AppError::Form { status, text: error, page: Box::new(console.views.page(status, "konten-ubah.html", &view)) }
}

/// The `409` when another save came first.
fn stale(console: &Console, staff: &Staff, posted: Posted, head: Option<&ContentHead>, kept: Option<Kept>) -> AppError {
    let who = head.map(|h| format!(" ({})", by_when(console, &h.author, h.saved_at))).unwrap_or_default();
    let error = format!(
        "Editor lain telah menyimpan berkas ini lebih dahulu{who}. Teks Anda belum disimpan dan tetap ada di bawah: salin, muat ulang halaman ini untuk melihat versi terbaru, lalu gabungkan perubahan Anda."
    );
    let error = if kept.is_some() {
        error.replace(
            "Teks Anda belum disimpan dan tetap ada di bawah",
            "Isian Anda belum disimpan dan tetap ada di bawah",
        )
    } else {
        error
    };
    again(console, staff, posted, head, StatusCode::CONFLICT, error, kept)
}

/// `POST /staf/konten/simpan`: checks the site with this text and every other waiting draft,
/// then stores it as a draft; nothing public changes. `422` when the site would not build,
/// `409` when another editor saved first, each with the form and the text kept.
pub(crate) async fn save(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    let (workshop, posted) = posted(&console, &staff, &form).await?;
    store_draft(&console, &staff, workshop.as_ref(), posted, None).await
}

/// `POST /staf/konten/simpan-isian`: the structured fields written into the file's current text
/// (its waiting draft, else the published text) by core, then the same save as
/// [`save`]: the same size limit, check, `409`, `422`, audit and draft. A value core refuses is
/// a `422` naming the field; every refusal keeps the fields as typed.
pub(crate) async fn save_fields(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    let (workshop, posted, kept) = posted_fields(&console, &staff, &form).await?;
    store_draft(&console, &staff, workshop.as_ref(), posted, Some(kept)).await
}

/// Reads the structured form after the role and the CSRF token, and writes its fields into the
/// file's current text: the text to save, and what a refusal keeps.
async fn posted_fields(
    console: &Console,
    staff: &Staff,
    form: &HashMap<String, String>,
) -> Result<(Arc<dyn super::Workshop>, Posted, Kept), AppError> {
    allowed(staff)?;
    check_csrf(staff, form.get(CSRF_FIELD).map(String::as_str))?;
    let workshop = workshop(console)?;
    let path = form.get("berkas").map(String::as_str).unwrap_or_default();
    let file = editable(workshop.as_ref(), path).await?;
    let versi = versi_of(form)?;
    let head = head(console, path).await?;
    let current = current_text(console, workshop.as_ref(), path, head.as_ref()).await?;
    let Some(typed) = isian::from_posted(path, &current, form) else {
        return Err(AppError::unprocessable(
            "Tidak ada isian terstruktur",
            "Berkas ini tidak punya isian terstruktur, atau teksnya sedang rusak. Ubah melalui kotak isi berkas.",
        ));
    };
    let catatan = note_of(form);
    let mut kept = Kept { current: current.clone(), isian: typed, input: None };
    let mut posted = Posted { file, versi, isi: String::new(), catatan };
    // A stale form's fields were read from another text: refused before they are applied.
    if head.as_ref().map_or(0, |h| h.version) != versi {
        return Err(stale(console, staff, posted, head.as_ref(), Some(kept)));
    }
    match isian::apply(&kept.isian, &current) {
        Ok(text) if text.len() > MAX_CONTENT_BYTES => {
            let error = "Belum disimpan: isi berkas melebihi 300 KB, batas satu berkas.".to_owned();
            Err(again(console, staff, posted, head.as_ref(), StatusCode::UNPROCESSABLE_ENTITY, error, Some(kept)))
        }
        Ok(text) => {
            posted.isi = text;
            Ok((workshop, posted, kept))
        }
        Err(refusal) => {
            kept.input = refusal.input;
            let error = format!("Belum disimpan. {}", refusal.message);
            Err(again(console, staff, posted, head.as_ref(), StatusCode::UNPROCESSABLE_ENTITY, error, Some(kept)))
        }
    }
}

/// The save both forms share: the version, the site's check with every waiting draft, the
/// draft stored, the audit entry, and the `303` back to the edit page.
async fn store_draft(
    console: &Console,
    staff: &Staff,
    workshop: &dyn super::Workshop,
    posted: Posted,
    kept: Option<Kept>,
) -> Result<Response, AppError> {
    let path = posted.file.path.clone();
    let head = head(console, &path).await?;
    if head.as_ref().map_or(0, |h| h.version) != posted.versi {
        return Err(stale(console, staff, posted, head.as_ref(), kept));
    }
    let changes = changes_with(console, Some((&path, &posted.isi))).await?;
    if let Err(refusal) = workshop.check(changes).await {
        return Err(refused(console, staff, posted, head.as_ref(), &refusal, kept));
    }
    // A file's first save records the text it replaces, so the first change can be undone.
    let original = if posted.versi == 0 { super::live_text(workshop, &path).await? } else { None };
    let save = ContentSave {
        path: path.clone(),
        text: posted.isi.clone(),
        expected_version: posted.versi,
        original,
        author: staff.account.username.clone(),
        note: posted.catatan.clone(),
        at: console.now().timestamp(),
    };
    let revision = match console.store().save_content(save).await {
        Ok(r) => r,
        Err(StoreError::Conflict) => {
            let head = self::head(console, &path).await?;
            return Err(stale(console, staff, posted, head.as_ref(), kept));
        }
        Err(e) => return Err(e.into()),
    };
    let entry = audit(console, staff, AuditAction::ContentSaved, format!("{path} revisi {}", revision.number));
    console.store().record_audit(entry).await?;
    Ok(see_other(&edit_link(&path, Some(Confirmation::DraftSaved { revision: revision.number }))))
}

/// The `422` of a text the site would not build with, naming the file, line and field; the
/// `503` of a builder that could not answer, the text kept all the same.
fn refused(
    console: &Console,
    staff: &Staff,
    posted: Posted,
    head: Option<&ContentHead>,
    r: &Refusal,
    kept: Option<Kept>,
) -> AppError {
    if r.is_unavailable() {
        return again(console, staff, posted, head, StatusCode::SERVICE_UNAVAILABLE, r.message.clone(), kept);
    }
    let error = if r.path == posted.file.path {
        let mut at = Vec::new();
        if let Some(line) = r.line {
            at.push(format!("baris {line}"));
        }
        if let Some(field) = &r.field {
            at.push(format!("isian {field}"));
        }
        let at = if at.is_empty() { String::new() } else { format!(" Pada {}:", at.join(", ")) };
        let what = if kept.is_some() { "isian ini" } else { "teks ini" };
        format!("Situs tidak dapat dibangun dengan {what}, sehingga belum disimpan.{at} {}", r.message)
    } else {
        format!(
            "Situs tidak dapat dibangun bersama draf lain yang menunggu, sehingga teks ini belum disimpan. {}",
            r.describe()
        )
    };
    again(console, staff, posted, head, StatusCode::UNPROCESSABLE_ENTITY, error, kept)
}

/// The banner a preview carries, so it is never taken for the public page.
const PREVIEW_BANNER: &str = "<div role=\"status\" style=\"background:#fff3cd;color:#3d2a00;border-bottom:3px solid #6b3d00;padding:.75rem 1rem;font-weight:600;text-align:center\">Pratinjau — belum disimpan. Tutup tab ini untuk kembali ke formulir.</div>";

/// `POST /staf/konten/pratinjau` (the edit form's fields): the page as it would be published,
/// with this text and every waiting draft; nothing stored.
pub(crate) async fn preview(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    let (workshop, posted) = posted(&console, &staff, &form).await?;
    let path = posted.file.path.clone();
    let changes = changes_with(&console, Some((&path, &posted.isi))).await?;
    let html = match workshop.preview(changes, &path).await {
        Ok(html) => html,
        Err(refusal) => {
            let head = head(&console, &path).await?;
            return Err(refused(&console, &staff, posted, head.as_ref(), &refusal, None));
        }
    };
    Ok(preview_page(&html))
}

/// `POST /staf/konten/pratinjau-isian` (the structured form's fields): the page as it would be
/// published with the fields written into its current text and every waiting draft; nothing
/// stored. Refused as [`save_fields`] refuses, the fields kept.
pub(crate) async fn preview_fields(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    let (workshop, posted, kept) = posted_fields(&console, &staff, &form).await?;
    let path = posted.file.path.clone();
    let changes = changes_with(&console, Some((&path, &posted.isi))).await?;
    match workshop.preview(changes, &path).await {
        Ok(html) => Ok(preview_page(&html)),
        Err(refusal) => {
            let head = head(&console, &path).await?;
            Err(refused(&console, &staff, posted, head.as_ref(), &refusal, Some(kept)))
        }
    }
}

/// The preview's answer: the page with its banner, never cached.
fn preview_page(html: &str) -> Response {
    let mut resp = (StatusCode::OK, Html(with_banner(html))).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `html` with [`PREVIEW_BANNER`] right after its `<body …>` tag (or first, without one).
fn with_banner(html: &str) -> String {
    let at = html.find("<body").and_then(|start| html[start..].find('>').map(|end| start + end + 1)).unwrap_or(0);
    format!("{}{PREVIEW_BANNER}{}", &html[..at], &html[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_follows_the_body_tag() {
        let page = "<html><head></head><body class=\"x\"><h1>Judul</h1></body></html>";
        let with = with_banner(page);
        assert!(with.starts_with("<html><head></head><body class=\"x\"><div role=\"status\""), "{with}");
        assert!(with.ends_with(
            "Pratinjau — belum disimpan. Tutup tab ini untuk kembali ke formulir.</div><h1>Judul</h1></body></html>"
        ));
        assert!(with_banner("<h1>x</h1>").starts_with("<div"), "no body: first");
    }
}
