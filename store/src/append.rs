//! Appending a line to a file (ollama-chat's log), under the same rules as the replace:
//! regular files only (opened without following a symlink and without blocking, checked on
//! what was opened), a new file 0600, a private file made 0600 again. Reached only through
//! [`crate::Locked`], so concurrent writers never interleave.

use crate::{Error, Policy, NEW_FILE_MODE};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Append `line` (and a newline when it lacks one) to the file at `real`; a newline goes
/// first when the file ends mid-line (a killed writer's partial line).
pub(crate) fn append_line(real: &Path, line: &[u8], policy: Policy) -> Result<(), Error> {
    let io = |what| Error::io(what, real);
    let mut f = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(NEW_FILE_MODE)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(real)
        .map_err(|e| match e.raw_os_error() {
            Some(nix::libc::ELOOP) => Error::NotRegular(real.to_path_buf()),
            _ => io("open")(e),
        })?;
    let meta = f.metadata().map_err(io("read the metadata of"))?;
    if !meta.is_file() {
        return Err(Error::NotRegular(real.to_path_buf()));
    }
    if policy.private && meta.permissions().mode() & 0o077 != 0 {
        f.set_permissions(std::fs::Permissions::from_mode(NEW_FILE_MODE))
            .map_err(io("make private"))?;
    }
    let mut text = Vec::with_capacity(line.len() + 2);
    if ends_mid_line(&mut f) {
        text.push(b'\n');
    }
    text.extend_from_slice(line);
    if !line.ends_with(b"\n") {
        text.push(b'\n');
    }
    f.write_all(&text).map_err(io("append to"))
}

/// Whether the file's last byte is not a newline.
fn ends_mid_line(file: &mut File) -> bool {
    let mut last = [0u8; 1];
    file.seek(SeekFrom::End(-1)).is_ok() && file.read_exact(&mut last).is_ok() && last[0] != b'\n'
}

#[cfg(test)]
mod tests {
    use crate::{Locked, Wait};
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn lines_are_appended_whole_and_a_private_file_is_made_0600() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.jsonl");
        fs::write(&p, "a\npartial").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        let l = Locked::file(&p, &Wait::default()).unwrap().private();
        l.append(b"b").unwrap();
        l.append(b"c\n").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "a\npartial\nb\nc\n");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_symlink_or_fifo_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        let p = dir.path().join("log.jsonl");
        std::os::unix::fs::symlink(&target, &p).unwrap();
        let l = Locked::file(&dir.path().join("log2"), &Wait::default()).unwrap();
        drop(l);
        let err = crate::append::append_line(&p, b"x", crate::Policy::default()).unwrap_err();
        assert!(matches!(err, crate::Error::NotRegular(_)), "{err}");
        assert!(!target.exists());
    }
}
