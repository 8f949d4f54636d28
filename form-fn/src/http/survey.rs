//! `GET`/`POST …/survei`: the Survei Kepuasan Masyarakat of a `selesai` complaint, answered
//! once, with the tracking code as proof. The same look-up (constant-time code check, failed
//! look-ups counted) as the status page; the answers are stored without the complainant's data.
//! Indonesian only for now: the questions are the regulated SKM wording, so every answer is too.

use super::pages::SurveyView;
use super::{
    App, body, error_response, fallback_html, find_with_code, html_response, json_response, lookup_refused,
    lookup_source_key, redirect, store_failure,
};
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
type Fields = BTreeMap<String, String>;

/// Handles the survey's form (`GET`) and its answers (`POST`).
pub(super) async fn handle<S: ComplaintStore + SurveyStore>(
    app: &App<S>,
    req: Request<Bytes>,
    source: Option<IpAddr>,
    wants_json: bool,
) -> Response<Bytes> {
    let guesser = lookup_source_key(source);
    let now = app.now().timestamp();
    if let Some(refusal) = lookup_refused(app, &guesser, now, wants_json, Lang::Id).await {
        return refusal;
    }
    let post = req.method() == Method::POST;
    let fields = if post {
        match read_body(req).await {
            Ok(fields) => fields,
            Err(message) => {
                return error_response(
                    app,
                    StatusCode::BAD_REQUEST,
                    wants_json,
                    Lang::Id,
                    "Data tidak dapat dibaca",
                    message,
                );
            }
        }
    } else {
        match read_query(req.uri().query().unwrap_or("")) {
            Some(fields) => fields,
            None => {
                let message = "Alamat survei tidak sah.";
                return error_response(
                    app,
                    StatusCode::BAD_REQUEST,
                    wants_json,
                    Lang::Id,
                    "Data tidak dapat dibaca",
                    message,
                );
            }
        }
    };
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let (nomor, kode) = (field("nomor"), field("kode"));
    if nomor.is_empty() || kode.is_empty() {
        return error_response(
            app,
            StatusCode::BAD_REQUEST,
            wants_json,
            Lang::Id,
            "Nomor dan kode diperlukan",
            "Survei diisi dengan nomor register dan kode lacak pengaduan Anda. Buka survei dari halaman status pengaduan.",
        );
    }
    let not_found = || {
        error_response(
            app,
            StatusCode::NOT_FOUND,
            wants_json,
            Lang::Id,
            "Pengaduan tidak ditemukan",
            "Tidak ada pengaduan dengan nomor dan kode lacak tersebut. Periksa kembali nomor register dan kode lacak Anda.",
        )
    };
    let (record, code) =
        match find_with_code(app, &guesser, now, (&nomor, &kode), not_found, wants_json, Lang::Id).await {
            Ok(found) => found,
            Err(refusal) => return refusal,
        };
    if record.status != Status::Selesai {
        return error_response(
            app,
            StatusCode::CONFLICT,
            wants_json,
            Lang::Id,
            "Survei belum dapat diisi",
            "Survei kepuasan dapat diisi setelah pengaduan Anda selesai ditangani.",
        );
    }
    let view = |thanks: bool| SurveyView {
        nomor: record.nomor.to_string(),
        kode_lacak: code.to_string(),
        thanks,
        answered: false,
        values: (1..=9).map(|i| (format!("u{i}"), field(&format!("u{i}")))).collect(),
        errors: Vec::new(),
    };
    if !post {
        if field("terima_kasih") == "1" {
            return page(app, StatusCode::OK, &view(true));
        }
        // Said at once: a form that the POST would refuse wastes the citizen's nine answers.
        return match app.store.survey_answered(&record.nomor.to_string()).await {
            Ok(answered) => page(app, StatusCode::OK, &SurveyView { answered, ..view(false) }),
            Err(e) => store_failure(app, &e, wants_json, Lang::Id),
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
                    .map(|e| json!({ "field": format!("u{}", e.question()), "message": e.to_string() }))
                    .collect();
                return json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({ "errors": list }));
            }
            let mut v = view(false);
            v.errors = errors.iter().map(|e: &AnswerError| (format!("u{}", e.question()), e.to_string())).collect();
            return page(app, StatusCode::UNPROCESSABLE_ENTITY, &v);
        }
    };
    match app.store.record_survey(&record.nomor.to_string(), answers, now).await {
        Ok(true) => {
            tracing::info!(outcome = "stored", "survey answered");
            if wants_json {
                return json_response(
                    StatusCode::CREATED,
                    &json!({ "nomor": record.nomor.to_string(), "pesan": THANKS }),
                );
            }
            redirect(&format!("survei?nomor={}&kode={}&terima_kasih=1", record.nomor, code))
        }
        Ok(false) => {
            tracing::info!(outcome = "already_answered", "survey refused");
            error_response(app, StatusCode::CONFLICT, wants_json, Lang::Id, "Survei sudah diisi", ALREADY_ANSWERED)
        }
        Err(e) => store_failure(app, &e, wants_json, Lang::Id),
    }
}

/// What the citizen is told once the answers are stored.
const THANKS: &str = "Terima kasih. Jawaban survei Anda telah kami terima dan disimpan tanpa data pribadi Anda.";

/// Why a second answer is refused.
const ALREADY_ANSWERED: &str = "Survei untuk pengaduan ini sudah diisi. Setiap pengaduan hanya dapat dinilai satu kali; terima kasih atas penilaian Anda.";

fn page<S: ComplaintStore>(app: &App<S>, status: StatusCode, view: &SurveyView) -> Response<Bytes> {
    match app.pages().survey(view) {
        Ok(html) => html_response(status, html),
        Err(e) => {
            tracing::error!(error = %error_chain(&e), "survey template failed");
            let message = if view.thanks {
                THANKS
            } else if view.answered {
                ALREADY_ANSWERED
            } else {
                "Formulir survei tidak dapat ditampilkan."
            };
            html_response(status, fallback_html("Survei Kepuasan Masyarakat", message, Lang::Id))
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

async fn read_body(req: Request<Bytes>) -> Result<Fields, &'static str> {
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(body::BodyKind::from_content_type)
        .ok_or("Kirim survei sebagai application/x-www-form-urlencoded atau application/json.")?;
    if req.body().len() > kind.limit() {
        return Err(super::TOO_LARGE_MESSAGE);
    }
    let (form, _) = body::parse(&kind, req.into_body()).await.map_err(|m| m.id)?;
    let names = ["nomor", "kode", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"];
    Ok(names
        .iter()
        .filter_map(|n| match form.get(n) {
            Some(RawValue::Text(v)) => Some(((*n).to_owned(), v.clone())),
            _ => None,
        })
        .collect())
}
