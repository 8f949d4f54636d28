//! `POST /api/pengaduan`: every answer of the contract for a submission.

use super::*;

#[tokio::test]
async fn json_submission_is_created_with_number_and_code() {
    let app = app();
    let resp = post_json(&app, &valid_json()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_security_headers(&resp);
    assert_eq!(header(&resp, "content-type"), "application/json");
    let body = json_of(&resp);
    assert_eq!(body["nomor"], "PGD-2026-00001");
    assert_eq!(body["status"], "diterima");
    assert_eq!(body["diterima_pada"], "2026-11-29T13:00:00+07:00");
    let code = body["kode_lacak"].as_str().unwrap();
    assert!(pengaduan_core::TrackingCode::parse(code).is_some_and(|c| c.to_string() == code), "{code}");
    let second = json_of(&post_json(&app, &with(valid_json(), json!({"judul": "Judul kedua berbeda"}))).await);
    assert_eq!(second["nomor"], "PGD-2026-00002");
    assert_ne!(second["kode_lacak"], body["kode_lacak"]);
}

#[tokio::test]
async fn html_form_redirects_to_the_status_page_which_confirms() {
    let app = app();
    let resp = post_form(&app, VALID_FORM).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_security_headers(&resp);
    let location = header(&resp, "location").to_owned();
    let prefix = "/api/lacak?nomor=PGD-2026-00001&kode=";
    assert!(location.starts_with(prefix), "{location}");
    assert!(location.ends_with("&lang=id"), "the form's language named: {location}");
    let code = location[prefix.len()..].split('&').next().unwrap();
    let page = send(&app, "GET", &location, &[("accept", "text/html")], "").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_security_headers(&page);
    assert!(header(&page, "content-security-policy").contains("default-src 'none'"));
    let html = text_of(&page);
    for needle in ["PGD-2026-00001", code, "Diterima", "29 November 2026"] {
        assert!(html.contains(needle), "status page lacks {needle}");
    }
    assert!(!html.contains("Siti") && !html.contains("siti@contoh"), "no personal data on the status page");
}

/// Posts the valid form and follows the redirect: the confirmation's URL (with the code in it)
/// and its page.
async fn confirmed(app: &App<SqliteStore>) -> (String, String) {
    let location = header(&post_form(app, VALID_FORM).await, "location").to_owned();
    let page = send(app, "GET", &location, &[("accept", "text/html")], "").await;
    assert_eq!(page.status(), StatusCode::OK);
    (location, text_of(&page))
}

#[tokio::test]
async fn the_confirmation_is_a_receipt_that_says_when_to_expect_an_answer() {
    let app = app();
    let (location, html) = confirmed(&app).await;
    let code = location.split("kode=").nth(1).unwrap().split('&').next().unwrap();
    for needle in [
        "<title>Pengaduan Anda telah diterima",
        "PGD-2026-00001",
        code,
        "Izin usaha belum terbit",
        "<dd>Pengaduan</dd>",
        "29 November 2026, 13.00 WIB",
        "Jangka waktu penyelesaian: <strong>2 s&#x2F;d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap</strong>.",
        "Tanggal batas waktunya ditampilkan di halaman status pengaduan Anda (menu Lacak Pengaduan) setelah petugas menyatakan berkas Anda lengkap.",
        "<span class=\"url\">http:&#x2F;&#x2F;127.0.0.1:8080&#x2F;lacak&#x2F;</span>",
        "class=\"print-only print-heading\">Bukti penerimaan pengaduan</p>",
    ] {
        assert!(html.contains(needle), "the confirmation lacks {needle:?}:\n{html}");
    }
    // "Cetak bukti": a form posting to the print view without JavaScript (site.js makes it print).
    let print_link = format!(
        "<input type=\"hidden\" name=\"nomor\" value=\"PGD-2026-00001\"><input type=\"hidden\" name=\"kode\" value=\"{code}\"><input type=\"hidden\" name=\"lang\" value=\"id\"><input type=\"hidden\" name=\"cetak\" value=\"1\"><button type=\"submit\" class=\"button button--secondary\" data-cetak>Cetak bukti</button>"
    );
    assert!(html.contains(&print_link), "{print_link} in\n{html}");
    // No screenshots, and no claim that the code it shows cannot be shown again.
    for gone in ["tangkapan layar", "tidak dapat ditampilkan ulang"] {
        assert!(!html.contains(gone), "{gone:?} is still said");
    }
    assert!(html.contains("class=\"site-nav\"") && html.contains("class=\"site-footer\""), "the site around it");
}

#[tokio::test]
async fn the_print_view_is_the_receipt_alone_and_json_ignores_it() {
    let config = HttpConfig {
        rate_limit_per_hour: 0,
        site_origin: Some("https://dpmptsp.example".into()),
        ..HttpConfig::default()
    };
    let app = app_with(config, "2026-11-29T06:00:00Z");
    let (location, _) = confirmed(&app).await;
    let code = location.split("kode=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let print = send(&app, "GET", &format!("{location}&cetak=1"), &[], "").await;
    assert_eq!(print.status(), StatusCode::OK);
    assert_security_headers(&print);
    assert!(header(&print, "content-security-policy").contains("default-src 'none'"));
    let html = text_of(&print);
    for needle in [
        "<title>Bukti penerimaan pengaduan PGD-2026-00001 – DPMPTSP",
        "<h1>Bukti penerimaan pengaduan</h1>",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "<dd class=\"code\">PGD-2026-00001</dd>",
        &format!("<dd class=\"code\">{code}</dd>"),
        "<dd>Pengaduan</dd>",
        "<dd>Izin usaha belum terbit</dd>",
        "29 November 2026, 13.00 WIB",
        "2 s&#x2F;d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap",
        "<span class=\"url\">https:&#x2F;&#x2F;dpmptsp.example&#x2F;lacak&#x2F;</span>",
        // Printing with JavaScript, and the way back.
        "<button type=\"button\" class=\"button\" data-cetak hidden>Cetak bukti</button>",
        &format!(
            "<input type=\"hidden\" name=\"nomor\" value=\"PGD-2026-00001\"><input type=\"hidden\" name=\"kode\" value=\"{code}\"><input type=\"hidden\" name=\"lang\" value=\"id\"><button type=\"submit\" class=\"button button--secondary\">Kembali ke status pengaduan</button>"
        ),
        "<meta name=\"robots\" content=\"noindex\">",
    ] {
        assert!(html.contains(needle), "the print view lacks {needle:?}:\n{html}");
    }
    for absent in ["class=\"site-nav\"", "class=\"site-footer\"", "class=\"stages", "Siti", "siti@contoh"] {
        assert!(!html.contains(absent), "the print view has {absent:?}");
    }
    // Any other value is the ordinary page.
    let page = text_of(&send(&app, "GET", &format!("{location}&cetak=0"), &[], "").await);
    assert!(page.contains("Pengaduan Anda telah diterima") && page.contains("class=\"site-nav\""));

    // The JSON answer is the contract's, with or without the flag.
    let json = [("accept", "application/json")];
    let plain = send(&app, "GET", &location, &json, "").await;
    let flagged = send(&app, "GET", &format!("{location}&cetak=1"), &json, "").await;
    assert_eq!((plain.status(), flagged.status()), (StatusCode::OK, StatusCode::OK));
    assert_eq!(plain.body(), flagged.body());
    let keys: Vec<String> = json_of(&flagged).as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "diterima_pada",
            "jenis",
            "langkah_berikutnya",
            "nomor",
            "status",
            "status_label",
            "tahapan",
            "tenggat",
            "tenggat_sementara"
        ]
    );

    // A wrong code prints nothing: the tracking form again, as without the flag.
    let wrong = send(&app, "GET", "/api/lacak?nomor=PGD-2026-00001&kode=2222-2222-2222&cetak=1", &[], "").await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let wrong = text_of(&wrong);
    assert!(wrong.contains("id=\"ringkasan-galat\"") && !wrong.contains("Bukti penerimaan"), "{wrong}");
}

#[tokio::test]
async fn invalid_json_lists_each_failing_field() {
    let app = app();
    let bad =
        with(valid_json(), json!({"judul": "", "isi": "pendek", "email": "bukan", "pernyataan_kebenaran": false}));
    let resp = post_json(&app, &bad).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = json_of(&resp)["errors"].as_array().unwrap().clone();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "judul", "isi", "pernyataan_kebenaran"]);
    assert!(errors.iter().all(|e| !e["message"].as_str().unwrap().is_empty()));
    assert_eq!(errors[1]["message"], "Masukkan judul laporan");
    // Nothing stored: the next valid submission is number 1.
    assert_eq!(json_of(&post_json(&app, &valid_json()).await)["nomor"], "PGD-2026-00001");
}

#[tokio::test]
async fn invalid_form_comes_back_with_summary_messages_and_values() {
    let app = app();
    let body = "jenis=pengaduan&nama=%3Cb%3ESiti%3C%2Fb%3E&email=bukan-email&judul=&isi=pendek&lokasi=Kantor+DPMPTSP&persetujuan_data=on";
    let resp = post_form(&app, body).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(header(&resp, "content-type"), "text/html; charset=utf-8");
    assert_eq!(
        header(&resp, "content-security-policy"),
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'; connect-src 'self'",
        "nothing but the site's own styles and scripts, framed by no one"
    );
    let html = text_of(&resp);
    assert!(html.contains("Ada masalah"));
    assert!(html.contains("<title>Kesalahan: Ajukan Pengaduan"), "title is prefixed with a word citizens know");
    assert!(html.contains("<span class=\"visually-hidden\">Kesalahan:</span>") && !html.contains("Galat"), "{html}");
    for field in ["email", "judul", "isi", "pernyataan_kebenaran"] {
        assert!(html.contains(&format!("href=\"#{field}\"")), "summary links to {field}");
        assert!(html.contains(&format!("id=\"{field}-error\"")), "inline message for {field}");
    }
    assert!(html.contains("Kantor DPMPTSP"), "typed values are kept");
    assert!(html.contains("bukan-email"));
    assert!(html.contains("&lt;b&gt;Siti&lt;&#x2F;b&gt;") && !html.contains("<b>Siti"), "values are escaped");
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let app = app();
    let resp = send(&app, "POST", "/api/pengaduan", &[("content-type", "application/json")], "{\"jenis\":").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(json_of(&resp)["error"].as_str().unwrap().contains("JSON"));
    let resp = send(&app, "POST", "/api/pengaduan", &[("content-type", "application/json")], "[1]").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = post_form(&app, "nama=%FF%FE&judul=x").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(text_of(&resp).contains("UTF-8"));
    let bytes: &[u8] = b"nama=\xff";
    let resp = send(
        &app,
        "POST",
        "/api/pengaduan",
        &[("content-type", "application/x-www-form-urlencoded")],
        Bytes::from_static(bytes),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn other_content_types_are_415() {
    let app = app();
    for ct in ["text/plain", "application/xml", "application/json; charset=iso-8859-1"] {
        let resp = send(&app, "POST", "/api/pengaduan", &[("content-type", ct)], "x").await;
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
    }
    let resp = send(&app, "POST", "/api/pengaduan", &[], "x").await;
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let app = app();
    let big = with(valid_json(), json!({"isi": "x".repeat(70 * 1024)}));
    let resp = post_json(&app, &big).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let resp = post_form(&app, &format!("{VALID_FORM}&alamat={}", "y".repeat(65 * 1024))).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let huge = vec![b'z'; 6 * 1024 * 1024 + 1];
    let resp = send(&app, "POST", "/api/pengaduan", &[("content-type", "multipart/form-data; boundary=b")], huge).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let app = app_with(HttpConfig { rate_limit_per_hour: 2, ..HttpConfig::default() }, "2026-11-29T06:15:00Z");
    for i in 0..2 {
        let resp = post_json(&app, &with(valid_json(), json!({"judul": format!("Judul nomor {i}")}))).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
    }
    let resp = post_json(&app, &with(valid_json(), json!({"judul": "Judul nomor 3"}))).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&resp, "retry-after"), "3600", "until the first of the two is an hour old");
    // A replay of an earlier submission is not a new submission: still answered.
    let replay = post_json(&app, &with(valid_json(), json!({"judul": "Judul nomor 0"}))).await;
    assert_eq!(replay.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn honeypot_looks_like_success_and_stores_nothing() {
    let app = app();
    let resp = post_json(&app, &with(valid_json(), json!({"website": "http://spam.example"}))).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = post_form(&app, &format!("{VALID_FORM}http%3A%2F%2Fspam")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(json_of(&post_json(&app, &valid_json()).await)["nomor"], "PGD-2026-00001", "no number consumed");
}

#[tokio::test]
async fn idempotency_key_and_content_replays() {
    let app = app();
    let keyed = |key: &'static str| {
        let app = &app;
        async move {
            send(
                app,
                "POST",
                "/api/pengaduan",
                &[("content-type", "application/json"), ("idempotency-key", key)],
                valid_json().to_string(),
            )
            .await
        }
    };
    let first = json_of(&keyed("kunci-abc-123").await);
    let again = json_of(&keyed("kunci-abc-123").await);
    assert_eq!(first, again, "same key: the same answer");
    // Without a key, the same name, contact, title and text count as the same submission.
    let form_first = post_form(&app, VALID_FORM).await;
    let form_again = post_form(&app, VALID_FORM).await;
    assert_eq!(header(&form_first, "location"), header(&form_again, "location"));
    assert!(header(&form_first, "location").contains("PGD-2026-00002"));
    // A key in the wrong form is a field error.
    let bad = keyed("no").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(&bad)["errors"][0]["field"], "idempotency_key");
}

#[tokio::test]
async fn a_key_reused_for_another_body_is_refused_and_reveals_nothing() {
    let app = app();
    let post = |body: Value| {
        let app = &app;
        async move {
            let headers = [("content-type", "application/json"), ("idempotency-key", "kunci-bersama-1")];
            send(app, "POST", "/api/pengaduan", &headers, body.to_string()).await
        }
    };
    let first = json_of(&post(valid_json()).await);
    let other = post(with(valid_json(), json!({"nama": "Budi Santoso", "email": "budi@contoh.co.id"}))).await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = text_of(&other);
    assert_eq!(json_of(&other)["errors"][0]["field"], "idempotency_key");
    assert!(json_of(&other)["errors"][0]["message"].as_str().unwrap().contains("sudah dipakai untuk laporan lain"));
    for leaked in [first["nomor"].as_str().unwrap(), first["kode_lacak"].as_str().unwrap()] {
        assert!(!body.contains(leaked), "the first submitter's {leaked} must not be shown");
    }
    // The same body again is still answered as the first time, and nothing new was stored.
    assert_eq!(json_of(&post(valid_json()).await), first);
    let next = json_of(&post_json(&app, &with(valid_json(), json!({"judul": "Laporan lain sama sekali"}))).await);
    assert_eq!(next["nomor"], "PGD-2026-00002");
}

#[tokio::test]
async fn the_content_fingerprint_counts_for_ten_minutes_only() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};
    let seconds = Arc::new(AtomicI64::new("2026-11-29T06:00:00Z".parse::<Timestamp>().unwrap().as_second()));
    let clock = Arc::clone(&seconds);
    let app = App::new(
        SqliteStore::in_memory().unwrap(),
        Config::default(),
        HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() },
        crate::pages(),
    )
    .with_clock(move || Timestamp::from_second(clock.load(Ordering::SeqCst)).unwrap());
    let first = header(&post_form(&app, VALID_FORM).await, "location").to_owned();
    seconds.fetch_add(9 * 60, Ordering::SeqCst);
    assert_eq!(header(&post_form(&app, VALID_FORM).await, "location"), first, "a resend within 10 minutes");
    seconds.fetch_add(2 * 60, Ordering::SeqCst);
    let later = header(&post_form(&app, VALID_FORM).await, "location").to_owned();
    assert!(later.contains("PGD-2026-00002"), "after 10 minutes the same text is a new complaint: {later}");
}

#[tokio::test]
async fn the_honeypot_answer_has_the_shape_of_success() {
    let app = app();
    let resp = post_json(&app, &with(valid_json(), json!({"website": "http://spam.example"}))).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let decoy = json_of(&resp);
    let real = json_of(&post_json(&app, &with(valid_json(), json!({"judul": "Laporan yang sungguhan"}))).await);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&decoy), keys(&real), "the same fields as a real receipt");
    assert!(pengaduan_core::RegisterNumber::parse(decoy["nomor"].as_str().unwrap()).is_some(), "{decoy}");
    assert!(pengaduan_core::TrackingCode::parse(decoy["kode_lacak"].as_str().unwrap()).is_some(), "{decoy}");
    assert_eq!(real["nomor"], "PGD-2026-00001", "the decoy consumed no number");
    // The decoy's number and code reach nothing.
    let uri =
        format!("/api/lacak?nomor={}&kode={}", decoy["nomor"].as_str().unwrap(), decoy["kode_lacak"].as_str().unwrap());
    let lookup = send(&app, "GET", &uri, &[("accept", "application/json")], Bytes::new()).await;
    assert_eq!(lookup.status(), StatusCode::NOT_FOUND);
    // The HTML form gets the same redirect a real submission gets.
    let form = post_form(&app, &format!("{VALID_FORM}http%3A%2F%2Fspam")).await;
    assert_eq!(form.status(), StatusCode::SEE_OTHER);
    let location = header(&form, "location");
    assert!(location.starts_with("/api/lacak?nomor=PGD-2026-") && location.contains("&kode="), "{location}");
}

#[tokio::test]
async fn control_characters_are_refused_naming_the_field() {
    let app = app();
    let resp = post_json(&app, &with(valid_json(), json!({"judul": "Halo\u{1b}]0;owned\u{7}\u{1b}[2J dunia"}))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(&resp)["errors"][0]["field"], "judul");
    // A textarea's CRLF line breaks are fine.
    let isi = "Baris pertama laporan saya.\r\nBaris kedua dengan rincian.";
    let ok = post_json(&app, &with(valid_json(), json!({"isi": isi}))).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn multipart_form_is_accepted() {
    let app = app();
    let mut body = String::new();
    for (k, v) in [
        ("jenis", "informasi"),
        ("nama", "Budi"),
        ("telepon", "+62 812 3456 7890"),
        ("judul", "Syarat izin usaha"),
        ("isi", "Apa saja syarat izin usaha mikro di kabupaten ini?"),
        ("pernyataan_kebenaran", "on"),
        ("persetujuan_data", "on"),
    ] {
        body.push_str(&format!("--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    body.push_str("--XyZ--\r\n");
    let resp =
        send(&app, "POST", "/api/pengaduan", &[("content-type", "multipart/form-data; boundary=XyZ")], body).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp =
        send(&app, "POST", "/api/pengaduan", &[("content-type", "multipart/form-data; boundary=XyZ")], "garbage").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn year_follows_the_office_time_zone() {
    // 17:30 UTC on 31 December is already 1 January in Jakarta.
    let app = app_with(HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() }, "2026-12-31T17:30:00Z");
    let body = json_of(&post_json(&app, &valid_json()).await);
    assert_eq!(body["nomor"], "PGD-2027-00001");
    assert_eq!(body["diterima_pada"], "2027-01-01T00:30:00+07:00");
}

/// A form submission from `ip`.
async fn post_form_from(app: &App<SqliteStore>, body: &str, ip: &str) -> Response<Bytes> {
    let req = Request::builder()
        .method("POST")
        .uri("/api/pengaduan")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    handle(app, req, Some(ip.parse().unwrap())).await
}

#[tokio::test]
async fn the_same_anonymous_words_from_another_source_are_another_complaint() {
    let app = app();
    let anonymous = "jenis=pengaduan&anonim=on&judul=Pungutan+liar+di+loket&isi=Petugas+loket+meminta+uang+tambahan.\
        &pernyataan_kebenaran=on&persetujuan_data=on&website=";
    let first = post_form_from(&app, anonymous, "203.0.113.7").await;
    let again = post_form_from(&app, anonymous, "203.0.113.7").await;
    assert_eq!(header(&first, "location"), header(&again, "location"), "a double click from one sender: one complaint");
    let other = post_form_from(&app, anonymous, "198.51.100.20").await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    assert_ne!(header(&first, "location"), header(&other, "location"), "someone else's complaint, with its own code");
    assert!(header(&first, "location").contains("PGD-2026-00001"));
    assert!(header(&other, "location").contains("PGD-2026-00002"));
    let kode = |resp: &Response<Bytes>| header(resp, "location").split("kode=").nth(1).unwrap_or("").to_owned();
    assert_ne!(kode(&first), kode(&other), "the first sender's code is never handed to another");
    // One IPv6 subscriber is one sender, whichever address of its /64 it writes from.
    let v6 = post_form_from(&app, anonymous, "2001:db8:7:1::10").await;
    let v6_again = post_form_from(&app, anonymous, "2001:db8:7:1:abcd::99").await;
    assert_eq!(header(&v6, "location"), header(&v6_again, "location"));
}

#[tokio::test]
async fn the_submission_limit_counts_an_ipv6_sender_by_its_64() {
    let app = app_with(HttpConfig { rate_limit_per_hour: 2, ..HttpConfig::default() }, "2026-11-29T06:15:00Z");
    for (i, ip) in ["2001:db8:1:2::1", "2001:db8:1:2:ffff::2"].into_iter().enumerate() {
        let body = VALID_FORM.replace("Izin+usaha+belum+terbit", &format!("Judul+nomor+{i}"));
        assert_eq!(post_form_from(&app, &body, ip).await.status(), StatusCode::SEE_OTHER, "{ip}");
    }
    let third = VALID_FORM.replace("Izin+usaha+belum+terbit", "Judul+nomor+3");
    let refused = post_form_from(&app, &third, "2001:db8:1:2:1234:5678:9abc:def0").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "a third address of the same /64");
    let elsewhere = post_form_from(&app, &third, "2001:db8:1:3::1").await;
    assert_eq!(elsewhere.status(), StatusCode::SEE_OTHER, "another /64 is another sender");
}

#[tokio::test]
async fn receipts_to_one_address_stop_at_the_daily_limit_while_complaints_are_still_taken() {
    use pengaduan_store::outbox::OutboxStore;
    use pengaduan_store::{ComplaintStore, RateDecision};
    let http = HttpConfig { rate_limit_per_hour: 0, receipts_per_address_per_day: 3, ..HttpConfig::default() };
    let app = app_with(http, "2026-11-29T06:00:00Z");
    let now: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
    let queued = || async { app.store().due_outbox(now, 100).await.unwrap() };
    let titled = |judul: &str, email: &str| {
        let mut body = valid_json();
        body["judul"] = json!(judul);
        body["email"] = json!(email);
        body
    };
    for i in 1..=3 {
        let resp = post_json(&app, &titled(&format!("Izin usaha ke-{i} belum terbit"), "siti@contoh.co.id")).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        let body = json_of(&resp);
        assert!(body.get("tanda_terima_surel").is_none() && body.get("pesan").is_none(), "{body}");
    }
    assert_eq!(queued().await.len(), 3, "three receipts");
    // The fourth, the address typed otherwise: taken, numbered, but no receipt, and it says so.
    let resp = post_json(&app, &titled("Izin usaha ke-4 belum terbit", " Siti@Contoh.CO.ID")).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body = json_of(&resp);
    assert_eq!(body["nomor"], "PGD-2026-00004");
    assert!(body["kode_lacak"].as_str().is_some_and(|k| k.len() == 14));
    assert_eq!(body["tanda_terima_surel"], json!(false));
    assert!(body["pesan"].as_str().unwrap().contains("tanda terima tidak dikirim ke surel Anda"), "{body}");
    assert_eq!(queued().await.len(), 3, "no fourth receipt");
    // The form's confirmation page says it too.
    let form = VALID_FORM.replace("judul=Izin+usaha", "judul=Izin+usaha+ke-5");
    let location = header(&post_form(&app, &form).await, "location").to_owned();
    assert!(
        location.starts_with("/api/lacak?nomor=PGD-2026-00005&kode=") && location.contains("&konfirmasi="),
        "{location}"
    );
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(html.contains("id=\"tanda-terima-tidak-dikirim\"") && html.contains("PGD-2026-00005"), "{html}");
    assert!(html.contains("batas tanda terima hari ini") && !html.contains("id=\"tanda-terima-surel\""), "{html}");
    assert_eq!(queued().await.len(), 3);
    // Another address has its own receipts; no address, nothing counted.
    assert_eq!(post_json(&app, &titled("Izin lain", "budi@contoh.co.id")).await.status(), StatusCode::CREATED);
    assert_eq!(queued().await.len(), 4);
    // The count sits under a digest of the address: the next day it starts again.
    let key = pengaduan_store::receipt_counter_key("siti@contoh.co.id");
    let window = pengaduan_store::RECEIPT_WINDOW;
    assert!(matches!(app.store().peek_events(&key, now, window, 3).await.unwrap(), RateDecision::Limited { .. }));
    let tomorrow = now + window;
    assert_eq!(app.store().peek_events(&key, tomorrow, window, 3).await.unwrap(), RateDecision::Allowed);
}

#[tokio::test]
async fn without_a_receipt_limit_every_receipt_is_mailed() {
    use pengaduan_store::outbox::OutboxStore;
    let http = HttpConfig { rate_limit_per_hour: 0, receipts_per_address_per_day: 0, ..HttpConfig::default() };
    let app = app_with(http, "2026-11-29T06:00:00Z");
    for i in 1..=5 {
        let mut body = valid_json();
        body["judul"] = json!(format!("Izin usaha ke-{i} belum terbit"));
        assert!(json_of(&post_json(&app, &body).await).get("tanda_terima_surel").is_none());
    }
    let now: Timestamp = "2026-11-29T06:00:00Z".parse().unwrap();
    assert_eq!(app.store().due_outbox(now, 100).await.unwrap().len(), 5);
}

/// The location without its `konfirmasi` parameter: the status link as a later visit has it.
fn without_confirmation(location: &str) -> String {
    location.split('&').filter(|p| !p.starts_with("konfirmasi=")).collect::<Vec<_>>().join("&")
}

#[tokio::test]
async fn the_confirmation_names_the_masked_address_and_what_was_sent_and_a_later_visit_does_not() {
    let app = app();
    let resp = post_form(&app, VALID_FORM).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = header(&resp, "location").to_owned();
    assert!(
        location.contains("&konfirmasi=") && !location.contains("siti") && !location.contains("contoh"),
        "{location}"
    );
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(html.contains("id=\"tanda-terima-surel\"") && html.contains("s•••@c•••.co.id"), "{html}");
    assert!(!html.contains("siti@") && !html.contains("contoh.co.id"), "never the address itself");
    let sent = &html[html.find("id=\"yang-dikirim\"").expect("what was sent")..];
    for words in ["Pengaduan", "Izin usaha belum terbit", "Lampiran", "Tidak ada"] {
        assert!(sent.contains(words), "{words}: {sent}");
    }
    // The same status without the sealed value (a link kept, shared, or typed): no address.
    let later = text_of(&send(&app, "GET", &without_confirmation(&location), &[("accept", "text/html")], "").await);
    assert!(later.contains("PGD-2026-00001") && !later.contains('•') && !later.contains("yang-dikirim"), "{later}");
    // A value changed by hand opens nothing.
    let tampered = location.replacen("&konfirmasi=seal1:", "&konfirmasi=seal1:A", 1);
    let forged = text_of(&send(&app, "GET", &tampered, &[("accept", "text/html")], "").await);
    assert!(forged.contains("PGD-2026-00001") && !forged.contains('•'), "{forged}");
    // Nor does it open another complaint's page.
    let other = post_form(&app, &VALID_FORM.replace("judul=Izin+usaha", "judul=Izin+toko")).await;
    let other = header(&other, "location").to_owned();
    let sealed = location.split('&').find(|p| p.starts_with("konfirmasi=")).unwrap();
    let swapped = format!("{}&{sealed}", without_confirmation(&other));
    assert!(!text_of(&send(&app, "GET", &swapped, &[("accept", "text/html")], "").await).contains('•'));
}

#[tokio::test]
async fn the_confirmation_says_why_no_receipt_was_emailed() {
    let app = app();
    let phone_only = VALID_FORM.replace("email=siti%40contoh.co.id", "telepon=081234567890");
    let location = header(&post_form(&app, &phone_only).await, "location").to_owned();
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(
        html.contains("id=\"tanda-terima-tidak-dikirim\"") && html.contains("tidak mengisi alamat surel"),
        "{html}"
    );
    let anonymous = VALID_FORM.replace("judul=Izin+usaha", "judul=Izin+kios") + "&anonim=on";
    let location = header(&post_form(&app, &anonymous).await, "location").to_owned();
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(html.contains("dikirim secara anonim") && !html.contains('•'), "{html}");
    // In English, the same in English words.
    let english = VALID_FORM.replace("judul=Izin+usaha", "judul=Shop+permit") + "&lang=en";
    let location = header(&post_form(&app, &english).await, "location").to_owned();
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(html.contains("A receipt has been emailed to") && html.contains("What you sent"), "{html}");
}

#[tokio::test]
async fn english_answers_mark_the_indonesian_terms_they_keep() {
    use pengaduan_core::terms::{INDONESIAN_TERMS, unmarked_terms};
    let app = app();
    let english = VALID_FORM.replace("judul=Izin+usaha", "judul=Shop+permit") + "&lang=en";
    let location = header(&post_form(&app, &english).await, "location").to_owned();
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(html.contains("<span lang=\"id\">"), "{html}");
    assert_eq!(unmarked_terms(&html, INDONESIAN_TERMS), Vec::<&str>::new());
    let form_again =
        send(&app, "POST", "/api/pengaduan", &[("content-type", "application/x-www-form-urlencoded")], "lang=en").await;
    assert_eq!(unmarked_terms(&text_of(&form_again), INDONESIAN_TERMS), Vec::<&str>::new());
    // Indonesian answers are left as they are.
    let location = header(&post_form(&app, VALID_FORM).await, "location").to_owned();
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(!html.contains("<span lang=\"id\">"));
}
