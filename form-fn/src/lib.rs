//! Complaint intake over HTTP: the handler behind `POST /api/pengaduan` and `GET /api/lacak`.
//!
//! - [`HttpConfig`]: the handler's HTTP settings (CORS origin, origin secret, rate limit);
//! - [`http`]: the handler, a plain async function from request to response; body parsing;
//!   the HTML pages;
//! - [`lambda`]: the Lambda adapter (with the `lambda` feature), around the same handler.
//!
//! Storage, the store's settings and the intake rules live in `pengaduan-store` and `pengaduan-core`; the
//! same handler runs as an AWS Lambda function (`src/main.rs`) and inside `site-gen serve`.

mod config;
pub mod http;
#[cfg(feature = "lambda")]
pub mod lambda;

/// Templates and configuration compiled in by `build.rs`, for the Lambda function.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use config::{DEFAULT_RATE_LIMIT_PER_HOUR, HttpConfig};
pub use http::pages::{PageError, Pages};
pub use http::{App, handle};
pub use pengaduan_store::Config;
