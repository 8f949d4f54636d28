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

    /// A digest to store instead of the code, so that a copy of the data cannot open statuses.
    pub fn digest(&self) -> String {
        let hash = Sha256::digest(self.0.as_bytes());
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }
}

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
}
