//! The command line: every flag, with the doc comments that become `--help`.

use crate::exit_codes;
use clap::{Parser, ValueEnum};
use envtools_cli::generate::Generate;
use envtools_cli::{Failure, Page};
use std::ffi::OsString;
use std::path::PathBuf;

/// Usage lines, notes, examples and exit codes: `--help` and the man page.
pub const PAGE: Page = Page {
    usage: &[
        "venv-bootstrap [OPTIONS] [-- COMMAND [ARGS]...]",
        "venv-bootstrap [OPTIONS] --print-env [SHELL]",
        "venv-bootstrap [OPTIONS] --check",
        "venv-bootstrap [OPTIONS] --kernel [NAME] [-- COMMAND [ARGS]...]",
        "venv-bootstrap [OPTIONS] --remove-kernel [NAME]",
    ],
    notes: &[
        (
            "How the venv is kept",
            "When nothing changed (the stamp inside the venv matches the Python, every requirement
and constraint file byte for byte, the installer and its options, and the PIP_*/UV_*
index variables) nothing runs: no Python, no pip, no network. Otherwise pip (or uv)
installs, and the stamp is written only after it succeeded. A broken, half-built or
foreign-Python venv is rebuilt (only a folder holding pyvenv.cfg is ever deleted).
pip is upgraded when the venv is created, never on a warm start. A package dropped
from the requirements is uninstalled after the next install, with what only it
pulled in; packages you pip-install by hand stay, with what they need.",
        ),
        (
            "The Jupyter kernel",
            "--kernel registers the project's kernel where Jupyter finds user kernels
($JUPYTER_DATA_DIR/kernels, else ~/.local/share/jupyter/kernels; on macOS
~/Library/Jupyter/kernels), and adds ipykernel to the venv's requirements. NAME
defaults to the folder's name and a hash of its path. JupyterLab, VS Code and any
Jupyter server then start it by name, from anywhere: the start brings the venv up to
date with the options given to --kernel, reads .env (its values win over the
server's environment, so a changed key is seen at the next restart) and runs in the
project folder. Every message the kernel sends (output, display data, errors,
tracebacks) has the values of the sensitive keys of its environment (the name rule,
or @sensitive in .env.example) replaced by [redacted:KEY], in the forms envscan finds;
inside the kernel the values are intact. Keys that .env.example requires and .env
lacks, or malformed ones, are a warning in the first cell's output. kernel.json holds
paths, never a value; run --kernel again after moving venv-bootstrap or its Python.
--remove-kernel unregisters it, and ipykernel goes when nothing else needs it.",
        ),
    ],
    examples: &[
        ("venv-bootstrap -- bash", "a shell inside the venv"),
        ("venv-bootstrap -- python app.py", "run a script"),
        (
            "venv-bootstrap -r requirements-dev.txt -- pytest",
            "other requirements",
        ),
        (
            "eval \"$(venv-bootstrap --print-env)\"",
            "activate in this shell",
        ),
        (
            "venv-bootstrap --offline --find-links wheels/",
            "no index at all",
        ),
        (
            "venv-bootstrap --on-error warn -- bash",
            "a dev shell even when the index is down",
        ),
        (
            "venv-bootstrap --check",
            "exit 0 if up to date, 1 if not; changes nothing",
        ),
        (
            "venv-bootstrap --kernel",
            "register this project's Jupyter kernel",
        ),
        (
            "venv-bootstrap --kernel -- jupyter lab",
            "register it, then start JupyterLab",
        ),
    ],
    exit_status: crate::exit_codes::TABLE,
};

/// Make sure a Python virtual environment exists and matches its requirements, then run a
/// command inside it.
#[derive(Parser, Debug)]
#[command(name = "venv-bootstrap", version)]
pub struct Cli {
    /// The venv folder
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".nix-venv",
        help_heading = "Venv"
    )]
    pub venv: PathBuf,

    /// The Python to build the venv from (default: python3 on PATH)
    #[arg(long, value_name = "PATH", help_heading = "Venv")]
    pub python: Option<PathBuf>,

    /// A requirements file (repeatable). Default: uv.lock (with pyproject.toml), else
    /// pyproject.toml, else requirements.txt, whichever the folder has first
    #[arg(
        short = 'r',
        long = "requirement",
        value_name = "FILE",
        help_heading = "Requirements"
    )]
    pub requirements: Vec<PathBuf>,

    /// pyproject.toml: also install this [dependency-groups] group (repeatable)
    #[arg(long = "group", value_name = "NAME", help_heading = "Requirements")]
    pub groups: Vec<String>,

    /// pyproject.toml: also install this [project.optional-dependencies] extra (repeatable)
    #[arg(long = "extra", value_name = "NAME", help_heading = "Requirements")]
    pub extras: Vec<String>,

    /// pyproject.toml: do not install the project itself (editable) even when it has a
    /// [build-system]
    #[arg(long, help_heading = "Requirements")]
    pub no_project: bool,

    /// A constraints file (repeatable)
    #[arg(
        short = 'c',
        long = "constraint",
        value_name = "FILE",
        help_heading = "Requirements"
    )]
    pub constraints: Vec<PathBuf>,

    /// Which installer to use; auto picks uv when it is on PATH (uv also puts pip into a new
    /// venv, far faster than ensurepip)
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        value_name = "NAME",
        help_heading = "Requirements"
    )]
    pub installer: InstallerChoice,

    /// No index access (pip --no-index), with --find-links if given
    #[arg(long, help_heading = "Requirements")]
    pub offline: bool,

    /// A folder of wheels to install from
    #[arg(long, value_name = "DIR", help_heading = "Requirements")]
    pub find_links: Option<PathBuf>,

    /// Do not upgrade pip when the venv is created
    #[arg(long, help_heading = "Venv")]
    pub no_upgrade_pip: bool,

    /// When the install fails: fail (COMMAND not run), or warn and run COMMAND anyway
    #[arg(
        long,
        value_enum,
        default_value = "fail",
        value_name = "WHAT",
        help_heading = "Requirements"
    )]
    pub on_error: OnError,

    /// Remove PYTHONPATH from COMMAND's environment (it shadows the venv's packages)
    #[arg(long, help_heading = "Running")]
    pub clean_pythonpath: bool,

    /// Print what activation sets, for eval "$(venv-bootstrap --print-env)"
    #[arg(long, value_enum, value_name = "SHELL", num_args = 0..=1, default_missing_value = "sh", help_heading = "Running")]
    pub print_env: Option<EnvFormat>,

    /// Rebuild the venv from scratch
    #[arg(long, help_heading = "Venv")]
    pub force: bool,

    /// Only report whether the venv is up to date (exit 0 yes, 1 no); change nothing
    #[arg(long, help_heading = "Running")]
    pub check: bool,

    /// Print only errors: no step lines, no live status line (the installer's last lines still
    /// show when it fails)
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// Say what is checked and run, and show the installer's own output as it comes
    #[arg(short, long, help_heading = "Output")]
    pub verbose: bool,

    /// Run COMMAND inside the venv (venv-bootstrap replaces itself with it)
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,

    /// Register (or refresh) the project's Jupyter kernel, named NAME (default: the folder's
    /// name and a hash of its path)
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "", value_parser = kernel_name, help_heading = "Jupyter")]
    pub kernel: Option<String>,

    /// Unregister the project's Jupyter kernel NAME (default as for --kernel)
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "", value_parser = kernel_name, help_heading = "Jupyter", conflicts_with_all = ["kernel", "check", "print_env", "command"])]
    pub remove_kernel: Option<String>,

    /// What a registered kernel runs: NAME PROJECT CONNECTION_FILE
    #[arg(long, num_args = 3, value_names = ["NAME", "PROJECT", "CONNECTION_FILE"], hide = true, conflicts_with_all = ["kernel", "check", "print_env", "command"])]
    pub kernel_start: Option<Vec<PathBuf>>,

    /// Print a man page or a shell completion script, then exit
    #[arg(long, value_enum, value_name = "KIND", help_heading = "Other")]
    pub generate: Option<Generate>,
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

/// A kernel name as Jupyter keeps it: ASCII letters, digits, `.`, `-`, `_`, lower-cased (empty:
/// the default, decided later).
fn kernel_name(text: &str) -> Result<String, String> {
    let name = text.to_ascii_lowercase();
    match name.is_empty() || crate::kernels::is_name(&name) {
        true => Ok(name),
        false => Err("at most 64 of the letters a-z, digits, '.', '-' and '_', not starting with '.' (Jupyter's kernel names)".into()),
    }
}

/// Combinations clap's attributes cannot express.
pub fn check_usage(cli: &Cli) -> Result<(), Failure> {
    if cli.kernel.is_some() && cli.check {
        return Err(Failure::new(
            exit_codes::ERROR,
            "--check changes nothing: it cannot register a kernel",
        ));
    }
    if cli.check && (!cli.command.is_empty() || cli.print_env.is_some()) {
        return Err(Failure::new(
            exit_codes::ERROR,
            "--check changes nothing and runs nothing",
        ));
    }
    Ok(())
}
