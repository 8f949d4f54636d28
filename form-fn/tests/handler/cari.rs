//! `GET /api/cari`: the site's search without JavaScript, answered from the pages file
//! (`pencarian.json`) the site publishes in its bucket, read and followed as the Lambda
//! function does (pengaduan_store::search_feed).

use super::*;
use pengaduan_core::search::{FILE, LIST_END, LIST_START, LanguageSearch, PageSummary, Searchable, SiteSearch};
use pengaduan_store::search_feed::SearchFeed;
use pengaduan_store::testing::{Moto, new_bucket, put_site_file};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// A search page as the build leaves it in the pages file: header box, heading, empty list,
/// and the content under it that says where to ask.
fn search_page(lang: &str, heading: &str, ask: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><title>{heading}</title></head><body>\
         <form class=\"site-search\" action=\"/api/cari\"><input id=\"cari-situs\" name=\"q\">\
         <input type=\"hidden\" name=\"lang\" value=\"{lang}\"></form><main>\
         <section><h2 id=\"semua-halaman-judul\">{heading}</h2><p>Semua.</p>\n{LIST_START}{LIST_END}</section>\
         <div class=\"prose\"><p>{ask}</p></div></main></body></html>"
    )
}

fn entry(url: &str, title: &str, description: &str, body: &str) -> Searchable {
    let page =
        PageSummary { url: url.into(), lang: String::new(), title: title.into(), description: description.into() };
    Searchable { text: format!("{title} {description} {body}").to_lowercase(), page }
}

fn site(fee_title: &str) -> SiteSearch {
    let id = LanguageSearch {
        url: "/cari/".into(),
        html: search_page("id", "Semua halaman", "Tanyakan kepada kami lewat <a href=\"/pengaduan/\">formulir</a>."),
        pages: vec![
            entry("/layanan/biaya/", fee_title, "Rincian biaya layanan", "Tidak dipungut biaya."),
            entry("/lacak/", "Lacak pengaduan", "Nomor register", "Masukkan nomor register dan kode."),
            entry("/", "Beranda", "", "Layanan informasi dan pengaduan, tanpa biaya."),
        ],
    };
    let en = LanguageSearch {
        url: "/en/search/".into(),
        html: search_page("en", "All pages", "Ask us with <a href=\"/en/complaint/\">the form</a>."),
        pages: vec![entry("/en/fees/", "Pengaduan fees", "What it costs", "Complaints are free of charge.")],
    };
    SiteSearch { languages: [("id".into(), id), ("en".into(), en)].into() }
}

/// An app following the pages file in a fresh bucket, with a clock the test moves.
async fn following(search: Option<&SiteSearch>) -> (App<SqliteStore>, SearchFeed, String, Arc<AtomicI64>) {
    let client = Moto::shared().s3().await;
    let bucket = new_bucket(&client).await;
    if let Some(search) = search {
        put_site_file(&client, &bucket, FILE, &search.to_json()).await;
    }
    let base: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
    let elapsed = Arc::new(AtomicI64::new(0));
    let clock = Arc::clone(&elapsed);
    let later = move || base + jiff::SignedDuration::from_secs(clock.load(Ordering::SeqCst));
    let feed = SearchFeed::with_clock(client.clone(), &bucket, Duration::from_secs(300), later);
    let app = app();
    form_fn::lambda::follow_search(&app, &feed).await;
    (app, feed, bucket, elapsed)
}

async fn get(app: &App<SqliteStore>, uri: &str) -> Response<Bytes> {
    send(app, "GET", uri, &[("accept", "text/html")], "").await
}

#[tokio::test]
async fn a_query_lists_the_pages_holding_every_word_titles_first() {
    let (app, ..) = following(Some(&site("Biaya layanan"))).await;
    let resp = get(&app, "/api/cari?q=biaya+layanan&lang=id").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_security_headers(&resp);
    // The answer is final and loads no search index: no WebAssembly allowed.
    let csp = header(&resp, "content-security-policy");
    assert!(csp.contains("script-src 'self'") && !csp.contains("wasm"), "{csp}");
    let html = text_of(&resp);
    assert!(html.contains("Hasil pencarian</h2>") && html.contains("2 halaman memuat “biaya layanan”."), "{html}");
    let (fee, home) = (html.find("href=\"/layanan/biaya/\"").unwrap(), html.find("href=\"/\">Beranda").unwrap());
    assert!(fee < home, "the title's match first: {html}");
    assert!(!html.contains("/lacak/"), "only the pages holding every word: {html}");
    assert!(html.contains("name=\"q\" value=\"biaya layanan\""), "the box keeps the query");
}

#[tokio::test]
async fn the_query_is_escaped() {
    let (app, ..) = following(Some(&site("Biaya layanan"))).await;
    let html = text_of(&get(&app, "/api/cari?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22&lang=id").await);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("“&lt;script&gt;alert(1)&lt;/script&gt;&quot;”"), "{html}");
    assert!(html.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;\""), "{html}");
}

#[tokio::test]
async fn english_pages_answer_in_english() {
    let (app, ..) = following(Some(&site("Biaya layanan"))).await;
    let html = text_of(&get(&app, "/api/cari?q=free&lang=en").await);
    assert!(html.contains("<html lang=\"en\">") && html.contains("Search results</h2>"), "{html}");
    assert!(html.contains("1 page(s) contain “free”.") && html.contains("href=\"/en/fees/\""), "{html}");
    assert!(html.contains("<span lang=\"id\">Pengaduan</span> fees"), "Indonesian names marked: {html}");
    assert!(!html.contains("/layanan/biaya/"), "English pages only: {html}");
}

#[tokio::test]
async fn an_empty_query_goes_to_the_search_page_listing_every_page() {
    let (app, ..) = following(Some(&site("Biaya layanan"))).await;
    for (uri, to) in
        [("/api/cari?q=&lang=id", "/cari/"), ("/api/cari?q=+...+&lang=en", "/en/search/"), ("/api/cari", "/cari/")]
    {
        let resp = get(&app, uri).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(header(&resp, "location"), to, "{uri}");
    }
}

#[tokio::test]
async fn a_query_matching_nothing_says_so_and_where_to_ask() {
    let (app, ..) = following(Some(&site("Biaya layanan"))).await;
    let html = text_of(&get(&app, "/api/cari?q=paspor&lang=id").await);
    assert!(
        html.contains(
            "Tidak ada halaman yang memuat “paspor”. Coba kata lain, atau tanyakan kepada kami di bawah ini."
        ),
        "{html}"
    );
    assert!(!html.contains("<ul class=\"daftar-halaman\">"), "{html}");
    assert!(html.contains("href=\"/pengaduan/\""), "the next step stays: {html}");
    let html = text_of(&get(&app, "/api/cari?q=passport&lang=en").await);
    assert!(html.contains("No page contains “passport”. Try another word, or ask us below."), "{html}");
}

#[tokio::test]
async fn a_newly_published_pages_file_is_followed_when_due() {
    let (app, feed, bucket, elapsed) = following(Some(&site("Biaya layanan"))).await;
    let client = Moto::shared().s3().await;
    assert!(text_of(&get(&app, "/api/cari?q=tarif&lang=id").await).contains("Tidak ada halaman"));
    put_site_file(&client, &bucket, FILE, &site("Tarif dan biaya layanan").to_json()).await;
    form_fn::lambda::follow_search(&app, &feed).await;
    assert!(text_of(&get(&app, "/api/cari?q=tarif&lang=id").await).contains("Tidak ada halaman"), "not due yet");
    elapsed.store(300, Ordering::SeqCst);
    form_fn::lambda::follow_search(&app, &feed).await;
    let html = text_of(&get(&app, "/api/cari?q=tarif&lang=id").await);
    assert!(html.contains("1 halaman memuat “tarif”.") && html.contains("Tarif dan biaya layanan"), "{html}");
}

#[tokio::test]
async fn without_a_pages_file_the_search_says_it_is_not_available_yet() {
    let (app, ..) = following(None).await;
    let resp = get(&app, "/api/cari?q=biaya&lang=id").await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(text_of(&resp).contains("Pencarian belum tersedia"), "{}", text_of(&resp));
}
