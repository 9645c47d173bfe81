//! The command line: every flag, with the doc comments that become `--help`.

use clap::Parser;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Secrets:
  A KEY=VALUE argument is visible to other users of this machine (ps, /proc) and
  may land in your shell history. For secrets name the KEY alone: envset asks with
  a hidden prompt at a terminal, or reads one line of standard input:
    envset OPENAI_API_KEY                         (hidden prompt)
    printf '%s\\n' \"$TOKEN\" | envset API_TOKEN
    envset --stdin-all TLS_KEY < key.pem          (multi-line values)

How the file is written:
  Only the changed entries change; comments, blank lines, order, other keys, export
  prefixes, inline comments, CRLF and a BOM are kept byte for byte. New keys are
  appended. Values are quoted so that envget (dotenvy), python-dotenv and a POSIX
  shell (set -a; . ./.env) read them back exactly; a value none of those encodings
  can carry is refused (--unportable writes it for envget alone). The file is
  replaced atomically (temp file, fsync, rename) under a lock (.env.lock), a
  symlink stays a symlink, the mode is kept, and a new file is 0600.

Examples:
  envset OLLAMA_MODEL=llama3.1 OLLAMA_API_URL=http://127.0.0.1:11434/api/chat
  envset --if-unset HF_TOKEN                      ask once, then remember
  envset --from-example .env.example              onboarding: ask for what is missing
  envset -u OLD_KEY                               remove a key
  envset -f .env.prod API_URL=https://example.org

Exit status:
  0    done (or nothing to do)
  1    refused: bad key name, value no encoding can carry, no answer, answers differ
  2    bad usage, or the file cannot be read, locked or written
  70   internal error: the new content did not read back as intended; nothing written
  130  interrupted at a prompt
  The file is untouched whenever the exit status is not 0.";

/// Write keys into a .env file, losslessly, atomically and safely.
#[derive(Parser, Debug)]
#[command(name = "envset", version, after_help = AFTER_HELP)]
#[command(override_usage = "envset [-f FILE] KEY=VALUE...\n       \
    envset [-f FILE] KEY...\n       \
    envset [-f FILE] -u KEY...\n       \
    envset [-f FILE] --from-example EXAMPLE")]
pub struct Cli {
    /// Print a man page or a shell completion script, then exit
    #[arg(long, value_enum, hide = true, value_name = "KIND")]
    pub generate: Option<envfile::generate::Generate>,

    /// The file to write (created 0600 if missing)
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        default_value = ".env"
    )]
    pub file: PathBuf,

    /// KEY=VALUE to set, or KEY alone to read its value (hidden prompt at a terminal,
    /// otherwise one line of standard input)
    #[arg(value_name = "KEY[=VALUE]")]
    pub args: Vec<String>,

    /// Remove the KEYs given (every line of each; a missing key is not an error)
    #[arg(short = 'u', long)]
    pub unset: bool,

    /// Ask for each key of EXAMPLE that FILE lacks or has empty, showing the comments above
    /// it and its value as the default
    #[arg(long, value_name = "EXAMPLE")]
    pub from_example: Option<PathBuf>,

    /// Leave keys that already have a non-empty value as they are
    #[arg(long)]
    pub if_unset: bool,

    /// At a terminal, ask twice; the answers must match
    #[arg(long)]
    pub confirm: bool,

    /// Take the whole of standard input as the value of the one KEY (multi-line values)
    #[arg(long)]
    pub stdin_all: bool,

    /// Echo answers to --from-example questions (they are hidden by default)
    #[arg(long)]
    pub visible: bool,

    /// Write a value that only envget (dotenvy) reads back exactly, instead of refusing it
    #[arg(long)]
    pub unportable: bool,

    /// If FILE is in a git work tree and not ignored, add it (and its lock) to .gitignore
    #[arg(long)]
    pub gitignore: bool,
}
