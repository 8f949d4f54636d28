//! The Lambda adapter: turns an API Gateway HTTP API (payload 2.0) or Function URL event into a
//! plain request for [`crate::handle`], and its response back.

use crate::http::App;
use bytes::Bytes;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use pengaduan_store::ComplaintStore;
use pengaduan_store::rules_feed::RulesFeed;
use pengaduan_store::search_feed::SearchFeed;
use std::net::IpAddr;
use std::time::Duration;

/// Brings the pages' time limits up to date with the rules the site publishes, when the feed's
/// interval has passed and the rules changed (a conditional GET every few minutes, at most).
/// The intake function counts no deadline and may read no complaint, so the time limit its
/// receipts and status pages state is all it takes from the rules.
pub async fn follow_rules<S: ComplaintStore>(app: &App<S>, feed: &RulesFeed) {
    if let Some(rules) = feed.refresh_if_due().await {
        app.set_rules(&rules);
    }
}

/// Brings `/api/cari` up to date with the pages file the site publishes, when the feed's
/// interval has passed and the file changed (read on the first call).
pub async fn follow_search<S: ComplaintStore>(app: &App<S>, feed: &SearchFeed) {
    if let Some(search) = feed.refresh_if_due().await {
        app.set_search(search);
    }
}

/// Handles one Lambda HTTP event.
pub async fn handle_event<
    S: pengaduan_store::WorkflowStore + pengaduan_store::survey::SurveyStore + pengaduan_store::answer::AnswerStore,
>(
    app: &App<S>,
    req: Request,
) -> Response<Body> {
    let source = source_ip(&req, app.http().origin_secret.as_deref());
    let gzip_accepted = accepts_gzip(req.headers());
    let deadline = req.lambda_context_ref().map(|ctx| answer_by(ctx.deadline));
    let (parts, body) = req.into_parts();
    // API Gateway base64-encodes binary bodies; lambda_http has already decoded them.
    let body = match body {
        Body::Text(t) => Bytes::from(t),
        Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    let handled = crate::handle(app, http::Request::from_parts(parts, body), source);
    let resp = match deadline {
        Some(deadline) => pengaduan_store::retry::with_deadline(deadline, handled).await,
        None => handled.await,
    };
    let (mut parts, body) = resp.into_parts();
    let body = match gzip_accepted.then(|| gzipped(&parts.headers, &body)).flatten() {
        Some(smaller) => {
            parts.headers.insert(http::header::CONTENT_ENCODING, http::HeaderValue::from_static("gzip"));
            parts.headers.remove(http::header::CONTENT_LENGTH);
            return Response::from_parts(parts, Body::Binary(smaller));
        }
        None => body,
    };
    let body = if body.is_empty() {
        Body::Empty
    } else {
        match String::from_utf8(body.to_vec()) {
            Ok(text) => Body::Text(text),
            Err(e) => Body::Binary(e.into_bytes()),
        }
    };
    Response::from_parts(parts, body)
}

/// Whether the request's `Accept-Encoding` takes gzip (and does not refuse it with `q=0`).
fn accepts_gzip(headers: &http::HeaderMap) -> bool {
    headers.get_all(http::header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.replace(' ', "").eq_ignore_ascii_case("q=0") || p == "q=0.0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
    })
}

/// The answer's body gzipped, when it is text (HTML, JSON, CSV) worth compressing and not
/// compressed already. CloudFront compresses nothing for a behaviour that does not cache (the
/// API's), so the function does it: status pages reach phones on slow links.
fn gzipped(headers: &http::HeaderMap, body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    const WORTH_IT: usize = 1000;
    let content_type = headers.get(http::header::CONTENT_TYPE)?.to_str().ok()?.to_ascii_lowercase();
    let text = content_type.starts_with("text/") || content_type.contains("json");
    if !text || body.len() < WORTH_IT || headers.contains_key(http::header::CONTENT_ENCODING) {
        return None;
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::default());
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

/// Time kept back from the function's deadline to answer `503` and for the runtime to send it.
const ANSWER_MARGIN: Duration = Duration::from_millis(1500);

/// The instant by which the store must give up retrying, so the visitor gets the contract's
/// `503` rather than the gateway's timeout: the invocation's deadline (milliseconds since the
/// epoch) less [`ANSWER_MARGIN`].
fn answer_by(deadline_ms: u64) -> tokio::time::Instant {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(deadline_ms);
    let left = Duration::from_millis(deadline_ms.saturating_sub(now_ms)).saturating_sub(ANSWER_MARGIN);
    tokio::time::Instant::now() + left
}

/// The visitor's address, for the rate limit. Behind CloudFront, API Gateway sees an edge
/// server shared by many visitors, so the address CloudFront reports is used, but only when the
/// request proves it came through CloudFront (the shared secret): anyone can send the header
/// straight to the API's own URL.
fn source_ip(req: &Request, origin_secret: Option<&str>) -> Option<IpAddr> {
    if let Some(secret) = origin_secret
        && req.headers().get("x-origin-verify").is_some_and(|v| v.as_bytes() == secret.as_bytes())
        && let Some(ip) = req.headers().get("cloudfront-viewer-address").and_then(|v| viewer_ip(v.to_str().ok()?))
    {
        return Some(ip);
    }
    match req.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.as_deref()?.parse().ok(),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// `CloudFront-Viewer-Address` is `IP:port`, IPv6 without brackets (`2001:db8::1:443`).
fn viewer_ip(value: &str) -> Option<IpAddr> {
    let (ip, _port) = value.trim().rsplit_once(':')?;
    ip.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_gives_up_before_the_function_times_out() {
        let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
        let by = answer_by(now_ms + 10_000);
        let left = by.saturating_duration_since(tokio::time::Instant::now());
        assert!(left <= Duration::from_millis(8_500) && left > Duration::from_millis(8_000), "{left:?}");
        assert_eq!(answer_by(now_ms).saturating_duration_since(tokio::time::Instant::now()), Duration::ZERO);
    }

    #[test]
    fn viewer_address_forms() {
        assert_eq!(viewer_ip("198.51.100.10:46532"), Some("198.51.100.10".parse().unwrap()));
        assert_eq!(viewer_ip("2001:db8::1:443"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(viewer_ip("[2001:db8::1]:443"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(viewer_ip("nonsense"), None);
    }

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut payload: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/http-api-v2-get-lacak.json")).unwrap();
        for (k, v) in headers {
            payload["headers"][*k] = serde_json::Value::String((*v).to_owned());
        }
        lambda_http::request::from_str(&payload.to_string()).unwrap()
    }

    #[test]
    fn trusts_cloudfront_viewer_address_only_with_the_secret() {
        let edge: IpAddr = "203.0.113.7".parse().unwrap();
        let viewer: IpAddr = "198.51.100.10".parse().unwrap();
        let via_cloudfront =
            request(&[("x-origin-verify", "rahasia-bersama"), ("cloudfront-viewer-address", "198.51.100.10:5000")]);
        assert_eq!(source_ip(&via_cloudfront, Some("rahasia-bersama")), Some(viewer));
        assert_eq!(source_ip(&via_cloudfront, None), Some(edge), "no secret configured: header ignored");
        let forged = request(&[("x-origin-verify", "tebakan"), ("cloudfront-viewer-address", "198.51.100.10:5000")]);
        assert_eq!(source_ip(&forged, Some("rahasia-bersama")), Some(edge), "wrong secret: header ignored");
        let direct = request(&[("cloudfront-viewer-address", "198.51.100.10:5000")]);
        assert_eq!(source_ip(&direct, Some("rahasia-bersama")), Some(edge));
    }
}
