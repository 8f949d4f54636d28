//! publish-fn's editing operations against moto's DynamoDB, over the repository's shipped site:
//! the files an editor may change, their live text, the real check (a broken front matter is
//! refused with its line), a preview, `four_eyes` from config.toml, the wire format both ways,
//! and the root reused while the store's heads are unchanged.

#![allow(missing_docs)]

use jiff::Timestamp;
use pengaduan_publish::ops::{Answer, Request};
use pengaduan_publish::{SiteBucket, SiteSource, Workbench};
use pengaduan_store::content::{ContentSave, ContentStore};
use pengaduan_store::dynamodb::DynamoStore;
use pengaduan_store::testing::{Moto, new_bucket};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// As in publish.rs: the repository's config.toml still holds placeholders.
const SITE_URL: &str = "http://situs.uji";
const PAGE: &str = "layanan/informasi-dan-pengaduan.md";

async fn seeded() -> DynamoStore {
    let store = Moto::shared().store().await;
    let dir = repo().join("content");
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
            store.seed_content(&rel, &std::fs::read_to_string(entry.path()).unwrap(), Timestamp::now()).await.unwrap();
        }
    }
    store
}

async fn answer(bench: &Workbench, store: &DynamoStore, bucket: &SiteBucket, event: serde_json::Value) -> Answer {
    // Through JSON both ways, as the function receives and answers it.
    let request: Request = serde_json::from_value(event).unwrap();
    let answer = bench.handle(store, request, bucket, None).await.unwrap();
    serde_json::from_value(serde_json::to_value(&answer).unwrap()).unwrap()
}

#[tokio::test]
async fn the_editing_operations_answer_from_the_stores_live_text() {
    let moto = Moto::shared();
    let store = seeded().await;
    let s3 = moto.s3().await;
    let bucket = SiteBucket::new(s3.clone(), new_bucket(&s3).await, "");
    let bench = Workbench::new(SiteSource::new(repo(), SITE_URL));

    let files = answer(&bench, &store, &bucket, serde_json::json!({"op": "files"})).await;
    assert!(!files.four_eyes, "the repository's config.toml: four_eyes = false");
    let files = files.files.expect("a list");
    assert!(files.iter().any(|f| f.path == PAGE && f.lang.as_deref() == Some("id") && !f.is_data));
    assert!(files.iter().any(|f| f.path == "data/hari-libur.toml" && f.is_data));

    let live = answer(&bench, &store, &bucket, serde_json::json!({"op": "live_text", "path": PAGE})).await;
    let text = live.text.expect("the page's text");
    assert_eq!(text, std::fs::read_to_string(repo().join("content").join(PAGE)).unwrap());
    for bad in ["../config.toml", "tidak-ada.md", "/etc/passwd"] {
        let none = answer(&bench, &store, &bucket, serde_json::json!({"op": "live_text", "path": bad})).await;
        assert_eq!(none.text, None, "{bad}");
    }

    let changed = text.replace("title = \"Layanan Informasi dan Pengaduan\"", "title = \"Layanan Uji Pratinjau\"");
    let started = Instant::now();
    let ok = answer(&bench, &store, &bucket, serde_json::json!({"op": "check", "changes": {PAGE: changed}})).await;
    eprintln!("check (root reused): {} ms", started.elapsed().as_millis());
    assert_eq!(ok.refusal, None);

    let broken = text.replacen("weight = 1", "weight = \"satu\"", 1);
    let line = broken.lines().position(|l| l.starts_with("weight")).unwrap() + 1;
    let refused = answer(&bench, &store, &bucket, serde_json::json!({"op": "check", "changes": {PAGE: broken}})).await;
    let refusal = refused.refusal.expect("refused");
    assert_eq!((refusal.path.as_str(), refusal.line), (PAGE, Some(line)), "{refusal:?}");

    let started = Instant::now();
    let preview =
        answer(&bench, &store, &bucket, serde_json::json!({"op": "preview", "changes": {PAGE: changed}, "path": PAGE}))
            .await;
    eprintln!("preview (root reused): {} ms", started.elapsed().as_millis());
    assert!(preview.html.expect("a page").contains("Layanan Uji Pratinjau"));
    let data = answer(
        &bench,
        &store,
        &bucket,
        serde_json::json!({"op": "preview", "changes": {}, "path": "data/hari-libur.toml"}),
    )
    .await;
    assert!(data.html.is_none() && data.refusal.is_some(), "a data file has no page");

    assert!(serde_json::from_value::<Request>(serde_json::json!({"op": "hapus"})).is_err());
}

#[tokio::test]
async fn the_root_is_reused_until_the_heads_change() {
    let store = seeded().await;
    let bench = Workbench::new(SiteSource::new(repo(), SITE_URL));
    let started = Instant::now();
    let first = bench.root(&store).await.unwrap();
    let cold = started.elapsed();
    let started = Instant::now();
    let again = bench.root(&store).await.unwrap();
    let warm = started.elapsed();
    eprintln!("site root: {} ms laid out, {} ms reused", cold.as_millis(), warm.as_millis());
    assert!(Arc::ptr_eq(&first, &again), "unchanged heads: the same root");

    // A draft changes the heads (and so the key), though not the live text.
    let version = store.content_heads().await.unwrap().into_iter().find(|h| h.path == PAGE).unwrap().version;
    let text = std::fs::read_to_string(repo().join("content").join(PAGE)).unwrap();
    let edited = text.replace("weight = 1", "weight = 2");
    let save = ContentSave {
        path: PAGE.into(),
        text: edited.clone(),
        expected_version: version,
        original: None,
        author: "editor".into(),
        note: String::new(),
        at: Timestamp::now(),
    };
    store.save_content(save).await.unwrap();
    let drafted = bench.root(&store).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &drafted));
    let live = |root: &pengaduan_publish::root::SiteRoot| {
        std::fs::read_to_string(root.path().join("content").join(PAGE)).unwrap()
    };
    assert_eq!(live(&drafted), text, "a draft is not live");

    // Publishing marks it live without a new version: the draft flag is in the key.
    store.publish_content("editor", Timestamp::now()).await.unwrap();
    let published = bench.root(&store).await.unwrap();
    assert!(!Arc::ptr_eq(&drafted, &published));
    assert_eq!(live(&published), edited);
}
