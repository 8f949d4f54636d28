//! `GET /api/lacak`: the status look-up, its code check and its limit on failures.

use super::*;

#[tokio::test]
async fn codes_are_stored_keyed_and_older_plain_digests_still_open_their_status() {
    use pengaduan_store::ComplaintStore;
    let key = pengaduan_store::config::CodeKey::new(&"r".repeat(48)).unwrap();
    let app = app_with_config(
        Config { code_key: Some(key.clone()), ..Config::default() },
        HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() },
        "2026-11-29T06:00:00Z",
    );
    let first = json_of(&post_json(&app, &valid_json()).await);
    let nomor = pengaduan_core::RegisterNumber::parse(first["nomor"].as_str().unwrap()).unwrap();
    let kode = first["kode_lacak"].as_str().unwrap();
    let stored = app.store().find_public(&nomor).await.unwrap().unwrap().kode_hash;
    let code = pengaduan_core::TrackingCode::parse(kode).unwrap();
    assert_eq!(stored, code.keyed_digest(key.bytes()), "stored under the office's key, not as a plain digest");
    let look = |nomor: String, kode: String| {
        let app = &app;
        async move {
            let uri = format!("/api/lacak?nomor={nomor}&kode={kode}");
            send(app, "GET", &uri, &[("accept", "application/json")], Bytes::new()).await.status()
        }
    };
    assert_eq!(look(nomor.to_string(), kode.to_owned()).await, StatusCode::OK);
    assert_eq!(look(nomor.to_string(), "2222-2222-2222".into()).await, StatusCode::NOT_FOUND);

    // A complaint stored before the key existed (plain digest) opens with its code as before.
    let plain = app_with(HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() }, "2026-11-29T06:00:00Z");
    let old = json_of(&post_json(&plain, &valid_json()).await);
    let old_nomor = pengaduan_core::RegisterNumber::parse(old["nomor"].as_str().unwrap()).unwrap();
    let old_hash = plain.store().find_public(&old_nomor).await.unwrap().unwrap().kode_hash;
    assert!(!old_hash.starts_with(pengaduan_core::tracking::KEYED_PREFIX));
    let keyed_again = App::new(
        plain.store().clone(),
        Config { code_key: Some(key), ..Config::default() },
        HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() },
        crate::pages(),
    );
    let uri =
        format!("/api/lacak?nomor={}&kode={}", old["nomor"].as_str().unwrap(), old["kode_lacak"].as_str().unwrap());
    let resp = send(&keyed_again, "GET", &uri, &[("accept", "application/json")], Bytes::new()).await;
    assert_eq!(resp.status(), StatusCode::OK, "scheme 1 records keep working after the key is set");
}

#[tokio::test]
async fn lookup_by_number_and_code_in_any_case() {
    let app = app();
    let created = json_of(&post_json(&app, &valid_json()).await);
    let nomor = created["nomor"].as_str().unwrap();
    let code = created["kode_lacak"].as_str().unwrap();
    let loose = code.replace('-', "").to_lowercase();
    let resp =
        send(&app, "GET", &format!("/api/lacak?nomor={nomor}&kode={loose}"), &[("accept", "application/json")], "")
            .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_security_headers(&resp);
    let body = json_of(&resp);
    assert_eq!(body["nomor"], nomor);
    assert_eq!(body["status"], "diterima");
    assert!(body.get("nama").is_none() && !body.to_string().contains("Siti"), "no personal data: {body}");

    let wrong_code = send(
        &app,
        "GET",
        &format!("/api/lacak?nomor={nomor}&kode=2222-2222-2222"),
        &[("accept", "application/json")],
        "",
    )
    .await;
    let unknown = send(
        &app,
        "GET",
        &format!("/api/lacak?nomor=PGD-2026-00999&kode={code}"),
        &[("accept", "application/json")],
        "",
    )
    .await;
    assert_eq!(wrong_code.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(wrong_code.body(), unknown.body(), "a wrong code and an unknown number look the same");
    let html_404 = send(&app, "GET", "/api/lacak?nomor=PGD-2026-00999&kode=2222-2222-2222", &[], "").await;
    assert_eq!(html_404.status(), StatusCode::NOT_FOUND);
    let html = text_of(&html_404);
    assert!(html.contains("Tidak ada pengaduan dengan nomor dan kode lacak tersebut"), "the message");
    assert!(html.contains("id=\"ringkasan-galat\"") && html.contains("action=\"/api/lacak\""), "the form again");
    assert!(html.contains("value=\"PGD-2026-00999\""), "the typed number kept");
    let missing = send(&app, "GET", "/api/lacak", &[("accept", "application/json")], "").await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_number_is_read_as_people_type_it() {
    let app = app();
    let created = json_of(&post_json(&app, &valid_json()).await);
    let nomor = created["nomor"].as_str().unwrap();
    let code = created["kode_lacak"].as_str().unwrap();
    for typed in [nomor.replace('-', "").to_lowercase(), nomor.replace('-', "%20"), nomor.replace('-', "%E2%80%93")] {
        let uri = format!("/api/lacak?nomor={typed}&kode={code}");
        let resp = send(&app, "GET", &uri, &[("accept", "application/json")], "").await;
        assert_eq!(resp.status(), StatusCode::OK, "{typed}");
        assert_eq!(json_of(&resp)["nomor"], nomor, "answered with the number as the register writes it");
    }
}

#[tokio::test]
async fn failed_lookups_from_one_source_are_limited_to_thirty_in_ten_minutes() {
    // The submission limit is off here: the look-up limit does not depend on it.
    let app = app();
    let created = json_of(&post_json(&app, &valid_json()).await);
    let nomor = created["nomor"].as_str().unwrap();
    let code = created["kode_lacak"].as_str().unwrap();
    let lacak = |source: IpAddr, accept: &'static str, uri: String| {
        let req = Request::builder().uri(uri).header("accept", accept).body(Bytes::new()).unwrap();
        handle(&app, req, Some(source))
    };
    let guesser = SOURCE.unwrap();
    let right = format!("/api/lacak?nomor={nomor}&kode={code}");
    for _ in 0..40 {
        assert_eq!(lacak(guesser, "application/json", right.clone()).await.status(), StatusCode::OK);
    }
    // Every kind of failure counts: wrong code, unknown number, malformed number or code.
    let failures = [
        format!("/api/lacak?nomor={nomor}&kode=2222-2222-2222"),
        format!("/api/lacak?nomor=PGD-2026-00999&kode={code}"),
        format!("/api/lacak?nomor=PGD-26-1&kode={code}"),
        format!("/api/lacak?nomor={nomor}&kode=ABC"),
    ];
    assert_eq!(form_fn::http::LOOKUP_FAILURES_PER_10_MIN, 30);
    for i in 0..30 {
        let resp = lacak(guesser, "application/json", failures[i % failures.len()].clone()).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "failure {} of 30, after 40 successes", i + 1);
    }
    let limited = lacak(guesser, "application/json", failures[0].clone()).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_security_headers(&limited);
    assert_eq!(header(&limited, "retry-after"), "600", "until the first failure is ten minutes old");
    let message = json_of(&limited)["error"].as_str().unwrap().to_owned();
    assert!(message.contains("Terlalu banyak percobaan pelacakan. Coba lagi dalam 10 menit."), "{message}");
    // Over the limit, the right code is refused too: a hit must look like a miss.
    let right_but_limited = lacak(guesser, "text/html", right.clone()).await;
    assert_eq!(right_but_limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&right_but_limited, "retry-after"), "600");
    assert!(text_of(&right_but_limited).contains("Terlalu banyak percobaan pelacakan"), "the HTML page says why");
    assert!(!text_of(&right_but_limited).contains("Diterima"), "no status shown");
    // Another source is not affected, and submitting is not either.
    let neighbour = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 23));
    let elsewhere = lacak(neighbour, "application/json", right.clone()).await;
    assert_eq!(elsewhere.status(), StatusCode::OK);
    assert_eq!(json_of(&elsewhere)["nomor"], nomor);
    let second = post_json(&app, &with(valid_json(), json!({"judul": "Judul kedua berbeda"}))).await;
    assert_eq!(second.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_lookup_limit_ends_ten_minutes_after_the_failures() {
    // Two and a half minutes before the clock's 06:10: the window slides, it does not end there.
    let clock = std::sync::Arc::new(std::sync::Mutex::new("2026-11-29T06:07:30Z".parse::<Timestamp>().unwrap()));
    let store = SqliteStore::in_memory().unwrap();
    let app = App::new(
        store,
        Config::default(),
        HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() },
        crate::pages(),
    )
    .with_clock({
        let clock = std::sync::Arc::clone(&clock);
        move || *clock.lock().unwrap()
    });
    let wrong = "/api/lacak?nomor=PGD-2026-00001&kode=2222-2222-2222";
    let json = [("accept", "application/json")];
    for _ in 0..30 {
        assert_eq!(send(&app, "GET", wrong, &json, "").await.status(), StatusCode::NOT_FOUND);
    }
    let limited = send(&app, "GET", wrong, &json, "").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&limited, "retry-after"), "600", "until 06:17:30");
    *clock.lock().unwrap() = "2026-11-29T06:10:00Z".parse().unwrap();
    let limited = send(&app, "GET", wrong, &json, "").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS, "past the clock's ten minutes, still limited");
    assert_eq!(header(&limited, "retry-after"), "450");
    *clock.lock().unwrap() = "2026-11-29T06:15:00Z".parse().unwrap();
    let limited = send(&app, "GET", wrong, &json, "").await;
    assert_eq!(header(&limited, "retry-after"), "150");
    assert!(json_of(&limited)["error"].as_str().unwrap().contains("Coba lagi dalam 3 menit"), "rounded up");
    *clock.lock().unwrap() = "2026-11-29T06:17:30Z".parse().unwrap();
    assert_eq!(send(&app, "GET", wrong, &json, "").await.status(), StatusCode::NOT_FOUND, "ten minutes on");
}

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

#[tokio::test]
async fn a_posted_lookup_answers_the_same_page_as_the_get_with_the_code_out_of_the_address() {
    let app = app();
    let first = json_of(&post_json(&app, &valid_json()).await);
    let (nomor, kode) = (first["nomor"].as_str().unwrap(), first["kode_lacak"].as_str().unwrap());
    let html = [("accept", "text/html")];
    let get = send(&app, "GET", &format!("/api/lacak?nomor={nomor}&kode={kode}&lang=id"), &html, "").await;
    let fields = format!("nomor={nomor}&kode={}&lang=id", kode.to_lowercase().replace('-', "+"));
    let post = send(&app, "POST", "/api/lacak", &[html[0], FORM], fields).await;
    assert_eq!(post.status(), StatusCode::OK);
    assert_eq!(text_of(&post), text_of(&get), "the same page");
    assert_security_headers(&post);
    // Its buttons post the code too: no link on the page carries it.
    let page = text_of(&post);
    let kode_in_links = page.split("href=\"").skip(1).filter(|h| h.split('"').next().unwrap().contains(kode)).count();
    let survey_and_language = 1;
    assert!(kode_in_links <= survey_and_language, "{kode_in_links} links carry the code:\n{page}");
    assert!(page.contains("method=\"post\" action=\"/api/lacak\"") && page.contains("name=\"cetak\" value=\"1\""));
    // The print view and English, by fields; JSON as for the GET.
    let print = send(&app, "POST", "/api/lacak", &[html[0], FORM], format!("nomor={nomor}&kode={kode}&cetak=1")).await;
    assert!(text_of(&print).contains("Cetak bukti ini atau simpan sebagai PDF"));
    let english =
        send(&app, "POST", "/api/lacak", &[html[0], FORM], format!("nomor={nomor}&kode={kode}&lang=en")).await;
    assert!(text_of(&english).contains("Complaint status") || text_of(&english).contains("received"));
    let json =
        send(&app, "POST", "/api/lacak", &[("accept", "application/json"), FORM], format!("nomor={nomor}&kode={kode}"))
            .await;
    assert_eq!(json_of(&json)["nomor"], nomor);
    // Only form fields: another body is 415, as for a submission.
    let other = send(&app, "POST", "/api/lacak", &[("content-type", "text/plain")], format!("nomor={nomor}")).await;
    assert_eq!(other.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn posted_failures_get_the_get_s_404_and_count_toward_the_same_limit() {
    let app = app();
    let first = json_of(&post_json(&app, &valid_json()).await);
    let nomor = first["nomor"].as_str().unwrap();
    let html = [("accept", "text/html")];
    let wrong = |method: &'static str| {
        let app = &app;
        async move {
            let fields = format!("nomor={nomor}&kode=2222-2222-2222");
            match method {
                "GET" => send(app, "GET", &format!("/api/lacak?{fields}"), &html, "").await,
                _ => send(app, "POST", "/api/lacak", &[html[0], FORM], fields).await,
            }
        }
    };
    let (got, posted) = (wrong("GET").await, wrong("POST").await);
    assert_eq!((got.status(), posted.status()), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(text_of(&posted), text_of(&got), "the tracking form again, values kept, alike");
    let unknown = send(&app, "POST", "/api/lacak", &[html[0], FORM], "nomor=PGD-2026-09999&kode=2222-2222-2222").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    for _ in 3..form_fn::http::LOOKUP_FAILURES_PER_10_MIN {
        assert_eq!(wrong("POST").await.status(), StatusCode::NOT_FOUND);
    }
    let limited = wrong("POST").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(wrong("GET").await.status(), StatusCode::TOO_MANY_REQUESTS, "one limit for both");
}
