//! Secrets of the staff console: Argon2id password hashes, session identifiers (only their
//! digest is stored), CSRF tokens and the login form's keyed token. Every random byte comes
//! from the operating system.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// Argon2id with OWASP's first recommended setting: 19 MiB of memory, 2 passes, 1 lane.
/// Stored hashes carry their own parameters, so raising these later keeps old hashes working.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;
/// 128 bits of salt, as the PHC string format recommends.
const SALT_BYTES: usize = 16;

/// Hashing a password failed (the system's random source, or a password beyond Argon2's limits).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("the OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) of `password` with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; SALT_BYTES];
    getrandom::fill(&mut salt).map_err(|e| HashError(e.to_string()))?;
    let hash = argon2().hash_password_with_salt(password.as_bytes(), &salt).map_err(|e| HashError(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `phc`; a malformed string matches nothing. The
/// hash's own parameters are used, and the comparison is the crate's constant-time one.
pub fn verify_password(password: &str, phc: &str) -> bool {
    argon2().verify_password(password.as_bytes(), phc).is_ok()
}

/// Does the work of one verification and answers `false`: a login to an unknown or deactivated
/// account then takes as long as one with a wrong password, so timing does not tell which
/// usernames exist.
pub fn verify_unknown_account(password: &str) -> bool {
    static DECOY: LazyLock<String> =
        LazyLock::new(|| hash_password("decoy password, never valid").expect("the random source is available"));
    let _ = verify_password(password, &DECOY);
    false
}

/// A new session identifier (256 random bits, 64 hex digits) for the cookie, and its SHA-256
/// digest for the store: a leaked copy of the store holds no usable session.
pub fn new_session_id() -> (String, String) {
    let id = random_hex();
    let digest = session_digest(&id);
    (id, digest)
}

/// The digest under which the session with identifier `id` is stored (SHA-256, hex).
pub fn session_digest(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

/// A new CSRF token: 256 random bits, 64 hex digits.
pub fn new_csrf_token() -> String {
    random_hex()
}

/// The key the login form's tokens are made under. The login form has no session to hold its
/// token, so the token is a double submit (cookie and field); a plain random token there could
/// be chosen by anyone able to set a cookie for the site (a sibling subdomain, a plain-HTTP
/// hop), who would then post the same value in the field. A keyed token is one only the
/// console can make. Never printed.
#[derive(Clone)]
pub struct LoginTokenKey([u8; 32]);

impl LoginTokenKey {
    /// A fresh random key: for one process (`site-gen serve`), whose restart only makes open
    /// login forms ask to be reloaded.
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the operating system's random source is available");
        Self(key)
    }

    /// The key derived from a secret every instance shares (on AWS, the origin secret): a form
    /// one Lambda instance served then verifies on any other. The label keeps this key apart
    /// from any other use of the same secret.
    pub fn derived_from(secret: &str) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
        mac.update(b"pengaduan staf: login form token key v1");
        Self(mac.finalize().into_bytes().into())
    }

    /// A new token: 256 random bits and their HMAC-SHA-256 under this key, both in hex,
    /// joined by a dot.
    pub fn new_token(&self) -> String {
        let nonce = random_hex();
        let mac = hex(&self.mac(&nonce).finalize().into_bytes());
        format!("{nonce}.{mac}")
    }

    /// Whether `token` was made under this key (its HMAC verifies, in constant time).
    pub fn made(&self, token: &str) -> bool {
        let Some((nonce, mac)) = token.split_once('.') else { return false };
        match unhex(mac) {
            Some(mac) if nonce.len() == 64 => self.mac(nonce).verify_slice(&mac).is_ok(),
            _ => false,
        }
    }

    fn mac(&self, nonce: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(nonce.as_bytes());
        mac
    }
}

impl std::fmt::Debug for LoginTokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginTokenKey(…)")
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

fn random_hex() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    hex(&b)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let phc = hash_password("kata sandi yang panjang").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("kata sandi yang panjang", &phc));
        assert!(!verify_password("kata sandi yang panjanG", &phc));
        assert!(!verify_password("", &phc));
    }

    #[test]
    fn every_hash_has_its_own_salt() {
        let a = hash_password("sama").unwrap();
        let b = hash_password("sama").unwrap();
        assert_ne!(a, b);
        assert!(verify_password("sama", &a) && verify_password("sama", &b));
    }

    #[test]
    fn malformed_hashes_match_nothing() {
        for phc in ["", "sama", "$argon2id$v=19$m=19456,t=2,p=1$", "$2b$12$abcdefghijklmnopqrstuv"] {
            assert!(!verify_password("sama", phc), "{phc:?}");
        }
    }

    #[test]
    fn hashes_with_other_parameters_still_verify() {
        // A hash made with other settings (as after a future change of the parameters).
        let weaker = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8192, 1, 1, None).unwrap())
            .hash_password_with_salt(b"lama", b"garam-garam-16b!")
            .unwrap()
            .to_string();
        assert!(weaker.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"));
        assert!(verify_password("lama", &weaker));
        assert!(!verify_password("baru", &weaker));
    }

    #[test]
    fn unknown_accounts_never_verify() {
        assert!(!verify_unknown_account("decoy password, never valid"));
    }

    #[test]
    fn session_ids_are_random_and_stored_as_their_digest() {
        let (id, digest) = new_session_id();
        let is_hex64 = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        assert!(is_hex64(&id) && is_hex64(&digest));
        assert_ne!(id, digest);
        assert_eq!(session_digest(&id), digest);
        assert_ne!(new_session_id().0, id);
        assert_eq!(
            session_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "SHA-256 of the identifier's text"
        );
    }

    #[test]
    fn login_tokens_verify_under_their_own_key_only() {
        let key = LoginTokenKey::random();
        let token = key.new_token();
        assert!(key.made(&token), "{token}");
        assert_ne!(key.new_token(), token, "a fresh nonce each time");
        assert!(!LoginTokenKey::random().made(&token), "another key");
        let (nonce, mac) = token.split_once('.').unwrap();
        let mut flipped = mac.to_owned().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        let flipped = format!("{nonce}.{}", String::from_utf8(flipped).unwrap());
        // What someone able to set a cookie would choose: any value of the old token's shape,
        // the same in the cookie and the field.
        for chosen in [new_csrf_token(), "0".repeat(64), flipped, format!("{nonce}."), format!(".{mac}"), String::new()]
        {
            assert!(!key.made(&chosen), "{chosen:?}");
        }
        assert!(!key.made(&format!("{}.{mac}", "1".repeat(64))), "another nonce under the same MAC");
    }

    #[test]
    fn a_derived_login_key_is_the_same_on_every_instance() {
        let token = LoginTokenKey::derived_from("rahasia-cloudfront").new_token();
        assert!(LoginTokenKey::derived_from("rahasia-cloudfront").made(&token));
        assert!(!LoginTokenKey::derived_from("rahasia-lain").made(&token));
        assert!(!format!("{:?}", LoginTokenKey::derived_from("rahasia-cloudfront")).contains("rahasia"));
    }

    #[test]
    fn csrf_tokens_are_256_random_bits() {
        let a = new_csrf_token();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, new_csrf_token());
    }
}
