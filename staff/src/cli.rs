//! The command line, in Bahasa Indonesia: the subcommands, their options and their help.
//!
//! clap's own words (usage, headings, the help flag, its error messages) are English; every one
//! a person sees is replaced here or in [`crate::translate_clap_error`].

use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;

const TEMPLATE: &str = "{before-help}{about-with-newline}\nPemakaian: {usage}\n\n{all-args}{after-help}";

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

/// One subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Daftar pengaduan di Buku Register, menurut status, jenis, kanal, keterlambatan, atau tenggat.
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf daftar [--status STATUS] [--jenis JENIS] [--kanal KANAL] [--terlambat] [--jatuh-tempo N]",
        next_help_heading = "Pilihan"
    )]
    Daftar(Daftar),

    /// Tampilkan satu pengaduan lengkap dengan data pribadi dan seluruh riwayatnya.
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf lihat NOMOR",
        next_help_heading = "Pilihan"
    )]
    Lihat(Lihat),

    /// Catat pengaduan yang masuk melalui kanal lain (telepon, surat, email, SMS, kotak pengaduan, LAPOR!, langsung).
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf catat --kanal KANAL --jenis JENIS --judul JUDUL --isi ISI --petugas NAMA --persetujuan [--nama ...] [--telepon ...] [--email ...]",
        next_help_heading = "Pilihan"
    )]
    Catat(Catat),

    /// Nyatakan berkas lengkap dan pilih prosedurnya; jangka waktu mulai dihitung dari nol.
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf lengkap NOMOR --prosedur PROSEDUR --petugas NAMA [--tanggal TTTT-BB-HH] [--catatan ...]",
        next_help_heading = "Pilihan"
    )]
    Lengkap(Lengkap),

    /// Kembalikan berkas yang belum lengkap kepada pengadu; jangka waktu berhenti.
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf kembalikan NOMOR --alasan ALASAN --petugas NAMA [--tanggal TTTT-BB-HH]",
        next_help_heading = "Pilihan"
    )]
    Kembalikan(Kembalikan),

    /// Lanjutkan pengaduan ke langkah berikutnya dari prosedurnya (tidak dapat melompati langkah).
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf lanjut NOMOR --petugas NAMA --catatan CATATAN",
        next_help_heading = "Pilihan"
    )]
    Lanjut(Lanjut),

    /// Ekspor Buku Register Pengaduan suatu periode ke CSV dan/atau Excel (.xlsx).
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf ekspor --dari TTTT-BB-HH --sampai TTTT-BB-HH [--csv BERKAS] [--xlsx BERKAS]",
        next_help_heading = "Pilihan"
    )]
    Ekspor(Ekspor),

    /// Hapus data pribadi satu pengaduan atas permintaan; baris registernya tetap ada.
    #[command(
        name = "hapus-data-pribadi",
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf hapus-data-pribadi NOMOR --petugas NAMA --alasan ALASAN",
        next_help_heading = "Pilihan"
    )]
    HapusDataPribadi(HapusDataPribadi),

    /// Tampilkan daftar lampiran (bukti pendukung) satu pengaduan.
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf lampiran NOMOR",
        next_help_heading = "Pilihan"
    )]
    Lampiran(Lihat),

    /// Simpan semua lampiran satu pengaduan ke sebuah folder.
    #[command(
        help_template = TEMPLATE,
        override_usage = "pengaduan-staf unduh NOMOR --ke FOLDER",
        next_help_heading = "Pilihan"
    )]
    Unduh(Unduh),
}

/// `unduh`.
#[derive(Debug, Args)]
pub struct Unduh {
    /// Nomor register, mis. PGD-2026-00042.
    #[arg(value_name = "NOMOR", help_heading = "Argumen")]
    pub nomor: String,
    /// Folder tujuan (dibuat bila belum ada); berkas yang sudah ada tidak ditimpa.
    #[arg(long, value_name = "FOLDER")]
    pub ke: PathBuf,
}

/// `daftar`.
#[derive(Debug, Args)]
pub struct Daftar {
    /// Hanya status ini: diterima, perlu_dilengkapi, diverifikasi, diproses, atau selesai.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Hanya jenis ini: pengaduan, informasi, atau aspirasi.
    #[arg(long, value_name = "JENIS")]
    pub jenis: Option<String>,
    /// Hanya kanal ini: web, telepon, surat, email, sms, kotak_pengaduan, lapor, atau langsung.
    #[arg(long, value_name = "KANAL")]
    pub kanal: Option<String>,
    /// Hanya yang belum selesai dan sudah melewati tenggat.
    #[arg(long)]
    pub terlambat: bool,
    /// Hanya yang belum selesai dan tenggatnya jatuh dalam N hari kerja ke depan (termasuk hari ini).
    #[arg(long = "jatuh-tempo", value_name = "N")]
    pub jatuh_tempo: Option<u32>,
}

/// `lihat`.
#[derive(Debug, Args)]
pub struct Lihat {
    /// Nomor register, mis. PGD-2026-00042.
    #[arg(value_name = "NOMOR", help_heading = "Argumen")]
    pub nomor: String,
}

/// `catat`.
#[derive(Debug, Args)]
pub struct Catat {
    /// Kanal masuknya pengaduan: telepon, surat, email, sms, kotak_pengaduan, lapor, atau langsung.
    #[arg(long, value_name = "KANAL")]
    pub kanal: String,
    /// Jenis laporan: pengaduan, informasi, atau aspirasi.
    #[arg(long, value_name = "JENIS")]
    pub jenis: String,
    /// Judul laporan (5 sampai 150 karakter).
    #[arg(long, value_name = "JUDUL")]
    pub judul: String,
    /// Isi laporan (20 sampai 5000 karakter).
    #[arg(long, value_name = "ISI")]
    pub isi: String,
    /// Nama petugas yang mencatat (masuk ke riwayat).
    #[arg(long, value_name = "NAMA")]
    pub petugas: String,
    /// Pengadu menyatakan isi laporannya benar dan menyetujui pemrosesan data pribadinya.
    #[arg(long)]
    pub persetujuan: bool,
    /// Nama pengadu (wajib kecuali --anonim).
    #[arg(long, value_name = "NAMA")]
    pub nama: Option<String>,
    /// Nomor telepon pengadu.
    #[arg(long, value_name = "NOMOR")]
    pub telepon: Option<String>,
    /// Alamat email pengadu.
    #[arg(long, value_name = "ALAMAT")]
    pub email: Option<String>,
    /// NIK pengadu (16 angka).
    #[arg(long, value_name = "NIK")]
    pub nik: Option<String>,
    /// Alamat pengadu.
    #[arg(long, value_name = "ALAMAT")]
    pub alamat: Option<String>,
    /// Tanggal kejadian, TTTT-BB-HH.
    #[arg(long = "tanggal-kejadian", value_name = "TANGGAL")]
    pub tanggal_kejadian: Option<String>,
    /// Lokasi kejadian.
    #[arg(long, value_name = "LOKASI")]
    pub lokasi: Option<String>,
    /// Layanan yang diadukan.
    #[arg(long, value_name = "LAYANAN")]
    pub layanan: Option<String>,
    /// Identitas pengadu dirahasiakan; nama dan kontak tidak wajib.
    #[arg(long)]
    pub anonim: bool,
    /// Laporan tidak untuk dipublikasikan.
    #[arg(long)]
    pub rahasia: bool,
}

/// The optimistic-concurrency guard shared by changing commands.
#[derive(Debug, Args)]
pub struct Versi {
    /// Versi pengaduan yang Anda lihat (dari `lihat`): perubahan ditolak bila pengaduan sudah diubah sejak itu.
    #[arg(long, value_name = "VERSI")]
    pub versi: Option<u64>,
}

/// `lengkap`.
#[derive(Debug, Args)]
pub struct Lengkap {
    /// Nomor register.
    #[arg(value_name = "NOMOR", help_heading = "Argumen")]
    pub nomor: String,
    /// Prosedur yang diikuti, menurut id di halaman layanan: penyelesaian (berakhir dengan Berita Acara) atau jawaban-tertulis (berakhir dengan Surat Jawaban).
    #[arg(long, value_name = "PROSEDUR")]
    pub prosedur: String,
    /// Nama petugas (masuk ke riwayat).
    #[arg(long, value_name = "NAMA")]
    pub petugas: String,
    /// Tanggal berkas dinyatakan lengkap, TTTT-BB-HH (bawaan: hari ini).
    #[arg(long, value_name = "TANGGAL")]
    pub tanggal: Option<String>,
    /// Catatan internal (tidak ditampilkan kepada publik).
    #[arg(long, value_name = "CATATAN")]
    pub catatan: Option<String>,
    /// Guard against changes made meanwhile.
    #[command(flatten)]
    pub versi: Versi,
}

/// `kembalikan`.
#[derive(Debug, Args)]
pub struct Kembalikan {
    /// Nomor register.
    #[arg(value_name = "NOMOR", help_heading = "Argumen")]
    pub nomor: String,
    /// Apa yang harus dilengkapi pengadu (masuk ke riwayat, tidak ditampilkan kepada publik).
    #[arg(long, value_name = "ALASAN")]
    pub alasan: String,
    /// Nama petugas (masuk ke riwayat).
    #[arg(long, value_name = "NAMA")]
    pub petugas: String,
    /// Tanggal berkas dikembalikan, TTTT-BB-HH (bawaan: hari ini).
    #[arg(long, value_name = "TANGGAL")]
    pub tanggal: Option<String>,
    /// Guard against changes made meanwhile.
    #[command(flatten)]
    pub versi: Versi,
}

/// `lanjut`.
#[derive(Debug, Args)]
pub struct Lanjut {
    /// Nomor register.
    #[arg(value_name = "NOMOR", help_heading = "Argumen")]
    pub nomor: String,
    /// Nama petugas yang menyelesaikan langkah ini (masuk ke riwayat).
    #[arg(long, value_name = "NAMA")]
    pub petugas: String,
    /// Catatan tentang langkah ini (internal, tidak ditampilkan kepada publik).
    #[arg(long, value_name = "CATATAN")]
    pub catatan: String,
    /// Guard against changes made meanwhile.
    #[command(flatten)]
    pub versi: Versi,
}

/// `ekspor`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("berkas").required(true).multiple(true).args(["csv", "xlsx"]))]
pub struct Ekspor {
    /// Awal periode (tanggal diterima), TTTT-BB-HH.
    #[arg(long, value_name = "TANGGAL")]
    pub dari: String,
    /// Akhir periode (tanggal diterima, termasuk hari itu), TTTT-BB-HH.
    #[arg(long, value_name = "TANGGAL")]
    pub sampai: String,
    /// Tulis ke berkas CSV ini.
    #[arg(long, value_name = "BERKAS")]
    pub csv: Option<PathBuf>,
    /// Tulis ke buku kerja Excel (.xlsx) ini.
    #[arg(long, value_name = "BERKAS")]
    pub xlsx: Option<PathBuf>,
}

/// `hapus-data-pribadi`.
#[derive(Debug, Args)]
pub struct HapusDataPribadi {
    /// Nomor register.
    #[arg(value_name = "NOMOR", help_heading = "Argumen")]
    pub nomor: String,
    /// Nama petugas (masuk ke riwayat).
    #[arg(long, value_name = "NAMA")]
    pub petugas: String,
    /// Dasar penghapusan, mis. permintaan pengadu melalui email tanggal ... (masuk ke riwayat).
    #[arg(long, value_name = "ALASAN")]
    pub alasan: String,
    /// Guard against changes made meanwhile.
    #[command(flatten)]
    pub versi: Versi,
}
