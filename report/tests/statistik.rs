//! The public statistics read the same from SQLite and from DynamoDB (moto) for the same
//! complaints and survey answers: the stores agree on everything the figures rest on.

use jiff::Timestamp;
use jiff::civil::date;
use jiff::tz::TimeZone;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::skm::Answers;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_core::{Jenis, Status};
use pengaduan_report::statistik::{read_inputs, statistics};
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{
    CALENDAR_2026, Moto, advance, complaint, complete, nomor, procedure, sqlite_store, state_of, store_transition,
};
use pengaduan_store::{ListFilter, WorkflowStore};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The same history on any store: six complaints over three months and channels, two finished,
/// one returned, and three survey answers.
async fn fill<S: WorkflowStore + SurveyStore>(store: &S) {
    let received = [
        ("2026-01-31T17:30:00Z", IntakeChannel::Web, Jenis::Pengaduan),
        ("2026-02-10T02:00:00Z", IntakeChannel::Telepon, Jenis::Pengaduan),
        ("2026-03-02T02:00:00Z", IntakeChannel::Web, Jenis::Informasi),
        ("2026-03-03T02:00:00Z", IntakeChannel::Web, Jenis::Pengaduan),
        ("2026-03-04T02:00:00Z", IntakeChannel::Surat, Jenis::Aspirasi),
        ("2026-03-05T02:00:00Z", IntakeChannel::Web, Jenis::Pengaduan),
    ];
    let mut numbers = Vec::new();
    for (i, (at, channel, jenis)) in received.into_iter().enumerate() {
        let mut c = complaint(i, &format!("stat-{i}"), ts(at), 2026);
        c.channel = channel;
        c.submission.jenis = jenis;
        numbers.push(nomor(&store.submit(c).await.unwrap()));
    }
    // Two finished (the fixtures finish every step on 20 March), one complete and open, one
    // returned to be completed.
    for (n, on) in [(&numbers[0], date(2026, 3, 2)), (&numbers[1], date(2026, 3, 16)), (&numbers[2], date(2026, 3, 17))]
    {
        complete(store, n, "penyelesaian", on).await;
    }
    for n in &numbers[..2] {
        while state_of(store, n).await.0.status != Status::Selesai {
            advance(store, n, "Budi (JFT)").await;
        }
    }
    let (state, version) = state_of(store, &numbers[3]).await;
    let t = state.mark_incomplete("Surat pernyataan belum ada", date(2026, 3, 6)).unwrap();
    store_transition(store, &numbers[3], version, &t, "Rina (FO)", ts("2026-03-06T02:00:00Z")).await.unwrap();
    // Received before the window (May 2025 to April 2026): one finished then (left out of the
    // inputs), one finished in the window and one still open (both read).
    let mut old = Vec::new();
    for (i, at) in ["2025-02-03T02:00:00Z", "2025-02-04T02:00:00Z", "2025-02-05T02:00:00Z"].into_iter().enumerate() {
        let c = complaint(6 + i, &format!("stat-lama-{i}"), ts(at), 2025);
        old.push(nomor(&store.submit(c).await.unwrap()));
    }
    for (n, on) in [(&old[0], date(2025, 2, 10)), (&old[2], date(2025, 6, 10))] {
        complete(store, n, "penyelesaian", date(2025, 2, 5)).await;
        while state_of(store, n).await.0.status != Status::Selesai {
            let (state, version) = state_of(store, n).await;
            let t = state.advance(procedure("penyelesaian"), on, "dikerjakan").unwrap();
            store_transition(store, n, version, &t, "Budi (JFT)", ts("2025-06-10T02:00:00Z")).await.unwrap();
        }
    }
    for (i, at) in ["2026-03-21T02:00:00Z", "2026-03-31T17:30:00Z", "2026-04-02T02:00:00Z"].into_iter().enumerate() {
        let answers = Answers::new([3 + (i % 2) as u8; 9]).unwrap();
        assert!(store.record_survey(&format!("PGD-2026-0000{}", i + 1), answers, ts(at)).await.unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_agree_on_sqlite_and_dynamodb() {
    let calendar = Calendar::from_toml(CALENDAR_2026).unwrap();
    let tz = TimeZone::get("Asia/Jakarta").unwrap();
    let now = ts("2026-04-15T03:00:00Z");
    let (sqlite, _dir) = sqlite_store();
    fill(&sqlite).await;
    let moto = Moto::start();
    let dynamo = moto.store().await;
    fill(&dynamo).await;

    let a = read_inputs(&sqlite, &tz, now).await.unwrap();
    let b = read_inputs(&dynamo, &tz, now).await.unwrap();
    assert_eq!(a.rows.len(), 8, "the six of 2026, and of 2025 the one finished in June and the one open");
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.answers.len(), 3);
    assert_eq!(a.fingerprint(), b.fingerprint());
    let fa = statistics(&sqlite, &calendar, &tz, now).await.unwrap();
    let fb = statistics(&dynamo, &calendar, &tz, now).await.unwrap();
    assert_eq!(fa, fb);
    // The same figures as from the whole register, on both stores.
    let registers =
        [sqlite.list(&ListFilter::default()).await.unwrap(), dynamo.list(&ListFilter::default()).await.unwrap()];
    for all in registers {
        assert_eq!(all.len(), 9);
        let rows: Vec<_> = all.iter().map(pengaduan_report::statistik::stat_row).collect();
        let whole = pengaduan_core::stats::compute(&rows, &a.answers, &calendar, &tz, now);
        assert_eq!(whole, fa);
    }

    // And the figures are the ones worked out by hand.
    let month = |k: &str| fa.bulan.iter().find(|m| m.bulan == k).unwrap().clone();
    assert_eq!(month("2026-01").diterima, 0, "31 January 17:30 UTC is 1 February in Jakarta");
    assert_eq!(month("2026-02").diterima, 2);
    assert_eq!(month("2026-03").diterima, 4);
    let march = month("2026-03");
    // The 2026 calendar has 18 to 24 March off but for the 19th's weekend neighbours (cuti
    // bersama 18, 20, 23, 24; Nyepi 19). Complete 2 March: 3 to 17 March are 11 working days
    // and 20 March adds none; the deadline was 16 March, so late. Complete 16 March: only the
    // 17th counts, 1 day, on time. Median of 11 and 1: 6.
    assert_eq!((march.selesai, march.selesai_tepat_waktu, march.median_hari_kerja), (2, 1, Some(6.0)));
    assert_eq!(fa.terbuka, 5);
    assert_eq!(month("2025-06").selesai, 1, "received before the window, finished in it");
    let q1 = fa.ikm.iter().find(|q| q.triwulan == "2026-1").unwrap();
    assert_eq!(q1.responden, 1, "31 March 17:30 UTC is 1 April in Jakarta");
    let q2 = fa.ikm.iter().find(|q| q.triwulan == "2026-2").unwrap();
    assert_eq!((q2.responden, q2.berjalan), (2, true));
    let web = fa.kanal.iter().find(|k| k.kode == "web").unwrap();
    assert_eq!(serde_json::to_value(web).unwrap()["diterima"], 4);
    let telepon = fa.kanal.iter().find(|k| k.kode == "telepon").unwrap();
    assert_eq!(serde_json::to_value(telepon).unwrap()["diterima"], "< 3");
    // Nothing that names a complaint or a person reaches the figures.
    let json = serde_json::to_string(&fa).unwrap();
    for secret in ["PGD-", "Siti", "Izin usaha", "Melati"] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
}
