//! site-gen: builds the office's public website from Markdown and templates, checks its links,
//! and serves it with the complaint API for local work.
//!
//! - [`build`]: loading, parallel rendering and link checks; [`output`] writes what changed;
//! - [`content`], [`markdown`], [`templates`], [`config`]: the editor's inputs;
//! - [`placeholders`]: the `CONTOH` values and example domains a production build refuses;
//! - [`search`]: the Pagefind index and the search page's list of pages;
//! - [`check`]: link and anchor checks on the built output;
//! - [`serve`]: the local server with live reload and the API.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod links;
pub mod markdown;
pub mod output;
pub mod placeholders;
pub mod search;
pub mod serve;
pub mod templates;

pub use build::{BuildOptions, BuildReport, build};
pub use diagnostics::{BuildFailure, Diagnostic};
