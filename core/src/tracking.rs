//! Tracking codes (`7KQ2-M9XD-4TPA`): 60 random bits in Crockford's base 32.

use sha2::{Digest, Sha256};
use std::fmt;

/// Crockford's alphabet: no I, L, O or U, so a code read aloud or copied by hand survives.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LEN: usize = 12;

/// A tracking code given to the complainant, the secret that opens the status page.
#[derive(Clone, PartialEq, Eq)]
pub struct TrackingCode(String);

impl TrackingCode {
    /// Builds a code from 8 bytes of CSPRNG output; the low 60 bits are used.
    pub fn from_random(bytes: [u8; 8]) -> Self {
        let mut bits = u64::from_le_bytes(bytes);
        let mut code = String::with_capacity(LEN);
        for _ in 0..LEN {
            code.push(ALPHABET[(bits & 31) as usize] as char);
            bits >>= 5;
        }
        Self(code)
    }

    /// Reads a code as a person may type it: any case, with or without hyphens or spaces,
    /// and with O, I and L taken for 0, 1 and 1.
    pub fn parse(input: &str) -> Option<Self> {
        let mut code = String::with_capacity(LEN);
        for c in input.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            code.push(c);
        }
        (code.len() == LEN).then_some(Self(code))
    }

    /// A digest to store instead of the code, so that a copy of the data cannot open statuses
    /// (scheme 1: plain SHA-256, for records stored before the keyed scheme and offices with no key).
    pub fn digest(&self) -> String {
        let hash = Sha256::digest(self.0.as_bytes());
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The keyed digest (scheme 2): HMAC-SHA-256 with the office's secret, marked with
    /// [`KEYED_PREFIX`]. With 60 bits per code, a leaked table alone would allow an offline sweep
    /// of plain digests; without the key it allows none.
    pub fn keyed_digest(&self, key: &[u8]) -> String {
        use hmac::{Hmac, Mac};
        // HMAC takes keys of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
        mac.update(self.0.as_bytes());
        let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        format!("{KEYED_PREFIX}{hex}")
    }

    /// The digest to store for a new code: keyed when the office has a key.
    pub fn digest_with(&self, key: Option<&[u8]>) -> String {
        key.map_or_else(|| self.digest(), |k| self.keyed_digest(k))
    }

    /// This code's digest under the scheme `stored` was written with, to compare against it.
    /// `None` when `stored` is keyed and no key is at hand (the code cannot be checked).
    pub fn digest_like(&self, stored: &str, key: Option<&[u8]>) -> Option<String> {
        match (stored.starts_with(KEYED_PREFIX), key) {
            (true, Some(k)) => Some(self.keyed_digest(k)),
            (true, None) => None,
            (false, _) => Some(self.digest()),
        }
    }
}

/// The mark of a keyed digest (scheme 2); a digest without it is scheme 1.
pub const KEYED_PREFIX: &str = "h2:";

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[0..4], &self.0[4..8], &self.0[8..12])
    }
}

impl fmt::Debug for TrackingCode {
    // Codes are secrets: keep them out of debug output and so out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrackingCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_three_groups_of_four_from_the_alphabet() {
        let code = TrackingCode::from_random([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]).to_string();
        assert_eq!(code.len(), 14);
        let groups: Vec<&str> = code.split('-').collect();
        assert_eq!(groups.len(), 3);
        assert!(groups.iter().all(|g| g.len() == 4 && g.bytes().all(|b| ALPHABET.contains(&b))));
    }

    #[test]
    fn uses_sixty_bits() {
        // Bits above the 60th do not change the code; every one below does.
        let base = TrackingCode::from_random([0; 8]);
        assert_eq!(TrackingCode::from_random(0xF000_0000_0000_0000u64.to_le_bytes()), base);
        for bit in 0..60 {
            assert_ne!(TrackingCode::from_random((1u64 << bit).to_le_bytes()), base, "bit {bit}");
        }
    }

    #[test]
    fn parses_loosely_typed_input() {
        let code = TrackingCode::from_random(*b"abcdefgh");
        let shown = code.to_string();
        assert_eq!(TrackingCode::parse(&shown), Some(code.clone()));
        assert_eq!(TrackingCode::parse(&shown.to_lowercase().replace('-', "")), Some(code.clone()));
        assert_eq!(TrackingCode::parse(&shown.replace('-', " ")), Some(code));
        assert_eq!(TrackingCode::parse("OIL0-0000-0000").unwrap().to_string(), "0110-0000-0000");
    }

    #[test]
    fn rejects_wrong_length_or_letters() {
        for bad in ["", "7KQ2-M9XD-4TP", "7KQ2-M9XD-4TPAX", "7KQ2-M9XD-4TPU", "7KQ2-M9XD-4TP!"] {
            assert_eq!(TrackingCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn digest_is_hex_sha256_and_differs_per_code() {
        let a = TrackingCode::from_random([1; 8]);
        let b = TrackingCode::from_random([2; 8]);
        assert_eq!(a.digest().len(), 64);
        assert_ne!(a.digest(), b.digest());
        assert_eq!(format!("{a:?}"), "TrackingCode(…)");
    }

    #[test]
    fn keyed_digests_need_the_key_and_old_records_keep_working() {
        let code = TrackingCode::parse("7KQ2-M9XD-4TPA").unwrap();
        let keyed = code.keyed_digest(b"kunci-rahasia-kantor-yang-panjang");
        assert!(keyed.starts_with(KEYED_PREFIX) && keyed.len() == KEYED_PREFIX.len() + 64, "{keyed}");
        assert_ne!(keyed, code.keyed_digest(b"kunci-lain-yang-juga-panjang-sekali"), "another key, another digest");
        assert_ne!(&keyed[KEYED_PREFIX.len()..], code.digest(), "not the plain digest");
        // The same HMAC-SHA-256 any library computes (Python's hmac module gave this one).
        assert_eq!(code.keyed_digest(b"k"), "h2:add6ded7c3f6ab570993fb08fcac9404de148ae3564e338c3e69033813e5b775");
        let other = TrackingCode::parse("0000-0000-0000").unwrap();
        assert_ne!(other.keyed_digest(b"k"), code.keyed_digest(b"k"));
        let key: &[u8] = b"kunci-rahasia-kantor-yang-panjang";
        assert_eq!(code.digest_like(&keyed, Some(key)), Some(keyed.clone()));
        assert_eq!(code.digest_like(&keyed, None), None, "a keyed record cannot be checked without the key");
        assert_eq!(code.digest_like(&code.digest(), Some(key)), Some(code.digest()), "scheme 1 records still match");
        assert_eq!(code.digest_with(None), code.digest());
        assert_eq!(code.digest_with(Some(key)), keyed);
    }
}
