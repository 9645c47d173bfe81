//! The page's HTTP/1.1 server, as small as the page needs and bounded everywhere, because any
//! local user can connect to 127.0.0.1 before the token is checked:
//! - at most [`MAX_CONNECTIONS`] connections at once; when a new one arrives at the cap, the
//!   oldest that has not yet sent a whole request head is closed to make room, so idle
//!   connections (a flood of them) cannot keep the real user out, and the server never runs
//!   out of descriptors or threads;
//! - a request head (request line and headers) of at most [`MAX_HEAD`] bytes, sent within
//!   [`HEAD_TIME`]; a body of at most the caller's cap, declared by `Content-Length`, sent
//!   within [`BODY_TIME`];
//! - one request per connection (`Connection: close`), and every response, the refusals
//!   included, carries the same locked-down headers;
//! - a header that must be single (`Host`, `Origin`, `Content-Length`) and comes twice is a
//!   400, never judged by its first copy.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 32;
/// The most a request line and its headers may hold.
pub const MAX_HEAD: usize = 16 << 10;
/// The time a client has to send its request head, from the connection's start.
pub const HEAD_TIME: Duration = Duration::from_secs(10);
/// The time a client has to send the body, once the head is in.
pub const BODY_TIME: Duration = Duration::from_secs(30);

/// The security headers of every response.
const HEADERS: &str = "Cache-Control: no-store\r\n\
Referrer-Policy: no-referrer\r\n\
Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'\r\n\
X-Frame-Options: DENY\r\n\
X-Content-Type-Options: nosniff\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Connection: close\r\n";

/// A request's head, parsed.
pub struct Head {
    pub method: String,
    /// The request target, as sent.
    pub target: String,
    headers: Vec<(String, String)>,
    /// Bytes read past the head: the start of the body.
    rest: Vec<u8>,
}

impl Head {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request was not read: the status to answer with, or nothing (the client is gone).
#[derive(Debug, PartialEq, Eq)]
pub enum Bad {
    Status(u16),
    Gone,
}

/// One accepted connection.
pub struct Conn {
    pub stream: TcpStream,
    started: Instant,
    /// Set once its head is read: from then on it is not closed to make room.
    busy: Arc<AtomicBool>,
}

/// The connections open now, for making room at the cap.
#[derive(Default)]
pub struct Pool {
    open: Mutex<Vec<(u64, TcpStream, Arc<AtomicBool>)>>,
    next: AtomicU64,
}

impl Pool {
    /// Take in `stream`: a [`Conn`] to serve on a thread of its own and an id to
    /// [`Pool::release`] when done, or `None` when the pool is full of busy connections (the
    /// new one is closed).
    pub fn admit(&self, stream: TcpStream) -> Option<(Conn, u64)> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if open.len() >= MAX_CONNECTIONS {
            // The oldest idle one makes room: it has sent no whole head yet.
            let idle = open
                .iter()
                .position(|(_, _, busy)| !busy.load(Ordering::SeqCst))?;
            let (_, old, _) = open.remove(idle);
            let _ = old.shutdown(Shutdown::Both);
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let busy = Arc::new(AtomicBool::new(false));
        let handle = stream.try_clone().ok()?;
        open.push((id, handle, Arc::clone(&busy)));
        let conn = Conn {
            stream,
            started: Instant::now(),
            busy,
        };
        Some((conn, id))
    }

    /// The connection `id` is done.
    pub fn release(&self, id: u64) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.retain(|(i, _, _)| *i != id);
    }
}

/// Listen on 127.0.0.1 at `port` (0: any free port); the listener and its port.
pub fn listen(port: u16) -> io::Result<(TcpListener, u16)> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let port = listener.local_addr()?.port();
    Ok((listener, port))
}

/// Accept connections on a thread of its own, handing each over at once (the main loop waits
/// on the channel with a timeout, so it also sees Ctrl-C and the deadline). Out of
/// descriptors, it pauses a little and goes on.
pub fn accept_in_background(listener: &TcpListener) -> io::Result<mpsc::Receiver<TcpStream>> {
    let listener = listener.try_clone()?;
    // Bounded: a flood waits in the kernel's backlog, not in our descriptors.
    let (tx, rx) = mpsc::sync_channel(MAX_CONNECTIONS);
    std::thread::spawn(move || loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if tx.send(stream).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    });
    Ok(rx)
}

/// Read the request head of `conn`, within [`HEAD_TIME`] of its start and [`MAX_HEAD`] bytes.
pub fn read_head(conn: &mut Conn) -> Result<Head, Bad> {
    let deadline = conn.started + HEAD_TIME;
    let mut buf = Vec::with_capacity(1024);
    let end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(Bad::Status(431));
        }
        read_some(&mut conn.stream, &mut buf, deadline).map_err(|_| Bad::Status(408))?;
    };
    if end > MAX_HEAD {
        return Err(Bad::Status(431));
    }
    conn.busy.store(true, Ordering::SeqCst);
    let text = std::str::from_utf8(&buf[..end]).map_err(|_| Bad::Status(400))?;
    let mut lines = text.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (method, target, version) = (parts.next(), parts.next(), parts.next());
    let (Some(method), Some(target), Some(version), None) = (method, target, version, parts.next())
    else {
        return Err(Bad::Status(400));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(Bad::Status(400));
    }
    let headers = parse_headers(lines)?;
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        rest: buf[end + 4..].to_vec(),
    })
}

/// The header lines; a malformed one, or a second copy of a header that must be single, is
/// a 400.
fn parse_headers<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Vec<(String, String)>, Bad> {
    const SINGLE: [&str; 4] = ["host", "origin", "content-length", "transfer-encoding"];
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(Bad::Status(400))?;
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !valid {
            return Err(Bad::Status(400));
        }
        let twice = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        if twice && SINGLE.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(Bad::Status(400));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Ok(headers)
}

/// The body `head` declares, at most `cap` bytes, within [`BODY_TIME`].
pub fn read_body(conn: &mut Conn, head: &Head, cap: usize) -> Result<Vec<u8>, Bad> {
    if head.header("Transfer-Encoding").is_some() {
        return Err(Bad::Status(411));
    }
    let len = match head.header("Content-Length") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| Bad::Status(400))?,
    };
    if len > cap {
        return Err(Bad::Status(413));
    }
    let deadline = Instant::now() + BODY_TIME;
    let mut body = head.rest.clone();
    while body.len() < len {
        read_some(&mut conn.stream, &mut body, deadline).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => Bad::Gone,
            _ => Bad::Status(408),
        })?;
    }
    body.truncate(len);
    Ok(body)
}

/// Read what is there into `buf`, waiting until `deadline` at the most.
fn read_some(stream: &mut TcpStream, buf: &mut Vec<u8>, deadline: Instant) -> io::Result<()> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk)? {
        0 => Err(io::ErrorKind::UnexpectedEof.into()),
        n => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(())
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Answer with `status` and the page `html` (no body for `HEAD`), then close the connection;
/// a refusal that left a body unread drains a little of it first, so the client reads the
/// answer rather than a reset.
pub fn respond(conn: &mut Conn, status: u16, html: &str, head_only: bool) {
    let body = if head_only { "" } else { html };
    let text = format!(
        "HTTP/1.1 {status} {}\r\n{HEADERS}Content-Length: {}\r\n\r\n{body}",
        reason(status),
        html.len()
    );
    let _ = conn.stream.set_write_timeout(Some(Duration::from_secs(10)));
    let _ = conn.stream.write_all(text.as_bytes());
    let _ = conn.stream.shutdown(Shutdown::Write);
    let _ = conn
        .stream
        .set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 8192];
    let mut drained = 0usize;
    while drained < 4 << 20 {
        match conn.stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        411 => "Length Required",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_headers_twice_and_malformed_lines_are_400() {
        let ok = parse_headers(["Host: a", "Accept: x", "accept: y"].into_iter()).unwrap();
        assert_eq!(ok.len(), 3);
        for bad in [
            &["Host: a", "host: b"][..],
            &["Origin: a", "Origin: a"],
            &["Content-Length: 1", "content-length: 1"],
            &["no colon"],
            &["Bad Name: x"],
        ] {
            assert_eq!(
                parse_headers(bad.iter().copied()).unwrap_err(),
                Bad::Status(400),
                "{bad:?}"
            );
        }
    }
}
