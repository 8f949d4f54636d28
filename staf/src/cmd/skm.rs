//! `skm`: the Indeks Kepuasan Masyarakat of a period (PermenPANRB 14/2017) from the survey
//! answers given in it: per unsur and overall, with the quality grades; optionally as CSV.

use crate::{Ctx, Failure, parse_date};
use clap::Args;
use pengaduan_core::datetime::tanggal_indonesia;
use pengaduan_core::skm::{Mutu, UNSUR};
use pengaduan_report as export;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The options of `skm`.
#[derive(Debug, Args)]
pub struct Skm {
    /// Awal periode (tanggal pengisian survei), TTTT-BB-HH.
    #[arg(long, value_name = "TANGGAL")]
    pub dari: String,
    /// Akhir periode (tanggal pengisian survei, termasuk hari itu), TTTT-BB-HH.
    #[arg(long, value_name = "TANGGAL")]
    pub sampai: String,
    /// Tulis juga hasilnya ke berkas CSV ini.
    #[arg(long, value_name = "BERKAS")]
    pub csv: Option<PathBuf>,
}

/// Computes and prints the IKM of the answers given in the period (office time zone).
pub(crate) async fn run(ctx: &Ctx, a: Skm) -> Result<String, Failure> {
    let dari = parse_date(&a.dari, "Tanggal --dari")?;
    let sampai = parse_date(&a.sampai, "Tanggal --sampai")?;
    if dari > sampai {
        return Err(Failure::new(format!("--dari {dari} jatuh setelah --sampai {sampai}.")));
    }
    let result = export::ikm_of_period(&ctx.store, &ctx.config.timezone, dari, sampai).await?;
    let mut out = String::new();
    let _ = writeln!(out, "Indeks Kepuasan Masyarakat (PermenPANRB 14/2017)");
    let _ = writeln!(
        out,
        "Periode: {} s/d {} (tanggal pengisian survei).",
        tanggal_indonesia(dari),
        tanggal_indonesia(sampai)
    );
    match &result {
        None => {
            let _ = writeln!(out, "Jumlah responden: 0. Belum ada jawaban survei pada periode ini.");
        }
        Some(r) => {
            let _ = writeln!(out, "Jumlah responden: {}", r.responden);
            let _ = writeln!(out);
            let width = UNSUR.iter().map(|u| u.nama.chars().count()).max().unwrap_or(0) + 3;
            let _ = writeln!(
                out,
                "{:<width$}  {:>6}  {:>14}  {:>14}  Mutu",
                "Unsur", "NRR", "NRR tertimbang", "Nilai konversi"
            );
            for u in &r.unsur {
                let name = format!("{} {}", u.unsur.kode, u.unsur.nama);
                let _ = writeln!(
                    out,
                    "{name:<width$}  {:>6}  {:>14}  {:>14}  {}",
                    decimal(u.nrr, 2),
                    decimal(u.nrr_tertimbang, 3),
                    decimal(u.konversi, 2),
                    grade(u.mutu)
                );
            }
            let _ = writeln!(out);
            let _ = writeln!(out, "IKM unit pelayanan (jumlah NRR tertimbang): {}", decimal(r.unit, 3));
            let _ =
                writeln!(out, "IKM (nilai konversi, × 25): {}, mutu pelayanan {}", decimal(r.nilai, 2), grade(r.mutu));
        }
    }
    if let Some(path) = &a.csv {
        write_csv(path, result.as_ref())?;
        let _ = writeln!(out, "Hasil ditulis ke {} (CSV).", path.display());
    }
    Ok(out)
}

/// A value with `places` decimals and the Indonesian decimal comma, as reports print them.
fn decimal(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

fn grade(m: Mutu) -> String {
    format!("{} ({})", m.letter(), m.label())
}

/// The same file as the IKM next to `ekspor --csv`'s register: one row per unsur, then the IKM.
fn write_csv(path: &std::path::Path, result: Option<&pengaduan_core::skm::Ikm>) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::new(format!("{}: tidak dapat ditulis ({e})", path.display()));
    let bytes = export::ikm_csv_bytes(result).map_err(|e| fail(&e))?;
    std::fs::write(path, bytes).map_err(|e| fail(&e))
}
