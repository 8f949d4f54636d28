//! site-gen: the office's website (built by `pengaduan-site`) served with everything a local
//! installation runs beside it: the complaint API, the staff console and the outbox
//! ([`serve`], feature `serve`). The binary (`main.rs`) is the command line over both.

#[cfg(feature = "serve")]
pub mod serve;
