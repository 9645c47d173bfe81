//! Making the venv match: assess without running anything; if needed, take the lock, assess
//! again (another process may have just done the work), then create, rebuild, install or
//! re-stamp. The stamp is removed before any change and written last, so an interrupted run
//! is never trusted.

use crate::exit_codes;
use crate::health::{self, State};
use crate::install::Selection;
use crate::install::{self, Installer};
use crate::owned::{self, Ledger, Verdict};
use crate::python::{self, Python};
use crate::source::{self, Source};
use crate::stamp::{self, PythonPart, Stamp};
use crate::trash;
use envtools_cli::{Failure, IntoFailure};
use envtools_store::{Locked, Wait};
use std::fs;
use std::path::{Path, PathBuf};

/// Everything the venv is built from.
pub struct Spec<'a> {
    pub venv: &'a Path,
    pub python: &'a Python,
    pub installer: &'a Installer,
    /// The input kind, and the packages it asks for.
    pub source: &'a Source,
    pub selection: &'a Selection,
    pub constraints: &'a [PathBuf],
    /// Every requirement and constraint file, as read for the stamp.
    pub files: &'a [stamp::InputFile],
    /// The rendered inputs section of the stamp.
    pub inputs: &'a [u8],
    /// The Jupyter kernels the venv serves: written with the stamp.
    pub kernels: &'a [String],
    /// Requirements beyond the inputs' (ipykernel for a kernel).
    pub extra: &'a [String],
    pub upgrade_pip: bool,
    pub force: bool,
}

/// The result of [`ensure`].
pub enum Ensured {
    /// Ready and stamped.
    Ready,
    /// The install failed; the venv exists but is not stamped (retried next time).
    InstallFailed(Failure),
}

fn say(spec: &Spec, msg: &str) {
    if !spec.installer.quiet {
        eprintln!("venv-bootstrap: {msg}");
    }
}

fn err(code: u8, msg: String) -> Failure {
    Failure::new(code, msg)
}

/// Bring the venv up to date. Fast when it already is: no lock, no Python, no installer.
pub fn ensure(spec: &Spec) -> Result<Ensured, Failure> {
    let state = health::assess(spec.venv, spec.python, spec.inputs, spec.force);
    if let State::UpToDate = state {
        return Ok(Ensured::Ready);
    }
    if let State::NotAVenv(why) = state {
        return Err(err(exit_codes::ERROR, why));
    }
    source::validate(spec.source, spec.files, spec.selection)?;
    // The Python pin, before anything is built (this runs Python, so only when there is one).
    if spec
        .files
        .iter()
        .any(|f| matches!(f.kind, "pyproject" | "python-version"))
    {
        let version =
            python::version(&spec.python.path).map_err(|e| err(exit_codes::PYTHON_FAILED, e))?;
        source::check_pin(spec.files, &spec.python.path, &version)?;
    }
    let announce = |lock: &Path| {
        say(
            spec,
            &format!(
                "waiting for {} (another start is building the venv)",
                lock.display()
            ),
        )
    };
    let wait = Wait {
        timeout: None,
        announce: Some(&announce),
    };
    let lock = Locked::folder(spec.venv, &wait).failure(exit_codes::ERROR)?;
    trash::sweep(spec.venv);
    // Again, under the lock: a concurrent start may have built it while we waited.
    let state = health::assess(spec.venv, spec.python, spec.inputs, spec.force);
    act(spec, state, &lock)
}

/// Do what `state` calls for, holding the venv's `lock`.
fn act(spec: &Spec, state: State, lock: &Locked) -> Result<Ensured, Failure> {
    let name = spec.venv.display().to_string();
    match state {
        State::UpToDate => Ok(Ensured::Ready),
        State::NotAVenv(why) => Err(err(exit_codes::ERROR, why)),
        State::Missing => build(spec, &format!("creating {name}"), lock),
        State::Rebuild(why) => {
            say(spec, &format!("rebuilding {name}: {why}"));
            trash::discard(spec.venv)?;
            build(spec, &format!("creating {name}"), lock)
        }
        State::PythonChanged(old) => {
            let version = python::version(&spec.python.path)
                .map_err(|e| err(exit_codes::PYTHON_FAILED, e))?;
            if version != old.python.version {
                say(
                    spec,
                    &format!(
                        "rebuilding {name}: Python changed from {} to {version}",
                        old.python.version
                    ),
                );
                trash::discard(spec.venv)?;
                return build(spec, &format!("creating {name}"), lock);
            }
            // Same interpreter, touched on disk (reinstalled): keep the venv, refresh the stamp.
            let python = PythonPart {
                identity: spec.python.identity.clone(),
                ..old.python.clone()
            };
            if old.inputs == spec.inputs {
                write_stamp(
                    lock,
                    &Stamp {
                        python,
                        inputs: old.inputs,
                    },
                )?;
                return Ok(Ensured::Ready);
            }
            install_and_stamp(spec, python, lock)
        }
        State::NeedsInstall => {
            let old = Stamp::read(spec.venv)
                .ok_or_else(|| err(exit_codes::ERROR, format!("{name}: stamp vanished")))?;
            say(spec, &format!("updating {name}: the requirements changed"));
            install_and_stamp(spec, old.python, lock)
        }
    }
}

fn build(spec: &Spec, msg: &str, lock: &Locked) -> Result<Ensured, Failure> {
    let version =
        python::version(&spec.python.path).map_err(|e| err(exit_codes::PYTHON_FAILED, e))?;
    say(
        spec,
        &format!("{msg} with {} ({version})", spec.python.path.display()),
    );
    let marker = spec.venv.join(stamp::BUILDING);
    fs::create_dir_all(spec.venv)
        .and_then(|()| fs::write(&marker, b""))
        .map_err(|e| {
            err(
                exit_codes::ERROR,
                format!("{}: cannot create: {e}", spec.venv.display()),
            )
        })?;
    install::create_venv(&spec.python.path, spec.venv, spec.installer)?;
    let interpreter = fs::canonicalize(spec.venv.join("bin").join("python")).map_err(|e| {
        err(
            exit_codes::PYTHON_FAILED,
            format!(
                "{}: the new venv has no working bin/python: {e}",
                spec.venv.display()
            ),
        )
    })?;
    if spec.upgrade_pip && !spec.installer.offline && spec.installer.uv.is_none() {
        install::upgrade_pip(spec.venv, spec.installer);
    }
    let python = PythonPart {
        path: spec.python.path.to_string_lossy().into_owned(),
        identity: spec.python.identity.clone(),
        version,
        interpreter: interpreter.to_string_lossy().into_owned(),
    };
    install_and_stamp(spec, python, lock)
}

/// The inputs section while an install has not succeeded: matches no real inputs, so the next
/// start installs again (and never rebuilds a venv just because pip failed).
const PENDING: &[u8] = b"pending\n";

fn install_and_stamp(spec: &Spec, python: PythonPart, lock: &Locked) -> Result<Ensured, Failure> {
    // While the venv changes the stamp says "pending": an interrupted install is retried. After
    // a creation, the venv itself is now complete, so its build marker goes: from here on a
    // failure means "install again", not "rebuild".
    write_stamp(
        lock,
        &Stamp {
            python: python.clone(),
            inputs: PENDING.to_vec(),
        },
    )?;
    let _ = fs::remove_file(spec.venv.join(stamp::BUILDING));
    let mut ledger = Ledger::read(spec.venv);
    let had_owned = !ledger.owned.is_empty();
    if ledger.baseline.is_none() {
        ledger.baseline = Some(owned::installed(spec.venv));
        write_ledger(lock, &ledger)?;
    }
    if let Some(what) = spec.source.describe() {
        // A uv.lock is only ever installed by uv (without it, the error says so instead).
        let with = match spec.source {
            Source::UvLock { .. } => spec.installer.uv.as_ref().map(|_| "uv"),
            _ => Some(spec.installer.name()),
        };
        if let Some(with) = with {
            say(spec, &format!("installing {what} with {with}"));
        }
    }
    if let Err(f) = source::install(
        spec.source,
        spec.files,
        spec.constraints,
        spec.selection,
        spec.extra,
        spec.venv,
        spec.installer,
    ) {
        if f.code != exit_codes::INSTALL_FAILED {
            return Err(f);
        }
        return Ok(Ensured::InstallFailed(f));
    }
    ledger.settle(&owned::installed(spec.venv));
    if had_owned && !ledger.owned.is_empty() {
        if let Err(f) = remove_unneeded(spec, &mut ledger) {
            write_ledger(lock, &ledger)?;
            return Ok(Ensured::InstallFailed(f));
        }
    }
    write_ledger(lock, &ledger)?;
    settled(spec, python, lock)
}

/// After a successful install: the kernel list, then (last) the stamp.
fn settled(spec: &Spec, python: PythonPart, lock: &Locked) -> Result<Ensured, Failure> {
    lock.replace_inside(
        crate::kernels::FILE_NAME,
        &crate::kernels::render(spec.kernels),
    )
    .failure(exit_codes::ERROR)?;
    write_stamp(
        lock,
        &Stamp {
            python,
            inputs: spec.inputs.to_vec(),
        },
    )?;
    Ok(Ensured::Ready)
}

/// Uninstall the packages our earlier installs added that nothing needs any more (dropped
/// from the requirements, with what only they pulled in). Packages installed by hand, and
/// what they depend on, stay. When that cannot be known, nothing is removed.
fn remove_unneeded(spec: &Spec, ledger: &mut Ledger) -> Result<(), Failure> {
    let lines = match source::requirement_lines(spec.source, spec.files, spec.selection) {
        Ok(mut lines) => {
            lines.extend_from_slice(spec.extra);
            lines
        }
        Err(line) => {
            keep_all(spec, &line);
            return Ok(());
        }
    };
    let python = spec.venv.join("bin").join("python");
    let verdict = owned::no_longer_required(&python, &lines, &ledger.owned, |cmd| {
        install::prepare(cmd, Some(spec.venv))
    });
    let remove = match verdict {
        Ok(Verdict::Remove(names)) => names,
        Ok(Verdict::Unknown(line)) => {
            keep_all(spec, &line);
            return Ok(());
        }
        Err(why) => {
            eprintln!(
                "venv-bootstrap: warning: cannot tell which packages are no longer required \
                 ({why}); none removed"
            );
            return Ok(());
        }
    };
    if remove.is_empty() {
        return Ok(());
    }
    say(
        spec,
        &format!(
            "removing what the requirements no longer need: {}",
            remove.join(", ")
        ),
    );
    install::uninstall(spec.venv, spec.installer, &remove)?;
    ledger.owned.retain(|n| !remove.contains(n));
    Ok(())
}

fn keep_all(spec: &Spec, line: &str) {
    if spec.installer.verbose {
        eprintln!(
            "venv-bootstrap: the requirement '{line}' names no package, so what it needs is \
             unknown: no package is removed"
        );
    }
}

fn write_ledger(lock: &Locked, ledger: &Ledger) -> Result<(), Failure> {
    lock.replace_inside(owned::FILE_NAME, &ledger.render())
        .failure(exit_codes::ERROR)
}

fn write_stamp(lock: &Locked, stamp: &Stamp) -> Result<(), Failure> {
    lock.replace_inside(stamp::FILE_NAME, &stamp.render())
        .failure(exit_codes::ERROR)
}
