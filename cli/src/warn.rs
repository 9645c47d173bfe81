//! Warnings: one line on stderr, `TOOL: warning: ...`, the same shape in every tool. A warning
//! about a line of a file reads `TOOL: warning: FILE:LINE: reason` and never shows the line's
//! text (it may hold a secret).

use std::fmt;

/// Print `tool: warning: message`.
pub fn warn(tool: &str, message: impl fmt::Display) {
    eprintln!("{tool}: warning: {message}");
}

/// Print `tool: warning: file:line: reason`, or `tool: error: ...` when `as_error` (a rejected
/// line under `--strict`).
pub fn at_line(
    tool: &str,
    as_error: bool,
    file: impl fmt::Display,
    line: usize,
    reason: impl fmt::Display,
) {
    let kind = if as_error { "error" } else { "warning" };
    eprintln!("{tool}: {kind}: {file}:{line}: {reason}");
}
