//! The conversation of a call, and its one turn: the user's message redacted, sent with the
//! conversation so far, the answer streamed, then kept in the conversation, the log and the
//! history. Single-shot and the REPL both go through [`Conversation::turn`].

use super::attach::Attached;
use super::redact::Redactor;
use super::stream::{self, Answer, Stop, Turn};
use crate::files::{history, log};
use crate::server::http::Client;
use crate::server::protocol::Message;
use serde_json::{Map, Value};
use std::path::Path;

/// The conversation of a call: what every turn sends and where it is kept.
pub struct Conversation<'a> {
    /// How to ask and show the answer (its messages, model and options are filled in per turn).
    pub settings: Turn<'a>,
    pub model: String,
    /// The model's options (`-o`, `-t`; `/template` replaces them).
    pub options: Map<String, Value>,
    /// The conversation so far, the system message first.
    pub messages: Vec<Message>,
    /// `--history`: each whole turn is added to it.
    pub history: Option<&'a Path>,
    pub log: Session,
    pub redactor: &'a Redactor,
}

impl Conversation<'_> {
    /// One turn: `text` and `attached` as the user's message (redacted), sent with the
    /// conversation so far; the answer streamed, then kept in the conversation, the log and
    /// the history. A failed or cancelled turn leaves no dangling question.
    pub fn turn(&mut self, client: &Client, text: &str, attached: Attached) -> Result<(), Stop> {
        let text = self
            .redactor
            .redact_and_say(&format!("{text}{}", attached.text));
        let mut message = Message::new("user", text);
        message.images = attached.images;
        self.messages.push(message);
        let answer = self.ask(client).inspect_err(|_| {
            self.messages.pop();
        })?;
        self.log.record(self, &answer);
        self.messages.push(Message::new("assistant", answer.text));
        if let Some(path) = self.history {
            let system = self.messages.first().filter(|m| m.role == "system");
            let system = system.map(|m| m.content.as_str());
            let turn = &self.messages[self.messages.len() - 2..];
            history::append(path, system, turn)?;
        }
        Ok(())
    }

    /// Ask with the conversation as it is. When the server says it no longer fits the model's
    /// context, the oldest turns are left out (never the system message or the new question)
    /// until it fits, and one line says so: the session stays usable.
    fn ask(&mut self, client: &Client) -> Result<Answer, Stop> {
        let mut dropped = 0;
        loop {
            let turn = Turn {
                model: &self.model,
                messages: &self.messages,
                options: &self.options,
                ..self.settings.clone_settings()
            };
            match stream::run(client, &turn) {
                Err(Stop::TooLong(f)) if self.drop_oldest_turn() => {
                    dropped += 1;
                    if dropped == 1 {
                        envtools_cli::warn::warn("ollama-chat", format_args!("{f}"));
                    }
                }
                other => {
                    if dropped > 0 {
                        envtools_cli::warn::warn(
                            "ollama-chat",
                            format_args!(
                                "left out the oldest {dropped} turn{} of the conversation to fit the model's context (/clear starts afresh)",
                                if dropped == 1 { "" } else { "s" }
                            ),
                        );
                    }
                    return other;
                }
            }
        }
    }

    /// Leave out the oldest user message and what answered it; `false` when only the system
    /// message and the new question are left.
    fn drop_oldest_turn(&mut self) -> bool {
        let first = usize::from(self.messages.first().is_some_and(|m| m.role == "system"));
        if self.messages.len() <= first + 1 {
            return false;
        }
        self.messages.remove(first);
        while self.messages.len() > first + 1 && self.messages[first].role != "user" {
            self.messages.remove(first);
        }
        true
    }
}

/// Where a conversation's exchanges go: its id in the log, and whether logging is on.
pub struct Session {
    pub cid: String,
    pub on: bool,
}

impl Session {
    /// Log the exchange that just ended; a failure to log is a warning (the answer was given).
    fn record(&self, conversation: &Conversation, answer: &Answer) {
        if !self.on {
            return;
        }
        let messages = &conversation.messages;
        let system = messages.first().filter(|m| m.role == "system");
        let prompt = messages.last().map_or("", |m| m.content.as_str());
        let stats = answer.stats.as_ref();
        let exchange = log::Exchange {
            cid: self.cid.clone(),
            time: log::now(),
            url: conversation.settings.server.endpoint.clone(),
            model: conversation.model.clone(),
            options: conversation.options.clone(),
            system: system.map(|m| m.content.clone()),
            prompt: prompt.to_string(),
            answer: answer.text.clone(),
            answer_cut: answer.cut,
            prompt_tokens: stats.and_then(|s| s.prompt_tokens),
            answer_tokens: stats.and_then(|s| s.answer_tokens),
        };
        if let Err(f) = log::append(&exchange) {
            envtools_cli::warn::warn(
                "ollama-chat",
                format_args!("the exchange was not logged: {f}"),
            );
        }
    }
}
