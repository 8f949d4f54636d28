//! The tracking code as a replay record keeps it: sealed (ChaCha20-Poly1305), never in the
//! clear. A replay must answer with the same code for a day, yet a copy of the database must not
//! hand out codes. The key is derived from the office's code key and from the replay's own
//! input (the client's idempotency key, or the sender's block and the content), which the store
//! never holds: it keeps only that input's digest. The record's digest is the associated data, so
//! a sealed code cannot be moved to another record.
//!
//! The same sealing, under another purpose, carries short-lived values through a URL
//! ([`seal_text`], [`open_text`]): the confirmation after submitting names the masked address
//! its receipt went to without the browser's history holding it.

use crate::StoreError;
use crate::config::CodeKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sha2::Sha256;

/// The mark of a sealed code; a value without it is a record written before codes were sealed
/// (it expires within its day).
const SEALED_PREFIX: &str = "seal1:";

/// The purpose a replay record's key is derived for.
const REPLAY: &str = "replay-seal";

/// The key of one sealed value: HMAC-SHA256 under the office's code key (or a fixed label
/// without one) of its purpose and input.
fn record_key(office: Option<&CodeKey>, purpose: &str, replay_input: &str) -> LessSafeKey {
    LessSafeKey::new(
        UnboundKey::new(&CHACHA20_POLY1305, &key_bytes(office, purpose, replay_input)).expect("a 32-byte key"),
    )
}

/// The bytes of [`record_key`].
fn key_bytes(office: Option<&CodeKey>, purpose: &str, replay_input: &str) -> [u8; 32] {
    const NO_OFFICE_KEY: &[u8] = b"pengaduan replay record without an office key";
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(office.map_or(NO_OFFICE_KEY, CodeKey::bytes))
        .expect("HMAC takes a key of any length");
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(replay_input.as_bytes());
    mac.finalize().into_bytes().into()
}

/// `code` sealed for the replay record whose input is `replay_input` and digest `record`.
pub(crate) fn seal(office: Option<&CodeKey>, replay_input: &str, record: &str, code: &str) -> String {
    // A random 96-bit nonce is safe here: each record's key seals one code, rarely a few.
    let mut nonce = [0u8; NONCE_LEN];
    // Without the OS's CSPRNG no seal can be safe: failing loudly beats a repeated nonce.
    getrandom::fill(&mut nonce).expect("the operating system's random source is available");
    seal_with_nonce(office, (REPLAY, replay_input), record, code, nonce)
}

/// `text` sealed under the key for `purpose` and `input`, bound to `record` (associated data):
/// URL-safe, opened only by [`open_text`] with the same four. Deterministic: the same text for
/// the same record seals to the same value (a replayed submission's redirect is the first one,
/// byte for byte), and the nonce, a MAC of record and text, repeats only for that same message.
pub fn seal_text(office: Option<&CodeKey>, purpose: &str, input: &str, record: &str, text: &str) -> String {
    // The nonce's MAC key is derived apart from the cipher's key.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key_bytes(office, &format!("{purpose}-nonce"), input))
        .expect("HMAC takes a key of any length");
    mac.update(record.as_bytes());
    mac.update(b"\0");
    mac.update(text.as_bytes());
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&mac.finalize().into_bytes()[..NONCE_LEN]);
    seal_with_nonce(office, (purpose, input), record, text, nonce)
}

fn seal_with_nonce(
    office: Option<&CodeKey>,
    (purpose, input): (&str, &str),
    record: &str,
    text: &str,
    nonce: [u8; NONCE_LEN],
) -> String {
    let mut sealed = text.as_bytes().to_vec();
    record_key(office, purpose, input)
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(record.as_bytes()), &mut sealed)
        .expect("sealing a short text cannot fail");
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The code in `stored`, sealed by [`seal`] with the same key, input and record; a value written
/// before codes were sealed is returned as it is.
pub(crate) fn open(
    office: Option<&CodeKey>,
    replay_input: &str,
    record: &str,
    stored: &str,
) -> Result<String, StoreError> {
    if !stored.starts_with(SEALED_PREFIX) {
        return Ok(stored.to_owned());
    }
    open_text(office, REPLAY, replay_input, record, stored)
        .ok_or_else(|| StoreError::Corrupt("idempotency record: the sealed tracking code cannot be opened".into()))
}

/// The text [`seal_text`] sealed with the same key, purpose, input and record; `None` for
/// anything else (another key or record, a changed or cut value).
pub fn open_text(office: Option<&CodeKey>, purpose: &str, input: &str, record: &str, sealed: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(sealed.strip_prefix(SEALED_PREFIX)?).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut sealed = sealed.to_vec();
    let text =
        record_key(office, purpose, input).open_in_place(nonce, Aad::from(record.as_bytes()), &mut sealed).ok()?;
    String::from_utf8(text.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> CodeKey {
        CodeKey::new(&c.to_string().repeat(40)).unwrap()
    }

    #[test]
    fn a_sealed_code_opens_with_its_key_input_and_record_only() {
        let code = "7KQ2-M9XD-4TPA";
        let sealed = seal(Some(&key('a')), "key:abcdefgh", "rec", code);
        assert!(sealed.starts_with(SEALED_PREFIX) && !sealed.contains("7KQ2") && !sealed.contains("7KQ2M9XD"));
        assert_eq!(open(Some(&key('a')), "key:abcdefgh", "rec", &sealed).unwrap(), code);
        assert_ne!(seal(Some(&key('a')), "key:abcdefgh", "rec", code), sealed, "a fresh nonce each time");
        for (k, input, record) in [
            (Some(key('b')), "key:abcdefgh", "rec"),
            (None, "key:abcdefgh", "rec"),
            (Some(key('a')), "key:abcdefgi", "rec"),
            (Some(key('a')), "key:abcdefgh", "other"),
        ] {
            assert!(matches!(open(k.as_ref(), input, record, &sealed), Err(StoreError::Corrupt(_))));
        }
        let mut tampered = sealed.clone();
        tampered.pop();
        assert!(open(Some(&key('a')), "key:abcdefgh", "rec", &tampered).is_err());
        assert!(open(Some(&key('a')), "key:abcdefgh", "rec", "seal1:AAAA").is_err());
    }

    #[test]
    fn a_sealed_text_opens_for_its_purpose_only() {
        let sealed = seal_text(Some(&key('a')), "konfirmasi", "CODE", "PGD-2026-00001", "b•••@c•••.co.id");
        assert_eq!(seal_text(Some(&key('a')), "konfirmasi", "CODE", "PGD-2026-00001", "b•••@c•••.co.id"), sealed);
        let other = seal_text(Some(&key('a')), "konfirmasi", "CODE", "PGD-2026-00001", "c•••@c•••.co.id");
        assert_ne!(other[6..22], sealed[6..22], "another text, another nonce");
        assert!(!sealed.contains('•') && sealed.chars().all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c)));
        let open = |purpose, input, record| open_text(Some(&key('a')), purpose, input, record, &sealed);
        assert_eq!(open("konfirmasi", "CODE", "PGD-2026-00001").as_deref(), Some("b•••@c•••.co.id"));
        assert_eq!(open(REPLAY, "CODE", "PGD-2026-00001"), None, "another purpose");
        assert_eq!(open("konfirmasi", "CODF", "PGD-2026-00001"), None);
        assert_eq!(open("konfirmasi", "CODE", "PGD-2026-00002"), None);
        assert_eq!(open_text(None, "konfirmasi", "CODE", "PGD-2026-00001", &sealed), None);
        assert_eq!(open_text(None, "konfirmasi", "CODE", "PGD-2026-00001", "plain"), None);
    }

    #[test]
    fn without_an_office_key_the_input_still_seals_and_old_plain_records_read_as_they_are() {
        let sealed = seal(None, "content:2001:db8::/64:abc", "rec", "AAAA-BBBB-CCCC");
        assert_eq!(open(None, "content:2001:db8::/64:abc", "rec", &sealed).unwrap(), "AAAA-BBBB-CCCC");
        assert!(open(None, "content:other", "rec", &sealed).is_err());
        assert_eq!(open(None, "x", "rec", "AAAA-BBBB-CCCC").unwrap(), "AAAA-BBBB-CCCC");
    }
}
