//! The console's structured fields beside the editor's text, as core reads and writes them
//! ([`pengaduan_core::forms`]): the holiday calendar's rows and the service page's facts. Here
//! they answer with the editing API's [`Refusal`], naming the file.

use super::Refusal;
use crate::diagnostics::toml_message;
use pengaduan_core::forms::{self, FormError};

pub use pengaduan_core::forms::{
    ChannelFacts, DayKind, HolidayRow, HolidayRows, HolidayYear, ProcedureFacts, ServiceFacts, StepFacts,
    TimeLimitFacts,
};

/// The calendar's path, relative to `content/`, for refusals.
const CALENDAR: &str = "data/hari-libur.toml";

impl Refusal {
    /// Core's refusal of a form's values or a file's text, in the file `path`; a TOML syntax
    /// error worded by the site's fuller translation of the parser's messages.
    pub fn from_form(path: impl Into<String>, e: FormError) -> Self {
        let message = match &e.toml {
            Some(description) => toml_message(description),
            None => e.message,
        };
        Self { path: path.into(), line: e.line, field: e.field, message }
    }
}

/// The calendar's rows ([`forms::holiday_rows`]).
pub fn holiday_rows(text: &str) -> Result<HolidayRows, Refusal> {
    forms::holiday_rows(text).map_err(|e| Refusal::from_form(CALENDAR, e))
}

/// The calendar's text with `rows` written into it ([`forms::apply_holidays`]).
pub fn apply_holidays(text: &str, rows: &HolidayRows) -> Result<String, Refusal> {
    forms::apply_holidays(text, rows).map_err(|e| Refusal::from_form(CALENDAR, e))
}

/// The service page `path`'s facts ([`forms::service_facts`]).
pub fn service_facts(path: &str, text: &str) -> Result<ServiceFacts, Refusal> {
    forms::service_facts(text).map_err(|e| Refusal::from_form(path, e))
}

/// The service page `path`'s text with `facts` written into it ([`forms::apply_service_facts`]).
pub fn apply_service_facts(path: &str, text: &str, facts: &ServiceFacts) -> Result<String, Refusal> {
    forms::apply_service_facts(text, facts).map_err(|e| Refusal::from_form(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED_SERVICE: &str = include_str!("../../../content/layanan/informasi-dan-pengaduan.md");
    const SERVICE: &str = "layanan/informasi-dan-pengaduan.md";

    #[test]
    fn refusals_name_the_file_and_word_toml_s_errors_in_indonesian() {
        let r = holiday_rows("[[tahun]\n").unwrap_err();
        assert_eq!((r.path.as_str(), r.line), (CALENDAR, Some(1)));
        assert!(!r.message.contains("TOML parse error"), "{r}");
        let mut facts = service_facts(SERVICE, SHIPPED_SERVICE).unwrap();
        facts.procedures[0].steps[2].peran = Some("editor".into());
        let r = apply_service_facts(SERVICE, SHIPPED_SERVICE, &facts).unwrap_err();
        assert_eq!((r.path.as_str(), r.field.as_deref()), (SERVICE, Some("service.procedures[1].steps[3].peran")));
        // What the form writes, the site's own reader accepts.
        facts.procedures[0].steps[2].peran = Some("jft".into());
        facts.fee = "Gratis".into();
        let text = apply_service_facts(SERVICE, SHIPPED_SERVICE, &facts).unwrap();
        crate::content::parse_page(std::path::Path::new(SERVICE), String::new(), &text).unwrap();
    }
}
