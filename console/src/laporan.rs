//! The office's periodic report (`/staf/laporan`), for the heads and the admin: a period chooser
//! (a GET form), the report as a printable page under the office's letterhead, and the same
//! report as XLSX and PDF, all laid out once by `pengaduan_report::laporan::document`.

use crate::session::Staff;
use crate::views::UserView;
use crate::{AppError, Console};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use pengaduan_core::access::may_read_report;
use pengaduan_core::report::Period;
use pengaduan_report::laporan::{self, Document};
use pengaduan_store::accounts::AuditAction;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// One choice of the period chooser.
#[derive(Debug, Serialize)]
struct Choice {
    kode: String,
    label: String,
    dipilih: bool,
}

/// The report page.
#[derive(Debug, Serialize)]
pub(crate) struct LaporanView {
    user: UserView,
    pilihan: Vec<Choice>,
    kode: String,
    laporan: Document,
}

/// The periods offered: this year's and the two before's quarters and years, newest first.
fn choices(today: jiff::civil::Date, chosen: Period) -> Vec<Choice> {
    let mut out = Vec::new();
    for year in (today.year() - 2..=today.year()).rev() {
        for p in (1..=4).rev().map(|quarter| Period::Quarter { year, quarter }).chain([Period::Year(year)]) {
            if p.first_day() <= today {
                out.push(Choice { kode: p.code(), label: p.label(), dipilih: p == chosen });
            }
        }
    }
    if !out.iter().any(|c| c.dipilih) {
        out.insert(0, Choice { kode: chosen.code(), label: chosen.label(), dipilih: true });
    }
    out
}

/// `GET /staf/laporan?periode=2026-4|2026[&format=xlsx|pdf]`: the report of the period (default:
/// the current quarter, in the office's time zone).
pub(crate) async fn page(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.may(may_read_report, "Laporan berkala hanya untuk Kepala Bidang, Kepala Dinas, dan admin.")?;
    let now = console.now();
    let period = match query.get("periode").map(|p| p.trim()).filter(|p| !p.is_empty()) {
        None => Period::quarter_of(now.date()),
        Some(p) => Period::parse(p).map_err(|e| AppError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            title: "Periode tidak sah",
            text: e.to_string(),
        })?,
    };
    let rules = console.rules();
    let report = laporan::report(
        console.store(),
        &rules.service.procedures,
        &rules.calendar,
        &console.config.timezone,
        period,
        now.timestamp(),
        &|_| {},
    )
    .await?;
    let doc = laporan::document(&report, &rules.kantor);
    let file = |bytes: Vec<u8>, media: &'static str, ext: &str| {
        let mut resp = (StatusCode::OK, bytes).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"laporan-{}.{ext}\"", period.code())) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp
    };
    let audited = |ext: &str| {
        let detail = format!("{}, {ext}", period.code());
        crate::export::record_download(&console, &staff, AuditAction::ExportReport, detail)
    };
    match query.get("format").map(String::as_str) {
        Some("xlsx") => {
            let bytes =
                laporan::xlsx::bytes(&doc).map_err(|e| crate::export::export_failed("report xlsx failed", &e))?;
            audited("xlsx").await?;
            Ok(file(bytes, pengaduan_report::Format::Xlsx.media_type(), "xlsx"))
        }
        Some("pdf") => {
            let bytes = laporan::pdf::bytes(&doc);
            audited("pdf").await?;
            Ok(file(bytes, "application/pdf", "pdf"))
        }
        _ => {
            let view = LaporanView {
                user: UserView::new(&staff),
                pilihan: choices(now.date(), period),
                kode: period.code(),
                laporan: doc,
            };
            Ok(console.views.page(StatusCode::OK, "laporan.html", &view))
        }
    }
}
