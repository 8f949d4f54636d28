//! Where complaints and their attachments are kept: one interface, two adapters (SQLite for
//! `site-gen serve` and the staff tool, DynamoDB on AWS), both held to the same contract test
//! suite; attachment storage (a folder, or S3); and [`intake`], the one path by which a
//! validated submission from any channel becomes a stored complaint.
//!
//! Every store keeps the personal data of a complaint apart from its register entry, numbers
//! complaints gaplessly per year inside one transaction, replays idempotent submissions, and
//! counts submissions per source for the rate limit, and other events (failed tracking look-ups)
//! per key and window.
//!
//! Staff move complaints through their procedure with [`WorkflowStore`]: every change is checked
//! against the version of the complaint the change was computed from (optimistic concurrency,
//! so two staff acting at once never lose an update), appended to the complaint's history in
//! the same transaction, and numbers the Berita Acara from its own gapless yearly counter.

pub mod accounts;
pub mod answer;
mod any;
pub mod attachments;
mod complaints;
pub mod config;
pub mod content;
pub mod deadlines;
#[cfg(feature = "aws")]
pub mod dynamodb;
pub mod erasure;
pub mod error;
mod fields;
pub mod intake;
pub mod open;
pub mod outbox;
mod rate;
pub mod retry;
#[cfg(feature = "aws")]
pub mod rules_feed;
pub mod seal;
#[cfg(feature = "aws")]
pub mod search_feed;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod survey;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod uploads;
mod workflow;

#[cfg(not(any(feature = "sqlite", feature = "aws")))]
compile_error!("pengaduan-store needs at least one store: enable the `sqlite` or `aws` feature");

pub use any::AnyStore;
pub use complaints::{
    ComplaintStore, NewComplaint, ONLINE_FRONT_OFFICE, PendingUpload, PublicEvent, PublicRecord, Receipt, StoredReplay,
    Submitted,
};
pub use config::Config;
pub use error::{StoreError, error_chain};
pub use open::{OpenError, open, open_attachments};
pub use rate::{RECEIPT_WINDOW, RateDecision, event_window, rate_window, receipt_counter_key};
pub use workflow::{
    Addition, Applied, ComplaintRecord, ERASED_TEXT, ERASED_TITLE, ListFilter, MonthBackfill, PersonalMove,
    RegisterRow, StatWindow, WorkflowChange, WorkflowStore,
};

pub(crate) use complaints::intake_entry;
#[cfg(feature = "aws")]
pub(crate) use rate::kept_after;
pub(crate) use rate::{SUBMISSION_WINDOW, decide, event_counter_key, seconds, submission_counter_key};
#[cfg(feature = "aws")]
pub(crate) use workflow::change_token;
pub(crate) use workflow::{decode_files, encode_files, erase_entry, lang_of};
