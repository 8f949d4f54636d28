//! The HTTP adapter: one handler for `POST …/pengaduan`, `GET …/lacak` and `…/survei`, a plain async
//! function from request to response that the Lambda shell, the local server and the tests
//! all call the same way.

pub mod body;
pub mod pages;
mod survey;

use body::BodyKind;
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use jiff::{Timestamp, Zoned};
use pages::{Pages, StageView, StatusOptions, StatusView, fallback_html, lang_param};
use pengaduan_core::attachment::ValidFile;
use pengaduan_core::calendar::Deadline;
use pengaduan_core::datetime::{date_in, human_time_in, rfc3339};
use pengaduan_core::submission::{idempotency_key_message, is_valid_idempotency_key};
use pengaduan_core::{FieldError, Lang, RawForm, RawValue, RegisterNumber, Status, TrackingCode};
use pengaduan_store::attachments::{AnyAttachments, AttachmentError, AttachmentStore, PendingKey};
use pengaduan_store::intake::{Intake, Replay, digest, intake};
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::{
    ComplaintStore, Config, PublicRecord, RateDecision, Receipt, StoreError, Submitted, error_chain,
};
use serde_json::json;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type Clock = dyn Fn() -> Timestamp + Send + Sync;

/// The handler's state: the store, the settings and the templates.
pub struct App<S> {
    store: S,
    config: Config,
    pages: RwLock<Arc<Pages>>,
    clock: Box<Clock>,
    attachments: Option<AnyAttachments>,
}

impl<S: ComplaintStore> App<S> {
    /// Builds the handler's state, once per process.
    pub fn new(store: S, config: Config, pages: Pages) -> Self {
        Self { store, config, pages: RwLock::new(Arc::new(pages)), clock: Box::new(Timestamp::now), attachments: None }
    }

    /// Accepts attachments (`lampiran`) into this store; without one, files are refused.
    pub fn with_attachments(mut self, attachments: AnyAttachments) -> Self {
        self.attachments = Some(attachments);
        self
    }

    /// The attachment store, for tests and tools.
    pub fn attachments(&self) -> Option<&AnyAttachments> {
        self.attachments.as_ref()
    }

    /// Replaces the clock, for tests near a year's end.
    pub fn with_clock(mut self, clock: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Swaps in new templates (after an edit under `site-gen serve`).
    pub fn set_pages(&self, pages: Pages) {
        *self.pages.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(pages);
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The store, for tests and tools.
    pub fn store(&self) -> &S {
        &self.store
    }

    fn pages(&self) -> Arc<Pages> {
        Arc::clone(&self.pages.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn now(&self) -> Zoned {
        (self.clock)().to_zoned(self.config.timezone.clone())
    }
}

/// Handles one request. `source` is the client's address, for the rate limit.
pub async fn handle<S: ComplaintStore + SurveyStore>(
    app: &App<S>,
    req: Request<Bytes>,
    source: Option<IpAddr>,
) -> Response<Bytes> {
    let wants_json = wants_json(req.headers());
    let origin = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_owned);
    let path = req.uri().path().trim_end_matches('/').to_owned();
    let route = path.rsplit('/').next().unwrap_or("");
    let method = req.method().clone();
    // The query's `lang` (the tracking form is a GET form); a POST's body may name another.
    let lang =
        request_lang(query_param(req.uri().query().unwrap_or(""), "lang").as_deref(), accept_language(req.headers()));
    let mut response = match (route, &method) {
        ("pengaduan" | "lacak" | "survei", &Method::OPTIONS) => preflight(app, origin.as_deref()),
        ("survei", &Method::GET | &Method::HEAD | &Method::POST) => {
            survey::handle(app, req, source, wants_json, lang).await
        }
        ("pengaduan", &Method::POST) => submit(app, req, source, &path).await,
        ("lacak", &Method::GET | &Method::HEAD) => {
            lookup_query(app, req.uri().query().unwrap_or(""), source, wants_json, lang).await
        }
        ("pengaduan", _) => method_not_allowed(app, "POST, OPTIONS", wants_json, lang),
        ("lacak", _) => method_not_allowed(app, "GET, HEAD, OPTIONS", wants_json, lang),
        ("survei", _) => method_not_allowed(app, "GET, HEAD, POST, OPTIONS", wants_json, lang),
        _ => error_response(
            app,
            StatusCode::NOT_FOUND,
            wants_json,
            lang,
            lang.pick("Halaman tidak ditemukan", "Page not found"),
            lang.pick(
                "Alamat yang Anda buka tidak ada pada layanan pengaduan.",
                "The address you opened does not exist on the complaint service.",
            ),
        ),
    };
    finish(app, &mut response, origin.as_deref());
    tracing::info!(method = %method, route, status = response.status().as_u16(), "request handled");
    if method == Method::HEAD {
        *response.body_mut() = Bytes::new();
    }
    response
}

/// The `413` answer for a body the server stopped reading at its limit (the local server reads
/// bodies as a stream and gives up early, rather than buffer an oversized one).
pub fn payload_too_large<S: ComplaintStore>(app: &App<S>, headers: &HeaderMap) -> Response<Bytes> {
    let lang = request_lang(None, accept_language(headers));
    let mut resp = error_response(
        app,
        StatusCode::PAYLOAD_TOO_LARGE,
        wants_json(headers),
        lang,
        too_large_title(lang),
        too_large_message(lang),
    );
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    finish(app, &mut resp, origin);
    resp
}

const TOO_LARGE_MESSAGE: &str = "Data yang Anda kirim melebihi batas ukuran. Persingkat isian atau kurangi lampiran.";

fn too_large_message(lang: Lang) -> &'static str {
    lang.pick(
        TOO_LARGE_MESSAGE,
        "The data you sent is over the size limit. Shorten what you typed or attach fewer files.",
    )
}

fn too_large_title(lang: Lang) -> &'static str {
    lang.pick("Data terlalu besar", "Too much data")
}

/// The language to answer a request in: its `lang` field or query parameter when that names one
/// of ours (the site's forms send it), else the one `Accept-Language` prefers (JSON clients),
/// else Indonesian.
pub fn request_lang(field: Option<&str>, accept_language: Option<&str>) -> Lang {
    field.and_then(Lang::parse).unwrap_or_else(|| Lang::from_accept_language(accept_language))
}

/// The `Accept-Language` header, when it is readable text.
fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())
}

/// The first value of the query parameter `name`, decoded; `None` when absent or unreadable.
fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(n, _)| *n == name)
        .and_then(|(_, value)| body::decode_component(value.as_bytes()).ok())
}

fn wants_json(headers: &HeaderMap) -> bool {
    let accept_json = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("application/json"));
    let body_json =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(BodyKind::from_content_type)
            == Some(BodyKind::Json);
    accept_json || body_json
}

async fn submit<S: ComplaintStore>(
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
        let lang = header_lang;
        return error_response(
            app,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            wants_json,
            lang,
            lang.pick("Jenis data tidak didukung", "Unsupported type of data"),
            lang.pick(
                "Kirim formulir sebagai application/x-www-form-urlencoded, multipart/form-data, atau application/json.",
                "Send the form as application/x-www-form-urlencoded, multipart/form-data, or application/json.",
            ),
        );
    };
    if req.body().len() > kind.limit() {
        let lang = header_lang;
        return error_response(
            app,
            StatusCode::PAYLOAD_TOO_LARGE,
            wants_json,
            lang,
            too_large_title(lang),
            too_large_message(lang),
        );
    }
    let accept = accept_language(req.headers()).map(str::to_owned);
    let header_key = req.headers().get("idempotency-key").map(|v| v.to_str().map(str::to_owned));
    let (form, uploads) = match body::parse(&kind, req.into_body()).await {
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
        return accepted(&decoy_receipt(&app.config.prefix, &app.now()), wants_json, &lacak_path, lang);
    }

    let now = app.now();
    let (submission, files, replay) = match check(app, &form, &uploads, header_key, now.date(), lang) {
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

    match app.store.find_replay(&complaint.replay_key(), now.timestamp()).await {
        Ok(Some(stored)) => {
            tracing::info!(outcome = "replay", "submission answered from idempotency record");
            return match stored.judge(complaint.body_digest().as_deref()) {
                Submitted::Replay(receipt) | Submitted::New(receipt) => {
                    // The first request may have died between storing and committing its files.
                    finish_uploads(app, &receipt.nomor).await;
                    accepted(&receipt, wants_json, &lacak_path, lang)
                }
                Submitted::KeyReused => key_reused(app, &form, wants_json, lang),
            };
        }
        Ok(None) => {}
        Err(e) => return store_failure(app, &e, wants_json, lang),
    }
    if let Some(refusal) = rate_limited(app, source, now.timestamp(), wants_json, lang).await {
        return refusal;
    }

    // Files first, under a pending key that expires: a failure before the complaint is stored
    // leaves nothing that is not cleaned up.
    let pending = match put_pending(app, complaint.files.clone(), uploads, now.timestamp()).await {
        Ok(pending) => pending,
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "attachment store failed");
            return error_response(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                wants_json,
                lang,
                unavailable_title(lang),
                lang.pick(
                    "Lampiran Anda belum dapat disimpan karena gangguan pada sistem kami. Laporan Anda belum tersimpan; silakan coba lagi beberapa saat lagi.",
                    "Your attachments could not be saved because of a problem in our system. Your report has not been saved; please try again in a few moments.",
                ),
            );
        }
    };
    complaint.uploads.clone_from(&pending);
    match intake(&app.store, &app.config, complaint).await {
        Ok(Submitted::New(receipt)) => {
            tracing::info!(outcome = "stored", nomor = %receipt.nomor, files = pending.len(), "complaint registered");
            if !pending.is_empty() {
                finish_uploads(app, &receipt.nomor).await;
            }
            accepted(&receipt, wants_json, &lacak_path, lang)
        }
        Ok(Submitted::Replay(receipt)) => {
            tracing::info!(outcome = "replay", "concurrent duplicate answered from idempotency record");
            discard_attachments(app, &pending).await;
            finish_uploads(app, &receipt.nomor).await;
            accepted(&receipt, wants_json, &lacak_path, lang)
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
            Replay::Content
        }
        None => match form.get("idempotency_key") {
            Some(pengaduan_core::RawValue::Text(k)) if !k.trim().is_empty() => Replay::Key(k.trim().to_owned()),
            _ => Replay::Content,
        },
    };
    match (validated, files) {
        (Ok(submission), Some(files)) if errors.is_empty() => Ok((submission, files, replay)),
        _ => Err(errors),
    }
}

/// Counts the submission against its source's hourly limit; the `429` answer when over it.
async fn rate_limited<S: ComplaintStore>(
    app: &App<S>,
    source: Option<IpAddr>,
    now: Timestamp,
    wants_json: bool,
    lang: Lang,
) -> Option<Response<Bytes>> {
    if app.config.rate_limit_per_hour == 0 {
        return None;
    }
    let source = digest(&format!("source:{}", source.map(|ip| ip.to_string()).unwrap_or_default()));
    match app.store.count_submission(&source, now, app.config.rate_limit_per_hour).await {
        Ok(RateDecision::Allowed) => None,
        Ok(RateDecision::Limited { retry_after }) => {
            tracing::info!(outcome = "rate_limited", "submission refused");
            let minutes = retry_after.div_ceil(60);
            let mut resp = error_response(
                app,
                StatusCode::TOO_MANY_REQUESTS,
                wants_json,
                lang,
                lang.pick("Terlalu banyak pengiriman", "Too many reports sent"),
                &lang.pick(
                    format!(
                        "Anda telah mengirim terlalu banyak laporan dalam satu jam. Coba lagi dalam {minutes} menit, atau hubungi kami melalui saluran lain."
                    ),
                    format!(
                        "You have sent too many reports in one hour. Try again in {minutes} {}, or contact us through another channel.",
                        minutes_word(minutes)
                    ),
                ),
            );
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            Some(resp)
        }
        Err(e) => Some(store_failure(app, &e, wants_json, lang)),
    }
}

/// Judges the uploaded files by their content; adds one message for `lampiran` when any fails.
fn check_uploads<S>(
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

async fn put_pending<S>(
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
async fn finish_uploads<S: ComplaintStore>(app: &App<S>, nomor: &str) {
    let Some(files) = app.attachments.as_ref() else { return };
    if let Err(e) = pengaduan_store::uploads::finish(&app.store, files, nomor).await {
        tracing::error!(error = %error_chain(&e), nomor, "attachment commit left for the sweep");
    }
}

async fn discard_attachments<S>(app: &App<S>, pending: &[(PendingKey, ValidFile)]) {
    if let Some(store) = app.attachments.as_ref().filter(|_| !pending.is_empty()) {
        let keys: Vec<PendingKey> = pending.iter().map(|(k, _)| k.clone()).collect();
        store.discard(&keys).await;
    }
}

fn accepted(receipt: &Receipt, wants_json: bool, lacak_path: &str, lang: Lang) -> Response<Bytes> {
    if wants_json {
        json_response(StatusCode::CREATED, &json!(receipt))
    } else {
        let code = receipt.kode_lacak.replace('-', "");
        redirect(&format!("{lacak_path}?nomor={}&kode={}{}", receipt.nomor, code_for_url(&code), lang_param(lang)))
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

async fn lookup_query<S: ComplaintStore>(
    app: &App<S>,
    query: &str,
    source: Option<IpAddr>,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    let guesser = lookup_source_key(source);
    let now = app.now().timestamp();
    if let Some(refusal) = lookup_refused(app, &guesser, now, wants_json, lang).await {
        return refusal;
    }
    let mut nomor = String::new();
    let mut kode = String::new();
    let mut print = false;
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Ok(value) = body::decode_component(value.as_bytes()) else {
            let unreadable = error_response(
                app,
                StatusCode::BAD_REQUEST,
                wants_json,
                lang,
                lang.pick("Data tidak dapat dibaca", "The data cannot be read"),
                lang.pick("Alamat pelacakan tidak sah.", "The tracking address is not valid."),
            );
            return failed_lookup(app, &guesser, now, unreadable, wants_json, lang).await;
        };
        match name {
            "nomor" if nomor.is_empty() => nomor = value,
            "kode" if kode.is_empty() => kode = value,
            // The receipt on its own, to print (HTML only: the JSON answer ignores it).
            "cetak" => print = value == "1",
            _ => {}
        }
    }
    // People reach this from the tracking form: a mistake shows that form again, values kept.
    let form_again = |status: StatusCode, title: &str, message: &str| {
        if wants_json {
            return error_response(app, status, true, lang, title, message);
        }
        match app.pages().lacak_with_error(nomor.trim(), kode.trim(), message, lang) {
            Ok(html) => html_response(status, html),
            Err(e) => {
                tracing::error!(error = %error_chain(&e), "tracking template failed");
                html_response(status, fallback_html(title, message, lang))
            }
        }
    };
    if nomor.trim().is_empty() || kode.trim().is_empty() {
        return form_again(
            StatusCode::BAD_REQUEST,
            lang.pick("Nomor dan kode diperlukan", "Number and code required"),
            lang.pick(
                "Masukkan nomor register dan kode lacak yang Anda terima saat mengirim laporan.",
                "Enter the register number and the tracking code you were given when you sent your report.",
            ),
        );
    }
    let not_found = || {
        form_again(
            StatusCode::NOT_FOUND,
            lang.pick("Pengaduan tidak ditemukan", "Complaint not found"),
            lang.pick(
                "Tidak ada pengaduan dengan nomor dan kode lacak tersebut. Periksa kembali nomor register dan kode lacak Anda.",
                "There is no complaint with that register number and tracking code. Check your register number and tracking code and try again.",
            ),
        )
    };
    let (record, code) = match find_with_code(app, &guesser, now, (&nomor, &kode), not_found, wants_json, lang).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    use pengaduan_core::workflow;
    let tz = app.config.timezone.clone();
    let received = record.received_at.to_zoned(tz.clone());
    // Dated public statuses from the history; a complaint stored before histories existed
    // still shows the day it was received.
    let mut events: Vec<(Status, jiff::civil::Date)> =
        record.events.iter().map(|e| (e.status, e.on.unwrap_or_else(|| e.at.to_zoned(tz.clone()).date()))).collect();
    if !events.iter().any(|(s, _)| *s == Status::Diterima) {
        events.insert(0, (Status::Diterima, received.date()));
    }
    let public_stages = workflow::public_stages(record.status, &events);
    let stages = public_stages
        .iter()
        .map(|st| StageView {
            status: st.status.code(),
            label: st.status.label_in(lang),
            reached: st.reached,
            date_text: st.date.map(|d| date_in(lang, d)).unwrap_or_default(),
        })
        .collect();
    // The deadline counts only while the clock runs (files complete, not returned since).
    let deadline = record
        .deadline
        .filter(|_| matches!(record.status, Status::Diverifikasi | Status::Diproses | Status::Selesai))
        .map(|value| Deadline { value, provisional: record.deadline_provisional });
    // The status's own plain sentence, not the stored next procedure step: that is the service
    // page's wording for staff ("JFT Analis Kebijakan ...: Memverifikasi dan memaraf ...").
    let next_step = record.status.next_step_in(lang).to_owned();
    let view = StatusView {
        nomor: record.nomor.to_string(),
        kode_lacak: code.to_string(),
        status: record.status.code(),
        status_label: record.status.label_in(lang),
        jenis_label: record.jenis.label_in(lang),
        judul: record.judul.clone(),
        diterima_pada: rfc3339(&received),
        diterima_pada_text: human_time_in(lang, &received),
        next_step,
        stages,
        deadline_text: deadline.map(|d| date_in(lang, d.value)).unwrap_or_default(),
        deadline_provisional: deadline.is_some_and(|d| d.provisional),
        deadline_note: deadline.and_then(|d| d.provisional_note_in(lang)).unwrap_or_default(),
    };
    if wants_json {
        let tahapan: Vec<_> = public_stages
            .iter()
            .map(|st| {
                json!({
                    "status": st.status.code(),
                    "label": st.status.label_in(lang),
                    "tercapai": st.reached,
                    "tanggal": st.date.map(|d| d.to_string()),
                })
            })
            .collect();
        return json_response(
            StatusCode::OK,
            &json!({
                "nomor": view.nomor,
                "status": view.status,
                "status_label": view.status_label,
                "jenis": record.jenis.code(),
                "diterima_pada": view.diterima_pada,
                "langkah_berikutnya": view.next_step,
                "tahapan": tahapan,
                "tenggat": deadline.map(|d| d.value.to_string()),
                "tenggat_sementara": view.deadline_provisional,
            }),
        );
    }
    let options = StatusOptions { print, site_origin: app.config.site_origin.as_deref() };
    match app.pages().status(&view, options, lang) {
        Ok(html) => html_response(StatusCode::OK, html),
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "status template failed");
            html_response(
                StatusCode::OK,
                fallback_html(
                    &format!("Status {}", view.nomor),
                    &format!("Status: {}. {}", view.status_label, view.next_step),
                    lang,
                ),
            )
        }
    }
}

/// Refuses a source over [`LOOKUP_FAILURES_PER_10_MIN`]. Checked before anything is looked
/// up: over the limit, a right guess must get the same answer as a wrong one, or the limit
/// would only slow the search down.
async fn lookup_refused<S: ComplaintStore>(
    app: &App<S>,
    guesser: &str,
    now: Timestamp,
    wants_json: bool,
    lang: Lang,
) -> Option<Response<Bytes>> {
    match app.store.peek_events(guesser, now, LOOKUP_FAILURE_WINDOW, LOOKUP_FAILURES_PER_10_MIN).await {
        Ok(RateDecision::Allowed) => None,
        Ok(RateDecision::Limited { retry_after }) => Some(too_many_lookups(app, retry_after, wants_json, lang)),
        Err(e) => Some(store_failure(app, &e, wants_json, lang)),
    }
}

/// The complaint numbered `nomor` if `kode` is its tracking code (`given` is both), else
/// `not_found()` (counted as a failed look-up of `guesser`): the one check behind the status
/// page and the survey.
async fn find_with_code<S: ComplaintStore>(
    app: &App<S>,
    guesser: &str,
    now: Timestamp,
    (nomor, kode): (&str, &str),
    not_found: impl FnOnce() -> Response<Bytes>,
    wants_json: bool,
    lang: Lang,
) -> Result<(PublicRecord, TrackingCode), Response<Bytes>> {
    let (Some(number), Some(code)) = (RegisterNumber::parse(nomor), TrackingCode::parse(kode)) else {
        return Err(failed_lookup(app, guesser, now, not_found(), wants_json, lang).await);
    };
    let stored = match app.store.find_public(&number).await {
        Ok(stored) => stored,
        Err(e) => return Err(store_failure(app, &e, wants_json, lang)),
    };
    // An unknown number does the same work as a wrong code (hash the code given, compare it in
    // constant time), so the answer's timing does not tell which numbers exist.
    // The digest under the scheme the record was stored with (keyed, or plain for older ones);
    // an unknown number is hashed as a new code would be.
    let key = app.config.code_key.as_ref().map(pengaduan_store::config::CodeKey::bytes);
    let stored_digest = stored.as_ref().map_or(UNKNOWN_NUMBER_DIGEST, |r| r.kode_hash.as_str());
    let given = match stored.as_ref() {
        Some(r) => code.digest_like(&r.kode_hash, key).unwrap_or_else(|| {
            tracing::error!("a keyed tracking-code digest and no key: set PENGADUAN_CODE_KEY");
            String::new()
        }),
        None => code.digest_with(key),
    };
    let matches = digests_match(&given, stored_digest);
    let record = match stored {
        Some(record) if matches => record,
        _ => return Err(failed_lookup(app, guesser, now, not_found(), wants_json, lang).await),
    };
    Ok((record, code))
}

/// Failed tracking look-ups (unknown number, wrong code, malformed either) one source may make
/// in ten minutes; the next is refused with `429` until the window ends. Always on: unlike the
/// submission limit it guards the codes' secrecy, not the office's workload.
pub const LOOKUP_FAILURES_PER_10_MIN: u32 = 30;

/// The window [`LOOKUP_FAILURES_PER_10_MIN`] counts in.
const LOOKUP_FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The stored digest an unknown number is compared against: SHA-256 of the empty string, which
/// no tracking code (twelve characters) has, so the comparison always fails, yet costs the same.
const UNKNOWN_NUMBER_DIGEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Whether two digests are equal, in time that depends on their length only (which is public),
/// never on where they first differ: an early exit would let a guesser find a digest byte by
/// byte.
fn digests_match(given: &str, stored: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(given.as_bytes().ct_eq(stored.as_bytes()))
}

/// The counter key of a source's failed look-ups: a digest, namespaced apart from the submission
/// limit's. An IPv6 source counts by its /64, the block one subscriber is usually given, or each
/// of its addresses would get a fresh allowance.
fn lookup_source_key(source: Option<IpAddr>) -> String {
    let source = match source.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => ip.to_string(),
        None => String::new(),
    };
    digest(&format!("lacak-gagal:{source}"))
}

/// Counts a failed look-up against its source and gives `failure`, or the `429` when this one
/// is past the limit (concurrent failures got there first). A count the store cannot make is a
/// `503`: a limit that silently stops counting protects nothing.
async fn failed_lookup<S: ComplaintStore>(
    app: &App<S>,
    guesser: &str,
    now: Timestamp,
    failure: Response<Bytes>,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    match app.store.count_event(guesser, now, LOOKUP_FAILURE_WINDOW, LOOKUP_FAILURES_PER_10_MIN).await {
        Ok(RateDecision::Allowed) => failure,
        Ok(RateDecision::Limited { retry_after }) => too_many_lookups(app, retry_after, wants_json, lang),
        Err(e) => store_failure(app, &e, wants_json, lang),
    }
}

/// The `429` for a source over [`LOOKUP_FAILURES_PER_10_MIN`], shaped like the submission limit's.
fn too_many_lookups<S: ComplaintStore>(
    app: &App<S>,
    retry_after: u64,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    tracing::info!(outcome = "lookup_limited", "tracking look-up refused");
    let minutes = retry_after.div_ceil(60);
    let mut resp = error_response(
        app,
        StatusCode::TOO_MANY_REQUESTS,
        wants_json,
        lang,
        lang.pick("Terlalu banyak percobaan pelacakan", "Too many tracking attempts"),
        &lang.pick(
            format!(
                "Terlalu banyak percobaan pelacakan. Coba lagi dalam {minutes} menit. Periksa nomor register dan kode lacak pada tanda terima Anda, atau hubungi kami melalui saluran lain."
            ),
            format!(
                "Too many tracking attempts. Try again in {minutes} {}. Check the register number and tracking code on your receipt, or contact us through another channel.",
                minutes_word(minutes)
            ),
        ),
    );
    resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    resp
}

fn preflight<S>(app: &App<S>, origin: Option<&str>) -> Response<Bytes> {
    let allowed = origin.is_some() && origin == app.config.site_origin.as_deref();
    let mut resp = empty(if allowed { StatusCode::NO_CONTENT } else { StatusCode::FORBIDDEN });
    if allowed {
        let h = resp.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Content-Type, Accept, Idempotency-Key"),
        );
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    }
    resp
}

/// "minute" or "minutes", for an English count.
fn minutes_word(n: u64) -> &'static str {
    if n == 1 { "minute" } else { "minutes" }
}

fn method_not_allowed<S: ComplaintStore>(
    app: &App<S>,
    allow: &'static str,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    let mut resp = error_response(
        app,
        StatusCode::METHOD_NOT_ALLOWED,
        wants_json,
        lang,
        lang.pick("Metode tidak diizinkan", "Method not allowed"),
        lang.pick(
            "Alamat ini tidak menerima permintaan seperti itu.",
            "This address does not accept that kind of request.",
        ),
    );
    resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    resp
}

fn unavailable_title(lang: Lang) -> &'static str {
    lang.pick("Layanan sedang terganggu", "Service temporarily unavailable")
}

fn store_failure<S: ComplaintStore>(app: &App<S>, e: &StoreError, wants_json: bool, lang: Lang) -> Response<Bytes> {
    tracing::error!(error = %error_chain(e), "store failed");
    error_response(
        app,
        StatusCode::SERVICE_UNAVAILABLE,
        wants_json,
        lang,
        unavailable_title(lang),
        lang.pick(
            "Laporan Anda belum tersimpan karena gangguan pada sistem kami. Silakan coba lagi beberapa saat lagi; data yang Anda isi tidak kami simpan sebagian.",
            "Your report has not been saved because of a problem in our system. Please try again in a few moments; nothing you entered has been partly saved.",
        ),
    )
}

fn error_response<S: ComplaintStore>(
    app: &App<S>,
    status: StatusCode,
    wants_json: bool,
    lang: Lang,
    title: &str,
    message: &str,
) -> Response<Bytes> {
    if wants_json {
        return json_response(status, &json!({ "error": message }));
    }
    let html = app.pages().error(status.as_u16(), title, message, lang).unwrap_or_else(|e| {
        tracing::error!(error = %error_chain(&e), "error template failed");
        fallback_html(title, message, lang)
    });
    html_response(status, html)
}

/// Headers every answer carries, and CORS for the configured site origin.
fn finish<S>(app: &App<S>, resp: &mut Response<Bytes>, origin: Option<&str>) {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let (Some(origin), Some(allowed)) = (origin, app.config.site_origin.as_deref())
        && origin == allowed
        && let Ok(value) = HeaderValue::from_str(origin)
    {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("Retry-After"));
    }
    if app.config.site_origin.is_some() {
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
}

fn json_response(status: StatusCode, value: &serde_json::Value) -> Response<Bytes> {
    let mut resp = Response::new(Bytes::from(value.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

fn html_response(status: StatusCode, html: String) -> Response<Bytes> {
    let mut resp = Response::new(Bytes::from(html));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    resp
}

fn redirect(location: &str) -> Response<Bytes> {
    let mut resp = empty(StatusCode::SEE_OTHER);
    if let Ok(value) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, value);
    }
    resp
}

fn empty(status: StatusCode) -> Response<Bytes> {
    let mut resp = Response::new(Bytes::new());
    *resp.status_mut() = status;
    resp
}

#[cfg(test)]
mod lang_tests {
    use super::*;

    #[test]
    fn the_lang_field_beats_the_header_which_beats_the_default() {
        assert_eq!(request_lang(None, None), Lang::Id);
        assert_eq!(request_lang(None, Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(request_lang(Some("en"), None), Lang::En);
        assert_eq!(request_lang(Some("id"), Some("en")), Lang::Id, "the form's field wins");
        assert_eq!(request_lang(Some("EN"), Some("id")), Lang::En);
        assert_eq!(request_lang(Some("fr"), Some("en")), Lang::En, "an unknown field falls back to the header");
        assert_eq!(request_lang(Some(""), Some("fr")), Lang::Id);
    }

    #[test]
    fn the_query_lang_is_read_decoded_and_first_wins() {
        assert_eq!(query_param("nomor=PGD-2026-00001&kode=X&lang=en", "lang").as_deref(), Some("en"));
        assert_eq!(query_param("lang=en&lang=id", "lang").as_deref(), Some("en"));
        assert_eq!(query_param("lang=%65n", "lang").as_deref(), Some("en"));
        assert_eq!(query_param("nomor=1&kode=2", "lang"), None);
        assert_eq!(query_param("", "lang"), None);
        assert_eq!(query_param("lang=%FF", "lang"), None);
    }

    #[test]
    fn english_counts_minutes_in_the_singular_and_plural() {
        assert_eq!(minutes_word(1), "minute");
        assert_eq!(minutes_word(5), "minutes");
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    #[test]
    fn digests_match_only_when_equal() {
        let code = TrackingCode::parse("7KQ2-M9XD-4TPA").unwrap().digest();
        assert!(digests_match(&code, &code.clone()));
        let mut last_differs = code.clone().into_bytes();
        last_differs[63] = if last_differs[63] == b'0' { b'1' } else { b'0' };
        assert!(!digests_match(&code, std::str::from_utf8(&last_differs).unwrap()), "the last byte counts");
        let first_differs = format!("{}{}", if code.starts_with('0') { '1' } else { '0' }, &code[1..]);
        assert!(!digests_match(&code, &first_differs), "the first byte counts");
        assert!(!digests_match(&code, &code[..63]), "a prefix is no match");
        assert!(!digests_match(&code, ""), "nor is nothing");
        assert!(!digests_match("", &code));
    }

    #[test]
    fn an_unknown_number_is_compared_against_a_digest_no_code_has() {
        assert_eq!(UNKNOWN_NUMBER_DIGEST, digest(""), "SHA-256 of the empty string");
        let code = TrackingCode::parse("0000-0000-0000").unwrap().digest();
        assert_eq!(code.len(), UNKNOWN_NUMBER_DIGEST.len(), "the same length, so the same work");
        assert!(!digests_match(&code, UNKNOWN_NUMBER_DIGEST));
    }

    #[test]
    fn failed_lookups_count_per_source_apart_from_submissions() {
        let v4 = |d| Some(IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, d)));
        assert_eq!(lookup_source_key(v4(7)), lookup_source_key(v4(7)));
        assert_ne!(lookup_source_key(v4(7)), lookup_source_key(v4(8)));
        assert_ne!(lookup_source_key(v4(7)), digest("source:203.0.113.7"), "not the submission limit's key");
        let v6 = |s: &str| Some(IpAddr::V6(s.parse().unwrap()));
        assert_eq!(lookup_source_key(v6("2001:db8:1:2::1")), lookup_source_key(v6("2001:db8:1:2:ffff::9")), "one /64");
        assert_ne!(lookup_source_key(v6("2001:db8:1:2::1")), lookup_source_key(v6("2001:db8:1:3::1")));
        assert_eq!(lookup_source_key(v6("::ffff:203.0.113.7")), lookup_source_key(v4(7)), "IPv4-mapped");
    }
}
