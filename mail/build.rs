//! Compiles the mail templates (`templates/surel/`) into the crate, for the Lambda function,
//! which has no access to the repository at run time.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    // Read at run time, not with env!: a build script compiled in another checkout sharing the
    // target folder (CI's fresh clone) would otherwise embed that checkout's templates.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).parent().expect("workspace root").join("templates/surel");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|entries| entries.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    // Only templates: the editors' README stays out of the binary.
    files.retain(|p| p.extension().is_some_and(|e| e == "txt" || e == "html"));
    files.sort();
    let mut code = String::from(
        "/// Templates as (file name, source), from `templates/surel/`.\npub const TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.file_name().unwrap().to_string_lossy();
        writeln!(code, "    ({name:?}, include_str!({:?})),", file.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    // The office's name, address and contacts the messages sign with.
    let config = dir.parent().and_then(Path::parent).expect("workspace root").join("config.toml");
    println!("cargo:rerun-if-changed={}", config.display());
    writeln!(
        code,
        "/// The site's `config.toml`.\npub const CONFIG: &str = include_str!({:?});",
        config.display().to_string()
    )
    .unwrap();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}
