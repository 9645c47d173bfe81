//! How every tool ends a failed run: one line on stderr, prefixed with the tool's name, and a
//! documented exit code (each tool names its codes in its own `exit_codes.rs`).

use std::process::ExitCode;

/// A failed run: the exit code and the one-line message (which never holds a secret value).
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// A failure with this exit code and message.
    pub fn new(code: u8, message: String) -> Self {
        Failure { code, message }
    }

    /// Print `tool: message` on stderr and return the exit code.
    pub fn report(&self, tool: &str) -> ExitCode {
        eprintln!("{tool}: {}", self.message);
        ExitCode::from(self.code)
    }
}
