//! The HTTP adapter: one handler for `POST …/pengaduan`, `GET …/lacak` and `…/survei`, a plain async
//! function from request to response that the Lambda shell, the local server and the tests
//! all call the same way.
//!
//! - `app`: the handler's state and the routing;
//! - `submit`, `lookup`, `survey`, `jawaban` (the Berita Acara's download), `lengkapi`
//!   (`POST …/pengaduan/lengkapi`, returned files completed online), `unggah` (files sent
//!   straight to the bucket): one route each;
//! - `respond`: the answers they share; `confirmation`: what the page right after submitting adds.

mod app;
pub mod body;
mod cari;
pub mod confirmation;
mod jawaban;
mod lengkapi;
mod lookup;
pub mod pages;
mod respond;
mod submit;
mod survey;
mod unggah;

pub use app::{App, handle, payload_too_large, request_lang};
use app::{accept_language, wants_json};
pub use lookup::LOOKUP_FAILURES_PER_10_MIN;
pub use respond::with_upload_origin;
