//! ollama-chat: chat with a local LLM from the shell. See `cli.rs` for the interface.
//!
//! `server/` talks to a server and knows nothing of conversations; `chat/` is a conversation
//! (one turn for single-shot and REPL alike); `files/` is what is kept on disk (log, history,
//! templates); `config.rs` resolves flags, environment and `.env` into what they use.

mod chat;
mod cli;
mod config;
mod exit_codes;
mod files;
mod server;

use cli::{Cli, PAGE};
use envtools_cli::{args, Failure};
use server::http::Client;
use std::process::ExitCode;
use std::time::Duration;

/// The whole program: parse the command line, do the job, report (what `main.rs` runs).
pub fn main() -> ExitCode {
    args::main(
        &PAGE,
        |cli: &Cli| cli.generate,
        |cli| run(&cli).map(|()| exit_codes::SUCCESS),
    )
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let config = config::resolve(cli)?;
    let client = Client::new(Duration::from_secs(config.server.timeout));
    // The modes exclude each other and the chat's flags (cli.rs): at most one is given.
    if cli.list {
        return server::models::list(&client, &config.server, cli.json);
    }
    if cli.templates {
        return files::template::print_list();
    }
    if cli.logs {
        return files::log::print(cli.search.as_deref(), cli.json, 20);
    }
    if let Some(name) = &cli.save {
        let path = files::template::save(name, &config.specified)?;
        eprintln!("ollama-chat: saved template {name} to {}", path.display());
        return Ok(());
    }
    chat::run(cli, config, &client)
}
