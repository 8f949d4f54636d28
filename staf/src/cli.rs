//! The command line, in Bahasa Indonesia: the subcommands, their options and their help.
//!
//! clap's own words (usage, headings, the help flag, its error messages) are English; every one
//! a person sees is replaced here or in [`crate::translate_clap_error`]. Each command's options
//! live with the command in [`crate::cmd`]; what they all share (the help template, the
//! headings) is applied once, in [`command`], so a new command cannot forget it (nor a command
//! of a group such as `pengguna`).

use crate::cmd::{
    audit, catat, daftar, ekspor, hapus_data_pribadi, kembalikan, konten, lanjut, laporan, lengkap, pengguna, skm,
    statistik, surel, unduh,
};
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

const TEMPLATE: &str = "{before-help}{about-with-newline}\nPemakaian: {usage}\n\n{all-args}{after-help}";

/// The heading of a subcommand's positional arguments.
const ARGUMENTS_HEADING: &str = "Argumen";

/// The heading of a subcommand's own options (the global ones are under "Pilihan umum").
const OPTIONS_HEADING: &str = "Pilihan";

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "pengaduan-staf",
    version,
    about = "Alat petugas Layanan Informasi dan Pengaduan: Buku Register Pengaduan dan tahapan penanganan setiap pengaduan.",
    long_about = None,
    help_template = TEMPLATE,
    override_usage = "pengaduan-staf [--store TEMPAT] [--root FOLDER] PERINTAH ...",
    subcommand_help_heading = "Perintah",
    subcommand_value_name = "PERINTAH",
    next_help_heading = "Pilihan umum",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Bantuan setiap perintah: pengaduan-staf PERINTAH --help"
)]
pub struct Cli {
    /// Tempat data pengaduan: sqlite:BERKAS atau dynamodb:TABEL (bawaan: sqlite:.data/pengaduan.db).
    #[arg(
        long,
        global = true,
        value_name = "TEMPAT",
        default_value = "sqlite:.data/pengaduan.db",
        hide_default_value = true
    )]
    pub store: String,

    /// Folder situs yang berisi content/ (prosedur dan kalender hari libur) (bawaan: folder ini).
    #[arg(long, global = true, value_name = "FOLDER", default_value = ".", hide_default_value = true)]
    pub root: PathBuf,

    /// Tempat lampiran: folder:FOLDER atau s3:BUCKET (bawaan: folder lampiran di samping basis data SQLite, atau s3:$ATTACHMENTS_BUCKET untuk DynamoDB).
    #[arg(long, global = true, value_name = "TEMPAT")]
    pub lampiran: Option<String>,
    /// Tampilkan bantuan.
    #[arg(short = 'h', long = "help", global = true, action = ArgAction::Help)]
    help: Option<bool>,

    /// Tampilkan versi.
    #[arg(short = 'V', long = "versi-program", action = ArgAction::Version)]
    version: Option<bool>,

    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// One subcommand: its one-line help and its usage line; its options are in [`crate::cmd`].
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Daftar pengaduan di Buku Register, menurut status, jenis, kanal, keterlambatan, atau tenggat.
    #[command(
        override_usage = "pengaduan-staf daftar [--status STATUS] [--jenis JENIS] [--kanal KANAL] [--terlambat] [--jatuh-tempo N]"
    )]
    Daftar(daftar::Daftar),

    /// Tampilkan satu pengaduan lengkap dengan data pribadi dan seluruh riwayatnya.
    #[command(override_usage = "pengaduan-staf lihat NOMOR")]
    Lihat(Nomor),

    /// Catat pengaduan yang masuk melalui kanal lain (telepon, surat, email, SMS, kotak pengaduan, LAPOR!, langsung).
    #[command(
        override_usage = "pengaduan-staf catat --kanal KANAL --jenis JENIS --judul JUDUL --isi ISI --persetujuan [--nama ...] [--telepon ...] [--email ...] [--bahasa id|en]"
    )]
    Catat(Box<catat::Catat>),

    /// Nyatakan berkas lengkap dan pilih prosedurnya; jangka waktu mulai dihitung dari nol.
    #[command(
        override_usage = "pengaduan-staf lengkap NOMOR --prosedur PROSEDUR [--tanggal TTTT-BB-HH] [--catatan ...]"
    )]
    Lengkap(lengkap::Lengkap),

    /// Kembalikan berkas yang belum lengkap kepada pengadu; jangka waktu berhenti.
    #[command(override_usage = "pengaduan-staf kembalikan NOMOR --alasan ALASAN [--tanggal TTTT-BB-HH]")]
    Kembalikan(kembalikan::Kembalikan),

    /// Lanjutkan pengaduan ke langkah berikutnya dari prosedurnya (tidak dapat melompati langkah).
    #[command(override_usage = "pengaduan-staf lanjut NOMOR --catatan CATATAN")]
    Lanjut(lanjut::Lanjut),

    /// Ekspor Buku Register Pengaduan suatu periode ke CSV dan/atau Excel (.xlsx).
    #[command(
        override_usage = "pengaduan-staf ekspor --dari TTTT-BB-HH --sampai TTTT-BB-HH [--csv BERKAS] [--xlsx BERKAS]"
    )]
    Ekspor(ekspor::Ekspor),

    /// Hitung Indeks Kepuasan Masyarakat (SKM, PermenPANRB 14/2017) suatu periode: per unsur dan keseluruhan, dengan mutu pelayanan.
    #[command(override_usage = "pengaduan-staf skm --dari TTTT-BB-HH --sampai TTTT-BB-HH [--csv BERKAS]")]
    Skm(skm::Skm),

    /// Laporan berkala pengelolaan pengaduan satu triwulan atau satu tahun, sebagai XLSX dan PDF.
    #[command(override_usage = "pengaduan-staf laporan (--triwulan TTTT-T | --tahun TTTT) [--keluar BERKAS ...]")]
    Laporan(laporan::Laporan),

    /// Hitung statistik publik (/statistik/, data.json, data.csv) sekarang dan bangun halamannya di keluaran situs lokal.
    #[command(override_usage = "pengaduan-staf statistik [--keluaran FOLDER]")]
    Statistik(statistik::Statistik),

    /// Surel kepada pengadu: kirim yang sudah waktunya, daftar yang gagal terkirim, kirim ulang.
    #[command(override_usage = "pengaduan-staf surel kirim | gagal | ulang ID")]
    Surel(surel::Surel),

    /// Hitung ulang tenggat setiap pengaduan yang belum selesai dengan kalender hari libur terbaru (setelah SKB diubah atau tahun baru ditambahkan).
    #[command(override_usage = "pengaduan-staf tenggat")]
    Tenggat,

    /// Sekali setelah pemutakhiran di AWS: isi bulan diterima dan bulan selesai pada pengaduan lama agar muncul di ekspor register dan statistik (aman diulang).
    #[command(name = "indeks-bulan", override_usage = "pengaduan-staf indeks-bulan")]
    IndeksBulan,

    /// Sekali setelah pemutakhiran di AWS: pindahkan data pribadi pengaduan lama ke kuncinya sendiri agar fungsi penerima pengaduan tidak dapat membacanya (aman diulang).
    #[command(name = "pindah-data-pribadi", override_usage = "pengaduan-staf pindah-data-pribadi")]
    PindahDataPribadi,

    /// Hapus data pribadi dan lampiran satu pengaduan atas permintaan; baris registernya tetap ada.
    #[command(name = "hapus-data-pribadi", override_usage = "pengaduan-staf hapus-data-pribadi NOMOR --alasan ALASAN")]
    HapusDataPribadi(hapus_data_pribadi::HapusDataPribadi),

    /// Tampilkan daftar lampiran (bukti pendukung) satu pengaduan.
    #[command(override_usage = "pengaduan-staf lampiran NOMOR")]
    Lampiran(Nomor),

    /// Simpan semua lampiran satu pengaduan ke sebuah folder.
    #[command(override_usage = "pengaduan-staf unduh NOMOR --ke FOLDER")]
    Unduh(unduh::Unduh),

    /// Kelola akun petugas untuk konsol petugas: tambah, daftar, nonaktifkan, ganti kata sandi.
    #[command(
        override_usage = "pengaduan-staf pengguna PERINTAH ...",
        subcommand_help_heading = "Perintah",
        subcommand_value_name = "PERINTAH",
        disable_help_subcommand = true,
        after_help = "Bantuan setiap perintah: pengaduan-staf pengguna PERINTAH --help"
    )]
    Pengguna(pengguna::Pengguna),

    /// Tampilkan jejak audit (siapa melihat data pribadi, mengunduh, menghapus, masuk, mengubah akun), yang terbaru lebih dahulu.
    #[command(
        override_usage = "pengaduan-staf audit [--hari N] [--pengguna NAMA_PENGGUNA] [--tindakan TINDAKAN] [--nomor NOMOR] [--batas N]"
    )]
    Audit(audit::Audit),

    /// Konten situs yang diubah editor lewat konsol: tarik ke content/, atau isi penyimpanan dari content/.
    #[command(
        override_usage = "pengaduan-staf konten tarik | benih [--timpa]",
        subcommand_help_heading = "Perintah",
        subcommand_value_name = "PERINTAH",
        disable_help_subcommand = true,
        after_help = "Bantuan setiap perintah: pengaduan-staf konten PERINTAH --help"
    )]
    Konten(konten::Konten),
}

/// The command line as clap parses it and shows its help: the derived definitions above, with
/// the template and headings every subcommand shares.
pub fn command() -> clap::Command {
    Cli::command().mut_subcommands(styled)
}

/// A subcommand, and each of its own, with the shared template and headings.
fn styled(sub: clap::Command) -> clap::Command {
    sub.help_template(TEMPLATE)
        .mut_args(|arg| {
            // A heading given on an argument itself still wins.
            if arg.get_help_heading().is_some() {
                arg
            } else if arg.is_positional() {
                arg.help_heading(ARGUMENTS_HEADING)
            } else {
                arg.help_heading(OPTIONS_HEADING)
            }
        })
        .mut_subcommands(styled)
}

/// Parses `args` (the program's name first) with [`command`].
pub fn try_parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches_mut(&mut matches)
}

/// The subcommands' names, in the order of the help: the one list the error messages use.
pub fn subcommand_names() -> Vec<String> {
    subcommand_names_of(&[])
}

/// The names of the subcommands of the command at `path` (`[]` for the program, `["pengguna"]`
/// for the account commands), in the order of the help.
pub fn subcommand_names_of(path: &[String]) -> Vec<String> {
    let mut cmd = Cli::command();
    for name in path {
        match cmd.find_subcommand(name) {
            Some(sub) => cmd = sub.clone(),
            None => break,
        }
    }
    cmd.get_subcommands().map(|c| c.get_name().to_owned()).collect()
}

/// The (sub)commands named in `args` (the program's name left out), outermost first: `["pengguna",
/// "tambah"]` for `pengguna tambah rina --peran jft`. For the hint after a usage error.
pub fn subcommand_path(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut cmd = Cli::command();
    let mut path = Vec::new();
    for arg in args {
        if let Some(sub) = cmd.find_subcommand(&arg).cloned() {
            path.push(arg);
            cmd = sub;
        }
    }
    path
}

/// A command whose only argument is a register number (`lihat`, `lampiran`).
#[derive(Debug, Args)]
pub struct Nomor {
    /// Nomor register, mis. PGD-2026-00042.
    #[arg(value_name = "NOMOR")]
    pub nomor: String,
}

/// The optimistic-concurrency guard shared by changing commands.
#[derive(Debug, Args)]
pub struct Versi {
    /// Versi pengaduan yang Anda lihat (dari `lihat`): perubahan ditolak bila pengaduan sudah diubah sejak itu.
    #[arg(long, value_name = "VERSI")]
    pub versi: Option<u64>,
}
