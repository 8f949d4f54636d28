//! The English pages (`/en/complaint/`, `/en/track/`) answered in English: the forms' `lang`
//! field or parameter, or `Accept-Language` for JSON clients; field names and codes unchanged.

use super::*;

const EN_FORM: [(&str, &str); 1] = [("content-type", "application/x-www-form-urlencoded")];

#[tokio::test]
async fn an_english_form_with_a_mistake_comes_back_in_english_with_the_values_kept() {
    let app = app();
    let body = VALID_FORM.replace("siti%40contoh.co.id", "bukan-email") + "&lang=en&lokasi=Kantor+DPMPTSP";
    let resp = send(&app, "POST", "/api/pengaduan", &EN_FORM, body).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text_of(&resp);
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains("Enter an email address in the correct format, like name@example.com"), "{html}");
    assert!(html.contains("href=\"#email\"") && html.contains("id=\"email-error\""));
    assert!(!html.contains("Masukkan alamat email"), "no Indonesian message");
    assert!(html.contains("<title>Error: Submit a Complaint"), "{html}");
    for typed in ["Siti Rahayu", "bukan-email", "Izin usaha belum terbit", "Kantor DPMPTSP"] {
        assert!(html.contains(typed), "typed value {typed:?} kept");
    }
}

#[tokio::test]
async fn json_with_accept_language_en_gets_english_messages_for_the_same_fields() {
    let app = app();
    let bad =
        with(valid_json(), json!({"judul": "", "isi": "pendek", "email": "bukan", "pernyataan_kebenaran": false}));
    let json_en = [("content-type", "application/json"), ("accept-language", "en-GB,en;q=0.9")];
    let en = json_of(&send(&app, "POST", "/api/pengaduan", &json_en, bad.to_string()).await);
    let id = json_of(&post_json(&app, &bad).await);
    let fields = |v: &Value| -> Vec<String> {
        v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(fields(&en), fields(&id));
    assert_eq!(fields(&en), ["email", "judul", "isi", "pernyataan_kebenaran"]);
    for (e, i) in en["errors"].as_array().unwrap().iter().zip(id["errors"].as_array().unwrap()) {
        assert_ne!(e["message"], i["message"], "{}", e["field"]);
    }
    assert_eq!(en["errors"][1]["message"], "Enter a title for your report");
    assert_eq!(id["errors"][1]["message"], "Masukkan judul laporan", "Indonesian stays the default");
}

#[tokio::test]
async fn the_lang_field_beats_an_english_accept_language() {
    let app = app();
    let body = VALID_FORM.replace("siti%40contoh.co.id", "bukan-email") + "&lang=id";
    let headers = [EN_FORM[0], ("accept-language", "en")];
    let html = text_of(&send(&app, "POST", "/api/pengaduan", &headers, body).await);
    assert!(html.contains("<html lang=\"id\">"));
    assert!(html.contains("Masukkan alamat email dengan format yang benar"));
    assert!(html.contains("<title>Kesalahan: Ajukan Pengaduan"));
    // Without the field, the header decides.
    let body = VALID_FORM.replace("siti%40contoh.co.id", "bukan-email");
    let html = text_of(&send(&app, "POST", "/api/pengaduan", &headers, body).await);
    assert!(html.contains("<html lang=\"en\">") && html.contains("Enter an email address"));
}

#[tokio::test]
async fn an_english_submission_redirects_with_lang_to_an_english_status_page() {
    let config = HttpConfig {
        rate_limit_per_hour: 0,
        site_origin: Some("https://dpmptsp.example".into()),
        ..HttpConfig::default()
    };
    let app = app_with(config, "2026-11-29T06:00:00Z");
    let resp = send(&app, "POST", "/api/pengaduan", &EN_FORM, format!("{VALID_FORM}&lang=en")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = header(&resp, "location").to_owned();
    assert!(location.starts_with("/api/lacak?nomor=PGD-2026-00001&kode=") && location.ends_with("&lang=en"));
    let code = location.split("kode=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    for needle in [
        "Received",
        "29 November 2026, 13:00 WIB",
        "Sunday, 29 November 2026",
        "We have received and registered your report.",
        &format!(
            "<input type=\"hidden\" name=\"nomor\" value=\"PGD-2026-00001\"><input type=\"hidden\" name=\"kode\" value=\"{code}\"><input type=\"hidden\" name=\"lang\" value=\"en\"><input type=\"hidden\" name=\"cetak\" value=\"1\">"
        ),
    ] {
        assert!(html.contains(needle), "the English status page lacks {needle:?}:\n{html}");
    }
    assert!(!html.contains("Diterima</") && !html.contains("Minggu"), "no Indonesian labels or dates");
    // The language switch leads to the same complaint's page, Indonesian asked for by name,
    // the code POSTed rather than put in an address.
    let switch = format!(
        "<form method=\"post\" action=\"/api/lacak\"><input type=\"hidden\" name=\"nomor\" value=\"PGD-2026-00001\"><input type=\"hidden\" name=\"kode\" value=\"{code}\"><input type=\"hidden\" name=\"lang\" value=\"id\"><button type=\"submit\" lang=\"id\">"
    );
    assert!(html.contains(&switch), "no switch to the Indonesian status page:\n{html}");
    assert!(!html.contains("kode="), "no address holds the code:\n{html}");

    let print = text_of(&send(&app, "GET", &format!("{location}&cetak=1"), &[], "").await);
    assert!(print.contains("https:&#x2F;&#x2F;dpmptsp.example&#x2F;en&#x2F;track&#x2F;"), "{print}");
    assert!(print.contains("2 to 10 working days after the required documents are declared complete"));
    assert!(
        print.contains(&format!("value=\"{code}\"><input type=\"hidden\" name=\"lang\" value=\"en\"><button")),
        "{print}"
    );

    // JSON: the same keys, English values.
    let json =
        json_of(&send(&app, "GET", &location, &[("accept", "application/json"), ("accept-language", "id")], "").await);
    assert_eq!(json["status"], "diterima");
    assert_eq!(json["status_label"], "Received", "the query's lang beats the header");
    assert!(json["langkah_berikutnya"].as_str().unwrap().starts_with("We have received"));
    assert_eq!(json["tahapan"][0]["label"], "Received");
}

#[tokio::test]
async fn an_indonesian_submission_redirects_with_lang_id() {
    let app = app();
    let location = header(&post_form(&app, VALID_FORM).await, "location").to_owned();
    assert!(location.ends_with("&lang=id"), "the form's language decides the later pages: {location}");
    let html = text_of(&send(&app, "GET", &location, &[("accept", "text/html")], "").await);
    assert!(
        html.contains("<input type=\"hidden\" name=\"lang\" value=\"en\"><button type=\"submit\" lang=\"en\">"),
        "no switch to the English status page:\n{html}"
    );
    let json = json_of(&send(&app, "GET", &location, &[("accept", "application/json")], "").await);
    assert_eq!(json["status_label"], "Diterima");
    assert_eq!(json["tahapan"][0]["label"], "Diterima");
}

#[tokio::test]
async fn tracking_in_english_with_a_wrong_code_is_404_in_english() {
    let app = app();
    let created = json_of(&post_json(&app, &valid_json()).await);
    let nomor = created["nomor"].as_str().unwrap();
    let uri = format!("/api/lacak?nomor={nomor}&kode=AAAA-AAAA-AAAA&lang=en");
    let resp = send(&app, "GET", &uri, &[], "").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let html = text_of(&resp);
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains("There is no complaint with that register number and tracking code."), "{html}");
    assert!(html.contains("AAAA-AAAA-AAAA"), "the typed code is kept");
    let resp = send(&app, "GET", &uri, &[("accept", "application/json")], "").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(json_of(&resp)["error"].as_str().unwrap().starts_with("There is no complaint"));
    let missing = send(&app, "GET", "/api/lacak?lang=en", &[("accept", "application/json")], "").await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert!(json_of(&missing)["error"].as_str().unwrap().starts_with("Enter the register number"));
}

#[tokio::test]
async fn protocol_errors_follow_accept_language() {
    let app = app();
    let en = [("accept", "application/json"), ("accept-language", "en")];
    let resp = send(&app, "GET", "/api/lainnya", &en, "").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(&resp)["error"], "The address you opened does not exist on the complaint service.");
    let resp = send(&app, "GET", "/api/pengaduan", &en, "").await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(json_of(&resp)["error"], "This address does not accept that kind of request.");
    let resp = send(&app, "POST", "/api/pengaduan", &[en[0], en[1], ("content-type", "text/plain")], "x").await;
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(json_of(&resp)["error"].as_str().unwrap().starts_with("Send the form as"));
    let resp = send(&app, "POST", "/api/pengaduan", &[en[1], ("content-type", "application/json")], "{").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(&resp)["error"], "The request body is not valid JSON.");
    let html = text_of(&send(&app, "GET", "/api/lainnya", &[("accept-language", "en")], "").await);
    assert!(html.contains("<html lang=\"en\">") && html.contains("Page not found"), "{html}");
    let html = text_of(&send(&app, "GET", "/api/lainnya", &[], "").await);
    assert!(html.contains("<html lang=\"id\">") && html.contains("Halaman tidak ditemukan"));
}

#[tokio::test]
async fn the_surveys_errors_follow_the_request_language() {
    let app = app();
    let resp = send(&app, "GET", "/api/survei?lang=en", &[], "").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = text_of(&resp);
    assert!(html.contains("<html lang=\"en\">") && html.contains("Number and code required"), "{html}");
    let resp = send(&app, "GET", "/api/survei", &[("accept-language", "en")], "").await;
    assert!(text_of(&resp).contains("Number and code required"), "Accept-Language without lang");
    let resp = send(&app, "GET", "/api/survei?lang=id", &[("accept-language", "en")], "").await;
    let html = text_of(&resp);
    assert!(html.contains("<html lang=\"id\">") && html.contains("Nomor dan kode diperlukan"), "{html}");
    let resp = send(&app, "GET", "/api/survei", &[], "").await;
    assert!(text_of(&resp).contains("Nomor dan kode diperlukan"), "Indonesian stays the default");
    let resp = send(&app, "DELETE", "/api/survei?lang=en", &[], "").await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(text_of(&resp).contains("<html lang=\"en\">"));
}
