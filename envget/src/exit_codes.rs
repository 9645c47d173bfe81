//! Every exit code envget can return, in one place (listed in `--help` and the README).

/// Everything asked for was printed, or the command was started.
pub const SUCCESS: u8 = 0;
/// At least one KEY is not set (the keys that are set were still printed).
pub const KEY_MISSING: u8 = 1;
/// A file is missing, unreadable or not UTF-8; a bad line under `--strict`; bad usage.
pub const ERROR: u8 = 2;
/// COMMAND could not be executed (126) or was not found (127), as a shell says.
#[allow(unused_imports)]
pub use envtools_cli::exec::{CANNOT_EXECUTE, COMMAND_NOT_FOUND};
