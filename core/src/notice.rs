//! What the complainant is told after intake: a receipt, then one message at each public status
//! change. The message to send is decided here, recorded with the change that causes it (the
//! store's outbox, in the same transaction) and worded only at delivery, from templates editors
//! can change. The retry schedule of delivery is a rule too, and lives here.

use crate::workflow::Transition;
use crate::{Jenis, Lang, PersonalData, Status};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// What happened that the complainant is told about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "jenis_pesan", rename_all = "snake_case")]
pub enum Notice {
    /// The receipt after intake: the only message that carries the tracking code.
    TandaTerima {
        /// The tracking code as shown.
        kode_lacak: String,
        /// The deadline rule, as the service page states it ("2 s/d 10 hari kerja").
        jangka_waktu: Option<String>,
    },
    /// A public status reached.
    Status {
        /// The status reached.
        status: Status,
        /// What to complete, when the files were returned: written by staff for the
        /// complainant. Never any other note.
        alasan: Option<String>,
        /// The deadline, once the files are complete.
        tenggat: Option<Date>,
        /// The deadline was counted without a year's holidays.
        tenggat_sementara: bool,
    },
}

/// One message to one complainant, as the outbox keeps it until it is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The complaint's register number (empty until the store assigns it at intake).
    pub nomor: String,
    /// The address to write to.
    pub to: String,
    /// The complainant's name, for the greeting.
    pub nama: Option<String>,
    /// Kind of report.
    pub jenis: Jenis,
    /// The complaint's title.
    pub judul: String,
    /// What happened.
    pub notice: Notice,
    /// The language the complainant wrote in, decided at intake: every message to them is
    /// worded in it. Absent in messages recorded before languages were kept: Indonesian.
    #[serde(default)]
    pub lang: Lang,
}

/// The address a complainant may be written to: the email they gave, unless they reported
/// anonymously (then nobody may link the report to them, not even a mail log).
pub fn recipient(personal: Option<&PersonalData>, anonim: bool) -> Option<&str> {
    if anonim {
        return None;
    }
    personal?.email.as_deref().map(str::trim).filter(|e| !e.is_empty())
}

impl Message {
    /// The receipt for a complaint just taken in, when the complainant can be written to, in
    /// the language `lang` they wrote in (`jangka_waktu` already worded in it).
    pub fn receipt(
        personal: &PersonalData,
        anonim: bool,
        jenis: Jenis,
        judul: &str,
        kode_lacak: &str,
        jangka_waktu: Option<String>,
        lang: Lang,
    ) -> Option<Self> {
        let to = recipient(Some(personal), anonim)?;
        Some(Self {
            nomor: String::new(),
            to: to.to_owned(),
            nama: personal.nama.clone(),
            jenis,
            judul: judul.to_owned(),
            notice: Notice::TandaTerima { kode_lacak: kode_lacak.to_owned(), jangka_waktu },
            lang,
        })
    }

    /// The message for a change, when it reaches another public status and the complainant can
    /// be written to. Only the reason of a return reaches the complainant: every other staff
    /// note is internal. `lang` is the complaint's language, as stored at intake.
    #[allow(clippy::too_many_arguments)]
    pub fn status_change(
        nomor: &str,
        personal: Option<&PersonalData>,
        anonim: bool,
        jenis: Jenis,
        judul: &str,
        transition: &Transition,
        deadline: Option<crate::calendar::Deadline>,
        lang: Lang,
    ) -> Option<Self> {
        let status = transition.to.status;
        if status == transition.from {
            return None;
        }
        let to = recipient(personal, anonim)?;
        let alasan =
            (status == Status::PerluDilengkapi).then(|| transition.note.trim().to_owned()).filter(|r| !r.is_empty());
        Some(Self {
            nomor: nomor.to_owned(),
            to: to.to_owned(),
            nama: personal.and_then(|p| p.nama.clone()),
            jenis,
            judul: judul.to_owned(),
            notice: Notice::Status {
                status,
                alasan,
                tenggat: deadline.map(|d| d.value).filter(|_| status != Status::PerluDilengkapi),
                tenggat_sementara: deadline.is_some_and(|d| d.provisional),
            },
            lang,
        })
    }

    /// Which template words this message: `tanda-terima` or `status`.
    pub fn template(&self) -> &'static str {
        match self.notice {
            Notice::TandaTerima { .. } => "tanda-terima",
            Notice::Status { .. } => "status",
        }
    }
}

/// How many times delivery of one message is tried before it is marked failed and shown to
/// staff.
pub const MAX_ATTEMPTS: u32 = 6;

/// Second-level labels under a country code that name a kind of registrant, not the
/// registrant (`co.id`, `go.id`, `ac.uk`): kept by [`masked_address`], as they identify no one.
const GENERIC_SECOND_LEVEL: [&str; 12] =
    ["ac", "co", "com", "edu", "go", "gov", "mil", "net", "or", "org", "sch", "web"];

/// What stands for the hidden part of a masked address.
const MASK: &str = "\u{2022}\u{2022}\u{2022}";

/// An email address as the confirmation page names it: the first letter of the mailbox and of
/// the domain's name, and the domain's public ending (`.co.id`, `.com`), so a person recognises
/// their own address while someone looking over their shoulder learns neither the name nor the
/// provider (`budi.santoso@contoh.co.id` is `b•••@c•••.co.id`).
pub fn masked_address(email: &str) -> String {
    let first = |s: &str| s.chars().next().map(|c| format!("{c}{MASK}")).unwrap_or_default();
    let Some((local, domain)) = email.trim().rsplit_once('@') else { return first(email.trim()) };
    let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
    let generic = |label: &str| GENERIC_SECOND_LEVEL.contains(&label.to_ascii_lowercase().as_str());
    // The ending kept in the clear: the top-level label, and a generic second-level one before it.
    let ending = match labels.as_slice() {
        [_, .., second, top] if labels.len() > 2 && generic(second) => format!(".{second}.{top}"),
        [_, .., top] => format!(".{top}"),
        _ => String::new(),
    };
    format!("{}@{}{ending}", first(local), first(labels.first().copied().unwrap_or_default()))
}

/// When to try again after `attempts` failed tries (1 after the first), or `None` when the
/// message is to be marked failed: 1 minute, then 5, 30, 2 hours and 6 hours, about 8.5 hours
/// in all, enough to ride out a mail server's restart or a night's outage.
pub fn retry_at(attempts: u32, failed_at: Timestamp) -> Option<Timestamp> {
    const WAIT_MINUTES: [i64; 5] = [1, 5, 30, 120, 360];
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let index = (attempts.max(1) - 1) as usize;
    let minutes = WAIT_MINUTES[index.min(WAIT_MINUTES.len() - 1)];
    Some(failed_at + SignedDuration::from_mins(minutes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{Action, WorkflowState};

    #[test]
    fn a_masked_address_keeps_first_letters_and_the_public_ending_only() {
        assert_eq!(
            masked_address("budi.santoso@contoh.co.id"),
            "b\u{2022}\u{2022}\u{2022}@c\u{2022}\u{2022}\u{2022}.co.id"
        );
        assert_eq!(masked_address(" siti@gmail.com "), "s•••@g•••.com");
        assert_eq!(masked_address("ani@mail.kemenkeu.go.id"), "a•••@m•••.go.id", "subdomains and the office hidden");
        assert_eq!(masked_address("ani@mail.contoh.id"), "a•••@m•••.id", "a name under .id is not generic");
        assert_eq!(masked_address("x@y.ac.uk"), "x•••@y•••.ac.uk");
        assert_eq!(masked_address("Ändi@Bücher.DE"), "Ä•••@B•••.DE", "letters, not bytes");
        let masked = masked_address("rahasia.sekali@perusahaanku.com");
        assert!(!masked.contains("ahasia") && !masked.contains("erusahaan"), "{masked}");
        assert_eq!(masked_address(""), "");
        assert_eq!(masked_address("bukan-alamat"), "b•••");
        assert_eq!(masked_address("a@localhost"), "a•••@l•••");
    }

    fn personal(email: Option<&str>) -> PersonalData {
        PersonalData {
            nama: Some("Siti Aminah".into()),
            email: email.map(Into::into),
            telepon: None,
            nik: None,
            alamat: None,
        }
    }

    fn transition(from: Status, to: Status, note: &str) -> Transition {
        Transition {
            action: Action::Lanjut,
            from,
            to: WorkflowState { status: to, ..WorkflowState::received() },
            assign_ba: false,
            note: note.into(),
        }
    }

    #[test]
    fn anonymous_reports_and_reports_without_email_get_no_mail() {
        let p = personal(Some("siti@contoh.id"));
        assert_eq!(recipient(Some(&p), false), Some("siti@contoh.id"));
        assert_eq!(recipient(Some(&p), true), None);
        assert_eq!(recipient(Some(&personal(None)), false), None);
        assert_eq!(recipient(Some(&personal(Some("  "))), false), None);
        assert_eq!(recipient(None, false), None, "erased personal data");
        assert!(Message::receipt(&p, true, Jenis::Pengaduan, "Judul", "AAAA-BBBB-CCCC", None, Lang::Id).is_none());
        let r = Message::receipt(&p, false, Jenis::Pengaduan, "Judul", "AAAA-BBBB-CCCC", None, Lang::Id).unwrap();
        assert_eq!(r.template(), "tanda-terima");
        assert!(matches!(r.notice, Notice::TandaTerima { ref kode_lacak, .. } if kode_lacak == "AAAA-BBBB-CCCC"));
    }

    #[test]
    fn only_a_public_status_change_is_told_and_only_the_return_reason_is_quoted() {
        let p = personal(Some("siti@contoh.id"));
        let msg = |t: &Transition, deadline: Option<jiff::civil::Date>| {
            Message::status_change(
                "PGD-2026-00001",
                Some(&p),
                false,
                Jenis::Pengaduan,
                "Judul",
                t,
                deadline.map(crate::calendar::Deadline::exact),
                Lang::Id,
            )
        };
        let same = transition(Status::Diproses, Status::Diproses, "Catatan internal");
        assert!(msg(&same, None).is_none(), "a step within the same status is not told");

        let back = transition(Status::Diterima, Status::PerluDilengkapi, " Lampirkan fotokopi KTP. ");
        let m = msg(&back, None).unwrap();
        assert_eq!(m.template(), "status");
        let Notice::Status { alasan, .. } = &m.notice else { panic!("a status message") };
        assert_eq!(alasan.as_deref(), Some("Lampirkan fotokopi KTP."));

        let on = jiff::civil::date(2026, 12, 14);
        let verified = transition(Status::Diterima, Status::Diverifikasi, "Disposisi ke Bidang Pengaduan, Budi");
        let m = msg(&verified, Some(on)).unwrap();
        assert_eq!(
            m.notice,
            Notice::Status { status: Status::Diverifikasi, alasan: None, tenggat: Some(on), tenggat_sementara: false },
            "the internal note never reaches the message"
        );
        assert!(!serde_json::to_string(&m).unwrap().contains("Budi"));
    }

    #[test]
    fn retries_back_off_then_stop() {
        let t0: Timestamp = "2026-11-30T00:00:00Z".parse().unwrap();
        let waits: Vec<i64> =
            (1..MAX_ATTEMPTS).map(|n| retry_at(n, t0).unwrap().duration_since(t0).as_mins()).collect();
        assert_eq!(waits, [1, 5, 30, 120, 360]);
        assert_eq!(retry_at(MAX_ATTEMPTS, t0), None, "marked failed after the last try");
    }

    #[test]
    fn messages_round_trip_through_json() {
        let p = personal(Some("siti@contoh.id"));
        let m = Message::receipt(
            &p,
            false,
            Jenis::Aspirasi,
            "Judul",
            "AAAA-BBBB-CCCC",
            Some("2 s/d 10 hari kerja".into()),
            Lang::Id,
        )
        .unwrap();
        let back: Message = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        let en = Message { lang: Lang::En, ..m };
        let json = serde_json::to_string(&en).unwrap();
        assert!(json.contains(r#""lang":"en""#), "{json}");
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), en);
    }

    #[test]
    fn messages_carry_the_complaints_language() {
        let p = personal(Some("siti@contoh.id"));
        for lang in Lang::ALL {
            let r = Message::receipt(&p, false, Jenis::Pengaduan, "Judul", "AAAA-BBBB-CCCC", None, lang).unwrap();
            assert_eq!(r.lang, lang);
            let t = transition(Status::Diterima, Status::Diverifikasi, "");
            let m =
                Message::status_change("PGD-2026-00001", Some(&p), false, Jenis::Pengaduan, "Judul", &t, None, lang)
                    .unwrap();
            assert_eq!(m.lang, lang);
        }
    }

    #[test]
    fn a_message_recorded_before_languages_were_kept_is_indonesian() {
        let p = personal(Some("siti@contoh.id"));
        let m = Message::receipt(&p, false, Jenis::Pengaduan, "Judul", "AAAA-BBBB-CCCC", None, Lang::En).unwrap();
        let mut json: serde_json::Value = serde_json::to_value(&m).unwrap();
        json.as_object_mut().unwrap().remove("lang");
        let old: Message = serde_json::from_value(json).unwrap();
        assert_eq!(old.lang, Lang::Id);
        assert_eq!(old, Message { lang: Lang::Id, ..m });
    }
}
