//! envscan: find the secret values of `.env` where they must not be. `cli.rs` is the
//! interface; `values.rs` reads what to look for, `scan.rs` looks in files and notebooks,
//! `git.rs` in staged changes and history (and installs the hook), `report.rs` prints the
//! findings, `redact.rs` filters a stream.

mod cli;
mod exit_codes;
mod git;
mod redact;
mod report;
mod scan;
mod values;

use cli::{Cli, PAGE};
use envtools_cli::{args, Failure};
use std::process::ExitCode;

/// The whole program: parse the command line, do the job, report (what `main.rs` runs).
pub fn main() -> ExitCode {
    args::main(&PAGE, |cli: &Cli| cli.generate, |cli| run(&cli))
}

fn run(cli: &Cli) -> Result<u8, Failure> {
    if cli.install_hook {
        return git::install_hook();
    }
    let (matcher, skipped) = values::read(&cli.env_files, cli.example.as_deref())?;
    if cli.redact {
        return redact::run(&matcher);
    }
    let mut found = report::Findings::new(cli.format, skipped);
    if matcher.is_empty() {
        return found.finish();
    }
    let skip = values::env_paths(&cli.env_files);
    if cli.staged {
        git::scan_staged(&matcher, &mut found)?;
    } else if let Some(range) = &cli.history {
        git::scan_history(&matcher, range, &mut found)?;
    } else {
        let files = scan::files(&cli.paths, cli.all, &skip)?;
        scan::files_parallel(&matcher, &files, &mut found)?;
    }
    found.finish()
}
