//! The Lambda adapter: turns an API Gateway HTTP API (payload 2.0) or Function URL event into a
//! plain request for [`crate::handle`], and its response back.

use crate::http::App;
use crate::store::ComplaintStore;
use bytes::Bytes;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use std::net::IpAddr;

/// Handles one Lambda HTTP event.
pub async fn handle_event<S: ComplaintStore>(app: &App<S>, req: Request) -> Response<Body> {
    let source = source_ip(&req, app.config().origin_secret.as_deref());
    let (parts, body) = req.into_parts();
    // API Gateway base64-encodes binary bodies; lambda_http has already decoded them.
    let body = match body {
        Body::Text(t) => Bytes::from(t),
        Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    let resp = crate::handle(app, http::Request::from_parts(parts, body), source).await;
    let (parts, body) = resp.into_parts();
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
