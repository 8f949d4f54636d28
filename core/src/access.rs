//! Who may do what in the staff console: the roles of the office's SOP, the password policy,
//! session lifetimes, the login lockout, and which roles may see a complainant's identity.
//!
//! Plain rules with no I/O; the store keeps accounts and sessions, the console enforces these.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A staff role. Each procedure step names the role that takes it (`peran` in the service
/// page's front matter); the console lets a user take a step only with that role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Petugas Front Office: receives, records, checks completeness, hands over results.
    FrontOffice,
    /// JFT Analis Kebijakan: verifies, studies and drafts.
    Jft,
    /// Kepala Bidang (and the Sekretaris): reviews and initials.
    KepalaBidang,
    /// Kepala Dinas, the authorised official: signs.
    KepalaDinas,
    /// Editor Konten: changes and publishes the website's pages in the console, and nothing of
    /// the complaints.
    Editor,
    /// Administrator: accounts, the audit trail and erasure of personal data.
    Admin,
}

impl Role {
    /// Every role, in the order of the SOP.
    pub const ALL: [Role; 6] =
        [Role::FrontOffice, Role::Jft, Role::KepalaBidang, Role::KepalaDinas, Role::Editor, Role::Admin];

    /// The code used on the command line, in the front matter and in storage.
    pub fn code(self) -> &'static str {
        match self {
            Self::FrontOffice => "front-office",
            Self::Jft => "jft",
            Self::KepalaBidang => "kepala-bidang",
            Self::KepalaDinas => "kepala-dinas",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::FrontOffice => "Front Office",
            Self::Jft => "JFT Analis Kebijakan",
            Self::KepalaBidang => "Kepala Bidang",
            Self::KepalaDinas => "Kepala Dinas",
            Self::Editor => "Editor Konten",
            Self::Admin => "Admin",
        }
    }

    /// The role with this code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// "front-office, jft, …", for messages listing the valid codes.
    pub fn codes() -> String {
        Self::ALL.map(Role::code).join(", ")
    }
}

/// Whether a role may take a step of a complaint's procedure (`peran` in the service page): the
/// SOP's own roles. The admin keeps accounts and the trail that checks the work, and the editor
/// keeps the website; neither works complaints.
pub fn may_take_steps(role: Role) -> bool {
    matches!(role, Role::FrontOffice | Role::Jft | Role::KepalaBidang | Role::KepalaDinas)
}

/// Whether a role may see complaints at all (the inbox, a complaint's page, its attachments):
/// every role but the editor, whose work is the website and who has no need of complainants'
/// reports.
pub fn may_read_complaints(role: Role) -> bool {
    role != Role::Editor
}

/// Whether a role may change the website's content and publish it (`/staf/konten/`): the
/// editor, and the admin who answers for the site.
pub fn may_edit_content(role: Role) -> bool {
    matches!(role, Role::Editor | Role::Admin)
}

/// Whether a role may register a complaint received through another channel (`catat`).
pub fn may_register(role: Role) -> bool {
    role == Role::FrontOffice
}

/// Whether a role may return files as incomplete or declare them complete: the Front Office's
/// check at the counter, before the clock starts.
pub fn may_check_completeness(role: Role) -> bool {
    role == Role::FrontOffice
}

/// Whether a role may erase a complainant's personal data on request.
pub fn may_erase(role: Role) -> bool {
    role == Role::Admin
}

/// Whether a role may create, change and disable staff accounts.
pub fn may_manage_accounts(role: Role) -> bool {
    role == Role::Admin
}

/// Whether a role may see the messages to complainants that could not be delivered, and send
/// them again: the Front Office answers the complainant, the admin runs the mail.
pub fn may_handle_mail(role: Role) -> bool {
    matches!(role, Role::FrontOffice | Role::Admin)
}

/// Whether a role may read the audit trail.
pub fn may_read_audit(role: Role) -> bool {
    role == Role::Admin
}

/// Whether a role may export the Buku Register Pengaduan of a period.
///
/// The Front Office keeps the register, the heads report on it and the admin answers for the
/// data; the JFT works complaint by complaint and has no need for the whole register.
pub fn may_export(role: Role) -> bool {
    matches!(role, Role::FrontOffice | Role::KepalaBidang | Role::KepalaDinas | Role::Admin)
}

/// Whether a role may read the office's periodic report (`/staf/laporan`,
/// `pengaduan-staf laporan`): the heads it is made for, and the admin who answers for the data.
/// The Front Office and the JFT report through their heads.
pub fn may_read_report(role: Role) -> bool {
    matches!(role, Role::KepalaBidang | Role::KepalaDinas | Role::Admin)
}

/// Whether a role may see the complainant's identity (name, contacts, the signed form) of a
/// complaint, given whether the complainant asked for it to be kept secret (`rahasia`) and the
/// role of the complaint's next step, the one to be taken now (`None` once finished or before a
/// procedure is chosen).
///
/// Data minimisation, a principle of UU 27/2022 tentang Pelindungan Data Pribadi: personal data
/// is processed only as far as its purpose needs, so each role sees what its step needs. The
/// Front Office receives the complainant and hands over the result, and the admin answers
/// erasure requests, so both always see it; a complainant who asked for secrecy is known to
/// them alone. Otherwise the JFT sees it only while a JFT step is due, because verification
/// checks the form the identity is on. The heads review and sign the answer on its merits,
/// which the person behind it must not sway.
pub fn may_see_identity(role: Role, rahasia: bool, next_step_role: Option<Role>) -> bool {
    match role {
        Role::FrontOffice | Role::Admin => true,
        Role::Jft => !rahasia && next_step_role == Some(Role::Jft),
        Role::KepalaBidang | Role::KepalaDinas | Role::Editor => false,
    }
}

/// Whether `role` may see a complaint's attachments (their names and their contents) now. What
/// a complainant attaches (an ID card, a letter signed with their name, a photo of their permit)
/// identifies them as surely as the identity block does, so it follows [`may_see_identity`]: a
/// head reviewing the answer on its merits sees neither.
pub fn may_see_attachments(role: Role, rahasia: bool, next_step_role: Option<Role>) -> bool {
    may_see_identity(role, rahasia, next_step_role)
}

/// Fewest characters in a password: length is what makes a password hard to guess (NIST SP
/// 800-63B), so there are no rules on kinds of characters.
pub const PASSWORD_MIN_CHARS: usize = 12;

/// Most characters in a password: enough for any passphrase, and a bound on the hashing work one
/// login attempt can cause.
pub const PASSWORD_MAX_CHARS: usize = 256;

/// The common passwords refused, lower-case, one per line; lines starting with `#` are comments.
///
/// SecLists' 10k list plus common Indonesian ones. Most entries are shorter than
/// [`PASSWORD_MIN_CHARS`] and so can never match after the length rule; the file is kept as its
/// sources have it so that it can be compared with them and refreshed.
const COMMON_PASSWORDS: &str = include_str!("../data/sandi-umum.txt");

/// Why a password was refused. Messages are for the staff member choosing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`PASSWORD_MIN_CHARS`] characters.
    #[error("Kata sandi minimal {} karakter.", PASSWORD_MIN_CHARS)]
    TooShort,
    /// More than [`PASSWORD_MAX_CHARS`] characters.
    #[error("Kata sandi maksimal {} karakter.", PASSWORD_MAX_CHARS)]
    TooLong,
    /// One character repeated throughout.
    #[error("Kata sandi tidak boleh berupa satu karakter yang diulang-ulang.")]
    Repeated,
    /// Equal to or containing the username.
    #[error("Kata sandi tidak boleh sama dengan atau memuat nama pengguna.")]
    ContainsUsername,
    /// On the list of common passwords.
    #[error("Kata sandi terlalu umum; pilih yang lain.")]
    TooCommon,
}

/// Checks a new password for the account `username`: 12 to 256 characters (characters, not
/// bytes, so a passphrase in any script counts as it reads), not one character repeated, not
/// containing the username, and not a common password (both compared ignoring case).
///
/// The password is taken as typed, spaces included: trimming or changing it would make the
/// password that works differ from the one chosen.
pub fn check_password(password: &str, username: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    let mut rest = password.chars();
    if let Some(first) = rest.next()
        && rest.all(|c| c == first)
    {
        return Err(PasswordError::Repeated);
    }
    let lower = password.to_lowercase();
    let username = username.trim().to_lowercase();
    // An empty username is contained in every string: it says nothing about the password.
    if !username.is_empty() && lower.contains(&username) {
        return Err(PasswordError::ContainsUsername);
    }
    if is_common_password(&lower) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

/// Whether `password` is on the shipped list of common passwords, ignoring case.
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON_PASSWORDS.lines().filter(|l| !l.starts_with('#')).any(|l| l == lower)
}

/// Fewest characters in a username.
pub const USERNAME_MIN_CHARS: usize = 3;

/// Most characters in a username.
pub const USERNAME_MAX_CHARS: usize = 32;

/// Why a username was refused. Messages are for the admin creating the account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// Nothing given.
    #[error("Nama pengguna wajib diisi.")]
    Empty,
    /// A character outside a-z, 0-9, `.`, `-`, `_`.
    #[error(
        "Nama pengguna hanya boleh memuat huruf a-z, angka 0-9, titik (.), tanda hubung (-) dan garis bawah (_); {ch:?} tidak boleh."
    )]
    InvalidChar {
        /// The first character refused.
        ch: char,
    },
    /// Not starting with a letter.
    #[error("Nama pengguna harus diawali huruf a-z.")]
    NotLetterFirst,
    /// Fewer than [`USERNAME_MIN_CHARS`] characters.
    #[error("Nama pengguna minimal {} karakter.", USERNAME_MIN_CHARS)]
    TooShort,
    /// More than [`USERNAME_MAX_CHARS`] characters.
    #[error("Nama pengguna maksimal {} karakter.", USERNAME_MAX_CHARS)]
    TooLong,
}

/// Checks a username and returns it normalised: trimmed, lower-case, 3 to 32 of a-z, 0-9, `.`,
/// `-`, `_`, starting with a letter.
///
/// ASCII only, so two accounts can never look alike on screen (no `rina` and `rіna` with a
/// Cyrillic `і`), and lower-case so that `Rina` and `rina` are one account.
pub fn check_username(raw: &str) -> Result<String, UsernameError> {
    let name = raw.trim().to_ascii_lowercase();
    if name.is_empty() {
        return Err(UsernameError::Empty);
    }
    if let Some(ch) = name.chars().find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '.' | '-' | '_')) {
        return Err(UsernameError::InvalidChar { ch });
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(UsernameError::NotLetterFirst);
    }
    // Only ASCII is left, so bytes are characters.
    if name.len() < USERNAME_MIN_CHARS {
        return Err(UsernameError::TooShort);
    }
    if name.len() > USERNAME_MAX_CHARS {
        return Err(UsernameError::TooLong);
    }
    Ok(name)
}

/// A session unused this long ends: a console left open on an unattended desk at the counter.
pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_mins(30);

/// A session ends this long after login however busy it is: more than a working day, so that a
/// stolen session token is worth little and every user logs in again each day.
pub const ABSOLUTE_TIMEOUT: SignedDuration = SignedDuration::from_hours(12);

/// Whether a session created at `created_at` and last used at `last_seen` is still valid at
/// `now`: used within [`IDLE_TIMEOUT`] and younger than [`ABSOLUTE_TIMEOUT`], both limits
/// exclusive.
pub fn session_alive(created_at: Timestamp, last_seen: Timestamp, now: Timestamp) -> bool {
    now.duration_since(last_seen) < IDLE_TIMEOUT && now.duration_since(created_at) < ABSOLUTE_TIMEOUT
}

/// Failed logins that lock an account when they fall within [`LOCKOUT_WINDOW`].
pub const LOCKOUT_FAILURES: usize = 5;

/// The span within which [`LOCKOUT_FAILURES`] failed logins lock an account.
pub const LOCKOUT_WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// How long an account stays locked after the failure that locked it: long enough to make
/// guessing slow (20 tries an hour at most), short enough that a user who forgot the password
/// is not kept out for the day.
pub const LOCKOUT_DURATION: SignedDuration = SignedDuration::from_mins(15);

/// Until when an account is locked, given its failed logins (the caller passes those of the
/// last 30 minutes, in any order): when some [`LOCKOUT_FAILURES`] consecutive failures fall
/// within [`LOCKOUT_WINDOW`] of each other, the account is locked until the last of them plus
/// [`LOCKOUT_DURATION`]. `None` when that time has passed or no such run exists.
pub fn locked_until(failures: &[Timestamp], now: Timestamp) -> Option<Timestamp> {
    let mut sorted = failures.to_vec();
    sorted.sort_unstable();
    sorted
        .windows(LOCKOUT_FAILURES)
        .filter(|run| run[LOCKOUT_FAILURES - 1].duration_since(run[0]) <= LOCKOUT_WINDOW)
        // Adding a duration to a timestamp fails only with calendar units, which this has none of.
        .map(|run| run[LOCKOUT_FAILURES - 1].saturating_add(LOCKOUT_DURATION).unwrap_or(Timestamp::MAX))
        .max()
        .filter(|until| *until > now)
}

/// Password checks one account may take from all sources together within [`LOCKOUT_WINDOW`]:
/// a guesser spreading over many addresses still gets no more than this.
pub const ACCOUNT_CHECKS_CEILING: usize = 20;

/// Failed logins one source may make across all accounts within [`LOCKOUT_WINDOW`]: a guesser
/// trying a few passwords on each of many accounts locks none of them, so the source is counted.
pub const SOURCE_ATTEMPTS_CEILING: usize = 30;

/// Most bytes in a login field (`pengguna`, `sandi`): longer input is refused before anything
/// is stored or hashed.
pub const LOGIN_FIELD_MAX_BYTES: usize = 256;

/// The block of addresses one subscriber holds, as limits per source count it: an IPv4 address
/// itself, an IPv6 address by its /64 (or each of its addresses would get a fresh allowance);
/// empty when the address is unknown.
pub fn address_block(ip: Option<std::net::IpAddr>) -> String {
    match ip.map(|ip| ip.to_canonical()) {
        Some(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => ip.to_string(),
        None => String::new(),
    }
}

/// One failed login (or one password check still under way) on an account, as the lockout
/// reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailure {
    /// When the check was reserved.
    pub at: Timestamp,
    /// Whether it came from the source now trying.
    pub same_source: bool,
}

/// Until when a login to an account from a source is refused, given the account's failures of
/// the last 30 minutes from every source and the source's failures of the last 15 minutes on
/// every account. The latest of three limits:
///
/// - the account and this source: [`locked_until`] over this source's failures, so somebody
///   else's guessing does not lock the office's own network out of the account;
/// - the account from all sources: [`ACCOUNT_CHECKS_CEILING`] within [`LOCKOUT_WINDOW`];
/// - the source on all accounts: [`SOURCE_ATTEMPTS_CEILING`] within [`LOCKOUT_WINDOW`].
///
/// The store applies this in the same transaction that counts the attempt, before the password
/// is checked, so no more checks happen than these limits allow, however many arrive at once.
pub fn login_refused_until(account: &[LoginFailure], source: &[Timestamp], now: Timestamp) -> Option<Timestamp> {
    let pair: Vec<Timestamp> = account.iter().filter(|f| f.same_source).map(|f| f.at).collect();
    let all: Vec<Timestamp> = account.iter().map(|f| f.at).collect();
    [
        locked_until(&pair, now),
        ceiling_until(&all, ACCOUNT_CHECKS_CEILING, now),
        ceiling_until(source, SOURCE_ATTEMPTS_CEILING, now),
    ]
    .into_iter()
    .flatten()
    .max()
}

/// While `limit` or more of `times` lie less than [`LOCKOUT_WINDOW`] before `now`: until the
/// `limit`-th newest of them leaves the window.
fn ceiling_until(times: &[Timestamp], limit: usize, now: Timestamp) -> Option<Timestamp> {
    let mut recent: Vec<Timestamp> =
        times.iter().copied().filter(|t| *t <= now && now.duration_since(*t) < LOCKOUT_WINDOW).collect();
    if limit == 0 || recent.len() < limit {
        return None;
    }
    recent.sort_unstable_by(|a, b| b.cmp(a));
    // Later than `now`: the `limit`-th newest lies inside the window.
    Some(recent[limit - 1].saturating_add(LOCKOUT_WINDOW).unwrap_or(Timestamp::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.code()));
        }
        assert_eq!(Role::parse("Front Office"), None);
        assert_eq!(Role::codes(), "front-office, jft, kepala-bidang, kepala-dinas, editor, admin");
        let labels = Role::ALL.map(Role::label);
        assert_eq!(
            labels,
            ["Front Office", "JFT Analis Kebijakan", "Kepala Bidang", "Kepala Dinas", "Editor Konten", "Admin"]
        );
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn at_min(minute: i64) -> Timestamp {
        ts("2026-03-17T01:00:00Z") + SignedDuration::from_mins(minute)
    }

    #[test]
    fn who_acts() {
        use Role::*;
        let allowed = |f: fn(Role) -> bool| Role::ALL.into_iter().filter(|r| f(*r)).collect::<Vec<_>>();
        assert_eq!(allowed(may_register), [FrontOffice]);
        assert_eq!(allowed(may_check_completeness), [FrontOffice]);
        assert_eq!(allowed(may_erase), [Admin]);
        assert_eq!(allowed(may_manage_accounts), [Admin]);
        assert_eq!(allowed(may_read_audit), [Admin]);
        assert_eq!(allowed(may_handle_mail), [FrontOffice, Admin]);
        assert_eq!(allowed(may_export), [FrontOffice, KepalaBidang, KepalaDinas, Admin]);
        assert_eq!(allowed(may_read_report), [KepalaBidang, KepalaDinas, Admin]);
        assert_eq!(allowed(may_take_steps), [FrontOffice, Jft, KepalaBidang, KepalaDinas]);
        assert_eq!(allowed(may_read_complaints), [FrontOffice, Jft, KepalaBidang, KepalaDinas, Admin]);
        assert_eq!(allowed(may_edit_content), [Editor, Admin]);
        for editor_may in [may_register, may_check_completeness, may_erase, may_manage_accounts, may_read_audit] {
            assert!(!editor_may(Editor), "the editor keeps the website, nothing of the complaints");
        }
        assert!(!may_handle_mail(Editor) && !may_export(Editor));
        for next in [None, Some(FrontOffice), Some(Jft), Some(Editor)] {
            assert!(!may_see_identity(Editor, false, next));
        }
    }

    #[test]
    fn identity_is_seen_by_the_front_office_and_admin_and_the_jft_only_at_its_steps() {
        use Role::*;
        for next in [None, Some(FrontOffice), Some(Jft), Some(KepalaBidang), Some(KepalaDinas)] {
            for rahasia in [false, true] {
                assert!(may_see_identity(FrontOffice, rahasia, next));
                assert!(may_see_identity(Admin, rahasia, next));
                assert!(!may_see_identity(KepalaBidang, rahasia, next));
                assert!(!may_see_identity(KepalaDinas, rahasia, next));
            }
        }
        assert!(may_see_identity(Jft, false, Some(Jft)), "verification needs the form");
        assert!(!may_see_identity(Jft, true, Some(Jft)), "secret: Front Office and admin only");
        assert!(!may_see_identity(Jft, false, Some(KepalaBidang)), "once handed on");
        assert!(!may_see_identity(Jft, false, Some(FrontOffice)));
        assert!(!may_see_identity(Jft, false, None), "finished, or no procedure yet");
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert_eq!(check_password("", "rina"), Err(PasswordError::TooShort));
        assert_eq!(check_password("pendek-sekal", "rina"), Ok(()), "12 characters");
        assert_eq!(check_password("pendek-seka", "rina"), Err(PasswordError::TooShort));
        // 11 characters but 22 bytes: still too short.
        assert_eq!(check_password("ÄÖÜäöüßéèêë", "rina"), Err(PasswordError::TooShort));
        assert_eq!(check_password("ÄÖÜäöüßéèêëç", "rina"), Ok(()));
        let long: String = "kuda lumping ".repeat(20);
        assert_eq!(check_password(&long[..256], "rina"), Ok(()));
        assert_eq!(check_password(&long[..257], "rina"), Err(PasswordError::TooLong));
        // Spaces count and are kept as typed.
        assert_eq!(check_password("  kuda  lari  ", "rina"), Ok(()));
    }

    #[test]
    fn password_must_not_contain_the_username_in_any_case() {
        assert_eq!(check_password("rina.wati2026!", "rina.wati"), Err(PasswordError::ContainsUsername));
        assert_eq!(check_password("Kopi-RINA.WATI-pagi", "rina.wati"), Err(PasswordError::ContainsUsername));
        assert_eq!(check_password("rina.watisaja", " Rina.Wati "), Err(PasswordError::ContainsUsername));
        assert_eq!(check_password("kopi-pagi-hari", ""), Ok(()), "no username, no such rule");
    }

    #[test]
    fn common_and_repeated_passwords_are_refused_ignoring_case() {
        for p in ["qwerty123456", "Indonesia123", "BISMILLAH123", "rahasiasekali", "admin12345678", "masturbation"] {
            assert_eq!(check_password(p, "rina"), Err(PasswordError::TooCommon), "{p}");
        }
        assert_eq!(check_password("aaaaaaaaaaaa", "rina"), Err(PasswordError::Repeated));
        assert_eq!(check_password("            ", "rina"), Err(PasswordError::Repeated));
        assert_eq!(check_password("kuda-lumping-77", "rina"), Ok(()));
        assert_eq!(PasswordError::TooShort.to_string(), "Kata sandi minimal 12 karakter.");
        assert_eq!(PasswordError::TooLong.to_string(), "Kata sandi maksimal 256 karakter.");
        assert_eq!(PasswordError::TooCommon.to_string(), "Kata sandi terlalu umum; pilih yang lain.");
    }

    #[test]
    fn the_shipped_list_is_lower_case_and_holds_the_short_ones_too() {
        let entries: Vec<&str> = COMMON_PASSWORDS.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(entries.len() > 10_000, "{}", entries.len());
        assert!(entries.iter().all(|e| !e.is_empty() && *e == e.to_lowercase()), "lower-case, no blank lines");
        assert_eq!(entries[0], "password", "SecLists' order kept");
        assert!(COMMON_PASSWORDS.len() < 1_000_000);
        assert!(is_common_password("Sayangkamu") && is_common_password("123456"));
        assert!(!is_common_password("# Kata sandi umum"), "comments are not entries");
        assert!(!is_common_password(""));
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(check_username("  Rina.Wati_2 "), Ok("rina.wati_2".into()));
        assert_eq!(check_username("a-b"), Ok("a-b".into()));
        assert_eq!(check_username(&"a".repeat(32)), Ok("a".repeat(32)));
        assert_eq!(check_username("   "), Err(UsernameError::Empty));
        assert_eq!(check_username("ab"), Err(UsernameError::TooShort));
        assert_eq!(check_username(&"a".repeat(33)), Err(UsernameError::TooLong));
        assert_eq!(check_username("2rina"), Err(UsernameError::NotLetterFirst));
        assert_eq!(check_username("_rina"), Err(UsernameError::NotLetterFirst));
        assert_eq!(check_username("rina wati"), Err(UsernameError::InvalidChar { ch: ' ' }));
        assert_eq!(check_username("rіna"), Err(UsernameError::InvalidChar { ch: 'і' }), "Cyrillic і");
        assert_eq!(check_username("\u{212a}ur"), Err(UsernameError::InvalidChar { ch: '\u{212a}' }), "Kelvin sign");
        let err = check_username("rina@dinas").unwrap_err().to_string();
        assert!(err.starts_with("Nama pengguna hanya boleh memuat huruf a-z") && err.contains("'@'"), "{err}");
        assert_eq!(UsernameError::TooShort.to_string(), "Nama pengguna minimal 3 karakter.");
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let login = at_min(0);
        assert!(session_alive(login, login, at_min(29)));
        assert!(!session_alive(login, login, at_min(30)), "idle for exactly 30 minutes");
        assert!(session_alive(login, at_min(700), at_min(719)), "busy, 11 h 59 min after login");
        assert!(!session_alive(login, at_min(719), at_min(720)), "12 hours after login, however busy");
        assert_eq!(IDLE_TIMEOUT, SignedDuration::from_secs(30 * 60));
        assert_eq!(ABSOLUTE_TIMEOUT, SignedDuration::from_secs(12 * 3600));
    }

    #[test]
    fn five_failures_within_fifteen_minutes_lock_for_fifteen_minutes_after_the_fifth() {
        let five: Vec<Timestamp> = [0, 2, 5, 9, 14].map(at_min).to_vec();
        assert_eq!(locked_until(&five, at_min(14)), Some(at_min(29)));
        assert_eq!(locked_until(&five, at_min(28)), Some(at_min(29)));
        assert_eq!(locked_until(&five, at_min(29)), None, "the lock has ended");
        assert_eq!(locked_until(&five[..4], at_min(14)), None, "four are not enough");
        // Order does not matter.
        let shuffled: Vec<Timestamp> = [9, 0, 14, 5, 2].map(at_min).to_vec();
        assert_eq!(locked_until(&shuffled, at_min(15)), Some(at_min(29)));
        // Exactly 15 minutes apart still counts; more does not.
        assert_eq!(locked_until(&[0, 1, 2, 3, 15].map(at_min), at_min(15)), Some(at_min(30)));
        assert_eq!(locked_until(&[0, 1, 2, 3, 16].map(at_min), at_min(16)), None);
        // Any five consecutive ones: the last run that qualifies sets the end.
        let spread = [0, 10, 20, 21, 22, 23, 24].map(at_min);
        assert_eq!(locked_until(&spread, at_min(24)), Some(at_min(39)));
        assert_eq!(locked_until(&[], at_min(0)), None);
    }
    #[test]
    fn the_lock_is_per_source_under_a_ceiling_per_account_and_per_source() {
        let fail = |minute: i64, same_source: bool| LoginFailure { at: at_min(minute), same_source };
        // Five from another source lock that source only.
        let others: Vec<LoginFailure> = (0..5).map(|m| fail(m, false)).collect();
        assert_eq!(login_refused_until(&others, &[], at_min(5)), None);
        let mine: Vec<LoginFailure> = (0..5).map(|m| fail(m, true)).collect();
        assert_eq!(login_refused_until(&mine, &[], at_min(5)), Some(at_min(19)));
        // Twenty from four sources: the account is refused to everyone, until the oldest of
        // the twenty is 15 minutes old.
        let spread: Vec<LoginFailure> = (0..20).map(|i| fail(i / 4, false)).collect();
        assert_eq!(login_refused_until(&spread[..19], &[], at_min(5)), None, "nineteen");
        assert_eq!(login_refused_until(&spread, &[], at_min(5)), Some(at_min(15)));
        assert_eq!(login_refused_until(&spread, &[], at_min(15)), None);
        // Thirty from this source on any accounts.
        let source: Vec<Timestamp> = (0..30).map(|i| at_min(i / 3)).collect();
        assert_eq!(login_refused_until(&[], &source[..29], at_min(10)), None);
        assert_eq!(login_refused_until(&[], &source, at_min(10)), Some(at_min(15)));
        assert_eq!(login_refused_until(&[], &source, at_min(15)), None);
        assert_eq!(ACCOUNT_CHECKS_CEILING, 20);
        let ip = |v: &str| Some(v.parse().unwrap());
        assert_eq!(address_block(ip("2001:db8:1:2::1")), address_block(ip("2001:db8:1:2:ffff::9")));
        assert_eq!(address_block(ip("::ffff:203.0.113.7")), "203.0.113.7", "IPv4 mapped in IPv6");
        assert_ne!(address_block(ip("2001:db8:1:2::1")), address_block(ip("2001:db8:1:3::1")));
        assert_eq!(SOURCE_ATTEMPTS_CEILING, 30);
    }
}
