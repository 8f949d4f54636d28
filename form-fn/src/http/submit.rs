//! `POST …/pengaduan`: a complaint is validated, checked against its idempotency record and the
//! hourly limit, its files put aside under pending keys, then stored with a number and code.

use super::body::{self, BodyKind};
use super::confirmation::{Confirmation, ReceiptOutcome, receipt_withheld_message};
use super::pages::{fallback_html, lang_param};
use super::respond::{
    Limit, error_response, html_response, json_response, redirect, store_failure, too_large, too_many,
    too_many_submissions_words, unavailable, unsupported_type,
};
use super::unggah::{self, NotTaken};
use super::{App, accept_language, request_lang, wants_json};
use bytes::Bytes;
use http::header;
use http::{Request, Response, StatusCode};
use jiff::{SignedDuration, Timestamp, Zoned};
use pengaduan_core::attachment::ValidFile;
use pengaduan_core::datetime::rfc3339;
use pengaduan_core::submission::{idempotency_key_message, is_valid_idempotency_key};
use pengaduan_core::{FieldError, Lang, RawForm, RawValue, RegisterNumber, Status};
use pengaduan_store::attachments::{AttachmentError, AttachmentStore, PendingKey};
use pengaduan_store::intake::{Intake, Replay, digest, intake};
use pengaduan_store::{ComplaintStore, RateDecision, Receipt, StoreError, Submitted, error_chain};
use serde_json::json;
use std::net::IpAddr;

/// Answers a submission: the receipt (`201` or a redirect to its status page), or why not.
pub(super) async fn submit<S: ComplaintStore>(
    app: &App<S>,
    req: Request<Bytes>,
    source: Option<IpAddr>,
    path: &str,
) -> Response<Bytes> {
    let wants_json = wants_json(req.headers());
    // Until the body is read, only the header can tell the language.
    let header_lang = request_lang(None, accept_language(req.headers()));
    let Some(kind) =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(BodyKind::from_content_type)
    else {
        return unsupported_type(app, wants_json, header_lang);
    };
    if req.body().len() > kind.limit() {
        return too_large(app, wants_json, header_lang);
    }
    let accept = accept_language(req.headers()).map(str::to_owned);
    let header_key = req.headers().get("idempotency-key").map(|v| v.to_str().map(str::to_owned));
    let (form, mut uploads) = match body::parse(&kind, req.into_body()).await {
        Ok(parsed) => parsed,
        Err(malformed) => {
            let lang = header_lang;
            let title = lang.pick("Data tidak dapat dibaca", "The data cannot be read");
            return error_response(app, StatusCode::BAD_REQUEST, wants_json, lang, title, malformed.message(lang));
        }
    };
    // The form's hidden `lang` field; never validated nor stored as a field.
    let field_lang = match form.get("lang") {
        Some(RawValue::Text(code)) => Some(code.as_str()),
        _ => None,
    };
    let lang = request_lang(field_lang, accept.as_deref());
    let lacak_path = format!("{}lacak", path.strip_suffix("pengaduan").unwrap_or("/api/"));

    if form.honeypot_filled() {
        // Answer exactly as a success would, with a number and code that reach nothing, so that
        // bots learn nothing; store nothing, consume no number.
        tracing::info!(outcome = "honeypot", "submission discarded");
        let email = match form.get("email") {
            Some(RawValue::Text(e)) => Some(e.as_str()).filter(|e| !e.trim().is_empty()),
            _ => None,
        };
        let confirmation = Confirmation::new(email, false, true, uploads.len());
        return accepted(
            app,
            &decoy_receipt(&app.config.prefix, &app.now()),
            &confirmation,
            wants_json,
            &lacak_path,
            lang,
        );
    }

    let direct = match unggah::take(app, &form, &mut uploads, lang).await {
        Ok(keys) => keys,
        Err(NotTaken::Refused(error)) => return invalid(app, &form, &[error], wants_json, lang),
        Err(NotTaken::Failed(e)) => return unggah::failed(app, &e, wants_json, lang),
    };
    let now = app.now();
    let block = pengaduan_core::access::address_block(source);
    let (submission, files, replay) = match check(app, &form, &uploads, header_key, &block, now.date(), lang) {
        Ok(valid) => valid,
        Err(errors) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
            tracing::info!(outcome = "invalid", ?fields, %lang, "submission rejected");
            return invalid(app, &form, &errors, wants_json, lang);
        }
    };
    let mut complaint = Intake::online(submission, files, now.clone(), replay);
    complaint.deadline_rule = app.pages().deadline_rule_in(lang);
    complaint.lang = lang;
    let (anonim, files) = (complaint.submission.anonim, complaint.files.len());
    let recipient = pengaduan_core::notice::recipient(Some(&complaint.submission.personal), anonim).map(str::to_owned);
    let confirm = |mailed| Confirmation::new(recipient.as_deref(), anonim, mailed, files);
    // A replay's receipt was decided the first time: mailed unless the limit stopped it then.
    let replayed = confirm(true);

    match complaint.find_replay(&app.store, &app.config, now.timestamp()).await {
        Ok(Some(answer)) => {
            tracing::info!(outcome = "replay", "submission answered from idempotency record");
            return match answer {
                Submitted::Replay(receipt) | Submitted::New(receipt) => {
                    // The first request may have died between storing and committing its files.
                    finish_uploads(app, &receipt.nomor).await;
                    accepted(app, &receipt, &replayed, wants_json, &lacak_path, lang)
                }
                Submitted::KeyReused => key_reused(app, &form, wants_json, lang),
            };
        }
        Ok(None) => {}
        Err(e) => return store_failure(app, &e, wants_json, lang),
    }
    if let Some(refusal) = rate_limited(app, &form, source, &now, wants_json, lang).await {
        return refusal;
    }
    match receipt_allowed(app, &complaint, now.timestamp()).await {
        Ok(allowed) => complaint.mail_receipt = allowed,
        Err(e) => return store_failure(app, &e, wants_json, lang),
    }

    // Files first, under a pending key that expires: a failure before the complaint is stored
    // leaves nothing that is not cleaned up.
    let pending = match put_pending(app, complaint.files.clone(), uploads, now.timestamp()).await {
        Ok(pending) => pending,
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "attachment store failed");
            return unavailable(
                app,
                wants_json,
                lang,
                lang.pick(
                    "Lampiran Anda belum dapat disimpan karena gangguan pada sistem kami. Laporan Anda belum tersimpan; silakan coba lagi beberapa saat lagi.",
                    "Your attachments could not be saved because of a problem in our system. Your report has not been saved; please try again in a few moments.",
                ),
            );
        }
    };
    unggah::release(app, &direct).await;
    complaint.uploads.clone_from(&pending);
    let confirmation = confirm(complaint.mail_receipt);
    match intake(&app.store, &app.config, complaint).await {
        Ok(Submitted::New(receipt)) => {
            let mailed = matches!(confirmation.receipt, ReceiptOutcome::Mailed(_));
            tracing::info!(outcome = "stored", nomor = %receipt.nomor, files = pending.len(), mailed, "complaint registered");
            if !pending.is_empty() {
                finish_uploads(app, &receipt.nomor).await;
            }
            accepted(app, &receipt, &confirmation, wants_json, &lacak_path, lang)
        }
        Ok(Submitted::Replay(receipt)) => {
            tracing::info!(outcome = "replay", "concurrent duplicate answered from idempotency record");
            discard_attachments(app, &pending).await;
            finish_uploads(app, &receipt.nomor).await;
            accepted(app, &receipt, &replayed, wants_json, &lacak_path, lang)
        }
        Ok(Submitted::KeyReused) => {
            discard_attachments(app, &pending).await;
            key_reused(app, &form, wants_json, lang)
        }
        Err(e) => {
            discard_attachments(app, &pending).await;
            store_failure(app, &e, wants_json, lang)
        }
    }
}

/// The `422` for an idempotency key already used for another body: as the IETF
/// `Idempotency-Key` draft prescribes, and nothing of the first submission is shown.
fn key_reused<S: ComplaintStore>(app: &App<S>, form: &RawForm, wants_json: bool, lang: Lang) -> Response<Bytes> {
    tracing::info!(outcome = "key_reused", "submission refused");
    let error = FieldError {
        field: "idempotency_key",
        message: lang
            .pick(
                "Kunci idempotensi ini sudah dipakai untuk laporan lain. Muat ulang formulir, lalu kirim lagi.",
                "This idempotency key has already been used for another report. Reload the form, then send it again.",
            )
            .into(),
    };
    invalid(app, form, &[error], wants_json, lang)
}

/// A receipt shaped like a real one, for the honeypot: a plausible number and a fresh random
/// code, which no stored complaint matches, so tracking it finds nothing.
fn decoy_receipt(prefix: &str, now: &Zoned) -> Receipt {
    let code = pengaduan_store::intake::new_tracking_code();
    let digits = code.to_string().bytes().fold(0u64, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(b)));
    let received = now.round(jiff::Unit::Second).unwrap_or_else(|_| now.clone());
    Receipt {
        nomor: RegisterNumber::new(prefix, now.year(), 1 + digits % 400).to_string(),
        kode_lacak: code.to_string(),
        status: Status::Diterima,
        diterima_pada: rfc3339(&received),
    }
}

/// The submission's validated parts, or every field that is wrong (the form's fields, the
/// files, the idempotency key), one entry per field.
fn check<S>(
    app: &App<S>,
    form: &RawForm,
    uploads: &[body::Upload],
    header_key: Option<Result<String, http::header::ToStrError>>,
    block: &str,
    today: jiff::civil::Date,
    lang: Lang,
) -> Result<(pengaduan_core::Submission, Vec<ValidFile>, Replay), Vec<FieldError>> {
    let validated = pengaduan_core::submission::validate_in(form, today, lang);
    let mut errors = validated.as_ref().err().cloned().unwrap_or_default();
    let files = check_uploads(app, uploads, &mut errors, lang);
    let replay = match header_key {
        Some(Ok(key)) if is_valid_idempotency_key(&key) => Replay::Key(key),
        Some(_) => {
            if !errors.iter().any(|e| e.field == "idempotency_key") {
                errors.push(FieldError { field: "idempotency_key", message: idempotency_key_message(lang).into() });
            }
            Replay::Content(block.to_owned())
        }
        None => match form.get("idempotency_key") {
            Some(pengaduan_core::RawValue::Text(k)) if !k.trim().is_empty() => Replay::Key(k.trim().to_owned()),
            _ => Replay::Content(block.to_owned()),
        },
    };
    match (validated, files) {
        (Ok(submission), Some(files)) if errors.is_empty() => Ok((submission, files, replay)),
        _ => Err(errors),
    }
}

/// Counts the submission against its source's hourly limit; the `429` answer when over it:
/// for the HTML form, the form again with what was typed, and when to try again.
async fn rate_limited<S: ComplaintStore>(
    app: &App<S>,
    form: &RawForm,
    source: Option<IpAddr>,
    now: &Zoned,
    wants_json: bool,
    lang: Lang,
) -> Option<Response<Bytes>> {
    if app.http.rate_limit_per_hour == 0 {
        return None;
    }
    // By address block: an IPv6 host chooses freely among the 2^64 addresses of its /64, so
    // counting whole addresses would let one sender aim the office's receipts anywhere.
    let source = digest(&format!("source:{}", pengaduan_core::access::address_block(source)));
    match app.store.count_submission(&source, now.timestamp(), app.http.rate_limit_per_hour).await {
        Ok(RateDecision::Allowed) => None,
        Ok(RateDecision::Limited { retry_after }) if wants_json => {
            Some(too_many(app, Limit::Submissions, retry_after, wants_json, lang))
        }
        Ok(RateDecision::Limited { retry_after }) => Some(form_refused(app, form, retry_after, now, lang)),
        Err(e) => Some(store_failure(app, &e, wants_json, lang)),
    }
}

/// Whether the receipt of `complaint` may be mailed: counts it against its address's daily
/// limit, so that the office's mail cannot be aimed at any address. Past the limit the
/// complaint is still taken, without a receipt. Nothing is counted without an address.
async fn receipt_allowed<S: ComplaintStore>(
    app: &App<S>,
    complaint: &Intake,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let limit = app.http.receipts_per_address_per_day;
    let sub = &complaint.submission;
    let Some(address) = pengaduan_core::notice::recipient(Some(&sub.personal), sub.anonim) else { return Ok(true) };
    if limit == 0 {
        return Ok(true);
    }
    let key = pengaduan_store::receipt_counter_key(address);
    let decision = app.store.count_event(&key, now, pengaduan_store::RECEIPT_WINDOW, limit).await?;
    Ok(decision == RateDecision::Allowed)
}

/// Judges the uploaded files by their content; adds one message for `lampiran` when any fails.
pub(super) fn check_uploads<S>(
    app: &App<S>,
    uploads: &[body::Upload],
    errors: &mut Vec<FieldError>,
    lang: Lang,
) -> Option<Vec<ValidFile>> {
    use pengaduan_core::attachment::{FIELD, not_accepted_online_message, validate_files_in};
    let named: Vec<(String, &[u8])> = uploads.iter().map(|u| (u.name.clone(), &u.bytes[..])).collect();
    let problems = match validate_files_in(&named, lang) {
        Ok(files) if files.is_empty() || app.attachments.is_some() => return Some(files),
        Ok(_) => vec![FieldError { field: FIELD, message: not_accepted_online_message(lang).into() }],
        Err(problems) => problems,
    };
    // The contract promises one entry per failing field: the file messages become one.
    let message = problems.iter().map(|p| p.message.trim_end_matches('.')).collect::<Vec<_>>().join("; ");
    errors.push(FieldError { field: pengaduan_core::attachment::FIELD, message: format!("{message}.") });
    errors.sort_by_key(|e| pengaduan_core::submission::FIELD_ORDER.iter().position(|f| *f == e.field));
    None
}

pub(super) async fn put_pending<S>(
    app: &App<S>,
    files: Vec<ValidFile>,
    uploads: Vec<body::Upload>,
    now: Timestamp,
) -> Result<Vec<(PendingKey, ValidFile)>, AttachmentError> {
    let mut pending = Vec::with_capacity(files.len());
    // `check_uploads` refused files when there is no attachment store.
    let Some(store) = app.attachments.as_ref() else { return Ok(pending) };
    // Empty file inputs (a form sent with no file chosen) were dropped by validation, in order.
    let uploads = uploads.into_iter().filter(|u| !(u.bytes.is_empty() && u.name.trim().is_empty()));
    for (file, upload) in files.into_iter().zip(uploads) {
        match store.put_pending(&file, upload.bytes, now).await {
            Ok(key) => pending.push((key, file)),
            Err(e) => {
                let keys: Vec<PendingKey> = pending.into_iter().map(|(k, _)| k).collect();
                store.discard(&keys).await;
                return Err(e);
            }
        }
    }
    Ok(pending)
}

/// Commits the complaint's uploads if its record still names any. The complaint is stored
/// already; a failure here leaves the record naming them, and the next replay, staff opening the
/// complaint's files, or the sweep finishes the commit.
pub(super) async fn finish_uploads<S: ComplaintStore>(app: &App<S>, nomor: &str) {
    let Some(files) = app.attachments.as_ref() else { return };
    // The receipt's number is the one the store just wrote.
    let Some(nomor) = pengaduan_core::RegisterNumber::parse(nomor) else { return };
    if let Err(e) = pengaduan_store::uploads::finish(&app.store, files, &nomor).await {
        tracing::error!(error = %error_chain(&e), nomor = %nomor, "attachment commit left for the sweep");
    }
}

pub(super) async fn discard_attachments<S>(app: &App<S>, pending: &[(PendingKey, ValidFile)]) {
    if let Some(store) = app.attachments.as_ref().filter(|_| !pending.is_empty()) {
        let keys: Vec<PendingKey> = pending.iter().map(|(k, _)| k.clone()).collect();
        store.discard(&keys).await;
    }
}

/// The answer to a stored (or replayed) submission. JSON says when the receipt was not mailed
/// for the daily limit; the form's redirect carries the sealed confirmation
/// ([`Confirmation::seal`]) for the page it leads to.
fn accepted<S: ComplaintStore>(
    app: &App<S>,
    receipt: &Receipt,
    confirmation: &Confirmation,
    wants_json: bool,
    lacak_path: &str,
    lang: Lang,
) -> Response<Bytes> {
    if wants_json {
        let mut body = json!(receipt);
        if confirmation.receipt == ReceiptOutcome::OverLimit {
            body["tanda_terima_surel"] = json!(false);
            body["pesan"] = json!(receipt_withheld_message(lang));
        }
        json_response(StatusCode::CREATED, &body)
    } else {
        let code = receipt.kode_lacak.replace('-', "");
        let sealed = pengaduan_core::TrackingCode::parse(&code).map(|parsed| {
            let key = app.config.code_key.as_ref();
            // Valid from the time received, not this request's: a replay's redirect is the first.
            let received = receipt.diterima_pada.parse().unwrap_or_else(|_| app.now().timestamp());
            confirmation.seal(key, &receipt.nomor, &parsed, received)
        });
        let confirm = sealed.map(|s| format!("&konfirmasi={s}")).unwrap_or_default();
        redirect(&format!(
            "{lacak_path}?nomor={}&kode={}{confirm}{}",
            receipt.nomor,
            code_for_url(&code),
            lang_param(lang)
        ))
    }
}

/// Codes are Crockford base 32, URL-safe as they are; hyphens come back in the page.
fn code_for_url(code: &str) -> String {
    let c = code.as_bytes();
    if c.len() == 12 { format!("{}-{}-{}", &code[0..4], &code[4..8], &code[8..12]) } else { code.to_owned() }
}

fn invalid<S: ComplaintStore>(
    app: &App<S>,
    form: &RawForm,
    errors: &[FieldError],
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    if wants_json {
        return json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({ "errors": errors }));
    }
    let html = app.pages().form_with_errors(form, errors, lang).unwrap_or_else(|e| {
        tracing::error!(error = %error_chain(&e), "form template failed");
        let list: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        fallback_html(lang.pick("Kesalahan: Ada masalah", "Error: There is a problem"), &list.join(". "), lang)
    });
    html_response(StatusCode::UNPROCESSABLE_ENTITY, html)
}

/// The `429` for the HTML form: the form again with every typed value (files cannot be kept),
/// and when the source may send again, in minutes and as a time of day.
fn form_refused<S: ComplaintStore>(
    app: &App<S>,
    form: &RawForm,
    retry_after: u64,
    now: &Zoned,
    lang: Lang,
) -> Response<Bytes> {
    tracing::info!(outcome = "rate_limited", "submission refused");
    let seconds = i64::try_from(retry_after).unwrap_or(i64::MAX / 2);
    let until = now.checked_add(SignedDuration::from_secs(seconds)).unwrap_or_else(|_| now.clone());
    let (title, message) = too_many_submissions_words(retry_after, &until, lang);
    let html = app.pages().form_refused(form, (title, &message), lang).unwrap_or_else(|e| {
        tracing::error!(error = %error_chain(&e), "form template failed");
        fallback_html(title, &message, lang)
    });
    let mut resp = html_response(StatusCode::TOO_MANY_REQUESTS, html);
    resp.headers_mut().insert(header::RETRY_AFTER, http::HeaderValue::from(retry_after));
    resp
}
