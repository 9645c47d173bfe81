//! The command line: every flag, with the doc comments that become `--help`.

use clap::{Parser, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Expansion:
  Values are read by dotenvy. In unquoted and double-quoted values, $VAR and ${VAR}
  are replaced by VAR from the process environment if it is set there, otherwise by
  VAR from earlier lines of the same file, otherwise by nothing. $NAME stops at the
  first character that is not a letter or digit ($FOO_BAR is $FOO then _BAR).
  There are no defaults (${X:-d} is not supported). Single-quoted values are
  literal: '$HOME' stays $HOME. Write \\$ for a literal $ in double quotes, and
  \"${VAR}\" rather than \"$VAR\": dotenvy cannot read a bare name just before the
  closing quote.

Examples:
  envget OLLAMA_MODEL                       print one value
  envget -d llama3.1 OLLAMA_MODEL           print a default if unset (or no .env)
  envget -f .env -f .env.local API_URL      later files win
  envget --format json | jq .               the whole file as one JSON object
  eval \"$(envget --format shell)\"           export every key into this shell
  envget -0 CERT | xargs -0 printf '%s'     values holding newlines
  envget -f .env.prod -- make deploy        run a command with the file loaded
  MODEL ?= $(shell envget -d llama3.1 OLLAMA_MODEL)      (in a Makefile)

Exit status:
  0    success
  1    a KEY is not set (the keys that are set were printed)
  2    a file is missing, unreadable or not UTF-8; a bad line with --strict; bad usage
  126  COMMAND could not be executed
  127  COMMAND was not found
  otherwise, in exec mode, COMMAND's own exit status";

/// Read keys from .env files.
///
/// Prints the value of each KEY, raw, one per line; with no KEY, prints every key in the
/// chosen --format; after `--`, runs COMMAND with the file's variables added to its
/// environment (variables already set win, unless --override).
#[derive(Parser, Debug)]
#[command(name = "envget", version, after_help = AFTER_HELP)]
#[command(override_usage = "envget [-f FILE]... KEY...\n       \
    envget [-f FILE]... [--format FMT]\n       \
    envget [-f FILE]... -- COMMAND [ARGS]...")]
pub struct Cli {
    /// Print a man page or a shell completion script, then exit
    #[arg(long, value_enum, hide = true, value_name = "KIND")]
    pub generate: Option<envfile::generate::Generate>,

    /// Read FILE (default ./.env); repeat for more, later files win; `-` is standard input
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Print VALUE for a KEY that is not set, and exit 0; a missing file then counts as empty
    #[arg(short = 'd', long, value_name = "VALUE")]
    pub default: Option<String>,

    /// End each value (or name) with NUL instead of a newline, for `xargs -0`
    #[arg(short = '0', long)]
    pub null: bool,

    /// Print in this format: every key, or only the KEYs given
    #[arg(long, value_enum, value_name = "FMT")]
    pub format: Option<Format>,

    /// Treat a line the parser rejects as an error (exit 2), not a warning
    #[arg(long)]
    pub strict: bool,

    /// With COMMAND: the file's values replace variables already in the environment
    #[arg(long = "override")]
    pub override_env: bool,

    /// Keys to print
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,

    /// Run COMMAND with the variables loaded (envget replaces itself with it)
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
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
}
