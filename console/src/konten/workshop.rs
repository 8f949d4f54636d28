//! The site-building side the editing pages call: which files an editor may change, their
//! published text, a real build with drafts standing in, a preview, and publishing.
//!
//! The console knows nothing of how the site is built: `site-gen serve` implements this over the
//! working tree (publishing writes `content/` and rebuilds), and on AWS a publish function does
//! (publishing builds from the store and uploads). Object-safe, so the console holds whichever
//! one its host gave it as `Arc<dyn Workshop>`.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

/// What a [`Workshop`]'s methods return: a boxed future, so the trait stays object-safe.
pub type WorkshopFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One file an editor may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditableFile {
    /// The file, relative to `content/` (`layanan/informasi-dan-pengaduan.md`,
    /// `data/hari-libur.toml`).
    pub path: String,
    /// The page's language code (`id`, `en`); `None` for a data file.
    pub lang: Option<String>,
    /// What the list shows: the page's title, or a data file's name.
    pub title: String,
    /// Whether it is a data file (`data/*.toml`) rather than a page.
    pub is_data: bool,
}

/// Why the site would not build or check with the texts given: the file, and where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The file at fault, relative to `content/`.
    pub path: String,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// The front matter's field or the data's key, when known.
    pub field: Option<String>,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
}

impl Refusal {
    /// A refusal naming no file: the site's builder could not answer (on AWS busy publishing,
    /// or unreachable), and `message` says what to do.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self { path: String::new(), line: None, field: None, message: message.into() }
    }

    /// Whether it is [`Refusal::unavailable`]: nothing is wrong with the texts.
    pub fn is_unavailable(&self) -> bool {
        self.path.is_empty()
    }

    /// The refusal as an editor reads it: the file, the line and the field, then the message.
    pub fn describe(&self) -> String {
        if self.is_unavailable() {
            return self.message.clone();
        }
        let mut at = format!("Berkas {}", self.path);
        if let Some(line) = self.line {
            at.push_str(&format!(", baris {line}"));
        }
        if let Some(field) = &self.field {
            at.push_str(&format!(", isian {field}"));
        }
        format!("{at}: {}", self.message)
    }
}

/// The site-building side of the editing pages (see the module's documentation).
pub trait Workshop: Send + Sync {
    /// Every file under `content/` an editor may change: the pages in each language and the
    /// data files.
    fn files(&self) -> WorkshopFuture<'_, Vec<EditableFile>>;

    /// The published text of `path` (the working tree under `site-gen serve`); `None` when
    /// there is no such file.
    fn live_text<'a>(&'a self, path: &'a str) -> WorkshopFuture<'a, Option<String>>;

    /// Builds and checks the whole site as it would be with `changes` (path to whole text)
    /// standing in for the published files: the first reason it would not.
    fn check(&self, changes: BTreeMap<String, String>) -> WorkshopFuture<'_, Result<(), Refusal>>;

    /// The HTML of the page built from `path` with `changes` standing in, as it would be
    /// published.
    fn preview<'a>(
        &'a self,
        changes: BTreeMap<String, String>,
        path: &'a str,
    ) -> WorkshopFuture<'a, Result<String, Refusal>>;

    /// Makes `files` (path, whole text) public: written into `content/` and rebuilt locally,
    /// built and uploaded on AWS. The error says why not, for the log and the editor.
    fn publish(&self, files: Vec<(String, String)>) -> WorkshopFuture<'_, Result<(), String>>;

    /// Whether the office's settings forbid an editor to publish drafts they wrote themselves
    /// (four eyes: another editor or the admin publishes).
    fn four_eyes(&self) -> bool;

    /// [`Workshop::files`], or why the list cannot be had now (for the editor, in Bahasa
    /// Indonesia). A workshop that cannot fail keeps the default.
    fn try_files(&self) -> WorkshopFuture<'_, Result<Vec<EditableFile>, String>> {
        Box::pin(async move { Ok(self.files().await) })
    }

    /// [`Workshop::live_text`], or why the text cannot be had now: an edit page must not show
    /// an empty text for a file whose text merely could not be fetched.
    fn try_live_text<'a>(&'a self, path: &'a str) -> WorkshopFuture<'a, Result<Option<String>, String>> {
        Box::pin(async move { Ok(self.live_text(path).await) })
    }

    /// Whether [`Workshop::publish`] returns once publishing has started rather than when the
    /// site is public (on AWS the publishing function builds and uploads on its own): the page
    /// then says the site is being updated.
    fn publishes_later(&self) -> bool {
        false
    }
}
