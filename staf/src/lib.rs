//! `pengaduan-staf`: the office staff's tool for the Buku Register Pengaduan.
//!
//! It works on the same store as the site (an SQLite file or a DynamoDB table) and follows the
//! procedures of the service page: every change is checked by the workflow rules in
//! `pengaduan_core::workflow`, stored against the version it was computed from, and appended to
//! the complaint's history, signed by the operating-system user and the tool ([`signature`]),
//! never by a typed name. It also keeps the staff console's accounts (`pengguna`). See
//! `staf/README.md` for the staff's guide.
//!
//! This file holds what every command shares (the context, failures, the checks of numbers,
//! dates and versions, storing a transition); each command is one module of [`cmd`].

pub mod cli;
pub mod cmd;

use clap::error::{ContextKind, ErrorKind};
use cli::{Cli, Command};
use jiff::civil::Date;
use jiff::{Timestamp, Zoned};
use pengaduan_core::RegisterNumber;
use pengaduan_core::calendar::{Calendar, Deadline};
use pengaduan_core::service::ServiceRules;
use pengaduan_core::text::escape_controls_line;
use pengaduan_core::workflow::{Procedure, Transition, WorkflowError, find_procedure};
use pengaduan_site::rules as content;
use pengaduan_store::accounts::{AccountStore, AuditAction, AuditEntry};
use pengaduan_store::attachments::AnyAttachments;
use pengaduan_store::open::MissingTable;
use pengaduan_store::{
    AnyStore, Applied, ComplaintRecord, Config, StoreError, WorkflowChange, WorkflowStore, error_chain,
};
use std::process::ExitCode;

pub use pengaduan_store::config::CLOCK_VARIABLE;

/// Exit code of a change refused because another staff member changed the complaint first.
pub const EXIT_CONFLICT: u8 = 3;

/// The channel the history and the audit trail name for changes made with this tool.
pub const CHANNEL: &str = "pengaduan-staf";

/// The operating-system account running the tool, by its effective user id: the audit trail's "who",
/// so it must not come from the environment, which anyone sets (`USER=kadis pengaduan-staf
/// lihat`). The account's name as the system's user database gives it (NSS: `/etc/passwd`,
/// LDAP), shown escaped; `uid N` when the database has no name for it.
#[cfg(unix)]
pub fn os_user() -> String {
    let uid = nix::unistd::geteuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(account)) if !account.name.trim().is_empty() => escape_controls_line(account.name.trim()).into_owned(),
        _ => format!("uid {uid}"),
    }
}

/// The account running the tool, elsewhere than Unix: `USERNAME` as Windows sets it (not
/// proof of identity: the office's machines run the tool on Linux).
#[cfg(not(unix))]
pub fn os_user() -> String {
    std::env::var("USERNAME")
        .ok()
        .map(|v| escape_controls_line(v.trim()).into_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "tidak-diketahui".to_owned())
}

/// How the history signs a change made with this tool: `"<os-user> (pengaduan-staf)"`, never a typed name.
pub fn signature(user: &str) -> String {
    format!("{user} ({CHANNEL})")
}

/// A command that did not succeed: the message for the staff member and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong and what to do, in Bahasa Indonesia.
    pub message: String,
    /// 1 for errors, 3 for conflicts.
    pub code: u8,
}

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 1 }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self::new(message)
    }
}

impl From<WorkflowError> for Failure {
    fn from(e: WorkflowError) -> Self {
        Self::new(e.to_string())
    }
}

/// What staff read when another change came first (the store says so in English, for logs).
pub const CHANGED_MEANWHILE: &str = "Pengaduan telah diubah oleh petugas lain; muat ulang dan coba lagi.";

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => Self { message: CHANGED_MEANWHILE.into(), code: EXIT_CONFLICT },
            StoreError::NotFound(nomor) => Self::new(format!("Pengaduan {nomor} tidak ditemukan.")),
            StoreError::Duplicate(username) => Self::new(format!("Pengguna {username} sudah ada.")),
            other => Self::new(format!(
                "Penyimpanan data gagal; coba lagi atau hubungi pengelola sistem. ({})",
                error_chain(&other)
            )),
        }
    }
}

/// The program: parses the command line, runs the command, prints its output or its error.
pub fn main_entry() -> ExitCode {
    let cli = match cli::try_parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Galat: runtime tidak dapat dimulai: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(f) => {
            eprintln!("Galat: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Help and version go to stdout as clap writes them (in Indonesian, see [`cli`]); errors are
/// translated, since clap's own are English.
fn clap_exit(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            let path = cli::subcommand_path(std::env::args().skip(1));
            eprintln!("Galat: {}", translate_clap_error(e, &path));
            let at: String = path.iter().map(|p| format!(" {p}")).collect();
            eprintln!("Bantuan: pengaduan-staf{at} --help");
            ExitCode::from(2)
        }
    }
}

/// clap's error, in Bahasa Indonesia; `path` is the (sub)command it arose in (`["pengguna"]`),
/// whose subcommands an unknown or missing one is told to choose from.
pub fn translate_clap_error(e: &clap::Error, path: &[String]) -> String {
    let ctx = |kind| e.get(kind).map(|v| v.to_string()).unwrap_or_default();
    let commands = || cli::subcommand_names_of(path).join(", ");
    match e.kind() {
        ErrorKind::MissingRequiredArgument => format!("isian wajib belum diberikan: {}", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue if ctx(ContextKind::InvalidValue).is_empty() => {
            format!("pilihan {} memerlukan nilai", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue => {
            format!("nilai {:?} tidak sah untuk {}", ctx(ContextKind::InvalidValue), ctx(ContextKind::InvalidArg))
        }
        ErrorKind::ValueValidation => {
            format!("nilai {:?} tidak sah untuk {}", ctx(ContextKind::InvalidValue), ctx(ContextKind::InvalidArg))
        }
        ErrorKind::UnknownArgument => format!("pilihan {} tidak dikenal", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => format!(
            "perintah {:?} tidak dikenal; perintah yang ada: {}",
            ctx(ContextKind::InvalidSubcommand),
            commands()
        ),
        ErrorKind::MissingSubcommand => {
            format!("perintah belum diberikan; pilih salah satu: {}", commands())
        }
        ErrorKind::ArgumentConflict => format!(
            "pilihan {} tidak dapat dipakai bersama {}",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::PriorArg)
        ),
        _ => "perintah tidak dapat dibaca".to_owned(),
    }
}

/// What every command works with.
struct Ctx {
    store: AnyStore,
    rules: ServiceRules,
    calendar: Calendar,
    config: Config,
    now: Zoned,
    /// The operating-system user ([`os_user`]), for the audit trail.
    user: String,
    /// How the history signs this user's changes ([`signature`]).
    by: String,
    /// The site's folder (`--root`): the email templates are under it.
    root: std::path::PathBuf,
    /// `--store` as given: where the messages of a local installation are written.
    store_spec: String,
}

impl Ctx {
    fn today(&self) -> Date {
        self.now.date()
    }

    fn procedure(&self, id: &str) -> Result<&Procedure, Failure> {
        Ok(find_procedure(&self.rules.procedures, id)?)
    }

    fn local(&self, t: Timestamp) -> Zoned {
        t.to_zoned(self.config.timezone.clone())
    }

    /// Records in the audit trail that the operating-system user did `action` on complaint
    /// `nomor` with this tool; `more` is added to the detail after the channel.
    async fn audit(&self, action: AuditAction, nomor: &RegisterNumber, more: Option<String>) -> Result<(), StoreError> {
        self.audit_of(action, Some(nomor), more).await
    }

    /// [`Self::audit`] of an action on no one complaint (an export of a period).
    async fn audit_of(
        &self,
        action: AuditAction,
        nomor: Option<&RegisterNumber>,
        more: Option<String>,
    ) -> Result<(), StoreError> {
        let detail = match more {
            Some(more) => format!("{CHANNEL}: {more}"),
            None => CHANNEL.to_owned(),
        };
        let entry = AuditEntry {
            at: self.now.timestamp(),
            username: self.user.clone(),
            role: None,
            action,
            nomor: nomor.map(ToString::to_string),
            detail,
        };
        self.store.record_audit(entry).await
    }
}

/// Runs one parsed command line; the text to print on success.
pub async fn run(cli: Cli) -> Result<String, Failure> {
    let mut config = Config::from_env().map_err(|e| Failure::new(format!("pengaturan tidak sah: {e}")))?;
    let now = match std::env::var(CLOCK_VARIABLE) {
        Ok(v) if !v.is_empty() => v
            .parse::<Timestamp>()
            .map_err(|e| Failure::new(format!("{CLOCK_VARIABLE}={v:?} bukan waktu RFC 3339: {e}")))?,
        _ => Timestamp::now(),
    }
    .to_zoned(config.timezone.clone());
    let user = os_user();
    // Accounts need neither the procedures nor the calendar nor the tracking-code key: they can be
    // made on a machine that has only the store's credentials.
    let command = match cli.command {
        Command::Pengguna(a) => return cmd::pengguna::run(&open_store(&cli.store).await?, &now, &user, a).await,
        Command::Audit(a) => return cmd::audit::run(&open_store(&cli.store).await?, &now, a).await,
        // Needs only the store and the office's time zone: run once, from the operator's machine.
        Command::IndeksBulan => return cmd::indeks_bulan::run(&open_store(&cli.store).await?, &config.timezone).await,
        Command::PindahDataPribadi => return cmd::pindah_data_pribadi::run(&open_store(&cli.store).await?).await,
        // Content moves without the rules it holds: `tarik` is how broken content gets mended.
        Command::Konten(a) => return cmd::konten::run(&open_store(&cli.store).await?, &cli.root, &now, a).await,
        other => other,
    };
    // The same key as `site-gen serve` on the same database, or its codes could not be checked.
    pengaduan_store::open::with_local_code_key(&mut config, &cli.store, None).map_err(open_failure)?;
    let calendar = content::load_calendar(&cli.root)?;
    // Loud on every command: a deadline counted without a year's holidays must be noticed, and the
    // year added, before complainants are told a date that may fall on a holiday.
    if let Some(warning) = calendar.warn_missing(now.date(), content::CALENDAR) {
        eprintln!("\n!!! {warning}\n");
    }
    let rules = content::load_rules(&cli.root)?;
    let store = open_store(&cli.store).await?;
    let by = signature(&user);
    let ctx =
        Ctx { store, rules, calendar, config, now, user, by, root: cli.root.clone(), store_spec: cli.store.clone() };
    // `tenggat` does the same and reports every change itself.
    if !matches!(command, Command::Tenggat) {
        refresh_deadlines(&ctx).await;
    }
    // Changes that may tell the complainant deliver what they recorded, after they are stored.
    let changed = |out: Result<String, Failure>| async {
        let mut out = out?;
        if let Some(summary) = deliver_mail(&ctx).await {
            out.push_str(&summary);
        }
        Ok(out)
    };
    match command {
        Command::Daftar(a) => cmd::daftar::run(&ctx, a).await,
        Command::Lihat(a) => cmd::lihat::run(&ctx, &a.nomor).await,
        Command::Catat(a) => changed(cmd::catat::run(&ctx, *a).await).await,
        Command::Lengkap(a) => changed(cmd::lengkap::run(&ctx, a).await).await,
        Command::Kembalikan(a) => changed(cmd::kembalikan::run(&ctx, a).await).await,
        Command::Lanjut(a) => changed(cmd::lanjut::run(&ctx, a).await).await,
        Command::Surel(a) => cmd::surel::run(&ctx, a).await,
        Command::Ekspor(a) => cmd::ekspor::run(&ctx, a).await,
        Command::Skm(a) => cmd::skm::run(&ctx, a).await,
        Command::Statistik(a) => cmd::statistik::run(&ctx, a).await,
        Command::Laporan(a) => cmd::laporan::run(&ctx, a).await,
        Command::Tenggat => cmd::tenggat::run(&ctx).await,
        Command::HapusDataPribadi(a) => {
            let files = open_attachments(&cli.store, cli.lampiran.as_deref()).await?;
            let messages = local_message_dir(&ctx);
            cmd::hapus_data_pribadi::run(&ctx, a, &files, messages.as_deref()).await
        }
        Command::Lampiran(a) => {
            let files = files_of(&ctx, &cli.store, cli.lampiran.as_deref(), &a.nomor).await?;
            cmd::lampiran::run(&files, &a.nomor).await
        }
        Command::Unduh(a) => {
            let files = files_of(&ctx, &cli.store, cli.lampiran.as_deref(), &a.nomor).await?;
            cmd::unduh::run(&ctx, &files, &a).await
        }
        Command::Pengguna(_)
        | Command::Audit(_)
        | Command::Konten(_)
        | Command::IndeksBulan
        | Command::PindahDataPribadi => {
            unreachable!("run above, without the procedures")
        }
    }
}

/// What `surel kirim` says where this tool does not deliver.
pub(crate) const NOT_DELIVERED_HERE: &str =
    "Surel pada penyimpanan ini dikirim oleh fungsi pengiriman di AWS (Amazon SES), bukan oleh alat ini.\n";

/// Where this installation writes its messages as `.eml` files (beside the database), when it
/// does: erasure removes a complaint's copies there.
fn local_message_dir(ctx: &Ctx) -> Option<std::path::PathBuf> {
    pengaduan_store::open::local_dir(&ctx.store_spec, None).map(|dir| dir.join("surel"))
}

/// Delivers the messages due now when this installation delivers its own mail (see
/// [`pengaduan_mail::delivers_locally`]): a line saying what happened, or `None` when nothing
/// was due or mail is delivered elsewhere. A failure never fails the command whose change is
/// already stored: the message stays in the outbox and is tried again.
pub(crate) async fn deliver_mail(ctx: &Ctx) -> Option<String> {
    if !pengaduan_mail::delivers_locally(&ctx.store_spec) {
        return None;
    }
    let data_dir = pengaduan_store::open::local_dir(&ctx.store_spec, None).unwrap_or_else(|| ".data".into());
    let site = std::env::var("SITE_ORIGIN").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let mailer = match pengaduan_mail::Mailer::local(&ctx.root, &data_dir, &site) {
        Ok(m) => m,
        Err(e) => return Some(format!("Peringatan: surel kepada pengadu belum dapat dikirim: {e}\n")),
    };
    let smtp = std::env::var("SMTP_URL").is_ok_and(|v| !v.trim().is_empty());
    if let Some(warning) = pengaduan_mail::loopback_link_warning(&site, smtp) {
        eprintln!("{warning}");
    }
    match pengaduan_mail::deliver_due(&ctx.store, &mailer, ctx.now.timestamp(), 100).await {
        Ok(r) if r.sent + r.retried + r.failed == 0 => None,
        Ok(r) => Some(format!(
            "Surel kepada pengadu: {} terkirim{}{}.\n",
            r.sent,
            if r.retried > 0 { format!(", {} dicoba lagi nanti", r.retried) } else { String::new() },
            if r.failed > 0 {
                format!(", {} gagal (lihat: pengaduan-staf surel gagal)", r.failed)
            } else {
                String::new()
            },
        )),
        Err(e) => {
            Some(format!("Peringatan: surel kepada pengadu belum dikirim; dicoba lagi nanti. ({})\n", error_chain(&e)))
        }
    }
}

/// The store `--store` names; a SQLite file that does not exist yet is created, and said so.
async fn open_store(spec: &str) -> Result<AnyStore, Failure> {
    if let Some(("sqlite", path)) = spec.split_once(':')
        && !std::path::Path::new(path).exists()
    {
        eprintln!("Catatan: basis data {path} belum ada dan dibuat baru.");
    }
    // The staff tool never creates a DynamoDB table: the infrastructure template does.
    pengaduan_store::open(spec, MissingTable::Leave, "pengaduan-staf").await.map_err(open_failure)
}

/// Brings the stored deadlines in step with the calendar and time limit in content, when they
/// were computed with others (an amended SKB, a year added). A failure does not stop the
/// command the staff member asked for: it is reported, and tried again by the next command.
async fn refresh_deadlines(ctx: &Ctx) {
    let calendar = &ctx.calendar;
    match pengaduan_store::deadlines::recompute_if_changed(&ctx.store, calendar, ctx.rules.max_working_days).await {
        Ok(Some(done)) if !done.changed.is_empty() => {
            eprint!("Catatan: kalender hari libur atau jangka waktu berubah; {}", cmd::tenggat::report(&done));
        }
        Ok(_) => {}
        Err(e) => eprintln!(
            "Peringatan: tenggat belum dapat dihitung ulang dengan kalender terbaru; dicoba lagi pada perintah berikutnya. ({})",
            error_chain(&e)
        ),
    }
}

/// The attachment store, after finishing complaint `nomor`'s commit if its intake was cut short:
/// staff opening a complaint's files see all of them.
async fn files_of(ctx: &Ctx, store: &str, lampiran: Option<&str>, nomor: &str) -> Result<AnyAttachments, Failure> {
    let files = open_attachments(store, lampiran).await?;
    let nomor = parse_nomor(nomor)?;
    if pengaduan_store::uploads::finish(&ctx.store, &files, &nomor).await.map_err(|e| Failure::new(error_chain(&e)))? {
        eprintln!("Catatan: lampiran {nomor} yang belum tersimpan sepenuhnya telah diselesaikan.");
    }
    Ok(files)
}

fn open_failure(e: pengaduan_store::OpenError) -> Failure {
    Failure::new(error_chain(&e))
}

/// The attachment store `--lampiran` names, or the one that goes with `--store`.
async fn open_attachments(store: &str, lampiran: Option<&str>) -> Result<AnyAttachments, Failure> {
    pengaduan_store::open_attachments(store, lampiran, None, "pengaduan-staf").await.map_err(open_failure)
}

/// A register number as staff type it, or the message showing how to write one.
fn parse_nomor(s: &str) -> Result<RegisterNumber, Failure> {
    RegisterNumber::parse(s)
        .ok_or_else(|| Failure::new(format!("Nomor register {s:?} tidak sah; tulis seperti PGD-2026-00042.")))
}

/// A date written exactly `TTTT-BB-HH`; `what` names it in the message.
fn parse_date(s: &str, what: &str) -> Result<Date, Failure> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| s.parse::<Date>().ok())
        .flatten()
        .ok_or_else(|| Failure::new(format!("{what} {s:?} tidak sah; tulis TTTT-BB-HH, mis. 2026-03-17.")))
}

/// The complaint, or "not found" as a failure.
async fn load(ctx: &Ctx, nomor: &RegisterNumber) -> Result<ComplaintRecord, Failure> {
    ctx.store.load(nomor).await?.ok_or_else(|| Failure::from(StoreError::NotFound(nomor.to_string())))
}

/// The version guard: a change based on what a staff member saw earlier is refused when the
/// complaint has changed since.
fn check_versi(record: &ComplaintRecord, versi: Option<u64>) -> Result<(), Failure> {
    match versi {
        Some(v) if v != record.row.version => Err(Failure {
            message: format!(
                "Pengaduan telah diubah oleh petugas lain (versi sekarang {}, Anda melihat versi {v}); muat ulang dan coba lagi.",
                record.row.version
            ),
            code: EXIT_CONFLICT,
        }),
        _ => Ok(()),
    }
}

/// An effective date given by staff: not after today, not before the complaint was received.
fn effective_date(ctx: &Ctx, record: &ComplaintRecord, given: Option<&str>) -> Result<Date, Failure> {
    let Some(s) = given else { return Ok(ctx.today()) };
    let d = parse_date(s, "Tanggal")?;
    if d > ctx.today() {
        return Err(Failure::new(format!("Tanggal {d} tidak boleh setelah hari ini ({}).", ctx.today())));
    }
    let received = ctx.local(record.row.received_at).date();
    if d < received {
        return Err(Failure::new(format!("Tanggal {d} tidak boleh sebelum pengaduan diterima ({received}).")));
    }
    Ok(d)
}

/// `value` trimmed, refused when blank; `what` names the option in the message.
fn require(value: &str, what: &str) -> Result<String, Failure> {
    let v = value.trim();
    if v.is_empty() { Err(Failure::new(format!("{what} wajib diisi."))) } else { Ok(v.to_owned()) }
}

/// Stores a checked transition made now, signed by the operating-system user ([`signature`]).
async fn store_transition(
    ctx: &Ctx,
    record: &ComplaintRecord,
    t: &Transition,
    deadline: Option<Deadline>,
    next_step: Option<String>,
) -> Result<Applied, Failure> {
    let change = WorkflowChange::from_transition(t, &ctx.by, ctx.now.timestamp(), ctx.now.year(), deadline, next_step)
        .notify(record, t);
    Ok(ctx.store.apply(&record.row.nomor, record.row.version, change).await?)
}

/// A step of `p` as staff read it: "langkah 4 dari 11 (actor): action".
fn describe(step: &pengaduan_core::workflow::Step, index: usize, p: &Procedure) -> String {
    format!("langkah {} dari {} ({}): {}", index + 1, p.steps.len(), step.actor, step.action)
}
