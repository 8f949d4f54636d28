//! Fixture sites built into temp folders through the `site-gen` command, with assertions on the
//! output and on the errors an editor would see.

mod common;

use common::{CONFIG, Fixture, stderr, walk};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

macro_rules! file_contains {
    ($fixture:expr, $path:expr, $needle:expr) => {{
        let text = $fixture.read($path);
        assert!(text.contains($needle), "{} does not contain {:?}:\n{}", $path, $needle, text);
    }};
}

#[test]
fn builds_pretty_urls_sitemap_robots_and_404() {
    let site = Fixture::new();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    file_contains!(site, "index.html", "Selamat datang");
    file_contains!(site, "tentang/index.html", "<h2 id=\"visi\">Visi</h2>");
    file_contains!(site, "404.html", "Tidak ada");
    file_contains!(site, "sitemap.xml", "<loc>https://uji.test/tentang/</loc>");
    file_contains!(site, "robots.txt", "Sitemap: https://uji.test/sitemap.xml");
    assert!(!stderr(&out).contains("peringatan"), "no placeholders, no warning: {}", stderr(&out));
    assert!(stderr(&out).contains("2 halaman"), "{}", stderr(&out));
}

#[test]
fn two_builds_are_byte_identical_and_the_second_writes_nothing() {
    let site = Fixture::new();
    assert!(site.build().status.success());
    let first: Vec<(PathBuf, Vec<u8>)> = walk(&site.out());
    std::fs::remove_dir_all(site.out()).unwrap();
    assert!(site.build().status.success());
    assert_eq!(first, walk(&site.out()), "clean builds are identical");
    let again = site.build();
    assert!(stderr(&again).contains("(0 berkas ditulis, 0 dihapus)"), "{}", stderr(&again));
}

#[test]
fn removed_pages_disappear_from_the_output() {
    let site = Fixture::new().file("content/lama.md", "+++\ntitle = \"Lama\"\n+++\nx\n");
    assert!(site.build().status.success());
    assert!(site.out().join("lama/index.html").exists());
    std::fs::remove_file(site.root().join("content/lama.md")).unwrap();
    let out = site.build();
    assert!(out.status.success());
    assert!(!site.out().join("lama").exists(), "stale page removed");
    assert!(stderr(&out).contains("1 dihapus"), "{}", stderr(&out));
}

#[test]
fn raw_html_is_escaped_unless_allowed() {
    let site = Fixture::new().file("content/x.md", "+++\ntitle = \"X\"\n+++\n<script>alert(1)</script>\n");
    assert!(site.build().status.success());
    file_contains!(site, "x/index.html", "&lt;script&gt;alert(1)&lt;/script&gt;");
    let allowed = Fixture::new()
        .file("config.toml", &format!("allow_html = true\n{CONFIG}"))
        .file("content/x.md", "+++\ntitle = \"X\"\n+++\n<div class=\"kotak\">ok</div>\n");
    assert!(allowed.build().status.success());
    file_contains!(allowed, "x/index.html", "<div class=\"kotak\">ok</div>");
}

#[test]
fn unknown_front_matter_key_names_file_and_line() {
    let site = Fixture::new().file("content/salah.md", "+++\ntitle = \"S\"\ntemplat = \"page.html\"\n+++\n");
    let out = site.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/salah.md:3:"), "{err}");
    assert!(err.contains("templat"), "{err}");
    assert!(!site.out().exists(), "nothing published on failure");
}

/// A service page whose one procedure is `steps`, written as TOML step tables.
fn service_page(steps: &str) -> String {
    format!(
        r#"+++
title = "Layanan Uji"

[service]
name = "Layanan Uji"
requirements = ["Formulir."]
fee = "Tidak dipungut biaya"
products = ["Surat Jawaban"]

[service.time_limit]
min_working_days = 1
max_working_days = 5
starts = ""

[[service.procedures]]
id = "uji"
title = "Prosedur uji"
product = "Surat Jawaban"
{steps}+++
Isi.
"#
    )
}

const GOOD_STEPS: &str = r#"
[[service.procedures.steps]]
actor = "Petugas Front Office"
action = "Menerima berkas."
public_status = "diterima"
peran = "front-office"

[[service.procedures.steps]]
actor = "Petugas"
action = "Memverifikasi berkas."
public_status = "diverifikasi"
peran = "jft"

[[service.procedures.steps]]
actor = "Petugas"
action = "Meregistrasi dan memberi nomor Berita Acara."
public_status = "diproses"
assigns = "nomor_ba"
peran = "front-office"

[[service.procedures.steps]]
actor = "Petugas"
action = "Menyerahkan jawaban."
public_status = "selesai"
peran = "front-office"
"#;

#[test]
fn a_valid_procedure_builds_and_lists_its_steps() {
    let site = Fixture::new()
        .file(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}{% if page.service %}{% for p in page.service.procedures %}<ol id=\"{{ p.id }}\">{% for s in p.steps %}<li>{{ s.actor }}: {{ s.action }} ({{ s.public_status }})</li>{% endfor %}</ol>{% endfor %}{% endif %}{{ page.content | safe }}{% endblock %}",
        )
        .file("content/layanan.md", &service_page(GOOD_STEPS));
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    file_contains!(
        site,
        "layanan/index.html",
        "<ol id=\"uji\"><li>Petugas Front Office: Menerima berkas. (diterima)</li>"
    );
    file_contains!(site, "layanan/index.html", "<li>Petugas: Menyerahkan jawaban. (selesai)</li></ol>");
}

#[test]
fn a_procedure_the_workflow_cannot_follow_stops_the_build_at_its_line() {
    // Line 15 of the page is the procedure's `[[service.procedures]]`.
    let no_steps = Fixture::new().file("content/layanan.md", &service_page("steps = []\n"));
    let out = no_steps.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/layanan.md:15: service.procedures: Prosedur \"uji\""), "{err}");
    assert!(err.contains("prosedur tidak punya langkah"), "{err}");
    assert!(!no_steps.out().exists(), "nothing published on failure");

    let early_end = GOOD_STEPS.replacen("public_status = \"diproses\"", "public_status = \"selesai\"", 1);
    let out = Fixture::new().file("content/layanan.md", &service_page(&early_end)).build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/layanan.md:15:"), "{err}");
    assert!(err.contains("langkah 3 berstatus selesai padahal bukan langkah terakhir"), "{err}");

    let two_numbers =
        GOOD_STEPS.replacen("public_status = \"selesai\"", "public_status = \"selesai\"\nassigns = \"nomor_ba\"", 1);
    let out = Fixture::new().file("content/layanan.md", &service_page(&two_numbers)).build();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("langkah 3 dan 4 sama-sama memberi nomor Berita Acara"), "{}", stderr(&out));
}

#[test]
fn an_unknown_public_status_or_assigns_names_file_and_line() {
    // Lines 20-24 are the first step; its public_status is line 23.
    let steps = GOOD_STEPS.replacen("public_status = \"diterima\"", "public_status = \"ditolak\"", 1);
    let out = Fixture::new().file("content/layanan.md", &service_page(&steps)).build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/layanan.md:23: front matter: nilai `ditolak` tidak dikenal"), "{err}");
    assert!(err.contains("`diverifikasi`"), "lists the known statuses: {err}");

    // The BA step's `assigns` is line 36.
    let steps = GOOD_STEPS.replace("\"nomor_ba\"", "\"nomor_surat\"");
    let err = stderr(&Fixture::new().file("content/layanan.md", &service_page(&steps)).build());
    assert!(err.contains("content/layanan.md:36: front matter: nilai `nomor_surat` tidak dikenal"), "{err}");

    let steps = GOOD_STEPS.replace("assigns =", "assign =");
    let err = stderr(&Fixture::new().file("content/layanan.md", &service_page(&steps)).build());
    assert!(err.contains("content/layanan.md:36: front matter: kunci `assign` tidak dikenal"), "{err}");
}

#[test]
fn a_misspelt_status_is_told_in_indonesian_with_a_suggestion() {
    // The last step's public_status is line 42.
    let steps = GOOD_STEPS.replace("public_status = \"selesai\"", "public_status = \"selasai\"");
    let out = Fixture::new().file("content/layanan.md", &service_page(&steps)).build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("content/layanan.md:42: front matter: nilai `selasai` tidak dikenal; maksud Anda `selesai`?"),
        "{err}"
    );
    assert!(!err.contains("unknown variant") && !err.contains("expected"), "no English left: {err}");
}

#[test]
fn a_toml_syntax_error_is_told_in_indonesian_with_file_and_line() {
    // A closing quote forgotten on line 3 of the front matter.
    let page = "+++\ntitle = \"Rusak\"\ndescription = \"Satu kalimat\n+++\nIsi.\n";
    let out = Fixture::new().file("content/rusak.md", page).build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/rusak.md:3: front matter: teks dalam tanda kutip tidak sah"), "{err}");
    assert!(!err.contains("invalid basic string"), "{err}");

    // The same in config.toml, line 2.
    let config = CONFIG.replace("base_url = \"https://uji.test\"", "base_url = \"https://uji.test");
    let out = Fixture::new().file("config.toml", &config).build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("config.toml:2: teks dalam tanda kutip tidak sah"), "{err}");
}

#[test]
fn an_unknown_or_missing_peran_names_file_and_line() {
    // The verification step's `peran` is line 30.
    let steps = GOOD_STEPS.replacen("peran = \"jft\"", "peran = \"sekretaris\"", 1);
    let out = Fixture::new().file("content/layanan.md", &service_page(&steps)).build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/layanan.md:30: front matter: nilai `sekretaris` tidak dikenal"), "{err}");
    assert!(err.contains("`kepala-bidang`"), "lists the known roles: {err}");

    // Without it the console could not hand the step to anyone: refused at the procedure's line.
    let steps = GOOD_STEPS.replacen("peran = \"jft\"\n", "", 1);
    let out = Fixture::new().file("content/layanan.md", &service_page(&steps)).build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/layanan.md:15: service.procedures: Prosedur \"uji\""), "{err}");
    assert!(err.contains("langkah 2 tanpa peran; tulis peran = \"jft\" (pilihan: front-office, jft,"), "{err}");
}

#[test]
fn a_procedure_id_used_twice_is_refused() {
    let twice =
        format!("{GOOD_STEPS}\n[[service.procedures]]\nid = \"uji\"\ntitle = \"Lagi\"\nproduct = \"x\"\n{GOOD_STEPS}");
    let out = Fixture::new().file("content/layanan.md", &service_page(&twice)).build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("content/layanan.md:45: service.procedures: id prosedur \"uji\" dipakai lebih dari sekali"),
        "{err}"
    );
}

#[test]
fn missing_template_variable_names_template_and_line() {
    let site = Fixture::new().file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.subjudul }}</p>\n{% endblock %}",
    );
    let out = site.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("templates/page.html:4:"), "{err}");
    assert!(err.contains("page.subjudul"), "{err}");
    assert!(err.contains("saat merender content/"), "says which page was being rendered: {err}");
}

#[test]
fn broken_markdown_link_names_file_and_line() {
    let site = Fixture::new().file(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\nBaris satu.\n\nLihat [x](/tidak-ada/) dan [y](/tentang/#misi).\n",
    );
    let out = site.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/a.md:6: tautan rusak: /tidak-ada/"), "{err}");
    assert!(err.contains("content/a.md:6: anchor rusak: /tentang/#misi"), "{err}");
}

#[test]
fn check_lists_every_broken_link_including_templates() {
    let site = Fixture::new()
        .file("templates/404.html", "{% extends \"base.html\" %}{% block content %}<a href=\"/hilang/\">x</a><a href=\"#tiada\">y</a>{% endblock %}");
    let out = site.run(&["check"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("404.html") && err.contains("/hilang/"), "{err}");
    assert!(err.contains("#tiada"), "{err}");
    assert!(err.contains("2 masalah"), "{err}");
    let good = Fixture::new().run(&["check"]);
    assert!(good.status.success(), "{}", stderr(&good));
}

#[test]
fn template_syntax_error_is_reported_with_its_file() {
    let site = Fixture::new().file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock %}",
    );
    let out = site.build();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("templates/page.html"), "{}", stderr(&out));
}

/// A production build (`https://`) refuses the placeholders `config.toml` ships with, naming
/// each; a local build warns and builds.
mod placeholders {
    use super::*;

    fn repo() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
    }

    fn build_repo(out: &Path, base_url: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_site-gen"));
        cmd.args(["build", "--root"]).arg(repo()).arg("--out").arg(out);
        if let Some(url) = base_url {
            cmd.args(["--base-url", url]);
        }
        cmd.output().unwrap()
    }

    #[test]
    fn a_production_build_of_the_shipped_config_is_refused_naming_each_placeholder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let o = build_repo(&out, Some("https://dpmptsp.sukamajukab.go.id"));
        assert!(!o.status.success(), "{}", stderr(&o));
        let err = stderr(&o);
        for key in [
            "office.region masih berisi CONTOH",
            "office.address masih berisi CONTOH",
            "office.channels[1].value masih berisi CONTOH",
            "office.channels[2].value masih berisi CONTOH",
            "office.channels[3].value masih berisi CONTOH",
        ] {
            assert!(err.contains(key), "{key} not named:\n{err}");
        }
        let address_line = std::fs::read_to_string(repo().join("config.toml"))
            .unwrap()
            .lines()
            .position(|l| l.starts_with("address = "))
            .unwrap()
            + 1;
        assert!(err.contains(&format!("config.toml:{address_line}: office.address masih berisi CONTOH")), "{err}");
        assert!(!out.join("index.html").exists(), "nothing published");
    }

    #[test]
    fn an_example_domain_in_the_production_address_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let o = build_repo(&tmp.path().join("public"), Some("https://dpmptsp.example"));
        assert!(!o.status.success());
        assert!(stderr(&o).contains("--base-url: memakai domain contoh dpmptsp.example"), "{}", stderr(&o));
        // A fixture whose own base_url is at an example domain, built as it is.
        let site = Fixture::new().file("config.toml", &CONFIG.replace("https://uji.test", "https://uji.example"));
        let o = site.build();
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("config.toml:2: base_url masih memakai domain contoh uji.example"),
            "{}",
            stderr(&o)
        );
        // Given a real address on the command line, the file's is not published: it builds.
        let o = site.run(&["build", "--base-url", "https://uji.test"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }

    #[test]
    fn a_local_build_warns_and_builds() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let o = build_repo(&out, None);
        assert!(o.status.success(), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("peringatan: config.toml:") && err.contains("office.address masih berisi CONTOH"),
            "{err}"
        );
        assert!(err.contains("menolak membangun"), "says what a production build does: {err}");
        assert!(out.join("index.html").exists());
        let o = build_repo(&tmp.path().join("lokal"), Some("http://127.0.0.1:8080"));
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

/// The real site of this repository, with its placeholders filled in as an office would, built
/// for its public address.
mod office_site {
    use super::*;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    /// `config.toml` as shipped, each placeholder replaced and its mark deleted.
    fn filled_config(shipped: &str) -> String {
        let lines: Vec<&str> = shipped.lines().map(|l| l.strip_suffix(" # CONTOH").unwrap_or(l)).collect();
        lines.join("\n").replace("Contoh", "Sukamaju").replace("dpmptsp.example", "dpmptsp.sukamajukab.go.id")
    }

    fn build_repo_site() -> (tempfile::TempDir, PathBuf) {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("situs");
        for part in ["content", "templates", "static"] {
            copy_dir(&repo.join(part), &root.join(part));
        }
        let shipped = std::fs::read_to_string(repo.join("config.toml")).unwrap();
        std::fs::write(root.join("config.toml"), filled_config(&shipped)).unwrap();
        let out = tmp.path().join("public");
        let o = Command::new(env!("CARGO_BIN_EXE_site-gen"))
            .args(["build", "--root"])
            .arg(&root)
            .arg("--out")
            .arg(&out)
            .args(["--base-url", "https://dpmptsp.test"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("peringatan"), "every placeholder filled: {}", stderr(&o));
        (tmp, out)
    }

    fn read(out: &Path, path: &str) -> String {
        std::fs::read_to_string(out.join(path)).unwrap()
    }

    #[test]
    fn indonesian_terms_on_english_pages_are_marked_indonesian() {
        use pengaduan_core::terms::{INDONESIAN_TERMS, unmarked_terms};
        let (_tmp, out) = build_repo_site();
        let mut pages = 0;
        for (path, bytes) in walk(&out.join("en")) {
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            pages += 1;
            let html = String::from_utf8(bytes).unwrap();
            let left = unmarked_terms(&html, INDONESIAN_TERMS);
            assert!(left.is_empty(), "en/{}: {left:?} outside an element with lang=\"id\"", path.display());
        }
        assert!(pages >= 6, "the English pages were read: {pages}");
        let service = read(&out, "en/layanan/information-and-complaints/index.html");
        for term in ["<span lang=\"id\">Berita Acara Penyelesaian Pengaduan</span>", "<span lang=\"id\">LAPOR!</span>"]
        {
            assert!(service.contains(term), "{term}");
        }
        // Indonesian pages are left as they are.
        assert!(!read(&out, "layanan/informasi-dan-pengaduan/index.html").contains("<span lang=\"id\">"));
    }

    #[test]
    fn service_page_has_every_part_of_the_standard() {
        let (_tmp, out) = build_repo_site();
        let html = read(&out, "layanan/informasi-dan-pengaduan/index.html");
        for needle in [
            "2 s/d 10 hari kerja",
            "setelah berkas persyaratan dinyatakan lengkap",
            "Tidak dipungut biaya",
            "Berita Acara Penyelesaian Pengaduan",
            "Surat Jawaban Pengaduan",
            "Surat Pernyataan Kebenaran Aduan",
            "https://www.lapor.go.id",
            "SP4N-LAPOR!",
            "Kotak pengaduan",
            "lang=\"id\"",
        ] {
            assert!(html.contains(needle), "service page lacks {needle:?}");
        }
        assert_eq!(html.matches("<h1").count(), 1, "one h1");
        // Both procedures: 11 and 8 steps.
        let ordered_lists: Vec<usize> =
            html.split("<ol").skip(1).map(|rest| rest.split("</ol>").next().unwrap().matches("<li").count()).collect();
        assert!(ordered_lists.contains(&11) && ordered_lists.contains(&8), "procedure lists: {ordered_lists:?}");
    }

    #[test]
    fn each_channel_gives_the_office_contact_it_names_in_both_languages() {
        let (_tmp, out) = build_repo_site();
        // The channel's own paragraph, not the footer's copy of the contacts.
        let contacts = |html: &str| -> Vec<String> {
            html.split("<p class=\"channel__contact\">")
                .skip(1)
                .map(|rest| rest.split("</p>").next().unwrap().to_owned())
                .collect()
        };
        let id = contacts(&read(&out, "layanan/informasi-dan-pengaduan/index.html"));
        assert_eq!(
            id,
            [
                "Alamat: Jl. Sukamaju Raya No. 1, Kabupaten Sukamaju",
                "Email: <a href=\"mailto:pengaduan@dpmptsp.sukamajukab.go.id\">pengaduan@dpmptsp.sukamajukab.go.id</a>",
                "SMS: <a href=\"sms:+6281200000000\">0812-0000-0000</a>",
                "Telepon: <a href=\"tel:+620000123456\">(0000) 123456</a>",
            ]
        );
        let en = contacts(&read(&out, "en/layanan/information-and-complaints/index.html"));
        assert_eq!(en.len(), 4, "{en:?}");
        assert!(en[0].starts_with("Address: Jl. Sukamaju") && en[3].starts_with("Telephone: "), "{en:?}");
        // Nothing sends the reader to the bottom of the page any more.
        let page = read(&out, "layanan/informasi-dan-pengaduan/index.html");
        assert!(!page.contains("bagian bawah halaman"), "the channels give their contacts themselves");
    }

    #[test]
    fn the_404_page_starts_with_a_way_to_the_other_language() {
        let (_tmp, out) = build_repo_site();
        let html = read(&out, "404.html");
        let jump =
            html.find("<a href=\"#en\" lang=\"en\" hreflang=\"en\">English: ").expect("a link to the English part");
        assert!(jump < html.find("<h1").unwrap(), "before the Indonesian heading");
        assert!(html.contains("<section lang=\"en\">\n  <h2 id=\"en\">"), "the English part is the link's target");
    }

    #[test]
    fn the_service_standards_section_has_an_index_in_both_languages() {
        let (_tmp, out) = build_repo_site();
        assert!(read(&out, "layanan/index.html").contains("href=\"/layanan/informasi-dan-pengaduan/\""));
        assert!(read(&out, "en/layanan/index.html").contains("href=\"/en/layanan/information-and-complaints/\""));
    }

    #[test]
    fn service_page_carries_valid_government_service_json_ld() {
        let (_tmp, out) = build_repo_site();
        let html = read(&out, "layanan/informasi-dan-pengaduan/index.html");
        let start = html.find("<script type=\"application/ld+json\">").expect("JSON-LD present");
        let rest = &html[start..];
        let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
        let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(v["@type"], "GovernmentService");
        assert_eq!(v["@context"], "https://schema.org");
        assert_eq!(v["url"], "https://dpmptsp.test/layanan/informasi-dan-pengaduan/");
        assert_eq!(v["offers"]["price"], "0");
        assert!(v["availableChannel"].as_array().unwrap().len() >= 8);
    }

    #[test]
    fn form_page_has_every_contract_field_and_posts_to_the_api() {
        let (_tmp, out) = build_repo_site();
        let html = read(&out, "pengaduan/index.html");
        assert!(html.contains("action=\"/api/pengaduan\""), "posts to the API");
        assert!(html.contains("method=\"post\""));
        // Every field the complaint rules read, and the honeypot, which they only check is empty.
        // The incident date is typed in three boxes (day, month, year) that core combines into
        // the contract's `tanggal_kejadian`; API clients still send the one field.
        let boxes = ["tanggal_kejadian_hari", "tanggal_kejadian_bulan", "tanggal_kejadian_tahun"];
        for field in pengaduan_core::submission::FIELD_ORDER.into_iter().filter(|f| *f != "tanggal_kejadian") {
            assert!(html.contains(&format!("name=\"{field}\"")), "form lacks {field}");
        }
        for field in boxes.into_iter().chain(["website"]) {
            assert!(html.contains(&format!("name=\"{field}\"")), "form lacks {field}");
        }
        for labelled in ["nama", "email", "telepon", "judul", "isi", "pernyataan_kebenaran", "persetujuan_data"] {
            assert!(html.contains(&format!("for=\"{labelled}\"")), "{labelled} has a label");
        }
    }

    #[test]
    fn site_wide_files_and_tracking_page() {
        let (_tmp, out) = build_repo_site();
        assert!(read(&out, "lacak/index.html").contains("action=\"/api/lacak\""));
        assert!(read(&out, "sitemap.xml").contains("<loc>https://dpmptsp.test/layanan/informasi-dan-pengaduan/</loc>"));
        assert!(read(&out, "robots.txt").contains("Sitemap: https://dpmptsp.test/sitemap.xml"));
        let home = read(&out, "index.html");
        assert!(home.contains("Kabupaten Sukamaju") && !home.contains("Contoh"), "the office's own details");
        assert!(read(&out, "404.html").contains("<h1"));
        assert!(out.join("css/site.css").exists());
    }

    #[test]
    fn repository_site_passes_check() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_site-gen")).args(["check", "--root"]).arg(root).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

#[test]
fn repeat_builds_render_only_what_changed() {
    let site = Fixture::new().file("content/lain.md", "+++\ntitle = \"Lain\"\n+++\nTeks.\n");
    let first = site.build();
    assert!(stderr(&first).contains("3 halaman (3 dirender)"), "{}", stderr(&first));
    let again = site.build();
    assert!(stderr(&again).contains("3 halaman (0 dirender)"), "{}", stderr(&again));

    let site = site.file("content/lain.md", "+++\ntitle = \"Lain\"\n+++\nTeks baru.\n");
    let one = site.build();
    assert!(stderr(&one).contains("(1 dirender)") && stderr(&one).contains("(1 berkas ditulis"), "{}", stderr(&one));
    file_contains!(site, "lain/index.html", "Teks baru.");

    // A template change renders every page again.
    let site = site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"baru\">{{ page.title }}</h1>{{ page.content | safe }}{% endblock %}",
    );
    let all = site.build();
    assert!(stderr(&all).contains("3 halaman (3 dirender)"), "{}", stderr(&all));
    file_contains!(site, "lain/index.html", "class=\"baru\"");

    // A page deleted from the output by hand is written again.
    std::fs::remove_file(site.out().join("lain/index.html")).unwrap();
    let repaired = site.build();
    assert!(stderr(&repaired).contains("(1 dirender)"), "{}", stderr(&repaired));
    assert!(site.out().join("lain/index.html").exists());
}

#[test]
fn links_from_unchanged_pages_are_checked_against_changed_targets() {
    // The home page links to /tentang/#visi; it stays unchanged while the target loses the anchor.
    let site = Fixture::new();
    assert!(site.build().status.success());
    let site = site.file("content/tentang.md", "+++\ntitle = \"Tentang\"\n+++\n## Misi\n\nMelayani.\n");
    let out = site.build();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("content/_index.md:4: anchor rusak: /tentang/#visi"), "{}", stderr(&out));
}

#[test]
fn a_damaged_cache_means_a_full_build() {
    let site = Fixture::new();
    assert!(site.build().status.success());
    std::fs::write(site.out().join(".site-gen-cache"), "{ tidak sah").unwrap();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 halaman (2 dirender)"), "{}", stderr(&out));
}

/// Bilingual sites: translations beside their originals, under `/en/`, linked both ways.
mod languages {
    use super::*;

    /// The fixture's configuration with an Indonesian default and English.
    const LANGUAGES: &str = r#"
[languages.id]
name = "Bahasa Indonesia"
title = "Situs Uji"
[[languages.id.menu]]
title = "Beranda"
url = "/"

[languages.en]
name = "English"
title = "Test Site"
[[languages.en.menu]]
title = "Home"
url = "/en/"
"#;

    /// A base template showing what site-gen gives each page: its language, its versions and
    /// the language switch.
    const BASE: &str = r#"<!DOCTYPE html><html lang="{{ page.lang }}"><head><title>{{ page.title }}</title>
{%- for alt in page.alternates %}{% if page.alternates | length > 1 %}
<link rel="alternate" hreflang="{{ alt.lang }}" href="{{ alt.permalink | safe }}">{% endif %}{% endfor %}
{%- if page.x_default and page.alternates | length > 1 %}
<link rel="alternate" hreflang="x-default" href="{{ page.x_default | safe }}">{% endif %}
</head><body><nav class="bahasa">{% for s in page.switch %}<a href="{{ s.path | safe }}" hreflang="{{ s.lang }}">{{ s.name }}</a>{% endfor %}</nav>
<main>{% block content %}{% endblock %}</main></body></html>
"#;

    fn site() -> Fixture {
        Fixture::new()
            .file("config.toml", &format!("{CONFIG}{LANGUAGES}"))
            .file("templates/base.html", BASE)
            .file("content/_index.en.md", "+++\ntitle = \"Home\"\n+++\nWelcome. See [about](/en/about/#vision).\n")
            .file("content/tentang.en.md", "+++\ntitle = \"About\"\nslug = \"about\"\n+++\n## Vision\n\nTo serve.\n")
            .file("content/hanya-id.md", "+++\ntitle = \"Hanya Indonesia\"\n+++\nBelum diterjemahkan.\n")
    }

    #[test]
    fn a_translation_lives_under_en_and_links_its_original_both_ways() {
        let site = site();
        let out = site.build();
        assert!(out.status.success(), "{}", stderr(&out));
        // `slug` gives the translation its own words; the home page is /en/.
        file_contains!(site, "en/about/index.html", "<h2 id=\"vision\">Vision</h2>");
        file_contains!(site, "en/index.html", "Welcome.");
        assert!(!site.out().join("tentang.en").exists(), "a translation is not a page of its own");

        for path in ["en/about/index.html", "tentang/index.html"] {
            file_contains!(site, path, "<link rel=\"alternate\" hreflang=\"en\" href=\"https://uji.test/en/about/\">");
            file_contains!(site, path, "<link rel=\"alternate\" hreflang=\"id\" href=\"https://uji.test/tentang/\">");
            file_contains!(
                site,
                path,
                "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://uji.test/tentang/\">"
            );
        }
        file_contains!(site, "en/about/index.html", "<html lang=\"en\">");
        file_contains!(site, "tentang/index.html", "<html lang=\"id\">");
        file_contains!(site, "en/index.html", "<html lang=\"en\">");

        // The switch goes to the same page in the other language...
        file_contains!(site, "en/about/index.html", "<a href=\"/tentang/\" hreflang=\"id\">Bahasa Indonesia</a>");
        file_contains!(site, "tentang/index.html", "<a href=\"/en/about/\" hreflang=\"en\">English</a>");
        file_contains!(site, "index.html", "<a href=\"/en/\" hreflang=\"en\">English</a>");
        // ...or to that language's home page when the page is not translated.
        file_contains!(site, "hanya-id/index.html", "<a href=\"/en/\" hreflang=\"en\">English</a>");
        let untranslated = site.read("hanya-id/index.html");
        assert!(!untranslated.contains("hreflang=\"x-default\""), "no alternates without a translation");

        file_contains!(site, "sitemap.xml", "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
        file_contains!(
            site,
            "sitemap.xml",
            "<url><loc>https://uji.test/tentang/</loc><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://uji.test/en/about/\"/><xhtml:link rel=\"alternate\" hreflang=\"id\" href=\"https://uji.test/tentang/\"/><xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://uji.test/tentang/\"/></url>"
        );
        file_contains!(site, "sitemap.xml", "<url><loc>https://uji.test/en/about/</loc><xhtml:link");
        file_contains!(site, "sitemap.xml", "<url><loc>https://uji.test/hanya-id/</loc></url>");
    }

    #[test]
    fn without_a_home_page_in_a_language_an_untranslated_page_offers_no_switch() {
        let site = site();
        std::fs::remove_file(site.root().join("content/_index.en.md")).unwrap();
        let site = site.file("content/tentang.en.md", "+++\ntitle = \"About\"\nslug = \"about\"\n+++\nx\n");
        let out = site.build();
        assert!(out.status.success(), "{}", stderr(&out));
        file_contains!(site, "hanya-id/index.html", "<nav class=\"bahasa\"></nav>");
        file_contains!(site, "tentang/index.html", "<a href=\"/en/about/\" hreflang=\"en\">English</a>");
    }

    #[test]
    fn builds_of_a_bilingual_site_are_byte_identical() {
        let site = site();
        assert!(site.build().status.success());
        let first = walk(&site.out());
        std::fs::remove_dir_all(site.out()).unwrap();
        assert!(site.build().status.success());
        assert_eq!(first, walk(&site.out()));
        // Adding a translation changes the other version's links: it is rendered again.
        let site = site.file("content/hanya-id.en.md", "+++\ntitle = \"Indonesian only\"\n+++\nNow translated.\n");
        assert!(site.build().status.success());
        file_contains!(site, "hanya-id/index.html", "<a href=\"/en/hanya-id/\" hreflang=\"en\">English</a>");
    }

    #[test]
    fn check_finds_broken_links_in_every_language() {
        let site =
            site().file("content/tentang.en.md", "+++\ntitle = \"About\"\nslug = \"about\"\n+++\n[x](/en/none/)\n");
        let out = site.build();
        assert!(!out.status.success());
        assert!(stderr(&out).contains("content/tentang.en.md:5: tautan rusak: /en/none/"), "{}", stderr(&out));
        // A template link that only an English page has.
        let site = site.file("content/tentang.en.md", "+++\ntitle = \"About\"\nslug = \"about\"\n+++\n## Vision\n").file(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}{% if page.lang == \"en\" %}<a href=\"/en/missing/\">m</a>{% endif %}{{ page.content | safe }}{% endblock %}",
        );
        let out = site.run(&["check"]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("public/en/about/index.html:"), "{}", stderr(&out));
        assert!(stderr(&out).contains("tautan rusak: /en/missing/"), "{}", stderr(&out));
    }

    #[test]
    fn an_undeclared_language_or_a_bad_slug_is_refused() {
        let out = site().file("content/tentang.fr.md", "+++\ntitle = \"À propos\"\n+++\nx\n").build();
        assert!(!out.status.success());
        assert!(stderr(&out).contains("content/tentang.fr.md: bahasa \"fr\" tidak dinyatakan"), "{}", stderr(&out));
        let out = site().file("content/tentang.en.md", "+++\ntitle = \"About\"\nslug = \"a/b\"\n+++\nx\n").build();
        assert!(!out.status.success());
        assert!(stderr(&out).contains("content/tentang.en.md:3: slug \"a/b\""), "{}", stderr(&out));
    }

    #[test]
    fn service_statuses_and_working_days_come_out_in_the_pages_language() {
        let template = "{% extends \"base.html\" %}{% block content %}{% if page.service %}<p>{{ page.service.time_limit.text | safe }}</p>{% for p in page.service.procedures %}{% for s in p.steps %}<i>{{ statuses[s.public_status].label }}</i>{% endfor %}{% endfor %}{% endif %}{{ page.content | safe }}{% endblock %}";
        let config =
            format!("{CONFIG}{LANGUAGES}[languages.en.ui]\nrange_to = \"to\"\nworking_days = \"working days\"\n");
        let site = site()
            .file("config.toml", &config)
            .file("templates/page.html", template)
            .file("content/layanan.md", &service_page(GOOD_STEPS))
            .file("content/layanan.en.md", &service_page(GOOD_STEPS).replace("Layanan Uji", "Test Service"));
        let out = site.build();
        assert!(out.status.success(), "{}", stderr(&out));
        file_contains!(site, "en/layanan/index.html", "<p>1 to 5 working days</p>");
        file_contains!(site, "en/layanan/index.html", "<i>Received</i>");
        file_contains!(site, "en/layanan/index.html", "<i>Completed</i>");
        file_contains!(site, "layanan/index.html", "<p>1 s/d 5 hari kerja</p>");
        file_contains!(site, "layanan/index.html", "<i>Diterima</i>");
    }

    #[test]
    fn a_translation_with_other_steps_is_refused_at_its_line() {
        // Line 15 of the page is the procedure's `[[service.procedures]]`.
        let fewer = GOOD_STEPS.rsplit_once("[[service.procedures.steps]]").unwrap().0.to_owned();
        let out = site()
            .file("content/layanan.md", &service_page(GOOD_STEPS))
            .file("content/layanan.en.md", &service_page(&fewer))
            .build();
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(
            err.contains(
                "content/layanan.en.md:15: service.procedures: prosedur \"uji\" memuat 3 langkah, aslinya (content/layanan.md:15) 4 langkah"
            ),
            "{err}"
        );

        let other_status = GOOD_STEPS.replacen("public_status = \"diverifikasi\"", "public_status = \"diproses\"", 1);
        let out = site()
            .file("content/layanan.md", &service_page(GOOD_STEPS))
            .file("content/layanan.en.md", &service_page(&other_status))
            .build();
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("content/layanan.en.md:15: service.procedures: prosedur \"uji\" langkah 2 berstatus diproses, aslinya (content/layanan.md:15) diverifikasi"),
            "{}",
            stderr(&out)
        );
    }

    /// The repository's own templates and configuration, with an English home page and service
    /// page: every visible word in English, and the links of both languages resolve.
    #[test]
    fn the_shipped_templates_render_english_pages() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let site = Fixture::new();
        for part in ["content", "templates", "static"] {
            office_site_copy(&repo.join(part), &site.root().join(part));
        }
        let service = std::fs::read_to_string(repo.join("content/layanan/informasi-dan-pengaduan.md")).unwrap();
        let english = service.replacen("+++\n", "+++\nslug = \"information-and-complaints\"\n", 1);
        let site = site
            .file("config.toml", &std::fs::read_to_string(repo.join("config.toml")).unwrap())
            .file("content/layanan/informasi-dan-pengaduan.md", &service)
            .file("content/layanan/informasi-dan-pengaduan.en.md", &english)
            .file("content/_index.en.md", "+++\ntitle = \"Home\"\ntemplate = \"index.html\"\n+++\nWelcome.\n");
        let out = site.build();
        assert!(out.status.success(), "{}", stderr(&out));
        let page = "en/layanan/information-and-complaints/index.html";
        for needle in [
            "<html lang=\"en\">",
            "Skip to main content",
            "2 to 10 working days",
            "Being processed",
            "hreflang=\"x-default\" href=\"http://127.0.0.1:8080/layanan/informasi-dan-pengaduan/\"",
            "<a href=\"/layanan/informasi-dan-pengaduan/\" hreflang=\"id\" lang=\"id\">Bahasa Indonesia</a>",
        ] {
            file_contains!(site, page, needle);
        }
        let english_page = site.read(page);
        for indonesian in [
            "Langsung ke isi utama",
            "s/d 10 hari kerja</p>",
            "id=\"jangka-waktu\">Jangka waktu",
            "Di halaman ini",
            ">Sedang diproses</span>",
        ] {
            assert!(!english_page.contains(indonesian), "{indonesian:?} on the English page");
        }
        file_contains!(site, "index.html", "<a href=\"/en/\" hreflang=\"en\" lang=\"en\">English</a>");
        // The complaint and tracking forms: English words from config.toml, links to English
        // pages, and the page's language sent with the form.
        for needle in [
            "<input type=\"hidden\" name=\"lang\" value=\"en\">",
            ">Submit Complaint</button>",
            "(optional)",
            "<a href=\"/en/privacy/\">Privacy Policy</a>",
        ] {
            file_contains!(site, "en/complaint/index.html", needle);
        }
        for needle in ["<input type=\"hidden\" name=\"lang\" value=\"en\">", ">Track</button>"] {
            file_contains!(site, "en/track/index.html", needle);
        }
        for (page, indonesian) in [
            ("en/complaint/index.html", "Kirim Pengaduan"),
            ("en/complaint/index.html", "(tidak wajib)"),
            ("en/complaint/index.html", "Jangan diisi"),
            ("en/complaint/index.html", "/kebijakan-privasi/"),
            ("en/track/index.html", ">Nomor register<"),
            ("en/track/index.html", ">Lacak</button>"),
        ] {
            assert!(!site.read(page).contains(indonesian), "{indonesian:?} on {page}");
        }
        file_contains!(site, "pengaduan/index.html", "<input type=\"hidden\" name=\"lang\" value=\"id\">");
        // One 404 page for every address: Indonesian, then English in its own language.
        for needle in ["<h1>Halaman tidak ditemukan</h1>", "<section lang=\"en\">", "<a href=\"/en/\" hreflang=\"en\">"]
        {
            file_contains!(site, "404.html", needle);
        }
    }

    fn office_site_copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                office_site_copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
}
