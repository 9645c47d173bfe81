//! The read-modify-write cycle: under the lock, read the file, apply the edits, check that the
//! result reads back as intended, and replace the file atomically.

use crate::exit_codes;
use envfile::edit::{self, Change, Expect};
use envtools_cli::{Failure, IntoFailure};
use envtools_store::{Locked, Wait};
use std::path::Path;
use std::time::Duration;

/// What happened to the file.
pub struct Outcome {
    /// The file did not exist and was created.
    pub created: bool,
    /// Keys asked to be removed that were not in the file.
    pub absent: Vec<String>,
}

/// How the file may be written.
pub struct Rules {
    /// Give up waiting for the lock after this long.
    pub lock_timeout: Option<Duration>,
    /// Rewrite a file of another user or group, which then becomes ours.
    pub allow_owner_change: bool,
}

/// Apply `changes` to the file at `real` (resolved through symlinks); `name` is how to call it
/// in messages. `expect` says what each changed key must read back as.
pub fn apply(
    real: &Path,
    name: &str,
    changes: &[Change],
    expect: &[Expect],
    rules: &Rules,
) -> Result<Outcome, Failure> {
    let announce = |lock: &Path| {
        eprintln!(
            "envset: waiting for the lock {} (another process is writing {name})",
            lock.display()
        )
    };
    let wait = Wait {
        timeout: rules.lock_timeout,
        announce: Some(&announce),
    };
    let locked = Locked::file(real, &wait)
        .map_err(refused)?
        .allowing_owner_change(rules.allow_owner_change);
    let old = locked.read().failure(exit_codes::ERROR)?;
    let created = old.is_none();
    let old = old.unwrap_or_default();
    let old_text = std::str::from_utf8(&old).map_err(|_| {
        let line = envfile::read::decode(&old).err().map_or(1, |e| e.line);
        Failure::at_line(
            exit_codes::ERROR,
            name,
            line,
            "not valid UTF-8; nothing written",
        )
    })?;
    let edited = edit::apply_verified(old_text, changes, expect).map_err(|refused| match refused {
        edit::Refused::Append(why) => {
            Failure::new(exit_codes::ERROR, format!("{name}:{why}; nothing written"))
        }
        edit::Refused::Unverified(why) => Failure::new(
            exit_codes::INTERNAL,
            format!("{name}: internal error, nothing written: the new content would not read back as intended ({why})"),
        ),
    })?;
    warn_rejected(name, &edited.problems);
    let absent = edited.absent;
    if edited.text == old_text {
        return Ok(Outcome {
            created: false,
            absent,
        });
    }
    locked.replace(edited.text.as_bytes()).map_err(refused)?;
    warn_shell_style(name, &edited.text);
    Ok(Outcome { created, absent })
}

/// The file keeps its style, but a POSIX shell sourcing it reads CRLF and a BOM differently
/// from envget and python-dotenv: say so, once each.
fn warn_shell_style(name: &str, text: &str) {
    let warn = |m: String| envtools_cli::warn::warn("envset", m);
    if edit::line_ending(text) == "\r\n" {
        warn(format!(
            "{name} has CRLF line endings: a POSIX shell sourcing it reads every value with a \
             trailing CR (envget and python-dotenv do not)"
        ));
    }
    if text.starts_with(envfile::read::BOM) {
        warn(format!(
            "{name} starts with a byte-order mark: a POSIX shell sourcing it cannot read its \
             first line (envget and python-dotenv skip the mark)"
        ));
    }
}

/// A store refusal as envset says it: with the way out where there is one.
fn refused(e: envtools_store::Error) -> Failure {
    let hint = match e {
        envtools_store::Error::OwnerChange { .. } => "; --allow-owner-change does it anyway",
        envtools_store::Error::LockTimeout { .. } => "; nothing written (raise --lock-timeout)",
        _ => "",
    };
    Failure::new(exit_codes::ERROR, format!("{e}{hint}"))
}

/// Lines the parser rejects are kept as they are, and said so.
fn warn_rejected(name: &str, problems: &[envfile::Problem]) {
    for p in problems {
        let reason = format!("{} (line kept as it is)", p.reason);
        envtools_cli::warn::at_line("envset", false, name, p.line, reason);
    }
}
