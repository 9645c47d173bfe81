//! What one run works with, settled before anything is checked or built: absolute paths, the
//! interpreter, the installer, the requirement files as read, and the stamp's inputs.

use crate::cli::{Cli, InstallerChoice};
use crate::exit_codes;
use crate::install::Installer;
use crate::install::Selection;
use crate::python::{self, Python};
use crate::source::{self, Source};
use crate::stamp;
use crate::venv::Spec;
use envtools_cli::Failure;
use std::path::{Path, PathBuf};

/// Everything [`Spec`] borrows, owned.
pub struct Setup {
    pub venv: PathBuf,
    pub python: Python,
    pub installer: Installer,
    pub source: Source,
    pub selection: Selection,
    pub constraints: Vec<PathBuf>,
    pub files: Vec<stamp::InputFile>,
    pub inputs: Vec<u8>,
    /// The project folder (the current folder), absolute.
    pub project: PathBuf,
    /// The Jupyter kernels the venv serves after this run (see [`crate::kernel`]).
    pub kernels: Vec<String>,
    /// Requirements beyond the inputs': `ipykernel` while there is a kernel.
    pub extra: Vec<String>,
}

/// `p` made absolute against the current folder (as given when that fails).
fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

impl Setup {
    /// Settle this run's inputs from the command line (`kernel`: the kernel this run adds or
    /// removes, see [`crate::kernels::Change`]).
    pub fn from_cli(cli: &Cli, kernel: &crate::kernels::Change) -> Result<Setup, Failure> {
        let venv = absolute(&cli.venv);
        let python = python::find(cli.python.as_deref(), &venv.join("bin"))
            .map_err(|e| Failure::new(exit_codes::PYTHON_FAILED, e))?;
        let requirements: Vec<PathBuf> = cli.requirements.iter().map(|p| absolute(p)).collect();
        let dir = absolute(Path::new("."));
        let source = source::choose(&dir, requirements);
        let selection = Selection {
            groups: cli.groups.clone(),
            extras: cli.extras.clone(),
            no_project: cli.no_project,
        };
        let constraints: Vec<PathBuf> = cli.constraints.iter().map(|p| absolute(p)).collect();
        let installer = Installer {
            uv: find_uv(cli.installer)?,
            offline: cli.offline,
            find_links: cli.find_links.as_deref().map(absolute),
            quiet: cli.quiet,
            verbose: cli.verbose,
        };
        let files = source::read_inputs(&source, &constraints, &dir).map_err(|e| {
            Failure::new(exit_codes::ERROR, format!("cannot read requirements: {e}"))
        })?;
        let kernels = kernel.apply(crate::kernels::read(&venv));
        let extra: Vec<String> = match kernels.is_empty() {
            true => Vec::new(),
            false => vec![crate::kernels::REQUIREMENT.to_string()],
        };
        let mut options = installer.stamp_options();
        options.extend(selection.stamp_options());
        options.extend(kernels.iter().map(|k| format!("kernel={k}")));
        let inputs = stamp::render_inputs(&stamp::Inputs {
            installer: installer.name(),
            options,
            files: &files,
        });
        Ok(Setup {
            venv,
            python,
            installer,
            source,
            selection,
            constraints,
            files,
            inputs,
            project: dir,
            kernels,
            extra,
        })
    }

    /// The spec for [`crate::venv::ensure`].
    pub fn spec<'a>(&'a self, cli: &Cli) -> Spec<'a> {
        Spec {
            venv: &self.venv,
            python: &self.python,
            installer: &self.installer,
            source: &self.source,
            selection: &self.selection,
            constraints: &self.constraints,
            files: &self.files,
            inputs: &self.inputs,
            kernels: &self.kernels,
            extra: &self.extra,
            upgrade_pip: !cli.no_upgrade_pip,
            force: cli.force,
        }
    }
}

/// uv for `--installer uv` (an error when missing) or `auto` (when on PATH).
fn find_uv(choice: InstallerChoice) -> Result<Option<PathBuf>, Failure> {
    match choice {
        InstallerChoice::Pip => Ok(None),
        InstallerChoice::Uv => envtools_cli::path::find_program("uv")
            .map(Some)
            .ok_or_else(|| Failure::new(exit_codes::ERROR, "--installer uv: no uv on PATH")),
        InstallerChoice::Auto => Ok(envtools_cli::path::find_program("uv")),
    }
}
