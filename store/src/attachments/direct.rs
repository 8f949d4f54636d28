//! The POST policy of a browser's direct upload to S3 (Signature Version 4): the form fields
//! that let one browser send one file of at most a given size to one key chosen by the server,
//! for a few minutes, and nothing else. Pure: the credentials and the moment are given.
//!
//! On AWS a Lambda request is at most 6 MB and a multipart body arrives base64-encoded, so the
//! form's files cannot all go through the function; with these fields they go to the bucket,
//! under `unggahan/`, and the function reads them from there.

use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use base64::Engine;
use jiff::Timestamp;
use serde_json::json;

/// The algorithm S3 names Signature Version 4 by.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Who signs the policy: the function's own credentials (a session token on Lambda).
pub struct Signer<'a> {
    /// Access key id.
    pub access_key: &'a str,
    /// Secret access key.
    pub secret_key: &'a str,
    /// Session token of temporary credentials.
    pub session_token: Option<&'a str>,
    /// The bucket's region.
    pub region: &'a str,
}

/// What the policy allows: one object, its size, until when.
pub struct Allowed<'a> {
    /// The bucket.
    pub bucket: &'a str,
    /// The object's full key.
    pub key: &'a str,
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
    /// The one media type the file is declared as (intake still judges it by its content).
    pub content_type: &'a str,
    /// When the policy is signed.
    pub now: Timestamp,
    /// When the policy stops being accepted.
    pub expires: Timestamp,
}

/// The form fields, in the order they are sent (the file goes after them). Every field is a
/// condition of the policy, as S3 requires; the size range makes S3 refuse a larger file
/// before storing anything.
pub fn post_fields(signer: &Signer<'_>, allowed: &Allowed<'_>) -> Vec<(String, String)> {
    let date = allowed.now.strftime("%Y%m%d").to_string();
    let amz_date = allowed.now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let credential = format!("{}/{date}/{}/s3/aws4_request", signer.access_key, signer.region);
    let mut fields: Vec<(String, String)> = vec![
        ("key".into(), allowed.key.into()),
        ("Content-Type".into(), allowed.content_type.into()),
        ("success_action_status".into(), "204".into()),
        ("x-amz-server-side-encryption".into(), "AES256".into()),
        ("x-amz-algorithm".into(), ALGORITHM.into()),
        ("x-amz-credential".into(), credential),
        ("x-amz-date".into(), amz_date),
    ];
    if let Some(token) = signer.session_token {
        fields.push(("x-amz-security-token".into(), token.into()));
    }
    let mut conditions = vec![json!({ "bucket": allowed.bucket })];
    conditions.extend(fields.iter().map(|(name, value)| json!({ name: value })));
    conditions.push(json!(["content-length-range", 1, allowed.max_bytes]));
    let policy = json!({
        "expiration": allowed.expires.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string(),
        "conditions": conditions,
    });
    let policy = base64::engine::general_purpose::STANDARD.encode(policy.to_string());
    let signature = signature(signer.secret_key, allowed.now, signer.region, &policy);
    fields.push(("policy".into(), policy));
    fields.push(("x-amz-signature".into(), signature));
    fields
}

/// The Signature Version 4 of a base64 POST policy: the policy is the string to sign, with the
/// key derived for the day, the region and S3.
pub fn signature(secret_key: &str, now: Timestamp, region: &str, policy: &str) -> String {
    let key = generate_signing_key(secret_key, std::time::SystemTime::from(now), region, "s3");
    calculate_signature(key, policy.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /// A published example (AWS's example credentials, us-east-1, 6 August 2013): the policy
    /// as sent, and the signature S3 computes for it.
    #[test]
    fn the_signature_is_s3s_for_a_published_example() {
        let policy = "eyJleHBpcmF0aW9uIjoiMjAxMy0wOC0wNlQxMjowMDowMC4wMDBaIiwiY29uZGl0aW9ucyI6W3siYWNsIjoicHVibGljLXJlYWQifSxbInN0YXJ0cy13aXRoIiwiJENvbnRlbnQtVHlwZSIsImltYWdlLyJdLFsic3RhcnRzLXdpdGgiLCIka2V5IiwidXNlci91c2VyMS8iXSxbInN0YXJ0cy13aXRoIiwiJHgtYW16LW1ldGEtdGFnIiwiIl0seyJ4LWFtei1tZXRhLXV1aWQiOiIxNDM2NTEyMzY1MTI3NCJ9LHsiYnVja2V0IjoiZXhhbXBsZWJ1Y2tldCJ9LHsieC1hbXotYWxnb3JpdGhtIjoiQVdTNC1ITUFDLVNIQTI1NiJ9LHsieC1hbXotY3JlZGVudGlhbCI6IkFLSUFJT1NGT0ROTjdFWEFNUExFLzIwMTMwODA2L3VzLWVhc3QtMS9zMy9hd3M0X3JlcXVlc3QifSx7IngtYW16LWRhdGUiOiIyMDEzMDgwNlQxMjAwMDBaIn1dfQ==";
        let now: Timestamp = "2013-08-06T12:00:00Z".parse().unwrap();
        assert_eq!(
            signature(SECRET, now, "us-east-1", policy),
            "5bc8a7be4a6fc6445b94d0f4096f8cf3dfa00303529f8a68ea7dc0c23bb83cd9"
        );
    }

    fn example() -> Vec<(String, String)> {
        let signer = Signer {
            access_key: "AKIDEXAMPLE",
            secret_key: SECRET,
            session_token: Some("tok"),
            region: "ap-southeast-3",
        };
        let allowed = Allowed {
            bucket: "lampiran-dpmptsp",
            key: "unggahan/2026-12-08/0123456789abcdef0123456789abcdef",
            max_bytes: 2 * 1024 * 1024,
            content_type: "image/jpeg",
            now: "2026-12-08T02:30:05Z".parse().unwrap(),
            expires: "2026-12-08T02:45:05Z".parse().unwrap(),
        };
        post_fields(&signer, &allowed)
    }

    fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
        fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no field {name}"))
    }

    #[test]
    fn the_policy_allows_one_key_one_size_range_and_a_short_time() {
        let fields = example();
        let policy = base64::engine::general_purpose::STANDARD.decode(field(&fields, "policy")).unwrap();
        let policy: Value = serde_json::from_slice(&policy).unwrap();
        assert_eq!(policy["expiration"], "2026-12-08T02:45:05.000Z");
        let conditions = policy["conditions"].as_array().unwrap();
        assert!(conditions.contains(&json!({ "bucket": "lampiran-dpmptsp" })));
        assert!(conditions.contains(&json!(["content-length-range", 1, 2_097_152])));
        // Every field the form sends (but the policy and its signature) is an exact condition:
        // S3 refuses a form with a field the policy does not name, and a value it does not match.
        for (name, value) in fields.iter().filter(|(n, _)| n != "policy" && n != "x-amz-signature") {
            assert!(conditions.contains(&json!({ name: value })), "{name} is not a condition");
        }
        assert!(!conditions.iter().any(|c| c[0] == "starts-with"), "no key or field is left open");
        assert_eq!(field(&fields, "key"), "unggahan/2026-12-08/0123456789abcdef0123456789abcdef");
        assert_eq!(field(&fields, "x-amz-credential"), "AKIDEXAMPLE/20261208/ap-southeast-3/s3/aws4_request");
        assert_eq!(field(&fields, "x-amz-date"), "20261208T023005Z");
        assert_eq!(field(&fields, "x-amz-security-token"), "tok");
        assert!(conditions.contains(&json!({ "Content-Type": "image/jpeg" })), "the declared type is fixed");
    }

    #[test]
    fn the_signature_signs_the_policy_sent() {
        let fields = example();
        let now: Timestamp = "2026-12-08T02:30:05Z".parse().unwrap();
        let expected = signature(SECRET, now, "ap-southeast-3", field(&fields, "policy"));
        assert_eq!(field(&fields, "x-amz-signature"), expected);
        assert_ne!(expected, signature(SECRET, now, "us-east-1", field(&fields, "policy")), "the region is signed");
        // The policy and the signature come last; S3 wants the file after every field.
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[names.len() - 2..], ["policy", "x-amz-signature"]);
    }
}
