//! The staff side of the store, one contract on both stores (SQLite and DynamoDB on moto's
//! server): the whole path of a complaint through its procedure, history appended and never
//! rewritten, changes checked against the version they were computed from (two staff acting at
//! once: exactly one wins), Berita Acara numbers gapless per year under concurrency, erasure of
//! personal data that keeps the register row, and listing the register.

use jiff::civil::date;
use pengaduan_core::access::Role;
use pengaduan_core::calendar::{Calendar, Reckoned};
use pengaduan_core::workflow::{Action, IntakeChannel, WorkflowState};
use pengaduan_core::{RegisterNumber, Status};
use pengaduan_store::deadlines::{CALENDAR_META_KEY, DeadlineChange, Recomputed, recompute_if_changed};
use pengaduan_store::erasure::Request;
use pengaduan_store::retry::with_deadline;
use pengaduan_store::testing::{
    CALENDAR, CALENDAR_2026, Moto, advance, complaint, complete, nomor, now, procedure, sqlite_store, state_of,
    store_transition,
};
use pengaduan_store::{
    Applied, ComplaintStore, ERASED_TEXT, ERASED_TITLE, ListFilter, ONLINE_FRONT_OFFICE, StoreError, WorkflowChange,
    WorkflowStore,
};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

fn phone_complaint(i: usize, key: &str) -> pengaduan_store::NewComplaint {
    let mut c = complaint(i, key, now(), 2026);
    c.channel = IntakeChannel::Telepon;
    c.recorded_by = "Rina (FO)".into();
    c
}

async fn the_whole_path<S: WorkflowStore>(store: &S) {
    // Intake on the site: the first history entry is written with the complaint.
    let web = nomor(&store.submit(complaint(1, "web-1", now(), 2026)).await.unwrap());
    let rec = store.load(&web).await.unwrap().unwrap();
    assert_eq!(rec.row.version, 1);
    assert_eq!(rec.row.channel, IntakeChannel::Web);
    assert_eq!(rec.history.len(), 1);
    let first = &rec.history[0];
    assert_eq!((first.seq, first.action, first.from, first.to), (1, Action::Diterima, None, Status::Diterima));
    assert_eq!(first.by, ONLINE_FRONT_OFFICE);
    assert_eq!(rec.personal.as_ref().unwrap().nama.as_deref(), Some("Siti Rahayu"));

    // A phone complaint registered by staff: same register, next number.
    let phone = nomor(&store.submit(phone_complaint(2, "tel-2")).await.unwrap());
    assert_eq!(phone.to_string(), "PGD-2026-00002");
    let rec = store.load(&phone).await.unwrap().unwrap();
    assert_eq!(rec.row.channel, IntakeChannel::Telepon);
    assert_eq!((rec.history[0].action, rec.history[0].by.as_str()), (Action::Dicatat, "Rina (FO)"));
    assert_eq!(rec.history[0].note, "Diterima melalui Telepon");

    // Files returned, then complete: the clock restarts from the day they were complete.
    let (state, version) = state_of(store, &phone).await;
    let t = state.mark_incomplete("Surat pernyataan kebenaran belum ada", date(2026, 3, 10)).unwrap();
    store_transition(store, &phone, version, &t, "Rina (FO)", now()).await.unwrap();
    let public = store.find_public(&phone).await.unwrap().unwrap();
    assert_eq!(public.status, Status::PerluDilengkapi);
    assert_eq!(public.deadline.map(|d| d.value), None);
    let applied = complete(store, &phone, "penyelesaian", date(2026, 3, 17)).await;
    assert_eq!(applied, Applied { version: 3, ba_number: None });
    let rec = store.load(&phone).await.unwrap().unwrap();
    assert_eq!(rec.row.state.status, Status::Diverifikasi);
    assert_eq!(rec.row.state.procedure_id.as_deref(), Some("penyelesaian"));
    assert_eq!(rec.row.state.step_index, Some(2));
    assert_eq!(rec.row.deadline.map(|d| d.value), Some(date(2026, 4, 8)), "10 working days after 17 March 2026");
    assert_eq!(rec.history[2].on, Some(date(2026, 3, 17)));

    // Every step, in order; the BA is numbered at its step and only there.
    let mut bas = Vec::new();
    loop {
        let applied = advance(store, &phone, "Budi (JFT)").await;
        if let Some(ba) = applied.ba_number {
            bas.push((ba, applied.version));
        }
        if state_of(store, &phone).await.0.status == Status::Selesai {
            break;
        }
    }
    assert_eq!(bas, [("BA-2026-00001".to_owned(), 9)], "numbered once, at step 9 (version 9)");
    let rec = store.load(&phone).await.unwrap().unwrap();
    let s = &rec.row.state;
    assert_eq!((s.status, s.step_index, s.ba_number.as_deref()), (Status::Selesai, Some(10), Some("BA-2026-00001")));
    assert_eq!(s.finished_on, Some(date(2026, 3, 20)));
    assert_eq!(rec.row.version, 11);
    assert_eq!(rec.history.len(), 11);
    assert_eq!(rec.history.iter().map(|h| h.seq).collect::<Vec<_>>(), (1..=11).collect::<Vec<_>>());
    assert_eq!(rec.history[8].ba_number.as_deref(), Some("BA-2026-00001"));
    // Each entry goes from the previous one's status.
    for pair in rec.history.windows(2) {
        assert_eq!(pair[1].from, Some(pair[0].to), "entry {}", pair[1].seq);
    }
    // Advancing after selesai is refused before anything is stored.
    assert!(rec.row.state.advance(procedure("penyelesaian"), date(2026, 3, 21), "").is_err());

    // The public side: statuses and dates only.
    let public = store.find_public(&phone).await.unwrap().unwrap();
    assert_eq!(public.status, Status::Selesai);
    assert_eq!(public.deadline.map(|d| d.value), Some(date(2026, 4, 8)));
    let statuses: Vec<Status> = public.events.iter().map(|e| e.status).collect();
    assert_eq!(statuses.first(), Some(&Status::Diterima));
    assert!(statuses.contains(&Status::PerluDilengkapi));
    assert_eq!(statuses.last(), Some(&Status::Selesai));
    assert_eq!(public.events.iter().find(|e| e.status == Status::Diverifikasi).unwrap().on, Some(date(2026, 3, 17)));

    // The register lists both, filtered by status.
    let all = store.list(&ListFilter::default()).await.unwrap();
    assert_eq!(all.iter().map(|r| r.nomor.to_string()).collect::<Vec<_>>(), ["PGD-2026-00001", "PGD-2026-00002"]);
    let done = store.list(&ListFilter { status: Some(Status::Selesai), ..Default::default() }).await.unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].state.ba_number.as_deref(), Some("BA-2026-00001"));

    // The written-answer procedure on the web complaint: no BA.
    complete(store, &web, "jawaban-tertulis", date(2026, 3, 17)).await;
    for _ in 0..6 {
        assert_eq!(advance(store, &web, "Budi (JFT)").await.ba_number, None);
    }
    assert_eq!(state_of(store, &web).await.0.status, Status::Selesai);
}

async fn two_staff_at_once_one_wins<S: WorkflowStore + 'static>(store: Arc<S>) {
    let n = nomor(&store.submit(complaint(1, "race", now(), 2026)).await.unwrap());
    complete(&*store, &n, "penyelesaian", date(2026, 3, 17)).await;
    let (state, version) = state_of(&*store, &n).await;
    let before = store.load(&n).await.unwrap().unwrap().history;
    let tasks: Vec<_> = ["Budi", "Wati"]
        .into_iter()
        .map(|who| {
            let store = Arc::clone(&store);
            let (state, n) = (state.clone(), n.clone());
            tokio::spawn(async move {
                let t = state.advance(procedure("penyelesaian"), date(2026, 3, 18), who).unwrap();
                store_transition(&*store, &n, version, &t, who, now()).await
            })
        })
        .collect();
    let mut won = 0;
    let mut lost = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(StoreError::Conflict) => lost += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!((won, lost), (1, 1), "exactly one wins, the other is told");
    let after = store.load(&n).await.unwrap().unwrap();
    assert_eq!(after.row.version, version + 1);
    assert_eq!(after.row.state.step_index, Some(3), "advanced once, not twice");
    assert_eq!(after.history.len(), before.len() + 1);
    assert_eq!(after.history[..before.len()], before[..], "earlier entries untouched");
    assert_eq!(StoreError::Conflict.to_string(), "the complaint changed since it was read");
}

async fn ba_numbers_are_gapless_per_year_under_concurrency<S: WorkflowStore + 'static>(store: Arc<S>) {
    const N: usize = 20;
    let p = procedure("penyelesaian");
    let ba_step = p.ba_step().unwrap();
    let mut numbers = Vec::new();
    for i in 0..N {
        let n = nomor(&store.submit(complaint(i, &format!("ba-{i}"), now(), 2026)).await.unwrap());
        complete(&*store, &n, "penyelesaian", date(2026, 3, 17)).await;
        while state_of(&*store, &n).await.0.step_index.unwrap() + 1 < ba_step {
            advance(&*store, &n, "Budi").await;
        }
        numbers.push(n);
    }
    // All twenty reach the numbering step at once.
    let tasks: Vec<_> = numbers
        .iter()
        .cloned()
        .map(|n| {
            let store = Arc::clone(&store);
            // Twenty writers on one counter against a one-request-at-a-time server: the numbering
            // is what is checked here, not one request's retry budget.
            let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
            tokio::spawn(with_deadline(deadline, async move {
                let (state, version) = state_of(&*store, &n).await;
                let t = state.advance(procedure("penyelesaian"), date(2026, 3, 20), "").unwrap();
                assert!(t.assign_ba);
                store_transition(&*store, &n, version, &t, "Petugas", now()).await.unwrap()
            }))
        })
        .collect();
    let mut seqs = BTreeSet::new();
    for t in tasks {
        let ba = t.await.unwrap().ba_number.expect("a BA number");
        let parsed = RegisterNumber::parse(&ba).unwrap();
        assert_eq!((parsed.prefix.as_str(), parsed.year), ("BA", 2026), "{ba}");
        assert!(seqs.insert(parsed.seq), "duplicate BA number {ba}");
    }
    assert_eq!(seqs, (1..=N as u64).collect::<BTreeSet<_>>(), "BA numbers 1 to {N}, no gap, no duplicate");
    // Register numbers are untouched by BA numbering, and each year has its own BA sequence.
    let next = nomor(&store.submit(complaint(99, "after-ba", now(), 2026)).await.unwrap());
    assert_eq!(next.seq, N as u64 + 1);
    complete(&*store, &next, "penyelesaian", date(2026, 3, 17)).await;
    while state_of(&*store, &next).await.0.step_index.unwrap() + 1 < ba_step {
        advance(&*store, &next, "Budi").await;
    }
    let (state, version) = state_of(&*store, &next).await;
    let t = state.advance(p, date(2027, 1, 4), "").unwrap();
    let change = WorkflowChange::from_transition(&t, "Petugas", now(), 2027, None, None);
    assert_eq!(store.apply(&next, version, change).await.unwrap().ba_number.as_deref(), Some("BA-2027-00001"));
}

/// Files returned to the complainant: the public side reads the reason of the return (and no
/// other note); the complainant's addition goes back to `diterima` with its text, file names and
/// uploads stored in the change's transaction; a stale version stores nothing; an erasure
/// blanks the addition with the rest of the complainant's words.
async fn the_complainant_completes_returned_files<S: WorkflowStore>(store: &S) {
    use pengaduan_core::attachment::{FileKind, ValidFile};
    use pengaduan_store::attachments::PendingKey;
    let n = nomor(&store.submit(phone_complaint(5, "lengkapi")).await.unwrap());
    assert_eq!(store.find_public(&n).await.unwrap().unwrap().return_reason, None, "not returned");
    // Returned at the completeness check, the only step that returns files.
    let (state, version) = state_of(store, &n).await;
    let t = state.mark_incomplete(" Lampirkan fotokopi KTP. ", date(2026, 3, 19)).unwrap();
    store_transition(store, &n, version, &t, "Rina (FO)", now()).await.unwrap();
    let public = store.find_public(&n).await.unwrap().unwrap();
    assert_eq!(public.status, Status::PerluDilengkapi);
    assert_eq!(public.return_reason.as_deref(), Some("Lampirkan fotokopi KTP."));
    assert_eq!(public.events.len(), 2, "the statuses still read");

    let (state, version) = state_of(store, &n).await;
    let t = state.add_information().unwrap();
    let file = ValidFile { display_name: "ktp.pdf".into(), kind: FileKind::Pdf, size: 42 };
    let uploads = vec![(PendingKey::generate(now()), file)];
    let at = now() + Duration::from_secs(60);
    let addition = pengaduan_store::Addition {
        seq: 0,
        at,
        text: "Fotokopi KTP saya lampirkan bersama ini.".into(),
        files: vec!["ktp.pdf".into()],
    };
    let change = || {
        WorkflowChange::from_transition(&t, "Pengadu (daring)", at, 2026, None, None)
            .with_addition(addition.clone(), uploads.clone())
    };
    let err = store.apply(&n, version - 1, change()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict), "{err:?}");
    assert!(store.load(&n).await.unwrap().unwrap().additions.is_empty(), "nothing stored half");
    assert!(store.pending_uploads(&n).await.unwrap().is_empty());
    let applied = store.apply(&n, version, change()).await.unwrap();
    let rec = store.load(&n).await.unwrap().unwrap();
    assert_eq!(rec.row.state.status, Status::Diterima, "back to the completeness check");
    assert_eq!(rec.row.deadline, None, "the clock stays stopped until staff declare the files complete");
    let last = rec.history.last().unwrap();
    assert_eq!(
        (last.seq, last.action, last.from, last.to),
        (applied.version, Action::Dilengkapi, Some(Status::PerluDilengkapi), Status::Diterima)
    );
    assert_eq!(rec.additions, [pengaduan_store::Addition { seq: applied.version, ..addition.clone() }]);
    assert_eq!(store.pending_uploads(&n).await.unwrap(), uploads, "named for committing");
    let public = store.find_public(&n).await.unwrap().unwrap();
    assert_eq!((public.status, public.return_reason), (Status::Diterima, None));

    let erased = store
        .erase_personal(
            &Request { nomor: &n, expected_version: applied.version, by: "Admin", reason: "permintaan", at },
            1,
        )
        .await
        .unwrap();
    let rec = store.load(&n).await.unwrap().unwrap();
    assert_eq!(rec.row.version, erased.version);
    assert_eq!(rec.additions.len(), 1);
    assert_eq!((rec.additions[0].text.as_str(), rec.additions[0].files.len()), (ERASED_TEXT, 0));
}

async fn erasure_keeps_the_register_row<S: WorkflowStore>(store: &S) {
    let n = nomor(&store.submit(phone_complaint(7, "erase")).await.unwrap());
    complete(store, &n, "jawaban-tertulis", date(2026, 3, 17)).await;
    let before = store.load(&n).await.unwrap().unwrap();
    assert!(before.personal.is_some());
    // A stale version is a conflict, and nothing is erased.
    let err = store
        .erase_personal(
            &Request {
                nomor: &n,
                expected_version: before.row.version - 1,
                by: "Admin",
                reason: "permintaan",
                at: now(),
            },
            0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict), "{err:?}");
    assert!(store.load(&n).await.unwrap().unwrap().personal.is_some());

    let at = now() + Duration::from_secs(3600);
    let applied = store
        .erase_personal(
            &Request {
                nomor: &n,
                expected_version: before.row.version,
                by: "Admin",
                reason: "Permintaan pengadu melalui email",
                at,
            },
            2,
        )
        .await
        .unwrap();
    assert_eq!(applied.version, before.row.version + 1);
    let after = store.load(&n).await.unwrap().unwrap();
    assert_eq!(after.personal, None, "personal data gone");
    assert_eq!(after.isi, ERASED_TEXT, "free text gone");
    assert_eq!(after.lokasi, None);
    assert_eq!(after.row.erased_at, Some(at));
    assert_eq!(after.row.attachments_erased, Some(2), "the register keeps how many files went");
    assert_eq!(before.row.attachments_erased, None);
    assert_eq!(after.row.judul, ERASED_TITLE, "the title is the complainant's words: gone too");
    assert_ne!(before.row.judul, ERASED_TITLE);
    // The register row stays: number, date, channel, type, status, deadline.
    assert_eq!(after.row.nomor, before.row.nomor);
    assert_eq!(after.row.received_at, before.row.received_at);
    assert_eq!((after.row.channel, after.row.jenis), (IntakeChannel::Telepon, pengaduan_core::Jenis::Pengaduan));
    assert_eq!(after.row.state, before.row.state);
    assert_eq!(after.row.deadline, before.row.deadline);
    let last = after.history.last().unwrap();
    assert_eq!(
        (last.action, last.by.as_str(), last.note.as_str()),
        (Action::DataPribadiDihapus, "Admin", "Permintaan pengadu melalui email")
    );
    assert_eq!((last.from, last.to), (Some(Status::Diverifikasi), Status::Diverifikasi));
    assert_eq!(after.history[..before.history.len()], before.history[..], "history only appended");
    assert!(store.find_public(&n).await.unwrap().is_some(), "still trackable");
    assert_eq!(store.list(&ListFilter::default()).await.unwrap().len(), 1, "still in the register");
    // The workflow goes on after erasure.
    advance(store, &n, "Budi").await;
}

async fn history_is_only_appended<S: WorkflowStore>(store: &S) {
    let n = nomor(&store.submit(complaint(1, "hist", now(), 2026)).await.unwrap());
    let mut seen = store.load(&n).await.unwrap().unwrap().history;
    let (state, version) = state_of(store, &n).await;
    let t = state.mark_incomplete("KTP tidak terbaca", date(2026, 3, 2)).unwrap();
    store_transition(store, &n, version, &t, "Rina", now()).await.unwrap();
    // A change computed from an old version is refused and leaves no trace.
    let stale = state.mark_complete(procedure("penyelesaian"), date(2026, 3, 3), "").unwrap();
    let err = store_transition(store, &n, version, &stale, "Budi", now()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict), "{err:?}");
    for step in 0..4 {
        let history = store.load(&n).await.unwrap().unwrap().history;
        assert_eq!(history[..seen.len()], seen[..], "step {step}: earlier entries unchanged");
        assert_eq!(history.len(), seen.len() + 1);
        seen = history;
        if step == 0 {
            complete(store, &n, "penyelesaian", date(2026, 3, 3)).await;
        } else {
            advance(store, &n, "Budi").await;
        }
    }
    let last = seen.last().unwrap();
    assert_eq!((last.by.as_str(), last.note.as_str()), ("Budi", "dikerjakan"));
    assert!(last.at == now());
}

async fn unknown_numbers_and_filters<S: WorkflowStore>(store: &S) {
    let missing = RegisterNumber::parse("PGD-2026-00042").unwrap();
    assert_eq!(store.load(&missing).await.unwrap(), None);
    let t = WorkflowState::received().mark_incomplete("x", date(2026, 3, 2)).unwrap();
    let err = store_transition(store, &missing, 1, &t, "Rina", now()).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(ref n) if n == "PGD-2026-00042"), "{err:?}");
    let err = store
        .erase_personal(&Request { nomor: &missing, expected_version: 1, by: "Admin", reason: "x", at: now() }, 0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");

    let early = complaint(1, "f-1", now(), 2026);
    let mut late = complaint(2, "f-2", now() + Duration::from_secs(7 * 24 * 3600), 2026);
    late.submission.jenis = pengaduan_core::Jenis::Aspirasi;
    store.submit(early).await.unwrap();
    store.submit(late).await.unwrap();
    let by_kind =
        store.list(&ListFilter { jenis: Some(pengaduan_core::Jenis::Aspirasi), ..Default::default() }).await.unwrap();
    assert_eq!(by_kind.iter().map(|r| r.nomor.seq).collect::<Vec<_>>(), [2]);
    let first_week = ListFilter { received_before: Some(now() + Duration::from_secs(3600)), ..Default::default() };
    assert_eq!(store.list(&first_week).await.unwrap().iter().map(|r| r.nomor.seq).collect::<Vec<_>>(), [1]);
    let from_later = ListFilter { received_from: Some(now() + Duration::from_secs(3600)), ..Default::default() };
    assert_eq!(store.list(&from_later).await.unwrap().iter().map(|r| r.nomor.seq).collect::<Vec<_>>(), [2]);
    let none = ListFilter { status: Some(Status::Diproses), ..Default::default() };
    assert!(store.list(&none).await.unwrap().is_empty());
}

/// The fixture calendar (2026 only) with 2027 added (New Year's Day is all these tests need).
fn calendar_with_2027() -> Calendar {
    let year = "\n[[tahun]]\ntahun = 2027\nlibur_nasional = [\n  { tanggal = 2027-01-01, nama = \"Tahun Baru 2027 Masehi\" },\n]\ncuti_bersama = []\n";
    Calendar::from_toml(&format!("{CALENDAR_2026}{year}")).unwrap()
}

async fn a_deadline_is_refreshed_without_a_new_version<S: WorkflowStore>(store: &S) {
    let n = nomor(&store.submit(complaint(1, "refresh", now(), 2026)).await.unwrap());
    complete(store, &n, "penyelesaian", date(2026, 3, 17)).await;
    let before = store.load(&n).await.unwrap().unwrap();
    assert_eq!(before.row.stored_deadline(), Some(Reckoned::exact(date(2026, 4, 8))));

    // Computed from a version that has moved on: not written, and not an error.
    let stale = store.refresh_deadline(&n, before.row.version - 1, Some(date(2026, 4, 9)), true).await.unwrap();
    assert!(!stale);
    assert_eq!(store.load(&n).await.unwrap().unwrap(), before);
    let missing = RegisterNumber::parse("PGD-2026-00042").unwrap();
    assert!(!store.refresh_deadline(&missing, 1, None, false).await.unwrap(), "no such complaint");

    // Only the deadline and its flag change: no version, no history entry.
    assert!(store.refresh_deadline(&n, before.row.version, Some(date(2027, 1, 11)), true).await.unwrap());
    let after = store.load(&n).await.unwrap().unwrap();
    assert_eq!(after.row.stored_deadline(), Some(Reckoned { value: date(2027, 1, 11), provisional: true }));
    assert_eq!(after.row.version, before.row.version);
    assert_eq!(after.row.state, before.row.state);
    assert_eq!(after.history, before.history);
    assert_eq!(after.next_step, before.next_step);
    let public = store.find_public(&n).await.unwrap().unwrap();
    assert_eq!(
        (public.deadline.map(|d| d.value), public.deadline.is_some_and(|d| d.provisional)),
        (Some(date(2027, 1, 11)), true)
    );
    let listed = store.list(&ListFilter::default()).await.unwrap();
    assert_eq!(listed.iter().find(|r| r.nomor == n).unwrap().stored_deadline(), after.row.stored_deadline());

    // Back to exact, then no deadline at all.
    assert!(store.refresh_deadline(&n, before.row.version, Some(date(2026, 4, 8)), false).await.unwrap());
    assert_eq!(store.load(&n).await.unwrap().unwrap().row, before.row);
    assert!(store.refresh_deadline(&n, before.row.version, None, false).await.unwrap());
    let cleared = store.find_public(&n).await.unwrap().unwrap();
    assert_eq!((cleared.deadline.map(|d| d.value), cleared.deadline.is_some_and(|d| d.provisional)), (None, false));

    // A staff change stores the flag it was given, and the next one what it is given then.
    let (state, version) = state_of(store, &n).await;
    let t = state.advance(procedure("penyelesaian"), date(2026, 3, 20), "").unwrap();
    let provisional = Some(Reckoned { value: date(2027, 1, 11), provisional: true });
    let change = WorkflowChange::from_transition(&t, "Budi", now(), 2026, provisional, None);
    store.apply(&n, version, change).await.unwrap();
    assert_eq!(store.load(&n).await.unwrap().unwrap().row.stored_deadline(), provisional);
    advance(store, &n, "Budi").await;
    let row = store.load(&n).await.unwrap().unwrap().row;
    assert_eq!(
        (row.deadline.map(|d| d.value), row.deadline.is_some_and(|d| d.provisional)),
        (Some(date(2026, 4, 8)), false)
    );

    // The store's bookkeeping.
    assert_eq!(store.read_meta(CALENDAR_META_KEY).await.unwrap(), None);
    store.write_meta(CALENDAR_META_KEY, "satu").await.unwrap();
    store.write_meta(CALENDAR_META_KEY, "dua").await.unwrap();
    assert_eq!(store.read_meta(CALENDAR_META_KEY).await.unwrap().as_deref(), Some("dua"));
    assert_eq!(store.read_meta("lain").await.unwrap(), None);
}

async fn deadlines_follow_the_calendar<S: WorkflowStore>(store: &S) {
    // Complete on Monday 28 December 2026 while 2027 is missing: counted without its holidays.
    let late = nomor(&store.submit(complaint(1, "late", now(), 2026)).await.unwrap());
    complete(store, &late, "penyelesaian", date(2026, 12, 28)).await;
    let provisional = Some(Reckoned { value: date(2027, 1, 11), provisional: true });
    assert_eq!(store.load(&late).await.unwrap().unwrap().row.stored_deadline(), provisional);
    // Inside 2026: exact, and the same under both calendars.
    let march = nomor(&store.submit(complaint(2, "march", now(), 2026)).await.unwrap());
    complete(store, &march, "penyelesaian", date(2026, 3, 17)).await;
    // Finished against a provisional deadline: it keeps it.
    let done = nomor(&store.submit(complaint(3, "done", now(), 2026)).await.unwrap());
    complete(store, &done, "jawaban-tertulis", date(2026, 12, 28)).await;
    while state_of(store, &done).await.0.status != Status::Selesai {
        advance(store, &done, "Budi").await;
    }
    // Not complete yet: no deadline to check.
    store.submit(complaint(4, "new", now(), 2026)).await.unwrap();

    // The calendar the deadlines were counted with, 2027 missing.
    let shipped = &*CALENDAR;
    let first = recompute_if_changed(store, shipped, 10).await.unwrap();
    assert_eq!(first, Some(Recomputed { checked: 2, changed: Vec::new() }), "never recorded: checked, all current");
    assert_eq!(recompute_if_changed(store, shipped, 10).await.unwrap(), None, "the same calendar");

    let versions = store.list(&ListFilter::default()).await.unwrap();
    let full = calendar_with_2027();
    let second = recompute_if_changed(store, &full, 10).await.unwrap().expect("a year was added");
    assert_eq!(second.checked, 2);
    assert_eq!(
        second.changed,
        [DeadlineChange { nomor: late.clone(), old: provisional, new: Some(Reckoned::exact(date(2027, 1, 12))) }],
        "New Year's Day 2027 is skipped now, and the mark is gone"
    );
    assert!(
        !store.find_public(&late).await.unwrap().unwrap().deadline.is_some_and(|d| d.provisional),
        "the mark is gone"
    );
    let after = store.list(&ListFilter::default()).await.unwrap();
    let version_of = |rows: &[pengaduan_store::RegisterRow]| rows.iter().map(|r| r.version).collect::<Vec<_>>();
    assert_eq!(version_of(&after), version_of(&versions), "a recomputation is not a staff change");
    assert_eq!(after.iter().find(|r| r.nomor == done).unwrap().stored_deadline(), provisional);
    assert_eq!(recompute_if_changed(store, &full, 10).await.unwrap(), None);

    // Another time limit is another basis too.
    let longer = recompute_if_changed(store, &full, 12).await.unwrap().unwrap();
    assert_eq!(longer.changed.len(), 2, "both running clocks");
    assert_eq!(
        store.load(&march).await.unwrap().unwrap().row.stored_deadline(),
        Some(Reckoned::exact(date(2026, 4, 10)))
    );
}

async fn a_correction_keeps_the_stored_clock_and_deadline<S: WorkflowStore>(store: &S) {
    let n = nomor(&store.submit(complaint(1, "koreksi", now(), 2026)).await.unwrap());
    complete(store, &n, "penyelesaian", date(2026, 3, 2)).await;
    for _ in 0..5 {
        advance(store, &n, "Budi").await;
    }
    let before = store.load(&n).await.unwrap().unwrap().row;
    let (state, version) = (before.state.clone(), before.version);
    assert_eq!(state.step_index, Some(7), "signed by the Kepala Dinas");
    let t = state.correct(procedure("penyelesaian"), 7, Role::KepalaDinas, "Nominal keliru").unwrap();
    // Whatever a (buggy or forged) change carries, the store keeps the clock of a correction.
    let mut change = WorkflowChange::from_transition(&t, "Dewi (Kadis)", now(), 2026, None, None);
    change.state.files_complete_on = Some(date(2026, 5, 4));
    change.state.clock_events.clear();
    let applied = store.apply(&n, version, change).await.unwrap();
    let after = store.load(&n).await.unwrap().unwrap();
    assert_eq!(applied.version, version + 1);
    assert_eq!((after.row.state.step_index, after.row.state.status), (Some(6), Status::Diproses));
    assert_eq!(after.row.deadline, before.deadline);
    assert!(after.row.deadline.is_some());
    assert_eq!(after.row.state.files_complete_on, Some(date(2026, 3, 2)));
    assert_eq!(after.row.state.clock_events, before.state.clock_events);
    let last = after.history.last().unwrap();
    assert_eq!((last.action, last.note.as_str(), last.step_index), (Action::Koreksi, "Nominal keliru", Some(6)));
    // Any other change still sets the clock it carries.
    advance(store, &n, "Dewi (Kadis)").await;
    assert_eq!(store.load(&n).await.unwrap().unwrap().row.deadline, before.deadline);
}

contract! {
    sqlite => sqlite_store(),
    dynamodb => (Moto::shared().store().await, ());
    [
        the_whole_path,
        (arc) two_staff_at_once_one_wins,
        (arc) ba_numbers_are_gapless_per_year_under_concurrency,
        erasure_keeps_the_register_row,
        the_complainant_completes_returned_files,
        history_is_only_appended,
        unknown_numbers_and_filters,
        a_deadline_is_refreshed_without_a_new_version,
        deadlines_follow_the_calendar,
        a_correction_keeps_the_stored_clock_and_deadline,
    ]
}

#[tokio::test]
async fn sqlite_refuses_to_rewrite_history() {
    let (store, dir) = sqlite_store();
    let n = nomor(&store.submit(complaint(1, "rw", now(), 2026)).await.unwrap());
    let conn = rusqlite::Connection::open(dir.path().join("data/pengaduan.db")).unwrap();
    let update = conn.execute("UPDATE history SET note = 'diubah' WHERE nomor = ?1", [n.to_string()]);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM history WHERE nomor = ?1", [n.to_string()]);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(store.load(&n).await.unwrap().unwrap().history.len(), 1);
}

/// A database as version 1 wrote it, before the workflow existed, holding one complaint.
fn version_1_database(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
         CREATE TABLE complaints (nomor TEXT PRIMARY KEY, prefix TEXT NOT NULL, year INTEGER NOT NULL,
             seq INTEGER NOT NULL, kode_hash TEXT NOT NULL, channel TEXT NOT NULL, jenis TEXT NOT NULL,
             judul TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, anonim INTEGER NOT NULL,
             rahasia INTEGER NOT NULL, layanan TEXT, isi TEXT NOT NULL, lokasi TEXT, tanggal_kejadian TEXT,
             UNIQUE (prefix, year, seq));
         CREATE TABLE personal_data (nomor TEXT PRIMARY KEY REFERENCES complaints (nomor), nama TEXT,
             email TEXT, telepon TEXT, nik TEXT, alamat TEXT);
         CREATE TABLE idempotency (key TEXT PRIMARY KEY, receipt TEXT NOT NULL, expires_at INTEGER NOT NULL);
         CREATE TABLE rate_limits (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL);
         INSERT INTO counters VALUES ('PGD#2026', 1);
         INSERT INTO complaints VALUES ('PGD-2026-00001', 'PGD', 2026, 1, 'h', 'web', 'pengaduan',
             'Izin usaha belum terbit', 'diterima', '2026-11-29T06:00:00Z', 0, 0, NULL,
             'Permohonan izin saya belum terbit setelah tiga minggu.', NULL, NULL);
         INSERT INTO personal_data VALUES ('PGD-2026-00001', 'Siti', NULL, '+6281234567890', NULL, NULL);
         PRAGMA user_version = 1;",
    )
    .unwrap();
}

/// The database at `path` has the latest schema, and its migration's rows were written once.
fn assert_migrated_once(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = fresh_dir.path().join("baru.db");
    pengaduan_store::sqlite::SqliteStore::open(&fresh).unwrap();
    let fresh_version: i64 =
        rusqlite::Connection::open(&fresh).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, fresh_version, "the latest schema");
    let columns = |conn: &rusqlite::Connection, table: &str| -> Vec<String> {
        let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY name")).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let fresh_conn = rusqlite::Connection::open(&fresh).unwrap();
    for table in ["complaints", "history", "outbox", "accounts", "survey", "meta", "pending_uploads"] {
        assert_eq!(columns(&conn, table), columns(&fresh_conn, table), "table {table}");
    }
    // The old complaint's entry: complaints written after the migration have their own.
    let intake: i64 =
        conn.query_row("SELECT COUNT(*) FROM history WHERE nomor = 'PGD-2026-00001'", [], |r| r.get(0)).unwrap();
    assert_eq!(intake, 1, "the migration's intake entry is written once");
}

/// `site-gen serve` and the staff tool opening an old database at the same moment: each takes
/// the write lock before it reads the version, so one migrates and the others find it done
/// (reading the version first, two would apply the same step: "duplicate column name").
#[test]
fn sqlite_migrates_once_when_opened_from_many_connections_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lama.db");
    version_1_database(&path);
    let start = Arc::new(std::sync::Barrier::new(8));
    let openers: Vec<_> = (0..8)
        .map(|_| {
            let (path, start) = (path.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                pengaduan_store::sqlite::SqliteStore::open(&path).map(|_| ())
            })
        })
        .collect();
    for opener in openers {
        opener.join().unwrap().expect("every connection opens the database");
    }
    assert_migrated_once(&path);
}

/// The same across programs: this test runs itself again as several processes (the database's
/// path in `PENGADUAN_UJI_MIGRASI`), which wait for one start instant, open the database and
/// then write to it at once, as `site-gen serve` and `pengaduan-staf` do on one file: every
/// complaint is stored under its own number, without gaps.
#[test]
fn sqlite_migrates_once_when_opened_from_several_processes_at_once() {
    const PATH: &str = "PENGADUAN_UJI_MIGRASI";
    const START: &str = "PENGADUAN_UJI_MIGRASI_MULAI";
    let since_epoch = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    if let Some(path) = std::env::var_os(PATH) {
        let start = Duration::from_millis(std::env::var(START).unwrap().parse().unwrap());
        std::thread::sleep(start.saturating_sub(since_epoch()));
        let store =
            pengaduan_store::sqlite::SqliteStore::open(std::path::Path::new(&path)).expect("this process opens it");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let me = std::process::id() as usize;
        for i in 0..WRITES {
            let key = format!("proses-{me}-{i}");
            runtime.block_on(store.submit(complaint(me * 100 + i, &key, now(), 2026))).expect("this process writes");
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lama.db");
    version_1_database(&path);
    // Every process is running (and has its test harness up) well before this.
    let start = (since_epoch() + Duration::from_secs(2)).as_millis().to_string();
    let name = "workflow::sqlite_migrates_once_when_opened_from_several_processes_at_once";
    const PROCESSES: usize = 4;
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", name, "--test-threads=1", "--quiet"])
                .env(PATH, &path)
                .env(START, &start)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "a process failed to open it: {said}");
        assert!(said.contains("1 passed"), "the process ran this test: {said}");
    }
    assert_migrated_once(&path);
    // The version-1 database held complaint 1; each process added its own, none lost or doubled.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = conn.prepare("SELECT nomor FROM complaints ORDER BY nomor").unwrap();
    let numbers: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
    let expected: Vec<String> = (1..=1 + PROCESSES * WRITES).map(|n| format!("PGD-2026-{n:05}")).collect();
    assert_eq!(numbers, expected);
}

/// How many complaints each process of the test above writes.
const WRITES: usize = 5;

#[tokio::test]
async fn sqlite_migrates_a_version_1_database() {
    // A database written before the workflow existed: its complaints gain version 1 and their
    // intake entry, and carry on through the procedure.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lama.db");
    version_1_database(&path);
    let store = pengaduan_store::sqlite::SqliteStore::open(&path).unwrap();
    let n = RegisterNumber::parse("PGD-2026-00001").unwrap();
    let rec = store.load(&n).await.unwrap().unwrap();
    assert_eq!(rec.row.version, 1);
    assert_eq!(rec.history.len(), 1);
    assert_eq!((rec.history[0].action, rec.history[0].by.as_str()), (Action::Diterima, ONLINE_FRONT_OFFICE));
    complete(&store, &n, "penyelesaian", date(2026, 3, 17)).await;
    assert_eq!(store.load(&n).await.unwrap().unwrap().row.version, 2);
    let next = nomor(&store.submit(complaint(5, "after-migration", now(), 2026)).await.unwrap());
    assert_eq!(next.to_string(), "PGD-2026-00002");
}

#[tokio::test]
async fn dynamodb_complaints_stored_before_versions_carry_on() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let moto = Moto::shared();
    let store = moto.store().await;
    let n = nomor(&store.submit(complaint(1, "legacy", now(), 2026)).await.unwrap());
    // Make the items look as the previous release wrote them: no version, no history.
    let client = moto.client().await;
    let pk = AttributeValue::S(format!("COMPLAINT#{n}"));
    client
        .update_item()
        .table_name(store.table())
        .key("pk", pk.clone())
        .key("sk", AttributeValue::S("REGISTER".into()))
        .update_expression("REMOVE #v")
        .expression_attribute_names("#v", "version")
        .send()
        .await
        .unwrap();
    client
        .delete_item()
        .table_name(store.table())
        .key("pk", pk)
        .key("sk", AttributeValue::S("HISTORY#000001".into()))
        .send()
        .await
        .unwrap();
    let rec = store.load(&n).await.unwrap().unwrap();
    assert_eq!((rec.row.version, rec.history.len()), (1, 0));
    let public = store.find_public(&n).await.unwrap().unwrap();
    assert!(public.events.is_empty(), "the handler shows the day received from received_at");
    complete(&store, &n, "penyelesaian", date(2026, 3, 17)).await;
    let rec = store.load(&n).await.unwrap().unwrap();
    assert_eq!((rec.row.version, rec.history.len(), rec.history[0].seq), (2, 1, 2));
}

/// After erasure no byte of the erased values is left in the SQLite files: not in free pages of
/// the database (secure_delete), not in the write-ahead log (checkpointed and emptied).
#[tokio::test]
async fn sqlite_erasure_leaves_nothing_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pengaduan.db");
    let store = pengaduan_store::sqlite::SqliteStore::open(&path).unwrap();
    let n = nomor(&store.submit(complaint(1, "erase-raw", now(), 2026)).await.unwrap());
    // A few more writes, so the personal data's pages are copied around the log and the file.
    complete(&store, &n, "penyelesaian", date(2026, 3, 17)).await;
    advance(&store, &n, "Budi").await;
    let version = store.load(&n).await.unwrap().unwrap().row.version;
    let secrets = ["Siti Rahayu", "siti@contoh.co.id", "+6281234567890", "3201014101900001", "Jl. Melati 5"];
    let raw = || {
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(dir.path().join("pengaduan.db-wal")).unwrap_or_default());
        bytes
    };
    let contains = |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(secrets.iter().all(|s| contains(&raw(), s)), "the values are there before erasure");
    store
        .erase_personal(
            &Request { nomor: &n, expected_version: version, by: "Admin", reason: "Permintaan pengadu", at: now() },
            0,
        )
        .await
        .unwrap();
    let after = raw();
    for secret in secrets {
        assert!(!contains(&after, secret), "{secret} is still in the database files after erasure");
    }
}

/// Submits `n` complaints a month apart from 1 October 2026 (WIB) and finishes the first.
async fn months_apart(store: &pengaduan_store::dynamodb::DynamoStore, n: usize) -> Vec<RegisterNumber> {
    let first: jiff::Timestamp = "2026-09-30T17:30:00Z".parse().unwrap();
    let mut numbers = Vec::new();
    for i in 0..n {
        let at = first + Duration::from_secs(i as u64 * 31 * 24 * 3600);
        numbers.push(nomor(&store.submit(complaint(i, &format!("bulan-{i}"), at, 2026)).await.unwrap()));
    }
    complete(store, &numbers[0], "penyelesaian", date(2026, 3, 2)).await;
    while state_of(store, &numbers[0]).await.0.status != Status::Selesai {
        advance(store, &numbers[0], "Budi (JFT)").await;
    }
    numbers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_the_register_is_listed_by_month_never_scanned() {
    let moto = Moto::shared();
    let table = moto.store().await.table().to_owned();
    let (store, trips) = moto.instance(&table);
    assert!(store.list(&ListFilter::default()).await.unwrap().is_empty(), "no counter yet: nothing");
    months_apart(&store, 3).await;
    trips.take();
    let all = store.list(&ListFilter::default()).await.unwrap();
    assert_eq!(all.iter().map(|r| r.nomor.seq).collect::<Vec<_>>(), [1, 2, 3]);
    // The counters, then the twelve months of 2026.
    assert_eq!(trips.take(), [("Query".to_owned(), 13)].into(), "no Scan, no read by number");
    // November 2026 in Jakarta: the second complaint only (received 1 November 00.30 WIB, the
    // first on 1 October 00.30 WIB). A day's margin each side in UTC: October to December.
    let tz = jiff::tz::TimeZone::get("Asia/Jakarta").unwrap();
    let from = date(2026, 11, 1).to_zoned(tz.clone()).unwrap().timestamp();
    let before = date(2026, 12, 1).to_zoned(tz).unwrap().timestamp();
    let period = ListFilter { received_from: Some(from), received_before: Some(before), ..Default::default() };
    assert_eq!(store.list(&period).await.unwrap().iter().map(|r| r.nomor.seq).collect::<Vec<_>>(), [2]);
    assert_eq!(trips.take(), [("Query".to_owned(), 4)].into(), "the counters and three months");
    let done = ListFilter { status: Some(Status::Selesai), ..Default::default() };
    assert_eq!(store.list(&done).await.unwrap().iter().map(|r| r.nomor.seq).collect::<Vec<_>>(), [1]);
    assert!(!trips.take().contains_key("Scan"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_months_are_backfilled_by_key_once() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let moto = Moto::shared();
    let table = moto.store().await.table().to_owned();
    let (store, trips) = moto.instance(&table);
    let numbers = months_apart(&store, 2).await;
    let before = store.list(&ListFilter::default()).await.unwrap();
    // As the previous release wrote them: no month received, no month finished.
    let client = moto.client().await;
    for n in &numbers {
        client
            .update_item()
            .table_name(&table)
            .key("pk", AttributeValue::S(format!("COMPLAINT#{n}")))
            .key("sk", AttributeValue::S("REGISTER".into()))
            .update_expression("REMOVE bulan_terima, bulan_selesai")
            .send()
            .await
            .unwrap();
    }
    assert!(store.list(&ListFilter::default()).await.unwrap().is_empty(), "unfiled items are not listed");
    trips.take();
    let tz = jiff::tz::TimeZone::get("Asia/Jakarta").unwrap();
    let done = store.backfill_months(&tz).await.unwrap();
    assert_eq!((done.checked, done.updated), (2, 2));
    let ops = trips.take();
    assert_eq!((ops.get("Query"), ops.get("GetItem"), ops.get("UpdateItem")), (Some(&1), Some(&2), Some(&2)));
    assert!(!ops.contains_key("Scan"), "{ops:?}");
    assert_eq!(store.list(&ListFilter::default()).await.unwrap(), before);
    let item = |n: &RegisterNumber| {
        let (client, table, n) = (client.clone(), table.clone(), n.to_string());
        async move {
            let out = client
                .get_item()
                .table_name(table)
                .key("pk", AttributeValue::S(format!("COMPLAINT#{n}")))
                .key("sk", AttributeValue::S("REGISTER".into()))
                .send()
                .await
                .unwrap();
            let item = out.item.unwrap();
            let month = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
            (month("bulan_terima"), month("bulan_selesai"))
        }
    };
    // Received 1 October 00.30 WIB (30 September in UTC), finished 20 March.
    assert_eq!(item(&numbers[0]).await, (Some("2026-10".into()), Some("2026-03".into())));
    assert_eq!(item(&numbers[1]).await, (Some("2026-11".into()), None), "1 November 00.30 WIB");
    let again = store.backfill_months(&tz).await.unwrap();
    assert_eq!((again.checked, again.updated), (2, 0), "a second run changes nothing");
}
