//! The fixture site the tests build: a temp folder written file by file, built through the
//! `site-gen` command.

// Each test file uses only part of this.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site written into a temp folder, file by file.
pub struct Fixture {
    dir: tempfile::TempDir,
}

pub const CONFIG: &str = r#"title = "Situs Uji"
base_url = "https://uji.test"
api_url = "/api"
[office]
name = "DPMPTSP Uji"
[[menu]]
title = "Beranda"
url = "/"
"#;

pub const BASE: &str = r#"<!DOCTYPE html><html lang="id"><head><title>{{ page.title }}</title></head>
<body><nav>{% for m in config.menu %}<a href="{{ m.url }}">{{ m.title }}</a>{% endfor %}</nav>
<main id="isi">{% block content %}{% endblock %}</main></body></html>
"#;

impl Fixture {
    /// A minimal valid site: config, base/page/index/404 templates and a home page.
    pub fn new() -> Self {
        Self::with_base(BASE)
            .file(
                "content/_index.md",
                "+++\ntitle = \"Beranda\"\n+++\nSelamat datang. Lihat [tentang](/tentang/#visi).\n",
            )
            .file("content/tentang.md", "+++\ntitle = \"Tentang\"\n+++\n## Visi\n\nMelayani.\n")
    }

    /// The config and the page/index/404 templates on the base template `base`; no content yet.
    pub fn with_base(base: &str) -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
            .file("config.toml", CONFIG)
            .file("templates/base.html", base)
            .file(
                "templates/page.html",
                "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock %}",
            )
            .file("templates/index.html", "{% extends \"page.html\" %}")
            .file("templates/404.html", "{% extends \"base.html\" %}{% block content %}<h1>Tidak ada</h1>{% endblock %}")
    }

    pub fn file(self, path: &str, text: &str) -> Self {
        self.write(path, text);
        self
    }

    /// Writes a file into the site as it stands, between builds.
    pub fn write(&self, path: &str, text: &str) {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_site-gen")).args(args).arg("--root").arg(self.root()).output().unwrap()
    }

    pub fn build(&self) -> Output {
        self.run(&["build"])
    }

    /// Builds into `out`, which must succeed.
    pub fn build_into(&self, out: &Path) {
        let o = self.run(&["build", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.out().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` with its bytes, by path relative to `dir`, in path order.
pub fn walk(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}
