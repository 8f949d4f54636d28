//! The Buku Register of a period as CSV or XLSX: the same files `pengaduan-staf ekspor` writes.
//! The workbook carries the period's IKM as its second sheet; a download is one file, so the CSV
//! is the register alone and the IKM's CSV is downloaded from the SKM page (`skm.rs`).

use crate::session::Staff;
use crate::{AppError, Console};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use jiff::civil::Date;
use pengaduan_core::access::may_export;
use pengaduan_report::{self as export, Format};
use pengaduan_store::accounts::{AccountStore, AuditAction};
use std::collections::HashMap;
use std::sync::Arc;

/// `GET /staf/ekspor?dari=YYYY-MM-DD&sampai=YYYY-MM-DD&format=csv|xlsx`.
pub(crate) async fn download(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.may(may_export, "Ekspor Buku Register bukan wewenang peran Anda.")?;
    let (dari, sampai) = period(&query, None)?;
    let format = match query.get("format").map(String::as_str) {
        Some("xlsx") => Format::Xlsx,
        _ => Format::Csv,
    };
    let rules = console.rules();
    let register =
        export::register_rows(console.store(), &rules.calendar, &console.config.timezone, dari, sampai).await?;
    let bytes = export::to_bytes(format, &register, dari, sampai).map_err(|e| export_failed("export failed", &e))?;
    let name = format!("buku-register-{dari}-{sampai}.{}", format.extension());
    // No file without its record.
    let detail = format!("{dari} s/d {sampai}, {}, {} baris", format.extension(), register.len());
    record_download(&console, &staff, AuditAction::ExportRegister, detail).await?;
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// Records in the audit trail that `staff` took a file of many complaints' figures out of the
/// system; called before the file is answered, so no file leaves without its record.
pub(crate) async fn record_download(
    console: &Console,
    staff: &Staff,
    action: AuditAction,
    detail: String,
) -> Result<(), AppError> {
    console.store().record_audit(crate::konten::audit(console, staff, action, detail)).await?;
    Ok(())
}

/// The `500` of a file that could not be written, its cause logged (a writer's error, which
/// names no complainant).
pub(crate) fn export_failed(what: &'static str, e: &str) -> AppError {
    tracing::error!(error = %e, "{what}");
    AppError::Failed {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        title: "Ekspor gagal",
        text: "Berkas tidak dapat dibuat.",
    }
}

/// The period `dari`..`sampai` (YYYY-MM-DD) of a report's query. A date left out or blank takes
/// its value from `default`; without one, or with a date that does not parse or an end before
/// the start, it is refused with `422`.
pub(crate) fn period(query: &HashMap<String, String>, default: Option<(Date, Date)>) -> Result<(Date, Date), AppError> {
    let refuse = |text| AppError::unprocessable("Periode tidak sah", text);
    let date = |k: &str, default: Option<Date>| match query.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => default,
        Some(v) => v.parse::<Date>().ok(),
    };
    let (Some(dari), Some(sampai)) = (date("dari", default.map(|d| d.0)), date("sampai", default.map(|d| d.1))) else {
        return Err(refuse("Isi tanggal awal dan akhir periode (TTTT-BB-HH)."));
    };
    if dari > sampai {
        return Err(refuse("Tanggal awal jatuh setelah tanggal akhir."));
    }
    Ok((dari, sampai))
}
