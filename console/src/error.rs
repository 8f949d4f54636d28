//! Why a request was not done, and the one place that turns it into what staff read: a short
//! page in Bahasa Indonesia, or `{"error": …}` for a client that asked for JSON.
//!
//! Handlers return `Result<Response, AppError>` and refuse with `?`. An error cannot see the
//! request it answers, so it renders the page and leaves its text on the response;
//! [`answer_in_kind`], around every route, swaps in the JSON when the request wanted it.

use crate::{BASE, see_other, views, wants_json};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use pengaduan_store::{StoreError, error_chain};

/// A request refused or failed.
/// What staff read when another change came first (the store says so in English, for logs).
pub(crate) const CHANGED_MEANWHILE: &str = "Pengaduan telah diubah oleh petugas lain; muat ulang dan coba lagi.";

#[derive(Debug)]
pub(crate) enum AppError {
    /// No live session: the login page, or `401` for JSON.
    LoggedOut,
    /// A POST without the session's CSRF token: `403`, nothing changed.
    Csrf,
    /// The user's role may not do this: `403`. The text says whose it is.
    Forbidden(String),
    /// Nothing at this address: `404`.
    NotFound {
        /// The page's title.
        title: &'static str,
        /// What is missing.
        text: String,
    },
    /// Someone else changed the record first: `409`.
    Conflict,
    /// The store failed: `503`. The cause goes to the log (error chains carry no personal
    /// data), never to the page.
    Store(StoreError),
    /// A request the console cannot take as sent (a form it cannot read, a period that is not
    /// one): `4xx` with what to correct.
    BadRequest {
        /// The status, `400`, `415` or `422`.
        status: StatusCode,
        /// The page's title.
        title: &'static str,
        /// What was wrong.
        text: &'static str,
    },
    /// A refusal whose reason is worked out at the time (the site would not build with the
    /// drafts, another editor saved first): the status and a page saying why.
    Refused {
        /// The status, `409` or `422`; `503` when the site's builder cannot answer now.
        status: StatusCode,
        /// The page's title.
        title: &'static str,
        /// What was wrong and what to do.
        text: String,
    },
    /// A form refused, shown again with what was typed and why (`409`, `422`): the handler
    /// rendered the page; `text` is what a JSON client reads.
    Form {
        /// The page's status.
        status: StatusCode,
        /// Why, in one message.
        text: String,
        /// The form again.
        page: Box<Response>,
    },
    /// Something else failed on the server: the status and the page; the caller logged why.
    Failed {
        /// The status, `500` or `503`.
        status: StatusCode,
        /// The page's title.
        title: &'static str,
        /// What the user can do.
        text: &'static str,
    },
}

impl AppError {
    /// The `403` of an action reserved to other roles; `what` says to whom.
    pub fn forbidden(what: impl Into<String>) -> Self {
        Self::Forbidden(what.into())
    }

    /// The `404` of something not there.
    pub fn not_found(title: &'static str, text: impl Into<String>) -> Self {
        Self::NotFound { title, text: text.into() }
    }

    /// The `422` of a request whose values cannot be used.
    pub fn unprocessable(title: &'static str, text: &'static str) -> Self {
        Self::BadRequest { status: StatusCode::UNPROCESSABLE_ENTITY, title, text }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => Self::Conflict,
            e => Self::Store(e),
        }
    }
}

/// The text of a refusal, left on its response for [`answer_in_kind`], with the status a JSON
/// client gets (a redirect to the login page is a `401` there).
#[derive(Debug, Clone)]
struct Refusal {
    status: StatusCode,
    text: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, text): (StatusCode, &str, String) = match self {
            Self::LoggedOut => {
                let mut resp = see_other(&format!("{BASE}/masuk"));
                resp.extensions_mut().insert(Refusal {
                    status: StatusCode::UNAUTHORIZED,
                    text: "Sesi tidak ada atau telah berakhir; silakan masuk.".into(),
                });
                return resp;
            }
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "Permintaan ditolak",
                "Formulir ini tidak membawa token keamanan yang sah, sehingga tidak diproses dan tidak ada yang berubah. Muat ulang halaman, lalu kirim lagi.".into(),
            ),
            Self::Forbidden(what) => (StatusCode::FORBIDDEN, "Tidak berwenang", format!("{what} Tidak ada yang berubah.")),
            Self::NotFound { title, text } => (StatusCode::NOT_FOUND, title, text),
            Self::Conflict => (StatusCode::CONFLICT, "Diubah petugas lain", CHANGED_MEANWHILE.to_owned()),
            Self::Store(e) => {
                tracing::error!(error = %error_chain(&e), "console store failure");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Penyimpanan tidak dapat dihubungi",
                    "Data tidak dapat dibaca atau disimpan saat ini. Tidak ada yang berubah; coba lagi sebentar lagi."
                        .into(),
                )
            }
            Self::BadRequest { status, title, text } | Self::Failed { status, title, text } => {
                (status, title, text.into())
            }
            Self::Refused { status, title, text } => (status, title, text),
            Self::Form { status, text, page } => {
                let mut resp = *page;
                *resp.status_mut() = status;
                resp.extensions_mut().insert(Refusal { status, text });
                return resp;
            }
        };
        let mut resp = views::message_page(status, title, &text);
        resp.extensions_mut().insert(Refusal { status, text });
        resp
    }
}

/// Around every route: a refusal answers a client that asked for JSON with `{"error": …}`.
pub(crate) async fn answer_in_kind(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let json = wants_json(request.headers());
    let mut resp = next.run(request).await;
    match resp.extensions_mut().remove::<Refusal>() {
        Some(Refusal { status, text }) if json => {
            let body = serde_json::json!({ "error": text });
            (status, [(http::header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
        }
        _ => resp,
    }
}
