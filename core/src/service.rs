//! The service's rules as its page publishes them: the front matter of the service page, its
//! time limit and its procedures. The one reader of that page: the site generator, the web form,
//! the console and the staff tool all parse it here, so the page the public reads and the rules
//! staff follow cannot drift apart. Where the page lives is the caller's business (no I/O here).

use crate::workflow::Procedure;
use serde::{Deserialize, Serialize};

/// The TOML front matter of a page's text: the lines between the opening `+++` line and the
/// next `+++` line (a byte-order mark and CRLF line ends allowed); none when it is not closed.
pub fn front_matter(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("+++")?;
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some(&rest[..offset]);
        }
        offset += line.len();
    }
    None
}

/// The time limit from a service page's text (`[service.time_limit]` in its front matter);
/// none when the page has no such table or does not parse (the site generator reports that).
pub fn time_limit_of(text: &str) -> Option<TimeLimit> {
    #[derive(Deserialize)]
    struct Page {
        service: Option<Service>,
    }
    #[derive(Deserialize)]
    struct Service {
        time_limit: Option<TimeLimit>,
    }
    let page: Page = toml::from_str(front_matter(text)?).ok()?;
    page.service?.time_limit
}

/// A service's time limit as each language's page states it: the Indonesian page's and its
/// English translation's (whose `starts` is in English), either possibly absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimits {
    /// The Indonesian page's limit: the one deadlines count.
    pub id: Option<TimeLimit>,
    /// The English translation's limit.
    pub en: Option<TimeLimit>,
}

impl TimeLimits {
    /// Reads the limit of the page in `lang` from its text; a page without one clears it.
    pub fn read(&mut self, lang: crate::Lang, text: &str) {
        *lang.pick(&mut self.id, &mut self.en) = time_limit_of(text);
    }

    /// The limit of the page in `lang`, when that page states one.
    pub fn get(&self, lang: crate::Lang) -> Option<&TimeLimit> {
        lang.pick(&self.id, &self.en).as_ref()
    }

    /// The time limit as a receipt or a status page states it in `lang`: the page of that
    /// language, else (English without a translation) the days alone, since the Indonesian
    /// page's `starts` is Indonesian.
    pub fn rule(&self, lang: crate::Lang) -> Option<String> {
        match (self.get(lang), lang) {
            (Some(limit), _) => Some(limit.text_in(lang)),
            (None, crate::Lang::En) => self.id.as_ref().map(|l| l.days_in(lang)),
            (None, crate::Lang::Id) => None,
        }
    }
}

/// A service's time limit in working days, the `[service.time_limit]` table of its page: what
/// the deadline counts, and what the page, the receipt and the emails promise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimit {
    /// The fewest working days.
    pub min_working_days: u32,
    /// The most working days: the deadline counts these.
    pub max_working_days: u32,
    /// The event that starts the clock ("setelah berkas persyaratan dinyatakan lengkap").
    #[serde(default)]
    pub starts: String,
}

impl TimeLimit {
    /// The days as a phrase: "2 s/d 10 hari kerja", or "5 hari kerja" when both are equal.
    pub fn days(&self) -> String {
        self.range("s/d", "hari kerja")
    }

    /// The days with the words of a language: `range("to", "working days")` is "2 to 10 working
    /// days", or "5 working days" when both are equal. The one wording of the range, for the
    /// receipts here and for the site's pages in any language it declares.
    pub fn range(&self, to: &str, days: &str) -> String {
        if self.min_working_days == self.max_working_days {
            format!("{} {days}", self.max_working_days)
        } else {
            format!("{} {to} {} {days}", self.min_working_days, self.max_working_days)
        }
    }

    /// Refuses a limit no deadline can follow: no days at all, or fewer at most than at least.
    pub fn check(&self) -> Result<(), String> {
        if self.max_working_days == 0 {
            return Err("service.time_limit.max_working_days harus lebih dari 0".into());
        }
        if self.min_working_days > self.max_working_days {
            return Err("service.time_limit: min_working_days lebih besar dari max_working_days".into());
        }
        Ok(())
    }

    /// [`TimeLimit::days`] in the language `lang`: "2 to 10 working days" in English, as the
    /// site's English pages say it (`config.toml`'s `range_to` and `working_days`).
    pub fn days_in(&self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::Id => self.days(),
            crate::Lang::En => self.range("to", "working days"),
        }
    }

    /// The rule as a sentence's phrase in the language `lang`, `starts` being in that language
    /// (from the service page's translation).
    pub fn text_in(&self, lang: crate::Lang) -> String {
        match self.starts.trim() {
            "" => self.days_in(lang),
            starts => format!("{} {starts}", self.days_in(lang)),
        }
    }

    /// The rule as a sentence's phrase: "2 s/d 10 hari kerja setelah berkas persyaratan
    /// dinyatakan lengkap".
    pub fn text(&self) -> String {
        match self.starts.trim() {
            "" => self.days(),
            starts => format!("{} {starts}", self.days()),
        }
    }
}

/// What the workflow needs from the service page: its procedures and its time limit in each
/// language the page is written in. Serialisable, as part of the published rules
/// ([`crate::published::PublishedRules`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRules {
    /// The procedures, in page order.
    pub procedures: Vec<Procedure>,
    /// The time limit in working days ("2 s/d 10 hari kerja": 10).
    pub max_working_days: u32,
    /// The whole time limit in each language, as the receipt and the emails state it: the
    /// Indonesian one always (parsing requires it), the English translation's when there is one.
    pub time_limits: TimeLimits,
}

impl ServiceRules {
    /// Reads the procedures and the time limit from a service page's text (front matter
    /// between `+++` lines), refusing what the workflow could not follow.
    pub fn parse(text: &str) -> Result<Self, String> {
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
        let front = front_matter(text).ok_or("front matter di antara baris +++ tidak ditemukan")?;
        let page: Page =
            toml::from_str(front).map_err(|e| format!("front matter tidak valid: {}", e.message().trim()))?;
        let service = page.service.ok_or("tidak ada tabel [service]")?;
        if service.procedures.is_empty() {
            return Err("tidak ada [[service.procedures]]".into());
        }
        check_procedures(&service.procedures).map_err(|(_, e)| e)?;
        let time_limit = service.time_limit.ok_or("tidak ada [service.time_limit]")?;
        time_limit.check()?;
        Ok(ServiceRules {
            procedures: service.procedures,
            max_working_days: time_limit.max_working_days,
            time_limits: TimeLimits { id: Some(time_limit), en: None },
        })
    }

    /// Adds the time limit of the page's English translation (its text), for English receipts.
    pub fn with_translation(mut self, text: &str) -> Self {
        self.time_limits.read(crate::Lang::En, text);
        self
    }

    /// The time limit as the receipt states it in `lang` (the rule shared with the web form).
    pub fn deadline_rule(&self, lang: crate::Lang) -> Option<String> {
        self.time_limits.rule(lang)
    }
}

/// Checks a page's procedures as the workflow will follow them: each valid on its own, and no
/// id used twice. A refusal names the index of the procedure at fault (the second of two with
/// one id), so the site generator can point at its line.
pub fn check_procedures(procedures: &[Procedure]) -> Result<(), (usize, String)> {
    for (i, p) in procedures.iter().enumerate() {
        p.validate().map_err(|e| (i, e.to_string()))?;
        if procedures[..i].iter().any(|q| q.id == p.id) {
            return Err((i, format!("id prosedur \"{}\" dipakai lebih dari sekali", p.id)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limit_is_read_from_a_page_and_stated_per_language() {
        let page = |body: &str| format!("\u{feff}+++\r\ntitle = \"x\"\r\n{body}+++\r\nTeks.\n");
        let id = time_limit_of(&page(
            "[service.time_limit]\nmin_working_days = 2\nmax_working_days = 10\nstarts = \"setelah lengkap\"\n",
        ));
        assert_eq!(id.as_ref().map(TimeLimit::text).as_deref(), Some("2 s/d 10 hari kerja setelah lengkap"));
        assert_eq!(time_limit_of(&page("")), None, "no table");
        assert_eq!(time_limit_of("+++\n[service.time_limit]\nmin_working_days = 1\n"), None, "not closed");
        assert_eq!(time_limit_of("tanpa front matter"), None);
        let en = TimeLimit { min_working_days: 2, max_working_days: 10, starts: "after it is complete".into() };
        let rule = |lang, en: Option<&TimeLimit>| TimeLimits { id: id.clone(), en: en.cloned() }.rule(lang);
        assert_eq!(rule(crate::Lang::Id, Some(&en)).as_deref(), Some("2 s/d 10 hari kerja setelah lengkap"));
        assert_eq!(rule(crate::Lang::En, Some(&en)).as_deref(), Some("2 to 10 working days after it is complete"));
        assert_eq!(rule(crate::Lang::En, None).as_deref(), Some("2 to 10 working days"), "no Indonesian words");
        assert_eq!(TimeLimits { id: None, en: Some(en.clone()) }.rule(crate::Lang::Id), None);
        // Each language's page fills its own slot, and a page without a limit empties it.
        let mut limits = TimeLimits::default();
        limits.read(crate::Lang::En, &page("[service.time_limit]\nmin_working_days = 2\nmax_working_days = 10\nstarts = \"after it is complete\"\n"));
        assert_eq!((limits.get(crate::Lang::En), limits.get(crate::Lang::Id)), (Some(&en), None));
        limits.read(crate::Lang::En, "tanpa front matter");
        assert_eq!(limits, TimeLimits::default());
    }

    #[test]
    fn the_time_limit_reads_in_both_languages() {
        let t =
            |min, max, starts: &str| TimeLimit { min_working_days: min, max_working_days: max, starts: starts.into() };
        assert_eq!(t(2, 10, "").days_in(crate::Lang::Id), "2 s/d 10 hari kerja");
        assert_eq!(t(2, 10, "").days_in(crate::Lang::En), "2 to 10 working days");
        assert_eq!(t(5, 5, "").days_in(crate::Lang::En), "5 working days");
        let en = t(2, 10, "after the documents are declared complete");
        assert_eq!(en.text_in(crate::Lang::En), "2 to 10 working days after the documents are declared complete");
        assert_eq!(t(2, 10, "x").text_in(crate::Lang::Id), t(2, 10, "x").text());
    }

    const PAGE: &str = include_str!("../../content/layanan/informasi-dan-pengaduan.md");

    #[test]
    fn reads_the_shipped_page() {
        let rules = ServiceRules::parse(PAGE).unwrap();
        let ids: Vec<&str> = rules.procedures.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["penyelesaian", "jawaban-tertulis"]);
        assert_eq!(rules.max_working_days, 10);
        let rules = rules.with_translation(include_str!("../../content/layanan/informasi-dan-pengaduan.en.md"));
        let rule = |lang| rules.deadline_rule(lang).unwrap();
        assert!(rule(crate::Lang::Id).starts_with("2 s/d 10 hari kerja setelah"), "{}", rule(crate::Lang::Id));
        assert!(rule(crate::Lang::En).starts_with("2 to 10 working days after"), "{}", rule(crate::Lang::En));
    }

    #[test]
    fn a_limit_of_equal_days_is_one_number_and_fewer_at_most_is_refused() {
        let t = |min, max| TimeLimit { min_working_days: min, max_working_days: max, starts: String::new() };
        assert_eq!(t(5, 5).check(), Ok(()));
        assert_eq!(t(5, 5).days(), "5 hari kerja");
        assert!(t(6, 5).check().unwrap_err().contains("lebih besar dari"));
        assert!(t(0, 0).check().unwrap_err().contains("harus lebih dari 0"));
    }

    #[test]
    fn a_change_in_content_changes_the_workflow() {
        let block = "[[service.procedures.steps]]\nactor = \"Sekretaris DPMPTSP\"\naction = \"Memverifikasi dan memaraf Berita Acara Penyelesaian Pengaduan.\"\npublic_status = \"diproses\"\nperan = \"kepala-bidang\"\n\n";
        assert!(PAGE.contains(block), "the Sekretaris step is in the page");
        let rules = ServiceRules::parse(&PAGE.replace(block, "")).unwrap();
        assert_eq!(rules.procedures[0].steps.len(), 10);
        assert_eq!(rules.procedures[0].ba_step(), Some(7), "the numbering step moves up with it");
        let renamed = PAGE.replace("id = \"jawaban-tertulis\"", "id = \"jawaban\"");
        assert_eq!(ServiceRules::parse(&renamed).unwrap().procedures[1].id, "jawaban");
    }

    #[test]
    fn refuses_pages_the_workflow_cannot_follow() {
        let parse = ServiceRules::parse;
        assert!(parse("no front matter").unwrap_err().contains("front matter"));
        assert!(parse("+++\ntitle = \"x\"\n+++\n").unwrap_err().contains("[service]"));
        let dup = PAGE.replace("id = \"jawaban-tertulis\"", "id = \"penyelesaian\"");
        assert!(parse(&dup).unwrap_err().contains("lebih dari sekali"));
        let bad = PAGE.replacen("public_status = \"diproses\"", "public_status = \"selesai\"", 1);
        assert!(parse(&bad).unwrap_err().contains("bukan langkah terakhir"));
        let none = PAGE.replace("max_working_days = 10", "max_working_days = 0");
        assert!(parse(&none).unwrap_err().contains("harus lebih dari 0"));
        let upside_down = PAGE.replace("min_working_days = 2", "min_working_days = 11");
        assert!(parse(&upside_down).unwrap_err().contains("lebih besar dari"));
    }

    #[test]
    fn a_duplicate_procedure_is_blamed_on_its_second_use() {
        let mut procedures = ServiceRules::parse(PAGE).unwrap().procedures;
        assert_eq!(check_procedures(&procedures), Ok(()));
        procedures[1].id = procedures[0].id.clone();
        let (at, message) = check_procedures(&procedures).unwrap_err();
        assert_eq!(at, 1);
        assert_eq!(message, "id prosedur \"penyelesaian\" dipakai lebih dari sekali");
    }
}
