//! The editing API on the shipped site (read-only: checks and previews write nothing) and on
//! copies of it in temporary folders (for writing).

use super::*;
use std::path::PathBuf;
use std::time::Instant;

const SERVICE: &str = "layanan/informasi-dan-pengaduan.md";
const SERVICE_EN: &str = "layanan/informasi-dan-pengaduan.en.md";
const CALENDAR: &str = "data/hari-libur.toml";

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn shipped(path: &str) -> String {
    std::fs::read_to_string(repo().join(CONTENT_DIR).join(path)).unwrap()
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_with(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle} not in text")) + 1
}

/// The shipped file `path` with `from` replaced (once) by `to`, as a change.
fn change(path: &str, from: &str, to: &str) -> BTreeMap<String, String> {
    let text = shipped(path);
    assert!(text.contains(from), "{from} not in {path}");
    BTreeMap::from([(path.to_owned(), text.replacen(from, to, 1))])
}

fn refused(changes: &BTreeMap<String, String>) -> Refusal {
    check_with(&repo(), None, changes).expect_err("the change is refused")
}

/// A copy of the site's sources in a temporary folder.
fn copy_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in WalkDir::new(repo()).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(repo()).unwrap();
        let top = rel.iter().next().unwrap().to_string_lossy();
        if !["config.toml", "content", "templates", "static"].contains(&top.as_ref()) {
            continue;
        }
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

#[test]
fn the_editable_files_are_the_pages_and_the_data_files() {
    let files = editable_files(&repo()).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    assert!(paths.contains(&SERVICE) && paths.contains(&"_index.md"), "{paths:?}");
    let en = files.iter().find(|f| f.path == SERVICE_EN).unwrap();
    assert_eq!((en.lang.as_deref(), en.kind), (Some("en"), FileKind::Page));
    let id = files.iter().find(|f| f.path == SERVICE).unwrap();
    assert_eq!((id.lang.as_deref(), id.title.as_str()), (Some("id"), "Layanan Informasi dan Pengaduan"));
    let calendar = files.iter().find(|f| f.path == CALENDAR).unwrap();
    assert_eq!(
        (calendar.lang.as_deref(), calendar.kind, calendar.title.as_str()),
        (None, FileKind::Data, "Hari libur nasional dan cuti bersama")
    );
    assert!(is_editable(&repo(), SERVICE) && is_editable(&repo(), CALENDAR));
    assert_eq!(read_editable(&repo(), CALENDAR).unwrap(), shipped(CALENDAR));
    assert_eq!(read_editable(&repo(), "../config.toml").unwrap_err().path, "../config.toml");
    for path in ["../config.toml", "/etc/passwd", "baru.md", "data/../pengaduan.md", "./pengaduan.md", "", "data"] {
        assert!(!is_editable(&repo(), path), "{path}");
    }
}

#[test]
fn the_shipped_site_checks_and_a_production_address_refuses_its_placeholders() {
    let summary = check_with(&repo(), None, &BTreeMap::new()).unwrap();
    assert!(summary.pages >= 10 && summary.links > 50, "{summary:?}");
    assert!(summary.changed.is_empty());
    assert_eq!(summary.rules_digest.map(|d| d.len()), Some(64), "the rules are published");
    let r = check_with(&repo(), Some("https://dpmptsp.sukamajukab.go.id"), &BTreeMap::new()).unwrap_err();
    assert_eq!(r.path, "config.toml");
    assert!(r.line.is_some() && r.message.contains("CONTOH"), "{r}");
}

#[test]
fn a_new_fee_sentence_checks_and_previews() {
    let changes = change(SERVICE, "fee = \"Tidak dipungut biaya\"", "fee = \"Gratis, tanpa pungutan apa pun\"");
    let summary = check_with(&repo(), None, &changes).unwrap();
    assert_eq!(summary.changed, [SERVICE]);
    let unchanged = check_with(&repo(), None, &BTreeMap::new()).unwrap();
    assert_eq!(summary.rules_digest, unchanged.rules_digest, "the fee is no rule the workflow follows");
    let html = preview(&repo(), None, &changes, SERVICE).unwrap();
    assert!(html.contains("Gratis, tanpa pungutan apa pun"), "the new sentence is shown");
    assert!(!html.contains("Tidak dipungut biaya</"), "the old one is gone");
    assert!(!html.contains("__livereload"), "no live reload in a preview");
    // Nothing was written: the file on disk keeps its fee.
    assert!(shipped(SERVICE).contains("fee = \"Tidak dipungut biaya\""));
    // Another page previews with the change in place, the English one too.
    let en = preview(&repo(), None, &changes, SERVICE_EN).unwrap();
    assert!(en.contains("<html lang=\"en\""), "{}", &en[..200]);
}

#[test]
fn a_broken_calendar_is_refused_at_its_line() {
    let text = shipped(CALENDAR);
    let entry = "{ tanggal = 2026-01-16, nama = \"Isra Mikraj Nabi Muhammad SAW\" }";
    let line = line_with(&text, entry);
    // TOML syntax: a key without its `=`.
    let r = refused(&change(CALENDAR, entry, "{ tanggal 2026-01-16, nama = \"Isra Mikraj Nabi Muhammad SAW\" }"));
    assert_eq!((r.path.as_str(), r.line), (CALENDAR, Some(line)), "{r}");
    assert!(r.to_string().starts_with(&format!("data/hari-libur.toml baris {line}: ")), "{r}");
    // The calendar's rules: a date in another year's block.
    let r = refused(&change(CALENDAR, "tanggal = 2026-01-16", "tanggal = 2027-01-16"));
    assert_eq!((r.path.as_str(), r.line), (CALENDAR, Some(line)), "{r}");
    assert!(r.message.contains("pindahkan ke blok tahun 2027"), "{r}");
    assert_eq!(r.field.as_deref(), Some("tahun[2].libur_nasional[2].tanggal"));
    assert!(!r.message.starts_with("Kalender hari libur baris"), "the line is said once: {r}");
}

#[test]
fn an_unknown_role_is_refused_at_its_line_and_field() {
    let text = shipped(SERVICE);
    let line = line_with(&text, "peran = \"jft\"");
    let r = refused(&change(SERVICE, "peran = \"jft\"", "peran = \"sekretaris\""));
    assert_eq!((r.path.as_str(), r.line), (SERVICE, Some(line)), "{r}");
    assert_eq!(r.field.as_deref(), Some("service.procedures[1].steps[3].peran"), "{r}");
    assert!(r.message.contains("sekretaris"), "{r}");
}

#[test]
fn a_duplicate_procedure_id_is_refused_at_the_second_procedure() {
    let text = shipped(SERVICE);
    let id_line = line_with(&text, "id = \"jawaban-tertulis\"");
    let r = refused(&change(SERVICE, "id = \"jawaban-tertulis\"", "id = \"penyelesaian\""));
    // The build points at the second procedure's `[[service.procedures]]`, just above its id.
    assert_eq!((r.path.as_str(), r.line), (SERVICE, Some(id_line - 1)), "{r}");
    assert_eq!(r.field.as_deref(), Some("service.procedures[2]"), "{r}");
    assert!(r.message.contains("lebih dari sekali"), "{r}");
}

#[test]
fn an_impossible_time_limit_names_its_key() {
    let text = shipped(SERVICE);
    let line = line_with(&text, "max_working_days = 10");
    let r = refused(&change(SERVICE, "max_working_days = 10", "max_working_days = 0"));
    assert_eq!(r.field.as_deref(), Some("service.time_limit.max_working_days"), "{r}");
    assert_eq!((r.path.as_str(), r.line), (SERVICE, Some(line)), "{r}");
    let r = refused(&change(SERVICE, "max_working_days = 10", "max_working_days = \"sepuluh\""));
    assert_eq!((r.line, r.field.as_deref()), (Some(line), Some("service.time_limit.max_working_days")), "{r}");
}

#[test]
fn broken_internal_links_are_refused_at_their_line() {
    let text = shipped(SERVICE);
    // In the Markdown.
    let line = line_with(&text, "[Lacak Pengaduan](/lacak/)");
    let r = refused(&change(SERVICE, "[Lacak Pengaduan](/lacak/)", "[Lacak Pengaduan](/lacak-salah/)"));
    assert_eq!((r.path.as_str(), r.line), (SERVICE, Some(line)), "{r}");
    assert!(r.message.contains("/lacak-salah/"), "{r}");
    // In the front matter, linked by the template.
    let line = line_with(&text, "url = \"/pengaduan/\"");
    let r = refused(&change(SERVICE, "url = \"/pengaduan/\"", "url = \"/tidak-ada/\""));
    assert_eq!((r.path.as_str(), r.line), (SERVICE, Some(line)), "{r}");
    assert_eq!(r.field.as_deref(), Some("service.channels[7].url"), "{r}");
    // An anchor that is not there.
    let r = refused(&change(SERVICE, "(/lacak/#arti-status)", "(/lacak/#tidak-ada)"));
    assert!(r.message.contains("anchor rusak"), "{r}");
}

#[test]
fn a_channel_contact_must_name_the_address_or_an_office_channel() {
    let text = shipped(SERVICE);
    let line = line_with(&text, "contact = \"Email\"");
    let r = refused(&change(SERVICE, "contact = \"Email\"", "contact = \"Faks\""));
    assert_eq!((r.path.as_str(), r.line), (SERVICE, Some(line)), "{r}");
    assert_eq!(r.field.as_deref(), Some("service.channels[3].contact"), "{r}");
    assert!(r.message.contains("\"Faks\"") && r.message.contains("alamat, Telepon, SMS, Email"), "{r}");
}

#[test]
fn a_translation_must_keep_the_procedures_shape() {
    let r = refused(&change(SERVICE_EN, "public_status = \"diverifikasi\"", "public_status = \"diproses\""));
    assert_eq!(r.path, SERVICE_EN);
    assert!(r.line.is_some() && r.message.contains("aslinya"), "{r}");
}

#[test]
fn only_existing_content_files_may_be_changed_or_previewed() {
    for path in ["../config.toml", "baru.md", "/tmp/x.md"] {
        let changes = BTreeMap::from([(path.to_owned(), "+++\ntitle = \"x\"\n+++\n".to_owned())]);
        assert_eq!(refused(&changes).path, path);
    }
    let r = preview(&repo(), None, &BTreeMap::new(), CALENDAR).unwrap_err();
    assert!(r.message.contains("pratinjau hanya tersedia untuk halaman"), "{r}");
    let draft = change("pengaduan.md", "+++\n", "+++\ndraft = true\n");
    let r = preview(&repo(), None, &draft, "pengaduan.md").unwrap_err();
    assert!(r.message.contains("draf"), "{r}");
}

#[test]
fn publishing_writes_only_changed_files_atomically() {
    let site = copy_site();
    let root = site.path();
    let new_service = shipped(SERVICE).replace("Tidak dipungut biaya", "Gratis");
    let files = vec![(SERVICE.to_owned(), new_service.clone()), (CALENDAR.to_owned(), shipped(CALENDAR))];
    let before = std::fs::metadata(root.join("content").join(CALENDAR)).unwrap().modified().unwrap();
    assert_eq!(write_published(root, &files).unwrap(), [SERVICE]);
    assert_eq!(std::fs::read_to_string(root.join("content").join(SERVICE)).unwrap(), new_service);
    let after = std::fs::metadata(root.join("content").join(CALENDAR)).unwrap().modified().unwrap();
    assert_eq!(before, after, "an unchanged file is not touched");
    let leftovers: Vec<String> = std::fs::read_dir(root.join("content/layanan"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left: {leftovers:?}");
    assert!(write_published(root, &files).unwrap().is_empty(), "a second publish writes nothing");
    // One bad path refuses the batch before anything is written.
    let bad = vec![(CALENDAR.to_owned(), "# kosong\n".to_owned()), ("../config.toml".to_owned(), String::new())];
    let e = write_published(root, &bad).unwrap_err();
    assert!(e.contains("../config.toml"), "{e}");
    assert_eq!(std::fs::read_to_string(root.join("content").join(CALENDAR)).unwrap(), shipped(CALENDAR));
    // The copy builds and checks as published.
    assert!(check_with(root, None, &BTreeMap::new()).is_ok());
}

/// How long a check and a preview of the shipped site take (printed; run with --nocapture).
#[test]
fn timing_of_a_check_and_a_preview() {
    let changes = change(SERVICE, "Tidak dipungut biaya", "Gratis");
    let start = Instant::now();
    check_with(&repo(), None, &changes).unwrap();
    let checked = start.elapsed();
    let start = Instant::now();
    preview(&repo(), None, &changes, SERVICE).unwrap();
    println!("check_with: {checked:?}, preview: {:?}", start.elapsed());
}

#[test]
fn front_matter_errors_count_the_whole_file_s_lines() {
    let text = shipped(SERVICE);
    let line = line_with(&text, "fee = \"Tidak dipungut biaya\"");
    // A syntax error: the string is not closed.
    let r = refused(&change(SERVICE, "fee = \"Tidak dipungut biaya\"", "fee = \"Tidak dipungut biaya"));
    assert_eq!((r.path.as_str(), r.line), (SERVICE, Some(line)), "{r}");
    // An unknown key, named with its table.
    let r = refused(&change(SERVICE, "fee = \"Tidak dipungut biaya\"", "biaya = \"Tidak dipungut biaya\""));
    assert_eq!((r.line, r.field.as_deref()), (Some(line), Some("service.biaya")), "{r}");
    assert!(r.message.contains("`biaya` tidak dikenal"), "{r}");
}
