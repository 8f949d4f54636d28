//! Registering a complaint that came through another channel (a telephone call, a letter, the
//! complaint box, a LAPOR! referral): the Front Office's form, through the same intake path and
//! the same validation as the public form.

use crate::fields::Fields;
use crate::session::{CSRF_FIELD, Staff, check_csrf};
use crate::views::{RegisterView, Registered};
use crate::{AppError, Console};
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use pengaduan_core::access::may_register;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_core::{RawForm, RawValue};
use pengaduan_store::Submitted;
use pengaduan_store::intake::{Intake, Replay, intake};
use std::collections::HashMap;
use std::sync::Arc;

/// The text fields of the form, as the public form names them.
const TEXT_FIELDS: [&str; 11] =
    ["jenis", "judul", "isi", "nama", "telepon", "email", "nik", "alamat", "tanggal_kejadian", "lokasi", "layanan"];

const REFUSED: &str = "Pencatatan pengaduan dari kanal lain adalah wewenang Front Office.";

/// `GET /staf/catat`: the empty form (Front Office only).
pub(crate) async fn form(State(console): State<Arc<Console>>, staff: Staff) -> Result<Response, AppError> {
    staff.may(may_register, REFUSED)?;
    Ok(console.views.register(StatusCode::OK, &RegisterView::new(&staff, HashMap::new(), Vec::new(), None)))
}

/// `POST /staf/catat`: validates as the public form does, stores through the one intake path,
/// and shows the number and tracking code to hand to the complainant; `422` with every typed
/// value kept when a field is wrong.
pub(crate) async fn submit(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Fields(fields): Fields,
) -> Result<Response, AppError> {
    check_csrf(&staff, fields.get(CSRF_FIELD).map(String::as_str))?;
    staff.may(may_register, REFUSED)?;
    let mut errors = Vec::new();
    let channel = fields.get("kanal").and_then(|k| IntakeChannel::parse(k)).filter(|c| *c != IntakeChannel::Web);
    if channel.is_none() {
        errors.push(("kanal", "Pilih kanal masuknya pengaduan.".to_owned()));
    }
    let mut form = RawForm::new();
    for name in TEXT_FIELDS {
        if let Some(v) = fields.get(name) {
            form.insert(name, RawValue::Text(v.clone()));
        }
    }
    let flag =
        |name: &str| RawValue::Text(if fields.get(name).is_some_and(|v| !v.is_empty()) { "on" } else { "" }.into());
    form.insert("anonim", flag("anonim"));
    form.insert("rahasia", flag("rahasia"));
    // The statement and the consent are asked of the complainant by the officer: one checkbox.
    form.insert("pernyataan_kebenaran", flag("persetujuan"));
    form.insert("persetujuan_data", flag("persetujuan"));
    let now = console.now();
    let submission = match pengaduan_core::submission::validate(&form, now.date()) {
        Ok(s) if errors.is_empty() => s,
        Ok(_) => return Ok(invalid(&console, &staff, fields, errors)),
        Err(field_errors) => {
            let mut consent_told = false;
            for e in field_errors {
                if matches!(e.field, "pernyataan_kebenaran" | "persetujuan_data") {
                    if !consent_told {
                        errors.push((
                            "persetujuan",
                            "Tanyakan kepada pengadu apakah isi laporannya benar dan apakah ia menyetujui pemrosesan data pribadinya; centang bila ya.".into(),
                        ));
                        consent_told = true;
                    }
                    continue;
                }
                errors.push((e.field, e.message));
            }
            return Ok(invalid(&console, &staff, fields, errors));
        }
    };
    let Some(channel) = channel else { return Ok(invalid(&console, &staff, fields, errors)) };
    // Only two choices, so anything else is the default rather than an error to correct.
    let lang = fields.get("bahasa").and_then(|b| pengaduan_core::Lang::parse(b)).unwrap_or_default();
    let complaint = Intake {
        submission,
        channel,
        received_at: now,
        replay: Replay::Content(String::new()),
        recorded_by: staff.signature(),
        files: Vec::new(),
        uploads: Vec::new(),
        mail_receipt: true,
        deadline_rule: console.rules().service.deadline_rule(lang),
        lang,
    };
    let (receipt, first) = match intake(console.store(), &console.config, complaint).await? {
        Submitted::New(r) => (r, true),
        Submitted::Replay(r) => (r, false),
        // Content replays carry no body digest, so a key can never be "reused" here.
        Submitted::KeyReused => return Err(AppError::Conflict),
    };
    let done = Registered { nomor: receipt.nomor, kode_lacak: receipt.kode_lacak, first, kanal: channel.label() };
    Ok(console.views.register(StatusCode::CREATED, &RegisterView::new(&staff, HashMap::new(), Vec::new(), Some(done))))
}

fn invalid(
    console: &Console,
    staff: &crate::session::Staff,
    fields: HashMap<String, String>,
    errors: Vec<(&'static str, String)>,
) -> Response {
    console.views.register(StatusCode::UNPROCESSABLE_ENTITY, &RegisterView::new(staff, fields, errors, None))
}
