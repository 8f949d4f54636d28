//! Keeping the public statistics (`/statistik/`) up to date under `site-gen serve`: a
//! background task reads the store every [`ROUND`] and, when what the figures rest on changed
//! (the register's rows and the survey answers, by a digest; the day, since the window moves
//! with it; the holiday calendar), computes the figures, leaves them in the output folder for
//! the site build (`pengaduan_site::statistik`) and rebuilds, which renders only the statistics
//! pages and their data anew. A change in the store shows within one round (30 s), well inside
//! the minute the contract allows; an unchanged store costs one read per round and no build.
//!
//! The read is `pengaduan_report::statistik`'s: only the rows the figures rest on (on a local
//! SQLite file, milliseconds; on DynamoDB, a `Query` per month of the register's month indexes
//! and one of the open complaints' index, as `publish-fn`'s daily run on AWS reads them).

use super::Rebuilder;
use pengaduan_report::statistik::read_inputs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How often the store is looked at.
pub(super) const ROUND: Duration = Duration::from_secs(30);

/// Runs until the server stops: checks the store every round, recomputes and rebuilds when
/// something the figures depend on changed. Failures are printed once until they clear, and
/// serving goes on.
pub(super) async fn keep_up_to_date(rebuilder: Arc<Rebuilder>, root: PathBuf, out: PathBuf) {
    let tz = rebuilder.config.timezone.clone();
    let mut last = None;
    let mut failing = false;
    let mut round = tokio::time::interval(ROUND);
    round.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        round.tick().await;
        // A calendar that does not load is the build's to report; the figures wait for it.
        let Ok(calendar) = pengaduan_site::rules::load_calendar(&root) else { continue };
        let now = (rebuilder.now)();
        let inputs = match read_inputs(&rebuilder.store, &tz, now).await {
            Ok(inputs) => inputs,
            Err(e) => {
                if !failing {
                    eprintln!("Peringatan: statistik belum diperbarui: {}", pengaduan_store::error_chain(&e));
                }
                failing = true;
                continue;
            }
        };
        failing = false;
        let key = (inputs.fingerprint(), now.to_zoned(tz.clone()).date(), calendar.fingerprint());
        if last.as_ref() == Some(&key) {
            continue;
        }
        let figures = inputs.figures(&calendar, &tz, now);
        if let Err(e) = pengaduan_site::statistik::save(&out, &figures) {
            eprintln!("Peringatan: statistik tidak dapat ditulis: {e}");
            continue;
        }
        last = Some(key);
        let building = Arc::clone(&rebuilder);
        // The build is blocking work (files, rendering); its errors are shown by the rebuild.
        if let Ok(Ok(rules)) = tokio::task::spawn_blocking(move || building.rebuild_figures()).await {
            rebuilder.follow(rules).await;
        }
    }
}
