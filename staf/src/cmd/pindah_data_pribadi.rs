//! `pindah-data-pribadi`: moves the personal data of complaints stored before it had a
//! partition key of its own (`PRIBADI#<nomor>`) out of the complaint's partition, so the intake
//! function's role, denied that key, can no longer read it. Once after the upgrade; running it
//! again changes nothing.

use crate::Failure;
use pengaduan_store::AnyStore;

/// Moves the items on DynamoDB; says there is nothing to do on SQLite.
pub(crate) async fn run(store: &AnyStore) -> Result<String, Failure> {
    Ok(match store.move_personal_items().await? {
        Some(done) => format!("{} pengaduan diperiksa, {} data pribadi dipindahkan.\n", done.checked, done.moved),
        None => "Penyimpanan SQLite menyimpan data pribadi terpisah: tidak ada yang diubah.\n".to_owned(),
    })
}
