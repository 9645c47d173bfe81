//! The stamp: what a venv was built from, written inside it after a successful install, so a
//! warm start can tell in microseconds that nothing changed.
//!
//! It is plain text: a format line, the Python (path, file identity, version), the venv's
//! resolved interpreter, then the *inputs* (installer and options, index variables, and the
//! exact bytes of every requirement and constraint file, length-prefixed). Up to date means
//! the inputs section equals the one computed now, byte for byte.

use std::fs;
use std::path::{Path, PathBuf};

/// File name of the stamp inside the venv.
pub const FILE_NAME: &str = ".venv-bootstrap-stamp";
/// Put in the folder before `python -m venv` runs, removed once the stamp is written: a folder
/// holding it was made by us, so it may be rebuilt even if `pyvenv.cfg` never got written.
pub const BUILDING: &str = ".venv-bootstrap-building";
/// Bumped whenever the stamp's meaning changes, so old stamps are not trusted.
const FORMAT: &str = "venv-bootstrap stamp 1";

/// The Python part of a stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonPart {
    pub path: String,
    pub identity: String,
    pub version: String,
    /// Where the venv's `bin/python` resolved when it was built.
    pub interpreter: String,
}

/// A stamp, read or to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub python: PythonPart,
    /// Everything else, already rendered: compared as bytes.
    pub inputs: Vec<u8>,
}

impl Stamp {
    /// The stamp's bytes.
    pub fn render(&self) -> Vec<u8> {
        let p = &self.python;
        let mut out = format!(
            "{FORMAT}\npython {}\npython-identity {}\npython-version {}\ninterpreter {}\n",
            p.path, p.identity, p.version, p.interpreter
        )
        .into_bytes();
        out.extend_from_slice(&self.inputs);
        out
    }

    /// Parse a stamp's bytes; `None` for anything not written by this format.
    pub fn parse(bytes: &[u8]) -> Option<Stamp> {
        let mut rest = bytes;
        let mut line = || -> Option<&str> {
            let end = rest.iter().position(|&b| b == b'\n')?;
            let l = std::str::from_utf8(&rest[..end]).ok()?;
            rest = &rest[end + 1..];
            Some(l)
        };
        if line()? != FORMAT {
            return None;
        }
        let path = line()?.strip_prefix("python ")?.to_string();
        let identity = line()?.strip_prefix("python-identity ")?.to_string();
        let version = line()?.strip_prefix("python-version ")?.to_string();
        let interpreter = line()?.strip_prefix("interpreter ")?.to_string();
        Some(Stamp {
            python: PythonPart {
                path,
                identity,
                version,
                interpreter,
            },
            inputs: rest.to_vec(),
        })
    }

    /// Read the stamp of `venv`, if there is a valid one.
    pub fn read(venv: &Path) -> Option<Stamp> {
        Stamp::parse(&fs::read(venv.join(FILE_NAME)).ok()?)
    }
}

/// What the inputs section is made of.
pub struct Inputs<'a> {
    pub installer: &'a str,
    pub options: Vec<String>,
    /// Every requirement and constraint file, nested ones included (see [`read_files`]).
    pub files: &'a [InputFile],
}

/// A requirement or constraint file, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// `requirement`, `constraint`, `pyproject`, `uv.lock` or `python-version`.
    pub kind: &'static str,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Variables that change what the installer fetches: part of the stamp.
const INDEX_VARS: &[&str] = &[
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS",
    "PIP_NO_INDEX",
    "PIP_TRUSTED_HOST",
    "PIP_CONSTRAINT",
    "PIP_PRE",
    "PIP_ONLY_BINARY",
    "PIP_NO_BINARY",
    "UV_INDEX",
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "UV_EXTRA_INDEX_URL",
    "UV_FIND_LINKS",
    "UV_NO_INDEX",
    "UV_OFFLINE",
    "UV_CONSTRAINT",
    "UV_PRERELEASE",
    "UV_INDEX_STRATEGY",
];

/// Render the inputs section.
pub fn render_inputs(inputs: &Inputs) -> Vec<u8> {
    let mut out = format!("installer {}\n", inputs.installer).into_bytes();
    for o in &inputs.options {
        out.extend_from_slice(format!("option {o}\n").as_bytes());
    }
    for var in INDEX_VARS {
        if let Some(v) = std::env::var_os(var) {
            out.extend_from_slice(format!("env {var}={}\n", v.to_string_lossy()).as_bytes());
        }
    }
    for f in inputs.files {
        out.extend_from_slice(
            format!("{} {} {}\n", f.kind, f.bytes.len(), f.path.display()).as_bytes(),
        );
        out.extend_from_slice(&f.bytes);
        out.push(b'\n');
    }
    out
}

/// Read the requirement and constraint files and, depth first, the files their `-r`/`-c`
/// lines name (relative to the file that names them), each once. Fails, naming the file (and
/// the line that referenced it), when one cannot be read.
pub fn read_files(
    requirements: &[PathBuf],
    constraints: &[PathBuf],
) -> Result<Vec<InputFile>, String> {
    let mut files = Vec::new();
    let mut seen = Vec::new();
    for (kind, list) in [("requirement", requirements), ("constraint", constraints)] {
        for path in list {
            add_file(&mut files, kind, path, None, &mut seen)?;
        }
    }
    Ok(files)
}

/// Add one file and, depth first, the files its `-r`/`-c` lines name.
fn add_file(
    files: &mut Vec<InputFile>,
    kind: &'static str,
    path: &Path,
    from: Option<(&Path, usize)>,
    seen: &mut Vec<PathBuf>,
) -> Result<(), String> {
    if !first_visit(seen, path) {
        return Ok(());
    }
    let bytes =
        read_regular(path, envtools_cli::input::SETTINGS_CAP).map_err(|why| match from {
            Some((f, n)) => format!("{} (named in {}:{n}): {why}", path.display(), f.display()),
            None => format!("{}: {why}", path.display()),
        })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let nested_files: Vec<(usize, &'static str, PathBuf)> = String::from_utf8_lossy(&bytes)
        .lines()
        .enumerate()
        .filter_map(|(i, line)| nested(line).map(|(k, name)| (i + 1, k, dir.join(name))))
        .collect();
    files.push(InputFile {
        kind,
        path: path.to_path_buf(),
        bytes,
    });
    for (line, nested_kind, nested_path) in nested_files {
        add_file(files, nested_kind, &nested_path, Some((path, line)), seen)?;
    }
    Ok(())
}

/// A requirements or constraints file's bytes. Only a readable regular file will do: a
/// folder, FIFO or device is refused without being read (nothing blocks), and so is a missing
/// file (the caller decides whether a missing default file means "no requirements").
fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let real = envtools_store::resolve(path).map_err(|e| e.to_string())?;
    match envtools_store::read_capped(&real, cap) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err("No such file or directory".into()),
        Err(envtools_store::Error::NotRegular(_)) => Err("not a regular file".into()),
        Err(envtools_store::Error::TooLarge { cap, .. }) => Err(format!(
            "larger than {} (the cap)",
            envtools_cli::size::binary(cap)
        )),
        Err(envtools_store::Error::Io { source, .. }) => {
            Err(envtools_cli::failure::describe(&source))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// One input file of `kind` (`pyproject`, `uv.lock`, `python-version`), read as requirement
/// files are (a regular file only).
pub fn read_input(kind: &'static str, path: &Path) -> Result<InputFile, String> {
    // A pin is one short line; the others may be large lock files, but not without end.
    let cap = match kind {
        "python-version" => 64 << 10,
        _ => envtools_cli::input::SETTINGS_CAP,
    };
    let bytes = read_regular(path, cap).map_err(|why| format!("{}: {why}", path.display()))?;
    Ok(InputFile {
        kind,
        path: path.to_path_buf(),
        bytes,
    })
}

/// True the first time a file is reached, by its real path: `-r ../requirements.txt` in a
/// nested file, or two files naming each other, must not loop.
fn first_visit(seen: &mut Vec<PathBuf>, path: &Path) -> bool {
    let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if seen.contains(&real) {
        return false;
    }
    seen.push(real);
    true
}

/// A `-r FILE` / `--requirement FILE` / `-c FILE` / `--constraint=FILE` line.
pub(crate) fn nested(line: &str) -> Option<(&'static str, &str)> {
    let line = line.split(" #").next().unwrap_or("").trim();
    for (kind, flags) in [
        ("requirement", ["--requirement", "-r"]),
        ("constraint", ["--constraint", "-c"]),
    ] {
        for flag in flags {
            if let Some(rest) = line.strip_prefix(flag) {
                let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
                if !rest.is_empty()
                    && (flag.len() == 2 || line[flag.len()..].starts_with([' ', '=']))
                {
                    return Some((kind, rest));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_lines() {
        assert_eq!(nested("-r base.txt"), Some(("requirement", "base.txt")));
        assert_eq!(nested("-rbase.txt"), Some(("requirement", "base.txt")));
        assert_eq!(
            nested("--requirement=dev.txt  # x"),
            Some(("requirement", "dev.txt"))
        );
        assert_eq!(
            nested("-c constraints.txt"),
            Some(("constraint", "constraints.txt"))
        );
        assert_eq!(nested("requests==2.0"), None);
        assert_eq!(nested("--requirements-are-not-a-flag x"), None);
    }

    #[test]
    fn stamp_round_trips() {
        let s = Stamp {
            python: PythonPart {
                path: "/usr/bin/python3".into(),
                identity: "1:2:3:4.5".into(),
                version: "3.11.2".into(),
                interpreter: "/usr/bin/python3.11".into(),
            },
            inputs: b"installer pip\nrequirement 3 r.txt\na\nb\n".to_vec(),
        };
        assert_eq!(Stamp::parse(&s.render()), Some(s));
        assert_eq!(Stamp::parse(b"venv-bootstrap stamp 0\n"), None);
    }

    #[test]
    fn nested_files_are_followed_relative_to_their_parent() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(
            dir.path().join("requirements.txt"),
            "-r sub/base.txt\nflask\n",
        )
        .unwrap();
        fs::write(dir.path().join("sub/base.txt"), "-c pins.txt\nrequests\n").unwrap();
        fs::write(dir.path().join("sub/pins.txt"), "requests==2.31\n").unwrap();
        let reqs = [dir.path().join("requirements.txt")];
        let render = || {
            let files = read_files(&reqs, &[])?;
            let inputs = Inputs {
                installer: "pip",
                options: vec![],
                files: &files,
            };
            Ok::<_, String>(String::from_utf8(render_inputs(&inputs)).unwrap())
        };
        let text = render().unwrap();
        assert!(text.contains("requests==2.31"), "{text}");
        assert!(text.contains("constraint 15 "), "{text}");
        // Files naming each other through `..` are read once each, not until the path is
        // too long.
        fs::write(
            dir.path().join("sub/base.txt"),
            "-c pins.txt\n-r ../requirements.txt\nrequests\n",
        )
        .unwrap();
        let text = render().unwrap();
        assert_eq!(text.matches("requirement ").count(), 2, "{text}");
        fs::remove_file(dir.path().join("sub/pins.txt")).unwrap();
        let err = render().unwrap_err();
        assert!(
            err.contains("pins.txt (named in ") && err.contains("base.txt:1"),
            "{err}"
        );
    }
}
