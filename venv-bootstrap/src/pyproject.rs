//! `pyproject.toml` and `uv.lock`: what a project asks to have installed. From
//! `pyproject.toml`: `[project].dependencies`, the chosen `[dependency-groups]` (following
//! `include-group`) and `[project.optional-dependencies]` extras, the project itself (installed
//! editable) when it has a `[build-system]`, and `requires-python`. From `uv.lock`: the names
//! of the packages it locks. Parsed only when something must be installed: a warm start
//! compares the files' bytes, never their meaning.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, Default)]
struct File {
    project: Option<Project>,
    #[serde(rename = "dependency-groups")]
    groups: Option<BTreeMap<String, Vec<GroupItem>>>,
    #[serde(rename = "build-system")]
    build_system: Option<toml::Table>,
}

#[derive(Deserialize, Default)]
struct Project {
    name: Option<String>,
    dependencies: Option<Vec<String>>,
    #[serde(rename = "optional-dependencies")]
    optional: Option<BTreeMap<String, Vec<String>>>,
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum GroupItem {
    Requirement(String),
    Include {
        #[serde(rename = "include-group")]
        include: String,
    },
}

/// A parsed `pyproject.toml`.
pub struct Pyproject {
    file: File,
}

/// What to install for a pyproject.
#[derive(Debug, PartialEq, Eq)]
pub struct Wanted {
    /// Requirement specifiers, in order, without duplicates.
    pub requirements: Vec<String>,
    /// Install the project itself, editable (it has a build system, and `--no-project` was not
    /// given).
    pub editable: bool,
    /// The project's name, when it has one.
    pub name: Option<String>,
}

/// Parse `text` (the contents of `pyproject.toml`).
pub fn parse(text: &str) -> Result<Pyproject, String> {
    toml::from_str(text)
        .map(|file| Pyproject { file })
        .map_err(|e| format!("not valid: {}", e.message()))
}

impl Pyproject {
    /// `[project].requires-python`.
    pub fn requires_python(&self) -> Option<&str> {
        self.file.project.as_ref()?.requires_python.as_deref()
    }

    /// What to install with these groups and extras.
    pub fn wanted(
        &self,
        groups: &[String],
        extras: &[String],
        no_project: bool,
    ) -> Result<Wanted, String> {
        let project = self.file.project.as_ref();
        let mut requirements = Vec::new();
        let mut add = |r: &str| {
            if !requirements.iter().any(|x: &String| x == r) {
                requirements.push(r.to_string());
            }
        };
        for r in project
            .and_then(|p| p.dependencies.as_ref())
            .into_iter()
            .flatten()
        {
            add(r);
        }
        for extra in extras {
            let list = project
                .and_then(|p| p.optional.as_ref())
                .and_then(|o| o.get(extra))
                .ok_or_else(|| format!("no extra '{extra}' in [project.optional-dependencies]"))?;
            list.iter().for_each(|r| add(r));
        }
        let mut expanded = BTreeMap::new();
        for group in groups {
            for r in self.group(group, &mut Vec::new(), &mut expanded)? {
                add(&r);
            }
        }
        Ok(Wanted {
            requirements,
            editable: self.file.build_system.is_some() && !no_project,
            name: project.and_then(|p| p.name.clone()),
        })
    }

    /// The requirements of `[dependency-groups].name`, its included groups first-in-place,
    /// without duplicates. Each group is expanded once (`expanded` keeps the results), so
    /// groups that include each other in diamonds cost time and memory in proportion to the
    /// file, not to the number of paths through it.
    fn group(
        &self,
        name: &str,
        seen: &mut Vec<String>,
        expanded: &mut BTreeMap<String, Vec<String>>,
    ) -> Result<Vec<String>, String> {
        if let Some(done) = expanded.get(name) {
            return Ok(done.clone());
        }
        if seen.iter().any(|s| s == name) {
            return Err(format!("dependency group '{name}' includes itself"));
        }
        seen.push(name.to_string());
        let items = self
            .file
            .groups
            .as_ref()
            .and_then(|g| g.get(name))
            .ok_or_else(|| format!("no group '{name}' in [dependency-groups]"))?;
        let mut out: Vec<String> = Vec::new();
        let mut add = |r: String| {
            if !out.contains(&r) {
                out.push(r);
            }
        };
        for item in items {
            match item {
                GroupItem::Requirement(r) => add(r.clone()),
                GroupItem::Include { include } => self
                    .group(include, seen, expanded)?
                    .into_iter()
                    .for_each(&mut add),
            }
        }
        seen.pop();
        expanded.insert(name.to_string(), out.clone());
        Ok(out)
    }
}

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
}

/// The names of the packages a `uv.lock` locks.
pub fn locked_names(text: &str) -> Result<Vec<String>, String> {
    let lock: Lock = toml::from_str(text).map_err(|e| format!("not valid: {}", e.message()))?;
    Ok(lock.package.into_iter().map(|p| p.name).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[project]
name = "demo"
requires-python = ">=3.9"
dependencies = ["tinypkg==1.0", "extrapkg"]
[project.optional-dependencies]
fast = ["speedpkg>=2"]
[dependency-groups]
lint = ["lintpkg"]
dev = [{include-group = "lint"}, "devpkg", "tinypkg==1.0"]
[build-system]
requires = []
build-backend = "backend"
"#;

    #[test]
    fn dependencies_groups_extras_and_the_project() {
        let p = parse(TEXT).unwrap();
        assert_eq!(p.requires_python(), Some(">=3.9"));
        let w = p.wanted(&["dev".into()], &["fast".into()], false).unwrap();
        assert_eq!(
            w.requirements,
            [
                "tinypkg==1.0",
                "extrapkg",
                "speedpkg>=2",
                "lintpkg",
                "devpkg"
            ]
        );
        assert!(w.editable);
        assert_eq!(w.name.as_deref(), Some("demo"));
        assert!(!p.wanted(&[], &[], true).unwrap().editable);
        assert!(p
            .wanted(&["nope".into()], &[], false)
            .unwrap_err()
            .contains("no group 'nope'"));
        assert!(p
            .wanted(&[], &["nope".into()], false)
            .unwrap_err()
            .contains("no extra 'nope'"));
        assert!(parse("[project\n").is_err());
    }

    #[test]
    fn diamonds_of_includes_are_expanded_once_each() {
        // g0 = [a]; gN = [include gN-1, include gN-1, bN]: 2^40 paths, 41 groups.
        let mut text = String::from("[dependency-groups]\ng0 = [\"a\"]\n");
        for n in 1..=40 {
            let m = n - 1;
            text.push_str(&format!(
                "g{n} = [{{include-group = \"g{m}\"}}, {{include-group = \"g{m}\"}}, \"b{n}\"]\n"
            ));
        }
        let w = parse(&text)
            .unwrap()
            .wanted(&["g40".into()], &[], true)
            .unwrap();
        assert_eq!(w.requirements.len(), 41);
        assert_eq!(w.requirements[0], "a");
        assert_eq!(w.requirements[40], "b40");
        let cycle =
            "[dependency-groups]\na = [{include-group = \"b\"}]\nb = [{include-group = \"a\"}]\n";
        let err = parse(cycle)
            .unwrap()
            .wanted(&["a".into()], &[], true)
            .unwrap_err();
        assert!(err.contains("includes itself"), "{err}");
    }

    #[test]
    fn lock_names() {
        let names = locked_names(
            "version = 1\n[[package]]\nname = \"a\"\nversion = \"1\"\n[[package]]\nname = \"b\"\n",
        )
        .unwrap();
        assert_eq!(names, ["a", "b"]);
    }
}
