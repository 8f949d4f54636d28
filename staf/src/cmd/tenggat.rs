//! `tenggat`: every unfinished complaint's deadline counted again with the calendar in content.
//!
//! Every command already does this when the calendar or the time limit changed since the
//! deadlines were stored; this command does it on request and lists each change, for the staff
//! member who just added a year or an amended SKB and wants to see what moved.

use crate::{Ctx, Failure};
use pengaduan_core::calendar::Deadline;
use pengaduan_core::datetime::tanggal_indonesia;
use pengaduan_store::deadlines::{Recomputed, recompute_and_record};
use std::fmt::Write as _;

/// Recomputes the deadlines, records the calendar they now follow, and lists what changed.
pub(crate) async fn run(ctx: &Ctx) -> Result<String, Failure> {
    let done = recompute_and_record(&ctx.store, &ctx.calendar, ctx.rules.max_working_days).await?;
    Ok(report(&done))
}

/// "N tenggat diperiksa, M diperbarui." and one line per change with the old and the new
/// deadline: numbers and dates only, nothing personal.
pub(crate) fn report(done: &Recomputed) -> String {
    let mut out = format!("{} tenggat diperiksa, {} diperbarui.\n", done.checked, done.changed.len());
    for c in &done.changed {
        let _ = writeln!(out, "  {}: {} -> {}", c.nomor, describe(c.old), describe(c.new));
    }
    out
}

/// A deadline as staff read it, marked when provisional.
fn describe(d: Option<Deadline>) -> String {
    match d {
        Some(d) if d.provisional => format!("{} (sementara)", tanggal_indonesia(d.value)),
        Some(d) => tanggal_indonesia(d.value),
        None => "tanpa tenggat".to_owned(),
    }
}
