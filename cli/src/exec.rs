//! Becoming another program (`envget -- COMMAND`, `venv-bootstrap -- COMMAND`): exec, so that
//! COMMAND's exit status and signals are its own. When exec fails the status is a shell's:
//! 127 when COMMAND is not found, 126 when it cannot be executed.

use crate::Failure;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// COMMAND was found but could not be executed (not executable, a folder, bad format...).
pub const CANNOT_EXECUTE: u8 = 126;
/// COMMAND was not found.
pub const COMMAND_NOT_FOUND: u8 = 127;

/// Replace this process with `cmd`. Returns only on failure.
pub fn exec(mut cmd: Command) -> Failure {
    let err = cmd.exec();
    let name = cmd.get_program().to_string_lossy().into_owned();
    spawn_failure(&name, &err)
}

/// Why COMMAND `name` could not be started, as a shell says it: 127 or 126.
pub fn spawn_failure(name: &str, err: &io::Error) -> Failure {
    match err.kind() {
        io::ErrorKind::NotFound => {
            Failure::new(COMMAND_NOT_FOUND, format!("{name}: command not found"))
        }
        _ => Failure::new(CANNOT_EXECUTE, name)
            .with_source(io::Error::new(err.kind(), err.to_string())),
    }
}

/// End this process as a child ended: with its exit status, or killed by the same signal
/// (its default action restored first); the status to exit with if the signal did not end us.
pub fn end_like(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    if let Some(code) = status.code() {
        return u8::try_from(code).unwrap_or(1);
    }
    let Some(sig) = status.signal() else {
        return 1;
    };
    if let Ok(signal) = nix::sys::signal::Signal::try_from(sig) {
        // SAFETY: restoring the default action of a signal, with no handler of ours involved.
        unsafe {
            let _ = nix::sys::signal::signal(signal, nix::sys::signal::SigHandler::SigDfl);
        }
        let _ = nix::sys::signal::raise(signal);
    }
    u8::try_from(128 + sig).unwrap_or(255)
}

impl Failure {
    /// The same failure, with `source` shown after the message.
    pub fn with_source(mut self, source: io::Error) -> Self {
        self.source = Some(source);
        self
    }
}
