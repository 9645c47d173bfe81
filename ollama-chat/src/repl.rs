//! The interactive loop: `>>> ` and all other chrome on the terminal (stderr), answers on
//! stdout, the conversation kept across turns. At a terminal, lines are edited with rustyline
//! (arrows, recall); with `-i` and piped input, lines are read from stdin, so it can be scripted.

use crate::api::Message;
use crate::attach::Attached;
use crate::history;
use crate::stream::{self, Stop, Turn};
use crate::template::{self, Template};
use envtools_cli::Failure;
use serde_json::{Map, Value};
use std::io::{self, BufRead, IsTerminal};
use std::path::Path;

const HELP: &str = "\
Commands:
  /help            this help
  /clear           forget the conversation (the system message stays)
  /system TEXT     set the system message
  /model NAME      talk to another model
  /save FILE       write the conversation to FILE (JSON)
  /load FILE       read a conversation from FILE
  /attach FILE     add a text file or an image to the next message
  /template NAME   use a saved template (system message, model, options)
  /save-template NAME  save this session's system message, model and options
  \"\"\"              start or end a message of several lines
  quit, exit, bye, /bye or Ctrl-D   leave
Ctrl-C stops the answer being written.";

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

/// The REPL's state.
pub struct Repl<'a> {
    pub turn_template: Turn<'a>,
    pub model: String,
    pub messages: Vec<Message>,
    /// `--history`: saved after every successful turn.
    pub history_file: Option<&'a Path>,
    /// Files for the next message (`-a`, `/attach`).
    pub pending: Attached,
    /// The model's options (`-o`, `-t`; `/template` replaces them).
    pub options: Map<String, Value>,
    /// The session's conversation id in the log.
    pub log: crate::log::Session,
}

impl Repl<'_> {
    /// Run until the user leaves. Failures of a turn are reported and the loop goes on; when
    /// any turn failed, the REPL ends with the last failure's exit status (so a script driving
    /// `-i` sees it).
    pub fn run(mut self, client: &crate::http::Client) -> Result<(), Failure> {
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
            let text = match self.command(&line, &mut input) {
                Action::Send(t) => t,
                Action::Leave => break,
                Action::Nothing => continue,
            };
            turns += 1;
            match self.turn(client, text) {
                Ok(()) => {}
                Err(Stop::Failed(f)) => {
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

    /// Send `text`, stream the answer, keep both in the conversation (and `--history`). A
    /// failed or cancelled turn leaves no dangling question in the conversation.
    fn turn(&mut self, client: &crate::http::Client, text: String) -> Result<(), Stop> {
        let attached = std::mem::take(&mut self.pending);
        let text = self
            .turn_template
            .config
            .redactor
            .redact_and_say(&(text + &attached.text));
        let mut message = Message::new("user", text);
        message.images = attached.images;
        self.messages.push(message);
        let turn = Turn {
            model: &self.model,
            messages: &self.messages,
            keep_text: usize::MAX,
            options: &self.options,
            ..self.turn_template.clone_settings()
        };
        let result = stream::run(client, &turn);
        if let Ok(answer) = &result {
            let prompt = self.messages.last().map_or("", |m| m.content.as_str());
            self.log.record(&turn, prompt, answer);
        }
        let answer = result.inspect_err(|_| {
            self.messages.pop();
        })?;
        self.messages.push(Message::new("assistant", answer.text));
        if let Some(path) = self.history_file {
            if let Err(f) = history::save(path, &self.messages) {
                eprintln!("ollama-chat: {f}");
            }
        }
        Ok(())
    }

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
                self.messages.retain(|m| m.role == "system");
                eprintln!("Cleared the conversation.");
            }
            "/system" if !arg.is_empty() => {
                let system = self.turn_template.config.redactor.redact_and_say(arg);
                history::set_system(&mut self.messages, &system);
                eprintln!("Set the system message.");
            }
            "/model" if !arg.is_empty() => {
                self.model = arg.to_string();
                eprintln!("Now talking to {arg}.");
            }
            "/save" if !arg.is_empty() => match history::save(Path::new(arg), &self.messages) {
                Ok(()) => eprintln!("Saved {} messages to {arg}.", self.messages.len()),
                Err(f) => eprintln!("ollama-chat: {f}"),
            },
            "/load" if !arg.is_empty() => match history::load(Path::new(arg), false) {
                Ok(mut m) => {
                    eprintln!("Loaded {} messages from {arg}.", m.len());
                    let redactor = &self.turn_template.config.redactor;
                    redactor.redact_messages_and_say(&mut m);
                    self.messages = m;
                }
                Err(f) => eprintln!("ollama-chat: {f}"),
            },
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

    /// `/template NAME`: its system message, model and options from now on.
    fn use_template(&mut self, name: &str) {
        let mut t = match template::load(name) {
            Ok(t) => t,
            Err(f) => return eprintln!("ollama-chat: {f}"),
        };
        let redactor = &self.turn_template.config.redactor;
        redactor.redact_json_and_say(&mut t.options);
        if let Some(system) = &t.system {
            history::set_system(&mut self.messages, &redactor.redact_and_say(system));
        }
        if let Some(model) = t.model {
            self.model = model;
        }
        self.options = t.options;
        eprintln!("Using template {name} (model {}).", self.model);
    }

    /// `/save-template NAME`: the session's system message, model and options.
    fn save_template(&self, name: &str) {
        let system = self.messages.first().filter(|m| m.role == "system");
        let t = Template {
            system: system.map(|m| m.content.clone()),
            model: Some(self.model.clone()),
            options: self.options.clone(),
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

impl<'a> Turn<'a> {
    /// The settings of a turn, without its messages (filled in per turn).
    pub fn clone_settings(&self) -> Turn<'a> {
        Turn {
            messages: &[],
            ..*self
        }
    }
}
