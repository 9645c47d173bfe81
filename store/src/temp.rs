//! Temp file names only we make, and the sweep of those a killed writer left behind.
//!
//! A temp file beside `NAME` is `.NAME.tmp-PID-SEQ-RANDOM` (a leading dot of NAME dropped):
//! the writer's process id, a counter, and 16 hex digits of randomness. The sweep removes a
//! file only when its name parses exactly so, for this NAME, and process PID is gone; a
//! user's own `.env.tmp-notes` never matches.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

fn prefix(name: &str) -> String {
    format!(".{}.tmp-", name.trim_start_matches('.'))
}

/// A fresh temp path for `name` in `dir`.
pub fn path(dir: &Path, name: &str) -> PathBuf {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(seq);
    dir.join(format!(
        "{}{}-{seq}-{:016x}",
        prefix(name),
        std::process::id(),
        h.finish()
    ))
}

/// The writer's pid, when `file` is exactly a temp name of ours for `name`.
fn writer_of(file: &str, name: &str) -> Option<u32> {
    let rest = file.strip_prefix(&prefix(name))?;
    let mut parts = rest.split('-');
    let (pid, seq, random) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let hex = random.len() == 16
        && random
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (parts.next().is_none() && digits(pid) && digits(seq) && hex)
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether process `pid` is gone (a process of another user still counts as there).
fn is_gone(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    matches!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
        Err(nix::errno::Errno::ESRCH)
    )
}

/// Remove the temp files for `name` in `dir` whose writer is gone: safe because the caller
/// holds the lock, and needed because they may hold secrets.
pub fn sweep(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file.to_str().and_then(|f| writer_of(f, name)) else {
            continue;
        };
        if pid != me && is_gone(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_exact_names_parse() {
        let dir = Path::new("d");
        let p = path(dir, ".env");
        let made = p.file_name().and_then(|n| n.to_str()).unwrap();
        assert_eq!(writer_of(made, ".env"), Some(std::process::id()));
        assert_eq!(
            writer_of(".env.tmp-12-3-00000000000000ff", ".env"),
            Some(12)
        );
        for other in [
            ".env.tmp-notes",
            ".env.tmp-12-3",
            ".env.tmp-12-3-00000000000000ff-x",
            ".env.tmp-12-3-00000000000000FF",
            ".env.tmp--3-00000000000000ff",
            ".prod.env.tmp-12-3-00000000000000ff",
        ] {
            assert_eq!(writer_of(other, ".env"), None, "{other}");
        }
    }

    #[test]
    fn the_sweep_keeps_live_writers_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let gone = ".env.tmp-2147483646-0-00000000000000aa"; // no such process
        let alive = format!(".env.tmp-{}-0-00000000000000bb", std::process::id());
        for f in [gone, alive.as_str(), ".env.tmp-notes"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        sweep(dir.path(), ".env");
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut want = vec![".env.tmp-notes".to_string(), alive];
        want.sort();
        assert_eq!(left, want);
    }
}
