//! Compiles the mail templates (`templates/surel/`) into the crate, for the Lambda function,
//! which has no access to the repository at run time.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    // Paths relative to the package, as in form-fn's build script (see why there): a target
    // folder shared with another checkout never embeds that checkout's templates.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).parent().expect("workspace root").join("templates/surel");
    println!("cargo:rerun-if-changed=../templates/surel");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|entries| entries.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    // Only templates: the editors' README stays out of the binary.
    files.retain(|p| p.extension().is_some_and(|e| e == "txt" || e == "html"));
    files.sort();
    let mut code = String::from(
        "/// Templates as (file name, source), from `templates/surel/`.\npub const TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        println!("cargo:rerun-if-changed=../templates/surel/{name}");
        writeln!(
            code,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../templates/surel/{name}\"))),"
        )
        .unwrap();
    }
    code.push_str("];\n");
    // The office's name, address and contacts the messages sign with.
    println!("cargo:rerun-if-changed=../config.toml");
    code.push_str(
        "/// The site's `config.toml`.\npub const CONFIG: &str = include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../config.toml\"));\n",
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}
