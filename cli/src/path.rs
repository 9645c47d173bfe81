//! `PATH`: finding a program the way a shell does, and putting a folder first.

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The first `name` on `PATH` that is a regular file with an execute bit, as `command -v`
/// finds it; `None` when there is none (or `PATH` is unset).
pub fn find_program(name: &str) -> Option<PathBuf> {
    find_in(std::env::var_os("PATH")?.as_os_str(), name)
}

/// [`find_program`] over the folders of `path`.
pub fn find_in(path: &OsStr, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `dir` first, then the folders of `path` (`None`: just `dir`). A `dir` that is already first
/// is not added again, so a nested start does not stack it.
pub fn prepend(dir: &Path, path: Option<&OsStr>) -> OsString {
    let Some(path) = path.filter(|p| !p.is_empty()) else {
        return dir.as_os_str().to_owned();
    };
    let rest: Vec<PathBuf> = std::env::split_paths(path).collect();
    if rest.first().map(PathBuf::as_path) == Some(dir) {
        return path.to_owned();
    }
    // A folder holding ':' cannot be put on PATH at all; then keep PATH as it was after it.
    std::env::join_paths(std::iter::once(dir.to_path_buf()).chain(rest)).unwrap_or_else(|_| {
        let mut joined = dir.as_os_str().to_owned();
        joined.push(":");
        joined.push(path);
        joined
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_only_executable_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(b.join("tool")).unwrap(); // a folder named like the program
        fs::write(a.join("tool"), "").unwrap(); // not executable
        let path = std::env::join_paths([&b, &a]).unwrap();
        assert_eq!(find_in(&path, "tool"), None);
        fs::set_permissions(a.join("tool"), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(find_in(&path, "tool"), Some(a.join("tool")));
    }

    #[test]
    fn prepend_does_not_stack_the_same_folder() {
        let venv = Path::new("/p/.nix-venv/bin");
        let once = prepend(venv, Some(OsStr::new("/usr/bin:/bin")));
        assert_eq!(once, "/p/.nix-venv/bin:/usr/bin:/bin");
        assert_eq!(prepend(venv, Some(&once)), once);
        assert_eq!(prepend(venv, None), "/p/.nix-venv/bin");
    }
}
