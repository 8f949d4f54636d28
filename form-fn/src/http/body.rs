//! Reading a submission's body: URL-encoded form, JSON object or multipart form.

use bytes::Bytes;
use pengaduan_core::{RawForm, RawValue};

/// Largest URL-encoded or JSON body accepted.
pub const MAX_SIMPLE_BODY: usize = 64 * 1024;
/// Largest multipart body accepted (the form with attachments).
pub const MAX_MULTIPART_BODY: usize = 6 * 1024 * 1024;

/// The body formats the handler accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `application/json`.
    Json,
    /// `multipart/form-data` with its boundary.
    Multipart(String),
}

impl BodyKind {
    /// Reads a `Content-Type` header; `None` for a type the handler does not take.
    pub fn from_content_type(value: &str) -> Option<Self> {
        let mut parts = value.split(';');
        let essence = parts.next()?.trim().to_ascii_lowercase();
        let mut boundary = None;
        for param in parts {
            let Some((name, val)) = param.split_once('=') else { continue };
            let val = val.trim().trim_matches('"');
            match name.trim().to_ascii_lowercase().as_str() {
                "charset" if !val.eq_ignore_ascii_case("utf-8") && !val.eq_ignore_ascii_case("utf8") => return None,
                "boundary" => boundary = Some(val.to_owned()),
                _ => {}
            }
        }
        match essence.as_str() {
            "application/x-www-form-urlencoded" => Some(Self::Form),
            "application/json" => Some(Self::Json),
            "multipart/form-data" => boundary.filter(|b| !b.is_empty()).map(Self::Multipart),
            _ => None,
        }
    }

    /// The largest body of this kind.
    pub fn limit(&self) -> usize {
        match self {
            Self::Multipart(_) => MAX_MULTIPART_BODY,
            _ => MAX_SIMPLE_BODY,
        }
    }
}

/// A body that could not be read; the message is for the person, in Bahasa Indonesia.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Malformed(pub &'static str);

/// A file from the form's `lampiran` field, as sent: name for display, bytes to judge.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The file name the browser sent (untrusted; display only, after sanitising).
    pub name: String,
    /// The contents.
    pub bytes: Bytes,
}

/// Parses a body of the given kind into raw fields and uploaded files.
pub async fn parse(kind: &BodyKind, body: Bytes) -> Result<(RawForm, Vec<Upload>), Malformed> {
    match kind {
        BodyKind::Form => parse_urlencoded(&body).map(|f| (f, Vec::new())),
        BodyKind::Json => parse_json(&body).map(|f| (f, Vec::new())),
        BodyKind::Multipart(boundary) => parse_multipart(boundary, body).await,
    }
}

/// Parses `a=1&b=2`; invalid UTF-8, raw or percent-encoded, is an error rather than a
/// silent replacement character.
pub fn parse_urlencoded(body: &[u8]) -> Result<RawForm, Malformed> {
    let mut form = RawForm::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        form.insert(decode_component(name)?, RawValue::Text(decode_component(value)?));
    }
    Ok(form)
}

/// Percent-decodes one query or form component, `+` meaning a space.
pub fn decode_component(raw: &[u8]) -> Result<String, Malformed> {
    let spaced: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
    String::from_utf8(bytes).map_err(|_| Malformed("Data formulir bukan teks UTF-8 yang sah."))
}

fn parse_json(body: &[u8]) -> Result<RawForm, Malformed> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Malformed("Badan permintaan bukan JSON yang sah."))?;
    let serde_json::Value::Object(map) = value else {
        return Err(Malformed("Badan permintaan JSON harus berupa objek."));
    };
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| {
            let raw = match v {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) => RawValue::Text(s),
                serde_json::Value::Bool(b) => RawValue::Bool(b),
                _ => RawValue::Other,
            };
            Some((k, raw))
        })
        .collect())
}

async fn parse_multipart(boundary: &str, body: Bytes) -> Result<(RawForm, Vec<Upload>), Malformed> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut form = RawForm::new();
    let mut uploads = Vec::new();
    let bad = || Malformed("Badan permintaan multipart tidak sah.");
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        let name = field.name().map(str::to_owned).ok_or_else(bad)?;
        let file_name = field.file_name().map(str::to_owned);
        let data = field.bytes().await.map_err(|_| bad())?;
        match file_name {
            // The type is judged later by content; the declared type is never trusted.
            Some(file_name) if name == pengaduan_core::attachment::FIELD => {
                uploads.push(Upload { name: file_name, bytes: data });
            }
            Some(_) => {} // A file in any other field is not ours to keep.
            None => {
                let text = String::from_utf8(data.to_vec())
                    .map_err(|_| Malformed("Data formulir bukan teks UTF-8 yang sah."))?;
                form.insert(name, RawValue::Text(text));
            }
        }
    }
    Ok((form, uploads))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(BodyKind::from_content_type("application/json"), Some(BodyKind::Json));
        assert_eq!(BodyKind::from_content_type("Application/JSON; charset=UTF-8"), Some(BodyKind::Json));
        assert_eq!(
            BodyKind::from_content_type("application/x-www-form-urlencoded;charset=utf-8"),
            Some(BodyKind::Form)
        );
        assert_eq!(
            BodyKind::from_content_type("multipart/form-data; boundary=\"abc\""),
            Some(BodyKind::Multipart("abc".into()))
        );
        for other in ["text/plain", "application/xml", "multipart/form-data", "application/json; charset=latin1", ""] {
            assert_eq!(BodyKind::from_content_type(other), None, "{other}");
        }
    }

    #[test]
    fn urlencoded_decodes_and_keeps_first() {
        let form = parse_urlencoded(b"nama=Siti+Rahayu&judul=Izin%20usaha&nama=dua&kosong").unwrap();
        assert_eq!(form.get("nama"), Some(&RawValue::Text("Siti Rahayu".into())));
        assert_eq!(form.get("judul"), Some(&RawValue::Text("Izin usaha".into())));
        assert_eq!(form.get("kosong"), Some(&RawValue::Text(String::new())));
    }

    #[test]
    fn urlencoded_rejects_invalid_utf8() {
        assert!(parse_urlencoded(b"nama=%FF%FE").is_err());
        assert!(parse_urlencoded(b"nama=\xff").is_err());
    }

    #[test]
    fn json_maps_types() {
        let form = parse_json(br#"{"judul":"x","anonim":true,"nik":3201,"lokasi":null}"#).unwrap();
        assert_eq!(form.get("judul"), Some(&RawValue::Text("x".into())));
        assert_eq!(form.get("anonim"), Some(&RawValue::Bool(true)));
        assert_eq!(form.get("nik"), Some(&RawValue::Other));
        assert_eq!(form.get("lokasi"), None);
        assert!(parse_json(b"[1,2]").is_err());
        assert!(parse_json(b"{\"a\":").is_err());
    }

    #[tokio::test]
    async fn multipart_reads_text_fields_and_files() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"judul\"\r\n\r\nIzin usaha\r\n--XyZ\r\nContent-Disposition: form-data; name=\"lampiran\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--XyZ--\r\n";
        let (form, uploads) = parse(&BodyKind::Multipart("XyZ".into()), Bytes::from(body)).await.unwrap();
        assert_eq!(form.get("judul"), Some(&RawValue::Text("Izin usaha".into())));
        assert_eq!(form.get("lampiran"), None);
        assert_eq!(uploads.len(), 1);
        assert_eq!(uploads[0].name, "a.pdf");
        assert_eq!(&uploads[0].bytes[..], b"%PDF-1.4");
        assert!(parse(&BodyKind::Multipart("XyZ".into()), Bytes::from_static(b"garbage")).await.is_err());
    }
}
