//! The database's schema, one step per version, each step a file in `migrations/`.
//!
//! Opening takes the write lock before it reads the version: two programs opening an old
//! database at once (`site-gen serve` and `pengaduan-staf`) would otherwise both read the old
//! version and both apply its next step, and the second would fail ("duplicate column name").
//! Every missing step runs in that one transaction with its version bump, so a crash leaves
//! either the old schema or the new one.

use super::backend;
use crate::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// The steps in order: applying step `i` takes the database from version `i` to `i + 1`.
pub(super) const MIGRATIONS: [&str; 13] = [
    include_str!("migrations/0001_register.sql"),
    include_str!("migrations/0002_workflow.sql"),
    include_str!("migrations/0003_hardening.sql"),
    include_str!("migrations/0004_accounts.sql"),
    include_str!("migrations/0005_provisional_deadlines.sql"),
    include_str!("migrations/0006_survey.sql"),
    include_str!("migrations/0007_outbox.sql"),
    include_str!("migrations/0008_language.sql"),
    include_str!("migrations/0009_login_sources.sql"),
    include_str!("migrations/0010_content.sql"),
    include_str!("migrations/0012_answer.sql"),
    include_str!("migrations/0013_sliding_rates.sql"),
    // File 0014 is step 13: main took 0012 for step 11 and 0011 stayed free; the names only
    // need to sort in the order the steps run.
    include_str!("migrations/0014_additions.sql"),
];

/// The version this program writes.
pub(super) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`SCHEMA_VERSION`]; refuses one written by a newer program. The
/// connection's busy timeout bounds the wait for another program's migration.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
    // Read under the write lock: whoever held it before may have migrated already.
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(backend)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::Backend(
            format!("database schema version {version} is newer than this program's {SCHEMA_VERSION}").into(),
        ));
    }
    for (done, step) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(step).map_err(backend)?;
        tx.pragma_update(None, "user_version", done as i64 + 1).map_err(backend)?;
    }
    tx.commit().map_err(backend)
}
