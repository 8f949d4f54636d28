//! The languages people are answered in: Bahasa Indonesia, the default, and English for the
//! site's English pages (foreign investors). Codes are BCP 47, as in `config.toml`'s
//! `[languages.*]` tables and `<html lang>`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A language the service answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia: the default, the language of the register and of staff.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Lang; 2] = [Self::Id, Self::En];

    /// The BCP 47 code: `id` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::En => "en",
        }
    }

    /// Reads a code, ignoring case and a region (`en-GB` is English); `None` for any other
    /// language.
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("");
        Self::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    /// The language an `Accept-Language` header prefers among ours: the highest `q` wins, the
    /// earlier on a tie; the default when the header names none of ours (or is absent).
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else { return Self::default() };
        let mut best: Option<(Self, u32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Self::parse) else { continue };
            // q in thousandths, so the comparison needs no floats; an unreadable q counts as 0.
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .map(|q| q.trim().parse::<f32>().map_or(0, |q| (q.clamp(0.0, 1.0) * 1000.0) as u32))
                .next()
                .unwrap_or(1000);
            if q > 0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map_or_else(Self::default, |(lang, _)| lang)
    }

    /// Picks the Indonesian or the English wording: every message with two languages is written
    /// as one call, so the two texts stay side by side where the rule is.
    pub fn pick<T>(self, id: T, en: T) -> T {
        match self {
            Self::Id => id,
            Self::En => en,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_with_region_and_case() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::parse("id-ID"), Some(Lang::Id));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse(""), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }

    #[test]
    fn accept_language_takes_the_preferred_of_ours() {
        let pick = |h| Lang::from_accept_language(Some(h));
        assert_eq!(pick("en"), Lang::En);
        assert_eq!(pick("en-US,en;q=0.9"), Lang::En);
        assert_eq!(pick("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7"), Lang::Id);
        assert_eq!(pick("fr-FR, en;q=0.5, id;q=0.8"), Lang::Id, "the higher q");
        assert_eq!(pick("fr, de"), Lang::Id, "none of ours: the default");
        assert_eq!(pick("en;q=0, id;q=0"), Lang::Id, "q=0 means not wanted");
        assert_eq!(pick("de, en;q=0.1"), Lang::En);
        assert_eq!(pick("*"), Lang::Id);
        assert_eq!(Lang::from_accept_language(None), Lang::Id);
    }

    #[test]
    fn pick_chooses_by_language() {
        assert_eq!(Lang::Id.pick("Kirim", "Send"), "Kirim");
        assert_eq!(Lang::En.pick("Kirim", "Send"), "Send");
    }
}
