//! envset: write keys into a `.env` file. See `cli.rs` for the interface.

mod cli;
mod example;
mod exit_codes;
mod gitignore;
mod prompt;
mod update;

use clap::Parser;
use cli::Cli;
use envfile::edit::{Change, Expect};
use envfile::encode::{self, Unportable};
use prompt::{Answer, Answers, Question};
use std::process::ExitCode;

pub use envfile::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(kind) = cli.generate {
        return envfile::generate::print(kind, <Cli as clap::CommandFactory>::command());
    }
    match run(&cli) {
        Ok(()) => ExitCode::from(exit_codes::SUCCESS),
        Err(f) => f.report("envset"),
    }
}

/// The changes to make, and what each key must read back as.
#[derive(Default)]
struct Plan {
    changes: Vec<Change>,
    values: Vec<(String, Option<String>)>,
}

impl Plan {
    fn set(&mut self, key: &str, value: String, cli: &Cli) -> Result<(), Failure> {
        let encoded = encode_value(key, &value, cli.unportable)?;
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
}

fn run(cli: &Cli) -> Result<(), Failure> {
    check_usage(cli)?;
    let name = cli.file.display().to_string();
    let real = envfile::store::resolve(&cli.file)
        .map_err(|e| Failure::new(exit_codes::ERROR, format!("{name}: {e}")))?;
    // What the file holds now, to decide what to ask (the edit re-reads it under the lock).
    // Not needed when every value is on the command line and nothing is conditional.
    let needs_current =
        cli.from_example.is_some() || cli.if_unset || cli.args.iter().any(|a| !a.contains('='));
    let current_bytes = if needs_current {
        match std::fs::read(&real) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Failure::new(exit_codes::ERROR, format!("{name}: {e}"))),
        }
    } else {
        Vec::new()
    };
    let current_text = envfile::read::decode(&current_bytes).map_err(|e| {
        Failure::new(
            exit_codes::ERROR,
            format!("{name}:{}: not valid UTF-8; nothing written", e.line),
        )
    })?;
    let current = envfile::read::parse_text_for(current_text, |_| true);
    let is_set = |key: &str| current.get(key).is_some_and(|v| !v.is_empty());

    let mut plan = Plan::default();
    let mut answers = Answers::new(cli.stdin_all, cli.confirm);
    if let Some(example) = &cli.from_example {
        let bytes = std::fs::read(example)
            .map_err(|e| Failure::new(exit_codes::ERROR, format!("{}: {e}", example.display())))?;
        let text = envfile::read::decode(&bytes).map_err(|e| {
            Failure::new(
                exit_codes::ERROR,
                format!("{}:{}: not valid UTF-8", example.display(), e.line),
            )
        })?;
        for k in example::keys(text).iter().filter(|k| !is_set(&k.key)) {
            check_key(&k.key)?;
            let q = Question {
                key: &k.key,
                has_old: false,
                default: Some(&k.default),
                explanation: &k.explanation,
                visible: cli.visible,
            };
            if let Answer::Value(v) = answers.ask(&q)? {
                plan.set(&k.key, v, cli)?;
            }
        }
    } else if cli.unset {
        for key in &cli.args {
            check_key(key)?;
            plan.unset(key);
        }
    } else {
        // Check every key before asking anything.
        for arg in &cli.args {
            check_key(arg.split_once('=').map_or(arg.as_str(), |(k, _)| k))?;
        }
        for arg in &cli.args {
            let key = arg.split_once('=').map_or(arg.as_str(), |(k, _)| k);
            if cli.if_unset && is_set(key) {
                eprintln!("envset: {key} is already set in {name}; left as it is");
                continue;
            }
            let value = match arg.split_once('=') {
                Some((_, v)) => v.to_string(),
                None => {
                    let q = Question {
                        key,
                        has_old: is_set(key),
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
            plan.set(key, value, cli)?;
        }
    }
    if plan.changes.is_empty() {
        return Ok(());
    }

    let expect: Vec<Expect> = plan
        .values
        .iter()
        .map(|(key, value)| Expect {
            key,
            value: value.as_deref(),
        })
        .collect();
    let outcome = update::apply(&real, &name, &plan.changes, &expect)?;
    for key in &outcome.absent {
        eprintln!("envset: {key} is not set in {name}; nothing to remove");
    }
    gitignore::check(&real, outcome.created, cli.gitignore);
    Ok(())
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

/// The portable encoding, or with `--unportable` one that envget alone reads back.
fn encode_value(key: &str, value: &str, unportable: bool) -> Result<String, Failure> {
    let refuse = |why: &Unportable, hint: &str| {
        Failure::new(
            exit_codes::REFUSED,
            format!("{key}: value refused, file untouched: {why}{hint}"),
        )
    };
    match encode::portable(value) {
        Ok(text) => Ok(text),
        Err(why @ Unportable::Nul) => Err(refuse(&why, "")),
        Err(why) if unportable => {
            eprintln!("envset: warning: {key} is written for envget (dotenvy) only: {why}");
            encode::dotenvy_only(value).map_err(|why| refuse(&why, ""))
        }
        Err(why) => Err(refuse(
            &why,
            "; --unportable writes it for envget (dotenvy) alone",
        )),
    }
}

/// Combinations clap's attributes cannot express.
fn check_usage(cli: &Cli) -> Result<(), Failure> {
    let usage = |m: &str| Err(Failure::new(exit_codes::ERROR, m.to_string()));
    if cli.from_example.is_some() && (!cli.args.is_empty() || cli.unset) {
        return usage("--from-example takes no KEYs and no --unset");
    }
    if cli.from_example.is_none() && cli.args.is_empty() {
        return usage(
            "nothing to do: give KEY=VALUE, KEY, -u KEY or --from-example EXAMPLE (see --help)",
        );
    }
    if cli.unset && cli.args.iter().any(|a| a.contains('=')) {
        return usage("--unset takes KEYs, not KEY=VALUE");
    }
    if cli.stdin_all
        && (cli.from_example.is_some() || cli.args.len() != 1 || cli.args[0].contains('='))
    {
        return usage("--stdin-all reads the value of exactly one KEY");
    }
    Ok(())
}
