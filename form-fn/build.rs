//! Compiles the site's templates and `config.toml` into the Lambda binary, which has no access
//! to the repository at run time.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    // Read at run time, not with env!: a build script compiled in another checkout sharing the
    // target folder (CI's fresh clone) would otherwise embed that checkout's templates.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).parent().expect("workspace root").to_path_buf();
    let templates = root.join("templates");
    println!("cargo:rerun-if-changed={}", templates.display());
    println!("cargo:rerun-if-changed={}", root.join("config.toml").display());

    let mut files = Vec::new();
    collect(&templates, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Templates as (name, source), from `templates/`.\npub const TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.strip_prefix(&templates).unwrap().to_string_lossy().replace('\\', "/");
        writeln!(code, "    ({name:?}, include_str!({:?})),", file.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    writeln!(
        code,
        "/// The site's `config.toml`.\npub const CONFIG: &str = include_str!({:?});",
        root.join("config.toml").display().to_string()
    )
    .unwrap();
    // The service page's time limit (the receipt states it), as a page with only that table in
    // its front matter: the whole page would add its 25 KB of text to the Lambda binary. The
    // paths are pengaduan-site's `rules::SERVICE_PAGE` and `SERVICE_PAGE_EN` (a test compares
    // them). A site without a page embeds nothing for it.
    let pages = [
        ("SERVICE_PAGE", "content/layanan/informasi-dan-pengaduan.md", "The service page's"),
        ("SERVICE_PAGE_EN", "content/layanan/informasi-dan-pengaduan.en.md", "The English service page's"),
    ];
    for (name, path, whose) in pages {
        let page = time_limit_page(&root.join(path));
        writeln!(code, "/// {whose} time limit table, as a page's front matter.\npub const {name}: &str = {page:?};")
            .unwrap();
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}

/// The `[service.time_limit]` table of the page at `path` as a page of its own, read by core's
/// reader of service pages; empty when the page or the table is absent.
fn time_limit_page(path: &Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let Some(time_limit) = pengaduan_core::service::time_limit_of(&text) else { return String::new() };
    let mut service = toml::Table::new();
    service.insert("time_limit".into(), toml::Value::try_from(time_limit).expect("a time limit is TOML"));
    let mut page = toml::Table::new();
    page.insert("service".into(), toml::Value::Table(service));
    format!("+++\n{page}+++\n")
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "html") {
            files.push(path);
        }
    }
}
