//! `indeks-bulan`: files the complaints stored before the month indexes existed under their
//! months received and finished, so the register export and the public statistics, which read
//! DynamoDB by month, find them. Once after the upgrade; running it again changes nothing.

use crate::Failure;
use jiff::tz::TimeZone;
use pengaduan_store::AnyStore;

/// Fills in the months on DynamoDB; says there is nothing to do on SQLite.
pub(crate) async fn run(store: &AnyStore, tz: &TimeZone) -> Result<String, Failure> {
    Ok(match store.backfill_months(tz).await? {
        Some(done) => {
            format!("{} pengaduan diperiksa, {} diberi bulan diterima/selesai.\n", done.checked, done.updated)
        }
        None => "Penyimpanan SQLite tidak memerlukan indeks bulan: tidak ada yang diubah.\n".to_owned(),
    })
}
