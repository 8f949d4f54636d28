//! Dates and times as the office's readers expect them: Indonesian month and day names, the
//! zone abbreviations WIB, WITA and WIT, and RFC 3339 for machines.

use crate::Lang;
use jiff::Zoned;
use jiff::civil::{Date, Weekday};

/// Month names, January first.
pub const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// "Senin, 14 Desember 2026": a date as Indonesians write it, with the day of the week.
pub fn tanggal_indonesia(date: Date) -> String {
    let day = match date.weekday() {
        Weekday::Monday => "Senin",
        Weekday::Tuesday => "Selasa",
        Weekday::Wednesday => "Rabu",
        Weekday::Thursday => "Kamis",
        Weekday::Friday => "Jumat",
        Weekday::Saturday => "Sabtu",
        Weekday::Sunday => "Minggu",
    };
    format!("{day}, {} {} {}", date.day(), MONTHS[(date.month() - 1) as usize], date.year())
}

/// English month names, January first.
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date with its day of the week in the language `lang`: "Senin, 14 Desember 2026" or
/// "Monday, 14 December 2026" (day before month, as in Indonesia and British English).
pub fn date_in(lang: Lang, date: Date) -> String {
    match lang {
        Lang::Id => tanggal_indonesia(date),
        Lang::En => {
            format!("{:?}, {} {} {}", date.weekday(), date.day(), MONTHS_EN[(date.month() - 1) as usize], date.year())
        }
    }
}

/// RFC 3339 with the office's offset, to the second.
pub fn rfc3339(z: &Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// "29 November 2026, 13.05 WIB": Indonesian date, and the zone's abbreviation.
pub fn human_time(z: &Zoned) -> String {
    human_time_in(Lang::Id, z)
}

/// [`human_time`] in the language `lang`: "29 November 2026, 13:05 WIB" in English.
pub fn human_time_in(lang: Lang, z: &Zoned) -> String {
    let zone = match z.offset().seconds() {
        25200 => "WIB".to_owned(),
        28800 => "WITA".to_owned(),
        32400 => "WIT".to_owned(),
        _ => z.strftime("%:z").to_string(),
    };
    let (months, clock) = lang.pick((&MONTHS, "%H.%M"), (&MONTHS_EN, "%H:%M"));
    format!("{} {} {}, {} {zone}", z.day(), months[(z.month() - 1) as usize], z.year(), z.strftime(clock))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_read_as_indonesians_write_them() {
        assert_eq!(tanggal_indonesia(date(2026, 12, 14)), "Senin, 14 Desember 2026");
        assert_eq!(tanggal_indonesia(date(2026, 3, 17)), "Selasa, 17 Maret 2026");
        assert_eq!(tanggal_indonesia(date(2026, 11, 29)), "Minggu, 29 November 2026");
        assert_eq!(date_in(Lang::En, date(2026, 12, 14)), "Monday, 14 December 2026");
        assert_eq!(date_in(Lang::En, date(2026, 3, 17)), "Tuesday, 17 March 2026");
        assert_eq!(date_in(Lang::Id, date(2026, 3, 17)), tanggal_indonesia(date(2026, 3, 17)));
    }

    #[test]
    fn times_are_rfc3339_and_indonesian() {
        let z: Zoned = "2026-11-29T13:05:09+07:00[Asia/Jakarta]".parse().unwrap();
        assert_eq!(rfc3339(&z), "2026-11-29T13:05:09+07:00");
        assert_eq!(human_time(&z), "29 November 2026, 13.05 WIB");
        let makassar: Zoned = "2026-11-29T14:05:09+08:00[Asia/Makassar]".parse().unwrap();
        assert_eq!(human_time(&makassar), "29 November 2026, 14.05 WITA");
    }
}
