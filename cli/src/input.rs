//! Reading a file a user names (`-f FILE`, `--format FILE`, a template, an attachment): regular
//! files only, and never more than a cap. A FIFO, socket, device or folder is refused without
//! being read (the open does not block), so `/dev/zero` cannot eat the memory and a FIFO with
//! no writer cannot hang the tool. `-` (where a tool allows it) is standard input, under the
//! same cap.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The cap for a file of settings (`.env`, a template, a JSON schema, a history): 64 MiB.
pub const SETTINGS_CAP: u64 = 64 << 20;

/// The bytes of the regular file at `path` (symlinks followed), at most `cap` of them; an
/// error names what is wrong ("not a regular file", "larger than 64 MiB") without the path,
/// which the caller adds.
pub fn read_file(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    read_capped(file, cap)
}

/// Open `path` for reading only if it is a regular file, without blocking on a FIFO.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)?;
    // Checked on what was opened: nothing can swap the path in between.
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// The error of a path that is a FIFO, device, socket or folder.
pub fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")
}

/// Standard input, at most `cap` bytes.
pub fn read_stdin(cap: u64) -> io::Result<Vec<u8>> {
    read_capped(io::stdin().lock(), cap)
}

/// `-` is standard input, anything else [`read_file`].
pub fn read_file_or_stdin(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        read_stdin(cap)
    } else {
        read_file(path, cap)
    }
}

fn read_capped(reader: impl Read, cap: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(cap));
    }
    Ok(bytes)
}

/// The error of input over `cap` bytes.
pub fn too_large(cap: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than {} (the cap)", crate::size::binary(cap)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_only_and_never_past_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_file(&f, 10).unwrap(), b"0123456789");
        let e = read_file(&f, 9).unwrap_err();
        assert_eq!(e.to_string(), "larger than 9 B (the cap)");
        assert_eq!(
            read_file(dir.path(), 10).unwrap_err().to_string(),
            "not a regular file"
        );
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // No writer: a plain open would block forever.
        assert_eq!(
            read_file(&fifo, 10).unwrap_err().to_string(),
            "not a regular file"
        );
        let zero = read_file(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(zero.to_string(), "not a regular file");
    }
}
