//! `pengguna`: the staff console's accounts from the command line: create one, list them,
//! deactivate one, reset a password, lift a login lock.
//!
//! These need no procedures and no calendar, only the store: the first admin account can be made
//! on a machine that has nothing but the store's credentials. A password is read from standard
//! input (one line) so that scripts can set it, or typed twice without echo at a terminal; it is
//! checked by `pengaduan_core::access::check_password` and only its Argon2id hash is kept. Every
//! change is recorded in the audit trail under the operating-system user, never with the password.

use crate::{CHANNEL, Failure};
use clap::{Args, Subcommand};
use jiff::Zoned;
use pengaduan_core::access::{Role, check_password, check_username};
use pengaduan_core::text::escape_controls_line;
use pengaduan_store::accounts::password::hash_password;
use pengaduan_store::accounts::{Account, AccountStore, AuditAction, AuditEntry};
use pengaduan_store::{AnyStore, StoreError, error_chain};
use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write as _};

/// Most characters in an account's full name.
const NAME_MAX_CHARS: usize = 100;

/// The options of `pengguna`: one of its commands.
#[derive(Debug, Args)]
pub struct Pengguna {
    /// The account command.
    #[command(subcommand)]
    pub perintah: Perintah,
}

/// The account commands.
#[derive(Debug, Subcommand)]
pub enum Perintah {
    /// Buat akun baru; kata sandi (minimal 12 karakter) dibaca dari masukan standar, satu baris.
    #[command(override_usage = "pengaduan-staf pengguna tambah NAMA_PENGGUNA --peran PERAN [--nama \"Nama Lengkap\"]")]
    Tambah(Tambah),

    /// Daftar semua akun: nama pengguna, nama, peran, aktif atau nonaktif, tanggal dibuat.
    #[command(override_usage = "pengaduan-staf pengguna daftar")]
    Daftar,

    /// Nonaktifkan akun: tidak dapat masuk lagi dan semua sesinya diakhiri.
    #[command(override_usage = "pengaduan-staf pengguna nonaktifkan NAMA_PENGGUNA")]
    Nonaktifkan(NamaPengguna),

    /// Aktifkan kembali akun yang dinonaktifkan (kata sandinya tetap).
    #[command(override_usage = "pengaduan-staf pengguna aktifkan NAMA_PENGGUNA")]
    Aktifkan(NamaPengguna),

    /// Ganti kata sandi akun (dibaca dari masukan standar, satu baris); semua sesinya diakhiri.
    #[command(override_usage = "pengaduan-staf pengguna sandi NAMA_PENGGUNA")]
    Sandi(NamaPengguna),

    /// Buka kunci akun yang terkunci setelah percobaan masuk yang gagal: semua percobaan gagalnya dilupakan.
    #[command(override_usage = "pengaduan-staf pengguna buka-kunci NAMA_PENGGUNA")]
    BukaKunci(NamaPengguna),
}

/// The options of `pengguna tambah`.
#[derive(Debug, Args)]
pub struct Tambah {
    /// Nama pengguna untuk masuk: 3 sampai 32 huruf a-z, angka, titik, tanda hubung, atau garis bawah, diawali huruf.
    #[arg(value_name = "NAMA_PENGGUNA")]
    pub username: String,
    /// Peran akun: front-office, jft, kepala-bidang, kepala-dinas, editor, atau admin.
    #[arg(long, value_name = "PERAN")]
    pub peran: String,
    /// Nama lengkap yang ditampilkan di konsol petugas (bawaan: nama pengguna).
    #[arg(long, value_name = "NAMA")]
    pub nama: Option<String>,
}

/// A command whose only argument is a username (`nonaktifkan`, `sandi`).
#[derive(Debug, Args)]
pub struct NamaPengguna {
    /// Nama pengguna akun.
    #[arg(value_name = "NAMA_PENGGUNA")]
    pub username: String,
}

/// Runs one account command on `store` at `now`, recording changes under the OS user `user`.
pub(crate) async fn run(store: &AnyStore, now: &Zoned, user: &str, a: Pengguna) -> Result<String, Failure> {
    match a.perintah {
        Perintah::Tambah(t) => tambah(store, now, user, t).await,
        Perintah::Daftar => daftar(store, now).await,
        Perintah::Nonaktifkan(n) => nonaktifkan(store, now, user, &n.username).await,
        Perintah::Aktifkan(n) => aktifkan(store, now, user, &n.username).await,
        Perintah::Sandi(n) => sandi(store, now, user, &n.username).await,
        Perintah::BukaKunci(n) => buka_kunci(store, now, user, &n.username).await,
    }
}

/// Creates the account, with the password read from standard input.
async fn tambah(store: &AnyStore, now: &Zoned, user: &str, a: Tambah) -> Result<String, Failure> {
    let username = check_username(&a.username).map_err(|e| Failure::new(e.to_string()))?;
    let role = Role::parse(a.peran.trim()).ok_or_else(|| {
        Failure::new(format!("Peran {:?} tidak dikenal; pilih salah satu: {}.", a.peran, Role::codes()))
    })?;
    let name = full_name(a.nama.as_deref(), &username)?;
    // Before the password is typed: a taken name is refused at once.
    if store.account(&username).await?.is_some() {
        return Err(StoreError::Duplicate(username).into());
    }
    let password = new_password(&username)?;
    let account = Account {
        username: username.clone(),
        name: name.clone(),
        role,
        active: true,
        password_hash: hash(&password)?,
        created_at: now.timestamp(),
        password_set_at: now.timestamp(),
    };
    store.create_account(account).await?;
    audit(store, now, user, format!("tambah {username} ({})", role.code())).await;
    Ok(format!(
        "Akun {username} dibuat: {}, peran {}. Akun ini dapat masuk ke konsol petugas.\n",
        escape_controls_line(&name),
        role.label()
    ))
}

/// Lists every account, without its hash.
async fn daftar(store: &AnyStore, now: &Zoned) -> Result<String, Failure> {
    let accounts = store.accounts().await?;
    if accounts.is_empty() {
        return Ok(
            "Belum ada akun. Buat akun admin pertama: pengaduan-staf pengguna tambah NAMA_PENGGUNA --peran admin\n"
                .into(),
        );
    }
    let mut table = vec![["NAMA PENGGUNA", "NAMA", "PERAN", "STATUS", "DIBUAT"].map(str::to_owned)];
    for a in &accounts {
        table.push(
            [
                a.username.clone(),
                a.name.clone(),
                a.role.label().to_owned(),
                if a.active { "aktif" } else { "nonaktif" }.to_owned(),
                a.created_at.to_zoned(now.time_zone().clone()).date().to_string(),
            ]
            .map(|cell| escape_controls_line(&cell).into_owned()),
        );
    }
    let mut out = columns(&table);
    let active = accounts.iter().filter(|a| a.active).count();
    let _ = writeln!(out, "\n{} akun, {active} aktif.", accounts.len());
    Ok(out)
}

/// The rows of `table` as aligned columns, two spaces apart, one line each.
pub(crate) fn columns<const N: usize>(table: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for line in table {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in table {
        let cells: Vec<String> =
            line.iter().zip(widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out
}

/// Lets a deactivated account log in again, with the password it had.
async fn aktifkan(store: &AnyStore, now: &Zoned, user: &str, raw: &str) -> Result<String, Failure> {
    let mut account = existing(store, raw).await?;
    let username = account.username.clone();
    if account.active {
        return Ok(format!("Akun {username} sudah aktif.\n"));
    }
    account.active = true;
    store.update_account(account).await.map_err(|e| not_found_as_account(e, &username))?;
    audit(store, now, user, format!("aktifkan {username}")).await;
    Ok(format!("Akun {username} aktif kembali dan dapat masuk dengan kata sandinya.\n"))
}

/// Deactivates the account and ends its sessions.
async fn nonaktifkan(store: &AnyStore, now: &Zoned, user: &str, raw: &str) -> Result<String, Failure> {
    let mut account = existing(store, raw).await?;
    let username = account.username.clone();
    // Ended in any case: a session left from before is never worth keeping on a disabled account.
    let was_active = account.active;
    if was_active {
        account.active = false;
        store.update_account(account).await.map_err(|e| not_found_as_account(e, &username))?;
    }
    store.end_sessions_of(&username).await?;
    if !was_active {
        return Ok(format!("Akun {username} sudah nonaktif; sesinya (bila ada) telah diakhiri.\n"));
    }
    audit(store, now, user, format!("nonaktifkan {username}")).await;
    Ok(format!("Akun {username} dinonaktifkan: tidak dapat masuk lagi, dan semua sesinya telah diakhiri.\n"))
}

/// Sets a new password, read from standard input, and ends the account's sessions.
async fn sandi(store: &AnyStore, now: &Zoned, user: &str, raw: &str) -> Result<String, Failure> {
    let mut account = existing(store, raw).await?;
    let username = account.username.clone();
    let password = new_password(&username)?;
    account.password_hash = hash(&password)?;
    account.password_set_at = now.timestamp();
    let active = account.active;
    store.update_account(account).await.map_err(|e| not_found_as_account(e, &username))?;
    store.end_sessions_of(&username).await?;
    audit(store, now, user, format!("sandi {username}")).await;
    let mut out = format!("Kata sandi {username} diganti; semua sesinya telah diakhiri.\n");
    if !active {
        out.push_str("Akun ini nonaktif dan tetap tidak dapat masuk.\n");
    }
    Ok(out)
}

/// Lifts the account's login lock: its failed logins from every source are forgotten.
async fn buka_kunci(store: &AnyStore, now: &Zoned, user: &str, raw: &str) -> Result<String, Failure> {
    let username = existing(store, raw).await?.username;
    store.clear_login_failures(&username).await?;
    audit(store, now, user, format!("buka kunci {username}")).await;
    Ok(format!("Kunci akun {username} dibuka: percobaan masuk yang gagal dilupakan, dan akun dapat masuk lagi.\n"))
}

/// The account named `raw` (normalised as at creation), or a message that there is none.
async fn existing(store: &AnyStore, raw: &str) -> Result<Account, Failure> {
    let username = check_username(raw).map_err(|e| Failure::new(e.to_string()))?;
    store.account(&username).await?.ok_or_else(|| no_account(&username))
}

fn no_account(username: &str) -> Failure {
    Failure::new(format!(
        "Pengguna {username} tidak ditemukan; lihat daftar akun dengan: pengaduan-staf pengguna daftar"
    ))
}

/// The store's "not found" names a complaint; here it is the account (deleted meanwhile).
fn not_found_as_account(e: StoreError, username: &str) -> Failure {
    match e {
        StoreError::NotFound(_) => no_account(username),
        other => other.into(),
    }
}

/// The full name given (trimmed), or the username when none is.
fn full_name(given: Option<&str>, username: &str) -> Result<String, Failure> {
    let name = given.map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Ok(username.to_owned());
    }
    if name.chars().any(char::is_control) {
        return Err(Failure::new("Nama (--nama) tidak boleh memuat karakter kendali (mis. baris baru atau tab)."));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(Failure::new(format!("Nama (--nama) maksimal {NAME_MAX_CHARS} karakter.")));
    }
    Ok(name.to_owned())
}

/// The Argon2id hash of `password`.
fn hash(password: &str) -> Result<String, Failure> {
    hash_password(password).map_err(|e| Failure::new(format!("Kata sandi tidak dapat di-hash: {}", error_chain(&e))))
}

/// Records an account change in the audit trail. The change is made already: a failure to record
/// it is told, not turned into a failure of the command.
async fn audit(store: &AnyStore, now: &Zoned, user: &str, detail: String) {
    let entry = AuditEntry {
        at: now.timestamp(),
        username: user.to_owned(),
        role: None,
        action: AuditAction::AccountChanged,
        nomor: None,
        detail: format!("{CHANNEL}: {detail}"),
    };
    if let Err(e) = store.record_audit(entry).await {
        eprintln!("Peringatan: perubahan akun belum tercatat di jejak audit. ({})", error_chain(&e));
    }
}

/// The new password for `username`, checked against the policy: typed twice without echo at a
/// terminal, else the first line of standard input.
fn new_password(username: &str) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let password = password_line(&mut stdin.lock())?;
        check_password(&password, username).map_err(|e| Failure::new(e.to_string()))?;
        return Ok(password);
    }
    let first = prompt("Kata sandi: ")?;
    // Refused before it is typed a second time.
    check_password(&first, username).map_err(|e| Failure::new(e.to_string()))?;
    let second = prompt("Ulangi kata sandi: ")?;
    if first != second {
        return Err(Failure::new("Kedua kata sandi yang diketik tidak sama; tidak ada yang diubah."));
    }
    Ok(first)
}

/// One password typed at the terminal, not shown; the prompt goes to standard error.
fn prompt(text: &str) -> Result<String, Failure> {
    eprint!("{text}");
    let _ = std::io::stderr().flush();
    match rpassword::read_password() {
        Ok(p) if p.is_empty() => Err(empty_password()),
        Ok(p) => Ok(p),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(empty_password()),
        Err(e) => Err(Failure::new(format!("Kata sandi tidak dapat dibaca dari terminal: {e}"))),
    }
}

/// The first line of `input`, without its line ending (`\n` or `\r\n`) and nothing else: spaces
/// are part of the password. Refused when there is none or it is empty.
pub(crate) fn password_line(input: &mut impl BufRead) -> Result<String, Failure> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => Failure::new("Kata sandi harus berupa teks UTF-8."),
        _ => Failure::new(format!("Kata sandi tidak dapat dibaca dari masukan standar: {e}")),
    })?;
    if let Some(rest) = line.strip_suffix('\n') {
        line.truncate(rest.strip_suffix('\r').unwrap_or(rest).len());
    }
    if line.is_empty() {
        return Err(empty_password());
    }
    Ok(line)
}

fn empty_password() -> Failure {
    Failure::new(
        "Kata sandi kosong: tulis kata sandi (satu baris, minimal 12 karakter) ke masukan standar, mis. dari berkas: pengaduan-staf pengguna tambah NAMA_PENGGUNA --peran PERAN < berkas-sandi.txt, atau jalankan di terminal untuk mengetiknya.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(input: &[u8]) -> Result<String, String> {
        password_line(&mut &input[..]).map_err(|f| f.message)
    }

    #[test]
    fn one_line_without_its_ending_and_nothing_else() {
        assert_eq!(line(b"kuda lumping hitam\n").unwrap(), "kuda lumping hitam");
        assert_eq!(line(b"kuda lumping hitam\r\n").unwrap(), "kuda lumping hitam");
        assert_eq!(line(b"kuda lumping hitam").unwrap(), "kuda lumping hitam", "no ending at all");
        assert_eq!(line(b"  spasi di tepi  \n").unwrap(), "  spasi di tepi  ", "spaces are kept");
        assert_eq!(line(b"satu baris\ndua baris\n").unwrap(), "satu baris", "the first line only");
        assert_eq!(line(b"akhir\r\r\n").unwrap(), "akhir\r", "one line ending only");
    }

    #[test]
    fn no_password_is_an_indonesian_error() {
        for input in [&b""[..], b"\n", b"\r\n"] {
            assert!(line(input).unwrap_err().starts_with("Kata sandi kosong"), "{input:?}");
        }
        assert!(line(b"\xff\xfe sandi\n").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn names_are_trimmed_checked_or_the_username() {
        assert_eq!(full_name(None, "rina").unwrap(), "rina");
        assert_eq!(full_name(Some("  "), "rina").unwrap(), "rina");
        assert_eq!(full_name(Some(" Rina Wati "), "rina").unwrap(), "Rina Wati");
        assert!(full_name(Some("Rina\u{1b}[2J"), "rina").is_err());
        assert!(full_name(Some(&"a".repeat(101)), "rina").is_err());
    }
}
