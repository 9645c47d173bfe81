//! The interactive loop: `>>> ` and all other chrome on the terminal (stderr), answers on
//! stdout, the conversation kept across turns. At a terminal, lines are edited with rustyline
//! (arrows, recall); with `-i` and piped input, lines are read from stdin, so it can be scripted.

use super::attach::Attached;
use super::conversation::Conversation;
use super::stream::Stop;
use crate::files::history;
use crate::files::template::{self, Template};
use crate::server::http::Client;
use envtools_cli::Failure;
use std::io::{self, BufRead, IsTerminal};
use std::path::Path;

const HELP: &str = concat!("Commands:\n", crate::cli::repl_commands!());

/// Where lines come from.
enum Input {
    Terminal(rustyline::DefaultEditor),
    Piped(io::StdinLock<'static>),
}

/// A line, the end of input, or Ctrl-C at the prompt.
enum Read {
    Line(String),
    Eof,
    Interrupted,
}

impl Input {
    fn open() -> Input {
        if io::stdin().is_terminal() {
            let config = rustyline::Config::builder()
                .behavior(rustyline::Behavior::PreferTerm)
                .auto_add_history(true)
                .build();
            if let Ok(editor) = rustyline::DefaultEditor::with_config(config) {
                return Input::Terminal(editor);
            }
        }
        Input::Piped(io::stdin().lock())
    }

    /// The next line; `prompt` is shown at a terminal only.
    fn read(&mut self, prompt: &str) -> Read {
        match self {
            Input::Terminal(ed) => match ed.readline(prompt) {
                Ok(line) => Read::Line(line),
                Err(rustyline::error::ReadlineError::Interrupted) => Read::Interrupted,
                Err(_) => Read::Eof,
            },
            // Lines from a pipe or file (`-i`): no prompt, no chrome; nobody is typing.
            Input::Piped(stdin) => {
                let mut line = String::new();
                match stdin.read_line(&mut line) {
                    Ok(0) | Err(_) => Read::Eof,
                    Ok(_) => Read::Line(line.trim_end_matches(['\n', '\r']).to_string()),
                }
            }
        }
    }
}

/// What a line asks for.
enum Action {
    Send(String),
    Leave,
    Nothing,
}

/// The REPL: a conversation, and the files for its next message (`-a`, `/attach`).
struct Repl<'a> {
    conversation: Conversation<'a>,
    pending: Attached,
}

/// Run the REPL on `conversation` until the user leaves. Failures of a turn are reported and
/// the loop goes on; when any turn failed, the REPL ends with the last failure's exit status
/// (so a script driving `-i` sees it).
pub fn run(conversation: Conversation, pending: Attached, client: &Client) -> Result<(), Failure> {
    let mut repl = Repl {
        conversation,
        pending,
    };
    let mut input = Input::open();
    let mut failed: Vec<u8> = Vec::new();
    let mut turns = 0;
    loop {
        let line = match input.read(">>> ") {
            Read::Line(l) => l,
            Read::Eof => break,
            Read::Interrupted => {
                eprintln!("Use Ctrl-D or /bye to leave.");
                continue;
            }
        };
        let text = match repl.command(&line, &mut input) {
            Action::Send(t) => t,
            Action::Leave => break,
            Action::Nothing => continue,
        };
        turns += 1;
        let attached = std::mem::take(&mut repl.pending);
        match repl.conversation.turn(client, &text, attached) {
            Ok(()) => {}
            Err(Stop::Failed(f) | Stop::TooLong(f)) => {
                eprintln!("ollama-chat: {f}");
                failed.push(f.code);
            }
            Err(Stop::Cancelled) => eprintln!("(stopped)"),
            Err(Stop::OutputClosed) => break,
        }
    }
    match failed.last() {
        None => Ok(()),
        Some(&code) => Err(Failure::new(
            code,
            format!("{} of {turns} turns failed", failed.len()),
        )),
    }
}

impl Repl<'_> {
    fn command(&mut self, line: &str, input: &mut Input) -> Action {
        let trimmed = line.trim();
        let lower = trimmed.to_lowercase();
        if ["quit", "exit", "bye", "/bye", "/quit", "/exit"].contains(&lower.as_str()) {
            return Action::Leave;
        }
        if trimmed.is_empty() {
            return Action::Nothing;
        }
        if let Some(rest) = trimmed.strip_prefix("\"\"\"") {
            return self.multi_line(rest, input);
        }
        let (cmd, arg) = trimmed
            .split_once(char::is_whitespace)
            .map_or((trimmed, ""), |(c, a)| (c, a.trim()));
        match cmd {
            "/help" | "/?" => eprintln!("{HELP}"),
            "/clear" => {
                self.conversation.messages.retain(|m| m.role == "system");
                eprintln!("Cleared the conversation.");
            }
            "/system" if !arg.is_empty() => {
                let system = self.conversation.redactor.redact_and_say(arg);
                history::set_system(&mut self.conversation.messages, &system);
                eprintln!("Set the system message.");
            }
            "/model" if !arg.is_empty() => {
                self.conversation.model = arg.to_string();
                eprintln!("Now talking to {arg}.");
            }
            "/save" if !arg.is_empty() => {
                match history::save(Path::new(arg), &self.conversation.messages) {
                    Ok(()) => eprintln!(
                        "Saved {} messages to {arg}.",
                        self.conversation.messages.len()
                    ),
                    Err(f) => eprintln!("ollama-chat: {f}"),
                }
            }
            "/load" if !arg.is_empty() => self.load(arg),
            "/attach" if !arg.is_empty() => match self.pending.add(Path::new(arg)) {
                Ok(()) => eprintln!("(attached {arg} to the next message)"),
                Err(f) => eprintln!("ollama-chat: {f}"),
            },
            "/template" if !arg.is_empty() => self.use_template(arg),
            "/save-template" if !arg.is_empty() => self.save_template(arg),
            "/system" | "/model" | "/save" | "/load" | "/attach" | "/template"
            | "/save-template" => {
                eprintln!("{cmd} needs an argument (see /help)")
            }
            c if c.starts_with('/') => eprintln!("Unknown command {c} (see /help)"),
            _ => return Action::Send(line.to_string()),
        }
        Action::Nothing
    }

    /// `/load FILE`: the conversation of FILE from now on (redacted as anything sent).
    fn load(&mut self, arg: &str) {
        match history::load(Path::new(arg), false) {
            Ok(mut m) => {
                eprintln!("Loaded {} messages from {arg}.", m.len());
                self.conversation.redactor.redact_messages_and_say(&mut m);
                self.conversation.messages = m;
            }
            Err(f) => eprintln!("ollama-chat: {f}"),
        }
    }

    /// `/template NAME`: its system message, model and options from now on.
    fn use_template(&mut self, name: &str) {
        let mut t = match template::load(name) {
            Ok(t) => t,
            Err(f) => return eprintln!("ollama-chat: {f}"),
        };
        let redactor = &self.conversation.redactor;
        redactor.redact_json_and_say(&mut t.options);
        if let Some(system) = &t.system {
            history::set_system(
                &mut self.conversation.messages,
                &redactor.redact_and_say(system),
            );
        }
        if let Some(model) = t.model {
            self.conversation.model = model;
        }
        self.conversation.options = t.options;
        eprintln!("Using template {name} (model {}).", self.conversation.model);
    }

    /// `/save-template NAME`: the session's system message, model and options.
    fn save_template(&self, name: &str) {
        let system = self
            .conversation
            .messages
            .first()
            .filter(|m| m.role == "system");
        let t = Template {
            system: system.map(|m| m.content.clone()),
            model: Some(self.conversation.model.clone()),
            options: self.conversation.options.clone(),
        };
        match template::save(name, &t) {
            Ok(path) => eprintln!("Saved template {name} to {}.", path.display()),
            Err(f) => eprintln!("ollama-chat: {f}"),
        }
    }

    /// Lines between two `"""` lines are one message.
    fn multi_line(&mut self, first: &str, input: &mut Input) -> Action {
        if let Some(one) = first.strip_suffix("\"\"\"") {
            return Action::Send(one.to_string());
        }
        let mut text = first.to_string();
        loop {
            match input.read("... ") {
                Read::Line(l) => {
                    if let Some(end) = l.strip_suffix("\"\"\"") {
                        if !text.is_empty() || !end.is_empty() {
                            text.push('\n');
                        }
                        text.push_str(end);
                        let text = text.trim_start_matches('\n').to_string();
                        return if text.trim().is_empty() {
                            Action::Nothing
                        } else {
                            Action::Send(text)
                        };
                    }
                    text.push('\n');
                    text.push_str(&l);
                }
                Read::Eof => return Action::Leave,
                Read::Interrupted => return Action::Nothing,
            }
        }
    }
}
