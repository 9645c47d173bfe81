//! The project's Jupyter kernel. `--kernel` registers a kernelspec whose argv starts
//! venv-bootstrap again (`--kernel-start`), so that any Jupyter, started from anywhere, gets
//! the project's venv and `.env`; `--remove-kernel` unregisters it. The venv keeps the list of
//! its kernels (`crate::kernels`), which puts ipykernel among its requirements. `spec` writes and
//! removes kernelspecs; `start` is the kernel's start; `launcher.py` runs ipykernel with every
//! message it sends redacted.

pub mod spec;
pub mod start;

use crate::cli::Cli;
use crate::exit_codes;
use crate::setup::Setup;
use envtools_cli::Failure;

/// `--remove-kernel`: unregister the kernelspec (only one this project registered), then,
/// when the venv exists, bring it up to date without the kernel (ipykernel goes when nothing
/// else needs it).
pub fn remove(cli: &Cli, setup: &Setup, name: &str) -> Result<u8, Failure> {
    let removed = spec::remove(name, &setup.project)?;
    if !cli.quiet {
        match &removed {
            Some(dir) => eprintln!(
                "venv-bootstrap: removed the kernel {name} ({})",
                dir.display()
            ),
            None => eprintln!("venv-bootstrap: no kernel {name} is registered"),
        }
    }
    if crate::stamp::Stamp::read(&setup.venv).is_some() {
        if let crate::venv::Ensured::InstallFailed(f) = crate::venv::ensure(&setup.spec(cli))? {
            return Err(f);
        }
    }
    Ok(exit_codes::SUCCESS)
}
