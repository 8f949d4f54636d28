//! The handler's HTTP settings, read from the environment with safe defaults: which origin CORS
//! allows, when to believe the address CloudFront reports, how often one source may submit. The
//! store's settings (prefix, time zone, code key) are [`pengaduan_store::Config`].

use pengaduan_store::config::ConfigError;

/// Submissions per source and hour when `PENGADUAN_RATE_LIMIT_PER_HOUR` is unset.
pub const DEFAULT_RATE_LIMIT_PER_HOUR: u32 = 10;

/// Receipts mailed to one address per day when `PENGADUAN_RECEIPTS_PER_ADDRESS_PER_DAY` is unset:
/// a day of the most one source may submit in an hour, which no honest complainant reaches.
pub const DEFAULT_RECEIPTS_PER_ADDRESS_PER_DAY: u32 = 10;

/// Settings of the complaint handler's HTTP side.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Submissions allowed per source and hour (`PENGADUAN_RATE_LIMIT_PER_HOUR`); 0 turns it off.
    pub rate_limit_per_hour: u32,
    /// Receipts mailed to one address per day (`PENGADUAN_RECEIPTS_PER_ADDRESS_PER_DAY`): past
    /// it a complaint is still taken, without a receipt, so that nobody can aim the office's
    /// mail at an address; 0 turns it off. Unset, it follows `PENGADUAN_RATE_LIMIT_PER_HOUR`'s
    /// switch: the contract's `0` turns intake's limits off, and then every complaint with an
    /// email gets its receipt, as the contract says.
    pub receipts_per_address_per_day: u32,
    /// The only origin allowed by CORS (`SITE_ORIGIN`); none when unset.
    pub site_origin: Option<String>,
    /// The secret CloudFront sends in `X-Origin-Verify` (`PENGADUAN_ORIGIN_SECRET`): only a
    /// request carrying it may name the visitor's address in `CloudFront-Viewer-Address`.
    pub origin_secret: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            rate_limit_per_hour: DEFAULT_RATE_LIMIT_PER_HOUR,
            receipts_per_address_per_day: DEFAULT_RECEIPTS_PER_ADDRESS_PER_DAY,
            site_origin: None,
            origin_secret: None,
        }
    }
}

impl HttpConfig {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get`, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config = Self::default();
        let whole = |name: &'static str, default: u32| match get(name).filter(|l| !l.is_empty()) {
            Some(limit) => {
                limit.trim().parse().map_err(|_| ConfigError::new(name, format!("not a whole number: {limit:?}")))
            }
            None => Ok(default),
        };
        config.rate_limit_per_hour = whole("PENGADUAN_RATE_LIMIT_PER_HOUR", config.rate_limit_per_hour)?;
        let receipts_default = if config.rate_limit_per_hour == 0 { 0 } else { config.receipts_per_address_per_day };
        config.receipts_per_address_per_day = whole("PENGADUAN_RECEIPTS_PER_ADDRESS_PER_DAY", receipts_default)?;
        config.origin_secret = get("PENGADUAN_ORIGIN_SECRET").filter(|s| !s.is_empty());
        config.site_origin =
            get("SITE_ORIGIN").map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty());
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn defaults_are_safe() {
        let c = HttpConfig::from_lookup(env(&[])).unwrap();
        assert_eq!(c.rate_limit_per_hour, DEFAULT_RATE_LIMIT_PER_HOUR);
        assert_eq!(c.receipts_per_address_per_day, DEFAULT_RECEIPTS_PER_ADDRESS_PER_DAY);
        assert_eq!(c.site_origin, None);
        assert_eq!(c.origin_secret, None);
    }

    #[test]
    fn reads_every_setting() {
        let c = HttpConfig::from_lookup(env(&[
            ("PENGADUAN_RATE_LIMIT_PER_HOUR", "0"),
            ("PENGADUAN_RECEIPTS_PER_ADDRESS_PER_DAY", "5"),
            ("SITE_ORIGIN", "https://dpmptsp.example/"),
            ("PENGADUAN_ORIGIN_SECRET", "abc123"),
        ]))
        .unwrap();
        assert_eq!(c.origin_secret.as_deref(), Some("abc123"));
        assert_eq!(c.rate_limit_per_hour, 0);
        assert_eq!(c.receipts_per_address_per_day, 5);
        assert_eq!(c.site_origin.as_deref(), Some("https://dpmptsp.example"));
    }

    #[test]
    fn turning_intakes_limit_off_turns_the_receipt_limit_off_unless_it_is_set() {
        let off = HttpConfig::from_lookup(env(&[("PENGADUAN_RATE_LIMIT_PER_HOUR", "0")])).unwrap();
        assert_eq!(off.receipts_per_address_per_day, 0, "every complaint with an email gets its receipt");
        let on = HttpConfig::from_lookup(env(&[("PENGADUAN_RATE_LIMIT_PER_HOUR", "4")])).unwrap();
        assert_eq!(on.receipts_per_address_per_day, DEFAULT_RECEIPTS_PER_ADDRESS_PER_DAY);
    }

    #[test]
    fn rejects_a_limit_that_is_not_a_whole_number_by_name() {
        for name in ["PENGADUAN_RATE_LIMIT_PER_HOUR", "PENGADUAN_RECEIPTS_PER_ADDRESS_PER_DAY"] {
            for v in ["-1", "sepuluh"] {
                let err = HttpConfig::from_lookup(env(&[(name, v)])).unwrap_err();
                assert!(err.to_string().starts_with(name), "{err}");
            }
        }
    }
}
