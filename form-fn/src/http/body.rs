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

/// A body that could not be read; the message is for the person, in Bahasa Indonesia and English.
#[derive(Debug, thiserror::Error)]
#[error("{id}")]
pub struct Malformed {
    /// The message in Bahasa Indonesia.
    pub id: &'static str,
    /// The message in English.
    pub en: &'static str,
}

impl Malformed {
    /// The message in the language `lang`.
    pub fn message(&self, lang: pengaduan_core::Lang) -> &'static str {
        lang.pick(self.id, self.en)
    }
}

/// Form data that is not UTF-8.
const NOT_UTF8: Malformed =
    Malformed { id: "Data formulir bukan teks UTF-8 yang sah.", en: "The form data is not valid UTF-8 text." };

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
    String::from_utf8(bytes).map_err(|_| NOT_UTF8)
}

fn parse_json(body: &[u8]) -> Result<RawForm, Malformed> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| Malformed {
        id: "Badan permintaan bukan JSON yang sah.",
        en: "The request body is not valid JSON.",
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(Malformed {
            id: "Badan permintaan JSON harus berupa objek.",
            en: "The JSON request body must be an object.",
        });
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
    let bad =
        || Malformed { id: "Badan permintaan multipart tidak sah.", en: "The multipart request body is not valid." };
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        let name = field.name().map(str::to_owned).ok_or_else(bad)?;
        // Not `field.file_name()`: multer gives `None` for a name that is not UTF-8 or is sent
        // only as `filename*`, which would turn a file into an ignored text field.
        let file_name = field.headers().get(http::header::CONTENT_DISPOSITION).and_then(|v| file_name(v.as_bytes()));
        let data = field.bytes().await.map_err(|_| bad())?;
        match file_name {
            // The type is judged later by content; the declared type is never trusted.
            Some(file_name) if name == pengaduan_core::attachment::FIELD => {
                uploads.push(Upload { name: file_name, bytes: data });
            }
            Some(_) => {} // A file in any other field is not ours to keep.
            None => {
                let text = String::from_utf8(data.to_vec()).map_err(|_| NOT_UTF8)?;
                form.insert(name, RawValue::Text(text));
            }
        }
    }
    Ok((form, uploads))
}

/// The file name of a part from its raw `Content-Disposition` value; `None` when the part is no
/// file (neither `filename` nor `filename*`). A name that cannot be read becomes
/// [`FALLBACK_NAME`](pengaduan_core::attachment::FALLBACK_NAME), keeping a readable extension,
/// so that the file is still taken rather than dropped while the citizen is told it arrived.
pub fn file_name(disposition: &[u8]) -> Option<String> {
    let params = disposition_params(disposition);
    let param = |wanted: &str| params.iter().find(|(name, _)| name == wanted).map(|(_, value)| value.as_slice());
    let plain = param("filename");
    let extended = param("filename*");
    if plain.is_none() && extended.is_none() {
        return None;
    }
    // RFC 6266 §4.3: `filename*` wins when the recipient understands it.
    if let Some(name) = extended.and_then(decode_ext_value) {
        return Some(name);
    }
    match plain.map(std::str::from_utf8) {
        Some(Ok(name)) => Some(name.to_owned()),
        _ => Some(fallback_name(plain.or(extended).unwrap_or_default())),
    }
}

/// The parameters after the disposition type, names lower-cased, quoted values unquoted.
fn disposition_params(value: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut params = Vec::new();
    let mut rest = match value.iter().position(|b| *b == b';') {
        Some(i) => &value[i + 1..],
        None => return params,
    };
    loop {
        rest = rest.trim_ascii_start();
        let end = rest.iter().position(|b| *b == b'=' || *b == b';').unwrap_or(rest.len());
        let name = String::from_utf8_lossy(rest[..end].trim_ascii()).to_ascii_lowercase();
        if end == rest.len() {
            if !name.is_empty() {
                params.push((name, Vec::new()));
            }
            return params;
        }
        let had_value = rest[end] == b'=';
        rest = &rest[end + 1..];
        let mut value = Vec::new();
        if had_value {
            rest = rest.trim_ascii_start();
            if let Some(quoted) = rest.strip_prefix(b"\"") {
                // Only `\"` is an escape: browsers send backslashes in names unescaped (the HTML
                // standard percent-encodes quotes instead), as multer also reads them.
                let mut i = 0;
                while i < quoted.len() && quoted[i] != b'"' {
                    if quoted[i] == b'\\' && quoted.get(i + 1) == Some(&b'"') {
                        i += 1;
                    }
                    value.push(quoted[i]);
                    i += 1;
                }
                rest = quoted.get(i + 1..).unwrap_or_default();
            } else {
                let end = rest.iter().position(|b| *b == b';').unwrap_or(rest.len());
                value.extend_from_slice(rest[..end].trim_ascii());
                rest = &rest[end..];
            }
            let next = rest.iter().position(|b| *b == b';').unwrap_or(rest.len());
            rest = rest.get(next + 1..).unwrap_or_default();
        }
        if !name.is_empty() {
            params.push((name, value));
        }
    }
}

/// An RFC 8187 (formerly 5987) value, `charset'language'percent-encoded`, in UTF-8 or
/// ISO-8859-1 (the two every recipient must understand); `None` for anything else.
fn decode_ext_value(value: &[u8]) -> Option<String> {
    let mut parts = value.splitn(3, |b| *b == b'\'');
    let (charset, _language, encoded) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes: Vec<u8> = percent_encoding::percent_decode(encoded).collect();
    if charset.eq_ignore_ascii_case(b"utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case(b"iso-8859-1") {
        Some(bytes.iter().map(|b| char::from(*b)).collect())
    } else {
        None
    }
}

/// The stand-in for a name that cannot be read, with the original's extension when it is plain
/// ASCII (`lampiran.pdf`), so staff still see what kind of file the citizen meant.
fn fallback_name(raw: &[u8]) -> String {
    let fallback = pengaduan_core::attachment::FALLBACK_NAME;
    let extension = raw.rsplit(|b| *b == b'.').next().filter(|ext| {
        ext.len() < raw.len() && (1..=10).contains(&ext.len()) && ext.iter().all(u8::is_ascii_alphanumeric)
    });
    match extension {
        Some(ext) => format!("{fallback}.{}", String::from_utf8_lossy(ext)),
        None => fallback.to_owned(),
    }
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

    #[test]
    fn file_names_from_the_disposition() {
        let name = |v: &[u8]| file_name(v);
        assert_eq!(name(b"form-data; name=\"judul\""), None, "no file");
        assert_eq!(name(b"form-data; name=\"lampiran\"; filename=\"a.pdf\""), Some("a.pdf".into()));
        assert_eq!(name(b"form-data; name=lampiran; filename=a.pdf"), Some("a.pdf".into()));
        assert_eq!(name(b"form-data; name=\"lampiran\"; filename=\"\""), Some(String::new()), "empty input");
        assert_eq!(name(b"form-data; name=\"lampiran\"; FileName=\"x \\\"y\\\".pdf\""), Some("x \"y\".pdf".into()));
        assert_eq!(name(b"form-data; name=\"lampiran\"; filename=\"C:\\a\\b.pdf\""), Some("C:\\a\\b.pdf".into()));
        assert_eq!(
            name(b"form-data; name=\"lampiran\"; filename*=UTF-8''Bukti%20Transfer.pdf"),
            Some("Bukti Transfer.pdf".into())
        );
        assert_eq!(
            name(b"form-data; name=\"lampiran\"; filename*=utf-8'id'Kuitansi%C3%A9.png; filename=\"x.png\""),
            Some("Kuitansi\u{e9}.png".into()),
            "filename* wins, wherever it stands"
        );
        assert_eq!(name(b"form-data; filename*=iso-8859-1''caf%E9.jpg"), Some("caf\u{e9}.jpg".into()));
        assert_eq!(name(b"form-data; name=\"lampiran\"; filename=\"bukti\xff\xfe.pdf\""), Some("lampiran.pdf".into()));
        assert_eq!(name(b"form-data; filename*=UTF-8''%FF%FE"), Some("lampiran".into()));
        assert_eq!(name(b"form-data; filename*=x-unknown''a.pdf; filename=\"b.pdf\""), Some("b.pdf".into()));
        assert_eq!(name(b"form-data; filename=\"\xe9t\xe9\""), Some("lampiran".into()));
    }

    #[tokio::test]
    async fn multipart_keeps_files_whose_names_multer_cannot_read() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"lampiran\"; filename*=UTF-8''Bukti%20Transfer.pdf\r\n\r\n%PDF-1.4\r\n--XyZ\r\nContent-Disposition: form-data; name=\"lampiran\"; filename=\"foto\xe9.jpg\"\r\n\r\n\xff\xd8\xff\r\n--XyZ--\r\n";
        let (form, uploads) = parse(&BodyKind::Multipart("XyZ".into()), Bytes::from_static(body)).await.unwrap();
        assert_eq!(form.get("lampiran"), None, "never a text field");
        let names: Vec<&str> = uploads.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["Bukti Transfer.pdf", "lampiran.jpg"]);
    }
}
