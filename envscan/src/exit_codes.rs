//! Every exit code envscan can return, in one place: the constants, and [`TABLE`], what each
//! means, which `--help` and the man page render and the README's table must match (a test
//! in tests/face.rs compares them).

use envtools_cli::Status;

/// Nothing found (or, with --redact, the stream passed).
pub const SUCCESS: u8 = 0;
/// A secret value was found.
pub const FOUND: u8 = 1;
/// Bad usage, an unreadable .env file, git failed.
pub const ERROR: u8 = 2;

/// What each exit status means.
pub const TABLE: &[(Status, &str)] = &[
    (
        Status::Code(SUCCESS),
        "no secret value found (with --redact: the stream passed)",
    ),
    (
        Status::Code(FOUND),
        "a secret value was found (each finding is one line on stdout)",
    ),
    (
        Status::Code(ERROR),
        "bad usage; a .env file is missing or unreadable; git failed",
    ),
];
