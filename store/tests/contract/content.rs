//! The site's content revisions, one contract on both stores (SQLite and DynamoDB on moto's
//! server), reached through `AnyStore`: a first save keeps the original; a save made against a
//! stale version is refused and stores nothing, also when two editors save at once; publishing
//! makes public exactly each file's newest draft, once; the live text is each file's newest
//! published or original revision; seeding never overwrites; texts round-trip byte for byte.

use jiff::Timestamp;
use pengaduan_store::content::{ContentSave, ContentStore, Revision, RevisionKind};
use pengaduan_store::testing::{Moto, sqlite_store};
use pengaduan_store::{AnyStore, StoreError};

const PAGE: &str = "layanan/informasi-dan-pengaduan.md";
const HOLIDAYS: &str = "data/hari-libur.toml";

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn save(path: &str, text: &str, expected_version: u64, original: Option<&str>, at: &str) -> ContentSave {
    ContentSave {
        path: path.into(),
        text: text.into(),
        expected_version,
        original: original.map(Into::into),
        author: "editor1".into(),
        note: "perbaiki jam layanan".into(),
        at: ts(at),
    }
}

/// Each revision as (number, text, kind), to compare histories in one line.
fn summary(revisions: &[Revision]) -> Vec<(u64, String, RevisionKind)> {
    revisions.iter().map(|r| (r.number, r.text.clone(), r.kind)).collect()
}

fn paths(revisions: &[Revision]) -> Vec<&str> {
    revisions.iter().map(|r| r.path.as_str()).collect()
}

async fn a_first_save_records_the_original_and_the_draft<S: ContentStore>(store: &S) {
    assert!(store.content_heads().await.unwrap().is_empty());
    assert!(store.content_revisions(PAGE).await.unwrap().is_empty());
    let draft = store.save_content(save(PAGE, "baru", 0, Some("lama"), "2026-12-01T02:00:00Z")).await.unwrap();
    assert_eq!((draft.number, draft.kind, draft.text.as_str()), (2, RevisionKind::Draft, "baru"));
    assert_eq!((draft.author.as_str(), draft.note.as_str()), ("editor1", "perbaiki jam layanan"));
    assert_eq!((draft.saved_at, &draft.published), (ts("2026-12-01T02:00:00Z"), &None));
    let revisions = store.content_revisions(PAGE).await.unwrap();
    assert_eq!(revisions[1], draft);
    let original = &revisions[0];
    assert_eq!((original.number, original.text.as_str(), original.kind), (1, "lama", RevisionKind::Original));
    assert_eq!((original.author.as_str(), original.note.as_str()), ("", ""));
    assert_eq!((original.saved_at, &original.published), (ts("2026-12-01T02:00:00Z"), &None));
    let heads = store.content_heads().await.unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!((heads[0].path.as_str(), heads[0].version, heads[0].draft_waiting), (PAGE, 2, true));
    assert_eq!((heads[0].author.as_str(), heads[0].saved_at), ("editor1", ts("2026-12-01T02:00:00Z")));
    // The original counts as published: it is the live text until the draft is published.
    let live = store.live_content().await.unwrap();
    assert_eq!(summary(&live), [(1, "lama".to_owned(), RevisionKind::Original)]);
}

async fn a_save_without_original_is_one_draft<S: ContentStore>(store: &S) {
    let draft = store.save_content(save(PAGE, "halaman baru", 0, None, "2026-12-01T02:00:00Z")).await.unwrap();
    assert_eq!(draft.number, 1);
    let revisions = store.content_revisions(PAGE).await.unwrap();
    assert_eq!(summary(&revisions), [(1, "halaman baru".to_owned(), RevisionKind::Draft)]);
    // The next save is checked against version 1, and an original is ignored now.
    let next = store.save_content(save(PAGE, "lagi", 1, Some("diabaikan"), "2026-12-01T03:00:00Z")).await.unwrap();
    assert_eq!(next.number, 2);
    assert_eq!(store.content_revisions(PAGE).await.unwrap().len(), 2);
    assert!(store.live_content().await.unwrap().is_empty(), "nothing published, no original: nothing live");
}

async fn a_stale_version_is_a_conflict_and_stores_nothing<S: ContentStore>(store: &S) {
    store.save_content(save(PAGE, "satu", 0, Some("asli"), "2026-12-01T02:00:00Z")).await.unwrap();
    let before = store.content_revisions(PAGE).await.unwrap();
    for expected in [0, 1, 3] {
        let refused = store.save_content(save(PAGE, "basi", expected, Some("x"), "2026-12-01T03:00:00Z")).await;
        assert!(matches!(refused, Err(StoreError::Conflict)), "version {expected}: {refused:?}");
    }
    assert_eq!(store.content_revisions(PAGE).await.unwrap(), before);
    assert_eq!(store.content_heads().await.unwrap()[0].version, 2);
    // Another file is not held back by this one's version.
    assert!(matches!(
        store.save_content(save(HOLIDAYS, "x", 2, None, "2026-12-01T03:00:00Z")).await,
        Err(StoreError::Conflict)
    ));
    assert!(store.content_revisions(HOLIDAYS).await.unwrap().is_empty());
    store.save_content(save(PAGE, "dua", 2, None, "2026-12-01T04:00:00Z")).await.unwrap();
}

async fn two_saves_at_once_one_wins<S: ContentStore>(store: &S) {
    for (expected, original) in [(0, Some("asli")), (2, None)] {
        let (a, b) = tokio::join!(
            store.save_content(save(PAGE, "dari A", expected, original, "2026-12-01T02:00:00Z")),
            store.save_content(save(PAGE, "dari B", expected, original, "2026-12-01T02:00:00Z")),
        );
        let (won, lost) = match (a, b) {
            (Ok(r), Err(e)) | (Err(e), Ok(r)) => (r, e),
            other => panic!("exactly one save must win: {other:?}"),
        };
        assert!(matches!(lost, StoreError::Conflict), "{lost:?}");
        let revisions = store.content_revisions(PAGE).await.unwrap();
        assert_eq!(revisions.last(), Some(&won), "the winner is the newest revision");
        assert_eq!(revisions.len() as u64, expected + 1 + u64::from(original.is_some()), "one draft stored");
    }
    let texts: Vec<_> = store.content_revisions(PAGE).await.unwrap().into_iter().map(|r| r.text).collect();
    assert_eq!(texts[0], "asli");
    assert!(texts[1..].iter().all(|t| t == "dari A" || t == "dari B"), "{texts:?}");
}

async fn publishing_makes_the_newest_drafts_public_once<S: ContentStore>(store: &S) {
    store.save_content(save(PAGE, "halaman v2", 0, Some("halaman v1"), "2026-12-01T02:00:00Z")).await.unwrap();
    store.save_content(save(HOLIDAYS, "libur v1", 0, None, "2026-12-01T02:10:00Z")).await.unwrap();
    // A file without a waiting draft is left alone.
    assert!(store.seed_content("index.md", "beranda", ts("2026-12-01T01:00:00Z")).await.unwrap());
    let at = ts("2026-12-01T05:00:00.5Z");
    let published = store.publish_content("kepala", at).await.unwrap();
    assert_eq!(paths(&published), [HOLIDAYS, PAGE], "by path");
    assert_eq!(summary(&published[..1]), [(1, "libur v1".to_owned(), RevisionKind::Published)]);
    assert_eq!(summary(&published[1..]), [(2, "halaman v2".to_owned(), RevisionKind::Published)]);
    for r in &published {
        assert_eq!(r.published, Some(("kepala".to_owned(), at)));
        assert_eq!(r.author, "editor1", "the author stays who saved it");
    }
    let history = store.content_revisions(PAGE).await.unwrap();
    assert_eq!(history[1], published[1], "the stored revision is marked as returned");
    assert_eq!(history[0].kind, RevisionKind::Original);
    assert!(store.content_heads().await.unwrap().iter().all(|h| !h.draft_waiting));
    assert!(store.publish_content("kepala", ts("2026-12-01T06:00:00Z")).await.unwrap().is_empty());
    assert_eq!(store.content_revisions("index.md").await.unwrap()[0].kind, RevisionKind::Original);
}

async fn a_save_after_publishing_waits_while_the_published_text_stays_live<S: ContentStore>(store: &S) {
    store.save_content(save(PAGE, "terbit", 0, Some("asli"), "2026-12-01T02:00:00Z")).await.unwrap();
    store.publish_content("kepala", ts("2026-12-01T03:00:00Z")).await.unwrap();
    store.save_content(save(PAGE, "draf baru", 2, None, "2026-12-01T04:00:00Z")).await.unwrap();
    let heads = store.content_heads().await.unwrap();
    assert_eq!((heads[0].version, heads[0].draft_waiting), (3, true));
    let live = store.live_content().await.unwrap();
    assert_eq!(summary(&live), [(2, "terbit".to_owned(), RevisionKind::Published)]);
    let published = store.publish_content("kepala", ts("2026-12-01T05:00:00Z")).await.unwrap();
    assert_eq!(summary(&published), [(3, "draf baru".to_owned(), RevisionKind::Published)]);
    assert_eq!(summary(&store.live_content().await.unwrap()), summary(&published));
}

async fn live_content_is_each_files_newest_revision_that_is_not_a_draft<S: ContentStore>(store: &S) {
    // PAGE: original, published, draft. HOLIDAYS: seeded only. "baru.md": a draft only.
    store.save_content(save(PAGE, "v2", 0, Some("v1"), "2026-12-01T02:00:00Z")).await.unwrap();
    store.publish_content("kepala", ts("2026-12-01T03:00:00Z")).await.unwrap();
    store.save_content(save(PAGE, "v3", 2, None, "2026-12-01T04:00:00Z")).await.unwrap();
    store.seed_content(HOLIDAYS, "[libur]", ts("2026-12-01T01:00:00Z")).await.unwrap();
    store.save_content(save("baru.md", "draf", 0, None, "2026-12-01T04:00:00Z")).await.unwrap();
    let live = store.live_content().await.unwrap();
    assert_eq!(paths(&live), [HOLIDAYS, PAGE]);
    assert_eq!(summary(&live[..1]), [(1, "[libur]".to_owned(), RevisionKind::Original)]);
    assert_eq!(summary(&live[1..]), [(2, "v2".to_owned(), RevisionKind::Published)]);
    assert_eq!(live[1].published, Some(("kepala".to_owned(), ts("2026-12-01T03:00:00Z"))));
    let heads = store.content_heads().await.unwrap();
    let lines: Vec<_> = heads.iter().map(|h| (h.path.as_str(), h.version, h.draft_waiting)).collect();
    assert_eq!(lines, [("baru.md", 1, true), (HOLIDAYS, 1, false), (PAGE, 3, true)]);
}

async fn seeding_never_overwrites<S: ContentStore>(store: &S) {
    let at = ts("2026-12-01T01:00:00Z");
    assert!(store.seed_content(HOLIDAYS, "[libur]", at).await.unwrap());
    assert!(!store.seed_content(HOLIDAYS, "[lain]", at).await.unwrap(), "seeded already");
    let seeded = store.content_revisions(HOLIDAYS).await.unwrap();
    assert_eq!(summary(&seeded), [(1, "[libur]".to_owned(), RevisionKind::Original)]);
    assert_eq!((seeded[0].saved_at, seeded[0].author.as_str()), (at, ""));
    // A file editors saved is not touched, whether it had an original or not.
    store.save_content(save(PAGE, "draf", 0, None, "2026-12-01T02:00:00Z")).await.unwrap();
    assert!(!store.seed_content(PAGE, "dari repositori", at).await.unwrap());
    assert_eq!(summary(&store.content_revisions(PAGE).await.unwrap()), [(1, "draf".to_owned(), RevisionKind::Draft)]);
    let heads = store.content_heads().await.unwrap();
    assert_eq!(heads.iter().map(|h| h.version).collect::<Vec<_>>(), [1, 1]);
    assert!(heads[1].draft_waiting);
}

async fn a_replaced_draft_stays_a_draft_and_only_the_newest_is_published<S: ContentStore>(store: &S) {
    store.save_content(save(PAGE, "draf 1", 0, Some("asli"), "2026-12-01T02:00:00Z")).await.unwrap();
    store.save_content(save(PAGE, "draf 2", 2, None, "2026-12-01T03:00:00Z")).await.unwrap();
    let published = store.publish_content("kepala", ts("2026-12-01T04:00:00Z")).await.unwrap();
    assert_eq!(summary(&published), [(3, "draf 2".to_owned(), RevisionKind::Published)]);
    let history = store.content_revisions(PAGE).await.unwrap();
    assert_eq!(
        summary(&history),
        [
            (1, "asli".to_owned(), RevisionKind::Original),
            (2, "draf 1".to_owned(), RevisionKind::Draft),
            (3, "draf 2".to_owned(), RevisionKind::Published),
        ]
    );
    assert_eq!(history[1].published, None);
}

async fn texts_round_trip_byte_for_byte<S: ContentStore>(store: &S) {
    let small = "Jam layanan: Senin–Jumat 08.00–16.00 WIB ✓ 「窓口」 🏛️\r\n\ttab\n".to_owned();
    // About 250 KB of two-, three- and four-byte characters and plain text.
    let line = "Pengaduan — pelayanan publik ✓ é 日本 🙂\n";
    let large = line.repeat(250 * 1024 / line.len());
    assert!(large.len() > 240 * 1024 && large.len() <= pengaduan_store::content::MAX_CONTENT_BYTES);
    store.save_content(save(PAGE, &large, 0, Some(&small), "2026-12-01T02:00:00Z")).await.unwrap();
    assert!(store.seed_content("kosong.md", "", ts("2026-12-01T02:00:00Z")).await.unwrap());
    let history = store.content_revisions(PAGE).await.unwrap();
    assert_eq!(history[0].text, small);
    assert_eq!(history[1].text, large);
    let published = store.publish_content("kepala", ts("2026-12-01T03:00:00Z")).await.unwrap();
    assert_eq!(published[0].text, large);
    let live = store.live_content().await.unwrap();
    assert_eq!(paths(&live), ["kosong.md", PAGE]);
    assert_eq!((live[0].text.as_str(), live[1].text == large), ("", true));
}

contract! {
    sqlite => {
        let (store, dir) = sqlite_store();
        (AnyStore::Sqlite(store), dir)
    },
    dynamodb => (AnyStore::Dynamo(Moto::shared().store().await), ());
    [
        a_first_save_records_the_original_and_the_draft,
        a_save_without_original_is_one_draft,
        a_stale_version_is_a_conflict_and_stores_nothing,
        two_saves_at_once_one_wins,
        publishing_makes_the_newest_drafts_public_once,
        a_save_after_publishing_waits_while_the_published_text_stays_live,
        live_content_is_each_files_newest_revision_that_is_not_a_draft,
        seeding_never_overwrites,
        a_replaced_draft_stays_a_draft_and_only_the_newest_is_published,
        texts_round_trip_byte_for_byte,
    ]
}
