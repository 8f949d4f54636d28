//! The Indeks Kepuasan Masyarakat (PermenPANRB 14/2017) of a period, for the roles that report
//! on the register: per unsur and overall, with the grades and the respondents, computed by
//! core's one formula from the survey answers given in the period.

use crate::session::Staff;
use crate::views::UserView;
use crate::{AppError, Console};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use jiff::civil::Date;
use pengaduan_core::access::may_export;
use pengaduan_core::datetime::tanggal_indonesia;
use pengaduan_core::skm::{Ikm, Mutu};
use pengaduan_report as export;
use pengaduan_store::accounts::AuditAction;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// One unsur's line.
#[derive(Debug, Serialize)]
struct UnsurLine {
    kode: &'static str,
    nama: &'static str,
    nrr: String,
    nrr_tertimbang: String,
    konversi: String,
    mutu: &'static str,
    kinerja: &'static str,
    /// Among the lowest NRRs: where the unit should improve first.
    terendah: bool,
}

/// The IKM's result, as the page shows it.
#[derive(Debug, Serialize)]
struct IkmView {
    responden: usize,
    unsur: Vec<UnsurLine>,
    unit: String,
    nilai: String,
    mutu: &'static str,
    kinerja: &'static str,
    terendah: Vec<String>,
}

/// The SKM page.
#[derive(Debug, Serialize)]
pub(crate) struct SkmView {
    user: UserView,
    /// The period as typed (`YYYY-MM-DD`), for the form and the CSV link.
    dari: String,
    sampai: String,
    /// The period for people.
    periode: String,
    hasil: Option<IkmView>,
}

/// A value with `places` decimals and the Indonesian decimal comma, as reports print them.
fn decimal(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

fn result_view(r: &Ikm) -> IkmView {
    // Compared as shown (two decimals), so two unsur printed alike are both "lowest".
    let lowest = r.unsur.iter().map(|u| (u.nrr * 100.0).round() as i64).min().unwrap_or_default();
    let is_lowest = |nrr: f64| (nrr * 100.0).round() as i64 == lowest;
    let label = |m: Mutu| (m.letter(), m.label());
    IkmView {
        responden: r.responden,
        unsur: r
            .unsur
            .iter()
            .map(|u| UnsurLine {
                kode: u.unsur.kode,
                nama: u.unsur.nama,
                nrr: decimal(u.nrr, 2),
                nrr_tertimbang: decimal(u.nrr_tertimbang, 3),
                konversi: decimal(u.konversi, 2),
                mutu: label(u.mutu).0,
                kinerja: label(u.mutu).1,
                terendah: is_lowest(u.nrr),
            })
            .collect(),
        unit: decimal(r.unit, 3),
        nilai: decimal(r.nilai, 2),
        mutu: r.mutu.letter(),
        kinerja: r.mutu.label(),
        terendah: r
            .unsur
            .iter()
            .filter(|u| is_lowest(u.nrr))
            .map(|u| format!("{} {}", u.unsur.kode, u.unsur.nama))
            .collect(),
    }
}

/// `GET /staf/skm?dari=YYYY-MM-DD&sampai=YYYY-MM-DD[&format=csv]`: the IKM of the survey
/// answers given in the period (default: this year so far, in the office's time zone); with
/// `format=csv` the same CSV file `pengaduan-staf skm --csv` writes.
pub(crate) async fn page(
    State(console): State<Arc<Console>>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.may(may_export, "Indeks Kepuasan Masyarakat dilaporkan oleh peran yang mengekspor Buku Register.")?;
    let today = console.now().date();
    let (dari, sampai) = crate::export::period(&query, Some((today.first_of_year(), today)))?;
    let ikm = export::ikm_of_period(console.store(), &console.config.timezone, dari, sampai).await?;
    if query.get("format").map(String::as_str) == Some("csv") {
        let resp = csv(ikm.as_ref(), dari, sampai)?;
        let detail = format!("{dari} s/d {sampai}, csv");
        crate::export::record_download(&console, &staff, AuditAction::ExportSkm, detail).await?;
        return Ok(resp);
    }
    let view = SkmView {
        user: UserView::new(&staff),
        dari: dari.to_string(),
        sampai: sampai.to_string(),
        periode: format!("{} s/d {}", tanggal_indonesia(dari), tanggal_indonesia(sampai)),
        hasil: ikm.as_ref().map(result_view),
    };
    Ok(console.views.skm(&view))
}

fn csv(ikm: Option<&Ikm>, dari: Date, sampai: Date) -> Result<Response, AppError> {
    let bytes = export::ikm_csv_bytes(ikm).map_err(|e| crate::export::export_failed("IKM export failed", &e))?;
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"ikm-{dari}-{sampai}.csv\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
