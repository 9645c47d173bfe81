//! envscan's command line: clap derive, the doc comments are `--help`; the modes exclude each
//! other.

use clap::{ArgGroup, Parser, ValueEnum};
use envtools_cli::generate::Generate;
use envtools_cli::Page;
use std::path::PathBuf;

pub const PAGE: Page = Page {
    usage: &[
        "envscan [-f FILE]... [--all] [PATH]...",
        "envscan --staged",
        "envscan --history [REV-RANGE]",
        "envscan --redact",
        "envscan --install-hook",
    ],
    notes: &[(
        "What is looked for",
        "The values of the secret keys of the .env files read (-f, default ./.env, read as
envget reads them): a key is secret when .env.example says so (@sensitive, @public,
@defaultSensitive), else when its name holds TOKEN, KEY, SECRET, PASSWORD, PASS,
CREDENTIAL or AUTH; values shorter than 8 characters are skipped (a note names the keys). Each value is looked for as is, JSON-escaped, URL-encoded (upper and lower case)
and in base64 (standard and URL-safe, at any alignment inside longer base64), in text and
binary files alike. A finding names the file and line (a notebook's cell), the key and
the form, never any part of the value.",
    )],
    examples: &[
        ("envscan", "scan the repository's files (not ignored ones)"),
        (
            "envscan --staged",
            "what a commit would add (the pre-commit hook)",
        ),
        (
            "envscan --history",
            "every version of every file in HEAD's history",
        ),
        (
            "app 2>&1 | envscan --redact",
            "a stream with every value replaced",
        ),
        (
            "envscan --install-hook",
            "add envscan --staged to .git/hooks/pre-commit",
        ),
    ],
    exit_status: crate::exit_codes::TABLE,
};

/// How findings are printed.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One line per finding: FILE:LINE: KEY (FORM)
    Text,
    /// One JSON object: findings and skipped keys
    Json,
}

/// Find .env secret values where they must not be: files, notebooks, staged changes, git
/// history; or redact a stream
#[derive(Parser, Debug)]
#[command(name = "envscan", version)]
#[command(group(ArgGroup::new("mode").args(["staged", "history", "redact", "install_hook", "paths", "all"]).multiple(false)))]
pub struct Cli {
    /// Files and folders to scan (default: the repository's files, else the current folder)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// A .env file whose secret values are looked for (repeatable; default ./.env)
    #[arg(
        short = 'f',
        long = "env-file",
        value_name = "FILE",
        help_heading = "Values"
    )]
    pub env_files: Vec<PathBuf>,

    /// The example whose @sensitive and @public say which keys are secret (default:
    /// ./.env.example when there is one; else, and for keys it does not declare, the name rule)
    #[arg(long, value_name = "FILE", help_heading = "Values")]
    pub example: Option<PathBuf>,

    /// Scan ignored files too (in a git repository)
    #[arg(long, help_heading = "What to scan")]
    pub all: bool,

    /// Scan what is staged, as staged (the index), for a pre-commit hook
    #[arg(long, help_heading = "What to scan")]
    pub staged: bool,

    /// Scan every version of every file in the history of REV-RANGE (default HEAD)
    #[arg(long, value_name = "REV-RANGE", num_args = 0..=1, default_missing_value = "HEAD", help_heading = "What to scan")]
    pub history: Option<String>,

    /// Copy standard input to standard output with every value replaced by [redacted:KEY]
    #[arg(long, help_heading = "Modes")]
    pub redact: bool,

    /// Add `envscan --staged` to .git/hooks/pre-commit, keeping what is there
    #[arg(long, help_heading = "Modes")]
    pub install_hook: bool,

    /// Output format of the findings
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,

    /// Print a man page or a shell completion script
    #[arg(long, value_name = "KIND", value_enum, help_heading = "Other")]
    pub generate: Option<Generate>,
}
