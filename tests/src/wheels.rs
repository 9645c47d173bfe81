//! Tiny pure-Python wheels for install tests, made locally so tests need no package index.
//!
//! `pip wheel` would need a build backend (setuptools, flit) from the index inside its build
//! isolation; a wheel is only a zip with three metadata files, so it is written directly with
//! Python's `zipfile`, RECORD hashes and all, and pip installs it like any other.

use std::path::Path;
use std::process::Command;

const SCRIPT: &str = include_str!("../fixtures/make_wheel.py");

/// Write `<dir>/<name>-<version>-py3-none-any.whl`, a package whose `VERSION` is `version`.
pub fn make_wheel(dir: &Path, name: &str, version: &str) {
    make_wheel_requiring(dir, name, version, &[]);
}

/// As [`make_wheel`], for a package that depends on `requires` (`Requires-Dist` lines).
pub fn make_wheel_requiring(dir: &Path, name: &str, version: &str, requires: &[&str]) {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(dir)
        .arg(name)
        .arg(version)
        .args(requires)
        .status()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(status.success(), "building the test wheel failed");
}

/// A real pip wheel from this machine's Python (Debian keeps it in /usr/share/python-wheels,
/// CPython in ensurepip's `_bundled` folder), so that uv can put pip into a test venv offline.
pub fn pip_wheel() -> &'static Path {
    static WHEEL: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    WHEEL.get_or_init(|| {
        let out = Command::new("python3")
            .args([
                "-c",
                "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))",
            ])
            .output()
            .unwrap_or_else(|e| panic!("python3: {e}"));
        let ensurepip = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let folders = [
            Path::new("/usr/share/python-wheels").to_path_buf(),
            Path::new(&ensurepip).join("_bundled"),
        ];
        folders
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flat_map(|entries| entries.flatten())
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("pip-") && n.ends_with(".whl"))
            })
            .unwrap_or_else(|| panic!("no pip wheel in {folders:?}"))
    })
}
