//! The handler's settings, read from the environment with safe defaults.

use jiff::tz::TimeZone;
use pengaduan_core::register::{DEFAULT_PREFIX, is_valid_prefix};

/// Submissions per source and hour when `PENGADUAN_RATE_LIMIT_PER_HOUR` is unset.
pub const DEFAULT_RATE_LIMIT_PER_HOUR: u32 = 10;

/// Settings of the complaint handler.
#[derive(Debug, Clone)]
pub struct Config {
    /// Prefix of register numbers (`PENGADUAN_PREFIX`, default `PGD`).
    pub prefix: String,
    /// The office's time zone (`PENGADUAN_TIMEZONE`, default `Asia/Jakarta`): it decides the
    /// year of a register number and the dates shown.
    pub timezone: TimeZone,
    /// Submissions allowed per source and hour (`PENGADUAN_RATE_LIMIT_PER_HOUR`); 0 turns it off.
    pub rate_limit_per_hour: u32,
    /// The only origin allowed by CORS (`SITE_ORIGIN`); none when unset.
    pub site_origin: Option<String>,
    /// The secret CloudFront sends in `X-Origin-Verify` (`PENGADUAN_ORIGIN_SECRET`): only a
    /// request carrying it may name the visitor's address in `CloudFront-Viewer-Address`.
    pub origin_secret: Option<String>,
}

/// A setting with a value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    name: &'static str,
    problem: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            prefix: DEFAULT_PREFIX.to_owned(),
            timezone: jakarta(),
            rate_limit_per_hour: DEFAULT_RATE_LIMIT_PER_HOUR,
            site_origin: None,
            origin_secret: None,
        }
    }
}

fn jakarta() -> TimeZone {
    TimeZone::get("Asia/Jakarta").expect("the bundled time zone database has Asia/Jakarta")
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
            config.timezone =
                TimeZone::get(&tz).map_err(|e| ConfigError { name: "PENGADUAN_TIMEZONE", problem: e.to_string() })?;
        }
        if let Some(limit) = get("PENGADUAN_RATE_LIMIT_PER_HOUR").filter(|l| !l.is_empty()) {
            config.rate_limit_per_hour = limit.trim().parse().map_err(|_| ConfigError {
                name: "PENGADUAN_RATE_LIMIT_PER_HOUR",
                problem: format!("not a whole number: {limit:?}"),
            })?;
        }
        config.origin_secret = get("PENGADUAN_ORIGIN_SECRET").filter(|s| !s.is_empty());
        config.site_origin =
            get("SITE_ORIGIN").map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty());
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
        assert_eq!(c.rate_limit_per_hour, DEFAULT_RATE_LIMIT_PER_HOUR);
        assert_eq!(c.site_origin, None);
        assert_eq!(c.timezone.iana_name(), Some("Asia/Jakarta"));
    }

    #[test]
    fn reads_every_setting() {
        let c = Config::from_lookup(env(&[
            ("PENGADUAN_PREFIX", "ADU"),
            ("PENGADUAN_TIMEZONE", "Asia/Makassar"),
            ("PENGADUAN_RATE_LIMIT_PER_HOUR", "0"),
            ("SITE_ORIGIN", "https://dpmptsp.example/"),
            ("PENGADUAN_ORIGIN_SECRET", "abc123"),
        ]))
        .unwrap();
        assert_eq!(c.origin_secret.as_deref(), Some("abc123"));
        assert_eq!(c.prefix, "ADU");
        assert_eq!(c.timezone.iana_name(), Some("Asia/Makassar"));
        assert_eq!(c.rate_limit_per_hour, 0);
        assert_eq!(c.site_origin.as_deref(), Some("https://dpmptsp.example"));
    }

    #[test]
    fn rejects_bad_values_by_name() {
        for (k, v) in
            [("PENGADUAN_PREFIX", "pgd"), ("PENGADUAN_TIMEZONE", "Mars/Base"), ("PENGADUAN_RATE_LIMIT_PER_HOUR", "-1")]
        {
            let err = Config::from_lookup(env(&[(k, v)])).unwrap_err();
            assert!(err.to_string().starts_with(k), "{err}");
        }
    }
}
