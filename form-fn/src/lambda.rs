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
    let source = source_ip(&req);
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

/// The caller's address as API Gateway or the Function URL saw it.
fn source_ip(req: &Request) -> Option<IpAddr> {
    match req.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.as_deref()?.parse().ok(),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}
