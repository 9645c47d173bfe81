//! Which packages the requirements put into the venv, so that a package dropped from them can
//! be removed while packages installed by hand stay.
//!
//! The ledger (`.venv-bootstrap-owned` inside the venv) lists the packages our installs added.
//! Before an install it also records a *baseline*: what was installed before it. After the
//! install succeeds, what appeared since the baseline is ours; the baseline goes. (A killed
//! install leaves the baseline, so the next run still counts what that install added.)
//! Anything else in the venv (pip itself, packages installed by hand) is never ours.
//!
//! After an install whose requirements changed, the venv's Python works out which of our
//! packages neither the requirements nor any hand-installed package still needs
//! (`required.py`), and the installer removes those. A requirement that names no package (a
//! path, a URL, `-e`) makes that unknowable: then nothing is removed.

use crate::stamp::InputFile;
use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// File name of the ledger inside the venv.
pub const FILE_NAME: &str = ".venv-bootstrap-owned";
const FORMAT: &str = "venv-bootstrap owned 1";
const SCRIPT: &str = include_str!("required.py");

/// The packages our installs added, and the baseline of an install in progress.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ledger {
    pub owned: BTreeSet<String>,
    pub baseline: Option<BTreeSet<String>>,
}

impl Ledger {
    /// The ledger of `venv`; empty when there is none (a venv from before ledgers, or new).
    pub fn read(venv: &Path) -> Ledger {
        let text = fs::read_to_string(venv.join(FILE_NAME)).unwrap_or_default();
        let mut lines = text.lines();
        if lines.next() != Some(FORMAT) {
            return Ledger::default();
        }
        let mut ledger = Ledger::default();
        for line in lines {
            if let Some(name) = line.strip_prefix("owned ") {
                ledger.owned.insert(name.to_string());
            } else if let Some(name) = line.strip_prefix("baseline ") {
                ledger
                    .baseline
                    .get_or_insert_with(BTreeSet::new)
                    .insert(name.to_string());
            } else if line == "baseline" {
                ledger.baseline.get_or_insert_with(BTreeSet::new);
            }
        }
        ledger
    }

    /// The ledger's bytes.
    pub fn render(&self) -> Vec<u8> {
        let mut out = format!("{FORMAT}\n");
        for name in &self.owned {
            out.push_str(&format!("owned {name}\n"));
        }
        if let Some(base) = &self.baseline {
            out.push_str("baseline\n");
            for name in base {
                out.push_str(&format!("baseline {name}\n"));
            }
        }
        out.into_bytes()
    }

    /// After a successful install that found `after` installed: ours are what we had and is
    /// still there, plus what appeared since the baseline.
    pub fn settle(&mut self, after: &BTreeSet<String>) {
        let base = self.baseline.take().unwrap_or_else(|| after.clone());
        self.owned = self
            .owned
            .iter()
            .filter(|n| after.contains(*n))
            .chain(after.difference(&base))
            .cloned()
            .collect();
    }
}

/// A distribution name as pip compares them (PEP 503): lower case, runs of `-_.` as one `-`.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// The distributions installed in the venv, by normalised name, read from the `*.dist-info`
/// and `*.egg-info` folders of its site-packages (no Python run).
pub fn installed(venv: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let Ok(libs) = fs::read_dir(venv.join("lib")) else {
        return names;
    };
    for lib in libs.flatten() {
        if !lib.file_name().to_string_lossy().starts_with("python") {
            continue;
        }
        let Ok(entries) = fs::read_dir(lib.path().join("site-packages")) else {
            continue;
        };
        for e in entries.flatten() {
            let file = e.file_name();
            let file = file.to_string_lossy();
            let stem = file
                .strip_suffix(".dist-info")
                .or_else(|| file.strip_suffix(".egg-info"));
            if let Some(stem) = stem {
                // `name-version[-pyX.Y]`: wheels escape `-` in the name as `_`.
                let name = stem.split('-').next().unwrap_or(stem);
                if !name.is_empty() {
                    names.insert(normalise(name));
                }
            }
        }
    }
    names
}

/// The requirement lines of the requirement `files` (nested files are already among them;
/// constraint files name no requirement), comments, options and per-requirement options cut.
/// `Err(line)` for an editable install, whose package cannot be named without building it.
pub fn requirement_lines(files: &[InputFile]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.kind == "requirement") {
        // pip joins lines ending in a backslash, then drops comments (`#` at the start or
        // after white space).
        let text = String::from_utf8_lossy(&f.bytes);
        let joined = text.replace("\\\r\n", "").replace("\\\n", "");
        for raw in joined.lines() {
            let line = match raw.find(" #").or_else(|| raw.find("\t#")) {
                Some(i) => &raw[..i],
                None => raw,
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || crate::stamp::nested(line).is_some() {
                continue;
            }
            if line.starts_with("-e") || line.starts_with("--editable") {
                return Err(line.to_string());
            }
            if line.starts_with('-') {
                continue; // --index-url, --find-links, --pre...: options, not requirements
            }
            // Per-requirement options (`--hash=...`) follow the requirement.
            let line = line.split(" --").next().unwrap_or(line).trim();
            out.push(line.to_string());
        }
    }
    Ok(out)
}

/// What [`no_longer_required`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// These of ours are needed by nothing: remove them.
    Remove(Vec<String>),
    /// A requirement names no package (here, the line): nothing can be removed safely.
    Unknown(String),
}

/// Ask the venv's Python which of `owned` nothing needs any more, given the requirement lines.
pub fn no_longer_required(
    python: &Path,
    lines: &[String],
    owned: &BTreeSet<String>,
    prepare: impl FnOnce(&mut Command),
) -> Result<Verdict, String> {
    let query = serde_json::json!({ "requirements": lines, "owned": owned });
    let mut cmd = Command::new(python);
    cmd.args(["-I", "-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    prepare(&mut cmd);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(query.to_string().as_bytes())
            .map_err(|e| format!("cannot talk to {}: {e}", python.display()))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").trim().to_string();
        return Err(format!("{} ({last})", out.status));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("unexpected answer from Python ({e})"))?;
    if let Some(line) = v.get("unknown").and_then(|l| l.as_str()) {
        return Ok(Verdict::Unknown(line.to_string()));
    }
    let names = v
        .get("remove")
        .and_then(|r| r.as_array())
        .ok_or("unexpected answer from Python (no \"remove\")")?;
    Ok(Verdict::Remove(
        names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn names_are_normalised_as_pip_does() {
        assert_eq!(normalise("Zope.Interface"), "zope-interface");
        assert_eq!(normalise("typing_extensions"), "typing-extensions");
        assert_eq!(normalise("a--_b"), "a-b");
    }

    #[test]
    fn ours_are_what_appeared_since_the_baseline_and_stayed() {
        let mut l = Ledger {
            owned: set(&["old", "gone"]),
            baseline: Some(set(&["pip", "old", "gone", "byhand"])),
        };
        l.settle(&set(&["pip", "old", "byhand", "new"]));
        assert_eq!(l.owned, set(&["old", "new"]));
        assert_eq!(l.baseline, None);
        assert_eq!(Ledger::read(Path::new("/nonexistent")), Ledger::default());
    }

    #[test]
    fn the_ledger_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        for l in [
            Ledger {
                owned: set(&["a", "b"]),
                baseline: Some(set(&[])),
            },
            Ledger {
                owned: set(&[]),
                baseline: Some(set(&["pip"])),
            },
            Ledger::default(),
        ] {
            let lock = envtools_store::Locked::folder(dir.path(), &Default::default()).unwrap();
            lock.replace_inside(FILE_NAME, &l.render()).unwrap();
            assert_eq!(Ledger::read(dir.path()), l);
        }
    }

    #[test]
    fn requirement_lines_follow_nested_files_and_drop_options_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(
            dir.path().join("requirements.txt"),
            "# top\n--index-url https://x/simple\n-r sub/base.txt\n-c pins.txt\n\
             flask[async]>=2 ; python_version > '3' # web\nrequests==2.31 \\\n    --hash=sha256:abc\n",
        )
        .unwrap();
        fs::write(
            dir.path().join("sub/base.txt"),
            "numpy\n-r ../requirements.txt\n",
        )
        .unwrap();
        fs::write(dir.path().join("pins.txt"), "numpy==2.0\n").unwrap();
        let lines_of = || {
            let files = crate::stamp::read_files(&[dir.path().join("requirements.txt")], &[]);
            requirement_lines(&files.unwrap())
        };
        // In any order: they are the roots of a dependency closure.
        let mut lines = lines_of().unwrap();
        lines.sort();
        let mut want = vec![
            "numpy",
            "flask[async]>=2 ; python_version > '3'",
            "requests==2.31",
        ];
        want.sort();
        assert_eq!(lines, want);
        fs::write(dir.path().join("sub/base.txt"), "-e .\n").unwrap();
        assert_eq!(lines_of(), Err("-e .".to_string()));
    }
}
