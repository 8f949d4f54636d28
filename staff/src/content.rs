//! The service's rules as the site publishes them: the procedures and the time limit from the
//! service page's front matter, and the working-day calendar. One source of truth: the staff
//! tool follows exactly the steps the public reads.

use pengaduan_core::calendar::{CALENDAR_PATH, Calendar};
use pengaduan_core::workflow::{Procedure, TimeLimit};
use serde::Deserialize;
use std::path::Path;

use pengaduan_core::workflow::front_matter;
pub use pengaduan_core::workflow::{SERVICE_PAGE, SERVICE_PAGE_EN};

/// What the workflow needs from the service page.
#[derive(Debug, Clone)]
pub struct ServiceRules {
    /// The procedures, in page order.
    pub procedures: Vec<Procedure>,
    /// The time limit in working days ("2 s/d 10 hari kerja": 10).
    pub max_working_days: u32,
    /// The whole time limit, as the receipt and the emails state it.
    pub time_limit: TimeLimit,
    /// The time limit of the page's English translation, when there is one: its `starts` is in
    /// English, for complainants written to in English.
    pub time_limit_en: Option<TimeLimit>,
}

impl ServiceRules {
    /// Adds the time limit of the page's English translation (its text), for English receipts.
    pub fn with_translation(mut self, text: &str) -> Self {
        self.time_limit_en = pengaduan_core::workflow::time_limit_of(text);
        self
    }

    /// The time limit as the receipt states it in `lang` (core's rule, shared with the web form).
    pub fn deadline_rule(&self, lang: pengaduan_core::Lang) -> Option<String> {
        pengaduan_core::workflow::deadline_rule(lang, Some(&self.time_limit), self.time_limit_en.as_ref())
    }
}

/// Only the keys the workflow reads; the site generator checks the rest of the page.
#[derive(Deserialize)]
struct Page {
    service: Option<Service>,
}

#[derive(Deserialize)]
struct Service {
    #[serde(default)]
    procedures: Vec<Procedure>,
    time_limit: Option<TimeLimit>,
}

/// Reads the procedures and the time limit from the service page under `root`.
pub fn load_rules(root: &Path) -> Result<ServiceRules, String> {
    let path = root.join(SERVICE_PAGE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: tidak dapat dibaca ({e}); periksa --root", path.display()))?;
    let rules = parse_rules(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    // The translation is optional: without it English receipts state the days alone.
    Ok(match std::fs::read_to_string(root.join(SERVICE_PAGE_EN)) {
        Ok(text) => rules.with_translation(&text),
        Err(_) => rules,
    })
}

/// Parses a service page's text (front matter between `+++` lines).
pub fn parse_rules(text: &str) -> Result<ServiceRules, String> {
    let front = front_matter(text).ok_or("front matter di antara baris +++ tidak ditemukan")?;
    let page: Page = toml::from_str(front).map_err(|e| format!("front matter tidak valid: {}", e.message().trim()))?;
    let service = page.service.ok_or("tidak ada tabel [service]")?;
    if service.procedures.is_empty() {
        return Err("tidak ada [[service.procedures]]".into());
    }
    for p in &service.procedures {
        p.validate().map_err(|e| e.to_string())?;
        if service.procedures.iter().filter(|q| q.id == p.id).count() > 1 {
            return Err(format!("id prosedur \"{}\" dipakai lebih dari sekali", p.id));
        }
    }
    let time_limit = service.time_limit.ok_or("tidak ada [service.time_limit]")?;
    let max_working_days = time_limit.max_working_days;
    if max_working_days == 0 {
        return Err("service.time_limit.max_working_days harus lebih dari 0".into());
    }
    Ok(ServiceRules { procedures: service.procedures, max_working_days, time_limit, time_limit_en: None })
}

/// Reads the working-day calendar under `root`.
pub fn load_calendar(root: &Path) -> Result<Calendar, String> {
    let path = root.join(CALENDAR_PATH);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: tidak dapat dibaca ({e}); periksa --root", path.display()))?;
    Calendar::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = include_str!("../../content/layanan/informasi-dan-pengaduan.md");

    #[test]
    fn reads_the_shipped_page() {
        let rules = parse_rules(PAGE).unwrap();
        let ids: Vec<&str> = rules.procedures.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["penyelesaian", "jawaban-tertulis"]);
        assert_eq!(rules.max_working_days, 10);
    }

    #[test]
    fn a_change_in_content_changes_the_workflow() {
        let block = "[[service.procedures.steps]]\nactor = \"Sekretaris DPMPTSP\"\naction = \"Memverifikasi dan memaraf Berita Acara Penyelesaian Pengaduan.\"\npublic_status = \"diproses\"\nperan = \"kepala-bidang\"\n\n";
        assert!(PAGE.contains(block), "the Sekretaris step is in the page");
        let rules = parse_rules(&PAGE.replace(block, "")).unwrap();
        assert_eq!(rules.procedures[0].steps.len(), 10);
        assert_eq!(rules.procedures[0].ba_step(), Some(7), "the numbering step moves up with it");
        let renamed = PAGE.replace("id = \"jawaban-tertulis\"", "id = \"jawaban\"");
        assert_eq!(parse_rules(&renamed).unwrap().procedures[1].id, "jawaban");
    }

    #[test]
    fn refuses_pages_the_workflow_cannot_follow() {
        assert!(parse_rules("no front matter").unwrap_err().contains("front matter"));
        assert!(parse_rules("+++\ntitle = \"x\"\n+++\n").unwrap_err().contains("[service]"));
        let dup = PAGE.replace("id = \"jawaban-tertulis\"", "id = \"penyelesaian\"");
        assert!(parse_rules(&dup).unwrap_err().contains("lebih dari sekali"));
        let bad = PAGE.replacen("public_status = \"diproses\"", "public_status = \"selesai\"", 1);
        assert!(parse_rules(&bad).unwrap_err().contains("bukan langkah terakhir"));
    }
}
