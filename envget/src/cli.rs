//! The command line: every flag, with the doc comments that become `--help`.

use crate::exit_codes;
use clap::{Parser, ValueEnum};
use envtools_cli::generate::Generate;
use envtools_cli::{Failure, Page};
use std::ffi::OsString;
use std::path::PathBuf;

/// Usage lines, notes, examples and exit codes: `--help` and the man page.
pub const PAGE: Page = Page {
    usage: &[
        "envget [-f FILE]... KEY...",
        "envget [-f FILE]... [--format FMT]",
        "envget [-f FILE]... -- COMMAND [ARGS]...",
        "envget [-f FILE]... --check EXAMPLE [-- COMMAND [ARGS]...]",
    ],
    notes: &[(
        "Expansion",
        "Values are read by dotenvy. In unquoted and double-quoted values, $VAR and ${VAR}
are replaced by VAR from the process environment if it is set there, otherwise by
VAR from earlier lines of the same file, otherwise by nothing. $NAME stops at the
first character that is not a letter or digit ($FOO_BAR is $FOO then _BAR).
There are no defaults (${X:-d} is not supported). Single-quoted values are
literal: '$HOME' stays $HOME. Write \\$ for a literal $ in double quotes, and
\"${VAR}\" rather than \"$VAR\": dotenvy cannot read a bare name just before the
closing quote. A line whose value could grow by more than 1 MiB through expansion
(or the file's values together by more than 8 MiB) is a bad line.",
    )],
    examples: &[
        ("envget OLLAMA_MODEL", "print one value"),
        (
            "envget -d llama3.1 OLLAMA_MODEL",
            "print a default if unset (or no .env)",
        ),
        ("envget -f .env -f .env.local API_URL", "later files win"),
        (
            "envget --format json | jq .",
            "the whole file as one JSON object",
        ),
        (
            "eval \"$(envget --format shell)\"",
            "export every key into this shell",
        ),
        (
            "envget -0 CERT | xargs -0 printf '%s'",
            "values holding newlines",
        ),
        (
            "envget -f .env.prod -- make deploy",
            "run a command with the file loaded",
        ),
        (
            "MODEL ?= $(shell envget -d llama3.1 OLLAMA_MODEL)",
            "in a Makefile",
        ),
    ],
    exit_status: crate::exit_codes::TABLE,
};

/// Read keys from .env files: print values, print the whole file in a format, or run a
/// command with the file's variables added to its environment (variables already set win,
/// unless --override).
#[derive(Parser, Debug)]
#[command(name = "envget", version)]
pub struct Cli {
    /// Read FILE (default ./.env); repeat for more, later files win; `-` is standard input
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        help_heading = "Input"
    )]
    pub files: Vec<PathBuf>,

    /// Print VALUE for a KEY that is not set, and exit 0; a missing file then counts as empty
    #[arg(short = 'd', long, value_name = "VALUE", help_heading = "Output")]
    pub default: Option<String>,

    /// End each value (or name) with NUL instead of a newline, for `xargs -0`
    #[arg(short = '0', long, help_heading = "Output")]
    pub null: bool,

    /// Print every key (or only the KEYs given) as dotenv (KEY=value lines python-dotenv and
    /// sh read back unchanged), json (one object, file order), shell (export lines for eval)
    /// or names
    #[arg(long, value_enum, value_name = "FMT", help_heading = "Output")]
    pub format: Option<Format>,

    /// Treat a line the parser rejects as an error (exit 2), not a warning
    #[arg(long, help_heading = "Input")]
    pub strict: bool,

    /// Check what a command would see against EXAMPLE read as a schema (@env-spec): missing
    /// and malformed keys, one line each (exit 1); with COMMAND, it runs only when all is well
    #[arg(long, value_name = "EXAMPLE", help_heading = "Check")]
    pub check: Option<PathBuf>,

    /// With COMMAND: the file's values replace variables already in the environment
    #[arg(long = "override", help_heading = "Command")]
    pub override_env: bool,

    /// With COMMAND: its stdout and stderr pass through envscan's matcher, every secret value
    /// of the files replaced by [redacted:KEY] (envget stays, and ends as COMMAND ends)
    #[arg(long, help_heading = "Command")]
    pub redact: bool,

    /// Keys to print
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,

    /// Run COMMAND with the variables loaded (envget replaces itself with it)
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,

    /// Print a man page or a shell completion script, then exit
    #[arg(long, value_enum, value_name = "KIND", help_heading = "Other")]
    pub generate: Option<Generate>,
}

/// How to print keys and values.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// KEY=value lines that envget, python-dotenv and `sh` all read back unchanged
    Dotenv,
    /// One JSON object, keys in file order
    Json,
    /// `export KEY='value'` lines, for `eval` in sh, bash and zsh
    Shell,
    /// The key names, one per line
    Names,
    /// The file as an .env.example: comments, order and layout kept, the values of sensitive
    /// keys (by their names) emptied (one -f file)
    Example,
}

/// Combinations clap's attributes cannot express.
pub fn check_usage(cli: &Cli) -> Result<(), Failure> {
    let usage = |m: &str| Err(Failure::new(exit_codes::ERROR, m));
    if !cli.command.is_empty() && !cli.keys.is_empty() {
        return usage("give KEYs or a COMMAND after --, not both");
    }
    if cli.check.is_some() && (!cli.keys.is_empty() || cli.null) {
        return usage("--check checks the whole file: no KEYs, no -0");
    }
    if cli.format == Some(Format::Example)
        && (!cli.keys.is_empty() || cli.files.len() > 1 || cli.null)
    {
        return usage("--format example writes one whole file: one -f FILE, no KEYs, no -0");
    }
    if cli.check.is_some() && cli.format.is_some_and(|f| f != Format::Json) {
        return usage("--check reports as text, or with --format json");
    }
    if cli.redact && cli.command.is_empty() {
        return usage("--redact filters a COMMAND's output: give one after --");
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
