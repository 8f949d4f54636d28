//! The store's settings (register prefix, office time zone, tracking-code key), read from the
//! environment with safe defaults. The HTTP handler's own (CORS origin, origin secret, rate limit)
//! are `form_fn::HttpConfig`.

use jiff::tz::TimeZone;
use pengaduan_core::register::{DEFAULT_PREFIX, is_valid_prefix};

/// The environment variable that fixes "now" (RFC 3339) for the programs of a local
/// installation (the staff tool, `site-gen serve`), for tests and training sessions: both read it,
/// so a test runs them at one moment.
pub const CLOCK_VARIABLE: &str = "PENGADUAN_STAF_WAKTU";

/// Settings of the complaint store and its intake rules.
#[derive(Debug, Clone)]
pub struct Config {
    /// Prefix of register numbers (`PENGADUAN_PREFIX`, default `PGD`).
    pub prefix: String,
    /// The office's time zone (`PENGADUAN_TIMEZONE`, default `Asia/Jakarta`): it decides the
    /// year of a register number and the dates shown.
    pub timezone: TimeZone,
    /// The key tracking codes are stored under (`PENGADUAN_CODE_KEY`; on AWS read from Secrets
    /// Manager at cold start; locally a key file, see [`local_code_key`]). Without one, codes
    /// are stored as plain SHA-256 digests.
    pub code_key: Option<CodeKey>,
}

/// The secret that keys tracking-code digests. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeKey(Vec<u8>);

impl CodeKey {
    /// Fewer bytes than this would make the key itself guessable.
    pub const MIN_LEN: usize = 32;

    /// A key from its text, when it is long enough.
    pub fn new(text: &str) -> Option<Self> {
        let text = text.trim();
        (text.len() >= Self::MIN_LEN).then(|| Self(text.as_bytes().to_vec()))
    }

    /// The key's bytes, for the digest.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeKey(…)")
    }
}

/// The local key in `dir/kode-lacak.key`, created (64 random hex digits) on first use, for
/// `site-gen serve` and the staff tool on the same SQLite file: both must use the same key, or
/// the codes one stores cannot be checked by the other.
pub fn local_code_key(dir: &std::path::Path) -> std::io::Result<CodeKey> {
    let path = dir.join("kode-lacak.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => CodeKey::new(&text).ok_or_else(|| {
            std::io::Error::other(format!("{} is shorter than {} characters", path.display(), CodeKey::MIN_LEN))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
            let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            std::io::Write::write_all(&mut options.open(&path)?, text.as_bytes())?;
            Ok(CodeKey(text.into_bytes()))
        }
        Err(e) => Err(e),
    }
}

/// A setting with a value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    name: &'static str,
    problem: String,
}

impl ConfigError {
    /// The setting `name` and what is wrong with its value.
    pub fn new(name: &'static str, problem: impl Into<String>) -> Self {
        Self { name, problem: problem.into() }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self { prefix: DEFAULT_PREFIX.to_owned(), timezone: jakarta(), code_key: None }
    }
}

fn jakarta() -> TimeZone {
    office_time_zone("Asia/Jakarta").expect("Asia/Jakarta is one of Indonesia's zones")
}

/// Indonesia's four zone names and their offsets. None has had daylight saving time since
/// 1964, so a fixed offset is exact for every complaint: the Lambda function then needs no time
/// zone database at all (a bundled one costs about 250 KB of binary and cold start).
const INDONESIAN_ZONES: [(&str, i8); 4] =
    [("Asia/Jakarta", 7), ("Asia/Pontianak", 7), ("Asia/Makassar", 8), ("Asia/Jayapura", 9)];

/// The office's time zone by its IANA name: Indonesia's zones as fixed offsets, any other from
/// the system's time zone database.
pub fn office_time_zone(name: &str) -> Result<TimeZone, jiff::Error> {
    match INDONESIAN_ZONES.iter().find(|(zone, _)| *zone == name) {
        Some((_, hours)) => Ok(TimeZone::fixed(jiff::tz::Offset::constant(*hours))),
        None => TimeZone::get(name),
    }
}

impl Config {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get`, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config = Self::default();
        if let Some(prefix) = get("PENGADUAN_PREFIX").filter(|p| !p.is_empty()) {
            if !is_valid_prefix(&prefix) {
                return Err(ConfigError { name: "PENGADUAN_PREFIX", problem: "must be 1 to 10 letters A-Z".into() });
            }
            config.prefix = prefix;
        }
        if let Some(tz) = get("PENGADUAN_TIMEZONE").filter(|t| !t.is_empty()) {
            config.timezone = office_time_zone(&tz)
                .map_err(|e| ConfigError { name: "PENGADUAN_TIMEZONE", problem: e.to_string() })?;
        }
        if let Some(key) = get("PENGADUAN_CODE_KEY").filter(|k| !k.trim().is_empty()) {
            config.code_key = Some(CodeKey::new(&key).ok_or(ConfigError {
                name: "PENGADUAN_CODE_KEY",
                problem: format!("must be at least {} characters", CodeKey::MIN_LEN),
            })?);
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn defaults_are_safe() {
        let c = Config::from_lookup(env(&[])).unwrap();
        assert_eq!(c.prefix, "PGD");
        assert_eq!(c.code_key, None);
        assert_eq!(hours(&c.timezone), 7);
    }

    fn hours(tz: &TimeZone) -> i32 {
        tz.to_offset(jiff::Timestamp::UNIX_EPOCH).seconds() / 3600
    }

    #[test]
    fn indonesian_zones_need_no_time_zone_database() {
        for (name, offset) in [("Asia/Jakarta", 7), ("Asia/Pontianak", 7), ("Asia/Makassar", 8), ("Asia/Jayapura", 9)] {
            let tz = office_time_zone(name).unwrap();
            assert_eq!(hours(&tz), offset, "{name}");
            // The same offset today and in 1970: Indonesia keeps no daylight saving time.
            assert_eq!(tz.to_offset("2026-07-01T00:00:00Z".parse().unwrap()).seconds() / 3600, offset);
        }
    }

    #[test]
    fn reads_every_setting() {
        let c =
            Config::from_lookup(env(&[("PENGADUAN_PREFIX", "ADU"), ("PENGADUAN_TIMEZONE", "Asia/Makassar")])).unwrap();
        assert_eq!(c.prefix, "ADU");
        assert_eq!(hours(&c.timezone), 8);
    }

    #[test]
    fn rejects_bad_values_by_name() {
        for (k, v) in [("PENGADUAN_PREFIX", "pgd"), ("PENGADUAN_TIMEZONE", "Mars/Base")] {
            let err = Config::from_lookup(env(&[(k, v)])).unwrap_err();
            assert!(err.to_string().starts_with(k), "{err}");
        }
    }

    #[test]
    fn the_code_key_is_long_enough_and_never_printed() {
        let key = "k".repeat(40);
        let c = Config::from_lookup(env(&[("PENGADUAN_CODE_KEY", &key)])).unwrap();
        assert_eq!(c.code_key.as_ref().map(CodeKey::bytes), Some(key.as_bytes()));
        assert!(!format!("{c:?}").contains(&key), "the key must not reach logs");
        let err = Config::from_lookup(env(&[("PENGADUAN_CODE_KEY", "pendek")])).unwrap_err();
        assert!(err.to_string().starts_with("PENGADUAN_CODE_KEY"), "{err}");
    }

    #[test]
    fn the_local_key_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = local_code_key(dir.path()).unwrap();
        assert_eq!(first.bytes().len(), 64);
        assert_eq!(local_code_key(dir.path()).unwrap(), first, "the same key on every start");
        let other = tempfile::tempdir().unwrap();
        assert_ne!(local_code_key(other.path()).unwrap(), first, "random per office");
    }
}
