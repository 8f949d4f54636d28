//! The office's answer to a complaint, as the citizen reads it on the status page: the Surat
//! Jawaban's text (Indonesian, and English where the office wrote it) and, where the procedure
//! issues one, the Berita Acara Penyelesaian Pengaduan as a PDF. Who attaches it and when.

use crate::Lang;
use crate::access::Role;
use crate::workflow::{Procedure, WorkflowState};

/// Longest answer text kept, in characters (a letter of several pages).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The answer's text in each language the office wrote it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerText {
    /// The Surat Jawaban's text in Indonesian: always there.
    pub id: String,
    /// Its English text, when the office wrote one.
    pub en: Option<String>,
}

/// Why an answer's text was refused; each message is for the staff member, in Indonesian.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// No Indonesian text.
    #[error("Isi Surat Jawaban (bahasa Indonesia) wajib diisi.")]
    Missing,
    /// A text over [`MAX_TEXT_CHARS`].
    #[error("Isi Surat Jawaban paling banyak {MAX_TEXT_CHARS} karakter.")]
    TooLong,
    /// Control characters other than line breaks and tabs (pasted from a PDF, say).
    #[error(
        "Isi Surat Jawaban memuat karakter kendali yang tidak dapat ditampilkan; ketik ulang bagian yang ditempel."
    )]
    Controls,
}

impl AnswerText {
    /// Checks the texts as typed: the Indonesian one is required, the English one optional
    /// (blank means none); both trimmed, line breaks normalised to `\n`.
    pub fn parse(id: &str, en: &str) -> Result<Self, AnswerError> {
        let clean = |s: &str| -> Result<String, AnswerError> {
            let s = s.replace("\r\n", "\n").replace('\r', "\n").trim().to_owned();
            if s.chars().count() > MAX_TEXT_CHARS {
                return Err(AnswerError::TooLong);
            }
            if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                return Err(AnswerError::Controls);
            }
            Ok(s)
        };
        let id = clean(id)?;
        if id.is_empty() {
            return Err(AnswerError::Missing);
        }
        let en = Some(clean(en)?).filter(|s| !s.is_empty());
        Ok(Self { id, en })
    }

    /// The text to show on a page in `lang`, and the language it is in: the English text on an
    /// English page when there is one, else the Indonesian (marked `lang="id"` there).
    pub fn text_in(&self, lang: Lang) -> (&str, Lang) {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => (en, Lang::En),
            _ => (&self.id, Lang::Id),
        }
    }
}

/// The role that may attach the answer to a complaint in `state` under `procedure`, if any
/// now: the role of the procedure's last step (the one that hands the answer over and finishes
/// the complaint), while the complaint stands right before that step or has just taken it.
/// Earlier the answer is not signed yet; a complaint not under this procedure has none.
pub fn answer_role(procedure: &Procedure, state: &WorkflowState) -> Option<Role> {
    if state.procedure_id.as_deref() != Some(procedure.id.as_str()) {
        return None;
    }
    let last = procedure.steps.len().checked_sub(1)?;
    let at = state.step_index?;
    (at + 1 >= last && at <= last).then(|| procedure.steps[last].peran).flatten()
}

/// Whether `procedure` issues a Berita Acara (it has a step that numbers one), so its answer
/// may carry the signed record as a PDF.
pub fn issues_berita_acara(procedure: &Procedure) -> bool {
    procedure.ba_step().is_some()
}

/// The file name a downloaded Berita Acara is saved under: ASCII, from the register number
/// alone, so nothing the staff typed reaches the `Content-Disposition` header.
pub fn berita_acara_file_name(nomor: &crate::RegisterNumber) -> String {
    format!("berita-acara-{nomor}.pdf")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::Step;

    fn step(peran: Option<Role>) -> Step {
        Step { actor: "x".into(), action: "y".into(), public_status: None, assigns: None, peran }
    }

    fn procedure() -> Procedure {
        Procedure {
            id: "p".into(),
            title: "P".into(),
            product: "Surat Jawaban".into(),
            steps: vec![
                step(None),
                step(Some(Role::Jft)),
                step(Some(Role::KepalaDinas)),
                step(Some(Role::FrontOffice)),
            ],
        }
    }

    fn at(step: usize) -> WorkflowState {
        WorkflowState { procedure_id: Some("p".into()), step_index: Some(step), ..WorkflowState::default() }
    }

    #[test]
    fn the_last_steps_role_attaches_the_answer_just_before_and_after_the_last_step() {
        let p = procedure();
        assert_eq!(answer_role(&p, &at(0)), None);
        assert_eq!(answer_role(&p, &at(1)), None, "the answer is not signed yet");
        assert_eq!(answer_role(&p, &at(2)), Some(Role::FrontOffice), "signed: the Front Office hands it over next");
        assert_eq!(answer_role(&p, &at(3)), Some(Role::FrontOffice), "finished: it may still be attached");
        assert_eq!(answer_role(&p, &at(4)), None, "past the end");
        assert_eq!(answer_role(&p, &WorkflowState::default()), None, "files not complete");
        let other = WorkflowState { procedure_id: Some("q".into()), ..at(2) };
        assert_eq!(answer_role(&p, &other), None);
    }

    #[test]
    fn the_shipped_procedures_give_it_to_the_front_office_and_one_issues_a_berita_acara() {
        let service =
            crate::service::ServiceRules::parse(include_str!("../../content/layanan/informasi-dan-pengaduan.md"))
                .unwrap();
        for p in &service.procedures {
            let before_last = WorkflowState {
                procedure_id: Some(p.id.clone()),
                step_index: Some(p.steps.len() - 2),
                ..WorkflowState::default()
            };
            assert_eq!(answer_role(p, &before_last), Some(Role::FrontOffice), "{}", p.id);
        }
        let ba: Vec<bool> = service.procedures.iter().map(issues_berita_acara).collect();
        assert_eq!(ba, [true, false], "penyelesaian issues one, jawaban-tertulis does not");
    }

    #[test]
    fn texts_are_checked_and_picked_by_language() {
        assert_eq!(AnswerText::parse("  \r\n ", "x"), Err(AnswerError::Missing));
        assert_eq!(AnswerText::parse(&"a".repeat(MAX_TEXT_CHARS + 1), ""), Err(AnswerError::TooLong));
        assert_eq!(AnswerText::parse("a\u{7}b", ""), Err(AnswerError::Controls));
        assert_eq!(AnswerText::parse("a", "b\u{85}c"), Err(AnswerError::Controls), "C1 too");
        let only_id = AnswerText::parse(" Izin Anda telah terbit.\r\nTerima kasih. ", "  ").unwrap();
        assert_eq!(only_id, AnswerText { id: "Izin Anda telah terbit.\nTerima kasih.".into(), en: None });
        assert_eq!(only_id.text_in(Lang::En), ("Izin Anda telah terbit.\nTerima kasih.", Lang::Id));
        let both = AnswerText::parse("Izin terbit.\tYa", "Permit issued.").unwrap();
        assert_eq!(both.text_in(Lang::En), ("Permit issued.", Lang::En));
        assert_eq!(both.text_in(Lang::Id), ("Izin terbit.\tYa", Lang::Id));
    }

    #[test]
    fn the_download_name_is_the_number_only() {
        let n = crate::RegisterNumber::parse("PGD-2026-00042").unwrap();
        assert_eq!(berita_acara_file_name(&n), "berita-acara-PGD-2026-00042.pdf");
    }
}
