//! Finishing the commit of a complaint's uploads.
//!
//! Files are stored under pending keys before the complaint (so a failure leaves only what
//! expires), and the complaint's record names them in the transaction that stores it. Committing
//! them to the number comes after, and a crash between the two would leave a complaint without
//! its files; so whatever was not finished is finished later, by whoever comes next: the request
//! itself, a replay of it, staff opening the complaint's files, `site-gen serve` at start and
//! every hour, and on AWS a scheduled sweep. A commit is idempotent, so finishing twice is safe.

use crate::attachments::{AnyAttachments, AttachmentError, AttachmentStore, PendingKey};
use crate::{ComplaintStore, PendingUpload, StoreError};
use pengaduan_core::RegisterNumber;
use pengaduan_core::attachment::ValidFile;
use serde::{Deserialize, Serialize};

/// How many complaints one sweep finishes at most: a sweep has the function's few seconds, and
/// the next one takes the rest.
pub const SWEEP_BATCH: usize = 25;

/// An unfinished commit that could not be finished now; it stays recorded for the next try.
#[derive(Debug, thiserror::Error)]
pub enum FinishError {
    /// The complaint store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The attachment store failed.
    #[error(transparent)]
    Attachments(#[from] AttachmentError),
}

#[derive(Serialize, Deserialize)]
struct Stored {
    key: String,
    #[serde(flatten)]
    file: ValidFile,
}

/// The uploads as the complaint's record keeps them (JSON).
pub(crate) fn encode(uploads: &[PendingUpload]) -> String {
    let stored: Vec<Stored> =
        uploads.iter().map(|(key, file)| Stored { key: key.as_str().to_owned(), file: file.clone() }).collect();
    // A list of plain strings and numbers always serialises.
    serde_json::to_string(&stored).unwrap_or_default()
}

/// The uploads from the complaint's record; anything but keys [`PendingKey::generate`] writes is
/// refused as corrupt, so a record can never name another object.
pub(crate) fn decode(json: &str) -> Result<Vec<PendingUpload>, StoreError> {
    let stored: Vec<Stored> =
        serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("pending uploads: {e}")))?;
    stored
        .into_iter()
        .map(|s| {
            let key =
                PendingKey::parse(&s.key).ok_or_else(|| StoreError::Corrupt(format!("pending key {:?}", s.key)))?;
            Ok((key, s.file))
        })
        .collect()
}

/// Commits complaint `nomor`'s uploads if its record still names any; whether there were any.
pub async fn finish<S: ComplaintStore>(
    store: &S,
    files: &AnyAttachments,
    nomor: &RegisterNumber,
) -> Result<bool, FinishError> {
    let pending = store.pending_uploads(nomor).await?;
    if pending.is_empty() {
        return Ok(false);
    }
    files.commit(&nomor.to_string(), &pending).await?;
    store.uploads_committed(nomor).await?;
    Ok(true)
}

/// Finishes up to [`SWEEP_BATCH`] unfinished commits; how many were finished. One that fails
/// is logged and left for the next sweep, and the others go on.
pub async fn sweep<S: ComplaintStore>(store: &S, files: &AnyAttachments) -> Result<usize, StoreError> {
    let mut finished = 0;
    for (nomor, pending) in store.unfinished_uploads(SWEEP_BATCH).await? {
        let done = async {
            files.commit(&nomor.to_string(), &pending).await?;
            store.uploads_committed(&nomor).await?;
            Ok::<_, FinishError>(())
        };
        match done.await {
            Ok(()) => {
                tracing::info!(nomor = %nomor, files = pending.len(), "unfinished attachment commit finished");
                finished += 1;
            }
            Err(e) => {
                tracing::warn!(nomor = %nomor, error = %crate::error_chain(&e), "attachment commit still unfinished")
            }
        }
    }
    Ok(finished)
}
