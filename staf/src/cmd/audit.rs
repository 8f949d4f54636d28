//! `audit`: the audit trail of the staff console and this tool (who saw or erased personal data,
//! downloaded files, logged in or was refused, changed accounts), newest first, narrowed as the
//! console's audit page narrows it.

use crate::Failure;
use crate::cmd::pengguna::columns;
use clap::Args;
use jiff::{SignedDuration, Zoned};
use pengaduan_core::datetime::human_time;
use pengaduan_core::text::escape_controls_line;
use pengaduan_store::AnyStore;
use pengaduan_store::accounts::{AccountStore, AuditAction, AuditFilter};

/// The options of `audit`.
#[derive(Debug, Args)]
pub struct Audit {
    /// Berapa hari terakhir yang ditampilkan (1 sampai 3660).
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub hari: i64,
    /// Hanya catatan pengguna ini.
    #[arg(long, value_name = "NAMA_PENGGUNA")]
    pub pengguna: Option<String>,
    /// Hanya tindakan ini: lihat-data-pribadi, unduh-lampiran, hapus-data-pribadi, masuk, masuk-ditolak, akun-diubah, konten-disimpan, konten-diterbitkan, konten-dipulihkan.
    #[arg(long, value_name = "TINDAKAN")]
    pub tindakan: Option<String>,
    /// Hanya catatan tentang pengaduan ini.
    #[arg(long, value_name = "NOMOR")]
    pub nomor: Option<String>,
    /// Paling banyak sekian baris, yang terbaru.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub batas: usize,
}

/// The most entries read to filter, as in the console.
const SCAN: usize = 20_000;

/// Prints the trail of the last `hari` days at `now`, filtered, at most `batas` lines.
pub(crate) async fn run(store: &AnyStore, now: &Zoned, a: Audit) -> Result<String, Failure> {
    if !(1..=3660).contains(&a.hari) {
        return Err(Failure::new("--hari harus antara 1 dan 3660."));
    }
    let action = match a.tindakan.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(AuditAction::parse(code).ok_or_else(|| {
            let codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
            Failure::new(format!("Tindakan {code:?} tidak dikenal; pilih salah satu: {}.", codes.join(", ")))
        })?),
    };
    let filter = AuditFilter {
        username: a.pengguna.map(|u| u.trim().to_lowercase()).filter(|u| !u.is_empty()),
        action,
        nomor: a.nomor.map(|n| n.trim().to_uppercase()).filter(|n| !n.is_empty()),
    };
    let since = now.timestamp() - SignedDuration::from_hours(24 * a.hari);
    let entries = store.audit_trail(since, SCAN).await?;
    let lines: Vec<_> = entries.into_iter().filter(|e| filter.matches(e)).take(a.batas).collect();
    if lines.is_empty() {
        return Ok(format!("Tidak ada catatan audit dalam {} hari terakhir yang cocok.\n", a.hari));
    }
    let mut table = vec![["WAKTU", "PENGGUNA", "PERAN", "TINDAKAN", "PENGADUAN", "KETERANGAN"].map(str::to_owned)];
    for e in &lines {
        table.push(
            [
                human_time(&e.at.to_zoned(now.time_zone().clone())),
                e.username.clone(),
                e.role.map(|r| r.label().to_owned()).unwrap_or_default(),
                e.action.label().to_owned(),
                e.nomor.clone().unwrap_or_default(),
                e.detail.clone(),
            ]
            .map(|cell| escape_controls_line(&cell).into_owned()),
        );
    }
    let mut out = columns(&table);
    out.push_str(&format!("\n{} catatan, yang terbaru lebih dahulu.\n", lines.len()));
    Ok(out)
}
