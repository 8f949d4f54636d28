//! `unduh`: saves every attachment of one complaint into a folder.

use crate::{Ctx, Failure, parse_nomor};
use clap::Args;
use pengaduan_core::attachment::safe_file_name;
use pengaduan_core::scan::may_serve;
use pengaduan_store::accounts::AuditAction;
use pengaduan_store::attachments::{AnyAttachments, AttachmentStore};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// The options of `unduh`.
#[derive(Debug, Args)]
pub struct Unduh {
    /// Nomor register, mis. PGD-2026-00042.
    #[arg(value_name = "NOMOR")]
    pub nomor: String,
    /// Folder tujuan (dibuat bila belum ada); berkas yang sudah ada tidak ditimpa.
    #[arg(long, value_name = "FOLDER")]
    pub ke: PathBuf,
}

/// Writes each attachment of `a.nomor` into `a.ke`, never over an existing file; recorded in the
/// audit trail first, since attachments may hold personal data (a scanned KTP). A file found
/// infected, or not scanned yet where a scanner guards them, is not written (core's
/// `may_serve`), and that is audited too.
pub(crate) async fn run(ctx: &Ctx, files: &AnyAttachments, a: &Unduh) -> Result<String, Failure> {
    let register = parse_nomor(&a.nomor)?;
    let nomor = register.to_string();
    let list = files.list(&nomor).await.map_err(|e| Failure::new(format!("lampiran tidak dapat dibaca: {e}")))?;
    if list.is_empty() {
        return Ok(format!("{nomor} tidak mempunyai lampiran; tidak ada yang disimpan.\n"));
    }
    let mut out = String::new();
    let (mut served, mut withheld) = (Vec::new(), Vec::new());
    for m in &list {
        let (meta, bytes) = files
            .get(&nomor, m.index)
            .await
            .map_err(|e| Failure::new(format!("lampiran {} tidak dapat dibaca: {e}", m.index)))?
            .ok_or_else(|| Failure::new(format!("lampiran {} tidak ditemukan", m.index)))?;
        let state = files
            .screen(&meta, &bytes)
            .await
            .map_err(|e| Failure::new(format!("hasil pindai lampiran {} tidak dapat dibaca: {e}", m.index)))?;
        match may_serve(&state, files.scanning()) {
            Ok(()) => served.push((meta, bytes)),
            Err(why) => {
                let _ = writeln!(out, "Tidak disimpan: lampiran {} ({}). {}", meta.index, state.label(), why.message());
                withheld.push(format!("lampiran {}: {}", meta.index, state.label()));
            }
        }
    }
    if !withheld.is_empty() {
        ctx.audit(AuditAction::DownloadWithheld, &register, Some(withheld.join("; "))).await?;
    }
    if served.is_empty() {
        return Ok(out);
    }
    let indexes: Vec<String> = served.iter().map(|(m, _)| m.index.to_string()).collect();
    ctx.audit(AuditAction::DownloadAttachment, &register, Some(format!("lampiran {}", indexes.join(", ")))).await?;
    std::fs::create_dir_all(&a.ke)
        .map_err(|e| Failure::new(format!("folder {} tidak dapat dibuat: {e}", a.ke.display())))?;
    for (meta, bytes) in served {
        // The sender chose the display name: a double-click on `bukti.pdf.cmd` must open a PDF,
        // so the extension comes from the detected type; the index keeps equal stems apart.
        let target = a.ke.join(safe_file_name(meta.index, &meta.display_name, meta.kind));
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&target).map_err(|e| {
            Failure::new(format!("{} tidak dapat ditulis (tidak ditimpa bila sudah ada): {e}", target.display()))
        })?;
        file.write_all(&bytes).map_err(|e| Failure::new(format!("{} tidak dapat ditulis: {e}", target.display())))?;
        let _ = writeln!(out, "Disimpan: {}", target.display());
    }
    Ok(out)
}
