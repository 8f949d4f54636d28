//! Logging in and out: the form, the password check with the lockout, the session, and the
//! admin lifting a lock.

use crate::fields::Fields;
use crate::session::{
    CSRF_FIELD, LOGIN_COOKIE, SESSION_COOKIE, Staff, check_csrf, cookie, secure, set_cookie, token_matches,
};
use crate::views::LoginView;
use crate::{AppError, BASE, Console, see_other};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use pengaduan_core::access::{ABSOLUTE_TIMEOUT, LOGIN_FIELD_MAX_BYTES, may_manage_accounts};
use pengaduan_store::accounts::password::{new_csrf_token, new_session_id, verify_password, verify_unknown_account};
use pengaduan_store::accounts::{AccountStore, AuditAction, AuditEntry, LoginReservation, Session, source_key};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// The one message of a failed login: it never says whether the name or the password was wrong.
const WRONG: &str = "Nama pengguna atau kata sandi salah.";

/// `GET /staf/masuk`: the login form, with a fresh CSRF token (keyed, see
/// [`pengaduan_store::accounts::password::LoginTokenKey`]) in a cookie and a hidden field.
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
    let token = console.login_key.new_token();
    let view = LoginView { csrf: token.clone(), pengguna: username.to_owned(), error: error.map(str::to_owned) };
    let mut resp = console.views.login(status, &view);
    let cookie = set_cookie(LOGIN_COOKIE, &token, None, secure(console, headers));
    resp.headers_mut().append(header::SET_COOKIE, cookie);
    resp
}

/// `POST /staf/masuk`: `303` to `/staf/` with a session cookie, `401` with the form again,
/// `422` for a field over 256 bytes (nothing stored), or `429` while the account is locked for
/// this source, over its ceiling from all sources, or the source over its own (even with the
/// right password: the lock must not become an oracle).
///
/// The attempt is counted in the store before the password is checked, atomically with the
/// decision to check it, so concurrent attempts cannot all pass a count read before any of them
/// was recorded.
pub(crate) async fn submit(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    extensions: Extensions,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    // Equal values are not enough: whoever can set a cookie could choose both. The token must
    // also be one this console made.
    let token = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if !token_matches(token, form.get(CSRF_FIELD).map(String::as_str)) || !console.login_key.made(token) {
        return Err(AppError::Csrf);
    }
    let raw_username = form.get("pengguna").map(String::as_str).unwrap_or_default();
    let password = form.get("sandi").map(String::as_str).unwrap_or_default();
    if raw_username.len() > LOGIN_FIELD_MAX_BYTES || password.len() > LOGIN_FIELD_MAX_BYTES {
        return Err(AppError::unprocessable(
            "Isian terlalu panjang",
            "Nama pengguna dan kata sandi masing-masing paling banyak 256 byte. Tidak ada yang disimpan.",
        ));
    }
    let username = raw_username.trim().to_lowercase();
    let source = source_key(source_of(&console, &headers, &extensions));
    let store = console.store();
    let now = console.now().timestamp();
    let reservation = store.reserve_login_check(&username, &source, now).await?;
    let (first_from_source, locks) = match reservation {
        LoginReservation::Refused { until } => {
            let wait = until.duration_since(now).as_secs().max(1);
            let minutes = (wait + 59) / 60;
            let text = format!(
                "Terlalu banyak percobaan masuk yang gagal untuk akun ini. Coba lagi dalam {minutes} menit, atau minta admin memeriksa akun Anda."
            );
            let mut resp = login_page(&console, &headers, StatusCode::TOO_MANY_REQUESTS, &username, Some(&text));
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return Ok(resp);
        }
        LoginReservation::Reserved { source_failures_before, locks } => (source_failures_before == 0, locks),
    };
    let account = store.account(&username).await?;
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let password_ok = verify(&console, password.to_owned(), hash).await?;
    let account = match account {
        Some(a) if password_ok && a.active && !username.is_empty() => a,
        _ => {
            // One line per source and window, and one when a lock begins: a burst of guesses
            // must not push the real entries off the trail.
            let detail = match (first_from_source, locks) {
                (_, true) => "akun dikunci untuk sumber ini; percobaan berikutnya ditolak",
                (true, false) => {
                    "percobaan gagal pertama dari sumber ini dalam 15 menit; berikutnya tidak dicatat satu per satu"
                }
                (false, false) => "",
            };
            if !detail.is_empty() {
                let _ = store
                    .record_audit(AuditEntry {
                        at: now,
                        username: username.clone(),
                        role: None,
                        action: AuditAction::LoginRefused,
                        nomor: None,
                        detail: detail.to_owned(),
                    })
                    .await;
            }
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
    let _ = store.login_succeeded(&username, &source).await;
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

/// Checks `password` against `hash` (an unknown account against a decoy, so timing does not
/// tell which names exist) on the blocking pool, at most [`crate::CONCURRENT_VERIFICATIONS`]
/// at once: Argon2 on an async worker would stall every other request on it.
async fn verify(console: &Console, password: String, hash: Option<String>) -> Result<bool, AppError> {
    let _permit = console.verifications.acquire().await.map_err(|_| AppError::Failed {
        status: StatusCode::SERVICE_UNAVAILABLE,
        title: "Layanan sedang berhenti",
        text: "Konsol sedang dihentikan; coba lagi sebentar lagi.",
    })?;
    console.checks_run.fetch_add(1, Ordering::SeqCst);
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_password(&password, &h),
        None => verify_unknown_account(&password),
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "password verification did not finish");
        AppError::Failed {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            title: "Terjadi kesalahan",
            text: "Permintaan tidak dapat diproses. Coba lagi.",
        }
    })
}

/// The address a login came from: CloudFront's viewer address when the request proved it came
/// through CloudFront (the origin secret), else the connection's peer (`site-gen serve`), else
/// API Gateway's source address (the Lambda function).
fn source_of(console: &Console, headers: &HeaderMap, extensions: &Extensions) -> Option<IpAddr> {
    if let Some(secret) = &console.origin_secret
        && token_matches(secret, headers.get("x-origin-verify").and_then(|v| v.to_str().ok()))
        && let Some(ip) = headers.get("cloudfront-viewer-address").and_then(|v| viewer_ip(v.to_str().ok()?))
    {
        return Some(ip);
    }
    if let Some(ConnectInfo(peer)) = extensions.get::<ConnectInfo<SocketAddr>>() {
        return Some(peer.ip());
    }
    #[cfg(feature = "lambda")]
    if let Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) =
        extensions.get::<lambda_http::request::RequestContext>()
    {
        return ctx.http.source_ip.as_deref()?.parse().ok();
    }
    None
}

/// `CloudFront-Viewer-Address` is `IP:port`, IPv6 without brackets (`2001:db8::1:443`).
fn viewer_ip(value: &str) -> Option<IpAddr> {
    let (ip, _port) = value.trim().rsplit_once(':')?;
    ip.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// `POST /staf/pengguna/buka-kunci` (`pengguna`, CSRF token): the admin lifts an account's
/// lock, forgetting its failed logins from every source; audited. `303` back to the audit page.
pub(crate) async fn unlock(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(form): Fields,
) -> Result<Response, AppError> {
    check_csrf(&staff, form.get(CSRF_FIELD).map(String::as_str))?;
    staff.may(may_manage_accounts, "Membuka kunci akun hanya dapat dilakukan admin.")?;
    let username = form.get("pengguna").map(|u| u.trim().to_lowercase()).unwrap_or_default();
    let store = console.store();
    if username.is_empty() || username.len() > LOGIN_FIELD_MAX_BYTES || store.account(&username).await?.is_none() {
        return Err(AppError::not_found("Akun tidak ditemukan", "Tidak ada akun dengan nama pengguna itu."));
    }
    store.clear_login_failures(&username).await?;
    store
        .record_audit(AuditEntry {
            at: console.now().timestamp(),
            username: staff.account.username.clone(),
            role: Some(staff.role()),
            action: AuditAction::AccountChanged,
            nomor: None,
            detail: format!("kunci akun {username} dibuka"),
        })
        .await?;
    Ok(see_other(&format!("{BASE}/audit")))
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

#[cfg(test)]
mod tests {
    use super::viewer_ip;

    #[test]
    fn the_viewer_address_is_read_without_its_port_in_both_families() {
        assert_eq!(viewer_ip("203.0.113.7:443"), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(viewer_ip(" 2001:db8::1:51234 "), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(viewer_ip("[2001:db8::2]:443"), Some("2001:db8::2".parse().unwrap()));
        for bad in ["", "203.0.113.7", "bukan-alamat:443", ":443"] {
            assert_eq!(viewer_ip(bad), None, "{bad:?}");
        }
    }
}
