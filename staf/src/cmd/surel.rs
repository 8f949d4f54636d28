//! `surel`: the messages to complainants. `kirim` delivers what is due now, `gagal` lists the
//! messages that failed for good, `ulang NOMOR#VERSI` puts one back in the queue once its cause
//! is fixed. The other commands deliver what is due after their change by themselves.

use crate::{Ctx, Failure};
use clap::{Args, Subcommand};
use pengaduan_core::datetime::human_time;
use pengaduan_core::text::{escape_controls_line, redact_addresses};
use pengaduan_store::error_chain;
use pengaduan_store::outbox::OutboxStore;
use std::fmt::Write as _;

/// The options of `surel`.
#[derive(Debug, Args)]
pub struct Surel {
    /// What to do.
    #[command(subcommand)]
    pub perintah: Perintah,
}

/// The subcommands of `surel`.
#[derive(Debug, Subcommand)]
pub enum Perintah {
    /// Kirim sekarang surel yang sudah waktunya dikirim.
    Kirim,
    /// Daftar surel yang gagal terkirim setelah beberapa kali dicoba.
    Gagal,
    /// Kirim ulang surel yang gagal (ID dari `surel gagal`, mis. PGD-2026-00001#000002).
    Ulang {
        /// ID surel.
        id: String,
    },
}

/// Runs `surel`.
pub(crate) async fn run(ctx: &Ctx, a: Surel) -> Result<String, Failure> {
    match a.perintah {
        Perintah::Kirim if !pengaduan_mail::delivers_locally(&ctx.store_spec) => {
            Ok(crate::NOT_DELIVERED_HERE.to_owned())
        }
        Perintah::Kirim => {
            Ok(crate::deliver_mail(ctx).await.unwrap_or_else(|| "Tidak ada surel yang menunggu dikirim.\n".into()))
        }
        Perintah::Gagal => {
            let failed = ctx.store.failed_outbox().await.map_err(|e| Failure::new(error_chain(&e)))?;
            if failed.is_empty() {
                return Ok("Tidak ada surel yang gagal terkirim.\n".into());
            }
            let mut out = String::new();
            for e in &failed {
                let _ = writeln!(
                    out,
                    "{}  dicatat {}  {} kali dicoba  {}{}",
                    e.id,
                    human_time(&ctx.local(e.created_at)),
                    e.attempts,
                    escape_controls_line(&redact_addresses(e.last_error.as_deref().unwrap_or(""))),
                    if e.message.is_none() { "  (tidak dapat dikirim ulang)" } else { "" },
                );
            }
            let _ = writeln!(
                out,
                "{} surel gagal terkirim. Kirim ulang dengan: pengaduan-staf surel ulang ID",
                failed.len()
            );
            Ok(out)
        }
        Perintah::Ulang { id } => {
            let id = id.trim();
            if !ctx.store.requeue_outbox(id, ctx.now.timestamp()).await.map_err(|e| Failure::new(error_chain(&e)))? {
                return Err(Failure::new(format!(
                    "Surel {id} tidak ada di daftar gagal atau tidak dapat dikirim ulang (lihat: pengaduan-staf surel gagal)."
                )));
            }
            let mut out = format!("Surel {id} masuk antrean lagi.\n");
            if let Some(summary) = crate::deliver_mail(ctx).await {
                out.push_str(&summary);
            }
            Ok(out)
        }
    }
}
