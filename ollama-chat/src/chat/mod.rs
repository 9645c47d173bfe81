//! A chat: `conversation` is one turn (redact, attach, send, log, history) for single-shot and
//! REPL alike; `setup` gathers what a call asks, `stream` reads one answer, `context` guards
//! the model's context window, `repl` is the interactive loop, `attach` and `redact` prepare
//! what is sent.

pub mod attach;
pub mod context;
pub mod conversation;
pub mod redact;
pub mod repl;
pub mod setup;
pub mod stream;

use crate::cli::Cli;
use crate::config::Config;
use crate::exit_codes;
use crate::files::log;
use crate::server::http::Client;
use attach::Attached;
use conversation::{Conversation, Session};
use envtools_cli::Failure;
use std::io::IsTerminal;
use stream::Stop;

/// A chat: single-shot (a PROMPT or standard input) or the REPL, through one [`Conversation`].
pub fn run(cli: &Cli, mut config: Config, client: &Client) -> Result<(), Failure> {
    let mut format = setup::read_format(cli.format.as_deref())?;
    if let Some(schema) = format.as_mut() {
        config.redactor.redact_value_and_say(schema);
    }
    setup::warn_unsent_options(cli, &config);
    let repl = cli.interactive || (cli.prompt.is_empty() && std::io::stdin().is_terminal());
    // Read the message before anything slow, so a pipe is drained even if the server is down.
    let mut attached = Attached::default();
    for path in &cli.attach {
        attached.add(path)?;
    }
    let message = match repl {
        true => None,
        false => Some(setup::read_message(cli, !attached.is_empty())?),
    };
    let (earlier, cid) = setup::continued(cli, &mut config)?;
    let Some(model) = config.model.clone() else {
        return Err(crate::server::models::no_model(client, &config.server));
    };
    let log = Session {
        cid,
        on: log::enabled(cli.no_log),
    };
    let messages = setup::opening(cli, &config, earlier)?;
    let shown = context::Shown::default();
    let settings = setup::settings(
        cli,
        &config,
        &model,
        format.as_ref(),
        (log.on, repl),
        &shown,
    );
    let mut conversation = Conversation {
        settings,
        model: model.clone(),
        options: config.options.clone(),
        messages,
        history: cli.history.as_deref(),
        log,
        redactor: &config.redactor,
    };
    let Some(message) = message else {
        return repl::run(conversation, attached, client);
    };
    match conversation.turn(client, &message, attached) {
        Ok(()) | Err(Stop::OutputClosed) => Ok(()),
        Err(Stop::Failed(f) | Stop::TooLong(f)) => Err(f),
        Err(Stop::Cancelled) => Err(Failure::new(exit_codes::INTERRUPTED, "interrupted")),
    }
}
