//! Exec mode: replace envget with COMMAND, the file's variables in its environment.

use crate::exit_codes;
use crate::Failure;
use envfile::Vars;
use std::ffi::OsString;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Exec `command` with `vars` added to the environment. Returns only on failure: envget is
/// replaced by COMMAND, so its exit status and signals are COMMAND's own.
pub fn exec(command: &[OsString], vars: &Vars, override_env: bool) -> Failure {
    let Some((program, args)) = command.split_first() else {
        return Failure::new(exit_codes::ERROR, "no COMMAND after --".to_string());
    };
    let mut cmd = Command::new(program);
    cmd.args(args);
    for (key, value) in vars.iter() {
        if value.contains('\0') {
            eprintln!("envget: warning: {key} holds a NUL byte; not set");
            continue;
        }
        // As python-dotenv's load_dotenv: the environment wins unless --override.
        if override_env || std::env::var_os(key).is_none() {
            cmd.env(key, value);
        }
    }
    let err = cmd.exec();
    let name = program.to_string_lossy();
    match err.kind() {
        io::ErrorKind::NotFound => Failure::new(
            exit_codes::COMMAND_NOT_FOUND,
            format!("{name}: command not found"),
        ),
        _ => Failure::new(exit_codes::CANNOT_EXECUTE, format!("{name}: {err}")),
    }
}
