//! Exec mode: replace envget with COMMAND, the file's variables in its environment.

use crate::exit_codes;
use envfile::Vars;
use envtools_cli::Failure;
use std::ffi::OsString;
use std::process::Command;

/// Exec `command` with `vars` added to the environment. Returns only on failure: envget is
/// replaced by COMMAND, so its exit status and signals are COMMAND's own.
pub fn exec(command: &[OsString], vars: &Vars, override_env: bool) -> Failure {
    let Some((program, args)) = command.split_first() else {
        return Failure::new(exit_codes::ERROR, "no COMMAND after --");
    };
    let mut cmd = Command::new(program);
    cmd.args(args);
    for (key, value) in vars.iter() {
        if value.contains('\0') {
            envtools_cli::warn::warn("envget", format_args!("{key} holds a NUL byte; not set"));
            continue;
        }
        // As python-dotenv's load_dotenv: the environment wins unless --override.
        if override_env || std::env::var_os(key).is_none() {
            cmd.env(key, value);
        }
    }
    envtools_cli::exec::exec(cmd)
}
