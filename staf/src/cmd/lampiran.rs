//! `lampiran`: the attachments of one complaint, by number, name, type and size.

use crate::{Failure, parse_nomor};
use pengaduan_core::text::escape_controls_line;
use pengaduan_store::attachments::{AnyAttachments, AttachmentStore};
use std::fmt::Write as _;

/// Lists the attachments of complaint `nomor`.
pub(crate) async fn run(files: &AnyAttachments, nomor: &str) -> Result<String, Failure> {
    let nomor = parse_nomor(nomor)?.to_string();
    let list = files.list(&nomor).await.map_err(|e| Failure::new(format!("lampiran tidak dapat dibaca: {e}")))?;
    if list.is_empty() {
        return Ok(format!("{nomor} tidak mempunyai lampiran.\n"));
    }
    let mut out = format!("Lampiran {nomor} ({} berkas):\n", list.len());
    for m in &list {
        // The sender's name as text, so staff recognise the file; manifests written before names
        // were sanitised may still carry control characters.
        let name = escape_controls_line(&m.display_name);
        let _ = writeln!(out, "  {}. {name}  ({}, {} bita)", m.index, m.kind.content_type(), m.size);
    }
    Ok(out)
}
