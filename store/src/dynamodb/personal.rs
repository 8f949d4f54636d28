//! A complaint's personal data, in a partition of its own: `PRIBADI#<nomor>` / `PRIBADI`.
//!
//! IAM can narrow a grant by partition key (`dynamodb:LeadingKeys`) but not by sort key, so the
//! identity lives apart from the complaint's other items and the public intake function's role
//! is denied every read of `PRIBADI#*`, while it still reads the register item and the history
//! of a complaint it is given the number of. Items stored before were `COMPLAINT#<nomor>` /
//! `PERSONAL`: read as a fallback while the new item is absent, and moved once by
//! [`DynamoStore::move_personal_items`].

use super::attributes::opt_string;
use super::months::register_counters;
use super::{DynamoStore, Item, build, s, sdk};
use crate::{PersonalMove, StoreError};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};
use pengaduan_core::{PersonalData, RegisterNumber};

/// The partition-key prefix of personal data items.
pub const PERSONAL_PREFIX: &str = "PRIBADI#";

/// The sort key of a personal data item.
pub(crate) const PERSONAL_SK: &str = "PRIBADI";

/// The sort key of the personal data item in the complaint's partition, as stored before.
pub(crate) const LEGACY_PERSONAL_SK: &str = "PERSONAL";

/// The partition key of complaint `nomor`'s personal data.
pub(crate) fn personal_pk(nomor: &str) -> String {
    format!("{PERSONAL_PREFIX}{nomor}")
}

/// The key attributes of complaint `nomor`'s personal data item, where it is stored now.
pub(crate) fn personal_key(nomor: &str) -> Item {
    Item::from([("pk".into(), s(&personal_pk(nomor))), ("sk".into(), s(PERSONAL_SK))])
}

/// The personal data an item holds.
pub(crate) fn read_personal(item: &Item) -> PersonalData {
    PersonalData {
        nama: opt_string(item, "nama"),
        email: opt_string(item, "email"),
        telepon: opt_string(item, "telepon"),
        nik: opt_string(item, "nik"),
        alamat: opt_string(item, "alamat"),
    }
}

impl DynamoStore {
    /// Complaint `nomor`'s personal data item: under its own key, or else the one stored before
    /// in the complaint's partition, among `complaint_items` (read before this, so a move in
    /// between is found at its new key).
    pub(crate) async fn personal_item(
        &self,
        nomor: &str,
        complaint_items: &[Item],
    ) -> Result<Option<Item>, StoreError> {
        if let Some(item) = self.get(&personal_pk(nomor), PERSONAL_SK).await? {
            return Ok(Some(item));
        }
        Ok(complaint_items.iter().find(|i| super::attributes::sk_of(i) == LEGACY_PERSONAL_SK).cloned())
    }

    /// Moves every personal data item stored in its complaint's partition to its own key: a
    /// `Query` of the counters, a `GetItem` per register number, one transaction per item to
    /// move. Idempotent: a second run moves nothing.
    pub async fn move_personal_items(&self) -> Result<PersonalMove, StoreError> {
        let counters = self.counter_items().await?;
        let mut done = PersonalMove::default();
        for (prefix, year, last) in register_counters(&counters) {
            for seq in 1..=last {
                let nomor = RegisterNumber::new(&prefix, year, seq).to_string();
                done.checked += 1;
                if self.move_personal(&nomor).await? {
                    done.moved += 1;
                }
            }
        }
        Ok(done)
    }

    /// Moves complaint `nomor`'s personal data item from the complaint's partition to its own
    /// key, if it is still there: the old one is deleted in the same transaction, on condition
    /// that it still exists, so an erasure in between (which deletes both) is never undone.
    /// Whether it moved.
    pub(crate) async fn move_personal(&self, nomor: &str) -> Result<bool, StoreError> {
        let old_pk = format!("COMPLAINT#{nomor}");
        let Some(old) = self.get(&old_pk, LEGACY_PERSONAL_SK).await? else { return Ok(false) };
        let mut item = old;
        item.extend(personal_key(nomor));
        let put = self.create(item)?;
        let delete = Delete::builder()
            .table_name(&self.table)
            .key("pk", s(&old_pk))
            .key("sk", s(LEGACY_PERSONAL_SK))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(build)?;
        let sent = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(TransactWriteItem::builder().delete(delete).build())
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            // Erased or moved meanwhile: nothing left to move.
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => Ok(false),
            Err(e) => Err(sdk(e)),
        }
    }
}
