//! `GET`/`POST …/survei`: the Survei Kepuasan Masyarakat of a `selesai` complaint, answered
//! once, with the tracking code as proof. The same look-up (constant-time code check, failed
//! look-ups counted) as the status page; the answers are stored without the complainant's data.
//! In the request's language (`lang` in the query or the form, else `Accept-Language`): the
//! questions in the regulation's Indonesian or in English; the stored answers are 1..=4 either way.

use super::lookup::{find_with_code, lookup_refused, lookup_source_key};
use super::pages::SurveyView;
use super::respond::{Lookup, error_response, html_response, json_response, store_failure, too_large_message};
use super::{App, body, pages::fallback_html};
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use pengaduan_core::skm::{AnswerError, Answers};
use pengaduan_core::{Lang, RawValue, Status};
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::{ComplaintStore, error_chain};
use serde_json::json;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The fields the survey reads: the number, the code, and `u1` … `u9`.
pub(super) type Fields = BTreeMap<String, String>;

/// Handles the survey's form (`GET`) and its answers (`POST`); `lang` is the query's or
/// `Accept-Language`'s, which a POST's `lang` field overrides.
pub(super) async fn handle<S: ComplaintStore + SurveyStore>(
    app: &App<S>,
    req: Request<Bytes>,
    source: Option<IpAddr>,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    let guesser = lookup_source_key(source);
    let now = app.now().timestamp();
    if let Some(refusal) = lookup_refused(app, &guesser, now, wants_json, lang).await {
        return refusal;
    }
    let unreadable = lang.pick("Data tidak dapat dibaca", "The data cannot be read");
    let post = req.method() == Method::POST;
    let fields = if post {
        match read_body(req, lang, &SURVEY_FIELDS).await {
            Ok(fields) => fields,
            Err(message) => {
                return error_response(app, StatusCode::BAD_REQUEST, wants_json, lang, unreadable, message);
            }
        }
    } else {
        match read_query(req.uri().query().unwrap_or("")) {
            Some(fields) => fields,
            None => {
                let message = lang.pick("Alamat survei tidak sah.", "The survey's address is not valid.");
                return error_response(app, StatusCode::BAD_REQUEST, wants_json, lang, unreadable, message);
            }
        }
    };
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    // The form's own `lang` field (or the query's), as on the complaint form; else the header's.
    let lang = fields.get("lang").and_then(|l| Lang::parse(l)).unwrap_or(lang);
    let (nomor, kode) = (field("nomor"), field("kode"));
    let show = |status, title: &str, message: &str| error_response(app, status, wants_json, lang, title, message);
    let (record, code) =
        match find_with_code(app, &guesser, now, (&nomor, &kode), (Lookup::Survey, show), wants_json, lang).await {
            Ok(found) => found,
            Err(refusal) => return refusal,
        };
    if record.status != Status::Selesai {
        return error_response(
            app,
            StatusCode::CONFLICT,
            wants_json,
            lang,
            lang.pick("Survei belum dapat diisi", "The survey cannot be answered yet"),
            lang.pick(
                "Survei kepuasan dapat diisi setelah pengaduan Anda selesai ditangani.",
                "The satisfaction survey can be answered once your complaint has been completed.",
            ),
        );
    }
    let view = |thanks: bool| SurveyView {
        nomor: record.nomor.to_string(),
        kode_lacak: code.to_string(),
        thanks,
        answered: false,
        values: (1..=9).map(|i| (format!("u{i}"), field(&format!("u{i}")))).collect(),
        errors: Vec::new(),
        lang,
    };
    // The status page's invitation and the language switch POST the code with `buka=1`: the
    // form is shown, as a GET with the code in the address shows it.
    if !post || field("buka") == "1" {
        if field("terima_kasih") == "1" {
            return page(app, StatusCode::OK, &view(true));
        }
        // Said at once: a form that the POST would refuse wastes the citizen's nine answers.
        return match app.store.survey_answered(&record.nomor.to_string()).await {
            Ok(answered) => page(app, StatusCode::OK, &SurveyView { answered, ..view(false) }),
            Err(e) => store_failure(app, &e, wants_json, lang),
        };
    }
    let raw: Vec<String> = (1..=9).map(|i| field(&format!("u{i}"))).collect();
    let answers = match Answers::parse(std::array::from_fn(|i| Some(raw[i].as_str()))) {
        Ok(answers) => answers,
        Err(errors) => {
            tracing::info!(outcome = "invalid", "survey rejected");
            if wants_json {
                let list: Vec<_> = errors
                    .iter()
                    .map(|e| json!({ "field": format!("u{}", e.question()), "message": e.message_in(lang) }))
                    .collect();
                return json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({ "errors": list }));
            }
            let mut v = view(false);
            v.errors =
                errors.iter().map(|e: &AnswerError| (format!("u{}", e.question()), e.message_in(lang))).collect();
            return page(app, StatusCode::UNPROCESSABLE_ENTITY, &v);
        }
    };
    match app.store.record_survey(&record.nomor.to_string(), answers, now).await {
        Ok(true) => {
            tracing::info!(outcome = "stored", "survey answered");
            if wants_json {
                return json_response(
                    StatusCode::CREATED,
                    &json!({ "nomor": record.nomor.to_string(), "pesan": thanks(lang) }),
                );
            }
            // The thanks at once, not a redirect: its address would hold the code, and stay in
            // the browser's history on a shared phone. Sending again is refused as answered.
            page(app, StatusCode::OK, &view(true))
        }
        Ok(false) => {
            tracing::info!(outcome = "already_answered", "survey refused");
            let title = lang.pick("Survei sudah diisi", "Survey already answered");
            error_response(app, StatusCode::CONFLICT, wants_json, lang, title, already_answered(lang))
        }
        Err(e) => store_failure(app, &e, wants_json, lang),
    }
}

/// What the citizen is told once the answers are stored.
fn thanks(lang: Lang) -> &'static str {
    lang.pick(
        "Terima kasih. Jawaban survei Anda telah kami terima dan disimpan tanpa data pribadi Anda.",
        "Thank you. We have received your survey answers and stored them without your personal data.",
    )
}

/// Why a second answer is refused.
fn already_answered(lang: Lang) -> &'static str {
    lang.pick(
        "Survei untuk pengaduan ini sudah diisi. Setiap pengaduan hanya dapat dinilai satu kali; terima kasih atas penilaian Anda.",
        "The survey for this complaint has already been answered. Each complaint can be rated only once; thank you for your rating.",
    )
}

fn page<S: ComplaintStore>(app: &App<S>, status: StatusCode, view: &SurveyView) -> Response<Bytes> {
    match app.pages().survey(view) {
        Ok(html) => html_response(status, html),
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "survey template failed");
            let lang = view.lang;
            let message = if view.thanks {
                thanks(lang)
            } else if view.answered {
                already_answered(lang)
            } else {
                lang.pick("Formulir survei tidak dapat ditampilkan.", "The survey form cannot be shown.")
            };
            let title = lang.pick("Survei Kepuasan Masyarakat", "Public Satisfaction Survey");
            html_response(status, fallback_html(title, message, lang))
        }
    }
}

fn read_query(query: &str) -> Option<Fields> {
    let mut fields = Fields::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = body::decode_component(value.as_bytes()).ok()?;
        // The first of repeated names counts, as on the status page.
        fields.entry(name.to_owned()).or_insert(value);
    }
    Some(fields)
}

/// The fields the survey's form sends.
const SURVEY_FIELDS: [&str; 14] =
    ["nomor", "kode", "lang", "buka", "terima_kasih", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"];

/// The text fields `names` of a posted form (urlencoded or JSON), or why the body is refused.
pub(super) async fn read_body(req: Request<Bytes>, lang: Lang, names: &[&str]) -> Result<Fields, &'static str> {
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(body::BodyKind::from_content_type)
        .ok_or(lang.pick(
            "Kirim formulir sebagai application/x-www-form-urlencoded atau application/json.",
            "Send the form as application/x-www-form-urlencoded or application/json.",
        ))?;
    if req.body().len() > kind.limit() {
        return Err(too_large_message(lang));
    }
    let (form, _) = body::parse(&kind, req.into_body()).await.map_err(|m| lang.pick(m.id, m.en))?;
    Ok(names
        .iter()
        .filter_map(|n| match form.get(n) {
            Some(RawValue::Text(v)) => Some(((*n).to_owned(), v.clone())),
            _ => None,
        })
        .collect())
}
