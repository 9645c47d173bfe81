//! Parsing the command line the same way in every tool: the [`Page`] is applied, `--help` and
//! `--version` print to stdout and exit 0, and an argument error reads `TOOL: error: ...`
//! (with clap's tip and usage) on stderr, exit 2, like the tools' own errors.

use crate::generate::{self, Generate};
use crate::page::Page;
use crate::Failure;
use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

/// Exit status of an argument error.
pub const USAGE: i32 = 2;

/// The longest wait any flag may ask for: 10^9 seconds (about 31 years). Anything longer
/// cannot be added to a clock, so it is an argument error rather than a panic.
pub const MAX_SECONDS: u64 = 1_000_000_000;

/// A `--...-timeout SECS` value: a number of seconds (`5`, `0.5`) from 0 to [`MAX_SECONDS`].
pub fn seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=MAX_SECONDS as f64).contains(&s) => {
            Ok(std::time::Duration::from_secs_f64(s))
        }
        _ => Err(format!(
            "a number of seconds from 0 to {MAX_SECONDS}, such as 5 or 0.5"
        )),
    }
}

/// A whole number of seconds from 1 to [`MAX_SECONDS`].
pub fn whole_seconds(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(s) if (1..=MAX_SECONDS).contains(&s) => Ok(s),
        _ => Err(format!("a whole number of seconds from 1 to {MAX_SECONDS}")),
    }
}

/// The clap command of `C` with `page` applied: what `--help`, the man page and the
/// completions are made from.
pub fn command<C: CommandFactory>(page: &Page) -> clap::Command {
    page.apply(C::command())
}

/// A tool's whole `main`: parse the arguments into `C` (with `page`), print what `--generate`
/// asks for (`generate` reads that flag), or `run` and report its failure as `TOOL: message`
/// with its exit code.
pub fn main<C: CommandFactory + FromArgMatches>(
    page: &Page,
    generate: impl Fn(&C) -> Option<Generate>,
    run: impl FnOnce(C) -> Result<u8, Failure>,
) -> ExitCode {
    let cli: C = parse(page);
    if let Some(kind) = generate(&cli) {
        return generate::print(kind, command::<C>(page), page);
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => f.report(C::command().get_name()),
    }
}

/// Parse this process's arguments into `C`, or exit (0 after `--help`/`--version`, 2 on an
/// argument error).
pub fn parse<C: CommandFactory + FromArgMatches>(page: &Page) -> C {
    parse_from(page, std::env::args_os())
}

/// [`parse`] of the given arguments (the first is the program name).
pub fn parse_from<C, I, T>(page: &Page, args: I) -> C
where
    C: CommandFactory + FromArgMatches,
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cmd = command::<C>(page);
    let name = cmd.get_name().to_string();
    match cmd
        .try_get_matches_from(args)
        .and_then(|m| C::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => e.exit(),
            _ => {
                eprint!("{name}: {}", e.render());
                std::process::exit(USAGE)
            }
        },
    }
}
