//! The read-modify-write cycle: under the lock, read the file, apply the edits, check that the
//! result reads back as intended, and replace the file atomically.

use crate::exit_codes;
use envfile::edit::{self, Change, Expect};
use envtools_cli::{Context, Failure};
use envtools_store::Locked;
use std::path::Path;

/// What happened to the file.
pub struct Outcome {
    /// The file did not exist and was created.
    pub created: bool,
    /// Keys asked to be removed that were not in the file.
    pub absent: Vec<String>,
}

/// Apply `changes` to the file at `real` (resolved through symlinks); `name` is how to call it
/// in messages. `expect` says what each changed key must read back as.
pub fn apply(
    real: &Path,
    name: &str,
    changes: &[Change],
    expect: &[Expect],
) -> Result<Outcome, Failure> {
    let cannot = |what: &str| format!("{name}: cannot {what}");
    let locked = Locked::acquire(real).context(exit_codes::ERROR, || cannot("lock"))?;
    let old = locked
        .read()
        .context(exit_codes::ERROR, || cannot("read"))?;
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
    let body = envfile::read::without_bom(old_text);
    let absent = absent_keys(body, changes);
    let new_text = edit::apply_checked(old_text, changes)
        .map_err(|why| Failure::new(exit_codes::ERROR, format!("{name}:{why}; nothing written")))?;
    if new_text == old_text {
        warn_rejected(
            name,
            &envfile::read::parse_text_for(body, |_| false).problems,
        );
        return Ok(Outcome {
            created: false,
            absent,
        });
    }
    let problems = edit::verify(old_text, &new_text, expect).map_err(|why| {
        Failure::new(
            exit_codes::INTERNAL,
            format!("{name}: internal error, nothing written: the new content would not read back as intended ({why})"),
        )
    })?;
    warn_rejected(name, &problems);
    locked
        .replace(new_text.as_bytes())
        .context(exit_codes::ERROR, || cannot("write"))?;
    Ok(Outcome { created, absent })
}

/// The keys `changes` removes that `body` does not set.
fn absent_keys(body: &str, changes: &[Change]) -> Vec<String> {
    let unsets: Vec<&str> = changes
        .iter()
        .filter(|c| matches!(c, Change::Unset { .. }))
        .map(Change::key)
        .collect();
    if unsets.is_empty() {
        return Vec::new();
    }
    let parsed = envfile::read::parse_text_for(body, |k| unsets.contains(&k));
    unsets
        .iter()
        .filter(|k| parsed.get(k).is_none())
        .map(|k| k.to_string())
        .collect()
}

/// Lines the parser rejects are kept as they are, and said so.
fn warn_rejected(name: &str, problems: &[envfile::Problem]) {
    for p in problems {
        let reason = format!("{} (line kept as it is)", p.reason);
        envtools_cli::warn::at_line("envset", false, name, p.line, reason);
    }
}
