//! Retrying a transaction that lost a race, for as long as the caller can still answer.
//!
//! On AWS the function has a hard timeout (10 s); a retry loop counted in attempts could outlive
//! it and the visitor would get a gateway error instead of the `503` the contract promises. So
//! every loop here stops at a deadline: the one the Lambda adapter sets for the request (its
//! context's deadline minus a margin, through [`with_deadline`]), or [`DEFAULT_BUDGET`] from the
//! start of the loop elsewhere.

use crate::StoreError;
use std::future::Future;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};
use tokio::time::Instant;

/// How long a loop may retry when no request deadline is set (the local server, the staff tool).
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(8);

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `fut` with every retry loop inside it bounded by `deadline`.
pub async fn with_deadline<F: Future>(deadline: Instant, fut: F) -> F::Output {
    DEADLINE.scope(deadline, fut).await
}

/// The moment the current request must be answered by: the one [`with_deadline`] set, or
/// [`DEFAULT_BUDGET`] from now.
pub fn current_deadline() -> Instant {
    DEADLINE.try_with(|d| *d).unwrap_or_else(|_| Instant::now() + DEFAULT_BUDGET)
}

/// Calls `attempt` until it gives an answer (`Some`) or an error, sleeping a short random
/// backoff between tries; [`StoreError::Contention`] once the deadline would pass.
pub async fn until_deadline<T, F, Fut>(mut attempt: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, StoreError>>,
{
    let deadline = current_deadline();
    let mut tries = 0u32;
    loop {
        tries += 1;
        if let Some(answer) = attempt().await? {
            return Ok(answer);
        }
        pause(tries, deadline).await?;
    }
}

/// Sleeps the backoff after the `tries`-th lost attempt, or answers
/// [`StoreError::Contention`] when the next attempt could not start before `deadline`.
pub async fn pause(tries: u32, deadline: Instant) -> Result<(), StoreError> {
    let pause = backoff(tries);
    if Instant::now() + pause >= deadline {
        return Err(StoreError::Contention(tries));
    }
    tokio::time::sleep(pause).await;
    Ok(())
}

/// Takes `lock` in turn (tokio's mutex queues its waiters first come, first served), or
/// answers [`StoreError::Contention`] when the turn would not come before `deadline`: a queue
/// longer than the request may wait is an overload, answered `503` in time.
pub async fn in_turn<T>(lock: &Mutex<T>, deadline: Instant) -> Result<MutexGuard<'_, T>, StoreError> {
    tokio::time::timeout_at(deadline, lock.lock()).await.map_err(|_| StoreError::Contention(0))
}

/// Exponential backoff with full jitter, capped at 200 ms: conflicts clear in a round trip or two.
fn backoff(tries: u32) -> Duration {
    let cap = 200u64.min(5u64 << tries.min(6));
    let mut b = [0u8; 8];
    let jitter = getrandom::fill(&mut b).map(|_| u64::from_le_bytes(b) % (cap + 1)).unwrap_or(cap);
    Duration::from_millis(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_loop_that_never_wins_ends_at_the_deadline() {
        let start = Instant::now();
        let result: Result<(), _> =
            with_deadline(start + Duration::from_secs(2), until_deadline(|| async { Ok(None) })).await;
        let elapsed = start.elapsed();
        assert!(matches!(result, Err(StoreError::Contention(n)) if n > 1), "{result:?}");
        assert!(elapsed <= Duration::from_secs(2), "{elapsed:?}");
        assert!(elapsed >= Duration::from_millis(1500), "gave up early: {elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_request_deadline_the_default_budget_applies() {
        let start = Instant::now();
        let result: Result<(), _> = until_deadline(|| async { Ok(None) }).await;
        assert!(matches!(result, Err(StoreError::Contention(n)) if n > 1), "{result:?}");
        assert!(start.elapsed() <= DEFAULT_BUDGET);
        assert!(start.elapsed() >= DEFAULT_BUDGET - Duration::from_millis(500), "gave up early: {:?}", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn a_queue_serves_in_turn_and_gives_up_at_the_deadline() {
        let lock = std::sync::Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let held = lock.lock().await;
        // Three waiters queue up while the lock is held; they are served in the order they came.
        let waiters: Vec<_> = (0..3)
            .map(|i| {
                let lock = std::sync::Arc::clone(&lock);
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(i)).await;
                    let mut order = in_turn(&lock, start + Duration::from_secs(2)).await?;
                    order.push(i);
                    Ok::<_, StoreError>(())
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(500)).await;
        drop(held);
        for w in waiters {
            w.await.unwrap().unwrap();
        }
        assert_eq!(*lock.lock().await, [0, 1, 2], "first come, first served");
        // A turn that does not come before the deadline is contention, at the deadline.
        let _held = lock.lock().await;
        let late = in_turn(&lock, Instant::now() + Duration::from_secs(1)).await;
        assert!(matches!(late, Err(StoreError::Contention(0))), "{:?}", late.map(|_| ()));
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(1500) && waited < Duration::from_millis(1600), "{waited:?}");
    }

    #[tokio::test]
    async fn an_answer_or_an_error_ends_the_loop_at_once() {
        let mut n = 0;
        let got = until_deadline(|| {
            n += 1;
            let done = n == 3;
            async move { Ok(done.then_some(n)) }
        })
        .await
        .unwrap();
        assert_eq!(got, 3);
        let err: Result<(), _> = until_deadline(|| async { Err(StoreError::Conflict) }).await;
        assert!(matches!(err, Err(StoreError::Conflict)));
    }
}
