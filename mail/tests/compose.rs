//! The messages' wording, from the repository's templates, as the complainant reads it.

mod support;

use jiff::civil::date;
use pengaduan_core::notice::Message;
use pengaduan_core::{Lang, Status};
use pengaduan_mail::compose::{LAYOUT, TEMPLATE_DIR, template_files};
use pengaduan_mail::{ComposeError, Composer};
use support::{SENDER, SITE, composer, parse, receipt, receipt_en, root, status};

const NOMOR: &str = "PGD-2026-00042";
const KODE: &str = "7KQ2-M9XD-4TPA";
const ID: &str = "PGD-2026-00042#000001";

#[test]
fn the_receipt_holds_the_number_the_code_and_what_happens_next() {
    let raw = composer().compose(ID, &receipt(NOMOR, KODE)).unwrap().formatted();
    let email = parse(&raw);
    let subject = email.header("Subject").unwrap();
    assert!(subject.contains(NOMOR), "{subject}");
    let from = email.header("From").unwrap();
    assert!(from.contains("Layanan Pengaduan") && from.ends_with("<pengaduan@dinas.contoh.go.id>"), "{from}");
    assert!(email.header("To").unwrap().contains("siti@contoh.co.id"));
    assert!(email.header("Content-Type").unwrap().starts_with("multipart/alternative"));
    for body in [&email.text, &email.html] {
        for needle in [
            NOMOR,
            KODE,
            "Siti Rahayu",
            "Pengaduan",
            "Izin usaha belum terbit",
            "2 s/d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap",
            "GRATIS",
            "https://pengaduan.contoh.go.id/lacak/",
        ] {
            assert!(body.contains(needle), "{needle:?} missing from:\n{body}");
        }
        assert_eq!(body.matches("dinyatakan lengkap").count(), 1, "the rule's start is said once:\n{body}");
    }
    assert!(
        email.text.starts_with("Yth. Bapak/Ibu Siti Rahayu,"),
        "the subject line is not in the body:\n{}",
        email.text
    );
    assert!(email.html.contains(r#"<html lang="id">"#));
    assert!(email.html.contains(&format!("<title>{subject}</title>")));
}

#[test]
fn one_outbox_entry_always_has_one_message_id() {
    let c = composer();
    let first = parse(&c.compose(ID, &receipt(NOMOR, KODE)).unwrap().formatted());
    let again = parse(&c.compose(ID, &receipt(NOMOR, KODE)).unwrap().formatted());
    let id = first.header("Message-ID").unwrap();
    assert_eq!(id, "<PGD-2026-00042.000001@dinas.contoh.go.id>");
    assert_eq!(again.header("Message-ID").unwrap(), id);
    let other = parse(&c.compose("PGD-2026-00042#000002", &receipt(NOMOR, KODE)).unwrap().formatted());
    assert_ne!(other.header("Message-ID").unwrap(), id);
}

#[test]
fn a_return_says_what_to_complete() {
    let alasan = "Lampirkan fotokopi KTP dan surat kuasa.";
    let m = status(NOMOR, Status::PerluDilengkapi, Some(alasan), None, false);
    let email = parse(&composer().compose("PGD-2026-00042#000002", &m).unwrap().formatted());
    assert!(email.header("Subject").unwrap().contains("Perlu dilengkapi"));
    for body in [&email.text, &email.html] {
        assert!(body.contains(alasan), "{body}");
        assert!(body.contains(Status::PerluDilengkapi.next_step()), "{body}");
        assert!(body.contains(NOMOR));
        assert!(!body.contains("paling lambat"), "no deadline while the clock is stopped");
        // Online, on the status page reached from the tracking page, not only at the counter.
        assert!(body.contains("secara daring") && body.contains("https://pengaduan.contoh.go.id/lacak/"), "{body}");
        assert!(body.contains("Front Office"), "{body}");
        // Said once: the status's own sentence names the time limit already.
        assert_eq!(body.matches("mulai dihitung").count(), 1, "{body}");
    }
}

#[test]
fn verified_files_state_the_deadline_and_whether_it_is_provisional() {
    let on = date(2026, 12, 14);
    let firm = composer().render(&status(NOMOR, Status::Diverifikasi, None, Some(on), false)).unwrap();
    for body in [&firm.text, &firm.html] {
        assert!(body.contains("14 Desember 2026"), "{body}");
        assert!(!body.contains("sementara"), "{body}");
    }
    let provisional = composer().render(&status(NOMOR, Status::Diverifikasi, None, Some(on), true)).unwrap();
    for body in [&provisional.text, &provisional.html] {
        assert!(body.contains("14 Desember 2026") && body.contains("sementara"), "{body}");
    }
}

#[test]
fn a_finished_complaint_invites_to_the_survey_on_the_tracking_page() {
    let r = composer().render(&status(NOMOR, Status::Selesai, None, None, false)).unwrap();
    for body in [&r.text, &r.html] {
        assert!(body.contains("Survei Kepuasan Masyarakat"), "{body}");
        assert!(body.contains("https://pengaduan.contoh.go.id/lacak/"), "{body}");
        assert!(body.contains("kode lacak"), "{body}");
    }
    let other = composer().render(&status(NOMOR, Status::Diproses, None, None, false)).unwrap();
    assert!(!other.text.contains("Survei Kepuasan Masyarakat"), "only when finished");
    assert!(other.text.contains(Status::Diproses.label()));
}

#[test]
fn what_the_complainant_wrote_is_escaped_in_html_and_kept_in_text() {
    let mut m = receipt(NOMOR, KODE);
    m.judul = "Pungli <b>di loket</b> & parkir".into();
    let r = composer().render(&m).unwrap();
    assert!(r.html.contains("Pungli &lt;b&gt;di loket&lt;/b&gt; &amp; parkir"), "{}", r.html);
    assert!(r.text.contains("Pungli <b>di loket</b> & parkir"));
}

#[test]
fn without_a_name_the_greeting_still_reads() {
    let mut m = receipt(NOMOR, KODE);
    m.nama = None;
    let r = composer().render(&m).unwrap();
    assert!(r.text.starts_with("Yth. Bapak/Ibu,"), "{}", r.text);
}

#[test]
fn the_embedded_templates_are_the_repository_s() {
    let embedded = Composer::embedded(SENDER.parse().unwrap(), SITE).unwrap();
    let verified = status(NOMOR, Status::Diverifikasi, None, Some(date(2026, 12, 14)), true);
    for m in [receipt(NOMOR, KODE), receipt_en(NOMOR, KODE), Message { lang: Lang::En, ..verified.clone() }, verified] {
        assert_eq!(embedded.render(&m).unwrap(), composer().render(&m).unwrap());
    }
}

#[test]
fn an_editor_s_change_applies_to_the_next_message_and_a_broken_template_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let surel = dir.path().join(TEMPLATE_DIR);
    std::fs::create_dir_all(&surel).unwrap();
    for f in template_files() {
        std::fs::copy(root().join(TEMPLATE_DIR).join(&f), surel.join(&f)).unwrap();
    }
    let c = Composer::from_dir(dir.path(), SENDER.parse().unwrap(), SITE).unwrap();
    std::fs::write(surel.join("tanda-terima.txt"), "Subjek: Laporan {{ nomor }} diterima\n\nHalo.\n").unwrap();
    assert_eq!(c.render(&receipt(NOMOR, KODE)).unwrap().subject, "Laporan PGD-2026-00042 diterima");

    std::fs::write(surel.join("tanda-terima.txt"), "Halo tanpa subjek\n").unwrap();
    let e = c.render(&receipt(NOMOR, KODE)).unwrap_err().to_string();
    assert!(e.contains("tanda-terima.txt") && e.contains("Subjek:"), "{e}");

    std::fs::write(surel.join("status.html"), "<p>{% if status %}</p>").unwrap();
    let e = Composer::from_dir(dir.path(), SENDER.parse().unwrap(), SITE).unwrap_err();
    assert!(matches!(e, ComposeError::Template { ref file, .. } if file.ends_with("status.html")), "{e}");
    assert!(e.to_string().starts_with("templat surel "), "{e}");

    std::fs::remove_file(surel.join("status.html")).unwrap();
    let e = Composer::from_dir(dir.path(), SENDER.parse().unwrap(), SITE).unwrap_err().to_string();
    assert!(e.contains("status.html") && e.contains("tidak dapat dibaca"), "{e}");

    // Every language's templates are checked at start-up too.
    std::fs::copy(root().join(TEMPLATE_DIR).join("status.html"), surel.join("status.html")).unwrap();
    Composer::from_dir(dir.path(), SENDER.parse().unwrap(), SITE).unwrap();
    std::fs::remove_file(surel.join("status.en.txt")).unwrap();
    let e = Composer::from_dir(dir.path(), SENDER.parse().unwrap(), SITE).unwrap_err().to_string();
    assert!(e.contains("status.en.txt") && e.contains("tidak dapat dibaca"), "{e}");

    // The layout is one of them: every HTML template needs it.
    std::fs::copy(root().join(TEMPLATE_DIR).join("status.en.txt"), surel.join("status.en.txt")).unwrap();
    std::fs::write(surel.join(LAYOUT), "<html>{% block isi %}").unwrap();
    let e = Composer::from_dir(dir.path(), SENDER.parse().unwrap(), SITE).unwrap_err().to_string();
    assert!(e.contains(LAYOUT), "{e}");
    std::fs::remove_file(surel.join(LAYOUT)).unwrap();
    let e = Composer::from_dir(dir.path(), SENDER.parse().unwrap(), SITE).unwrap_err().to_string();
    assert!(e.contains(LAYOUT) && e.contains("tidak dapat dibaca"), "{e}");
}

/// Words of the Indonesian templates that must not appear in an English email.
const INDONESIAN: [&str; 14] = [
    "Yth.",
    "Bapak/Ibu",
    "Nomor register",
    "Kode lacak",
    "Terima kasih",
    "Hormat kami",
    "Jangka waktu",
    "hari kerja",
    "Pengaduan",
    "laporan",
    "surel",
    "GRATIS",
    "/lacak/",
    "Desember",
];

#[test]
fn an_english_receipt_is_english_from_subject_to_link() {
    let raw = composer().compose(ID, &receipt_en(NOMOR, KODE)).unwrap().formatted();
    let email = parse(&raw);
    let subject = email.header("Subject").unwrap();
    assert_eq!(subject, format!("Receipt: Complaint {NOMOR}"));
    for body in [&email.text, &email.html] {
        for needle in [
            NOMOR,
            KODE,
            "Siti Rahayu",
            "Register number",
            "Tracking code",
            "Complaint",
            "Izin usaha belum terbit",
            "2 to 10 working days",
            "FREE",
            "https://pengaduan.contoh.go.id/en/track/",
        ] {
            assert!(body.contains(needle), "{needle:?} missing from:\n{body}");
        }
        for word in INDONESIAN {
            assert!(!body.contains(word), "{word:?} in an English email:\n{body}");
        }
    }
    for body in [&email.text, &email.html] {
        assert_eq!(body.matches("declared complete").count(), 1, "the rule's start is said once:\n{body}");
    }
    assert!(email.text.starts_with("Dear Siti Rahayu,"), "{}", email.text);
    assert!(email.html.contains(r#"<html lang="en">"#));
    assert!(email.html.contains(&format!("<title>{subject}</title>")));
}

#[test]
fn an_english_status_message_has_english_status_next_step_and_date() {
    let on = date(2026, 12, 14);
    let m = Message { lang: Lang::En, ..status(NOMOR, Status::Diverifikasi, None, Some(on), true) };
    let r = composer().render(&m).unwrap();
    assert_eq!(r.subject, format!("Status of report {NOMOR}: {}", Status::Diverifikasi.label_in(Lang::En)));
    for body in [&r.text, &r.html] {
        for needle in [
            Status::Diverifikasi.label_in(Lang::En),
            Status::Diverifikasi.next_step_in(Lang::En),
            "Monday, 14 December 2026",
            "provisional",
            "https://pengaduan.contoh.go.id/en/track/",
        ] {
            assert!(body.contains(needle), "{needle:?} missing from:\n{body}");
        }
        for word in INDONESIAN.into_iter().chain([Status::Diverifikasi.label(), "sementara", "Senin"]) {
            assert!(!body.contains(word), "{word:?} in an English email:\n{body}");
        }
    }

    let alasan = "Attach a copy of your ID card.";
    let back = Message { lang: Lang::En, ..status(NOMOR, Status::PerluDilengkapi, Some(alasan), None, false) };
    let r = composer().render(&back).unwrap();
    assert!(r.subject.contains(Status::PerluDilengkapi.label_in(Lang::En)), "{}", r.subject);
    assert!(r.text.contains(alasan) && r.text.contains("What you need to complete"), "{}", r.text);
    for body in [&r.text, &r.html] {
        assert!(body.contains("add it online") && body.contains("https://pengaduan.contoh.go.id/en/track/"), "{body}");
        assert_eq!(body.matches("time limit starts").count(), 1, "{body}");
    }

    let done =
        composer().render(&Message { lang: Lang::En, ..status(NOMOR, Status::Selesai, None, None, false) }).unwrap();
    for body in [&done.text, &done.html] {
        assert!(body.contains("Community Satisfaction Survey"), "{body}");
        assert!(body.contains("https://pengaduan.contoh.go.id/en/track/"), "{body}");
    }
}

#[test]
fn an_address_that_is_not_one_is_refused_without_repeating_it() {
    let mut m = receipt(NOMOR, KODE);
    m.to = "bukan-alamat".into();
    let e = composer().compose(ID, &m).unwrap_err();
    assert!(matches!(e, ComposeError::Recipient));
    assert!(!e.to_string().contains("bukan-alamat"));
}

#[test]
fn a_receipt_names_the_office_and_a_reply_reaches_it_in_the_message_s_language() {
    let office = composer().office().clone();
    assert_eq!(office.nama, "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Contoh");
    assert!(!office.alamat.is_empty() && !office.telepon.is_empty() && office.surel.contains('@'), "{office:?}");
    for (message, phone, home) in [
        (receipt(NOMOR, KODE), "Telepon", "https://pengaduan.contoh.go.id/\""),
        (receipt_en(NOMOR, KODE), "Telephone", "https://pengaduan.contoh.go.id/en/\""),
    ] {
        let email = parse(&composer().compose(ID, &message).unwrap().formatted());
        assert_eq!(email.header("Reply-To").unwrap(), office.surel, "a reply reaches the office's address");
        for body in [&email.text, &email.html] {
            for needle in [office.nama.as_str(), &office.alamat, &office.telepon, &office.surel, phone] {
                assert!(body.contains(needle), "{needle:?} missing from:\n{body}");
            }
            assert!(!body.contains("not reply") && !body.contains("tidak membalas"), "replies work:\n{body}");
        }
        assert!(email.html.contains(home), "the home page in the message's language:\n{}", email.html);
    }
    let english = parse(&composer().compose(ID, &receipt_en(NOMOR, KODE)).unwrap().formatted());
    let from = english.header("From").unwrap();
    assert!(
        from.trim_start_matches('"').starts_with("DPMPTSP Kabupaten Contoh Complaint Service")
            && from.ends_with("<pengaduan@dinas.contoh.go.id>"),
        "{from}"
    );
    assert!(!from.contains("Layanan") && !from.contains("Pengaduan "), "{from}");
}

#[test]
fn the_indonesian_messages_say_email_as_the_form_does() {
    // The form asks for an "Alamat email"; the messages it leads to use the same word (issue 23).
    let receipt = composer().render(&receipt(NOMOR, KODE)).unwrap();
    let finished = composer().render(&status(NOMOR, Status::Selesai, None, None, false)).unwrap();
    for body in [&receipt.text, &receipt.html, &finished.text, &finished.html] {
        let words = body.to_lowercase();
        assert!(!words.contains("surel"), "\"surel\" beside the form's \"email\":\n{body}");
        assert!(words.contains("email ini dikirim otomatis"), "{body}");
    }
}
