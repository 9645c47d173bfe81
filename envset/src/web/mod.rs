//! `envset --web`: ask for the keys in a one-shot page on 127.0.0.1, for users who live in a
//! browser, Jupyter or an IDE rather than a terminal.
//!
//! The URL holds a fresh 128-bit token and goes to stdout; only that exact path serves the
//! form. A submit must come with the page's anti-CSRF value, a Host and (if any) an Origin of
//! our own, and a body under 1 MiB; it is written all at once through the same locked, atomic,
//! verified write as the terminal form, or not at all. After a successful save the server
//! stops (the token is spent) and envset exits 0. No value ever reaches a page, stdout or
//! stderr. See `server.rs` for the bounds on what anyone who connects can cost us,
//! `request.rs` for the checks, `page.rs` for the pages and `open.rs` for `--open`.

mod open;
mod page;
mod request;
mod server;

use crate::cli::Cli;
use crate::exit_codes;
use crate::plan::{Ask, Plan};
use crate::prompt::{self, Answer};
use crate::update;
use envtools_cli::interrupt::CtrlC;
use envtools_cli::out::Flow;
use envtools_cli::{Context, Failure, IntoFailure};
use server::{Bad, Conn, Head};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    /// cannot both write, and the main thread cannot end the process halfway through one.
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
    let (listener, port) = server::listen(cli.port.unwrap_or(0))
        .context(exit_codes::ERROR, || "cannot listen on 127.0.0.1")?;
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
    if envtools_cli::out::print(format!("{url}\n").as_bytes())? == Flow::Closed {
        return Err(Failure::new(
            exit_codes::ERROR,
            "standard output is closed: nobody can see the page's URL",
        ));
    }
    let n = shared.asks.len();
    eprintln!(
        "envset: open the URL above in your browser to enter {n} key{} for {name} (waiting up to {} s; Ctrl-C cancels)",
        if n == 1 { "" } else { "s" },
        cli.timeout
    );
    let _opened = cli.open.then(|| open::browser(&url));
    serve(
        &listener,
        &shared,
        &rx,
        Duration::from_secs(cli.timeout),
        &ctrl_c,
    )
}

/// The main loop: hand each connection to a thread of its own (a slow client cannot hold up
/// the real one; [`server::Pool`] bounds how many), until the answers are saved, the time is
/// up, or Ctrl-C. A save under way is let finish first: it is whole or not there.
fn serve(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    saved: &mpsc::Receiver<()>,
    timeout: Duration,
    ctrl_c: &CtrlC,
) -> Result<(), Failure> {
    let deadline = Instant::now() + timeout;
    let pool = Arc::new(server::Pool::default());
    let incoming = server::accept_in_background(listener)
        .context(exit_codes::ERROR, || "cannot start the page's server")?;
    loop {
        let stop = if ctrl_c.take() {
            Some(Failure::new(
                exit_codes::INTERRUPTED,
                "interrupted; nothing written",
            ))
        } else if Instant::now() >= deadline {
            let why = format!("no answer within {} s; nothing written", timeout.as_secs());
            Some(Failure::new(exit_codes::REFUSED, why))
        } else {
            None
        };
        if let Some(failure) = stop {
            // Waits for a save under way; once it is done, its outcome stands.
            if !save_finished(shared) {
                return Err(failure);
            }
            // Saved: let the page that says so reach the browser.
            let _ = saved.recv_timeout(Duration::from_secs(5));
            return Ok(());
        }
        if saved.try_recv().is_ok() {
            return Ok(());
        }
        let Ok(stream) = incoming.recv_timeout(Duration::from_millis(50)) else {
            continue;
        };
        if let Some((conn, id)) = pool.admit(stream) {
            let (shared, pool) = (Arc::clone(shared), Arc::clone(&pool));
            std::thread::spawn(move || {
                handle(&shared, conn);
                pool.release(id);
            });
        }
    }
}

/// Whether the answers were saved, after waiting (at most [`SAVE_WAIT`]) for a save under way.
/// A save that still waits then is waiting for another writer's lock, so nothing of it is
/// written yet and ending now writes nothing (on a disk slower than that, its temp file stays
/// behind, 0600, and the next write sweeps it).
fn save_finished(shared: &Shared) -> bool {
    let until = Instant::now() + SAVE_WAIT;
    loop {
        match shared.spent.try_lock() {
            Ok(spent) => return *spent,
            Err(std::sync::TryLockError::Poisoned(p)) => return *p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(std::sync::TryLockError::WouldBlock) => return false,
        }
    }
}

/// How long Ctrl-C or the timeout waits for a save under way.
const SAVE_WAIT: Duration = Duration::from_secs(5);

/// One connection: its request read within the bounds of [`server`], 404 unless it is the
/// token's path, 403 unless Host (and Origin) are ours; a GET gets the form, a POST is a
/// submit.
fn handle(shared: &Shared, mut conn: Conn) {
    let head = match server::read_head(&mut conn) {
        Ok(head) => head,
        Err(Bad::Gone) => return,
        Err(Bad::Status(status)) => {
            let html = page::message("Bad request", "The request could not be read.");
            return server::respond(&mut conn, status, &html, false);
        }
    };
    let head_only = head.method == "HEAD";
    if let Err((status, html)) = admit(shared, &head) {
        return server::respond(&mut conn, status, &html, head_only);
    }
    match head.method.as_str() {
        "GET" | "HEAD" => {
            let html = page::form(
                &shared.name,
                &shared.asks,
                &shared.csrf,
                shared.visible,
                &[],
            );
            server::respond(&mut conn, 200, &html, head_only)
        }
        "POST" => {
            let (status, html) = submit(shared, &mut conn, &head);
            server::respond(&mut conn, status, &html, false);
            if status == 200 {
                let tx = shared
                    .saved
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take();
                if let Some(tx) = tx {
                    let _ = tx.send(());
                }
            }
        }
        _ => {
            let html = page::message("Method not allowed", "Use the form.");
            server::respond(&mut conn, 405, &html, false)
        }
    }
}

/// Whether a request may be served at all: our Host, the exact token path, a token not spent.
fn admit(shared: &Shared, head: &Head) -> Result<(), Refusal> {
    if !request::host_is_ours(head.header("Host"), shared.port) {
        let why = "This page answers only at 127.0.0.1 or localhost.";
        return Err((403, page::message("Forbidden", why)));
    }
    let path = head.target.split('?').next().unwrap_or("");
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
fn submit(shared: &Shared, conn: &mut Conn, head: &Head) -> (u16, String) {
    let fields = match read_form(shared, conn, head) {
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
fn read_form(
    shared: &Shared,
    conn: &mut Conn,
    head: &Head,
) -> Result<Vec<request::Field>, Refusal> {
    let forbidden = |why: &str| (403, page::message("Forbidden", why));
    if !request::origin_is_ours(head.header("Origin"), shared.port) {
        return Err(forbidden("This form must be sent from its own page."));
    }
    let body = server::read_body(conn, head, request::MAX_BODY).map_err(|bad| match bad {
        Bad::Status(413) => (
            413,
            page::message("Too large", "The form is larger than 1 MiB."),
        ),
        Bad::Status(status) => (
            status,
            page::message("Bad request", "The form could not be read."),
        ),
        Bad::Gone => (
            400,
            page::message("Bad request", "The form could not be read."),
        ),
    })?;
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
        if let Some(why) = answer
            .as_ref()
            .and_then(|a| prompt::malformed(&question, a))
        {
            refused.push((ask.key.clone(), format!("Malformed: {why}.")));
            continue;
        }
        match answer {
            None => refused.push((ask.key.clone(), "A value is required.".to_string())),
            Some(Answer::KeepOld | Answer::Skip) => {}
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
