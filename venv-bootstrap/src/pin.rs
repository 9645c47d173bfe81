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

fn cmp(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    (0..n)
        .map(|i| at(a, i).cmp(&at(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Whether `version` satisfies one PEP 440 clause (`>=3.9`, `==3.11.*`, `~=3.10`, ...).
fn clause(spec: &str, version: &[u64]) -> Result<bool, String> {
    let spec = spec.trim();
    let ops = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];
    let op = ops
        .iter()
        .find(|o| spec.starts_with(**o))
        .ok_or_else(|| format!("'{spec}' has no comparison"))?;
    let rest = spec[op.len()..].trim();
    let (rest, wildcard) = match rest.strip_suffix(".*") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let want = numbers(rest).ok_or_else(|| format!("cannot read the version in '{spec}'"))?;
    let prefix = |v: &[u64]| v.len() >= want.len() && v[..want.len()] == want[..];
    use std::cmp::Ordering::*;
    Ok(match (*op, wildcard) {
        ("==", true) => prefix(version),
        ("!=", true) => !prefix(version),
        ("==" | "===", false) => cmp(version, &want) == Equal,
        ("!=", false) => cmp(version, &want) != Equal,
        (">=", _) => cmp(version, &want) != Less,
        ("<=", _) => cmp(version, &want) != Greater,
        (">", _) => cmp(version, &want) == Greater,
        ("<", _) => cmp(version, &want) == Less,
        ("~=", _) if want.len() >= 2 => {
            cmp(version, &want) != Less && prefix_of(version, &want[..want.len() - 1])
        }
        _ => return Err(format!("cannot read '{spec}'")),
    })
}

fn prefix_of(v: &[u64], p: &[u64]) -> bool {
    v.len() >= p.len() && v[..p.len()] == p[..]
}

/// Whether `version` satisfies a whole specifier (clauses joined by commas).
pub fn satisfies(specifier: &str, version: &str) -> Result<bool, String> {
    let v = numbers(version).ok_or_else(|| format!("cannot read Python's version '{version}'"))?;
    for part in specifier.split(',').filter(|p| !p.trim().is_empty()) {
        if !clause(part, &v)? {
            return Ok(false);
        }
    }
    Ok(true)
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
