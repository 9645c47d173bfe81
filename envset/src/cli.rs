//! The command line: every flag, with the doc comments that become `--help`.

use crate::exit_codes;
use clap::Parser;
use envtools_cli::generate::Generate;
use envtools_cli::{Failure, Page};
use std::path::PathBuf;

/// Usage lines, notes, examples and exit codes: `--help` and the man page.
pub const PAGE: Page = Page {
    usage: &[
        "envset [-f FILE] KEY=VALUE...",
        "envset [-f FILE] KEY...",
        "envset [-f FILE] -u KEY...",
        "envset [-f FILE] --from-example EXAMPLE",
        "envset --web [-f FILE] [--from-example EXAMPLE] [KEY...] [--open]",
    ],
    notes: &[
        (
            "Secrets",
            "A KEY=VALUE argument is visible to other users of this machine (ps, /proc) and
may land in your shell history. For secrets name the KEY alone: envset asks with
a hidden prompt at a terminal, or reads one line of standard input:

  envset OPENAI_API_KEY                         (hidden prompt)
  printf '%s\\n' \"$TOKEN\" | envset API_TOKEN
  envset --stdin-all TLS_KEY < key.pem          (multi-line values)",
        ),
        (
            "How the file is written",
            "Only the changed entries change; comments, blank lines, order, other keys, export
prefixes, inline comments, CRLF and a BOM are kept byte for byte. New keys are
appended. Values are quoted so that envget (dotenvy), python-dotenv and a POSIX
shell (set -a; . ./.env) read them back exactly; a value none of those encodings
can carry is refused (--unportable writes it for envget alone). The file is
replaced atomically (temp file, fsync, rename) under a lock (.env.lock), a
symlink stays a symlink, the mode is kept, and a new file is 0600. The file is
untouched whenever the exit status is not 0.",
        ),
    ],
    examples: &[
        ("envset OLLAMA_MODEL=llama3.1", "set (or add) a key"),
        ("envset OPENAI_API_KEY", "ask with a hidden prompt"),
        ("envset --if-unset HF_TOKEN", "ask once, then remember"),
        (
            "envset --from-example .env.example",
            "onboarding: ask for what is missing",
        ),
        ("envset -u OLD_KEY", "remove a key"),
        (
            "envset -f .env.prod API_URL=https://example.org",
            "another file",
        ),
    ],
    exit_status: crate::exit_codes::TABLE,
};

/// Write keys into a .env file, losslessly, atomically and safely.
#[derive(Parser, Debug)]
#[command(name = "envset", version)]
pub struct Cli {
    /// The file to write (created 0600 if missing)
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        default_value = ".env",
        help_heading = "Writing"
    )]
    pub file: PathBuf,

    /// KEY=VALUE to set, or KEY alone to read its value (hidden prompt at a terminal,
    /// otherwise one line of standard input)
    #[arg(value_name = "KEY[=VALUE]")]
    pub args: Vec<String>,

    /// Remove the KEYs given (every line of each; a missing key is not an error)
    #[arg(short = 'u', long, help_heading = "Writing")]
    pub unset: bool,

    /// Ask for each key of EXAMPLE that FILE lacks or has empty, showing the comments above
    /// it and its value as the default
    #[arg(long, value_name = "EXAMPLE", help_heading = "Asking")]
    pub from_example: Option<PathBuf>,

    /// Leave keys that already have a non-empty value as they are
    #[arg(long, help_heading = "Asking")]
    pub if_unset: bool,

    /// At a terminal, ask twice; the answers must match
    #[arg(long, help_heading = "Asking")]
    pub confirm: bool,

    /// Take the whole of standard input as the value of the one KEY (multi-line values)
    #[arg(long, help_heading = "Asking")]
    pub stdin_all: bool,

    /// Ask in a one-shot browser page on 127.0.0.1 instead of at the terminal; its URL (with a
    /// secret token) goes to stdout
    #[arg(long, help_heading = "Browser page")]
    pub web: bool,

    /// With --web: open the page in the browser ($BROWSER, '%s' for where the target goes;
    /// else xdg-open or open), through a private redirect file: the token never appears in
    /// a process's arguments
    #[arg(long, requires = "web", help_heading = "Browser page")]
    pub open: bool,

    /// With --web: the port to listen on (default: one the OS picks)
    #[arg(
        long,
        value_name = "N",
        requires = "web",
        help_heading = "Browser page"
    )]
    pub port: Option<u16>,

    /// With --web: give up after SECS without a successful submit (exit 1, nothing written)
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 600,
        value_parser = envtools_cli::args::whole_seconds,
        requires = "web",
        help_heading = "Browser page"
    )]
    pub timeout: u64,

    /// Echo answers to --from-example questions (they are hidden by default)
    #[arg(long, help_heading = "Asking")]
    pub visible: bool,

    /// Write a value that only envget (dotenvy) reads back exactly, instead of refusing it
    #[arg(long, help_heading = "Writing")]
    pub unportable: bool,

    /// Rewrite FILE even when it belongs to another user or group (it then becomes yours)
    #[arg(long, help_heading = "Writing")]
    pub allow_owner_change: bool,

    /// Give up (exit 2, nothing written) when another process holds the lock this long
    #[arg(long, value_name = "SECS", value_parser = envtools_cli::args::seconds, help_heading = "Writing")]
    pub lock_timeout: Option<std::time::Duration>,

    /// If FILE is in a git work tree and not ignored, add it (and its lock) to .gitignore
    #[arg(long, help_heading = "Writing")]
    pub gitignore: bool,

    /// Print a man page or a shell completion script, then exit
    #[arg(long, value_enum, value_name = "KIND", help_heading = "Other")]
    pub generate: Option<Generate>,
}

/// Combinations clap's attributes cannot express.
pub fn check_usage(cli: &Cli) -> Result<(), Failure> {
    let usage = |m: &str| Err(Failure::new(exit_codes::ERROR, m));
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
    if cli.web
        && (cli.unset || cli.stdin_all || cli.confirm || cli.args.iter().any(|a| a.contains('=')))
    {
        return usage("--web asks for KEYs (or the example's keys): no KEY=VALUE, --unset, --stdin-all or --confirm");
    }
    Ok(())
}
