//! Where the office's rules live in content, and reading them from a site's root: the service
//! page (its procedures and time limit) and the working-day calendar. The reading itself is
//! core's ([`ServiceRules::parse`], [`Calendar::from_toml`]); this module only knows the files.

use crate::build::Overlay;
use crate::diagnostics::Diagnostic;
use pengaduan_core::calendar::Calendar;
use pengaduan_core::published::PublishedRules;
use pengaduan_core::service::ServiceRules;
use std::path::Path;

/// The service page whose procedures and time limit drive the workflow, relative to the site's
/// root: every program that computes deadlines reads the limit from the same page.
pub const SERVICE_PAGE: &str = "content/layanan/informasi-dan-pengaduan.md";

/// The service page's English translation, beside [`SERVICE_PAGE`]: its time limit states when
/// the clock starts in English, for English receipts and status pages.
pub const SERVICE_PAGE_EN: &str = "content/layanan/informasi-dan-pengaduan.en.md";

/// The working-day calendar (national holidays and cuti bersama per year), relative to the root.
pub const CALENDAR: &str = "content/data/hari-libur.toml";

/// Reads the procedures and the time limit from the service page under `root`, with its
/// English translation's time limit when there is one.
pub fn load_rules(root: &Path) -> Result<ServiceRules, String> {
    load_rules_with(root, None)
}

/// [`load_rules`] with the content files of `overlay` standing in for those on disk.
pub fn load_rules_with(root: &Path, overlay: Overlay<'_>) -> Result<ServiceRules, String> {
    let text = read(root, SERVICE_PAGE, overlay)?.ok_or_else(|| missing(root, SERVICE_PAGE))?;
    let rules = ServiceRules::parse(&text).map_err(|e| format!("{}: {e}", root.join(SERVICE_PAGE).display()))?;
    // The translation is optional: without it English receipts state the days alone.
    Ok(match read(root, SERVICE_PAGE_EN, overlay).ok().flatten() {
        Some(text) => rules.with_translation(&text),
        None => rules,
    })
}

/// Reads the working-day calendar under `root`.
pub fn load_calendar(root: &Path) -> Result<Calendar, String> {
    load_calendar_with(root, None)
}

/// [`load_calendar`] with the content files of `overlay` standing in for those on disk.
pub fn load_calendar_with(root: &Path, overlay: Overlay<'_>) -> Result<Calendar, String> {
    let text = read(root, CALENDAR, overlay)?.ok_or_else(|| missing(root, CALENDAR))?;
    Calendar::from_toml(&text).map_err(|e| format!("{}: {e}", root.join(CALENDAR).display()))
}

/// The rules the site publishes ([`pengaduan_core::published::FILE`]), read as [`load_rules_with`] and
/// [`load_calendar_with`] read them; `None` for a site without the service page or the
/// calendar (a fixture, an office that has not written them yet), which publishes none.
pub fn published_rules(root: &Path, overlay: Overlay<'_>) -> Result<Option<PublishedRules>, Diagnostic> {
    let diagnostic = |file: &str, e: String| Diagnostic::new(file, None, e);
    let Some(page) = read(root, SERVICE_PAGE, overlay).map_err(|e| diagnostic(SERVICE_PAGE, e))? else {
        return Ok(None);
    };
    let Some(calendar) = read(root, CALENDAR, overlay).map_err(|e| diagnostic(CALENDAR, e))? else {
        return Ok(None);
    };
    let mut service = ServiceRules::parse(&page).map_err(|e| diagnostic(SERVICE_PAGE, e))?;
    if let Some(text) = read(root, SERVICE_PAGE_EN, overlay).ok().flatten() {
        service = service.with_translation(&text);
    }
    let calendar = Calendar::from_toml(&calendar).map_err(|e| Diagnostic::new(CALENDAR, e.line(), e.to_string()))?;
    // The build has already read the configuration (and stopped on an error in it).
    let kantor = crate::config::SiteConfig::load(root).map(|c| c.office.letterhead()).unwrap_or_default();
    Ok(Some(PublishedRules { service, calendar, kantor }))
}

/// The text of `file` (relative to the root, under `content/`): the overlay's, else the disk's;
/// `None` when neither has it.
fn read(root: &Path, file: &str, overlay: Overlay<'_>) -> Result<Option<String>, String> {
    let inner = file.strip_prefix("content/").unwrap_or(file);
    if let Some(text) = overlay.and_then(|o| o.get(inner)) {
        return Ok(Some(text.clone()));
    }
    match std::fs::read_to_string(root.join(file)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: tidak dapat dibaca ({e}); periksa --root", root.join(file).display())),
    }
}

fn missing(root: &Path, file: &str) -> String {
    format!("{}: tidak dapat dibaca (berkas tidak ada); periksa --root", root.join(file).display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn repo() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    #[test]
    fn the_shipped_rules_are_where_the_programs_look() {
        let rules = load_rules(repo()).unwrap();
        assert_eq!(rules.max_working_days, 10);
        assert!(rules.time_limits.en.is_some(), "the English page's limit is read beside it");
        assert!(load_calendar(repo()).unwrap().covers(2026));
    }

    #[test]
    fn the_built_rules_are_the_rules_the_programs_read() {
        let build = |overlay: Option<&BTreeMap<String, String>>| {
            let site = crate::build::Site::load(repo(), None).unwrap();
            let opts = crate::BuildOptions {
                root: repo().to_path_buf(),
                out: repo().join("public"),
                base_url: None,
                live_reload: false,
            };
            let rendition = crate::build::render_site_with(&site, &opts, None, overlay).unwrap();
            let file = rendition.files.iter().find(|f| f.path == pengaduan_core::published::FILE).expect("written");
            PublishedRules::from_json(std::str::from_utf8(&file.bytes).unwrap()).unwrap()
        };
        let built = build(None);
        let kantor = crate::config::SiteConfig::load(repo()).unwrap().office.letterhead();
        assert!(kantor.nama.contains("Penanaman Modal"), "the office's letterhead is published: {kantor:?}");
        let read =
            PublishedRules { service: load_rules(repo()).unwrap(), calendar: load_calendar(repo()).unwrap(), kantor };
        assert_eq!(built, read);
        // A holiday added (in an overlay, as the editor's change) changes the digest.
        let text = std::fs::read_to_string(repo().join(CALENDAR)).unwrap();
        let added = text.replacen(
            "cuti_bersama = [\n",
            "cuti_bersama = [\n  { tanggal = 2025-12-31, nama = \"Cuti bersama Tahun Baru\" },\n",
            1,
        );
        let overlay = BTreeMap::from([("data/hari-libur.toml".to_owned(), added)]);
        let changed = build(Some(&overlay));
        assert!(changed.calendar.holidays().any(|h| h.date.to_string() == "2025-12-31"));
        assert_ne!(changed.digest(), built.digest());
    }

    #[test]
    fn a_missing_page_names_the_file_and_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let e = load_rules(dir.path()).unwrap_err();
        assert!(e.contains(SERVICE_PAGE) && e.contains("--root"), "{e}");
        let e = load_calendar(dir.path()).unwrap_err();
        assert!(e.contains(CALENDAR) && e.contains("--root"), "{e}");
    }
}
