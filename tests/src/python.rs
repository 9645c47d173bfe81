//! python-dotenv, the reader of the Python code that shares our `.env` files, for differential
//! tests.
//!
//! The interpreter is `$DOTENV_PYTHON` when set (`.ci/run` sets it), otherwise a venv the harness
//! makes once under `target/test-python` with `pip install python-dotenv`, so that
//! `cargo test --workspace` works on a fresh machine with `python3`. The same venv holds the
//! `uv` that venv-bootstrap's uv tests use.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// What the tests' Python has: python-dotenv for the differential tests, jupyter_client,
/// nbclient and nbformat to drive the Jupyter kernel as JupyterLab does (`.ci/run` installs
/// the same list).
pub const PACKAGES: &[&str] = &[
    "python-dotenv[cli]",
    "jupyter_client",
    "nbclient",
    "nbformat",
];

/// A Python interpreter that can `import dotenv`.
pub fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        if let Some(p) = std::env::var_os("DOTENV_PYTHON") {
            return PathBuf::from(p);
        }
        let root = super::workspace_root().join("target").join("test-python");
        fs::create_dir_all(&root).unwrap_or_else(|e| panic!("mkdir {}: {e}", root.display()));
        // Test binaries run in parallel processes: one of them provisions, the others wait.
        let lock = File::create(root.join(".lock")).unwrap_or_else(|e| panic!("lock file: {e}"));
        lock.lock().unwrap_or_else(|e| panic!("lock: {e}"));
        let venv = root.join("venv");
        let py = venv.join("bin").join("python");
        // Named for what it holds: a venv from before the Jupyter packages is provisioned again.
        let ready = root.join("ready-jupyter");
        if !ready.exists() {
            let _ = fs::remove_dir_all(&venv);
            run(Command::new("python3").arg("-m").arg("venv").arg(&venv));
            run(Command::new(&py)
                .args(["-m", "pip", "install", "-q"])
                .args(PACKAGES));
            File::create(&ready).unwrap_or_else(|e| panic!("{e}"));
        }
        py
    })
}

/// A real `uv` binary, for venv-bootstrap's `--installer uv`: the one beside [`python`] (`.ci/run`
/// installs it there), installed from PyPI into that venv on first use if missing.
pub fn uv() -> &'static Path {
    static UV: OnceLock<PathBuf> = OnceLock::new();
    UV.get_or_init(|| {
        let py = python();
        let uv = py.with_file_name("uv");
        if !uv.exists() {
            let root = super::workspace_root().join("target");
            fs::create_dir_all(&root).unwrap_or_else(|e| panic!("mkdir {}: {e}", root.display()));
            let lock = File::create(root.join(".test-uv.lock"))
                .unwrap_or_else(|e| panic!("lock file: {e}"));
            lock.lock().unwrap_or_else(|e| panic!("lock: {e}"));
            if !uv.exists() {
                run(Command::new(py).args(["-m", "pip", "install", "-q", "uv"]));
            }
        }
        assert!(uv.exists(), "no uv at {}", uv.display());
        uv
    })
}

/// A folder of the wheels of ipykernel and everything it needs, for this machine's Python
/// (`pip download`, from PyPI, once, into `target/test-kernel-wheels`), for the version of
/// `venv_python`: the project venvs of the kernel tests install from it offline, as any other
/// test venv installs from local wheels.
pub fn kernel_wheels(venv_python: &str) -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = super::workspace_root()
            .join("target")
            .join("test-kernel-wheels");
        fs::create_dir_all(&root).unwrap_or_else(|e| panic!("mkdir {}: {e}", root.display()));
        let lock = File::create(root.join(".lock")).unwrap_or_else(|e| panic!("lock file: {e}"));
        lock.lock().unwrap_or_else(|e| panic!("lock: {e}"));
        let out = Command::new(venv_python)
            .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
            .output()
            .unwrap_or_else(|e| panic!("{venv_python}: {e}"));
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let wheels = root.join(format!("python{version}"));
        let ready = root.join(format!("python{version}.ready"));
        if !ready.exists() {
            let _ = fs::remove_dir_all(&wheels);
            run(Command::new(python())
                .args(["-m", "pip", "download", "-q", "--only-binary", ":all:"])
                .args(["--python-version", &version, "ipykernel", "-d"])
                .arg(&wheels));
            File::create(&ready).unwrap_or_else(|e| panic!("{e}"));
        }
        wheels
    })
}

/// `uv lock` of the project in `dir`, offline from its `wheels` folder, for `venv_python`
/// (never a downloaded one), with uv's cache and temp files in `cache` and `tmp`.
pub fn uv_lock(dir: &Path, venv_python: &str, cache: &Path, tmp: &Path) {
    run(Command::new(uv())
        .args(["lock", "--offline", "--no-index", "--find-links", "wheels"])
        .args(["--python", venv_python])
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .env("UV_PYTHON_DOWNLOADS", "never")
        .env("UV_CACHE_DIR", cache));
}

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(status.success(), "{cmd:?} failed: {status}");
}

/// One file as python-dotenv's `dotenv_values` reads it: pairs in order, `None` for a key
/// without `=`.
pub type Values = Vec<(String, Option<String>)>;

const SCRIPT: &str = r#"
import sys, json
from dotenv import dotenv_values
out = []
for path in json.load(sys.stdin):
    out.append([[k, v] for k, v in dotenv_values(path).items()])
json.dump(out, sys.stdout)
"#;

/// `dotenv_values(path)` for each path, in one Python run. `env` is the whole environment
/// python-dotenv sees (it expands `${VAR}` from it).
pub fn dotenv_values(paths: &[PathBuf], env: &[(&str, &str)]) -> Vec<Values> {
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let input = serde_json::to_string(&list).unwrap_or_default();
    let mut cmd = Command::new(python());
    cmd.arg("-c").arg(SCRIPT).env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("python: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "python-dotenv script failed");
    let parsed: Vec<Vec<(String, Option<String>)>> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("python output: {e}"));
    parsed
}

/// A folder holding a python-dotenv wheel (downloaded once from PyPI into `target/`), for
/// offline installs (`--find-links`) in the example-project tests.
pub fn dotenv_wheels() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = super::workspace_root().join("target").join("test-wheels");
        fs::create_dir_all(&root).unwrap_or_else(|e| panic!("mkdir {}: {e}", root.display()));
        let lock = File::create(root.join(".lock")).unwrap_or_else(|e| panic!("lock file: {e}"));
        lock.lock().unwrap_or_else(|e| panic!("lock: {e}"));
        let has_wheel = fs::read_dir(&root)
            .map(|d| {
                d.flatten().any(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with("python_dotenv-")
                })
            })
            .unwrap_or(false);
        if !has_wheel {
            run(Command::new(python())
                .args([
                    "-m",
                    "pip",
                    "download",
                    "-q",
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                    "-d",
                ])
                .arg(&root)
                .arg("python-dotenv")
                .env_remove("PIP_FIND_LINKS"));
        }
        // pip's own wheel beside it, so that uv can put pip into a venv offline.
        let pip = super::wheels::pip_wheel();
        if let Some(name) = pip.file_name() {
            if !root.join(name).exists() {
                fs::copy(pip, root.join(name)).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        root
    })
}

/// A Python with selenium (4.51.0: 4.52.0's certifi requirement does not resolve on the package
/// mirror), for the browser tests: `$DOTENV_PYTHON` when it has it (`.ci/run` installs it
/// there), otherwise installed once into the harness's venv.
pub fn selenium_python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let py = python().to_path_buf();
        let has = |p: &Path| {
            Command::new(p)
                .args(["-c", "import selenium"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !has(&py) {
            let root = super::workspace_root().join("target");
            let lock = File::create(root.join(".test-selenium.lock"))
                .unwrap_or_else(|e| panic!("lock file: {e}"));
            lock.lock().unwrap_or_else(|e| panic!("lock: {e}"));
            if !has(&py) {
                run(Command::new(&py).args(["-m", "pip", "install", "-q", "selenium==4.51.0"]));
            }
        }
        py
    })
}
