//! The answers every route shares: error pages or JSON errors in the request's language, the
//! `429`s, the `503`, and the plain HTML, JSON and redirect responses.

use super::App;
use super::pages::fallback_html;
use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Response, StatusCode};
use pengaduan_core::Lang;
use pengaduan_store::{ComplaintStore, StoreError, error_chain};
use serde_json::json;

/// The policy of every HTML answer: its own styles and scripts only, framed by no one.
/// `connect-src 'self'`: a form page this answers (the form again with its messages) sends its
/// files with a script, to the API and, on AWS, to the bucket ([`with_upload_origin`]).
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'";

const TOO_LARGE_MESSAGE: &str = "Data yang Anda kirim melebihi batas ukuran. Persingkat isian atau kurangi lampiran.";

/// Why a body over its limit is refused.
pub(super) fn too_large_message(lang: Lang) -> &'static str {
    lang.pick(
        TOO_LARGE_MESSAGE,
        "The data you sent is over the size limit. Shorten what you typed or attach fewer files.",
    )
}

/// The title of the `413` answer.
pub(super) fn too_large_title(lang: Lang) -> &'static str {
    lang.pick("Data terlalu besar", "Too much data")
}

/// The `415` for a body of a type the forms do not send.
pub(super) fn unsupported_type<S: ComplaintStore>(app: &App<S>, wants_json: bool, lang: Lang) -> Response<Bytes> {
    error_response(
        app,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        wants_json,
        lang,
        lang.pick("Jenis data tidak didukung", "Unsupported type of data"),
        lang.pick(
            "Kirim formulir sebagai application/x-www-form-urlencoded, multipart/form-data, atau application/json.",
            "Send the form as application/x-www-form-urlencoded, multipart/form-data, or application/json.",
        ),
    )
}

/// The `413` for a body over its limit.
pub(super) fn too_large<S: ComplaintStore>(app: &App<S>, wants_json: bool, lang: Lang) -> Response<Bytes> {
    error_response(app, StatusCode::PAYLOAD_TOO_LARGE, wants_json, lang, too_large_title(lang), too_large_message(lang))
}

/// "minute" or "minutes", for an English count.
fn minutes_word(n: u64) -> &'static str {
    if n == 1 { "minute" } else { "minutes" }
}

/// What a source sent too many of: the two limits answer alike and explain themselves apart.
#[derive(Clone, Copy)]
pub(super) enum Limit {
    /// Submissions in an hour (`PENGADUAN_RATE_LIMIT_PER_HOUR`).
    Submissions,
    /// Failed tracking look-ups in ten minutes (status page and survey).
    Lookups,
}

/// The `429` for a source over `limit`, with `Retry-After` and the wait in whole minutes.
pub(super) fn too_many<S: ComplaintStore>(
    app: &App<S>,
    limit: Limit,
    retry_after: u64,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    match limit {
        Limit::Submissions => tracing::info!(outcome = "rate_limited", "submission refused"),
        Limit::Lookups => tracing::info!(outcome = "lookup_limited", "tracking look-up refused"),
    }
    let (title, message) = limit_words(limit, retry_after, lang);
    let mut resp = error_response(app, StatusCode::TOO_MANY_REQUESTS, wants_json, lang, title, &message);
    resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    resp
}

/// The title and message of the `429` for `limit`, with the wait (`retry_after` seconds) in
/// whole minutes, rounded up.
fn limit_words(limit: Limit, retry_after: u64, lang: Lang) -> (&'static str, String) {
    let minutes = retry_after.div_ceil(60);
    let wait = lang
        .pick(format!("Coba lagi dalam {minutes} menit"), format!("Try again in {minutes} {}", minutes_word(minutes)));
    match limit {
        Limit::Submissions => (
            lang.pick("Terlalu banyak pengiriman", "Too many reports sent"),
            lang.pick(
                format!("Anda telah mengirim terlalu banyak laporan dalam satu jam. {wait}, atau hubungi kami melalui saluran lain."),
                format!("You have sent too many reports in one hour. {wait}, or contact us through another channel."),
            ),
        ),
        Limit::Lookups => (
            lang.pick("Terlalu banyak percobaan pelacakan", "Too many tracking attempts"),
            lang.pick(
                format!("Terlalu banyak percobaan pelacakan. {wait}. Periksa nomor register dan kode lacak pada tanda terima Anda, atau hubungi kami melalui saluran lain."),
                format!("Too many tracking attempts. {wait}. Check the register number and tracking code on your receipt, or contact us through another channel."),
            ),
        ),
    }
}

/// The title and message of the submissions `429` shown above the form: the wait in minutes
/// and the time it ends (`until`, in the office's time zone), and that the typed values are
/// kept but the files are not.
pub(super) fn too_many_submissions_words(retry_after: u64, until: &jiff::Zoned, lang: Lang) -> (&'static str, String) {
    let minutes = retry_after.div_ceil(60);
    let at = pengaduan_core::datetime::human_time_in(lang, until);
    let title = lang.pick("Terlalu banyak pengiriman", "Too many reports sent");
    let message = lang.pick(
        format!(
            "Laporan Anda belum terkirim: dari jaringan ini sudah terlalu banyak laporan dikirim dalam satu jam. \
             Coba lagi dalam {minutes} menit (setelah {at}), atau hubungi kami melalui saluran lain. \
             Isian Anda masih ada di formulir di bawah ini; lampiran, jika ada, perlu dipilih lagi."
        ),
        format!(
            "Your report has not been sent: too many reports have been sent from this network in one hour. \
             Try again in {minutes} {} (after {at}), or contact us through another channel. \
             What you typed is still in the form below; attachments, if any, must be chosen again.",
            minutes_word(minutes)
        ),
    );
    (title, message)
}

/// Where a register number and tracking code were asked for: each says where to find them.
#[derive(Clone, Copy)]
pub(super) enum Lookup {
    /// The tracking form (`…/lacak`).
    Status,
    /// The survey (`…/survei`), opened from the status page.
    Survey,
}

/// The `400` for a look-up missing its number or its code, shown by `show` (the tracking form
/// again, or the error page) with its status, title and message.
pub(super) fn number_and_code_required(
    lookup: Lookup,
    lang: Lang,
    show: impl FnOnce(StatusCode, &str, &str) -> Response<Bytes>,
) -> Response<Bytes> {
    let message = match lookup {
        Lookup::Status => lang.pick(
            "Masukkan nomor register dan kode lacak yang Anda terima saat mengirim laporan.",
            "Enter the register number and the tracking code you were given when you sent your report.",
        ),
        Lookup::Survey => lang.pick(
            "Survei diisi dengan nomor register dan kode lacak pengaduan Anda. Buka survei dari halaman status pengaduan.",
            "The survey is answered with your complaint's register number and tracking code. Open the survey from the complaint's status page.",
        ),
    };
    show(StatusCode::BAD_REQUEST, lang.pick("Nomor dan kode diperlukan", "Number and code required"), message)
}

/// The `404` for a number and code that match no complaint (or a malformed either), shown by
/// `show` as [`number_and_code_required`] is.
pub(super) fn complaint_not_found(
    lookup: Lookup,
    lang: Lang,
    show: impl FnOnce(StatusCode, &str, &str) -> Response<Bytes>,
) -> Response<Bytes> {
    let english = match lookup {
        Lookup::Status => {
            "There is no complaint with that register number and tracking code. Check your register number and tracking code and try again."
        }
        Lookup::Survey => {
            "There is no complaint with that number and tracking code. Check your register number and tracking code again."
        }
    };
    let message = lang.pick(
        "Tidak ada pengaduan dengan nomor dan kode lacak tersebut. Periksa kembali nomor register dan kode lacak Anda.",
        english,
    );
    show(StatusCode::NOT_FOUND, lang.pick("Pengaduan tidak ditemukan", "Complaint not found"), message)
}

/// The `405` answer, naming the methods `allow`ed.
pub(super) fn method_not_allowed<S: ComplaintStore>(
    app: &App<S>,
    allow: &'static str,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    let title = lang.pick("Metode tidak diizinkan", "Method not allowed");
    let message = lang.pick(
        "Alamat ini tidak menerima permintaan seperti itu.",
        "This address does not accept that kind of request.",
    );
    with_allow(error_response(app, StatusCode::METHOD_NOT_ALLOWED, wants_json, lang, title, message), allow)
}

/// The `405` for the form's address opened as a page, most often from the browser's history
/// after sending: it says that a report already sent is kept, and where to go next.
pub(super) fn form_address_opened<S: ComplaintStore>(app: &App<S>, wants_json: bool, lang: Lang) -> Response<Bytes> {
    const ALLOW: &str = "POST, OPTIONS";
    if wants_json {
        return method_not_allowed(app, ALLOW, wants_json, lang);
    }
    let title = lang.pick("Alamat ini hanya menerima formulir yang dikirim", "This address only receives a sent form");
    let message = lang.pick(
        "Halaman ini terbuka langsung, misalnya dari riwayat peramban. Laporan yang sudah Anda kirim tetap tersimpan: lacak statusnya dengan nomor register dan kode lacak Anda. Untuk mengirim laporan baru, buka formulir pengaduan.",
        "This page was opened directly, for example from the browser's history. A report you already sent is kept: track it with your register number and tracking code. To send a new report, open the complaint form.",
    );
    with_allow(error_response(app, StatusCode::METHOD_NOT_ALLOWED, wants_json, lang, title, message), ALLOW)
}

/// `resp` with its `Allow` header.
fn with_allow(mut resp: Response<Bytes>, allow: &'static str) -> Response<Bytes> {
    resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    resp
}

/// A `503` saying `message` under the one title every such answer has.
pub(super) fn unavailable<S: ComplaintStore>(
    app: &App<S>,
    wants_json: bool,
    lang: Lang,
    message: &str,
) -> Response<Bytes> {
    let title = lang.pick("Layanan sedang terganggu", "Service temporarily unavailable");
    error_response(app, StatusCode::SERVICE_UNAVAILABLE, wants_json, lang, title, message)
}

/// How long a request that met an overload ([`StoreError::Contention`]: more writers than the
/// store took in before the request's deadline) is told to wait: a burst's queue drains in
/// about that.
const CONTENTION_RETRY_AFTER: u64 = 2;

/// The `503` for a store that failed; the failure is logged, never shown. An overload says with
/// `Retry-After` when to try again; a broken store cannot know.
pub(super) fn store_failure<S: ComplaintStore>(
    app: &App<S>,
    e: &StoreError,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    tracing::error!(error = %error_chain(e), "store failed");
    let mut resp = unavailable(
        app,
        wants_json,
        lang,
        lang.pick(
            "Laporan Anda belum tersimpan karena gangguan pada sistem kami. Silakan coba lagi beberapa saat lagi; data yang Anda isi tidak kami simpan sebagian.",
            "Your report has not been saved because of a problem in our system. Please try again in a few moments; nothing you entered has been partly saved.",
        ),
    );
    if matches!(e, StoreError::Contention(_)) {
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(CONTENTION_RETRY_AFTER));
    }
    resp
}

/// An error in the request's language: `{"error": message}` in JSON, else the error page.
pub(super) fn error_response<S: ComplaintStore>(
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

/// A JSON answer.
pub(super) fn json_response(status: StatusCode, value: &serde_json::Value) -> Response<Bytes> {
    let mut resp = Response::new(Bytes::from(value.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

/// An HTML answer, under [`CSP`].
pub(super) fn html_response(status: StatusCode, html: String) -> Response<Bytes> {
    let mut resp = Response::new(Bytes::from(html));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    resp
}

/// A `303` to `location`.
pub(super) fn redirect(location: &str) -> Response<Bytes> {
    let mut resp = empty(StatusCode::SEE_OTHER);
    if let Ok(value) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, value);
    }
    resp
}

/// An answer with no body.
pub(super) fn empty(status: StatusCode) -> Response<Bytes> {
    let mut resp = Response::new(Bytes::new());
    *resp.status_mut() = status;
    resp
}

/// `csp` with `origin` (where browsers send files straight to the bucket) added to its
/// `connect-src 'self'`; unchanged without that directive.
pub fn with_upload_origin(csp: &str, origin: &str) -> String {
    csp.replacen("connect-src 'self'", &format!("connect-src 'self' {origin}"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overload_says_when_to_come_back_a_broken_store_does_not() {
        let store = pengaduan_store::sqlite::SqliteStore::in_memory().unwrap();
        let pages = crate::Pages::embedded().unwrap();
        let app = App::new(store, crate::Config::default(), crate::HttpConfig::default(), pages);
        let busy = store_failure(&app, &StoreError::Contention(3), true, Lang::Id);
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "2");
        let broken = store_failure(&app, &StoreError::Corrupt("unreadable".into()), true, Lang::Id);
        assert_eq!(broken.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(broken.headers().get(header::RETRY_AFTER), None);
    }

    #[test]
    fn english_counts_minutes_in_the_singular_and_plural() {
        assert_eq!(minutes_word(1), "minute");
        assert_eq!(minutes_word(5), "minutes");
    }

    #[test]
    fn each_limit_explains_itself_with_the_wait_rounded_up() {
        assert_eq!(
            limit_words(Limit::Submissions, 61, Lang::Id),
            (
                "Terlalu banyak pengiriman",
                "Anda telah mengirim terlalu banyak laporan dalam satu jam. Coba lagi dalam 2 menit, atau hubungi kami melalui saluran lain.".to_owned()
            )
        );
        assert_eq!(
            limit_words(Limit::Submissions, 60, Lang::En),
            (
                "Too many reports sent",
                "You have sent too many reports in one hour. Try again in 1 minute, or contact us through another channel.".to_owned()
            )
        );
        assert_eq!(
            limit_words(Limit::Lookups, 600, Lang::Id),
            (
                "Terlalu banyak percobaan pelacakan",
                "Terlalu banyak percobaan pelacakan. Coba lagi dalam 10 menit. Periksa nomor register dan kode lacak pada tanda terima Anda, atau hubungi kami melalui saluran lain.".to_owned()
            )
        );
        assert_eq!(
            limit_words(Limit::Lookups, 599, Lang::En),
            (
                "Too many tracking attempts",
                "Too many tracking attempts. Try again in 10 minutes. Check the register number and tracking code on your receipt, or contact us through another channel.".to_owned()
            )
        );
    }
}
