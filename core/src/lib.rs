//! The complaint's rules, with no I/O: validation and normalisation of a submission, register
//! numbers, tracking codes, public statuses and working days.
//!
//! Everything here is plain data in, plain data out, so that the storage and HTTP adapters in
//! `pengaduan-store` and `form-fn` and the generator in `site-gen` stay thin and these rules are unit-tested alone.

pub mod access;
pub mod answer;
pub mod attachment;
pub mod calendar;
pub mod date_input;
pub mod datetime;
pub mod forms;
pub mod lang;
pub mod notice;
pub mod published;
pub mod register;
pub mod report;
pub mod scan;
pub mod search;
pub mod service;
pub mod skm;
pub mod stats;
pub mod status;
pub mod submission;
pub mod terms;
pub mod text;
pub mod tracking;
pub mod workflow;

#[cfg(test)]
mod fixtures;

pub use lang::Lang;
pub use register::RegisterNumber;
pub use status::Status;
pub use submission::{FieldError, Jenis, PersonalData, RawForm, RawValue, Submission};
pub use tracking::TrackingCode;
