//! The Survei Kepuasan Masyarakat's answers: at most one set per complaint, kept without any
//! personal data, and read back by period for the IKM (`pengaduan_core::skm`).
//!
//! SQLite: table `survey` (the complaint's number as primary key, which is the once-only guard).
//! DynamoDB, never a `Scan`:
//!
//! - `SURVEI#<nomor>` / `SURVEI`: the guard, created only if absent; holds no answers.
//! - `SURVEI-BULAN#<YYYY-MM>` / `<at>#<random>`: the answers and their instant, in the partition
//!   of their month (UTC), without the number, so the period's answers cannot be tied back to a
//!   complaint. Both are written in one transaction.

use crate::StoreError;
use jiff::Timestamp;
use pengaduan_core::skm::Answers;
use std::future::Future;

/// Where survey answers are kept.
pub trait SurveyStore: Send + Sync {
    /// Records complaint `nomor`'s answers given at `at`; `false`, and nothing written, when
    /// the complaint's survey was answered before.
    fn record_survey(
        &self,
        nomor: &str,
        answers: Answers,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Every answer set given at or after `from` and before `before`, oldest first.
    fn surveys(
        &self,
        from: Timestamp,
        before: Timestamp,
    ) -> impl Future<Output = Result<Vec<(Timestamp, Answers)>, StoreError>> + Send;

    /// Whether complaint `nomor`'s survey was answered, so the form is not offered again only
    /// to be refused when sent. A read: [`record_survey`](Self::record_survey) stays the guard.
    fn survey_answered(&self, nomor: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

fn parse_answers(code: &str) -> Result<Answers, StoreError> {
    Answers::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("survey answers {code:?}")))
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::{SurveyStore, parse_answers};
    use crate::StoreError;
    use crate::accounts::fields::{parse_ts, sortable};
    use crate::sqlite::{SqliteStore, backend};
    use jiff::Timestamp;
    use pengaduan_core::skm::Answers;
    use rusqlite::params;

    impl SurveyStore for SqliteStore {
        async fn record_survey(&self, nomor: &str, answers: Answers, at: Timestamp) -> Result<bool, StoreError> {
            let nomor = nomor.to_owned();
            self.with_conn(move |conn| {
                // The primary key refuses the second answer, atomically.
                let inserted = conn
                    .execute(
                        "INSERT INTO survey (nomor, answers, at) VALUES (?1, ?2, ?3) ON CONFLICT (nomor) DO NOTHING",
                        params![nomor, answers.code(), sortable(at)],
                    )
                    .map_err(backend)?;
                Ok(inserted == 1)
            })
            .await
        }

        async fn surveys(&self, from: Timestamp, before: Timestamp) -> Result<Vec<(Timestamp, Answers)>, StoreError> {
            self.with_conn(move |conn| {
                let mut stmt = conn
                    .prepare("SELECT at, answers FROM survey WHERE at >= ?1 AND at < ?2 ORDER BY at")
                    .map_err(backend)?;
                let raw: Vec<(String, String)> = stmt
                    .query_map(params![sortable(from), sortable(before)], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(backend)?
                    .collect::<Result<_, _>>()
                    .map_err(backend)?;
                raw.iter().map(|(at, a)| Ok((parse_ts(at)?, parse_answers(a)?))).collect()
            })
            .await
        }

        async fn survey_answered(&self, nomor: &str) -> Result<bool, StoreError> {
            let nomor = nomor.to_owned();
            self.with_conn(move |conn| {
                conn.query_row("SELECT EXISTS (SELECT 1 FROM survey WHERE nomor = ?1)", params![nomor], |r| r.get(0))
                    .map_err(backend)
            })
            .await
        }
    }
}

#[cfg(feature = "aws")]
mod dynamodb {
    use super::{SurveyStore, parse_answers};
    use crate::StoreError;
    use crate::accounts::fields::{parse_ts, random_suffix, sortable};
    use crate::dynamodb::{DynamoStore, Item, build, s, sdk, string};
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
                let mut start: Option<Item> = None;
                loop {
                    let page = self
                        .client
                        .query()
                        .table_name(&self.table)
                        .consistent_read(true)
                        .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :before")
                        .expression_attribute_values(":pk", s(&pk))
                        .expression_attribute_values(":from", s(&from_s))
                        .expression_attribute_values(":before", s(&before_s))
                        .set_exclusive_start_key(start.take())
                        .send()
                        .await
                        .map_err(sdk)?;
                    for item in page.items.unwrap_or_default() {
                        let at = parse_ts(&string(&item, "at")?)?;
                        if at >= from && at < before {
                            out.push((at, parse_answers(&string(&item, "answers")?)?));
                        }
                    }
                    match page.last_evaluated_key {
                        Some(k) if !k.is_empty() => start = Some(k),
                        _ => break,
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
}
