//! Exec mode: replace envget with COMMAND, the file's variables in its environment.

use crate::exit_codes;
use envfile::Vars;
use envtools_cli::Failure;
use std::ffi::OsString;
use std::process::Command;

/// Exec `command` with `vars` added to the environment. Returns only on failure: envget is
/// replaced by COMMAND, so its exit status and signals are COMMAND's own.
pub fn exec(command: &[OsString], vars: &Vars, override_env: bool) -> Failure {
    match command_with(command, vars, override_env) {
        Ok(cmd) => envtools_cli::exec::exec(cmd),
        Err(f) => f,
    }
}

/// COMMAND with `vars` added to its environment.
fn command_with(command: &[OsString], vars: &Vars, override_env: bool) -> Result<Command, Failure> {
    let Some((program, args)) = command.split_first() else {
        return Err(Failure::new(exit_codes::ERROR, "no COMMAND after --"));
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
    Ok(cmd)
}

/// `--redact`: run COMMAND with its stdout and stderr each through a redactor of the secret
/// values of `vars` (each stream's order kept; a byte waits only while it may begin a value),
/// stdin passed through; envget ends as COMMAND ends: its exit status, or killed by the
/// same signal.
pub fn redacted(command: &[OsString], vars: &Vars, override_env: bool) -> Result<u8, Failure> {
    use std::process::Stdio;
    let mut cmd = command_with(command, vars, override_env)?;
    let (secrets, _) = envtools_secrets::select(vars.iter());
    let matcher = envtools_secrets::Matcher::new(&secrets, false);
    let name = command[0].to_string_lossy().into_owned();
    let mut child = match cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => return Err(envtools_cli::exec::spawn_failure(&name, &e)),
    };
    let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(Failure::new(exit_codes::ERROR, "no pipes to COMMAND"));
    };
    let status = std::thread::scope(|s| {
        s.spawn(|| pass(out, std::io::stdout(), &matcher));
        s.spawn(|| pass(err, std::io::stderr(), &matcher));
        child.wait()
    });
    let status =
        status.map_err(|e| Failure::new(exit_codes::ERROR, format!("waiting for {name}: {e}")))?;
    Ok(envtools_cli::exec::end_like(status))
}

/// Copy `from` to `to` through a redactor, flushing what may go out at once.
fn pass(
    mut from: impl std::io::Read,
    mut to: impl std::io::Write,
    matcher: &envtools_secrets::Matcher,
) {
    let mut redactor = envtools_secrets::stream::Redactor::new(matcher);
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = match from.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => 0,
        };
        let out = if n == 0 {
            redactor.finish()
        } else {
            redactor.feed(&chunk[..n])
        };
        // A closed output is not COMMAND's business: keep draining, so it never blocks.
        let _ = to.write_all(&out).and_then(|()| to.flush());
        if n == 0 {
            return;
        }
    }
}
