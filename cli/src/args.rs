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
