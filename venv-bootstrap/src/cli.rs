//! The command line: every flag, with the doc comments that become `--help`.

use clap::{Parser, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
When nothing changed (the stamp inside the venv matches the Python, every requirement
and constraint file byte for byte, the installer and its options, and the PIP_*/UV_*
index variables) nothing runs: no Python, no pip, no network. Otherwise pip (or uv)
installs, and the stamp is written only after it succeeded. A broken, half-built or
foreign-Python venv is rebuilt (only a folder holding pyvenv.cfg is ever deleted).
pip is upgraded when the venv is created, never on a warm start. A package dropped
from the requirements is uninstalled after the next install, with what only it
pulled in; packages you pip-install by hand stay, with what they need.

Examples:
  venv-bootstrap -- bash                      a shell inside the venv
  venv-bootstrap -- python app.py             run a script
  venv-bootstrap -r requirements-dev.txt -- pytest
  eval \"$(venv-bootstrap --print-env)\"        activate in this shell
  venv-bootstrap --offline --find-links wheels/
  venv-bootstrap --on-error warn -- bash      a dev shell even when the index is down

Exit status:
  0    ready (in exec mode: COMMAND's own exit status)
  1    --check: not up to date
  2    bad usage; unreadable requirements file; venv path is a file or not a venv
  3    no usable Python, or python -m venv failed
  4    the installer failed (COMMAND not run, unless --on-error warn)
  126  COMMAND could not be executed
  127  COMMAND was not found";

/// Make sure a Python virtual environment exists and matches its requirements, then run a
/// command inside it.
#[derive(Parser, Debug)]
#[command(name = "venv-bootstrap", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// Print a man page or a shell completion script, then exit
    #[arg(long, value_enum, hide = true, value_name = "KIND")]
    pub generate: Option<envfile::generate::Generate>,

    /// The venv folder
    #[arg(long, value_name = "DIR", default_value = ".nix-venv")]
    pub venv: PathBuf,

    /// The Python to build the venv from (default: python3 on PATH)
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,

    /// A requirements file (repeatable; default requirements.txt when present)
    #[arg(short = 'r', long = "requirement", value_name = "FILE")]
    pub requirements: Vec<PathBuf>,

    /// A constraints file (repeatable)
    #[arg(short = 'c', long = "constraint", value_name = "FILE")]
    pub constraints: Vec<PathBuf>,

    /// Which installer to use; auto picks uv when it is on PATH (uv also puts pip into a new
    /// venv, far faster than ensurepip)
    #[arg(long, value_enum, default_value = "auto", value_name = "NAME")]
    pub installer: InstallerChoice,

    /// No index access (pip --no-index), with --find-links if given
    #[arg(long)]
    pub offline: bool,

    /// A folder of wheels to install from
    #[arg(long, value_name = "DIR")]
    pub find_links: Option<PathBuf>,

    /// Do not upgrade pip when the venv is created
    #[arg(long)]
    pub no_upgrade_pip: bool,

    /// When the install fails: fail (COMMAND not run), or warn and run COMMAND anyway
    #[arg(long, value_enum, default_value = "fail", value_name = "WHAT")]
    pub on_error: OnError,

    /// Remove PYTHONPATH from COMMAND's environment (it shadows the venv's packages)
    #[arg(long)]
    pub clean_pythonpath: bool,

    /// Print what activation sets, for eval "$(venv-bootstrap --print-env)"
    #[arg(long, value_enum, value_name = "SHELL", num_args = 0..=1, default_missing_value = "sh")]
    pub print_env: Option<EnvFormat>,

    /// Rebuild the venv from scratch
    #[arg(long)]
    pub force: bool,

    /// Only report whether the venv is up to date (exit 0 yes, 1 no); change nothing
    #[arg(long)]
    pub check: bool,

    /// Print only errors (the installer's output is shown only when it fails)
    #[arg(short, long)]
    pub quiet: bool,

    /// Say what is checked and run
    #[arg(short, long)]
    pub verbose: bool,

    /// Run COMMAND inside the venv (venv-bootstrap replaces itself with it)
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

/// `--installer`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstallerChoice {
    Pip,
    Uv,
    Auto,
}

/// `--on-error`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    Fail,
    Warn,
}

/// `--print-env`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvFormat {
    Sh,
    Fish,
    Json,
}
