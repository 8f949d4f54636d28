//! Editing and publishing the website in the console (`/staf/konten/`): the office's editors
//! change pages and data files in a browser, save drafts that the site's own build has checked,
//! preview them through the site's templates, publish them together, and undo any change from
//! the file's history.
//!
//! The console keeps the revisions (the store's `ContentStore`); building, checking and making
//! the site public is the host's [`Workshop`]. Who may come here is a rule in core
//! (`may_edit_content`), checked before anything else on every route.

mod edit;
mod history;
mod isian;
mod list;
mod publish;
#[cfg(feature = "lambda")]
pub mod remote;
pub mod workshop;

pub(crate) use edit::{form, preview, preview_fields, save, save_fields};
pub(crate) use history::{page as history, restore};
pub(crate) use list::{editor_home, page as list};
pub(crate) use publish::publish;
pub use workshop::{EditableFile, Refusal, Workshop, WorkshopFuture};

use crate::confirmation::Confirmation;
use crate::session::Staff;
use crate::{AppError, BASE, Console};
use http::StatusCode;
use pengaduan_core::access::{Role, may_edit_content};
use pengaduan_core::datetime::human_time;
use pengaduan_store::accounts::{AuditAction, AuditEntry};
use pengaduan_store::content::{ContentStore, Revision};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The `403` of every route here for the other roles.
const REFUSED: &str = "Penyuntingan isi situs hanya untuk Editor Konten dan admin.";

/// The holiday calendar's file, relative to `content/`.
pub(crate) const HOLIDAYS: &str = "data/hari-libur.toml";

/// What a path in a query string escapes: all but letters, digits and `-._/`, which the
/// content's file names are made of.
const PATH_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'/');

/// `path` for a link's query string.
pub(crate) fn encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH_VALUE).to_string()
}

/// The address of `path`'s edit page, with a confirmation to show when given.
fn edit_link(path: &str, notice: Option<Confirmation>) -> String {
    let mut link = format!("{BASE}/konten/ubah?berkas={}", encode_path(path));
    if let Some(n) = notice {
        link.push('&');
        link.push_str(&n.query());
    }
    link
}

/// Refuses every role but the editor and the admin; the first check of every route here.
fn allowed(staff: &Staff) -> Result<(), AppError> {
    staff.may(may_edit_content, REFUSED)
}

/// The host's workshop, or the `503` of a console that cannot build the site.
fn workshop(console: &Console) -> Result<Arc<dyn Workshop>, AppError> {
    console.workshop.clone().ok_or(AppError::Failed {
        status: StatusCode::SERVICE_UNAVAILABLE,
        title: "Penyuntingan konten tidak tersedia di sini",
        text: "Penyuntingan konten tidak tersedia di sini: konsol ini tidak terhubung dengan pembangun situs. Sunting isi situs melalui konsol kantor.",
    })
}

/// The `503` of a workshop that cannot answer now, saying why and what to do.
fn unavailable(why: String) -> AppError {
    AppError::Refused {
        status: StatusCode::SERVICE_UNAVAILABLE,
        title: "Pembangun situs belum dapat menjawab",
        text: why,
    }
}

/// Every file an editor may change, or the `503` of a workshop that cannot say now.
async fn files(workshop: &dyn Workshop) -> Result<Vec<EditableFile>, AppError> {
    workshop.try_files().await.map_err(unavailable)
}

/// The published text of `path`, or the `503` of a workshop that cannot say now.
async fn live_text(workshop: &dyn Workshop, path: &str) -> Result<Option<String>, AppError> {
    workshop.try_live_text(path).await.map_err(unavailable)
}

/// The file `path` if an editor may change it, else the `404`.
async fn editable(workshop: &dyn Workshop, path: &str) -> Result<EditableFile, AppError> {
    files(workshop).await?.into_iter().find(|f| f.path == path).ok_or_else(|| {
        AppError::not_found("Berkas tidak ditemukan", "Berkas ini tidak ada atau tidak dapat disunting di konsol.")
    })
}

/// Every waiting draft (the newest revision of its file, when a draft), by path.
async fn waiting_drafts(console: &Console) -> Result<Vec<Revision>, AppError> {
    let store = console.store();
    let mut drafts = Vec::new();
    for head in store.content_heads().await?.into_iter().filter(|h| h.draft_waiting) {
        if let Some(newest) = store.content_revisions(&head.path).await?.pop() {
            drafts.push(newest);
        }
    }
    Ok(drafts)
}

/// The texts a check builds with: every waiting draft, and `path`'s text given (if any) in
/// place of its own draft, since publishing makes them public together.
async fn changes_with(console: &Console, edited: Option<(&str, &str)>) -> Result<BTreeMap<String, String>, AppError> {
    let mut changes: BTreeMap<String, String> =
        waiting_drafts(console).await?.into_iter().map(|r| (r.path, r.text)).collect();
    if let Some((path, text)) = edited {
        changes.insert(path.to_owned(), text.to_owned());
    }
    Ok(changes)
}

/// An audit entry of `staff`'s action on no one complaint (a change to the content, a file of
/// many complaints' figures), `detail` naming what.
pub(crate) fn audit(console: &Console, staff: &Staff, action: AuditAction, detail: String) -> AuditEntry {
    AuditEntry {
        at: console.now().timestamp(),
        username: staff.account.username.clone(),
        role: Some(staff.role()),
        action,
        nomor: None,
        detail,
    }
}

/// "agus, 30 November 2026, 09.00 WIB": who saved, and when, for people.
fn by_when(console: &Console, who: &str, at: jiff::Timestamp) -> String {
    let when = human_time(&at.to_zoned(console.config.timezone.clone()));
    if who.is_empty() { when } else { format!("{who}, {when}") }
}

/// The notice that next year's holidays are missing, from October on.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HolidayNotice {
    /// The year missing.
    pub year: i16,
    /// The edit page of the calendar.
    pub link: String,
}

/// From 1 October, when the console's calendar does not cover next year: the notice the editor
/// and the admin see, so next year's deadlines are not counted without its holidays. `None`
/// before October, once the year is in, and for the other roles.
pub(crate) fn holiday_notice(console: &Console, role: Role) -> Option<HolidayNotice> {
    let today = console.now().date();
    let next = today.year().checked_add(1)?;
    (may_edit_content(role) && today.month() >= 10 && !console.rules().calendar.covers(next))
        .then(|| HolidayNotice { year: next, link: edit_link(HOLIDAYS, None) })
}
