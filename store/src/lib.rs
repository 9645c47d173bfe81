//! `store`: the files the tools rewrite (`.env` by envset, a `--history` file by ollama-chat,
//! the stamp and ledger inside a venv by venv-bootstrap), replaced atomically and durably,
//! under a lock, without losing their identity. Why a crate of its own: three tools rewrite
//! files and must do it the same safe way, and none of that is about `.env` syntax (compare
//! uv's `uv-fs`). The replace is reachable only through [`Locked`], the lock guard, so no
//! caller can forget the lock.
//!
//! The rules, each for every path through the code:
//! - Only regular files are written: a device, FIFO, socket or folder (after following
//!   symlinks) is refused without being opened, so nothing blocks and nothing is replaced.
//! - A crash or `kill -9` at any instant leaves the old file or the new one, whole: the new
//!   content goes to a temp file in the same folder (mode already final), is fsynced, renamed
//!   over the file, and the folder is fsynced.
//! - A symlink stays a symlink (its target is replaced); the mode is kept; a new file is 0600
//!   whatever the umask; owner and group are kept, and a rewrite that would change them (you
//!   are not root and not the owner) is refused unless the caller allows it.
//! - An exclusive lock on a lock file beside the target (opened without following symlinks,
//!   and only if it is a regular file) serialises read-modify-write cycles, so parallel
//!   writers lose nothing. Waiting for it can be announced and bounded.
//! - Temp files have names only we make; a later writer removes, under the lock, those whose
//!   writer process is gone (they may hold secrets).

mod append;
mod error;
mod lock;
mod owner;
mod replace;
mod temp;

pub use error::Error;
pub use lock::{lock_path, read, read_capped, Locked, Wait};

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Mode of a file we create: readable by its owner only (it holds secrets).
pub const NEW_FILE_MODE: u32 = 0o600;

/// The most [`read`] takes of a file: 1 GiB.
pub const READ_CAP: u64 = 1 << 30;

/// How a write treats the file's identity.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Policy {
    /// A rewrite may hand the file to us when it belongs to another user or group.
    pub allow_owner_change: bool,
    /// The file ends 0600 whatever mode it had.
    pub private: bool,
}

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

/// The folder holding `real` and its file name.
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
