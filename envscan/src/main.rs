//! The `envscan` binary. The program is the library (`lib.rs`), so that every build of the tool
//! (cargo, the flake, the Python wheel in `python/`) runs the same code.

fn main() -> std::process::ExitCode {
    envscan::main()
}
