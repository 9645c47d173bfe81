//! What to change: from the command line, from answers (a hidden prompt or standard input),
//! or from `.env.example`'s missing keys. Every key is checked and every value encoded before
//! anything is written.

use crate::cli::Cli;
use crate::example;
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
    fn set(&mut self, key: &str, value: String, unportable: bool) -> Result<(), Failure> {
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

/// The plan for this command line. `real` is the file (symlinks resolved), `name` how
/// messages call it.
pub fn build(cli: &Cli, real: &Path, name: &str) -> Result<Plan, Failure> {
    if cli.unset {
        let mut plan = Plan::default();
        for key in &cli.args {
            check_key(key)?;
            plan.unset(key);
        }
        return Ok(plan);
    }
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
    let mut answers = Answers::new(cli.stdin_all, cli.confirm);
    match &cli.from_example {
        Some(example) => from_example(cli, example, &current, &mut answers),
        None => from_args(cli, name, &current, &mut answers),
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

/// `--from-example`: ask for each key of the example that the file lacks or has empty.
fn from_example(
    cli: &Cli,
    example: &Path,
    current: &Parsed,
    answers: &mut Answers,
) -> Result<Plan, Failure> {
    let bytes = std::fs::read(example).with_path(exit_codes::ERROR, example)?;
    let text = envfile::read::decode(&bytes).map_err(|e| {
        Failure::at_line(
            exit_codes::ERROR,
            example.display(),
            e.line,
            "not valid UTF-8",
        )
    })?;
    let mut plan = Plan::default();
    for k in example::keys(text)
        .iter()
        .filter(|k| !is_set(current, &k.key))
    {
        check_key(&k.key)?;
        let q = Question {
            key: &k.key,
            has_old: false,
            default: Some(&k.default),
            explanation: &k.explanation,
            visible: cli.visible,
        };
        if let Answer::Value(v) = answers.ask(&q)? {
            plan.set(&k.key, v, cli.unportable)?;
        }
    }
    Ok(plan)
}

/// `KEY=VALUE` and `KEY` arguments; every key is checked before anything is asked.
fn from_args(
    cli: &Cli,
    name: &str,
    current: &Parsed,
    answers: &mut Answers,
) -> Result<Plan, Failure> {
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
    let mut plan = Plan::default();
    for (key, value) in args {
        if cli.if_unset && is_set(current, &key) {
            eprintln!("envset: {key} is already set in {name}; left as it is");
            continue;
        }
        let value = match value {
            Some(v) => v,
            None => {
                let q = Question {
                    key: &key,
                    has_old: is_set(current, &key),
                    default: None,
                    explanation: &[],
                    visible: false,
                };
                match answers.ask(&q)? {
                    Answer::Value(v) => v,
                    Answer::KeepOld => continue,
                }
            }
        };
        plan.set(&key, value, cli.unportable)?;
    }
    Ok(plan)
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
