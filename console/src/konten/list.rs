//! `GET /staf/konten/`: every file an editor may change, by language and the data files, with
//! its last change and whether a draft waits; and the form that publishes the waiting drafts.
//! Also the editor's own `/staf/`, which holds no complaints.

use super::{HolidayNotice, allowed, by_when, encode_path, holiday_notice, waiting_drafts, workshop};
use crate::confirmation::Confirmation;
use crate::session::Staff;
use crate::views::UserView;
use crate::{AppError, Console};
use axum::extract::{Query, State};
use axum::response::Response;
use http::StatusCode;
use pengaduan_store::content::ContentStore;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One file of the list.
#[derive(Debug, Serialize)]
struct FileLine {
    path: String,
    /// The path as a query value.
    link: String,
    title: String,
    /// Who changed it last, and when; empty when never changed in the console.
    last: String,
    draft_waiting: bool,
}

/// The files of one language, or the data files.
#[derive(Debug, Serialize)]
struct Group {
    label: String,
    files: Vec<FileLine>,
}

/// One draft the publish form will make public.
#[derive(Debug, Serialize)]
struct DraftLine {
    path: String,
    link: String,
    by: String,
    /// Whether the user wrote it.
    mine: bool,
}

/// The list page.
#[derive(Debug, Serialize)]
struct ListView {
    user: UserView,
    groups: Vec<Group>,
    drafts: Vec<DraftLine>,
    /// Whether the author of a draft may not publish it.
    four_eyes: bool,
    /// Whether this user may publish the waiting drafts now.
    may_publish: bool,
    notice: Option<String>,
    holiday: Option<HolidayNotice>,
}

/// The name people read for a language code.
fn language(code: &str) -> String {
    match code {
        "id" => "Bahasa Indonesia".to_owned(),
        "en" => "English".to_owned(),
        other => format!("Bahasa {other}"),
    }
}

/// `GET /staf/konten/?pesan=…`: the files, the waiting drafts and the publish form.
pub(crate) async fn page(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    allowed(&staff)?;
    let workshop = workshop(&console)?;
    let heads: HashMap<String, _> =
        console.store().content_heads().await?.into_iter().map(|h| (h.path.clone(), h)).collect();
    // Pages by language, Indonesian first, then the data files last.
    let mut by_group: BTreeMap<(u8, String), Vec<FileLine>> = BTreeMap::new();
    for f in super::files(workshop.as_ref()).await? {
        let head = heads.get(&f.path);
        let key = match (&f.lang, f.is_data) {
            (_, true) => (2, "Berkas data".to_owned()),
            (Some(code), false) if code == "id" => (0, language(code)),
            (Some(code), false) => (1, language(code)),
            (None, false) => (1, "Halaman".to_owned()),
        };
        by_group.entry(key).or_default().push(FileLine {
            link: encode_path(&f.path),
            title: f.title,
            last: head.map(|h| by_when(&console, &h.author, h.saved_at)).unwrap_or_default(),
            draft_waiting: head.is_some_and(|h| h.draft_waiting),
            path: f.path,
        });
    }
    let me = &staff.account.username;
    let drafts: Vec<DraftLine> = waiting_drafts(&console)
        .await?
        .into_iter()
        .map(|r| DraftLine {
            link: encode_path(&r.path),
            by: by_when(&console, &r.author, r.saved_at),
            mine: &r.author == me,
            path: r.path,
        })
        .collect();
    let four_eyes = workshop.four_eyes();
    // Under four eyes, a user whose own draft waits may not publish (the route refuses too).
    let own_waits = four_eyes && drafts.iter().any(|d| d.mine);
    let view = ListView {
        user: UserView::new(&staff),
        groups: by_group.into_iter().map(|((_, label), files)| Group { label, files }).collect(),
        may_publish: !drafts.is_empty() && !own_waits,
        drafts,
        four_eyes,
        notice: Confirmation::shown(&query),
        holiday: holiday_notice(&console, staff.role()),
    };
    Ok(console.views.page(StatusCode::OK, "konten.html", &view))
}

/// The editor's `/staf/`.
#[derive(Debug, Serialize)]
struct HomeView {
    user: UserView,
    holiday: Option<HolidayNotice>,
}

/// `GET /staf/` for a role without complaints: where its work is, and never a complaint.
pub(crate) fn editor_home(console: &Console, staff: &Staff) -> Response {
    let view = HomeView { user: UserView::new(staff), holiday: holiday_notice(console, staff.role()) };
    console.views.page(StatusCode::OK, "beranda-editor.html", &view)
}
