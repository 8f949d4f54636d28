//! Mail to complainants. The store records each message in its outbox together with the change
//! that causes it (intake, or a staff change reaching another public status); this crate
//! delivers what is due:
//!
//! - [`compose`]: the message's wording, from templates editors can change
//!   (`templates/surel/`), as a MIME message (text and HTML);
//! - [`channel`]: the [`MessageChannel`] a message goes through, and [`Mailer`], the email channel over
//!   a [`Transport`]: `.eml` files in a folder, SMTP, or Amazon SES (feature `aws`);
//! - [`deliver`]: claim, send, record the outcome, retry with backoff;
//! - [`event`]: the delivery Lambda function's handler (`mail-fn`, feature `lambda`).
//!
//! Personal data never reaches a log: only entry ids and counts are logged.

pub mod channel;
pub mod compose;
pub mod deliver;
pub mod event;
pub mod transport;

pub use channel::{MailError, Mailer, MessageChannel, SendError};
pub use compose::{ComposeError, Composer};
pub use deliver::{Delivery, Report, deliver_due, deliver_one, spawn_background};
pub use transport::Transport;

/// Whether a local process (`site-gen serve`, the staff tool) delivers the outbox of the store
/// `spec` names (`sqlite:PATH`, `dynamodb:TABLE`), reading the environment.
pub fn delivers_locally(spec: &str) -> bool {
    delivers_locally_with(spec, |k| std::env::var(k).ok())
}

/// [`delivers_locally`] with the environment read through `env`. A SQLite store: always, nobody
/// else can. A DynamoDB table: only on a local server (`AWS_ENDPOINT_URL_DYNAMODB` or
/// `AWS_ENDPOINT_URL` set); a deployed table's outbox belongs to the delivery function, and a
/// tool writing its messages to files would take them away from SES.
pub fn delivers_locally_with(spec: &str, env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| env(k).is_some_and(|v| !v.trim().is_empty());
    match spec.split_once(':') {
        Some(("sqlite", _)) => true,
        Some(("dynamodb", _)) => set("AWS_ENDPOINT_URL_DYNAMODB") || set("AWS_ENDPOINT_URL"),
        _ => false,
    }
}

/// The templates compiled in by `build.rs`.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_stores_are_delivered_locally() {
        let none = |_: &str| None;
        assert!(delivers_locally_with("sqlite:.data/pengaduan.db", none));
        assert!(!delivers_locally_with("dynamodb:pengaduan", none), "the delivery function's");
        let local = |k: &str| (k == "AWS_ENDPOINT_URL_DYNAMODB").then(|| "http://127.0.0.1:8000".to_owned());
        assert!(delivers_locally_with("dynamodb:pengaduan", local));
        assert!(!delivers_locally_with("postgres:x", none));
    }
}
