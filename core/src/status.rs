//! The public statuses a complaint shows, in the order the procedure reaches them.

use crate::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A complaint's public status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received and registered by the Front Office.
    Diterima,
    /// Files returned to the complainant to be completed; the clock is stopped.
    PerluDilengkapi,
    /// Files declared complete; the working-day deadline runs from here.
    Diverifikasi,
    /// Being studied and answered.
    Diproses,
    /// Answered: the Berita Acara or the Surat Jawaban was handed over.
    Selesai,
}

impl Status {
    /// Every status, in procedure order.
    pub const ALL: [Status; 5] =
        [Self::Diterima, Self::PerluDilengkapi, Self::Diverifikasi, Self::Diproses, Self::Selesai];

    /// The code used in storage and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::Diterima => "diterima",
            Self::PerluDilengkapi => "perlu_dilengkapi",
            Self::Diverifikasi => "diverifikasi",
            Self::Diproses => "diproses",
            Self::Selesai => "selesai",
        }
    }

    /// The label shown to the public.
    pub fn label(self) -> &'static str {
        match self {
            Self::Diterima => "Diterima",
            Self::PerluDilengkapi => "Perlu dilengkapi",
            Self::Diverifikasi => "Berkas lengkap, diverifikasi",
            Self::Diproses => "Sedang diproses",
            Self::Selesai => "Selesai",
        }
    }

    /// The label shown on English pages: the same status as [`Status::label`], for readers of
    /// the site's English translation.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Diterima => "Received",
            Self::PerluDilengkapi => "Needs more documents",
            Self::Diverifikasi => "Documents complete, verified",
            Self::Diproses => "Being processed",
            Self::Selesai => "Completed",
        }
    }

    /// The label in the language `lang`.
    pub fn label_in(self, lang: Lang) -> &'static str {
        lang.pick(self.label(), self.label_en())
    }

    /// What happens next, told to the complainant on the tracking page and in emails. Plain
    /// words only: a citizen does not know the office's job titles ("JFT Analis Kebijakan") or
    /// its internal registers, and the service page's step wording names both.
    pub fn next_step(self) -> &'static str {
        match self {
            Self::Diterima => {
                "Laporan Anda sudah kami terima dan catat. Petugas kami sedang memeriksa apakah berkas Anda sudah lengkap. Bila ada yang kurang, kami akan menghubungi Anda."
            }
            Self::PerluDilengkapi => {
                "Berkas Anda belum lengkap. Lengkapi berkas sesuai permintaan petugas kami. Jangka waktu penyelesaian mulai dihitung setelah berkas Anda lengkap."
            }
            Self::Diverifikasi => {
                "Berkas Anda sudah lengkap. Petugas kami akan mengkaji laporan Anda dan menjawabnya paling lambat pada batas waktu penyelesaian."
            }
            Self::Diproses => {
                "Petugas kami sedang mengkaji laporan Anda dan menyiapkan jawabannya. Setelah jawaban ditandatangani, hasilnya kami serahkan kepada Anda."
            }
            Self::Selesai => "Laporan Anda sudah selesai ditangani dan hasilnya sudah kami serahkan kepada Anda.",
        }
    }

    /// [`Status::next_step`] in the language `lang`, as plain.
    pub fn next_step_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.next_step(),
            Lang::En => match self {
                Self::Diterima => {
                    "We have received and registered your report. Our staff are checking whether your documents are complete. If anything is missing, we will contact you."
                }
                Self::PerluDilengkapi => {
                    "Your documents are not complete yet. Please complete them as our staff asked. The time limit starts once your documents are complete."
                }
                Self::Diverifikasi => {
                    "Your documents are complete. Our staff will study your report and answer it by the deadline at the latest."
                }
                Self::Diproses => {
                    "Our staff are studying your report and preparing the answer. Once the answer is signed, we will hand the result to you."
                }
                Self::Selesai => "Your report has been dealt with and we have handed the result to you.",
            },
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Status {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|st| st.code() == s).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// A status code that is not one of the five.
#[derive(Debug, thiserror::Error)]
#[error("status tidak dikenal: {0}")]
pub struct UnknownStatus(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_an_english_label() {
        let labels: std::collections::HashSet<&str> = Status::ALL.into_iter().map(Status::label_en).collect();
        assert_eq!(labels.len(), Status::ALL.len(), "distinct");
        assert_eq!(Status::Diproses.label_in(Lang::En), "Being processed");
        assert_eq!(Status::Diproses.label_in(Lang::Id), Status::Diproses.label());
        for st in Status::ALL {
            assert_eq!(st.next_step_in(Lang::Id), st.next_step());
            assert_ne!(st.next_step_in(Lang::En), st.next_step(), "{st} has English words");
        }
    }

    #[test]
    fn codes_round_trip() {
        for st in Status::ALL {
            assert_eq!(st.code().parse::<Status>().unwrap(), st);
            assert_eq!(serde_json::to_string(&st).unwrap(), format!("\"{}\"", st.code()));
        }
        assert!("ditolak".parse::<Status>().is_err());
    }

    #[test]
    fn the_next_step_is_told_without_internal_titles() {
        // The office's job titles and internal documents mean nothing to a citizen; the
        // tracking page and the emails show these sentences as they are.
        for st in Status::ALL {
            let text = st.next_step();
            for internal in ["JFT", "Analis", "Kepala Bidang", "Front Office", "Buku Register", "Berita Acara"] {
                assert!(!text.contains(internal), "{st}: {text}");
            }
            assert!(text.ends_with('.'), "{st}: a full sentence");
        }
        assert!(Status::Diproses.next_step().starts_with("Petugas kami sedang mengkaji laporan Anda"));
    }
}
