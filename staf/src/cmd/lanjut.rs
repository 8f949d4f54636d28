//! `lanjut`: the next step of the complaint's procedure, exactly one; the Berita Acara number at its step.

use crate::cli::Versi;
use crate::{Ctx, Failure, check_versi, describe, load, parse_nomor, require, store_transition};
use clap::Args;
use pengaduan_core::Status;
use pengaduan_core::workflow::WorkflowError;
use std::fmt::Write as _;

/// The options of `lanjut`.
#[derive(Debug, Args)]
pub struct Lanjut {
    /// Nomor register.
    #[arg(value_name = "NOMOR")]
    pub nomor: String,
    /// Catatan tentang langkah ini (internal, tidak ditampilkan kepada publik).
    #[arg(long, value_name = "CATATAN")]
    pub catatan: String,
    /// Guard against changes made meanwhile.
    #[command(flatten)]
    pub versi: Versi,
}

/// Moves the complaint one step on and prints where it stands.
pub(crate) async fn run(ctx: &Ctx, a: Lanjut) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?;
    let catatan = require(&a.catatan, "Catatan (--catatan)")?;
    let record = load(ctx, &nomor).await?;
    check_versi(&record, a.versi.versi)?;
    let state = &record.row.state;
    let Some(id) = &state.procedure_id else {
        return Err(match state.status {
            Status::Selesai => WorkflowError::AlreadyFinished.into(),
            _ => WorkflowError::FilesNotComplete.into(),
        });
    };
    let p = ctx.procedure(id)?;
    let t = state.advance(p, ctx.today(), &catatan)?;
    let step = t.to.step_index.unwrap_or_default();
    // The deadline was fixed when the files were declared complete.
    let applied = store_transition(ctx, &record, &t, record.row.stored_deadline(), p.public_next_step(step)).await?;
    let mut out = String::new();
    let _ = writeln!(out, "{nomor}: {}", p.describe_step(step));
    let _ = writeln!(out, "Status publik: {} ({}).", t.to.status.label(), t.to.status.code());
    if let Some(ba) = &applied.ba_number {
        let _ = writeln!(out, "Nomor Berita Acara Penyelesaian Pengaduan: {ba}");
    }
    if t.to.status == Status::Selesai {
        let taken = t.to.days_taken(&ctx.calendar);
        let _ = write!(out, "Pengaduan selesai");
        if let Some(n) = taken {
            let _ = write!(out, " dalam {} hari kerja sejak berkas lengkap", n.value);
            if n.provisional {
                let _ = write!(out, " (sementara: dihitung tanpa hari libur tahun yang belum ada di kalender)");
            }
        }
        let _ = writeln!(out, ".");
    } else if let Some(next) = p.steps.get(step + 1) {
        let _ = writeln!(out, "Berikutnya: {}", describe(next, step + 1, p));
    }
    Ok(out)
}
