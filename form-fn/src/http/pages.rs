//! The HTML answers of the API, rendered with the site's own templates (`templates/api/*.html`
//! and the form partial), so the form after an error is the same form the site shows.

use super::confirmation::ConfirmationView;
use pengaduan_core::FieldError;
use pengaduan_core::Lang;
use pengaduan_core::RawForm;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::published::PublishedRules;
use pengaduan_core::submission::{DATE_PART_FIELDS, FIELD_ORDER};
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

/// The site's templates and configuration, as the handler renders them, with the service's
/// time limits as the site publishes them.
#[derive(Clone)]
pub struct Pages {
    tera: tera::Tera,
    config: Value,
    /// From the published rules: the service page's and its English translation's, whose
    /// `starts` is in English.
    time_limits: TimeLimits,
    /// From the published rules: the working-day calendar the overdue count uses.
    calendar: Calendar,
}

pub use pengaduan_core::service::{TimeLimit, TimeLimits};

/// How a status page is shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusOptions<'a> {
    /// The print-friendly receipt (`&cetak=1`) rather than the page with the site around it.
    pub print: bool,
    /// The site's public origin (`SITE_ORIGIN`), for the tracking address printed on the
    /// receipt; without it, the configuration's `base_url`.
    pub site_origin: Option<&'a str>,
    /// Right after submitting (`&konfirmasi=…`): where the receipt went and what was sent.
    pub confirmation: Option<&'a ConfirmationView>,
    /// The page answers another route than the look-up (the addition's POST): its links name
    /// the look-up and the survey by the configured API address rather than relative to itself.
    pub elsewhere: bool,
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
    /// Kind of report, as its code (the confirmation names the kind).
    pub jenis: &'static str,
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
    /// Sent anonymously: the page says no identity was kept and no receipt was emailed.
    pub anonim: bool,
    /// The deadline has passed and the complaint is not finished.
    pub overdue: bool,
    /// Working days past the deadline (0 when only days off have passed since).
    pub overdue_days: u32,
    /// The office's answer, once the complaint is finished and one was attached.
    pub jawaban: Option<AnswerView>,
    /// Completing returned files online (`partials/lengkapi.html`).
    pub lengkapi: LengkapiView,
}

/// The status page's part about completing returned files: the reason and the form while the
/// files are with the complainant, the confirmation once an addition was stored.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LengkapiView {
    /// Where the form posts (`…/pengaduan/lengkapi`); set by [`Pages::status`].
    pub action: String,
    /// The reason staff gave for the return; empty when none.
    pub alasan: String,
    /// The information typed, kept after an error.
    pub keterangan: String,
    /// What is wrong, one entry per field, in the form's order.
    pub errors: Vec<FieldError>,
    /// The addition was stored: the confirmation instead of the form.
    pub terkirim: bool,
    /// The names of the documents sent with it, for the confirmation.
    pub berkas: Vec<String>,
}

/// The office's answer as the status page shows it, in the page's language where the office
/// wrote one.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    /// The Surat Jawaban's text.
    pub text: String,
    /// The text as paragraphs (split at blank lines), each as its lines.
    pub paragraphs: Vec<Vec<String>>,
    /// The text's language (`id` on an English page without an English text).
    pub lang: &'static str,
    /// A signed Berita Acara can be downloaded.
    pub berita_acara: bool,
}

impl AnswerView {
    /// The answer `answer` for a page in `lang`.
    pub fn new(answer: &pengaduan_store::answer::Answer, lang: Lang) -> Self {
        let texts = pengaduan_core::answer::AnswerText { id: answer.text_id.clone(), en: answer.text_en.clone() };
        let (text, text_lang) = texts.text_in(lang);
        let paragraphs = text
            .split("\n\n")
            .map(|p| {
                p.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).map(str::to_owned).collect::<Vec<_>>()
            })
            .filter(|p| !p.is_empty())
            .collect();
        Self { text: text.to_owned(), paragraphs, lang: text_lang.code(), berita_acara: answer.berita_acara.is_some() }
    }
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
    /// What is wrong, by field, in question order (messages in `lang`).
    pub errors: Vec<(String, String)>,
    /// The page's language: its words, the questions' wording and its links.
    pub lang: Lang,
}

/// The language switch as a form that POSTs `fields` (and the other language as `lang`) to
/// `action`: pages that hold a tracking code keep it out of the address (`base.html`).
fn switch_post(action: &str, fields: &[(&str, &str)]) -> Value {
    let fields: Vec<Value> = fields.iter().map(|(name, value)| json!({ "name": name, "value": value })).collect();
    json!({ "action": action, "fields": fields })
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
        Self { tera, config, time_limits: TimeLimits::default(), calendar: Calendar::default() }
    }

    /// The service's time limits as the site publishes them ([`PublishedRules`]), for the
    /// status page and the receipt in each language.
    pub fn with_rules(mut self, rules: &PublishedRules) -> Self {
        self.time_limits = rules.service.time_limits.clone();
        self.calendar = rules.calendar.clone();
        self
    }

    /// The working-day calendar of the published rules (empty until they are read).
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The time limit the status page states, if the service page gave one.
    pub fn time_limit(&self) -> Option<&TimeLimit> {
        self.time_limits.id.as_ref()
    }

    /// The time limit stated in the language `lang`, if that language's service page gave one.
    pub fn time_limit_in(&self, lang: Lang) -> Option<&TimeLimit> {
        self.time_limits.get(lang)
    }

    /// The time limit as the status page and the receipt state it in the language `lang`
    /// ("2 to 10 working days after …"). Without a translated page, English states the
    /// Indonesian page's days only: its `starts` is Indonesian.
    pub fn deadline_rule_in(&self, lang: Lang) -> Option<String> {
        self.time_limits.rule(lang)
    }

    /// A word of the interface in the language `lang`, from `config.toml`'s
    /// `[languages.<lang>.ui]`.
    fn ui(&self, lang: Lang, key: &str) -> Option<&str> {
        self.config.get("languages")?.get(lang.code())?.get("ui")?.get(key)?.as_str()
    }

    /// The address of the language's page named by `key` in its `ui` table (`apply_url`,
    /// `track_url`), or `fallback` when the configuration has none.
    fn ui_url<'a>(&'a self, lang: Lang, key: &str, fallback: (&'a str, &'a str)) -> &'a str {
        self.ui(lang, key).unwrap_or(lang.pick(fallback.0, fallback.1))
    }

    /// The title of the language's menu entry for `url` ("Ajukan Pengaduan"), if the menu has one.
    fn menu_title(&self, lang: Lang, url: &str) -> Option<&str> {
        let menu = self.config.get("languages")?.get(lang.code())?.get("menu")?.as_array()?;
        menu.iter().find(|m| m.get("url").and_then(Value::as_str) == Some(url))?.get("title")?.as_str()
    }

    /// The templates and configuration compiled into the binary, for the Lambda function; its
    /// time limits come from the published rules ([`Pages::with_rules`]).
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

    /// Renders `template` as the page `path` in `lang`; `other(l)` is the same page in the
    /// language `l`, for the language switch (`None`: the page has no other language).
    fn render(
        &self,
        template: &str,
        (lang, other): (Lang, Option<&dyn Fn(Lang) -> String>),
        title: &str,
        path: &str,
        extra: Value,
    ) -> Result<String, PageError> {
        let base_url = self.config.get("base_url").and_then(Value::as_str).unwrap_or("").trim_end_matches('/');
        // The switch lists the site's other languages, as site-gen's pages do.
        let switch: Vec<Value> = other
            .map(|other| {
                Lang::ALL
                    .into_iter()
                    .filter(|l| *l != lang)
                    .filter_map(|l| {
                        let name = self.config.get("languages")?.get(l.code())?.get("name")?.as_str()?;
                        Some(json!({ "lang": l.code(), "name": name, "path": other(l) }))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut ctx = json!({
            "config": self.config,
            "page": {
                "title": title, "description": "", "path": path, "lang": lang.code(), "switch": switch,
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
        let html = self.tera.render(template, &ctx).map_err(|e| PageError::Render(template.to_owned(), e))?;
        // Indonesian names kept in English text are marked as Indonesian, as on the site's pages.
        Ok(match lang {
            Lang::Id => html,
            _ => pengaduan_core::terms::mark_indonesian_terms(&html, pengaduan_core::terms::INDONESIAN_TERMS),
        })
    }

    /// The complaint form again, with an error summary, inline messages and the typed values, in
    /// the language `lang`.
    pub fn form_with_errors(&self, form: &RawForm, errors: &[FieldError], lang: Lang) -> Result<String, PageError> {
        self.form_again(form, errors, None, lang)
    }

    /// The complaint form again with the typed values and, above it, why it was not taken
    /// (`refusal`: a title and what to do, such as when to try again); the files must be chosen
    /// again.
    pub fn form_refused(&self, form: &RawForm, refusal: (&str, &str), lang: Lang) -> Result<String, PageError> {
        self.form_again(form, &[], Some(refusal), lang)
    }

    fn form_again(
        &self,
        form: &RawForm,
        errors: &[FieldError],
        refusal: Option<(&str, &str)>,
        lang: Lang,
    ) -> Result<String, PageError> {
        let values: BTreeMap<&str, String> = FIELD_ORDER
            .iter()
            .chain(&DATE_PART_FIELDS)
            .filter(|f| **f != "idempotency_key")
            .map(|f| (*f, form.display_value(f)))
            .collect();
        let field_errors: BTreeMap<&str, &str> = errors.iter().map(|e| (e.field, e.message.as_str())).collect();
        let refusal = refusal.map(|(title, message)| json!({ "title": title, "message": message }));
        let extra = json!({
            "form": {
                "action": self.form_action(), "values": values, "errors": errors, "field_errors": field_errors,
                "refusal": refusal,
            }
        });
        let path = self.ui_url(lang, "apply_url", ("/pengaduan/", "/en/complaint/"));
        let prefix = self.ui(lang, "error_prefix").unwrap_or(lang.pick("Kesalahan", "Error"));
        let name = self
            .ui(lang, "apply_page")
            .or_else(|| self.menu_title(lang, path))
            .unwrap_or(lang.pick("Ajukan Pengaduan", "Submit a Complaint"));
        // The other language's empty form: what was typed is not carried over.
        let other = |l: Lang| self.ui_url(l, "apply_url", ("/pengaduan/", "/en/complaint/")).to_owned();
        self.render("api/form.html", (lang, Some(&other)), &format!("{prefix}: {name}"), path, extra)
    }

    /// The status page of one complaint (also the confirmation after submitting), or with
    /// `options.print` its receipt on its own, to print; in the language `lang` (`view` is in it).
    pub fn status(&self, view: &StatusView, options: StatusOptions<'_>, lang: Lang) -> Result<String, PageError> {
        let title = format!("{} {}", self.ui(lang, "status").unwrap_or("Status"), view.nomor);
        let base_url = self.config.get("base_url").and_then(Value::as_str).unwrap_or("");
        let origin = options.site_origin.unwrap_or(base_url).trim_end_matches('/');
        let track_url = self.ui_url(lang, "track_url", ("/lacak/", "/en/track/"));
        // Relative to the page itself (`…/lacak`), wherever the API is mounted. Numbers and
        // codes are URL-safe as they are.
        let api = self.config.get("api_url").and_then(Value::as_str).unwrap_or("/api").trim_end_matches('/');
        let (here, sibling) = if options.elsewhere {
            (format!("{api}/lacak"), format!("{api}/"))
        } else {
            (String::new(), String::new())
        };
        let mut view = view.clone();
        view.lengkapi.action = format!("{api}/pengaduan/lengkapi");
        let extra = json!({
            "complaint": view,
            "cetak": options.print,
            // The page's small forms (print view, back to the status) POST the code.
            "lookup_action": format!("{api}/lacak"),
            // Relative to the status page (`…/lacak`): the survey is its sibling (`…/survei`),
            // opened by a form that POSTs the code (`buka=1`).
            "survei_action": format!("{sibling}survei"),
            "lacak_url": format!("{origin}{track_url}"),
            "deadline_rule": self.deadline_rule_in(lang).unwrap_or_default(),
            "konfirmasi": options.confirmation,
        });
        // The same status page in the other language; Indonesian is asked for by name, or an
        // English browser's Accept-Language would answer in English again. The switch POSTs
        // the code, as the page's other small forms do; the address is its fallback's.
        let print = if options.print { "&cetak=1" } else { "" };
        let other = |l: Lang| format!("{here}?nomor={}&lang={}{print}", view.nomor, l.code());
        let mut fields = vec![("nomor", view.nomor.as_str()), ("kode", view.kode_lacak.as_str())];
        if options.print {
            fields.push(("cetak", "1"));
        }
        let mut extra = extra;
        extra["switch_post"] = switch_post(&format!("{api}/lacak"), &fields);
        self.render("api/status.html", (lang, Some(&other)), &title, track_url, extra)
    }

    /// The survey's nine questions (or the thanks), with the errors of a rejected answer, in
    /// the language `view.lang`.
    pub fn survey(&self, view: &SurveyView) -> Result<String, PageError> {
        let lang = view.lang;
        let base = self.config.get("api_url").and_then(Value::as_str).unwrap_or("/api").trim_end_matches('/');
        let questions: Vec<Value> = pengaduan_core::skm::UNSUR
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let name = format!("u{}", i + 1);
                json!({
                    "name": name,
                    "no": i + 1,
                    "nama": u.nama_in(lang),
                    "pertanyaan": u.pertanyaan_in(lang),
                    "jawaban": u.jawaban_in(lang).iter().enumerate().map(|(v, label)| json!({ "value": (v + 1).to_string(), "label": label })).collect::<Vec<_>>(),
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
                // Back to the status page: a form that POSTs the code, as the status page's own.
                "kembali": format!("{base}/lacak"),
            }
        });
        let name = self
            .survey_word(lang, "title")
            .unwrap_or(lang.pick("Survei Kepuasan Masyarakat", "Public Satisfaction Survey"));
        let title = if view.errors.is_empty() {
            name.to_owned()
        } else {
            format!("{}: {name}", self.ui(lang, "error_prefix").unwrap_or(lang.pick("Kesalahan", "Error")))
        };
        let path = self.ui_url(lang, "track_url", ("/lacak/", "/en/track/"));
        // The same survey in the other language; Indonesian is asked for by name, or an English
        // browser's Accept-Language would answer in English again. The switch POSTs the code
        // (`buka=1` opens the form rather than answering it). Answers chosen before an error
        // are not carried over, as on the complaint form.
        let mut fields = vec![("nomor", view.nomor.as_str()), ("kode", view.kode_lacak.as_str()), ("buka", "1")];
        if view.thanks {
            fields.push(("terima_kasih", "1"));
        }
        let mut extra = extra;
        extra["switch_post"] = switch_post(&format!("{base}/survei"), &fields);
        let other = |l: Lang| format!("survei?nomor={}&lang={}", view.nomor, l.code());
        self.render("api/survei.html", (lang, Some(&other)), &title, path, extra)
    }

    /// A word of the survey in the language `lang`, from `config.toml`'s
    /// `[languages.<lang>.survey]`.
    fn survey_word(&self, lang: Lang, key: &str) -> Option<&str> {
        self.config.get("languages")?.get(lang.code())?.get("survey")?.get(key)?.as_str()
    }

    /// The tracking form again, with the typed number and code and what was wrong, in the
    /// language `lang`.
    pub fn lacak_with_error(&self, nomor: &str, kode: &str, message: &str, lang: Lang) -> Result<String, PageError> {
        let base = self.config.get("api_url").and_then(Value::as_str).unwrap_or("/api").trim_end_matches('/');
        let extra = json!({
            "lacak": { "action": format!("{base}/lacak"), "values": { "nomor": nomor, "kode": kode }, "error": message }
        });
        let title = self.ui(lang, "track_page").unwrap_or(lang.pick("Lacak Pengaduan", "Track a Complaint"));
        let path = self.ui_url(lang, "track_url", ("/lacak/", "/en/track/"));
        let other = |l: Lang| self.ui_url(l, "track_url", ("/lacak/", "/en/track/")).to_owned();
        self.render("lacak.html", (lang, Some(&other)), title, path, extra)
    }

    /// An error page with a title and a message, in the language `lang`.
    pub fn error(&self, status: u16, title: &str, message: &str, lang: Lang) -> Result<String, PageError> {
        let extra = json!({ "status": status, "error": { "title": title, "message": message } });
        let other = |l: Lang| home(l).to_owned();
        self.render("api/error.html", (lang, Some(&other)), title, home(lang), extra)
    }
}

/// The home page of the language `lang`.
fn home(lang: Lang) -> &'static str {
    lang.pick("/", "/en/")
}

/// What a link back to the API adds to keep the language: the form page's language decides
/// every later page, also Indonesian on a browser that prefers English.
pub fn lang_param(lang: Lang) -> &'static str {
    lang.pick("&lang=id", "&lang=en")
}

/// A last-resort page when the templates themselves fail: plain, valid, in the language `lang`.
pub fn fallback_html(title: &str, message: &str, lang: Lang) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!doctype html><html lang=\"{l}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title></head><body><main><h1>{t}</h1><p>{m}</p><p><a href=\"{h}\">{b}</a></p></main></body></html>",
        l = lang.code(),
        t = esc(title),
        m = esc(message),
        h = home(lang),
        b = lang.pick("Kembali ke beranda", "Back to the home page"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(min: u32, max: u32, starts: &str) -> TimeLimit {
        TimeLimit { min_working_days: min, max_working_days: max, starts: starts.into() }
    }

    #[test]
    fn the_time_limits_are_the_published_rules() {
        let rules = |id, en| {
            let service = pengaduan_core::service::ServiceRules {
                procedures: Vec::new(),
                max_working_days: 5,
                time_limits: TimeLimits { id, en },
            };
            let calendar = pengaduan_core::calendar::Calendar::default();
            PublishedRules { service, calendar, kantor: Default::default() }
        };
        let pages = Pages::embedded().unwrap();
        assert_eq!(pages.time_limit(), None, "none until the rules are read");
        let both = rules(Some(limit(2, 5, "setelah lengkap")), Some(limit(2, 5, "after it is complete")));
        let pages = pages.with_rules(&both);
        assert_eq!(pages.deadline_rule_in(Lang::Id).as_deref(), Some("2 s/d 5 hari kerja setelah lengkap"));
        assert_eq!(pages.deadline_rule_in(Lang::En).as_deref(), Some("2 to 5 working days after it is complete"));
        let untranslated = pages.with_rules(&rules(Some(limit(5, 5, "setelah lengkap")), None));
        assert_eq!(untranslated.deadline_rule_in(Lang::En).as_deref(), Some("5 working days"), "no Indonesian words");
        assert_eq!(untranslated.time_limit_in(Lang::Id), Some(&limit(5, 5, "setelah lengkap")));
    }

    #[test]
    fn links_name_the_language_both_ways() {
        assert_eq!(lang_param(Lang::Id), "&lang=id");
        assert_eq!(lang_param(Lang::En), "&lang=en");
        assert!(fallback_html("T", "M", Lang::Id).contains("<html lang=\"id\">"));
        let en = fallback_html("T", "M", Lang::En);
        assert!(en.contains("<html lang=\"en\">") && en.contains("href=\"/en/\"") && !en.contains("Kembali"));
    }
}
