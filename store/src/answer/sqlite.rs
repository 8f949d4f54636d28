//! Answers in SQLite: table `answer`.

use super::{Answer, AnswerStore, meta_from_json, meta_to_json};
use crate::StoreError;
use crate::fields::{parse_ts, sortable};
use crate::sqlite::{SqliteStore, backend};
use rusqlite::{OptionalExtension, params};

impl AnswerStore for SqliteStore {
    async fn set_answer(&self, nomor: &str, answer: &Answer) -> Result<(), StoreError> {
        let nomor = nomor.to_owned();
        let ba = meta_to_json(answer.berita_acara.as_ref())?;
        let answer = answer.clone();
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO answer (nomor, text_id, text_en, berita_acara, by_name, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (nomor) DO UPDATE SET text_id = excluded.text_id, text_en = excluded.text_en,
                 berita_acara = excluded.berita_acara, by_name = excluded.by_name, at = excluded.at",
                params![nomor, answer.text_id, answer.text_en, ba, answer.by, sortable(answer.at)],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn answer(&self, nomor: &str) -> Result<Option<Answer>, StoreError> {
        let nomor = nomor.to_owned();
        self.with_conn(move |conn| {
            let row: Option<AnswerRow> = conn
                .query_row(
                    "SELECT text_id, text_en, berita_acara, by_name, at FROM answer WHERE nomor = ?1",
                    [&nomor],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()
                .map_err(backend)?;
            row.map(|(text_id, text_en, ba, by, at)| {
                Ok(Answer { text_id, text_en, berita_acara: meta_from_json(ba.as_deref())?, by, at: parse_ts(&at)? })
            })
            .transpose()
        })
        .await
    }
}

/// `text_id, text_en, berita_acara, by_name, at` as the table stores them.
type AnswerRow = (String, Option<String>, Option<String>, String, String);
