//! Where the venv's packages come from, in this order unless `-r` is given: `uv.lock` (with
//! `pyproject.toml`), then `pyproject.toml` alone, then `requirements.txt`. One place decides
//! the input kind, names the files the stamp covers, installs, and says which packages the
//! inputs want (for removing dropped ones), so every kind gets the same rebuild, stamp,
//! `--check` and removal rules.

use crate::exit_codes;
use crate::install::{self, Installer, Selection};
use crate::pyproject;
use crate::stamp::{self, InputFile};
use envtools_cli::Failure;
use std::path::{Path, PathBuf};

/// The input kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `-r` files, or a `requirements.txt` (none at all: nothing to install).
    Requirements(Vec<PathBuf>),
    /// `pyproject.toml` without a lock.
    Pyproject(PathBuf),
    /// `uv.lock` with its `pyproject.toml`: installed exactly as locked.
    UvLock { pyproject: PathBuf, lock: PathBuf },
}

impl Source {
    /// What is installed from, for the step line: `requirements.txt`, `pyproject.toml`, ...
    /// `None` when there is nothing to install.
    pub fn describe(&self) -> Option<String> {
        let name = |p: &Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        match self {
            Source::Requirements(r) if r.is_empty() => None,
            Source::Requirements(r) => {
                Some(r.iter().map(|p| name(p)).collect::<Vec<_>>().join(", "))
            }
            Source::Pyproject(p) => Some(name(p)),
            Source::UvLock { lock, .. } => Some(name(lock)),
        }
    }
}

/// The input kind for `dir` (absolute): `-r` files when given, else the first of `uv.lock` +
/// `pyproject.toml`, `pyproject.toml`, `requirements.txt` that exists in any form (a folder of
/// that name is an error when read, never "no requirements").
pub fn choose(dir: &Path, requirements: Vec<PathBuf>) -> Source {
    if !requirements.is_empty() {
        return Source::Requirements(requirements);
    }
    let exists = |name: &str| std::fs::symlink_metadata(dir.join(name)).is_ok();
    match (exists("uv.lock"), exists("pyproject.toml")) {
        (true, true) => Source::UvLock {
            pyproject: dir.join("pyproject.toml"),
            lock: dir.join("uv.lock"),
        },
        (_, true) => Source::Pyproject(dir.join("pyproject.toml")),
        _ if exists("requirements.txt") => Source::Requirements(vec![dir.join("requirements.txt")]),
        _ => Source::Requirements(Vec::new()),
    }
}

/// Every file the stamp covers, read: the inputs (nested `-r`/`-c` followed), the
/// constraints, and `.python-version` when there is one.
pub fn read_inputs(
    source: &Source,
    constraints: &[PathBuf],
    dir: &Path,
) -> Result<Vec<InputFile>, String> {
    let mut files = match source {
        Source::Requirements(reqs) => stamp::read_files(reqs, constraints)?,
        Source::Pyproject(p) => {
            let mut f = vec![stamp::read_input("pyproject", p)?];
            f.extend(stamp::read_files(&[], constraints)?);
            f
        }
        Source::UvLock { pyproject, lock } => vec![
            stamp::read_input("pyproject", pyproject)?,
            stamp::read_input("uv.lock", lock)?,
        ],
    };
    let pin = dir.join(".python-version");
    if std::fs::symlink_metadata(&pin).is_ok() {
        files.push(stamp::read_input("python-version", &pin)?);
    }
    Ok(files)
}

/// The text of the input file of `kind` (see [`validate`] for the files that are not UTF-8).
fn text<'f>(
    files: &'f [InputFile],
    kind: &str,
) -> Option<(&'f InputFile, std::borrow::Cow<'f, str>)> {
    files
        .iter()
        .find(|f| f.kind == kind)
        .map(|f| (f, String::from_utf8_lossy(&f.bytes)))
}

/// Before anything is built: the inputs say something installable. `pyproject.toml`,
/// `uv.lock` and `.python-version` are UTF-8 and parse, and the chosen groups and extras
/// exist. Each fault is exit 2 naming the file, never an installer's failure (4) or a quiet
/// "no dependencies" (0).
pub fn validate(
    source: &Source,
    files: &[InputFile],
    selection: &Selection,
) -> Result<(), Failure> {
    for file in files {
        let structured = matches!(file.kind, "pyproject" | "uv.lock" | "python-version");
        if structured && std::str::from_utf8(&file.bytes).is_err() {
            return Err(bad(file, "not valid UTF-8".into()));
        }
    }
    wanted(files, selection)?;
    if let (Source::UvLock { .. }, Some((file, text))) = (source, text(files, "uv.lock")) {
        pyproject::locked_names(&text).map_err(|why| bad(file, why))?;
    }
    Ok(())
}

fn bad(file: &InputFile, why: String) -> Failure {
    Failure::new(exit_codes::ERROR, format!("{}: {why}", file.path.display()))
}

/// The Python pin of the inputs: `requires-python` and `.python-version`, against `version`
/// of `python`. Exit 3 naming both when it does not fit.
pub fn check_pin(files: &[InputFile], python: &Path, version: &str) -> Result<(), Failure> {
    let mismatch = |what: String| {
        Failure::new(
            exit_codes::PYTHON_FAILED,
            format!(
                "Python {version} ({}) does not match {what}",
                python.display()
            ),
        )
    };
    if let Some((file, text)) = text(files, "pyproject") {
        let parsed = pyproject::parse(&text).map_err(|why| bad(file, why))?;
        if let Some(spec) = parsed.requires_python() {
            // Shown as one plain line: the file's text may hold anything.
            let spec = &envtools_cli::text::one_line(spec, 200);
            let ok = crate::pin::satisfies(spec, version).map_err(|why| bad(file, why))?;
            if !ok {
                return Err(mismatch(format!(
                    "requires-python '{spec}' ({})",
                    file.path.display()
                )));
            }
        }
    }
    if let Some((file, text)) = text(files, "python-version") {
        match crate::pin::matches_pin(&text, version) {
            Some(true) => {}
            Some(false) => {
                let pin = envtools_cli::text::one_line(&text, 200);
                return Err(mismatch(format!("'{pin}' ({})", file.path.display())));
            }
            None => envtools_cli::warn::warn(
                "venv-bootstrap",
                format_args!(
                    "{}: cannot check this pin against CPython; ignored",
                    file.path.display()
                ),
            ),
        }
    }
    Ok(())
}

/// What to install from a pyproject input.
fn wanted(
    files: &[InputFile],
    selection: &Selection,
) -> Result<Option<(pyproject::Wanted, PathBuf)>, Failure> {
    let Some((file, text)) = text(files, "pyproject") else {
        return Ok(None);
    };
    let parsed = pyproject::parse(&text).map_err(|why| bad(file, why))?;
    let wanted = parsed
        .wanted(&selection.groups, &selection.extras, selection.no_project)
        .map_err(|why| bad(file, why))?;
    let dir = file.path.parent().unwrap_or(Path::new(".")).to_path_buf();
    Ok(Some((wanted, dir)))
}

/// Install what the inputs ask for, and the `extra` requirements, into `venv`: in one
/// resolution where the installer allows it (a hash-checked file or a uv.lock is installed
/// first, exactly, then the extra).
pub fn install(
    source: &Source,
    files: &[InputFile],
    constraints: &[PathBuf],
    selection: &Selection,
    extra: &[String],
    venv: &Path,
    inst: &Installer,
) -> Result<(), Failure> {
    // What is still to install once the inputs are in.
    let mut after: &[String] = extra;
    match source {
        Source::Requirements(reqs) if reqs.is_empty() => {}
        Source::Requirements(reqs) => {
            let hashed = files
                .iter()
                .any(|f| f.kind == "requirement" && f.bytes.windows(7).any(|w| w == b"--hash="));
            let wanted = install::Wanted::Files {
                reqs,
                require_hashes: hashed,
                extra: if hashed { &[] } else { extra },
            };
            install::install(venv, inst, wanted, constraints)?;
            after = if hashed { extra } else { &[] };
        }
        Source::Pyproject(_) => {
            if let Some((w, dir)) = wanted(files, selection)? {
                let mut specs = w.requirements;
                specs.extend_from_slice(extra);
                let wanted = install::Wanted::Specs {
                    specs: &specs,
                    editable: w.editable.then_some(dir.as_path()),
                };
                install::install(venv, inst, wanted, constraints)?;
                after = &[];
            }
        }
        Source::UvLock { pyproject, .. } => {
            let dir = pyproject.parent().unwrap_or(Path::new("."));
            install::sync_lock(venv, inst, dir, selection)?;
        }
    }
    let wanted = install::Wanted::Specs {
        specs: after,
        editable: None,
    };
    install::install(venv, inst, wanted, constraints)
}

/// The requirement lines the inputs want, for working out which installed packages are no
/// longer needed: `Err(line)` when a line names no package (then nothing is removed).
pub fn requirement_lines(
    source: &Source,
    files: &[InputFile],
    selection: &Selection,
) -> Result<Vec<String>, String> {
    match source {
        Source::Requirements(_) => crate::owned::requirement_lines(files),
        Source::Pyproject(_) => match wanted(files, selection) {
            Ok(Some((w, _))) => {
                let mut lines = w.requirements;
                match (w.editable, w.name) {
                    (true, Some(name)) => lines.push(name),
                    (true, None) => return Err("-e . (a project without a name)".into()),
                    _ => {}
                }
                Ok(lines)
            }
            Ok(None) => Ok(Vec::new()),
            Err(f) => Err(f.message),
        },
        Source::UvLock { .. } => match text(files, "uv.lock") {
            Some((_, t)) => pyproject::locked_names(&t).map_err(|e| format!("uv.lock ({e})")),
            None => Ok(Vec::new()),
        },
    }
}
