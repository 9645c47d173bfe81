//! Every exit code envset can return, in one place (listed in `--help` and the README).

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
