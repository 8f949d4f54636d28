//! `POST …/jawaban`: the signed Berita Acara of a finished complaint, downloaded from its status
//! page. The number and code come in the body (never in an address, where history and logs
//! keep them) and are checked as the status page checks them: constant-time, failed look-ups
//! counted per source.

use super::App;
use super::lookup::{find_with_code, lookup_refused, lookup_source_key};
use super::respond::{Lookup, error_response, store_failure};
use super::survey::read_body;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use pengaduan_core::answer::berita_acara_file_name;
use pengaduan_core::attachment::FileKind;
use pengaduan_core::{Lang, Status};
use pengaduan_store::ComplaintStore;
use pengaduan_store::answer::AnswerStore;
use pengaduan_store::attachments::AttachmentStore;
use std::net::IpAddr;

/// Answers a download of the Berita Acara: the PDF, or the same `404` as the status page.
pub(super) async fn download<S: ComplaintStore + AnswerStore>(
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
    let fields = match read_body(req, lang, &["nomor", "kode", "lang"]).await {
        Ok(fields) => fields,
        Err(message) => {
            let title = lang.pick("Data tidak dapat dibaca", "The data cannot be read");
            return error_response(app, StatusCode::BAD_REQUEST, wants_json, lang, title, message);
        }
    };
    let lang = fields.get("lang").and_then(|l| Lang::parse(l)).unwrap_or(lang);
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let (nomor, kode) = (field("nomor"), field("kode"));
    let show = |status, title: &str, message: &str| error_response(app, status, wants_json, lang, title, message);
    let (record, _) =
        match find_with_code(app, &guesser, now, (&nomor, &kode), (Lookup::Status, show), wants_json, lang).await {
            Ok(found) => found,
            Err(refusal) => return refusal,
        };
    let missing = || {
        error_response(
            app,
            StatusCode::NOT_FOUND,
            wants_json,
            lang,
            lang.pick("Berita Acara tidak tersedia", "No Berita Acara available"),
            lang.pick(
                "Belum ada Berita Acara yang dapat diunduh untuk pengaduan ini. Hubungi kami melalui kontak di bagian bawah halaman.",
                "There is no Berita Acara to download for this complaint yet. Contact us through the details at the bottom of the page.",
            ),
        )
    };
    // Shown once the complaint is finished: before that it is not handed over.
    if record.status != Status::Selesai {
        return missing();
    }
    let key = record.nomor.to_string();
    let meta = match app.store.answer(&key).await {
        Ok(answer) => answer.and_then(|a| a.berita_acara),
        Err(e) => return store_failure(app, &e, wants_json, lang),
    };
    let (Some(meta), Some(files)) = (meta, app.attachments.as_ref()) else { return missing() };
    let bytes = match files.get_document(&key, &meta).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return missing(),
        Err(e) => {
            tracing::error!(error = %pengaduan_store::error_chain(&e), "berita acara read failed");
            let title = lang.pick("Berita Acara tidak dapat dibaca", "The Berita Acara cannot be read");
            let message = lang.pick("Coba lagi beberapa saat lagi.", "Please try again in a moment.");
            return error_response(app, StatusCode::SERVICE_UNAVAILABLE, wants_json, lang, title, message);
        }
    };
    tracing::info!(outcome = "downloaded", "berita acara");
    let mut resp = Response::new(bytes);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(FileKind::Pdf.content_type()));
    // The name is made of the register number alone: ASCII, nothing anybody typed.
    let disposition = format!("attachment; filename=\"{}\"", berita_acara_file_name(&record.nomor));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    resp
}
