//! Owner and group across a rewrite: the new file gets those of the old one. When the OS
//! refuses (we are not root and not the owner, or not in the group), the file would change
//! hands; that is refused unless the caller allows it.

use crate::Error;
use std::fs::{File, Metadata};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Give `tmp` (our new file) the owner and group of `old`, the file it replaces.
pub fn keep(tmp: &File, old: &Metadata, path: &Path, allow_change: bool) -> Result<(), Error> {
    let new = tmp
        .metadata()
        .map_err(Error::io("read the metadata of", path))?;
    if (new.uid(), new.gid()) == (old.uid(), old.gid()) {
        return Ok(());
    }
    match std::os::unix::fs::fchown(tmp, Some(old.uid()), Some(old.gid())) {
        Ok(()) => Ok(()),
        Err(_) if allow_change => Ok(()),
        Err(_) => Err(Error::OwnerChange {
            path: path.to_path_buf(),
            owner: describe(&new, old),
        }),
    }
}

/// `user NAME` when the owner would change, else `group NAME`.
fn describe(new: &Metadata, old: &Metadata) -> String {
    use nix::unistd::{Gid, Group, Uid, User};
    if new.uid() != old.uid() {
        let name = User::from_uid(Uid::from_raw(old.uid()))
            .ok()
            .flatten()
            .map_or_else(|| old.uid().to_string(), |u| u.name);
        format!("user {name}")
    } else {
        let name = Group::from_gid(Gid::from_raw(old.gid()))
            .ok()
            .flatten()
            .map_or_else(|| old.gid().to_string(), |g| g.name);
        format!("group {name}")
    }
}
