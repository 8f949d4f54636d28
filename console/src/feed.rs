//! The console following the rules its site publishes, for `console-fn` on AWS: the service's
//! procedures, time limit and holiday calendar come from `aturan-layanan.json` in the site's
//! bucket ([`RulesFeed`]), read at cold start and looked at again before a request once the
//! feed's interval has passed. New rules replace the console's and recount the stored deadlines
//! that depend on them ([`pengaduan_store::deadlines::recompute_if_changed`]): the store keeps
//! the fingerprint of the rules its deadlines follow, so of several instances that see the same
//! change, the first recounts and the others find nothing to do.

use crate::{Console, Rules};
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use pengaduan_core::published::PublishedRules;
use pengaduan_store::rules_feed::RulesFeed;
use std::sync::Arc;

/// The console's router ([`crate::app`]) checking `feed` before each request, and following
/// the rules when they changed; its answers gzipped for browsers that accept it, as `serve`
/// does: CloudFront compresses nothing for a behaviour that does not cache (`/staf/*`'s), and
/// the inbox and the audit trail are long HTML tables.
pub fn app_following(console: Arc<Console>, feed: Arc<RulesFeed>) -> Router {
    crate::app(Arc::clone(&console))
        .layer(axum::middleware::from_fn_with_state((console, feed), refresh))
        .layer(tower_http::compression::CompressionLayer::new())
}

/// Follows new rules, when the feed is due and has them, before the request is answered: the
/// staff see the new calendar's deadlines on the very request that noticed it.
async fn refresh(
    State((console, feed)): State<(Arc<Console>, Arc<RulesFeed>)>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(rules) = feed.refresh_if_due().await {
        follow(&console, &rules).await;
    }
    next.run(request).await
}

/// Gives the console `rules` and recounts the stored deadlines when their calendar or time
/// limit differs from the one the store recorded (at cold start too: an instance started after
/// a publish sees no change, but the store may not have followed it yet). A failed recount is
/// logged and tried again at the next change or cold start; the console keeps working.
pub async fn follow(console: &Console, rules: &PublishedRules) {
    console.set_rules(Rules::from(rules.clone()));
    let max = rules.service.max_working_days;
    match pengaduan_store::deadlines::recompute_if_changed(console.store(), &rules.calendar, max).await {
        Ok(Some(done)) => {
            tracing::info!(checked = done.checked, changed = done.changed.len(), "stored deadlines recounted")
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %pengaduan_store::error_chain(&e), "stored deadlines not recounted"),
    }
}
