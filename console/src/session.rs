//! Sessions: the cookie, the lookup of its digest in the store, the idle and absolute timeouts,
//! and the CSRF token every POST must carry.

use crate::{BASE, Console, CookiePolicy, message, see_other, store_failure, wants_json};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use pengaduan_core::access::{Role, session_alive};
use pengaduan_store::accounts::password::session_digest;
use pengaduan_store::accounts::{Account, AccountStore, Session};
use subtle::ConstantTimeEq;

/// The session cookie. `__Host-` would forbid `Path=/staf`, and the path keeps the cookie away
/// from the public site's requests.
pub(crate) const SESSION_COOKIE: &str = "staf_sesi";

/// The login form's CSRF cookie (double submit: there is no session yet to hold the token).
pub(crate) const LOGIN_COOKIE: &str = "staf_masuk";

/// The form field carrying the CSRF token.
pub(crate) const CSRF_FIELD: &str = "csrf";

/// A logged-in staff member, for the length of one request.
#[derive(Debug, Clone)]
pub(crate) struct Staff {
    /// The account, as stored now (a role changed since login applies at once).
    pub account: Account,
    /// The session.
    pub session: Session,
}

impl Staff {
    /// The role the user acts with.
    pub fn role(&self) -> Role {
        self.account.role
    }

    /// How the history names the user: the account and its role, never a typed name.
    pub fn signature(&self) -> String {
        format!("{} ({})", self.account.username, self.account.role.label())
    }
}

/// The value of cookie `name` in the request, if any.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether cookies set in answer to this request need `Secure`.
pub(crate) fn secure(console: &Console, headers: &HeaderMap) -> bool {
    match console.cookies {
        CookiePolicy::Secure => true,
        CookiePolicy::SecureExceptLoopback => {
            let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
            let name = match host.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or_default(),
                None => host.split(':').next().unwrap_or_default(),
            };
            let loopback = matches!(name, "localhost" | "::1") || name.starts_with("127.");
            https || !loopback
        }
    }
}

/// A `Set-Cookie` value under [`BASE`], `HttpOnly` and `SameSite=Strict`; `max_age` 0 deletes it.
pub(crate) fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path={BASE}; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are hex digits")
}

/// Whether `given` is the expected token, compared in constant time.
pub(crate) fn token_matches(expected: &str, given: Option<&str>) -> bool {
    match given {
        Some(g) if !g.is_empty() && !expected.is_empty() => expected.as_bytes().ct_eq(g.as_bytes()).into(),
        _ => false,
    }
}

/// The answer to a request without a valid session: back to the login page, or `401` for JSON.
pub(crate) fn to_login(headers: &HeaderMap) -> Response {
    if wants_json(headers) {
        let body = serde_json::json!({ "error": "Sesi tidak ada atau telah berakhir; silakan masuk." });
        return (StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, "application/json")], body.to_string())
            .into_response();
    }
    see_other(&format!("{BASE}/masuk"))
}

/// The logged-in staff member, or the response that sends the user to log in: no cookie, an
/// unknown or ended session, one idle for over 30 minutes or older than 12 hours, or an account
/// deactivated since. An expired session is ended on the server too.
pub(crate) async fn staff(console: &Console, headers: &HeaderMap) -> Result<Staff, Response> {
    let Some(id) = cookie(headers, SESSION_COOKIE).filter(|v| !v.is_empty()) else {
        return Err(to_login(headers));
    };
    let digest = session_digest(id);
    let store = &console.store;
    let now = console.now().timestamp();
    let session = match store.session(&digest).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(to_login(headers)),
        Err(e) => return Err(store_failure(headers, &e)),
    };
    if !session_alive(session.created_at, session.last_seen, now) {
        let _ = store.end_session(&digest).await;
        return Err(to_login(headers));
    }
    let account = match store.account(&session.username).await {
        Ok(Some(a)) if a.active => a,
        Ok(_) => {
            let _ = store.end_session(&digest).await;
            return Err(to_login(headers));
        }
        Err(e) => return Err(store_failure(headers, &e)),
    };
    if let Err(e) = store.touch_session(&digest, now).await {
        return Err(store_failure(headers, &e));
    }
    Ok(Staff { account, session })
}

/// A handler that takes a [`Staff`] runs only with a live session; without one the request is
/// answered by [`to_login`] (or a store failure) before the handler starts.
impl axum::extract::FromRequestParts<std::sync::Arc<Console>> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        console: &std::sync::Arc<Console>,
    ) -> Result<Self, Self::Rejection> {
        staff(console, &parts.headers).await
    }
}

/// Refuses a POST whose CSRF token is not the session's: `403`, nothing changed.
pub(crate) fn check_csrf(headers: &HeaderMap, staff: &Staff, given: Option<&str>) -> Result<(), Response> {
    if token_matches(&staff.session.csrf_token, given) { Ok(()) } else { Err(csrf_refused(headers)) }
}

/// The `403` of a POST without a valid CSRF token.
pub(crate) fn csrf_refused(headers: &HeaderMap) -> Response {
    message(
        headers,
        StatusCode::FORBIDDEN,
        "Permintaan ditolak",
        "Formulir ini tidak membawa token keamanan yang sah, sehingga tidak diproses dan tidak ada yang berubah. Muat ulang halaman, lalu kirim lagi.",
    )
}

/// The `403` of an action the user's role may not take.
pub(crate) fn role_refused(headers: &HeaderMap, what: &str) -> Response {
    message(headers, StatusCode::FORBIDDEN, "Tidak berwenang", &format!("{what} Tidak ada yang berubah."))
}
