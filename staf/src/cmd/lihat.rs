//! `lihat`: one complaint in full: register entry, procedure, personal data, history.

use crate::{Ctx, Failure, describe, load, parse_nomor};
use pengaduan_core::Status;
use pengaduan_core::datetime::{human_time, tanggal_indonesia};
use pengaduan_core::text::{escape_controls, escape_controls_line};
use pengaduan_core::workflow::{Action, find_procedure};
use pengaduan_store::accounts::AuditAction;
use std::fmt::Write as _;

/// Prints complaint `nomor` with everything staff may see of it. Showing the complainant's
/// identity is recorded in the audit trail first: no view without its record.
pub(crate) async fn run(ctx: &Ctx, nomor: &str) -> Result<String, Failure> {
    let nomor = parse_nomor(nomor)?;
    let r = load(ctx, &nomor).await?;
    let row = &r.row;
    if r.personal.is_some() && row.erased_at.is_none() {
        ctx.audit(AuditAction::ViewPersonalData, &nomor, None).await?;
    }
    let s = &row.state;
    let mut out = String::new();
    // Each field on one line, escaped: most values are ours (dates, labels) and come back
    // unchanged, and no stored one can act on the terminal.
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<17}: {}", escape_controls_line(value));
    };
    line("Nomor register", &row.nomor.to_string());
    line("Versi", &row.version.to_string());
    line("Diterima", &human_time(&ctx.local(row.received_at)));
    line("Kanal", row.channel.label());
    line("Jenis", row.jenis.label());
    line("Judul", &row.judul);
    line("Status", &format!("{} ({})", s.status.code(), s.status.label()));
    if let Some(id) = &s.procedure_id {
        match find_procedure(&ctx.rules.procedures, id) {
            Ok(p) => {
                line("Prosedur", &format!("{} ({})", p.title, p.id));
                if let Some(i) = s.step_index {
                    line("Langkah sekarang", &p.describe_step(i));
                    if let Some(next) = p.steps.get(i + 1) {
                        line("Langkah berikut", &describe(next, i + 1, p));
                    }
                }
            }
            Err(e) => line("Prosedur", &format!("{id} ({e})")),
        }
    }
    if let Some(d) = s.files_complete_on {
        line("Berkas lengkap", &tanggal_indonesia(d));
    }
    if let Some(deadline) = row.stored_deadline() {
        let (d, today) = (deadline.value, ctx.today());
        let note = if s.status == Status::Selesai {
            String::new()
        } else if d < today {
            format!(" (terlambat {} hari kerja)", ctx.calendar.working_days_between(d, today).value)
        } else {
            format!(" ({} hari kerja lagi)", ctx.calendar.working_days_between(today, d).value)
        };
        let provisional = deadline.provisional_note().map(|n| format!(" ({n})")).unwrap_or_default();
        line("Tenggat", &format!("{}{provisional}{note}", tanggal_indonesia(d)));
    }
    if let Some(d) = s.finished_on {
        let taken = match s.days_taken(&ctx.calendar) {
            Some(n) if n.provisional => format!(" ({} hari kerja, sementara)", n.value),
            Some(n) => format!(" ({} hari kerja)", n.value),
            None => String::new(),
        };
        line("Selesai", &format!("{}{taken}", tanggal_indonesia(d)));
    }
    if let Some(ba) = &s.ba_number {
        line("Nomor BA", ba);
    }
    line("Anonim / rahasia", &format!("{} / {}", yes_no(r.anonim), yes_no(r.rahasia)));
    if let Some(l) = &r.layanan {
        line("Layanan", l);
    }
    if let Some(d) = r.tanggal_kejadian {
        line("Tanggal kejadian", &d.to_string());
    }
    if let Some(l) = &r.lokasi {
        line("Lokasi", l);
    }
    // The complaint's text keeps its lines and tabs.
    let _ = writeln!(out, "{:<17}: {}", "Isi", escape_controls(&r.isi));
    let _ = writeln!(out, "\nData pribadi:");
    match (&r.personal, row.erased_at) {
        (_, Some(at)) => {
            let files = match row.attachments_erased {
                Some(0) => "; tidak ada lampiran".to_owned(),
                Some(n) => format!("; {n} lampiran ikut dihapus"),
                // Erased before the count was kept.
                None => String::new(),
            };
            let _ = writeln!(out, "  (dihapus atas permintaan pada {}{files})", human_time(&ctx.local(at)));
        }
        (Some(p), None) => {
            for (label, value) in [
                ("Nama", &p.nama),
                ("Email", &p.email),
                ("Telepon", &p.telepon),
                ("NIK", &p.nik),
                ("Alamat", &p.alamat),
            ] {
                let _ = writeln!(out, "  {label:<8}: {}", escape_controls_line(value.as_deref().unwrap_or("-")));
            }
        }
        (None, None) => {
            let _ = writeln!(out, "  (tidak ada)");
        }
    }
    let _ = writeln!(out, "\nRiwayat:");
    for h in &r.history {
        let from = h.from.map_or("(baru)", Status::code);
        let _ = writeln!(out, "  #{:<3} {}  {}", h.seq, human_time(&ctx.local(h.at)), escape_controls_line(&h.by));
        let _ = write!(out, "       {}: {from} -> {}", h.action.label(), h.to.code());
        if let (Some(id), Some(i)) = (&h.procedure_id, h.step_index)
            && h.action != Action::DataPribadiDihapus
        {
            let _ = write!(out, " [{}, langkah {}]", escape_controls_line(id), i + 1);
        }
        let _ = writeln!(out);
        if let Some(d) = h.on {
            let _ = writeln!(out, "       Berlaku tanggal: {}", tanggal_indonesia(d));
        }
        if let Some(ba) = &h.ba_number {
            let _ = writeln!(out, "       Nomor BA: {}", escape_controls_line(ba));
        }
        if !h.note.is_empty() {
            let _ = writeln!(out, "       Catatan: {}", escape_controls(&h.note));
        }
    }
    Ok(out)
}

fn yes_no(b: bool) -> &'static str {
    if b { "ya" } else { "tidak" }
}
