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

/// A warning for a local process that sends its messages out (`smtp`: `SMTP_URL` is set) while
/// their links point at `site_url` on this machine, which no recipient can open. A warning, not a
/// refusal: the contract sends to `SMTP_URL` whenever it is set, and a mail catcher on a
/// developer's machine is a fair use of a local address.
pub fn loopback_link_warning(site_url: &str, smtp: bool) -> Option<String> {
    (smtp && is_loopback_url(site_url)).then(|| {
        format!(
            "Peringatan: tautan dalam surel mengarah ke {site_url}, alamat di komputer ini yang tidak dapat \
             dibuka penerima. Atur SITE_ORIGIN (atau base_url di config.toml) ke alamat situs yang sebenarnya."
        )
    })
}

/// Whether `url`'s host is this machine (`localhost`, `127.0.0.0/8`, `::1`).
fn is_loopback_url(url: &str) -> bool {
    let authority = url.split_once("://").map_or(url, |(_, rest)| rest).split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
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

    #[test]
    fn links_to_this_machine_in_mail_sent_out_are_warned_about() {
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:8080",
            "https://LOCALHOST.",
            "http://127.1.2.3",
        ] {
            assert!(loopback_link_warning(local, true).is_some_and(|w| w.contains(local)), "{local}");
            assert_eq!(loopback_link_warning(local, false), None, "{local}: .eml files stay on this machine");
        }
        for public in [
            "https://pengaduan.contoh.go.id",
            "http://10.0.0.5:8080",
            "https://localhost.contoh.go.id",
            "http://[2001:db8::1]",
        ] {
            assert_eq!(loopback_link_warning(public, true), None, "{public}");
        }
    }
}
