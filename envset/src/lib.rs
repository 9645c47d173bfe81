//! envset: write keys into a `.env` file. `cli.rs` is the interface; `plan.rs` decides what
//! to change (asking through `prompt.rs`, `example.rs`), `update.rs` writes it.

mod cli;
mod example;
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
    let plan = plan::build(cli, &real, &name)?;
    if plan.changes.is_empty() {
        return Ok(());
    }
    let outcome = update::apply(&real, &name, &plan.changes, &plan.expectations(), &rules)?;
    for key in &outcome.absent {
        eprintln!("envset: {key} is not set in {name}; nothing to remove");
    }
    gitignore::check(&real, outcome.created, cli.gitignore);
    Ok(())
}
