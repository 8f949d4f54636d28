//! `ekspor`: the Buku Register Pengaduan of a period, as CSV and/or an Excel workbook.

use crate::{Ctx, Failure, parse_date};
use clap::Args;
use pengaduan_core::datetime::tanggal_indonesia;
use pengaduan_report as export;
use pengaduan_store::accounts::AuditAction;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The options of `ekspor`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("berkas").required(true).multiple(true).args(["csv", "xlsx"]))]
pub struct Ekspor {
    /// Awal periode (tanggal diterima), TTTT-BB-HH.
    #[arg(long, value_name = "TANGGAL")]
    pub dari: String,
    /// Akhir periode (tanggal diterima, termasuk hari itu), TTTT-BB-HH.
    #[arg(long, value_name = "TANGGAL")]
    pub sampai: String,
    /// Tulis ke berkas CSV ini.
    #[arg(long, value_name = "BERKAS")]
    pub csv: Option<PathBuf>,
    /// Tulis ke buku kerja Excel (.xlsx) ini.
    #[arg(long, value_name = "BERKAS")]
    pub xlsx: Option<PathBuf>,
}

/// Writes the complaints received in the period to the files asked for.
pub(crate) async fn run(ctx: &Ctx, a: Ekspor) -> Result<String, Failure> {
    let dari = parse_date(&a.dari, "Tanggal --dari")?;
    let sampai = parse_date(&a.sampai, "Tanggal --sampai")?;
    if dari > sampai {
        return Err(Failure::new(format!("--dari {dari} jatuh setelah --sampai {sampai}.")));
    }
    let rows = export::register_rows(&ctx.store, &ctx.calendar, &ctx.config.timezone, dari, sampai).await?;
    // No file without its record: the register's titles and contacts leave the system in it.
    let detail = format!("{dari} s/d {sampai}, {} baris", rows.len());
    ctx.audit_of(AuditAction::ExportRegister, None, Some(detail)).await?;
    let mut out = String::new();
    if let Some(path) = &a.csv {
        export::write_csv(path, &rows)?;
        let _ = writeln!(out, "{} pengaduan ditulis ke {} (CSV).", rows.len(), path.display());
    }
    if let Some(path) = &a.xlsx {
        export::write_xlsx(path, &rows, dari, sampai)?;
        let _ = writeln!(out, "{} pengaduan ditulis ke {} (Excel).", rows.len(), path.display());
    }
    let _ = writeln!(out, "Periode: {} s/d {} (tanggal diterima).", tanggal_indonesia(dari), tanggal_indonesia(sampai));
    Ok(out)
}
