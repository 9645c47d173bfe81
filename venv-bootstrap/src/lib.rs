//! venv-bootstrap: a Python venv that is ready in a millisecond when nothing changed.
//! `cli.rs` is the interface; `setup.rs` settles the inputs, `venv.rs` keeps the venv up to
//! date, `activate.rs` runs COMMAND in it or prints the activation, `kernel/` is the project's
//! Jupyter kernel.

mod activate;
mod cli;
mod exit_codes;
mod health;
mod install;
mod kernel;
mod kernels;
mod owned;
mod pin;
mod progress;
mod pyproject;
mod python;
mod setup;
mod source;
mod stamp;
mod trash;
mod venv;

use cli::{Cli, OnError, PAGE};
use envtools_cli::{args, Failure};
use std::process::ExitCode;

/// The whole program: parse the command line, do the job, report (what `main.rs` runs).
pub fn main() -> ExitCode {
    args::main(&PAGE, |cli: &Cli| cli.generate, |cli| run(&cli))
}

fn run(cli: &Cli) -> Result<u8, Failure> {
    cli::check_usage(cli)?;
    if let Some(args) = &cli.kernel_start {
        return kernel::start::run(cli, args);
    }
    let project = std::path::absolute(".").unwrap_or_default();
    let change =
        kernels::Change::from_flags(cli.kernel.as_ref(), cli.remove_kernel.as_ref(), &project);
    let setup = setup::Setup::from_cli(cli, &change)?;
    if let Some(name) = &change.remove {
        return kernel::remove(cli, &setup, name);
    }
    let spec = setup.spec(cli);
    if cli.check {
        // Inputs that could never be installed are an error, not "not up to date".
        let state = health::assess(spec.venv, spec.python, spec.inputs, spec.force);
        if !matches!(state, health::State::UpToDate) {
            source::validate(spec.source, spec.files, spec.selection)?;
        }
        return Ok(health::report(&state, &cli.venv, cli.quiet));
    }
    if let venv::Ensured::InstallFailed(f) = venv::ensure(&spec)? {
        match cli.on_error {
            OnError::Fail => return Err(f),
            OnError::Warn => envtools_cli::warn::warn(
                "venv-bootstrap",
                format_args!(
                    "{}; continuing with the venv as it is (retried next start)",
                    f
                ),
            ),
        }
    }
    if let Some(name) = &change.add {
        let dir = kernel::spec::register(cli, &setup, name)?;
        if !cli.quiet {
            eprintln!(
                "venv-bootstrap: kernel {name} registered ({}); Jupyter lists it as {:?}",
                dir.display(),
                kernel::spec::display_name(&setup)
            );
        }
    }
    let activation = activate::for_venv(&setup.venv);
    if let Some(format) = cli.print_env {
        activate::print(format, &activation, cli.clean_pythonpath)?;
    }
    if cli.command.is_empty() {
        return Ok(exit_codes::SUCCESS);
    }
    Err(activate::exec(
        &cli.command,
        &activation,
        cli.clean_pythonpath,
        cli.quiet,
    ))
}
