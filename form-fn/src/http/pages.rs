//! The HTML answers of the API, rendered with the site's own templates (`templates/api/*.html`
//! and the form partial), so the form after an error is the same form the site shows.

use pengaduan_core::FieldError;
use pengaduan_core::RawForm;
use pengaduan_core::submission::FIELD_ORDER;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A page that could not be rendered; logs print it with [`pengaduan_store::error_chain`].
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The templates compiled into the binary do not load.
    #[error("embedded templates")]
    Templates(#[source] tera::Error),
    /// The `config.toml` compiled into the binary does not parse.
    #[error("embedded config.toml")]
    Config(#[source] toml::de::Error),
    /// The page's data could not be handed to the template.
    #[error("page context")]
    Context(#[source] tera::Error),
    /// A template failed while rendering.
    #[error("template {0}")]
    Render(String, #[source] tera::Error),
}

/// The site's templates and configuration, as the handler renders them.
pub struct Pages {
    tera: tera::Tera,
    config: Value,
    time_limit: Option<TimeLimit>,
}

pub use pengaduan_core::workflow::TimeLimit;

/// The time limit from a service page's text (TOML front matter between `+++` lines); none
/// when the page has no such table or does not parse (the site generator reports that).
pub fn time_limit_of(text: &str) -> Option<TimeLimit> {
    #[derive(Deserialize)]
    struct Page {
        service: Option<Service>,
    }
    #[derive(Deserialize)]
    struct Service {
        time_limit: Option<TimeLimit>,
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("+++")?;
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))?;
    let mut end = 0;
    let mut closed = false;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            closed = true;
            break;
        }
        end += line.len();
    }
    if !closed {
        return None;
    }
    let page: Page = toml::from_str(&rest[..end]).ok()?;
    page.service?.time_limit
}

/// How a status page is shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusOptions<'a> {
    /// The print-friendly receipt (`&cetak=1`) rather than the page with the site around it.
    pub print: bool,
    /// The site's public origin (`SITE_ORIGIN`), for the tracking address printed on the
    /// receipt; without it, the configuration's `base_url`.
    pub site_origin: Option<&'a str>,
}

/// The public view of one complaint, for the status page.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// Register number.
    pub nomor: String,
    /// Tracking code as shown.
    pub kode_lacak: String,
    /// Status code.
    pub status: &'static str,
    /// Status label.
    pub status_label: &'static str,
    /// Kind of report, as a label.
    pub jenis_label: &'static str,
    /// The title the complainant gave (a register field, kept when personal data is erased).
    pub judul: String,
    /// RFC 3339 time received.
    pub diterima_pada: String,
    /// Time received for people.
    pub diterima_pada_text: String,
    /// What happens next.
    pub next_step: String,
    /// The public stages, reached or not.
    pub stages: Vec<StageView>,
    /// The deadline, once files are complete.
    pub deadline_text: String,
    /// The deadline was counted without a year's holidays: a date that may still move.
    pub deadline_provisional: bool,
    /// Why the deadline may still move, shown after it; empty when it will not.
    pub deadline_note: String,
}

/// The survey page of one `selesai` complaint: its questions, or the thanks once answered.
#[derive(Debug, Clone, Default)]
pub struct SurveyView {
    /// Register number.
    pub nomor: String,
    /// Tracking code as shown.
    pub kode_lacak: String,
    /// The answers were stored: the thank-you page.
    pub thanks: bool,
    /// The survey was answered before: no form, only a note that it was, with thanks.
    pub answered: bool,
    /// The chosen answers by field (`u1` … `u9`), to keep them after an error.
    pub values: BTreeMap<String, String>,
    /// What is wrong, by field, in question order.
    pub errors: Vec<(String, String)>,
}

/// One public stage on the status page.
#[derive(Debug, Clone, Serialize)]
pub struct StageView {
    /// Status code.
    pub status: &'static str,
    /// Label.
    pub label: &'static str,
    /// Whether the complaint has reached it.
    pub reached: bool,
    /// When, for people; empty when unknown.
    pub date_text: String,
}

impl Pages {
    /// Wraps loaded templates and the site configuration (`config.toml` as a table).
    pub fn new(tera: tera::Tera, config: Value) -> Self {
        Self { tera, config, time_limit: None }
    }

    /// The service's time limit from its page's text, for the status page and the receipt.
    pub fn with_service_page(mut self, text: &str) -> Self {
        self.time_limit = time_limit_of(text);
        self
    }

    /// The time limit the status page states, if the service page gave one.
    pub fn time_limit(&self) -> Option<&TimeLimit> {
        self.time_limit.as_ref()
    }

    /// The templates and configuration compiled into the binary, for the Lambda function.
    pub fn embedded() -> Result<Self, PageError> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(crate::embedded::TEMPLATES.iter().copied()).map_err(PageError::Templates)?;
        tera.autoescape_on(vec![".html"]);
        let config: toml::Table = toml::from_str(crate::embedded::CONFIG).map_err(PageError::Config)?;
        // A TOML table always converts to JSON.
        let config = serde_json::to_value(config).unwrap_or_default();
        Ok(Self::new(tera, config).with_service_page(crate::embedded::SERVICE_PAGE))
    }

    /// The form action, from `config.api_url`.
    pub fn form_action(&self) -> String {
        let base = self.config.get("api_url").and_then(Value::as_str).unwrap_or("/api");
        format!("{}/pengaduan", base.trim_end_matches('/'))
    }

    fn render(&self, template: &str, title: &str, path: &str, extra: Value) -> Result<String, PageError> {
        let base_url = self.config.get("base_url").and_then(Value::as_str).unwrap_or("").trim_end_matches('/');
        let mut ctx = json!({
            "config": self.config,
            "page": {
                "title": title, "description": "", "path": path,
                "permalink": format!("{base_url}{path}"),
                "content": "", "toc": [], "extra": {}, "json_ld": "",
            },
            "services": [],
            "live_reload": false,
        });
        if let (Value::Object(ctx), Value::Object(extra)) = (&mut ctx, extra) {
            ctx.extend(extra);
        }
        let ctx = tera::Context::from_value(ctx).map_err(PageError::Context)?;
        self.tera.render(template, &ctx).map_err(|e| PageError::Render(template.to_owned(), e))
    }

    /// The complaint form again, with an error summary, inline messages and the typed values.
    pub fn form_with_errors(&self, form: &RawForm, errors: &[FieldError]) -> Result<String, PageError> {
        let values: BTreeMap<&str, String> =
            FIELD_ORDER.iter().filter(|f| **f != "idempotency_key").map(|f| (*f, form.display_value(f))).collect();
        let field_errors: BTreeMap<&str, &str> = errors.iter().map(|e| (e.field, e.message.as_str())).collect();
        let extra = json!({
            "form": { "action": self.form_action(), "values": values, "errors": errors, "field_errors": field_errors }
        });
        self.render("api/form.html", "Kesalahan: Ajukan Pengaduan", "/pengaduan/", extra)
    }

    /// The status page of one complaint (also the confirmation after submitting), or with
    /// `options.print` its receipt on its own, to print.
    pub fn status(&self, view: &StatusView, options: StatusOptions<'_>) -> Result<String, PageError> {
        let title = format!("Status {}", view.nomor);
        let base_url = self.config.get("base_url").and_then(Value::as_str).unwrap_or("");
        let origin = options.site_origin.unwrap_or(base_url).trim_end_matches('/');
        // Relative to the page itself (`…/lacak`), wherever the API is mounted. Numbers and
        // codes are URL-safe as they are.
        let status_url = format!("?nomor={}&kode={}", view.nomor, view.kode_lacak);
        let extra = json!({
            "complaint": view,
            "cetak": options.print,
            "status_url": status_url,
            "cetak_url": format!("{status_url}&cetak=1"),
            // Relative to the status page (`…/lacak`): the survey is its sibling (`…/survei`).
            "survei_url": format!("survei{status_url}"),
            "lacak_url": format!("{origin}/lacak/"),
            "deadline_rule": self.time_limit.as_ref().map(TimeLimit::text).unwrap_or_default(),
        });
        self.render("api/status.html", &title, "/lacak/", extra)
    }

    /// The survey's nine questions (or the thanks), with the errors of a rejected answer.
    pub fn survey(&self, view: &SurveyView) -> Result<String, PageError> {
        let base = self.config.get("api_url").and_then(Value::as_str).unwrap_or("/api").trim_end_matches('/');
        let questions: Vec<Value> = pengaduan_core::skm::UNSUR
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let name = format!("u{}", i + 1);
                json!({
                    "name": name,
                    "no": i + 1,
                    "nama": u.nama,
                    "pertanyaan": u.pertanyaan,
                    "jawaban": u.jawaban.iter().enumerate().map(|(v, label)| json!({ "value": (v + 1).to_string(), "label": label })).collect::<Vec<_>>(),
                    "value": view.values.get(&name).cloned().unwrap_or_default(),
                    "error": view.errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m.clone()),
                })
            })
            .collect();
        let errors: Vec<Value> = view.errors.iter().map(|(f, m)| json!({ "field": f, "message": m })).collect();
        let extra = json!({
            "survei": {
                "action": format!("{base}/survei"),
                "nomor": view.nomor,
                "kode": view.kode_lacak,
                "terima_kasih": view.thanks,
                "sudah_diisi": view.answered,
                "questions": questions,
                "errors": errors,
                "status_url": format!("{base}/lacak?nomor={}&kode={}", view.nomor, view.kode_lacak),
            }
        });
        let title =
            if view.errors.is_empty() { "Survei Kepuasan Masyarakat" } else { "Kesalahan: Survei Kepuasan Masyarakat" };
        self.render("api/survei.html", title, "/lacak/", extra)
    }

    /// The tracking form again, with the typed number and code and what was wrong.
    pub fn lacak_with_error(&self, nomor: &str, kode: &str, message: &str) -> Result<String, PageError> {
        let base = self.config.get("api_url").and_then(Value::as_str).unwrap_or("/api").trim_end_matches('/');
        let extra = json!({
            "lacak": { "action": format!("{base}/lacak"), "values": { "nomor": nomor, "kode": kode }, "error": message }
        });
        self.render("lacak.html", "Lacak Pengaduan", "/lacak/", extra)
    }

    /// An error page with a title and a message.
    pub fn error(&self, status: u16, title: &str, message: &str) -> Result<String, PageError> {
        let extra = json!({ "status": status, "error": { "title": title, "message": message } });
        self.render("api/error.html", title, "/", extra)
    }
}

/// A last-resort page when the templates themselves fail: plain, valid, Indonesian.
pub fn fallback_html(title: &str, message: &str) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title></head><body><main><h1>{t}</h1><p>{m}</p><p><a href=\"/\">Kembali ke beranda</a></p></main></body></html>",
        t = esc(title),
        m = esc(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limit_comes_from_the_service_page() {
        let limit = time_limit_of(crate::embedded::SERVICE_PAGE).expect("the shipped page has one");
        assert_eq!(limit.text(), "2 s/d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap");
        let page = "+++\ntitle = \"x\"\n[service.time_limit]\nmin_working_days = 5\nmax_working_days = 5\n+++\nTeks.\n";
        assert_eq!(time_limit_of(page).unwrap().text(), "5 hari kerja");
        assert_eq!(time_limit_of("+++\ntitle = \"x\"\n+++\n"), None);
        assert_eq!(time_limit_of("tanpa front matter"), None);
        assert!(Pages::embedded().unwrap().time_limit().is_some(), "the Lambda's pages state it");
    }

    #[test]
    fn the_service_page_path_is_cores() {
        // build.rs embeds this path; the staff tool and the console read core's.
        assert!(pengaduan_core::workflow::SERVICE_PAGE.ends_with("content/layanan/informasi-dan-pengaduan.md"));
        assert_eq!(pengaduan_core::workflow::SERVICE_PAGE, "content/layanan/informasi-dan-pengaduan.md");
    }
}
