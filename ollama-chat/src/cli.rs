//! The command line: every flag, with the doc comments that become `--help`.

/// The REPL's commands, written once for `/help` and for `--help`'s REPL section (each line
/// indented by two spaces, so both show it as it is).
macro_rules! repl_commands {
    () => {
        "  /help            this help
  /clear           forget the conversation (the system message stays)
  /system TEXT     set the system message
  /model NAME      talk to another model
  /save FILE       write the conversation to FILE (JSON)
  /load FILE       read a conversation from FILE
  /attach FILE     add a text file or an image to the next message
  /template NAME   use a saved template (system, model, options)
  /save-template NAME  save the session's system, model and options
  \"\"\"              start or end a message of several lines
  quit, exit, bye, /bye or Ctrl-D   leave
  Ctrl-C stops the answer being written."
    };
}
pub(crate) use repl_commands;

use clap::{Parser, ValueEnum};
use envtools_cli::generate::Generate;
use envtools_cli::Page;
use std::path::PathBuf;

/// Usage lines, notes, examples and exit codes: `--help` and the man page.
pub const PAGE: Page = Page {
    usage: &[
        "ollama-chat [OPTIONS] PROMPT...",
        "ollama-chat [OPTIONS] < FILE",
        "ollama-chat [OPTIONS] [-i]",
    ],
    notes: &[
        (
            "Configuration",
            "Highest first: flags; the environment; the .env file here (or --env-file);
defaults. OLLAMA_API_URL is the full chat endpoint
(http://localhost:11434/api/chat); OLLAMA_HOST is Ollama's own server variable
(127.0.0.1:11434, 0.0.0.0, http://host:port, https://host); OLLAMA_MODEL the model.
A URL ending in /v1/chat/completions (or --api openai) speaks the OpenAI protocol,
with Authorization: Bearer $OPENAI_API_KEY when that is set; Ollama's own routes get
Authorization: Bearer $OLLAMA_API_KEY when that is set.",
        ),
        (
            "REPL",
            concat!(
                "No PROMPT at a terminal, or -i: answers go to stdout, the >>> prompt and
everything else to the terminal (/help there shows this list).

",
                repl_commands!()
            ),
        ),
    ],
    examples: &[
        (
            "ollama-chat \"why is the sky blue?\"",
            "the answer streams to stdout",
        ),
        (
            "git diff | ollama-chat \"write a commit message\"",
            "PROMPT, a blank line, then stdin",
        ),
        (
            "ollama-chat -m qwen3 -o temperature=0 < notes.txt",
            "a model and an option",
        ),
        (
            "ollama-chat --format json \"three primes as a JSON list\" | jq .",
            "structured output",
        ),
        (
            "ollama-chat --history chat.json \"and in French?\"",
            "a conversation across calls",
        ),
        (
            "ollama-chat --url http://127.0.0.1:8080/v1/chat/completions \"hi\"",
            "llama-server",
        ),
        ("ollama-chat --list", "the installed models"),
    ],
    exit_status: crate::exit_codes::TABLE,
};

/// Chat with a local Ollama (or any OpenAI-compatible) server: the PROMPT words (and standard
/// input, when it is not a terminal) are the message and the answer streams to stdout; with
/// no PROMPT at a terminal, a REPL.
#[derive(Parser, Debug)]
#[command(name = "ollama-chat", version)]
// The modes that do their job instead of a chat: one at a time, and none with what only a
// chat uses (a contradiction is exit 2 naming both, never one silently ignored).
#[command(group(clap::ArgGroup::new("mode").args(["list", "templates", "logs", "save"])))]
#[command(group(
    clap::ArgGroup::new("chatting")
        .args([
            "prompt", "interactive", "attach", "pull", "fit_context", "continue_", "cid",
            "history", "format", "keep_alive", "think", "no_stream", "stats", "no_redact",
        ])
        .multiple(true)
        .conflicts_with("mode")
))]
pub struct Cli {
    /// The message (words are joined by spaces)
    #[arg(value_name = "PROMPT")]
    pub prompt: Vec<String>,

    /// The model (default: OLLAMA_MODEL)
    #[arg(short, long, value_name = "NAME", help_heading = "Server")]
    pub model: Option<String>,

    /// The chat endpoint or server URL (default: OLLAMA_API_URL, then OLLAMA_HOST)
    #[arg(long, value_name = "URL", help_heading = "Server")]
    pub url: Option<String>,

    /// The server, with Ollama's OLLAMA_HOST rules (host, host:port, http://host:port)
    #[arg(long, value_name = "HOST", help_heading = "Server")]
    pub host: Option<String>,

    /// Read configuration from this .env file instead of ./.env
    #[arg(long, value_name = "PATH", help_heading = "Server")]
    pub env_file: Option<PathBuf>,

    /// Put a file in the message: a text file fenced and named, an image (PNG, JPEG, WebP,
    /// GIF) as an image; at most 20 MiB each (repeatable)
    #[arg(
        short = 'a',
        long = "attach",
        value_name = "PATH",
        help_heading = "Request"
    )]
    pub attach: Vec<std::path::PathBuf>,

    /// Send secret-looking values of .env (and OPENAI_API_KEY, OLLAMA_API_KEY) as they are,
    /// instead of replacing them by [redacted:KEY]
    #[arg(long, help_heading = "Request")]
    pub no_redact: bool,

    /// When the server does not have the model, pull it (progress on stderr), then answer
    #[arg(long, help_heading = "Request")]
    pub pull: bool,

    /// Raise num_ctx for this call so that a long prompt fits (up to the model's maximum),
    /// instead of letting Ollama cut it; a prompt that did not fit is told on stderr either way
    #[arg(long, help_heading = "Request")]
    pub fit_context: bool,

    /// Continue the last conversation of the log (its model, system message and options,
    /// unless given)
    #[arg(short = 'c', long = "continue", help_heading = "Log")]
    pub continue_: bool,

    /// Continue the conversation ID of the log
    #[arg(long, value_name = "ID", help_heading = "Log")]
    pub cid: Option<String>,

    /// List the last 20 conversations of the log (ID, time, model, turns, first prompt); with
    /// --json, their exchanges as JSON lines
    #[arg(long, help_heading = "Log")]
    pub logs: bool,

    /// With --logs: only conversations whose prompts or answers hold TEXT (any case)
    #[arg(long, value_name = "TEXT", requires = "logs", help_heading = "Log")]
    pub search: Option<String>,

    /// Do not log this call (also OLLAMA_CHAT_NO_LOG=1)
    #[arg(long, help_heading = "Log")]
    pub no_log: bool,

    /// Use the saved template NAME: its system message, model and options (flags override)
    #[arg(short = 't', long, value_name = "NAME", help_heading = "Templates")]
    pub template: Option<String>,

    /// Save this call's system message, model and options as template NAME, and exit
    #[arg(long, value_name = "NAME", help_heading = "Templates")]
    pub save: Option<String>,

    /// List the saved templates (NAME, model, system message) and exit
    #[arg(long, help_heading = "Templates")]
    pub templates: bool,

    /// A system message
    #[arg(short, long, value_name = "TEXT", help_heading = "Request")]
    pub system: Option<String>,

    /// A model option, e.g. temperature=0 or num_ctx=8192 (repeatable)
    #[arg(
        short = 'o',
        long = "option",
        value_name = "KEY=VALUE",
        help_heading = "Request"
    )]
    pub options: Vec<String>,

    /// Structured output: `json`, or a JSON schema file
    #[arg(long, value_name = "json|FILE", help_heading = "Request")]
    pub format: Option<String>,

    /// How long the model stays loaded (e.g. 5m, 0, -1)
    #[arg(long, value_name = "DURATION", help_heading = "Request")]
    pub keep_alive: Option<String>,

    /// Ask a thinking model to think (the thinking goes to stderr)
    #[arg(long, help_heading = "Request")]
    pub think: bool,

    /// Ask for the whole answer at once instead of streaming
    #[arg(long, help_heading = "Request")]
    pub no_stream: bool,

    /// Print the server's response objects as NDJSON instead of the text
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    /// After the answer, print token counts, speed and timings on stderr
    #[arg(long, help_heading = "Output")]
    pub stats: bool,

    /// Load the conversation from FILE before asking, save it with the new turn after
    #[arg(long, value_name = "FILE", help_heading = "Conversation")]
    pub history: Option<PathBuf>,

    /// List the installed models
    #[arg(long, help_heading = "Other")]
    pub list: bool,

    /// Seconds to wait for the first byte (the model may be loading) and between chunks
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 300,
        value_parser = envtools_cli::args::whole_seconds,
        help_heading = "Server"
    )]
    pub timeout: u64,

    /// The protocol; auto: openai when the URL ends in /v1/chat/completions
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        value_name = "API",
        help_heading = "Server"
    )]
    pub api: ApiChoice,

    /// Start the REPL, reading lines from standard input even when it is not a terminal
    #[arg(short, long, help_heading = "Conversation")]
    pub interactive: bool,

    /// Print a man page or a shell completion script, then exit
    #[arg(long, value_enum, value_name = "KIND", help_heading = "Other")]
    pub generate: Option<Generate>,
}

/// `--api`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiChoice {
    Auto,
    Ollama,
    Openai,
}
