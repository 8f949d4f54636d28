//! The tracking code as a replay record keeps it: sealed (ChaCha20-Poly1305), never in the
//! clear. A replay must answer with the same code for a day, yet a copy of the database must not
//! hand out codes. The key is derived from the office's code key and from the replay's own
//! input (the client's idempotency key, or the sender's block and the content), which the store
//! never holds: it keeps only that input's digest. The record's digest is the associated data, so
//! a sealed code cannot be moved to another record.

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

/// The key of one replay record: HMAC-SHA256 under the office's code key (or a fixed label
/// without one) of the replay's input.
fn record_key(office: Option<&CodeKey>, replay_input: &str) -> LessSafeKey {
    const NO_OFFICE_KEY: &[u8] = b"pengaduan replay record without an office key";
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(office.map_or(NO_OFFICE_KEY, CodeKey::bytes))
        .expect("HMAC takes a key of any length");
    mac.update(b"replay-seal\0");
    mac.update(replay_input.as_bytes());
    let bytes = mac.finalize().into_bytes();
    LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &bytes).expect("a 32-byte key"))
}

/// `code` sealed for the replay record whose input is `replay_input` and digest `record`.
pub(crate) fn seal(office: Option<&CodeKey>, replay_input: &str, record: &str, code: &str) -> String {
    // A random 96-bit nonce is safe here: each record's key seals one code, rarely a few.
    let mut nonce = [0u8; NONCE_LEN];
    // Without the OS's CSPRNG no seal can be safe: failing loudly beats a repeated nonce.
    getrandom::fill(&mut nonce).expect("the operating system's random source is available");
    let mut sealed = code.as_bytes().to_vec();
    record_key(office, replay_input)
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
    let Some(text) = stored.strip_prefix(SEALED_PREFIX) else { return Ok(stored.to_owned()) };
    let corrupt = || StoreError::Corrupt("idempotency record: the sealed tracking code cannot be opened".into());
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| corrupt())?;
    if bytes.len() < NONCE_LEN {
        return Err(corrupt());
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| corrupt())?;
    let mut sealed = sealed.to_vec();
    let code = record_key(office, replay_input)
        .open_in_place(nonce, Aad::from(record.as_bytes()), &mut sealed)
        .map_err(|_| corrupt())?;
    String::from_utf8(code.to_vec()).map_err(|_| corrupt())
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
    fn without_an_office_key_the_input_still_seals_and_old_plain_records_read_as_they_are() {
        let sealed = seal(None, "content:2001:db8::/64:abc", "rec", "AAAA-BBBB-CCCC");
        assert_eq!(open(None, "content:2001:db8::/64:abc", "rec", &sealed).unwrap(), "AAAA-BBBB-CCCC");
        assert!(open(None, "content:other", "rec", &sealed).is_err());
        assert_eq!(open(None, "x", "rec", "AAAA-BBBB-CCCC").unwrap(), "AAAA-BBBB-CCCC");
    }
}
