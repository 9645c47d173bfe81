//! `envset --web`: ask for the keys in a one-shot page on 127.0.0.1, for users who live in a
//! browser, Jupyter or an IDE rather than a terminal.
//!
//! The URL holds a fresh 128-bit token and goes to stdout; only that exact path serves the
//! form. A submit must come with the page's anti-CSRF value, a Host and (if any) an Origin of
//! our own, and a body under 1 MiB; it is written all at once through the same locked, atomic,
//! verified write as the terminal form, or not at all. After a successful save the server
//! stops (the token is spent) and envset exits 0. No value ever reaches a page, stdout or
//! stderr. See `request.rs` for the checks and `page.rs` for the pages.

mod page;
mod request;

use crate::cli::Cli;
use crate::exit_codes;
use crate::plan::{Ask, Plan};
use crate::prompt::{self, Answer};
use crate::update;
use envtools_cli::interrupt::CtrlC;
use envtools_cli::{Failure, IntoFailure};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tiny_http::{Header, Request, Response, Server};

/// Everything a request handler needs, shared by the handler threads.
struct Shared {
    asks: Vec<Ask>,
    real: PathBuf,
    name: String,
    port: u16,
    token: String,
    csrf: String,
    visible: bool,
    unportable: bool,
    rules: update::Rules,
    /// Set once the answers are saved: the token is spent. Held during a save, so two submits
    /// cannot both write.
    spent: Mutex<bool>,
    /// Tells the main thread the answers are saved.
    saved: Mutex<Option<Sender<()>>>,
}

/// Serve the page for `asks` until a successful submit (exit 0), the timeout (exit 1) or
/// Ctrl-C (exit 130). Nothing is written unless every value is accepted.
pub fn run(
    cli: &Cli,
    real: &Path,
    name: &str,
    asks: Vec<Ask>,
    rules: update::Rules,
) -> Result<(), Failure> {
    if asks.is_empty() {
        eprintln!("envset: nothing to ask: {name} has every key");
        return Ok(());
    }
    let server = Server::http(("127.0.0.1", cli.port.unwrap_or(0))).map_err(|e| {
        Failure::new(
            exit_codes::ERROR,
            format!("cannot listen on 127.0.0.1: {e}"),
        )
    })?;
    let port = server.server_addr().to_ip().map_or(0, |a| a.port());
    let (tx, rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        token: request::random_token().failure(exit_codes::ERROR)?,
        csrf: request::random_token().failure(exit_codes::ERROR)?,
        asks,
        real: real.to_path_buf(),
        name: name.to_string(),
        port,
        visible: cli.visible,
        unportable: cli.unportable,
        rules,
        spent: Mutex::new(false),
        saved: Mutex::new(Some(tx)),
    });
    // Ctrl-C is ours from before the URL is out: whoever has it may stop the wait at once.
    let ctrl_c = CtrlC::catch();
    let url = format!("http://127.0.0.1:{port}/{}/", shared.token);
    println!("{url}");
    let n = shared.asks.len();
    eprintln!(
        "envset: open the URL above in your browser to enter {n} key{} for {name} (waiting up to {} s; Ctrl-C cancels)",
        if n == 1 { "" } else { "s" },
        cli.timeout
    );
    if cli.open {
        open_browser(&url);
    }
    serve(
        &server,
        &shared,
        &rx,
        Duration::from_secs(cli.timeout),
        &ctrl_c,
    )
}

/// The main loop: hand each request to a thread of its own (a slow client cannot hold up the
/// real one), until the answers are saved, the time is up, or Ctrl-C.
fn serve(
    server: &Server,
    shared: &Arc<Shared>,
    saved: &mpsc::Receiver<()>,
    timeout: Duration,
    ctrl_c: &CtrlC,
) -> Result<(), Failure> {
    let deadline = Instant::now() + timeout;
    loop {
        if saved.try_recv().is_ok() {
            return Ok(());
        }
        if ctrl_c.take() {
            return Err(Failure::new(
                exit_codes::INTERRUPTED,
                "interrupted; nothing written",
            ));
        }
        if Instant::now() >= deadline {
            return Err(Failure::new(
                exit_codes::REFUSED,
                format!("no answer within {} s; nothing written", timeout.as_secs()),
            ));
        }
        match server.recv_timeout(Duration::from_millis(50)) {
            Ok(Some(req)) => {
                let shared = Arc::clone(shared);
                std::thread::spawn(move || handle(&shared, req));
            }
            Ok(None) => {}
            Err(e) => {
                return Err(
                    Failure::new(exit_codes::ERROR, "the page's server failed").with_source(e)
                )
            }
        }
    }
}

/// Start the user's browser on `url`, detached; a failure only says so.
fn open_browser(url: &str) {
    let program = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| {
            if cfg!(target_os = "macos") {
                "open".into()
            } else {
                "xdg-open".into()
            }
        });
    let started = std::process::Command::new(&program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        envtools_cli::warn::warn(
            "envset",
            format_args!("cannot start {program}; open the URL by hand"),
        );
    }
}

/// The security headers of every response.
fn headers() -> Vec<Header> {
    [
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
        (
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Type", "text/html; charset=utf-8"),
    ]
    .iter()
    .filter_map(|(k, v)| Header::from_bytes(k.as_bytes(), v.as_bytes()).ok())
    .collect()
}

fn respond(req: Request, status: u16, html: String) {
    let mut resp = Response::from_string(html).with_status_code(status);
    for h in headers() {
        resp.add_header(h);
    }
    let _ = req.respond(resp);
}

fn header<'r>(req: &'r Request, name: &'static str) -> Option<&'r str> {
    req.headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// One request: 404 unless it is the token's path, 403 unless Host (and Origin) are ours; a
/// GET gets the form, a POST is a submit.
fn handle(shared: &Shared, mut req: Request) {
    if let Err((status, html)) = admit(shared, &req) {
        return respond(req, status, html);
    }
    match req.method() {
        tiny_http::Method::Get | tiny_http::Method::Head => {
            let html = page::form(
                &shared.name,
                &shared.asks,
                &shared.csrf,
                shared.visible,
                &[],
            );
            respond(req, 200, html)
        }
        tiny_http::Method::Post => {
            let (status, html) = submit(shared, &mut req);
            respond(req, status, html);
            if status == 200 {
                if let Some(tx) = shared
                    .saved
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take()
                {
                    let _ = tx.send(());
                }
            }
        }
        _ => respond(
            req,
            405,
            page::message("Method not allowed", "Use the form."),
        ),
    }
}

/// Whether a request may be served at all: our Host, the exact token path, a token not spent.
fn admit(shared: &Shared, req: &Request) -> Result<(), Refusal> {
    if !request::host_is_ours(header(req, "Host"), shared.port) {
        let why = "This page answers only at 127.0.0.1 or localhost.";
        return Err((403, page::message("Forbidden", why)));
    }
    let path = req.url().split('?').next().unwrap_or("");
    if !request::same_secret(path, &format!("/{}/", shared.token)) {
        return Err((404, page::message("Not found", "There is nothing here.")));
    }
    if *shared.spent.lock().unwrap_or_else(|p| p.into_inner()) {
        let why = "These keys were saved; this link no longer works.";
        return Err((410, page::message("Already used", why)));
    }
    Ok(())
}

/// A submit: checked, then every answer settled and encoded, then all written at once. The
/// status and the page to show.
fn submit(shared: &Shared, req: &mut Request) -> (u16, String) {
    let fields = match read_form(shared, req) {
        Ok(fields) => fields,
        Err(refusal) => return refusal,
    };
    let value = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut spent = shared.spent.lock().unwrap_or_else(|p| p.into_inner());
    if *spent {
        return (
            410,
            page::message(
                "Already used",
                "These keys were saved; this link no longer works.",
            ),
        );
    }
    match save(shared, &value) {
        Ok(count) => {
            *spent = true;
            (200, page::saved(count, &shared.name))
        }
        Err(Refused::Values(notes)) => {
            let notes: Vec<page::FieldNote> = notes
                .iter()
                .map(|(key, reason)| page::FieldNote { key, reason })
                .collect();
            (
                422,
                page::form(
                    &shared.name,
                    &shared.asks,
                    &shared.csrf,
                    shared.visible,
                    &notes,
                ),
            )
        }
        Err(Refused::Write(f)) => (500, page::message("Not saved", &f.message)),
    }
}

/// A response to send instead: its status and page.
type Refusal = (u16, String);

/// A submitted form's fields, once its Origin, size and anti-CSRF value passed; else the
/// refusal.
fn read_form(shared: &Shared, req: &mut Request) -> Result<Vec<request::Field>, Refusal> {
    let forbidden = |why: &str| (403, page::message("Forbidden", why));
    let too_large = || {
        (
            413,
            page::message("Too large", "The form is larger than 1 MiB."),
        )
    };
    if !request::origin_is_ours(header(req, "Origin"), shared.port) {
        return Err(forbidden("This form must be sent from its own page."));
    }
    let declared = header(req, "Content-Length").and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > request::MAX_BODY) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    if req
        .as_reader()
        .take(request::MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return Err((
            400,
            page::message("Bad request", "The form could not be read."),
        ));
    }
    if body.len() > request::MAX_BODY {
        return Err(too_large());
    }
    let fields = request::form_fields(&body);
    let csrf = fields
        .iter()
        .find(|(n, _)| n == "csrf")
        .and_then(|(_, v)| v.as_deref());
    match csrf {
        Some(c) if request::same_secret(c, &shared.csrf) => Ok(fields),
        _ => Err(forbidden(
            "The form's check value is missing or wrong: reload the page.",
        )),
    }
}

/// Why a submit wrote nothing.
enum Refused {
    /// These keys' values were refused, each with the reason (never the value).
    Values(Vec<(String, String)>),
    /// The write failed.
    Write(Failure),
}

/// Settle and encode every answer; write them all at once, or nothing. The number of keys set.
fn save(shared: &Shared, value: &dyn Fn(&str) -> Option<Option<String>>) -> Result<usize, Refused> {
    let mut plan = Plan::default();
    let mut refused = Vec::new();
    for ask in &shared.asks {
        let question = ask.question(shared.visible);
        let answer = match value(&ask.key) {
            Some(Some(v)) => prompt::settle(&question, v),
            Some(None) => {
                refused.push((ask.key.clone(), "not valid UTF-8".to_string()));
                continue;
            }
            None => prompt::settle(&question, String::new()),
        };
        match answer {
            None => refused.push((ask.key.clone(), "A value is required.".to_string())),
            Some(Answer::KeepOld) => {}
            Some(Answer::Value(v)) => {
                if let Err(f) = plan.set(&ask.key, v, shared.unportable) {
                    refused.push((ask.key.clone(), f.message));
                }
            }
        }
    }
    if !refused.is_empty() {
        return Err(Refused::Values(refused));
    }
    if plan.changes.is_empty() {
        return Ok(0);
    }
    let expect = plan.expectations();
    update::apply(
        &shared.real,
        &shared.name,
        &plan.changes,
        &expect,
        &shared.rules,
    )
    .map_err(Refused::Write)?;
    Ok(plan.changes.len())
}
