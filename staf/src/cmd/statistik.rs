//! `statistik`: computes the public statistics now (`/statistik/`, its JSON and CSV) and builds
//! them into the local site's output, `ROOT/.data/public` unless `--keluaran` says otherwise:
//! the folder `site-gen serve` serves, so the page is up to date at once, without waiting for
//! serve's own check of the store (every 30 seconds).

use crate::{Ctx, Failure};
use clap::Args;
use pengaduan_site::build::BuildCache;
use std::path::PathBuf;
use std::time::Instant;

/// The options of `statistik`.
#[derive(Debug, Args)]
pub struct Statistik {
    /// Folder keluaran situs (bawaan: ROOT/.data/public, yang disajikan site-gen serve).
    #[arg(long, value_name = "FOLDER")]
    pub keluaran: Option<PathBuf>,
}

/// Computes the figures from the store, leaves them for the site build and builds the site.
pub(crate) async fn run(ctx: &Ctx, a: Statistik) -> Result<String, Failure> {
    let out = a.keluaran.unwrap_or_else(|| ctx.root.join(".data").join("public"));
    let started = Instant::now();
    let figures =
        pengaduan_report::statistik::statistics(&ctx.store, &ctx.calendar, &ctx.config.timezone, ctx.now.timestamp())
            .await?;
    let computed = started.elapsed();
    pengaduan_site::statistik::save(&out, &figures)
        .map_err(|e| Failure::new(format!("statistik tidak dapat ditulis: {e}")))?;
    // Built the way the last build into this folder was (serve's address and live reload), so
    // that only the statistics pages change there.
    let opts = BuildCache::load(&out).same_options(&ctx.root, &out);
    pengaduan_site::build(&opts).map_err(|e| Failure::new(format!("situs tidak dapat dibangun:\n{e}")))?;
    let received: u64 = figures.bulan.iter().map(|m| m.diterima).sum();
    let finished: u64 = figures.bulan.iter().map(|m| m.selesai).sum();
    Ok(format!(
        "Statistik diperbarui ({} s/d {}): {received} diterima, {finished} selesai, {} belum selesai; dihitung dalam {} ms.\n\
         Ditulis ke {}: statistik/index.html, en/statistics/index.html, {} dan {}.\n",
        figures.dari,
        figures.sampai,
        figures.terbuka,
        computed.as_millis(),
        out.display(),
        pengaduan_site::statistik::DATA_JSON,
        pengaduan_site::statistik::DATA_CSV,
    ))
}
