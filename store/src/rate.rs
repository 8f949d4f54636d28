//! Fixed windows for the rate limits: aligned to the epoch, so every instance of a store agrees
//! on them without sharing state.

use jiff::Timestamp;
use std::time::Duration;

/// The outcome of counting one submission against the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// Under the limit; counted.
    Allowed,
    /// Over the limit until the window ends, in this many seconds.
    Limited {
        /// Seconds until the current window ends.
        retry_after: u64,
    },
}

/// The start and end (seconds since the epoch) of the hour window containing `now`.
pub fn rate_window(now: Timestamp) -> (i64, i64) {
    event_window(now, Duration::from_secs(3600))
}

/// The start and end (seconds since the epoch) of the fixed window of length `window` containing
/// `now`. Windows are aligned to the epoch, so every instance of the function agrees on them
/// without sharing state; a window shorter than a second counts as one second.
pub fn event_window(now: Timestamp, window: Duration) -> (i64, i64) {
    let length = i64::try_from(window.as_secs()).unwrap_or(i64::MAX).max(1);
    let start = now.as_second().div_euclid(length) * length;
    (start, start.saturating_add(length))
}

/// What a store counts events under: apart from submissions' counts, and per window length, so
/// that two limits on the same key with different windows never share a counter.
pub(crate) fn event_counter_key(key: &str, window: Duration, start: i64) -> String {
    format!("EVENT#{key}#{}#{start}", window.as_secs().max(1))
}

/// The decision once `count` events are counted in the window ending at `end`.
pub(crate) fn decide(count: i64, limit: u32, now: Timestamp, end: i64) -> RateDecision {
    if count >= i64::from(limit) {
        RateDecision::Limited { retry_after: (end - now.as_second()).max(1) as u64 }
    } else {
        RateDecision::Allowed
    }
}
