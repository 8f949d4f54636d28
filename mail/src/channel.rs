//! The channel a message reaches the complainant through, and the email channel.

use crate::compose::{ComposeError, Composer, LOCAL_SENDER, parse_sender};
use crate::transport::Transport;
use pengaduan_core::notice::Message;
use std::future::Future;
use std::path::Path;

/// A way to reach a complainant: the delivery loop ([`crate::deliver`]) claims an outbox entry,
/// hands its message to a channel, and records the outcome.
///
/// Email ([`Mailer`]) is the one channel today. WhatsApp or SMS would be another implementation
/// of this trait, worded from their own short templates (`templates/surel/` is for email) and
/// chosen by the address the message carries. What an office would need first: for WhatsApp, a
/// WhatsApp Business account with a verified sender number, reached through a Business
/// Solution Provider (BSP) or Meta's Cloud API, with its message templates approved by Meta
/// (a first message to a citizen must be a template); for SMS, a contract with an SMS gateway
/// (a registered sender ID, masking, with an Indonesian operator or aggregator) and its HTTP
/// API. Either way the complainant's consent covers the channel, and the tracking code only
/// ever goes to the number that sent the complaint.
pub trait MessageChannel: Send + Sync {
    /// Sends `message`, outbox entry `id`. The same `id` may be sent again after a crash: a
    /// channel makes that harmless where it can (one Message-ID, one file name).
    fn send(&self, id: &str, message: &Message) -> impl Future<Output = Result<(), SendError>> + Send;
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Trying again will not help: the address is refused, the server answered 5xx.
    #[error("{0}")]
    Permanent(String),
    /// Worth another try later: the server is down, busy, or answered 4xx.
    #[error("{0}")]
    Temporary(String),
}

impl SendError {
    /// Whether trying again cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Permanent(_))
    }
}

/// Why the email channel could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Templates or sender.
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// `SMTP_URL` is not a server's address (the value is not repeated: it may hold a password).
    #[error(
        "SMTP_URL tidak sah ({0}): tulis `smtp://host:port` (tanpa enkripsi, untuk server uji) atau \
         `smtps://pengguna:sandi@host:port` (TLS)"
    )]
    SmtpUrl(String),
}

/// The email channel: messages worded by a [`Composer`], sent by a [`Transport`].
#[derive(Debug)]
pub struct Mailer {
    composer: Composer,
    transport: Transport,
}

impl Mailer {
    /// A mailer from its parts.
    pub fn new(composer: Composer, transport: Transport) -> Self {
        Self { composer, transport }
    }

    /// The local mailer of `site-gen serve` and the staff tool, from the process environment:
    /// see [`Mailer::local_with`].
    pub fn local(root: &Path, data_dir: &Path, site_url: &str) -> Result<Self, MailError> {
        Self::local_with(root, data_dir, site_url, |k| std::env::var(k).ok())
    }

    /// The local mailer: templates from `<root>/templates/surel/`; SMTP when `SMTP_URL` is set,
    /// else `.eml` files in `<data_dir>/surel/`; the sender from `PENGADUAN_EMAIL_FROM`, or
    /// `Layanan Pengaduan <pengaduan@localhost>`. `env` reads the settings.
    pub fn local_with(
        root: &Path,
        data_dir: &Path,
        site_url: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, MailError> {
        let env = |k: &str| env(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let sender = parse_sender(&env("PENGADUAN_EMAIL_FROM").unwrap_or_else(|| LOCAL_SENDER.to_owned()))?;
        let composer = Composer::from_dir(root, sender, site_url)?;
        let transport = match env("SMTP_URL") {
            Some(url) => Transport::smtp(&url)?,
            None => Transport::files(data_dir.join("surel")),
        };
        Ok(Self::new(composer, transport))
    }

    /// The deployed mailer: embedded templates, Amazon SES from the standard AWS environment
    /// (`AWS_ENDPOINT_URL_SESV2` for a local server), configuration set from
    /// `SES_CONFIGURATION_SET`; `PENGADUAN_EMAIL_FROM` is required.
    #[cfg(feature = "aws")]
    pub async fn ses_from_env(site_url: &str) -> Result<Self, MailError> {
        let var = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let sender = parse_sender(&var("PENGADUAN_EMAIL_FROM").ok_or(ComposeError::SenderMissing)?)?;
        let composer = Composer::embedded(sender, site_url)?;
        let transport = Transport::ses_from_env(var("SES_CONFIGURATION_SET")).await;
        Ok(Self::new(composer, transport))
    }

    /// The composer.
    pub fn composer(&self) -> &Composer {
        &self.composer
    }

    /// The transport.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

impl MessageChannel for Mailer {
    async fn send(&self, id: &str, message: &Message) -> Result<(), SendError> {
        let email = self.composer.compose(id, message).map_err(|e| match e {
            // No try will make a malformed address valid.
            ComposeError::Recipient => SendError::Permanent(e.to_string()),
            // A template an editor broke can be mended before the last try.
            e => SendError::Temporary(e.to_string()),
        })?;
        self.transport.send(id, &email).await
    }
}
