//! The office's answer to a complaint (the Surat Jawaban's text in each language and, where the
//! procedure issues one, the Berita Acara's PDF as it lies in the attachment store), attached in
//! the console at the last step and read on the public status page.
//!
//! SQLite: table `answer` (migration 0012), one row per complaint. DynamoDB: item
//! `JAWABAN#<nomor>` / `JAWABAN`. Attaching again replaces the answer.

use crate::StoreError;
use crate::attachments::AttachmentMeta;
use jiff::Timestamp;
use std::future::Future;

/// One complaint's answer, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The Surat Jawaban's text in Indonesian.
    pub text_id: String,
    /// Its English text, when the office wrote one.
    pub text_en: Option<String>,
    /// The signed Berita Acara, as the attachment store holds it.
    pub berita_acara: Option<AttachmentMeta>,
    /// Who attached it (the staff member's signature): for the console, never public.
    pub by: String,
    /// When it was attached.
    pub at: Timestamp,
}

/// Where answers are kept.
pub trait AnswerStore: Send + Sync {
    /// Stores complaint `nomor`'s answer, replacing any earlier one.
    fn set_answer(&self, nomor: &str, answer: &Answer) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Complaint `nomor`'s answer, `None` when none was attached.
    fn answer(&self, nomor: &str) -> impl Future<Output = Result<Option<Answer>, StoreError>> + Send;
}

/// The Berita Acara's description as stored (JSON of its attachment entry).
fn meta_to_json(meta: Option<&AttachmentMeta>) -> Result<Option<String>, StoreError> {
    meta.map(|m| serde_json::to_string(m).map_err(|e| StoreError::Corrupt(format!("berita acara entry: {e}"))))
        .transpose()
}

fn meta_from_json(json: Option<&str>) -> Result<Option<AttachmentMeta>, StoreError> {
    json.map(|j| serde_json::from_str(j).map_err(|e| StoreError::Corrupt(format!("berita acara entry: {e}"))))
        .transpose()
}

#[cfg(feature = "aws")]
mod dynamodb;
#[cfg(feature = "sqlite")]
mod sqlite;
