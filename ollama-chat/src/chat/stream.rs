//! One turn: send the conversation, write the answer as it arrives (flushed chunk by chunk,
//! also into a pipe), and tell how it ended: whole, failed, cut off or cancelled.

use crate::chat::context;
use crate::exit_codes;
use crate::server::errors::{one_line, status_error, transport_error};
use crate::server::http::{self, Client, Event};
use crate::server::protocol::{self as api, Chunk, LineError, Message, Stats};
use crate::server::{Api, Server};
use envtools_cli::interrupt::CtrlC;
use envtools_cli::Failure;
use serde_json::{Map, Value};
use std::io::{self, IsTerminal, Write};

/// How to ask and how to show the answer.
pub struct Turn<'a> {
    pub server: &'a Server,
    pub model: &'a str,
    pub messages: &'a [Message],
    pub stream: bool,
    pub format: Option<&'a Value>,
    pub keep_alive: Option<&'a str>,
    pub think: bool,
    /// Print the server's objects (NDJSON) instead of the text.
    pub json: bool,
    pub stats: bool,
    /// Keep at most this many bytes of the answer's text (for a history, the log); 0 in
    /// single-shot mode without either, so a huge answer streams in constant memory.
    pub keep_text: usize,
    /// `--fit-context`: raise `num_ctx` for this call to fit a long prompt.
    pub fit_context: bool,
    /// `--pull`: pull a model the server does not have, then ask again.
    pub pull: bool,
    /// The model's options (`-o`, a template's; `/template` changes them in the REPL).
    pub options: &'a Map<String, Value>,
    /// What `/api/show` said in this run, per model.
    pub shown: &'a context::Shown,
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

/// Said after an error the server gave a request carrying images: many models and
/// OpenAI-compatible servers take none.
const IMAGE_HINT: &str =
    " (the request carried images: the model or server may not take them; try a vision model)";

/// A whole answer: its text (up to `keep_text`), and the server's counters.
pub struct Answer {
    pub text: String,
    /// The text is not all of the answer (over `keep_text`).
    pub cut: bool,
    pub stats: Option<Stats>,
}

/// A turn that did not end with a whole answer.
pub enum Stop {
    Failed(Failure),
    /// The server said the conversation no longer fits the model's context (the message says
    /// so, with the numbers when the server gave them).
    TooLong(Failure),
    /// Ctrl-C.
    Cancelled,
    /// Our stdout was closed (`| head`): not an error.
    OutputClosed,
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Failed(f)
    }
}

/// Writes the answer: text to stdout, thinking to stderr (dimmed at a terminal).
struct Output {
    out: io::Stdout,
    wrote: bool,
    ends_with_newline: bool,
    dim: bool,
}

impl Output {
    fn text(&mut self, s: &str) -> Result<(), Stop> {
        if s.is_empty() {
            return Ok(());
        }
        let mut out = self.out.lock();
        let r = out.write_all(s.as_bytes()).and_then(|()| out.flush());
        self.wrote = true;
        self.ends_with_newline = s.ends_with('\n');
        match envtools_cli::out::settle(r)? {
            envtools_cli::out::Flow::Open => Ok(()),
            envtools_cli::out::Flow::Closed => Err(Stop::OutputClosed),
        }
    }

    fn thinking(&self, s: &str) {
        if s.is_empty() {
            return;
        }
        let mut err = io::stderr().lock();
        let _ = if self.dim {
            write!(err, "\x1b[2m{s}\x1b[0m")
        } else {
            write!(err, "{s}")
        };
    }

    /// End the answer with one newline (also a partial one, before an error is reported).
    fn finish(&mut self) -> Result<(), Stop> {
        if self.wrote && !self.ends_with_newline {
            self.text("\n")?;
        }
        Ok(())
    }
}

/// Ask and stream. Returns the answer's text (empty unless `keep_text`). Ctrl-C while it
/// streams stops the answer ([`Stop::Cancelled`]); afterwards it does what it did before.
/// With `pull`, a model the server does not have is pulled and the question asked again (the
/// refusal comes before any answer, so nothing was shown).
pub fn run(client: &Client, turn: &Turn) -> Result<Answer, Stop> {
    match ask(client, turn) {
        Err(Stop::Failed(f))
            if turn.pull
                && f.code == exit_codes::MODEL_NOT_FOUND
                && turn.server.api == Api::Ollama =>
        {
            crate::server::pull::pull(client, turn.server, turn.model)?;
            ask(client, turn)
        }
        other => other,
    }
}

/// [`run`], once.
fn ask(client: &Client, turn: &Turn) -> Result<Answer, Stop> {
    let ctrl_c = CtrlC::catch();
    let guard = context::before(
        client,
        turn.server,
        turn.model,
        turn.messages,
        turn.options,
        turn.fit_context,
        turn.shown,
    );
    let rx = send(client, turn, guard.as_ref().and_then(|g| g.raised));
    let mut reader = Reader::new(turn);
    loop {
        let Some(event) = http::next_event(&rx, &ctrl_c) else {
            reader.out.finish()?;
            return Err(Stop::Cancelled);
        };
        match reader.on_event(event) {
            Ok(()) => {}
            Err(End::Whole) => {
                let read = reader.stats.as_ref().and_then(|s| s.prompt_tokens);
                let answer = reader.finish()?;
                if let Some(said) = guard.and_then(|g| g.after(read)) {
                    envtools_cli::warn::warn("ollama-chat", said);
                }
                return Ok(answer);
            }
            Err(End::Failed(f)) => {
                reader.out.finish()?;
                return Err(Stop::Failed(f));
            }
            Err(End::TooLong(f)) => return Err(Stop::TooLong(f)),
            Err(End::Closed) => return Err(Stop::OutputClosed),
        }
    }
}

/// Send the request of `turn` (with `num_ctx` when the context guard raised it); the reply
/// arrives as events on the returned channel.
fn send(client: &Client, turn: &Turn, num_ctx: Option<u64>) -> std::sync::mpsc::Receiver<Event> {
    let cfg = turn.server;
    let mut raised = None;
    if let Some(n) = num_ctx {
        let mut options = turn.options.clone();
        options.insert("num_ctx".into(), Value::from(n));
        raised = Some(options);
    }
    let body = api::body(
        cfg.api,
        &api::Request {
            model: turn.model,
            messages: turn.messages,
            stream: turn.stream,
            options: raised.as_ref().unwrap_or(turn.options),
            format: turn.format,
            keep_alive: turn.keep_alive,
            think: turn.think,
        },
    );
    client.post(
        &cfg.endpoint,
        body,
        cfg.authorization().as_deref(),
        turn.stream,
    )
}

/// A line that is not a good chunk, as the failure it ends the answer with.
fn line_failure(e: LineError) -> End {
    match e {
        LineError::Server(msg) => {
            let message = format!("server error: {}", one_line(&msg));
            Failure::new(exit_codes::SERVER_ERROR, message).into()
        }
        LineError::Protocol(msg) => Failure::new(exit_codes::PROTOCOL, msg).into(),
    }
}

/// How a reply ended, seen from one event.
enum End {
    /// The final chunk arrived and the stream closed.
    Whole,
    Failed(Failure),
    /// The conversation does not fit the model's context.
    TooLong(Failure),
    /// Our stdout was closed (`| head`).
    Closed,
}

impl From<Failure> for End {
    fn from(f: Failure) -> Self {
        End::Failed(f)
    }
}

/// The state of one answer as its events arrive.
struct Reader<'a> {
    turn: &'a Turn<'a>,
    out: Output,
    /// The answer's text, up to `keep_text` bytes.
    text: String,
    /// Some of the text was not kept (over `keep_text`).
    cut: bool,
    /// The final chunk arrived.
    finished: bool,
    reason: Option<String>,
    stats: Option<Stats>,
    /// Lines read, for messages.
    lines: usize,
    /// The event-stream state of an OpenAI stream.
    sse: api::SseEvents,
}

impl<'a> Reader<'a> {
    fn new(turn: &'a Turn<'a>) -> Self {
        let dim = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Reader {
            turn,
            out: Output {
                out: io::stdout(),
                wrote: false,
                ends_with_newline: false,
                dim,
            },
            text: String::new(),
            cut: false,
            finished: false,
            reason: None,
            stats: None,
            lines: 0,
            sse: api::SseEvents::default(),
        }
    }

    /// Take one event; `Err` says how the reply ended.
    fn on_event(&mut self, event: Event) -> Result<(), End> {
        let cfg = self.turn.server;
        match event {
            Event::Started { content_type } => {
                if cfg.api == Api::Ollama && content_type.starts_with("text/event-stream") {
                    return Err(Failure::new(exit_codes::PROTOCOL, api::SSE_TO_OLLAMA).into());
                }
                Ok(())
            }
            Event::Status(code, text)
                if crate::server::errors::is_context_overflow(code, &text) =>
            {
                let f = crate::server::errors::context_overflow(&text, &cfg.endpoint);
                Err(End::TooLong(f))
            }
            Event::Status(code, text) => {
                let mut f = status_error(code, &text, self.turn.model, &cfg.endpoint, cfg);
                let images = self.turn.messages.iter().any(|m| !m.images.is_empty());
                if images && matches!(code, 400 | 413 | 415 | 422 | 500) {
                    f.message.push_str(IMAGE_HINT);
                }
                Err(f.into())
            }
            Event::Failed(t) => Err(transport_error(&t, cfg, self.lines > 0).into()),
            Event::End => {
                // An event whose closing blank line never came still counts.
                if let Some(data) = self.sse.finish() {
                    self.on_data(&data)?;
                }
                self.end()
            }
            Event::Line(line) => self.on_line(&line),
        }
    }

    /// The body ended: whole after the final chunk, cut off before it.
    fn end(&self) -> Result<(), End> {
        if self.finished {
            return Err(End::Whole);
        }
        Err(Failure::new(
            exit_codes::PROTOCOL,
            "the answer was cut off: the reply ended before its final chunk",
        )
        .into())
    }

    /// One line of the reply; an OpenAI stream's lines make events first.
    fn on_line(&mut self, line: &str) -> Result<(), End> {
        self.lines += 1;
        if self.turn.server.api == Api::Ollama || !self.turn.stream {
            return self.on_data(line);
        }
        match self.sse.line(line) {
            Ok(Some(data)) => self.on_data(&data),
            Ok(None) => Ok(()),
            Err(e) => Err(line_failure(e)),
        }
    }

    /// One chunk of the answer: show its text (or the object, with `--json`), keep its state.
    fn on_data(&mut self, data: &str) -> Result<(), End> {
        let parsed = match self.turn.server.api {
            Api::Ollama => api::parse_ollama(data, self.lines),
            Api::OpenAi => api::parse_openai(data, self.lines, !self.turn.stream),
        };
        let chunk: Chunk = match parsed {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(()),
            Err(e) => return Err(line_failure(e)),
        };
        let shown = match (&chunk.raw, self.turn.json) {
            (Some(raw), true) => self.out.text(raw).and_then(|()| self.out.text("\n")),
            _ if self.turn.json => Ok(()),
            _ => {
                self.out.thinking(&chunk.thinking);
                self.out.text(&chunk.content)
            }
        };
        shown.map_err(|stop| match stop {
            Stop::Failed(f) => End::Failed(f),
            _ => End::Closed,
        })?;
        let room = self.turn.keep_text.saturating_sub(self.text.len());
        if chunk.content.len() <= room {
            self.text.push_str(&chunk.content);
        } else if !chunk.content.is_empty() {
            let mut end = room;
            while !chunk.content.is_char_boundary(end) {
                end -= 1;
            }
            self.text.push_str(&chunk.content[..end]);
            self.cut = true;
        }
        self.reason = chunk.done_reason.or(self.reason.take());
        self.stats = chunk.stats.or(self.stats.take());
        self.finished |= chunk.done;
        Ok(())
    }

    /// The reply ended whole: end the line, warn about a cut at the token limit, show stats.
    fn finish(mut self) -> Result<Answer, Stop> {
        if !self.turn.json {
            self.out.finish()?;
        }
        if self.reason.as_deref() == Some("length") {
            envtools_cli::warn::warn(
                "ollama-chat",
                "the answer was cut at the token limit (raise num_predict / max_tokens)",
            );
        }
        if self.turn.stats {
            print_stats(self.stats.as_ref());
        }
        Ok(Answer {
            text: self.text,
            cut: self.cut,
            stats: self.stats,
        })
    }
}

fn print_stats(stats: Option<&Stats>) {
    let Some(s) = stats else {
        eprintln!("ollama-chat: no statistics in the reply");
        return;
    };
    let secs = |ns: Option<u64>| ns.map_or("-".to_string(), |n| format!("{:.3} s", n as f64 / 1e9));
    let count = |c: Option<u64>| c.map_or("-".to_string(), |n| n.to_string());
    let rate = match (s.answer_tokens, s.eval_duration) {
        (Some(t), Some(d)) if d > 0 => format!("{:.2} tokens/s", t as f64 / d as f64 * 1e9),
        _ => "-".to_string(),
    };
    eprintln!("prompt tokens:  {}", count(s.prompt_tokens));
    eprintln!("answer tokens:  {}", count(s.answer_tokens));
    eprintln!("answer rate:    {rate}");
    eprintln!("load time:      {}", secs(s.load_duration));
    eprintln!("total time:     {}", secs(s.total_duration));
}
