//! The structured fields beside the textarea ("Isian terstruktur"): the service page's facts and
//! the holiday calendar's rows as plain form fields, read from a file's text and written back
//! into it with core's [`pengaduan_core::forms`]. Everything here is strings as typed, so a
//! refused form comes back with what the editor wrote, the field at fault marked.

use pengaduan_core::access::{Role, may_take_steps};
use pengaduan_core::forms::{
    self, ChannelFacts, DayKind, FormError, HolidayRow, HolidayRows, HolidayYear, ServiceFacts,
};
use pengaduan_core::status::Status;
use serde::Serialize;
use std::collections::HashMap;

/// Empty rows a new year's block offers.
const NEW_YEAR_ROWS: usize = 3;

/// A file's structured fields, as the form shows them; none for a file without a model.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "jenis", rename_all = "lowercase")]
pub(crate) enum Isian {
    /// A page whose front matter has `[service]`.
    Layanan(Box<ServiceForm>),
    /// `data/hari-libur.toml`.
    Libur(CalendarForm),
}

/// The service page's facts as typed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ServiceForm {
    batas_min: String,
    batas_maks: String,
    batas_mulai: String,
    biaya: String,
    kanal: Vec<ChannelRow>,
    prosedur: Vec<ProcedureRows>,
    /// The choices of a step's `peran` and public status: (code, label).
    pilihan_peran: Vec<(String, String)>,
    pilihan_status: Vec<(String, String)>,
    /// The codes alone, so a typed value outside them is still shown (and refused).
    kode_peran: Vec<String>,
    kode_status: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
struct ChannelRow {
    nama: String,
    keterangan: String,
    tautan: String,
    kontak: String,
}

#[derive(Debug, Clone, Serialize)]
struct ProcedureRows {
    judul: String,
    langkah: Vec<StepRow>,
}

#[derive(Debug, Clone, Serialize)]
struct StepRow {
    pelaku: String,
    kegiatan: String,
    peran: String,
    status: String,
    /// `assigns`, shown only on a step that has it.
    nomor: Option<String>,
}

/// The calendar's rows as typed: the file's years, then a block for a new one.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CalendarForm {
    tahun: Vec<YearRows>,
}

#[derive(Debug, Clone, Serialize)]
struct YearRows {
    tahun: String,
    skb: String,
    /// The new year's block, whose year is typed rather than fixed.
    baru: bool,
    hari: Vec<DayRow>,
}

#[derive(Debug, Clone, Default, Serialize)]
struct DayRow {
    tanggal: String,
    nama: String,
    jenis: String,
}

impl DayRow {
    fn is_empty(&self) -> bool {
        self.tanggal.trim().is_empty() && self.nama.trim().is_empty()
    }
}

/// A refused structured field: the input to mark and the reason, naming it.
#[derive(Debug, Clone)]
pub(crate) struct FieldRefusal {
    /// The input's `id`, when the refusal is of one field.
    pub input: Option<String>,
    /// The reason in Bahasa Indonesia, the field named by its label.
    pub message: String,
}

/// The structured fields of `text` as the file `path`, with an empty row to add in each list;
/// none when the file has no model or its text does not read as one (the textarea mends it).
pub(crate) fn from_text(path: &str, text: &str) -> Option<Isian> {
    if path == super::HOLIDAYS {
        let rows = forms::holiday_rows(text).ok()?;
        let mut tahun: Vec<YearRows> = rows
            .years
            .iter()
            .map(|y| YearRows {
                tahun: y.year.to_string(),
                skb: y.skb.clone(),
                baru: false,
                hari: y
                    .days
                    .iter()
                    .map(|d| DayRow { tanggal: d.date.clone(), nama: d.name.clone(), jenis: d.kind.code().to_owned() })
                    .collect(),
            })
            .collect();
        for year in &mut tahun {
            year.hari.push(DayRow::default());
        }
        tahun.push(YearRows {
            tahun: String::new(),
            skb: String::new(),
            baru: true,
            hari: vec![DayRow::default(); NEW_YEAR_ROWS],
        });
        return Some(Isian::Libur(CalendarForm { tahun }));
    }
    if !path.ends_with(".md") {
        return None;
    }
    let facts = forms::service_facts(text).ok()?;
    let mut kanal: Vec<ChannelRow> = facts
        .channels
        .iter()
        .map(|c| ChannelRow {
            nama: c.name.clone(),
            keterangan: c.description.clone(),
            tautan: c.url.clone().unwrap_or_default(),
            kontak: c.contact.clone().unwrap_or_default(),
        })
        .collect();
    kanal.push(ChannelRow::default());
    let prosedur = facts
        .procedures
        .iter()
        .map(|p| ProcedureRows {
            judul: if p.title.is_empty() { p.id.clone() } else { p.title.clone() },
            langkah: p
                .steps
                .iter()
                .map(|s| StepRow {
                    pelaku: s.actor.clone(),
                    kegiatan: s.action.clone(),
                    peran: s.peran.clone().unwrap_or_default(),
                    status: s.public_status.clone().unwrap_or_default(),
                    nomor: s.assigns.clone(),
                })
                .collect(),
        })
        .collect();
    let pilihan_peran: Vec<(String, String)> = Role::ALL
        .into_iter()
        .filter(|r| may_take_steps(*r))
        .map(|r| (r.code().to_owned(), r.label().to_owned()))
        .collect();
    let pilihan_status: Vec<(String, String)> =
        Status::ALL.iter().map(|s| (s.code().to_owned(), s.label().to_owned())).collect();
    Some(Isian::Layanan(Box::new(ServiceForm {
        kode_peran: pilihan_peran.iter().map(|(c, _)| c.clone()).collect(),
        kode_status: pilihan_status.iter().map(|(c, _)| c.clone()).collect(),
        batas_min: facts.time_limit.min_working_days.to_string(),
        batas_maks: facts.time_limit.max_working_days.to_string(),
        batas_mulai: facts.time_limit.starts.clone(),
        biaya: facts.fee.clone(),
        kanal,
        prosedur,
        pilihan_peran,
        pilihan_status,
    })))
}

/// The form's fields as posted over those read from `current` (the text they were edited
/// from): what the editor typed, to write into the text or to show again. None when `path` has
/// no model.
pub(crate) fn from_posted(path: &str, current: &str, form: &HashMap<String, String>) -> Option<Isian> {
    let field = |name: String| form.get(&name).map(|v| v.replace("\r\n", "\n"));
    match from_text(path, current)? {
        // A post without the calendar's rows (not from this page) changes none of them.
        read @ Isian::Libur(_) if !form.contains_key("tahun-0-tahun") => Some(read),
        Isian::Libur(_) => {
            let mut tahun = Vec::new();
            for y in 0.. {
                let Some(year) = field(format!("tahun-{y}-tahun")) else { break };
                let mut hari = Vec::new();
                for d in 0.. {
                    let row = |key: &str| field(format!("tahun-{y}-hari-{d}-{key}"));
                    let Some(tanggal) = row("tanggal") else { break };
                    hari.push(DayRow {
                        tanggal,
                        nama: row("nama").unwrap_or_default(),
                        jenis: row("jenis").unwrap_or_default(),
                    });
                }
                tahun.push(YearRows {
                    tahun: year,
                    skb: field(format!("tahun-{y}-skb")).unwrap_or_default(),
                    baru: field(format!("tahun-{y}-baru")).is_some(),
                    hari,
                });
            }
            Some(Isian::Libur(CalendarForm { tahun }))
        }
        Isian::Layanan(mut service) => {
            let set = |target: &mut String, name: String| {
                if let Some(v) = field(name) {
                    *target = v;
                }
            };
            set(&mut service.batas_min, "batas_min".into());
            set(&mut service.batas_maks, "batas_maks".into());
            set(&mut service.batas_mulai, "batas_mulai".into());
            set(&mut service.biaya, "biaya".into());
            let mut kanal = Vec::new();
            for i in 0.. {
                let row = |key: &str| field(format!("kanal-{i}-{key}"));
                let Some(nama) = row("nama") else { break };
                kanal.push(ChannelRow {
                    nama,
                    keterangan: row("keterangan").unwrap_or_default(),
                    tautan: row("tautan").unwrap_or_default(),
                    kontak: row("kontak").unwrap_or_default(),
                });
            }
            // A post without the channels' rows (not from this page) keeps them.
            if form.contains_key("kanal-0-nama") {
                service.kanal = kanal;
            }
            for (p, procedure) in service.prosedur.iter_mut().enumerate() {
                for (s, step) in procedure.langkah.iter_mut().enumerate() {
                    let name = |key: &str| format!("prosedur-{p}-langkah-{s}-{key}");
                    set(&mut step.pelaku, name("pelaku"));
                    set(&mut step.kegiatan, name("kegiatan"));
                    set(&mut step.peran, name("peran"));
                    set(&mut step.status, name("status"));
                    if let (Some(nomor), Some(v)) = (step.nomor.as_mut(), field(name("nomor"))) {
                        *nomor = v;
                    }
                }
            }
            Some(Isian::Layanan(service))
        }
    }
}

/// `current` with the typed fields written into it by core, or the field refused.
pub(crate) fn apply(isian: &Isian, current: &str) -> Result<String, FieldRefusal> {
    match isian {
        Isian::Layanan(form) => apply_service(form, current),
        Isian::Libur(form) => apply_calendar(form, current),
    }
}

fn refuse(input: String, label: String, message: impl std::fmt::Display) -> FieldRefusal {
    FieldRefusal { input: Some(input), message: format!("Isian \u{201c}{label}\u{201d}: {message}") }
}

/// A number of working days as typed, or the field refused.
fn days(value: &str, input: &str, label: &str) -> Result<i64, FieldRefusal> {
    value.trim().parse::<i64>().map_err(|_| {
        refuse(
            input.into(),
            label.into(),
            format!("\u{201c}{}\u{201d} bukan angka hari kerja; tulis angka saja, mis. 10", value.trim()),
        )
    })
}

fn apply_service(form: &ServiceForm, current: &str) -> Result<String, FieldRefusal> {
    let whole = |e: FormError| FieldRefusal { input: None, message: e.to_string() };
    let mut facts: ServiceFacts = forms::service_facts(current).map_err(whole)?;
    facts.time_limit.min_working_days = days(&form.batas_min, "batas_min", "Jangka waktu paling cepat")?;
    facts.time_limit.max_working_days = days(&form.batas_maks, "batas_maks", "Jangka waktu paling lama")?;
    facts.time_limit.starts = form.batas_mulai.trim().to_owned();
    facts.fee = form.biaya.trim().to_owned();
    // A row left empty is removed; the rest keep their order, each remembered by its form row.
    let rows: Vec<usize> = (0..form.kanal.len())
        .filter(|&i| {
            let c = &form.kanal[i];
            ![&c.nama, &c.keterangan, &c.tautan, &c.kontak].iter().all(|v| v.trim().is_empty())
        })
        .collect();
    facts.channels = rows
        .iter()
        .map(|&i| {
            let c = &form.kanal[i];
            let given = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
            ChannelFacts {
                name: c.nama.trim().to_owned(),
                description: c.keterangan.trim().to_owned(),
                url: given(&c.tautan),
                contact: given(&c.kontak),
            }
        })
        .collect();
    for (procedure, rows) in facts.procedures.iter_mut().zip(&form.prosedur) {
        for (step, row) in procedure.steps.iter_mut().zip(&rows.langkah) {
            let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
            step.actor = row.pelaku.trim().to_owned();
            step.action = row.kegiatan.trim().to_owned();
            step.peran = opt(&row.peran);
            step.public_status = opt(&row.status);
            step.assigns = row.nomor.as_deref().and_then(opt);
        }
    }
    forms::apply_service_facts(current, &facts).map_err(|e| service_refusal(form, &rows, e))
}

/// Core's refusal of a service fact, the field named by its label in the form.
fn service_refusal(form: &ServiceForm, channel_rows: &[usize], e: FormError) -> FieldRefusal {
    let Some(field) = e.field.as_deref() else { return FieldRefusal { input: None, message: e.to_string() } };
    let (input, label) = match field {
        "service.time_limit.min_working_days" => ("batas_min".to_owned(), "Jangka waktu paling cepat".to_owned()),
        "service.time_limit.max_working_days" => ("batas_maks".to_owned(), "Jangka waktu paling lama".to_owned()),
        "service.time_limit.starts" => ("batas_mulai".to_owned(), "Mulai dihitung".to_owned()),
        "service.fee" => ("biaya".to_owned(), "Biaya".to_owned()),
        other => {
            let numbers = indices(other);
            match (other.split('[').next(), numbers.as_slice(), other.rsplit('.').next().unwrap_or_default()) {
                (Some("service.channels"), [c], key) => {
                    let row = channel_rows.get(c - 1).copied().unwrap_or(c - 1);
                    let (key, name) = match key {
                        "description" => ("keterangan", "Keterangan"),
                        "url" => ("tautan", "Tautan"),
                        "contact" => ("kontak", "Kontak kantor"),
                        _ => ("nama", "Nama saluran"),
                    };
                    (format!("kanal-{row}-{key}"), format!("Saluran {}, {name}", row + 1))
                }
                (Some("service.procedures"), [p, s], key) => {
                    let (key, name) = match key {
                        "action" => ("kegiatan", "Kegiatan"),
                        "peran" => ("peran", "Peran"),
                        "public_status" => ("status", "Status publik"),
                        "assigns" => ("nomor", "Memberi nomor"),
                        _ => ("pelaku", "Pelaksana"),
                    };
                    let title = form.prosedur.get(p - 1).map(|p| p.judul.as_str()).unwrap_or_default();
                    (format!("prosedur-{}-langkah-{}-{key}", p - 1, s - 1), format!("{title}, langkah {s}, {name}"))
                }
                _ => return FieldRefusal { input: None, message: e.to_string() },
            }
        }
    };
    refuse(input, label, e.message)
}

fn apply_calendar(form: &CalendarForm, current: &str) -> Result<String, FieldRefusal> {
    // Core's rows, each remembered by its form block and row, so a refusal marks the input.
    let mut rows = HolidayRows::default();
    let mut places: Vec<(usize, Vec<usize>)> = Vec::new();
    for (y, block) in form.tahun.iter().enumerate() {
        let used: Vec<usize> = (0..block.hari.len()).filter(|&d| !block.hari[d].is_empty()).collect();
        let typed = block.tahun.trim();
        // The new year's block left empty adds nothing.
        if block.baru && typed.is_empty() && block.skb.trim().is_empty() && used.is_empty() {
            continue;
        }
        let label = if block.baru { "Tahun baru, Tahun".to_owned() } else { format!("Tahun {typed}") };
        let year = typed.parse::<i64>().map_err(|_| {
            refuse(
                format!("tahun-{y}-tahun"),
                label,
                format!("\u{201c}{typed}\u{201d} bukan tahun; tulis empat angka, mis. 2027"),
            )
        })?;
        let mut days = Vec::new();
        for &d in &used {
            let row = &block.hari[d];
            let kind = DayKind::parse(&row.jenis).ok_or_else(|| {
                refuse(
                    format!("tahun-{y}-hari-{d}-jenis"),
                    format!("Tahun {year}, baris {}, Jenis", d + 1),
                    "pilih libur nasional atau cuti bersama",
                )
            })?;
            days.push(HolidayRow { date: row.tanggal.trim().to_owned(), name: row.nama.trim().to_owned(), kind });
        }
        rows.years.push(HolidayYear { year, skb: block.skb.trim().to_owned(), days });
        places.push((y, used));
    }
    forms::apply_holidays(current, &rows).map_err(|e| {
        let numbers = e.field.as_deref().map(indices).unwrap_or_default();
        let key = e.field.as_deref().and_then(|f| f.rsplit('.').next()).unwrap_or_default();
        let Some((y, used)) = numbers.first().and_then(|n| places.get(n - 1)) else {
            return FieldRefusal { input: None, message: e.to_string() };
        };
        let year = rows.years[numbers[0] - 1].year;
        match (numbers.get(1), key) {
            (Some(d), "nama" | "tanggal") => {
                let d = used.get(d - 1).copied().unwrap_or(d - 1);
                let name = if key == "nama" { "Nama" } else { "Tanggal" };
                refuse(format!("tahun-{y}-hari-{d}-{key}"), format!("Tahun {year}, baris {}, {name}", d + 1), e.message)
            }
            (None, "skb") => refuse(format!("tahun-{y}-skb"), format!("Tahun {year}, SKB"), e.message),
            _ => refuse(format!("tahun-{y}-tahun"), format!("Tahun {year}"), e.message),
        }
    })
}

/// The numbers in brackets of a field's path: `service.procedures[1].steps[3].peran` → 1, 3.
fn indices(field: &str) -> Vec<usize> {
    field.split('[').skip(1).filter_map(|part| part.split(']').next()?.parse().ok()).filter(|&n| n > 0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "+++\ntitle = \"Layanan\"\n\n[service]\nfee = \"Gratis\" # tetap\n\n[service.time_limit]\nmin_working_days = 2\nmax_working_days = 10\nstarts = \"setelah lengkap\"\n\n[[service.channels]]\nname = \"Loket\"\ndescription = \"Datang langsung.\"\n\n[[service.procedures]]\nid = \"penyelesaian\"\ntitle = \"Penyelesaian\"\nproduct = \"Surat\"\n\n[[service.procedures.steps]]\nactor = \"Petugas\"\naction = \"Menerima.\"\npublic_status = \"diterima\"\nperan = \"front-office\"\n+++\n\nIsi.\n";

    fn posted(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn unchanged_fields_give_the_same_text_and_an_empty_row_is_dropped() {
        let isian = from_text("a.md", PAGE).unwrap();
        assert_eq!(apply(&isian, PAGE).unwrap(), PAGE);
        let form = posted(&[
            ("biaya", "Rp0"),
            ("kanal-0-nama", "Loket"),
            ("kanal-0-keterangan", "Datang."),
            ("kanal-1-nama", ""),
        ]);
        let text = apply(&from_posted("a.md", PAGE, &form).unwrap(), PAGE).unwrap();
        assert_eq!(text, PAGE.replace("\"Gratis\"", "\"Rp0\"").replace("Datang langsung.", "Datang."));
    }

    #[test]
    fn a_refusal_marks_the_input_and_names_its_label() {
        let form = posted(&[("prosedur-0-langkah-0-peran", "editor")]);
        let r = apply(&from_posted("a.md", PAGE, &form).unwrap(), PAGE).unwrap_err();
        assert_eq!(r.input.as_deref(), Some("prosedur-0-langkah-0-peran"));
        assert!(
            r.message.starts_with("Isian \u{201c}Penyelesaian, langkah 1, Peran\u{201d}: peran \"editor\""),
            "{}",
            r.message
        );
        let r = apply(&from_posted("a.md", PAGE, &posted(&[("batas_maks", "sepuluh")])).unwrap(), PAGE).unwrap_err();
        assert_eq!(r.input.as_deref(), Some("batas_maks"));
    }

    #[test]
    fn the_calendar_s_new_year_and_rows_map_back_to_their_inputs() {
        let text = "[[tahun]]\ntahun = 2026\nlibur_nasional = [\n  { tanggal = 2026-12-25, nama = \"Natal\" },\n]\ncuti_bersama = []\n";
        let isian = from_text(super::super::HOLIDAYS, text).unwrap();
        assert_eq!(apply(&isian, text).unwrap(), text);
        let form = posted(&[
            ("tahun-0-tahun", "2026"),
            ("tahun-0-hari-0-tanggal", "2026-12-25"),
            ("tahun-0-hari-0-nama", "Natal"),
            ("tahun-0-hari-0-jenis", "libur"),
            ("tahun-0-hari-1-tanggal", ""),
            ("tahun-0-hari-1-nama", ""),
            ("tahun-1-tahun", "2027"),
            ("tahun-1-baru", "1"),
            ("tahun-1-skb", "SKB 2027"),
            ("tahun-1-hari-0-tanggal", ""),
            ("tahun-1-hari-1-tanggal", "2026-01-01"),
            ("tahun-1-hari-1-nama", "Tahun Baru"),
            ("tahun-1-hari-1-jenis", "libur"),
        ]);
        let r = apply(&from_posted(super::super::HOLIDAYS, text, &form).unwrap(), text).unwrap_err();
        assert_eq!(r.input.as_deref(), Some("tahun-1-hari-1-tanggal"));
        assert!(r.message.contains("Tahun 2027, baris 2, Tanggal") && r.message.contains("tidak berada di tahun 2027"));
    }
}
