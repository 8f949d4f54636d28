//! Publishing against moto: a DynamoDB content store seeded from the repository's `content/`,
//! the site bucket, and a CloudFront distribution. The first publish uploads every file; a
//! publish without changes uploads nothing and invalidates nothing; a changed page uploads only
//! what really changed and invalidates exactly that; a page that leaves the store leaves the
//! bucket; nothing outside the prefix, and none of site-gen's bookkeeping, is ever deleted.

#![allow(missing_docs)]

use aws_sdk_cloudfront::types::{
    DefaultCacheBehavior, DistributionConfig, Origin, Origins, S3OriginConfig, ViewerProtocolPolicy,
};
use jiff::Timestamp;
use pengaduan_publish::sync::{self, Headers, SiteBucket};
use pengaduan_publish::{Distribution, PublishReport, SiteSource, invalidate, publish};
use pengaduan_store::StoreError;
use pengaduan_store::content::{ContentHead, ContentSave, ContentStore, Revision};
use pengaduan_store::dynamodb::DynamoStore;
use pengaduan_store::testing::{Moto, all_keys, new_bucket};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Not an https:// address: the repository's config.toml still holds the office's placeholders,
/// which a production build refuses (deploy.sh checks that before every deploy).
const SITE_URL: &str = "http://situs.uji";

/// Seeds `store` with every file of the repository's `content/`, as `pengaduan-staf konten benih`
/// does on AWS.
async fn seed(store: &DynamoStore) -> usize {
    let dir = repo().join("content");
    let mut n = 0;
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(entry.path()).unwrap();
        assert!(store.seed_content(&rel, &text, Timestamp::now()).await.unwrap(), "{rel} seeded");
        n += 1;
    }
    n
}

/// An editor's change: save a draft of `path` with `text`, then publish every draft.
async fn edit_and_publish(store: &DynamoStore, path: &str, text: &str) {
    let heads = store.content_heads().await.unwrap();
    let version = heads.iter().find(|h| h.path == path).map_or(0, |h| h.version);
    let save = ContentSave {
        path: path.to_owned(),
        text: text.to_owned(),
        expected_version: version,
        original: None,
        author: "editor".into(),
        note: "uji".into(),
        at: Timestamp::now(),
    };
    store.save_content(save).await.unwrap();
    let published = store.publish_content("editor", Timestamp::now()).await.unwrap();
    assert_eq!(published.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(), [path]);
}

/// The store without one file: how a page that editors removed looks to a publish.
struct Without<'a> {
    store: &'a DynamoStore,
    path: &'static str,
}

impl ContentStore for Without<'_> {
    async fn content_heads(&self) -> Result<Vec<ContentHead>, StoreError> {
        self.store.content_heads().await
    }
    async fn content_revisions(&self, path: &str) -> Result<Vec<Revision>, StoreError> {
        self.store.content_revisions(path).await
    }
    async fn save_content(&self, save: ContentSave) -> Result<Revision, StoreError> {
        self.store.save_content(save).await
    }
    async fn publish_content(&self, publisher: &str, at: Timestamp) -> Result<Vec<Revision>, StoreError> {
        self.store.publish_content(publisher, at).await
    }
    async fn live_content(&self) -> Result<Vec<Revision>, StoreError> {
        let mut live = self.store.live_content().await?;
        live.retain(|r| r.path != self.path);
        Ok(live)
    }
    async fn seed_content(&self, path: &str, text: &str, at: Timestamp) -> Result<bool, StoreError> {
        self.store.seed_content(path, text, at).await
    }
}

/// A distribution on moto, serving the bucket.
async fn distribution(moto: &Moto, bucket: &str) -> Distribution {
    let client = aws_sdk_cloudfront::Client::new(&moto.sdk_config());
    let origin = Origin::builder()
        .id("site")
        .domain_name(format!("{bucket}.s3.ap-southeast-3.amazonaws.com"))
        .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        .build()
        .unwrap();
    let config = DistributionConfig::builder()
        .caller_reference(format!("uji-{bucket}"))
        .comment("uji")
        .enabled(true)
        .origins(Origins::builder().quantity(1).items(origin).build().unwrap())
        .default_cache_behavior(
            DefaultCacheBehavior::builder()
                .target_origin_id("site")
                .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let out = client.create_distribution().distribution_config(config).send().await.unwrap();
    let id = out.distribution().unwrap().id().to_owned();
    Distribution::new(client, id)
}

/// Every invalidation of `d`: its id and its paths (sorted).
async fn invalidations(d: &Distribution) -> BTreeMap<String, Vec<String>> {
    let client = aws_sdk_cloudfront::Client::new(&Moto::shared().sdk_config());
    let list = client.list_invalidations().distribution_id(d.id()).send().await.unwrap();
    let mut found = BTreeMap::new();
    for summary in list.invalidation_list().map(|l| l.items()).unwrap_or_default() {
        let one = client.get_invalidation().distribution_id(d.id()).id(summary.id()).send().await.unwrap();
        let inv = one.invalidation().unwrap();
        let mut paths: Vec<String> = inv.invalidation_batch().unwrap().paths().unwrap().items().to_vec();
        paths.sort();
        found.insert(inv.id().to_owned(), paths);
    }
    found
}

/// The paths of the invalidation `report` created, as CloudFront has them.
async fn invalidated(d: &Distribution, report: &PublishReport) -> Vec<String> {
    let id = report.invalidation_id.as_ref().expect("an invalidation was created");
    invalidations(d).await.remove(id).expect("CloudFront has it")
}

async fn run(store: &impl ContentStore, bucket: &SiteBucket, d: &Distribution, what: &str) -> PublishReport {
    let report = publish(store, &SiteSource::new(repo(), SITE_URL), bucket, Some(d)).await.unwrap();
    eprintln!(
        "publish ({what}): {} built, {} uploaded, {} removed, {} paths invalidated, {:.2} s",
        report.built,
        report.uploaded.len(),
        report.removed.len(),
        report.invalidated_paths.len(),
        report.elapsed.as_secs_f64()
    );
    report
}

#[tokio::test]
async fn publish_uploads_what_changed_and_invalidates_exactly_that() {
    let moto = Moto::shared();
    let store = moto.store().await;
    let seeded = seed(&store).await;
    let s3 = moto.s3().await;
    let name = new_bucket(&s3).await;
    let bucket = SiteBucket::new(s3.clone(), &name, "");
    let cdn = distribution(moto, &name).await;

    // First publish: every built file is uploaded, with deploy.sh's headers.
    let first = run(&store, &bucket, &cdn, "first").await;
    assert!(first.built > seeded, "pages, assets and the search index: {}", first.built);
    let keys = all_keys(&s3, &name).await;
    assert_eq!(first.uploaded, keys, "every built file uploaded, nothing else in the bucket");
    assert_eq!(first.uploaded.len(), first.built);
    assert!(first.removed.is_empty());
    for must in ["index.html", "404.html", "lacak/index.html", "en/index.html", "kebijakan-privasi/index.html"] {
        assert!(keys.iter().any(|k| k == must), "{must} published: {keys:?}");
    }
    assert!(!keys.iter().any(|k| k.starts_with(".site-gen-")), "site-gen's bookkeeping stays out");
    for key in &keys {
        let head = s3.head_object().bucket(&name).key(key).send().await.unwrap();
        let want: Headers = sync::headers(key);
        assert_eq!(head.cache_control(), Some(want.cache_control), "{key}");
        match want.content_type {
            Some(t) => assert_eq!(head.content_type(), Some(t), "{key}"),
            None => assert!(
                matches!(head.content_type(), None | Some("binary/octet-stream" | "application/octet-stream")),
                "{key}: {:?}",
                head.content_type()
            ),
        }
    }
    let html = s3.head_object().bucket(&name).key("index.html").send().await.unwrap();
    assert_eq!(html.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(html.cache_control(), Some("no-cache"));
    assert_eq!(first.invalidated_paths, invalidate::paths(&first.uploaded));
    assert!(first.invalidated_paths.iter().any(|p| p == "/lacak/") && first.invalidated_paths.iter().any(|p| p == "/"));
    assert_eq!(invalidations(&cdn).await.len(), 1, "one invalidation per publish");
    assert_eq!(invalidated(&cdn, &first).await, first.invalidated_paths);

    // Nothing changed: nothing uploaded, nothing removed, no invalidation.
    let again = run(&store, &bucket, &cdn, "unchanged").await;
    assert!(again.uploaded.is_empty(), "a build of the same content is the same bytes: {:?}", again.uploaded);
    assert!(again.removed.is_empty() && again.invalidated_paths.is_empty() && again.invalidation_id.is_none());
    assert_eq!(invalidations(&cdn).await.len(), 1);

    // One page changed by an editor: that page, and only what really depends on its text.
    let page = std::fs::read_to_string(repo().join("content/kebijakan-privasi.md")).unwrap();
    let changed = format!("{page}\nKalimat tambahan dari editor untuk uji penerbitan.\n");
    edit_and_publish(&store, "kebijakan-privasi.md", &changed).await;
    let edit = run(&store, &bucket, &cdn, "one page changed").await;
    assert!(edit.uploaded.iter().any(|k| k == "kebijakan-privasi/index.html"), "{:?}", edit.uploaded);
    assert!(edit.uploaded.len() <= 12, "only the page and what depends on it (search index): {:?}", edit.uploaded);
    assert!(!edit.uploaded.iter().any(|k| k == "lacak/index.html" || k.ends_with(".css")), "{:?}", edit.uploaded);
    // Pagefind names its index files by their content: the old ones go.
    assert!(edit.removed.iter().all(|k| k.starts_with("pagefind/")), "{:?}", edit.removed);
    let body = s3.get_object().bucket(&name).key("kebijakan-privasi/index.html").send().await.unwrap();
    let body = String::from_utf8(body.body.collect().await.unwrap().to_vec()).unwrap();
    assert!(body.contains("Kalimat tambahan dari editor"), "the bucket has the new text");
    assert_eq!(edit.invalidated_paths, invalidate::paths(edit.uploaded.iter().chain(&edit.removed)));
    assert!(edit.invalidated_paths.iter().any(|p| p == "/kebijakan-privasi/"));
    assert_eq!(invalidations(&cdn).await.len(), 2, "one more invalidation");
    assert_eq!(invalidated(&cdn, &edit).await, edit.invalidated_paths, "exactly the changed paths");

    // A new page, then the page gone from the store: its objects leave the bucket.
    let new_page = "+++\ntitle = \"Pengumuman\"\ndescription = \"Pengumuman kantor.\"\n+++\n\nLayanan tutup pada hari libur nasional.\n";
    edit_and_publish(&store, "pengumuman.md", new_page).await;
    let added = run(&store, &bucket, &cdn, "page added").await;
    assert!(added.uploaded.iter().any(|k| k == "pengumuman/index.html"), "{:?}", added.uploaded);
    let gone = run(&Without { store: &store, path: "pengumuman.md" }, &bucket, &cdn, "page removed").await;
    assert!(gone.removed.iter().any(|k| k == "pengumuman/index.html"), "{:?}", gone.removed);
    assert!(!all_keys(&s3, &name).await.iter().any(|k| k.starts_with("pengumuman/")));
    assert!(gone.invalidated_paths.iter().any(|p| p == "/pengumuman/"));
    assert!(gone.invalidated_paths.iter().any(|p| p == "/pengumuman/index.html"));
    assert_eq!(invalidations(&cdn).await.len(), 4);
    assert_eq!(invalidated(&cdn, &gone).await, gone.invalidated_paths);
}

#[tokio::test]
async fn sync_keeps_to_its_prefix_and_leaves_bookkeeping_alone() {
    let moto = Moto::shared();
    let s3 = moto.s3().await;
    let name = new_bucket(&s3).await;
    for key in ["lain/berkas.txt", "situs/.site-gen-cache", "situs/lama.html", "situsku/x.html"] {
        s3.put_object().bucket(&name).key(key).body(b"x".to_vec().into()).send().await.unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("a")).unwrap();
    std::fs::write(out.path().join("a/index.html"), "<p>baru</p>").unwrap();
    std::fs::write(out.path().join(".site-gen-manifest"), "{}").unwrap();
    let bucket = SiteBucket::new(s3.clone(), &name, "situs");
    let report = sync::sync(out.path(), &bucket).await.unwrap();
    assert_eq!(report.uploaded, ["a/index.html"]);
    assert_eq!(report.removed, ["lama.html"]);
    assert_eq!(report.built, 1);
    assert_eq!(
        all_keys(&s3, &name).await,
        ["lain/berkas.txt", "situs/.site-gen-cache", "situs/a/index.html", "situsku/x.html"],
        "only situs/lama.html was deleted"
    );
    // Once in line, a second sync changes nothing.
    let again = sync::sync(out.path(), &bucket).await.unwrap();
    assert!(again.uploaded.is_empty() && again.removed.is_empty());
}

#[tokio::test]
async fn the_statistics_run_uploads_its_files_only_when_changed_and_invalidates_only_them() {
    use pengaduan_publish::statistik::{KEYS, Scope, publish_statistics};
    use pengaduan_store::ComplaintStore;
    use pengaduan_store::testing::complaint;
    let moto = Moto::shared();
    let table = moto.store().await.table().to_owned();
    // Every request counted: the run may Query and Get, never Scan.
    let (store, trips) = moto.instance(&table);
    seed(&store).await;
    let s3 = moto.s3().await;
    let name = new_bucket(&s3).await;
    let bucket = SiteBucket::new(s3.clone(), &name, "");
    let cdn = distribution(moto, &name).await;
    let site = SiteSource::new(repo(), SITE_URL);
    let tz = jiff::tz::TimeZone::get("Asia/Jakarta").unwrap();
    let now: Timestamp = "2026-04-15T03:00:00Z".parse().unwrap();
    let before = run(&store, &bucket, &cdn, "without figures").await;
    assert!(!before.uploaded.iter().any(|k| k == "statistik/data.json"), "no figures, no data");
    for (i, at) in ["2026-03-02T02:00:00Z", "2026-03-03T02:00:00Z", "2026-03-04T02:00:00Z"].into_iter().enumerate() {
        store.submit(complaint(i, &format!("statistik-{i}"), at.parse().unwrap(), 2026)).await.unwrap();
    }
    let keys_before = all_keys(&s3, &name).await;
    trips.take();

    let first = publish_statistics(&store, &site, &bucket, Some(&cdn), (&tz, now), Scope::Statistics).await.unwrap();
    let mut want: Vec<String> = KEYS.iter().map(|k| (*k).to_owned()).collect();
    want.sort();
    assert_eq!(first.uploaded, want, "the page in both languages and the two data files");
    assert!(first.removed.is_empty());
    assert_eq!(
        first.invalidated_paths,
        [
            "/en/statistics/",
            "/en/statistics/index.html",
            "/statistik/",
            "/statistik/data.csv",
            "/statistik/data.json",
            "/statistik/index.html"
        ]
    );
    assert_eq!(invalidated(&cdn, &first).await, first.invalidated_paths, "exactly those paths");
    let ops = trips.take();
    eprintln!("statistics run, DynamoDB requests: {ops:?}, {:.2} s", first.elapsed.as_secs_f64());
    assert!(!ops.contains_key("Scan"), "{ops:?}");
    let mut keys_after = keys_before.clone();
    keys_after.extend(["statistik/data.csv".to_owned(), "statistik/data.json".to_owned()]);
    keys_after.sort();
    assert_eq!(all_keys(&s3, &name).await, keys_after, "nothing else added or removed");
    let json = s3.get_object().bucket(&name).key("statistik/data.json").send().await.unwrap();
    let figures: pengaduan_core::stats::Figures =
        serde_json::from_slice(&json.body.collect().await.unwrap().to_vec()).unwrap();
    let march = figures.bulan.iter().find(|m| m.bulan == "2026-03").unwrap();
    assert_eq!((march.diterima, figures.terbuka), (3, 3));
    let csv = s3.get_object().bucket(&name).key("statistik/data.csv").send().await.unwrap();
    let csv = String::from_utf8(csv.body.collect().await.unwrap().to_vec()).unwrap();
    assert!(csv.contains("\r\nbulan,2026-03,,3,0,0,"), "{csv}");
    let page = s3.get_object().bucket(&name).key("statistik/index.html").send().await.unwrap();
    assert_eq!(page.content_type(), Some("text/html; charset=utf-8"));

    // Nothing changed: nothing uploaded, nothing invalidated.
    let invalidations_before = invalidations(&cdn).await.len();
    // This time as the schedule's event reaches publish-fn.
    let event: pengaduan_publish::Request = serde_json::from_str(r#"{"op": "statistik"}"#).unwrap();
    let workbench = pengaduan_publish::Workbench::new(site.clone());
    let answer = workbench.handle_with_statistics(&store, event, &bucket, Some(&cdn), &tz, now).await.unwrap();
    let again: serde_json::Value = answer.published.unwrap();
    assert_eq!(again["uploaded"], serde_json::json!([]), "{again}");
    assert!(again["invalidation_id"].is_null(), "{again}");
    assert_eq!(invalidations(&cdn).await.len(), invalidations_before);

    // A publish builds the same figures into the site: the statistics stay.
    let published = publish_statistics(&store, &site, &bucket, Some(&cdn), (&tz, now), Scope::WholeSite).await.unwrap();
    assert!(!published.uploaded.iter().any(|k| KEYS.contains(&k.as_str())), "{:?}", published.uploaded);
    assert!(!published.removed.iter().any(|k| k.starts_with("statistik/")), "{:?}", published.removed);
    assert!(!trips.take().contains_key("Scan"));
}
