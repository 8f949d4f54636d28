//! The HTML answers of the API, rendered with the site's own templates (`templates/api/*.html`
//! and the form partial), so the form after an error is the same form the site shows.

use pengaduan_core::FieldError;
use pengaduan_core::RawForm;
use pengaduan_core::submission::FIELD_ORDER;
use serde::Serialize;
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
        Self { tera, config }
    }

    /// The templates and configuration compiled into the binary, for the Lambda function.
    pub fn embedded() -> Result<Self, PageError> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(crate::embedded::TEMPLATES.iter().copied()).map_err(PageError::Templates)?;
        tera.autoescape_on(vec![".html"]);
        let config: toml::Table = toml::from_str(crate::embedded::CONFIG).map_err(PageError::Config)?;
        // A TOML table always converts to JSON.
        let config = serde_json::to_value(config).unwrap_or_default();
        Ok(Self::new(tera, config))
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
        self.render("api/form.html", "Galat: Ajukan Pengaduan", "/pengaduan/", extra)
    }

    /// The status page of one complaint (also the confirmation after submitting).
    pub fn status(&self, view: &StatusView) -> Result<String, PageError> {
        let title = format!("Status {}", view.nomor);
        self.render("api/status.html", &title, "/lacak/", json!({ "complaint": view }))
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
