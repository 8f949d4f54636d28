//! `hapus-data-pribadi`: erasure of one complaint's personal data and attachments on request.

use crate::cli::Versi;
use crate::{Ctx, Failure, check_versi, load, parse_nomor, require};
use clap::Args;
use pengaduan_core::datetime::human_time;
use pengaduan_store::accounts::AuditAction;
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::{erasure, error_chain};

/// The options of `hapus-data-pribadi`.
#[derive(Debug, Args)]
pub struct HapusDataPribadi {
    /// Nomor register.
    #[arg(value_name = "NOMOR")]
    pub nomor: String,
    /// Dasar penghapusan, mis. permintaan pengadu melalui email tanggal ... (masuk ke riwayat).
    #[arg(long, value_name = "ALASAN")]
    pub alasan: String,
    /// Guard against changes made meanwhile.
    #[command(flatten)]
    pub versi: Versi,
}

/// Erases the attachments, then the personal data; the register row and the history stay.
pub(crate) async fn run(
    ctx: &Ctx,
    a: HapusDataPribadi,
    attachments: &AnyAttachments,
    messages: Option<&std::path::Path>,
) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?;
    let alasan = require(&a.alasan, "Alasan (--alasan)")?;
    let record = load(ctx, &nomor).await?;
    check_versi(&record, a.versi.versi)?;
    if let Some(at) = record.row.erased_at {
        return Err(Failure::new(format!(
            "Data pribadi pengaduan {nomor} sudah dihapus pada {}.",
            human_time(&ctx.local(at))
        )));
    }
    let request = erasure::Request {
        nomor: &nomor,
        expected_version: record.row.version,
        by: &ctx.by,
        reason: &alasan,
        at: ctx.now.timestamp(),
    };
    let erased =
        erasure::erase_personal_data(&ctx.store, Some(attachments), messages, request).await.map_err(|e| match e {
            erasure::ErasureError::Store(e) => Failure::from(e),
            other => Failure::new(error_chain(&other)),
        })?;
    let detail = format!("{} lampiran dihapus", erased.attachments);
    if let Err(e) = ctx.audit(AuditAction::ErasePersonalData, &nomor, Some(detail)).await {
        // Done already: the staff member must know it was not recorded, not that it failed.
        eprintln!("Peringatan: penghapusan belum tercatat di jejak audit. ({})", error_chain(&e));
    }
    Ok(format!(
        "Data pribadi pengaduan {nomor} (nama, kontak, NIK, alamat), judul dan isi laporannya, {} lampirannya, dan salinan surel kepadanya telah dihapus.\nBaris Buku Register (nomor, tanggal, kanal, jenis, status, tenggat, nomor BA) tetap ada; penghapusan dicatat di riwayat.\n",
        erased.attachments
    ))
}
