//! Sessions: the cookie, the lookup of its digest in the store, the idle and absolute timeouts,
//! and the CSRF token every POST must carry.

use crate::{AppError, BASE, Console, CookiePolicy};
use http::{HeaderMap, HeaderValue, header};
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

    /// `Ok` when the user's role passes `rule`, else the `403` whose text `refused` says whose
    /// the action is.
    pub fn may(&self, rule: fn(Role) -> bool, refused: &str) -> Result<(), AppError> {
        if rule(self.role()) { Ok(()) } else { Err(AppError::forbidden(refused)) }
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
    HeaderValue::from_str(&c).expect("cookie values are hex digits and dots")
}

/// Whether `given` is the expected token, compared in constant time.
pub(crate) fn token_matches(expected: &str, given: Option<&str>) -> bool {
    match given {
        Some(g) if !g.is_empty() && !expected.is_empty() => expected.as_bytes().ct_eq(g.as_bytes()).into(),
        _ => false,
    }
}

/// The logged-in staff member, or [`AppError::LoggedOut`]: no cookie, an unknown or ended
/// session, one idle for over 30 minutes or older than 12 hours, or an account deactivated
/// since. An expired session is ended on the server too.
pub(crate) async fn staff(console: &Console, headers: &HeaderMap) -> Result<Staff, AppError> {
    let id = cookie(headers, SESSION_COOKIE).filter(|v| !v.is_empty()).ok_or(AppError::LoggedOut)?;
    let digest = session_digest(id);
    let store = &console.store;
    let now = console.now().timestamp();
    let session = store.session(&digest).await?.ok_or(AppError::LoggedOut)?;
    if !session_alive(session.created_at, session.last_seen, now) {
        let _ = store.end_session(&digest).await;
        return Err(AppError::LoggedOut);
    }
    let account = match store.account(&session.username).await? {
        Some(a) if a.active => a,
        _ => {
            let _ = store.end_session(&digest).await;
            return Err(AppError::LoggedOut);
        }
    };
    store.touch_session(&digest, now).await?;
    Ok(Staff { account, session })
}

/// A handler that takes a [`Staff`] runs only with a live session; without one the request is
/// answered with [`AppError::LoggedOut`] (or a store failure) before the handler starts.
impl axum::extract::FromRequestParts<std::sync::Arc<Console>> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        console: &std::sync::Arc<Console>,
    ) -> Result<Self, Self::Rejection> {
        staff(console, &parts.headers).await
    }
}

/// Refuses a POST whose CSRF token is not the session's: `403`, nothing changed.
pub(crate) fn check_csrf(staff: &Staff, given: Option<&str>) -> Result<(), AppError> {
    if token_matches(&staff.session.csrf_token, given) { Ok(()) } else { Err(AppError::Csrf) }
}
