//! The forms' models on the shipped calendar and service page.

use super::*;
use crate::calendar::Calendar;
use crate::service::ServiceRules;

const SHIPPED_CALENDAR: &str = include_str!("../../../content/data/hari-libur.toml");
const SHIPPED_SERVICE: &str = include_str!("../../../content/layanan/informasi-dan-pengaduan.md");

fn body(text: &str) -> &str {
    let front = crate::service::front_matter(text).unwrap();
    let start = front.as_ptr() as usize - text.as_ptr() as usize;
    &text[start + front.len()..]
}

#[test]
fn the_calendar_reads_as_rows_and_writes_back_unchanged() {
    let rows = holiday_rows(SHIPPED_CALENDAR).unwrap();
    let years: Vec<i64> = rows.years.iter().map(|y| y.year).collect();
    assert_eq!(years[..2], [2025, 2026]);
    let y2026 = &rows.years[1];
    assert_eq!(y2026.skb, "SKB 1497/2/5 Tahun 2025");
    assert_eq!(y2026.days.iter().filter(|d| d.kind == DayKind::Libur).count(), 17);
    assert_eq!(y2026.days.iter().filter(|d| d.kind == DayKind::Cuti).count(), 8);
    assert_eq!(
        y2026.days[0],
        HolidayRow { date: "2026-01-01".into(), name: "Tahun Baru 2026 Masehi".into(), kind: DayKind::Libur }
    );
    assert_eq!(apply_holidays(SHIPPED_CALENDAR, &rows).unwrap(), SHIPPED_CALENDAR, "byte-identical");
}

#[test]
fn a_holiday_added_changes_only_its_list() {
    let mut rows = holiday_rows(SHIPPED_CALENDAR).unwrap();
    rows.years[1].days.push(HolidayRow {
        date: "2026-12-31".into(),
        name: "Cuti bersama Tahun Baru".into(),
        kind: DayKind::Cuti,
    });
    let text = apply_holidays(SHIPPED_CALENDAR, &rows).unwrap();
    assert!(text.contains("  { tanggal = 2026-12-31, nama = \"Cuti bersama Tahun Baru\" },\n]"), "{text}");
    let calendar = Calendar::from_toml(&text).unwrap();
    let added = calendar.holidays().find(|h| h.date.to_string() == "2026-12-31");
    assert_eq!(added.map(|h| h.name.as_str()), Some("Cuti bersama Tahun Baru"));
    // Everything before 2026's cuti bersama is as it was: the header, 2025, 2026's holidays.
    let cut = SHIPPED_CALENDAR.rfind("cuti_bersama = [").unwrap();
    assert_eq!(text[..cut], SHIPPED_CALENDAR[..cut]);
    assert_eq!(holiday_rows(&text).unwrap(), rows);
}

#[test]
fn years_come_and_go_with_their_decree() {
    let mut rows = holiday_rows(SHIPPED_CALENDAR).unwrap();
    rows.years.retain(|y| y.year != 2025);
    rows.years.push(HolidayYear {
        year: 2027,
        skb: "SKB 1/2/3 Tahun 2026".into(),
        days: vec![HolidayRow {
            date: "2027-01-01".into(),
            name: "Tahun Baru 2027 Masehi".into(),
            kind: DayKind::Libur,
        }],
    });
    let text = apply_holidays(SHIPPED_CALENDAR, &rows).unwrap();
    let calendar = Calendar::from_toml(&text).unwrap();
    assert!(!calendar.covers(2025) && calendar.covers(2026) && calendar.covers(2027), "{text}");
    assert_eq!(calendar.source(2027), Some("SKB 1/2/3 Tahun 2026"));
    assert!(text.contains("[[tahun]]\ntahun = 2027\nskb = \"SKB 1/2/3 Tahun 2026\"\nlibur_nasional = [\n  { tanggal = 2027-01-01, nama = \"Tahun Baru 2027 Masehi\" },\n]\ncuti_bersama = []\n"), "{text}");
    assert!(text.starts_with("# Hari libur nasional dan cuti bersama\n"), "the header comment is kept");
    // A decree removed, then one written again: after `tahun`.
    rows.years[0].skb = String::new();
    let without = apply_holidays(&text, &rows).unwrap();
    assert_eq!(Calendar::from_toml(&without).unwrap().source(2026), None);
    rows.years[0].skb = "SKB baru".into();
    let again = apply_holidays(&without, &rows).unwrap();
    assert!(again.contains("tahun = 2026\nskb = \"SKB baru\"\nlibur_nasional = ["), "{again}");
}

#[test]
fn a_quoted_date_shows_bare_and_is_written_back_as_a_date() {
    let text = SHIPPED_CALENDAR.replacen("tanggal = 2026-01-16", "tanggal = \"2026-01-16\"", 1);
    assert!(Calendar::from_toml(&text).is_err(), "the calendar refuses it");
    let rows = holiday_rows(&text).unwrap();
    assert_eq!(rows.years[1].days[1].date, "2026-01-16");
    assert_eq!(apply_holidays(&text, &rows).unwrap(), SHIPPED_CALENDAR, "the form's save mends it");
}

#[test]
fn a_date_that_is_no_date_is_refused() {
    let mut rows = holiday_rows(SHIPPED_CALENDAR).unwrap();
    rows.years[1].days[0].date = "31-12-2026".into();
    let r = apply_holidays(SHIPPED_CALENDAR, &rows).unwrap_err();
    assert_eq!(r.field.as_deref(), Some("tahun[2].hari[1].tanggal"));
    assert!(r.message.contains("31-12-2026"), "{r}");
    assert!(holiday_rows("[[tahun]\n").unwrap_err().line == Some(1));
}

#[test]
fn the_service_facts_read_and_write_back_unchanged() {
    let facts = service_facts(SHIPPED_SERVICE).unwrap();
    assert_eq!(facts.fee, "Tidak dipungut biaya");
    assert_eq!((facts.time_limit.min_working_days, facts.time_limit.max_working_days), (2, 10));
    assert_eq!(facts.time_limit.starts, "setelah berkas persyaratan dinyatakan lengkap");
    assert_eq!(facts.channels.len(), 9);
    assert_eq!(facts.channels[6].url.as_deref(), Some("/pengaduan/"));
    assert_eq!(facts.channels[0].url, None);
    let ids: Vec<&str> = facts.procedures.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["penyelesaian", "jawaban-tertulis"]);
    let step = &facts.procedures[0].steps[2];
    assert_eq!((step.public_status.as_deref(), step.peran.as_deref()), (Some("diverifikasi"), Some("jft")));
    assert_eq!(facts.procedures[0].steps[8].assigns.as_deref(), Some("nomor_ba"));
    assert_eq!(apply_service_facts(SHIPPED_SERVICE, &facts).unwrap(), SHIPPED_SERVICE, "byte-identical");
}

#[test]
fn a_removed_channel_takes_its_office_contact_with_it() {
    let mut facts = service_facts(SHIPPED_SERVICE).unwrap();
    let contacts = |f: &ServiceFacts| f.channels.iter().map(|c| c.contact.clone()).collect::<Vec<_>>();
    assert_eq!(facts.channels[1].contact.as_deref(), Some("alamat"), "the letter channel shows the address");
    let removed = facts.channels.remove(1);
    assert_eq!(removed.name, "Surat");
    let text = apply_service_facts(SHIPPED_SERVICE, &facts).unwrap();
    let read = service_facts(&text).unwrap();
    // Matched by position, the Email channel now sits where the letter was: it must not keep
    // the letter's "alamat".
    assert_eq!(contacts(&read), contacts(&facts));
    assert_eq!(read.channels[1].contact.as_deref(), Some("Email"));
}

#[test]
fn changed_service_facts_land_in_the_front_matter() {
    let mut facts = service_facts(SHIPPED_SERVICE).unwrap();
    facts.fee = "Gratis".into();
    facts.time_limit.max_working_days = 12;
    facts.channels.push(ChannelFacts {
        name: "WhatsApp".into(),
        description: "Kirim pesan ke nomor layanan.".into(),
        url: Some("/pengaduan/".into()),
        contact: Some("Telepon".into()),
    });
    facts.channels[7].url = None;
    facts.procedures[1].steps.pop();
    facts.procedures[1].steps.last_mut().unwrap().public_status = Some("selesai".into());
    let text = apply_service_facts(SHIPPED_SERVICE, &facts).unwrap();
    assert_eq!(body(&text), body(SHIPPED_SERVICE), "the body is kept");
    assert_eq!(service_facts(&text).unwrap(), facts);
    // The new channel is written after the last one, before the procedures.
    let (whatsapp, procedures) = (text.find("WhatsApp").unwrap(), text.find("[[service.procedures]]").unwrap());
    assert!(whatsapp < procedures, "{text}");
    // Keys the form does not show are kept, and the site's own reader accepts the page.
    assert!(text.contains("template = \"layanan.html\"") && text.contains("complaint_handling = "));
    assert_eq!(ServiceRules::parse(&text).unwrap().max_working_days, 12);
}

#[test]
fn a_step_added_to_the_first_procedure_stays_in_it() {
    let mut facts = service_facts(SHIPPED_SERVICE).unwrap();
    let mut step = facts.procedures[0].steps[9].clone();
    step.action = "Mengarsipkan berkas.".into();
    facts.procedures[0].steps.insert(10, step);
    let text = apply_service_facts(SHIPPED_SERVICE, &facts).unwrap();
    assert_eq!(service_facts(&text).unwrap(), facts);
    assert!(text.find("Mengarsipkan berkas.").unwrap() < text.find("id = \"jawaban-tertulis\"").unwrap());
}

#[test]
fn impossible_values_are_refused_naming_their_field() {
    let rows = holiday_rows(SHIPPED_CALENDAR).unwrap();
    let refused = |change: &dyn Fn(&mut HolidayRows)| {
        let mut rows = rows.clone();
        change(&mut rows);
        let e = apply_holidays(SHIPPED_CALENDAR, &rows).unwrap_err();
        (e.field.unwrap_or_default(), e.message)
    };
    let (field, message) = refused(&|r| r.years[1].days[2].date = "2027-03-01".into());
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("tahun[2].hari[3].tanggal", "tanggal 2027-03-01 tidak berada di tahun 2026")
    );
    assert_eq!(refused(&|r| r.years[0].year = 2026).0, "tahun[2].tahun", "a year given twice");
    assert_eq!(refused(&|r| r.years[1].year = 20226).0, "tahun[2].tahun");
    assert_eq!(refused(&|r| r.years[1].days[0].name = " ".into()).0, "tahun[2].hari[1].nama");
    assert_eq!(refused(&|r| r.years[1].days[0].date = "2026-02-30".into()).0, "tahun[2].hari[1].tanggal");

    let facts = service_facts(SHIPPED_SERVICE).unwrap();
    let refused = |change: &dyn Fn(&mut ServiceFacts)| {
        let mut facts = facts.clone();
        change(&mut facts);
        let e = apply_service_facts(SHIPPED_SERVICE, &facts).unwrap_err();
        (e.field.unwrap_or_default(), e.message)
    };
    let (field, message) = refused(&|f| f.time_limit.min_working_days = 11);
    assert_eq!(field, "service.time_limit.min_working_days");
    assert!(message.contains("(11)") && message.contains("(10 hari kerja)"), "{message}");
    assert_eq!(refused(&|f| f.time_limit.max_working_days = 0).0, "service.time_limit.max_working_days");
    assert_eq!(refused(&|f| f.fee = String::new()).0, "service.fee");
    assert_eq!(refused(&|f| f.channels[1].name = String::new()).0, "service.channels[2].name");
    let (field, message) = refused(&|f| f.procedures[0].steps[2].peran = Some("admin".into()));
    assert_eq!(field, "service.procedures[1].steps[3].peran");
    assert!(message.contains("front-office, jft, kepala-bidang, kepala-dinas"), "{message}");
    assert_eq!(
        refused(&|f| f.procedures[1].steps[0].public_status = Some("selasai".into())).0,
        "service.procedures[2].steps[1].public_status"
    );
    assert_eq!(
        refused(&|f| f.procedures[0].steps[1].assigns = Some("nomor".into())).0,
        "service.procedures[1].steps[2].assigns"
    );
}

#[test]
fn a_syntax_error_names_its_line_in_the_whole_file() {
    let text = SHIPPED_SERVICE.replacen("fee = ", "fee = = ", 1);
    let line = text.lines().position(|l| l.contains("fee = = ")).unwrap() + 1;
    let e = service_facts(&text).unwrap_err();
    assert_eq!(e.line, Some(line), "{e}");
    assert!(e.toml.is_some() && e.message.starts_with("TOML tidak sah"), "{e}");
    assert!(service_facts("tanpa front matter").unwrap_err().line == Some(1));
}
