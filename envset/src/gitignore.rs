//! Keeping a new `.env` out of git: warn when git would track it, or add it to `.gitignore`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// True when `name` in `dir` is inside a git work tree and not ignored. Any other outcome
/// (not a repository, no git installed) is false: then there is nothing to warn about.
fn tracked_by_git(dir: &Path, name: &str) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["check-ignore", "-q", "--", name])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.code() == Some(1))
}

/// After writing `real`: if git would track it or its lock file, add them to the folder's
/// `.gitignore` when `add`, else warn (only when the file was just `created`).
pub fn check(real: &Path, created: bool, add: bool) {
    if !created && !add {
        return;
    }
    let dir = match real.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let lock = envtools_store::lock_path(real).ok();
    let names: Vec<String> = [Some(real.to_path_buf()), lock]
        .into_iter()
        .flatten()
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
        .filter(|n| tracked_by_git(dir, n))
        .collect();
    if names.is_empty() {
        return;
    }
    let list = names.join(" and ");
    if !add {
        envtools_cli::warn::warn(
            "envset",
            format_args!("git would track {list}; add to .gitignore, or run with --gitignore"),
        );
        return;
    }
    let path = dir.join(".gitignore");
    let existing = std::fs::read(&path).unwrap_or_default();
    let mut text = String::new();
    if !existing.is_empty() && !existing.ends_with(b"\n") {
        text.push('\n');
    }
    for n in &names {
        text.push_str(&format!("/{n}\n"));
    }
    let written = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    match written {
        Ok(()) => eprintln!("envset: added {list} to {}", path.display()),
        Err(e) => envtools_cli::warn::warn(
            "envset",
            format_args!(
                "cannot add {list} to {}: {}",
                path.display(),
                envtools_cli::failure::describe(&e)
            ),
        ),
    }
}
