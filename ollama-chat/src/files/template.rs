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
    crate::files::xdg::path("XDG_CONFIG_HOME", ".config", "templates", "templates")
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
    let text = match read(&path) {
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

/// A template file's text: a regular file of at most 64 MiB.
fn read(path: &Path) -> std::io::Result<String> {
    let bytes = envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP)?;
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"))
}

/// A template's text: a JSON object of the known parts, with options that `-o` would take.
fn parse(path: &Path, text: &str) -> Result<Template, Failure> {
    let bad = |why: String| {
        Failure::new(
            exit_codes::USAGE,
            format!("{}: not a template ({why})", path.display()),
        )
    };
    let value: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    if !value.is_object() {
        return Err(bad("not a JSON object".into()));
    }
    let template: Template = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
    for (key, value) in &template.options {
        crate::server::options::check_option(key, value)
            .map_err(|why| bad(format!("option {why}")))?;
    }
    Ok(template)
}

/// Write the template `name` (replacing one of that name); returns its file.
pub fn save(name: &str, template: &Template) -> Result<PathBuf, Failure> {
    let path = path(name)?;
    crate::files::xdg::private_folder(&path)?;
    let locked = Locked::file(&path, &Wait::default())
        .failure(exit_codes::USAGE)?
        .private();
    let mut text = serde_json::to_string_pretty(template).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    locked.replace(text.as_bytes()).failure(exit_codes::USAGE)?;
    Ok(path)
}

/// Every template, by name; a malformed or unreadable one is a warning naming its file, and
/// the others are listed.
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
        let template = read(&path)
            .with_path(exit_codes::USAGE, &path)
            .and_then(|text| parse(&path, &text));
        match template {
            Ok(t) => out.push((name.to_string(), t)),
            Err(f) => envtools_cli::warn::warn("ollama-chat", &f),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// `--templates`: one line each, `NAME  MODEL  first line of the system prompt`.
pub fn print_list() -> Result<(), Failure> {
    let mut out = envtools_cli::out::Lines::default();
    for (name, t) in list()? {
        let system = t
            .system
            .as_deref()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        let system: String = system.chars().take(60).collect();
        let line = format!("{name}\t{}\t{system}", t.model.as_deref().unwrap_or("-"));
        if out.line(&line)? == envtools_cli::out::Flow::Closed {
            break;
        }
    }
    out.flush()?;
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
