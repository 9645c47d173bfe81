//! `--check EXAMPLE`: what a command would see (the files, the process environment winning as
//! in exec mode unless `--override`) against the example read as a schema (@env-spec, see
//! `envtools_schema`). One line per problem, naming the key, what is wrong and the rule's
//! `EXAMPLE:LINE`; never a value. Keys the files set that the example does not declare get a
//! note with the closest declared name.

use crate::exit_codes;
use envfile::Vars;
use envtools_cli::{Context, Failure};
use envtools_schema::{Problem, Schema};
use std::path::Path;

/// The example at `path`, read as a schema; its warnings said on stderr.
pub fn read_example(path: &Path) -> Result<Schema, Failure> {
    let bytes = envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP)
        .with_path(exit_codes::ERROR, path)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::new(
            exit_codes::ERROR,
            format!("{}: not valid UTF-8", path.display()),
        )
    })?;
    let schema = envtools_schema::parse(&text);
    for w in &schema.warnings {
        envtools_cli::warn::at_line("envget", false, path.display(), w.line, &w.message);
    }
    Ok(schema)
}

/// The problems of `vars` (and the environment, unless `override_env`) against `schema`.
pub fn problems(schema: &Schema, vars: &Vars, override_env: bool) -> Vec<Problem> {
    schema.problems(|key| {
        let env = std::env::var(key).ok().filter(|_| !override_env);
        env.or_else(|| vars.get(key).map(str::to_string))
    })
}

/// Keys the files set that the example does not declare, each with the closest declared key.
pub fn undeclared(schema: &Schema, vars: &Vars) -> Vec<(String, Option<String>)> {
    let declared: Vec<String> = schema.items.iter().map(|i| i.key.clone()).collect();
    vars.iter()
        .filter(|(k, _)| schema.get(k).is_none())
        .map(|(k, _)| {
            (
                k.to_string(),
                crate::keys::closest(k, &declared).map(str::to_string),
            )
        })
        .collect()
}

/// Report on stderr (and, with `json`, one object on stdout); exit 0 when there is no
/// problem, 1 otherwise.
pub fn report(
    example: &Path,
    problems: &[Problem],
    notes: &[(String, Option<String>)],
    json: bool,
) -> Result<u8, Failure> {
    let name = example.display();
    for p in problems {
        eprintln!("envget: {}: {} ({name}:{})", p.key, p.what, p.line);
    }
    for (key, near) in notes {
        let hint = near
            .as_ref()
            .map_or(String::new(), |n| format!(" (did you mean {n}?)"));
        eprintln!("envget: note: {key} is set but not declared in {name}{hint}");
    }
    if json {
        let list: Vec<serde_json::Value> = problems
            .iter()
            .map(|p| serde_json::json!({"key": p.key, "problem": p.what, "rule": format!("{name}:{}", p.line)}))
            .collect();
        let undeclared: Vec<&str> = notes.iter().map(|(k, _)| k.as_str()).collect();
        let v = serde_json::json!({"ok": problems.is_empty(), "problems": list, "undeclared": undeclared});
        envtools_cli::out::print(format!("{v}\n").as_bytes())?;
    }
    Ok(if problems.is_empty() {
        exit_codes::SUCCESS
    } else {
        exit_codes::KEY_MISSING
    })
}
