//! `pengaduan-staf`: the office staff's tool for the Buku Register Pengaduan.
//!
//! It works on the same store as the site (an SQLite file or a DynamoDB table) and follows the
//! procedures of the service page: every change is checked by the workflow rules in
//! `pengaduan_core::workflow`, stored against the version it was computed from, and appended to
//! the complaint's history. See `staff/README.md` for the staff's guide.

pub mod cli;
pub mod content;
pub mod export;

use clap::Parser;
use clap::error::{ContextKind, ErrorKind};
use cli::{Catat, Cli, Command, Daftar, Ekspor, HapusDataPribadi, Kembalikan, Lanjut, Lengkap};
use content::ServiceRules;
use jiff::civil::Date;
use jiff::{Timestamp, Zoned};
use pengaduan_core::calendar::{Calendar, MissingYear};
use pengaduan_core::datetime::{human_time, tanggal_indonesia};
use pengaduan_core::workflow::{Channel, Procedure, Transition, WorkflowError, find_procedure};
use pengaduan_core::{Jenis, RawForm, RawValue, RegisterNumber, Status};
use pengaduan_store::attachments::{AnyAttachments, AttachmentStore};
use pengaduan_store::erasure;
use pengaduan_store::intake::{Intake, Replay, intake};
use pengaduan_store::open::MissingTable;
use pengaduan_store::{
    AnyStore, Applied, ComplaintRecord, Config, ListFilter, StoreError, Submitted, WorkflowChange, WorkflowStore,
    error_chain,
};
use std::fmt::Write as _;
use std::process::ExitCode;

/// The environment variable that fixes "now" (RFC 3339), for tests and training sessions.
pub const CLOCK_VARIABLE: &str = "PENGADUAN_STAF_WAKTU";

/// Exit code of a change refused because another staff member changed the complaint first.
pub const EXIT_CONFLICT: u8 = 3;

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

impl From<MissingYear> for Failure {
    fn from(e: MissingYear) -> Self {
        Self::new(e.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => Self { message: e.to_string(), code: EXIT_CONFLICT },
            StoreError::NotFound(_) => Self::new(e.to_string()),
            other => Self::new(format!(
                "Penyimpanan data gagal; coba lagi atau hubungi pengelola sistem. ({})",
                error_chain(&other)
            )),
        }
    }
}

/// The program: parses the command line, runs the command, prints its output or its error.
pub fn main_entry() -> ExitCode {
    let cli = match Cli::try_parse() {
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
            eprintln!("Galat: {}", translate_clap_error(e));
            let sub = std::env::args().skip(1).find(|a| SUBCOMMANDS.contains(&a.as_str()));
            match sub {
                Some(sub) => eprintln!("Bantuan: pengaduan-staf {sub} --help"),
                None => eprintln!("Bantuan: pengaduan-staf --help"),
            }
            ExitCode::from(2)
        }
    }
}

const SUBCOMMANDS: [&str; 8] =
    ["daftar", "lihat", "catat", "lengkap", "kembalikan", "lanjut", "ekspor", "hapus-data-pribadi"];

/// clap's error, in Bahasa Indonesia.
pub fn translate_clap_error(e: &clap::Error) -> String {
    let ctx = |kind| e.get(kind).map(|v| v.to_string()).unwrap_or_default();
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
            SUBCOMMANDS.join(", ")
        ),
        ErrorKind::MissingSubcommand => {
            format!("perintah belum diberikan; pilih salah satu: {}", SUBCOMMANDS.join(", "))
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
}

/// Runs one parsed command line; the text to print on success.
pub async fn run(cli: Cli) -> Result<String, Failure> {
    let config = Config::from_env().map_err(|e| Failure::new(format!("pengaturan tidak sah: {e}")))?;
    let now = match std::env::var(CLOCK_VARIABLE) {
        Ok(v) if !v.is_empty() => v
            .parse::<Timestamp>()
            .map_err(|e| Failure::new(format!("{CLOCK_VARIABLE}={v:?} bukan waktu RFC 3339: {e}")))?,
        _ => Timestamp::now(),
    }
    .to_zoned(config.timezone.clone());
    let calendar = content::load_calendar(&cli.root)?;
    // Loud on every command: a deadline that cannot be computed must be noticed before it is needed.
    if let Some(warning) = calendar.warn_missing(now.date()) {
        eprintln!("\n!!! {warning}\n");
    }
    let rules = content::load_rules(&cli.root)?;
    if let Some(("sqlite", path)) = cli.store.split_once(':')
        && !std::path::Path::new(path).exists()
    {
        eprintln!("Catatan: basis data {path} belum ada dan dibuat baru.");
    }
    // The staff tool never creates a DynamoDB table: the infrastructure template does.
    let store = pengaduan_store::open(&cli.store, MissingTable::Leave, "pengaduan-staf").await.map_err(open_failure)?;
    let ctx = Ctx { store, rules, calendar, config, now };
    match cli.command {
        Command::Daftar(a) => daftar(&ctx, a).await,
        Command::Lihat(a) => lihat(&ctx, &a.nomor).await,
        Command::Catat(a) => catat(&ctx, a).await,
        Command::Lengkap(a) => lengkap(&ctx, a).await,
        Command::Kembalikan(a) => kembalikan(&ctx, a).await,
        Command::Lanjut(a) => lanjut(&ctx, a).await,
        Command::Ekspor(a) => ekspor(&ctx, a).await,
        Command::HapusDataPribadi(a) => {
            hapus_data_pribadi(&ctx, a, &open_attachments(&cli.store, cli.lampiran.as_deref()).await?).await
        }
        Command::Lampiran(a) => lampiran(&open_attachments(&cli.store, cli.lampiran.as_deref()).await?, &a.nomor).await,
        Command::Unduh(a) => unduh(&open_attachments(&cli.store, cli.lampiran.as_deref()).await?, &a).await,
    }
}

fn open_failure(e: pengaduan_store::OpenError) -> Failure {
    Failure::new(error_chain(&e))
}

/// The attachment store `--lampiran` names, or the one that goes with `--store`.
async fn open_attachments(store: &str, lampiran: Option<&str>) -> Result<AnyAttachments, Failure> {
    pengaduan_store::open_attachments(store, lampiran, None, "pengaduan-staf").await.map_err(open_failure)
}

async fn lampiran(files: &AnyAttachments, nomor: &str) -> Result<String, Failure> {
    let nomor = parse_nomor(nomor)?.to_string();
    let list = files.list(&nomor).await.map_err(|e| Failure::new(format!("lampiran tidak dapat dibaca: {e}")))?;
    if list.is_empty() {
        return Ok(format!("{nomor} tidak mempunyai lampiran.\n"));
    }
    let mut out = format!("Lampiran {nomor} ({} berkas):\n", list.len());
    for m in &list {
        let _ = writeln!(out, "  {}. {}  ({}, {} bita)", m.index, m.display_name, m.kind.content_type(), m.size);
    }
    Ok(out)
}

async fn unduh(files: &AnyAttachments, a: &cli::Unduh) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?.to_string();
    let list = files.list(&nomor).await.map_err(|e| Failure::new(format!("lampiran tidak dapat dibaca: {e}")))?;
    if list.is_empty() {
        return Ok(format!("{nomor} tidak mempunyai lampiran; tidak ada yang disimpan.\n"));
    }
    std::fs::create_dir_all(&a.ke)
        .map_err(|e| Failure::new(format!("folder {} tidak dapat dibuat: {e}", a.ke.display())))?;
    let mut out = String::new();
    for m in &list {
        let (meta, bytes) = files
            .get(&nomor, m.index)
            .await
            .map_err(|e| Failure::new(format!("lampiran {} tidak dapat dibaca: {e}", m.index)))?
            .ok_or_else(|| Failure::new(format!("lampiran {} tidak ditemukan", m.index)))?;
        // Display names are sanitised already; the index keeps two files of the same name apart.
        let target = a.ke.join(format!("{}-{}", meta.index, meta.display_name));
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&target).map_err(|e| {
            Failure::new(format!("{} tidak dapat ditulis (tidak ditimpa bila sudah ada): {e}", target.display()))
        })?;
        std::io::Write::write_all(&mut file, &bytes)
            .map_err(|e| Failure::new(format!("{} tidak dapat ditulis: {e}", target.display())))?;
        let _ = writeln!(out, "Disimpan: {}", target.display());
    }
    Ok(out)
}

fn parse_nomor(s: &str) -> Result<RegisterNumber, Failure> {
    RegisterNumber::parse(s)
        .ok_or_else(|| Failure::new(format!("Nomor register {s:?} tidak sah; tulis seperti PGD-2026-00042.")))
}

fn parse_date(s: &str, what: &str) -> Result<Date, Failure> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| s.parse::<Date>().ok())
        .flatten()
        .ok_or_else(|| Failure::new(format!("{what} {s:?} tidak sah; tulis TTTT-BB-HH, mis. 2026-03-17.")))
}

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

fn require(value: &str, what: &str) -> Result<String, Failure> {
    let v = value.trim();
    if v.is_empty() { Err(Failure::new(format!("{what} wajib diisi."))) } else { Ok(v.to_owned()) }
}

/// Stores a checked transition made now by `by`.
async fn store_transition(
    ctx: &Ctx,
    record: &ComplaintRecord,
    t: &Transition,
    by: &str,
    deadline: Option<Date>,
    next_step: Option<String>,
) -> Result<Applied, Failure> {
    let change = WorkflowChange::from_transition(t, by, ctx.now.timestamp(), ctx.now.year(), deadline, next_step);
    Ok(ctx.store.apply(&record.row.nomor, record.row.version, change).await?)
}

async fn lengkap(ctx: &Ctx, a: Lengkap) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?;
    let petugas = require(&a.petugas, "Nama petugas (--petugas)")?;
    let record = load(ctx, &nomor).await?;
    check_versi(&record, a.versi.versi)?;
    let on = effective_date(ctx, &record, a.tanggal.as_deref())?;
    let p = ctx.procedure(&a.prosedur)?;
    let t = record.row.state.mark_complete(p, on, a.catatan.as_deref().unwrap_or_default())?;
    // Computed here with the calendar and stored, so the public function needs no calendar.
    let deadline = t.to.deadline(&ctx.calendar, ctx.rules.max_working_days)?;
    let step = t.to.step_index.unwrap_or_default();
    store_transition(ctx, &record, &t, &petugas, deadline, p.public_next_step(step)).await?;
    let mut out = String::new();
    let _ = writeln!(out, "Berkas {nomor} dinyatakan lengkap pada {}.", tanggal_indonesia(on));
    let _ = writeln!(out, "Prosedur: {} ({}), berakhir dengan {}.", p.title, p.id, p.product);
    let _ = writeln!(out, "Sekarang: {}", p.describe_step(step));
    if let Some(next) = p.steps.get(step + 1) {
        let _ = writeln!(out, "Berikutnya: {}", describe(next, step + 1, p));
    }
    if let Some(d) = deadline {
        let _ = writeln!(
            out,
            "Tenggat penyelesaian: {} ({} hari kerja setelah berkas lengkap).",
            tanggal_indonesia(d),
            ctx.rules.max_working_days
        );
    }
    Ok(out)
}

fn describe(step: &pengaduan_core::workflow::Step, index: usize, p: &Procedure) -> String {
    format!("langkah {} dari {} ({}): {}", index + 1, p.steps.len(), step.actor, step.action)
}

async fn kembalikan(ctx: &Ctx, a: Kembalikan) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?;
    let petugas = require(&a.petugas, "Nama petugas (--petugas)")?;
    let record = load(ctx, &nomor).await?;
    check_versi(&record, a.versi.versi)?;
    let on = effective_date(ctx, &record, a.tanggal.as_deref())?;
    let t = record.row.state.mark_incomplete(&a.alasan, on)?;
    store_transition(ctx, &record, &t, &petugas, None, None).await?;
    Ok(format!(
        "Berkas {nomor} dikembalikan kepada pengadu untuk dilengkapi pada {}.\nStatus publik: {}. Jangka waktu berhenti dan dihitung ulang dari nol setelah berkas dinyatakan lengkap (perintah lengkap).\n",
        tanggal_indonesia(on),
        Status::PerluDilengkapi.label()
    ))
}

async fn lanjut(ctx: &Ctx, a: Lanjut) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?;
    let petugas = require(&a.petugas, "Nama petugas (--petugas)")?;
    let catatan = require(&a.catatan, "Catatan (--catatan)")?;
    let record = load(ctx, &nomor).await?;
    check_versi(&record, a.versi.versi)?;
    let state = &record.row.state;
    let Some(id) = &state.procedure_id else {
        return Err(match state.status {
            Status::Selesai => WorkflowError::AlreadyFinished.into(),
            _ => WorkflowError::FilesNotComplete.into(),
        });
    };
    let p = ctx.procedure(id)?;
    let t = state.advance(p, ctx.today(), &catatan)?;
    let step = t.to.step_index.unwrap_or_default();
    // The deadline was fixed when the files were declared complete.
    let applied = store_transition(ctx, &record, &t, &petugas, record.row.deadline, p.public_next_step(step)).await?;
    let mut out = String::new();
    let _ = writeln!(out, "{nomor}: {}", p.describe_step(step));
    let _ = writeln!(out, "Status publik: {} ({}).", t.to.status.label(), t.to.status.code());
    if let Some(ba) = &applied.ba_number {
        let _ = writeln!(out, "Nomor Berita Acara Penyelesaian Pengaduan: {ba}");
    }
    if t.to.status == Status::Selesai {
        // Already stored: a missing calendar year only drops the count from the message.
        let taken = t.to.days_taken(&ctx.calendar).ok().flatten();
        let _ = write!(out, "Pengaduan selesai");
        if let Some(n) = taken {
            let _ = write!(out, " dalam {n} hari kerja sejak berkas lengkap");
        }
        let _ = writeln!(out, ".");
    } else if let Some(next) = p.steps.get(step + 1) {
        let _ = writeln!(out, "Berikutnya: {}", describe(next, step + 1, p));
    }
    Ok(out)
}

async fn hapus_data_pribadi(ctx: &Ctx, a: HapusDataPribadi, attachments: &AnyAttachments) -> Result<String, Failure> {
    let nomor = parse_nomor(&a.nomor)?;
    let petugas = require(&a.petugas, "Nama petugas (--petugas)")?;
    let alasan = require(&a.alasan, "Alasan (--alasan)")?;
    let record = load(ctx, &nomor).await?;
    check_versi(&record, a.versi.versi)?;
    if let Some(at) = record.row.erased_at {
        return Err(Failure::new(format!(
            "Data pribadi pengaduan {nomor} sudah dihapus pada {}.",
            human_time(&ctx.local(at))
        )));
    }
    let request = erasure::Request {
        nomor: &nomor,
        expected_version: record.row.version,
        by: &petugas,
        reason: &alasan,
        at: ctx.now.timestamp(),
    };
    let erased = erasure::erase_personal_data(&ctx.store, Some(attachments), request).await.map_err(|e| match e {
        erasure::ErasureError::Store(e) => Failure::from(e),
        other => Failure::new(error_chain(&other)),
    })?;
    Ok(format!(
        "Data pribadi pengaduan {nomor} (nama, kontak, NIK, alamat), isi laporannya, dan {} lampirannya telah dihapus.\nBaris Buku Register (nomor, tanggal, kanal, jenis, judul, status, tenggat, nomor BA) tetap ada; penghapusan dicatat di riwayat.\n",
        erased.attachments
    ))
}

async fn catat(ctx: &Ctx, a: Catat) -> Result<String, Failure> {
    let channel = Channel::parse(&a.kanal).ok_or_else(|| {
        Failure::new(format!(
            "Kanal {:?} tidak dikenal; pilih salah satu: telepon, surat, email, sms, kotak_pengaduan, lapor, langsung.",
            a.kanal
        ))
    })?;
    if channel == Channel::Web {
        return Err(Failure::new(
            "Kanal web dipakai formulir daring di situs; untuk pengaduan dari kanal lain pilih telepon, surat, email, sms, kotak_pengaduan, lapor, atau langsung.",
        ));
    }
    let petugas = require(&a.petugas, "Nama petugas (--petugas)")?;
    let mut form = RawForm::new();
    let text = |v: &str| RawValue::Text(v.to_owned());
    let flag = |b: bool| RawValue::Text(if b { "on" } else { "" }.to_owned());
    form.insert("jenis", text(&a.jenis));
    form.insert("judul", text(&a.judul));
    form.insert("isi", text(&a.isi));
    for (name, value) in [
        ("nama", &a.nama),
        ("telepon", &a.telepon),
        ("email", &a.email),
        ("nik", &a.nik),
        ("alamat", &a.alamat),
        ("tanggal_kejadian", &a.tanggal_kejadian),
        ("lokasi", &a.lokasi),
        ("layanan", &a.layanan),
    ] {
        if let Some(v) = value {
            form.insert(name, text(v));
        }
    }
    form.insert("anonim", flag(a.anonim));
    form.insert("rahasia", flag(a.rahasia));
    form.insert("pernyataan_kebenaran", flag(a.persetujuan));
    form.insert("persetujuan_data", flag(a.persetujuan));
    let submission = pengaduan_core::submission::validate(&form, ctx.today()).map_err(|errors| {
        let mut msg = String::from("Pengaduan belum dapat dicatat:");
        let mut consent_told = false;
        for e in errors {
            if matches!(e.field, "pernyataan_kebenaran" | "persetujuan_data") {
                if !consent_told {
                    msg.push_str("\n  --persetujuan: tanyakan kepada pengadu apakah isi laporannya benar dan apakah ia menyetujui pemrosesan data pribadinya; bila ya, tambahkan --persetujuan.");
                    consent_told = true;
                }
                continue;
            }
            let _ = write!(msg, "\n  --{}: {}", e.field.replace('_', "-"), e.message);
        }
        Failure::new(msg)
    })?;

    let complaint =
        Intake { submission, channel, received_at: ctx.now.clone(), replay: Replay::Content, recorded_by: petugas };
    let (receipt, first) = match intake(&ctx.store, &ctx.config.prefix, complaint).await? {
        Submitted::New(r) => (r, true),
        Submitted::Replay(r) => (r, false),
    };
    let mut out = String::new();
    if first {
        let _ = writeln!(out, "Pengaduan dicatat di Buku Register Pengaduan (kanal: {}).", channel.label());
    } else {
        let _ = writeln!(
            out,
            "Pengaduan yang sama sudah dicatat dalam 24 jam terakhir; tidak dicatat dua kali. Nomor dan kode lacaknya:"
        );
    }
    let _ = writeln!(out, "Nomor register : {}", receipt.nomor);
    let _ = writeln!(out, "Kode lacak     : {}", receipt.kode_lacak);
    let _ = writeln!(
        out,
        "Sampaikan keduanya kepada pengadu: dengan nomor register dan kode lacak ia dapat melacak status di halaman Lacak Pengaduan. Simpan kode lacak hanya di catatan pengadu; kode ini tidak dapat ditampilkan ulang."
    );
    Ok(out)
}

async fn daftar(ctx: &Ctx, a: Daftar) -> Result<String, Failure> {
    let status = a
        .status
        .as_deref()
        .map(|s| {
            s.parse::<Status>().map_err(|_| {
                Failure::new(format!(
                    "Status {s:?} tidak dikenal; pilih salah satu: diterima, perlu_dilengkapi, diverifikasi, diproses, selesai."
                ))
            })
        })
        .transpose()?;
    let jenis = a
        .jenis
        .as_deref()
        .map(|j| {
            Jenis::parse(j).ok_or_else(|| {
                Failure::new(format!("Jenis {j:?} tidak dikenal; pilih salah satu: pengaduan, informasi, aspirasi."))
            })
        })
        .transpose()?;
    let kanal = a
        .kanal
        .as_deref()
        .map(|k| {
            Channel::parse(k).ok_or_else(|| {
                Failure::new(format!(
                    "Kanal {k:?} tidak dikenal; pilih salah satu: web, telepon, surat, email, sms, kotak_pengaduan, lapor, langsung."
                ))
            })
        })
        .transpose()?;
    if a.terlambat && a.jatuh_tempo.is_some() {
        return Err(Failure::new("Pilih salah satu: --terlambat atau --jatuh-tempo."));
    }
    let filter = ListFilter { status, jenis, ..Default::default() };
    let today = ctx.today();
    let mut rows = Vec::new();
    for row in ctx.store.list(&filter).await? {
        if kanal.is_some_and(|k| k != row.channel) {
            continue;
        }
        let open = row.state.status != Status::Selesai;
        if a.terlambat && !(open && row.deadline.is_some_and(|d| d < today)) {
            continue;
        }
        if let Some(n) = a.jatuh_tempo {
            let Some(d) = row.deadline.filter(|d| open && *d >= today) else { continue };
            // Today counts as one of the N days when it is a working day.
            let left = ctx.calendar.working_days_between(today.yesterday().unwrap_or(today), d)?;
            if left > n {
                continue;
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Ok("Tidak ada pengaduan yang cocok.\n".into());
    }
    let mut table = vec![["NOMOR", "DITERIMA", "KANAL", "JENIS", "STATUS", "TENGGAT", "JUDUL"].map(str::to_owned)];
    for r in &rows {
        let overdue = r.state.status != Status::Selesai && r.deadline.is_some_and(|d| d < today);
        let tenggat = match r.deadline {
            Some(d) if overdue => format!("{d} (terlambat)"),
            Some(d) => d.to_string(),
            None => "-".into(),
        };
        let judul: String = if r.judul.chars().count() > 50 {
            r.judul.chars().take(49).chain(['…']).collect()
        } else {
            r.judul.clone()
        };
        table.push([
            r.nomor.to_string(),
            ctx.local(r.received_at).date().to_string(),
            r.channel.label().to_owned(),
            r.jenis.label().to_owned(),
            r.state.status.code().to_owned(),
            tenggat,
            judul,
        ]);
    }
    let mut widths = [0usize; 7];
    for line in &table {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in &table {
        let cells: Vec<String> = line
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| if i == 6 { c.clone() } else { format!("{c}{}", " ".repeat(w - c.chars().count())) })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    let _ = writeln!(out, "\n{} pengaduan.", rows.len());
    Ok(out)
}

async fn lihat(ctx: &Ctx, nomor: &str) -> Result<String, Failure> {
    let nomor = parse_nomor(nomor)?;
    let r = load(ctx, &nomor).await?;
    let row = &r.row;
    let s = &row.state;
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<17}: {value}");
    };
    line("Nomor register", &row.nomor.to_string());
    line("Versi", &row.version.to_string());
    line("Diterima", &human_time(&ctx.local(row.received_at)));
    line("Kanal", row.channel.label());
    line("Jenis", row.jenis.label());
    line("Judul", &row.judul);
    line("Status", &format!("{} ({})", s.status.code(), s.status.label()));
    if let Some(id) = &s.procedure_id {
        match find_procedure(&ctx.rules.procedures, id) {
            Ok(p) => {
                line("Prosedur", &format!("{} ({})", p.title, p.id));
                if let Some(i) = s.step_index {
                    line("Langkah sekarang", &p.describe_step(i));
                    if let Some(next) = p.steps.get(i + 1) {
                        line("Langkah berikut", &describe(next, i + 1, p));
                    }
                }
            }
            Err(e) => line("Prosedur", &format!("{id} ({e})")),
        }
    }
    if let Some(d) = s.files_complete_on {
        line("Berkas lengkap", &tanggal_indonesia(d));
    }
    if let Some(d) = row.deadline {
        let today = ctx.today();
        // Showing the complaint matters more than the count: a missing year only drops the note.
        let note = if s.status == Status::Selesai {
            String::new()
        } else if d < today {
            ctx.calendar
                .working_days_between(d, today)
                .map(|n| format!(" (terlambat {n} hari kerja)"))
                .unwrap_or_else(|_| " (terlambat)".into())
        } else {
            ctx.calendar.working_days_between(today, d).map(|n| format!(" ({n} hari kerja lagi)")).unwrap_or_default()
        };
        line("Tenggat", &format!("{}{note}", tanggal_indonesia(d)));
    }
    if let Some(d) = s.finished_on {
        let taken =
            s.days_taken(&ctx.calendar).ok().flatten().map(|n| format!(" ({n} hari kerja)")).unwrap_or_default();
        line("Selesai", &format!("{}{taken}", tanggal_indonesia(d)));
    }
    if let Some(ba) = &s.ba_number {
        line("Nomor BA", ba);
    }
    line("Anonim / rahasia", &format!("{} / {}", yes_no(r.anonim), yes_no(r.rahasia)));
    if let Some(l) = &r.layanan {
        line("Layanan", l);
    }
    if let Some(d) = r.tanggal_kejadian {
        line("Tanggal kejadian", &d.to_string());
    }
    if let Some(l) = &r.lokasi {
        line("Lokasi", l);
    }
    line("Isi", &r.isi);
    let _ = writeln!(out, "\nData pribadi:");
    match (&r.personal, row.erased_at) {
        (_, Some(at)) => {
            let _ = writeln!(out, "  (dihapus atas permintaan pada {})", human_time(&ctx.local(at)));
        }
        (Some(p), None) => {
            for (label, value) in [
                ("Nama", &p.nama),
                ("Email", &p.email),
                ("Telepon", &p.telepon),
                ("NIK", &p.nik),
                ("Alamat", &p.alamat),
            ] {
                let _ = writeln!(out, "  {label:<8}: {}", value.as_deref().unwrap_or("-"));
            }
        }
        (None, None) => {
            let _ = writeln!(out, "  (tidak ada)");
        }
    }
    let _ = writeln!(out, "\nRiwayat:");
    for h in &r.history {
        let from = h.from.map_or("(baru)", Status::code);
        let _ = writeln!(out, "  #{:<3} {}  {}", h.seq, human_time(&ctx.local(h.at)), h.by);
        let _ = write!(out, "       {}: {from} -> {}", h.action.label(), h.to.code());
        if let (Some(id), Some(i)) = (&h.procedure_id, h.step_index)
            && h.action != pengaduan_core::workflow::Action::DataPribadiDihapus
        {
            let _ = write!(out, " [{id}, langkah {}]", i + 1);
        }
        let _ = writeln!(out);
        if let Some(d) = h.on {
            let _ = writeln!(out, "       Berlaku tanggal: {}", tanggal_indonesia(d));
        }
        if let Some(ba) = &h.ba_number {
            let _ = writeln!(out, "       Nomor BA: {ba}");
        }
        if !h.note.is_empty() {
            let _ = writeln!(out, "       Catatan: {}", h.note);
        }
    }
    Ok(out)
}

fn yes_no(b: bool) -> &'static str {
    if b { "ya" } else { "tidak" }
}

async fn ekspor(ctx: &Ctx, a: Ekspor) -> Result<String, Failure> {
    let dari = parse_date(&a.dari, "Tanggal --dari")?;
    let sampai = parse_date(&a.sampai, "Tanggal --sampai")?;
    if dari > sampai {
        return Err(Failure::new(format!("--dari {dari} jatuh setelah --sampai {sampai}.")));
    }
    let tz = &ctx.config.timezone;
    let start = dari.to_zoned(tz.clone()).map_err(|e| Failure::new(e.to_string()))?.timestamp();
    let end =
        sampai.tomorrow().and_then(|d| d.to_zoned(tz.clone())).map_err(|e| Failure::new(e.to_string()))?.timestamp();
    let filter = ListFilter { received_from: Some(start), received_before: Some(end), ..Default::default() };
    let mut rows = Vec::new();
    for r in ctx.store.list(&filter).await? {
        let lama = match r.state.days_taken(&ctx.calendar) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("Peringatan: {}: lama penyelesaian tidak dihitung: {e}", r.nomor);
                None
            }
        };
        rows.push(export::ExportRow {
            nomor: r.nomor.to_string(),
            diterima: ctx.local(r.received_at).date(),
            kanal: r.channel.label().to_owned(),
            jenis: r.jenis.label().to_owned(),
            judul: r.judul.clone(),
            status: r.state.status.label().to_owned(),
            tenggat: r.deadline,
            lama,
            nomor_ba: r.state.ba_number.clone(),
        });
    }
    let mut out = String::new();
    if let Some(path) = &a.csv {
        export::write_csv(path, &rows)?;
        let _ = writeln!(out, "{} pengaduan ditulis ke {} (CSV).", rows.len(), path.display());
    }
    if let Some(path) = &a.xlsx {
        export::write_xlsx(path, &rows, dari, sampai)?;
        let _ = writeln!(out, "{} pengaduan ditulis ke {} (Excel).", rows.len(), path.display());
    }
    let _ = writeln!(out, "Periode: {} s/d {} (tanggal diterima).", tanggal_indonesia(dari), tanggal_indonesia(sampai));
    Ok(out)
}
