//! What a server's refusal or a broken connection means, said in one line that names the URL
//! and the way out: HTTP statuses, transport failures, and their hints by kind of server.
//! Server text is shown as one line with control characters made spaces.

use super::http::Transport;
use super::{Api, Server};
use crate::exit_codes;
use envtools_cli::Failure;

/// The first line of a server's text, shortened: error bodies can be whole HTML pages.
pub fn one_line(text: &str) -> String {
    envtools_cli::text::one_line(text, 300)
}

/// An HTTP error status, as one line naming the URL, with a hint, whatever the body's shape.
pub fn status_error(code: u16, body: &str, model: &str, url: &str, at: &Server) -> Failure {
    let text = super::protocol::error_text(body);
    let shown = one_line(text.as_deref().unwrap_or(body));
    let fail = |m: String| Failure::new(exit_codes::SERVER_ERROR, m);
    match (code, text.as_deref()) {
        (404, Some(t)) if t.contains("not found") && t.contains("model") => Failure::new(
            exit_codes::MODEL_NOT_FOUND,
            format!("{shown} (run: ollama pull {model})"),
        ),
        (404, _) => fail(format!(
            "HTTP 404 from {url} ({shown}): wrong URL, or not {}",
            at.kind()
        )),
        (401 | 403, _) => fail(format!(
            "HTTP {code} from {url}: {shown} (is OPENAI_API_KEY set and valid?)"
        )),
        (503, _) => fail(format!("server busy (HTTP 503) at {url}: {shown}")),
        (_, Some(t)) if t.contains("does not support thinking") => fail(format!(
            "server error (HTTP {code}) from {url}: {shown} (drop --think)"
        )),
        _ => fail(format!("server error (HTTP {code}) from {url}: {shown}")),
    }
}

/// A transport failure, as one line naming the server, with a hint. `began`: some of the
/// answer had arrived.
pub fn transport_error(t: &Transport, at: &Server, began: bool) -> Failure {
    let base = super::base_url(&at.endpoint);
    let secs = at.timeout;
    let (code, message) = match t {
        Transport::Refused(_) => (exit_codes::UNREACHABLE, match at.api {
            Api::Ollama => format!("cannot connect to {base}: connection refused (is the server running? try: ollama serve)"),
            Api::OpenAi => format!("cannot connect to {base}: connection refused (is the OpenAI-compatible server running at {base}?)"),
        }),
        Transport::NotResolved(_) => (exit_codes::UNREACHABLE, format!("cannot connect to {base}: the host name does not resolve")),
        Transport::ConnectTimeout => (exit_codes::UNREACHABLE, format!("cannot connect to {base}: timed out")),
        Transport::FirstByteTimeout => (exit_codes::TIMEOUT, format!("no first byte from {base} within {secs} s (a model still loading? raise --timeout)")),
        Transport::Stalled if began => (exit_codes::TIMEOUT, format!("the answer stalled: nothing arrived for {secs} s after it began")),
        Transport::Stalled => (exit_codes::TIMEOUT, format!("no first token from {base} within {secs} s (a slow model? raise --timeout)")),
        Transport::Cut(why) if began => (exit_codes::PROTOCOL, format!("the answer was cut off: the connection broke ({why})")),
        Transport::Cut(why) => (exit_codes::PROTOCOL, format!("the connection to {base} broke: {why}")),
        Transport::NotHttp(why) => (exit_codes::PROTOCOL, format!("the reply from {base} is not HTTP: {why}")),
        Transport::TooLong(what) => (exit_codes::PROTOCOL, (*what).to_string()),
        Transport::NotUtf8(n) => (exit_codes::PROTOCOL, format!("line {n} of the reply is not valid UTF-8")),
        Transport::Redirected(status, to) => {
            let to = one_line(to);
            (exit_codes::SERVER_ERROR, format!("the server redirected to {to} (HTTP {status}); use --url {to}"))
        }
        Transport::Other(why) => (exit_codes::UNREACHABLE, format!("cannot talk to {base}: {why}")),
    };
    Failure::new(code, message)
}

/// Whether an HTTP error says the request does not fit the model's context: llama-server's
/// `exceed_context_size_error`, OpenAI's `context_length_exceeded`, vLLM's "maximum context
/// length", Ollama's "exceeds ... context".
pub fn is_context_overflow(code: u16, body: &str) -> bool {
    if !matches!(code, 400 | 413 | 422 | 500) {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    [
        "exceed_context_size",
        "context_length_exceeded",
        "maximum context length",
        "exceeds the available context size",
        "context window",
        "context length",
    ]
    .iter()
    .any(|k| lower.contains(k))
}

/// The one line for a request that does not fit the model's context: the numbers when the
/// server gave them, and the way out.
pub fn context_overflow(body: &str, url: &str) -> Failure {
    let (sent, fits) = overflow_numbers(body);
    let numbers = match (sent, fits) {
        (Some(s), Some(f)) => format!(" ({s} tokens sent, {f} fit)"),
        (None, Some(f)) => format!(" ({f} tokens fit)"),
        (Some(s), None) => format!(" ({s} tokens sent)"),
        (None, None) => String::new(),
    };
    Failure::new(
        exit_codes::SERVER_ERROR,
        format!(
            "the conversation does not fit the model's context{numbers} at {url}: /clear in the \
             REPL, send less, or give the model a larger context (-o num_ctx=N on Ollama, \
             --ctx-size on llama-server)"
        ),
    )
}

/// Tokens sent and tokens that fit, as the server said them: llama-server's `n_prompt_tokens`
/// and `n_ctx` fields, or OpenAI's and vLLM's "maximum context length is N tokens ...
/// (requested|resulted in) M tokens".
fn overflow_numbers(body: &str) -> (Option<u64>, Option<u64>) {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let e = v.get("error").unwrap_or(&v);
    let field = |k: &str| e.get(k).and_then(serde_json::Value::as_u64);
    if let (Some(sent), Some(fits)) = (field("n_prompt_tokens"), field("n_ctx")) {
        return (Some(sent), Some(fits));
    }
    let text = super::protocol::error_text(body).unwrap_or_else(|| body.to_string());
    let number_after = |key: &str| {
        let at = text.find(key)? + key.len();
        let digits: String = text[at..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let fits = number_after("maximum context length is");
    let sent = number_after("resulted in").or_else(|| number_after("requested"));
    (sent, fits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_overflows_of_each_server_are_recognised_with_their_numbers() {
        let llama = r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}"#;
        let vllm = r#"{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}"#;
        let openai = r#"{"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#;
        for (body, sent, fits) in [
            (llama, 5000, 4096),
            (vllm, 5000, 4096),
            (openai, 9000, 8192),
        ] {
            assert!(is_context_overflow(400, body), "{body}");
            let f = context_overflow(body, "http://h/v1/chat/completions");
            assert!(
                f.message.starts_with(&format!(
                    "the conversation does not fit the model's context ({sent} tokens sent, {fits} fit)"
                )),
                "{}",
                f.message
            );
        }
        assert!(!is_context_overflow(
            400,
            r#"{"error":"model \"m\" not found"}"#
        ));
        assert!(!is_context_overflow(503, llama));
    }
}
