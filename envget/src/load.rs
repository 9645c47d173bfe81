//! Reading the `-f` files into one set of variables, reporting bad lines as warnings.

use crate::exit_codes;
use envfile::{Parsed, Vars};
use envtools_cli::{input, Context, Failure};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// How a file is named in messages: its path as given, or `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// One file, as read: its bytes, or (found by the chunked scan of a plain file) the entries
/// of the keys asked for.
pub struct Loaded {
    /// As named in messages.
    pub name: String,
    /// Where to read it again (`None`: standard input).
    pub path: Option<PathBuf>,
    pub content: Content,
}

/// What was read of a file.
pub enum Content {
    /// The whole file, to parse.
    Bytes(Vec<u8>),
    /// The entries of the keys asked for: the file held only plain lines, comments and blank
    /// lines, and was scanned in chunks without being held whole.
    Found(Parsed<'static>),
}

/// Read every file in order; a missing one is skipped when `missing_is_empty` (`--default`).
/// With keys in `only`, a regular file is first scanned in chunks (see `envfile::scan`).
pub fn read_all(
    files: &[PathBuf],
    missing_is_empty: bool,
    only: &[String],
) -> Result<Vec<Loaded>, Failure> {
    let mut out = Vec::with_capacity(files.len());
    for path in files {
        let name = display_name(path);
        match read_file(path, only) {
            Ok(content) => out.push(Loaded {
                path: (!is_stdin(path)).then(|| path.clone()),
                name,
                content,
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound && missing_is_empty => {}
            Err(e) => return Err(e).context(exit_codes::ERROR, || name),
        }
    }
    Ok(out)
}

/// Parse every file, keeping the entries of `only` (all entries when empty). Rejected lines are
/// reported on stderr as `FILE:LINE: reason`, and are an error under `--strict`.
pub fn parse_all<'a>(
    files: &'a [Loaded],
    only: &[String],
    strict: bool,
) -> Result<Vec<Parsed<'a>>, Failure> {
    let mut rejected = 0;
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let bytes = match &file.content {
            Content::Found(parsed) => {
                out.push(parsed.clone());
                continue;
            }
            Content::Bytes(bytes) => bytes,
        };
        let text = envfile::read::decode(bytes).map_err(|e| {
            Failure::at_line(exit_codes::ERROR, &file.name, e.line, "not valid UTF-8")
        })?;
        let parsed = if only.is_empty() {
            envfile::read::parse_text(text)
        } else {
            envfile::read::parse_text_for(text, |key| only.iter().any(|k| k == key))
        };
        for p in &parsed.problems {
            envtools_cli::warn::at_line("envget", strict, &file.name, p.line, &p.reason);
        }
        rejected += parsed.problems.len();
        out.push(parsed);
    }
    if strict && rejected > 0 {
        let s = if rejected == 1 { "" } else { "s" };
        let message = format!("{rejected} line{s} rejected (--strict)");
        return Err(Failure::new(exit_codes::ERROR, message));
    }
    Ok(out)
}

/// All files merged: later files and later lines win.
pub fn merge(parsed: Vec<Parsed<'_>>) -> Vars<'_> {
    let mut vars = Vars::new();
    for p in parsed {
        vars.extend_from(p);
    }
    vars
}

/// The value of `key` in the merged files, without merging them.
pub fn lookup<'a>(parsed: &'a [Parsed], key: &str) -> Option<&'a str> {
    parsed.iter().rev().find_map(|p| p.get(key))
}

/// Every key `file` sets, read again whole: for suggestions on the way to an error, when only
/// the KEYs asked for were kept. Unreadable files give none.
pub fn all_keys(file: &Loaded) -> Vec<String> {
    let again;
    let bytes = match (&file.content, &file.path) {
        (Content::Bytes(bytes), _) => bytes,
        (Content::Found(_), Some(path)) => match input::read_file(path, input::SETTINGS_CAP) {
            Ok(b) => {
                again = b;
                &again
            }
            Err(_) => return Vec::new(),
        },
        (Content::Found(_), None) => return Vec::new(),
    };
    match envfile::read::decode(bytes) {
        Ok(text) => envfile::read::parse_text(text)
            .entries
            .iter()
            .map(|e| e.key.to_string())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn read_file(path: &Path, only: &[String]) -> io::Result<Content> {
    if is_stdin(path) {
        return Ok(Content::Bytes(input::read_stdin(input::SETTINGS_CAP)?));
    }
    let mut file = input::open_regular(path)?;
    if file.metadata()?.len() > input::SETTINGS_CAP {
        return Err(input::too_large(input::SETTINGS_CAP));
    }
    if !only.is_empty() {
        if let Some(found) = envfile::scan::find_plain(&mut file, only)? {
            return Ok(Content::Found(found));
        }
        file.seek(SeekFrom::Start(0))?;
    }
    let mut buf = Vec::new();
    file.take(input::SETTINGS_CAP + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > input::SETTINGS_CAP {
        return Err(input::too_large(input::SETTINGS_CAP));
    }
    Ok(Content::Bytes(buf))
}
