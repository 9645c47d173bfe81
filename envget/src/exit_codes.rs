//! Every exit code envget can return, in one place: the constants, and
//! [`TABLE`], what each means, which `--help` and the man page render and the README's table
//! must match (a test in tests/face.rs compares them).

use envtools_cli::Status;

/// Everything asked for was printed, or the command was started.
pub const SUCCESS: u8 = 0;
/// At least one KEY is not set (the keys that are set were still printed).
pub const KEY_MISSING: u8 = 1;
/// A file is missing, unreadable or not UTF-8; a bad line under `--strict`; bad usage.
pub const ERROR: u8 = 2;
/// COMMAND could not be executed (126) or was not found (127), as a shell says.
pub use envtools_cli::exec::{CANNOT_EXECUTE, COMMAND_NOT_FOUND};

/// What each exit status means.
pub const TABLE: &[(Status, &str)] = &[
    (Status::Code(SUCCESS), "success"),
    (Status::Code(KEY_MISSING), "a KEY is not set (the keys that are set were printed); --check: a key is missing or malformed"),
    (Status::Code(ERROR), "a file is missing, unreadable, not a regular file or not UTF-8; a bad line with --strict; bad usage"),
    (Status::Code(CANNOT_EXECUTE), "COMMAND could not be executed"),
    (Status::Code(COMMAND_NOT_FOUND), "COMMAND was not found"),
    (Status::Other, "in exec mode, COMMAND's own exit status"),
];
