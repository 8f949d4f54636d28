//! `GET …/lacak`: a complaint's public status, shown to whoever has its number and tracking
//! code; the code check and the failed look-up limit, which the survey shares.

use super::App;
use super::body;
use super::confirmation::Confirmation;
use super::pages::{AnswerView, LengkapiView, StageView, StatusOptions, StatusView, fallback_html};
use super::respond::{
    Limit, Lookup, complaint_not_found, error_response, html_response, json_response, number_and_code_required,
    store_failure, too_many,
};
use bytes::Bytes;
use http::{Response, StatusCode};
use jiff::Timestamp;
use pengaduan_core::datetime::{date_in, human_time_in, rfc3339};
use pengaduan_core::{Lang, RegisterNumber, Status, TrackingCode};
use pengaduan_store::answer::AnswerStore;
use pengaduan_store::intake::digest;
use pengaduan_store::{ComplaintStore, PublicRecord, RateDecision, error_chain};
use serde_json::json;
use std::net::IpAddr;

/// Answers a status look-up (`nomor`, `kode`, and `cetak=1` for the receipt alone).
pub(super) async fn lookup_query<S: ComplaintStore + AnswerStore>(
    app: &App<S>,
    query: &str,
    source: Option<IpAddr>,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    let guesser = lookup_source_key(source);
    let now = app.now().timestamp();
    if let Some(refusal) = lookup_refused(app, &guesser, now, wants_json, lang).await {
        return refusal;
    }
    let mut nomor = String::new();
    let mut kode = String::new();
    let mut print = false;
    let mut sealed = String::new();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Ok(value) = body::decode_component(value.as_bytes()) else {
            let unreadable = error_response(
                app,
                StatusCode::BAD_REQUEST,
                wants_json,
                lang,
                lang.pick("Data tidak dapat dibaca", "The data cannot be read"),
                lang.pick("Alamat pelacakan tidak sah.", "The tracking address is not valid."),
            );
            return failed_lookup(app, &guesser, now, unreadable, wants_json, lang).await;
        };
        match name {
            "nomor" if nomor.is_empty() => nomor = value,
            "kode" if kode.is_empty() => kode = value,
            // The receipt on its own, to print (HTML only: the JSON answer ignores it).
            "cetak" => print = value == "1",
            // Back from a submission: where its receipt went (sealed, see `confirmation`).
            "konfirmasi" if sealed.is_empty() => sealed = value,
            _ => {}
        }
    }
    // People reach this from the tracking form: a mistake shows that form again, values kept.
    let form_again = |status: StatusCode, title: &str, message: &str| {
        if wants_json {
            return error_response(app, status, true, lang, title, message);
        }
        match app.pages().lacak_with_error(nomor.trim(), kode.trim(), message, lang) {
            Ok(html) => html_response(status, html),
            Err(e) => {
                tracing::error!(error = %error_chain(&e), "tracking template failed");
                html_response(status, fallback_html(title, message, lang))
            }
        }
    };
    let refusal = (Lookup::Status, form_again);
    let (record, code) = match find_with_code(app, &guesser, now, (&nomor, &kode), refusal, wants_json, lang).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let key = app.config.code_key.as_ref();
    let confirmation = Some(sealed)
        .filter(|s| !s.is_empty() && record.status == Status::Diterima)
        .and_then(|s| Confirmation::open(key, &record.nomor.to_string(), &code, &s, now))
        .map(|c| c.view(lang));
    let options = StatusOptions {
        print,
        site_origin: app.http.site_origin.as_deref(),
        confirmation: confirmation.as_ref(),
        elsewhere: false,
    };
    status_answer(app, &record, &code, options, wants_json, lang, LengkapiView::default()).await
}

/// The status page (or its JSON) of `record`, found with `code`; `lengkapi` carries what the
/// addition's route has to say (its errors, its confirmation).
pub(super) async fn status_answer<S: ComplaintStore + AnswerStore>(
    app: &App<S>,
    record: &PublicRecord,
    code: &TrackingCode,
    options: StatusOptions<'_>,
    wants_json: bool,
    lang: Lang,
    lengkapi: LengkapiView,
) -> Response<Bytes> {
    use pengaduan_core::workflow;
    let tz = app.config.timezone.clone();
    let received = record.received_at.to_zoned(tz.clone());
    // Dated public statuses from the history; a complaint stored before histories existed
    // still shows the day it was received.
    let mut events: Vec<(Status, jiff::civil::Date)> =
        record.events.iter().map(|e| (e.status, e.on.unwrap_or_else(|| e.at.to_zoned(tz.clone()).date()))).collect();
    if !events.iter().any(|(s, _)| *s == Status::Diterima) {
        events.insert(0, (Status::Diterima, received.date()));
    }
    let public_stages = workflow::public_stages(record.status, &events);
    let stages = public_stages
        .iter()
        .map(|st| StageView {
            status: st.status.code(),
            label: st.status.label_in(lang),
            reached: st.reached,
            date_text: st.date.map(|d| date_in(lang, d)).unwrap_or_default(),
        })
        .collect();
    // The deadline counts only while the clock runs (files complete, not returned since).
    let deadline =
        record.deadline.filter(|_| matches!(record.status, Status::Diverifikasi | Status::Diproses | Status::Selesai));
    // The status's own plain sentence, not the stored next procedure step: that is the service
    // page's wording for staff ("JFT Analis Kebijakan ...: Memverifikasi dan memaraf ...").
    let next_step = record.status.next_step_in(lang).to_owned();
    let overdue = deadline
        .filter(|_| record.status != Status::Selesai)
        .and_then(|d| app.pages().calendar().overdue_by(d.value, app.now().date()));
    // The answer is handed over with the last step: shown once the complaint is finished.
    let answer = if record.status == Status::Selesai {
        match app.store.answer(&record.nomor.to_string()).await {
            Ok(answer) => answer.map(|a| AnswerView::new(&a, lang)),
            Err(e) => return store_failure(app, &e, wants_json, lang),
        }
    } else {
        None
    };
    let view = StatusView {
        nomor: record.nomor.to_string(),
        kode_lacak: code.to_string(),
        status: record.status.code(),
        status_label: record.status.label_in(lang),
        jenis: record.jenis.code(),
        jenis_label: record.jenis.label_in(lang),
        judul: record.judul.clone(),
        diterima_pada: rfc3339(&received),
        diterima_pada_text: human_time_in(lang, &received),
        next_step,
        stages,
        deadline_text: deadline.map(|d| date_in(lang, d.value)).unwrap_or_default(),
        deadline_provisional: deadline.is_some_and(|d| d.provisional),
        deadline_note: deadline.and_then(|d| d.provisional_note_in(lang)).unwrap_or_default(),
        anonim: record.anonim,
        overdue: overdue.is_some(),
        overdue_days: overdue.map_or(0, |n| n.value),
        jawaban: answer,
        lengkapi: LengkapiView { alasan: record.return_reason.clone().unwrap_or_default(), ..lengkapi },
    };
    if wants_json {
        let tahapan: Vec<_> = public_stages
            .iter()
            .map(|st| {
                json!({
                    "status": st.status.code(),
                    "label": st.status.label_in(lang),
                    "tercapai": st.reached,
                    "tanggal": st.date.map(|d| d.to_string()),
                })
            })
            .collect();
        let mut answer = json!({
                "nomor": view.nomor,
                "status": view.status,
                "status_label": view.status_label,
                "jenis": record.jenis.code(),
                "diterima_pada": view.diterima_pada,
                "langkah_berikutnya": view.next_step,
                "tahapan": tahapan,
                "tenggat": deadline.map(|d| d.value.to_string()),
                "tenggat_sementara": view.deadline_provisional,
        });
        // Keys beyond the contract's appear only when they say something, so a client that
        // reads the contract's keys sees exactly those on an ordinary complaint.
        if let Some(days) = overdue {
            answer["terlambat_hari_kerja"] = json!(days.value);
        }
        if let Some(a) = &view.jawaban {
            answer["jawaban"] = json!({ "teks": a.text, "bahasa": a.lang, "berita_acara": a.berita_acara });
        }
        // Only while the files are with the complainant: what the office asked for.
        if let Some(reason) = &record.return_reason {
            answer["alasan_pengembalian"] = json!(reason);
        }
        return json_response(StatusCode::OK, &answer);
    }
    match app.pages().status(&view, options, lang) {
        Ok(html) => html_response(StatusCode::OK, html),
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "status template failed");
            html_response(
                StatusCode::OK,
                fallback_html(
                    &format!("Status {}", view.nomor),
                    &format!("Status: {}. {}", view.status_label, view.next_step),
                    lang,
                ),
            )
        }
    }
}

/// Refuses a source over [`LOOKUP_FAILURES_PER_10_MIN`]. Checked before anything is looked
/// up: over the limit, a right guess must get the same answer as a wrong one, or the limit
/// would only slow the search down.
pub(super) async fn lookup_refused<S: ComplaintStore>(
    app: &App<S>,
    guesser: &str,
    now: Timestamp,
    wants_json: bool,
    lang: Lang,
) -> Option<Response<Bytes>> {
    match app.store.peek_events(guesser, now, LOOKUP_FAILURE_WINDOW, LOOKUP_FAILURES_PER_10_MIN).await {
        Ok(RateDecision::Allowed) => None,
        Ok(RateDecision::Limited { retry_after }) => Some(too_many(app, Limit::Lookups, retry_after, wants_json, lang)),
        Err(e) => Some(store_failure(app, &e, wants_json, lang)),
    }
}

/// The complaint numbered `nomor` if `kode` is its tracking code (`given` is both): the one
/// check behind every public page that names a complaint. Otherwise the refusal `show` shows,
/// worded for `lookup`: `400` when either is missing, else the same `404` for an unknown number
/// and a wrong code, counted as a failed look-up of `guesser`.
pub(super) async fn find_with_code<S: ComplaintStore>(
    app: &App<S>,
    guesser: &str,
    now: Timestamp,
    (nomor, kode): (&str, &str),
    (lookup, show): (Lookup, impl Fn(StatusCode, &str, &str) -> Response<Bytes> + Copy),
    wants_json: bool,
    lang: Lang,
) -> Result<(PublicRecord, TrackingCode), Response<Bytes>> {
    if nomor.trim().is_empty() || kode.trim().is_empty() {
        return Err(number_and_code_required(lookup, lang, show));
    }
    let not_found = || complaint_not_found(lookup, lang, show);
    let (Some(number), Some(code)) = (RegisterNumber::parse(nomor), TrackingCode::parse(kode)) else {
        return Err(failed_lookup(app, guesser, now, not_found(), wants_json, lang).await);
    };
    let stored = match app.store.find_public(&number).await {
        Ok(stored) => stored,
        Err(e) => return Err(store_failure(app, &e, wants_json, lang)),
    };
    // An unknown number does the same work as a wrong code (hash the code given, compare it in
    // constant time), so the answer's timing does not tell which numbers exist.
    // The digest under the scheme the record was stored with (keyed, or plain for older ones);
    // an unknown number is hashed as a new code would be.
    let key = app.config.code_key.as_ref().map(pengaduan_store::config::CodeKey::bytes);
    let stored_digest = stored.as_ref().map_or(UNKNOWN_NUMBER_DIGEST, |r| r.kode_hash.as_str());
    let given = match stored.as_ref() {
        Some(r) => code.digest_like(&r.kode_hash, key).unwrap_or_else(|| {
            tracing::error!("a keyed tracking-code digest and no key: set PENGADUAN_CODE_KEY");
            String::new()
        }),
        None => code.digest_with(key),
    };
    let matches = digests_match(&given, stored_digest);
    let record = match stored {
        Some(record) if matches => record,
        _ => return Err(failed_lookup(app, guesser, now, not_found(), wants_json, lang).await),
    };
    Ok((record, code))
}

/// Failed tracking look-ups (unknown number, wrong code, malformed either) one source may make
/// in ten minutes; the next is refused with `429` until the window ends. Always on: unlike the
/// submission limit it guards the codes' secrecy, not the office's workload.
pub const LOOKUP_FAILURES_PER_10_MIN: u32 = 30;

/// The window [`LOOKUP_FAILURES_PER_10_MIN`] counts in.
const LOOKUP_FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The stored digest an unknown number is compared against: SHA-256 of the empty string, which
/// no tracking code (twelve characters) has, so the comparison always fails, yet costs the same.
const UNKNOWN_NUMBER_DIGEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Whether two digests are equal, in time that depends on their length only (which is public),
/// never on where they first differ: an early exit would let a guesser find a digest byte by
/// byte.
fn digests_match(given: &str, stored: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(given.as_bytes().ct_eq(stored.as_bytes()))
}

/// The counter key of a source's failed look-ups: a digest, namespaced apart from the submission
/// limit's. An IPv6 source counts by its /64 (core's rule, as the console's login limits count).
pub(super) fn lookup_source_key(source: Option<IpAddr>) -> String {
    digest(&format!("lacak-gagal:{}", pengaduan_core::access::address_block(source)))
}

/// Counts a failed look-up against its source and gives `failure`, or the `429` when this one
/// is past the limit (concurrent failures got there first). A count the store cannot make is a
/// `503`: a limit that silently stops counting protects nothing.
async fn failed_lookup<S: ComplaintStore>(
    app: &App<S>,
    guesser: &str,
    now: Timestamp,
    failure: Response<Bytes>,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    match app.store.count_event(guesser, now, LOOKUP_FAILURE_WINDOW, LOOKUP_FAILURES_PER_10_MIN).await {
        Ok(RateDecision::Allowed) => failure,
        Ok(RateDecision::Limited { retry_after }) => too_many(app, Limit::Lookups, retry_after, wants_json, lang),
        Err(e) => store_failure(app, &e, wants_json, lang),
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    #[test]
    fn digests_match_only_when_equal() {
        let code = TrackingCode::parse("7KQ2-M9XD-4TPA").unwrap().digest();
        assert!(digests_match(&code, &code.clone()));
        let mut last_differs = code.clone().into_bytes();
        last_differs[63] = if last_differs[63] == b'0' { b'1' } else { b'0' };
        assert!(!digests_match(&code, std::str::from_utf8(&last_differs).unwrap()), "the last byte counts");
        let first_differs = format!("{}{}", if code.starts_with('0') { '1' } else { '0' }, &code[1..]);
        assert!(!digests_match(&code, &first_differs), "the first byte counts");
        assert!(!digests_match(&code, &code[..63]), "a prefix is no match");
        assert!(!digests_match(&code, ""), "nor is nothing");
        assert!(!digests_match("", &code));
    }

    #[test]
    fn an_unknown_number_is_compared_against_a_digest_no_code_has() {
        assert_eq!(UNKNOWN_NUMBER_DIGEST, digest(""), "SHA-256 of the empty string");
        let code = TrackingCode::parse("0000-0000-0000").unwrap().digest();
        assert_eq!(code.len(), UNKNOWN_NUMBER_DIGEST.len(), "the same length, so the same work");
        assert!(!digests_match(&code, UNKNOWN_NUMBER_DIGEST));
    }

    #[test]
    fn failed_lookups_count_per_source_apart_from_submissions() {
        let v4 = |d| Some(IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, d)));
        assert_eq!(lookup_source_key(v4(7)), lookup_source_key(v4(7)));
        assert_ne!(lookup_source_key(v4(7)), lookup_source_key(v4(8)));
        assert_ne!(lookup_source_key(v4(7)), digest("source:203.0.113.7"), "not the submission limit's key");
        let v6 = |s: &str| Some(IpAddr::V6(s.parse().unwrap()));
        assert_eq!(lookup_source_key(v6("2001:db8:1:2::1")), lookup_source_key(v6("2001:db8:1:2:ffff::9")), "one /64");
        assert_ne!(lookup_source_key(v6("2001:db8:1:2::1")), lookup_source_key(v6("2001:db8:1:3::1")));
        assert_eq!(lookup_source_key(v6("::ffff:203.0.113.7")), lookup_source_key(v4(7)), "IPv4-mapped");
    }
}
