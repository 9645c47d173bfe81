//! ollama-chat: chat with a local LLM from the shell. See `cli.rs` for the interface.

mod api;
mod attach;
mod cli;
mod config;
mod context;
mod exit_codes;
mod history;
mod http;
mod log;
mod pull;
mod redact;
mod repl;
mod stream;
mod template;
mod wire;
mod xdg;

use api::Message;
use cli::{Cli, PAGE};
use config::{Api, Config};
use envtools_cli::out::Flow;
use envtools_cli::{args, Context, Failure};
use serde_json::Value;
use std::io::{self, IsTerminal, Read};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    args::main(
        &PAGE,
        |cli: &Cli| cli.generate,
        |cli| run(&cli).map(|()| exit_codes::SUCCESS),
    )
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let mut config = config::resolve(cli)?;
    let client = http::Client::new(Duration::from_secs(config.timeout));
    if let Some(done) = side_command(cli, &client, &config) {
        return done;
    }
    let mut format = read_format(cli.format.as_deref())?;
    if let Some(schema) = format.as_mut() {
        config.redactor.redact_value_and_say(schema);
    }
    warn_unsent_options(cli, &config);
    let repl = cli.interactive || (cli.prompt.is_empty() && io::stdin().is_terminal());
    // Read the message before anything slow, so a pipe is drained even if the server is down.
    let mut attached = attach::Attached::default();
    for path in &cli.attach {
        attached.add(path)?;
    }
    let message = if repl {
        None
    } else {
        Some(read_message(cli, !attached.is_empty())?)
    };
    let (earlier, cid) = continued(cli, &mut config)?;
    let session = log::Session {
        cid,
        on: log::enabled(cli.no_log),
    };
    let model = match &config.model {
        Some(m) => m.clone(),
        None => return Err(no_model(&client, &config)),
    };
    let messages = conversation(cli, &config, earlier)?;
    let turn = settings(cli, &config, &model, format.as_ref(), session.on);
    match message {
        Some(message) => {
            let text = config.redactor.redact_and_say(&(message + &attached.text));
            let mut message = Message::new("user", text);
            message.images = attached.images;
            ask_once(&client, &turn, messages, message, cli, &session)
        }
        None => repl::Repl {
            turn_template: turn,
            model: model.clone(),
            messages,
            history_file: cli.history.as_deref(),
            pending: attached,
            options: config.options.clone(),
            log: session,
        }
        .run(&client),
    }
}

/// `--list`, `--templates`, `--logs` and `--save`, which do their job instead of a chat.
fn side_command(cli: &Cli, client: &http::Client, config: &Config) -> Option<Result<(), Failure>> {
    if cli.list {
        return Some(list_models(client, config, cli.json));
    }
    if cli.templates {
        return Some(template::print_list());
    }
    if cli.logs {
        return Some(log::print(cli.search.as_deref(), cli.json, 20));
    }
    let name = cli.save.as_ref()?;
    Some(template::save(name, &config.specified).map(|path| {
        eprintln!("ollama-chat: saved template {name} to {}", path.display());
    }))
}

/// The settings of every turn of this call (its messages are filled in per turn).
fn settings<'a>(
    cli: &'a Cli,
    config: &'a Config,
    model: &'a str,
    format: Option<&'a Value>,
    logging: bool,
) -> stream::Turn<'a> {
    stream::Turn {
        config,
        model,
        messages: &[],
        stream: !cli.no_stream,
        format,
        keep_alive: cli.keep_alive.as_deref(),
        think: cli.think,
        json: cli.json,
        stats: cli.stats,
        // A history keeps the whole answer; the log its first MiB; else nothing, so a huge
        // answer streams in constant memory.
        keep_text: match (cli.history.is_some(), logging) {
            (true, _) => usize::MAX,
            (false, true) => log::MAX_ANSWER,
            (false, false) => 0,
        },
        fit_context: cli.fit_context,
        pull: cli.pull,
        options: &config.options,
    }
}

/// Options the OpenAI route has no field for are not sent: say so, once each.
fn warn_unsent_options(cli: &Cli, config: &Config) {
    if config.api != Api::OpenAi {
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
fn continued(cli: &Cli, config: &mut Config) -> Result<(Option<Vec<Message>>, String), Failure> {
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

/// The conversation so far: `--history` or the log's (if any), with the system message first.
fn conversation(
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

/// Single-shot: send `message` after `messages`, stream the answer; with `--history`, add the
/// turn to the file once the answer arrived whole.
fn ask_once(
    client: &http::Client,
    turn: &stream::Turn,
    mut messages: Vec<Message>,
    message: Message,
    cli: &Cli,
    log: &log::Session,
) -> Result<(), Failure> {
    messages.push(message);
    let config = turn.config;
    let turn = stream::Turn {
        messages: &messages,
        ..turn.clone_settings()
    };
    match stream::run(client, &turn) {
        Ok(answer) => {
            let prompt = messages.last().map_or("", |m| m.content.as_str());
            log.record(&turn, prompt, &answer);
            if let Some(path) = &cli.history {
                let system = config.system.as_deref();
                let turn = [messages.pop(), Some(Message::new("assistant", answer.text))];
                let turn: Vec<Message> = turn.into_iter().flatten().collect();
                history::append(path, system, &turn)?;
            }
            Ok(())
        }
        Err(stream::Stop::Failed(f)) => Err(f),
        Err(stream::Stop::Cancelled) => Err(Failure::new(exit_codes::INTERRUPTED, "interrupted")),
        Err(stream::Stop::OutputClosed) => Ok(()),
    }
}

/// The user message: the PROMPT words; and standard input when it is not a terminal (after a
/// blank line when there is a PROMPT too).
fn read_message(cli: &Cli, has_attachments: bool) -> Result<String, Failure> {
    let prompt = cli.prompt.join(" ");
    let mut input = String::new();
    if !io::stdin().is_terminal() {
        io::stdin().read_to_string(&mut input).map_err(|e| {
            Failure::new(
                exit_codes::USAGE,
                format!("cannot read standard input: {e}"),
            )
        })?;
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
fn read_format(arg: Option<&str>) -> Result<Option<Value>, Failure> {
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

/// The installed models, and the reply's text (for `--json`).
fn installed(client: &http::Client, config: &Config) -> Result<(wire::ModelList, String), Failure> {
    let base = config::base_url(&config.endpoint);
    let url = match config.api {
        Api::Ollama => format!("{base}/api/tags"),
        Api::OpenAi => format!("{base}/v1/models"),
    };
    let (status, body) = client
        .get(&url, config.authorization().as_deref())
        .map_err(|t| stream::transport_error(&t, &config.server(), false))?;
    if status >= 400 {
        return Err(stream::status_error(
            status,
            &body,
            "",
            &url,
            &config.server(),
        ));
    }
    let list = serde_json::from_str(&body)
        .map_err(|e| Failure::new(exit_codes::PROTOCOL, format!("{url}: not JSON ({e})")))?;
    Ok((list, body))
}

/// Name, size and date of each model.
fn model_rows(list: &wire::ModelList) -> Vec<(String, String, String)> {
    list.models
        .iter()
        .chain(&list.data)
        .map(|m| {
            let name = m
                .name
                .as_ref()
                .or(m.id.as_ref())
                .map_or("?", |n| n.as_str());
            let size = m.size.map_or(String::new(), human_size);
            let date = m
                .modified_at
                .as_deref()
                .map_or(String::new(), |d| d.chars().take(10).collect());
            (name.to_string(), size, date)
        })
        .collect()
}

fn human_size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.0} MB", b / 1e6)
    } else {
        format!("{bytes} B")
    }
}

fn list_models(client: &http::Client, config: &Config, json: bool) -> Result<(), Failure> {
    let (v, body) = installed(client, config)?;
    let mut out = envtools_cli::out::Lines::default();
    if json {
        out.line(body.trim())?;
    } else {
        for (n, s, d) in model_rows(&v) {
            if out.line(&format!("{n:<40} {s:>9}  {d}"))? == Flow::Closed {
                break;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// No model configured: say how to set one, listing what is installed when the server answers.
fn no_model(client: &http::Client, config: &Config) -> Failure {
    let hint = "give -m NAME, or set OLLAMA_MODEL (in the environment or .env)";
    let names = installed(client, config)
        .map(|(v, _)| model_rows(&v).into_iter().map(|r| r.0).collect::<Vec<_>>())
        .unwrap_or_default();
    let msg = if names.is_empty() {
        format!("no model configured: {hint}")
    } else {
        format!(
            "no model configured: {hint}; installed: {}",
            names.join(", ")
        )
    };
    Failure::new(exit_codes::USAGE, msg)
}
