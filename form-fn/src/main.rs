//! The Lambda shell: builds the store, settings and templates once, then hands every API
//! Gateway (HTTP API) or Function URL event to [`form_fn::handle`].

use form_fn::store::dynamodb::DynamoStore;
use form_fn::{App, Config, Pages};
use lambda_http::{Body, Error, Request, RequestExt, Response, run, service_fn};
use std::net::IpAddr;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_current_span(false)
        .without_time() // CloudWatch stamps every line.
        .init();
    let table = std::env::var("COMPLAINTS_TABLE").map_err(|_| "COMPLAINTS_TABLE is not set")?;
    let config = Config::from_env()?;
    let pages = Pages::embedded()?;
    let store = DynamoStore::from_env(table).await;
    let app = Arc::new(App::new(store, config, pages));
    tracing::info!("form-fn ready");
    run(service_fn(move |req: Request| {
        let app = Arc::clone(&app);
        async move { Ok::<_, Error>(handle_event(&app, req).await) }
    }))
    .await
}

async fn handle_event(app: &App<DynamoStore>, req: Request) -> Response<Body> {
    let source = source_ip(&req);
    let (parts, body) = req.into_parts();
    let body = match body {
        Body::Empty => bytes::Bytes::new(),
        Body::Text(t) => bytes::Bytes::from(t),
        Body::Binary(b) => bytes::Bytes::from(b),
        _ => bytes::Bytes::new(),
    };
    let resp = form_fn::handle(app, http::Request::from_parts(parts, body), source).await;
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
    use lambda_http::request::RequestContext;
    match req.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.as_deref()?.parse().ok(),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}
