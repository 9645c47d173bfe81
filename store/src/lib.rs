//! `store`: the files the tools rewrite (`.env` by envset, a `--history` file by ollama-chat,
//! the stamp and ledger inside a venv by venv-bootstrap), replaced atomically and durably,
//! under a lock, without losing their identity. Why a crate of its own: three tools rewrite
//! files and must do it the same safe way, and none of that is about `.env` syntax (compare
//! uv's `uv-fs`). The replace is reachable only through [`Locked`], the lock guard, so no
//! caller can forget the lock.
//!
//! A crash or `kill -9` at any instant leaves the old file or the new one, whole: the new
//! content goes to a temp file in the same folder (mode already final), is fsynced, renamed
//! over the file, and the folder is fsynced. A symlink stays a symlink (its target is
//! replaced), the mode and, where the OS allows, the owner are kept, and a new file is 0600
//! whatever the umask. An exclusive lock on a lock file beside the target serialises
//! read-modify-write cycles, so parallel writers (`make -j`, two terminals) lose nothing.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode of a file we create: readable by its owner only (it holds secrets).
pub const NEW_FILE_MODE: u32 = 0o600;

/// Follow `path` through symlinks (also a dangling one) to the file that holds the content.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

fn dir_and_name(real: &Path) -> io::Result<(PathBuf, String)> {
    let name = real
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| io::Error::other("not a file name"))?
        .to_string();
    let dir = match real.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

/// The lock file beside `real`: `.env` -> `.env.lock`, `prod.env` -> `.prod.env.lock`.
pub fn lock_path(real: &Path) -> io::Result<PathBuf> {
    let (dir, name) = dir_and_name(real)?;
    let hidden = if name.starts_with('.') {
        name
    } else {
        format!(".{name}")
    };
    Ok(dir.join(format!("{hidden}.lock")))
}

/// Temp files are `.<name>.tmp-<pid>-<n>` beside the target.
fn temp_prefix(name: &str) -> String {
    format!(".{}.tmp-", name.trim_start_matches('.'))
}

/// A file held under its exclusive lock; dropped, the lock is released.
pub struct Locked {
    real: PathBuf,
    _lock: File,
}

impl Locked {
    /// Take the lock for the file at `real` (already resolved), waiting for other writers.
    pub fn acquire(real: &Path) -> io::Result<Locked> {
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(NEW_FILE_MODE)
            .open(lock_path(real)?)?;
        lock.lock()?;
        Ok(Locked {
            real: real.to_path_buf(),
            _lock: lock,
        })
    }

    /// The file's bytes, or `None` when it does not exist yet.
    pub fn read(&self) -> io::Result<Option<Vec<u8>>> {
        match fs::read(&self.real) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The locked path.
    pub fn path(&self) -> &Path {
        &self.real
    }

    /// Replace the file with `contents`, atomically and durably, keeping mode and owner.
    pub fn replace(&self, contents: &[u8]) -> io::Result<()> {
        replace_file(&self.real, contents)
    }

    /// When the locked path is a folder (a venv): replace its file `name` the same way. The
    /// folder's lock is what keeps other writers of its files out.
    pub fn replace_inside(&self, name: &str, contents: &[u8]) -> io::Result<()> {
        replace_file(&self.real.join(name), contents)
    }
}

/// Replace the file at `real` (already resolved) with `contents`: temp file with the final
/// mode, fsync, rename, fsync of the folder. Mode and owner are kept; a new file is 0600.
/// Reached only through a [`Locked`] guard, which keeps other writers out.
fn replace_file(real: &Path, contents: &[u8]) -> io::Result<()> {
    let (dir, name) = dir_and_name(real)?;
    let existing = match fs::metadata(real) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let mode = existing
        .as_ref()
        .map_or(NEW_FILE_MODE, |m| m.permissions().mode() & 0o7777);
    remove_stale_temps(&dir, &name);
    let tmp = dir.join(format!(
        "{}{}-{}",
        temp_prefix(&name),
        std::process::id(),
        unique()
    ));
    let result = write_temp(&tmp, contents, mode, existing.as_ref())
        .and_then(|()| fs::rename(&tmp, real))
        .and_then(|()| File::open(&dir)?.sync_all());
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_temp(
    tmp: &Path,
    contents: &[u8],
    mode: u32,
    existing: Option<&fs::Metadata>,
) -> io::Result<()> {
    // Created with its final mode, so the content is never readable by others, even briefly.
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode & 0o700)
        .open(tmp)?;
    f.set_permissions(fs::Permissions::from_mode(mode))?;
    if let Some(m) = existing {
        // Keep the owner where allowed (root editing a user's file); otherwise it is ours.
        let _ = std::os::unix::fs::fchown(&f, Some(m.uid()), Some(m.gid()));
        f.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    f.write_all(contents)?;
    f.sync_all()
}

/// Temp files left by a writer that was killed: safe to remove because we hold the lock, and
/// they would otherwise keep secrets on disk.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = temp_prefix(name);
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix))
            {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_names_are_hidden_and_beside_the_file() {
        assert_eq!(
            lock_path(Path::new("a/.env")).ok(),
            Some(PathBuf::from("a/.env.lock"))
        );
        assert_eq!(
            lock_path(Path::new("prod.env")).ok(),
            Some(PathBuf::from("./.prod.env.lock"))
        );
    }

    #[test]
    fn resolve_follows_relative_and_dangling_links() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.env");
        std::os::unix::fs::symlink("real.env", dir.path().join(".env")).unwrap();
        assert_eq!(resolve(&dir.path().join(".env")).unwrap(), real);
    }

    #[test]
    fn replace_keeps_mode_and_creates_0600() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        let l = Locked::acquire(&p).unwrap();
        l.replace(b"A=1\n").unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        l.replace(b"A=2\n").unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(fs::read(&p).unwrap(), b"A=2\n");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
