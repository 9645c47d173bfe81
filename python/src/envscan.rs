//! `envscan`, as the wheel installs it: the tool's own program.

fn main() -> std::process::ExitCode {
    envscan::main()
}
