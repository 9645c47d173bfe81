//! The lock beside a file (or a folder), and the guard that alone can replace it.

use crate::replace::{existing, replace_file};
use crate::{dir_and_name, Error, NEW_FILE_MODE};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long to wait before saying that we wait.
const ANNOUNCE_AFTER: Duration = Duration::from_secs(1);

/// How to wait for a lock another process holds.
#[derive(Clone, Copy, Default)]
pub struct Wait<'a> {
    /// Give up after this long (`None`: wait for as long as it takes).
    pub timeout: Option<Duration>,
    /// Called once, with the lock file's path, when the wait passes about a second.
    pub announce: Option<&'a dyn Fn(&Path)>,
}

/// The lock file beside `real`: `.env` -> `.env.lock`, `prod.env` -> `.prod.env.lock`.
pub fn lock_path(real: &Path) -> std::io::Result<PathBuf> {
    let (_, name) = dir_and_name(real)?;
    let hidden = if name.starts_with('.') {
        name
    } else {
        format!(".{name}")
    };
    Ok(real.with_file_name(format!("{hidden}.lock")))
}

/// A file (or folder) held under its exclusive lock; dropped, the lock is released.
pub struct Locked {
    real: PathBuf,
    allow_owner_change: bool,
    private: bool,
    _lock: File,
}

impl Locked {
    /// Lock the file at `real` (already resolved), which must be a regular file or not exist.
    pub fn file(real: &Path, wait: &Wait) -> Result<Locked, Error> {
        existing(real)?;
        Self::acquire(real, wait)
    }

    /// Lock a folder (a venv) whose own files are replaced with [`Locked::replace_inside`].
    pub fn folder(dir: &Path, wait: &Wait) -> Result<Locked, Error> {
        Self::acquire(dir, wait)
    }

    /// Rewrites may hand the file to us even when it belongs to another user or group.
    pub fn allowing_owner_change(mut self, allow: bool) -> Locked {
        self.allow_owner_change = allow;
        self
    }

    /// The file holds what must stay the owner's (prompts, answers): every replace and append
    /// leaves it 0600, whatever mode it had.
    pub fn private(mut self) -> Locked {
        self.private = true;
        self
    }

    fn acquire(real: &Path, wait: &Wait) -> Result<Locked, Error> {
        let path = lock_path(real).map_err(Error::io("name the lock of", real))?;
        if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(Error::NotRegular(path));
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(NEW_FILE_MODE)
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
            .open(&path)
            .map_err(Error::io("open the lock", &path))?;
        // Checked on what was opened: nothing can swap the path in between.
        if !lock.metadata().is_ok_and(|m| m.is_file()) {
            return Err(Error::NotRegular(path));
        }
        take(&lock, &path, wait)?;
        Ok(Locked {
            real: real.to_path_buf(),
            allow_owner_change: false,
            private: false,
            _lock: lock,
        })
    }

    /// The locked path.
    pub fn path(&self) -> &Path {
        &self.real
    }

    /// The file's bytes under the lock, or `None` when it does not exist yet (see [`read`]).
    pub fn read(&self) -> Result<Option<Vec<u8>>, Error> {
        read(&self.real)
    }

    /// [`Locked::read`], refusing a file larger than `cap` bytes.
    pub fn read_capped(&self, cap: u64) -> Result<Option<Vec<u8>>, Error> {
        read_capped(&self.real, cap)
    }

    /// Replace the file with `contents`, atomically and durably, keeping mode and owner.
    pub fn replace(&self, contents: &[u8]) -> Result<(), Error> {
        replace_file(&self.real, contents, self.policy())
    }

    /// Add `line` at the end of the file (created 0600 when missing), on a line of its own:
    /// when a killed writer left the file without a final newline, one goes first. Opened
    /// without following a symlink and without blocking; a file that is not regular, or
    /// would change owner, is refused as for [`Locked::replace`].
    pub fn append(&self, line: &[u8]) -> Result<(), Error> {
        crate::append::append_line(&self.real, line, self.policy())
    }

    fn policy(&self) -> crate::Policy {
        crate::Policy {
            allow_owner_change: self.allow_owner_change,
            private: self.private,
        }
    }

    /// When the locked path is a folder (a venv): replace its file `name` the same way. The
    /// folder's lock is what keeps other writers of its files out.
    pub fn replace_inside(&self, name: &str, contents: &[u8]) -> Result<(), Error> {
        replace_file(&self.real.join(name), contents, self.policy())
    }
}

/// The bytes of the file at `real` (already resolved), or `None` when it does not exist.
/// Never blocks: a device, FIFO, socket or folder is refused without being read. Without the
/// lock this is a first look only; what is rewritten must be read again under [`Locked`].
pub fn read(real: &Path) -> Result<Option<Vec<u8>>, Error> {
    read_capped(real, crate::READ_CAP)
}

/// [`read`], refusing a file larger than `cap` bytes ([`Error::TooLarge`]).
pub fn read_capped(real: &Path, cap: u64) -> Result<Option<Vec<u8>>, Error> {
    if existing(real)?.is_none() {
        return Ok(None);
    }
    let io = |what| Error::io(what, real);
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(real)
        .map_err(io("open"))?;
    // Checked on what was opened: nothing can swap the path in between.
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return Err(Error::NotRegular(real.to_path_buf()));
    }
    let mut bytes = Vec::new();
    f.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io("read"))?;
    if bytes.len() as u64 > cap {
        return Err(Error::TooLarge {
            path: real.to_path_buf(),
            cap,
        });
    }
    Ok(Some(bytes))
}

/// Take the lock on `lock`, waiting as `wait` says.
fn take(lock: &File, path: &Path, wait: &Wait) -> Result<(), Error> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    let mut announced = false;
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(Error::io("take the lock", path)(e)),
        }
        let waited = start.elapsed();
        if wait.timeout.is_some_and(|t| waited >= t) {
            return Err(Error::LockTimeout {
                lock: path.to_path_buf(),
                waited,
            });
        }
        if let (false, true, Some(announce)) = (announced, waited >= ANNOUNCE_AFTER, wait.announce)
        {
            announce(path);
            announced = true;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn lock_names_are_hidden_and_beside_the_file() {
        assert_eq!(
            lock_path(Path::new("a/.env")).ok(),
            Some(PathBuf::from("a/.env.lock"))
        );
        assert_eq!(
            lock_path(Path::new("prod.env")).ok(),
            Some(PathBuf::from(".prod.env.lock"))
        );
    }

    #[test]
    fn replace_keeps_mode_and_creates_0600() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        let l = Locked::file(&p, &Wait::default()).unwrap();
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
        assert_eq!(l.read().unwrap().unwrap(), b"A=2\n");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn a_held_lock_is_announced_once_and_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        let _held = Locked::file(&p, &Wait::default()).unwrap();
        let calls = std::cell::Cell::new(0);
        let announce = |_: &Path| calls.set(calls.get() + 1);
        let wait = Wait {
            timeout: Some(Duration::from_millis(1300)),
            announce: Some(&announce),
        };
        let err = Locked::file(&p, &wait).err().unwrap();
        assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn only_regular_files_are_locked_or_written() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        assert!(matches!(
            Locked::file(&sub, &Wait::default()),
            Err(Error::NotRegular(_))
        ));
        let p = dir.path().join(".env");
        std::os::unix::fs::symlink("/nonexistent-target", dir.path().join(".env.lock")).unwrap();
        assert!(matches!(
            Locked::file(&p, &Wait::default()),
            Err(Error::NotRegular(_))
        ));
        assert!(!Path::new("/nonexistent-target").exists());
    }
}
