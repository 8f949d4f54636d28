//! What the confirmation right after submitting says beyond the status page: where the receipt
//! went (a masked address) or why none was sent, and how many files came with the report.
//!
//! The submission's redirect carries it as one sealed value (`&konfirmasi=…`), never the address
//! itself: sealed under the office's code key, the tracking code and the register number, and
//! valid for [`VALID_FOR`]. A status link opened from the history later shows the plain status
//! page; the status page never reads personal data from the store.

use jiff::Timestamp;
use pengaduan_core::{Lang, TrackingCode};
use pengaduan_store::config::CodeKey;
use pengaduan_store::seal::{open_text, seal_text};
use serde::Serialize;

/// How long the confirmation's extra lines are shown after submitting: long enough to read
/// the page and reload it, short enough that a link from the history says no more than the
/// status.
pub const VALID_FOR: jiff::SignedDuration = jiff::SignedDuration::from_mins(30);

/// The purpose the sealing key is derived for, apart from the replay records'.
const PURPOSE: &str = "konfirmasi";

/// What happened to the receipt of a report just taken in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptOutcome {
    /// Queued to the address, masked as the page shows it.
    Mailed(String),
    /// The report gave no email address.
    NoAddress,
    /// Sent anonymously: no address was kept.
    Anonymous,
    /// The address had had its day's receipts (`tanda_terima_surel: false`).
    OverLimit,
}

/// The confirmation's own facts about one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// Where the receipt went, or why it did not.
    pub receipt: ReceiptOutcome,
    /// The number of files sent with the report.
    pub files: usize,
}

impl Confirmation {
    /// The outcome for a report whose receipt address is `recipient` (none when anonymous or
    /// without an email), mailed unless the daily limit stopped it.
    pub fn new(recipient: Option<&str>, anonim: bool, mailed: bool, files: usize) -> Self {
        let receipt = match recipient {
            _ if anonim => ReceiptOutcome::Anonymous,
            None => ReceiptOutcome::NoAddress,
            Some(_) if !mailed => ReceiptOutcome::OverLimit,
            Some(address) => ReceiptOutcome::Mailed(pengaduan_core::notice::masked_address(address)),
        };
        Self { receipt, files }
    }

    /// The value the redirect carries, for complaint `nomor` with tracking code `code`, valid
    /// until `now` plus [`VALID_FOR`]; the same value for the same confirmation.
    pub fn seal(&self, key: Option<&CodeKey>, nomor: &str, code: &TrackingCode, now: Timestamp) -> String {
        let expires = now.as_second().saturating_add(VALID_FOR.as_secs());
        let (kind, address) = match &self.receipt {
            ReceiptOutcome::Mailed(masked) => ("surel", masked.as_str()),
            ReceiptOutcome::NoAddress => ("tanpa-surel", ""),
            ReceiptOutcome::Anonymous => ("anonim", ""),
            ReceiptOutcome::OverLimit => ("batas", ""),
        };
        let text = format!("1\n{expires}\n{kind}\n{}\n{address}", self.files);
        seal_text(key, PURPOSE, &code.to_string(), nomor, &text)
    }

    /// The confirmation sealed in `sealed` for this complaint, if it is one and has not expired
    /// at `now`.
    pub fn open(key: Option<&CodeKey>, nomor: &str, code: &TrackingCode, sealed: &str, now: Timestamp) -> Option<Self> {
        let text = open_text(key, PURPOSE, &code.to_string(), nomor, sealed)?;
        let mut parts = text.splitn(5, '\n');
        let (Some("1"), Some(expires), Some(kind), Some(files), Some(address)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if now.as_second() > expires.parse::<i64>().ok()? {
            return None;
        }
        let receipt = match kind {
            "surel" => ReceiptOutcome::Mailed(address.to_owned()),
            "tanpa-surel" => ReceiptOutcome::NoAddress,
            "anonim" => ReceiptOutcome::Anonymous,
            "batas" => ReceiptOutcome::OverLimit,
            _ => return None,
        };
        Some(Self { receipt, files: files.parse().ok()? })
    }

    /// The page's view, worded in `lang`.
    pub fn view(&self, lang: Lang) -> ConfirmationView {
        let (mailed, address, message) = match &self.receipt {
            ReceiptOutcome::Mailed(masked) => (
                true,
                masked.clone(),
                lang.pick("Tanda terima telah dikirim ke surel", "A receipt has been emailed to").to_owned(),
            ),
            ReceiptOutcome::NoAddress => (
                false,
                String::new(),
                lang.pick(
                    "Tanda terima tidak dikirim lewat surel karena Anda tidak mengisi alamat surel. Simpan nomor register dan kode lacak di halaman ini.",
                    "No receipt was emailed because you gave no email address. Keep the register number and tracking code on this page.",
                )
                .to_owned(),
            ),
            ReceiptOutcome::Anonymous => (
                false,
                String::new(),
                lang.pick(
                    "Tanda terima tidak dikirim lewat surel karena laporan ini dikirim secara anonim.",
                    "No receipt was emailed because this report was sent anonymously.",
                )
                .to_owned(),
            ),
            ReceiptOutcome::OverLimit => (false, String::new(), receipt_withheld_message(lang).to_owned()),
        };
        let files = match self.files {
            0 => lang.pick("Tidak ada", "None").to_owned(),
            1 => lang.pick("1 berkas", "1 file").to_owned(),
            n => format!("{n} {}", lang.pick("berkas", "files")),
        };
        ConfirmationView { mailed, address, message, files }
    }
}

/// The confirmation as `templates/api/status.html` shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfirmationView {
    /// The receipt was queued to `address`.
    pub mailed: bool,
    /// The masked address; empty when no receipt was sent.
    pub address: String,
    /// The sentence about the receipt (followed by the address when mailed).
    pub message: String,
    /// The number of files sent, in words ("2 berkas", "Tidak ada").
    pub files: String,
}

/// What the confirmation (and the JSON answer's `pesan`) says when the receipt was not mailed
/// because of the daily limit.
pub(super) fn receipt_withheld_message(lang: Lang) -> &'static str {
    lang.pick(
        "Pengaduan Anda diterima, tetapi tanda terima tidak dikirim ke surel Anda karena alamat itu sudah menerima batas tanda terima hari ini. Simpan nomor register dan kode lacak di halaman ini.",
        "Your complaint has been received, but no receipt was emailed to you because that address has already had today's limit of receipts. Keep the register number and tracking code on this page.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> TrackingCode {
        TrackingCode::parse("7KQ2-M9XD-4TPA").unwrap()
    }

    #[test]
    fn a_sealed_confirmation_opens_for_its_complaint_until_it_expires() {
        let now: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
        let sent = Confirmation::new(Some("budi@contoh.co.id"), false, true, 2);
        assert_eq!(sent.receipt, ReceiptOutcome::Mailed("b•••@c•••.co.id".into()));
        let sealed = sent.seal(None, "PGD-2026-00001", &code(), now);
        assert!(!sealed.contains("budi") && !sealed.contains("contoh"), "{sealed}");
        let open = |nomor, code: &TrackingCode, at: Timestamp| Confirmation::open(None, nomor, code, &sealed, at);
        assert_eq!(open("PGD-2026-00001", &code(), now).as_ref(), Some(&sent));
        let last = now + VALID_FOR;
        assert_eq!(open("PGD-2026-00001", &code(), last).as_ref(), Some(&sent), "valid to its last second");
        assert_eq!(open("PGD-2026-00001", &code(), last + jiff::SignedDuration::from_secs(1)), None, "expired");
        assert_eq!(open("PGD-2026-00002", &code(), now), None, "another complaint");
        assert_eq!(open("PGD-2026-00001", &TrackingCode::parse("7KQ2-M9XD-4TPB").unwrap(), now), None);
    }

    #[test]
    fn each_outcome_survives_the_seal_and_is_worded() {
        let now: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
        let cases = [
            (Confirmation::new(None, false, true, 0), "tidak mengisi alamat surel"),
            (Confirmation::new(Some("a@b.id"), true, true, 1), "secara anonim"),
            (Confirmation::new(Some("a@b.id"), false, false, 3), "batas tanda terima"),
        ];
        for (c, words) in cases {
            let sealed = c.seal(None, "PGD-2026-00001", &code(), now);
            assert_eq!(Confirmation::open(None, "PGD-2026-00001", &code(), &sealed, now).as_ref(), Some(&c));
            let view = c.view(Lang::Id);
            assert!(!view.mailed && view.address.is_empty() && view.message.contains(words), "{view:?}");
        }
        let view = Confirmation::new(Some("a@b.id"), false, true, 2).view(Lang::En);
        assert_eq!((view.mailed, view.address.as_str(), view.files.as_str()), (true, "a•••@b•••.id", "2 files"));
        assert_eq!(Confirmation::new(None, false, true, 1).view(Lang::Id).files, "1 berkas");
    }
}
