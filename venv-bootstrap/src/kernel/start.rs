//! `--kernel-start NAME PROJECT CONNECTION_FILE`: what a registered kernel runs. In the
//! project folder it brings the venv up to date (when that fails and the venv has a Python,
//! the kernel still starts, with a warning), reads `.env` (its values win: a changed key is
//! seen at the next restart), checks it against `.env.example`, and becomes the venv's Python
//! running `launcher.py`. What to redact reaches the launcher on its standard input, from a
//! 0600 file that has no name by the time anything is written to it: never argv, never the
//! environment.

use crate::activate;
use crate::cli::Cli;
use crate::exit_codes;
use crate::kernels::Change;
use crate::setup::Setup;
use crate::venv::{self, Ensured};
use envtools_cli::{Context, Failure};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python side: redacts every message, then runs ipykernel.
const LAUNCHER: &str = include_str!("launcher.py");

/// The kernel's environment.
type Environment = BTreeMap<OsString, OsString>;

/// Start the kernel: on success this process becomes it, so this returns only a failure.
pub fn run(cli: &Cli, args: &[PathBuf]) -> Result<u8, Failure> {
    let usage = || {
        Failure::new(
            exit_codes::ERROR,
            "--kernel-start NAME PROJECT CONNECTION_FILE",
        )
    };
    let [name, project, connection] = args else {
        return Err(usage());
    };
    let name = name
        .to_str()
        .filter(|n| crate::kernels::is_name(n))
        .ok_or_else(usage)?;
    std::env::set_current_dir(project).with_path(exit_codes::ERROR, project)?;
    let venv = std::path::absolute(&cli.venv).unwrap_or_else(|_| cli.venv.clone());
    let python = venv.join("bin").join("python");
    let mut warnings = Vec::new();
    if let Some(f) = bring_up_to_date(cli, name) {
        if fs::metadata(&python).is_err() {
            return Err(f);
        }
        warnings.push(format!(
            "{}; the kernel runs with the venv as it is",
            f.message
        ));
    }
    let env = environment(&venv, cli.clean_pythonpath, &mut warnings);
    let payload = payload(&env, &mut warnings);
    for w in &warnings {
        envtools_cli::warn::warn("venv-bootstrap", w);
    }
    Err(launch(&python, connection, env, &payload))
}

/// Become `python` running the launcher, with `payload` on its standard input; the failure.
fn launch(python: &Path, connection: &Path, env: Environment, payload: &[u8]) -> Failure {
    let stdin = match private_file(payload) {
        Ok(file) => file,
        Err(e) => {
            let why = format!("a private file for the kernel: {e}");
            return Failure::new(exit_codes::ERROR, why);
        }
    };
    let err = Command::new(python)
        .arg("-Xfrozen_modules=off")
        .arg("-c")
        .arg(LAUNCHER)
        .arg(connection)
        .env_clear()
        .envs(env)
        .stdin(stdin)
        .exec();
    envtools_cli::exec::spawn_failure(&python.to_string_lossy(), &err)
}

/// Bring the venv up to date as registered, with this kernel in its list; what went wrong.
fn bring_up_to_date(cli: &Cli, name: &str) -> Option<Failure> {
    let change = Change {
        add: Some(name.to_string()),
        remove: None,
    };
    let setup = match Setup::from_cli(cli, &change) {
        Ok(s) => s,
        Err(f) => return Some(f),
    };
    match venv::ensure(&setup.spec(cli)) {
        Ok(Ensured::Ready) => None,
        Ok(Ensured::InstallFailed(f)) | Err(f) => Some(f),
    }
}

/// This process's environment, activated for `venv`, with `.env`'s values over it. Lines of
/// `.env` that cannot be read are warnings.
fn environment(venv: &Path, clean_pythonpath: bool, warnings: &mut Vec<String>) -> Environment {
    let mut env: Environment = std::env::vars_os().collect();
    let a = activate::for_venv(venv);
    env.insert("VIRTUAL_ENV".into(), a.virtual_env.into());
    env.insert("PATH".into(), a.path);
    env.insert("VIRTUAL_ENV_PROMPT".into(), a.prompt.into());
    env.remove(&OsString::from("PYTHONHOME"));
    if clean_pythonpath {
        env.remove(&OsString::from("PYTHONPATH"));
    }
    let path = Path::new(".env");
    let bytes = match envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return env,
        Err(e) => {
            warnings.push(format!(
                ".env: {}; not read",
                envtools_cli::failure::describe(&e)
            ));
            return env;
        }
    };
    match envfile::parse(&bytes) {
        Err(e) => warnings.push(format!(".env:{}: not valid UTF-8; not read", e.line)),
        Ok(parsed) => {
            for p in &parsed.problems {
                warnings.push(format!(".env:{}: {}; line skipped", p.line, p.reason));
            }
            for e in parsed.entries {
                env.insert(e.key.as_ref().into(), e.value.as_ref().into());
            }
        }
    }
    env
}

/// What the launcher reads: the patterns to redact (every form of the value of every
/// sensitive key of `env`, by `.env.example`'s rule, else the name rule), and the warnings for
/// the first cell's output, to which the problems of `env` against `.env.example` are added.
fn payload(env: &Environment, warnings: &mut Vec<String>) -> Vec<u8> {
    let schema = example(warnings);
    let text: BTreeMap<&str, &str> = env
        .iter()
        .filter_map(|(k, v)| Some((k.to_str()?, v.to_str()?)))
        .collect();
    for p in schema.problems(|k| text.get(k).map(|v| v.to_string())) {
        warnings.push(format!("{}: {} (.env.example:{})", p.key, p.what, p.line));
    }
    let (secrets, _) = envtools_secrets::select_by(text.iter().map(|(k, v)| (*k, *v)), |k| {
        schema.is_sensitive(k)
    });
    let matcher = envtools_secrets::Matcher::new(&secrets, false);
    let patterns: Vec<(&str, String)> = matcher
        .patterns()
        .map(|(key, p)| (key, String::from_utf8_lossy(p).into_owned()))
        .collect();
    let warnings: Vec<String> = warnings
        .iter()
        .map(|w| format!("venv-bootstrap: warning: {w}"))
        .collect();
    serde_json::to_vec(&serde_json::json!({"patterns": patterns, "warnings": warnings}))
        .unwrap_or_default()
}

/// `.env.example` read as a schema (none when there is none; unreadable is a warning).
fn example(warnings: &mut Vec<String>) -> envtools_schema::Schema {
    let path = Path::new(".env.example");
    match envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP) {
        Ok(bytes) => envtools_schema::parse(&String::from_utf8_lossy(&bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Default::default(),
        Err(e) => {
            warnings.push(format!(
                ".env.example: {}; not checked",
                envtools_cli::failure::describe(&e)
            ));
            Default::default()
        }
    }
}

/// `bytes` in a file only this user can read, already unlinked, positioned at its start: in
/// `$XDG_RUNTIME_DIR` (memory, this user's only) when there is one, else the temp folder.
fn private_file(bytes: &[u8]) -> io::Result<File> {
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0..100 {
        let path = dir.join(format!(
            ".venv-bootstrap-kernel-{}-{stamp}-{attempt}",
            std::process::id()
        ));
        // create_new: O_EXCL, so neither an existing file nor a symlink is opened.
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path);
        match opened {
            Ok(mut file) => {
                fs::remove_file(&path)?;
                file.write_all(bytes)?;
                file.rewind()?;
                return Ok(file);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free name"))
}
