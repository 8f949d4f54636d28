//! One module per command, as the help lists them: each holds the command's options (when it
//! has its own) and the function that runs it, returning the text to print. What they share
//! (the context, failures, checks of numbers, dates and versions) is in the crate root.
//!
//! Every text a citizen or an earlier version of the site stored is printed through
//! `pengaduan_core::text::escape_controls_line` (one-line cells) or `escape_controls` (blocks):
//! records stored before input was checked as strictly may hold terminal control sequences.

pub mod audit;
pub mod catat;
pub mod daftar;
pub mod ekspor;
pub mod hapus_data_pribadi;
pub mod indeks_bulan;
pub mod kembalikan;
pub mod konten;
pub mod lampiran;
pub mod lanjut;
pub mod laporan;
pub mod lengkap;
pub mod lihat;
pub mod pengguna;
pub mod pindah_data_pribadi;
pub mod skm;
pub mod statistik;
pub mod surel;
pub mod tenggat;
pub mod unduh;
