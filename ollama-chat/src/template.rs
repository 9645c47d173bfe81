//! Templates: a system prompt with its model and options under a name (`llm -t`, aichat's
//! roles). One pretty-printed JSON file per template, `NAME.json` under
//! `$XDG_CONFIG_HOME/ollama-chat/templates` (`~/.config/...` without it), so a template can be
//! edited by hand, diffed, or copied to a teammate. Written atomically under its lock.

use crate::exit_codes;
use envtools_cli::{Context, Failure, IntoFailure};
use envtools_store::{Locked, Wait};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// What a template holds; every part is optional.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub options: Map<String, Value>,
}

/// The folder of templates.
pub fn folder() -> Result<PathBuf, Failure> {
    crate::xdg::path("XDG_CONFIG_HOME", ".config", "templates", "templates")
}

/// A template's file; the name is letters, digits, `.`, `_` and `-`, not starting with `.`.
pub fn path(name: &str) -> Result<PathBuf, Failure> {
    let good = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !good {
        return Err(Failure::new(
            exit_codes::USAGE,
            format!(
                "template name {name:?}: use letters, digits, '.', '_' and '-' (at most 64, \
                 not starting with '.')"
            ),
        ));
    }
    Ok(folder()?.join(format!("{name}.json")))
}

/// Read the template `name`.
pub fn load(name: &str) -> Result<Template, Failure> {
    let path = path(name)?;
    let text = match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::new(
                exit_codes::USAGE,
                format!("no template {name} (--templates lists them)"),
            ))
        }
        read => read.with_path(exit_codes::USAGE, &path)?,
    };
    parse(&path, &text)
}

fn parse(path: &Path, text: &str) -> Result<Template, Failure> {
    serde_json::from_str(text).map_err(|e| {
        Failure::new(
            exit_codes::USAGE,
            format!("{}: not a template ({e})", path.display()),
        )
    })
}

/// Write the template `name` (replacing one of that name); returns its file.
pub fn save(name: &str, template: &Template) -> Result<PathBuf, Failure> {
    let path = path(name)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_path(exit_codes::USAGE, dir)?;
    }
    let locked = Locked::file(&path, &Wait::default()).failure(exit_codes::USAGE)?;
    let mut text = serde_json::to_string_pretty(template).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    locked.replace(text.as_bytes()).failure(exit_codes::USAGE)?;
    Ok(path)
}

/// Every template, by name; a malformed one is an error naming its file.
pub fn list() -> Result<Vec<(String, Template)>, Failure> {
    let dir = folder()?;
    let entries = match std::fs::read_dir(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        read => read.with_path(exit_codes::USAGE, &dir)?,
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(name) = file.strip_suffix(".json").filter(|n| !n.starts_with('.')) else {
            continue;
        };
        let path = entry.path();
        let text = std::fs::read_to_string(&path).with_path(exit_codes::USAGE, &path)?;
        out.push((name.to_string(), parse(&path, &text)?));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// `--templates`: one line each, `NAME  MODEL  first line of the system prompt`.
pub fn print_list() -> Result<(), Failure> {
    for (name, t) in list()? {
        let system = t
            .system
            .as_deref()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        let system: String = system.chars().take(60).collect();
        println!("{name}\t{}\t{system}", t.model.as_deref().unwrap_or("-"));
    }
    Ok(())
}

/// `options` over the template's: a flag's `-o KEY=VALUE` wins key by key.
pub fn merge_options(
    template: &Map<String, Value>,
    given: Map<String, Value>,
) -> Map<String, Value> {
    let mut out = template.clone();
    out.extend(given);
    out
}
