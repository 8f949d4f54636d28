//! Turns on the register counters within one process.
//!
//! Every submission of a year moves one counter item, conditionally on its last value. Twenty
//! requests of one function instance racing for it would each read the counter, all but one
//! would lose the transaction, and they would retry after random pauses: a lottery in which
//! some lose until their deadline (`503`) while the item is mostly idle. Here they queue
//! instead, first come first served, and the instance moves the counter one transaction at a
//! time, remembering the value it wrote for the next in line. Other instances are raced as
//! before; the condition on the counter keeps the numbers unique and gapless whatever is
//! remembered, and a stale value costs one cancelled transaction, which returns the fresh one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One counter's turn: held while its transaction runs, with the counter's last value as this
/// process last saw it (`None`: unknown, read it first).
pub(super) type Turn = Arc<tokio::sync::Mutex<Option<i64>>>;

/// The turns of this process, one per counter item (a prefix and year).
#[derive(Default)]
pub(super) struct Counters(Mutex<HashMap<String, Turn>>);

impl Counters {
    /// The turn for the counter `name`, made on first use.
    pub(super) fn turn(&self, name: &str) -> Turn {
        // A panic while the map was held leaves it intact: keep using it.
        let mut turns = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(turns.entry(name.to_owned()).or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_turn_per_counter() {
        let counters = Counters::default();
        assert!(Arc::ptr_eq(&counters.turn("PGD#2026"), &counters.turn("PGD#2026")));
        assert!(!Arc::ptr_eq(&counters.turn("PGD#2026"), &counters.turn("PGD#2027")));
    }
}
