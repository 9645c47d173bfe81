//! Every exit code envget can return, in one place (listed in `--help` and the README).

/// Everything asked for was printed, or the command was started.
pub const SUCCESS: u8 = 0;
/// At least one KEY is not set (the keys that are set were still printed).
pub const KEY_MISSING: u8 = 1;
/// A file is missing, unreadable or not UTF-8; a bad line under `--strict`; bad usage.
pub const ERROR: u8 = 2;
/// COMMAND was found but could not be executed (as a shell says).
pub const CANNOT_EXECUTE: u8 = 126;
/// COMMAND was not found (as a shell says).
pub const COMMAND_NOT_FOUND: u8 = 127;
