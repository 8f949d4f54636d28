//! Where a composed email goes: `.eml` files in a folder (local use: nothing leaves the
//! machine), an SMTP server (`SMTP_URL`), or Amazon SES (feature `aws`).

use crate::channel::{MailError, SendError};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A way to hand over a composed email.
pub enum Transport {
    /// Each message written as `<dir>/<id>.eml` (`#` as `-`).
    Files(PathBuf),
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Amazon SES (API v2), raw messages.
    #[cfg(feature = "aws")]
    Ses(Ses),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SMTP settings may hold a password: never printed.
        match self {
            Self::Files(dir) => f.debug_tuple("Files").field(dir).finish(),
            Self::Smtp(_) => f.write_str("Smtp"),
            #[cfg(feature = "aws")]
            Self::Ses(_) => f.write_str("Ses"),
        }
    }
}

impl Transport {
    /// Files in `dir`, created on first use.
    pub fn files(dir: impl Into<PathBuf>) -> Self {
        Self::Files(dir.into())
    }

    /// An SMTP server: `smtp://host:port` without encryption (a test or relay server on the
    /// office's network), `smtps://user:pass@host:port` with TLS from the first byte.
    /// `?tls=required` after `smtp://` asks for STARTTLS.
    pub fn smtp(url: &str) -> Result<Self, MailError> {
        let builder =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| MailError::SmtpUrl(e.to_string()))?;
        Ok(Self::Smtp(builder.build()))
    }

    /// Amazon SES from the standard AWS environment, honouring `AWS_ENDPOINT_URL_SESV2`, with
    /// its events published through `configuration_set` when given.
    #[cfg(feature = "aws")]
    pub async fn ses_from_env(configuration_set: Option<String>) -> Self {
        let config = pengaduan_aws::load_config().await;
        let mut builder = aws_sdk_sesv2::config::Builder::from(&config);
        if let Some(url) = pengaduan_aws::service_endpoint("SESV2") {
            builder = builder.endpoint_url(url);
        }
        Self::Ses(Ses::new(aws_sdk_sesv2::Client::from_conf(builder.build()), configuration_set))
    }

    /// Hands over `email`, outbox entry `id`.
    pub async fn send(&self, id: &str, email: &lettre::Message) -> Result<(), SendError> {
        match self {
            Self::Files(dir) => write_file(dir, id, &email.formatted())
                .await
                .map_err(|e| SendError::Temporary(format!("surel tidak dapat ditulis ke {}: {e}", dir.display()))),
            Self::Smtp(smtp) => smtp.send(email.clone()).await.map(drop).map_err(|e| {
                let text = format!("SMTP: {}", pengaduan_store::error_chain(&e));
                if e.is_permanent() { SendError::Permanent(text) } else { SendError::Temporary(text) }
            }),
            #[cfg(feature = "aws")]
            Self::Ses(ses) => ses.send(email).await,
        }
    }
}

/// The file a message is written to (the store's naming, which erasure relies on).
pub use pengaduan_store::outbox::message_file_name as file_name;

/// Writes to a temporary file in the same folder, then renames it: a crash never leaves half a
/// message, and writing the same entry again replaces it.
async fn write_file(dir: &Path, id: &str, bytes: &[u8]) -> std::io::Result<()> {
    static N: AtomicU64 = AtomicU64::new(0);
    tokio::fs::create_dir_all(dir).await?;
    let target = dir.join(file_name(id));
    let temp = dir.join(format!(".{}.{}-{}.tmp", file_name(id), std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let written = async {
        tokio::fs::write(&temp, bytes).await?;
        tokio::fs::rename(&temp, &target).await
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&temp).await;
    }
    written
}

/// Amazon SES (API v2).
#[cfg(feature = "aws")]
pub struct Ses {
    client: aws_sdk_sesv2::Client,
    configuration_set: Option<String>,
}

#[cfg(feature = "aws")]
impl Ses {
    /// Wraps a client built once at start-up; `configuration_set` publishes bounces and
    /// complaints (to SNS, back to the delivery function).
    pub fn new(client: aws_sdk_sesv2::Client, configuration_set: Option<String>) -> Self {
        Self { client, configuration_set }
    }

    /// Sends `email` as a raw message: the text and HTML parts and the Message-ID as composed.
    pub async fn send(&self, email: &lettre::Message) -> Result<(), SendError> {
        use aws_sdk_sesv2::primitives::Blob;
        use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
        let raw = RawMessage::builder()
            .data(Blob::new(email.formatted()))
            .build()
            .map_err(|e| SendError::Permanent(format!("SES: {e}")))?;
        let to: Vec<String> = email.envelope().to().iter().map(ToString::to_string).collect();
        let from = email.envelope().from().map(ToString::to_string);
        let result = self
            .client
            .send_email()
            .set_from_email_address(from)
            .destination(Destination::builder().set_to_addresses(Some(to)).build())
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await;
        result.map(drop).map_err(|e| {
            let permanent =
                e.as_service_error().is_some_and(|s| s.is_message_rejected() || s.is_bad_request_exception());
            let text = format!("SES: {}", pengaduan_store::error_chain(&e));
            if permanent { SendError::Permanent(text) } else { SendError::Temporary(text) }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(file_name("PGD-2026-00001#000001"), "PGD-2026-00001-000001.eml");
        assert_eq!(file_name("../x#1"), "---x-1.eml");
    }

    #[test]
    fn a_bad_smtp_url_is_refused_without_repeating_it() {
        let e = Transport::smtp("http://user:rahasia@host").unwrap_err().to_string();
        assert!(e.contains("SMTP_URL") && !e.contains("rahasia"), "{e}");
    }
}
