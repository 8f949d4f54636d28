//! The office's public website as a library: builds it from Markdown and templates and checks
//! its links. It knows pages, languages, search and where content lives; nothing of complaints'
//! storage or HTTP (the `site-gen` binary composes it with those for `serve`).
//!
//! - [`build`]: loading, parallel rendering and link checks; [`output`] writes what changed;
//! - [`content`], [`markdown`], [`templates`], [`config`]: the editor's inputs;
//! - [`placeholders`]: the `CONTOH` values and example domains a production build refuses;
//! - [`search`]: the Pagefind index and the search page's list of pages;
//! - [`check`]: link and anchor checks on the built output;
//! - [`statistik`]: the public statistics page and its open data, rendered from the figures
//!   file in the output folder;
//! - [`rules`]: where the service page and the holiday calendar live, read through core;
//! - [`edit`]: the editors' API (the console's `/staf/konten/`): which content files may be
//!   changed, the real build and checks run in memory on changed texts, previews, and writing
//!   published texts into `content/`.
//!
//! Every build (`build`, `check`, `serve`, and the editor's in-memory builds) also writes
//! `aturan-layanan.json` ([`pengaduan_core::published::FILE`]) at the output's root: the service
//! page's procedures and time limits and the holiday calendar as JSON
//! ([`pengaduan_core::published::PublishedRules`], read by [`rules::published_rules`] from the
//! same files as [`rules::load_rules`] and [`rules::load_calendar`]), with a stable digest, so a
//! program that has only the published site follows the rules its pages state. A site without
//! the service page or the calendar writes none.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod edit;
pub mod links;
pub mod markdown;
pub mod output;
pub mod placeholders;
pub mod rules;
pub mod search;
pub mod statistik;
pub mod templates;

pub use build::{BuildOptions, BuildReport, build};
pub use diagnostics::{BuildFailure, Diagnostic};
