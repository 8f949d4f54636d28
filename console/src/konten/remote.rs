//! The editing pages' workshop on AWS: `console-fn` does not link the site's build (Tera,
//! Pagefind, the search index), so it invokes the publishing function `publish-fn`, which has
//! the shipped site and builds from the content store (its `ops` module holds the other side
//! of this wire).
//!
//! `files`, `live_text`, `check` and `preview` are synchronous invocations (`RequestResponse`):
//! a save waits for the real build's verdict. Publishing is an asynchronous one (`Event`): a
//! publish builds the search index and uploads, which takes longer than the HTTP API lets a
//! request wait (30 s), and Lambda's queue retries it when the function is busy; the page says
//! the site is being updated. `publish-fn` runs one at a time (reserved concurrency 1), so a
//! synchronous call made while a publish runs is throttled: the editor reads that the builder is
//! busy, never a `500`. Nothing of the content is logged, only the operation and the failure.

use super::{EditableFile, Refusal, Workshop, WorkshopFuture};
use aws_sdk_lambda::Client;
use aws_sdk_lambda::error::{DisplayErrorContext, SdkError};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

/// What the editor reads while `publish-fn` is busy (publishing, one at a time).
pub const BUSY: &str = "Pembangun situs sedang sibuk, kemungkinan karena situs sedang diterbitkan. Tunggu sekitar satu menit, lalu coba lagi; tidak ada yang disimpan.";

/// What the editor reads when `publish-fn` could not be reached or failed.
pub const FAILED: &str = "Pembangun situs tidak dapat dihubungi atau gagal menjawab, sehingga tidak ada yang disimpan. Coba lagi sebentar lagi; bila terus terjadi, hubungi admin.";

/// How long the list of files is reused: editors never add or remove files, and a title
/// changed by a publish shows a minute later at most.
const FILES_FRESH: Duration = Duration::from_secs(60);

/// The most a synchronous invocation may take, retries included, so the console answers the
/// editor before its own time runs out (see `infra/template.yaml`: console-fn's timeout).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(24);

/// `publish-fn`'s answer (`pengaduan_publish::Answer`); fields that do not apply are absent.
#[derive(Debug, Default, Deserialize)]
struct Answer {
    #[serde(default)]
    four_eyes: bool,
    #[serde(default)]
    files: Option<Vec<WireFile>>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    refusal: Option<WireRefusal>,
}

#[derive(Debug, Deserialize)]
struct WireFile {
    path: String,
    lang: Option<String>,
    title: String,
    is_data: bool,
}

#[derive(Debug, Deserialize)]
struct WireRefusal {
    path: String,
    line: Option<usize>,
    field: Option<String>,
    message: String,
}

impl From<WireRefusal> for Refusal {
    fn from(r: WireRefusal) -> Self {
        // A refusal always names a file; an empty path would read as "the builder is busy".
        let path = if r.path.is_empty() { "content".to_owned() } else { r.path };
        Self { path, line: r.line, field: r.field, message: r.message }
    }
}

/// Why an invocation gave no answer: busy (throttled) or failed, as the editor reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unanswered {
    Busy,
    Failed,
}

impl Unanswered {
    fn message(self) -> &'static str {
        match self {
            Self::Busy => BUSY,
            Self::Failed => FAILED,
        }
    }
}

/// The four-eyes setting as last heard: not yet, no, yes.
const UNKNOWN: u8 = 0;
const NO: u8 = 1;
const YES: u8 = 2;

/// The console's workshop on AWS: invokes the publishing function by name.
#[derive(Debug)]
pub struct LambdaWorkshop {
    client: Client,
    function: String,
    four_eyes: AtomicU8,
    files: Mutex<Option<(Instant, Vec<EditableFile>)>>,
}

impl LambdaWorkshop {
    /// Invokes `function` (a name or ARN) through `client`.
    pub fn new(client: Client, function: impl Into<String>) -> Self {
        Self { client, function: function.into(), four_eyes: AtomicU8::new(UNKNOWN), files: Mutex::new(None) }
    }

    /// A Lambda client from the shared settings, at `AWS_ENDPOINT_URL_LAMBDA` when set (a local
    /// server), each call bounded by [`CALL_TIMEOUT`].
    pub fn client(config: &aws_types::SdkConfig) -> Client {
        let timeouts =
            aws_sdk_lambda::config::timeout::TimeoutConfig::builder().operation_timeout(CALL_TIMEOUT).build();
        let mut builder = aws_sdk_lambda::config::Builder::from(config).timeout_config(timeouts);
        if let Some(url) = pengaduan_aws::service_endpoint("LAMBDA") {
            builder = builder.endpoint_url(url);
        }
        Client::from_conf(builder.build())
    }

    /// Invokes the function with `request` and waits for its answer.
    async fn call(&self, op: &'static str, request: serde_json::Value) -> Result<Answer, Unanswered> {
        let payload = serde_json::to_vec(&request).map_err(|_| Unanswered::Failed)?;
        let sent = self
            .client
            .invoke()
            .function_name(&self.function)
            .invocation_type(InvocationType::RequestResponse)
            .payload(Blob::new(payload))
            .send()
            .await;
        let out = match sent {
            Ok(out) => out,
            Err(e) => return Err(self.unsent(op, e)),
        };
        let body = out.payload().map(|b| b.as_ref()).unwrap_or_default();
        if let Some(kind) = out.function_error() {
            // The function's own error: its type only, the message may quote a text.
            let error_type = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("errorType").and_then(|t| t.as_str()).map(str::to_owned))
                .unwrap_or_default();
            tracing::error!(op, function_error = kind, error_type, "the publishing function failed");
            return Err(Unanswered::Failed);
        }
        let answer: Answer = serde_json::from_slice(body).map_err(|e| {
            tracing::error!(op, error = %e, "the publishing function's answer does not read");
            Unanswered::Failed
        })?;
        self.four_eyes.store(if answer.four_eyes { YES } else { NO }, Ordering::Relaxed);
        Ok(answer)
    }

    /// Busy when Lambda throttled the call (the function's one instance is publishing), else
    /// failed; logged either way.
    fn unsent<R: std::fmt::Debug>(
        &self,
        op: &'static str,
        e: SdkError<aws_sdk_lambda::operation::invoke::InvokeError, R>,
    ) -> Unanswered {
        if e.as_service_error().is_some_and(|s| s.is_too_many_requests_exception()) {
            tracing::warn!(op, "the publishing function is busy (throttled)");
            Unanswered::Busy
        } else {
            tracing::error!(op, error = %DisplayErrorContext(&e), "the publishing function could not be invoked");
            Unanswered::Failed
        }
    }

    /// The files, fresh or from the function; on failure the last list heard, if any.
    async fn files_or(&self) -> Result<Vec<EditableFile>, Unanswered> {
        let cached = self.files.lock().expect("the files' lock").clone();
        if let Some((at, files)) = &cached
            && at.elapsed() < FILES_FRESH
        {
            return Ok(files.clone());
        }
        match self.call("files", json!({"op": "files"})).await {
            Ok(answer) => {
                let files: Vec<EditableFile> = (answer.files.unwrap_or_default().into_iter())
                    .map(|f| EditableFile { path: f.path, lang: f.lang, title: f.title, is_data: f.is_data })
                    .collect();
                *self.files.lock().expect("the files' lock") = Some((Instant::now(), files.clone()));
                Ok(files)
            }
            // A stale list is better than none: the files themselves do not change here.
            Err(why) => cached.map(|(_, files)| files).ok_or(why),
        }
    }
}

impl Workshop for LambdaWorkshop {
    fn files(&self) -> WorkshopFuture<'_, Vec<EditableFile>> {
        Box::pin(async move { self.files_or().await.unwrap_or_default() })
    }

    fn try_files(&self) -> WorkshopFuture<'_, Result<Vec<EditableFile>, String>> {
        Box::pin(async move { self.files_or().await.map_err(|why| why.message().to_owned()) })
    }

    fn live_text<'a>(&'a self, path: &'a str) -> WorkshopFuture<'a, Option<String>> {
        Box::pin(async move { self.try_live_text(path).await.ok().flatten() })
    }

    fn try_live_text<'a>(&'a self, path: &'a str) -> WorkshopFuture<'a, Result<Option<String>, String>> {
        Box::pin(async move {
            let answer = self.call("live_text", json!({"op": "live_text", "path": path})).await;
            answer.map(|a| a.text).map_err(|why| why.message().to_owned())
        })
    }

    fn check(&self, changes: BTreeMap<String, String>) -> WorkshopFuture<'_, Result<(), Refusal>> {
        Box::pin(async move {
            match self.call("check", json!({"op": "check", "changes": changes})).await {
                Ok(answer) => answer.refusal.map_or(Ok(()), |r| Err(r.into())),
                Err(why) => Err(Refusal::unavailable(why.message())),
            }
        })
    }

    fn preview<'a>(
        &'a self,
        changes: BTreeMap<String, String>,
        path: &'a str,
    ) -> WorkshopFuture<'a, Result<String, Refusal>> {
        Box::pin(async move {
            match self.call("preview", json!({"op": "preview", "changes": changes, "path": path})).await {
                Ok(Answer { refusal: Some(r), .. }) => Err(r.into()),
                Ok(Answer { html: Some(html), .. }) => Ok(html),
                Ok(_) => {
                    tracing::error!("the publishing function's preview has neither page nor refusal");
                    Err(Refusal::unavailable(FAILED))
                }
                Err(why) => Err(Refusal::unavailable(why.message())),
            }
        })
    }

    /// Queues `{"op": "publish"}`: the function builds from the store, which has already marked
    /// `files` published, so they are not sent.
    fn publish(&self, files: Vec<(String, String)>) -> WorkshopFuture<'_, Result<(), String>> {
        Box::pin(async move {
            let sent = self
                .client
                .invoke()
                .function_name(&self.function)
                .invocation_type(InvocationType::Event)
                .payload(Blob::new(br#"{"op":"publish"}"#.to_vec()))
                .send()
                .await;
            match sent {
                Ok(_) => {
                    tracing::info!(files = files.len(), "publishing queued");
                    Ok(())
                }
                Err(e) => Err(self.unsent("publish", e).message().to_owned()),
            }
        })
    }

    /// The setting as `publish-fn` last said (every answer carries it); before any answer, four
    /// eyes required, the stricter reading (the publish route asks for a check first).
    fn four_eyes(&self) -> bool {
        self.four_eyes.load(Ordering::Relaxed) != NO
    }

    fn publishes_later(&self) -> bool {
        true
    }
}
