//! HTTP to the server. A request runs on a worker thread that passes the reply on, line by
//! line, over a channel of one slot: the caller polls it, so Ctrl-C stops an answer at once
//! (the worker is abandoned and ends with the connection), and a slow consumer slows the
//! reader instead of buffering a whole answer in memory.
//!
//! Bounded whatever the server sends: a line over [`MAX_LINE`] or a whole reply over
//! [`MAX_BODY`] fails (memory stays near the cap); lines end at LF, CRLF or CR (the
//! event-stream rules); a reply that is not HTTP, has oversized headers or is not UTF-8 is a
//! protocol failure. Redirects are not followed (a POST must not turn into a GET), and no
//! connection is reused: a server that closes a kept-alive connection after its last chunk
//! (llama.cpp's llama-server does) cannot break the next turn.

use envtools_cli::interrupt::CtrlC;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
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
    /// The reply is not HTTP, or its headers are too large.
    NotHttp(String),
    /// A line (or a whole reply) is longer than its cap; the text says which.
    TooLong(&'static str),
    /// Line N of the reply is not UTF-8.
    NotUtf8(usize),
    /// A redirect (3xx) to this `Location`: not followed.
    Redirected(u16, String),
    Other(String),
}

/// The most one line of a streamed reply may hold: 16 MiB.
pub const MAX_LINE: usize = 16 << 20;
/// The most a whole (non-streamed) reply may hold: 64 MiB.
pub const MAX_BODY: usize = 64 << 20;

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
            .max_redirects(0)
            .max_idle_connections(0)
            .max_idle_connections_per_host(0)
            .max_response_header_size(64 * 1024)
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
        let (tx, rx) = mpsc::sync_channel(1);
        let agent = self.agent.clone();
        let url = url.to_string();
        let bearer = bearer.map(str::to_string);
        std::thread::spawn(move || {
            let req = agent.post(&url).header("Content-Type", "application/json");
            match with_bearer(req, bearer.as_deref()).send(body) {
                Ok(resp) => relay(resp, &tx, by_line),
                Err(e) => {
                    let _ = tx.send(Event::Failed(transport(e)));
                }
            }
        });
        rx
    }

    /// GET `url`: status and body (a redirect is a [`Transport::Redirected`] failure).
    pub fn get(&self, url: &str, bearer: Option<&str>) -> Result<(u16, String), Transport> {
        let req = with_bearer(self.agent.get(url), bearer);
        whole_reply(req.call().map_err(transport)?, MAX_BODY as u64)
    }

    /// POST `body` (JSON) to `url` and wait for the whole reply, at most `cap` bytes: for
    /// small requests beside the chat (`/api/show`).
    pub fn post_small(
        &self,
        url: &str,
        body: String,
        bearer: Option<&str>,
        cap: u64,
    ) -> Result<(u16, String), Transport> {
        let req = self
            .agent
            .post(url)
            .header("Content-Type", "application/json");
        whole_reply(with_bearer(req, bearer).send(body).map_err(transport)?, cap)
    }
}

/// `req` with the `Authorization` header `value` (`Bearer KEY`, `Basic ...`) when there is one.
fn with_bearer<B>(req: ureq::RequestBuilder<B>, value: Option<&str>) -> ureq::RequestBuilder<B> {
    match value {
        Some(v) => req.header("Authorization", v),
        None => req,
    }
}

/// The next event of a reply, polled so that Ctrl-C is seen at once: `None` after Ctrl-C.
/// A worker gone without a last event counts as a cut connection.
pub fn next_event(rx: &Receiver<Event>, ctrl_c: &CtrlC) -> Option<Event> {
    loop {
        if ctrl_c.take() {
            return None;
        }
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(e) => return Some(e),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Some(Event::Failed(Transport::Cut("the reader stopped".into())))
            }
        }
    }
}

/// A reply's status and body, at most `cap` bytes (a redirect is a
/// [`Transport::Redirected`] failure).
fn whole_reply(
    resp: ureq::http::Response<ureq::Body>,
    cap: u64,
) -> Result<(u16, String), Transport> {
    let status = resp.status().as_u16();
    if (300..400).contains(&status) {
        let to = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        return Err(Transport::Redirected(status, to.to_string()));
    }
    let mut text = String::new();
    resp.into_body()
        .into_reader()
        .take(cap)
        .read_to_string(&mut text)
        .map_err(|e| read_error(&e))?;
    Ok((status, text))
}

fn relay(resp: ureq::http::Response<ureq::Body>, tx: &SyncSender<Event>, by_line: bool) {
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let content_type = header("content-type");
    let location = header("location");
    let mut reader = resp.into_body().into_reader();
    if (300..400).contains(&status) {
        let _ = tx.send(Event::Failed(Transport::Redirected(status, location)));
        return;
    }
    if status >= 400 {
        let mut bytes = Vec::new();
        let _ = (&mut reader).take(MAX_ERROR_BODY).read_to_end(&mut bytes);
        let _ = tx.send(Event::Status(
            status,
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
        return;
    }
    if tx.send(Event::Started { content_type }).is_err() {
        return;
    }
    if !by_line {
        let event = read_whole(reader);
        if tx.send(event).is_ok() {
            let _ = tx.send(Event::End);
        }
        return;
    }
    let mut lines = BufReader::new(reader);
    let mut after_cr = false;
    for n in 1.. {
        let event = match next_line(&mut lines, &mut after_cr) {
            Ok(Next::Line(bytes)) => match String::from_utf8(bytes) {
                Ok(text) => Event::Line(text),
                Err(_) => Event::Failed(Transport::NotUtf8(n)),
            },
            Ok(Next::End) => Event::End,
            Ok(Next::TooLong) => Event::Failed(Transport::TooLong(
                "a line of the reply is longer than 16 MiB (the cap)",
            )),
            Err(e) => Event::Failed(read_error(&e)),
        };
        let last = !matches!(event, Event::Line(_));
        // The receiver is gone (Ctrl-C, or an error already reported): stop reading.
        if tx.send(event).is_err() || last {
            return;
        }
    }
}

/// A whole (non-streamed) reply, within [`MAX_BODY`].
fn read_whole(reader: impl Read) -> Event {
    let mut bytes = Vec::new();
    match reader.take(MAX_BODY as u64 + 1).read_to_end(&mut bytes) {
        Err(e) => Event::Failed(read_error(&e)),
        Ok(n) if n > MAX_BODY => Event::Failed(Transport::TooLong(
            "the reply is longer than 64 MiB (the cap)",
        )),
        Ok(_) => match String::from_utf8(bytes) {
            Ok(text) => Event::Line(text),
            Err(_) => Event::Failed(Transport::NotUtf8(1)),
        },
    }
}

/// What [`next_line`] found.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// A line, without its ending.
    Line(Vec<u8>),
    /// The end of the body.
    End,
    /// A line longer than [`MAX_LINE`].
    TooLong,
}

/// The next line of `r`, ended by LF, CRLF or CR (an unterminated last line counts), never
/// holding more than [`MAX_LINE`] bytes. `after_cr` carries "the last line ended at a CR"
/// from one call to the next, so that the LF of a CRLF split across reads is skipped.
fn next_line(r: &mut impl BufRead, after_cr: &mut bool) -> io::Result<Next> {
    let mut line = Vec::new();
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(if line.is_empty() {
                Next::End
            } else {
                Next::Line(line)
            });
        }
        let skip = usize::from(std::mem::take(after_cr) && buf[0] == b'\n');
        let rest = &buf[skip..];
        let end = rest.iter().position(|&b| b == b'\n' || b == b'\r');
        let take = end.unwrap_or(rest.len());
        if line.len() + take > MAX_LINE {
            return Ok(Next::TooLong);
        }
        line.extend_from_slice(&rest[..take]);
        match end {
            Some(i) => {
                *after_cr = rest[i] == b'\r';
                r.consume(skip + i + 1);
                return Ok(Next::Line(line));
            }
            None => r.consume(skip + take),
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
        ureq::Error::Protocol(e) => Transport::NotHttp(e.to_string()),
        ureq::Error::LargeResponseHeader(..) => {
            Transport::NotHttp("its headers are larger than 64 KiB".into())
        }
        ureq::Error::Http(e) => Transport::NotHttp(e.to_string()),
        other => Transport::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], chunk: usize) -> Vec<Next> {
        // A reader that hands out `chunk` bytes at a time, as a network does.
        struct Drip<'a>(&'a [u8], usize);
        impl Read for Drip<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = BufReader::with_capacity(chunk.max(1), Drip(input, chunk));
        let mut after_cr = false;
        let mut out = Vec::new();
        loop {
            let next = next_line(&mut r, &mut after_cr).unwrap();
            let end = next == Next::End;
            out.push(next);
            if end {
                return out;
            }
        }
    }

    #[test]
    fn lines_end_at_lf_crlf_or_cr_whatever_the_reads() {
        let input = b"a\nb\r\nc\rd\r\n\r\ne";
        let want: Vec<Next> = ["a", "b", "c", "d", "", "e"]
            .iter()
            .map(|s| Next::Line(s.as_bytes().to_vec()))
            .chain([Next::End])
            .collect();
        for chunk in 1..=input.len() {
            assert_eq!(lines(input, chunk), want, "reads of {chunk}");
        }
    }
}
