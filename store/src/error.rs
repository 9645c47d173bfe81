//! Why a store operation did not happen. The messages name paths and owners, never contents.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// A refused or failed store operation.
#[derive(Debug)]
pub enum Error {
    /// The path (after following symlinks) is a device, FIFO, socket or folder.
    NotRegular(PathBuf),
    /// Rewriting the file would change its owner or group (we are not root, not the owner).
    OwnerChange { path: PathBuf, owner: String },
    /// The file is larger than the reader allows.
    TooLarge { path: PathBuf, cap: u64 },
    /// The lock was still held by another process after the allowed wait.
    LockTimeout { lock: PathBuf, waited: Duration },
    /// The OS said no: `what` we were doing, to which path.
    Io {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl Error {
    /// An I/O error while doing `what` to `path`.
    pub(crate) fn io(
        what: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { what, path, source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotRegular(p) => write!(f, "{} is not a regular file", p.display()),
            Error::OwnerChange { path, owner } => write!(
                f,
                "{} belongs to {owner}: rewriting it would make it yours",
                path.display()
            ),
            Error::TooLarge { path, cap } => {
                write!(f, "{}: larger than {cap} bytes (the cap)", path.display())
            }
            Error::LockTimeout { lock, waited } => write!(
                f,
                "another process still holds the lock {} after {} s",
                lock.display(),
                waited.as_secs()
            ),
            Error::Io { what, path, source } => {
                let text = envtools_cli::failure::describe(source);
                write!(f, "{}: cannot {what}: {text}", path.display())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
