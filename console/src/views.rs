//! The console's pages: Tera templates compiled into the binary (`console/templates/`), in the
//! public site's stylesheet, and the data each one shows.

use crate::complaint::{identity_allowed, next_role};
use crate::inbox::{Filter, Urgency};
use crate::session::Staff;
use crate::{BASE, Console, Rules};
use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;
use jiff::tz::TimeZone;
use pengaduan_core::access::{may_check_completeness, may_erase, may_export, may_read_audit};
use pengaduan_core::datetime::{human_time, tanggal_indonesia};
use pengaduan_core::scan::{ScanState, Scanning};
use pengaduan_core::workflow::{IntakeChannel, find_procedure};
use pengaduan_core::{Jenis, Status};
use pengaduan_store::attachments::AttachmentMeta;
use pengaduan_store::{ComplaintRecord, ERASED_TEXT};
use serde::Serialize;
use std::collections::HashMap;

/// The templates compiled into the binary did not load.
#[derive(Debug, thiserror::Error)]
#[error("console templates")]
pub struct ViewError(#[source] tera::Error);

const TEMPLATES: [(&str, &str); 16] = [
    ("catat.html", include_str!("../templates/catat.html")),
    ("base.html", include_str!("../templates/base.html")),
    ("masuk.html", include_str!("../templates/masuk.html")),
    ("kotak.html", include_str!("../templates/kotak.html")),
    ("pengaduan.html", include_str!("../templates/pengaduan.html")),
    ("jawaban.html", include_str!("../templates/jawaban.html")),
    ("pesan.html", include_str!("../templates/pesan.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("surel.html", include_str!("../templates/surel.html")),
    ("skm.html", include_str!("../templates/skm.html")),
    ("laporan.html", include_str!("../templates/laporan.html")),
    ("konten.html", include_str!("../templates/konten.html")),
    ("konten-ubah.html", include_str!("../templates/konten-ubah.html")),
    ("konten-isian.html", include_str!("../templates/konten-isian.html")),
    ("konten-riwayat.html", include_str!("../templates/konten-riwayat.html")),
    ("beranda-editor.html", include_str!("../templates/beranda-editor.html")),
];

/// The loaded templates.
pub(crate) struct Views {
    tera: tera::Tera,
}

impl Views {
    /// The templates compiled into the binary.
    pub fn embedded() -> Result<Self, ViewError> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(TEMPLATES).map_err(ViewError)?;
        Ok(Self { tera })
    }

    /// The embedded templates, compiled once per process for every console and message page.
    pub fn shared() -> Result<&'static Self, ViewError> {
        static VIEWS: std::sync::OnceLock<Views> = std::sync::OnceLock::new();
        if let Some(v) = VIEWS.get() {
            return Ok(v);
        }
        let views = Self::embedded()?;
        Ok(VIEWS.get_or_init(|| views))
    }

    fn render(&self, status: StatusCode, name: &str, data: &impl Serialize) -> Response {
        let rendered = tera::Context::from_serialize(data).and_then(|mut ctx| {
            ctx.insert("base", BASE);
            self.tera.render(name, &ctx)
        });
        match rendered {
            Ok(html) => {
                let mut resp = (status, Html(html)).into_response();
                // Pages with personal data must not stay in shared or back-button caches.
                resp.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
                resp
            }
            Err(e) => {
                tracing::error!(template = name, error = %pengaduan_store::error_chain(&e), "console page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Halaman tidak dapat ditampilkan.").into_response()
            }
        }
    }

    pub fn login(&self, status: StatusCode, view: &LoginView) -> Response {
        self.render(status, "masuk.html", view)
    }

    pub fn inbox(&self, view: &InboxView) -> Response {
        self.render(StatusCode::OK, "kotak.html", view)
    }

    pub fn complaint(&self, status: StatusCode, view: &ComplaintView) -> Response {
        self.render(status, "pengaduan.html", view)
    }

    pub fn register(&self, status: StatusCode, view: &RegisterView) -> Response {
        self.render(status, "catat.html", view)
    }

    pub fn audit(&self, view: &AuditView) -> Response {
        self.render(StatusCode::OK, "audit.html", view)
    }

    pub fn mail(&self, view: &MailView) -> Response {
        self.render(StatusCode::OK, "surel.html", view)
    }

    pub fn skm(&self, view: &crate::skm::SkmView) -> Response {
        self.render(StatusCode::OK, "skm.html", view)
    }

    /// The page of template `name` (the content editing pages keep their views beside their
    /// handlers).
    pub fn page(&self, status: StatusCode, name: &str, view: &impl Serialize) -> Response {
        self.render(status, name, view)
    }
}

/// A page with a title and one message (errors, refusals), from the embedded templates.
pub(crate) fn message_page(status: StatusCode, title: &str, text: &str) -> Response {
    match Views::shared() {
        Ok(v) => v.render(status, "pesan.html", &serde_json::json!({ "title": title, "text": text })),
        Err(_) => (status, text.to_owned()).into_response(),
    }
}

/// The login form.
#[derive(Debug, Serialize)]
pub(crate) struct LoginView {
    pub csrf: String,
    pub pengguna: String,
    pub error: Option<String>,
}

/// Who is logged in, for the header of every page.
#[derive(Debug, Serialize)]
pub(crate) struct UserView {
    username: String,
    name: String,
    role: &'static str,
    csrf: String,
    may_audit: bool,
    may_export: bool,
    may_report: bool,
    may_mail: bool,
    may_register: bool,
    may_edit_content: bool,
    may_read_complaints: bool,
}

impl UserView {
    pub(crate) fn new(staff: &Staff) -> Self {
        Self {
            username: staff.account.username.clone(),
            name: staff.account.name.clone(),
            role: staff.role().label(),
            csrf: staff.session.csrf_token.clone(),
            may_audit: may_read_audit(staff.role()),
            may_mail: pengaduan_core::access::may_handle_mail(staff.role()),
            may_export: may_export(staff.role()),
            may_report: pengaduan_core::access::may_read_report(staff.role()),
            may_register: pengaduan_core::access::may_register(staff.role()),
            may_edit_content: pengaduan_core::access::may_edit_content(staff.role()),
            may_read_complaints: pengaduan_core::access::may_read_complaints(staff.role()),
        }
    }
}

#[derive(Debug, Serialize)]
struct Choice {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

/// One line of the inbox.
#[derive(Debug, Serialize)]
pub(crate) struct InboxItem {
    nomor: String,
    judul: String,
    status: &'static str,
    status_label: &'static str,
    jenis: &'static str,
    kanal: &'static str,
    diterima: String,
    tenggat: String,
    sisa: String,
    overdue: bool,
    provisional: bool,
}

impl InboxItem {
    pub fn new(u: &Urgency, tz: &TimeZone) -> Self {
        let r = &u.row;
        let sisa = match u.days_left {
            None => "Belum berjalan".to_owned(),
            Some(d) if d < 0 => format!("Terlambat {} hari kerja", -d),
            Some(0) => "Hari ini".to_owned(),
            Some(d) => format!("{d} hari kerja lagi"),
        };
        Self {
            nomor: r.nomor.to_string(),
            judul: r.judul.clone(),
            status: r.state.status.code(),
            status_label: r.state.status.label(),
            jenis: r.jenis.label(),
            kanal: r.channel.label(),
            diterima: tanggal_indonesia(r.received_at.to_zoned(tz.clone()).date()),
            tenggat: r.deadline.map(|d| tanggal_indonesia(d.value)).unwrap_or_default(),
            sisa,
            overdue: u.days_left.is_some_and(|d| d < 0),
            provisional: r.deadline.is_some_and(|d| d.provisional),
        }
    }
}

/// The inbox page.
#[derive(Debug, Serialize)]
pub(crate) struct InboxView {
    user: UserView,
    items: Vec<InboxItem>,
    total: usize,
    page: usize,
    pages: usize,
    statuses: Vec<Choice>,
    jenis: Vec<Choice>,
    kanal: Vec<Choice>,
    terlambat: bool,
    jatuh_tempo: String,
    q: String,
    prev: Option<String>,
    next: Option<String>,
    /// Next year's holidays missing, from October (the editor and the admin).
    pub holiday: Option<crate::konten::HolidayNotice>,
}

impl InboxView {
    pub fn new(
        staff: &Staff,
        items: Vec<InboxItem>,
        total: usize,
        filter: Filter,
        pages: usize,
        query: &HashMap<String, String>,
    ) -> Self {
        let link = |page: usize| {
            let mut q: Vec<(String, String)> =
                query.iter().filter(|(k, _)| k.as_str() != "halaman").map(|(k, v)| (k.clone(), v.clone())).collect();
            q.sort();
            q.push(("halaman".into(), page.to_string()));
            let encoded: Vec<String> = q
                .iter()
                .map(|(k, v)| {
                    format!("{}={}", k, percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC))
                })
                .collect();
            format!("{BASE}/?{}", encoded.join("&"))
        };
        let open = Status::ALL.into_iter().filter(|s| *s != Status::Selesai);
        Self {
            user: UserView::new(staff),
            items,
            total,
            page: filter.page,
            pages,
            statuses: open
                .map(|s| Choice { code: s.code(), label: s.label(), selected: filter.status == Some(s) })
                .collect(),
            jenis: Jenis::ALL
                .into_iter()
                .map(|j| Choice { code: j.code(), label: j.label(), selected: filter.jenis == Some(j) })
                .collect(),
            kanal: IntakeChannel::ALL
                .into_iter()
                .map(|k| Choice { code: k.code(), label: k.label(), selected: filter.kanal == Some(k) })
                .collect(),
            terlambat: filter.overdue,
            jatuh_tempo: filter.due_within.map(|n| n.to_string()).unwrap_or_default(),
            q: filter.query.clone(),
            prev: (filter.page > 1).then(|| link(filter.page - 1)),
            next: (filter.page < pages).then(|| link(filter.page + 1)),
            holiday: None,
        }
    }
}

/// A refused action, shown above its form with what the user typed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ActionError {
    pub action: String,
    pub message: String,
    pub form: HashMap<String, String>,
}

#[derive(Debug, Serialize)]
struct HistoryView {
    at: String,
    by: String,
    action: &'static str,
    status: String,
    note: String,
    ba_number: String,
}

/// What the complainant added online to returned files.
#[derive(Debug, Serialize)]
struct AdditionView {
    at: String,
    text: String,
    files: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FileView {
    index: usize,
    name: String,
    kind: &'static str,
    size_kb: u64,
    /// What is known of its malware scan: "belum dipindai", "bersih", "terinfeksi: …".
    scan: String,
    /// `belum-dipindai`, `bersih` or `terinfeksi`.
    scan_code: &'static str,
    /// Whether to offer the download: never for an infected file.
    link: bool,
}

#[derive(Debug, Serialize)]
struct IdentityView {
    nama: String,
    email: String,
    telepon: String,
    nik: String,
    alamat: String,
}

#[derive(Debug, Serialize)]
struct ProcedureChoice {
    id: String,
    title: String,
    product: String,
}

/// A step the user may send the complaint back to, to be taken again.
#[derive(Debug, Serialize)]
struct CorrectionChoice {
    /// 1-based, as the form posts it.
    step: usize,
    label: String,
}

#[derive(Debug, Serialize)]
struct Actions {
    complete: Vec<ProcedureChoice>,
    can_return: bool,
    corrections: Vec<CorrectionChoice>,
    next_step: Option<String>,
    next_assigns_ba: bool,
    next_role: Option<&'static str>,
    can_erase: bool,
    any: bool,
}

/// One complaint's page.
#[derive(Debug, Serialize)]
pub(crate) struct ComplaintView {
    user: UserView,
    nomor: String,
    versi: u64,
    judul: String,
    isi: String,
    lokasi: String,
    tanggal_kejadian: String,
    layanan: String,
    status: &'static str,
    status_label: &'static str,
    jenis: &'static str,
    kanal: &'static str,
    diterima: String,
    tenggat: String,
    tenggat_sementara: bool,
    step: String,
    ba_number: String,
    anonim: bool,
    rahasia: bool,
    erased: bool,
    identity: Option<IdentityView>,
    identity_allowed: bool,
    files: Vec<FileView>,
    /// Attachments there are but this role may not see (names withheld).
    hidden_files: usize,
    /// No scanner guards the files (local, without `CLAMD_URL`): they are served unscanned.
    unscanned_served: bool,
    history: Vec<HistoryView>,
    additions: Vec<AdditionView>,
    actions: Actions,
    notice: Option<String>,
    error: Option<ActionError>,
    /// The office's answer and its form (`jawaban.html`).
    jawaban: crate::jawaban::Section,
}

impl ComplaintView {
    /// Adds the office's answer and, for the role that attaches it now, its form.
    pub fn with_answer(mut self, section: crate::jawaban::Section) -> Self {
        self.jawaban = section;
        self
    }

    /// Says that `count` attachments exist that this role may not open.
    pub fn with_hidden_files(mut self, count: usize) -> Self {
        self.hidden_files = count;
        self
    }

    #[allow(clippy::too_many_arguments)]
    pub fn new(
        console: &Console,
        staff: &Staff,
        record: &ComplaintRecord,
        rules: &Rules,
        files: Vec<(AttachmentMeta, ScanState)>,
        show_identity: bool,
        notice: Option<String>,
        error: Option<ActionError>,
    ) -> Self {
        let tz = &console.config.timezone;
        let row = &record.row;
        let state = &row.state;
        let procedures = &rules.service.procedures;
        let procedure = state.procedure_id.as_deref().and_then(|id| find_procedure(procedures, id).ok());
        let role = staff.role();
        let open = state.status != Status::Selesai;
        let checking = matches!(state.status, Status::Diterima | Status::PerluDilengkapi);
        let next = match (procedure, state.step_index) {
            (Some(p), Some(i)) if open => p.steps.get(i + 1).map(|s| (p, i + 1, s)),
            _ => None,
        };
        let next_step_role = next_role(record, procedures);
        let may_take_next = next.is_some() && next_step_role == Some(role);
        let actions = Actions {
            complete: if checking && may_check_completeness(role) {
                procedures
                    .iter()
                    .map(|p| ProcedureChoice { id: p.id.clone(), title: p.title.clone(), product: p.product.clone() })
                    .collect()
            } else {
                Vec::new()
            },
            // Only while the files are checked: afterwards the deadline runs (core's
            // `mark_incomplete`), and a step to redo is corrected by its own role.
            can_return: open
                && state.procedure_id.is_none()
                && state.status != Status::PerluDilengkapi
                && may_check_completeness(role),
            corrections: procedure
                .map(|p| {
                    state
                        .correctable_steps(p, role)
                        .into_iter()
                        .map(|i| CorrectionChoice { step: i + 1, label: p.describe_step(i) })
                        .collect()
                })
                .unwrap_or_default(),
            next_step: next.filter(|_| may_take_next).map(|(p, i, _)| p.describe_step(i)),
            next_assigns_ba: next.is_some_and(|(p, i, _)| p.ba_step() == Some(i)),
            next_role: next_step_role.filter(|_| next.is_some()).map(|r| r.label()),
            can_erase: row.erased_at.is_none() && may_erase(role),
            any: false,
        };
        let any = !actions.complete.is_empty()
            || actions.can_return
            || !actions.corrections.is_empty()
            || actions.next_step.is_some()
            || actions.can_erase;
        let identity = match (&record.personal, show_identity) {
            (Some(p), true) => Some(IdentityView {
                nama: p.nama.clone().unwrap_or_default(),
                email: p.email.clone().unwrap_or_default(),
                telepon: p.telepon.clone().unwrap_or_default(),
                nik: p.nik.clone().unwrap_or_default(),
                alamat: p.alamat.clone().unwrap_or_default(),
            }),
            _ => None,
        };
        Self {
            user: UserView::new(staff),
            nomor: row.nomor.to_string(),
            versi: row.version,
            judul: row.judul.clone(),
            isi: if row.erased_at.is_some() { ERASED_TEXT.to_owned() } else { record.isi.clone() },
            lokasi: record.lokasi.clone().unwrap_or_default(),
            tanggal_kejadian: record.tanggal_kejadian.map(tanggal_indonesia).unwrap_or_default(),
            layanan: record.layanan.clone().unwrap_or_default(),
            status: state.status.code(),
            status_label: state.status.label(),
            jenis: row.jenis.label(),
            kanal: row.channel.label(),
            diterima: human_time(&row.received_at.to_zoned(tz.clone())),
            tenggat: row.deadline.map(|d| tanggal_indonesia(d.value)).unwrap_or_default(),
            tenggat_sementara: row.deadline.is_some_and(|d| d.provisional),
            step: match (procedure, state.step_index) {
                (Some(p), Some(i)) => p.describe_step(i),
                _ => String::new(),
            },
            ba_number: state.ba_number.clone().unwrap_or_default(),
            anonim: record.anonim,
            rahasia: record.rahasia,
            erased: row.erased_at.is_some(),
            identity,
            identity_allowed: identity_allowed(staff, record, procedures),
            files: files
                .into_iter()
                .map(|(m, scan)| FileView {
                    index: m.index,
                    name: m.display_name,
                    kind: m.kind.content_type(),
                    size_kb: m.size.div_ceil(1024),
                    scan: scan.label(),
                    scan_code: scan.code(),
                    link: !matches!(scan, ScanState::Terinfeksi { .. }),
                })
                .collect(),
            unscanned_served: console.attachments.as_ref().is_some_and(|a| a.scanning() == Scanning::Absent),
            hidden_files: 0,
            history: record
                .history
                .iter()
                .map(|h| HistoryView {
                    at: human_time(&h.at.to_zoned(tz.clone())),
                    by: h.by.clone(),
                    action: h.action.label(),
                    status: match h.from {
                        Some(from) if from != h.to => format!("{} → {}", from.label(), h.to.label()),
                        _ => h.to.label().to_owned(),
                    },
                    note: h.note.clone(),
                    ba_number: h.ba_number.clone().unwrap_or_default(),
                })
                .collect(),
            additions: record
                .additions
                .iter()
                .map(|a| AdditionView {
                    at: human_time(&a.at.to_zoned(tz.clone())),
                    text: a.text.clone(),
                    files: a.files.clone(),
                })
                .collect(),
            actions: Actions { any, ..actions },
            notice,
            error,
            jawaban: crate::jawaban::Section::default(),
        }
    }
}

/// One line of the audit trail.
#[derive(Debug, Serialize)]
pub(crate) struct AuditLine {
    pub at: String,
    pub username: String,
    pub role: String,
    pub action: &'static str,
    pub nomor: String,
    pub detail: String,
}

/// The audit trail page.
#[derive(Debug, Serialize)]
pub(crate) struct AuditView {
    pub user: UserView,
    pub lines: Vec<AuditLine>,
    pub days: i64,
    /// The filters as typed, for the form.
    pub filter: AuditFilterView,
    /// Every action, for the filter's choice.
    pub actions: Vec<(&'static str, &'static str)>,
    /// The page shown (from 1), and the query strings of the pages before and after, if any.
    pub page: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// The audit page's filters as the form shows them.
#[derive(Debug, Default, Serialize)]
pub(crate) struct AuditFilterView {
    pub pengguna: String,
    pub tindakan: String,
    pub nomor: String,
}

impl AuditView {
    pub fn new(staff: &Staff, lines: Vec<AuditLine>, days: i64) -> Self {
        Self {
            user: UserView::new(staff),
            lines,
            days,
            filter: AuditFilterView::default(),
            actions: Vec::new(),
            page: 1,
            prev: None,
            next: None,
        }
    }
}

/// One message that failed for good (no address or text: see `surel.rs`).
#[derive(Debug, Serialize)]
pub(crate) struct FailedMail {
    pub id: String,
    pub nomor: String,
    pub dibuat: String,
    pub percobaan: u32,
    pub galat: String,
    /// False when the message was dropped with the complaint's personal data.
    pub dapat_diulang: bool,
}

/// The page of messages that failed.
#[derive(Debug, Serialize)]
pub(crate) struct MailView {
    pub user: UserView,
    pub lines: Vec<FailedMail>,
}

impl MailView {
    pub fn new(staff: &Staff, lines: Vec<FailedMail>) -> Self {
        Self { user: UserView::new(staff), lines }
    }
}

/// A complaint just registered: what to hand to the complainant.
#[derive(Debug, Serialize)]
pub(crate) struct Registered {
    pub nomor: String,
    pub kode_lacak: String,
    /// False when the same complaint was registered minutes ago: its number is shown again.
    pub first: bool,
    pub kanal: &'static str,
}

#[derive(Debug, Serialize)]
struct FieldMessage {
    field: &'static str,
    message: String,
}

/// The form for a complaint from another channel, with what was typed and what is wrong.
#[derive(Debug, Serialize)]
pub(crate) struct RegisterView {
    user: UserView,
    values: HashMap<String, String>,
    errors: Vec<FieldMessage>,
    error_of: HashMap<&'static str, String>,
    kanal: Vec<Choice>,
    jenis: Vec<Choice>,
    done: Option<Registered>,
}

impl RegisterView {
    pub fn new(
        staff: &Staff,
        mut values: HashMap<String, String>,
        errors: Vec<(&'static str, String)>,
        done: Option<Registered>,
    ) -> Self {
        values.remove("csrf");
        let chosen = |k: &str| values.get(k).cloned().unwrap_or_default();
        let kanal = IntakeChannel::ALL
            .into_iter()
            .filter(|c| *c != IntakeChannel::Web)
            .map(|c| Choice { code: c.code(), label: c.label(), selected: chosen("kanal") == c.code() })
            .collect();
        let jenis = Jenis::ALL
            .into_iter()
            .map(|j| Choice { code: j.code(), label: j.label(), selected: chosen("jenis") == j.code() })
            .collect();
        Self {
            user: UserView::new(staff),
            error_of: errors.iter().map(|(f, m)| (*f, m.clone())).collect(),
            errors: errors.into_iter().map(|(field, message)| FieldMessage { field, message }).collect(),
            values,
            kanal,
            jenis,
            done,
        }
    }
}
