//! The handler's state and its one entry point: every request is routed by its last path
//! segment and method to the submission, the status look-up or the survey, and every answer
//! leaves with the same headers.

use super::body::{self, BodyKind};
use super::pages::Pages;
use super::respond::{self, empty, error_response, method_not_allowed};
use super::{cari, jawaban, lengkapi, lookup, submit, survey, unggah};
use crate::HttpConfig;
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use jiff::{Timestamp, Zoned};
use pengaduan_core::Lang;
use pengaduan_core::published::PublishedRules;
use pengaduan_core::search::SiteSearch;
use pengaduan_store::answer::AnswerStore;
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::{ComplaintStore, Config, WorkflowStore};
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

type Clock = dyn Fn() -> Timestamp + Send + Sync;

/// The handler's state: the store, the settings and the templates.
pub struct App<S> {
    pub(super) store: S,
    pub(super) config: Config,
    pub(super) http: HttpConfig,
    pages: RwLock<Arc<Pages>>,
    clock: Box<Clock>,
    pub(super) attachments: Option<AnyAttachments>,
    /// Where browsers send files straight to the attachments (a bucket), for the pages'
    /// `connect-src`; worked out once, with the store.
    upload_origin: Option<String>,
    search: RwLock<Option<Arc<SiteSearch>>>,
}

impl<S: ComplaintStore> App<S> {
    /// Builds the handler's state, once per process.
    pub fn new(store: S, config: Config, http: HttpConfig, pages: Pages) -> Self {
        let pages = RwLock::new(Arc::new(pages));
        Self {
            store,
            config,
            http,
            pages,
            clock: Box::new(Timestamp::now),
            attachments: None,
            upload_origin: None,
            search: RwLock::new(None),
        }
    }

    /// Accepts attachments (`lampiran`) into this store; without one, files are refused.
    pub fn with_attachments(mut self, attachments: AnyAttachments) -> Self {
        self.upload_origin = attachments.upload_origin();
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

    /// Swaps in the time limits of newly published rules, keeping the templates.
    pub fn set_rules(&self, rules: &PublishedRules) {
        self.set_pages(Pages::clone(&self.pages()).with_rules(rules));
    }

    /// Swaps in the site's search (its pages file, after a build or a publish).
    pub fn set_search(&self, search: SiteSearch) {
        *self.search.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(search));
    }

    /// The site's search in hand, if the host gave one.
    pub fn search(&self) -> Option<Arc<SiteSearch>> {
        self.search.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The store's settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The HTTP settings.
    pub fn http(&self) -> &HttpConfig {
        &self.http
    }

    /// The store, for tests and tools.
    pub fn store(&self) -> &S {
        &self.store
    }

    pub(super) fn pages(&self) -> Arc<Pages> {
        Arc::clone(&self.pages.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub(super) fn now(&self) -> Zoned {
        (self.clock)().to_zoned(self.config.timezone.clone())
    }
}

/// Handles one request. `source` is the client's address, for the rate limit.
pub async fn handle<S: ComplaintStore + SurveyStore + WorkflowStore + AnswerStore>(
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
        ("pengaduan" | "lacak" | "survei" | "lengkapi", &Method::OPTIONS) => preflight(app, origin.as_deref()),
        ("survei", &Method::GET | &Method::HEAD | &Method::POST) => {
            survey::handle(app, req, source, wants_json, lang).await
        }
        ("pengaduan", &Method::POST) => submit::submit(app, req, source, &path).await,
        ("lengkapi", &Method::POST) => lengkapi::complete(app, req, source, wants_json, lang).await,
        ("jawaban", &Method::POST) => jawaban::download(app, req, source, wants_json, lang).await,
        ("unggah", &Method::POST) => unggah::presign(app, req.body(), source, lang).await,
        ("lacak", &Method::GET | &Method::HEAD) => {
            lookup::lookup_query(app, req.uri().query().unwrap_or(""), source, wants_json, lang).await
        }
        ("lacak", &Method::POST) => lookup_posted(app, &req, source, wants_json).await,
        ("cari", &Method::GET | &Method::HEAD) => {
            cari::search(app, &query_param(req.uri().query().unwrap_or(""), "q").unwrap_or_default(), wants_json, lang)
        }
        ("cari", _) => method_not_allowed(app, "GET, HEAD", wants_json, lang),
        ("pengaduan", _) => respond::form_address_opened(app, wants_json, lang),
        ("lacak", _) => method_not_allowed(app, "GET, HEAD, POST, OPTIONS", wants_json, lang),
        ("survei", _) => method_not_allowed(app, "GET, HEAD, POST, OPTIONS", wants_json, lang),
        ("lengkapi", _) => method_not_allowed(app, "POST, OPTIONS", wants_json, lang),
        ("jawaban" | "unggah", _) => method_not_allowed(app, "POST", wants_json, lang),
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

/// `POST …/lacak`: the look-up with `nomor` and `kode` (and `lang`, `cetak`) as form fields, so
/// the tracking code stays out of the browser's history and the server's logs; the same page,
/// refusals and limits as the `GET`, which goes the same way.
async fn lookup_posted<S: ComplaintStore + AnswerStore>(
    app: &App<S>,
    req: &Request<Bytes>,
    source: Option<IpAddr>,
    wants_json: bool,
) -> Response<Bytes> {
    let header_lang = request_lang(None, accept_language(req.headers()));
    let kind =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(BodyKind::from_content_type);
    if kind != Some(BodyKind::Form) {
        return respond::unsupported_type(app, wants_json, header_lang);
    }
    if req.body().len() > BodyKind::Form.limit() {
        return respond::too_large(app, wants_json, header_lang);
    }
    let Ok(fields) = std::str::from_utf8(req.body()) else {
        let title = header_lang.pick("Data tidak dapat dibaca", "The data cannot be read");
        let message = header_lang.pick("Data formulir bukan UTF-8 yang sah.", "The form data is not valid UTF-8.");
        return error_response(app, StatusCode::BAD_REQUEST, wants_json, header_lang, title, message);
    };
    let lang = request_lang(query_param(fields, "lang").as_deref(), accept_language(req.headers()));
    lookup::lookup_query(app, fields.trim(), source, wants_json, lang).await
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
        respond::too_large_title(lang),
        respond::too_large_message(lang),
    );
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    finish(app, &mut resp, origin);
    resp
}

/// The language to answer a request in: its `lang` field or query parameter when that names one
/// of ours (the site's forms send it), else the one `Accept-Language` prefers (JSON clients),
/// else Indonesian.
pub fn request_lang(field: Option<&str>, accept_language: Option<&str>) -> Lang {
    field.and_then(Lang::parse).unwrap_or_else(|| Lang::from_accept_language(accept_language))
}

/// The `Accept-Language` header, when it is readable text.
pub(super) fn accept_language(headers: &HeaderMap) -> Option<&str> {
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

/// Whether to answer in JSON: the client accepts it or sent it.
pub(super) fn wants_json(headers: &HeaderMap) -> bool {
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

fn preflight<S>(app: &App<S>, origin: Option<&str>) -> Response<Bytes> {
    let allowed = origin.is_some() && origin == app.http.site_origin.as_deref();
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

/// Headers every answer carries, and CORS for the configured site origin.
fn finish<S>(app: &App<S>, resp: &mut Response<Bytes>, origin: Option<&str>) {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let (Some(origin), Some(allowed)) = (origin, app.http.site_origin.as_deref())
        && origin == allowed
        && let Ok(value) = HeaderValue::from_str(origin)
    {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("Retry-After"));
    }
    if app.http.site_origin.is_some() {
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    if let Some(origin) = app.upload_origin.as_deref()
        && let Some(csp) = h.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok())
        && let Ok(value) = HeaderValue::from_str(&respond::with_upload_origin(csp, origin))
    {
        h.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    // The Lambda shell gzips for clients that accept it (see lambda.rs), as `serve` does.
    h.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
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
}
