//! Staff identities: accounts with Argon2id password hashes, server-side sessions, failed
//! logins for the lockout, and the audit trail of who saw or erased personal data.
//!
//! Kept in the same store as the complaints (a SQLite table locally, items in the DynamoDB
//! table on AWS), so the console needs no second database. The rules (roles, password policy,
//! lifetimes, lockout) are in `pengaduan_core::access`; this module only keeps the records.

use crate::StoreError;
use jiff::Timestamp;
use pengaduan_core::access::{LoginFailure, Role, login_refused_until};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::net::IpAddr;

#[cfg(feature = "aws")]
mod dynamodb;
pub(crate) mod fields;
pub mod password;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;

/// One staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The login name: lower-case letters, digits, `.`, `-`, `_`.
    pub username: String,
    /// The full name shown in the console (never in anything the public sees).
    pub name: String,
    /// What the account may do.
    pub role: Role,
    /// A deactivated account cannot log in and its sessions are ended.
    pub active: bool,
    /// The PHC string of the Argon2id hash (`$argon2id$v=19$...`).
    pub password_hash: String,
    /// When the account was created.
    pub created_at: Timestamp,
    /// When the password was last set.
    pub password_set_at: Timestamp,
}

/// One logged-in session, found by the digest of its identifier (the identifier itself is only
/// ever in the user's cookie).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the session identifier, in hex.
    pub id_digest: String,
    /// The account.
    pub username: String,
    /// The account's role when the session began.
    pub role: Role,
    /// The token every POST of this session must carry.
    pub csrf_token: String,
    /// When the session began (the absolute lifetime counts from here).
    pub created_at: Timestamp,
    /// When the session was last used (the idle timeout counts from here).
    pub last_seen: Timestamp,
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// A user saw a complainant's identity (nama, kontak, NIK, alamat).
    ViewPersonalData,
    /// A user downloaded an attachment.
    DownloadAttachment,
    /// A user asked for an attachment that was not served: found infected, or not scanned yet
    /// where a scanner guards the files.
    DownloadWithheld,
    /// An admin erased a complaint's personal data.
    ErasePersonalData,
    /// A user logged in.
    Login,
    /// A login was refused.
    LoginRefused,
    /// An account was created, deactivated or had its password reset.
    AccountChanged,
    /// An editor saved a draft of the site's content.
    ContentSaved,
    /// An editor published the waiting drafts.
    ContentPublished,
    /// An editor restored an earlier revision of a content file as a draft.
    ContentRestored,
    /// A user exported the Buku Register of a period (titles and contacts of many complaints at
    /// once leave the system).
    ExportRegister,
    /// A user sent a complaint back one or more steps of its procedure for rework.
    CorrectStep,
    /// A user attached the office's answer (Surat Jawaban, Berita Acara) for the public status page.
    AttachAnswer,
    /// A user downloaded the periodic report (XLSX or PDF): the period's late complaints and
    /// return reasons leave the system as a file.
    ExportReport,
    /// A user downloaded the IKM of a period as CSV.
    ExportSkm,
}

impl AuditAction {
    /// The code kept in storage.
    pub fn code(self) -> &'static str {
        match self {
            Self::ViewPersonalData => "lihat-data-pribadi",
            Self::DownloadAttachment => "unduh-lampiran",
            Self::DownloadWithheld => "unduh-lampiran-ditahan",
            Self::ErasePersonalData => "hapus-data-pribadi",
            Self::Login => "masuk",
            Self::LoginRefused => "masuk-ditolak",
            Self::AccountChanged => "akun-diubah",
            Self::ContentSaved => "konten-disimpan",
            Self::ContentPublished => "konten-diterbitkan",
            Self::ContentRestored => "konten-dipulihkan",
            Self::ExportRegister => "ekspor-register",
            Self::CorrectStep => "koreksi-langkah",
            Self::AttachAnswer => "lampirkan-jawaban",
            Self::ExportReport => "unduh-laporan",
            Self::ExportSkm => "unduh-ikm",
        }
    }

    /// The label shown to the admin.
    pub fn label(self) -> &'static str {
        match self {
            Self::ViewPersonalData => "Melihat data pribadi",
            Self::DownloadAttachment => "Mengunduh lampiran",
            Self::DownloadWithheld => "Lampiran tidak diberikan (pindai antivirus)",
            Self::ErasePersonalData => "Menghapus data pribadi",
            Self::Login => "Masuk",
            Self::LoginRefused => "Masuk ditolak",
            Self::AccountChanged => "Akun diubah",
            Self::ContentSaved => "Draf konten disimpan",
            Self::ContentPublished => "Konten diterbitkan",
            Self::ContentRestored => "Revisi konten dipulihkan",
            Self::ExportRegister => "Mengekspor Buku Register",
            Self::CorrectStep => "Mengoreksi langkah prosedur",
            Self::AttachAnswer => "Melampirkan jawaban",
            Self::ExportReport => "Mengunduh laporan berkala",
            Self::ExportSkm => "Mengunduh IKM",
        }
    }

    /// Every action, in the order the audit page offers them.
    pub const ALL: [Self; 15] = [
        Self::ViewPersonalData,
        Self::DownloadAttachment,
        Self::DownloadWithheld,
        Self::ErasePersonalData,
        Self::Login,
        Self::LoginRefused,
        Self::AccountChanged,
        Self::ContentSaved,
        Self::ContentPublished,
        Self::ContentRestored,
        Self::ExportRegister,
        Self::CorrectStep,
        Self::AttachAnswer,
        Self::ExportReport,
        Self::ExportSkm,
    ];

    /// The action with this code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// One line of the audit trail. Holds no personal data of complainants: who acted, on which
/// complaint, and what kind of access it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: Timestamp,
    /// The staff account (or the operating-system user for the CLI).
    pub username: String,
    /// Its role at the time, when it had one.
    pub role: Option<Role>,
    /// What was done.
    pub action: AuditAction,
    /// The complaint concerned, if any.
    pub nomor: Option<String>,
    /// A short free text (the channel, the file name, the reason of an erasure).
    pub detail: String,
}

/// The answer to [`AccountStore::reserve_login_check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginReservation {
    /// The password may be checked; the check already counts as a failure.
    Reserved {
        /// The source's failures within the window before this one: `0` makes this the first,
        /// the one the audit trail records for the window.
        source_failures_before: usize,
        /// Whether this check, if it fails, locks the account for this source.
        locks: bool,
    },
    /// No check now: refused until then (the `429`).
    Refused {
        /// When a check may happen again.
        until: Timestamp,
    },
}

/// The key a login's source is counted under: a digest of its address (an IPv6 address by its
/// /64, the block one subscriber is usually given), so the store holds no address. Requests
/// whose address is unknown share one key.
pub fn source_key(source: Option<IpAddr>) -> String {
    let digest = Sha256::digest(format!("masuk:{}", pengaduan_core::access::address_block(source)).as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The decision of [`AccountStore::reserve_login_check`] over what a store read: the account's
/// failures from all sources (`(at, source)`) and the times of the source's failures.
pub(crate) fn judge_reservation(
    account: &[(Timestamp, String)],
    source_times: &[Timestamp],
    source: &str,
    now: Timestamp,
) -> LoginReservation {
    let failures: Vec<LoginFailure> =
        account.iter().map(|(at, s)| LoginFailure { at: *at, same_source: s == source }).collect();
    if let Some(until) = login_refused_until(&failures, source_times, now) {
        return LoginReservation::Refused { until };
    }
    let mut with_this = failures;
    with_this.push(LoginFailure { at: now, same_source: true });
    let window = pengaduan_core::access::LOCKOUT_WINDOW;
    LoginReservation::Reserved {
        source_failures_before: source_times.iter().filter(|t| now.duration_since(**t) < window).count(),
        locks: login_refused_until(&with_this, &[], now).is_some(),
    }
}

/// What the audit trail is narrowed to (the console's audit page, `pengaduan-staf audit`); a
/// filter left empty lets every entry through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this user's entries (compared as stored: lower-case).
    pub username: Option<String>,
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries about this complaint.
    pub nomor: Option<String>,
}

impl AuditFilter {
    /// Whether `e` passes.
    pub fn matches(&self, e: &AuditEntry) -> bool {
        self.username.as_ref().is_none_or(|u| &e.username == u)
            && self.action.is_none_or(|a| e.action == a)
            && (self.nomor.is_none() || e.nomor == self.nomor)
    }
}

/// Where accounts, sessions, failed logins and the audit trail are kept.
pub trait AccountStore: Send + Sync {
    /// Creates an account; [`StoreError::Duplicate`] when the username is taken.
    fn create_account(&self, account: Account) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The account with this username.
    fn account(&self, username: &str) -> impl Future<Output = Result<Option<Account>, StoreError>> + Send;

    /// Every account, by username.
    fn accounts(&self) -> impl Future<Output = Result<Vec<Account>, StoreError>> + Send;

    /// Replaces an existing account (role, name, active, password);
    /// [`StoreError::NotFound`] when there is none.
    fn update_account(&self, account: Account) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Stores a new session.
    fn create_session(&self, session: Session) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The session with this identifier digest.
    fn session(&self, id_digest: &str) -> impl Future<Output = Result<Option<Session>, StoreError>> + Send;

    /// Records that the session was used at `at`.
    fn touch_session(&self, id_digest: &str, at: Timestamp) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Ends one session (logout, expiry). Ending a session that does not exist is not an error.
    fn end_session(&self, id_digest: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Ends every session of an account (deactivation, password reset).
    fn end_sessions_of(&self, username: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records one failed login for `username` at `at` (whether or not the account exists), from
    /// no known source. The console never counts this way: it reserves each check with
    /// [`AccountStore::reserve_login_check`] before checking.
    fn record_login_failure(
        &self,
        username: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The failed logins for `username` at or after `since`, oldest first.
    fn login_failures(
        &self,
        username: &str,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<Timestamp>, StoreError>> + Send;

    /// Forgets the failed logins of `username` from every source: the admin lifts its lock.
    fn clear_login_failures(&self, username: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Counts one password check for `username` from `source` (a [`source_key`]) at `now`
    /// before it happens, or refuses it: in one atomic step, the failures that bear on it are
    /// read, [`login_refused_until`] decides, and a check it allows is recorded as a failure at
    /// once. However many attempts arrive together, no more checks are reserved than the limits
    /// allow; a check that succeeds is forgotten again by [`AccountStore::login_succeeded`].
    fn reserve_login_check(
        &self,
        username: &str,
        source: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<LoginReservation, StoreError>> + Send;

    /// Forgets the failed logins of `username` from `source`, the reserved check included, after
    /// it logged in: the reset applies where the failures were counted.
    fn login_succeeded(&self, username: &str, source: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Appends one entry to the audit trail (it is never changed or deleted).
    fn record_audit(&self, entry: AuditEntry) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The audit entries at or after `since`, newest first, at most `limit`.
    fn audit_trail(
        &self,
        since: Timestamp,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;
}
