//! How long the public statistics and the periodic report take for 10,000 complaints, on SQLite
//! and on DynamoDB (moto's server, started here): reading the store and computing the figures,
//! as `pengaduan-staf statistik`, publish-fn's daily run and `/staf/laporan` do (issue 24).
//!
//! Run: `cargo bench -p pengaduan-report --bench figures` (needs moto's Python, as the tests:
//! `MOTO_PYTHON`). `FIGURES_COMPLAINTS` changes the count on SQLite (default 10,000),
//! `FIGURES_DYNAMODB_COMPLAINTS` on DynamoDB (default 1,000: moto stores about three complaints
//! a second and answers an index query by reading the whole table, so its times say little
//! about DynamoDB; the round trips it prints do), and `FIGURES_STORES` the stores (default
//! `sqlite,dynamodb`).
//!
//! The complaints arrive every 45 minutes from 5 January 2026, so 10,000 span the year; one in
//! five is finished through the whole procedure about two weeks after it arrived, one in five
//! more is complete and open. The clock stands at 7 December 2026.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use pengaduan_core::calendar::Calendar;
use pengaduan_core::report::Period;
use pengaduan_core::skm::Answers;
use pengaduan_core::{RegisterNumber, Status};
use pengaduan_report::laporan::{Progress, report};
use pengaduan_report::statistik::read_inputs;
use pengaduan_store::WorkflowStore;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{
    Moto, PROCEDURES, RoundTrips, complaint, nomor, procedure, sqlite_store, state_of, store_transition,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let stores = std::env::var("FIGURES_STORES").unwrap_or_else(|_| "sqlite,dynamodb".into());
    let calendar = Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap();
    let tz = TimeZone::get("Asia/Jakarta").unwrap();
    for name in stores.split(',').map(str::trim) {
        match name {
            "sqlite" => {
                let (store, _dir) = sqlite_store();
                measure("SQLite", &store, None, count("FIGURES_COMPLAINTS", 10_000), &calendar, &tz).await;
            }
            "dynamodb" => {
                let moto = Moto::start();
                let table = moto.store().await;
                let (store, trips) = moto.instance(table.table());
                let n = count("FIGURES_DYNAMODB_COMPLAINTS", 1_000);
                measure("DynamoDB (moto)", &store, Some(&trips), n, &calendar, &tz).await;
            }
            other => panic!("unknown store {other:?}: sqlite or dynamodb"),
        }
    }
}

/// Fills `store` with `count` complaints, then times the figures and the report on it, with the
/// round trips of one run when `trips` counts them.
async fn measure<S: WorkflowStore + SurveyStore>(
    label: &str,
    store: &S,
    trips: Option<&RoundTrips>,
    count: usize,
    calendar: &Calendar,
    tz: &TimeZone,
) {
    let filling = Instant::now();
    fill(store, count, tz).await;
    eprintln!("{label}: {count} complaints stored in {:.0} s", filling.elapsed().as_secs_f64());
    let per_run = |runs: usize| {
        trips.map(|t| {
            let counted: Vec<String> = t.take().into_iter().map(|(op, n)| format!("{} {op}", n / runs)).collect();
            format!("; round trips per run: {}", counted.join(", "))
        })
    };
    per_run(1);
    let now: Timestamp = "2026-12-07T03:00:00Z".parse().unwrap();

    let (mut read, mut compute) = (Vec::new(), Vec::new());
    let mut rows = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let inputs = read_inputs(store, tz, now).await.unwrap();
        read.push(t.elapsed());
        let t = Instant::now();
        let figures = inputs.figures(calendar, tz, now);
        compute.push(t.elapsed());
        rows = inputs.rows.len();
        assert!(figures.bulan.iter().map(|m| m.diterima).sum::<u64>() > 0);
    }
    println!(
        "{label:<16} statistics, {rows} rows read: read {}, compute {}{}",
        median_ms(&mut read),
        median_ms(&mut compute),
        per_run(RUNS).unwrap_or_default()
    );

    for (period_label, period) in
        [("report 2026", Period::Year(2026)), ("report 2026-4", Period::Quarter { year: 2026, quarter: 4 })]
    {
        let mut times = Vec::new();
        let histories = AtomicUsize::new(0);
        let runs = RUNS.min(3);
        for _ in 0..runs {
            histories.store(0, Ordering::Relaxed);
            let progress = |p: Progress| {
                if let Progress::Register { histories: h, .. } = p {
                    histories.store(h, Ordering::Relaxed);
                }
            };
            let t = Instant::now();
            let r = report(store, &PROCEDURES, calendar, tz, period, now, &progress).await.unwrap();
            times.push(t.elapsed());
            std::hint::black_box(r);
        }
        println!(
            "{label:<16} {period_label:<13} ({} histories read): {}{}",
            histories.load(Ordering::Relaxed),
            median_ms(&mut times),
            per_run(runs).unwrap_or_default()
        );
    }
}

/// `count` complaints over 2026, a fifth finished, a fifth complete and open, and a survey
/// answer for every finished one.
async fn fill<S: WorkflowStore + SurveyStore>(store: &S, count: usize, tz: &TimeZone) {
    let start: Timestamp = "2026-01-05T02:00:00Z".parse().unwrap();
    for i in 0..count {
        let at = start + Duration::from_secs(i as u64 * 45 * 60);
        let n = nomor(&store.submit(complaint(i, &format!("f{i}"), at, 2026)).await.unwrap());
        let received = at.to_zoned(tz.clone()).date();
        match i % 5 {
            0 => {
                let done = finish(store, &n, received).await;
                let answers = Answers::new([3 + (i % 2) as u8; 9]).unwrap();
                let answered = done.to_zoned(tz.clone()).unwrap().timestamp() + 10.hours();
                store.record_survey(&n.to_string(), answers, answered).await.unwrap();
            }
            1 => {
                let (state, version) = state_of(store, &n).await;
                let t = state.mark_complete(procedure("penyelesaian"), next_day(received), "berkas lengkap").unwrap();
                store_transition(store, &n, version, &t, "Rina (FO)", at + 24.hours()).await.unwrap();
            }
            _ => {}
        }
        if (i + 1) % 1000 == 0 {
            eprintln!("  {} stored", i + 1);
        }
    }
}

/// Takes complaint `n`, received on `received`, through every step: complete the next day, then
/// one step every other day. The day it was finished.
async fn finish<S: WorkflowStore>(store: &S, n: &RegisterNumber, received: Date) -> Date {
    let mut on = next_day(received);
    let (state, version) = state_of(store, n).await;
    let t = state.mark_complete(procedure("penyelesaian"), on, "berkas lengkap").unwrap();
    store_transition(store, n, version, &t, "Rina (FO)", noon(on)).await.unwrap();
    loop {
        let (state, version) = state_of(store, n).await;
        if state.status == Status::Selesai {
            return on;
        }
        on = on.checked_add(2.days()).unwrap();
        let t = state.advance(procedure("penyelesaian"), on, "dikerjakan").unwrap();
        store_transition(store, n, version, &t, "Budi (JFT)", noon(on)).await.unwrap();
    }
}

fn next_day(d: Date) -> Date {
    d.checked_add(1.day()).unwrap()
}

/// Noon in Jakarta on `d`, as an instant.
fn noon(d: Date) -> Timestamp {
    d.at(5, 0, 0, 0).to_zoned(TimeZone::UTC).unwrap().timestamp()
}

/// The median of `times` in milliseconds, as text.
fn median_ms(times: &mut [Duration]) -> String {
    times.sort();
    format!("median {:.1} ms", times[times.len() / 2].as_secs_f64() * 1000.0)
}
