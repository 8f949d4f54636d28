//! Complaint intake: the handler behind `POST /api/pengaduan` and `GET /api/lacak`.
//!
//! - [`http`]: the handler, a plain async function from request to response;
//! - [`store`]: where complaints go (DynamoDB, or SQLite with the `sqlite` feature);
//! - [`config`]: settings from the environment.
//!
//! The same code runs as an AWS Lambda function (`src/main.rs`) and inside `site-gen serve`.

pub mod attachments;
pub mod aws;
pub mod config;
pub mod http;
pub mod lambda;
pub mod store;

/// Templates and configuration compiled in by `build.rs`, for the Lambda function.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use config::Config;
pub use http::pages::Pages;
pub use http::{App, handle};
