//! The Survei Kepuasan Masyarakat of a `selesai` complaint: shown and answered once, with the
//! tracking code as proof, refused otherwise.

use super::*;
use jiff::civil::date;
use pengaduan_core::Status;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{advance, complaint, complete, nomor, now, state_of};
use pengaduan_store::{ComplaintStore, WorkflowStore};

/// An app holding one complaint, moved to `selesai` when `finished`; its number and code.
async fn app_with_complaint(finished: bool) -> (App<SqliteStore>, String, String) {
    let store = SqliteStore::in_memory().unwrap();
    let c = complaint(1, "survei", now(), 2026);
    let code = c.receipt.kode_lacak.clone();
    let n = nomor(&store.submit(c).await.unwrap());
    if finished {
        complete(&store, &n, "penyelesaian", date(2026, 12, 1)).await;
        for _ in 0..20 {
            if state_of(&store, &n).await.0.status == Status::Selesai {
                break;
            }
            advance(&store, &n, "Budi (JFT)").await;
        }
        assert_eq!(store.load(&n).await.unwrap().unwrap().row.state.status, Status::Selesai);
    }
    let app = App::new(store, Config::default(), HttpConfig::default(), crate::pages()).with_clock(now);
    (app, n.to_string(), code)
}

fn answers(n: &str, code: &str, values: &str) -> String {
    let mut body = format!("nomor={n}&kode={code}");
    for (i, v) in values.chars().enumerate() {
        if v != '_' {
            body.push_str(&format!("&u{}={v}", i + 1));
        }
    }
    body
}

async fn post(app: &App<SqliteStore>, body: String, accept: &str) -> Response<Bytes> {
    send(app, "POST", "/api/survei", &[("content-type", "application/x-www-form-urlencoded"), ("accept", accept)], body)
        .await
}

/// The code with its first character changed: well formed, and wrong.
fn wrong_code(code: &str) -> String {
    let first = if code.starts_with('0') { '1' } else { '0' };
    format!("{first}{}", &code[1..])
}

fn html(resp: &Response<Bytes>) -> String {
    String::from_utf8(resp.body().to_vec()).unwrap()
}

/// No address on `page` holds a tracking code: the code travels in POSTed forms only (issue 23:
/// browser history on shared phones).
fn no_code_in_addresses(page: &str, code: &str) {
    assert!(!page.contains("kode="), "an address with a code: {page}");
    assert!(page.contains(&format!("<input type=\"hidden\" name=\"kode\" value=\"{code}\">")), "{page}");
}

/// The form that opens the survey (`buka=1`) with the code, in `lang`.
fn survey_opener(n: &str, code: &str, lang: &str) -> String {
    format!(
        "<form class=\"inline-form\" method=\"post\" action=\"survei\"><input type=\"hidden\" name=\"nomor\" value=\"{n}\"><input type=\"hidden\" name=\"kode\" value=\"{code}\"><input type=\"hidden\" name=\"lang\" value=\"{lang}\"><input type=\"hidden\" name=\"buka\" value=\"1\">"
    )
}

/// The language switch's form to `lang`, POSTing `fields` to `action` (escaped as printed).
fn switch_to(action: &str, fields: &str, lang: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\">{fields}<input type=\"hidden\" name=\"lang\" value=\"{lang}\"><button type=\"submit\" lang=\"{lang}\">"
    )
}

fn hidden(name: &str, value: &str) -> String {
    format!("<input type=\"hidden\" name=\"{name}\" value=\"{value}\">")
}

#[tokio::test]
async fn a_finished_complaint_invites_and_shows_the_nine_questions() {
    let (app, n, code) = app_with_complaint(true).await;
    let status = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    let page = html(&status);
    assert!(page.contains(&survey_opener(&n, &code, "id")), "invitation: {page}");
    no_code_in_addresses(&page, &code);

    // The invitation's form opens the survey; an old address with the code still does.
    let opened = post(&app, format!("nomor={n}&kode={code}&lang=id&buka=1"), "text/html").await;
    assert_eq!(opened.status(), 200);
    no_code_in_addresses(&html(&opened), &code);
    let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(html(&resp), html(&opened), "the same page either way");
    let page = html(&resp);
    assert_eq!(page.matches("<fieldset").count(), 9, "one fieldset per question");
    assert_eq!(page.matches("<legend").count(), 9);
    assert_eq!(page.matches("type=\"radio\"").count(), 36, "four answers each");
    for u in pengaduan_core::skm::UNSUR {
        assert!(page.contains(&u.pertanyaan.replace('/', "&#x2F;")), "{}", u.kode);
    }
    assert!(page.contains("method=\"post\"") && page.contains("action=\"/api/survei\""));
    assert!(!page.contains("Siti"), "no personal data on the page");
}

#[tokio::test]
async fn the_survey_is_answered_once() {
    let (app, n, code) = app_with_complaint(true).await;
    let thanks = post(&app, answers(&n, &code, "434433423"), "text/html").await;
    assert_eq!(thanks.status(), StatusCode::OK, "the thanks at once: no address to hold the code");
    assert!(thanks.headers().get("location").is_none());
    assert!(html(&thanks).contains("Terima kasih atas penilaian Anda"));
    no_code_in_addresses(&html(&thanks), &code);

    let reopened = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    assert_eq!(reopened.status(), 200);
    let page = html(&reopened);
    assert!(page.contains("<h1 class=\"panel__title\">Survei sudah diisi</h1>"), "{page}");
    assert!(page.contains("terima kasih atas penilaian Anda"));
    assert!(!page.contains("id=\"form-survei\""), "no form to be refused");
    assert_eq!(page.matches("type=\"radio\"").count(), 0);

    let again = post(&app, answers(&n, &code, "111111111"), "text/html").await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(html(&again).contains("Survei untuk pengaduan ini sudah diisi"));
    let again = post(&app, answers(&n, &code, "111111111"), "application/json").await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(json_of(&again)["error"].as_str().unwrap().contains("hanya dapat dinilai satu kali"));

    let stored = app
        .store()
        .surveys(now() - std::time::Duration::from_secs(60), now() + std::time::Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(stored.len(), 1, "the first answer only");
    assert_eq!(stored[0].1.code(), "434433423");
}

#[tokio::test]
async fn json_answers_are_created() {
    let (app, n, code) = app_with_complaint(true).await;
    let resp = post(&app, answers(&n, &code, "444444444"), "application/json").await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(json_of(&resp)["nomor"], n.as_str());
}

#[tokio::test]
async fn missing_answers_show_the_form_again_with_errors() {
    let (app, n, code) = app_with_complaint(true).await;
    let resp = post(&app, answers(&n, &code, "4_44_4445"), "text/html").await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&resp);
    assert!(page.contains("error-summary"));
    assert!(page.contains("Pilih satu jawaban untuk pertanyaan 2 (Sistem, mekanisme, dan prosedur)."), "{page}");
    assert!(page.contains("pertanyaan 5"));
    assert!(page.contains("Jawaban pertanyaan 9 (Sarana dan prasarana) harus 1, 2, 3, atau 4."));
    assert!(page.contains("id=\"u1-4\" name=\"u1\" value=\"4\" checked"), "answers kept");
    let resp = post(&app, answers(&n, &code, "4_4444444"), "application/json").await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(&resp)["errors"][0]["field"], "u2");
    assert!(
        app.store()
            .surveys(now() - std::time::Duration::from_secs(60), now() + std::time::Duration::from_secs(60))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn wrong_codes_unknown_numbers_and_open_complaints_are_refused() {
    let (app, n, code) = app_with_complaint(true).await;
    let wrong = wrong_code(&code);
    let lacak = send(
        &app,
        "GET",
        &format!("/api/lacak?nomor={n}&kode={wrong}"),
        &[("accept", "application/json")],
        Bytes::new(),
    )
    .await;
    for uri in [format!("/api/survei?nomor={n}&kode={wrong}"), format!("/api/survei?nomor=PGD-2026-09999&kode={code}")]
    {
        let resp = send(&app, "GET", &uri, &[("accept", "application/json")], Bytes::new()).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(json_of(&resp)["error"], json_of(&lacak)["error"], "the same answer as the status page");
    }
    let resp = post(&app, answers(&n, &wrong, "444444444"), "text/html").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let (open, n, code) = app_with_complaint(false).await;
    let resp = send(&open, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(html(&resp).contains("setelah pengaduan Anda selesai"));
    let resp = post(&open, answers(&n, &code, "444444444"), "text/html").await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let status = send(&open, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    assert!(!html(&status).contains("name=\"buka\""), "no invitation before selesai");
}

#[tokio::test]
async fn the_english_status_page_invites_to_the_english_survey() {
    let (app, n, code) = app_with_complaint(true).await;
    let status = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}&lang=en"), &[], Bytes::new()).await;
    let page = html(&status);
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains(&survey_opener(&n, &code, "en")), "invitation: {page}");
    let switch = switch_to("/api/lacak", &(hidden("nomor", &n) + &hidden("kode", &code)), "id");
    assert!(page.contains(&switch), "the switch POSTs the code: {page}");
    no_code_in_addresses(&page, &code);
    assert!(page.contains("Telephone: (0000) 123456"), "the channel's English name on the receipt");
    assert!(!page.contains("Telepon:"), "{page}");
    let status = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    let page = html(&status);
    assert!(page.contains("Telepon: (0000) 123456") && !page.contains("Telephone"), "Indonesian keeps its name");
}

#[tokio::test]
async fn the_survey_in_english_asks_the_nine_questions_in_english() {
    let (app, n, code) = app_with_complaint(true).await;
    let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}&lang=en"), &[], Bytes::new()).await;
    assert_eq!(resp.status(), 200);
    let page = html(&resp);
    assert!(page.contains("<html lang=\"en\">"), "{page}");
    assert!(page.contains("<h1>Public Satisfaction Survey</h1>"), "{page}");
    assert_eq!(page.matches("<fieldset").count(), 9, "one fieldset per question");
    assert_eq!(page.matches("type=\"radio\"").count(), 36, "four answers each");
    for u in pengaduan_core::skm::UNSUR {
        assert!(page.contains(&u.pertanyaan_en.replace('\'', "&#x27;")), "{}", u.kode);
        assert!(!page.contains(u.pertanyaan), "{}: no Indonesian question", u.kode);
        assert!(page.contains(&u.nama_in(pengaduan_core::Lang::En).replace('/', "&#x2F;")), "{}", u.kode);
        for label in u.jawaban_en {
            assert!(page.contains(&format!(">{label}</label>")), "{label}");
        }
    }
    assert!(page.contains("Requirements (Persyaratan)"), "the official name in brackets");
    assert!(page.contains("<input type=\"hidden\" name=\"lang\" value=\"en\">"));
    assert!(page.contains("Send Survey") && !page.contains("Kirim Survei"));
    let back = format!(
        "action=\"/api/lacak\">{}{}{}<button type=\"submit\" class=\"button button--secondary\">Back to the complaint&#x27;s status</button>",
        hidden("nomor", &n),
        hidden("kode", &code),
        hidden("lang", "en")
    );
    assert!(page.contains(&back), "back, in English: {page}");
    let fields = hidden("nomor", &n) + &hidden("kode", &code) + &hidden("buka", "1");
    assert!(page.contains(&switch_to("/api/survei", &fields, "id")), "the language switch: {page}");
    no_code_in_addresses(&page, &code);
    assert!(page.contains("Telephone:") && !page.contains("Telepon:"), "the footer's channel in English");
    for indonesian in ["Pengaduan ", "Survei Kepuasan", "Kembali", "pertanyaan"] {
        assert!(!page.contains(indonesian), "{indonesian:?} on the English page");
    }
    // Accept-Language alone picks English too.
    let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[("accept-language", "en")], "").await;
    assert!(html(&resp).contains("<h1>Public Satisfaction Survey</h1>"));
}

#[tokio::test]
async fn missing_answers_in_english_come_back_in_english_with_the_values_kept() {
    let (app, n, code) = app_with_complaint(true).await;
    let resp = post(&app, answers(&n, &code, "4_44_4445") + "&lang=en", "text/html").await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&resp);
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("<title>Error: Public Satisfaction Survey"), "{page}");
    assert!(page.contains("There is a problem") && page.contains("Answer every question, then send the survey again."));
    assert!(page.contains("Choose one answer for question 2 (System, mechanism, and procedure)."), "{page}");
    assert!(page.contains("Choose one answer for question 5 (Product specification by type of service)."));
    assert!(page.contains("The answer to question 9 (Facilities and infrastructure) must be 1, 2, 3, or 4."));
    assert!(!page.contains("Pilih satu jawaban"), "no Indonesian message");
    assert!(page.contains("id=\"u1-4\" name=\"u1\" value=\"4\" checked"), "answers kept");
    assert!(page.contains("<span class=\"visually-hidden\">Error:</span>"));
    let json_en = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("accept", "application/json"),
        ("accept-language", "en"),
    ];
    let resp = send(&app, "POST", "/api/survei", &json_en, answers(&n, &code, "4_4444444")).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(&resp)["errors"][0]["message"],
        "Choose one answer for question 2 (System, mechanism, and procedure)."
    );
    // The form's field beats the header.
    let resp = send(&app, "POST", "/api/survei", &json_en, answers(&n, &code, "4_4444444") + "&lang=id").await;
    assert!(json_of(&resp)["errors"][0]["message"].as_str().unwrap().starts_with("Pilih satu jawaban"));
}

#[tokio::test]
async fn an_english_answer_thanks_in_english_and_stores_the_same_numbers() {
    let (app, n, code) = app_with_complaint(true).await;
    let resp = post(&app, answers(&n, &code, "434433423") + "&lang=en", "text/html").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let thanks = html(&resp);
    assert!(thanks.contains("<html lang=\"en\">") && thanks.contains("Thank you for your rating"), "{thanks}");
    assert!(thanks.contains(&format!("action=\"/api/lacak\">{}", hidden("nomor", &n))), "back: {thanks}");
    let fields = hidden("nomor", &n) + &hidden("kode", &code) + &hidden("buka", "1") + &hidden("terima_kasih", "1");
    assert!(thanks.contains(&switch_to("/api/survei", &fields, "id")), "the thanks in Indonesian: {thanks}");
    no_code_in_addresses(&thanks, &code);
    let switched = post(&app, format!("nomor={n}&kode={code}&buka=1&terima_kasih=1&lang=id"), "text/html").await;
    assert!(html(&switched).contains("Terima kasih atas penilaian Anda"), "the switch keeps the thanks");
    let reopened = html(&send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}&lang=en"), &[], "").await);
    assert!(reopened.contains("<h1 class=\"panel__title\">Survey already answered</h1>"), "{reopened}");
    let again = post(&app, answers(&n, &code, "111111111") + "&lang=en", "application/json").await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(json_of(&again)["error"].as_str().unwrap().contains("can be rated only once"));
    let stored = app
        .store()
        .surveys(now() - std::time::Duration::from_secs(60), now() + std::time::Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1.code(), "434433423", "the numbers, whatever the language");
}

#[tokio::test]
async fn the_indonesian_survey_keeps_its_words() {
    let (app, n, code) = app_with_complaint(true).await;
    let page = html(&send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await);
    assert!(page.contains("<html lang=\"id\">"));
    assert!(page.contains("<h1>Survei Kepuasan Masyarakat</h1>"));
    assert!(page.contains(&format!(
        "<p class=\"lead\">Pengaduan {n} telah selesai. Bantu kami memperbaiki pelayanan dengan menjawab sembilan pertanyaan berikut.</p>"
    )));
    assert!(page.contains("<p>Survei ini hanya dapat diisi satu kali untuk setiap pengaduan. Jawaban Anda disimpan tanpa nama atau data pribadi lain.</p>"));
    assert!(page.contains("data-cegah-kirim-ganda>Kirim Survei</button>"));
    assert!(page.contains(&format!(
        "{}<button type=\"submit\" class=\"button button--secondary\">Kembali ke status pengaduan</button>",
        hidden("lang", "id")
    )));
    assert!(page.contains("<p class=\"hint\">Persyaratan</p>"), "the regulation's name alone");
    assert!(!page.contains("Requirements") && !page.contains("Telephone"));
    let fields = hidden("nomor", &n) + &hidden("kode", &code) + &hidden("buka", "1");
    assert!(page.contains(&switch_to("/api/survei", &fields, "en")), "{page}");
}

#[tokio::test]
async fn failed_survey_look_ups_count_toward_the_limit() {
    let (app, n, code) = app_with_complaint(true).await;
    let wrong = wrong_code(&code);
    for _ in 0..form_fn::http::LOOKUP_FAILURES_PER_10_MIN {
        let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={wrong}"), &[], Bytes::new()).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    }
    let resp = send(&app, "GET", &format!("/api/survei?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "a right code is refused too, past the limit");
    let resp = send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}"), &[], Bytes::new()).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "one limit for both pages");
}
