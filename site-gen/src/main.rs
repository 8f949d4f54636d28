//! The `site-gen` command: build, check and serve the office's website. The site itself is
//! `pengaduan-site`'s; this binary wires it to the complaint API, the staff console and the
//! outbox for `serve` (feature `serve`, on by default).

use clap::{Parser, Subcommand};
use pengaduan_site::{BuildOptions, build};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[cfg(feature = "serve")]
use site_gen::serve;

/// Membangun situs Layanan Informasi dan Pengaduan dari Markdown.
#[derive(Parser)]
#[command(name = "site-gen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Membangun seluruh situs ke folder keluaran (bawaan: ROOT/public).
    Build {
        /// Folder akar situs (berisi content/, templates/, static/, config.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Folder keluaran.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Alamat publik situs, menggantikan base_url di config.toml.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Membangun tanpa menerbitkan dan memeriksa setiap tautan internal dan #anchor.
    Check {
        /// Folder akar situs.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Membangun, menyajikan situs dan API pengaduan, dan memuat ulang peramban saat berkas berubah.
    Serve {
        /// Folder akar situs.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Alamat yang didengarkan.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Port.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Penyimpanan pengaduan: sqlite:PATH atau dynamodb:TABLE.
        #[arg(long, default_value = "sqlite:.data/pengaduan.db")]
        store: String,
        /// Tempat lampiran: folder:FOLDER atau s3:BUCKET (bawaan: folder lampiran di samping basis data SQLite, atau di ROOT/.data).
        #[arg(long, value_name = "TEMPAT")]
        lampiran: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, out, base_url } => {
            let started = Instant::now();
            let out = out.unwrap_or_else(|| root.join("public"));
            let opts = BuildOptions { root, out: out.clone(), base_url, live_reload: false };
            match build(&opts) {
                Ok(r) => {
                    pengaduan_site::placeholders::warn(&r.placeholders);
                    eprintln!(
                        "Selesai: {} halaman ({} dirender) dan {} berkas statis ke {} ({} berkas ditulis, {} dihapus) dalam {:.2} detik.",
                        r.pages,
                        r.pages_rendered,
                        r.static_files,
                        out.display(),
                        r.written,
                        r.removed,
                        started.elapsed().as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    eprintln!("{failure}");
                    eprintln!("Pembangunan gagal; folder keluaran tidak diubah.");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { root } => match pengaduan_site::check::check(&root) {
            Ok(r) => {
                eprintln!("Semua tautan baik: {} tautan internal di {} halaman diperiksa.", r.links, r.pages);
                ExitCode::SUCCESS
            }
            Err(failure) => {
                eprintln!("{failure}");
                ExitCode::FAILURE
            }
        },
        #[cfg(not(feature = "serve"))]
        Command::Serve { .. } => {
            eprintln!(
                "kesalahan: site-gen ini dibangun tanpa fitur `serve`; bangun ulang dengan `cargo run -p site-gen -- serve`."
            );
            ExitCode::FAILURE
        }
        #[cfg(feature = "serve")]
        Command::Serve { root, bind, port, store, lampiran } => {
            let opts = serve::ServeOptions { root, bind, port, store, lampiran };
            match tokio::runtime::Runtime::new()
                .map_err(serve::ServeError::Runtime)
                .and_then(|rt| rt.block_on(serve::serve(opts)))
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("kesalahan: {}", pengaduan_store::error_chain(&e));
                    ExitCode::FAILURE
                }
            }
        }
    }
}
