//! A file's history (`GET /staf/konten/riwayat`): every revision with who, when, the note and a
//! line diff against the one before; and restoring one (`POST pulihkan`) as a new draft.

use super::{allowed, audit, by_when, changes_with, edit_link, editable, encode_path, workshop};
use crate::confirmation::Confirmation;
use crate::fields::Fields;
use crate::session::{CSRF_FIELD, Staff, check_csrf};
use crate::views::UserView;
use crate::{AppError, Console, see_other};
use axum::extract::{Query, State};
use axum::response::Response;
use http::StatusCode;
use pengaduan_store::StoreError;
use pengaduan_store::accounts::{AccountStore, AuditAction};
use pengaduan_store::content::{ContentSave, ContentStore, RevisionKind};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Unchanged lines shown around each change.
const CONTEXT_LINES: usize = 2;

/// One line of a diff: `+` added, `−` removed, blank unchanged, `…` lines left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct DiffLine {
    /// The mark read before the line (never colour alone).
    pub mark: &'static str,
    /// The style: `tambah`, `hapus`, `sama` or `lewat`.
    pub class: &'static str,
    /// The line's number in the newer text (in the older one for a removed line).
    pub number: Option<usize>,
    /// The line, without its ending.
    pub text: String,
}

/// The lines that changed from `old` to `new`, with [`CONTEXT_LINES`] around each change and a
/// `…` line between the groups.
pub(crate) fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    // A bound on the work for two very different large files: the diff is coarser, not slower.
    let diff = TextDiff::configure().timeout(Duration::from_millis(500)).diff_lines(old, new);
    let mut lines = Vec::new();
    for (i, group) in diff.grouped_ops(CONTEXT_LINES).iter().enumerate() {
        if i > 0 {
            lines.push(DiffLine { mark: "…", class: "lewat", number: None, text: String::new() });
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let (mark, class, number) = match change.tag() {
                    ChangeTag::Insert => ("+", "tambah", change.new_index()),
                    ChangeTag::Delete => ("−", "hapus", change.old_index()),
                    ChangeTag::Equal => (" ", "sama", change.new_index()),
                };
                let text = change.value().trim_end_matches(['\n', '\r']).to_owned();
                lines.push(DiffLine { mark, class, number: number.map(|n| n + 1), text });
            }
        }
    }
    lines
}

/// One revision as the history shows it.
#[derive(Debug, Serialize)]
struct RevisionLine {
    number: u64,
    kind: &'static str,
    kind_label: &'static str,
    by: String,
    note: String,
    /// Who published it, and when.
    published: String,
    /// The changes from the revision before; empty for the first.
    diff: Vec<DiffLine>,
    /// Whether the text is the same as the revision before.
    unchanged: bool,
    first: bool,
}

/// The history page.
#[derive(Debug, Serialize)]
struct HistoryView {
    user: UserView,
    berkas: String,
    link: String,
    title: String,
    revisions: Vec<RevisionLine>,
}

/// What people read for a kind of revision.
fn kind_label(kind: RevisionKind) -> &'static str {
    match kind {
        RevisionKind::Original => "Asli (sebelum disunting di konsol)",
        RevisionKind::Draft => "Draf",
        RevisionKind::Published => "Terbit",
    }
}

/// `GET /staf/konten/riwayat?berkas=PATH`: the revisions, newest first.
pub(crate) async fn page(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    allowed(&staff)?;
    let workshop = workshop(&console)?;
    let path = query.get("berkas").map(String::as_str).unwrap_or_default();
    let file = editable(workshop.as_ref(), path).await?;
    let revisions = console.store().content_revisions(path).await?;
    let mut lines = Vec::with_capacity(revisions.len());
    let mut previous: Option<&str> = None;
    for r in &revisions {
        lines.push(RevisionLine {
            number: r.number,
            kind: r.kind.code(),
            kind_label: kind_label(r.kind),
            by: by_when(&console, &r.author, r.saved_at),
            note: r.note.clone(),
            published: r.published.as_ref().map(|(who, at)| by_when(&console, who, *at)).unwrap_or_default(),
            diff: previous.map(|p| line_diff(p, &r.text)).unwrap_or_default(),
            unchanged: previous == Some(r.text.as_str()),
            first: previous.is_none(),
        });
        previous = Some(&r.text);
    }
    lines.reverse();
    let view = HistoryView {
        user: UserView::new(&staff),
        link: encode_path(&file.path),
        berkas: file.path,
        title: file.title,
        revisions: lines,
    };
    Ok(console.views.page(StatusCode::OK, "konten-riwayat.html", &view))
}

/// `POST /staf/konten/pulihkan` with `berkas` and `revisi`: that revision's text becomes the
/// file's newest draft (a new revision; the history keeps everything), after the site's check.
pub(crate) async fn restore(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    allowed(&staff)?;
    check_csrf(&staff, form.get(CSRF_FIELD).map(String::as_str))?;
    let workshop = workshop(&console)?;
    let path = form.get("berkas").map(String::as_str).unwrap_or_default();
    let file = editable(workshop.as_ref(), path).await?;
    let revisions = console.store().content_revisions(&file.path).await?;
    let wanted = form.get("revisi").and_then(|v| v.trim().parse::<u64>().ok());
    let Some(old) = revisions.iter().find(|r| Some(r.number) == wanted) else {
        return Err(AppError::not_found("Revisi tidak ditemukan", "Revisi ini tidak ada di riwayat berkas."));
    };
    let version = revisions.last().map_or(0, |r| r.number);
    if let Err(refusal) = workshop.check(changes_with(&console, Some((&file.path, &old.text))).await?).await {
        if refusal.is_unavailable() {
            return Err(super::unavailable(refusal.message));
        }
        return Err(AppError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            title: "Revisi belum dapat dipulihkan",
            text: format!(
                "Situs tidak dapat dibangun dengan teks revisi {} (bersama draf lain yang menunggu), sehingga tidak ada yang berubah. {}",
                old.number,
                refusal.describe()
            ),
        });
    }
    let save = ContentSave {
        path: file.path.clone(),
        text: old.text.clone(),
        expected_version: version,
        original: None,
        author: staff.account.username.clone(),
        note: format!("dipulihkan dari revisi {}", old.number),
        at: console.now().timestamp(),
    };
    let revision = match console.store().save_content(save).await {
        Ok(r) => r,
        Err(StoreError::Conflict) => {
            return Err(AppError::Refused {
                status: StatusCode::CONFLICT,
                title: "Diubah editor lain",
                text: "Editor lain menyimpan berkas ini saat Anda membuka riwayatnya; tidak ada yang berubah. Muat ulang riwayat, lalu pulihkan lagi bila masih perlu.".into(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let detail = format!("{} revisi {} dari revisi {}", file.path, revision.number, old.number);
    console.store().record_audit(audit(&console, &staff, AuditAction::ContentRestored, detail)).await?;
    let notice = Confirmation::Restored { from: old.number, revision: revision.number };
    Ok(see_other(&edit_link(&file.path, Some(notice))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(lines: &[DiffLine]) -> Vec<String> {
        lines.iter().map(|l| format!("{}{}", l.mark, l.text)).collect()
    }

    #[test]
    fn a_diff_marks_each_added_and_removed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
        let diff = line_diff(old, new);
        assert_eq!(marks(&diff), [" a", "−b", "+B", " c", " d", "…", " i", " j", "+k"]);
        assert_eq!(diff[2].number, Some(2), "the line's number in the new text");
        assert_eq!(diff[1].class, "hapus");
        assert!(line_diff("sama\n", "sama\n").is_empty());
    }
}
