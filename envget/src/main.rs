//! envget: read keys from `.env` files. See `cli.rs` for the interface.

mod cli;
mod exec;
mod exit_codes;
mod load;
mod output;

use clap::Parser;
use cli::{Cli, Format};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

pub use envfile::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(kind) = cli.generate {
        return envfile::generate::print(kind, <Cli as clap::CommandFactory>::command());
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => f.report("envget"),
    }
}

fn run(mut cli: Cli) -> Result<u8, Failure> {
    check_usage(&cli)?;
    if cli.files.is_empty() {
        cli.files.push(PathBuf::from(".env"));
    }
    let files = load::read_all(
        &load::LoadOptions {
            files: &cli.files,
            missing_is_empty: cli.default.is_some(),
        },
        &cli.keys,
    )?;
    let parsed = load::parse_all(&files, &cli.keys, cli.strict)?;
    if !cli.command.is_empty() {
        return Err(exec::exec(
            &cli.command,
            &load::merge(parsed),
            cli.override_env,
        ));
    }

    // Select what to print: the KEYs given (with --default for missing ones), or everything.
    let mut code = exit_codes::SUCCESS;
    let all;
    let pairs: Vec<(&str, &str)> = if cli.keys.is_empty() {
        all = load::merge(parsed);
        all.iter().collect()
    } else {
        let mut pairs = Vec::with_capacity(cli.keys.len());
        for key in &cli.keys {
            match (load::lookup(&parsed, key), cli.default.as_deref()) {
                (Some(value), _) | (None, Some(value)) => pairs.push((key.as_str(), value)),
                (None, None) => {
                    let files: Vec<String> =
                        cli.files.iter().map(|f| load::display_name(f)).collect();
                    eprintln!("envget: {key} is not set in {}", files.join(", "));
                    code = exit_codes::KEY_MISSING;
                }
            }
        }
        pairs
    };

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match cli.format {
        Some(format) => output::write_format(&mut out, format, &pairs, cli.null),
        None if cli.keys.is_empty() => {
            output::write_format(&mut out, Format::Dotenv, &pairs, cli.null)
        }
        None => pairs.iter().try_for_each(|(_, v)| {
            out.write_all(v.as_bytes())?;
            out.write_all(output::terminator(cli.null))
        }),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(code),
        // A reader that stopped early (`| head`) is not an error, as for ripgrep.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(Failure::new(
            exit_codes::ERROR,
            format!("cannot write to stdout: {e}"),
        )),
    }
}

/// Combinations clap's attributes cannot express.
fn check_usage(cli: &Cli) -> Result<(), Failure> {
    let usage = |m: &str| Err(Failure::new(exit_codes::ERROR, m.to_string()));
    if !cli.command.is_empty() && !cli.keys.is_empty() {
        return usage("give KEYs or a COMMAND after --, not both");
    }
    if !cli.command.is_empty() && (cli.format.is_some() || cli.null) {
        return usage("--format and -0 print keys; they do not apply to a COMMAND");
    }
    let whole_file_format = match cli.format {
        Some(f) => f != Format::Names,
        None => cli.keys.is_empty() && cli.command.is_empty(),
    };
    if cli.null && whole_file_format {
        return usage("-0 applies to values and --format names only");
    }
    if cli.files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return usage("standard input (-f -) can be read only once");
    }
    Ok(())
}
