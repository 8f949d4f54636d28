//! Files sent straight to the bucket (issue 23, item 7 on AWS, where a request to the function
//! is at most 6 MB): `POST /api/unggah` signs one form per file, the browser posts each file to
//! the bucket (moto's S3 here), and the complaint or the addition names the keys instead of
//! carrying the files. Intake judges them as any file, and leaves nothing under `unggahan/`.

use super::*;
use pengaduan_core::RegisterNumber;
use pengaduan_store::attachments::s3::S3Attachments;
use pengaduan_store::attachments::{AnyAttachments, AttachmentStore, DirectUpload, UploadKey};
use pengaduan_store::testing::{Moto, all_keys, new_bucket, post_to_bucket, state_of, store_transition};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 0xFF, 0xD9];

/// An app whose attachments are in a new bucket on moto, and the bucket's name.
async fn app_on_bucket() -> (App<SqliteStore>, String) {
    let moto = Moto::shared();
    let client = moto.s3().await;
    let bucket = new_bucket(&client).await;
    let files = S3Attachments::new(client.clone(), bucket.clone(), "")
        .with_post_endpoint(&moto.endpoint)
        .with_signing(&moto.sdk_config());
    (app().with_attachments(AnyAttachments::S3(files)), bucket)
}

/// Asks for one signed form per media type in `types`, as upload.js does.
async fn sign(app: &App<SqliteStore>, types: &[&str]) -> Vec<DirectUpload> {
    let body: Vec<String> = types.iter().map(|t| format!("jenis={}", t.replace('/', "%2F"))).collect();
    let resp =
        send(app, "POST", "/api/unggah", &[("content-type", "application/x-www-form-urlencoded")], body.join("&"))
            .await;
    assert_eq!(resp.status(), StatusCode::OK, "{}", text_of(&resp));
    let v = json_of(&resp);
    assert_eq!(v["batas_berkas"], 2 * 1024 * 1024);
    v["unggahan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| DirectUpload {
            url: u["alamat"].as_str().unwrap().to_owned(),
            fields: u["isian"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
                .collect(),
            key: UploadKey::parse(u["kunci"].as_str().unwrap()).unwrap(),
        })
        .collect()
}

/// The form's fields with the keys of files sent to the bucket, as upload.js sends them.
fn with_keys(form: &str, files: &[(&str, &str)]) -> String {
    let mut body = form.to_owned();
    for (i, (key, name)) in files.iter().enumerate() {
        body.push_str(&format!("&unggahan_{n}={key}&unggahan_nama_{n}={name}", n = i + 1));
    }
    body
}

async fn submit(app: &App<SqliteStore>, body: String) -> Response<Bytes> {
    send(
        app,
        "POST",
        "/api/pengaduan",
        &[("content-type", "application/x-www-form-urlencoded"), ("accept", "application/json")],
        body,
    )
    .await
}

#[tokio::test]
async fn files_sent_to_the_bucket_arrive_with_the_complaint_and_leave_nothing_behind() {
    let (app, bucket) = app_on_bucket().await;
    let client = Moto::shared().s3().await;
    let forms = sign(&app, &["application/pdf", "image/jpeg"]).await;
    // Each form fixes the type its file was declared as.
    assert!(forms[0].fields.contains(&("Content-Type".to_owned(), "application/pdf".to_owned())));
    assert!(forms[1].fields.contains(&("Content-Type".to_owned(), "image/jpeg".to_owned())));
    assert_eq!(forms.len(), 2);
    assert_ne!(forms[0].key, forms[1].key, "one key per file");
    assert_eq!(post_to_bucket(&forms[0], PDF).0, 204);
    assert_eq!(post_to_bucket(&forms[1], JPEG).0, 204);
    let body =
        with_keys(VALID_FORM, &[(forms[0].key.as_str(), "surat.pdf"), (forms[1].key.as_str(), "foto+loket.jpg")]);
    let resp = submit(&app, body).await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
    let nomor = json_of(&resp)["nomor"].as_str().unwrap().to_owned();
    let files = app.attachments().unwrap();
    let listed = files.list(&nomor).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["surat.pdf", "foto loket.jpg"]);
    assert_eq!(&files.get(&nomor, 1).await.unwrap().unwrap().1[..], PDF);
    assert_eq!(&files.get(&nomor, 2).await.unwrap().unwrap().1[..], JPEG);
    let keys = all_keys(&client, &bucket).await;
    assert!(!keys.iter().any(|k| k.starts_with("unggahan/") || k.starts_with("pending/")), "left behind: {keys:?}");
}

#[tokio::test]
async fn a_file_missing_foreign_or_too_large_is_refused_and_nothing_is_stored() {
    let (app, bucket) = app_on_bucket().await;
    let client = Moto::shared().s3().await;
    // Never sent.
    let unsent = UploadKey::generate("2026-11-29T06:00:00Z".parse().unwrap());
    // Not an upload's key at all: another complaint's files are out of reach.
    let foreign = "lampiran/PGD-2026-00001/manifest.json";
    // Put there past the policy (as if its size range failed): the second lock holds.
    let large = UploadKey::generate("2026-11-29T06:00:00Z".parse().unwrap());
    let mut big = PDF.to_vec();
    big.resize(2 * 1024 * 1024 + 1, b' ');
    client.put_object().bucket(&bucket).key(large.as_str()).body(big.into()).send().await.unwrap();
    for (key, expected) in [
        (unsent.as_str(), "tidak sampai ke server kami"),
        (foreign, "tidak sampai ke server kami"),
        (large.as_str(), "Berkas \"besar.pdf\" lebih dari 2 MB."),
    ] {
        let resp = submit(&app, with_keys(VALID_FORM, &[(key, "besar.pdf")])).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{key}: {}", text_of(&resp));
        let errors = json_of(&resp)["errors"].clone();
        assert_eq!(errors[0]["field"], "lampiran", "{errors}");
        assert!(errors[0]["message"].as_str().unwrap().contains(expected), "{key}: {errors}");
    }
    let keys = all_keys(&client, &bucket).await;
    assert_eq!(keys, [large.as_str().to_owned()], "nothing pending or committed, the large object untouched");
    // The HTML form says the same in its error summary.
    let resp = send(
        &app,
        "POST",
        "/api/pengaduan",
        &[("content-type", "application/x-www-form-urlencoded")],
        with_keys(VALID_FORM, &[(unsent.as_str(), "surat.pdf")]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&resp).contains("Pilih berkasnya lagi"), "{}", text_of(&resp));
}

#[tokio::test]
async fn a_returned_complaint_is_completed_with_a_file_sent_to_the_bucket() {
    let (app, bucket) = app_on_bucket().await;
    let client = Moto::shared().s3().await;
    let resp = submit(&app, VALID_FORM.to_owned()).await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
    let v = json_of(&resp);
    let n = RegisterNumber::parse(v["nomor"].as_str().unwrap()).unwrap();
    let code = v["kode_lacak"].as_str().unwrap().to_owned();
    let (state, version) = state_of(app.store(), &n).await;
    let t = state.mark_incomplete("Lampirkan fotokopi KTP.", jiff::civil::date(2026, 11, 29)).unwrap();
    store_transition(app.store(), &n, version, &t, "Rina (FO)", pengaduan_store::testing::now()).await.unwrap();

    let form = sign(&app, &["application/pdf"]).await.remove(0);
    assert_eq!(post_to_bucket(&form, PDF).0, 204);
    let body = format!(
        "nomor={n}&kode={code}&lang=id&keterangan=Fotokopi+KTP+terlampir.&unggahan_1={}&unggahan_nama_1=ktp.pdf",
        form.key.as_str()
    );
    let resp = send(
        &app,
        "POST",
        "/api/pengaduan/lengkapi",
        &[("content-type", "application/x-www-form-urlencoded"), ("accept", "application/json")],
        body,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", text_of(&resp));
    assert_eq!(json_of(&resp)["lampiran"], 1);
    let listed = app.attachments().unwrap().list(&n.to_string()).await.unwrap();
    assert_eq!(listed.iter().map(|m| m.display_name.as_str()).collect::<Vec<_>>(), ["ktp.pdf"]);
    let keys = all_keys(&client, &bucket).await;
    assert!(!keys.iter().any(|k| k.starts_with("unggahan/")), "left behind: {keys:?}");
}

#[tokio::test]
async fn without_a_bucket_the_browser_sends_files_with_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let folder = pengaduan_store::attachments::local::LocalAttachments::open(&dir.path().join("lampiran")).unwrap();
    for app in [app(), app().with_attachments(AnyAttachments::Local(folder))] {
        let resp = send(
            &app,
            "POST",
            "/api/unggah",
            &[("content-type", "application/x-www-form-urlencoded")],
            "jenis=application%2Fpdf",
        )
        .await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{}", text_of(&resp));
        assert!(text_of(&resp).contains("Kirim berkas bersama formulir"), "{}", text_of(&resp));
    }
    let (app, _) = app_on_bucket().await;
    let four = "jenis=image%2Fpng&".repeat(4);
    for bad in ["", "jenis=image%2Fgif", "jenis=application%2Fpdf&jenis=text%2Fhtml", four.trim_end_matches('&')] {
        let resp =
            send(&app, "POST", "/api/unggah", &[("content-type", "application/x-www-form-urlencoded")], bad.to_owned())
                .await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(text_of(&resp).contains("1 sampai 3"), "{bad}: {}", text_of(&resp));
    }
    let resp = send(&app, "GET", "/api/unggah", &[], "").await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
}

/// A form page the API answers (the form again with its messages) sends its files with a
/// script: to the API itself, and to the bucket only when files go there.
#[tokio::test]
async fn the_apis_pages_may_connect_to_itself_and_to_the_bucket_files_go_to() {
    let invalid = "jenis=pengaduan&judul=ab";
    let local = post_form(&app(), invalid).await;
    assert_eq!(local.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let csp = header(&local, "content-security-policy");
    assert!(csp.ends_with("connect-src 'self'"), "{csp}");
    let (app, _) = app_on_bucket().await;
    let on_bucket = post_form(&app, invalid).await;
    let csp = header(&on_bucket, "content-security-policy");
    assert!(csp.ends_with(&format!("connect-src 'self' {}", Moto::shared().endpoint)), "{csp}");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
}
