//! `daftar`: the register as a table, filtered by status, kind, channel, lateness or deadline.

use crate::{Ctx, Failure};
use clap::Args;
use pengaduan_core::text::escape_controls_line;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_core::{Jenis, Status};
use pengaduan_store::{ListFilter, WorkflowStore};
use std::fmt::Write as _;

/// The options of `daftar`.
#[derive(Debug, Args)]
pub struct Daftar {
    /// Hanya status ini: diterima, perlu_dilengkapi, diverifikasi, diproses, atau selesai.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Hanya jenis ini: pengaduan, informasi, atau aspirasi.
    #[arg(long, value_name = "JENIS")]
    pub jenis: Option<String>,
    /// Hanya kanal ini: web, telepon, surat, email, sms, kotak_pengaduan, lapor, atau langsung.
    #[arg(long, value_name = "KANAL")]
    pub kanal: Option<String>,
    /// Hanya yang belum selesai dan sudah melewati tenggat.
    #[arg(long)]
    pub terlambat: bool,
    /// Hanya yang belum selesai dan tenggatnya jatuh dalam N hari kerja ke depan (termasuk hari ini).
    #[arg(long = "jatuh-tempo", value_name = "N")]
    pub jatuh_tempo: Option<u32>,
}

/// Prints the matching complaints, one line each.
pub(crate) async fn run(ctx: &Ctx, a: Daftar) -> Result<String, Failure> {
    let status = a
        .status
        .as_deref()
        .map(|s| {
            s.parse::<Status>().map_err(|_| {
                Failure::new(format!(
                    "Status {s:?} tidak dikenal; pilih salah satu: diterima, perlu_dilengkapi, diverifikasi, diproses, selesai."
                ))
            })
        })
        .transpose()?;
    let jenis = a
        .jenis
        .as_deref()
        .map(|j| {
            Jenis::parse(j).ok_or_else(|| {
                Failure::new(format!("Jenis {j:?} tidak dikenal; pilih salah satu: pengaduan, informasi, aspirasi."))
            })
        })
        .transpose()?;
    let kanal = a
        .kanal
        .as_deref()
        .map(|k| {
            IntakeChannel::parse(k).ok_or_else(|| {
                Failure::new(format!(
                    "Kanal {k:?} tidak dikenal; pilih salah satu: web, telepon, surat, email, sms, kotak_pengaduan, lapor, langsung."
                ))
            })
        })
        .transpose()?;
    if a.terlambat && a.jatuh_tempo.is_some() {
        return Err(Failure::new("Pilih salah satu: --terlambat atau --jatuh-tempo."));
    }
    let filter = ListFilter { status, jenis, ..Default::default() };
    let today = ctx.today();
    let mut rows = Vec::new();
    for row in ctx.store.list(&filter).await? {
        if kanal.is_some_and(|k| k != row.channel) {
            continue;
        }
        let open = row.state.status != Status::Selesai;
        if a.terlambat && !(open && row.deadline.is_some_and(|d| d.value < today)) {
            continue;
        }
        if let Some(n) = a.jatuh_tempo {
            let Some(d) = row.deadline.map(|d| d.value).filter(|d| open && *d >= today) else { continue };
            // Today counts as one of the N days when it is a working day.
            let left = ctx.calendar.working_days_between(today.yesterday().unwrap_or(today), d).value;
            if left > n {
                continue;
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Ok("Tidak ada pengaduan yang cocok.\n".into());
    }
    let mut table = vec![["NOMOR", "DITERIMA", "KANAL", "JENIS", "STATUS", "TENGGAT", "JUDUL"].map(str::to_owned)];
    for r in &rows {
        let overdue = r.state.status != Status::Selesai && r.deadline.is_some_and(|d| d.value < today);
        let provisional = r.deadline.is_some_and(|d| d.provisional);
        let marks: Vec<&str> =
            [(overdue, "terlambat"), (provisional, "sementara")].into_iter().filter(|m| m.0).map(|m| m.1).collect();
        let tenggat = match r.deadline.map(|d| d.value) {
            Some(d) if marks.is_empty() => d.to_string(),
            Some(d) => format!("{d} ({})", marks.join(", ")),
            None => "-".into(),
        };
        let judul: String = if r.judul.chars().count() > 50 {
            r.judul.chars().take(49).chain(['…']).collect()
        } else {
            r.judul.clone()
        };
        // Every cell, not only the title: a row is printed as one line whatever a cell holds.
        table.push(
            [
                r.nomor.to_string(),
                ctx.local(r.received_at).date().to_string(),
                r.channel.label().to_owned(),
                r.jenis.label().to_owned(),
                r.state.status.code().to_owned(),
                tenggat,
                judul,
            ]
            .map(|cell| escape_controls_line(&cell).into_owned()),
        );
    }
    let mut widths = [0usize; 7];
    for line in &table {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in &table {
        let cells: Vec<String> = line
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| if i == 6 { c.clone() } else { format!("{c}{}", " ".repeat(w - c.chars().count())) })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    let _ = writeln!(out, "\n{} pengaduan.", rows.len());
    Ok(out)
}
