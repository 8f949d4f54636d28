//! Errors with their causes kept: every internal failure carries the error that caused it as
//! its `source`, and [`error_chain`] prints the whole chain for logs and operators.

/// Any error from a backend (SQLite, the AWS SDK, the file system), kept with its own causes.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

pub use pengaduan_core::text::error_chain;

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
