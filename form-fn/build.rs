//! Compiles the site's templates and `config.toml` into the Lambda binary, which has no access
//! to the repository at run time. Not the service's rules: the function reads those as the
//! site publishes them (`aturan-layanan.json`, see `pengaduan_store::rules_feed`), so a new
//! time limit needs no deploy.

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
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
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
