//! Sliding windows for the rate limits: a key's events are kept as the moments they happened,
//! and a limit counts those in the `window` before now. Windows aligned to the clock let twice
//! the limit through across their boundary (the limit at 09.59, the limit again at 10.00); a
//! sliding window never lets more than the limit through in any span of its length.

use jiff::Timestamp;
use std::time::Duration;

/// The outcome of counting one submission against the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// Under the limit; counted.
    Allowed,
    /// Over the limit until enough counted events have left the window, in this many seconds.
    Limited {
        /// Seconds until one more event would be allowed.
        retry_after: u64,
    },
}

/// The window submissions per source are counted over.
pub(crate) const SUBMISSION_WINDOW: Duration = Duration::from_secs(3600);

/// The start and end (seconds since the epoch) of the hour window containing `now`.
pub fn rate_window(now: Timestamp) -> (i64, i64) {
    event_window(now, SUBMISSION_WINDOW)
}

/// The start and end (seconds since the epoch) of the fixed window of length `window` containing
/// `now`, aligned to the epoch; a window shorter than a second counts as one second. No limit
/// counts in these any more (see the module).
pub fn event_window(now: Timestamp, window: Duration) -> (i64, i64) {
    let length = seconds(window);
    let start = now.as_second().div_euclid(length) * length;
    (start, start.saturating_add(length))
}

/// How long receipts mailed to one address are counted together.
pub const RECEIPT_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The event key counting the receipts mailed to `address`: a digest of the address as the
/// mailer compares it (trimmed, in lower case), never the address itself.
pub fn receipt_counter_key(address: &str) -> String {
    format!("receipt:{}", crate::intake::digest(&address.trim().to_lowercase()))
}

/// A window's length in whole seconds, at least one.
pub(crate) fn seconds(window: Duration) -> i64 {
    i64::try_from(window.as_secs()).unwrap_or(i64::MAX).max(1)
}

/// What a store counts a source's submissions under.
pub(crate) fn submission_counter_key(source: &str) -> String {
    format!("RATE#{source}")
}

/// What a store counts events under: apart from submissions' counts, and per window length, so
/// that two limits on the same key with different windows never share a log.
pub(crate) fn event_counter_key(key: &str, window: Duration) -> String {
    format!("EVENT#{key}#{}", seconds(window))
}

/// The decision on one more event at `now`, given the moments (seconds since the epoch, in any
/// order) of the events counted so far: allowed while fewer than `limit` of them are in the
/// `window` before `now` (an event at `t` counts until `t + window`, excluded); otherwise
/// limited until enough of them have left it.
pub(crate) fn decide(times: &[i64], limit: u32, now: Timestamp, window: Duration) -> RateDecision {
    let length = seconds(window);
    let now = now.as_second();
    let mut recent = in_window(times, now, length);
    let limit = limit as usize;
    if recent.len() < limit {
        return RateDecision::Allowed;
    }
    if limit == 0 {
        return RateDecision::Limited { retry_after: length as u64 };
    }
    recent.sort_unstable();
    // One more fits once all but `limit - 1` of them have left the window.
    let frees_at = recent[recent.len() - limit].saturating_add(length);
    RateDecision::Limited { retry_after: (frees_at - now).max(1) as u64 }
}

/// What a store keeps of a key's log after counting one more event at `now` under `limit`:
/// the events still in the window, newest `limit` at most (older ones can no longer decide
/// anything), and `now`.
// Only the DynamoDB store writes a log back whole.
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
pub(crate) fn kept_after(times: &[i64], limit: u32, now: Timestamp, window: Duration) -> Vec<i64> {
    let now = now.as_second();
    let mut kept = in_window(times, now, seconds(window));
    kept.sort_unstable();
    let limit = limit as usize;
    if kept.len() >= limit {
        kept.drain(..kept.len() + 1 - limit.max(1));
    }
    kept.push(now);
    kept
}

fn in_window(times: &[i64], now: i64, length: i64) -> Vec<i64> {
    // An event a moment ahead (another instance's clock) still counts.
    times.iter().copied().filter(|&t| t > now.saturating_sub(length)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    /// Counts one event at each moment as a store does, and says which were allowed.
    fn run(moments: &[i64], limit: u32) -> Vec<bool> {
        let mut log = Vec::new();
        moments
            .iter()
            .map(|&t| {
                let allowed = decide(&log, limit, at(t), HOUR) == RateDecision::Allowed;
                if allowed {
                    log = kept_after(&log, limit, at(t), HOUR);
                }
                allowed
            })
            .collect()
    }

    #[test]
    fn the_limit_holds_across_the_hour_s_boundary() {
        // Three in the last minute of one clock hour, three in the first of the next: a window
        // aligned to the clock let all six through.
        let boundary = 1_800_000_000 / 3600 * 3600;
        let moments = [boundary - 50, boundary - 40, boundary - 30, boundary + 10, boundary + 20, boundary + 30];
        assert_eq!(run(&moments, 3), [true, true, true, false, false, false]);
    }

    #[test]
    fn an_event_counts_for_one_window_exactly() {
        let t = 1_800_000_123;
        assert_eq!(run(&[t, t + 1, t + 3599, t + 3600, t + 3601], 2), [true, true, false, true, true]);
    }

    #[test]
    fn retry_after_is_when_the_oldest_counted_event_leaves() {
        let t = 1_800_000_000;
        let log = [t, t + 100, t + 200];
        assert_eq!(decide(&log, 3, at(t + 300), HOUR), RateDecision::Limited { retry_after: 3300 });
        assert_eq!(decide(&log, 2, at(t + 300), HOUR), RateDecision::Limited { retry_after: 3400 }, "two must leave");
        assert_eq!(decide(&log, 3, at(t + 3599), HOUR), RateDecision::Limited { retry_after: 1 });
        assert_eq!(decide(&log, 3, at(t + 3600), HOUR), RateDecision::Allowed);
        assert_eq!(decide(&[], 0, at(t), HOUR), RateDecision::Limited { retry_after: 3600 }, "a limit of none");
    }

    #[test]
    fn the_log_keeps_only_what_can_still_decide() {
        let t = 1_800_000_000;
        assert_eq!(kept_after(&[t - 3600, t - 10, t - 5], 5, at(t), HOUR), [t - 10, t - 5, t], "expired dropped");
        assert_eq!(kept_after(&[t - 3, t - 2, t - 1], 2, at(t), HOUR), [t - 1, t], "the newest limit");
    }

    #[test]
    fn windows_for_reports_stay_aligned() {
        assert_eq!(event_window(at(7250), HOUR), (7200, 10800));
        assert_eq!(rate_window(at(7250)), (7200, 10800));
    }

    #[test]
    fn a_receipt_counter_is_keyed_by_a_digest_of_the_address_as_the_mailer_compares_it() {
        let key = receipt_counter_key("Siti@Contoh.co.id");
        assert_eq!(key, receipt_counter_key("  siti@contoh.co.id\n"));
        assert_ne!(key, receipt_counter_key("siti2@contoh.co.id"));
        assert!(!key.to_lowercase().contains("siti") && !key.contains("contoh"), "{key}");
        assert_eq!(key.len(), "receipt:".len() + 64);
    }
}
