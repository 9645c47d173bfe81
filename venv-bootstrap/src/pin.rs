//! The Python pin: `requires-python` (pyproject.toml) and `.python-version`, checked against
//! the interpreter before anything is built. venv-bootstrap never downloads an interpreter:
//! under Nix the interpreter comes from the flake.

/// A version as numbers: `3.11.2` -> `[3, 11, 2]`.
fn numbers(text: &str) -> Option<Vec<u64>> {
    text.trim()
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u64>>>()
        .filter(|v| !v.is_empty())
}

/// Whether `version` (the interpreter's, `3.11.2` or `3.13.0rc1`) satisfies a PEP 440
/// specifier (`>=3.9,<4`, `~=3.10`, `==3.11.*`, `>=3.13.0rc1`, `===3.11.7`), as the spec
/// says: pep440_rs (astral's parser, the one uv uses), not a subset of our own.
pub fn satisfies(specifier: &str, version: &str) -> Result<bool, String> {
    use std::str::FromStr;
    let v = pep440_rs::Version::from_str(version.trim())
        .map_err(|_| format!("cannot read Python's version '{version}'"))?;
    let spec = pep440_rs::VersionSpecifiers::from_str(specifier)
        .map_err(|e| format!("cannot read '{specifier}' ({e})"))?;
    Ok(spec.contains(&v))
}

fn prefix_of(v: &[u64], p: &[u64]) -> bool {
    v.len() >= p.len() && v[..p.len()] == p[..]
}

/// Whether `version` is what a `.python-version` file asks for: its first line, `3.11` (any
/// 3.11.x) or `3.11.7`, optionally with a `cpython-`/`cpython@`/`python` prefix. `None` when
/// the file names something this cannot check (another implementation, a virtualenv name).
pub fn matches_pin(pin_text: &str, version: &str) -> Option<bool> {
    let line = pin_text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let bare = ["cpython-", "cpython@", "cpython", "python"]
        .iter()
        .find_map(|p| line.strip_prefix(p))
        .unwrap_or(line);
    let want = numbers(bare)?;
    let have = numbers(version)?;
    Some(prefix_of(&have, &want))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifiers() {
        for (spec, v, ok) in [
            (">=3.9", "3.11.2", true),
            (">=3.12", "3.11.2", false),
            (">=3.9,<3.11", "3.11.2", false),
            (">=3.9, <4", "3.11.2", true),
            ("==3.11.*", "3.11.2", true),
            ("!=3.11.*", "3.11.2", false),
            ("~=3.10", "3.11.2", true),
            ("~=3.11.3", "3.11.2", false),
            ("==3.11", "3.11.0", true),
            (">3.11", "3.11.2", true),
            // Pre-releases and arbitrary equality, as PEP 440 says.
            (">=3.13.0rc1", "3.13.0rc1", true),
            (">=3.13.0rc1", "3.13.0", true),
            (">=3.13", "3.13.0rc1", false),
            (">=3.13.0rc2", "3.13.0rc1", false),
            ("===3.11.2", "3.11.2", true),
            ("===3.11", "3.11.2", false),
        ] {
            assert_eq!(satisfies(spec, v), Ok(ok), "{spec} {v}");
        }
        assert!(satisfies("3.11", "3.11.2").is_err());
    }

    #[test]
    fn python_version_files() {
        assert_eq!(matches_pin("3.11\n", "3.11.2"), Some(true));
        assert_eq!(matches_pin("3.12", "3.11.2"), Some(false));
        assert_eq!(matches_pin("# pin\ncpython-3.11.2\n", "3.11.2"), Some(true));
        assert_eq!(matches_pin("3.11.7", "3.11.2"), Some(false));
        assert_eq!(matches_pin("pypy3.10", "3.11.2"), None);
    }
}
