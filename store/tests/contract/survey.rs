//! Survey answers, one contract on both stores (SQLite and DynamoDB on moto's server), reached
//! through `AnyStore`: once per complaint (the second answer refused and the first kept), read
//! back by period across months, oldest first, the period's end excluded; and whether a
//! complaint's survey was answered, for that complaint only.

use jiff::Timestamp;
use pengaduan_core::skm::Answers;
use pengaduan_store::AnyStore;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{Moto, sqlite_store};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn answers(v: u8) -> Answers {
    Answers::new([v; 9]).unwrap()
}

async fn a_survey_is_answered_once<S: SurveyStore>(store: &S) {
    let at = ts("2026-11-30T03:00:00.25Z");
    assert!(!store.survey_answered("PGD-2026-00001").await.unwrap(), "nothing answered yet");
    assert!(store.record_survey("PGD-2026-00001", answers(4), at).await.unwrap());
    assert!(store.survey_answered("PGD-2026-00001").await.unwrap());
    assert!(!store.survey_answered("PGD-2026-00002").await.unwrap(), "another complaint is not answered");
    assert!(!store.survey_answered("PGD-2026-0000").await.unwrap(), "a prefix of the number is not it");
    // The second answer is refused, even with other answers, and the first is kept.
    assert!(!store.record_survey("PGD-2026-00001", answers(1), ts("2026-11-30T04:00:00Z")).await.unwrap());
    assert!(store.record_survey("PGD-2026-00002", answers(2), ts("2026-11-30T05:00:00Z")).await.unwrap());
    assert!(store.survey_answered("PGD-2026-00002").await.unwrap());
    let all = store.surveys(ts("2026-11-01T00:00:00Z"), ts("2026-12-01T00:00:00Z")).await.unwrap();
    assert_eq!(all, [(at, answers(4)), (ts("2026-11-30T05:00:00Z"), answers(2))]);
}

async fn surveys_are_read_by_period_across_months<S: SurveyStore>(store: &S) {
    let times = [
        "2026-09-30T23:59:59Z",
        "2026-10-01T00:00:00Z",
        "2026-10-15T08:00:00Z",
        "2026-11-02T08:00:00Z",
        "2027-01-05T08:00:00Z",
        "2027-02-01T00:00:00Z",
    ];
    for (i, t) in times.iter().enumerate() {
        let v = u8::try_from(i % 4 + 1).unwrap();
        assert!(store.record_survey(&format!("PGD-2026-{:05}", i + 10), answers(v), ts(t)).await.unwrap());
    }
    let got = store.surveys(ts("2026-10-01T00:00:00Z"), ts("2027-02-01T00:00:00Z")).await.unwrap();
    let at: Vec<Timestamp> = got.iter().map(|(t, _)| *t).collect();
    assert_eq!(at, [ts(times[1]), ts(times[2]), ts(times[3]), ts(times[4])], "start in, end out, December empty");
    assert_eq!(got[0].1, answers(2));
    assert!(store.surveys(ts("2026-12-01T00:00:00Z"), ts("2027-01-01T00:00:00Z")).await.unwrap().is_empty());
    assert!(store.surveys(ts("2027-02-01T00:00:00Z"), ts("2026-10-01T00:00:00Z")).await.unwrap().is_empty());
}

contract! {
    sqlite => {
        let (store, dir) = sqlite_store();
        (AnyStore::Sqlite(store), dir)
    },
    dynamodb => (AnyStore::Dynamo(Moto::shared().store().await), ());
    [
        a_survey_is_answered_once,
        surveys_are_read_by_period_across_months,
    ]
}
