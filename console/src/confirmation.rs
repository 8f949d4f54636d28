//! The confirmations a page shows after a redirect (`?pesan=`). The query carries a code and at
//! most a few numbers, never text: a link of anyone's making could otherwise put words of its
//! choosing ("Akun Anda diblokir, hubungi 0812…") in the console's own notice box. A code the
//! console does not know shows nothing.

use std::collections::HashMap;

/// The query parameter that carries a notice's code.
const PARAM: &str = "pesan";

/// A confirmation the console knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Confirmation {
    /// A step of the procedure was recorded.
    StepRecorded,
    /// A step was recorded and numbered a Berita Acara (the number is the complaint's own).
    BaNumbered,
    /// The files were declared complete.
    FilesComplete,
    /// The files were returned to the complainant.
    Returned,
    /// A step taken earlier is to be done again; the deadline stays.
    Corrected,
    /// The complaint was finished.
    Finished,
    /// The complainant's personal data was erased.
    Erased,
    /// Publishing was asked with no draft waiting.
    NoDrafts,
    /// `count` files were published and the site is up to date.
    Published { count: u64 },
    /// `count` files were published and the site is being built and uploaded.
    PublishedLater { count: u64 },
    /// A draft was saved as revision `revision`.
    DraftSaved { revision: u64 },
    /// Revision `from` was restored as draft revision `revision`.
    Restored { from: u64, revision: u64 },
}

impl Confirmation {
    /// `pesan=CODE`, for a redirect's query string (letters, digits, `-` and `.` only).
    pub fn query(self) -> String {
        let code = match self {
            Self::StepRecorded => "langkah".to_owned(),
            Self::BaNumbered => "berita-acara".to_owned(),
            Self::FilesComplete => "lengkap".to_owned(),
            Self::Returned => "dikembalikan".to_owned(),
            Self::Corrected => "koreksi".to_owned(),
            Self::Finished => "selesai".to_owned(),
            Self::Erased => "dihapus".to_owned(),
            Self::NoDrafts => "tanpa-draf".to_owned(),
            Self::Published { count } => format!("terbit.{count}"),
            Self::PublishedLater { count } => format!("terbit-dibangun.{count}"),
            Self::DraftSaved { revision } => format!("draf.{revision}"),
            Self::Restored { from, revision } => format!("pulih.{from}.{revision}"),
        };
        format!("{PARAM}={code}")
    }

    /// The notice a page's query names, if it names one the console knows.
    pub fn from_query(query: &HashMap<String, String>) -> Option<Self> {
        let mut parts = query.get(PARAM)?.split('.');
        let name = parts.next()?;
        let numbers: Vec<u64> = parts.map(|n| n.parse().ok()).collect::<Option<_>>()?;
        let notice = match (name, numbers.as_slice()) {
            ("langkah", []) => Self::StepRecorded,
            ("berita-acara", []) => Self::BaNumbered,
            ("lengkap", []) => Self::FilesComplete,
            ("dikembalikan", []) => Self::Returned,
            ("koreksi", []) => Self::Corrected,
            ("selesai", []) => Self::Finished,
            ("dihapus", []) => Self::Erased,
            ("tanpa-draf", []) => Self::NoDrafts,
            ("terbit", [count]) => Self::Published { count: *count },
            ("terbit-dibangun", [count]) => Self::PublishedLater { count: *count },
            ("draf", [revision]) => Self::DraftSaved { revision: *revision },
            ("pulih", [from, revision]) => Self::Restored { from: *from, revision: *revision },
            _ => return None,
        };
        Some(notice)
    }

    /// What the notice box says; `ba` is the complaint's Berita Acara number, when it has one.
    pub fn text(self, ba: Option<&str>) -> String {
        match self {
            Self::StepRecorded => "Langkah dicatat.".into(),
            Self::BaNumbered => match ba {
                Some(ba) => format!("Langkah dicatat. Nomor Berita Acara: {ba}."),
                None => "Langkah dicatat.".into(),
            },
            Self::FilesComplete => "Berkas dinyatakan lengkap; tenggat mulai dihitung.".into(),
            Self::Returned => "Berkas dikembalikan kepada pengadu untuk dilengkapi.".into(),
            Self::Corrected => "Koreksi dicatat; langkah yang dipilih dikerjakan ulang. Tenggat tidak berubah.".into(),
            Self::Finished => "Pengaduan selesai.".into(),
            Self::Erased => "Data pribadi telah dihapus.".into(),
            Self::NoDrafts => "Tidak ada draf yang menunggu.".into(),
            Self::Published { count } => format!("{count} berkas diterbitkan."),
            Self::PublishedLater { count } => format!(
                "{count} berkas diterbitkan. Situs sedang dibangun dan diunggah; halaman publik berubah dalam beberapa menit."
            ),
            Self::DraftSaved { revision } => {
                format!("Draf disimpan sebagai revisi {revision}. Belum tampil di situs sampai diterbitkan.")
            }
            Self::Restored { from, revision } => {
                format!("Revisi {from} dipulihkan sebagai draf (revisi {revision}).")
            }
        }
    }

    /// The text of the notice `query` names, for a page without a Berita Acara.
    pub fn shown(query: &HashMap<String, String>) -> Option<String> {
        Self::from_query(query).map(|n| n.text(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(value: &str) -> HashMap<String, String> {
        HashMap::from([(PARAM.to_owned(), value.to_owned())])
    }

    #[test]
    fn every_notice_survives_its_query() {
        let all = [
            Confirmation::StepRecorded,
            Confirmation::BaNumbered,
            Confirmation::FilesComplete,
            Confirmation::Returned,
            Confirmation::Finished,
            Confirmation::Erased,
            Confirmation::NoDrafts,
            Confirmation::Published { count: 2 },
            Confirmation::PublishedLater { count: 3 },
            Confirmation::DraftSaved { revision: 4 },
            Confirmation::Restored { from: 1, revision: 5 },
        ];
        for notice in all {
            let q = notice.query();
            let value = q.strip_prefix("pesan=").unwrap();
            assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'), "{q}");
            assert_eq!(Confirmation::from_query(&query(value)), Some(notice), "{q}");
        }
    }

    #[test]
    fn text_and_unknown_codes_show_nothing() {
        for value in [
            "Akun Anda diblokir. Hubungi 0812-0000-0000.",
            "Langkah dicatat.",
            "langkah.1",
            "draf",
            "draf.x",
            "draf.1.2",
            "pulih.1",
            "terbit.-1",
            "",
        ] {
            assert_eq!(Confirmation::from_query(&query(value)), None, "{value:?}");
        }
        assert_eq!(Confirmation::shown(&HashMap::new()), None);
    }

    #[test]
    fn the_berita_acara_number_comes_from_the_complaint() {
        assert_eq!(
            Confirmation::BaNumbered.text(Some("BA-001/2026")),
            "Langkah dicatat. Nomor Berita Acara: BA-001/2026."
        );
        assert_eq!(Confirmation::BaNumbered.text(None), "Langkah dicatat.");
    }
}
