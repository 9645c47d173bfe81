//! How every tool ends a failed run: one line on stderr, `TOOL: message`, and a documented exit
//! code (each tool names its codes in its own `exit_codes.rs`). A message never holds a secret
//! value: it names files, lines and keys.

use std::fmt;
use std::io;
use std::path::Path;
use std::process::ExitCode;

/// A failed run: the exit code, the one-line message and, when an OS error caused it, that
/// error (shown after the message).
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    pub source: Option<io::Error>,
}

impl Failure {
    /// A failure with this exit code and message.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            source: None,
        }
    }

    /// A failure about line `line` of `file`: `FILE:LINE: reason`.
    pub fn at_line(code: u8, file: impl fmt::Display, line: usize, reason: &str) -> Self {
        Failure::new(code, format!("{file}:{line}: {reason}"))
    }

    /// Print `tool: message[: source]` on stderr and return the exit code.
    pub fn report(&self, tool: &str) -> ExitCode {
        eprintln!("{tool}: {self}");
        ExitCode::from(self.code)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match &self.source {
            Some(e) => write!(f, ": {}", describe(e)),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// An OS error as people read it: "No such file or directory", without "(os error 2)".
pub fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    }
}

/// Add what was being done to an `io::Error`, in one call where it happens (as uucore's
/// `map_err_context`): `fs::read(p).context(ERROR, || format!("cannot read {}", p.display()))`.
pub trait Context<T> {
    /// On error: a [`Failure`] with `code`, the message `what()` and the error as its source.
    fn context<M: Into<String>>(self, code: u8, what: impl FnOnce() -> M) -> Result<T, Failure>;

    /// On error: `PATH: <the error>` with `code`, the most common context of all.
    fn with_path(self, code: u8, path: &Path) -> Result<T, Failure>
    where
        Self: Sized,
    {
        self.context(code, || path.display().to_string())
    }
}

impl<T> Context<T> for io::Result<T> {
    fn context<M: Into<String>>(self, code: u8, what: impl FnOnce() -> M) -> Result<T, Failure> {
        self.map_err(|e| Failure {
            code,
            message: what().into(),
            source: Some(e),
        })
    }
}

/// Turn any error that already says everything (a path, what failed, why) into a [`Failure`]
/// with an exit code: `locked.replace(text).failure(exit_codes::ERROR)?`.
pub trait IntoFailure<T> {
    /// On error: a [`Failure`] with `code` and the error's own message.
    fn failure(self, code: u8) -> Result<T, Failure>;
}

impl<T, E: fmt::Display> IntoFailure<T> for Result<T, E> {
    fn failure(self, code: u8) -> Result<T, Failure> {
        self.map_err(|e| Failure::new(code, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_names_what_failed_and_why_without_the_os_error_number() {
        let r: io::Result<()> = Err(io::Error::from_raw_os_error(2));
        let f = r.with_path(2, Path::new("a/.env")).unwrap_err();
        assert_eq!(f.to_string(), "a/.env: No such file or directory");
        assert_eq!(f.code, 2);
        assert!(std::error::Error::source(&f).is_some());
    }

    #[test]
    fn a_line_failure_reads_file_colon_line() {
        let f = Failure::at_line(2, ".env", 7, "not valid UTF-8");
        assert_eq!(f.to_string(), ".env:7: not valid UTF-8");
    }

    #[test]
    fn other_errors_are_shown_whole() {
        let e = io::Error::other("too many levels of symbolic links");
        assert_eq!(describe(&e), "too many levels of symbolic links");
    }
}
