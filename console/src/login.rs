//! Logging in and out: the form, the password check with the lockout, the session.

use crate::fields::Fields;
use crate::session::{
    CSRF_FIELD, LOGIN_COOKIE, SESSION_COOKIE, Staff, check_csrf, cookie, secure, set_cookie, token_matches,
};
use crate::views::LoginView;
use crate::{AppError, BASE, Console, see_other};
use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use jiff::SignedDuration;
use pengaduan_core::access::{ABSOLUTE_TIMEOUT, LOCKOUT_WINDOW, locked_until};
use pengaduan_store::accounts::password::{new_csrf_token, new_session_id, verify_password, verify_unknown_account};
use pengaduan_store::accounts::{AccountStore, AuditAction, AuditEntry, Session};
use std::sync::Arc;

/// The one message of a failed login: it never says whether the name or the password was wrong.
const WRONG: &str = "Nama pengguna atau kata sandi salah.";

/// `GET /staf/masuk`: the login form, with a fresh CSRF token in a cookie and a hidden field.
pub(crate) async fn form(State(console): State<Arc<Console>>, headers: HeaderMap) -> Response {
    login_page(&console, &headers, StatusCode::OK, "", None)
}

fn login_page(
    console: &Console,
    headers: &HeaderMap,
    status: StatusCode,
    username: &str,
    error: Option<&str>,
) -> Response {
    let token = new_csrf_token();
    let view = LoginView { csrf: token.clone(), pengguna: username.to_owned(), error: error.map(str::to_owned) };
    let mut resp = console.views.login(status, &view);
    let cookie = set_cookie(LOGIN_COOKIE, &token, None, secure(console, headers));
    resp.headers_mut().append(header::SET_COOKIE, cookie);
    resp
}

/// `POST /staf/masuk`: `303` to `/staf/` with a session cookie, `401` with the form again, or
/// `429` while the account is locked after 5 failures in 15 minutes (even with the right
/// password: the lock must not become an oracle).
pub(crate) async fn submit(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    if !token_matches(cookie(&headers, LOGIN_COOKIE).unwrap_or_default(), form.get(CSRF_FIELD).map(String::as_str)) {
        return Err(AppError::Csrf);
    }
    let username = form.get("pengguna").map(|u| u.trim().to_lowercase()).unwrap_or_default();
    let password = form.get("sandi").map(String::as_str).unwrap_or_default();
    let store = console.store();
    let now = console.now().timestamp();
    // Twice the window: a lock that began within the last window may rest on failures before it.
    let since = now - SignedDuration::from_secs(2 * LOCKOUT_WINDOW.as_secs());
    let failures = store.login_failures(&username, since).await?;
    if let Some(until) = locked_until(&failures, now) {
        let wait = until.duration_since(now).as_secs().max(1);
        let minutes = (wait + 59) / 60;
        let text = format!(
            "Terlalu banyak percobaan masuk yang gagal untuk akun ini. Coba lagi dalam {minutes} menit, atau minta admin memeriksa akun Anda."
        );
        let mut resp = login_page(&console, &headers, StatusCode::TOO_MANY_REQUESTS, &username, Some(&text));
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(resp);
    }
    let account = store.account(&username).await?;
    // An unknown name costs one verification too, so timing does not tell which names exist.
    let password_ok = match &account {
        Some(a) => verify_password(password, &a.password_hash),
        None => verify_unknown_account(password),
    };
    let account = match account {
        Some(a) if password_ok && a.active && !username.is_empty() => a,
        _ => {
            store.record_login_failure(&username, now).await?;
            let _ = store
                .record_audit(AuditEntry {
                    at: now,
                    username: username.clone(),
                    role: None,
                    action: AuditAction::LoginRefused,
                    nomor: None,
                    detail: String::new(),
                })
                .await;
            return Ok(login_page(&console, &headers, StatusCode::UNAUTHORIZED, &username, Some(WRONG)));
        }
    };
    let (id, digest) = new_session_id();
    let session = Session {
        id_digest: digest,
        username: account.username.clone(),
        role: account.role,
        csrf_token: new_csrf_token(),
        created_at: now,
        last_seen: now,
    };
    store.create_session(session).await?;
    let _ = store.clear_login_failures(&username).await;
    let _ = store
        .record_audit(AuditEntry {
            at: now,
            username: account.username.clone(),
            role: Some(account.role),
            action: AuditAction::Login,
            nomor: None,
            detail: String::new(),
        })
        .await;
    let secure = secure(&console, &headers);
    let mut resp = see_other(&format!("{BASE}/"));
    let h = resp.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &id, Some(ABSOLUTE_TIMEOUT.as_secs()), secure));
    h.append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", Some(0), secure));
    Ok(resp)
}

/// `POST /staf/keluar`: ends the session on the server and drops the cookie.
pub(crate) async fn logout(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    check_csrf(&staff, form.get(CSRF_FIELD).map(String::as_str))?;
    console.store().end_session(&staff.session.id_digest).await?;
    let mut resp = see_other(&format!("{BASE}/masuk"));
    resp.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), secure(&console, &headers)));
    Ok(resp)
}
