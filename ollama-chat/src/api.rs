//! The two protocols: Ollama's `/api/chat` (NDJSON) and OpenAI's `/v1/chat/completions`
//! (SSE). One function builds the request body, one parses one line of the reply.

use crate::config::Api;
use serde_json::{json, Map, Value};

/// One message of a conversation, in Ollama's (and OpenAI's) format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    /// A message with this role and text.
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Message {
            role: role.to_string(),
            content: content.into(),
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> Value {
        json!({ "role": self.role, "content": self.content })
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

/// The request body for `api`.
pub fn body(api: Api, r: &Request) -> Value {
    let messages: Vec<Value> = r.messages.iter().map(Message::to_json).collect();
    let mut b = json!({ "model": r.model, "messages": messages, "stream": r.stream });
    match api {
        Api::Ollama => {
            if !r.options.is_empty() {
                b["options"] = Value::Object(r.options.clone());
            }
            if let Some(f) = r.format {
                b["format"] = f.clone();
            }
            if let Some(k) = r.keep_alive {
                // Seconds as a number, or a duration string such as "5m".
                b["keep_alive"] = k
                    .parse::<i64>()
                    .map_or_else(|_| Value::from(k), Value::from);
            }
            if r.think {
                b["think"] = Value::from(true);
            }
        }
        Api::OpenAi => {
            for (k, v) in r.options {
                let name = match k.as_str() {
                    "num_predict" => "max_tokens",
                    other => other,
                };
                b[name] = v.clone();
            }
            match r.format {
                Some(Value::String(s)) if s == "json" => {
                    b["response_format"] = json!({"type": "json_object"})
                }
                Some(schema) => {
                    b["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}})
                }
                None => {}
            }
            if r.stream {
                b["stream_options"] = json!({"include_usage": true});
            }
        }
    }
    b
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

fn u(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

/// The text of an `{"error": ...}` object, Ollama's (`"text"`) or OpenAI's (`{"message"}`).
pub fn error_text(v: &Value) -> Option<String> {
    match v.get("error")? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => Some(
            o.get("message")
                .and_then(Value::as_str)
                .unwrap_or("unknown error")
                .to_string(),
        ),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Parse one line of an Ollama NDJSON reply (or a whole non-streamed JSON reply).
pub fn parse_ollama(line: &str, n: usize) -> Result<Option<Chunk>, LineError> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    if line.starts_with("data:") || line.starts_with("event:") {
        return Err(LineError::Protocol(
            "the server sent an SSE stream (OpenAI protocol) to an Ollama endpoint; use a \
             /v1/chat/completions URL or --api openai"
                .into(),
        ));
    }
    let v: Value = serde_json::from_str(line)
        .map_err(|e| LineError::Protocol(format!("line {n} of the reply is not JSON ({e})")))?;
    if let Some(text) = error_text(&v) {
        return Err(LineError::Server(text));
    }
    if v.get("choices").is_some() {
        return Err(LineError::Protocol(
            "the server sent an OpenAI-style reply to an Ollama endpoint; use a \
             /v1/chat/completions URL or --api openai"
                .into(),
        ));
    }
    let Some(done) = v.get("done").and_then(Value::as_bool) else {
        return Err(LineError::Protocol(format!(
            "line {n} of the reply is not an Ollama chat chunk (no \"done\")"
        )));
    };
    let msg = v.get("message");
    let text = |k: &str| {
        msg.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let stats = done.then(|| Stats {
        prompt_tokens: u(&v, "prompt_eval_count"),
        answer_tokens: u(&v, "eval_count"),
        eval_duration: u(&v, "eval_duration"),
        load_duration: u(&v, "load_duration"),
        total_duration: u(&v, "total_duration"),
    });
    Ok(Some(Chunk {
        content: text("content"),
        thinking: text("thinking"),
        done,
        done_reason: v
            .get("done_reason")
            .and_then(Value::as_str)
            .map(str::to_string),
        stats,
        raw: Some(line.to_string()),
    }))
}

/// Parse one line of an OpenAI SSE stream (or, with `whole`, a non-streamed JSON reply).
pub fn parse_openai(line: &str, n: usize, whole: bool) -> Result<Option<Chunk>, LineError> {
    let line = line.trim_end_matches(['\r', '\n']);
    let data = if whole {
        line.trim()
    } else {
        if line.is_empty()
            || line.starts_with(':')
            || line.starts_with("event:")
            || line.starts_with("id:")
        {
            return Ok(None);
        }
        match line.strip_prefix("data:") {
            Some(d) => d.trim(),
            None if line.trim_start().starts_with('{') => {
                return Err(LineError::Protocol(
                    "the server sent NDJSON (Ollama protocol) to an OpenAI endpoint; use an \
                     /api/chat URL or --api ollama"
                        .into(),
                ))
            }
            None => {
                return Err(LineError::Protocol(format!(
                    "line {n} of the reply is not an SSE line"
                )))
            }
        }
    };
    if data.is_empty() {
        return Ok(None);
    }
    if data == "[DONE]" {
        return Ok(Some(Chunk {
            done: true,
            ..Chunk::default()
        }));
    }
    let v: Value = serde_json::from_str(data)
        .map_err(|e| LineError::Protocol(format!("line {n} of the reply is not JSON ({e})")))?;
    if let Some(text) = error_text(&v) {
        return Err(LineError::Server(text));
    }
    let choice = v.get("choices").and_then(|c| c.get(0));
    let part = if whole { "message" } else { "delta" };
    let text = |k: &str| {
        choice
            .and_then(|c| c.get(part))
            .and_then(|d| d.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let finish = choice
        .and_then(|c| c.get("finish_reason"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let stats = v.get("usage").filter(|x| x.is_object()).map(|us| Stats {
        prompt_tokens: u(us, "prompt_tokens"),
        answer_tokens: u(us, "completion_tokens"),
        ..Stats::default()
    });
    if choice.is_none() && stats.is_none() {
        return Err(LineError::Protocol(format!(
            "line {n} of the reply has no \"choices\""
        )));
    }
    Ok(Some(Chunk {
        content: text("content"),
        thinking: text("reasoning_content"),
        // A stream ends at [DONE]; a whole reply is its own end.
        done: whole,
        done_reason: finish,
        stats,
        raw: Some(data.to_string()),
    }))
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
            r#"data: {"choices":[{"delta":{"role":"assistant","content":null}}]}"#,
            1,
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.content, "");
        let c = parse_openai(
            r#"data: {"choices":[{"delta":{"content":"Hi"}}]}"#,
            2,
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.content, "Hi");
        assert_eq!(parse_openai("", 3, false), Ok(None));
        assert!(
            parse_openai("data: [DONE]", 4, false)
                .unwrap()
                .unwrap()
                .done
        );
        assert_eq!(
            parse_openai(r#"data: {"error":{"message":"bad"}}"#, 5, false),
            Err(LineError::Server("bad".into()))
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
        let b = body(Api::Ollama, &r);
        assert_eq!(b["options"]["temperature"], 0);
        assert_eq!(b["keep_alive"], 300);
        assert_eq!(b["think"], true);
        let o = body(Api::OpenAi, &r);
        assert_eq!(o["max_tokens"], 9);
        assert_eq!(o["response_format"]["type"], "json_object");
    }
}
