//! Every exit code venv-bootstrap can return, in one place: the constants, and
//! [`TABLE`], what each means, which `--help` and the man page render and the README's table
//! must match (a test in tests/face.rs compares them).

use envtools_cli::Status;

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
pub use envtools_cli::exec::{CANNOT_EXECUTE, COMMAND_NOT_FOUND};

/// What each exit status means.
pub const TABLE: &[(Status, &str)] = &[
    (Status::Code(SUCCESS), "ready (in exec mode: COMMAND's own exit status)"),
    (Status::Code(NOT_UP_TO_DATE), "--check: not up to date"),
    (Status::Code(ERROR), "bad usage; an unreadable or malformed requirements file, pyproject.toml or uv.lock (or a group or extra it lacks); uv.lock with no uv; the venv path is a file or a folder that is not a venv"),
    (Status::Code(PYTHON_FAILED), "no usable Python, python -m venv failed, or the interpreter does not match requires-python or .python-version"),
    (Status::Code(INSTALL_FAILED), "the installer failed (COMMAND not run, unless --on-error warn)"),
    (Status::Code(CANNOT_EXECUTE), "COMMAND could not be executed"),
    (Status::Code(COMMAND_NOT_FOUND), "COMMAND was not found"),
];
