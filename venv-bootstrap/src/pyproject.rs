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
        for group in groups {
            for r in self.group(group, &mut Vec::new())? {
                add(&r);
            }
        }
        Ok(Wanted {
            requirements,
            editable: self.file.build_system.is_some() && !no_project,
            name: project.and_then(|p| p.name.clone()),
        })
    }

    /// The requirements of `[dependency-groups].name`, its included groups first-in-place.
    fn group(&self, name: &str, seen: &mut Vec<String>) -> Result<Vec<String>, String> {
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
        let mut out = Vec::new();
        for item in items {
            match item {
                GroupItem::Requirement(r) => out.push(r.clone()),
                GroupItem::Include { include } => out.extend(self.group(include, seen)?),
            }
        }
        seen.pop();
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
    fn lock_names() {
        let names = locked_names(
            "version = 1\n[[package]]\nname = \"a\"\nversion = \"1\"\n[[package]]\nname = \"b\"\n",
        )
        .unwrap();
        assert_eq!(names, ["a", "b"]);
    }
}
