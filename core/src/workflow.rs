//! The complaint's workflow after intake: the procedures staff follow and the state machine that
//! moves a complaint through them.
//!
//! The procedures are data, not code: they are the `[[service.procedures]]` of the service page
//! (`content/layanan/informasi-dan-pengaduan.md`), the same text the public reads. The caller
//! parses that front matter and hands the procedures here, so changing the procedure in content
//! changes both the page and the workflow.
//!
//! The path of a complaint:
//! - intake: `diterima`;
//! - the files are returned to be completed ([`WorkflowState::mark_incomplete`]):
//!   `perlu_dilengkapi`, the deadline clock stops; only during the completeness check, before
//!   the files are declared complete, as the SOP's second step says;
//! - the files are declared complete ([`WorkflowState::mark_complete`]): staff choose the
//!   procedure, the complaint stands at that procedure's verification step, `diverifikasi`, and
//!   the clock starts again from zero;
//! - each later step in order ([`WorkflowState::advance`]): the status is the step's
//!   `public_status`; the step marked `assigns = "nomor_ba"` numbers the Berita Acara, so the
//!   BA number is assigned in the same write; the last step is `selesai`;
//! - a step already taken is sent back for rework ([`WorkflowState::correct`]), by the role the
//!   SOP names for that step, with a reason: the deadline and the register's durations keep
//!   running from the day the files were declared complete.
//!
//! Every function here is pure: it checks a change against the current state and returns the
//! state after it, or a refusal in Bahasa Indonesia. Storing it (atomically, checked against the
//! version read) is the store's job.

use crate::access::{Role, may_take_steps};
use crate::calendar::{Calendar, ClockEvent, Deadline, Reckoned};
use crate::register::RegisterNumber;
use crate::status::Status;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Prefix of Berita Acara numbers (`BA-2026-00001`); their yearly counter is `BA#2026`.
pub const BA_PREFIX: &str = "BA";

/// The Berita Acara number for `seq` in `year`, e.g. `BA-2026-00001`.
pub fn ba_number(year: i16, seq: u64) -> String {
    RegisterNumber::new(BA_PREFIX, year, seq).to_string()
}

/// The name of the Berita Acara counter of `year`, e.g. `BA#2026`.
pub fn ba_counter_name(year: i16) -> String {
    RegisterNumber::counter_name(BA_PREFIX, year)
}

/// A number a step assigns to the complaint when it is reached (`assigns = "nomor_ba"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Assigns {
    /// The next Berita Acara number of the year ("Registrasi/Penomoran Berita Acara").
    #[serde(rename = "nomor_ba")]
    NomorBa,
}

/// One step of a procedure, as written in the service page's front matter.
// Unknown keys are refused: a misspelt `assigns` would otherwise silently lose the BA number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Who does it (a role, never a person's name).
    pub actor: String,
    /// What is done.
    pub action: String,
    /// The public status while the complaint is at this step; none keeps the previous one.
    #[serde(default)]
    pub public_status: Option<Status>,
    /// What reaching this step assigns; `nomor_ba` marks the step that numbers the Berita Acara.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigns: Option<Assigns>,
    /// The staff role that takes this step in the console (`peran`); none for the
    /// complainant's own steps before the files are complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peran: Option<Role>,
}

/// One procedure of the service, as written in the service page's front matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Stable identifier (`penyelesaian`, `jawaban-tertulis`), recorded on each complaint.
    pub id: String,
    /// Heading on the page.
    pub title: String,
    /// What the procedure ends with (the Berita Acara, the Surat Jawaban).
    pub product: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Procedure {
    /// Checks that the procedure can drive the workflow: an id, at least one step after the
    /// verification step, only the last step `selesai`, no step after verification going back
    /// to an intake status, at most one step numbering the Berita Acara, after verification,
    /// and a staff role (`peran`, never admin or editor) on the verification step and every step after
    /// it. Catching this when content is read beats a complaint stuck at a step that cannot be
    /// left.
    pub fn validate(&self) -> Result<(), WorkflowError> {
        let bad = |problem: String| Err(WorkflowError::InvalidProcedure { id: self.id.clone(), problem });
        if self.id.trim().is_empty() {
            return bad("id prosedur kosong".into());
        }
        if self.steps.is_empty() {
            return bad("prosedur tidak punya langkah".into());
        }
        let last = self.steps.len() - 1;
        if self.start_index() >= last {
            return bad("tidak ada langkah sesudah berkas dinyatakan lengkap".into());
        }
        for (i, step) in self.steps.iter().enumerate() {
            if step.public_status == Some(Status::Selesai) && i != last {
                return bad(format!("langkah {} berstatus selesai padahal bukan langkah terakhir", i + 1));
            }
            let intake = matches!(step.public_status, Some(Status::Diterima | Status::PerluDilengkapi));
            if i > self.start_index() && intake {
                return bad(format!(
                    "langkah {} berstatus {} padahal berkas sudah dinyatakan lengkap",
                    i + 1,
                    step.public_status.map(Status::code).unwrap_or_default()
                ));
            }
            if step.actor.trim().is_empty() || step.action.trim().is_empty() {
                return bad(format!("langkah {} tanpa pelaku atau kegiatan", i + 1));
            }
            // From the clock-start step on, staff take each step in the console, which lets only
            // the step's role take it: a step without one could never be left.
            if i >= self.start_index() && step.peran.is_none() {
                return bad(format!(
                    "langkah {} tanpa peran; tulis peran = \"jft\" (pilihan: {})",
                    i + 1,
                    step_role_codes()
                ));
            }
            // The admin keeps accounts and erases data; one who also moved complaints would hold
            // both the work and the trail that checks it. The editor keeps the website only.
            if let Some(role) = step.peran.filter(|r| !may_take_steps(*r)) {
                return bad(format!(
                    "langkah {} berperan {}, padahal {} tidak mengerjakan langkah prosedur (pilihan: {})",
                    i + 1,
                    role.code(),
                    role.code(),
                    step_role_codes()
                ));
            }
        }
        let numbering: Vec<usize> =
            self.steps.iter().enumerate().filter(|(_, s)| numbers_ba(s)).map(|(i, _)| i).collect();
        if let [first, second, ..] = numbering[..] {
            return bad(format!(
                "langkah {} dan {} sama-sama memberi nomor Berita Acara (assigns = \"nomor_ba\"); hanya satu langkah yang boleh",
                first + 1,
                second + 1
            ));
        }
        // The clock-start step is reached by declaring the files complete, which assigns nothing.
        if let Some(&i) = numbering.first()
            && i <= self.start_index()
        {
            return bad(format!(
                "langkah {} memberi nomor Berita Acara padahal berkas belum dinyatakan lengkap; nomor hanya dapat diberikan pada langkah sesudahnya",
                i + 1
            ));
        }
        Ok(())
    }

    /// The step a complaint stands at once its files are declared complete: the first step
    /// whose public status is `diverifikasi`, else the last intake step (`diterima` or
    /// `perlu_dilengkapi`). The written-answer procedure has no verification step of its own:
    /// there it is the registration in the Buku Register.
    pub fn start_index(&self) -> usize {
        if let Some(i) = self.steps.iter().position(|s| s.public_status == Some(Status::Diverifikasi)) {
            return i;
        }
        let intake = |s: &Step| matches!(s.public_status, Some(Status::Diterima | Status::PerluDilengkapi));
        self.steps.iter().rposition(intake).unwrap_or(0)
    }

    /// The step that numbers the Berita Acara ("Registrasi/Penomoran Berita Acara"): the one
    /// marked `assigns = "nomor_ba"` in the page, none when no step is.
    pub fn ba_step(&self) -> Option<usize> {
        self.steps.iter().position(numbers_ba)
    }

    /// The role of the step after `state_step_index`: the one to be taken now by whoever moves
    /// the complaint on. `None` at the last step, past the end, or for a step without a role.
    pub fn role_for_next(&self, state_step_index: usize) -> Option<Role> {
        self.steps.get(state_step_index.checked_add(1)?).and_then(|s| s.peran)
    }

    /// "Langkah 4 dari 11 (actor): action", for staff.
    pub fn describe_step(&self, index: usize) -> String {
        match self.steps.get(index) {
            Some(s) => format!("Langkah {} dari {} ({}): {}", index + 1, self.steps.len(), s.actor, s.action),
            None => format!("Langkah {} (tidak ada di prosedur {})", index + 1, self.id),
        }
    }

    /// What the public is told comes next once the complaint stands at `index`: the next step's
    /// role and action, from the public service page. `None` at the last step.
    pub fn public_next_step(&self, index: usize) -> Option<String> {
        self.steps.get(index + 1).map(|s| format!("Tahap berikutnya ({}): {}", s.actor, s.action))
    }
}

/// "front-office, jft, kepala-bidang, kepala-dinas": the roles a step may name.
fn step_role_codes() -> String {
    Role::ALL.into_iter().filter(|r| may_take_steps(*r)).map(Role::code).collect::<Vec<_>>().join(", ")
}

fn numbers_ba(step: &Step) -> bool {
    step.assigns == Some(Assigns::NomorBa)
}

/// Finds a procedure by id among those of the service page.
pub fn find_procedure<'a>(procedures: &'a [Procedure], id: &str) -> Result<&'a Procedure, WorkflowError> {
    procedures.iter().find(|p| p.id == id).ok_or_else(|| WorkflowError::UnknownProcedure {
        id: id.to_owned(),
        known: procedures.iter().map(|p| p.id.clone()).collect::<Vec<_>>().join(", "),
    })
}

/// The channel a complaint came through; every channel goes into the same register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntakeChannel {
    /// The online form on the site.
    Web,
    /// Telephone.
    Telepon,
    /// Letter.
    Surat,
    /// Email.
    Email,
    /// Text message.
    Sms,
    /// The complaint box at the office.
    KotakPengaduan,
    /// LAPOR! / SP4N-LAPOR!.
    Lapor,
    /// In person at the Front Office.
    Langsung,
}

impl IntakeChannel {
    /// Every channel, the online form first.
    pub const ALL: [IntakeChannel; 8] = [
        Self::Web,
        Self::Telepon,
        Self::Surat,
        Self::Email,
        Self::Sms,
        Self::KotakPengaduan,
        Self::Lapor,
        Self::Langsung,
    ];

    /// The code used in storage.
    pub fn code(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Telepon => "telepon",
            Self::Surat => "surat",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::KotakPengaduan => "kotak_pengaduan",
            Self::Lapor => "lapor",
            Self::Langsung => "langsung",
        }
    }

    /// The label shown to people and in the register export.
    pub fn label(self) -> &'static str {
        match self {
            Self::Web => "Formulir daring",
            Self::Telepon => "Telepon",
            Self::Surat => "Surat",
            Self::Email => "Email",
            Self::Sms => "SMS",
            Self::KotakPengaduan => "Kotak pengaduan",
            Self::Lapor => "LAPOR!",
            Self::Langsung => "Datang langsung",
        }
    }

    /// Reads a code; `kotak-pengaduan` is taken for `kotak_pengaduan`.
    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// What a history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Received through the online form.
    Diterima,
    /// Recorded by staff from another channel.
    Dicatat,
    /// Files declared complete; the procedure chosen.
    BerkasLengkap,
    /// Files returned to be completed.
    BerkasDikembalikan,
    /// Moved to the next step of the procedure.
    Lanjut,
    /// Personal data erased on request.
    DataPribadiDihapus,
    /// Sent back one or more steps for rework; the deadline runs on.
    Koreksi,
    /// Returned files completed online by the complainant (text and documents added with the
    /// number and tracking code): back to the completeness check.
    Dilengkapi,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 8] = [
        Self::Diterima,
        Self::Dicatat,
        Self::BerkasLengkap,
        Self::BerkasDikembalikan,
        Self::Lanjut,
        Self::DataPribadiDihapus,
        Self::Koreksi,
        Self::Dilengkapi,
    ];

    /// The code used in storage.
    pub fn code(self) -> &'static str {
        match self {
            Self::Diterima => "diterima",
            Self::Dicatat => "dicatat",
            Self::BerkasLengkap => "berkas_lengkap",
            Self::BerkasDikembalikan => "berkas_dikembalikan",
            Self::Lanjut => "lanjut",
            Self::DataPribadiDihapus => "data_pribadi_dihapus",
            Self::Koreksi => "koreksi",
            Self::Dilengkapi => "dilengkapi",
        }
    }

    /// The label shown to staff.
    pub fn label(self) -> &'static str {
        match self {
            Self::Diterima => "diterima melalui formulir daring",
            Self::Dicatat => "dicatat di Buku Register Pengaduan",
            Self::BerkasLengkap => "berkas dinyatakan lengkap",
            Self::BerkasDikembalikan => "berkas dikembalikan untuk dilengkapi",
            Self::Lanjut => "lanjut ke langkah berikutnya",
            Self::DataPribadiDihapus => "data pribadi dihapus",
            Self::Koreksi => "dikoreksi: dikembalikan ke langkah sebelumnya untuk diperbaiki",
            Self::Dilengkapi => "dilengkapi pengadu secara daring",
        }
    }

    /// Reads a code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Whether storing this action leaves the deadline, its clock and the register's durations
    /// as stored, whatever state the change carries: a correction reworks steps, it never
    /// buys time.
    pub fn keeps_clock(self) -> bool {
        self == Self::Koreksi
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One entry of a complaint's history: who did what, when, from which status to which.
/// Entries are only ever appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Position in the history, from 1; equal to the complaint's version after the change.
    pub seq: u64,
    /// When the change was recorded.
    pub at: Timestamp,
    /// The staff member (or `Front Office (daring)` for the online form). Never shown publicly.
    pub by: String,
    /// What was done.
    pub action: Action,
    /// The public status before; none for the first entry.
    pub from: Option<Status>,
    /// The public status after.
    pub to: Status,
    /// The procedure followed after the change, once chosen.
    pub procedure_id: Option<String>,
    /// The step reached, 0-based.
    pub step_index: Option<usize>,
    /// The date the change takes effect when it differs from `at` (files declared complete on).
    pub on: Option<Date>,
    /// The staff note or the reason. Internal: never shown publicly.
    pub note: String,
    /// The Berita Acara number assigned by this change.
    pub ba_number: Option<String>,
}

/// Where a complaint stands in its procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowState {
    /// The public status.
    pub status: Status,
    /// The procedure chosen when the files were declared complete.
    pub procedure_id: Option<String>,
    /// The step of that procedure the complaint stands at, 0-based.
    pub step_index: Option<usize>,
    /// The day the files were (last) declared complete: the deadline runs from here.
    pub files_complete_on: Option<Date>,
    /// Every start and stop of the deadline clock, in the order they happened.
    pub clock_events: Vec<ClockEvent>,
    /// The Berita Acara number, once its step is reached.
    pub ba_number: Option<String>,
    /// The day the last step was reached.
    pub finished_on: Option<Date>,
}

impl Default for WorkflowState {
    fn default() -> Self {
        Self::received()
    }
}

/// A checked change: the state after it and what the store must do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// What was done, for the history.
    pub action: Action,
    /// The public status before.
    pub from: Status,
    /// The state after the change. When `assign_ba` is set, the store fills in `ba_number`.
    pub to: WorkflowState,
    /// Whether this change reaches the step that numbers the Berita Acara: the store assigns
    /// the next BA number of the year in the same transaction.
    pub assign_ba: bool,
    /// The staff note or the reason, for the history.
    pub note: String,
}

impl Transition {
    /// The history entry recording this transition (`seq` and `ba_number` are the store's).
    pub fn entry(&self, at: Timestamp, by: &str) -> HistoryEntry {
        HistoryEntry {
            seq: 0,
            at,
            by: by.to_owned(),
            action: self.action,
            from: Some(self.from),
            to: self.to.status,
            procedure_id: self.to.procedure_id.clone(),
            step_index: self.to.step_index,
            on: match self.action {
                Action::BerkasLengkap => self.to.files_complete_on,
                _ => None,
            },
            note: self.note.clone(),
            ba_number: None,
        }
    }
}

/// Why a change was refused. Messages are for staff, in Bahasa Indonesia.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// Advancing before the files are declared complete.
    #[error(
        "Berkas pengaduan ini belum dinyatakan lengkap: tahapan prosedur baru dapat dilanjutkan setelah berkas dinyatakan lengkap."
    )]
    FilesNotComplete,
    /// Any change after the last step.
    #[error("Pengaduan ini sudah selesai; tidak ada tahapan berikutnya.")]
    AlreadyFinished,
    /// Declaring complete files that already are.
    #[error("Berkas pengaduan ini sudah dinyatakan lengkap pada {on}; tidak perlu dinyatakan lengkap lagi.")]
    AlreadyComplete {
        /// When they were declared complete.
        on: String,
    },
    /// Returning files that are already with the complainant.
    #[error("Berkas pengaduan ini sudah dikembalikan kepada pengadu dan belum dilengkapi.")]
    AlreadyReturned,
    /// Returning files after they were declared complete: the completeness check is over.
    #[error(
        "Berkas pengaduan ini sudah dinyatakan lengkap pada {on}; pengembalian berkas untuk dilengkapi hanya dilakukan pada pemeriksaan kelengkapan. Langkah yang perlu diperbaiki dikoreksi oleh peran yang mengerjakannya."
    )]
    CompletenessCheckOver {
        /// When the files were declared complete.
        on: String,
    },
    /// Correcting a step before the Berita Acara got its number, once it has one.
    #[error("Berita Acara pengaduan ini sudah bernomor {ba}; langkah sebelum penomorannya tidak dapat dikoreksi lagi.")]
    BaAlreadyNumbered {
        /// The BA number.
        ba: String,
    },
    /// Correcting a step that is not behind the complaint's current one.
    #[error("Langkah {step} tidak dapat dikoreksi; yang dapat dikoreksi hanya langkah {first} sampai {last}.")]
    NotCorrectable {
        /// The step asked for, 1-based.
        step: usize,
        /// The first correctable step, 1-based.
        first: usize,
        /// The last one (the step the complaint stands at), 1-based.
        last: usize,
    },
    /// Correcting a step of another role.
    #[error("Langkah {step} dikerjakan oleh {role}; hanya peran itu yang dapat mengoreksinya.")]
    NotYourStep {
        /// The step, 1-based.
        step: usize,
        /// The label of the role the SOP names for it.
        role: &'static str,
    },
    /// A correction without saying what is to be redone.
    #[error("Alasan koreksi wajib diisi: tuliskan apa yang perlu diperbaiki.")]
    CorrectionReasonMissing,
    /// A procedure other than the complaint's.
    #[error("Pengaduan ini mengikuti prosedur \"{current}\", bukan \"{given}\".")]
    WrongProcedure {
        /// The complaint's procedure.
        current: String,
        /// The one given.
        given: String,
    },
    /// A procedure id not on the service page.
    #[error("Prosedur \"{id}\" tidak ada di halaman layanan; prosedur yang ada: {known}.")]
    UnknownProcedure {
        /// The id given.
        id: String,
        /// The ids on the page.
        known: String,
    },
    /// A procedure the workflow cannot follow.
    #[error("Prosedur \"{id}\" di halaman layanan tidak dapat dipakai: {problem}.")]
    InvalidProcedure {
        /// The procedure's id.
        id: String,
        /// What is wrong.
        problem: String,
    },
    /// The stored step is beyond the procedure: the procedure was shortened in content.
    #[error(
        "Pengaduan ini berada di langkah {step}, padahal prosedur \"{id}\" hanya punya {len} langkah; prosedur di halaman layanan telah diubah. Hubungi pengelola situs."
    )]
    StepOutOfRange {
        /// The procedure's id.
        id: String,
        /// The stored step, 1-based.
        step: usize,
        /// The number of steps now.
        len: usize,
    },
    /// Completing files that were not returned to the complainant.
    #[error("Berkas pengaduan ini tidak sedang dikembalikan untuk dilengkapi.")]
    NotReturned,
    /// Returning files without saying why.
    #[error("Alasan pengembalian berkas wajib diisi.")]
    ReasonMissing,
    /// A clock event dated before the previous one.
    #[error("Tanggal {on} lebih awal daripada perubahan berkas sebelumnya ({last}).")]
    DateBeforeLastChange {
        /// The date given.
        on: Date,
        /// The previous event's date.
        last: Date,
    },
}

impl WorkflowState {
    /// The state of a complaint just received: `diterima`, no procedure yet, no clock.
    pub fn received() -> Self {
        Self {
            status: Status::Diterima,
            procedure_id: None,
            step_index: None,
            files_complete_on: None,
            clock_events: Vec::new(),
            ba_number: None,
            finished_on: None,
        }
    }

    fn check_not_before_last(&self, on: Date) -> Result<(), WorkflowError> {
        match self.clock_events.iter().map(|e| e.date()).max() {
            Some(last) if on < last => Err(WorkflowError::DateBeforeLastChange { on, last }),
            _ => Ok(()),
        }
    }

    /// Returns the files to the complainant to be completed, on `on`, with the reason: the
    /// status becomes `perlu_dilengkapi` and the clock (not started yet) stays stopped. Only
    /// during the completeness check: once the files are declared complete the deadline runs,
    /// and returning them would restart it from zero and undo the signatures already given
    /// (later rework is [`WorkflowState::correct`]).
    pub fn mark_incomplete(&self, reason: &str, on: Date) -> Result<Transition, WorkflowError> {
        match self.status {
            Status::Selesai => return Err(WorkflowError::AlreadyFinished),
            Status::PerluDilengkapi => return Err(WorkflowError::AlreadyReturned),
            Status::Diterima | Status::Diverifikasi | Status::Diproses => {}
        }
        if self.procedure_id.is_some() || self.files_complete_on.is_some() {
            let on = self.files_complete_on.map(|d| d.to_string()).unwrap_or_default();
            return Err(WorkflowError::CompletenessCheckOver { on });
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(WorkflowError::ReasonMissing);
        }
        self.check_not_before_last(on)?;
        let mut to = self.clone();
        to.status = Status::PerluDilengkapi;
        to.procedure_id = None;
        to.step_index = None;
        to.files_complete_on = None;
        to.clock_events.push(ClockEvent::Incomplete(on));
        Ok(Transition {
            action: Action::BerkasDikembalikan,
            from: self.status,
            to,
            assign_ba: false,
            note: reason.to_owned(),
        })
    }

    /// The complainant completes returned files online (the addition itself is the store's):
    /// the complaint goes back to `diterima`, the Front Office's completeness check. The clock
    /// stays stopped: the SOP counts the time limit from the day staff declare the files
    /// complete ([`mark_complete`](Self::mark_complete)), not from the day they were sent.
    /// Refused unless the files are with the complainant (`perlu_dilengkapi`).
    pub fn add_information(&self) -> Result<Transition, WorkflowError> {
        if self.status != Status::PerluDilengkapi {
            return Err(WorkflowError::NotReturned);
        }
        let mut to = self.clone();
        to.status = Status::Diterima;
        Ok(Transition { action: Action::Dilengkapi, from: self.status, to, assign_ba: false, note: String::new() })
    }

    /// Declares the files complete on `on` and chooses the procedure: the complaint stands at
    /// the procedure's verification step, `diverifikasi`, and the clock starts from zero.
    pub fn mark_complete(&self, procedure: &Procedure, on: Date, note: &str) -> Result<Transition, WorkflowError> {
        match self.status {
            Status::Selesai => return Err(WorkflowError::AlreadyFinished),
            Status::Diverifikasi | Status::Diproses => {
                let on = self.files_complete_on.map(|d| d.to_string()).unwrap_or_default();
                return Err(WorkflowError::AlreadyComplete { on });
            }
            Status::Diterima | Status::PerluDilengkapi => {}
        }
        procedure.validate()?;
        self.check_not_before_last(on)?;
        let mut to = self.clone();
        to.status = Status::Diverifikasi;
        to.procedure_id = Some(procedure.id.clone());
        to.step_index = Some(procedure.start_index());
        to.files_complete_on = Some(on);
        to.clock_events.push(ClockEvent::Complete(on));
        Ok(Transition {
            action: Action::BerkasLengkap,
            from: self.status,
            to,
            assign_ba: false,
            note: note.trim().to_owned(),
        })
    }

    /// Moves to the next step of the complaint's procedure, on `on`, with a note. Steps cannot
    /// be skipped: this is always the step right after the current one. The status becomes the
    /// step's public status (a step without one, or one naming an intake status, keeps the
    /// current status); the last step is `selesai`.
    pub fn advance(&self, procedure: &Procedure, on: Date, note: &str) -> Result<Transition, WorkflowError> {
        let index = self.current_step(procedure)?;
        let len = procedure.steps.len();
        let next = index + 1;
        if next >= len {
            return Err(WorkflowError::AlreadyFinished);
        }
        let last = next == len - 1;
        let status = if last {
            Status::Selesai
        } else {
            match procedure.steps[next].public_status {
                Some(s @ (Status::Diverifikasi | Status::Diproses)) => s,
                _ => self.status,
            }
        };
        let mut to = self.clone();
        to.status = status;
        to.step_index = Some(next);
        if last {
            to.finished_on = Some(on);
        }
        Ok(Transition {
            action: Action::Lanjut,
            from: self.status,
            to,
            assign_ba: procedure.ba_step() == Some(next) && self.ba_number.is_none(),
            note: note.trim().to_owned(),
        })
    }

    /// The step (0-based) an unfinished complaint stands at in `procedure`, or why it stands at
    /// none: finished, files not yet complete, another procedure, or a step the procedure lacks.
    fn current_step(&self, procedure: &Procedure) -> Result<usize, WorkflowError> {
        if self.status == Status::Selesai {
            return Err(WorkflowError::AlreadyFinished);
        }
        let (Some(current_id), Some(index)) = (&self.procedure_id, self.step_index) else {
            return Err(WorkflowError::FilesNotComplete);
        };
        if *current_id != procedure.id {
            return Err(WorkflowError::WrongProcedure { current: current_id.clone(), given: procedure.id.clone() });
        }
        procedure.validate()?;
        let len = procedure.steps.len();
        if index >= len {
            return Err(WorkflowError::StepOutOfRange { id: procedure.id.clone(), step: index + 1, len });
        }
        Ok(index)
    }

    /// The steps (0-based) of the complaint's procedure `role` may send it back to redo: those
    /// after the verification step up to the one it stands at, that the SOP gives to `role`,
    /// none before the Berita Acara's numbering once it has its number, none once finished.
    pub fn correctable_steps(&self, procedure: &Procedure, role: Role) -> Vec<usize> {
        self.correction_range(procedure)
            .map(|range| range.filter(|&i| procedure.steps[i].peran == Some(role)).collect())
            .unwrap_or_default()
    }

    /// The steps a correction may send back to, whoever asks.
    fn correction_range(&self, procedure: &Procedure) -> Result<std::ops::RangeInclusive<usize>, WorkflowError> {
        let index = self.current_step(procedure)?;
        // The verification step is reached by declaring the files complete: it is not redone.
        let mut first = procedure.start_index() + 1;
        if self.ba_number.is_some() {
            first = first.max(procedure.ba_step().map_or(0, |b| b + 1));
        }
        Ok(first..=index)
    }

    /// Sends the complaint back so that step `redo` (0-based) and those after it are taken
    /// again, at `role`'s request, with the reason. Only the role the SOP names for step `redo`
    /// may ask, so nobody undoes another role's initials or signature. The files stay complete:
    /// the deadline and the clock run on from the day they were declared complete, and the
    /// register's durations count from it too.
    pub fn correct(
        &self,
        procedure: &Procedure,
        redo: usize,
        role: Role,
        reason: &str,
    ) -> Result<Transition, WorkflowError> {
        let range = self.correction_range(procedure)?;
        if let (Some(ba), Some(b)) = (&self.ba_number, procedure.ba_step())
            && redo <= b
            && redo > procedure.start_index()
        {
            return Err(WorkflowError::BaAlreadyNumbered { ba: ba.clone() });
        }
        if !range.contains(&redo) {
            return Err(WorkflowError::NotCorrectable {
                step: redo + 1,
                first: range.start() + 1,
                last: range.end() + 1,
            });
        }
        let owner = procedure.steps[redo].peran;
        if owner != Some(role) {
            return Err(WorkflowError::NotYourStep { step: redo + 1, role: owner.map_or("-", Role::label) });
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(WorkflowError::CorrectionReasonMissing);
        }
        let back = redo - 1;
        let mut to = self.clone();
        to.step_index = Some(back);
        to.status = status_at(procedure, back);
        Ok(Transition { action: Action::Koreksi, from: self.status, to, assign_ba: false, note: reason.to_owned() })
    }

    /// The deadline: the `max_working_days`-th working day after the files were last declared
    /// complete, or `None` while they are not (never, or returned since). Provisional when the
    /// count passes through a year the calendar does not cover.
    pub fn deadline(&self, calendar: &Calendar, max_working_days: u32) -> Option<Deadline> {
        calendar.deadline_with_pauses(&self.clock_events, max_working_days)
    }

    /// Working days from the files declared complete to the last step, once finished;
    /// provisional like the deadline.
    pub fn days_taken(&self, calendar: &Calendar) -> Option<Reckoned<u32>> {
        match (self.files_complete_on, self.finished_on) {
            (Some(start), Some(end)) => Some(calendar.days_taken(start, end)),
            _ => None,
        }
    }
}

/// The public status of a complaint standing at step `index` (at or after the verification
/// step): the status of the last step up to it that names one, as [`WorkflowState::advance`]
/// set it; `diverifikasi` at the verification step.
fn status_at(procedure: &Procedure, index: usize) -> Status {
    let start = procedure.start_index();
    (start + 1..=index)
        .rev()
        .find_map(|i| match procedure.steps[i].public_status {
            Some(s @ (Status::Diverifikasi | Status::Diproses)) => Some(s),
            _ => None,
        })
        .unwrap_or(Status::Diverifikasi)
}

/// One public stage of a complaint, for the status page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicStage {
    /// The status.
    pub status: Status,
    /// Whether the complaint has reached it (and not gone back before it).
    pub reached: bool,
    /// The day it was (last) reached, when reached.
    pub date: Option<Date>,
}

/// The public stages of a complaint in status `current`, from the dated statuses of its history
/// (`(status reached, day)` in the order they happened). `perlu_dilengkapi` is listed only when
/// the complaint has been there; a stage's date is the last time it was reached, because after
/// files come back complete the clock restarts from that later day.
pub fn public_stages(current: Status, events: &[(Status, Date)]) -> Vec<PublicStage> {
    let returned = current == Status::PerluDilengkapi || events.iter().any(|(s, _)| *s == Status::PerluDilengkapi);
    Status::ALL
        .into_iter()
        .filter(|s| *s != Status::PerluDilengkapi || returned)
        .map(|status| {
            let reached = status <= current;
            let date = if reached { events.iter().rev().find(|(s, _)| *s == status).map(|(_, d)| *d) } else { None };
            PublicStage { status, reached, date }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The service page's procedures, as shipped: the tests follow the real content.
    fn shipped() -> Vec<Procedure> {
        let text = include_str!("../../content/layanan/informasi-dan-pengaduan.md");
        crate::service::ServiceRules::parse(text).expect("the shipped page parses").procedures
    }

    fn penyelesaian() -> Procedure {
        find_procedure(&shipped(), "penyelesaian").unwrap().clone()
    }

    fn jawaban() -> Procedure {
        find_procedure(&shipped(), "jawaban-tertulis").unwrap().clone()
    }

    const D: Date = date(2026, 3, 17);

    fn advance_n(mut state: WorkflowState, p: &Procedure, n: usize) -> WorkflowState {
        for _ in 0..n {
            state = state.advance(p, D, "").unwrap().to;
        }
        state
    }

    #[test]
    fn shipped_procedures_are_valid_and_derive_their_points() {
        let procs = shipped();
        assert_eq!(procs.len(), 2);
        for p in &procs {
            p.validate().unwrap();
        }
        let p = penyelesaian();
        assert_eq!(p.steps.len(), 11);
        assert_eq!(p.start_index(), 2, "the JFT's verification");
        assert_eq!(p.ba_step(), Some(8), "Meregistrasi dan memberi nomor Berita Acara");
        let j = jawaban();
        assert_eq!(j.steps.len(), 8);
        assert_eq!(j.start_index(), 1, "the registration in the Buku Register");
        assert_eq!(j.ba_step(), None, "the written answer has no Berita Acara");
    }

    #[test]
    fn unknown_procedure_names_the_known_ones() {
        let err = find_procedure(&shipped(), "kilat").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Prosedur \"kilat\" tidak ada di halaman layanan; prosedur yang ada: penyelesaian, jawaban-tertulis."
        );
    }

    #[test]
    fn received_then_complete_starts_the_clock_at_the_verification_step() {
        let s = WorkflowState::received();
        assert_eq!(s.status, Status::Diterima);
        let t = s.mark_complete(&penyelesaian(), D, " berkas lengkap ").unwrap();
        assert_eq!(t.action, Action::BerkasLengkap);
        assert_eq!(t.from, Status::Diterima);
        assert_eq!(t.to.status, Status::Diverifikasi);
        assert_eq!(t.to.procedure_id.as_deref(), Some("penyelesaian"));
        assert_eq!(t.to.step_index, Some(2));
        assert_eq!(t.to.files_complete_on, Some(D));
        assert_eq!(t.to.clock_events, vec![ClockEvent::Complete(D)]);
        assert_eq!(t.note, "berkas lengkap");
        assert!(!t.assign_ba);
        let e = t.entry("2026-03-17T02:00:00Z".parse().unwrap(), "Rina");
        assert_eq!(
            (e.from, e.to, e.on, e.by.as_str()),
            (Some(Status::Diterima), Status::Diverifikasi, Some(D), "Rina")
        );
    }

    #[test]
    fn the_whole_resolution_procedure_numbers_the_ba_once_and_ends_selesai() {
        let p = penyelesaian();
        let mut s = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        let mut statuses = Vec::new();
        let mut ba_steps = Vec::new();
        while s.status != Status::Selesai {
            let t = s.advance(&p, date(2026, 3, 20), "catatan").unwrap();
            assert_eq!(t.action, Action::Lanjut);
            assert_eq!(t.to.step_index, Some(s.step_index.unwrap() + 1), "exactly the next step");
            if t.assign_ba {
                ba_steps.push(t.to.step_index.unwrap());
            }
            statuses.push(t.to.status);
            s = t.to;
            if s.step_index == p.ba_step() {
                // The store fills this in within the same write.
                s.ba_number = Some(ba_number(2026, 1));
            }
        }
        assert_eq!(ba_steps, [8]);
        assert_eq!(statuses.len(), 8, "steps 4 to 11");
        assert!(statuses[..7].iter().all(|s| *s == Status::Diproses));
        assert_eq!(statuses[7], Status::Selesai);
        assert_eq!(s.finished_on, Some(date(2026, 3, 20)));
        assert_eq!(s.step_index, Some(10));
    }

    #[test]
    fn the_written_answer_goes_from_registration_to_selesai_without_a_ba() {
        let p = jawaban();
        let s = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        assert_eq!(s.step_index, Some(1));
        let t = s.advance(&p, D, "").unwrap();
        assert_eq!((t.to.status, t.to.step_index), (Status::Diproses, Some(2)));
        let end = advance_n(s, &p, 6);
        assert_eq!((end.status, end.step_index), (Status::Selesai, Some(7)));
        assert_eq!(end.ba_number, None);
    }

    #[test]
    fn advancing_before_files_complete_is_refused() {
        let p = penyelesaian();
        assert_eq!(WorkflowState::received().advance(&p, D, ""), Err(WorkflowError::FilesNotComplete));
        let returned = WorkflowState::received().mark_incomplete("KTP belum ada", D).unwrap().to;
        assert_eq!(returned.advance(&p, D, ""), Err(WorkflowError::FilesNotComplete));
    }

    #[test]
    fn advancing_after_selesai_is_refused() {
        let p = jawaban();
        let done = advance_n(WorkflowState::received().mark_complete(&p, D, "").unwrap().to, &p, 6);
        assert_eq!(done.advance(&p, D, ""), Err(WorkflowError::AlreadyFinished));
        assert_eq!(done.mark_complete(&p, D, ""), Err(WorkflowError::AlreadyFinished));
        assert_eq!(done.mark_incomplete("x", D), Err(WorkflowError::AlreadyFinished));
    }

    #[test]
    fn advancing_with_another_procedure_is_refused() {
        let s = WorkflowState::received().mark_complete(&jawaban(), D, "").unwrap().to;
        let err = s.advance(&penyelesaian(), D, "").unwrap_err();
        assert_eq!(
            err,
            WorkflowError::WrongProcedure { current: "jawaban-tertulis".into(), given: "penyelesaian".into() }
        );
        assert!(err.to_string().contains("mengikuti prosedur \"jawaban-tertulis\""), "{err}");
    }

    #[test]
    fn steps_cannot_be_skipped() {
        // The only move forward is to the very next step: there is no way to name another one,
        // and each advance moves by exactly one.
        let p = penyelesaian();
        let s = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        let a = s.advance(&p, D, "").unwrap().to;
        let b = a.advance(&p, D, "").unwrap().to;
        assert_eq!((s.step_index, a.step_index, b.step_index), (Some(2), Some(3), Some(4)));
    }

    #[test]
    fn a_step_beyond_a_shortened_procedure_is_reported() {
        let p = penyelesaian();
        let mut s = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        s.step_index = Some(20);
        let err = s.advance(&p, D, "").unwrap_err();
        assert!(matches!(err, WorkflowError::StepOutOfRange { step: 21, len: 11, .. }), "{err:?}");
    }

    #[test]
    fn returning_files_keeps_the_clock_stopped_until_they_are_complete() {
        let cal = Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap();
        let p = penyelesaian();
        let s = WorkflowState::received();
        assert_eq!(s.deadline(&cal, 10), None);
        let t = s.mark_incomplete("  Surat pernyataan belum ditandatangani ", date(2026, 3, 16)).unwrap();
        assert_eq!((t.from, t.to.status), (Status::Diterima, Status::PerluDilengkapi));
        assert_eq!(t.note, "Surat pernyataan belum ditandatangani");
        assert_eq!((t.to.procedure_id.as_ref(), t.to.step_index, t.to.files_complete_on), (None, None, None));
        let s = t.to;
        assert_eq!(s.deadline(&cal, 10), None, "the clock is stopped");
        let s = s.mark_complete(&p, D, "").unwrap().to;
        assert_eq!(s.deadline(&cal, 10), Some(Reckoned::exact(date(2026, 4, 8))));
        assert_eq!(s.clock_events.len(), 2);
    }

    #[test]
    fn files_declared_complete_are_never_returned() {
        // The probe: after the Kepala Dinas signed, the Front Office returned the files and
        // declared them complete again, which restarted an overdue deadline from zero.
        let p = penyelesaian();
        let complete = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        let signed = advance_n(complete.clone(), &p, 5);
        assert_eq!(signed.step_index, Some(7), "signed by the Kepala Dinas");
        for s in [&complete, &advance_n(complete.clone(), &p, 1), &signed] {
            let err = s.mark_incomplete("Data kurang", date(2026, 5, 4)).unwrap_err();
            assert_eq!(err, WorkflowError::CompletenessCheckOver { on: "2026-03-17".into() });
            assert!(err.to_string().contains("hanya dilakukan pada pemeriksaan kelengkapan"), "{err}");
        }
    }

    #[test]
    fn a_correction_sends_back_for_rework_and_keeps_the_deadline() {
        let cal = Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap();
        let p = penyelesaian();
        let complete = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        let signed = advance_n(complete, &p, 5);
        let before = signed.deadline(&cal, 10);
        // The Kepala Dinas takes back the signature: step 8 is taken again.
        let t = signed.correct(&p, 7, Role::KepalaDinas, "  Nominal di Berita Acara keliru ").unwrap();
        assert_eq!(t.action, Action::Koreksi);
        assert_eq!(t.note, "Nominal di Berita Acara keliru");
        assert!(!t.assign_ba);
        assert_eq!((t.to.step_index, t.to.status), (Some(6), Status::Diproses));
        assert_eq!(p.role_for_next(6), Some(Role::KepalaDinas), "the signature is due again");
        assert_eq!(t.to.files_complete_on, signed.files_complete_on);
        assert_eq!(t.to.clock_events, signed.clock_events, "the clock neither stops nor restarts");
        assert_eq!(t.to.deadline(&cal, 10), before);
        // The JFT redoes its draft: everything after it is taken again, the deadline stays.
        let t = signed.correct(&p, 4, Role::Jft, "Konsep surat salah alamat").unwrap();
        assert_eq!((t.to.step_index, t.to.status), (Some(3), Status::Diproses));
        assert_eq!(t.to.deadline(&cal, 10), before);
        // Back to the first step after verification: the status is the verification's again.
        let t = signed.correct(&p, 3, Role::Jft, "Kajian diulang").unwrap();
        assert_eq!((t.to.step_index, t.to.status), (Some(2), Status::Diverifikasi));
        // Taken forward again, the complaint finishes with the days counted from the first day.
        let done = advance_n(t.to, &p, 8);
        assert_eq!(done.status, Status::Selesai);
        assert_eq!(done.files_complete_on, Some(D));
    }

    #[test]
    fn only_the_role_of_the_corrected_step_corrects_it() {
        let p = penyelesaian();
        let signed = advance_n(WorkflowState::received().mark_complete(&p, D, "").unwrap().to, &p, 5);
        let err = signed.correct(&p, 7, Role::FrontOffice, "x").unwrap_err();
        assert_eq!(err, WorkflowError::NotYourStep { step: 8, role: Role::KepalaDinas.label() });
        assert!(signed.correct(&p, 5, Role::FrontOffice, "x").is_err(), "nor the Kabid's initials");
        assert_eq!(signed.correctable_steps(&p, Role::FrontOffice), Vec::<usize>::new());
        assert_eq!(signed.correctable_steps(&p, Role::KepalaDinas), [7]);
        assert_eq!(signed.correctable_steps(&p, Role::KepalaBidang), [5, 6]);
        assert_eq!(signed.correctable_steps(&p, Role::Jft), [3, 4]);
        assert_eq!(signed.correctable_steps(&p, Role::Admin), Vec::<usize>::new());
    }

    #[test]
    fn refusals_of_correcting() {
        let p = penyelesaian();
        let complete = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        let at4 = advance_n(complete.clone(), &p, 2);
        assert_eq!(at4.correct(&p, 3, Role::Jft, "  "), Err(WorkflowError::CorrectionReasonMissing));
        // Not ahead of the current step, not the verification step (that is declaring complete).
        assert_eq!(
            at4.correct(&p, 5, Role::KepalaBidang, "x"),
            Err(WorkflowError::NotCorrectable { step: 6, first: 4, last: 5 })
        );
        assert_eq!(
            at4.correct(&p, 2, Role::Jft, "x"),
            Err(WorkflowError::NotCorrectable { step: 3, first: 4, last: 5 })
        );
        assert_eq!(complete.correctable_steps(&p, Role::Jft), Vec::<usize>::new(), "nothing taken yet");
        assert_eq!(WorkflowState::received().correct(&p, 3, Role::Jft, "x"), Err(WorkflowError::FilesNotComplete));
        assert!(matches!(at4.correct(&jawaban(), 3, Role::Jft, "x"), Err(WorkflowError::WrongProcedure { .. })));
        // Once the BA has its number, the steps before the numbering stay.
        let mut numbered = advance_n(complete, &p, 6);
        numbered.ba_number = Some(ba_number(2026, 7));
        let received = numbered.advance(&p, D, "").unwrap().to;
        assert_eq!(
            received.correct(&p, 7, Role::KepalaDinas, "x"),
            Err(WorkflowError::BaAlreadyNumbered { ba: "BA-2026-00007".into() })
        );
        assert_eq!(received.correctable_steps(&p, Role::FrontOffice), [9]);
        let done = advance_n(received, &p, 1);
        assert_eq!(done.correct(&p, 9, Role::FrontOffice, "x"), Err(WorkflowError::AlreadyFinished));
    }

    #[test]
    fn completing_online_goes_back_to_the_completeness_check_with_the_clock_stopped() {
        let cal = Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap();
        let p = penyelesaian();
        let started = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        assert_eq!(started.add_information(), Err(WorkflowError::NotReturned), "files not returned");
        assert_eq!(WorkflowState::received().add_information(), Err(WorkflowError::NotReturned));
        let returned = WorkflowState::received().mark_incomplete("Lampirkan KTP", date(2026, 3, 18)).unwrap().to;
        let t = returned.add_information().unwrap();
        assert_eq!((t.action, t.from, t.to.status), (Action::Dilengkapi, Status::PerluDilengkapi, Status::Diterima));
        assert_eq!(t.to.clock_events, returned.clock_events, "no clock event: only staff restart the clock");
        assert_eq!(t.to.deadline(&cal, 10), None, "still stopped");
        assert_eq!(t.to.add_information(), Err(WorkflowError::NotReturned), "once only");
        // Staff then declare the files complete, and the clock starts on that day.
        let done = t.to.mark_complete(&p, date(2026, 5, 12), "").unwrap().to;
        assert_eq!(done.deadline(&cal, 10), Some(Reckoned::exact(date(2026, 6, 2))));
        assert_eq!(Action::parse("dilengkapi"), Some(Action::Dilengkapi));
    }

    #[test]
    fn days_taken_counts_working_days_to_the_last_step() {
        let cal = Calendar::from_toml(include_str!("../../content/data/hari-libur.toml")).unwrap();
        let p = jawaban();
        let s = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        assert_eq!(s.days_taken(&cal), None);
        let mut s = advance_n(s, &p, 5);
        s = s.advance(&p, date(2026, 3, 25), "").unwrap().to;
        assert_eq!(s.status, Status::Selesai);
        assert_eq!(s.days_taken(&cal), Some(Reckoned::exact(1)), "Nyepi, Idul Fitri and cuti bersama skipped");
    }

    #[test]
    fn a_deadline_in_a_year_the_calendar_lacks_is_provisional() {
        // The fixture of 2026 alone: the shipped calendar gains 2027 one day.
        let cal = Calendar::from_toml(include_str!("../tests/fixtures/hari-libur-2026.toml")).unwrap();
        let p = jawaban();
        let s = WorkflowState::received().mark_complete(&p, date(2026, 12, 28), "").unwrap().to;
        assert_eq!(s.deadline(&cal, 10), Some(Reckoned { value: date(2027, 1, 11), provisional: true }));
        let mut s = advance_n(s, &p, 5);
        s = s.advance(&p, date(2027, 1, 4), "").unwrap().to;
        // 29, 30, 31 December and 1 and 4 January: New Year's Day 2027 is not known yet.
        assert_eq!(s.days_taken(&cal), Some(Reckoned { value: 5, provisional: true }));
    }

    #[test]
    fn refusals_of_returning_and_completing() {
        let p = penyelesaian();
        let s = WorkflowState::received();
        assert_eq!(s.mark_incomplete("   ", D), Err(WorkflowError::ReasonMissing));
        let returned = s.mark_incomplete("KTP", D).unwrap().to;
        assert_eq!(returned.mark_incomplete("lagi", D), Err(WorkflowError::AlreadyReturned));
        // No date before the last clock event.
        let err = returned.mark_complete(&p, date(2026, 3, 16), "").unwrap_err();
        assert_eq!(err, WorkflowError::DateBeforeLastChange { on: date(2026, 3, 16), last: D });
        let complete = returned.mark_complete(&p, D, "").unwrap().to;
        assert_eq!(complete.mark_complete(&p, D, ""), Err(WorkflowError::AlreadyComplete { on: "2026-03-17".into() }));
    }

    #[test]
    fn invalid_procedures_are_refused() {
        let mut p = penyelesaian();
        p.steps[5].public_status = Some(Status::Selesai);
        assert!(matches!(p.validate(), Err(WorkflowError::InvalidProcedure { .. })));
        let err = WorkflowState::received().mark_complete(&p, D, "").unwrap_err();
        assert!(err.to_string().contains("langkah 6 berstatus selesai"), "{err}");

        let mut p = penyelesaian();
        p.steps[6].public_status = Some(Status::Diterima);
        assert!(p.validate().unwrap_err().to_string().contains("langkah 7 berstatus diterima"));

        let mut p = penyelesaian();
        p.steps.truncate(3);
        assert!(p.validate().unwrap_err().to_string().contains("tidak ada langkah sesudah"));

        // A step needs both who and what: either one blank is refused.
        for (actor, action) in [(" ", "Memeriksa berkas."), ("Front Office", " ")] {
            let mut p = penyelesaian();
            p.steps[1].actor = actor.into();
            p.steps[1].action = action.into();
            assert!(p.validate().unwrap_err().to_string().contains("langkah 2 tanpa pelaku atau kegiatan"));
        }

        let empty = Procedure { id: "x".into(), title: "x".into(), product: "x".into(), steps: vec![] };
        assert!(empty.validate().is_err());
    }

    #[test]
    fn the_ba_step_is_the_marked_one_not_the_one_whose_wording_mentions_a_number() {
        let mut p = penyelesaian();
        assert_eq!(p.steps[8].assigns, Some(Assigns::NomorBa));
        p.steps[8].assigns = None;
        assert_eq!(p.ba_step(), None, "the wording alone numbers nothing");
        p.validate().unwrap();
        p.steps[9].assigns = Some(Assigns::NomorBa);
        assert_eq!(p.ba_step(), Some(9));
        let s = advance_n(WorkflowState::received().mark_complete(&p, D, "").unwrap().to, &p, 6);
        assert_eq!(s.step_index, Some(8));
        assert!(s.advance(&p, D, "").unwrap().assign_ba, "reaching the marked step numbers the BA");
    }

    #[test]
    fn one_numbering_step_at_most_and_only_after_verification() {
        let mut p = penyelesaian();
        p.steps[9].assigns = Some(Assigns::NomorBa);
        let err = p.validate().unwrap_err().to_string();
        assert!(err.contains("langkah 9 dan 10 sama-sama memberi nomor Berita Acara"), "{err}");

        let mut p = penyelesaian();
        p.steps[8].assigns = None;
        p.steps[2].assigns = Some(Assigns::NomorBa);
        let err = p.validate().unwrap_err().to_string();
        assert!(err.contains("langkah 3 memberi nomor Berita Acara padahal berkas belum dinyatakan lengkap"), "{err}");
    }

    #[test]
    fn assigns_is_read_from_front_matter_and_unknown_values_are_refused() {
        let step =
            |extra: &str| toml::from_str::<Step>(&format!("actor = \"Petugas\"\naction = \"Memberi nomor.\"\n{extra}"));
        assert_eq!(step("assigns = \"nomor_ba\"").unwrap().assigns, Some(Assigns::NomorBa));
        assert_eq!(step("").unwrap().assigns, None);
        let err = step("assigns = \"nomor_surat\"").unwrap_err().to_string();
        assert!(err.contains("nomor_surat"), "{err}");
        assert!(step("asigns = \"nomor_ba\"").is_err(), "a misspelt key is not silently dropped");
    }

    #[test]
    fn the_role_of_the_next_step_follows_the_page() {
        use Role::*;
        let p = penyelesaian();
        let roles: Vec<_> = p.steps.iter().map(|s| s.peran).collect();
        assert_eq!(
            roles,
            [
                None,
                Some(FrontOffice),
                Some(Jft),
                Some(Jft),
                Some(Jft),
                Some(KepalaBidang),
                Some(KepalaBidang),
                Some(KepalaDinas),
                Some(FrontOffice),
                Some(FrontOffice),
                Some(FrontOffice)
            ],
            "the Sekretaris initials like a head of division"
        );
        let s = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        assert_eq!(p.role_for_next(s.step_index.unwrap()), Some(Jft), "studying the complaint");
        assert_eq!(p.role_for_next(4), Some(KepalaBidang));
        assert_eq!(p.role_for_next(6), Some(KepalaDinas), "Pejabat yang berwenang signs");
        assert_eq!(p.role_for_next(9), Some(FrontOffice));
        assert_eq!(p.role_for_next(10), None, "the last step");
        assert_eq!(p.role_for_next(usize::MAX), None);
        let j = jawaban();
        assert_eq!(j.role_for_next(j.start_index()), Some(Jft));
        assert_eq!(j.role_for_next(5), Some(KepalaDinas));
    }

    #[test]
    fn every_step_from_verification_on_needs_a_staff_role() {
        let mut p = penyelesaian();
        p.steps[4].peran = None;
        let err = p.validate().unwrap_err().to_string();
        assert!(
            err.contains(
                "langkah 5 tanpa peran; tulis peran = \"jft\" (pilihan: front-office, jft, kepala-bidang, kepala-dinas)"
            ),
            "{err}"
        );

        let mut p = penyelesaian();
        p.steps[2].peran = None;
        assert!(p.validate().unwrap_err().to_string().contains("langkah 3 tanpa peran"), "the verification step too");

        // The intake steps are the complainant's and the counter's, before the console's workflow.
        let mut p = penyelesaian();
        p.steps[1].peran = None;
        p.validate().unwrap();

        let mut p = jawaban();
        p.steps[6].peran = Some(Role::Admin);
        let err = p.validate().unwrap_err().to_string();
        assert!(err.contains("langkah 7 berperan admin"), "{err}");
        p.steps[6].peran = Some(Role::Editor);
        let err = p.validate().unwrap_err().to_string();
        assert!(err.contains("langkah 7 berperan editor"), "{err}");
        assert!(err.ends_with("(pilihan: front-office, jft, kepala-bidang, kepala-dinas)."), "{err}");
    }

    #[test]
    fn peran_is_read_from_front_matter_and_unknown_values_are_refused() {
        let step =
            |extra: &str| toml::from_str::<Step>(&format!("actor = \"Petugas\"\naction = \"Memeriksa.\"\n{extra}"));
        assert_eq!(step("peran = \"kepala-bidang\"").unwrap().peran, Some(Role::KepalaBidang));
        assert_eq!(step("").unwrap().peran, None);
        let err = step("peran = \"sekretaris\"").unwrap_err().to_string();
        assert!(err.contains("sekretaris") && err.contains("kepala-dinas"), "{err}");
        let written = toml::to_string(&step("").unwrap()).unwrap();
        assert!(!written.contains("peran"), "no role, no key: {written}");
    }

    #[test]
    fn a_step_without_status_keeps_the_previous_one_and_the_last_is_selesai() {
        let mut p = jawaban();
        for step in &mut p.steps[2..] {
            step.public_status = None;
        }
        p.validate().unwrap();
        let s = WorkflowState::received().mark_complete(&p, D, "").unwrap().to;
        let a = s.advance(&p, D, "").unwrap().to;
        assert_eq!(a.status, Status::Diverifikasi, "no status: the previous one stays");
        let end = advance_n(a, &p, 5);
        assert_eq!(end.status, Status::Selesai, "the last step always finishes");
    }

    #[test]
    fn the_next_step_told_to_the_public_is_the_page_text() {
        let p = penyelesaian();
        assert_eq!(
            p.public_next_step(7).unwrap(),
            "Tahap berikutnya (Petugas yang ditunjuk): Meregistrasi dan memberi nomor Berita Acara Penyelesaian Pengaduan."
        );
        assert_eq!(p.public_next_step(10), None);
        assert!(p.describe_step(3).starts_with("Langkah 4 dari 11 (JFT Analis Kebijakan"));
    }

    #[test]
    fn ba_numbers_and_counters() {
        assert_eq!(ba_number(2026, 1), "BA-2026-00001");
        assert_eq!(ba_counter_name(2026), "BA#2026");
    }

    #[test]
    fn channels_and_actions_round_trip() {
        for c in IntakeChannel::ALL {
            assert_eq!(IntakeChannel::parse(c.code()), Some(c));
        }
        assert_eq!(IntakeChannel::parse("Kotak-Pengaduan"), Some(IntakeChannel::KotakPengaduan));
        assert_eq!(IntakeChannel::parse("fax"), None);
        assert_eq!(IntakeChannel::Lapor.label(), "LAPOR!");
        for a in Action::ALL {
            assert_eq!(Action::parse(a.code()), Some(a));
        }
        assert_eq!(Action::BerkasDikembalikan.label(), "berkas dikembalikan untuk dilengkapi");
        assert_eq!(Action::DataPribadiDihapus.label(), "data pribadi dihapus");
    }

    #[test]
    fn public_stages_follow_the_history() {
        let d = |day| date(2026, 3, day);
        // Just received.
        let st = public_stages(Status::Diterima, &[(Status::Diterima, d(2))]);
        let codes: Vec<_> = st.iter().map(|s| (s.status.code(), s.reached, s.date)).collect();
        assert_eq!(
            codes,
            [
                ("diterima", true, Some(d(2))),
                ("diverifikasi", false, None),
                ("diproses", false, None),
                ("selesai", false, None)
            ]
        );
        // Returned, completed, returned again: perlu_dilengkapi shows, later stages are not reached.
        let events = [
            (Status::Diterima, d(2)),
            (Status::PerluDilengkapi, d(3)),
            (Status::Diverifikasi, d(5)),
            (Status::Diproses, d(6)),
            (Status::PerluDilengkapi, d(9)),
        ];
        let st = public_stages(Status::PerluDilengkapi, &events);
        assert_eq!(st.len(), 5);
        assert_eq!((st[1].status, st[1].reached, st[1].date), (Status::PerluDilengkapi, true, Some(d(9))));
        assert!(!st[2].reached && st[2].date.is_none() && !st[3].reached);
        // Completed again: the last date of each stage counts.
        let mut more = events.to_vec();
        more.push((Status::Diverifikasi, d(12)));
        let st = public_stages(Status::Diverifikasi, &more);
        assert_eq!((st[1].reached, st[2].date), (true, Some(d(12))));
    }
}
