//! What to look for: the secret values of the `.env` files, read as envget reads them (later
//! files win), chosen by `envtools_secrets`' rule.

use crate::exit_codes;
use envtools_cli::{Context, Failure};
use envtools_secrets::Matcher;
use std::path::{Path, PathBuf};

/// The matcher of every secret value, and the secret keys skipped for short values.
pub fn read(
    files: &[PathBuf],
    example_path: Option<&Path>,
) -> Result<(Matcher, Vec<String>), Failure> {
    let default = [PathBuf::from(".env")];
    let (files, must_exist) = match files.is_empty() {
        true => (&default[..], false),
        false => (files, true),
    };
    let mut vars: envfile::Vars<'static> = envfile::Vars::new();
    for path in files {
        let bytes = match envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => continue,
            read => read.with_path(exit_codes::ERROR, path)?,
        };
        let parsed = envfile::parse(&bytes).map_err(|e| {
            Failure::at_line(exit_codes::ERROR, path.display(), e.line, "not valid UTF-8")
        })?;
        for e in parsed.entries {
            vars.set(e.key.into_owned().into(), e.value.into_owned().into());
        }
    }
    let schema = example(example_path)?;
    let (secrets, short) = envtools_secrets::select_by(vars.iter(), |k| schema.is_sensitive(k));
    Ok((Matcher::new(&secrets, false), short))
}

/// The example read as a schema, for which keys are sensitive (`@sensitive`, `@public`, the
/// header's `@defaultSensitive`); none (the name rule alone) when there is no example.
fn example(path: Option<&Path>) -> Result<envtools_schema::Schema, Failure> {
    let (path, must_exist) = match path {
        Some(p) => (p, true),
        None => (Path::new(".env.example"), false),
    };
    let bytes = match envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            return Ok(Default::default())
        }
        read => read.with_path(exit_codes::ERROR, path)?,
    };
    let text = String::from_utf8_lossy(&bytes);
    Ok(envtools_schema::parse(&text))
}

/// The `.env` files read, as canonical paths: they are not scanned.
pub fn env_paths(files: &[PathBuf]) -> Vec<PathBuf> {
    let default = [PathBuf::from(".env")];
    let files = if files.is_empty() {
        &default[..]
    } else {
        files
    };
    files
        .iter()
        .filter_map(|p| Path::new(p).canonicalize().ok())
        .collect()
}
