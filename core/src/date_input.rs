//! A date typed in three boxes (day, month, year), as GOV.UK's date pattern asks for it: what
//! people type is read kindly (leading zeros or not, a month by number or by name) and what
//! cannot be a date is refused with a message that says which part to fix.

use crate::Lang;
use jiff::civil::Date;

/// The three boxes of a date, as typed (trimmed; `None` when left empty).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateParts<'a> {
    /// Day of the month.
    pub day: Option<&'a str>,
    /// Month, by number (`3`, `03`) or by name (`Maret`, `Mar`, `March`).
    pub month: Option<&'a str>,
    /// Year, in four digits.
    pub year: Option<&'a str>,
}

/// Why three boxes do not make a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatePartsError {
    /// Some boxes were filled and these were left empty (day, month, year in that order).
    Missing(Vec<Part>),
    /// The part holds something other than a number (or, for the month, a month's name).
    NotANumber(Part),
    /// The year has one or two digits: which century is meant cannot be guessed.
    ShortYear,
    /// The numbers name no day of the calendar (31 February, month 13).
    Impossible,
}

/// One of the three boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The day box.
    Day,
    /// The month box.
    Month,
    /// The year box.
    Year,
}

impl Part {
    fn word(self, lang: Lang) -> &'static str {
        match self {
            Self::Day => lang.pick("hari", "day"),
            Self::Month => lang.pick("bulan", "month"),
            Self::Year => lang.pick("tahun", "year"),
        }
    }
}

impl DateParts<'_> {
    /// Whether every box was left empty: no date was given.
    pub fn is_empty(&self) -> bool {
        self.day.is_none() && self.month.is_none() && self.year.is_none()
    }

    /// The date the boxes name. Call only when not [empty](Self::is_empty).
    pub fn parse(&self) -> Result<Date, DatePartsError> {
        let missing: Vec<Part> = [(Part::Day, self.day), (Part::Month, self.month), (Part::Year, self.year)]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(p, _)| p)
            .collect();
        if !missing.is_empty() {
            return Err(DatePartsError::Missing(missing));
        }
        let (day, month, year) = (self.day.unwrap_or(""), self.month.unwrap_or(""), self.year.unwrap_or(""));
        let day = number(day).ok_or(DatePartsError::NotANumber(Part::Day))?;
        let month = number(month).or_else(|| month_by_name(month)).ok_or(DatePartsError::NotANumber(Part::Month))?;
        if !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DatePartsError::NotANumber(Part::Year));
        }
        if year.len() <= 2 {
            return Err(DatePartsError::ShortYear);
        }
        let Some(year) = (year.len() == 4).then(|| year.parse::<i16>().ok()).flatten() else {
            return Err(DatePartsError::NotANumber(Part::Year));
        };
        let (Ok(month), Ok(day)) = (i8::try_from(month), i8::try_from(day)) else {
            return Err(DatePartsError::Impossible);
        };
        Date::new(year, month, day).map_err(|_| DatePartsError::Impossible)
    }
}

impl DatePartsError {
    /// The message for the person, naming the date as `label` ("Tanggal kejadian"), in `lang`.
    pub fn message(&self, label: &str, lang: Lang) -> String {
        match self {
            Self::Missing(parts) => {
                let words: Vec<&str> = parts.iter().map(|p| p.word(lang)).collect();
                let list = match words.as_slice() {
                    [one] => (*one).to_owned(),
                    [a, b] => format!("{a} {} {b}", lang.pick("dan", "and")),
                    _ => words.join(", "),
                };
                lang.pick(format!("{label} harus berisi {list}"), format!("{label} must include a {list}"))
            }
            Self::NotANumber(Part::Day) => lang.pick(
                format!("Hari pada {} harus berupa angka, seperti 27", label.to_lowercase()),
                format!("The day in {} must be a number, like 27", label.to_lowercase()),
            ),
            Self::NotANumber(Part::Month) => lang.pick(
                format!("Bulan pada {} harus berupa angka 1 sampai 12, seperti 3", label.to_lowercase()),
                format!("The month in {} must be a number from 1 to 12, like 3", label.to_lowercase()),
            ),
            Self::NotANumber(Part::Year) => lang.pick(
                format!("Tahun pada {} harus berupa 4 angka, seperti 2026", label.to_lowercase()),
                format!("The year in {} must be 4 digits, like 2026", label.to_lowercase()),
            ),
            Self::ShortYear => lang.pick(
                format!("Tahun pada {} harus ditulis lengkap dengan 4 angka, seperti 2026", label.to_lowercase()),
                format!("The year in {} must be written in full with 4 digits, like 2026", label.to_lowercase()),
            ),
            Self::Impossible => lang.pick(
                format!("{label} harus tanggal yang benar. Periksa hari dan bulannya, seperti 27 3 2026"),
                format!("{label} must be a real date. Check the day and the month, like 27 3 2026"),
            ),
        }
    }
}

/// A box of digits (leading zeros allowed), at most four of them.
fn number(s: &str) -> Option<u16> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// A month typed by its name or a usual short form, in Indonesian or English.
fn month_by_name(s: &str) -> Option<u16> {
    const NAMES: [&[&str]; 12] = [
        &["jan", "januari", "january"],
        &["feb", "peb", "februari", "pebruari", "february"],
        &["mar", "maret", "march"],
        &["apr", "april"],
        &["mei", "may"],
        &["jun", "juni", "june"],
        &["jul", "juli", "july"],
        &["agu", "agt", "agus", "agustus", "aug", "august"],
        &["sep", "sept", "september"],
        &["okt", "oktober", "oct", "october"],
        &["nov", "nop", "nopember", "november"],
        &["des", "desember", "dec", "december"],
    ];
    let name = s.trim_end_matches('.').to_lowercase();
    NAMES.iter().position(|names| names.contains(&name.as_str())).map(|i| i as u16 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn parts<'a>(d: &'a str, m: &'a str, y: &'a str) -> DateParts<'a> {
        let some = |s: &'a str| (!s.is_empty()).then_some(s);
        DateParts { day: some(d), month: some(m), year: some(y) }
    }

    #[test]
    fn what_people_type_is_read() {
        for (d, m, y) in [("27", "3", "2026"), ("27", "03", "2026"), ("027", "3", "2026"), ("27", "Maret", "2026")] {
            assert_eq!(parts(d, m, y).parse(), Ok(date(2026, 3, 27)), "{d} {m} {y}");
        }
        assert_eq!(parts("1", "agustus", "1945").parse(), Ok(date(1945, 8, 1)));
        assert_eq!(parts("05", "Dec.", "2025").parse(), Ok(date(2025, 12, 5)));
        assert_eq!(parts("29", "2", "2024").parse(), Ok(date(2024, 2, 29)), "a leap day");
    }

    #[test]
    fn empty_boxes_are_named() {
        assert!(parts("", "", "").is_empty());
        assert_eq!(parts("27", "", "").parse(), Err(DatePartsError::Missing(vec![Part::Month, Part::Year])));
        assert_eq!(parts("", "3", "2026").parse(), Err(DatePartsError::Missing(vec![Part::Day])));
        let message = DatePartsError::Missing(vec![Part::Month, Part::Year]).message("Tanggal kejadian", Lang::Id);
        assert_eq!(message, "Tanggal kejadian harus berisi bulan dan tahun");
        let english = DatePartsError::Missing(vec![Part::Day]).message("The date of the incident", Lang::En);
        assert_eq!(english, "The date of the incident must include a day");
    }

    #[test]
    fn short_years_wrong_characters_and_impossible_dates_are_refused() {
        assert_eq!(parts("27", "3", "26").parse(), Err(DatePartsError::ShortYear));
        assert_eq!(parts("27", "3", "6").parse(), Err(DatePartsError::ShortYear));
        assert_eq!(parts("27", "3", "20266").parse(), Err(DatePartsError::NotANumber(Part::Year)));
        assert_eq!(parts("2026-03-27", "3", "2026").parse(), Err(DatePartsError::NotANumber(Part::Day)));
        assert_eq!(parts("27", "Marc", "2026").parse(), Err(DatePartsError::NotANumber(Part::Month)));
        assert_eq!(parts("27", "3", "dua ribu").parse(), Err(DatePartsError::NotANumber(Part::Year)));
        for (d, m, y) in [("31", "2", "2026"), ("29", "2", "2026"), ("0", "3", "2026"), ("27", "13", "2026")] {
            assert_eq!(parts(d, m, y).parse(), Err(DatePartsError::Impossible), "{d} {m} {y}");
        }
        assert_eq!(
            DatePartsError::ShortYear.message("Tanggal kejadian", Lang::Id),
            "Tahun pada tanggal kejadian harus ditulis lengkap dengan 4 angka, seperti 2026"
        );
    }
}
