//! Scanning attachments with a local clamd (ClamAV's daemon, Debian's `clamav-daemon`), named by
//! `CLAMD_URL`: `unix:///run/clamav/clamd.ctl` or `tcp://127.0.0.1:3310`. The bytes go over
//! clamd's INSTREAM command (through the `clamav-client` crate); its answer, `stream: OK` or
//! `stream: <signature> FOUND`, becomes a [`ScanState`].

use pengaduan_core::scan::ScanState;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable naming the clamd to scan with.
pub const CLAMD_URL: &str = "CLAMD_URL";

/// How long one scan may take before it counts as no answer: a file is a few megabytes at most.
const SCAN_TIMEOUT: Duration = Duration::from_secs(60);

/// A scan that gave no answer (clamd unreachable, too slow, or refusing the stream).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// clamd could not be reached or the connection failed.
    #[error("clamd unreachable: {0}")]
    Io(#[from] std::io::Error),
    /// clamd did not answer within the time allowed.
    #[error("clamd did not answer within {0:?}")]
    Timeout(Duration),
    /// clamd answered something else than a verdict (e.g. `INSTREAM size limit exceeded. ERROR`).
    #[error("clamd answered {0:?}")]
    Reply(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Unix(PathBuf),
    Tcp(String),
}

/// A clamd to scan with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clamd {
    target: Target,
}

impl Clamd {
    /// Reads `unix:///path/to/clamd.sock` or `tcp://host:port`.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        let target = if let Some(path) = url.strip_prefix("unix://") {
            if !path.starts_with('/') {
                return Err(format!("{CLAMD_URL} unix:// butuh jalur absolut, mis. unix:///run/clamav/clamd.ctl"));
            }
            Target::Unix(PathBuf::from(path))
        } else if let Some(addr) = url.strip_prefix("tcp://") {
            let addr = addr.trim_end_matches('/');
            match addr.rsplit_once(':') {
                Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Target::Tcp(addr.to_owned()),
                _ => return Err(format!("{CLAMD_URL} tcp:// butuh host:port, mis. tcp://127.0.0.1:3310")),
            }
        } else {
            return Err(format!("{CLAMD_URL} harus unix:///JALUR/clamd.sock atau tcp://HOST:PORT, bukan {url:?}"));
        };
        Ok(Self { target })
    }

    /// The clamd `CLAMD_URL` names; `None` when it is unset or empty.
    pub fn from_env() -> Result<Option<Self>, String> {
        match std::env::var(CLAMD_URL) {
            Ok(url) if !url.trim().is_empty() => Self::parse(&url).map(Some),
            _ => Ok(None),
        }
    }

    /// Whether clamd answers `PING` with `PONG`.
    pub async fn ping(&self) -> bool {
        let reply = match &self.target {
            Target::Unix(path) => {
                clamav_client::tokio::ping(clamav_client::tokio::Socket { socket_path: path.as_path() }).await
            }
            Target::Tcp(addr) => {
                clamav_client::tokio::ping(clamav_client::tokio::Tcp { host_address: addr.as_str() }).await
            }
        };
        matches!(reply, Ok(r) if r == clamav_client::PONG)
    }

    /// Scans `bytes`: [`ScanState::Bersih`] or [`ScanState::Terinfeksi`], or why there is no answer.
    pub async fn scan(&self, bytes: &[u8]) -> Result<ScanState, ScanError> {
        let reply = async {
            match &self.target {
                Target::Unix(path) => {
                    let socket = clamav_client::tokio::Socket { socket_path: path.as_path() };
                    clamav_client::tokio::scan_buffer(bytes, socket, None).await
                }
                Target::Tcp(addr) => {
                    let tcp = clamav_client::tokio::Tcp { host_address: addr.as_str() };
                    clamav_client::tokio::scan_buffer(bytes, tcp, None).await
                }
            }
        };
        let reply = tokio::time::timeout(SCAN_TIMEOUT, reply).await.map_err(|_| ScanError::Timeout(SCAN_TIMEOUT))??;
        parse_reply(&reply)
    }
}

/// Reads clamd's answer to one INSTREAM: `stream: OK` or `stream: <signature> FOUND`, ended by
/// a NUL (the `z` form of the command).
fn parse_reply(reply: &[u8]) -> Result<ScanState, ScanError> {
    let text = String::from_utf8_lossy(reply);
    let text = text.trim_end_matches(['\0', '\n', '\r']).trim();
    let verdict = text.strip_prefix("stream:").map(str::trim);
    match verdict {
        Some("OK") => Ok(ScanState::Bersih),
        Some(v) => match v.strip_suffix(" FOUND") {
            Some(signature) if !signature.trim().is_empty() => {
                Ok(ScanState::Terinfeksi { signature: signature.trim().to_owned() })
            }
            _ => Err(ScanError::Reply(text.to_owned())),
        },
        None => Err(ScanError::Reply(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_socket_or_a_tcp_address() {
        assert_eq!(
            Clamd::parse("unix:///run/clamav/clamd.ctl").unwrap().target,
            Target::Unix("/run/clamav/clamd.ctl".into())
        );
        assert_eq!(Clamd::parse("tcp://127.0.0.1:3310").unwrap().target, Target::Tcp("127.0.0.1:3310".into()));
        for bad in ["", "/run/clamav/clamd.ctl", "unix://relative.sock", "tcp://host", "tcp://:3310", "http://x:1"] {
            assert!(Clamd::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replies_become_scan_states() {
        assert_eq!(parse_reply(b"stream: OK\0").unwrap(), ScanState::Bersih);
        assert_eq!(
            parse_reply(b"stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0").unwrap(),
            ScanState::Terinfeksi { signature: "Eicar-Test-Signature.UNOFFICIAL".into() }
        );
        for bad in [&b"INSTREAM size limit exceeded. ERROR\0"[..], b"", b"stream:  FOUND\0", b"stream: ERROR\0"] {
            assert!(matches!(parse_reply(bad), Err(ScanError::Reply(_))), "{bad:?}");
        }
    }
}
