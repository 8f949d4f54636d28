//! Survey answers in SQLite: table `survey`.

use super::{SurveyStore, parse_answers};
use crate::StoreError;
use crate::fields::{parse_ts, sortable};
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
