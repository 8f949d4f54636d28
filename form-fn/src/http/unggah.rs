//! Files sent straight to the attachment bucket. On AWS a request to the function is at most
//! 6 MB and a multipart body arrives base64-encoded, so a form's files (up to 5 MB) cannot all
//! come through it. With scripts on, the browser asks `POST …/unggah` for one signed form per
//! file, sends each file to the bucket under a key the server chose, then sends the form with
//! the keys (`unggahan_1`, `unggahan_nama_1`, …) instead of the files. Intake reads the files
//! back, judges them exactly as files sent with the form, puts them aside as pending and
//! deletes what the browser sent. Without scripts, or where files stay local (`site-gen
//! serve`'s folder), the form carries its files as before.

use super::App;
use super::body::Upload;
use super::respond::{error_response, json_response, store_failure, unavailable};
use bytes::Bytes;
use http::{Response, StatusCode};
use pengaduan_core::attachment::{FIELD, FileKind, MAX_FILE, MAX_FILES, sanitize_name, too_large_message};
use pengaduan_core::{FieldError, Lang, RawForm, RawValue};
use pengaduan_store::attachments::{AttachmentError, UploadKey, UploadRead};
use pengaduan_store::intake::digest;
use pengaduan_store::{ComplaintStore, RateDecision};
use serde_json::json;
use std::net::IpAddr;
use std::time::Duration;

/// The field naming the key of the `n`th file sent straight to the bucket (from 1).
pub fn key_field(n: usize) -> String {
    format!("unggahan_{n}")
}

/// The field naming the `n`th file's own name (display text only).
pub fn name_field(n: usize) -> String {
    format!("unggahan_nama_{n}")
}

/// `POST …/unggah` (`jenis`, once per file, 1 to [`MAX_FILES`]: the media type the browser
/// found in the file's first bytes): one signed form per file, which fixes that type, as JSON;
/// `404` where files only come through the function, so the browser sends them with the form.
/// Counted per address block, a form's worth of files at a time.
pub(super) async fn presign<S: ComplaintStore>(
    app: &App<S>,
    body: &[u8],
    source: Option<IpAddr>,
    lang: Lang,
) -> Response<Bytes> {
    let declared: Vec<Option<FileKind>> = std::str::from_utf8(body)
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.strip_prefix("jenis="))
        .map(|t| super::body::decode_component(t.as_bytes()).ok().and_then(|t| FileKind::from_content_type(&t)))
        .collect();
    let kinds: Option<Vec<FileKind>> = declared.into_iter().collect();
    let Some(kinds) = kinds.filter(|k| (1..=MAX_FILES).contains(&k.len())) else {
        let message = lang.pick(
            format!("Sebutkan jenis setiap berkas (PDF, JPEG, PNG, atau WebP), 1 sampai {MAX_FILES} berkas."),
            format!("Give the type of each file (PDF, JPEG, PNG or WebP), 1 to {MAX_FILES} files."),
        );
        let title = lang.pick("Permintaan tidak lengkap", "Incomplete request");
        return error_response(app, StatusCode::BAD_REQUEST, true, lang, title, &message);
    };
    let count = kinds.len();
    let Some(files) = app.attachments.as_ref() else { return not_here(app, lang) };
    let now = app.now().timestamp();
    if app.http.rate_limit_per_hour > 0 {
        let key = digest(&format!("unggah:{}", pengaduan_core::access::address_block(source)));
        let limit = app.http.rate_limit_per_hour.saturating_mul(u32::try_from(MAX_FILES).unwrap_or(u32::MAX));
        match app.store.count_event(&key, now, Duration::from_secs(3600), limit).await {
            Ok(RateDecision::Allowed) => {}
            Ok(RateDecision::Limited { retry_after }) => {
                return super::respond::too_many(app, super::respond::Limit::Submissions, retry_after, true, lang);
            }
            Err(e) => return store_failure(app, &e, true, lang),
        }
    }
    let mut forms = Vec::with_capacity(count);
    for kind in kinds {
        match files.presign_upload(now, MAX_FILE as u64, kind).await {
            Ok(Some(form)) => forms.push(json!({
                "alamat": form.url,
                "kunci": form.key.as_str(),
                "isian": form.fields.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
            })),
            Ok(None) => return not_here(app, lang),
            Err(e) => {
                tracing::error!(error = %pengaduan_store::error_chain(&e), "direct upload not signed");
                return unavailable(app, true, lang, unsaved(lang));
            }
        }
    }
    tracing::info!(outcome = "signed", files = count, "direct uploads signed");
    json_response(StatusCode::OK, &json!({ "unggahan": forms, "batas_berkas": MAX_FILE }))
}

fn not_here<S: ComplaintStore>(app: &App<S>, lang: Lang) -> Response<Bytes> {
    let title = lang.pick("Unggah langsung tidak tersedia", "Direct upload is not available");
    let message = lang.pick("Kirim berkas bersama formulir.", "Send the files with the form.");
    error_response(app, StatusCode::NOT_FOUND, true, lang, title, message)
}

fn unsaved(lang: Lang) -> &'static str {
    lang.pick(
        "Lampiran Anda belum dapat diterima karena gangguan pada sistem kami. Silakan coba lagi beberapa saat lagi.",
        "Your attachments cannot be received because of a problem in our system. Please try again in a few moments.",
    )
}

/// Why the files a form names could not be read back.
pub(super) enum NotTaken {
    /// A file is gone or too large: the form's `lampiran` message.
    Refused(FieldError),
    /// The bucket failed.
    Failed(AttachmentError),
}

/// Reads back the files the form names (`unggahan_1`…) into `uploads`, after any sent with
/// the form, and returns their keys, to delete once the files are put aside.
pub(super) async fn take<S>(
    app: &App<S>,
    form: &RawForm,
    uploads: &mut Vec<Upload>,
    lang: Lang,
) -> Result<Vec<UploadKey>, NotTaken> {
    let text = |name: &str| match form.get(name) {
        Some(RawValue::Text(v)) => Some(v.trim().to_owned()),
        _ => None,
    };
    let mut keys = Vec::new();
    // One past the limit, so that too many files get the count's own message.
    for n in 1..=MAX_FILES + 1 {
        let Some(raw) = text(&key_field(n)).filter(|k| !k.is_empty()) else { break };
        let name = text(&name_field(n)).unwrap_or_default();
        let gone = || {
            NotTaken::Refused(FieldError {
                field: FIELD,
                message: lang
                    .pick(
                        "Berkas yang Anda pilih tidak sampai ke server kami. Pilih berkasnya lagi, lalu kirim.",
                        "The files you chose did not reach our server. Choose them again, then send.",
                    )
                    .into(),
            })
        };
        let (Some(key), Some(files)) = (UploadKey::parse(&raw), app.attachments.as_ref()) else { return Err(gone()) };
        match files.take_upload(&key, MAX_FILE as u64).await {
            Ok(UploadRead::Ready(bytes)) => uploads.push(Upload { name, bytes }),
            Ok(UploadRead::Missing) => return Err(gone()),
            Ok(UploadRead::TooLarge) => {
                let message = format!("{}.", too_large_message(&sanitize_name(&name), lang));
                return Err(NotTaken::Refused(FieldError { field: FIELD, message }));
            }
            Err(e) => return Err(NotTaken::Failed(e)),
        }
        keys.push(key);
    }
    Ok(keys)
}

/// The answer when the bucket failed while reading back a form's files.
pub(super) fn failed<S: ComplaintStore>(
    app: &App<S>,
    e: &AttachmentError,
    wants_json: bool,
    lang: Lang,
) -> Response<Bytes> {
    tracing::error!(error = %pengaduan_store::error_chain(e), "direct uploads not read");
    unavailable(app, wants_json, lang, unsaved(lang))
}

/// Deletes the files a browser sent straight to the bucket, now put aside as pending.
pub(super) async fn release<S>(app: &App<S>, keys: &[UploadKey]) {
    if let (Some(files), false) = (app.attachments.as_ref(), keys.is_empty()) {
        files.delete_uploads(keys).await;
    }
}
