//! `catat`: a complaint received through another channel, registered by staff.

use crate::{Ctx, Failure};
use clap::Args;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_core::{RawForm, RawValue};
use pengaduan_store::Submitted;
use pengaduan_store::intake::{Intake, Replay, intake};
use std::fmt::Write as _;

/// The options of `catat`.
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
    /// Rahasia: identitas dan lampiran pengadu hanya untuk Front Office dan admin.
    #[arg(long)]
    pub rahasia: bool,
    /// Bahasa surel kepada pengadu: id (Bahasa Indonesia, bawaan) atau en (English), untuk penanam modal asing.
    #[arg(long, value_name = "BAHASA", default_value = "id", hide_default_value = true)]
    pub bahasa: String,
}

/// Checks the complaint as the online form would, registers it and prints its number and tracking code.
pub(crate) async fn run(ctx: &Ctx, a: Catat) -> Result<String, Failure> {
    let channel = IntakeChannel::parse(&a.kanal).ok_or_else(|| {
        Failure::new(format!(
            "Kanal {:?} tidak dikenal; pilih salah satu: telepon, surat, email, sms, kotak_pengaduan, lapor, langsung.",
            a.kanal
        ))
    })?;
    if channel == IntakeChannel::Web {
        return Err(Failure::new(
            "Kanal web dipakai formulir daring di situs; untuk pengaduan dari kanal lain pilih telepon, surat, email, sms, kotak_pengaduan, lapor, atau langsung.",
        ));
    }
    let lang = pengaduan_core::Lang::parse(&a.bahasa)
        .ok_or_else(|| Failure::new(format!("Bahasa {:?} tidak dikenal; pilih id atau en.", a.bahasa)))?;
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

    let complaint = Intake {
        submission,
        channel,
        received_at: ctx.now.clone(),
        replay: Replay::Content(String::new()),
        recorded_by: ctx.by.clone(),
        files: Vec::new(),
        uploads: Vec::new(),
        deadline_rule: ctx.rules.deadline_rule(lang),
        lang,
    };
    let (receipt, first) = match intake(&ctx.store, &ctx.config, complaint).await? {
        Submitted::New(r) => (r, true),
        Submitted::Replay(r) => (r, false),
        // Staff intake has no explicit key: the same content is the same complaint.
        Submitted::KeyReused => unreachable!("staff intake replays by content, which has no body digest"),
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
