//! What one call of ollama-chat asks, gathered before anything is sent: the message (PROMPT
//! and standard input), `--format`, the conversation to continue (`--history`, `-c`,
//! `--cid`) and the settings of every turn.

use super::stream::Turn;
use crate::cli::Cli;
use crate::config::Config;
use crate::exit_codes;
use crate::files::{history, log, template};
use crate::server::protocol::Message;
use crate::server::Api;
use envtools_cli::{Context, Failure};
use serde_json::Value;
use std::io::{self, IsTerminal};

/// The settings of every turn of this call (its messages are filled in per turn).
pub fn settings<'a>(
    cli: &'a Cli,
    config: &'a Config,
    model: &'a str,
    format: Option<&'a Value>,
    (logging, repl): (bool, bool),
    shown: &'a super::context::Shown,
) -> Turn<'a> {
    Turn {
        server: &config.server,
        model,
        messages: &[],
        stream: !cli.no_stream,
        format,
        keep_alive: cli.keep_alive.as_deref(),
        think: cli.think,
        json: cli.json,
        stats: cli.stats,
        // A conversation that goes on (a history, the REPL) keeps the whole answer; the log
        // its first MiB; else nothing, so a huge answer streams in constant memory.
        keep_text: match (cli.history.is_some() || repl, logging) {
            (true, _) => usize::MAX,
            (false, true) => log::MAX_ANSWER,
            (false, false) => 0,
        },
        fit_context: cli.fit_context,
        pull: cli.pull,
        options: &config.options,
        shown,
    }
}

/// Options the OpenAI route has no field for are not sent: say so, once each.
pub fn warn_unsent_options(cli: &Cli, config: &Config) {
    if config.server.api != Api::OpenAi {
        return;
    }
    for (given, flag) in [
        (cli.think, "--think"),
        (cli.keep_alive.is_some(), "--keep-alive"),
    ] {
        if given {
            envtools_cli::warn::warn(
                "ollama-chat",
                format_args!("{flag} is not sent: the OpenAI protocol has no such field"),
            );
        }
    }
}

/// With `-c` or `--cid`: the conversation to continue (from the log) and its id; its model,
/// system message and options become the call's unless flags or `-t` say otherwise.
/// Otherwise a new id.
pub fn continued(
    cli: &Cli,
    config: &mut Config,
) -> Result<(Option<Vec<Message>>, String), Failure> {
    if !cli.continue_ && cli.cid.is_none() {
        return Ok((None, log::new_cid()));
    }
    let usage = |m: String| Failure::new(exit_codes::USAGE, m);
    if cli.history.is_some() {
        return Err(usage(
            "-c/--cid continue from the log: not with --history".into(),
        ));
    }
    let cid = match &cli.cid {
        Some(cid) => cid.clone(),
        None => match log::last_cid()? {
            Some(cid) => cid,
            None => return Err(usage("the log holds no conversation to continue".into())),
        },
    };
    let Some((messages, last)) = log::conversation(&cid)? else {
        return Err(usage(format!(
            "no conversation {cid} in the log (--logs lists them)"
        )));
    };
    let from_template = cli.template.is_some();
    if cli.model.is_none() && !from_template {
        config.model = Some(last.model);
    }
    if !from_template {
        let given = std::mem::take(&mut config.options);
        config.options = template::merge_options(&last.options, given);
    }
    Ok((Some(messages), cid))
}

/// The conversation so far: `--history` or the log's (if any), with the system message first,
/// redacted.
pub fn opening(
    cli: &Cli,
    config: &Config,
    earlier: Option<Vec<Message>>,
) -> Result<Vec<Message>, Failure> {
    let mut messages = match (&cli.history, earlier) {
        (_, Some(earlier)) => earlier,
        (Some(path), None) => history::load(path, true)?,
        (None, None) => Vec::new(),
    };
    if let Some(system) = &config.system {
        history::set_system(&mut messages, system);
    }
    // A history or a logged conversation may hold a secret typed before it was one.
    config.redactor.redact_messages_and_say(&mut messages);
    Ok(messages)
}

/// The user message: the PROMPT words; and standard input when it is not a terminal (after a
/// blank line when there is a PROMPT too).
pub fn read_message(cli: &Cli, has_attachments: bool) -> Result<String, Failure> {
    let prompt = cli.prompt.join(" ");
    let mut input = String::new();
    if !io::stdin().is_terminal() {
        let bytes = envtools_cli::input::read_stdin(envtools_cli::input::SETTINGS_CAP)
            .context(exit_codes::USAGE, || "cannot read standard input")?;
        input = String::from_utf8(bytes)
            .map_err(|_| Failure::new(exit_codes::USAGE, "standard input is not valid UTF-8"))?;
    }
    let message = match (prompt.is_empty(), input.is_empty()) {
        (false, false) => format!("{prompt}\n\n{input}"),
        (false, true) => prompt,
        (true, _) => input,
    };
    if message.trim().is_empty() && !has_attachments {
        return Err(Failure::new(
            exit_codes::USAGE,
            "nothing to send: give a PROMPT or pipe text in (see --help)",
        ));
    }
    Ok(message)
}

/// `--format json`, or a JSON schema file.
pub fn read_format(arg: Option<&str>) -> Result<Option<Value>, Failure> {
    let Some(arg) = arg else { return Ok(None) };
    if arg == "json" {
        return Ok(Some(Value::from("json")));
    }
    let path = std::path::Path::new(arg);
    let text = envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP)
        .context(exit_codes::USAGE, || format!("--format {arg}"))?;
    let schema: Value = serde_json::from_slice(&text)
        .map_err(|e| Failure::new(exit_codes::USAGE, format!("--format {arg}: not JSON ({e})")))?;
    Ok(Some(schema))
}
