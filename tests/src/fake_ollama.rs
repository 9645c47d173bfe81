//! A fake Ollama server for tests: real HTTP/1.1 on 127.0.0.1 (a free port), speaking
//! Ollama's `/api/chat` (chunked NDJSON with the real field names), `/api/tags`, and the
//! OpenAI-compatible `/v1/chat/completions` (SSE), with every fault on demand. It records each
//! request so tests can assert what was sent. Dropped, it stops.

use serde_json::{json, Value};
use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does with the next chat requests.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Stream these pieces, then a final `done: true` chunk carrying `last` (may be empty)
    /// with `done_reason`. With `"stream": false`, one object with everything.
    Answer {
        pieces: Vec<String>,
        last: String,
        done_reason: String,
        delay: Duration,
    },
    /// Answer `echo: <last user message>` in three pieces: for multi-turn tests. A last user
    /// message of exactly `please fail` gets a 500 instead (a failed turn mid-session).
    Echo,
    /// Stream thinking pieces, then the answer.
    Thinking {
        thinking: Vec<String>,
        pieces: Vec<String>,
    },
    /// An HTTP error status with this body and content type.
    Status {
        code: u16,
        body: String,
        content_type: String,
    },
    /// Status 200 and some pieces, then an `{"error": ...}` line.
    ErrorAfter { pieces: Vec<String>, error: String },
    /// Some pieces, then a line that is not JSON.
    Malformed { pieces: Vec<String> },
    /// Status 200 with this body and content type, as is.
    Raw { content_type: String, body: String },
    /// Some pieces, then the body ends properly but with no `done: true` chunk.
    CutOff { pieces: Vec<String> },
    /// Some pieces, then the connection is closed in the middle of a chunk.
    Reset { pieces: Vec<String> },
    /// Some pieces, then silence for `pause`, then the end.
    Stall {
        pieces: Vec<String>,
        pause: Duration,
    },
    /// Wait `pause` before sending the headers (a model loading), then answer `Echo`.
    SlowStart { pause: Duration },
    /// Stream `total` bytes of content in pieces of `piece` bytes (memory tests, benchmarks).
    Huge { total: usize, piece: usize },
    /// One reply line of `total` bytes that never ends (a broken or hostile server).
    LongLine { total: usize },
    /// Stream `count` lines, one every `interval`, each the wall-clock time (ns since the
    /// epoch) at which it was sent: for measuring streaming latency.
    Timestamps { count: usize, interval: Duration },
}

impl Reply {
    /// A plain streamed answer.
    pub fn answer(pieces: &[&str]) -> Reply {
        Reply::Answer {
            pieces: pieces.iter().map(|s| s.to_string()).collect(),
            last: String::new(),
            done_reason: "stop".into(),
            delay: Duration::ZERO,
        }
    }
}

/// A model's context, as `/api/show` tells it; with one set, the server also cuts a prompt
/// longer than the call's `num_ctx` the way Ollama does, and its `prompt_eval_count` says so
/// (tokens counted as four characters).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// The Modelfile's `num_ctx` (also the server's default here).
    pub num_ctx: u64,
    /// `model_info.llama.context_length`.
    pub context_length: u64,
}

impl Window {
    /// The tokens the server reads of `req`: all of the prompt, or `num_ctx` of it.
    fn read(&self, req: &Recorded) -> u64 {
        let msgs = req.body["messages"].as_array().cloned().unwrap_or_default();
        let chars: usize = msgs
            .iter()
            .map(|m| m["content"].as_str().unwrap_or("").chars().count())
            .sum();
        let num_ctx = req.body["options"]["num_ctx"]
            .as_u64()
            .unwrap_or(self.num_ctx);
        (chars as u64 / 4).min(num_ctx)
    }
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct State {
    reply: Reply,
    requests: Vec<Recorded>,
    models: Vec<(String, u64)>,
    window: Option<Window>,
    /// Models a chat gets "not found" for until `/api/pull` pulled them.
    missing: Vec<String>,
}

/// The running server.
pub struct FakeOllama {
    pub port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl FakeOllama {
    /// Start on a free port of 127.0.0.1, answering chats with `reply`.
    pub fn start(reply: Reply) -> FakeOllama {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let port = listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"));
        let state = Arc::new(Mutex::new(State {
            reply,
            requests: Vec::new(),
            models: vec![
                ("llama3.1:latest".into(), 4_920_753_328),
                ("qwen3:8b".into(), 5_225_388_164),
            ],
            window: None,
            missing: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    let st = st.clone();
                    std::thread::spawn(move || serve(conn, &st));
                }
            }
        });
        FakeOllama { port, state, stop }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Change what the next chats get.
    pub fn set_reply(&self, reply: Reply) {
        self.lock().reply = reply;
    }

    /// The installed models `/api/tags` lists.
    pub fn set_models(&self, models: &[(&str, u64)]) {
        self.lock().models = models.iter().map(|(n, s)| (n.to_string(), *s)).collect();
    }

    /// Answer `/api/show` with this context, and cut prompts by it.
    pub fn set_window(&self, window: Window) {
        self.lock().window = Some(window);
    }

    /// Models that are not installed: a chat gets Ollama's 404 until they are pulled. A
    /// pull of `absent` fails the way Ollama's does for a name the registry does not know.
    pub fn set_missing(&self, models: &[&str]) {
        self.lock().missing = models.iter().map(|m| m.to_string()).collect();
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// The last chat request's body.
    pub fn last_chat(&self) -> Value {
        let reqs = self.requests();
        let chat = reqs
            .iter()
            .rev()
            .find(|r| r.method == "POST")
            .unwrap_or_else(|| panic!("no chat request"));
        chat.body.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for FakeOllama {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn read_request(conn: &TcpStream) -> Option<Recorded> {
    let (line, headers, body) = crate::raw_server::read_http_request(conn)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

fn serve(mut conn: TcpStream, state: &Mutex<State>) {
    let Some(req) = read_request(&conn) else {
        return;
    };
    let (reply, models, window, missing) = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.requests.push(req.clone());
        let model = req.body["model"].as_str().unwrap_or("");
        let missing = s.missing.iter().any(|m| m == model);
        (s.reply.clone(), s.models.clone(), s.window, missing)
    };
    if missing && req.path == "/api/chat" {
        let model = req.body["model"].as_str().unwrap_or("");
        let body = json!({"error": format!("model '{model}' not found")}).to_string();
        let _ = respond(&mut conn, 404, "application/json", &body);
        return;
    }
    let _ = match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/") => respond(&mut conn, 200, "text/plain", "Ollama is running"),
        ("GET", "/api/tags") => {
            let list: Vec<Value> = models
                .iter()
                .map(|(n, s)| json!({"name": n, "model": n, "modified_at": "2026-10-01T12:00:00Z", "size": s, "digest": "abc", "details": {}}))
                .collect();
            respond(
                &mut conn,
                200,
                "application/json",
                &json!({"models": list}).to_string(),
            )
        }
        ("GET", "/v1/models") => {
            let list: Vec<Value> = models
                .iter()
                .map(|(n, _)| json!({"id": n, "object": "model"}))
                .collect();
            respond(
                &mut conn,
                200,
                "application/json",
                &json!({"object": "list", "data": list}).to_string(),
            )
        }
        ("POST", "/api/show") => match window {
            Some(w) => respond(
                &mut conn,
                200,
                "application/json",
                &json!({
                    "parameters": format!("num_ctx                        {}\nstop                           \"<|eot_id|>\"", w.num_ctx),
                    "model_info": {"general.architecture": "llama", "llama.context_length": w.context_length},
                    "details": {"format": "gguf"}
                })
                .to_string(),
            ),
            None => respond(&mut conn, 404, "application/json", r#"{"error":"model not found"}"#),
        },
        ("POST", "/api/pull") => pull(&mut conn, &req, state),
        ("POST", "/api/chat") => chat(&mut conn, &req, reply, false, window),
        ("POST", "/v1/chat/completions") => chat(&mut conn, &req, reply, true, None),
        _ => respond(&mut conn, 404, "text/plain", "404 page not found"),
    };
}

/// `/api/pull`, streamed as Ollama does: the manifest, one layer of 4 GB in fifths, the
/// digest check, `success`; the model is then installed. `absent` fails after the manifest.
fn pull(conn: &mut TcpStream, req: &Recorded, state: &Mutex<State>) -> std::io::Result<()> {
    let model = req.body["model"].as_str().unwrap_or("").to_string();
    let mut c = Chunked(conn);
    c.start("application/x-ndjson")?;
    c.send("{\"status\":\"pulling manifest\"}\n")?;
    if model == "absent" {
        c.send("{\"error\":\"pull model manifest: file does not exist\"}\n")?;
        return c.end();
    }
    let total: u64 = 4_000_000_000;
    for fifth in 0..=5 {
        let line = json!({"status": "pulling 6a0746a1ec1a", "digest": "sha256:6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa", "total": total, "completed": total / 5 * fifth});
        c.send(&format!("{line}\n"))?;
    }
    for status in ["verifying sha256 digest", "writing manifest", "success"] {
        c.send(&format!("{}\n", json!({ "status": status })))?;
    }
    let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
    s.missing.retain(|m| *m != model);
    drop(s);
    c.end()
}

fn respond(conn: &mut TcpStream, code: u16, content_type: &str, body: &str) -> std::io::Result<()> {
    write!(
        conn,
        "HTTP/1.1 {code} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn last_user(req: &Recorded) -> String {
    let msgs = req.body["messages"].as_array().cloned().unwrap_or_default();
    msgs.iter()
        .rev()
        .find(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string()
}

/// A chunk of an answer, in the protocol's own shape.
fn piece(model: &str, content: &str, thinking: &str, openai: bool) -> String {
    if openai {
        return format!(
            "data: {}\n",
            json!({"id": "c1", "object": "chat.completion.chunk", "model": model, "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]})
        );
    }
    let mut message = json!({"role": "assistant", "content": content});
    if !thinking.is_empty() {
        message["thinking"] = Value::from(thinking);
    }
    format!(
        "{}\n",
        json!({"model": model, "created_at": "2026-11-24T10:00:00.000Z", "message": message, "done": false})
    )
}

fn final_chunk(model: &str, last: &str, reason: &str, openai: bool, read: u64) -> String {
    if openai {
        let end = json!({"id": "c1", "object": "chat.completion.chunk", "model": model, "choices": [{"index": 0, "delta": {"content": last}, "finish_reason": reason}]});
        let usage = json!({"id": "c1", "object": "chat.completion.chunk", "model": model, "choices": [], "usage": {"prompt_tokens": 26, "completion_tokens": 12, "total_tokens": 38}});
        return format!("data: {end}\n\ndata: {usage}\n\ndata: [DONE]\n\n");
    }
    format!(
        "{}\n",
        json!({"model": model, "created_at": "2026-11-24T10:00:01.000Z", "message": {"role": "assistant", "content": last},
               "done": true, "done_reason": reason, "total_duration": 2_500_000_000u64, "load_duration": 500_000_000u64,
               "prompt_eval_count": read, "prompt_eval_duration": 130_000_000u64, "eval_count": 12, "eval_duration": 1_200_000_000u64})
    )
}

struct Chunked<'a>(&'a mut TcpStream);

impl Chunked<'_> {
    fn start(&mut self, content_type: &str) -> std::io::Result<()> {
        write!(self.0, "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    }
    fn send(&mut self, data: &str) -> std::io::Result<()> {
        write!(self.0, "{:x}\r\n{data}\r\n", data.len())?;
        self.0.flush()
    }
    fn end(&mut self) -> std::io::Result<()> {
        write!(self.0, "0\r\n\r\n")
    }
}

fn chat(
    conn: &mut TcpStream,
    req: &Recorded,
    reply: Reply,
    openai: bool,
    window: Option<Window>,
) -> std::io::Result<()> {
    let model = req.body["model"].as_str().unwrap_or("").to_string();
    let read = window.map_or(26, |w| w.read(req));
    let stream = req.body["stream"].as_bool().unwrap_or(!openai);
    let ct = if openai {
        "text/event-stream"
    } else {
        "application/x-ndjson"
    };
    let sep = if openai { "\n" } else { "" };
    let (pieces, thinking, last, reason, delay) = match reply {
        Reply::Answer {
            pieces,
            last,
            done_reason,
            delay,
        } => (pieces, vec![], last, done_reason, delay),
        Reply::Echo if last_user(req) == "please fail" => {
            return respond(
                conn,
                500,
                "application/json",
                r#"{"error":"an error was encountered while running the model"}"#,
            )
        }
        Reply::Echo => {
            let text = format!("echo: {}", last_user(req));
            let third = text.len() / 3;
            let cut = |i: usize| {
                (0..=i)
                    .rev()
                    .find(|&j| text.is_char_boundary(j))
                    .unwrap_or(0)
            };
            let (a, b) = (cut(third), cut(2 * third));
            (
                vec![
                    text[..a].to_string(),
                    text[a..b].to_string(),
                    text[b..].to_string(),
                ],
                vec![],
                String::new(),
                "stop".into(),
                Duration::ZERO,
            )
        }
        Reply::Thinking { thinking, pieces } => (
            pieces,
            thinking,
            String::new(),
            "stop".into(),
            Duration::ZERO,
        ),
        Reply::Status {
            code,
            body,
            content_type,
        } => return respond(conn, code, &content_type, &body),
        Reply::Raw { content_type, body } => return respond(conn, 200, &content_type, &body),
        Reply::SlowStart { pause } => {
            std::thread::sleep(pause);
            return chat(conn, req, Reply::Echo, openai, window);
        }
        Reply::Huge { total, piece: size } => {
            let mut c = Chunked(conn);
            c.start(ct)?;
            let text = "x".repeat(size.max(1) - 1) + "\n";
            let line = piece(&model, &text, "", openai);
            for _ in 0..total / size.max(1) {
                c.send(&format!("{line}{sep}"))?;
            }
            c.send(&final_chunk(&model, "", "stop", openai, read))?;
            return c.end();
        }
        Reply::LongLine { total } => {
            let mut c = Chunked(conn);
            c.start(ct)?;
            let block = "x".repeat(1 << 16);
            for _ in 0..total / block.len() {
                c.send(&block)?;
            }
            return c.end();
        }
        Reply::Timestamps { count, interval } => {
            let mut c = Chunked(conn);
            c.start(ct)?;
            for _ in 0..count {
                std::thread::sleep(interval);
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos());
                c.send(&format!(
                    "{}{sep}",
                    piece(&model, &format!("{now}\n"), "", openai)
                ))?;
            }
            c.send(&final_chunk(&model, "", "stop", openai, read))?;
            return c.end();
        }
        faulty => return fault(conn, &model, faulty, openai),
    };
    if !stream {
        let content: String = pieces.concat() + &last;
        let body = if openai {
            json!({"id": "c1", "object": "chat.completion", "model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": reason}], "usage": {"prompt_tokens": 26, "completion_tokens": 12}})
        } else {
            let mut v: Value =
                serde_json::from_str(final_chunk(&model, &content, &reason, false, read).trim())
                    .unwrap_or(Value::Null);
            v["message"]["thinking"] = Value::from(thinking.concat());
            v
        };
        return respond(conn, 200, "application/json", &body.to_string());
    }
    let mut c = Chunked(conn);
    c.start(ct)?;
    for t in &thinking {
        c.send(&piece(&model, "", t, openai))?;
    }
    for p in &pieces {
        std::thread::sleep(delay);
        c.send(&format!("{}{sep}", piece(&model, p, "", openai)))?;
    }
    c.send(&final_chunk(&model, &last, &reason, openai, read))?;
    c.end()
}

fn fault(conn: &mut TcpStream, model: &str, reply: Reply, openai: bool) -> std::io::Result<()> {
    let ct = if openai {
        "text/event-stream"
    } else {
        "application/x-ndjson"
    };
    let mut c = Chunked(conn);
    c.start(ct)?;
    let pieces = match &reply {
        Reply::ErrorAfter { pieces, .. }
        | Reply::Malformed { pieces }
        | Reply::CutOff { pieces }
        | Reply::Reset { pieces }
        | Reply::Stall { pieces, .. } => pieces.clone(),
        _ => vec![],
    };
    // An SSE event ends at a blank line.
    let sep = if openai { "\n" } else { "" };
    for p in &pieces {
        c.send(&format!("{}{sep}", piece(model, p, "", openai)))?;
    }
    match reply {
        Reply::ErrorAfter { error, .. } => {
            let line = json!({"error": error}).to_string();
            c.send(&if openai {
                format!("data: {line}\n\n")
            } else {
                format!("{line}\n")
            })?;
            c.end()
        }
        Reply::Malformed { .. } => {
            c.send("{\"model\": \"m\", \"message\": {\"content\": \"x\"\n")?;
            c.end()
        }
        Reply::CutOff { .. } => c.end(),
        Reply::Reset { .. } => {
            // Announce a long chunk, send a little of it, and close.
            write!(c.0, "400\r\n{{\"model\":")?;
            c.0.flush()?;
            c.0.shutdown(Shutdown::Both)
        }
        Reply::Stall { pause, .. } => {
            std::thread::sleep(pause);
            c.end()
        }
        _ => c.end(),
    }
}
