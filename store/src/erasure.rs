//! Erasure of a complaint's personal data on request (UU 27/2022, Pasal 43): the one path the
//! staff tool (and the console after it) takes, so nothing personal is left behind by one
//! caller that another removes.
//!
//! The attachments go first (a KTP scan is personal data): if deleting them fails, nothing else
//! has changed and the request can be repeated; once they are gone the complaint's record is
//! erased and the history records who erased it, when and why, with the number of files.

use crate::attachments::{AnyAttachments, AttachmentError, AttachmentStore};
use crate::outbox::remove_message_files;
use crate::{Applied, StoreError, WorkflowStore};
use jiff::Timestamp;
use pengaduan_core::RegisterNumber;
use std::path::Path;

/// What an erasure removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    /// The complaint's version after the erasure.
    pub applied: Applied,
    /// How many attachments were deleted.
    pub attachments: usize,
}

/// An erasure that did not finish; repeating it is safe.
#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    /// The attachments could not be deleted; the complaint is unchanged.
    #[error("lampiran tidak dapat dihapus; data pengaduan belum diubah")]
    Attachments(#[source] AttachmentError),
    /// The copies of messages written to a folder could not be deleted; the complaint is
    /// unchanged.
    #[error("salinan surel (.eml) tidak dapat dihapus; data pengaduan belum diubah")]
    Messages(#[source] std::io::Error),
    /// The complaint's record could not be erased.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The request we would act on: who, why and when, with the version the staff member saw.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The complaint.
    pub nomor: &'a RegisterNumber,
    /// The version the erasure was decided against.
    pub expected_version: u64,
    /// The staff member.
    pub by: &'a str,
    /// Why (the citizen's request, a court order...).
    pub reason: &'a str,
    /// When.
    pub at: Timestamp,
}

/// Erases the complaint's attachments (when there is an attachment store), the copies of the
/// messages to the complainant written to `message_dir` (local mail as `.eml` files: they hold
/// the name, the address, the code and the title), and its personal data, in that order.
pub async fn erase_personal_data<S: WorkflowStore>(
    store: &S,
    attachments: Option<&AnyAttachments>,
    message_dir: Option<&Path>,
    request: Request<'_>,
) -> Result<Erased, ErasureError> {
    let nomor = request.nomor.to_string();
    let files = match attachments {
        Some(a) => a.erase(&nomor).await.map_err(ErasureError::Attachments)?,
        None => 0,
    };
    if let Some(dir) = message_dir {
        remove_message_files(dir, &nomor).map_err(ErasureError::Messages)?;
    }
    let applied = store.erase_personal(&request, files).await?;
    // A delivery that was writing while the record was erased may have added one more file;
    // after the erasure the outbox holds nothing more to write.
    if let Some(dir) = message_dir
        && let Err(e) = remove_message_files(dir, &nomor)
    {
        tracing::warn!(error = %e, "a message file written during the erasure could not be removed");
    }
    Ok(Erased { applied, attachments: files })
}
