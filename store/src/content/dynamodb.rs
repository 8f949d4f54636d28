//! Content revisions in DynamoDB: not written yet; every call fails until it is.

use super::{ContentHead, ContentSave, ContentStore, Revision};
use crate::StoreError;
use crate::dynamodb::DynamoStore;
use jiff::Timestamp;

fn not_yet() -> StoreError {
    StoreError::Backend("the content store is not implemented on DynamoDB yet".into())
}

impl ContentStore for DynamoStore {
    async fn content_heads(&self) -> Result<Vec<ContentHead>, StoreError> {
        Err(not_yet())
    }

    async fn content_revisions(&self, _path: &str) -> Result<Vec<Revision>, StoreError> {
        Err(not_yet())
    }

    async fn save_content(&self, _save: ContentSave) -> Result<Revision, StoreError> {
        Err(not_yet())
    }

    async fn publish_content(&self, _publisher: &str, _at: Timestamp) -> Result<Vec<Revision>, StoreError> {
        Err(not_yet())
    }

    async fn live_content(&self) -> Result<Vec<Revision>, StoreError> {
        Err(not_yet())
    }

    async fn seed_content(&self, _path: &str, _text: &str, _at: Timestamp) -> Result<bool, StoreError> {
        Err(not_yet())
    }
}
