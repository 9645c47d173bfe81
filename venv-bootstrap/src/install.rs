//! Running Python and the installer: creating the venv, upgrading pip at creation, and
//! installing the requirements with pip or uv. Their output goes to stderr (stdout stays
//! clean for `--print-env` and COMMAND), or is held back and shown only on failure with -q.

use crate::exit_codes;
use crate::progress;
use envtools_cli::Failure;
use std::io::{self, BufRead, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// Which installer, and the options that shape what it installs (all part of the stamp).
#[derive(Debug, Clone)]
pub struct Installer {
    /// `None` for pip; the uv binary for uv.
    pub uv: Option<PathBuf>,
    pub offline: bool,
    pub find_links: Option<PathBuf>,
    pub quiet: bool,
    pub verbose: bool,
}

impl Installer {
    /// `pip` or `uv`.
    pub fn name(&self) -> &'static str {
        if self.uv.is_some() {
            "uv"
        } else {
            "pip"
        }
    }

    /// The options, as recorded in the stamp.
    pub fn stamp_options(&self) -> Vec<String> {
        let mut o = vec![format!("offline={}", self.offline)];
        if let Some(d) = &self.find_links {
            o.push(format!("find-links={}", d.display()));
        }
        o
    }
}

/// The environment every Python/installer run gets: no PYTHONHOME or PYTHONPATH (they would
/// point the venv's interpreter at other packages), a SOURCE_DATE_EPOCH wheels accept, the
/// venv first on PATH, and no pip self-update nag.
pub fn prepare(cmd: &mut Command, venv: Option<&Path>) {
    cmd.env_remove("PYTHONHOME")
        .env_remove("PYTHONPATH")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        // Never fetch an interpreter: under Nix it comes from the flake (a downloaded one does
        // not even run on NixOS).
        .env("UV_PYTHON_DOWNLOADS", "never");
    // Nix shells set SOURCE_DATE_EPOCH=1, and ZIP cannot store dates before 1980.
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    if epoch.is_some_and(|e| e < 315_532_800) {
        cmd.env("SOURCE_DATE_EPOCH", "315532800");
    }
    if let Some(venv) = venv {
        cmd.env("VIRTUAL_ENV", venv);
        let path =
            envtools_cli::path::prepend(&venv.join("bin"), std::env::var_os("PATH").as_deref());
        cmd.env("PATH", path);
    }
}

/// Run `cmd`. With `-v` its output goes to our stderr as it comes (stdout stays clean for
/// `--print-env` and COMMAND); otherwise it is held back, counted for the live status line
/// (`step`, at a terminal), and its last lines are returned when it fails.
fn run(cmd: &mut Command, quiet: bool, verbose: bool) -> io::Result<Result<(), (String, String)>> {
    run_step(cmd, quiet, verbose, "working")
}

fn run_step(
    cmd: &mut Command,
    quiet: bool,
    verbose: bool,
    step: &str,
) -> io::Result<Result<(), (String, String)>> {
    cmd.stdin(Stdio::null());
    if verbose {
        eprintln!("venv-bootstrap: running {cmd:?}");
        let stderr = io::stderr().as_fd().try_clone_to_owned()?;
        let status = cmd.stdout(Stdio::from(stderr)).status()?;
        return Ok(if status.success() {
            Ok(())
        } else {
            Err((status.to_string(), String::new()))
        });
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let counter = Arc::new(progress::Counter::default());
    let live = progress::Live::start(step, &counter, quiet, verbose);
    let lines = Arc::new(Mutex::new(Vec::new()));
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn io::Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|pipe| {
        let (counter, lines) = (Arc::clone(&counter), Arc::clone(&lines));
        std::thread::spawn(move || {
            for line in io::BufReader::new(pipe).lines().map_while(Result::ok) {
                counter.line(&line);
                let mut kept = lines.lock().unwrap_or_else(|p| p.into_inner());
                if kept.len() == 200 {
                    kept.remove(0);
                }
                kept.push(line);
            }
        })
    })
    .collect();
    let status = child.wait()?;
    for r in readers {
        let _ = r.join();
    }
    drop(live);
    if status.success() {
        return Ok(Ok(()));
    }
    let kept = lines.lock().unwrap_or_else(|p| p.into_inner());
    let tail = kept[kept.len().saturating_sub(15)..].join("\n");
    Ok(Err((status.to_string(), tail)))
}

fn report(
    what: &str,
    code: u8,
    result: io::Result<Result<(), (String, String)>>,
) -> Result<(), Failure> {
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err((status, tail))) => {
            if !tail.is_empty() {
                let _ = writeln!(io::stderr(), "{tail}");
            }
            Err(Failure::new(code, format!("{what} failed ({status})")))
        }
        Err(e) => Err(Failure::new(code, format!("{what}: cannot run: {e}"))),
    }
}

/// `python -m venv DIR`. With uv, the venv is made without pip and uv puts pip in (so that
/// users can still `pip install` by hand): that takes a fraction of a second where ensurepip
/// takes seconds. When uv cannot get pip (offline with nothing cached), ensurepip does it.
pub fn create_venv(python: &Path, venv: &Path, inst: &Installer) -> Result<(), Failure> {
    let mut cmd = Command::new(python);
    cmd.arg("-m").arg("venv");
    if inst.uv.is_some() {
        cmd.arg("--without-pip");
    }
    cmd.arg(venv);
    prepare(&mut cmd, None);
    report(
        "python -m venv",
        exit_codes::PYTHON_FAILED,
        run_step(&mut cmd, inst.quiet, inst.verbose, "creating the venv"),
    )?;
    match inst.uv {
        Some(_) => seed_pip(venv, inst),
        None => Ok(()),
    }
}

fn seed_pip(venv: &Path, inst: &Installer) -> Result<(), Failure> {
    let mut cmd = installer(venv, inst, "install");
    cmd.arg("pip");
    prepare(&mut cmd, Some(venv));
    // Quiet: a failure here only means "use ensurepip".
    let seeded = run(&mut cmd, true, inst.verbose);
    if matches!(seeded, Ok(Ok(()))) && crate::owned::installed(venv).contains("pip") {
        return Ok(());
    }
    if inst.verbose {
        eprintln!("venv-bootstrap: uv could not install pip; using ensurepip");
    }
    let mut cmd = Command::new(venv.join("bin").join("python"));
    cmd.args(["-m", "ensurepip", "--upgrade", "--default-pip"]);
    prepare(&mut cmd, Some(venv));
    report(
        "python -m ensurepip",
        exit_codes::PYTHON_FAILED,
        run(&mut cmd, inst.quiet, inst.verbose),
    )
}

/// The installer running `VERB` on the venv, with the network options: `uv pip VERB --python
/// PY ...` or `PY -m pip VERB ...`.
fn installer(venv: &Path, inst: &Installer, verb: &str) -> Command {
    let python = venv.join("bin").join("python");
    let mut cmd = match &inst.uv {
        Some(uv) => {
            let mut c = Command::new(uv);
            c.args(["pip", verb, "--python"]).arg(&python);
            c
        }
        None => {
            let mut c = Command::new(&python);
            c.args(["-m", "pip", verb]);
            c
        }
    };
    if inst.quiet {
        cmd.arg("-q");
    }
    if verb == "install" {
        match inst.uv {
            Some(_) => uv_network_args(&mut cmd, inst),
            None => pip_network_args(&mut cmd, inst),
        }
    }
    cmd
}

/// Run an installer command; a failure is INSTALL_FAILED, named `pip VERB` or `uv VERB`.
fn run_installer(
    mut cmd: Command,
    venv: &Path,
    inst: &Installer,
    verb: &str,
) -> Result<(), Failure> {
    prepare(&mut cmd, Some(venv));
    let step = format!("{verb}ing with {}", inst.name());
    report(
        &format!("{} {verb}", inst.name()),
        exit_codes::INSTALL_FAILED,
        run_step(&mut cmd, inst.quiet, inst.verbose, &step),
    )
}

fn uv_network_args(cmd: &mut Command, inst: &Installer) {
    if inst.offline {
        cmd.args(["--offline", "--no-index"]);
    }
    if let Some(d) = &inst.find_links {
        cmd.arg("--find-links").arg(d);
    }
}

fn pip_network_args(cmd: &mut Command, inst: &Installer) {
    if inst.offline {
        cmd.arg("--no-index");
    } else {
        // Offline machines should hear so in seconds, not minutes (pip: 15 s x 5 retries).
        // pip reads its --timeout from either variable; one the user set is theirs to keep.
        if std::env::var_os("PIP_TIMEOUT").is_none()
            && std::env::var_os("PIP_DEFAULT_TIMEOUT").is_none()
        {
            cmd.args(["--timeout", "10"]);
        }
        if std::env::var_os("PIP_RETRIES").is_none() {
            cmd.args(["--retries", "1"]);
        }
    }
    if let Some(d) = &inst.find_links {
        cmd.arg("--find-links").arg(d);
    }
}

/// Upgrade pip in a new venv (pip only: with uv, uv put the newest pip in). A failure is a
/// warning: the venv's own pip still works.
pub fn upgrade_pip(venv: &Path, inst: &Installer) {
    let mut cmd = installer(venv, inst, "install");
    cmd.args(["--upgrade", "pip"]);
    prepare(&mut cmd, Some(venv));
    if let Err(f) = report(
        "upgrading pip",
        exit_codes::INSTALL_FAILED,
        run(&mut cmd, inst.quiet, inst.verbose),
    ) {
        eprintln!(
            "venv-bootstrap: warning: {} (continuing with the pip the venv has)",
            f.message
        );
    }
}

/// What to install.
pub enum Wanted<'a> {
    /// Requirement files; in pip's and uv's hash-checking mode when `require_hashes` (a
    /// requirement carries `--hash=`).
    Files {
        reqs: &'a [PathBuf],
        require_hashes: bool,
        /// Requirement specifiers installed with the files.
        extra: &'a [String],
    },
    /// Requirement specifiers (a pyproject's), and the project in `editable` as editable.
    Specs {
        specs: &'a [String],
        editable: Option<&'a Path>,
    },
}

/// Install `wanted` (with the constraint files) into the venv.
pub fn install(
    venv: &Path,
    inst: &Installer,
    wanted: Wanted,
    cons: &[PathBuf],
) -> Result<(), Failure> {
    let mut cmd = installer(venv, inst, "install");
    match wanted {
        Wanted::Files {
            reqs,
            require_hashes,
            extra,
        } => {
            if require_hashes {
                cmd.arg("--require-hashes");
            }
            for r in reqs {
                cmd.arg("-r").arg(r);
            }
            cmd.args(extra);
        }
        Wanted::Specs { specs, editable } => {
            if specs.is_empty() && editable.is_none() {
                return Ok(());
            }
            cmd.args(specs);
            if let Some(dir) = editable {
                cmd.arg("-e").arg(dir);
            }
        }
    }
    for c in cons {
        cmd.arg("-c").arg(c);
    }
    run_installer(cmd, venv, inst, "install")
}

/// `--group`, `--extra`, `--no-project`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub groups: Vec<String>,
    pub extras: Vec<String>,
    pub no_project: bool,
}

impl Selection {
    /// As stamp options.
    pub fn stamp_options(&self) -> Vec<String> {
        let mut o: Vec<String> = self.groups.iter().map(|g| format!("group={g}")).collect();
        o.extend(self.extras.iter().map(|e| format!("extra={e}")));
        if self.no_project {
            o.push("no-project".into());
        }
        o
    }
}

/// Install a `uv.lock` exactly as locked into the venv: `uv sync --frozen`, with the project
/// environment set to the venv. `--inexact`: packages the lock does not name (pip, hand
/// installs) stay; dropped ones are removed the way every input kind's are.
pub fn sync_lock(
    venv: &Path,
    inst: &Installer,
    project: &Path,
    sel: &Selection,
) -> Result<(), Failure> {
    let Some(uv) = &inst.uv else {
        return Err(Failure::new(
            exit_codes::ERROR,
            "uv.lock is installed with uv, and there is no uv on PATH: install uv (pip install uv), \
             or name a requirements file with -r requirements.txt",
        ));
    };
    let mut cmd = Command::new(uv);
    cmd.args(["sync", "--frozen", "--inexact", "--project"])
        .arg(project)
        .arg("--python")
        .arg(venv.join("bin").join("python"))
        .env("UV_PROJECT_ENVIRONMENT", venv);
    if inst.quiet {
        cmd.arg("-q");
    }
    for g in &sel.groups {
        cmd.arg("--group").arg(g);
    }
    for e in &sel.extras {
        cmd.arg("--extra").arg(e);
    }
    if sel.no_project {
        cmd.arg("--no-install-project");
    }
    uv_network_args(&mut cmd, inst);
    prepare(&mut cmd, Some(venv));
    report(
        "uv sync",
        exit_codes::INSTALL_FAILED,
        run_step(
            &mut cmd,
            inst.quiet,
            inst.verbose,
            "syncing uv.lock with uv",
        ),
    )
}

/// Remove packages from the venv (those the requirements no longer need).
pub fn uninstall(venv: &Path, inst: &Installer, names: &[String]) -> Result<(), Failure> {
    let mut cmd = installer(venv, inst, "uninstall");
    if inst.uv.is_none() {
        cmd.arg("-y");
    }
    cmd.args(names);
    run_installer(cmd, venv, inst, "uninstall")
}
