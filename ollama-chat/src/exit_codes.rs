//! Every exit code ollama-chat can return, in one place: the constants, and
//! [`TABLE`], what each means, which `--help` and the man page render and the README's table
//! must match (a test in tests/face.rs compares them).

use envtools_cli::Status;

/// The answer arrived whole.
pub const SUCCESS: u8 = 0;
/// The server answered with an error (HTTP 4xx/5xx, or an error line in the stream).
pub const SERVER_ERROR: u8 = 1;
/// Bad usage or input: flags, a bad `-o` value, an unreadable or malformed `--history` or
/// `--format` file, no model configured, nothing to send.
pub const USAGE: u8 = 2;
/// The server cannot be reached: connection refused, name not resolved, connect timeout.
pub const UNREACHABLE: u8 = 3;
/// No first byte within `--timeout` (model loading?), or the stream stalled that long.
pub const TIMEOUT: u8 = 4;
/// The reply is not what the protocol says: not NDJSON/SSE, malformed JSON, or cut off before
/// its final chunk (the partial answer stays on stdout; nothing is saved to the history).
pub const PROTOCOL: u8 = 5;
/// The model is not installed on the server (`ollama pull MODEL`).
pub const MODEL_NOT_FOUND: u8 = 6;
/// Interrupted with Ctrl-C (single-shot mode).
pub const INTERRUPTED: u8 = 130;

/// What each exit status means.
pub const TABLE: &[(Status, &str)] = &[
    (Status::Code(SUCCESS), "the answer arrived whole"),
    (Status::Code(SERVER_ERROR), "the server answered with an error (HTTP 4xx/5xx, or an error line mid-stream; the partial answer stays on stdout)"),
    (Status::Code(USAGE), "bad usage or input: flags, a bad -o, an unreadable or malformed --history/--format file, no model, nothing to send"),
    (Status::Code(UNREACHABLE), "the server cannot be reached: connection refused (try ollama serve), name not resolved, connect timeout"),
    (Status::Code(TIMEOUT), "no first byte within --timeout (model loading?), or the stream stalled"),
    (Status::Code(PROTOCOL), "the reply broke the protocol (not NDJSON, malformed JSON, SSE sent to the Ollama endpoint) or was cut off"),
    (Status::Code(MODEL_NOT_FOUND), "the model is not installed (ollama pull MODEL)"),
    (Status::Code(INTERRUPTED), "interrupted (Ctrl-C)"),
];
