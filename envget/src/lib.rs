//! envget: read keys from `.env` files. `cli.rs` is the interface; `load.rs` reads the files,
//! `keys.rs` looks the KEYs up, `output.rs` prints, `exec.rs` runs a COMMAND.

mod check;
mod cli;
mod exec;
mod exit_codes;
mod keys;
mod load;
mod output;

use cli::{Cli, PAGE};
use envtools_cli::{args, Failure};
use std::path::PathBuf;
use std::process::ExitCode;

/// The whole program: parse the command line, do the job, report (what `main.rs` runs).
pub fn main() -> ExitCode {
    args::main(&PAGE, |cli: &Cli| cli.generate, run)
}

fn run(mut cli: Cli) -> Result<u8, Failure> {
    cli::check_usage(&cli)?;
    // With --check and no -f, a missing ./.env is a file with every key missing.
    let missing_is_empty = cli.default.is_some() || (cli.check.is_some() && cli.files.is_empty());
    if cli.files.is_empty() {
        cli.files.push(PathBuf::from(".env"));
    }
    let files = load::read_all(&cli.files, missing_is_empty, &cli.keys)?;
    let parsed = load::parse_all(&files, &cli.keys, cli.strict)?;
    if let Some(example) = &cli.check {
        let schema = check::read_example(example)?;
        let vars = load::merge(parsed);
        let problems = check::problems(&schema, &vars, cli.override_env);
        let notes = check::undeclared(&schema, &vars);
        let json = cli.format == Some(cli::Format::Json);
        let code = check::report(example, &problems, &notes, json)?;
        if code != exit_codes::SUCCESS || cli.command.is_empty() {
            return Ok(code);
        }
        return Err(exec::exec(&cli.command, &vars, cli.override_env));
    }
    if cli.redact {
        return exec::redacted(&cli.command, &load::merge(parsed), cli.override_env);
    }
    if !cli.command.is_empty() {
        return Err(exec::exec(
            &cli.command,
            &load::merge(parsed),
            cli.override_env,
        ));
    }
    if cli.format == Some(cli::Format::Example) {
        return output::example(&files);
    }
    if cli.keys.is_empty() {
        let all = load::merge(parsed);
        let pairs: Vec<(&str, &str)> = all.iter().collect();
        return output::print(&pairs, cli.format.unwrap_or(cli::Format::Dotenv), cli.null);
    }
    let found = keys::select(&cli.keys, &parsed, cli.default.as_deref(), &files);
    let code = output::print_values(&found.pairs, cli.format, cli.null)?;
    Ok(if found.missing {
        exit_codes::KEY_MISSING
    } else {
        code
    })
}
