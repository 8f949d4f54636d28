//! An anonymous complaint keeps no identity: whatever was typed or autofilled in name, email,
//! telephone, NIK and address reaches neither store (read back from the database itself), no
//! receipt is queued, and the confirmation says so.

use super::*;
use pengaduan_store::WorkflowStore;
use pengaduan_store::answer::AnswerStore;
use pengaduan_store::survey::SurveyStore;
use pengaduan_store::testing::{Moto, sqlite_store};

/// What a person typed (or the browser autofilled) beside "anonim", each distinctive enough to
/// be found anywhere in a database file; the phone as the store would normalise it.
const TYPED: [(&str, &str); 5] = [
    ("nama", "Bambang Sutrisno Wibowo"),
    ("email", "bambang.wibowo.rahasia@contoh.id"),
    ("telepon", "081377778888"),
    ("nik", "3201014101900777"),
    ("alamat", "Jalan Kenanga Tujuh Belas"),
];

/// The traces each typed value would leave once stored (the phone normalised to `+62…`).
const TRACES: [&str; 5] =
    ["Bambang Sutrisno Wibowo", "bambang.wibowo.rahasia@contoh.id", "81377778888", "3201014101900777", "Kenanga Tujuh"];

fn anonymous_form(anonim: bool, judul: &str) -> String {
    let mut body = format!(
        "jenis=pengaduan&judul={judul}&isi=Ada+pungutan+di+loket+tanpa+tanda+terima+resmi.\
         &pernyataan_kebenaran=on&persetujuan_data=on&website=&lang=id"
    );
    if anonim {
        body.push_str("&anonim=on");
    }
    for (field, value) in TYPED {
        body.push_str(&format!("&{field}={}", value.replace(' ', "+").replace('@', "%40")));
    }
    body
}

async fn post<S: WorkflowStore + SurveyStore + AnswerStore>(app: &App<S>, body: String) -> Response<Bytes> {
    let req = Request::builder()
        .method("POST")
        .uri("/api/pengaduan")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from(body))
        .unwrap();
    handle(app, req, SOURCE).await
}

async fn get<S: WorkflowStore + SurveyStore + AnswerStore>(app: &App<S>, uri: &str) -> Response<Bytes> {
    let req = Request::builder().method("GET").uri(uri).header("accept", "text/html").body(Bytes::new()).unwrap();
    handle(app, req, SOURCE).await
}

/// Every byte of every file under `dir`: the database, its WAL and anything beside them.
fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            bytes.extend(all_bytes(&path));
        } else {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    bytes
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn an_anonymous_complaint_stores_no_typed_identity_in_sqlite() {
    let (store, dir) = sqlite_store();
    let http = HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() };
    let now: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
    let app = App::new(store, Config::default(), http, pages()).with_clock(move || now);

    let resp = post(&app, anonymous_form(true, "Pungutan+di+loket+anonim")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", text_of(&resp));
    let location = header(&resp, "location").to_owned();
    let page = text_of(&get(&app, &location).await);
    assert!(page.contains("Dikirim secara anonim"), "the confirmation says so: {page}");
    assert!(page.contains("tidak ada tanda terima yang dikirim lewat email"), "{page}");
    assert!(page.contains("panel__code"), "the number and code are still shown");
    let stored = all_bytes(dir.path());
    for trace in TRACES {
        assert!(!holds(&stored, trace), "{trace:?} was stored for an anonymous complaint");
    }
    assert!(holds(&stored, "Pungutan di loket anonim"), "the complaint itself is stored");

    // The same typed identity without "anonim" is found by the same reading: the check is real.
    let resp = post(&app, anonymous_form(false, "Pungutan+di+loket+bernama")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let stored = all_bytes(dir.path());
    for trace in TRACES {
        assert!(holds(&stored, trace), "{trace:?} not found for a named complaint: the reading misses data");
    }
}

#[tokio::test]
async fn an_anonymous_complaint_stores_no_typed_identity_in_dynamodb() {
    let store = Moto::shared().store().await;
    let table = store.table().to_owned();
    let http = HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() };
    let now: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
    let app = App::new(store, Config::default(), http, pages()).with_clock(move || now);
    let client = Moto::shared().client().await;
    let scan = || async {
        let items = client.scan().table_name(&table).send().await.unwrap().items.unwrap_or_default();
        format!("{items:?}")
    };

    let resp = post(&app, anonymous_form(true, "Pungutan+di+loket+anonim")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", text_of(&resp));
    let page = text_of(&get(&app, header(&resp, "location")).await);
    assert!(page.contains("Dikirim secara anonim"), "{page}");
    let stored = scan().await;
    for trace in TRACES {
        assert!(!stored.contains(trace), "{trace:?} was stored for an anonymous complaint");
    }
    assert!(stored.contains("Pungutan di loket anonim"), "the complaint itself is stored");

    let resp = post(&app, anonymous_form(false, "Pungutan+di+loket+bernama")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let stored = scan().await;
    for trace in TRACES {
        assert!(stored.contains(trace), "{trace:?} not found for a named complaint: the scan misses data");
    }
}

#[tokio::test]
async fn the_form_says_near_the_checkbox_that_nothing_typed_is_kept() {
    let app = app();
    let html = text_of(&post_form(&app, "jenis=pengaduan&anonim=on&lang=id").await);
    let hint = html.split("id=\"anonim-hint\"").nth(1).and_then(|h| h.split("</p>").next()).unwrap_or("");
    assert!(hint.contains("tidak kami simpan, walaupun sudah terisi"), "{hint}");
    let html = text_of(&post_form(&app, "jenis=pengaduan&anonim=on&lang=en").await);
    let hint = html.split("id=\"anonim-hint\"").nth(1).and_then(|h| h.split("</p>").next()).unwrap_or("");
    assert!(hint.contains("even if they are filled in") && hint.contains("email you a receipt"), "{hint}");
}
