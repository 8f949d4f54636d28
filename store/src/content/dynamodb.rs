//! Content revisions in DynamoDB, never a `Scan`:
//!
//! - `KONTEN` / `<path>`: the file's head, one partition for every file (an office's site has
//!   tens of files): its `version` (the newest revision's number), that revision's `kind`,
//!   `author` and `saved_at`, `live` (the number of the newest revision that is not a draft;
//!   absent while there is none), and `change_id`, the attempt that last wrote it.
//! - `KONTEN#<path>` / `REV#<number, 10 digits>`: one revision with its text.
//!
//! A save is one `TransactWriteItems`: the head is replaced only if its version is still the
//! expected one (absent, for 0), and the revisions are created only if absent. Publishing
//! reads the heads whose newest revision is a draft and marks each file in a transaction of its
//! own, conditioned on the head being unchanged, so a save that lands meanwhile stays a draft.
//! Empty strings are left out of items (older DynamoDB-compatible servers refuse them) and read
//! back as empty.

use super::{ContentHead, ContentSave, ContentStore, Revision, RevisionKind, parse_kind};
use crate::dynamodb::{DynamoStore, Item, build, n, number, opt_string, put_opt, s, sdk, string};
use crate::fields::{parse_ts, sortable};
use crate::retry::until_deadline;
use crate::{StoreError, change_token};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use jiff::Timestamp;
use std::collections::HashMap;

/// The partition of every file's head.
const HEADS_PK: &str = "KONTEN";

fn revisions_pk(path: &str) -> String {
    format!("KONTEN#{path}")
}

/// Zero-padded, so the sort key's text order is the numbers' order.
fn revision_sk(number: u64) -> String {
    format!("REV#{number:010}")
}

/// What a file's head says, as read.
struct Head {
    version: u64,
    kind: RevisionKind,
    live: Option<u64>,
    change_id: Option<String>,
    line: ContentHead,
}

fn read_head(item: &Item) -> Result<Head, StoreError> {
    let version = number(item, "version")? as u64;
    let kind = parse_kind(&string(item, "kind")?)?;
    Ok(Head {
        version,
        kind,
        live: item.contains_key("live").then(|| number(item, "live")).transpose()?.map(|v| v as u64),
        change_id: opt_string(item, "change_id"),
        line: ContentHead {
            path: string(item, "sk")?,
            version,
            author: opt_string(item, "author").unwrap_or_default(),
            saved_at: parse_ts(&string(item, "saved_at")?)?,
            draft_waiting: kind == RevisionKind::Draft,
        },
    })
}

/// The head of a file whose newest revision is `newest`, written by attempt `token`.
fn head_item(newest: &Revision, live: Option<u64>, token: &str) -> Item {
    let mut item: Item = HashMap::from([
        ("pk".into(), s(HEADS_PK)),
        ("sk".into(), s(&newest.path)),
        ("version".into(), n(newest.number as i64)),
        ("kind".into(), s(newest.kind.code())),
        ("saved_at".into(), s(&sortable(newest.saved_at))),
        ("change_id".into(), s(token)),
    ]);
    put_opt(&mut item, "author", Some(newest.author.as_str()).filter(|a| !a.is_empty()));
    if let Some(live) = live {
        item.insert("live".into(), n(live as i64));
    }
    item
}

fn revision_item(r: &Revision) -> Item {
    let mut item: Item = HashMap::from([
        ("pk".into(), s(&revisions_pk(&r.path))),
        ("sk".into(), s(&revision_sk(r.number))),
        ("path".into(), s(&r.path)),
        ("number".into(), n(r.number as i64)),
        ("kind".into(), s(r.kind.code())),
        ("saved_at".into(), s(&sortable(r.saved_at))),
    ]);
    for (name, value) in [("text", &r.text), ("author", &r.author), ("note", &r.note)] {
        put_opt(&mut item, name, Some(value.as_str()).filter(|v| !v.is_empty()));
    }
    if let Some((by, at)) = &r.published {
        item.insert("published_by".into(), s(by));
        item.insert("published_at".into(), s(&sortable(*at)));
    }
    item
}

fn read_revision(item: &Item) -> Result<Revision, StoreError> {
    let published = match (opt_string(item, "published_by"), opt_string(item, "published_at")) {
        (Some(by), Some(at)) => Some((by, parse_ts(&at)?)),
        _ => None,
    };
    Ok(Revision {
        path: string(item, "path")?,
        number: number(item, "number")? as u64,
        text: opt_string(item, "text").unwrap_or_default(),
        kind: parse_kind(&string(item, "kind")?)?,
        author: opt_string(item, "author").unwrap_or_default(),
        saved_at: parse_ts(&string(item, "saved_at")?)?,
        note: opt_string(item, "note").unwrap_or_default(),
        published,
    })
}

/// How a cancelled transaction on a file's head ended, once the head is read again.
enum Cancelled {
    /// Our own attempt wrote the head (the answer was lost and the SDK's retry was cancelled).
    Ours,
    /// The head is as the attempt expected: a transient cancel (two transactions on one item).
    Unchanged,
    /// Someone else changed the file first.
    Changed,
}

/// The content items of one store: its own methods, apart from the store's other inherent ones.
#[derive(Clone, Copy)]
struct Files<'a>(&'a DynamoStore);

impl std::ops::Deref for Files<'_> {
    type Target = DynamoStore;

    fn deref(&self) -> &DynamoStore {
        self.0
    }
}

impl Files<'_> {
    async fn head(&self, path: &str) -> Result<Option<Head>, StoreError> {
        self.get(HEADS_PK, path).await?.as_ref().map(read_head).transpose()
    }

    /// Every head, or only those whose newest revision is a draft, by path.
    async fn heads(&self, drafts_only: bool) -> Result<Vec<Head>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(HEADS_PK));
        if drafts_only {
            query = query
                .filter_expression("#kind = :draft")
                .expression_attribute_names("#kind", "kind")
                .expression_attribute_values(":draft", s(RevisionKind::Draft.code()));
        }
        let mut heads = Vec::new();
        let mut items = query.into_paginator().items().send();
        while let Some(item) = items.try_next().await.map_err(sdk)? {
            heads.push(read_head(&item)?);
        }
        Ok(heads)
    }

    async fn revision(&self, path: &str, number: u64) -> Result<Revision, StoreError> {
        let item = self
            .get(&revisions_pk(path), &revision_sk(number))
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("content head without its revision {number}")))?;
        read_revision(&item)
    }

    /// Reads `path`'s head after a cancelled transaction that expected `expected` (0: absent).
    async fn after_cancel(&self, path: &str, expected: u64, token: &str) -> Result<Cancelled, StoreError> {
        Ok(match self.head(path).await? {
            Some(head) if head.change_id.as_deref() == Some(token) => Cancelled::Ours,
            Some(head) if head.version == expected => Cancelled::Unchanged,
            None if expected == 0 => Cancelled::Unchanged,
            _ => Cancelled::Changed,
        })
    }

    /// Runs one transaction; `false` when it was cancelled (a condition failed, or a conflict).
    async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<bool, StoreError> {
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e)) if e.err().is_transaction_canceled_exception() => Ok(false),
            Err(e) => Err(sdk(e)),
        }
    }

    /// A put of `item`, only if no item has its key.
    fn put_new(&self, item: Item) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A put of a head, only if the file's version is still `expected` (0: no head yet).
    fn put_head(&self, item: Item, expected: u64) -> Result<TransactWriteItem, StoreError> {
        if expected == 0 {
            return self.put_new(item);
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(expected as i64))
            .build()
            .map_err(build)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Marks the draft `head` names (its file's newest revision) published, if the head is still
    /// as read; the revision as published, or `None` when the file changed meanwhile.
    async fn publish_one(
        &self,
        head: &Head,
        publisher: &str,
        at: Timestamp,
        token: &str,
    ) -> Result<Option<Revision>, StoreError> {
        let path = head.line.path.as_str();
        let draft = self.revision(path, head.version).await?;
        let published_at = sortable(at);
        let revision = Update::builder()
            .table_name(&self.table)
            .key("pk", s(&revisions_pk(path)))
            .key("sk", s(&revision_sk(head.version)))
            .update_expression("SET #kind = :published, #by = :by, #at = :at")
            .condition_expression("#kind = :draft")
            // Every name aliased: DynamoDB reserves hundreds of words, and a reserved word fails
            // only on AWS, not on moto.
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_names("#by", "published_by")
            .expression_attribute_names("#at", "published_at")
            .expression_attribute_values(":published", s(RevisionKind::Published.code()))
            .expression_attribute_values(":draft", s(RevisionKind::Draft.code()))
            .expression_attribute_values(":by", s(publisher))
            .expression_attribute_values(":at", s(&published_at))
            .build()
            .map_err(build)?;
        let head_update = Update::builder()
            .table_name(&self.table)
            .key("pk", s(HEADS_PK))
            .key("sk", s(path))
            .update_expression("SET #kind = :published, #live = :version, #change = :token")
            .condition_expression("#version = :version AND #kind = :draft")
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_names("#live", "live")
            .expression_attribute_names("#change", "change_id")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":published", s(RevisionKind::Published.code()))
            .expression_attribute_values(":draft", s(RevisionKind::Draft.code()))
            .expression_attribute_values(":version", n(head.version as i64))
            .expression_attribute_values(":token", s(token))
            .build()
            .map_err(build)?;
        let items = vec![
            TransactWriteItem::builder().update(revision).build(),
            TransactWriteItem::builder().update(head_update).build(),
        ];
        let published =
            Revision { kind: RevisionKind::Published, published: Some((publisher.to_owned(), at)), ..draft };
        until_deadline(|| async {
            if self.transact(items.clone()).await? {
                return Ok(Some(Some(published.clone())));
            }
            Ok(match self.head(path).await? {
                Some(now) if now.change_id.as_deref() == Some(token) => Some(Some(published.clone())),
                // Still the same draft: only another transaction on the item was in the way.
                Some(now) if now.version == head.version && now.kind == RevisionKind::Draft => None,
                // Saved again meanwhile (the newer draft waits for the next publish), or
                // published by someone else.
                _ => Some(None),
            })
        })
        .await
    }
}

impl ContentStore for DynamoStore {
    async fn content_heads(&self) -> Result<Vec<ContentHead>, StoreError> {
        Ok(Files(self).heads(false).await?.into_iter().map(|h| h.line).collect())
    }

    async fn content_revisions(&self, path: &str) -> Result<Vec<Revision>, StoreError> {
        let mut revisions = Vec::new();
        let mut items = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk AND begins_with(sk, :rev)")
            .expression_attribute_values(":pk", s(&revisions_pk(path)))
            .expression_attribute_values(":rev", s("REV#"))
            .into_paginator()
            .items()
            .send();
        while let Some(item) = items.try_next().await.map_err(sdk)? {
            revisions.push(read_revision(&item)?);
        }
        Ok(revisions)
    }

    async fn save_content(&self, mut save: ContentSave) -> Result<Revision, StoreError> {
        let expected = save.expected_version;
        let head = Files(self).head(&save.path).await?;
        let (version, live) = head.as_ref().map_or((0, None), |h| (h.version, h.live));
        if version != expected {
            return Err(StoreError::Conflict);
        }
        let token = change_token();
        let mut items = Vec::new();
        let mut number = expected + 1;
        let mut live = live;
        if let (None, Some(original)) = (&head, save.original.take()) {
            let original = Revision::original(&save.path, original, save.at);
            items.push(Files(self).put_new(revision_item(&original))?);
            live = Some(original.number);
            number += 1;
        }
        let draft = Revision::draft(save, number);
        items.push(Files(self).put_new(revision_item(&draft))?);
        items.push(Files(self).put_head(head_item(&draft, live, &token), expected)?);
        let (items, draft, token) = (&items, &draft, &token);
        until_deadline(|| async move {
            if Files(self).transact(items.clone()).await? {
                return Ok(Some(draft.clone()));
            }
            match Files(self).after_cancel(&draft.path, expected, token).await? {
                Cancelled::Ours => Ok(Some(draft.clone())),
                Cancelled::Unchanged => Ok(None),
                Cancelled::Changed => Err(StoreError::Conflict),
            }
        })
        .await
    }

    async fn publish_content(&self, publisher: &str, at: Timestamp) -> Result<Vec<Revision>, StoreError> {
        let token = change_token();
        let mut published = Vec::new();
        // File by file: a transaction per file keeps each well under DynamoDB's limits, and a
        // file saved meanwhile is skipped without holding back the others.
        for head in Files(self).heads(true).await? {
            if let Some(r) = Files(self).publish_one(&head, publisher, at, &token).await? {
                published.push(r);
            }
        }
        Ok(published)
    }

    async fn live_content(&self) -> Result<Vec<Revision>, StoreError> {
        let mut live = Vec::new();
        for head in Files(self).heads(false).await? {
            // A revision that is not a draft never changes again: reading it after its head
            // cannot see a half-made change.
            if let Some(number) = head.live {
                live.push(Files(self).revision(&head.line.path, number).await?);
            }
        }
        Ok(live)
    }

    async fn seed_content(&self, path: &str, text: &str, at: Timestamp) -> Result<bool, StoreError> {
        let original = Revision::original(path, text.to_owned(), at);
        let token = change_token();
        let items = vec![
            Files(self).put_new(revision_item(&original))?,
            Files(self).put_new(head_item(&original, Some(original.number), &token))?,
        ];
        let (items, token) = (&items, &token);
        until_deadline(|| async move {
            if Files(self).transact(items.clone()).await? {
                return Ok(Some(true));
            }
            match Files(self).after_cancel(path, 0, token).await? {
                Cancelled::Ours => Ok(Some(true)),
                Cancelled::Unchanged => Ok(None),
                Cancelled::Changed => Ok(Some(false)),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    #[test]
    fn revision_keys_sort_by_number_and_do_not_collide() {
        assert_eq!(revision_sk(7), "REV#0000000007");
        assert!(revision_sk(9) < revision_sk(10));
        assert_ne!(revisions_pk("x.md"), HEADS_PK);
        let other = ["COMPLAINT#", "COUNTER", "SURVEI", "SESI", "GAGAL", "AUDIT#", "META#"];
        assert!(!other.iter().any(|p| revisions_pk("x").starts_with(p) || HEADS_PK.starts_with(p)));
    }

    #[test]
    fn a_revision_round_trips_through_its_item_without_empty_strings() {
        let at: Timestamp = "2026-12-01T02:00:00.5Z".parse().unwrap();
        let original = Revision::original("kosong.md", String::new(), at);
        let item = revision_item(&original);
        assert!(item.values().all(|v| !matches!(v, AttributeValue::S(t) if t.is_empty())));
        assert_eq!(read_revision(&item).unwrap(), original);
        let published = Revision {
            kind: RevisionKind::Published,
            text: "isi".into(),
            author: "editor1".into(),
            note: "catatan".into(),
            published: Some(("kepala".into(), at)),
            ..original
        };
        assert_eq!(read_revision(&revision_item(&published)).unwrap(), published);
    }
}
