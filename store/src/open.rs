//! Opening the stores a program was pointed at: `sqlite:PATH` or `dynamodb:TABLE` for
//! complaints, and the attachment store that goes with it.

use crate::attachments::AnyAttachments;
use crate::attachments::clamd::Clamd;
use crate::attachments::local::LocalAttachments;
use crate::{AnyStore, StoreError};
use std::path::{Path, PathBuf};

/// A store that could not be opened; the message is for the person who typed the option.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Not `sqlite:PATH` or `dynamodb:TABLE`.
    #[error("--store harus sqlite:BERKAS atau dynamodb:TABEL, bukan {0:?}")]
    BadSpec(String),
    /// This build has no support for the store asked for.
    #[error(
        "{0} tidak tersedia pada build ini. Bangun ulang dengan dukungan AWS: cargo run -p {1} --features aws -- ..."
    )]
    NotBuiltIn(&'static str, &'static str),
    /// The SQLite file could not be opened.
    #[error("basis data SQLite {0} tidak dapat dibuka")]
    Sqlite(PathBuf, #[source] StoreError),
    /// The DynamoDB table could not be prepared.
    #[error("tabel DynamoDB {0} tidak dapat disiapkan")]
    Table(String, #[source] StoreError),
    /// Not `folder:PATH` or `s3:BUCKET`.
    #[error("--lampiran harus folder:FOLDER atau s3:BUCKET, bukan {0:?} (untuk DynamoDB, atur ATTACHMENTS_BUCKET)")]
    BadAttachments(String),
    /// The local tracking-code key could not be read or made.
    #[error("kunci kode lacak di {0} tidak dapat dibaca atau dibuat")]
    CodeKey(PathBuf, #[source] std::io::Error),
    /// The attachment folder could not be used.
    #[error("folder lampiran {0} tidak dapat dibuka")]
    Folder(PathBuf, #[source] crate::attachments::AttachmentError),
    /// `CLAMD_URL` names no clamd.
    #[error("{0}")]
    Clamd(String),
}

/// What to do when a DynamoDB table is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingTable {
    /// Create it (`site-gen serve` against a local DynamoDB).
    Create,
    /// Leave it to the infrastructure template (the staff tool, the Lambda function).
    Leave,
}

/// Opens `sqlite:PATH` or `dynamodb:TABLE`; `program` names the package to rebuild when this
/// build has no AWS support.
pub async fn open(spec: &str, missing: MissingTable, program: &'static str) -> Result<AnyStore, OpenError> {
    match spec.split_once(':') {
        Some(("sqlite", path)) if !path.is_empty() => open_sqlite(Path::new(path)),
        Some(("dynamodb", table)) if !table.is_empty() => open_dynamodb(table, missing, program).await,
        _ => Err(OpenError::BadSpec(spec.to_owned())),
    }
}

#[cfg(feature = "sqlite")]
fn open_sqlite(path: &Path) -> Result<AnyStore, OpenError> {
    crate::sqlite::SqliteStore::open(path).map(AnyStore::Sqlite).map_err(|e| OpenError::Sqlite(path.to_owned(), e))
}

#[cfg(not(feature = "sqlite"))]
fn open_sqlite(_: &Path) -> Result<AnyStore, OpenError> {
    Err(OpenError::NotBuiltIn("SQLite", "form-fn"))
}

#[cfg(feature = "aws")]
async fn open_dynamodb(table: &str, missing: MissingTable, _: &'static str) -> Result<AnyStore, OpenError> {
    let store = crate::dynamodb::DynamoStore::from_env(table).await;
    if missing == MissingTable::Create {
        match store.ensure_table().await {
            Ok(true) => eprintln!("Tabel DynamoDB {table} dibuat."),
            Ok(false) => {}
            Err(e) => return Err(OpenError::Table(table.to_owned(), e)),
        }
    }
    Ok(AnyStore::Dynamo(store))
}

#[cfg(not(feature = "aws"))]
async fn open_dynamodb(_: &str, _: MissingTable, program: &'static str) -> Result<AnyStore, OpenError> {
    Err(OpenError::NotBuiltIn("DynamoDB", program))
}

/// Opens the attachment store (a folder scanned by the clamd `CLAMD_URL` names, if set): `folder:PATH`, `s3:BUCKET`, or by default the one that goes with
/// the complaint store `store_spec`: a `lampiran` folder beside an SQLite file (or under
/// `data_dir` otherwise, for `site-gen serve`), else the bucket in `ATTACHMENTS_BUCKET`.
pub async fn open_attachments(
    store_spec: &str,
    explicit: Option<&str>,
    data_dir: Option<&Path>,
    program: &'static str,
) -> Result<AnyAttachments, OpenError> {
    let spec = match (explicit, local_dir(store_spec, data_dir)) {
        (Some(s), _) => s.to_owned(),
        (None, Some(dir)) => format!("folder:{}", dir.join("lampiran").display()),
        (None, None) => format!("s3:{}", std::env::var("ATTACHMENTS_BUCKET").unwrap_or_default()),
    };
    match spec.split_once(':') {
        Some(("folder", dir)) if !dir.is_empty() => {
            let folder =
                LocalAttachments::open(Path::new(dir)).map_err(|e| OpenError::Folder(PathBuf::from(dir), e))?;
            // A folder's files are scanned by the clamd `CLAMD_URL` names, if any; on S3,
            // GuardDuty scans them (see attachments/s3.rs).
            Ok(AnyAttachments::Local(match Clamd::from_env().map_err(OpenError::Clamd)? {
                Some(clamd) => folder.with_scanner(clamd),
                None => folder,
            }))
        }
        Some(("s3", bucket)) if !bucket.is_empty() => open_s3(bucket, program).await,
        _ => Err(OpenError::BadAttachments(spec)),
    }
}

/// Where a local installation keeps its files: beside the SQLite database, or `data_dir`.
/// The folder a local installation keeps its files in (tracking-code key, attachments, mail):
/// beside the SQLite file, or `data_dir` for another store.
pub fn local_dir(store_spec: &str, data_dir: Option<&Path>) -> Option<PathBuf> {
    match (store_spec.split_once(':'), data_dir) {
        (Some(("sqlite", path)), _) => Some(Path::new(path).parent().unwrap_or(Path::new("")).to_owned()),
        (_, Some(dir)) => Some(dir.to_owned()),
        _ => None,
    }
}

/// Gives `config` the local tracking-code key (see [`crate::config::local_code_key`]) when the
/// environment set none and the installation is local (an SQLite file, or `data_dir`); on AWS
/// the key comes from the environment or Secrets Manager instead.
pub fn with_local_code_key(
    config: &mut crate::Config,
    store_spec: &str,
    data_dir: Option<&Path>,
) -> Result<(), OpenError> {
    if config.code_key.is_none()
        && let Some(dir) = local_dir(store_spec, data_dir)
    {
        config.code_key = Some(crate::config::local_code_key(&dir).map_err(|e| OpenError::CodeKey(dir, e))?);
    }
    Ok(())
}

#[cfg(feature = "aws")]
async fn open_s3(bucket: &str, _: &'static str) -> Result<AnyAttachments, OpenError> {
    Ok(AnyAttachments::S3(crate::attachments::s3::S3Attachments::from_env(bucket.to_owned(), "").await))
}

#[cfg(not(feature = "aws"))]
async fn open_s3(_: &str, program: &'static str) -> Result<AnyAttachments, OpenError> {
    Err(OpenError::NotBuiltIn("S3", program))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bad_spec_says_what_is_expected() {
        let e = open("postgres:x", MissingTable::Leave, "site-gen").await.err().unwrap();
        assert_eq!(e.to_string(), "--store harus sqlite:BERKAS atau dynamodb:TABEL, bukan \"postgres:x\"");
        let e = open_attachments("sqlite:x.db", Some("ftp:x"), None, "site-gen").await.err().unwrap();
        assert!(e.to_string().starts_with("--lampiran harus folder:FOLDER"), "{e}");
    }

    #[tokio::test]
    async fn attachments_default_beside_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("data/pengaduan.db");
        let files = open_attachments(&format!("sqlite:{}", db.display()), None, None, "site-gen").await.unwrap();
        let AnyAttachments::Local(local) = files else { panic!("a folder") };
        assert_eq!(local.root(), dir.path().join("data/lampiran"));
    }
}
