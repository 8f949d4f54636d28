//! Answers in DynamoDB: item `JAWABAN#<nomor>` / `JAWABAN`.

use super::{Answer, AnswerStore, meta_from_json, meta_to_json};
use crate::StoreError;
use crate::dynamodb::{DynamoStore, Item, opt_string, put_opt, s, sdk, string};
use crate::fields::{parse_ts, sortable};
use std::collections::HashMap;

const SK: &str = "JAWABAN";

fn pk(nomor: &str) -> String {
    format!("JAWABAN#{nomor}")
}

impl AnswerStore for DynamoStore {
    async fn set_answer(&self, nomor: &str, answer: &Answer) -> Result<(), StoreError> {
        let mut item: Item = HashMap::from([
            ("pk".into(), s(&pk(nomor))),
            ("sk".into(), s(SK)),
            ("text_id".into(), s(&answer.text_id)),
            ("by".into(), s(&answer.by)),
            ("at".into(), s(&sortable(answer.at))),
        ]);
        put_opt(&mut item, "text_en", answer.text_en.as_deref());
        put_opt(&mut item, "berita_acara", meta_to_json(answer.berita_acara.as_ref())?.as_deref());
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(sdk)?;
        Ok(())
    }

    async fn answer(&self, nomor: &str) -> Result<Option<Answer>, StoreError> {
        let Some(item) = self.get(&pk(nomor), SK).await? else { return Ok(None) };
        Ok(Some(Answer {
            text_id: string(&item, "text_id")?,
            text_en: opt_string(&item, "text_en"),
            berita_acara: meta_from_json(opt_string(&item, "berita_acara").as_deref())?,
            by: string(&item, "by")?,
            at: parse_ts(&string(&item, "at")?)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_does_not_collide_with_the_complaints_or_the_survey() {
        let others = ["COMPLAINT#", "COUNTER", "PENDING", "IDEMPOTENCY#", "RATE#", "EVENT#", "META#", "SURVEI"];
        assert!(!others.iter().any(|p| pk("PGD-2026-00001").starts_with(p)));
    }
}
