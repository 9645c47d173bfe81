//! Kernelspecs: where Jupyter looks for user kernels, the name and display name of a project's
//! kernel, and its `kernel.json` (paths only; written atomically; only ever one that this
//! project registered is replaced or removed).

use crate::cli::{Cli, InstallerChoice};
use crate::exit_codes;
use crate::setup::Setup;
use envtools_cli::{Context, Failure, IntoFailure};
use envtools_store::{Locked, Wait};
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};

/// The folder of kernel `name`: `kernels/NAME` in the user's Jupyter data folder, found as
/// jupyter_core finds it: `$JUPYTER_DATA_DIR`, else on macOS `~/Library/Jupyter` (with
/// `JUPYTER_PLATFORM_DIRS` set: `~/Library/Application Support/jupyter`), else
/// `$XDG_DATA_HOME/jupyter` or `~/.local/share/jupyter`.
pub fn folder(name: &str) -> Result<PathBuf, Failure> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let data = match var("JUPYTER_DATA_DIR") {
        Some(dir) => std::path::absolute(&dir).unwrap_or(dir),
        None => {
            let home = var("HOME").ok_or_else(|| {
                Failure::new(
                    exit_codes::ERROR,
                    "neither JUPYTER_DATA_DIR nor HOME is set: no place for the kernel",
                )
            })?;
            match (cfg!(target_os = "macos"), platform_dirs()) {
                (true, false) => home.join("Library").join("Jupyter"),
                (true, true) => home.join("Library/Application Support/jupyter"),
                (false, _) => var("XDG_DATA_HOME")
                    .unwrap_or_else(|| home.join(".local").join("share"))
                    .join("jupyter"),
            }
        }
    };
    Ok(data.join("kernels").join(name))
}

/// `JUPYTER_PLATFORM_DIRS`, read as jupyter_core reads it: set and not a word for "no".
fn platform_dirs() -> bool {
    std::env::var("JUPYTER_PLATFORM_DIRS").is_ok_and(|v| {
        !["no", "n", "false", "off", "0", "0.0"].contains(&v.to_ascii_lowercase().as_str())
    })
}

/// Who registered the kernel in a folder.
enum Owner {
    /// This project.
    This,
    /// venv-bootstrap, for another project.
    Project(String),
    /// Someone else (`jupyter kernelspec install`, another tool), or no readable kernel.json.
    Other,
}

/// Who owns the kernel in `dir`; `None` when there is none.
fn owner(dir: &Path, project: &Path) -> Option<Owner> {
    fs::symlink_metadata(dir).ok()?;
    let bytes = envtools_cli::input::read_file(&dir.join("kernel.json"), 1 << 20).ok();
    let spec: Option<Value> = bytes.and_then(|b| serde_json::from_slice(&b).ok());
    let registered = spec
        .as_ref()
        .and_then(|s| s.pointer("/metadata/venv_bootstrap/project"))
        .and_then(Value::as_str);
    Some(match registered {
        Some(p) if Path::new(p) == project => Owner::This,
        Some(p) => Owner::Project(p.to_string()),
        None => Owner::Other,
    })
}

/// The refusal to touch kernel `name` that is not this project's.
fn not_ours(name: &str, dir: &Path, owner: &Owner, verb: &str) -> Failure {
    let whose = match owner {
        Owner::Project(p) => format!("the kernel of {p}"),
        _ => "not registered by venv-bootstrap".to_string(),
    };
    Failure::new(
        exit_codes::ERROR,
        format!(
            "{}: kernel {name} is {whose}; not {verb} (name another with --kernel NAME)",
            dir.display()
        ),
    )
}

/// Write (or refresh) kernel `name` of this project; the folder written.
pub fn register(cli: &Cli, setup: &Setup, name: &str) -> Result<PathBuf, Failure> {
    let dir = folder(name)?;
    match owner(&dir, &setup.project) {
        None | Some(Owner::This) => {}
        Some(other) => return Err(not_ours(name, &dir, &other, "replaced")),
    }
    let spec = kernel_json(cli, setup, name)?;
    let mut bytes = serde_json::to_vec_pretty(&spec).unwrap_or_default();
    bytes.push(b'\n');
    let file = dir.join("kernel.json");
    if envtools_cli::input::read_file(&file, 1 << 20).is_ok_and(|old| old == bytes) {
        return Ok(dir); // a refresh that changes nothing writes nothing
    }
    fs::create_dir_all(&dir).with_path(exit_codes::ERROR, &dir)?;
    let lock = Locked::file(&file, &Wait::default()).failure(exit_codes::ERROR)?;
    lock.replace(&bytes).failure(exit_codes::ERROR)?;
    Ok(dir)
}

/// Remove kernel `name` if this project registered it: the folder removed, or `None` when
/// there was no such kernel. One that is not this project's is left alone (exit 2).
pub fn remove(name: &str, project: &Path) -> Result<Option<PathBuf>, Failure> {
    let dir = folder(name)?;
    match owner(&dir, project) {
        None => Ok(None),
        Some(Owner::This) => {
            fs::remove_dir_all(&dir).with_path(exit_codes::ERROR, &dir)?;
            Ok(Some(dir))
        }
        Some(other) => Err(not_ours(name, &dir, &other, "removed")),
    }
}

/// kernel.json: venv-bootstrap with this run's options that shape the venv (paths made
/// absolute, the Python that built the venv; not -q or -v: the start's steps always go to the
/// Jupyter server's log), then `--kernel-start NAME PROJECT {connection_file}`.
fn kernel_json(cli: &Cli, setup: &Setup, name: &str) -> Result<Value, Failure> {
    let exe = std::env::current_exe()
        .and_then(fs::canonicalize)
        .context(exit_codes::ERROR, || {
            "venv-bootstrap's own path".to_string()
        })?;
    let mut argv = vec![text(&exe)?, "--venv".into(), text(&setup.venv)?];
    argv.extend(["--python".into(), text(&setup.python.path)?]);
    let absolute = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
    for (flag, paths) in [("-r", &cli.requirements), ("-c", &cli.constraints)] {
        for p in paths {
            argv.extend([flag.to_string(), text(&absolute(p))?]);
        }
    }
    for (flag, names) in [("--group", &cli.groups), ("--extra", &cli.extras)] {
        for n in names {
            argv.extend([flag.to_string(), n.clone()]);
        }
    }
    if let Some(d) = &cli.find_links {
        argv.extend(["--find-links".into(), text(&absolute(d))?]);
    }
    let installer = match cli.installer {
        InstallerChoice::Pip => "pip",
        InstallerChoice::Uv => "uv",
        InstallerChoice::Auto => "auto",
    };
    argv.extend(["--installer".into(), installer.into()]);
    for (on, flag) in [
        (cli.no_project, "--no-project"),
        (cli.offline, "--offline"),
        (cli.no_upgrade_pip, "--no-upgrade-pip"),
        (cli.clean_pythonpath, "--clean-pythonpath"),
    ] {
        if on {
            argv.push(flag.into());
        }
    }
    argv.extend(["--kernel-start".into(), name.into(), text(&setup.project)?]);
    argv.push("{connection_file}".into());
    Ok(json!({
        "argv": argv,
        "display_name": display_name(setup),
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {
            "debugger": true,
            "venv_bootstrap": {"project": text(&setup.project)?, "venv": text(&setup.venv)?},
        },
    }))
}

/// What Jupyter shows: the project's folder name and the venv's Python version.
pub fn display_name(setup: &Setup) -> String {
    let folder = setup
        .project
        .file_name()
        .map_or_else(|| "/".into(), |n| n.to_string_lossy().into_owned());
    match crate::stamp::Stamp::read(&setup.venv) {
        Some(s) => format!("{folder} (Python {})", s.python.version),
        None => format!("{folder} (Python)"),
    }
}

/// A path as kernel.json's JSON text holds it.
fn text(p: &Path) -> Result<String, Failure> {
    p.to_str().map(str::to_string).ok_or_else(|| {
        Failure::new(
            exit_codes::ERROR,
            format!(
                "{}: not valid UTF-8, so kernel.json (JSON) cannot name it",
                p.display()
            ),
        )
    })
}
