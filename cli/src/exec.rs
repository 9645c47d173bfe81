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
    match err.kind() {
        io::ErrorKind::NotFound => {
            Failure::new(COMMAND_NOT_FOUND, format!("{name}: command not found"))
        }
        _ => Failure::new(CANNOT_EXECUTE, name).with_source(err),
    }
}

impl Failure {
    /// The same failure, with `source` shown after the message.
    pub fn with_source(mut self, source: io::Error) -> Self {
        self.source = Some(source);
        self
    }
}
