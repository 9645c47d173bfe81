//! Every exit code envset can return, in one place: the constants, and
//! [`TABLE`], what each means, which `--help` and the man page render and the README's table
//! must match (a test in tests/face.rs compares them).

use envtools_cli::Status;

/// The file holds what was asked (or nothing needed changing).
pub const SUCCESS: u8 = 0;
/// Refused, file untouched: a bad key name, a value no encoding carries, no answer given,
/// answers that did not match.
pub const REFUSED: u8 = 1;
/// Bad usage, or the file cannot be read, parsed as UTF-8, locked or written, is not a regular
/// file, would change owner, or the lock wait timed out; file untouched.
pub const ERROR: u8 = 2;
/// The new content did not read back as intended, so nothing was written (a bug: report it).
pub const INTERNAL: u8 = 70;
/// Interrupted (Ctrl-C) at a prompt; file untouched.
pub const INTERRUPTED: u8 = 130;

/// What each exit status means.
pub const TABLE: &[(Status, &str)] = &[
    (Status::Code(SUCCESS), "done, or nothing to do"),
    (Status::Code(REFUSED), "refused: bad key name, a value no encoding carries, no answer, answers differ"),
    (Status::Code(ERROR), "bad usage; the file cannot be read (or is not UTF-8), locked or written; it is not a regular file; rewriting it would change its owner; the lock wait timed out"),
    (Status::Code(INTERNAL), "internal error: the new content would not read back as intended; nothing written"),
    (Status::Code(INTERRUPTED), "interrupted (Ctrl-C) at a prompt, or while the --web page waits"),
];
