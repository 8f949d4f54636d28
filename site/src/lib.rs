//! The office's public website as a library: builds it from Markdown and templates and checks
//! its links. It knows pages, languages, search and where content lives; nothing of complaints'
//! storage or HTTP (the `site-gen` binary composes it with those for `serve`).
//!
//! - [`build`]: loading, parallel rendering and link checks; [`output`] writes what changed;
//! - [`content`], [`markdown`], [`templates`], [`config`]: the editor's inputs;
//! - [`placeholders`]: the `CONTOH` values and example domains a production build refuses;
//! - [`search`]: the Pagefind index and the search page's list of pages;
//! - [`check`]: link and anchor checks on the built output;
//! - [`rules`]: where the service page and the holiday calendar live, read through core.

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
pub mod templates;

pub use build::{BuildOptions, BuildReport, build};
pub use diagnostics::{BuildFailure, Diagnostic};
