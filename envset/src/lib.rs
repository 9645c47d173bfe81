//! envset: write keys into a `.env` file. `cli.rs` is the interface; `plan.rs` decides what
//! to change (asking through `prompt.rs`, `example.rs`), `update.rs` writes it.

mod cli;
mod exit_codes;
mod gitignore;
mod plan;
mod prompt;
mod update;
mod web;

use cli::{Cli, PAGE};
use envtools_cli::{args, Context, Failure};
use std::process::ExitCode;

/// The whole program: parse the command line, do the job, report (what `main.rs` runs).
pub fn main() -> ExitCode {
    args::main(
        &PAGE,
        |cli: &Cli| cli.generate,
        |cli| run(&cli).map(|()| exit_codes::SUCCESS),
    )
}

fn run(cli: &Cli) -> Result<(), Failure> {
    cli::check_usage(cli)?;
    let name = cli.file.display().to_string();
    let real = envtools_store::resolve(&cli.file).context(exit_codes::ERROR, || name.clone())?;
    let rules = update::Rules {
        lock_timeout: cli.lock_timeout,
        allow_owner_change: cli.allow_owner_change,
    };
    if cli.web {
        let asks = plan::items(cli, &real, &name)?
            .into_iter()
            .filter_map(|item| match item {
                plan::Item::Ask(ask) => Some(ask),
                plan::Item::Given { .. } => None,
            })
            .collect();
        return web::run(cli, &real, &name, asks, rules);
    }
    let built = plan::build(cli, &real, &name)?;
    let plan = &built.plan;
    if !plan.changes.is_empty() {
        let outcome = update::apply(&real, &name, &plan.changes, &plan.expectations(), &rules)?;
        for key in &outcome.absent {
            eprintln!("envset: {key} is not set in {name}; nothing to remove");
        }
        gitignore::check(&real, outcome.created, cli.gitignore);
    }
    if let Some(example) = &cli.from_example {
        summary(&built, &name, example);
    }
    built.interrupted.map_or(Ok(()), Err)
}

/// `--from-example`'s last line: how many keys were saved, and which are still missing.
fn summary(built: &plan::Built, name: &str, example: &std::path::Path) {
    let saved = built.plan.saved_values();
    let missing = &built.missing;
    if saved == 0 && missing.is_empty() {
        return;
    }
    let keys = |n: usize| if n == 1 { "key" } else { "keys" };
    let mut line = format!("envset: saved {saved} {} to {name}", keys(saved));
    if !missing.is_empty() {
        line.push_str(&format!(
            "; still missing: {} (envset --from-example {} asks again)",
            missing.join(", "),
            example.display()
        ));
    }
    eprintln!("{line}");
}
