//! Is the venv ready? Decided from the file system alone: no Python is run here, which is what
//! makes a warm start cost a few system calls.

use crate::python::Python;
use crate::stamp::Stamp;
use std::fs;
use std::path::Path;

/// What the venv needs.
#[derive(Debug)]
pub enum State {
    /// Nothing to do.
    UpToDate,
    /// No venv (or an empty folder): create it.
    Missing,
    /// The inputs changed: run the installer.
    NeedsInstall,
    /// The interpreter's file changed: ask it its version to decide (rebuild or re-stamp).
    PythonChanged(Stamp),
    /// Broken, half-built, or built from another Python: rebuild, saying why.
    Rebuild(String),
    /// The path exists and is not a venv: refuse to touch it.
    NotAVenv(String),
}

/// Assess `venv` against the requested Python and the rendered inputs.
pub fn assess(venv: &Path, python: &Python, inputs: &[u8], force: bool) -> State {
    if let Some(state) = assess_folder(venv) {
        return state;
    }
    if force {
        return State::Rebuild("--force".into());
    }
    let Some(stamp) = Stamp::read(venv) else {
        return State::Rebuild(
            "it has no valid stamp: its creation never finished (interrupted?) or another tool made it"
                .into(),
        );
    };
    if let Some(why) = interpreter_problem(venv, &stamp, python) {
        return State::Rebuild(why);
    }
    if stamp.python.identity != python.identity {
        return State::PythonChanged(stamp);
    }
    if stamp.inputs != inputs {
        return State::NeedsInstall;
    }
    State::UpToDate
}

/// What the folder itself says, before its stamp is read: missing, not a venv, or a build
/// that was interrupted. `None`: a venv folder.
fn assess_folder(venv: &Path) -> Option<State> {
    let name = venv.display();
    match fs::symlink_metadata(venv) {
        Err(_) => return Some(State::Missing),
        Ok(m) if !m.is_dir() => {
            return Some(State::NotAVenv(format!(
                "{name} exists and is not a folder"
            )))
        }
        Ok(_) => {}
    }
    if venv.join(crate::stamp::BUILDING).exists() {
        return Some(State::Rebuild("an earlier build was interrupted".into()));
    }
    if venv.join("pyvenv.cfg").is_file() {
        return None;
    }
    let empty = fs::read_dir(venv)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    Some(if empty {
        State::Missing
    } else {
        State::NotAVenv(format!(
            "{name} exists and is not a venv (no pyvenv.cfg); not touching it"
        ))
    })
}

/// Why the venv's interpreter is not the one it was built from, or not the one asked for.
fn interpreter_problem(venv: &Path, stamp: &Stamp, python: &Python) -> Option<String> {
    let link = venv.join("bin").join("python");
    match fs::canonicalize(&link) {
        Err(_) => {
            let target = fs::read_link(&link)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Some(format!(
                "its interpreter {target} no longer exists (removed, or garbage-collected by Nix?)"
            ));
        }
        Ok(p) if p.to_string_lossy() != stamp.python.interpreter => {
            return Some(format!("its interpreter is now {}", p.display()));
        }
        Ok(_) => {}
    }
    (stamp.python.path != python.path.to_string_lossy()).then(|| {
        format!(
            "it was built from {}, not {}",
            stamp.python.path,
            python.path.display()
        )
    })
}

/// `--check`: exit 0 when the venv is up to date, 1 (and why, unless `quiet`) when not.
pub fn report(state: &State, shown: &Path, quiet: bool) -> u8 {
    if let State::UpToDate = state {
        return crate::exit_codes::SUCCESS;
    }
    if !quiet {
        eprintln!(
            "venv-bootstrap: {} is not up to date: {}",
            shown.display(),
            describe(state)
        );
    }
    crate::exit_codes::NOT_UP_TO_DATE
}

fn describe(state: &State) -> String {
    match state {
        State::UpToDate => "up to date".into(),
        State::Missing => "it does not exist".into(),
        State::NeedsInstall => "the requirements changed".into(),
        State::PythonChanged(_) => "the Python interpreter's file changed".into(),
        State::Rebuild(why) | State::NotAVenv(why) => why.clone(),
    }
}
