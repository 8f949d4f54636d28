//! The site's content as editors change it in the console: every file's revisions, drafts that
//! wait for publishing, and what was published when and by whom.
//!
//! A file's revisions are numbered 1, 2, … per path (`path` is relative to `content/`, as
//! `layanan/informasi-dan-pengaduan.md` or `data/hari-libur.toml`). The number of a file's newest
//! revision is its version: a save names the version it was made against and is refused with
//! [`StoreError::Conflict`] when another save came first (0 for a file without revisions).
//!
//! - [`RevisionKind::Original`]: the text the file had before the first save in the console (from
//!   the working tree locally, from the repository when AWS's store is seeded), so a first change
//!   can be undone. It counts as published.
//! - [`RevisionKind::Draft`]: saved, not yet public. Only the newest revision of a file can be a
//!   waiting draft; an older draft that a later save replaced stays in the history as a draft.
//! - [`RevisionKind::Published`]: a draft that [`ContentStore::publish_content`] made public.
//!
//! SQLite: table `content_revisions` (migration 10), one row per revision, keyed by path and
//! number; a save or a publish is one write transaction. DynamoDB, never a `Scan`: a head per
//! file in the partition `KONTEN` (version, newest kind, the live revision's number) and the
//! revisions under `KONTEN#<path>` (see `dynamodb.rs`); a save is one transaction conditioned on
//! the head, and a publish one transaction per file, so on DynamoDB a publish interrupted half
//! way leaves the remaining drafts waiting for the next one.
//!
//! The stores keep any path and text they are given: checking paths and [`MAX_CONTENT_BYTES`]
//! is the caller's (the console's editor, `pengaduan-staf konten`).
//!
//! Why DynamoDB rather than a versioned S3 bucket on AWS: a save must be refused atomically when
//! another editor saved first (a conditional write on the file's head), and the revisions then
//! live in the table the audit trail, backups and point-in-time recovery already cover.

use crate::StoreError;
use jiff::Timestamp;
use std::future::Future;

/// The largest file a revision may hold, in bytes: a DynamoDB item holds at most 400 KB with
/// its attributes, and the office's largest page is about 25 KB.
pub const MAX_CONTENT_BYTES: usize = 300 * 1024;

/// What a revision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionKind {
    /// The text before the first save (or the seeded text on AWS); counts as published.
    Original,
    /// Saved, not public (yet).
    Draft,
    /// Made public by a publish.
    Published,
}

impl RevisionKind {
    /// The code kept in storage.
    pub fn code(self) -> &'static str {
        match self {
            Self::Original => "asli",
            Self::Draft => "draf",
            Self::Published => "terbit",
        }
    }

    /// The kind stored as `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "asli" => Some(Self::Original),
            "draf" => Some(Self::Draft),
            "terbit" => Some(Self::Published),
            _ => None,
        }
    }
}

/// One revision of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The file, relative to `content/`.
    pub path: String,
    /// 1, 2, … per file.
    pub number: u64,
    /// The whole file.
    pub text: String,
    /// What it is now.
    pub kind: RevisionKind,
    /// The username that saved it (empty for an original).
    pub author: String,
    /// When it was saved (for an original: when it was recorded).
    pub saved_at: Timestamp,
    /// The editor's note (may be empty).
    pub note: String,
    /// Who published it, and when; `None` unless published.
    pub published: Option<(String, Timestamp)>,
}

impl Revision {
    /// `path`'s original text, recorded at `at`: revision 1, by nobody, without a note.
    pub(crate) fn original(path: &str, text: String, at: Timestamp) -> Self {
        Self {
            path: path.to_owned(),
            number: 1,
            text,
            kind: RevisionKind::Original,
            author: String::new(),
            saved_at: at,
            note: String::new(),
            published: None,
        }
    }

    /// The draft `save` makes as revision `number` (its original, if any, is stored apart).
    pub(crate) fn draft(save: ContentSave, number: u64) -> Self {
        Self {
            path: save.path,
            number,
            text: save.text,
            kind: RevisionKind::Draft,
            author: save.author,
            saved_at: save.at,
            note: save.note,
            published: None,
        }
    }

    /// Its line in the list, as the file's newest revision (SQLite reads heads this way; the
    /// DynamoDB store keeps head items).
    #[cfg(feature = "sqlite")]
    pub(crate) fn head(&self) -> ContentHead {
        ContentHead {
            path: self.path.clone(),
            version: self.number,
            author: self.author.clone(),
            saved_at: self.saved_at,
            draft_waiting: self.kind == RevisionKind::Draft,
        }
    }
}

/// A file's newest revision, without its text: one line of the console's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentHead {
    /// The file, relative to `content/`.
    pub path: String,
    /// Its newest revision's number: the version the next save is checked against.
    pub version: u64,
    /// Who saved the newest revision, and when.
    pub author: String,
    /// When the newest revision was saved.
    pub saved_at: Timestamp,
    /// Whether the newest revision is a draft waiting to be published.
    pub draft_waiting: bool,
}

/// A save, as an editor made it.
#[derive(Debug, Clone)]
pub struct ContentSave {
    /// The file, relative to `content/`.
    pub path: String,
    /// The whole new text.
    pub text: String,
    /// The version it was edited from: the newest revision's number, 0 for a file without
    /// revisions.
    pub expected_version: u64,
    /// The text the file had before, recorded as revision 1 ([`RevisionKind::Original`]) when
    /// the file has no revisions yet; ignored otherwise.
    pub original: Option<String>,
    /// Who saves.
    pub author: String,
    /// The note (may be empty).
    pub note: String,
    /// When.
    pub at: Timestamp,
}

/// Where content revisions are kept.
pub trait ContentStore: Send + Sync {
    /// Every file with revisions, by path.
    fn content_heads(&self) -> impl Future<Output = Result<Vec<ContentHead>, StoreError>> + Send;

    /// Every revision of `path`, oldest first (empty when it has none).
    fn content_revisions(&self, path: &str) -> impl Future<Output = Result<Vec<Revision>, StoreError>> + Send;

    /// Stores `save` as a new draft revision (after the original, for a file's first save) and
    /// returns it; [`StoreError::Conflict`], and nothing stored, when the file's version is no
    /// longer `save.expected_version`.
    fn save_content(&self, save: ContentSave) -> impl Future<Output = Result<Revision, StoreError>> + Send;

    /// Marks every waiting draft (the newest revision of its file, when a draft) published by
    /// `publisher` at `at`, and returns them with their text, by path. Each is marked only if it
    /// is still the file's newest revision, so a save that lands meanwhile stays a draft.
    fn publish_content(
        &self,
        publisher: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<Revision>, StoreError>> + Send;

    /// The live text of every file with revisions: its newest revision that is published or
    /// original, by path. What a publish on AWS builds from, and what `pengaduan-staf konten
    /// tarik` brings back into a working tree.
    fn live_content(&self) -> impl Future<Output = Result<Vec<Revision>, StoreError>> + Send;

    /// Records `text` as `path`'s original when the file has no revisions; `false`, and nothing
    /// written, when it has (seeding never overwrites what editors saved).
    fn seed_content(
        &self,
        path: &str,
        text: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// A stored kind code, read back.
fn parse_kind(code: &str) -> Result<RevisionKind, StoreError> {
    RevisionKind::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("revision kind {code:?}")))
}

#[cfg(feature = "aws")]
mod dynamodb;
#[cfg(feature = "sqlite")]
mod sqlite;
