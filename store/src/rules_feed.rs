//! The published rules as the AWS functions read them: `aturan-layanan.json`
//! ([`pengaduan_core::published::FILE`]) in the site's bucket, where every site build puts it
//! next to `index.html`. A function loads it at cold start and, before handling a request,
//! looks again when [`RulesFeed::refresh_if_due`] says the interval has passed, so a published
//! calendar or time limit reaches running functions without a deploy.
//!
//! Why here, in the store crate: this is an S3 adapter like [`crate::attachments::s3`], with the
//! same client settings (path-style for a local server) and the same moto test support; the
//! rules' meaning stays core's ([`PublishedRules::from_json`]), and `pengaduan-aws` stays the
//! SDK's shared settings, knowing no bucket or document. Compiled with the `aws` feature only.
//!
//! The settings, from the environment ([`RulesFeed::from_env`]):
//! - `SITE_BUCKET`: the bucket holding the built site (required);
//! - `PENGADUAN_ATURAN_INTERVAL_DETIK`: seconds between two checks, default 300 (5 minutes).
//!
//! A check is one conditional GET (`If-None-Match` with the ETag last read): unchanged, S3
//! answers `304 Not Modified` with no body. A new object whose rules have the same digest (a
//! rebuild that changed nothing in them) is taken quietly. A check that fails keeps the last
//! good rules and logs a warning (never the document), and is tried again after the interval.

use aws_sdk_s3::Client;
use aws_sdk_s3::error::SdkError;
use jiff::{SignedDuration, Timestamp};
use pengaduan_core::published::{FILE, PublishedRules};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The environment variable naming the site's bucket.
pub const BUCKET_VARIABLE: &str = "SITE_BUCKET";

/// The environment variable with the seconds between two checks of the rules.
pub const INTERVAL_VARIABLE: &str = "PENGADUAN_ATURAN_INTERVAL_DETIK";

/// How long the rules are trusted before the bucket is asked again, unless set otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(300);

/// Why the rules could not be read. For operators, in English; never carries the document.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// A setting in the environment is missing or unusable.
    #[error("{0}")]
    Setting(String),
    /// The object is not in the bucket, or the role may not read it (S3 answers 403 for a
    /// missing key when the role may not list the bucket).
    #[error("s3://{bucket}/{FILE} is missing or not readable: publish the site (site-gen build and upload) first")]
    Missing {
        /// The bucket.
        bucket: String,
        /// What S3 answered.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// S3 could not be asked (network, throttling, an unexpected answer).
    #[error("s3://{bucket}/{FILE} could not be read")]
    Fetch {
        /// The bucket.
        bucket: String,
        /// What went wrong.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The object is not a valid rules document (not JSON, a broken calendar...).
    #[error("s3://{bucket}/{FILE} is not a valid rules document")]
    Invalid {
        /// The bucket.
        bucket: String,
        /// Core's reason, which names the fault and its position, not the document.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The published rules from the site's bucket, cached with their ETag and checked again at
/// most once per interval.
pub struct RulesFeed {
    client: Client,
    bucket: String,
    interval: Duration,
    clock: Box<dyn Fn() -> Timestamp + Send + Sync>,
    state: Mutex<State>,
}

/// What was last read, and when the bucket was last asked.
struct State {
    rules: Arc<PublishedRules>,
    digest: String,
    etag: Option<String>,
    checked_at: Timestamp,
}

/// What one conditional GET found.
enum Fetched {
    Unchanged,
    Object { rules: Arc<PublishedRules>, etag: Option<String> },
}

impl RulesFeed {
    /// Reads the rules from `bucket` for the first time (cold start): any failure is an error,
    /// since a function without rules would state no time limit and count no deadline.
    pub async fn load(client: Client, bucket: impl Into<String>, interval: Duration) -> Result<Self, FeedError> {
        Self::load_with_clock(client, bucket, interval, Timestamp::now).await
    }

    /// [`RulesFeed::load`] with a clock of the caller's, for tests of the interval.
    pub async fn load_with_clock(
        client: Client,
        bucket: impl Into<String>,
        interval: Duration,
        clock: impl Fn() -> Timestamp + Send + Sync + 'static,
    ) -> Result<Self, FeedError> {
        let bucket = bucket.into();
        let Fetched::Object { rules, etag } = fetch(&client, &bucket, None).await? else {
            unreachable!("an unconditional GET is never answered 304")
        };
        let state = State { digest: rules.digest(), rules, etag, checked_at: clock() };
        Ok(Self { client, bucket, interval, clock: Box::new(clock), state: Mutex::new(state) })
    }

    /// Reads the rules from the bucket the environment names (see the module's documentation),
    /// with a client built as the attachments' is.
    pub async fn from_env() -> Result<Self, FeedError> {
        let bucket = std::env::var(BUCKET_VARIABLE).ok().filter(|b| !b.trim().is_empty()).ok_or_else(|| {
            FeedError::Setting(format!("{BUCKET_VARIABLE} is not set: the functions read {FILE} there"))
        })?;
        let interval = interval_from(std::env::var(INTERVAL_VARIABLE).ok().as_deref())?;
        let config = pengaduan_aws::load_config().await;
        let path_style = crate::attachments::s3::S3Attachments::path_style_from_env();
        let client = crate::attachments::s3::S3Attachments::client(&config, path_style);
        Self::load(client, bucket, interval).await
    }

    /// The rules in hand: the last good ones read.
    pub fn rules(&self) -> Arc<PublishedRules> {
        Arc::clone(&self.lock().rules)
    }

    /// The bucket read from.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The S3 client it reads with, for other files of the same bucket.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The time between two checks.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// When the interval has passed since the last check, asks the bucket again; the new rules
    /// when their digest changed, `None` otherwise (not due, unchanged, or the check failed: a
    /// failure is logged and the last good rules are kept).
    pub async fn refresh_if_due(&self) -> Option<Arc<PublishedRules>> {
        {
            let mut state = self.lock();
            let now = (self.clock)();
            if !due(Some(state.checked_at), now, self.interval) {
                return None;
            }
            // Marked before asking, so requests arriving meanwhile do not ask as well.
            state.checked_at = now;
        }
        match self.check().await {
            Ok(changed) => changed,
            Err(e) => {
                // Not the chain of an invalid document: core's reason may quote a value from it.
                let error = match &e {
                    FeedError::Invalid { .. } => e.to_string(),
                    _ => crate::error_chain(&e),
                };
                tracing::warn!(%error, "published rules not refreshed; the last good ones stay");
                None
            }
        }
    }

    /// Asks the bucket now, whatever the interval (conditionally on the ETag in hand): the new
    /// rules when their digest changed, `None` when they did not; on an error the rules in hand
    /// stay as they were.
    pub async fn check(&self) -> Result<Option<Arc<PublishedRules>>, FeedError> {
        let etag = self.lock().etag.clone();
        let Fetched::Object { rules, etag } = fetch(&self.client, &self.bucket, etag.as_deref()).await? else {
            return Ok(None);
        };
        let digest = rules.digest();
        let mut state = self.lock();
        state.etag = etag;
        if digest == state.digest {
            return Ok(None);
        }
        state.rules = Arc::clone(&rules);
        tracing::info!(digest = %digest, "published rules changed");
        state.digest = digest;
        Ok(Some(rules))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The interval from the setting's value (whole seconds), or the default when unset.
fn interval_from(value: Option<&str>) -> Result<Duration, FeedError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_INTERVAL),
        Some(v) => v
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| FeedError::Setting(format!("{INTERVAL_VARIABLE}={v:?} is not a whole number of seconds"))),
    }
}

/// What one conditional GET of an object found.
pub(crate) enum Got {
    /// `304 Not Modified`: the object is the one whose ETag was given.
    Unchanged,
    /// The object, with its ETag.
    Object { bytes: Vec<u8>, etag: Option<String> },
}

/// Why a GET of an object failed.
pub(crate) enum GetFailure {
    /// Missing, or not readable by this role.
    Missing(Box<dyn std::error::Error + Send + Sync>),
    /// Anything else (network, throttling, an unexpected answer).
    Fetch(Box<dyn std::error::Error + Send + Sync>),
}

/// One GET of `key` in `bucket`, conditional on `etag` when given: the site's files the
/// functions follow (the rules, the search's pages file) are read this one way.
pub(crate) async fn conditional_get(
    client: &Client,
    bucket: &str,
    key: &str,
    etag: Option<&str>,
) -> Result<Got, GetFailure> {
    let request = client.get_object().bucket(bucket).key(key).set_if_none_match(etag.map(str::to_owned));
    let out = match request.send().await {
        Ok(out) => out,
        Err(e) => {
            // S3 answers `304 Not Modified` without a body, which the SDK returns as an error
            // with no code: only the raw status tells it apart.
            let status = e.raw_response().map(|r| r.status().as_u16());
            if status == Some(304) {
                return Ok(Got::Unchanged);
            }
            let no_such_key = matches!(&e, SdkError::ServiceError(s) if s.err().is_no_such_key());
            return Err(if no_such_key || matches!(status, Some(403 | 404)) {
                GetFailure::Missing(e.into())
            } else {
                GetFailure::Fetch(e.into())
            });
        }
    };
    let etag = out.e_tag().map(str::to_owned);
    let bytes = out.body.collect().await.map_err(|e| GetFailure::Fetch(e.into()))?.into_bytes().to_vec();
    Ok(Got::Object { bytes, etag })
}

/// One GET of the rules, conditional on `etag` when given.
async fn fetch(client: &Client, bucket: &str, etag: Option<&str>) -> Result<Fetched, FeedError> {
    let (bytes, etag) = match conditional_get(client, bucket, FILE, etag).await {
        Ok(Got::Unchanged) => return Ok(Fetched::Unchanged),
        Ok(Got::Object { bytes, etag }) => (bytes, etag),
        Err(GetFailure::Missing(source)) => return Err(FeedError::Missing { bucket: bucket.to_owned(), source }),
        Err(GetFailure::Fetch(source)) => return Err(FeedError::Fetch { bucket: bucket.to_owned(), source }),
    };
    let invalid = |e: String| FeedError::Invalid { bucket: bucket.to_owned(), source: e.into() };
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid(format!("{FILE} is not UTF-8")))?;
    let rules = PublishedRules::from_json(text).map_err(invalid)?;
    Ok(Fetched::Object { rules: Arc::new(rules), etag })
}

/// Whether a feed last asked at `last` (never: `None`) is due to ask again at `now`, every
/// `interval`. A clock set back counts as due: one GET too many beats a feed that never refreshes.
pub(crate) fn due(last: Option<Timestamp>, now: Timestamp, interval: std::time::Duration) -> bool {
    let Some(last) = last else { return true };
    let since = now.duration_since(last);
    let interval = SignedDuration::try_from(interval).unwrap_or(SignedDuration::MAX);
    !(since >= SignedDuration::ZERO && since < interval)
}

#[cfg(test)]
mod due_tests {
    use super::due;
    use jiff::Timestamp;
    use std::time::Duration;

    #[test]
    fn a_feed_is_due_first_after_its_interval_and_when_the_clock_went_back() {
        let at: Timestamp = "2026-12-08T03:00:00Z".parse().unwrap();
        let minute = Duration::from_secs(60);
        let later = |s: i64| at.checked_add(jiff::SignedDuration::from_secs(s)).unwrap();
        assert!(due(None, at, minute), "never asked");
        assert!(!due(Some(at), at, minute));
        assert!(!due(Some(at), later(59), minute));
        assert!(due(Some(at), later(60), minute));
        assert!(due(Some(at), later(-1), minute), "the clock was set back");
        assert!(!due(Some(at), later(3600), Duration::MAX), "an interval too long for a signed span");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_is_whole_seconds_or_five_minutes() {
        assert_eq!(interval_from(None).unwrap(), DEFAULT_INTERVAL);
        assert_eq!(interval_from(Some(" ")).unwrap(), DEFAULT_INTERVAL);
        assert_eq!(interval_from(Some("60")).unwrap(), Duration::from_secs(60));
        let e = interval_from(Some("5m")).unwrap_err().to_string();
        assert!(e.contains(INTERVAL_VARIABLE) && e.contains("whole number"), "{e}");
    }
}
