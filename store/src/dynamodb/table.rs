//! Creating the table and its indexes, for local use.

use super::{DynamoStore, FINISHED_INDEX, OPEN_INDEX, RECEIVED_INDEX, TTL_ATTRIBUTE, sdk};
use crate::StoreError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TimeToLiveSpecification,
};
use std::time::Duration;

impl DynamoStore {
    /// Creates the table (on-demand, TTL on `expires_at`) when it does not exist. For local use:
    /// the deployed function never creates tables, the infrastructure template does.
    pub async fn ensure_table(&self) -> Result<bool, StoreError> {
        if self.client.describe_table().table_name(&self.table).send().await.is_ok() {
            return Ok(false);
        }
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|e| StoreError::Backend(e.into()))
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(|e| StoreError::Backend(e.into()))
        };
        self.client
            .create_table()
            .table_name(&self.table)
            .attribute_definitions(attr("pk")?)
            .attribute_definitions(attr("sk")?)
            .attribute_definitions(attr(OPEN_INDEX)?)
            .attribute_definitions(attr("nomor")?)
            .attribute_definitions(attr(RECEIVED_INDEX)?)
            .attribute_definitions(attr(FINISHED_INDEX)?)
            .attribute_definitions(attr(crate::outbox::dynamodb::INDEX)?)
            .attribute_definitions(attr(crate::outbox::dynamodb::DUE)?)
            .key_schema(key("pk", KeyType::Hash)?)
            .key_schema(key("sk", KeyType::Range)?)
            // As infra/template.yaml declares it: all attributes, so a row needs no second read.
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(OPEN_INDEX)
                    .key_schema(key(OPEN_INDEX, KeyType::Hash)?)
                    .key_schema(key("nomor", KeyType::Range)?)
                    .projection(Projection::builder().projection_type(ProjectionType::All).build())
                    .build()
                    .map_err(|e| StoreError::Backend(e.into()))?,
            )
            // The register by month received and by month finished, as the template declares
            // them: all attributes, so the export and the statistics need no second read.
            .global_secondary_indexes(month_index(RECEIVED_INDEX)?)
            .global_secondary_indexes(month_index(FINISHED_INDEX)?)
            // Keys only: delivery reads each message with a consistent read as it claims it.
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(crate::outbox::dynamodb::INDEX)
                    .key_schema(key(crate::outbox::dynamodb::INDEX, KeyType::Hash)?)
                    .key_schema(key(crate::outbox::dynamodb::DUE, KeyType::Range)?)
                    .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                    .build()
                    .map_err(|e| StoreError::Backend(e.into()))?,
            )
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .map_err(sdk)?;
        for _ in 0..60 {
            let out = self.client.describe_table().table_name(&self.table).send().await.map_err(sdk)?;
            if out.table().and_then(|t| t.table_status()).is_some_and(|s| s.as_str() == "ACTIVE") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let ttl = TimeToLiveSpecification::builder()
            .attribute_name(TTL_ATTRIBUTE)
            .enabled(true)
            .build()
            .map_err(|e| StoreError::Backend(e.into()))?;
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(ttl)
            .send()
            .await
            .map_err(sdk)?;
        Ok(true)
    }
}

/// A month index: partition `name` (`YYYY-MM`), sort `nomor`, every attribute projected.
fn month_index(name: &str) -> Result<GlobalSecondaryIndex, StoreError> {
    let key = |attribute: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(attribute)
            .key_type(kind)
            .build()
            .map_err(|e| StoreError::Backend(e.into()))
    };
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(name, KeyType::Hash)?)
        .key_schema(key("nomor", KeyType::Range)?)
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .map_err(|e| StoreError::Backend(e.into()))
}
