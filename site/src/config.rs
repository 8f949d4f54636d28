//! The site configuration: `config.toml` at the site root.

use crate::diagnostics::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Settings of the whole site, as an editor writes them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's title; the default language's, from `[languages.*]`, when absent.
    #[serde(default)]
    pub title: String,
    /// A sentence describing the site; the default language's when absent.
    #[serde(default)]
    pub description: String,
    /// Public address, without a trailing slash.
    pub base_url: String,
    /// The default language (`id`): its pages keep the URLs without a language prefix.
    #[serde(default = "default_language")]
    pub language: String,
    /// Base URL of the complaint API (`/api`).
    #[serde(default = "default_api_url")]
    pub api_url: String,
    /// Whether raw HTML in Markdown is kept (otherwise it is escaped).
    #[serde(default)]
    pub allow_html: bool,
    /// The office.
    pub office: Office,
    /// The main navigation; the default language's when absent.
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// The languages, by code (`id`, `en`): each one's title, description, menu and the words
    /// the templates show. A site without this table has one language, built from the keys above.
    #[serde(default)]
    pub languages: BTreeMap<String, Language>,
    /// How the staff console's editors publish.
    #[serde(default)]
    pub editing: Editing,
}

/// How the staff console's editors publish (`[editing]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Editing {
    /// Four eyes: an editor may not publish drafts they wrote; another editor or the admin does.
    #[serde(default)]
    pub four_eyes: bool,
}

/// One language of the site: everything a template shows that is not content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The language's own name, shown in the language switch (`English`, `Bahasa Indonesia`).
    #[serde(default)]
    pub name: String,
    /// The site's title in this language.
    pub title: String,
    /// A sentence describing the site in this language.
    #[serde(default)]
    pub description: String,
    /// The main navigation in this language.
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// The footer's links in this language.
    #[serde(default)]
    pub footer_links: Vec<MenuItem>,
    /// Interface words by key (`skip_link`, `working_days`, ...): templates take them from here,
    /// so no template carries text of its own language.
    #[serde(default)]
    pub ui: BTreeMap<String, String>,
    /// The complaint form's words (`pengaduan.html`, `partials/form-pengaduan.html`, form-fn's
    /// `api/form.html`), by key.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// Tracking words: the tracking page and form, form-fn's status page and receipt.
    #[serde(default)]
    pub track: BTreeMap<String, String>,
    /// The error pages' words (`404.html`, form-fn's `api/error.html`).
    #[serde(default)]
    pub errors: BTreeMap<String, String>,
    /// The satisfaction survey's words (form-fn's `api/survei.html`); its questions are core's.
    #[serde(default)]
    pub survey: BTreeMap<String, String>,
    /// The public statistics' words (`statistik.html`: headings, chart texts, month names).
    #[serde(default)]
    pub stats: BTreeMap<String, String>,
}

/// The office running the site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// Full name.
    pub name: String,
    /// Short name (`DPMPTSP`).
    #[serde(default)]
    pub short_name: String,
    /// Region it serves.
    #[serde(default)]
    pub region: String,
    /// Postal address.
    #[serde(default)]
    pub address: String,
    /// Opening hours.
    #[serde(default)]
    pub hours: String,
    /// Contact channels.
    #[serde(default)]
    pub channels: Vec<ContactChannel>,
    /// Where a complainant may turn when a complaint is past its deadline (LAPOR!, the
    /// Ombudsman), listed on the status page of an overdue complaint.
    #[serde(default)]
    pub escalation: Vec<Escalation>,
}

/// A body outside the office that takes complaints the office left unanswered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Name, the same in every language.
    pub name: String,
    /// What it does, on the default language's pages.
    #[serde(default)]
    pub about: String,
    /// What it does, on English pages; `about` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about_en: Option<String>,
    /// How to reach it.
    #[serde(default)]
    pub contacts: Vec<ContactChannel>,
}

/// One contact channel of the office.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactChannel {
    /// Name (`Telepon`), as the default language's pages show it.
    pub name: String,
    /// Name on English pages (`Telephone`); `name` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// What to dial or write to.
    pub value: String,
    /// A link (`tel:`, `mailto:`, `https:`).
    #[serde(default)]
    pub url: Option<String>,
}

/// One entry of the main navigation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// Link text, and the link's name for screen readers at every width.
    pub title: String,
    /// A shorter text shown on narrow screens, so the menu fits one row on a phone; it must be
    /// a word of `title` (the name a screen reader or voice control uses still contains it).
    #[serde(default)]
    pub short_title: Option<String>,
    /// Target.
    pub url: String,
}

fn default_language() -> String {
    "id".into()
}

fn default_api_url() -> String {
    "/api".into()
}

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "config.toml";

impl Office {
    /// The letterhead of the office's printed reports: its name, region, address and the value
    /// of its channel named "Telepon" (empty when it has none).
    pub fn letterhead(&self) -> pengaduan_core::report::Letterhead {
        pengaduan_core::report::Letterhead {
            nama: self.name.clone(),
            wilayah: self.region.clone(),
            alamat: self.address.clone(),
            telepon: self
                .channels
                .iter()
                .find(|c| c.name.trim().eq_ignore_ascii_case("telepon"))
                .map(|c| c.value.clone())
                .unwrap_or_default(),
        }
    }
}

impl SiteConfig {
    /// Reads `config.toml` from `root`; errors name the file and line.
    pub fn load(root: &Path) -> Result<Self, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Diagnostic::new(CONFIG_FILE, None, format!("tidak dapat dibaca: {e}")))?;
        Self::parse(&text)
    }

    /// Parses the text of `config.toml`.
    pub fn parse(text: &str) -> Result<Self, Diagnostic> {
        let mut config: Self = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| crate::diagnostics::LineIndex::new(text).line(s.start));
            Diagnostic::new(CONFIG_FILE, line, crate::diagnostics::toml_message(e.message()))
        })?;
        // A short title that is not part of the full one would make the visible text and the
        // name read out differ (WCAG 2.5.3, label in name): voice control could not find it.
        for item in config.menu.iter().chain(config.languages.values().flat_map(|l| &l.menu)) {
            if let Some(short) = item.short_title.as_deref()
                && !item.title.to_lowercase().contains(&short.trim().to_lowercase())
            {
                let line = text.lines().position(|l| l.contains("short_title") && l.contains(short)).map(|i| i + 1);
                return Err(Diagnostic::new(
                    CONFIG_FILE,
                    line,
                    format!("menu: short_title \"{short}\" harus bagian dari title \"{}\"", item.title),
                ));
            }
        }
        config.settle_languages(text)?;
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        config.api_url = config.api_url.trim_end_matches('/').to_owned();
        Ok(config)
    }

    /// Makes `languages` hold the default language, and the top-level title, description and
    /// menu the default language's: form-fn and older templates read those.
    fn settle_languages(&mut self, text: &str) -> Result<(), Diagnostic> {
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
        for code in self.languages.keys() {
            // The code becomes a URL folder (`/en/`) and an `hreflang`: letters only.
            let valid = (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
            if !valid {
                return Err(Diagnostic::new(
                    CONFIG_FILE,
                    line_of(&format!("languages.{code}")),
                    format!("languages.{code}: kode bahasa harus 2 atau 3 huruf kecil (id, en)"),
                ));
            }
        }
        match self.languages.get(&self.language) {
            Some(default) => {
                if self.title.is_empty() {
                    self.title = default.title.clone();
                }
                if self.description.is_empty() {
                    self.description = default.description.clone();
                }
                if self.menu.is_empty() {
                    self.menu = default.menu.clone();
                }
            }
            None if self.languages.is_empty() => {
                if self.title.is_empty() {
                    return Err(Diagnostic::new(
                        CONFIG_FILE,
                        None,
                        "title wajib diisi (atau [languages.id] dengan title)",
                    ));
                }
                let language = Language {
                    name: self.language.clone(),
                    title: self.title.clone(),
                    description: self.description.clone(),
                    menu: self.menu.clone(),
                    footer_links: Vec::new(),
                    ui: BTreeMap::new(),
                    form: BTreeMap::new(),
                    track: BTreeMap::new(),
                    errors: BTreeMap::new(),
                    survey: BTreeMap::new(),
                    stats: BTreeMap::new(),
                };
                self.languages.insert(self.language.clone(), language);
            }
            None => {
                return Err(Diagnostic::new(
                    CONFIG_FILE,
                    line_of("language ="),
                    format!("bahasa utama \"{}\" tidak ada di [languages]", self.language),
                ));
            }
        }
        Ok(())
    }

    /// The URL prefix of a language's pages: none for the default language, `/en` for English.
    pub fn prefix(&self, lang: &str) -> String {
        if lang == self.language { String::new() } else { format!("/{lang}") }
    }

    /// An interface word of a language, or `fallback` when the configuration has none.
    pub fn ui<'a>(&'a self, lang: &str, key: &str, fallback: &'a str) -> &'a str {
        self.languages.get(lang).and_then(|l| l.ui.get(key)).map(String::as_str).unwrap_or(fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_reported_with_line() {
        let err = SiteConfig::parse("title = \"x\"\nbase_url = \"http://a\"\ntitel = 1\n[office]\nname = \"D\"\n")
            .unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("titel"), "{}", err.message);
    }

    #[test]
    fn a_short_menu_title_must_be_part_of_the_full_one() {
        let base = "title = \"x\"\nbase_url = \"http://a\"\n[office]\nname = \"D\"\n[[menu]]\ntitle = \"Lacak Pengaduan\"\nurl = \"/lacak/\"\n";
        let ok = SiteConfig::parse(&format!("{base}short_title = \"Lacak\"\n")).unwrap();
        assert_eq!(ok.menu[0].short_title.as_deref(), Some("Lacak"));
        let err = SiteConfig::parse(&format!("{base}short_title = \"Status\"\n")).unwrap_err();
        assert_eq!(err.line, Some(8));
        assert_eq!(err.message, "menu: short_title \"Status\" harus bagian dari title \"Lacak Pengaduan\"");
    }

    #[test]
    fn trailing_slashes_are_removed() {
        let c =
            SiteConfig::parse("title = \"x\"\nbase_url = \"http://a/\"\napi_url = \"/api/\"\n[office]\nname = \"D\"\n")
                .unwrap();
        assert_eq!((c.base_url.as_str(), c.api_url.as_str()), ("http://a", "/api"));
    }

    #[test]
    fn the_letterhead_comes_from_the_office_and_its_telephone_channel() {
        let c = SiteConfig::parse(
            "title = \"x\"\nbase_url = \"http://a\"\n[office]\nname = \"Dinas X\"\nregion = \"Kota Y\"\naddress = \"Jl. Z 1\"\n\
             [[office.channels]]\nname = \"SMS\"\nvalue = \"0812\"\n[[office.channels]]\nname = \"Telepon\"\nvalue = \"(0274) 1\"\n",
        )
        .unwrap();
        let k = c.office.letterhead();
        assert_eq!((k.nama.as_str(), k.wilayah.as_str(), k.alamat.as_str()), ("Dinas X", "Kota Y", "Jl. Z 1"));
        assert_eq!(k.telepon, "(0274) 1");
    }
}
