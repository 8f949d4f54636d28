//! The store's contract, one test binary: every case runs as its own test against each store
//! (SQLite and DynamoDB on moto's server; a folder and S3 for attachments), so one failure
//! hides no other and a case runs by name (`cargo test --test contract -- the_whole_path`).
//! The test binary starts one moto server (`Moto::shared`); each test keeps to its own table or
//! bucket.

/// One test per case and store. Each store is an expression giving `(store, guard)`, the guard
/// kept alive for the test (a temporary folder); each case is an `async fn` of this module
/// taking `&store`, or, marked `(arc)`, an `Arc` of it:
///
/// ```ignore
/// contract! {
///     sqlite => sqlite_store(),
///     dynamodb => (Moto::shared().store().await, ());
///     [numbers_are_sequential_per_year, (arc) concurrent_submissions_are_gapless]
/// }
/// ```
macro_rules! contract {
    ($($backend:ident => $make:expr),+ ; $cases:tt) => {
        $( contract!(@backend $backend => $make; $cases); )+
    };
    (@backend $backend:ident => $make:expr; [$($(($mode:ident))? $case:ident),* $(,)?]) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    let (store, _guard) = $make;
                    super::$case(contract!(@pass $($mode)? store)).await;
                }
            )*
        }
    };
    (@pass $store:ident) => { &$store };
    (@pass arc $store:ident) => { ::std::sync::Arc::new($store) };
}

mod accounts;
mod answer;
mod attachments;
mod complaints;
mod content;
mod outbox;
mod personal;
mod rules_feed;
mod scan;
mod survey;
mod workflow;
