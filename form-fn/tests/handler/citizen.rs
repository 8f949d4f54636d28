//! The citizen's side of intake (issue 23): the form page's language decides every later page
//! on a browser set to another one; a refusal for too many submissions keeps what was typed; a
//! number abroad is a telephone number; the date is typed in three boxes.

use super::*;

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");
const ENGLISH_PHONE: (&str, &str) = ("accept-language", "en-US,en;q=0.9");

#[tokio::test]
async fn an_indonesian_submission_stays_indonesian_on_an_english_browser() {
    let app = app();
    let resp = send(&app, "POST", "/api/pengaduan", &[FORM, ENGLISH_PHONE], format!("{VALID_FORM}&lang=id")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = header(&resp, "location").to_owned();
    assert!(location.ends_with("&lang=id"), "the redirect names the form's language: {location}");

    let page = text_of(&send(&app, "GET", &location, &[ENGLISH_PHONE], "").await);
    assert!(page.contains("<html lang=\"id\">"), "{page}");
    assert!(page.contains("Pengaduan Anda telah diterima"));
    let code = location.split("kode=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let print_link = format!(
        "<input type=\"hidden\" name=\"nomor\" value=\"PGD-2026-00001\"><input type=\"hidden\" name=\"kode\" value=\"{code}\"><input type=\"hidden\" name=\"lang\" value=\"id\"><input type=\"hidden\" name=\"cetak\" value=\"1\">"
    );
    assert!(page.contains(&print_link), "\"Cetak bukti\" keeps Indonesian: {page}");

    let print = text_of(&send(&app, "GET", &format!("{location}&cetak=1"), &[ENGLISH_PHONE], "").await);
    assert!(print.contains("<html lang=\"id\">") && print.contains("Bukti penerimaan pengaduan"));
    let back = format!("name=\"kode\" value=\"{code}\"><input type=\"hidden\" name=\"lang\" value=\"id\"><button");
    assert!(print.contains(&back), "the way back keeps Indonesian: {print}");
}

#[tokio::test]
async fn the_confirmation_names_the_kind_that_was_sent() {
    let app = app_with(HttpConfig { rate_limit_per_hour: 0, ..HttpConfig::default() }, "2026-11-29T06:00:00Z");
    for (jenis, lang, heading) in [
        ("pengaduan", "id", "Pengaduan Anda telah diterima"),
        ("informasi", "id", "Permintaan informasi Anda telah diterima"),
        ("aspirasi", "id", "Aspirasi Anda telah diterima"),
        ("informasi", "en", "Your request for information has been received"),
        ("aspirasi", "en", "Your suggestion has been received"),
    ] {
        // Each its own text: the same text again from one source is the same report replayed.
        let form = VALID_FORM
            .replace("jenis=pengaduan", &format!("jenis={jenis}"))
            .replace("&isi=", &format!("&isi={jenis}+{lang}+"));
        let resp = send(&app, "POST", "/api/pengaduan", &[FORM], format!("{form}&lang={lang}")).await;
        let location = header(&resp, "location").to_owned();
        let page = text_of(&send(&app, "GET", &location, &[], "").await);
        assert!(page.contains(&format!("<h1 class=\"panel__title\">{heading}</h1>")), "{jenis} {lang}: {page}");
        assert!(page.contains(&format!("<title>{heading} ")), "{jenis} {lang}: the title too");
    }
}

#[tokio::test]
async fn the_surveys_way_back_and_its_thanks_keep_indonesian() {
    use jiff::civil::date;
    use pengaduan_core::Status;
    use pengaduan_store::testing::{advance, complaint, complete, nomor, now, state_of};
    use pengaduan_store::{ComplaintStore, WorkflowStore};
    let store = SqliteStore::in_memory().unwrap();
    let c = complaint(1, "survei-id", now(), 2026);
    let code = c.receipt.kode_lacak.clone();
    let n = nomor(&store.submit(c).await.unwrap());
    complete(&store, &n, "penyelesaian", date(2026, 12, 1)).await;
    while state_of(&store, &n).await.0.status != Status::Selesai {
        advance(&store, &n, "Budi (JFT)").await;
    }
    assert_eq!(store.load(&n).await.unwrap().unwrap().row.state.status, Status::Selesai);
    let app = App::new(store, Config::default(), HttpConfig::default(), pages()).with_clock(now);

    let status =
        text_of(&send(&app, "GET", &format!("/api/lacak?nomor={n}&kode={code}&lang=id"), &[ENGLISH_PHONE], "").await);
    let lang_id = "<input type=\"hidden\" name=\"lang\" value=\"id\"><input type=\"hidden\" name=\"buka\" value=\"1\">";
    assert!(status.contains(lang_id), "the invitation keeps Indonesian: {status}");
    let opened = format!("nomor={n}&kode={code}&lang=id&buka=1");
    let survey = text_of(&send(&app, "POST", "/api/survei", &[FORM, ENGLISH_PHONE], opened).await);
    assert!(survey.contains("<html lang=\"id\">"));
    assert!(
        survey.contains("<input type=\"hidden\" name=\"lang\" value=\"id\"><button type=\"submit\" class=\"button button--secondary\">Kembali ke status pengaduan</button>"),
        "{survey}"
    );
    let body = format!("nomor={n}&kode={code}&lang=id&u1=4&u2=3&u3=4&u4=4&u5=3&u6=3&u7=4&u8=2&u9=3");
    let thanks = text_of(&send(&app, "POST", "/api/survei", &[FORM, ENGLISH_PHONE], body).await);
    assert!(thanks.contains("<html lang=\"id\">") && thanks.contains("Terima kasih atas penilaian Anda"), "{thanks}");
}

#[tokio::test]
async fn too_many_submissions_show_the_form_again_with_the_values_and_when_to_try_again() {
    let app = app_with(HttpConfig { rate_limit_per_hour: 1, ..HttpConfig::default() }, "2026-11-29T06:15:00Z");
    let first = send(&app, "POST", "/api/pengaduan", &[FORM], VALID_FORM.to_owned()).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let typed = VALID_FORM.replace("Izin+usaha+belum+terbit", "Loket+tutup+pada+jam+kerja")
        + "&telepon=081234567890&lokasi=Gedung+B&tanggal_kejadian_hari=27&tanggal_kejadian_bulan=11&tanggal_kejadian_tahun=2026&rahasia=on&lang=id";
    let resp = send(&app, "POST", "/api/pengaduan", &[FORM], typed.clone()).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "the contract's status");
    // A sliding hour: until the first submission is an hour old, not until the clock's hour.
    assert_eq!(header(&resp, "retry-after"), "3600");
    let html = text_of(&resp);
    assert!(html.contains("id=\"form-pengaduan\""), "the form again: {html}");
    for value in ["Siti Rahayu", "siti@contoh.co.id", "081234567890", "Loket tutup pada jam kerja", "Gedung B"] {
        assert!(html.contains(&format!("value=\"{value}\"")), "{value:?} kept");
    }
    assert!(html.contains("Permohonan izin saya belum terbit setelah tiga minggu.</textarea>"));
    for (name, value) in [("hari", "27"), ("bulan", "11"), ("tahun", "2026")] {
        assert!(html.contains(&format!("name=\"tanggal_kejadian_{name}\" value=\"{value}\"")), "{name} kept");
    }
    assert!(html.contains("id=\"rahasia\" name=\"rahasia\" value=\"on\""));
    assert!(html.contains("Coba lagi dalam 60 menit (setelah 29 November 2026, 14.15 WIB)"), "{html}");
    assert!(html.contains("lampiran, jika ada, perlu dipilih lagi"));
    assert!(html.contains("<title>Kesalahan: Ajukan Pengaduan"));

    let en = send(&app, "POST", "/api/pengaduan", &[FORM], typed.replace("lang=id", "lang=en")).await;
    assert_eq!(en.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = text_of(&en);
    assert!(html.contains("Try again in 60 minutes (after 29 November 2026, 14:15 WIB)"), "{html}");
    // JSON clients keep the contract's answer.
    let json = post_json(&app, &with(valid_json(), json!({"judul": "Judul yang lain lagi"}))).await;
    assert_eq!(json.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(json_of(&json)["error"].as_str().unwrap().contains("60 menit"));
}

/// The contract says `telepon` is an Indonesian number (stored as `+62…`): a foreign investor's
/// number is refused with a way out (the email field), in the page's language.
#[tokio::test]
async fn a_number_abroad_is_refused_with_the_email_as_the_way_out() {
    let app = app();
    let resp = post_json(&app, &with(valid_json(), json!({"email": "", "telepon": "+44 20 7946 0958"}))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", text_of(&resp));
    assert!(
        json_of(&resp)["errors"][0]["message"].as_str().unwrap().contains("untuk nomor luar negeri, isi email saja")
    );
    let resp = post_json(&app, &with(valid_json(), json!({"judul": "Nomor luar negeri", "telepon": ""}))).await;
    assert_eq!(resp.status(), StatusCode::CREATED, "with the email alone the complaint is taken");
    let en = [("content-type", "application/json"), ENGLISH_PHONE];
    let resp = send(
        &app,
        "POST",
        "/api/pengaduan",
        &en,
        with(valid_json(), json!({"telepon": "+44 20 7946 0958"})).to_string(),
    )
    .await;
    assert!(json_of(&resp)["errors"][0]["message"].as_str().unwrap().contains("give your email instead"));
}

#[tokio::test]
async fn the_date_is_typed_in_three_boxes_and_what_cannot_be_a_date_comes_back_explained() {
    let app = app();
    let page = text_of(&post_form(&app, "jenis=pengaduan&lang=id").await);
    assert!(!page.contains("type=\"date\""), "no browser date field");
    assert!(page.contains("<legend class=\"fieldset__legend\">Tanggal kejadian (tidak wajib)</legend>"));
    assert!(page.contains("Contoh: 27 3 2026") && !page.contains("TTTT-BB-HH"));
    assert_eq!(page.matches("inputmode=\"numeric\" autocomplete=\"off\"").count(), 4, "three boxes and the NIK");

    let with_date = |d: &str, m: &str, y: &str| {
        format!("{VALID_FORM}&tanggal_kejadian_hari={d}&tanggal_kejadian_bulan={m}&tanggal_kejadian_tahun={y}&lang=id")
    };
    let resp = post_form(&app, &with_date("27", "03", "2026")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", text_of(&resp));
    let resp = post_form(&app, &with_date("27", "3", "26")).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text_of(&resp);
    assert!(html.contains("Tahun pada tanggal kejadian harus ditulis lengkap dengan 4 angka, seperti 2026"), "{html}");
    assert!(
        html.contains("href=\"#tanggal_kejadian\"")
            && html.contains("id=\"tanggal_kejadian\" name=\"tanggal_kejadian_hari\" value=\"27\"")
    );
    assert!(html.contains("name=\"tanggal_kejadian_tahun\" value=\"26\""), "what was typed comes back as typed");
    let html = text_of(&post_form(&app, &with_date("31", "2", "2026")).await);
    assert!(html.contains("Tanggal kejadian harus tanggal yang benar"), "{html}");
    // API clients keep sending the contract's one field.
    let resp =
        post_json(&app, &with(valid_json(), json!({"judul": "Tanggal satu isian", "tanggal_kejadian": "2026-03-27"})))
            .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp =
        post_json(&app, &with(valid_json(), json!({"judul": "Tanggal salah", "tanggal_kejadian": "60327-02-02"})))
            .await;
    assert_eq!(json_of(&resp)["errors"][0]["field"], "tanggal_kejadian");
}
