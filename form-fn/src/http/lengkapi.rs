//! `POST …/pengaduan/lengkapi`: the complainant completes files returned to them
//! (`perlu_dilengkapi`) with text and documents, proving the complaint is theirs with its number
//! and tracking code, in the form's body (never in an address). The same code check and failed
//! look-up limit as the status page; the text under the rules of the complaint's own, the files
//! under intake's checks, put aside and committed the way intake does. The complaint goes back to
//! the completeness check (`diterima`) with the addition in its history, and the status page
//! answers with the confirmation. A public form without a CSRF token, like the complaint form and
//! the survey: the number and code it carries are what a forged request cannot know.

use super::lookup::{find_with_code, lookup_refused, lookup_source_key, status_answer};
use super::pages::{LengkapiView, StatusOptions};
use super::respond::{
    Lookup, complaint_not_found, error_response, json_response, store_failure, too_large, unavailable, unsupported_type,
};
use super::submit::{check_uploads, discard_attachments, finish_uploads, put_pending};
use super::unggah::{self, NotTaken};
use super::{App, body};
use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use pengaduan_core::submission::{ADDITION_FIELD, validate_addition};
use pengaduan_core::{Lang, RawValue, Status};
use pengaduan_store::answer::AnswerStore;
use pengaduan_store::{Addition, ComplaintStore, StoreError, WorkflowChange, WorkflowStore};
use serde_json::json;
use std::net::IpAddr;

/// Who the history names for an addition sent online (staff see the complainant's own words).
pub const ONLINE_COMPLAINANT: &str = "Pengadu (daring)";

/// Stores what the complainant adds to returned files, or says why not.
pub(super) async fn complete<S: WorkflowStore + AnswerStore>(
    app: &App<S>,
    req: Request<Bytes>,
    source: Option<IpAddr>,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    let guesser = lookup_source_key(source);
    let now = app.now();
    if let Some(refusal) = lookup_refused(app, &guesser, now.timestamp(), wants_json, lang).await {
        return refusal;
    }
    let Some(kind) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(body::BodyKind::from_content_type)
    else {
        return unsupported_type(app, wants_json, lang);
    };
    if req.body().len() > kind.limit() {
        return too_large(app, wants_json, lang);
    }
    let (form, mut uploads) = match body::parse(&kind, req.into_body()).await {
        Ok(parsed) => parsed,
        Err(malformed) => {
            let title = lang.pick("Data tidak dapat dibaca", "The data cannot be read");
            return error_response(app, StatusCode::BAD_REQUEST, wants_json, lang, title, malformed.message(lang));
        }
    };
    let text = |name: &str| match form.get(name) {
        Some(RawValue::Text(v)) => v.trim().to_owned(),
        _ => String::new(),
    };
    let lang = Lang::parse(&text("lang")).unwrap_or(lang);
    let (nomor, kode) = (text("nomor"), text("kode"));
    let show = |status, title: &str, message: &str| error_response(app, status, wants_json, lang, title, message);
    let now_ts = now.timestamp();
    let (record, code) =
        match find_with_code(app, &guesser, now_ts, (&nomor, &kode), (Lookup::Status, show), wants_json, lang).await {
            Ok(found) => found,
            Err(refusal) => return refusal,
        };
    if record.status != Status::PerluDilengkapi {
        tracing::info!(outcome = "not_returned", "addition refused");
        return not_returned(app, wants_json, lang);
    }
    let options = StatusOptions {
        print: false,
        site_origin: app.http.site_origin.as_deref(),
        confirmation: None,
        elsewhere: true,
    };

    let mut errors = Vec::new();
    let direct = match unggah::take(app, &form, &mut uploads, lang).await {
        Ok(keys) => Some(keys),
        Err(NotTaken::Refused(error)) => {
            errors.push(error);
            None
        }
        Err(NotTaken::Failed(e)) => return unggah::failed(app, &e, wants_json, lang),
    };
    let added = validate_addition(&form, lang).map_err(|e| errors.push(e)).ok();
    let files = if direct.is_some() { check_uploads(app, &uploads, &mut errors, lang) } else { None };
    let (Some(added), Some(files)) = (added, files) else {
        // The form's order: the text, then the files.
        errors.sort_by_key(|e| e.field != ADDITION_FIELD);
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        tracing::info!(outcome = "invalid", ?fields, "addition rejected");
        if wants_json {
            return json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({ "errors": errors }));
        }
        let view = LengkapiView { keterangan: text(ADDITION_FIELD), errors, ..LengkapiView::default() };
        let mut page = status_answer(app, &record, &code, options, false, lang, view).await;
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return page;
    };

    // The register row alone: the intake function may not read the complainant's identity.
    let stored = match app.store.load_row(&record.nomor).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return complaint_not_found(Lookup::Status, lang, show),
        Err(e) => return store_failure(app, &e, wants_json, lang),
    };
    let Ok(transition) = stored.state.add_information() else {
        return not_returned(app, wants_json, lang);
    };
    let names: Vec<String> = files.iter().map(|f| f.display_name.clone()).collect();
    let pending = match put_pending(app, files, uploads, now_ts).await {
        Ok(pending) => pending,
        Err(e) => {
            tracing::error!(error = %pengaduan_store::error_chain(&e), "attachment store failed");
            return unavailable(
                app,
                wants_json,
                lang,
                lang.pick(
                    "Lampiran Anda belum dapat disimpan karena gangguan pada sistem kami. Tambahan Anda belum tersimpan; silakan coba lagi beberapa saat lagi.",
                    "Your attachments could not be saved because of a problem in our system. Your addition has not been saved; please try again in a few moments.",
                ),
            );
        }
    };
    unggah::release(app, direct.as_deref().unwrap_or_default()).await;
    let addition = Addition { seq: 0, at: now_ts, text: added, files: names.clone() };
    let change = WorkflowChange::from_transition(&transition, ONLINE_COMPLAINANT, now_ts, now.year(), None, None)
        .with_addition(addition, pending.clone());
    match app.store.apply(&record.nomor, stored.version, change).await {
        Ok(_) => {}
        Err(e) => {
            discard_attachments(app, &pending).await;
            if matches!(e, StoreError::Conflict) {
                tracing::info!(outcome = "conflict", "addition refused");
                return not_returned(app, wants_json, lang);
            }
            return store_failure(app, &e, wants_json, lang);
        }
    }
    tracing::info!(outcome = "stored", nomor = %record.nomor, files = pending.len(), "addition recorded");
    if !pending.is_empty() {
        finish_uploads(app, &record.nomor.to_string()).await;
    }
    if wants_json {
        return json_response(
            StatusCode::CREATED,
            &json!({ "nomor": record.nomor.to_string(), "status": Status::Diterima.code(), "lampiran": names.len() }),
        );
    }
    let fresh = app.store.find_public(&record.nomor).await;
    let record = match fresh {
        Ok(Some(now_stored)) => now_stored,
        Ok(None) => record,
        Err(e) => return store_failure(app, &e, wants_json, lang),
    };
    let view = LengkapiView { terkirim: true, berkas: names, ..LengkapiView::default() };
    status_answer(app, &record, &code, options, false, lang, view).await
}

/// The `409` for a complaint whose files are not waiting to be completed.
fn not_returned<S: ComplaintStore>(app: &App<S>, wants_json: bool, lang: Lang) -> Response<Bytes> {
    error_response(
        app,
        StatusCode::CONFLICT,
        wants_json,
        lang,
        lang.pick("Berkas tidak sedang perlu dilengkapi", "The files are not waiting to be completed"),
        lang.pick(
            "Pengaduan ini tidak sedang berstatus Perlu dilengkapi, jadi tidak ada yang perlu ditambahkan di sini. Lihat statusnya di halaman lacak pengaduan; bila ada yang ingin Anda sampaikan, hubungi Front Office.",
            "This complaint's status is not Needs more documents, so there is nothing to add here. See its status on the tracking page; if you have something to tell us, contact the Front Office.",
        ),
    )
}
