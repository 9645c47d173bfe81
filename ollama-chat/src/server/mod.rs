//! Talking to a server, and nothing about conversations: where it is (`endpoint`), the
//! protocol shapes (`wire`, one place for every request and reply), the two protocols
//! (`protocol`), HTTP with bounds and timeouts (`http`), what its errors mean (`errors`),
//! the models it has (`models`), pulling one (`pull`), and the model options (`options`).

pub mod endpoint;
pub mod errors;
pub mod http;
pub mod models;
pub mod options;
pub mod protocol;
pub mod pull;
pub mod wire;

pub use endpoint::{base_url, DEFAULT_HOST};

/// The protocol spoken with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Ollama's `/api/chat`: NDJSON stream.
    Ollama,
    /// OpenAI's `/v1/chat/completions`: SSE stream.
    OpenAi,
}

/// A server: where requests go, in which protocol, with which credentials.
#[derive(Debug, Clone)]
pub struct Server {
    /// The chat endpoint URL (without a user or password: those are in `basic`, so that no
    /// message or log shows them).
    pub endpoint: String,
    /// `USER:PASSWORD` of the URL, base64, for `Authorization: Basic`.
    pub basic: Option<String>,
    pub api: Api,
    /// `OPENAI_API_KEY`, sent as a bearer token to OpenAI-compatible servers.
    pub api_key: Option<String>,
    /// `OLLAMA_API_KEY`, sent as a bearer token on Ollama's own `/api/*` routes (hosted models,
    /// auth proxies).
    pub ollama_api_key: Option<String>,
    /// `--timeout`, in seconds.
    pub timeout: u64,
}

impl Server {
    /// The `Authorization` header of this protocol's requests, if any (never printed): the
    /// bearer token, else the user and password the URL held.
    pub fn authorization(&self) -> Option<String> {
        let key = match self.api {
            Api::OpenAi => self.api_key.as_deref(),
            Api::Ollama => self.ollama_api_key.as_deref(),
        };
        match (key, &self.basic) {
            (Some(k), _) => Some(format!("Bearer {k}")),
            (None, Some(b)) => Some(format!("Basic {b}")),
            (None, None) => None,
        }
    }

    /// The server's base URL (the endpoint without its chat path).
    pub fn base(&self) -> &str {
        base_url(&self.endpoint)
    }

    /// The kind of server, for hints.
    pub fn kind(&self) -> &'static str {
        match self.api {
            Api::Ollama => "an Ollama server",
            Api::OpenAi => "an OpenAI-compatible server",
        }
    }
}
