//! Malware scans of attachments: a real clamd (started by the test binary with a test database
//! it writes itself) for the folder, GuardDuty's tags (put by the test on moto's S3) for the
//! bucket. Intake never waits on the scanner: a commit succeeds with clamd down, and the file
//! is scanned when staff ask for it.

use bytes::Bytes;
use jiff::Timestamp;
use pengaduan_core::attachment::validate_files;
use pengaduan_core::scan::{ScanState, Scanning, may_serve};
use pengaduan_store::attachments::clamd::Clamd;
use pengaduan_store::attachments::local::LocalAttachments;
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::attachments::{AnyAttachments, AttachmentMeta, AttachmentStore};
use pengaduan_store::testing::{ClamdServer, EICAR, EICAR_PDF, EICAR_SIGNATURE, Moto, tag_scan_status};
use std::time::Duration;

const NOMOR: &str = "PGD-2026-00001";
const CLEAN_PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

fn clamd() -> Clamd {
    Clamd::parse(&ClamdServer::shared().url).unwrap()
}

fn infected() -> ScanState {
    ScanState::Terinfeksi { signature: EICAR_SIGNATURE.into() }
}

/// Commits a clean PDF (1) and a PDF carrying EICAR (2) to [`NOMOR`].
async fn commit_two(store: &impl AttachmentStore) -> Vec<AttachmentMeta> {
    let now: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
    let sent = [("surat.pdf".to_owned(), CLEAN_PDF), ("bukti.pdf".to_owned(), EICAR_PDF)];
    let mut pending = Vec::new();
    for valid in validate_files(&sent).unwrap() {
        let bytes = if valid.display_name == "surat.pdf" { CLEAN_PDF } else { EICAR_PDF };
        pending.push((store.put_pending(&valid, Bytes::from_static(bytes), now).await.unwrap(), valid));
    }
    store.commit(NOMOR, &pending).await.unwrap()
}

/// The scan states once none is unknown, polling (the scan runs off the commit).
async fn settled(store: &impl AttachmentStore, files: &[AttachmentMeta]) -> Vec<ScanState> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut states = Vec::new();
        for meta in files {
            states.push(store.scan_state(meta).await.unwrap());
        }
        if !states.contains(&ScanState::BelumDipindai) || std::time::Instant::now() > deadline {
            return states;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn clamd_finds_eicar_and_passes_clean_files() {
    let clamd = clamd();
    assert!(clamd.ping().await);
    assert_eq!(clamd.scan(EICAR).await.unwrap(), infected(), "the EICAR file itself (test.hdb)");
    assert_eq!(clamd.scan(EICAR_PDF).await.unwrap(), infected(), "EICAR inside a PDF (test.ndb)");
    assert_eq!(clamd.scan(CLEAN_PDF).await.unwrap(), ScanState::Bersih);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_scans_each_file_in_the_background_and_keeps_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalAttachments::open(dir.path()).unwrap().with_scanner(clamd());
    assert_eq!(store.scanning(), Scanning::Required);
    let files = commit_two(&store).await;
    assert_eq!(settled(&store, &files).await, [ScanState::Bersih, infected()]);
    // Kept beside the files: another instance on the same folder reads the same.
    let again = LocalAttachments::open(dir.path()).unwrap();
    assert_eq!(again.scan_state(&files[1]).await.unwrap(), infected());
    assert!(may_serve(&infected(), store.scanning()).is_err());
    // Erasure takes the scan records with the files.
    store.erase(NOMOR).await.unwrap();
    assert!(!dir.path().join("lampiran").join(NOMOR).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_clamd_down_the_commit_succeeds_and_the_file_is_scanned_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("nothing-here.sock");
    let down = Clamd::parse(&format!("unix://{}", gone.display())).unwrap();
    let store = LocalAttachments::open(&dir.path().join("lampiran")).unwrap().with_scanner(down);
    let files = commit_two(&store).await;
    assert_eq!(files.len(), 2, "the complainant's files are committed whatever clamd does");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(store.scan_state(&files[1]).await.unwrap(), ScanState::BelumDipindai);
    let (meta, bytes) = store.get(NOMOR, 2).await.unwrap().unwrap();
    assert_eq!(store.screen(&meta, &bytes).await.unwrap(), ScanState::BelumDipindai, "no answer, no verdict");
    // clamd back: the download's check scans it, and the result stays.
    let up = AnyAttachments::Local(LocalAttachments::open(&dir.path().join("lampiran")).unwrap().with_scanner(clamd()));
    assert_eq!(up.screen(&meta, &bytes).await.unwrap(), infected());
    assert_eq!(store.scan_state(&meta).await.unwrap(), infected());
    let (clean, clean_bytes) = store.get(NOMOR, 1).await.unwrap().unwrap();
    assert_eq!(up.screen(&clean, &clean_bytes).await.unwrap(), ScanState::Bersih);
}

#[tokio::test]
async fn without_a_scanner_files_stay_unscanned_and_are_served_with_the_warning() {
    let dir = tempfile::tempdir().unwrap();
    let store = AnyAttachments::Local(LocalAttachments::open(dir.path()).unwrap());
    assert_eq!(store.scanning(), Scanning::Absent);
    let files = commit_two(&store).await;
    let (meta, bytes) = store.get(NOMOR, 2).await.unwrap().unwrap();
    let state = store.screen(&meta, &bytes).await.unwrap();
    assert_eq!(state, ScanState::BelumDipindai);
    assert_eq!(state.label(), "belum dipindai");
    assert_eq!(may_serve(&state, store.scanning()), Ok(()));
    assert_eq!(store.scan_state(&files[0]).await.unwrap(), ScanState::BelumDipindai);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_s3_guardduty_tags_decide_and_only_no_threats_found_is_clean() {
    let moto = Moto::shared();
    let client = moto.s3().await;
    let bucket = pengaduan_store::testing::new_bucket(&client).await;
    let store = AnyAttachments::S3(S3Attachments::new(client.clone(), bucket.clone(), ""));
    assert_eq!(store.scanning(), Scanning::Required);
    let files = commit_two(&store).await;
    let (meta, bytes) = store.get(NOMOR, 1).await.unwrap().unwrap();
    // Before GuardDuty's tag: not scanned, so not served on AWS.
    assert_eq!(store.screen(&meta, &bytes).await.unwrap(), ScanState::BelumDipindai);
    assert!(may_serve(&ScanState::BelumDipindai, store.scanning()).is_err());
    tag_scan_status(&client, &bucket, &files[0].key, "NO_THREATS_FOUND").await;
    tag_scan_status(&client, &bucket, &files[1].key, "THREATS_FOUND").await;
    assert_eq!(store.screen(&meta, &bytes).await.unwrap(), ScanState::Bersih);
    let found = store.scan_state(&files[1]).await.unwrap();
    assert!(matches!(found, ScanState::Terinfeksi { .. }), "{found:?}");
    assert!(may_serve(&found, store.scanning()).is_err());
    tag_scan_status(&client, &bucket, &files[0].key, "UNSUPPORTED").await;
    assert_eq!(store.scan_state(&files[0]).await.unwrap(), ScanState::BelumDipindai);
}
