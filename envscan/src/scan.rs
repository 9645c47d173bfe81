//! Looking in files: which files (the repository's, else a folder walk; regular files only,
//! no symlink followed, `.git/` and the `.env` files read left out), and each file's bytes
//! read in chunks in bounded memory, a notebook cell by cell.

use crate::exit_codes;
use crate::report::{Findings, Place};
use envtools_cli::{Context, Failure};
use envtools_secrets::Found;
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

/// What one file holds: its findings, in order.
pub type Hits = Vec<(Place, Found)>;

/// Scan `files` on every core, reporting each file's findings in the order of `files`.
pub fn files_parallel(
    matcher: &Matcher,
    files: &[PathBuf],
    found: &mut Findings,
) -> Result<(), Failure> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<Hits, Failure>>> = (0..files.len()).map(|_| None).collect();
    let slots = std::sync::Mutex::new(&mut results);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut buf = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = files.get(i) else { return };
                    let hits = file(matcher, path, &mut buf);
                    if let Ok(mut slots) = slots.lock() {
                        slots[i] = Some(hits);
                    }
                }
            });
        }
    });
    for hits in results.into_iter().flatten() {
        for (place, f) in hits? {
            found.add(place, &f)?;
        }
    }
    Ok(())
}

/// Scan one file: a notebook cell by cell, anything else (text or binary) line by line.
/// `buf` is reused from file to file.
pub fn file(matcher: &Matcher, path: &Path, buf: &mut Vec<u8>) -> Result<Hits, Failure> {
    let name = path
        .strip_prefix("./")
        .unwrap_or(path)
        .display()
        .to_string();
    let Ok(file) = envtools_cli::input::open_regular(path) else {
        return Ok(Vec::new()); // gone, or not a regular file (a FIFO is never read)
    };
    if path.extension().is_some_and(|e| e == "ipynb") {
        let text = envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP);
        let notebook = text.map(|t| serde_json::from_slice::<serde_json::Value>(&t));
        if let Ok(Ok(nb @ serde_json::Value::Object(_))) = notebook {
            return Ok(notebook_cells(matcher, &name, &nb));
        }
    }
    let mut found: Vec<(u64, Found)> = Vec::new();
    reader(matcher, file, buf, Lines::Later, &mut |at, _, f| {
        found.push((at, f.clone()))
    })
    .with_path(exit_codes::ERROR, path)?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let offsets: Vec<u64> = found.iter().map(|(at, _)| *at).collect();
    let lines = lines_at(path, &offsets, buf).with_path(exit_codes::ERROR, path)?;
    Ok(found
        .into_iter()
        .zip(lines)
        .map(|((_, f), line)| {
            let place = Place {
                file: name.clone(),
                at: format!(":{line}"),
            };
            (place, f)
        })
        .collect())
}

/// A notebook: each cell's source and outputs, named `FILE: cell N source|output`.
fn notebook_cells(matcher: &Matcher, name: &str, nb: &serde_json::Value) -> Hits {
    let mut hits = Vec::new();
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
                hits.push((place, f));
            }
        }
    }
    hits
}

/// When line numbers are found: as the bytes pass (a stream read once), or afterwards, only
/// for a file that has findings (most have none, and counting every newline of every file
/// would cost more than the search).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Now,
    Later,
}

/// Scan what `input` gives, a chunk at a time in `buf` (a match across two chunks is found),
/// calling `hit` with each finding's offset, its line (0 with [`Lines::Later`]) and itself.
pub fn reader(
    matcher: &Matcher,
    mut input: impl Read,
    buf: &mut Vec<u8>,
    lines: Lines,
    hit: &mut dyn FnMut(u64, usize, &Found),
) -> std::io::Result<()> {
    let keep = matcher.longest().saturating_sub(1);
    if buf.len() < CHUNK + keep {
        buf.resize(CHUNK + keep, 0);
    }
    let (mut filled, mut line, mut base) = (0usize, 1usize, 0u64);
    loop {
        let n = match input.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        filled += n;
        if n != 0 && filled < buf.len() {
            continue; // search full buffers only
        }
        let limit = if n == 0 { filled } else { filled - keep };
        let mut counted = 0;
        for f in matcher
            .find_all(&buf[..filled])
            .into_iter()
            .filter(|f| f.start < limit)
        {
            if lines == Lines::Now {
                line += count_lines(&buf[counted..f.start]);
                counted = f.start;
            }
            let at_line = if lines == Lines::Now { line } else { 0 };
            hit(base + f.start as u64, at_line, &f);
        }
        if lines == Lines::Now {
            line += count_lines(&buf[counted..limit]);
        }
        buf.copy_within(limit..filled, 0);
        filled -= limit;
        base += limit as u64;
        if n == 0 {
            return Ok(());
        }
    }
}

/// The line of each of `offsets` (sorted) in the file at `path`, read again.
fn lines_at(path: &Path, offsets: &[u64], buf: &mut [u8]) -> std::io::Result<Vec<usize>> {
    let mut file = envtools_cli::input::open_regular(path)?;
    let (mut out, mut line, mut at) = (Vec::with_capacity(offsets.len()), 1usize, 0u64);
    let mut next = offsets.iter().peekable();
    while next.peek().is_some() {
        let n = file.read(buf)?;
        let chunk = &buf[..n];
        let mut from = 0usize;
        while let Some(&&o) = next.peek() {
            if n != 0 && o >= at + n as u64 {
                break;
            }
            let upto = ((o - at) as usize).min(n);
            line += count_lines(&chunk[from..upto]);
            from = upto;
            out.push(line);
            next.next();
        }
        line += count_lines(&chunk[from..]);
        at += n as u64;
        if n == 0 {
            break;
        }
    }
    Ok(out)
}

/// Newlines in `bytes`, counted a block of 255 at a time in bytes (which vectorises).
fn count_lines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|c| usize::from(c.iter().map(|&b| u8::from(b == b'\n')).sum::<u8>()))
        .sum()
}
