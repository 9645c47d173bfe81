//! The atomic, durable replace: a temp file with the final mode, owner and group, fsync,
//! rename over the file, fsync of the folder. Reached only through [`crate::Locked`].

use crate::{dir_and_name, owner, temp, Error, Policy, NEW_FILE_MODE};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The metadata of `real` when it is a regular file, `None` when it does not exist.
pub fn existing(real: &Path) -> Result<Option<fs::Metadata>, Error> {
    match fs::symlink_metadata(real) {
        Ok(m) if m.is_file() => Ok(Some(m)),
        Ok(_) => Err(Error::NotRegular(real.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read the metadata of", real)(e)),
    }
}

/// Replace the file at `real` (already resolved) with `contents`.
pub(crate) fn replace_file(real: &Path, contents: &[u8], policy: Policy) -> Result<(), Error> {
    let (dir, name) = dir_and_name(real).map_err(Error::io("name", real))?;
    let old = existing(real)?;
    let mode = match &old {
        Some(m) if !policy.private => m.permissions().mode() & 0o7777,
        _ => NEW_FILE_MODE,
    };
    let allow_owner_change = policy.allow_owner_change;
    temp::sweep(&dir, &name);
    let tmp = temp::path(&dir, &name);
    let result = write_temp(&tmp, contents, mode, old.as_ref(), real, allow_owner_change)
        .and_then(|()| fs::rename(&tmp, real).map_err(Error::io("replace", real)))
        .and_then(|()| {
            File::open(&dir)
                .and_then(|d| d.sync_all())
                .map_err(Error::io("sync the folder of", real))
        });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_temp(
    tmp: &Path,
    contents: &[u8],
    mode: u32,
    old: Option<&fs::Metadata>,
    real: &Path,
    allow_owner_change: bool,
) -> Result<(), Error> {
    let io = |what| Error::io(what, real);
    // Created readable by us alone, and kept so while it is written: a temp file that a kill
    // leaves behind holds the content, and others may not read it, even briefly.
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode & 0o700)
        .open(tmp)
        .map_err(io("create a temp file beside"))?;
    if let Some(old) = old {
        owner::keep(&f, old, real, allow_owner_change)?;
    }
    f.write_all(contents).map_err(io("write"))?;
    // The final mode last, after the owner (chown may clear set-id bits) and the content.
    f.set_permissions(fs::Permissions::from_mode(mode))
        .map_err(io("set the mode of"))?;
    f.sync_all().map_err(io("sync"))
}
