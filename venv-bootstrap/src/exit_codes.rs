//! Every exit code venv-bootstrap can return, in one place (listed in `--help` and the README).

/// The venv is ready (or, in exec mode, COMMAND's own status is returned instead).
pub const SUCCESS: u8 = 0;
/// `--check`: the venv is missing, broken or out of date.
pub const NOT_UP_TO_DATE: u8 = 1;
/// Bad usage or input: a requirements file is unreadable, the venv path is a file or a folder
/// that is not a venv, or cannot be written.
pub const ERROR: u8 = 2;
/// No usable Python, or `python -m venv` failed.
pub const PYTHON_FAILED: u8 = 3;
/// The installer (pip or uv) failed; COMMAND was not run (unless `--on-error warn`).
pub const INSTALL_FAILED: u8 = 4;
/// COMMAND could not be executed (126) or was not found (127), as a shell says.
#[allow(unused_imports)]
pub use envtools_cli::exec::{CANNOT_EXECUTE, COMMAND_NOT_FOUND};
