//! HTTP to the server. A request runs on a worker thread that passes the reply on, line by
//! line, over a bounded channel: the caller polls it, so Ctrl-C stops an answer at once (the
//! worker is abandoned and ends with the connection), and a slow consumer slows the reader
//! instead of buffering a whole answer in memory.

use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::time::Duration;

/// What the worker reports.
#[derive(Debug)]
pub enum Event {
    /// Headers arrived with a success status.
    Started { content_type: String },
    /// One line of the body (line ending removed), or the whole body when not streaming.
    Line(String),
    /// An HTTP error status, with the start of its body.
    Status(u16, String),
    /// The request or the body failed.
    Failed(Transport),
    /// The body ended.
    End,
}

/// Why the server could not be talked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Refused(String),
    NotResolved(String),
    ConnectTimeout,
    /// No reply within the timeout (the model may be loading).
    FirstByteTimeout,
    /// The body stopped arriving for longer than the timeout.
    Stalled,
    /// The connection broke mid-body.
    Cut(String),
    Other(String),
}

/// A configured client.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
}

const MAX_ERROR_BODY: u64 = 64 * 1024;

impl Client {
    /// `timeout` bounds the wait for the first byte and every silence after it.
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(timeout))
            .timeout_per_read(Some(timeout))
            .user_agent(concat!("ollama-chat/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
        }
    }

    /// POST `body` (JSON) to `url` and read the reply on a worker thread: by line when
    /// `by_line`, else whole (a non-streamed reply may span lines).
    pub fn post(
        &self,
        url: &str,
        body: String,
        bearer: Option<&str>,
        by_line: bool,
    ) -> Receiver<Event> {
        let (tx, rx) = mpsc::sync_channel(64);
        let agent = self.agent.clone();
        let url = url.to_string();
        let auth = bearer.map(|k| format!("Bearer {k}"));
        std::thread::spawn(move || {
            let mut req = agent.post(&url).header("Content-Type", "application/json");
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            match req.send(body) {
                Ok(resp) => relay(resp, &tx, by_line),
                Err(e) => {
                    let _ = tx.send(Event::Failed(transport(e)));
                }
            }
        });
        rx
    }

    /// GET `url`: status and body.
    pub fn get(&self, url: &str) -> Result<(u16, String), Transport> {
        let resp = self.agent.get(url).call().map_err(transport)?;
        let status = resp.status().as_u16();
        let mut text = String::new();
        resp.into_body()
            .into_reader()
            .take(16 * 1024 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| Transport::Cut(e.to_string()))?;
        Ok((status, text))
    }
}

fn relay(resp: ureq::http::Response<ureq::Body>, tx: &SyncSender<Event>, by_line: bool) {
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut reader = resp.into_body().into_reader();
    if status >= 400 {
        let mut text = String::new();
        let _ = (&mut reader).take(MAX_ERROR_BODY).read_to_string(&mut text);
        let _ = tx.send(Event::Status(status, text));
        return;
    }
    if tx.send(Event::Started { content_type }).is_err() {
        return;
    }
    if !by_line {
        let mut text = String::new();
        let event = match reader.read_to_string(&mut text) {
            Ok(_) => Event::Line(text),
            Err(e) => Event::Failed(read_error(&e)),
        };
        if tx.send(event).is_ok() {
            let _ = tx.send(Event::End);
        }
        return;
    }
    let mut lines = BufReader::new(reader);
    loop {
        let mut line = String::new();
        let event = match lines.read_line(&mut line) {
            Ok(0) => Event::End,
            Ok(_) => Event::Line(line.trim_end_matches(['\n', '\r']).to_string()),
            Err(e) => Event::Failed(read_error(&e)),
        };
        let last = !matches!(event, Event::Line(_));
        // The receiver is gone (Ctrl-C, or an error already reported): stop reading.
        if tx.send(event).is_err() || last {
            return;
        }
    }
}

fn read_error(e: &std::io::Error) -> Transport {
    let text = e.to_string();
    if e.kind() == std::io::ErrorKind::TimedOut
        || text.contains("timeout")
        || text.contains("timed out")
    {
        Transport::Stalled
    } else {
        Transport::Cut(text)
    }
}

fn transport(e: ureq::Error) -> Transport {
    use ureq::Timeout as T;
    match e {
        ureq::Error::Timeout(T::Connect | T::Resolve) => Transport::ConnectTimeout,
        ureq::Error::Timeout(_) => Transport::FirstByteTimeout,
        ureq::Error::HostNotFound => Transport::NotResolved(String::new()),
        ureq::Error::ConnectionFailed => Transport::Refused(String::new()),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            Transport::Refused(io.to_string())
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            Transport::FirstByteTimeout
        }
        // std's resolver reports a failed lookup as a plain I/O error.
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => {
            Transport::NotResolved(io.to_string())
        }
        ureq::Error::Io(io) => Transport::Cut(io.to_string()),
        other => Transport::Other(other.to_string()),
    }
}
