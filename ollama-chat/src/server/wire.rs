//! The protocols' shapes, stated once as typed structs: Ollama's `/api/chat` request and reply
//! chunk, OpenAI's `/v1/chat/completions` request and stream chunk, the error bodies servers
//! send, the model lists, and the history file. `api.rs` maps between these and what the
//! rest of the program uses. Unknown fields are ignored, as the protocols allow.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One message of a conversation, in Ollama's (and OpenAI's) format; also one entry of a
/// `--history` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: String,
    pub content: String,
    /// Attached images, base64 (Ollama's shape; the OpenAI route turns them into parts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
}

/// A message on the OpenAI route: plain text, or text and images as content parts.
#[derive(Serialize)]
pub struct OpenAiMessage<'a> {
    pub role: &'a str,
    pub content: OpenAiContent<'a>,
}

/// OpenAI's message content.
#[derive(Serialize)]
#[serde(untagged)]
pub enum OpenAiContent<'a> {
    Text(&'a str),
    Parts(Vec<OpenAiPart<'a>>),
}

/// One content part.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OpenAiPart<'a> {
    Text { text: &'a str },
    ImageUrl { image_url: ImageUrl },
}

/// An image as a data URL.
#[derive(Serialize)]
pub struct ImageUrl {
    pub url: String,
}

/// Ollama's `/api/chat` request body.
#[derive(Serialize)]
pub struct OllamaRequest<'a> {
    pub model: &'a str,
    pub messages: &'a [Message],
    pub stream: bool,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub options: &'a Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_alive: Option<KeepAlive<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub think: Option<bool>,
}

/// How long the model stays loaded: seconds as a number, or a duration string such as "5m".
#[derive(Serialize)]
#[serde(untagged)]
pub enum KeepAlive<'a> {
    Seconds(i64),
    Duration(&'a str),
}

/// OpenAI's `/v1/chat/completions` request body. Model options are top-level fields there.
#[derive(Serialize)]
pub struct OpenAiRequest<'a> {
    pub model: &'a str,
    pub messages: Vec<OpenAiMessage<'a>>,
    pub stream: bool,
    #[serde(flatten)]
    pub options: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
}

/// Ask for token counts in the last chunk of a stream.
#[derive(Serialize)]
pub struct StreamOptions {
    pub include_usage: bool,
}

/// The `error` field of a reply: Ollama's text, or OpenAI's `{"message": ...}` object.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ErrorField {
    Text(String),
    Object { message: Option<String> },
    Other(Value),
}

impl ErrorField {
    /// The error as one text.
    pub fn text(&self) -> String {
        match self {
            ErrorField::Text(s) => s.clone(),
            ErrorField::Object { message } => {
                message.clone().unwrap_or_else(|| "unknown error".into())
            }
            ErrorField::Other(v) => v.to_string(),
        }
    }
}

/// Any JSON error body: Ollama's and OpenAI's `error`, FastAPI's `detail`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub error: Option<ErrorField>,
    pub detail: Option<ErrorField>,
}

/// One line of an Ollama chat reply (or a whole non-streamed reply).
#[derive(Debug, Deserialize)]
pub struct OllamaChunk {
    pub message: Option<Delta>,
    /// The answer's text in `/api/generate`'s shape, as some Ollama proxies stream it.
    pub response: Option<String>,
    pub done: Option<bool>,
    pub done_reason: Option<String>,
    pub prompt_eval_count: Option<u64>,
    pub eval_count: Option<u64>,
    pub eval_duration: Option<u64>,
    pub load_duration: Option<u64>,
    pub total_duration: Option<u64>,
    pub error: Option<ErrorField>,
    /// Present only in OpenAI replies: a sign the URL speaks the other protocol.
    pub choices: Option<Value>,
}

/// The text parts of a message or a stream delta (each may be absent or null).
#[derive(Debug, Default, Deserialize)]
pub struct Delta {
    pub content: Option<String>,
    /// Ollama's thinking.
    pub thinking: Option<String>,
    /// The thinking of OpenAI-compatible servers (llama.cpp, vLLM, DeepSeek).
    pub reasoning_content: Option<String>,
}

/// One `data:` event of an OpenAI stream (or a whole non-streamed reply).
#[derive(Debug, Deserialize)]
pub struct OpenAiChunk {
    pub choices: Option<Vec<Choice>>,
    pub usage: Option<Usage>,
    /// llama.cpp's llama-server: its own counters and speeds.
    pub timings: Option<Timings>,
    pub error: Option<ErrorField>,
}

/// llama.cpp's `timings` object (milliseconds).
#[derive(Debug, Deserialize)]
pub struct Timings {
    pub prompt_n: Option<u64>,
    pub prompt_ms: Option<f64>,
    pub predicted_n: Option<u64>,
    pub predicted_ms: Option<f64>,
}

/// One choice: `delta` in a stream, `message` in a whole reply.
#[derive(Debug, Deserialize)]
pub struct Choice {
    pub delta: Option<Delta>,
    pub message: Option<Delta>,
    pub finish_reason: Option<String>,
}

/// Token counts of an OpenAI reply.
#[derive(Debug, Deserialize)]
pub struct Usage {
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
}

/// `/api/show`'s reply, the parts the context guard reads.
#[derive(Debug, Default, Deserialize)]
pub struct ShowReply {
    /// `general.architecture`, `llama.context_length`, ...
    #[serde(default)]
    pub model_info: Map<String, Value>,
    /// The Modelfile's parameters, one `name value` a line.
    pub parameters: Option<String>,
}

/// `/api/pull`'s request.
#[derive(Debug, Serialize)]
pub struct PullRequest<'a> {
    pub model: &'a str,
    pub stream: bool,
}

/// `/api/show`'s request.
#[derive(Debug, Serialize)]
pub struct ShowRequest<'a> {
    pub model: &'a str,
}

/// One line of `/api/pull`'s stream.
#[derive(Debug, Default, Deserialize)]
pub struct PullProgress {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub digest: String,
    pub total: Option<u64>,
    pub completed: Option<u64>,
    pub error: Option<String>,
}

/// `/api/tags` (Ollama: `models`) or `/v1/models` (OpenAI: `data`).
#[derive(Debug, Default, Deserialize)]
pub struct ModelList {
    #[serde(default)]
    pub models: Vec<Model>,
    #[serde(default)]
    pub data: Vec<Model>,
}

/// One installed model.
#[derive(Debug, Deserialize)]
pub struct Model {
    /// Ollama's name.
    pub name: Option<String>,
    /// OpenAI's id.
    pub id: Option<String>,
    pub size: Option<u64>,
    pub modified_at: Option<String>,
}
