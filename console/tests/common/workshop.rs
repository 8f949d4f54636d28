//! A [`Workshop`] over a small fixture site (its service page has `[service]`, for the
//! structured fields) in a temporary folder, for the editing pages'
//! tests. The real site build is wired and tested in `site-gen`; this one refuses texts in a
//! deterministic, meaningful way: a data file must be TOML, a page must open with a `+++` front
//! matter that is TOML and has a `title`; each refusal names the line (and the field).

use pengaduan_console::{EditableFile, Refusal, Workshop, WorkshopFuture};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The fixture site's files: a page in two languages, a service page and the holidays.
pub const FILES: [(&str, &str); 4] = [
    ("_index.md", "+++\ntitle = \"Beranda\"\n+++\n\nSelamat datang di layanan pengaduan.\n"),
    ("_index.en.md", "+++\ntitle = \"Home\"\n+++\n\nWelcome to the complaint service.\n"),
    (
        "layanan/informasi-dan-pengaduan.md",
        "+++\ntitle = \"Informasi dan Pengaduan\"\n\n[service]\nfee = \"Tidak dipungut biaya\" # Perda 3/2020\n\n[service.time_limit]\nmin_working_days = 2\nmax_working_days = 10\nstarts = \"setelah berkas lengkap\"\n\n[[service.channels]]\nname = \"Loket\"\ndescription = \"Datang langsung ke kantor.\"\n\n[[service.procedures]]\nid = \"penyelesaian\"\ntitle = \"Penyelesaian pengaduan\"\nproduct = \"Surat jawaban\"\n\n[[service.procedures.steps]]\nactor = \"Petugas Front Office\"\naction = \"Menerima berkas.\"\npublic_status = \"diterima\"\nperan = \"front-office\"\n\n[[service.procedures.steps]]\nactor = \"JFT Analis Kebijakan\"\naction = \"Memverifikasi.\"\npublic_status = \"diverifikasi\"\nperan = \"jft\"\n+++\n\n## Persyaratan\n\n- KTP\n- Formulir\n",
    ),
    (
        "data/hari-libur.toml",
        "# Hari libur\n[[tahun]]\ntahun = 2026\nlibur_nasional = [{ tanggal = 2026-12-25, nama = \"Natal\" }]\n",
    ),
];

/// The fixture site, and what the console asked of it.
pub struct FixtureWorkshop {
    dir: tempfile::TempDir,
    four_eyes: bool,
    /// Every publish's files, in order.
    pub published: Mutex<Vec<Vec<(String, String)>>>,
    /// The paths of the changes each check was given, in order.
    pub checked: Mutex<Vec<Vec<String>>>,
}

impl FixtureWorkshop {
    /// The fixture site in a new folder; `four_eyes` as the office's setting.
    pub fn new(four_eyes: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in FILES {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        Self { dir, four_eyes, published: Mutex::new(Vec::new()), checked: Mutex::new(Vec::new()) }
    }

    fn file(&self, path: &str) -> PathBuf {
        self.dir.path().join(path)
    }

    /// The text on disk: what the public sees.
    pub fn public(&self, path: &str) -> String {
        std::fs::read_to_string(self.file(path)).unwrap()
    }

    fn known(path: &str) -> bool {
        FILES.iter().any(|(p, _)| *p == path)
    }

    /// The refusal of `text` as the file `path`, if any.
    fn judge(path: &str, text: &str) -> Result<(), Refusal> {
        let refuse = |line: Option<usize>, field: Option<&str>, message: String| Refusal {
            path: path.to_owned(),
            line,
            field: field.map(str::to_owned),
            message,
        };
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        if path.ends_with(".toml") {
            return toml::from_str::<toml::Table>(text).map(|_| ()).map_err(|e| {
                refuse(e.span().map(|s| line_of(s.start)), None, format!("TOML tidak sah: {}", e.message()))
            });
        }
        let Some(rest) = text.strip_prefix("+++\n") else {
            return Err(refuse(Some(1), None, "halaman harus diawali baris +++".into()));
        };
        let Some(end) = rest.find("\n+++") else {
            return Err(refuse(Some(1), None, "keterangan halaman tidak ditutup dengan baris +++".into()));
        };
        let front = &rest[..end];
        let table = toml::from_str::<toml::Table>(front).map_err(|e| {
            // Line 1 is the opening +++.
            let line = e.span().map(|s| front[..s.start.min(front.len())].matches('\n').count() + 2);
            refuse(line, None, format!("keterangan halaman tidak sah: {}", e.message()))
        })?;
        match table.get("title") {
            Some(toml::Value::String(t)) if !t.trim().is_empty() => Ok(()),
            _ => Err(refuse(Some(2), Some("title"), "judul halaman wajib diisi".into())),
        }
    }

    fn language(path: &str) -> Option<String> {
        let name = Path::new(path).file_name()?.to_str()?;
        let stem = name.strip_suffix(".md")?;
        Some(stem.rsplit_once('.').map_or("id", |(_, lang)| lang).to_owned())
    }
}

impl Workshop for FixtureWorkshop {
    fn files(&self) -> WorkshopFuture<'_, Vec<EditableFile>> {
        Box::pin(async move {
            FILES
                .iter()
                .map(|(path, _)| {
                    let text = self.public(path);
                    let title = text
                        .lines()
                        .find_map(|l| l.strip_prefix("title = \""))
                        .map(|t| t.trim_end_matches('"').to_owned())
                        .unwrap_or_else(|| path.to_string());
                    EditableFile {
                        path: path.to_string(),
                        lang: Self::language(path),
                        title,
                        is_data: path.starts_with("data/"),
                    }
                })
                .collect()
        })
    }

    fn live_text<'a>(&'a self, path: &'a str) -> WorkshopFuture<'a, Option<String>> {
        Box::pin(async move { Self::known(path).then(|| self.public(path)) })
    }

    fn check(&self, changes: BTreeMap<String, String>) -> WorkshopFuture<'_, Result<(), Refusal>> {
        Box::pin(async move {
            self.checked.lock().unwrap().push(changes.keys().cloned().collect());
            for (path, _) in FILES {
                let text = changes.get(path).cloned().unwrap_or_else(|| self.public(path));
                Self::judge(path, &text)?;
            }
            match changes.keys().find(|p| !Self::known(p)) {
                Some(p) => {
                    Err(Refusal { path: p.clone(), line: None, field: None, message: "berkas tidak dikenal".into() })
                }
                None => Ok(()),
            }
        })
    }

    fn preview<'a>(
        &'a self,
        changes: BTreeMap<String, String>,
        path: &'a str,
    ) -> WorkshopFuture<'a, Result<String, Refusal>> {
        Box::pin(async move {
            self.check(changes.clone()).await?;
            let text = changes.get(path).cloned().unwrap_or_else(|| self.public(path));
            let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            Ok(format!(
                "<!DOCTYPE html><html lang=\"id\"><head><title>{path}</title></head><body class=\"halaman\"><pre>{escaped}</pre></body></html>"
            ))
        })
    }

    fn publish(&self, files: Vec<(String, String)>) -> WorkshopFuture<'_, Result<(), String>> {
        Box::pin(async move {
            for (path, text) in &files {
                std::fs::write(self.file(path), text).map_err(|e| e.to_string())?;
            }
            self.published.lock().unwrap().push(files);
            Ok(())
        })
    }

    fn four_eyes(&self) -> bool {
        self.four_eyes
    }
}
