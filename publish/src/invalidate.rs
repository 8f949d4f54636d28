//! Clearing CloudFront's copies of exactly the files a publish changed or removed: one
//! invalidation per publish, none when nothing changed.
//!
//! A page's object is `dir/index.html`, but visitors ask for `/dir/` (the distribution's
//! CloudFront Function maps that to the object), so both paths are invalidated. One
//! invalidation may hold at most [`MAX_PATHS`] paths (CloudFront's limit on file paths in
//! progress per distribution); a publish that changes more (the very first, say) invalidates
//! `/*` instead, which CloudFront counts, and bills, as one path.

use crate::PublishError;
use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};
use std::collections::BTreeSet;

/// The most file paths one invalidation holds here: CloudFront allows 3,000 in progress at once.
pub const MAX_PATHS: usize = 3000;

/// The paths to invalidate for the changed or removed `keys` (relative to the site root), sorted,
/// each starting with `/` and percent-encoded where CloudFront asks for it. `["/*"]` when there
/// would be more than [`MAX_PATHS`]; empty when `keys` is.
pub fn paths<'a>(keys: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut paths = BTreeSet::new();
    for key in keys {
        let key = encode(key);
        if key == "index.html" {
            paths.insert("/".to_owned());
        } else if let Some(dir) = key.strip_suffix("/index.html") {
            paths.insert(format!("/{dir}/"));
        }
        paths.insert(format!("/{key}"));
    }
    if paths.len() > MAX_PATHS {
        return vec!["/*".to_owned()];
    }
    paths.into_iter().collect()
}

/// `key` with every byte but unreserved characters (RFC 3986) and `/` percent-encoded:
/// CloudFront wants non-ASCII and unsafe characters encoded, and `*` would be a wildcard.
fn encode(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A distribution to invalidate.
#[derive(Debug, Clone)]
pub struct Distribution {
    client: Client,
    id: String,
}

impl Distribution {
    /// The distribution `id`, through `client`.
    pub fn new(client: Client, id: impl Into<String>) -> Self {
        Self { client, id: id.into() }
    }

    /// The distribution's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Creates one invalidation of `paths` (from [`paths`]) and returns its id; nothing, and
    /// `None`, when `paths` is empty. `reference` must differ between publishes (CloudFront
    /// treats a repeated reference with other paths as an error, with the same as a replay).
    pub async fn invalidate(&self, paths: &[String], reference: &str) -> Result<Option<String>, PublishError> {
        if paths.is_empty() {
            return Ok(None);
        }
        let items = Paths::builder()
            .quantity(i32::try_from(paths.len()).expect("at most MAX_PATHS"))
            .set_items(Some(paths.to_vec()))
            .build()
            .map_err(|e| PublishError::CloudFront(e.to_string()))?;
        let batch = InvalidationBatch::builder()
            .paths(items)
            .caller_reference(reference)
            .build()
            .map_err(|e| PublishError::CloudFront(e.to_string()))?;
        let out = (self.client.create_invalidation().distribution_id(&self.id))
            .invalidation_batch(batch)
            .send()
            .await
            .map_err(|e| PublishError::CloudFront(aws_sdk_cloudfront::error::DisplayErrorContext(e).to_string()))?;
        Ok(out.invalidation().map(|i| i.id().to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_index_is_invalidated_as_its_folder_too() {
        let k = keys(&["index.html", "lacak/index.html", "en/track/index.html", "css/site.css", "sitemap.xml"]);
        assert_eq!(
            paths(&k),
            [
                "/",
                "/css/site.css",
                "/en/track/",
                "/en/track/index.html",
                "/index.html",
                "/lacak/",
                "/lacak/index.html",
                "/sitemap.xml"
            ]
        );
    }

    #[test]
    fn nothing_changed_nothing_invalidated() {
        assert!(paths(&Vec::new()).is_empty());
    }

    #[test]
    fn unsafe_characters_are_encoded() {
        assert_eq!(paths(&keys(&["berkas saya*.pdf", "é.html"])), ["/%C3%A9.html", "/berkas%20saya%2A.pdf"]);
    }

    #[test]
    fn too_many_paths_become_one_wildcard() {
        let many: Vec<String> = (0..MAX_PATHS + 1).map(|i| format!("f{i}.css")).collect();
        assert_eq!(paths(&many), ["/*"]);
        let just: Vec<String> = (0..MAX_PATHS).map(|i| format!("f{i}.css")).collect();
        assert_eq!(paths(&just).len(), MAX_PATHS);
    }
}
