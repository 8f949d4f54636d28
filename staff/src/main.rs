//! `pengaduan-staf`: see `staff/README.md`.

fn main() -> std::process::ExitCode {
    pengaduan_staf::main_entry()
}
