//! Errors with their causes kept: every internal failure carries the error that caused it as
//! its `source`, and [`error_chain`] prints the whole chain for logs and operators.

/// Any error from a backend (SQLite, the AWS SDK, the file system), kept with its own causes.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

pub use pengaduan_core::text::error_chain;

/// A storage failure. Messages are for operators and logs, in English, and carry no personal
/// data; what staff read instead is the caller's to word, in Bahasa Indonesia.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed or was unreachable.
    #[error("storage backend error")]
    Backend(#[source] BoxError),
    /// Too many concurrent writers kept winning; the caller may retry.
    #[error("storage contention: gave up after {0} attempts")]
    Contention(u32),
    /// Stored data could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The complaint changed since it was read: another staff member acted first.
    #[error("the complaint changed since it was read")]
    Conflict,
    /// No complaint has this number.
    #[error("no complaint {0}")]
    NotFound(String),
    /// A record with this key exists already (a username that is taken).
    #[error("{0} exists already")]
    Duplicate(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_chain_names_every_cause_once() {
        let e = Outer(std::io::Error::other("disk full"));
        assert_eq!(error_chain(&e), "outer: disk full");
    }
}
