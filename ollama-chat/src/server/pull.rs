//! `--pull`: when the server says the model is not installed, pull it (`/api/pull`, streamed)
//! and then answer. Pulling is minutes of work, so it shows progress on stderr: one live line
//! at a terminal (status, percent, size, rate), plain lines otherwise (each status once, and
//! each tenth of a download), so a log or CI output stays readable.
//!
//! A hostile or broken server cannot make it endless or loud: a pull that makes no progress
//! (no new status, no more bytes of the current one) for `--timeout` seconds fails as a stall
//! (exit 4); more than [`MAX_STATUSES`] distinct statuses is not a pull (exit 5); a status is
//! shown as one line of at most [`MAX_STATUS_CHARS`], with control characters made spaces.

use super::errors::{status_error, transport_error};
use super::http::{self, Client, Event};
use super::wire::{PullProgress, PullRequest};
use super::Server;
use crate::exit_codes;
use envtools_cli::interrupt::CtrlC;
use envtools_cli::Failure;
use std::time::Instant;

/// The distinct statuses a pull may have: Ollama's have a handful, one per layer and a few more.
const MAX_STATUSES: usize = 256;

/// The most of a status (or a server's error) that is shown.
const MAX_STATUS_CHARS: usize = 120;

/// Whether a pull is getting anywhere: the statuses seen, and the most bytes each reached.
struct Watch {
    best: std::collections::HashMap<String, u64>,
    last_progress: Instant,
    stall: std::time::Duration,
}

impl Watch {
    /// Note `p`: progress is a status not seen before, or more bytes of one. Fails when
    /// there has been no progress for the allowed time, or there are too many statuses.
    fn note(&mut self, p: &PullProgress) -> Result<(), Failure> {
        let done = p.completed.unwrap_or(0);
        let known = self.best.len();
        let progressed = match self.best.get_mut(&p.status) {
            Some(best) if done > *best => {
                *best = done;
                true
            }
            Some(_) => false,
            None if known >= MAX_STATUSES => {
                let why = format!("the pull's reply has over {MAX_STATUSES} statuses: not a pull");
                return Err(Failure::new(exit_codes::PROTOCOL, why));
            }
            None => {
                self.best.insert(p.status.clone(), done);
                true
            }
        };
        if progressed {
            self.last_progress = Instant::now();
        } else if self.last_progress.elapsed() >= self.stall {
            let why = format!(
                "the pull stalled: no progress for {} s",
                self.stall.as_secs()
            );
            return Err(Failure::new(exit_codes::TIMEOUT, why));
        }
        Ok(())
    }
}

/// Shows the progress: a live line at a terminal, plain lines otherwise.
struct Shown {
    live: envtools_cli::status::StatusLine,
    last_status: String,
    /// The tenth of the current download last shown (plain lines).
    last_tenth: Option<u64>,
    /// For the rate: when the current download was first seen, and its bytes then.
    since: Option<(Instant, u64)>,
}

impl Shown {
    fn line(&mut self, p: &PullProgress) {
        let name = p.status.trim();
        let (Some(total), Some(done)) = (p.total.filter(|&t| t > 0), p.completed) else {
            self.status(name);
            return;
        };
        let percent = (done.min(total) * 100) / total;
        // A new layer: its own tenths, and its own rate.
        if name != self.last_status {
            self.last_tenth = None;
            self.since = None;
            self.last_status = name.to_string();
        }
        if !self.live.is_live() {
            let tenth = percent / 10;
            if self.last_tenth.is_none_or(|t| tenth > t) {
                self.last_tenth = Some(tenth);
                eprintln!(
                    "ollama-chat: {name}: {percent}% of {}",
                    envtools_cli::size::decimal(total)
                );
            }
            return;
        }
        let (t0, b0) = *self.since.get_or_insert((Instant::now(), done));
        let rate = rate(done.saturating_sub(b0), t0.elapsed().as_secs_f64());
        self.live.show(&format!(
            "pulling {}: {percent}% of {}{rate} {}",
            short_digest(&p.digest, name),
            envtools_cli::size::decimal(total),
            bar(percent)
        ));
    }

    /// A status without sizes (`pulling manifest`, `verifying sha256 digest`), once each.
    fn status(&mut self, name: &str) {
        if name.is_empty() || name == self.last_status {
            return;
        }
        self.last_status = name.to_string();
        self.since = None;
        if self.live.is_live() {
            self.live.show(name);
        } else {
            eprintln!("ollama-chat: {name}");
        }
    }

    fn end(&self) {
        self.live.keep();
    }
}

/// A bar of 20 cells for `percent`: `[#####...............]`.
fn bar(percent: u64) -> String {
    let full = (percent.min(100) / 5) as usize;
    format!("[{}{}]", "#".repeat(full), ".".repeat(20 - full))
}

/// `, 35.0 MB/s` for `bytes` in `secs`; nothing in the first half second, too short to say.
fn rate(bytes: u64, secs: f64) -> String {
    if secs <= 0.5 {
        return String::new();
    }
    format!(
        ", {}/s",
        envtools_cli::size::decimal((bytes as f64 / secs) as u64)
    )
}

/// The first 12 hex digits of a layer's digest, as `ollama pull` shows it.
fn short_digest<'a>(digest: &'a str, status: &'a str) -> &'a str {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    match hex.get(..12) {
        Some(short) => short,
        None => status,
    }
}

/// Pull `model`, showing progress; `Ok` once the server says `success`.
pub fn pull(client: &Client, server: &Server, model: &str) -> Result<(), Failure> {
    let url = format!("{}/api/pull", server.base());
    let body = serde_json::to_string(&PullRequest {
        model,
        stream: true,
    })
    .unwrap_or_default();
    let ctrl_c = CtrlC::catch();
    let rx = client.post(&url, body, server.authorization().as_deref(), true);
    let mut shown = Shown {
        live: envtools_cli::status::StatusLine::new(true),
        last_status: String::new(),
        last_tenth: None,
        since: None,
    };
    eprintln!("ollama-chat: {model} is not installed: pulling it (--pull)");
    let mut watch = Watch {
        best: std::collections::HashMap::new(),
        last_progress: Instant::now(),
        stall: std::time::Duration::from_secs(server.timeout),
    };
    let mut line_no = 0;
    let result = loop {
        let Some(event) = http::next_event(&rx, &ctrl_c) else {
            break Err(Failure::new(exit_codes::INTERRUPTED, "interrupted"));
        };
        match event {
            Event::Started { .. } => {}
            Event::Line(line) if line.trim().is_empty() => {}
            Event::Line(line) => {
                line_no += 1;
                match on_line(&line, line_no, &mut shown, &mut watch) {
                    Ok(true) => break Ok(()),
                    Ok(false) => {}
                    Err(f) => break Err(f),
                }
            }
            Event::Status(code, text) => break Err(status_error(code, &text, model, &url, server)),
            Event::Failed(t) => break Err(transport_error(&t, server, line_no > 0)),
            Event::End => {
                break Err(Failure::new(
                    exit_codes::PROTOCOL,
                    "the pull ended before the server said success",
                ))
            }
        }
    };
    shown.end();
    result
}

/// One progress line: `Ok(true)` at `success`.
fn on_line(line: &str, n: usize, shown: &mut Shown, watch: &mut Watch) -> Result<bool, Failure> {
    let mut p: PullProgress = serde_json::from_str(line).map_err(|e| {
        Failure::new(
            exit_codes::PROTOCOL,
            format!("line {n} of the pull's reply is not JSON ({e})"),
        )
    })?;
    if let Some(error) = p.error {
        let error = envtools_cli::text::one_line(&error, 300);
        return Err(Failure::new(
            exit_codes::SERVER_ERROR,
            format!("the pull failed: {error}"),
        ));
    }
    p.status = envtools_cli::text::one_line(&p.status, MAX_STATUS_CHARS);
    watch.note(&p)?;
    if p.status == "success" {
        shown.status("success");
        return Ok(true);
    }
    shown.line(&p);
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_a_cell_every_five_percent() {
        assert_eq!(bar(0), "[....................]");
        assert_eq!(bar(42), "[########............]");
        assert_eq!(bar(100), "[####################]");
    }

    #[test]
    fn the_rate_shows_once_it_can_be_measured() {
        assert_eq!(rate(70_000_000, 2.0), ", 35 MB/s");
        assert_eq!(rate(70_000_000, 0.2), "");
    }

    #[test]
    fn a_digest_is_shown_by_its_first_twelve_hex_digits() {
        assert_eq!(short_digest("sha256:6a0746a1ec1aef3e", "x"), "6a0746a1ec1a");
        assert_eq!(short_digest("", "pulling manifest"), "pulling manifest");
    }
}
