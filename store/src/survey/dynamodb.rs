//! Survey answers in DynamoDB: a guard item per complaint, the answers per month.

use super::{SurveyStore, parse_answers};
use crate::StoreError;
use crate::dynamodb::{DynamoStore, Item, build, s, sdk, string};
use crate::fields::{parse_ts, random_suffix, sortable};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use pengaduan_core::skm::Answers;
use std::collections::HashMap;

const GUARD_SK: &str = "SURVEI";

fn guard_pk(nomor: &str) -> String {
    format!("SURVEI#{nomor}")
}

fn month_pk(month: Date) -> String {
    format!("SURVEI-BULAN#{:04}-{:02}", month.year(), month.month())
}

fn month_of(at: Timestamp) -> Date {
    at.to_zoned(TimeZone::UTC).date().first_of_month()
}

impl SurveyStore for DynamoStore {
    async fn record_survey(&self, nomor: &str, answers: Answers, at: Timestamp) -> Result<bool, StoreError> {
        let guard: Item = HashMap::from([
            ("pk".into(), s(&guard_pk(nomor))),
            ("sk".into(), s(GUARD_SK)),
            ("at".into(), s(&sortable(at))),
        ]);
        let entry: Item = HashMap::from([
            ("pk".into(), s(&month_pk(month_of(at)))),
            ("sk".into(), s(&format!("{}#{}", sortable(at), random_suffix()))),
            ("at".into(), s(&sortable(at))),
            ("answers".into(), s(&answers.code())),
        ]);
        let guard_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(guard))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)?;
        let entry_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(entry))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(guard_put).build())
            .transact_items(TransactWriteItem::builder().put(entry_put).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), TransactWriteItemsError::TransactionCanceledException(_)) =>
            {
                // Cancelled: answered before if the guard exists; anything else is a failure.
                if self.get(&guard_pk(nomor), GUARD_SK).await?.is_some() {
                    Ok(false)
                } else {
                    Err(StoreError::Backend("survey transaction cancelled".into()))
                }
            }
            Err(e) => Err(sdk(e)),
        }
    }

    async fn surveys(&self, from: Timestamp, before: Timestamp) -> Result<Vec<(Timestamp, Answers)>, StoreError> {
        let mut out = Vec::new();
        if before <= from {
            return Ok(out);
        }
        let (from_s, before_s) = (sortable(from), sortable(before));
        let last = month_of(before);
        let mut month = month_of(from);
        // Month by month: a period of a year is twelve queries, however many complaints.
        while month <= last {
            let pk = month_pk(month);
            let mut items = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :before")
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":from", s(&from_s))
                .expression_attribute_values(":before", s(&before_s))
                .into_paginator()
                .items()
                .send();
            while let Some(item) = items.try_next().await.map_err(sdk)? {
                let at = parse_ts(&string(&item, "at")?)?;
                if at >= from && at < before {
                    out.push((at, parse_answers(&string(&item, "answers")?)?));
                }
            }
            month = month.checked_add(jiff::Span::new().months(1)).map_err(|e| StoreError::Backend(e.into()))?;
        }
        out.sort_by_key(|(at, _)| *at);
        Ok(out)
    }

    async fn survey_answered(&self, nomor: &str) -> Result<bool, StoreError> {
        // The guard alone: it is written in the same transaction as the answers.
        Ok(self.get(&guard_pk(nomor), GUARD_SK).await?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_do_not_collide_and_months_are_utc() {
        assert_eq!(month_pk(month_of("2026-11-30T17:30:00Z".parse().unwrap())), "SURVEI-BULAN#2026-11");
        let complaint_prefixes = ["COMPLAINT#", "COUNTER", "PENDING", "IDEMPOTENCY#", "RATE#", "EVENT#", "META#"];
        assert!(!complaint_prefixes.iter().any(|p| guard_pk("x").starts_with(p)));
    }
}
