//! `laporan`: the office's periodic report of a quarter or a year, written as an Excel workbook
//! and a PDF (the same document the console shows at `/staf/laporan`), with its progress on
//! stderr while the complaints' histories are read.

use crate::{Ctx, Failure};
use clap::Args;
use pengaduan_core::report::Period;
use pengaduan_report::laporan::{self, Progress};
use pengaduan_store::accounts::AuditAction;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The options of `laporan`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("periode").required(true).args(["triwulan", "tahun"]))]
pub struct Laporan {
    /// Triwulan laporan, TTTT-T (mis. 2026-4).
    #[arg(long, value_name = "TTTT-T")]
    pub triwulan: Option<String>,
    /// Tahun laporan, TTTT (mis. 2026).
    #[arg(long, value_name = "TTTT")]
    pub tahun: Option<String>,
    /// Tulis ke berkas ini; jenisnya menurut akhiran (.xlsx atau .pdf). Boleh diulang. Tanpa
    /// pilihan ini: laporan-PERIODE.xlsx dan laporan-PERIODE.pdf di folder ini.
    #[arg(long, value_name = "BERKAS")]
    pub keluar: Vec<PathBuf>,
}

/// The two formats, chosen by a file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Pdf,
}

fn kind_of(path: &Path) -> Result<Kind, Failure> {
    match path.extension().map(|e| e.to_string_lossy().to_lowercase()).as_deref() {
        Some("xlsx") => Ok(Kind::Xlsx),
        Some("pdf") => Ok(Kind::Pdf),
        _ => Err(Failure::new(format!(
            "--keluar {}: akhiran berkas harus .xlsx atau .pdf; tidak ada yang ditulis.",
            path.display()
        ))),
    }
}

/// Computes the report and writes the files asked for.
pub(crate) async fn run(ctx: &Ctx, a: Laporan) -> Result<String, Failure> {
    let period = match (&a.triwulan, &a.tahun) {
        (Some(q), _) => Period::parse_quarter(q),
        (None, Some(y)) => Period::parse_year(y),
        (None, None) => unreachable!("clap requires one of --triwulan and --tahun"),
    }
    .map_err(|e| Failure::new(e.to_string()))?;
    let outputs: Vec<(PathBuf, Kind)> = if a.keluar.is_empty() {
        vec![
            (PathBuf::from(format!("laporan-{}.xlsx", period.code())), Kind::Xlsx),
            (PathBuf::from(format!("laporan-{}.pdf", period.code())), Kind::Pdf),
        ]
    } else {
        // Every name checked before anything is read or written.
        a.keluar.iter().map(|p| kind_of(p).map(|k| (p.clone(), k))).collect::<Result<_, _>>()?
    };
    // A report without its letterhead still reports; the office is told why it is missing.
    let letterhead = match pengaduan_site::config::SiteConfig::load(&ctx.root) {
        Ok(c) => c.office.letterhead(),
        Err(e) => {
            eprintln!("Peringatan: kop surat tidak dapat dibaca ({e}); laporan ditulis tanpa kop.");
            Default::default()
        }
    };

    let total = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let progress = |p: Progress| {
        let mut err = std::io::stderr().lock();
        match p {
            Progress::Register { complaints, histories } => {
                total.store(histories, Ordering::Relaxed);
                let _ = writeln!(
                    err,
                    "Buku Register dibaca: {complaints} pengaduan; riwayat {histories} pengaduan akan dibaca."
                );
            }
            Progress::History => {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                let all = total.load(Ordering::Relaxed);
                // Every tenth and the last: enough to see it move, not a line per complaint.
                if n.is_multiple_of(10) || n == all {
                    let _ = writeln!(err, "Riwayat dibaca: {n} dari {all}.");
                }
            }
            Progress::Answers(n) => {
                let _ = writeln!(err, "Jawaban survei dibaca: {n}.");
            }
        }
    };
    eprintln!("Menyusun laporan {}...", period.label());
    let report = laporan::report(
        &ctx.store,
        &ctx.rules.procedures,
        &ctx.calendar,
        &ctx.config.timezone,
        period,
        ctx.now.timestamp(),
        &progress,
    )
    .await?;
    let doc = laporan::document(&report, &letterhead);
    let mut out = String::new();
    for (path, kind) in &outputs {
        let (bytes, ext) = match kind {
            Kind::Xlsx => (laporan::xlsx::bytes(&doc).map_err(Failure::new)?, "xlsx"),
            Kind::Pdf => (laporan::pdf::bytes(&doc), "pdf"),
        };
        // No file without its record, as the console's download: the period and the format.
        ctx.audit_of(AuditAction::ExportReport, None, Some(format!("{}, {ext}", period.code()))).await?;
        std::fs::write(path, bytes)
            .map_err(|e| Failure::new(format!("{}: tidak dapat ditulis ({e})", path.display())))?;
        eprintln!("Ditulis: {}", path.display());
        let _ = writeln!(out, "Laporan {} ditulis ke {}.", doc.periode, path.display());
    }
    let t = &report.ringkasan.totals;
    let _ = writeln!(
        out,
        "{}: {} diterima, {} selesai ({} tepat waktu), {} belum selesai pada akhir periode; {}.",
        doc.rentang, t.diterima, t.selesai, t.selesai_tepat_waktu, report.ringkasan.terbuka_akhir, doc.ikm
    );
    Ok(out)
}
