//! Looking in files: which files (the repository's, else a folder walk; regular files only,
//! no symlink followed, `.git/` and the `.env` files read left out), and each file's bytes
//! read in chunks in bounded memory, a notebook cell by cell.

use crate::exit_codes;
use crate::report::{Findings, Place};
use envtools_cli::{Context, Failure};
use envtools_secrets::Matcher;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How much of a file is read at a time.
const CHUNK: usize = 1 << 20;

/// The files to scan: `paths` (folders walked), or the repository's files (with `all`, the
/// ignored ones too), else the current folder's.
pub fn files(paths: &[PathBuf], all: bool, skip: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for root in roots {
        let meta = std::fs::symlink_metadata(&root).with_path(exit_codes::ERROR, &root)?;
        if meta.is_file() {
            out.push(root);
        } else if meta.is_dir() {
            match git_files(&root, all) {
                Some(listed) => out.extend(listed),
                None => walk(&root, &mut out),
            }
        }
    }
    out.retain(|p| {
        let real = p.canonicalize().unwrap_or_else(|_| p.clone());
        !skip.contains(&real) && !p.components().any(|c| c.as_os_str() == ".git")
    });
    out.sort();
    out.dedup();
    Ok(out)
}

/// The files git knows below `dir` (tracked, and untracked unless ignored; with `all`, the
/// ignored ones too); `None` outside a repository.
fn git_files(dir: &Path, all: bool) -> Option<Vec<PathBuf>> {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args(["ls-files", "-z", "--cached", "--others"]);
    if !all {
        cmd.arg("--exclude-standard");
    }
    let out = cmd.stderr(std::process::Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let listed = out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| dir.join(String::from_utf8_lossy(p).as_ref()))
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        .collect();
    Some(listed)
}

/// Every regular file below `dir`; symlinks, FIFOs and devices are passed over.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() && entry.file_name() != ".git" => walk(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

/// Scan one file: a notebook cell by cell, anything else (text or binary) line by line.
pub fn file(matcher: &Matcher, path: &Path, found: &mut Findings) -> Result<(), Failure> {
    let name = path
        .strip_prefix("./")
        .unwrap_or(path)
        .display()
        .to_string();
    let Ok(file) = envtools_cli::input::open_regular(path) else {
        return Ok(()); // gone, or not a regular file (a FIFO is never read)
    };
    if path.extension().is_some_and(|e| e == "ipynb") {
        let text = envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP);
        let notebook = text.map(|t| serde_json::from_slice::<serde_json::Value>(&t));
        if let Ok(Ok(nb @ serde_json::Value::Object(_))) = notebook {
            return notebook_cells(matcher, &name, &nb, found);
        }
    }
    reader(matcher, file, &name, found).with_path(exit_codes::ERROR, path)
}

/// A notebook: each cell's source and outputs, named `FILE: cell N source|output`.
fn notebook_cells(
    matcher: &Matcher,
    name: &str,
    nb: &serde_json::Value,
    found: &mut Findings,
) -> Result<(), Failure> {
    let cells = nb["cells"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    for (i, cell) in cells.iter().enumerate() {
        for part in ["source", "outputs", "attachments"] {
            let text = serde_json::to_string(&cell[part]).unwrap_or_default();
            let what = if part == "outputs" {
                "output"
            } else {
                part.trim_end_matches('s')
            };
            for f in matcher.find_all(text.as_bytes()) {
                let place = Place {
                    file: name.to_string(),
                    at: format!(": cell {} {what}", i + 1),
                };
                found.add(place, &f)?;
            }
        }
    }
    Ok(())
}

/// Scan what `input` gives, in chunks (a match across two chunks is found), naming each
/// finding `NAME:LINE`.
pub fn reader(
    matcher: &Matcher,
    mut input: impl Read,
    name: &str,
    found: &mut Findings,
) -> std::io::Result<()> {
    let keep = matcher.longest().saturating_sub(1);
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + keep);
    let mut line = 1usize;
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        buf.extend_from_slice(&chunk[..n]);
        let limit = if n == 0 {
            buf.len()
        } else {
            buf.len().saturating_sub(keep)
        };
        let mut counted = 0;
        for f in matcher
            .find_all(&buf)
            .into_iter()
            .filter(|f| f.start < limit)
        {
            line += count_lines(&buf[counted..f.start]);
            counted = f.start;
            let place = Place {
                file: name.to_string(),
                at: format!(":{line}"),
            };
            found
                .add(place, &f)
                .map_err(|f| std::io::Error::other(f.to_string()))?;
        }
        line += count_lines(&buf[counted..limit]);
        buf.drain(..limit);
        if n == 0 {
            return Ok(());
        }
    }
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}
