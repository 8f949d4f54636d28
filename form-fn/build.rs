//! Compiles the site's templates and `config.toml` into the Lambda binary, which has no access
//! to the repository at run time. Not the service's rules: the function reads those as the
//! site publishes them (`aturan-layanan.json`, see `pengaduan_store::rules_feed`), so a new
//! time limit needs no deploy.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    // Paths relative to the package, not absolute ones: cargo reads a relative
    // `rerun-if-changed` from the package being built and the generated `include_str!`s name
    // the checkout being compiled (`CARGO_MANIFEST_DIR` when the crate compiles), so a target
    // folder shared with another checkout (CI's fresh clone) never embeds that checkout's
    // templates, and an edit here is never missed because the other checkout's files did not
    // change.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).parent().expect("workspace root").to_path_buf();
    let templates = root.join("templates");
    println!("cargo:rerun-if-changed=../templates");
    println!("cargo:rerun-if-changed=../config.toml");

    let mut files = Vec::new();
    collect(&root, &templates, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Templates as (name, source), from `templates/`.\npub const TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let name = file.strip_prefix(&templates).unwrap().to_string_lossy().replace('\\', "/");
        println!("cargo:rerun-if-changed=../templates/{name}");
        writeln!(
            code,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../templates/{name}\"))),"
        )
        .unwrap();
    }
    code.push_str("];\n");
    code.push_str(
        "/// The site's `config.toml`.\npub const CONFIG: &str = include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../config.toml\"));\n",
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            println!("cargo:rerun-if-changed=../{relative}");
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "html") {
            files.push(path);
        }
    }
}
