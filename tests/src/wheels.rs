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
