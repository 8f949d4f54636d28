//! `kembalikan`: files returned to the complainant to complete; the deadline stops.

use crate::cli::Versi;
use crate::{Ctx, Failure, check_versi, effective_date, load, parse_nomor, store_transition};
use clap::Args;
use pengaduan_core::Status;
use pengaduan_core::datetime::tanggal_indonesia;

/// The options of `kembalikan`.
#[derive(Debug, Args)]
pub struct Kembalikan {
    /// Nomor register.
    #[arg(value_name = "NOMOR")]
    pub nomor: String,
    /// Apa yang harus dilengkapi pengadu (masuk ke riwayat dan ke surel kepada pengadu, tidak ke halaman lacak).
    #[arg(long, value_name = "ALASAN")]
    pub alasan: String,
    /// Tanggal berkas dikembalikan, TTTT-BB-HH (bawaan: hari ini).
    #[arg(long, value_name = "TANGGAL")]
    pub tanggal: Option<String>,
    /// Guard against changes made meanwhile.
    #[command(flatten)]
    pub versi: Versi,
}

/// Returns the files with the reason staff give.
pub(crate) async fn run(ctx: &Ctx, a: Kembalikan) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?;
    let record = load(ctx, &nomor).await?;
    check_versi(&record, a.versi.versi)?;
    let on = effective_date(ctx, &record, a.tanggal.as_deref())?;
    let t = record.row.state.mark_incomplete(&a.alasan, on)?;
    store_transition(ctx, &record, &t, None, None).await?;
    Ok(format!(
        "Berkas {nomor} dikembalikan kepada pengadu untuk dilengkapi pada {}.\nStatus publik: {}. Jangka waktu berhenti dan dihitung ulang dari nol setelah berkas dinyatakan lengkap (perintah lengkap).\n",
        tanggal_indonesia(on),
        Status::PerluDilengkapi.label()
    ))
}
