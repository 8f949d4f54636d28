//! Malware scans of attachments: what is known of a file, and whether staff may download it.
//!
//! Files come from the public and are opened on staff machines, so each one is scanned (clamd
//! locally, GuardDuty Malware Protection for S3 on AWS) and served only by this rule:
//!
//! - a file found infected is never served;
//! - where a scanner guards the files ([`Scanning::Required`]: clamd configured, or AWS), only a
//!   file scanned clean is served;
//! - where none is configured (a local `site-gen serve` without `CLAMD_URL`), files are served
//!   unscanned, and every list shows them as "belum dipindai" so staff know.

use serde::{Deserialize, Serialize};

/// What is known of one attachment's malware scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "hasil", rename_all = "kebab-case")]
pub enum ScanState {
    /// Not scanned (yet), or the scan gave no answer.
    BelumDipindai,
    /// Scanned, and nothing found.
    Bersih,
    /// Scanned, and malware found: `signature` names what (the scanner's name for it).
    Terinfeksi {
        /// The scanner's name for what it found, e.g. `Eicar-Test-Signature`.
        signature: String,
    },
}

impl ScanState {
    /// The state as staff read it next to the file: "belum dipindai", "bersih" or
    /// "terinfeksi: <signature>".
    pub fn label(&self) -> String {
        match self {
            Self::BelumDipindai => "belum dipindai".to_owned(),
            Self::Bersih => "bersih".to_owned(),
            Self::Terinfeksi { signature } => format!("terinfeksi: {signature}"),
        }
    }

    /// A short code for templates and audit details: `belum-dipindai`, `bersih`, `terinfeksi`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BelumDipindai => "belum-dipindai",
            Self::Bersih => "bersih",
            Self::Terinfeksi { .. } => "terinfeksi",
        }
    }
}

/// Whether a malware scanner guards the attachments where they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanning {
    /// No scanner is configured (local, without `CLAMD_URL`): files are served with the
    /// "belum dipindai" warning beside them.
    Absent,
    /// A scanner guards the files (clamd, or GuardDuty on AWS): only clean files are served.
    Required,
}

/// Why an attachment is not served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withheld {
    /// The scan found malware.
    Infected {
        /// The scanner's name for it.
        signature: String,
    },
    /// A scanner guards the files and has not said this one is clean yet.
    NotScanned,
}

impl Withheld {
    /// The explanation for staff, in Bahasa Indonesia.
    pub fn message(&self) -> String {
        match self {
            Self::Infected { signature } => format!(
                "Lampiran ini terinfeksi ({signature}) menurut pemindaian antivirus dan tidak akan diberikan. \
                 Hubungi pengadu bila dokumennya diperlukan."
            ),
            Self::NotScanned => "Lampiran ini belum selesai dipindai antivirus, jadi belum dapat diunduh. \
                                 Coba lagi beberapa saat lagi."
                .to_owned(),
        }
    }
}

/// Whether a file in `state` may be served where scanning is `scanning` (see the module's rule).
pub fn may_serve(state: &ScanState, scanning: Scanning) -> Result<(), Withheld> {
    match (state, scanning) {
        (ScanState::Terinfeksi { signature }, _) => Err(Withheld::Infected { signature: signature.clone() }),
        (ScanState::Bersih, _) | (ScanState::BelumDipindai, Scanning::Absent) => Ok(()),
        (ScanState::BelumDipindai, Scanning::Required) => Err(Withheld::NotScanned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infected() -> ScanState {
        ScanState::Terinfeksi { signature: "Eicar-Test-Signature".into() }
    }

    #[test]
    fn labels_are_what_staff_read() {
        assert_eq!(ScanState::BelumDipindai.label(), "belum dipindai");
        assert_eq!(ScanState::Bersih.label(), "bersih");
        assert_eq!(infected().label(), "terinfeksi: Eicar-Test-Signature");
    }

    #[test]
    fn an_infected_file_is_never_served() {
        for scanning in [Scanning::Absent, Scanning::Required] {
            let refused = may_serve(&infected(), scanning).unwrap_err();
            assert_eq!(refused, Withheld::Infected { signature: "Eicar-Test-Signature".into() });
            assert!(refused.message().contains("terinfeksi (Eicar-Test-Signature)"), "{}", refused.message());
        }
    }

    #[test]
    fn clean_files_are_served_and_unscanned_ones_only_without_a_scanner() {
        assert_eq!(may_serve(&ScanState::Bersih, Scanning::Required), Ok(()));
        assert_eq!(may_serve(&ScanState::Bersih, Scanning::Absent), Ok(()));
        assert_eq!(may_serve(&ScanState::BelumDipindai, Scanning::Absent), Ok(()));
        assert_eq!(may_serve(&ScanState::BelumDipindai, Scanning::Required), Err(Withheld::NotScanned));
    }

    #[test]
    fn states_round_trip_as_json() {
        for state in [ScanState::BelumDipindai, ScanState::Bersih, infected()] {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(serde_json::from_str::<ScanState>(&json).unwrap(), state, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&infected()).unwrap(),
            r#"{"hasil":"terinfeksi","signature":"Eicar-Test-Signature"}"#
        );
    }
}
