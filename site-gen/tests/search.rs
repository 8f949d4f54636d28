//! The search (issue 14): a fixture site built through the `site-gen` command has Pagefind's
//! index for each language under `pagefind/`, and its search page lists every page of its
//! language for readers without JavaScript.

mod common;

use common::{Fixture, walk};
use std::path::{Path, PathBuf};

/// A base template that marks what Pagefind indexes and gives each page its language.
const BASE: &str = r#"<!DOCTYPE html><html lang="{{ page.extra.lang | default(value="id") }}"><head><title>{{ page.title }}</title>
<meta name="description" content="{{ page.description }}"></head>
<body><nav><a href="/">Beranda</a></nav>
<main id="isi" data-pagefind-body>{% block content %}{% endblock %}</main></body></html>
"#;

const SEARCH: &str = r#"{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>
<div id="pencarian"></div><section id="semua-halaman"><!-- site-gen:daftar-halaman --><!-- /site-gen:daftar-halaman --></section>
{% endblock %}"#;

fn site() -> Fixture {
    Fixture::with_base(BASE)
        .file("templates/cari.html", SEARCH)
        .file("content/_index.md", "+++\ntitle = \"Beranda\"\ndescription = \"Halaman depan.\"\n+++\nSelamat datang.\n")
        .file(
            "content/layanan.md",
            "+++\ntitle = \"Layanan Pengaduan\"\ndescription = \"Biaya & jangka waktu.\"\n+++\n\
             Biaya pengaduan tidak dipungut. Jangka waktu penyelesaian sepuluh hari kerja.\n",
        )
        .file("content/lapor.md", "+++\ntitle = \"Lapor\"\n+++\nPengaduan melalui LAPOR! juga diterima.\n")
        .file(
            "content/english.md",
            "+++\ntitle = \"Complaints\"\ndescription = \"In English.\"\n[extra]\nlang = \"en\"\n+++\n\
             Complaints are free of charge and answered within ten working days.\n",
        )
        .file("content/cari.md", "+++\ntitle = \"Cari\"\ntemplate = \"cari.html\"\n+++\n")
}

#[test]
fn the_index_has_one_language_each_and_the_search_page_lists_every_page() {
    let site = site();
    let out = site.out();
    site.build_into(&out);

    let bundle = out.join("pagefind");
    for f in [
        "pagefind.js",
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-entry.json",
        "wasm.id.pagefind",
        "wasm.en.pagefind",
    ] {
        assert!(bundle.join(f).is_file(), "pagefind/{f} is missing");
    }
    let entry = std::fs::read_to_string(bundle.join("pagefind-entry.json")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(&entry).unwrap();
    let languages = entry["languages"].as_object().expect("languages in pagefind-entry.json");
    assert!(languages.contains_key("id") && languages.contains_key("en"), "{entry}");
    assert_eq!(entry["languages"]["id"]["page_count"], 3, "Beranda, Layanan, Lapor: not the search page: {entry}");
    assert_eq!(entry["languages"]["en"]["page_count"], 1, "{entry}");
    let names: Vec<String> = walk(&bundle).into_iter().map(|(p, _)| p.to_string_lossy().into_owned()).collect();
    assert!(names.iter().any(|n| n.ends_with(".pf_meta")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".pf_index")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".pf_fragment")), "{names:?}");

    let cari = std::fs::read_to_string(out.join("cari/index.html")).unwrap();
    for (url, title) in [("/", "Beranda"), ("/layanan/", "Layanan Pengaduan"), ("/lapor/", "Lapor")] {
        assert!(cari.contains(&format!("<a href=\"{url}\">{title}</a>")), "{url} missing from the list:\n{cari}");
    }
    assert!(cari.contains("<p>Biaya &amp; jangka waktu.</p>"), "descriptions are listed, escaped once:\n{cari}");
    assert!(!cari.contains("/english/"), "only pages of the search page's language:\n{cari}");
    assert!(!cari.contains("<a href=\"/cari/\">"), "the search page does not list itself:\n{cari}");

    // The pages file (issue 23): what a server answers `?q=` from, with the search page's HTML
    // without its list.
    let file = std::fs::read_to_string(out.join(pengaduan_core::search::FILE)).unwrap();
    let search = pengaduan_core::search::SiteSearch::from_json(&file).unwrap();
    let id = &search.languages["id"];
    assert_eq!(id.url, "/cari/");
    let urls: Vec<&str> = id.pages.iter().map(|p| p.page.url.as_str()).collect();
    assert_eq!(urls, ["/", "/lapor/", "/layanan/"], "the search page's language, not itself");
    assert!(id.pages[2].text.contains("sepuluh hari kerja"), "the indexed text: {:?}", id.pages[2]);
    assert!(!id.pages[2].text.contains("<p>") && !id.pages[2].text.contains("beranda</a>"), "no tags, no menu");
    assert!(!id.html.contains("<li>") && id.html.contains(pengaduan_core::search::LIST_END), "{}", id.html);
    assert!(!search.languages.contains_key("en"), "no English search page, no English search");
}

#[test]
fn two_builds_of_the_same_site_are_byte_identical_index_included() {
    let site = site();
    let (a, b) = (site.root().join("a"), site.root().join("b"));
    site.build_into(&a);
    site.build_into(&b);
    let (fa, fb) = (walk(&a), walk(&b));
    let names = |f: &[(PathBuf, Vec<u8>)]| f.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb));
    for ((p, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{} differs between two builds", p.display());
    }
}

#[test]
fn a_changed_page_updates_the_index_and_the_list_and_stale_index_files_go() {
    let site = site();
    let out = site.out();
    site.build_into(&out);
    let before: Vec<PathBuf> = walk(&out.join("pagefind")).into_iter().map(|(p, _)| p).collect();
    site.write("content/lapor.md", "+++\ntitle = \"Lapor Baru\"\n+++\nSaluran LAPOR! nasional.\n");
    site.build_into(&out);
    let cari = std::fs::read_to_string(out.join("cari/index.html")).unwrap();
    assert!(cari.contains("<a href=\"/lapor/\">Lapor Baru</a>"), "{cari}");
    let after: Vec<PathBuf> = walk(&out.join("pagefind")).into_iter().map(|(p, _)| p).collect();
    assert_ne!(before, after, "a changed page gives new index files");
    // A fresh build of the same input has exactly the files the incremental one kept.
    let fresh = site.root().join("fresh");
    site.build_into(&fresh);
    let names = |d: &Path| walk(d).into_iter().map(|(p, b)| (p, b.len())).collect::<Vec<_>>();
    assert_eq!(names(&out.join("pagefind")), names(&fresh.join("pagefind")), "stale index files are removed");
}
