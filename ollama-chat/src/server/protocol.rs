//! The two protocols: Ollama's `/api/chat` (NDJSON) and OpenAI's `/v1/chat/completions`
//! (SSE). One function builds the request body, one parses one line of the reply.

use crate::server::wire::{
    self, ErrorBody, KeepAlive, OllamaChunk, OllamaRequest, OpenAiChunk, OpenAiRequest,
    StreamOptions,
};
use crate::server::Api;
use serde_json::{json, Map, Value};

pub use crate::server::wire::Message;

impl Message {
    /// A message with this role and text.
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Message {
            role: role.to_string(),
            content: content.into(),
            images: Vec::new(),
        }
    }

    /// This message on the OpenAI route: its images as `image_url` data URLs.
    fn openai(&self) -> wire::OpenAiMessage<'_> {
        let content = if self.images.is_empty() {
            wire::OpenAiContent::Text(&self.content)
        } else {
            let mut parts = vec![wire::OpenAiPart::Text {
                text: &self.content,
            }];
            parts.extend(self.images.iter().map(|b64| wire::OpenAiPart::ImageUrl {
                image_url: wire::ImageUrl {
                    url: format!(
                        "data:{};base64,{b64}",
                        crate::chat::attach::image_type_of_base64(b64)
                    ),
                },
            }));
            wire::OpenAiContent::Parts(parts)
        };
        wire::OpenAiMessage {
            role: &self.role,
            content,
        }
    }
}

/// What to ask for.
pub struct Request<'a> {
    pub model: &'a str,
    pub messages: &'a [Message],
    pub stream: bool,
    pub options: &'a Map<String, Value>,
    /// `"json"` or a JSON schema.
    pub format: Option<&'a Value>,
    pub keep_alive: Option<&'a str>,
    pub think: bool,
}

/// The request body for `api`, as JSON text.
pub fn body(api: Api, r: &Request) -> String {
    let text = match api {
        Api::Ollama => serde_json::to_string(&OllamaRequest {
            model: r.model,
            messages: r.messages,
            stream: r.stream,
            options: r.options,
            format: r.format,
            keep_alive: r.keep_alive.map(|k| {
                k.parse::<i64>()
                    .map_or(KeepAlive::Duration(k), KeepAlive::Seconds)
            }),
            think: r.think.then_some(true),
        }),
        Api::OpenAi => serde_json::to_string(&OpenAiRequest {
            model: r.model,
            messages: r.messages.iter().map(Message::openai).collect(),
            stream: r.stream,
            options: openai_options(r.options),
            response_format: r.format.map(response_format),
            stream_options: r.stream.then_some(StreamOptions {
                include_usage: true,
            }),
        }),
    };
    // Serialising strings, numbers and JSON values cannot fail.
    text.unwrap_or_default()
}

/// Ollama's option names, as OpenAI calls them.
fn openai_options(options: &Map<String, Value>) -> Map<String, Value> {
    options
        .iter()
        .map(|(k, v)| {
            let name = match k.as_str() {
                "num_predict" => "max_tokens",
                other => other,
            };
            (name.to_string(), v.clone())
        })
        .collect()
}

fn response_format(format: &Value) -> Value {
    match format {
        Value::String(s) if s == "json" => json!({"type": "json_object"}),
        schema => {
            json!({"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}})
        }
    }
}

/// Counters of the final chunk, for `--stats`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub prompt_tokens: Option<u64>,
    pub answer_tokens: Option<u64>,
    /// Nanoseconds.
    pub eval_duration: Option<u64>,
    pub load_duration: Option<u64>,
    pub total_duration: Option<u64>,
}

/// One piece of an answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chunk {
    pub content: String,
    pub thinking: String,
    /// The final chunk (`done: true`, `[DONE]`, or a whole non-streamed reply).
    pub done: bool,
    pub done_reason: Option<String>,
    pub stats: Option<Stats>,
    /// The JSON object as received, for `--json`.
    pub raw: Option<String>,
}

/// A line that is not a good chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// The server reported an error in the stream.
    Server(String),
    /// Not valid for the protocol; the text says what was wrong (never the whole line).
    Protocol(String),
}

/// The error text of an HTTP error body: Ollama's `error` string, OpenAI's `error.message`,
/// FastAPI's `detail`; `None` when the body says none of these.
pub fn error_text(body: &str) -> Option<String> {
    let b: ErrorBody = serde_json::from_str(body).ok()?;
    b.error.or(b.detail).map(|e| e.text())
}

/// `line` as a `T`, or why not: not JSON at all, or JSON of another shape (`what`).
fn decode<'a, T: serde::Deserialize<'a>>(
    line: &'a str,
    n: usize,
    what: &str,
) -> Result<T, LineError> {
    serde_json::from_str(line).map_err(|e| {
        LineError::Protocol(match e.classify() {
            serde_json::error::Category::Data => {
                format!("line {n} of the reply is not {what} ({e})")
            }
            _ => format!("line {n} of the reply is not JSON ({e})"),
        })
    })
}

/// An OpenAI stream came from an endpoint we spoke Ollama's protocol to.
pub const SSE_TO_OLLAMA: &str = "the server sent an SSE stream (OpenAI protocol) to an Ollama \
    endpoint; use a /v1/chat/completions URL or --api openai";

/// Parse one line of an Ollama NDJSON reply (or a whole non-streamed JSON reply).
pub fn parse_ollama(line: &str, n: usize) -> Result<Option<Chunk>, LineError> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    if line.starts_with("data:") || line.starts_with("event:") {
        return Err(LineError::Protocol(SSE_TO_OLLAMA.into()));
    }
    let c: OllamaChunk = decode(line, n, "an Ollama chat chunk")?;
    if let Some(e) = &c.error {
        return Err(LineError::Server(e.text()));
    }
    if c.choices.is_some() {
        return Err(LineError::Protocol(
            "the server sent an OpenAI-style reply to an Ollama endpoint; use a \
             /v1/chat/completions URL or --api openai"
                .into(),
        ));
    }
    let Some(done) = c.done else {
        return Err(LineError::Protocol(format!(
            "line {n} of the reply is not an Ollama chat chunk (no \"done\")"
        )));
    };
    let (content, thinking) = match (c.message, c.response) {
        (Some(m), _) => (
            m.content.unwrap_or_default(),
            m.thinking.unwrap_or_default(),
        ),
        (None, Some(text)) => (text, String::new()),
        (None, None) if done => (String::new(), String::new()),
        (None, None) => {
            return Err(LineError::Protocol(format!(
                "line {n} of the reply carries no answer (no \"message\" or \"response\")"
            )))
        }
    };
    let stats = done.then_some(Stats {
        prompt_tokens: c.prompt_eval_count,
        answer_tokens: c.eval_count,
        eval_duration: c.eval_duration,
        load_duration: c.load_duration,
        total_duration: c.total_duration,
    });
    Ok(Some(Chunk {
        content,
        thinking,
        done,
        done_reason: c.done_reason,
        stats,
        raw: Some(line.to_string()),
    }))
}

/// An OpenAI stream read by the event-stream rules: `data:` lines are joined by newlines
/// into one event, dispatched at a blank line; comments (`:`) and other fields (`event`, `id`,
/// `retry`, unknown ones) are ignored.
#[derive(Default)]
pub struct SseEvents {
    data: Option<String>,
}

impl SseEvents {
    /// Take one line of the stream (its ending removed): the data of an event it ends, if any.
    pub fn line(&mut self, line: &str) -> Result<Option<String>, LineError> {
        if line.is_empty() {
            return Ok(self.data.take());
        }
        if line.starts_with('{') {
            return Err(LineError::Protocol(
                "the server sent NDJSON (Ollama protocol) to an OpenAI endpoint; use an \
                 /api/chat URL or --api ollama"
                    .into(),
            ));
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        if field == "data" {
            match &mut self.data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => self.data = Some(value.to_string()),
            }
        }
        Ok(None)
    }

    /// At the end of the stream: the data of an event whose blank line never came.
    pub fn finish(&mut self) -> Option<String> {
        self.data.take()
    }
}

/// Parse one event's data of an OpenAI stream, or with `whole` a non-streamed JSON reply.
pub fn parse_openai(data: &str, n: usize, whole: bool) -> Result<Option<Chunk>, LineError> {
    let data = data.trim();
    if data.is_empty() {
        return Ok(None);
    }
    if data == "[DONE]" {
        return Ok(Some(Chunk {
            done: true,
            ..Chunk::default()
        }));
    }
    let c: OpenAiChunk = decode(data, n, "an OpenAI chat chunk")?;
    if let Some(e) = &c.error {
        return Err(LineError::Server(e.text()));
    }
    let stats = openai_stats(c.usage, c.timings);
    let choice: Option<wire::Choice> = c.choices.and_then(|v| v.into_iter().next());
    if choice.is_none() && stats.is_none() {
        return Err(LineError::Protocol(format!(
            "line {n} of the reply has no \"choices\""
        )));
    }
    let (part, finish) = match choice {
        Some(ch) => (if whole { ch.message } else { ch.delta }, ch.finish_reason),
        None => (Some(wire::Delta::default()), None),
    };
    let Some(part) = part else {
        let field = if whole { "message" } else { "delta" };
        return Err(LineError::Protocol(format!(
            "line {n} of the reply carries no answer (no \"{field}\")"
        )));
    };
    Ok(Some(Chunk {
        content: part.content.unwrap_or_default(),
        thinking: part.reasoning_content.unwrap_or_default(),
        // A stream ends at [DONE]; a whole reply is its own end.
        done: whole,
        done_reason: finish,
        stats,
        raw: Some(data.to_string()),
    }))
}

/// Counters from an OpenAI reply: `usage`, completed by llama.cpp's `timings`.
fn openai_stats(usage: Option<wire::Usage>, timings: Option<wire::Timings>) -> Option<Stats> {
    if usage.is_none() && timings.is_none() {
        return None;
    }
    let ns = |ms: Option<f64>| ms.map(|m| (m * 1e6) as u64);
    let (prompt_tokens, answer_tokens) = usage
        .map(|u| (u.prompt_tokens, u.completion_tokens))
        .unwrap_or_default();
    let t = timings;
    let t = t.as_ref();
    Some(Stats {
        prompt_tokens: prompt_tokens.or(t.and_then(|t| t.prompt_n)),
        answer_tokens: answer_tokens.or(t.and_then(|t| t.predicted_n)),
        eval_duration: ns(t.and_then(|t| t.predicted_ms)),
        load_duration: None,
        total_duration: t.and_then(|t| match (t.prompt_ms, t.predicted_ms) {
            (Some(a), Some(b)) => ns(Some(a + b)),
            _ => None,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ollama_chunks_and_errors() {
        let c = parse_ollama(
            r#"{"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}"#,
            1,
        )
        .unwrap()
        .unwrap();
        assert_eq!((c.content.as_str(), c.done), ("Hi", false));
        let last = parse_ollama(r#"{"message":{"content":"!"},"done":true,"done_reason":"length","eval_count":5,"eval_duration":1000000000}"#, 2).unwrap().unwrap();
        assert_eq!(last.content, "!");
        assert_eq!(last.done_reason.as_deref(), Some("length"));
        assert_eq!(last.stats.unwrap().answer_tokens, Some(5));
        assert_eq!(
            parse_ollama(r#"{"error":"boom"}"#, 3),
            Err(LineError::Server("boom".into()))
        );
        assert!(
            matches!(parse_ollama("{not json", 4), Err(LineError::Protocol(m)) if m.contains("line 4"))
        );
        assert!(
            matches!(parse_ollama("data: {}", 1), Err(LineError::Protocol(m)) if m.contains("SSE"))
        );
        assert!(
            matches!(parse_ollama(r#"{"choices":[]}"#, 1), Err(LineError::Protocol(m)) if m.contains("OpenAI"))
        );
    }

    #[test]
    fn openai_sse() {
        let c = parse_openai(
            r#"{"choices":[{"delta":{"role":"assistant","content":null}}]}"#,
            1,
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.content, "");
        let c = parse_openai(r#"{"choices":[{"delta":{"content":"Hi"}}]}"#, 2, false)
            .unwrap()
            .unwrap();
        assert_eq!(c.content, "Hi");
        assert_eq!(parse_openai("", 3, false), Ok(None));
        assert!(parse_openai("[DONE]", 4, false).unwrap().unwrap().done);
        assert_eq!(
            parse_openai(r#"{"error":{"message":"bad"}}"#, 5, false),
            Err(LineError::Server("bad".into()))
        );
    }

    #[test]
    fn sse_events_follow_the_event_stream_rules() {
        let mut sse = SseEvents::default();
        let mut events = Vec::new();
        for line in [
            ": comment",
            "retry: 3000",
            "id: 7",
            "event: chunk",
            "x-unknown: 1",
            "data: a",
            "data:b",
            "",
            "",
            "data: [DONE]",
        ] {
            if let Some(d) = sse.line(line).unwrap() {
                events.push(d);
            }
        }
        assert_eq!(events, vec!["a\nb".to_string()]);
        assert_eq!(sse.finish().as_deref(), Some("[DONE]"));
        assert!(sse.line("{\"done\":false}").is_err());
    }

    #[test]
    fn chunks_without_an_answer_field_are_refused_but_generate_style_is_read() {
        assert!(
            matches!(parse_ollama(r#"{"done":false}"#, 2), Err(LineError::Protocol(m)) if m.contains("no answer"))
        );
        let c = parse_ollama(r#"{"response":"Hi","done":false}"#, 1)
            .unwrap()
            .unwrap();
        assert_eq!(c.content, "Hi");
        assert!(
            matches!(parse_openai(r#"{"choices":[{"index":0}]}"#, 3, false), Err(LineError::Protocol(m)) if m.contains("no answer"))
        );
        let t = parse_openai(r#"{"choices":[],"timings":{"prompt_n":5,"prompt_ms":10.0,"predicted_n":20,"predicted_ms":400.0}}"#, 4, false).unwrap().unwrap();
        let s = t.stats.unwrap();
        assert_eq!(
            (
                s.prompt_tokens,
                s.answer_tokens,
                s.eval_duration,
                s.total_duration
            ),
            (Some(5), Some(20), Some(400_000_000), Some(410_000_000))
        );
    }

    #[test]
    fn bodies() {
        let msgs = [Message::new("user", "hi")];
        let mut opts = Map::new();
        opts.insert("temperature".into(), Value::from(0));
        opts.insert("num_predict".into(), Value::from(9));
        let fmt = Value::from("json");
        let r = Request {
            model: "m",
            messages: &msgs,
            stream: true,
            options: &opts,
            format: Some(&fmt),
            keep_alive: Some("300"),
            think: true,
        };
        let b: Value = serde_json::from_str(&body(Api::Ollama, &r)).unwrap();
        assert_eq!(b["options"]["temperature"], 0);
        assert_eq!(b["keep_alive"], 300);
        assert_eq!(b["think"], true);
        let o: Value = serde_json::from_str(&body(Api::OpenAi, &r)).unwrap();
        assert_eq!(o["max_tokens"], 9);
        assert_eq!(o["response_format"]["type"], "json_object");
    }
}
