//! What to change: from the command line, from answers (a hidden prompt or standard input),
//! or from `.env.example`'s missing keys. Every key is checked and every value encoded before
//! anything is written.

use crate::cli::Cli;
use crate::exit_codes;
use crate::prompt::{Answer, Answers, Question};
use envfile::edit::{Change, Expect};
use envfile::encode::{self, Unportable};
use envfile::Parsed;
use envtools_cli::{Context, Failure, IntoFailure};
use std::path::Path;

/// The changes to make, and what each key must read back as.
#[derive(Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    values: Vec<(String, Option<String>)>,
}

impl Plan {
    /// Set `key` to `value`, encoded (refused when no encoding carries it).
    pub fn set(&mut self, key: &str, value: String, unportable: bool) -> Result<(), Failure> {
        let encoded = encode_value(key, &value, unportable)?;
        self.changes.push(Change::Set {
            key: key.to_string(),
            encoded,
        });
        self.values.push((key.to_string(), Some(value)));
        Ok(())
    }

    fn unset(&mut self, key: &str) {
        self.changes.push(Change::Unset {
            key: key.to_string(),
        });
        self.values.push((key.to_string(), None));
    }

    /// How many keys get a non-empty value.
    pub fn saved_values(&self) -> usize {
        self.values
            .iter()
            .filter(|(_, v)| v.as_deref().is_some_and(|v| !v.is_empty()))
            .count()
    }

    /// What each changed key must read back as, for the verify step.
    pub fn expectations(&self) -> Vec<Expect<'_>> {
        self.values
            .iter()
            .map(|(key, value)| Expect {
                key,
                value: value.as_deref(),
            })
            .collect()
    }
}

/// What one key of the command line (or of the example) needs: a value given, or a question.
pub enum Item {
    /// `KEY=VALUE`.
    Given { key: String, value: String },
    /// A KEY to ask for.
    Ask(Ask),
}

/// One key to ask for, with what the question shows.
pub struct Ask {
    pub key: String,
    /// Offered as the answer to an empty reply (from `.env.example`).
    pub default: Option<String>,
    /// The comment lines above the key in `.env.example`.
    pub explanation: Vec<String>,
    /// The key already has a value: an empty answer keeps it.
    pub has_old: bool,
    /// Typed hidden (a KEY of the command line always is; an example's key when the example
    /// or its name says it is sensitive).
    pub sensitive: bool,
    pub required: bool,
    pub ty: Option<envtools_schema::Type>,
}

impl Ask {
    /// The question, as the prompt (or the page) asks it: hidden when sensitive, unless
    /// `visible`.
    pub fn question(&self, visible: bool) -> Question<'_> {
        Question {
            key: &self.key,
            has_old: self.has_old,
            default: self.default.as_deref(),
            explanation: &self.explanation,
            visible: visible || !self.sensitive,
            required: self.required,
            ty: self.ty.as_ref(),
        }
    }
}

/// A plan, and how asking ended.
pub struct Built {
    pub plan: Plan,
    /// Ctrl-C at a question: the answers given before it are still written.
    pub interrupted: Option<Failure>,
    /// Keys of the example skipped now or before, and left without a value.
    pub missing: Vec<String>,
}

/// The plan for this command line, asking at the terminal or on standard input. `real` is the
/// file (symlinks resolved), `name` how messages call it.
pub fn build(cli: &Cli, real: &Path, name: &str) -> Result<Built, Failure> {
    let mut built = Built {
        plan: Plan::default(),
        interrupted: None,
        missing: Vec::new(),
    };
    if cli.unset {
        for key in &cli.args {
            check_key(key)?;
            built.plan.unset(key);
        }
        return Ok(built);
    }
    let (items, skipped_before) = items_and_skips(cli, real, name)?;
    built.missing = skipped_before;
    let mut answers = Answers::new(cli.stdin_all, cli.confirm);
    for item in items {
        let (key, value) = match item {
            Item::Given { key, value } => (key, value),
            Item::Ask(ask) => match answers.ask(&ask.question(cli.visible)) {
                Ok(Answer::Value(v)) => (ask.key, v),
                Ok(Answer::KeepOld) => continue,
                Ok(Answer::Skip) => {
                    // Remembered as present and empty, so --if-unset does not ask again.
                    if !ask.has_old && ask.default.is_some() {
                        built.plan.set(&ask.key, String::new(), cli.unportable)?;
                    }
                    if ask.required {
                        built.missing.push(ask.key);
                    }
                    continue;
                }
                Err(f) if f.code == exit_codes::INTERRUPTED => {
                    built.interrupted = Some(f);
                    break;
                }
                Err(f) => return Err(f),
            },
        };
        built.plan.set(&key, value, cli.unportable)?;
    }
    Ok(built)
}

/// The keys this command line sets or asks for, in order: the example's keys that the file
/// lacks or has empty, or the KEY and KEY=VALUE arguments (with `--if-unset`, keys already
/// set are left out, and said so). Every key is checked before anything is asked.
pub fn items(cli: &Cli, real: &Path, name: &str) -> Result<Vec<Item>, Failure> {
    items_and_skips(cli, real, name).map(|(items, _)| items)
}

/// [`items`], and the required keys of the example skipped before (present and empty; with
/// `--if-unset` they are not asked again, and named in one line instead).
fn items_and_skips(
    cli: &Cli,
    real: &Path,
    name: &str,
) -> Result<(Vec<Item>, Vec<String>), Failure> {
    // What the file holds now decides what to ask (the edit re-reads it under the lock). Not
    // needed when every value is on the command line and nothing is conditional.
    let needs_current =
        cli.from_example.is_some() || cli.if_unset || cli.args.iter().any(|a| !a.contains('='));
    let bytes = if needs_current {
        read_current(real)?
    } else {
        Vec::new()
    };
    let text = envfile::read::decode(&bytes).map_err(|e| {
        Failure::at_line(
            exit_codes::ERROR,
            name,
            e.line,
            "not valid UTF-8; nothing written",
        )
    })?;
    let current = envfile::read::parse_text_for(text, |_| true);
    match &cli.from_example {
        Some(example) => from_example(example, &current, cli.if_unset),
        None => from_args(cli, name, &current).map(|items| (items, Vec::new())),
    }
}

/// A first look at the file (a device or FIFO is refused, never read).
fn read_current(real: &Path) -> Result<Vec<u8>, Failure> {
    let bytes = envtools_store::read(real).failure(exit_codes::ERROR)?;
    Ok(bytes.unwrap_or_default())
}

fn is_set(current: &Parsed, key: &str) -> bool {
    current.get(key).is_some_and(|v| !v.is_empty())
}

/// `--from-example`: the keys of the example (read as a schema) that the file lacks or has
/// empty; with `if_unset`, a key present and empty was skipped before: not asked, named.
fn from_example(
    example: &Path,
    current: &Parsed,
    if_unset: bool,
) -> Result<(Vec<Item>, Vec<String>), Failure> {
    let bytes = envtools_cli::input::read_file(example, envtools_cli::input::SETTINGS_CAP)
        .with_path(exit_codes::ERROR, example)?;
    let text = envfile::read::decode(&bytes).map_err(|e| {
        Failure::at_line(
            exit_codes::ERROR,
            example.display(),
            e.line,
            "not valid UTF-8",
        )
    })?;
    let schema = envtools_schema::parse(text);
    for w in &schema.warnings {
        envtools_cli::warn::at_line("envset", false, example.display(), w.line, &w.message);
    }
    let (mut items, mut skipped) = (Vec::new(), Vec::new());
    let mut seen: Vec<&str> = Vec::new();
    for k in &schema.items {
        if seen.contains(&k.key.as_str()) || is_set(current, &k.key) {
            continue;
        }
        seen.push(&k.key);
        if if_unset && current.get(&k.key).is_some() {
            if k.required {
                skipped.push(k.key.clone());
            }
            continue;
        }
        check_key(&k.key)?;
        items.push(Item::Ask(Ask {
            key: k.key.clone(),
            default: Some(k.default.clone()),
            explanation: k.help.iter().map(|h| format!("# {h}")).collect(),
            has_old: false,
            sensitive: k.sensitive,
            required: k.required,
            ty: k.ty.clone(),
        }));
    }
    Ok((items, skipped))
}

/// `KEY=VALUE` and `KEY` arguments.
fn from_args(cli: &Cli, name: &str, current: &Parsed) -> Result<Vec<Item>, Failure> {
    let split = |arg: &str| -> (String, Option<String>) {
        match arg.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (arg.to_string(), None),
        }
    };
    let args: Vec<_> = cli.args.iter().map(|a| split(a)).collect();
    for (key, _) in &args {
        check_key(key)?;
    }
    let mut items = Vec::new();
    for (key, value) in args {
        if cli.if_unset && is_set(current, &key) {
            eprintln!("envset: {key} is already set in {name}; left as it is");
            continue;
        }
        items.push(match value {
            Some(value) => Item::Given { key, value },
            None => Item::Ask(Ask {
                has_old: is_set(current, &key),
                key,
                default: None,
                explanation: Vec::new(),
                sensitive: true,
                required: true,
                ty: None,
            }),
        });
    }
    Ok(items)
}

/// Keys must be names every reader (and a shell) accepts.
fn check_key(key: &str) -> Result<(), Failure> {
    if encode::is_portable_key(key) {
        return Ok(());
    }
    Err(Failure::new(
        exit_codes::REFUSED,
        format!("invalid key name '{key}': use a letter or _, then letters, digits or _"),
    ))
}

/// The portable encoding, or with `--unportable` one that envget and sh read back exactly
/// (python-dotenv does not); a value no form can write safely for sh is refused either way.
fn encode_value(key: &str, value: &str, unportable: bool) -> Result<String, Failure> {
    let refuse = |why: &Unportable, hint: &str| {
        Failure::new(
            exit_codes::REFUSED,
            format!("{key}: value refused, file untouched: {why}{hint}"),
        )
    };
    let why = match encode::portable(value) {
        Ok(text) => return Ok(text),
        Err(why) => why,
    };
    match encode::dotenvy_only(value) {
        Err(never) => Err(refuse(
            &why,
            &format!("; not even --unportable can write it ({never})"),
        )),
        Ok(_) if !unportable => Err(refuse(
            &why,
            "; --unportable writes it for envget and sh (python-dotenv reads it differently)",
        )),
        Ok(text) => {
            envtools_cli::warn::warn(
                "envset",
                format_args!("{key}: envget and sh read it back exactly; python-dotenv reads it differently: {why}"),
            );
            Ok(text)
        }
    }
}
