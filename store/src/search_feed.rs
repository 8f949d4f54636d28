//! The site's search pages file as form-fn reads it on AWS: `pencarian.json`
//! ([`pengaduan_core::search::FILE`]) in the site's bucket, where every site build puts it, so
//! `GET /api/cari` answers from the pages the site last published. Read as the rules are
//! ([`crate::rules_feed`]): the same bucket and client, a conditional GET (`If-None-Match`) at
//! most once per interval. Unlike the rules it may be missing (a site without a search page, a
//! bucket not yet published): the function starts without it and looks again when due.

use crate::rules_feed::{GetFailure, Got, RulesFeed, conditional_get, due};
use aws_sdk_s3::Client;
use jiff::Timestamp;
use pengaduan_core::search::{FILE, SiteSearch};
use std::sync::Mutex;
use std::time::Duration;

/// The search's pages file from the site's bucket, asked again at most once per interval.
pub struct SearchFeed {
    client: Client,
    bucket: String,
    interval: Duration,
    clock: Box<dyn Fn() -> Timestamp + Send + Sync>,
    /// The ETag of the file last read, and when the bucket was last asked (never: `None`).
    state: Mutex<(Option<String>, Option<Timestamp>)>,
}

impl SearchFeed {
    /// Reads `bucket` with `client`; nothing is asked until [`SearchFeed::refresh_if_due`].
    pub fn new(client: Client, bucket: impl Into<String>, interval: Duration) -> Self {
        Self::with_clock(client, bucket, interval, Timestamp::now)
    }

    /// [`SearchFeed::new`] with a clock of the caller's, for tests of the interval.
    pub fn with_clock(
        client: Client,
        bucket: impl Into<String>,
        interval: Duration,
        clock: impl Fn() -> Timestamp + Send + Sync + 'static,
    ) -> Self {
        let bucket = bucket.into();
        Self { client, bucket, interval, clock: Box::new(clock), state: Mutex::new((None, None)) }
    }

    /// Follows the bucket the rules are read from, at the same interval.
    pub fn beside(rules: &RulesFeed) -> Self {
        Self::new(rules.client().clone(), rules.bucket(), rules.interval())
    }

    /// On the first call, and then when the interval has passed, asks the bucket (conditionally
    /// on the ETag in hand): the pages file when it is new, `None` otherwise (not due,
    /// unchanged, or a failure, which is logged; the search in hand stays).
    pub async fn refresh_if_due(&self) -> Option<SiteSearch> {
        let etag = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = (self.clock)();
            if !due(state.1, now, self.interval) {
                return None;
            }
            state.1 = Some(now);
            state.0.clone()
        };
        let (bytes, etag) = match conditional_get(&self.client, &self.bucket, FILE, etag.as_deref()).await {
            Ok(Got::Unchanged) => return None,
            Ok(Got::Object { bytes, etag }) => (bytes, etag),
            Err(GetFailure::Missing(_)) => {
                tracing::warn!(bucket = %self.bucket, file = FILE, "search pages file missing: publish the site");
                return None;
            }
            Err(GetFailure::Fetch(e)) => {
                tracing::warn!(error = %crate::error_chain(&*e), "search pages file not refreshed");
                return None;
            }
        };
        match std::str::from_utf8(&bytes).map_err(|e| e.to_string()).and_then(SiteSearch::from_json) {
            Ok(search) => {
                self.state.lock().unwrap_or_else(|e| e.into_inner()).0 = etag;
                tracing::info!("search pages file read");
                Some(search)
            }
            Err(error) => {
                tracing::warn!(%error, "search pages file is not valid; the search in hand stays");
                None
            }
        }
    }
}
