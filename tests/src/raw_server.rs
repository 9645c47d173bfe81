//! A raw-socket HTTP server for fault tests: each connection gets its request read (head and
//! `Content-Length` body) and recorded, then the bytes a test's function returns, written as
//! they are (a broken status line, a header flood, a redirect, a 40 MB line...), then the
//! connection is closed. On 127.0.0.1, a free port; it stops when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One step of a response.
pub enum Part {
    /// Write these bytes (and flush).
    Send(Vec<u8>),
    /// Wait this long before the next part.
    Pause(std::time::Duration),
}

impl From<Vec<u8>> for Part {
    fn from(bytes: Vec<u8>) -> Part {
        Part::Send(bytes)
    }
}

impl From<&str> for Part {
    fn from(text: &str) -> Part {
        Part::Send(text.as_bytes().to_vec())
    }
}

/// What the server does for one request: parts, in order.
pub type Respond = dyn Fn(&Request) -> Vec<Part> + Send + Sync;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// `POST /api/chat`.
    pub line: String,
    pub body: String,
}

/// The running server.
pub struct RawServer {
    pub port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl RawServer {
    /// Serve every connection with `respond`.
    pub fn start(respond: impl Fn(&Request) -> Vec<Part> + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let port = listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let respond: Arc<Respond> = Arc::new(respond);
        let (reqs, sp) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (reqs, respond) = (reqs.clone(), respond.clone());
                std::thread::spawn(move || serve(conn, &reqs, &*respond));
            }
        });
        RawServer {
            port,
            requests,
            stop,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut conn: TcpStream, requests: &Mutex<Vec<Request>>, respond: &Respond) {
    let Some(req) = read_request(&conn) else {
        return;
    };
    requests
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(req.clone());
    for part in respond(&req) {
        match part {
            Part::Send(bytes) => {
                if conn.write_all(&bytes).and_then(|()| conn.flush()).is_err() {
                    return;
                }
            }
            Part::Pause(d) => std::thread::sleep(d),
        }
    }
}

fn read_request(conn: &TcpStream) -> Option<Request> {
    let (line, _, body) = read_http_request(conn)?;
    Some(Request {
        line,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// An HTTP request as read: the request line, the headers (names lowercased), the body.
pub type RawRequest = (String, Vec<(String, String)>, Vec<u8>);

/// One HTTP request from `conn`, with its `Content-Length` body. Shared by the fake servers.
pub fn read_http_request(conn: &TcpStream) -> Option<RawRequest> {
    let mut r = BufReader::new(conn.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_lowercase(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).ok()?;
    Some((line.trim_end().to_string(), headers, body))
}

/// A 200 response head for a body of unknown length, closed by the connection's end.
pub fn head(content_type: &str) -> Part {
    Part::Send(
        format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    )
}
