//! Looking through git: what is staged (the index, as it will be committed, not the working
//! file), and every version of every file in a history (each blob once, named by the first
//! commit that has it); and the pre-commit hook that runs `envscan --staged`.

use crate::exit_codes;
use crate::report::{Findings, Place};
use crate::scan;
use envtools_cli::{Context, Failure};
use envtools_secrets::Matcher;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn git(args: &[&str]) -> Result<Vec<u8>, Failure> {
    let out = Command::new("git")
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .context(exit_codes::ERROR, || "cannot run git")?;
    if !out.status.success() {
        let why = envtools_cli::text::one_line(&String::from_utf8_lossy(&out.stderr), 200);
        return Err(Failure::new(
            exit_codes::ERROR,
            format!("git {}: {why}", args[0]),
        ));
    }
    Ok(out.stdout)
}

/// NUL-separated fields of `bytes`.
fn fields(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

/// `--staged`: each file added, copied, modified or renamed in the index, as staged.
pub fn scan_staged(matcher: &Matcher, found: &mut Findings) -> Result<(), Failure> {
    let names = git(&[
        "diff",
        "--cached",
        "--name-only",
        "-z",
        "--diff-filter=ACMR",
    ])?;
    let blobs: Vec<(String, String)> = fields(&names)
        .into_iter()
        .map(|path| (format!(":{path}"), format!("{path} (staged)")))
        .collect();
    blobs_scan(matcher, &blobs, found)
}

/// `--history RANGE`: every file version the commits of RANGE add, each blob once.
pub fn scan_history(matcher: &Matcher, range: &str, found: &mut Findings) -> Result<(), Failure> {
    let log = git(&[
        "log",
        "--format=%x00%h",
        "--raw",
        "--no-abbrev",
        "-z",
        "--no-renames",
        range,
        "--",
    ])?;
    let mut seen = std::collections::HashSet::new();
    let mut blobs = Vec::new();
    let mut commit = String::new();
    let mut parts = fields(&log).into_iter();
    while let Some(field) = parts.next() {
        let field = field.trim_start_matches('\n').to_string();
        if let Some(raw) = field.strip_prefix(':') {
            // `:old-mode new-mode old-blob new-blob status`, then the path.
            let path = parts.next().unwrap_or_default();
            let words: Vec<&str> = raw.split(' ').collect();
            let (blob, status) = (
                words.get(3).copied().unwrap_or(""),
                words.get(4).copied().unwrap_or(""),
            );
            if status != "D" && !blob.bytes().all(|b| b == b'0') && seen.insert(blob.to_string()) {
                blobs.push((blob.to_string(), format!("{commit}:{path}")));
            }
        } else if !field.is_empty() {
            commit = field.chars().take(12).collect();
        }
    }
    blobs_scan(matcher, &blobs, found)
}

/// Scan blobs (any name git's cat-file takes) through one `git cat-file --batch`, each as
/// it streams (bounded memory whatever the blob's size). `blobs`: (object, shown name).
fn blobs_scan(
    matcher: &Matcher,
    blobs: &[(String, String)],
    found: &mut Findings,
) -> Result<(), Failure> {
    if blobs.is_empty() {
        return Ok(());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context(exit_codes::ERROR, || "cannot run git cat-file")?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(Failure::new(exit_codes::ERROR, "git cat-file: no pipes"));
    };
    let names: Vec<String> = blobs.iter().map(|(o, _)| format!("{o}\n")).collect();
    let feeder = std::thread::spawn(move || {
        for n in names {
            if stdin.write_all(n.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut out = BufReader::new(stdout);
    let mut buf = Vec::new();
    for (_, shown) in blobs {
        let Some(size) = blob_size(&mut out)? else {
            continue; // missing or not a blob (a submodule)
        };
        let blob = (&mut out).take(size);
        let mut hits = Vec::new();
        scan::reader(
            matcher,
            blob,
            &mut buf,
            scan::Lines::Now,
            &mut |_, line, f| {
                let place = Place {
                    file: shown.clone(),
                    at: format!(":{line}"),
                };
                hits.push((place, f.clone()))
            },
        )
        .context(exit_codes::ERROR, || "git cat-file")?;
        for (place, f) in hits {
            found.add(place, &f)?;
        }
        let mut newline = [0u8; 1];
        out.read_exact(&mut newline)
            .context(exit_codes::ERROR, || "git cat-file")?;
    }
    let _ = feeder.join();
    let _ = child.wait();
    Ok(())
}

/// The size of the next blob `git cat-file --batch` sends; `None` when it is missing or not
/// a blob (and nothing follows its header).
fn blob_size(out: &mut impl BufRead) -> Result<Option<u64>, Failure> {
    let mut header = String::new();
    out.read_line(&mut header)
        .context(exit_codes::ERROR, || "git cat-file")?;
    match header.trim_end().rsplit_once(' ') {
        Some((_, s)) if header.contains(" blob ") => s
            .parse()
            .map(Some)
            .map_err(|_| Failure::new(exit_codes::ERROR, "git cat-file: a bad header")),
        _ => Ok(None),
    }
}

/// `hook` with [`HOOK_LINE`] added: before a last `exit` or `exec` line (which would end the
/// hook before it), else at the end.
fn with_hook_line(hook: &str) -> String {
    let mut lines: Vec<&str> = hook.lines().collect();
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let at = match last {
        Some(i)
            if ["exit", "exec"]
                .iter()
                .any(|w| lines[i].trim_start().starts_with(w)) =>
        {
            i
        }
        _ => lines.len(),
    };
    lines.insert(at, HOOK_LINE);
    lines.join("\n") + "\n"
}

/// The line the hook runs.
const HOOK_LINE: &str = "envscan --staged || exit $?";

/// `--install-hook`: write `.git/hooks/pre-commit`, or add the line to the one there.
pub fn install_hook() -> Result<u8, Failure> {
    let path = String::from_utf8_lossy(&git(&["rev-parse", "--git-path", "hooks/pre-commit"])?)
        .trim()
        .to_string();
    let path = std::path::PathBuf::from(path);
    let old = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_path(exit_codes::ERROR, &path),
    };
    let new = match &old {
        Some(text) if text.contains("envscan --staged") => {
            eprintln!("envscan: {} already runs envscan --staged", path.display());
            return Ok(exit_codes::SUCCESS);
        }
        Some(text) => with_hook_line(text),
        None => format!("#!/bin/sh\n# Added by envscan --install-hook: no .env secret in a commit.\n{HOOK_LINE}\n"),
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_path(exit_codes::ERROR, dir)?;
    }
    std::fs::write(&path, new).with_path(exit_codes::ERROR, &path)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .with_path(exit_codes::ERROR, &path)?;
    let what = if old.is_some() {
        "added envscan --staged to"
    } else {
        "wrote"
    };
    eprintln!("envscan: {what} {}", path.display());
    Ok(exit_codes::SUCCESS)
}
