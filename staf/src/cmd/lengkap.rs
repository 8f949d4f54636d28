//! `lengkap`: files declared complete, a procedure chosen; the deadline starts from zero.

use crate::cli::Versi;
use crate::{Ctx, Failure, check_versi, describe, effective_date, load, parse_nomor, store_transition};
use clap::Args;
use pengaduan_core::datetime::tanggal_indonesia;
use pengaduan_site::rules::CALENDAR as CALENDAR_PATH;
use std::fmt::Write as _;

/// The options of `lengkap`.
#[derive(Debug, Args)]
pub struct Lengkap {
    /// Nomor register.
    #[arg(value_name = "NOMOR")]
    pub nomor: String,
    /// Prosedur yang diikuti, menurut id di halaman layanan: penyelesaian (berakhir dengan Berita Acara) atau jawaban-tertulis (berakhir dengan Surat Jawaban).
    #[arg(long, value_name = "PROSEDUR")]
    pub prosedur: String,
    /// Tanggal berkas dinyatakan lengkap, TTTT-BB-HH (bawaan: hari ini).
    #[arg(long, value_name = "TANGGAL")]
    pub tanggal: Option<String>,
    /// Catatan internal (tidak ditampilkan kepada publik).
    #[arg(long, value_name = "CATATAN")]
    pub catatan: Option<String>,
    /// Guard against changes made meanwhile.
    #[command(flatten)]
    pub versi: Versi,
}

/// Declares the files complete on the given day (or today) and prints the step and the deadline.
pub(crate) async fn run(ctx: &Ctx, a: Lengkap) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?;
    let record = load(ctx, &nomor).await?;
    check_versi(&record, a.versi.versi)?;
    let on = effective_date(ctx, &record, a.tanggal.as_deref())?;
    let p = ctx.procedure(&a.prosedur)?;
    let t = record.row.state.mark_complete(p, on, a.catatan.as_deref().unwrap_or_default())?;
    // Computed here with the calendar and stored, so the public function needs no calendar.
    let deadline = t.to.deadline(&ctx.calendar, ctx.rules.max_working_days);
    let step = t.to.step_index.unwrap_or_default();
    store_transition(ctx, &record, &t, deadline, p.public_next_step(step)).await?;
    let mut out = String::new();
    let _ = writeln!(out, "Berkas {nomor} dinyatakan lengkap pada {}.", tanggal_indonesia(on));
    let _ = writeln!(out, "Prosedur: {} ({}), berakhir dengan {}.", p.title, p.id, p.product);
    let _ = writeln!(out, "Sekarang: {}", p.describe_step(step));
    if let Some(next) = p.steps.get(step + 1) {
        let _ = writeln!(out, "Berikutnya: {}", describe(next, step + 1, p));
    }
    if let Some(d) = deadline {
        let _ = writeln!(
            out,
            "Tenggat penyelesaian: {} ({} hari kerja setelah berkas lengkap{}).",
            tanggal_indonesia(d.value),
            ctx.rules.max_working_days,
            d.provisional_note().map(|n| format!("; {n}")).unwrap_or_default()
        );
        if d.provisional {
            let _ = writeln!(
                out,
                "Tenggat ini dihitung tanpa hari libur tahun {} karena kalendernya belum ada di {CALENDAR_PATH}; tenggat dihitung ulang dengan sendirinya setelah kalender tahun itu ditambahkan.",
                d.value.year()
            );
        }
    }
    Ok(out)
}
