//! `pengaduan-staf`: see `staf/README.md`.

fn main() -> std::process::ExitCode {
    pengaduan_staf::main_entry()
}
