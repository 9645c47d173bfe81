//! Removing a venv so that a kill at any instant leaves the venv whole or no venv at all,
//! never a half-deleted folder a later run must refuse: the venv is first renamed, in one
//! step, to a trash name of ours beside it (`.NAME.trash-PID-N`), then deleted. A later run,
//! under the venv's lock, deletes whatever trash a killed run left.

use crate::exit_codes;
use crate::stamp;
use envtools_cli::Failure;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn prefix(venv: &Path) -> String {
    let name = venv
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    format!(".{}.trash-", name.trim_start_matches('.'))
}

/// Whether `file` (a name beside `venv`) is exactly one of our trash names for it.
fn is_trash(file: &str, venv: &Path) -> bool {
    let Some(rest) = file.strip_prefix(&prefix(venv)) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    matches!(rest.split_once('-'), Some((pid, seq)) if digits(pid) && digits(seq))
}

/// Move `venv` out of the way and delete it. Only a folder holding `pyvenv.cfg` (or our build
/// marker) is ever moved.
pub fn discard(venv: &Path) -> Result<(), Failure> {
    if !venv.join("pyvenv.cfg").is_file() && !venv.join(stamp::BUILDING).exists() {
        return Err(Failure::new(
            exit_codes::ERROR,
            format!(
                "{}: not a venv (no pyvenv.cfg); not deleting it",
                venv.display()
            ),
        ));
    }
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "{}{}-{}",
        prefix(venv),
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    let trash = venv.with_file_name(name);
    fs::rename(venv, &trash).map_err(|e| {
        Failure::new(
            exit_codes::ERROR,
            format!("{}: cannot move it aside", venv.display()),
        )
        .with_source(e)
    })?;
    delete(&trash);
    Ok(())
}

/// Delete the trash a killed run left beside `venv`. The caller holds the venv's lock.
pub fn sweep(venv: &Path) {
    let dir = match venv.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| is_trash(n, venv)))
        .map(|e| e.path())
        .collect();
    for trash in found {
        delete(&trash);
    }
}

/// Delete a trash folder. A process of an interrupted build (an orphaned ensurepip) may still
/// be writing into it for a moment: try again briefly; what remains is swept next time.
fn delete(trash: &Path) {
    for _ in 0..20 {
        match fs::remove_dir_all(trash) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(Duration::from_millis(100));
            }
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_exact_trash_names_are_trash() {
        let venv = Path::new("/p/.nix-venv");
        assert!(is_trash(".nix-venv.trash-12-0", venv));
        for other in [
            ".nix-venv.trash-12",
            ".nix-venv.trash-x-0",
            ".nix-venv",
            "nix-venv.trash-1-2",
            ".nix-venv.trash-1-2-3",
        ] {
            assert!(!is_trash(other, venv), "{other}");
        }
    }

    #[test]
    fn a_discarded_venv_is_gone_and_leftover_trash_is_swept() {
        let dir = tempfile::tempdir().unwrap();
        let venv = dir.path().join(".nix-venv");
        fs::create_dir_all(venv.join("lib")).unwrap();
        fs::write(venv.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        discard(&venv).unwrap();
        assert!(!venv.exists());
        let left = dir.path().join(".nix-venv.trash-2147483646-7");
        fs::create_dir_all(left.join("bin")).unwrap();
        fs::create_dir(dir.path().join("keep.trash-1-1")).unwrap();
        sweep(&venv);
        assert!(!left.exists());
        assert!(dir.path().join("keep.trash-1-1").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
