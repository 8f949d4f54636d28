//! Where the office's rules live in content, and reading them from a site's root: the service
//! page (its procedures and time limit) and the working-day calendar. The reading itself is
//! core's ([`ServiceRules::parse`], [`Calendar::from_toml`]); this module only knows the files.

use pengaduan_core::calendar::Calendar;
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
    let path = root.join(SERVICE_PAGE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: tidak dapat dibaca ({e}); periksa --root", path.display()))?;
    let rules = ServiceRules::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    // The translation is optional: without it English receipts state the days alone.
    Ok(match std::fs::read_to_string(root.join(SERVICE_PAGE_EN)) {
        Ok(text) => rules.with_translation(&text),
        Err(_) => rules,
    })
}

/// Reads the working-day calendar under `root`.
pub fn load_calendar(root: &Path) -> Result<Calendar, String> {
    let path = root.join(CALENDAR);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: tidak dapat dibaca ({e}); periksa --root", path.display()))?;
    Calendar::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_missing_page_names_the_file_and_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let e = load_rules(dir.path()).unwrap_err();
        assert!(e.contains(SERVICE_PAGE) && e.contains("--root"), "{e}");
        let e = load_calendar(dir.path()).unwrap_err();
        assert!(e.contains(CALENDAR) && e.contains("--root"), "{e}");
    }
}
