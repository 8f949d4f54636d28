//! The console's remote workshop on the wire: the editing pages with [`LambdaWorkshop`], whose
//! Lambda client (pointed at a local server through the shared endpoint settings) speaks the
//! Lambda Invoke API to a fake that runs publish-fn's handler in this process, on moto's
//! DynamoDB, S3 and CloudFront. Moto runs no Lambda code without Docker, so the fake stands in
//! for Lambda itself: it reads the invocation as Lambda does and answers as Lambda does,
//! including `429 TooManyRequestsException` when told the function is busy.

mod common;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use common::{Harness, Setup, location, text};
use http::{HeaderMap, StatusCode};
use pengaduan_console::Workshop;
use pengaduan_console::konten::remote::{BUSY, LambdaWorkshop};
use pengaduan_publish::{Distribution, Request, SiteBucket, SiteSource, Workbench};
use pengaduan_store::AnyStore;
use pengaduan_store::content::ContentStore;
use pengaduan_store::testing::{Moto, new_bucket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

const PAGE: &str = "layanan/informasi-dan-pengaduan.md";
const FUNCTION: &str = "pengaduan-publish";
/// Not https://: the repository's config.toml holds the office's placeholders.
const SITE_URL: &str = "http://situs.uji";

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Lambda as the console sees it: publish-fn's handler behind the Invoke API.
struct FakeLambda {
    store: OnceLock<AnyStore>,
    bench: Workbench,
    bucket: SiteBucket,
    distribution: Distribution,
    /// Answer every invocation with 429, as Lambda does while the one instance is busy.
    busy: AtomicBool,
    /// Each invocation: the operation and its invocation type.
    calls: Mutex<Vec<(String, String)>>,
}

/// `POST /2015-03-31/functions/{name}/invocations`.
async fn invoke(
    State(fake): State<Arc<FakeLambda>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    assert_eq!(name, FUNCTION, "the function named in PENGADUAN_PUBLISH_FUNCTION");
    assert!(headers.contains_key(http::header::AUTHORIZATION), "a signed request");
    let kind = headers.get("x-amz-invocation-type").and_then(|v| v.to_str().ok()).unwrap_or("RequestResponse");
    let event: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let op = event["op"].as_str().unwrap_or_default().to_owned();
    fake.calls.lock().unwrap().push((op, kind.to_owned()));
    if fake.busy.load(Ordering::Relaxed) {
        let body = r#"{"Type":"User","message":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}"#;
        return (StatusCode::TOO_MANY_REQUESTS, [("x-amzn-errortype", "TooManyRequestsException")], body)
            .into_response();
    }
    let request: Request = match serde_json::from_value(event) {
        Ok(r) => r,
        Err(e) => return function_error(&e.to_string()),
    };
    let store = fake.store.get().expect("the store is set");
    // An `Event` is queued by Lambda and run later; the fake runs it before answering 202, so
    // the test sees its outcome in the bucket.
    let answer = fake.bench.handle(store, request, &fake.bucket, Some(&fake.distribution)).await;
    match (answer, kind) {
        (Ok(_), "Event") => StatusCode::ACCEPTED.into_response(),
        (Ok(answer), _) => (StatusCode::OK, serde_json::to_string(&answer).unwrap()).into_response(),
        (Err(e), _) => function_error(&e.to_string()),
    }
}

/// A function error as Lambda reports it: `200`, `X-Amz-Function-Error`, the error as JSON.
fn function_error(message: &str) -> Response {
    let body = serde_json::json!({"errorType": "&lambda_runtime::Error", "errorMessage": message}).to_string();
    (StatusCode::OK, [("x-amz-function-error", "Unhandled")], body).into_response()
}

/// A distribution on moto, serving `bucket`.
async fn distribution(moto: &Moto, bucket: &str) -> Distribution {
    use aws_sdk_cloudfront::types::{
        DefaultCacheBehavior, DistributionConfig, Origin, Origins, S3OriginConfig, ViewerProtocolPolicy,
    };
    let client = aws_sdk_cloudfront::Client::new(&moto.sdk_config());
    let origin = Origin::builder()
        .id("site")
        .domain_name(format!("{bucket}.s3.ap-southeast-3.amazonaws.com"))
        .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        .build()
        .unwrap();
    let behaviour = DefaultCacheBehavior::builder()
        .target_origin_id("site")
        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
        .build()
        .unwrap();
    let config = DistributionConfig::builder()
        .caller_reference(format!("konsol-{bucket}"))
        .comment("uji")
        .enabled(true)
        .origins(Origins::builder().quantity(1).items(origin).build().unwrap())
        .default_cache_behavior(behaviour)
        .build()
        .unwrap();
    let out = client.create_distribution().distribution_config(config).send().await.unwrap();
    Distribution::new(client, out.distribution().unwrap().id().to_owned())
}

/// The console with the remote workshop, the fake Lambda it invokes, and the site's bucket.
async fn setup() -> (Harness, Arc<FakeLambda>, aws_sdk_s3::Client, String) {
    let moto = Moto::shared();
    let s3 = moto.s3().await;
    let name = new_bucket(&s3).await;
    let fake = Arc::new(FakeLambda {
        store: OnceLock::new(),
        bench: Workbench::new(SiteSource::new(repo(), SITE_URL)),
        bucket: SiteBucket::new(s3.clone(), &name, ""),
        distribution: distribution(moto, &name).await,
        busy: AtomicBool::new(false),
        calls: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/2015-03-31/functions/{name}/invocations", axum::routing::post(invoke))
        .with_state(Arc::clone(&fake));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    // The shared settings with the local endpoint, as console-fn's are with Lambda's.
    let config = pengaduan_aws::static_config("ap-southeast-3", "uji", "rahasia", Some(&url));
    let workshop = LambdaWorkshop::new(LambdaWorkshop::client(&config), FUNCTION);
    let h = Harness::with(Setup {
        dynamodb: true,
        remote: Some(Arc::new(workshop) as Arc<dyn Workshop>),
        ..Setup::default()
    })
    .await;
    fake.store.set(h.store.clone()).ok().unwrap();
    // The content as `pengaduan-staf konten benih` seeds it on AWS.
    let dir = repo().join("content");
    for entry in walkdir::WalkDir::new(&dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(entry.path()).unwrap();
            h.store.seed_content(&rel, &text, h.now()).await.unwrap();
        }
    }
    (h, fake, s3, name)
}

async fn version(h: &Harness, path: &str) -> String {
    let heads = h.store.content_heads().await.unwrap();
    heads.iter().find(|c| c.path == path).map_or(0, |c| c.version).to_string()
}

fn original() -> String {
    std::fs::read_to_string(repo().join("content").join(PAGE)).unwrap()
}

#[tokio::test]
async fn editors_save_preview_and_publish_through_the_publishing_function() {
    let (h, fake, s3, bucket) = setup().await;
    let b = h.login("dewi").await;

    let list = h.get("/staf/konten/", Some(&b.cookie)).await;
    assert_eq!(list.status(), StatusCode::OK);
    assert!(text(list).await.contains("Layanan Informasi dan Pengaduan"));
    let form = h.get(&format!("/staf/konten/ubah?berkas={PAGE}"), Some(&b.cookie)).await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(text(form).await.contains("Tidak dipungut biaya"), "the live text from the store");

    // The real build refuses a broken front matter, naming the line; nothing is stored.
    let broken = original().replacen("weight = 1", "weight = \"satu\"", 1);
    let line = broken.lines().position(|l| l.starts_with("weight")).unwrap() + 1;
    let v = version(&h, PAGE).await;
    let fields = [("csrf", b.csrf.as_str()), ("berkas", PAGE), ("versi", v.as_str()), ("isi", broken.as_str())];
    let resp = h.post("/staf/konten/simpan", Some(&b.cookie), &fields).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(resp).await;
    assert!(page.contains(&format!("baris {line}")), "the line named: {page}");
    assert!(!h.store.content_heads().await.unwrap().iter().any(|c| c.draft_waiting), "nothing stored");

    // A good change: previewed, saved, published.
    let changed = original().replace("fee = \"Tidak dipungut biaya\"", "fee = \"Gratis, tanpa pungutan\"");
    let fields = [("csrf", b.csrf.as_str()), ("berkas", PAGE), ("versi", v.as_str()), ("isi", changed.as_str())];
    let preview = h.post("/staf/konten/pratinjau", Some(&b.cookie), &fields).await;
    assert_eq!(preview.status(), StatusCode::OK);
    let shown = text(preview).await;
    assert!(shown.contains("Gratis, tanpa pungutan") && shown.contains("Pratinjau — belum disimpan"));
    let saved = h.post("/staf/konten/simpan", Some(&b.cookie), &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{}", text(saved).await);

    let published = h.post("/staf/konten/terbitkan", Some(&b.cookie), &[("csrf", b.csrf.as_str())]).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    assert!(location(&published).contains("pesan=terbit-dibangun."), "the page says the site is being updated");
    let key = "layanan/informasi-dan-pengaduan/index.html";
    let object = s3.get_object().bucket(&bucket).key(key).send().await.unwrap();
    let html = String::from_utf8(object.body.collect().await.unwrap().into_bytes().to_vec()).unwrap();
    assert!(html.contains("Gratis, tanpa pungutan"), "the bucket has the changed page");

    let calls = fake.calls.lock().unwrap().clone();
    assert!(calls.contains(&("publish".into(), "Event".into())), "publishing is queued: {calls:?}");
    for op in ["files", "live_text", "check", "preview"] {
        assert!(calls.contains(&(op.into(), "RequestResponse".into())), "{op} waits for its answer: {calls:?}");
    }
}

#[tokio::test]
async fn a_busy_publishing_function_is_a_message_to_try_again() {
    let (h, fake, _, _) = setup().await;
    let b = h.login("eko").await;
    // The list is heard once; then the function's one instance is busy publishing.
    assert_eq!(h.get("/staf/konten/", Some(&b.cookie)).await.status(), StatusCode::OK);
    fake.busy.store(true, Ordering::Relaxed);

    let changed = original().replace("fee = \"Tidak dipungut biaya\"", "fee = \"Teks yang diketik\"");
    let v = version(&h, PAGE).await;
    let fields = [("csrf", b.csrf.as_str()), ("berkas", PAGE), ("versi", v.as_str()), ("isi", changed.as_str())];
    let saved = h.post("/staf/konten/simpan", Some(&b.cookie), &fields).await;
    assert_eq!(saved.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = text(saved).await;
    assert!(page.contains("Pembangun situs sedang sibuk"), "{page}");
    assert!(page.contains("Teks yang diketik"), "the typed text is kept");
    assert!(!h.store.content_heads().await.unwrap().iter().any(|c| c.draft_waiting), "nothing stored");

    let preview = h.post("/staf/konten/pratinjau", Some(&b.cookie), &fields).await;
    assert_eq!(preview.status(), StatusCode::SERVICE_UNAVAILABLE);
    let form = h.get(&format!("/staf/konten/ubah?berkas={PAGE}"), Some(&b.cookie)).await;
    assert_eq!(form.status(), StatusCode::SERVICE_UNAVAILABLE, "no empty text for a file not fetched");
    assert!(text(form).await.contains(BUSY.split(',').next().unwrap()));
}
