//! The one intake path: a validated submission from any channel (the online form, or staff
//! recording a telephone call, a letter, a LAPOR! referral) becomes a stored complaint with a
//! register number, a tracking code and a replay record. The HTTP handler and
//! `pengaduan-staf catat` both come through here, so numbering, codes and replays follow one
//! rule.

use crate::config::CodeKey;
use crate::{ComplaintStore, Config, NewComplaint, ONLINE_FRONT_OFFICE, PendingUpload, Receipt, StoreError, Submitted};
use jiff::Zoned;
use pengaduan_core::attachment::ValidFile;
use pengaduan_core::datetime::rfc3339;
use pengaduan_core::notice::Message;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_core::{Status, Submission, TrackingCode};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How long an idempotency key answers with the first result.
pub const REPLAY_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// How long the same content sent again without a key counts as the same submission: long
/// enough for a double click or a resent form, short enough that two people who share a phone
/// and write alike are not answered with each other's code.
pub const CONTENT_REPLAY_WINDOW: Duration = Duration::from_secs(10 * 60);

/// What makes two submissions "the same" for replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// The client's `Idempotency-Key` (header or form field).
    Key(String),
    /// No key: the content itself (the no-JavaScript double-submit guard), from one source (the
    /// sender's address block for the web form, empty for staff). Bound to the source, since the
    /// same words from someone else are someone else's complaint: answering them with the first
    /// sender's number and code would merge two people's complaints and hand one the other's code.
    Content(String),
}

/// One complaint to take in.
#[derive(Debug, Clone)]
pub struct Intake {
    /// The validated submission.
    pub submission: Submission,
    /// The channel it came through.
    pub channel: IntakeChannel,
    /// When it was received, in the office's time zone.
    pub received_at: Zoned,
    /// How a repeat of it is recognised.
    pub replay: Replay,
    /// Who recorded it: the online Front Office for the form, else the staff member.
    pub recorded_by: String,
    /// The files sent with it, as validated: part of the body an explicit key stands for.
    pub files: Vec<ValidFile>,
    /// Where those files wait (pending keys), to commit to the number once it is assigned.
    pub uploads: Vec<PendingUpload>,
    /// The deadline rule the receipt states, as the service page words it ("2 s/d 10 hari
    /// kerja"), when the caller knows it; in the language `lang` (`TimeLimit::text_in`).
    pub deadline_rule: Option<String>,
    /// The language the complainant wrote in (the form's page): stored with the complaint, and
    /// the receipt and every status message to them use it.
    pub lang: pengaduan_core::Lang,
    /// Whether the receipt is mailed to the complainant's address, when they gave one: not once
    /// that address had its receipts of the day (the public form's limit, see
    /// [`receipt_counter_key`](crate::receipt_counter_key)).
    pub mail_receipt: bool,
}

impl Intake {
    /// A complaint sent through the online form, with its validated files.
    pub fn online(submission: Submission, files: Vec<ValidFile>, received_at: Zoned, replay: Replay) -> Self {
        Self {
            submission,
            channel: IntakeChannel::Web,
            received_at,
            replay,
            recorded_by: ONLINE_FRONT_OFFICE.to_owned(),
            files,
            uploads: Vec::new(),
            deadline_rule: None,
            lang: pengaduan_core::Lang::Id,
            mail_receipt: true,
        }
    }

    /// The digest under which this submission's first answer is kept. Staff recording the same
    /// complaint twice from the same channel get the first number back.
    pub fn replay_key(&self) -> String {
        digest(&self.replay_input())
    }

    /// What identifies a repeat of this submission, before it is digested: only a repeat knows
    /// it, so it also keys the seal of the code in the replay record.
    fn replay_input(&self) -> String {
        let fingerprint = self.submission.fingerprint();
        match (&self.replay, self.channel) {
            (Replay::Key(key), _) => format!("key:{key}"),
            (Replay::Content(source), IntakeChannel::Web) => format!("content:{source}:{fingerprint}"),
            (Replay::Content(_), channel) => format!("staf:{}:{fingerprint}", channel.code()),
        }
    }

    /// The answer to this submission from its stored replay record at `now`, if there is one:
    /// the first answer with its code opened, or [`Submitted::KeyReused`].
    pub async fn find_replay<S: ComplaintStore>(
        &self,
        store: &S,
        config: &Config,
        now: jiff::Timestamp,
    ) -> Result<Option<Submitted>, StoreError> {
        let Some(stored) = store.find_replay(&self.replay_key(), now).await? else { return Ok(None) };
        Ok(Some(match stored.judge(self.body_digest().as_deref()) {
            Submitted::Replay(receipt) => {
                Submitted::Replay(opened(config, &self.replay_input(), &self.replay_key(), receipt)?)
            }
            other => other,
        }))
    }

    /// How long a repeat is answered with the first result: a day for a key (and for staff
    /// recording the same complaint twice), [`CONTENT_REPLAY_WINDOW`] for the online form's
    /// content fingerprint.
    pub fn replay_window(&self) -> Duration {
        match (&self.replay, self.channel) {
            (Replay::Content(_), IntakeChannel::Web) => CONTENT_REPLAY_WINDOW,
            _ => REPLAY_WINDOW,
        }
    }

    /// Digest of the whole submission, kept with an explicit key: the same key with another
    /// body is refused. `None` without a key (the fingerprint is the content itself).
    pub fn body_digest(&self) -> Option<String> {
        match &self.replay {
            // Serialising plain structs of strings, numbers and dates cannot fail.
            Replay::Key(_) => {
                let body = (&self.submission, &self.files);
                Some(digest(&serde_json::to_string(&body).unwrap_or_default()))
            }
            Replay::Content(_) => None,
        }
    }
}

/// Stores `intake` under the next number of its year (with the configured prefix, its tracking
/// code digested with the configured key), or answers a replay.
pub async fn intake<S: ComplaintStore>(store: &S, config: &Config, intake: Intake) -> Result<Submitted, StoreError> {
    let idempotency_key = intake.replay_key();
    let (window, body_digest) = (intake.replay_window(), intake.body_digest());
    let code = new_tracking_code();
    let input = intake.replay_input();
    let replay_code = crate::seal::seal(config.code_key.as_ref(), &input, &idempotency_key, &code.to_string());
    let record = idempotency_key.clone();
    let received = intake.received_at.round(jiff::Unit::Second).unwrap_or_else(|_| intake.received_at.clone());
    let sub = &intake.submission;
    let message = Message::receipt(
        &sub.personal,
        sub.anonim,
        sub.jenis,
        &sub.judul,
        &code.to_string(),
        intake.deadline_rule,
        intake.lang,
    )
    .filter(|_| intake.mail_receipt);
    let complaint = NewComplaint {
        submission: intake.submission,
        channel: intake.channel,
        recorded_by: intake.recorded_by,
        prefix: config.prefix.clone(),
        year: received.year(),
        received_at: received.timestamp(),
        received_on: received.date(),
        receipt: Receipt {
            nomor: String::new(),
            kode_lacak: code.to_string(),
            status: Status::Diterima,
            diterima_pada: rfc3339(&received),
        },
        kode_hash: code.digest_with(config.code_key.as_ref().map(CodeKey::bytes)),
        idempotency_key,
        replay_code,
        body_digest,
        uploads: intake.uploads,
        idempotency_expires_at: received.timestamp() + window,
        message,
        lang: intake.lang,
    };
    match store.submit(complaint).await? {
        // A duplicate stored meanwhile: its answer, with the code it keeps sealed opened.
        Submitted::Replay(receipt) => Ok(Submitted::Replay(opened(config, &input, &record, receipt)?)),
        other => Ok(other),
    }
}

/// A replayed answer as the caller gives it: the tracking code its replay record keeps sealed,
/// opened with the replay's `input` and the `record`'s digest.
fn opened(config: &Config, input: &str, record: &str, receipt: Receipt) -> Result<Receipt, StoreError> {
    let code = crate::seal::open(config.code_key.as_ref(), input, record, &receipt.kode_lacak)?;
    Ok(Receipt { kode_lacak: code, ..receipt })
}

/// A new tracking code from the operating system's CSPRNG.
pub fn new_tracking_code() -> TrackingCode {
    let mut bytes = [0u8; 8];
    // Without the OS's CSPRNG no code can be safe: failing loudly beats a guessable code.
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    TrackingCode::from_random(bytes)
}

/// SHA-256 of `input`, in hex: keys derived from submissions and sources never hold the text.
pub fn digest(input: &str) -> String {
    Sha256::digest(input.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission() -> Submission {
        crate::testing::submission(1)
    }

    #[test]
    fn replay_keys_differ_by_kind_and_channel() {
        let at: Zoned = "2026-11-29T13:05:09+07:00[Asia/Jakarta]".parse().unwrap();
        let web = Intake::online(submission(), Vec::new(), at.clone(), Replay::Content(String::new()));
        let keyed = Intake::online(submission(), Vec::new(), at.clone(), Replay::Key("abcdefgh".into()));
        let phone = Intake { channel: IntakeChannel::Telepon, recorded_by: "Rina".into(), ..web.clone() };
        let letter = Intake { channel: IntakeChannel::Surat, ..phone.clone() };
        let keys = [web.replay_key(), keyed.replay_key(), phone.replay_key(), letter.replay_key()];
        for (i, a) in keys.iter().enumerate() {
            assert_eq!(a.len(), 64);
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(
            web.replay_key(),
            Intake::online(submission(), Vec::new(), at, Replay::Content(String::new())).replay_key()
        );
    }

    #[test]
    fn content_replays_last_ten_minutes_keys_a_day() {
        let at: Zoned = "2026-11-29T13:05:09+07:00[Asia/Jakarta]".parse().unwrap();
        let web = Intake::online(submission(), Vec::new(), at.clone(), Replay::Content(String::new()));
        assert_eq!(web.replay_window(), Duration::from_secs(600));
        assert_eq!(web.body_digest(), None);
        let keyed = Intake::online(submission(), Vec::new(), at, Replay::Key("abcdefgh".into()));
        assert_eq!(keyed.replay_window(), Duration::from_secs(24 * 3600));
        let mut other = keyed.clone();
        other.submission.isi.push_str(" Tambahan.");
        assert_ne!(keyed.body_digest(), other.body_digest(), "another body, another digest");
        assert_eq!(keyed.body_digest().unwrap().len(), 64);
        let phone = Intake { channel: IntakeChannel::Telepon, ..web };
        assert_eq!(phone.replay_window(), Duration::from_secs(24 * 3600), "staff duplicates: a day");
    }
}
