//! Giving register items stored before the month indexes existed their months, once, by key:
//! the register counters say how many numbers each year has, and each number's register item is
//! read and, where a month is missing or stale, updated. No scan.

use super::attributes::{opt_date, opt_string, string};
use super::months::register_counters;
use super::{DynamoStore, FINISHED_INDEX, Item, RECEIVED_INDEX, finished_marker, s, sdk};
use crate::fields::parse_ts;
use crate::{MonthBackfill, StoreError};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use jiff::tz::TimeZone;
use pengaduan_core::RegisterNumber;
use pengaduan_core::stats::month_key;

/// How often one item is read again when a staff change moved it between the read and the update.
const ATTEMPTS: usize = 5;

impl DynamoStore {
    /// Sets `bulan_terima` (the month received in the office's time zone `tz`) and
    /// `bulan_selesai` (the month finished) on every register item lacking them or holding
    /// another: a `Query` of the counters, a `GetItem` per register number, an `UpdateItem` per
    /// item to mend. Idempotent: a second run updates nothing.
    pub async fn backfill_months(&self, tz: &TimeZone) -> Result<MonthBackfill, StoreError> {
        let counters = self.counter_items().await?;
        let mut done = MonthBackfill::default();
        for (prefix, year, last) in register_counters(&counters) {
            for seq in 1..=last {
                let nomor = RegisterNumber::new(&prefix, year, seq).to_string();
                for _ in 0..ATTEMPTS {
                    let Some(item) = self.get(&format!("COMPLAINT#{nomor}"), "REGISTER").await? else { break };
                    match self.mend_months(&nomor, &item, tz).await? {
                        Mended::Already => {
                            done.checked += 1;
                            break;
                        }
                        Mended::Updated => {
                            done.checked += 1;
                            done.updated += 1;
                            break;
                        }
                        Mended::Moved => {}
                    }
                }
            }
        }
        Ok(done)
    }

    /// Writes the months `item` should carry, unless it carries them, on condition that its
    /// day finished is still the one read (a change finishing it meanwhile writes its own).
    async fn mend_months(&self, nomor: &str, item: &Item, tz: &TimeZone) -> Result<Mended, StoreError> {
        let received = month_key(parse_ts(&string(item, "received_at")?)?.to_zoned(tz.clone()).date());
        let finished_on = opt_date(item, "finished_on")?;
        let finished = finished_marker(finished_on);
        if opt_string(item, RECEIVED_INDEX).as_deref() == Some(received.as_str())
            && item.get(FINISHED_INDEX) == finished.as_ref()
        {
            return Ok(Mended::Already);
        }
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&format!("COMPLAINT#{nomor}")))
            .key("sk", s("REGISTER"))
            .expression_attribute_names("#r", RECEIVED_INDEX)
            .expression_attribute_names("#f", FINISHED_INDEX)
            .expression_attribute_names("#fo", "finished_on")
            .expression_attribute_values(":r", s(&received));
        update = match (finished, finished_on) {
            (Some(month), Some(day)) => update
                .update_expression("SET #r = :r, #f = :f")
                .condition_expression("attribute_exists(pk) AND #fo = :fo")
                .expression_attribute_values(":f", month)
                .expression_attribute_values(":fo", s(&day.to_string())),
            _ => update
                .update_expression("SET #r = :r REMOVE #f")
                .condition_expression("attribute_exists(pk) AND attribute_not_exists(#fo)"),
        };
        match update.send().await {
            Ok(_) => Ok(Mended::Updated),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(Mended::Moved)
            }
            Err(e) => Err(sdk(e)),
        }
    }
}

/// One register item's backfill.
enum Mended {
    /// It had its months.
    Already,
    /// They were written.
    Updated,
    /// A change moved it between the read and the write: read it again.
    Moved,
}
