//! The log: every completed exchange, kept without thinking about it, continued later
//! (`-c`, `--cid`), listed and searched (`--logs`, `--search`). One JSON object per line in
//! `$XDG_DATA_HOME/ollama-chat/log.jsonl` (`~/.local/share/...` without it): readable with
//! `jq` and `grep`, no database engine in the binary. Private (0600, in a 0700 folder);
//! appended under the file's lock, so concurrent sessions lose no exchange; a line cut short
//! by a killed run is skipped on reading, and the next append starts on a fresh line.
//!
//! `--no-log` or `OLLAMA_CHAT_NO_LOG=1` turn it off. Answers longer than [`MAX_ANSWER`] are
//! logged cut (`answer_cut: true`), so logging keeps a huge answer's streaming memory bounded.

use crate::api::Message;
use crate::exit_codes;
use crate::stream::Answer;
use envtools_cli::{Context, Failure};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;

/// The most of one answer the log keeps: 1 MiB (a longer one is logged cut, so that a huge
/// answer still streams in bounded memory).
pub const MAX_ANSWER: usize = 1 << 20;

/// Lines longer than this (a damaged log) are skipped on reading.
const MAX_LINE: u64 = 16 << 20;

/// One exchange.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Exchange {
    /// The conversation's id.
    pub cid: String,
    /// UTC, RFC 3339.
    pub time: String,
    pub url: String,
    pub model: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub options: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The user message as sent (after redaction; images left out).
    pub prompt: String,
    pub answer: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answer_cut: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_tokens: Option<u64>,
}

/// Whether to log: not with `--no-log`, nor with `OLLAMA_CHAT_NO_LOG` set to anything but
/// empty or `0`.
pub fn enabled(no_log: bool) -> bool {
    let off = std::env::var("OLLAMA_CHAT_NO_LOG").is_ok_and(|v| !v.is_empty() && v != "0");
    !no_log && !off
}

/// The log file.
pub fn path() -> Result<PathBuf, Failure> {
    crate::xdg::path(
        "XDG_DATA_HOME",
        ".local/share",
        "log.jsonl",
        "the log (--no-log)",
    )
}

/// A new conversation id: the time in microseconds and the process id, in hex.
pub fn new_cid() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    format!("{micros:x}{:05x}", std::process::id() & 0xfffff)
}

/// Now, UTC, as RFC 3339 (`2026-11-25T10:32:38Z`).
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
}

/// Append one exchange, under the file's lock.
pub fn append(exchange: &Exchange) -> Result<(), Failure> {
    let path = path()?;
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_path(exit_codes::USAGE, dir)?;
    }
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(Failure::new(
            exit_codes::USAGE,
            format!(
                "{}: not a regular file (a symlink?): not logged",
                path.display()
            ),
        ));
    }
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&path)
        .with_path(exit_codes::USAGE, &path)?;
    file.lock().with_path(exit_codes::USAGE, &path)?;
    let mut line = if ends_mid_line(&mut file) {
        "\n".to_string()
    } else {
        String::new()
    };
    line.push_str(&serde_json::to_string(exchange).unwrap_or_default());
    line.push('\n');
    file.write_all(line.as_bytes())
        .with_path(exit_codes::USAGE, &path)
}

/// Whether the file's last byte is not a newline (a killed run's partial line).
fn ends_mid_line(file: &mut File) -> bool {
    let mut last = [0u8; 1];
    file.seek(SeekFrom::End(-1)).is_ok() && file.read_exact(&mut last).is_ok() && last[0] != b'\n'
}

/// Every exchange in the log, oldest first; damaged lines are skipped.
pub fn read_all() -> Result<Vec<Exchange>, Failure> {
    let path = path()?;
    let file = match File::open(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        open => open.with_path(exit_codes::USAGE, &path)?,
    };
    let mut reader = BufReader::new(file);
    let mut out = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .with_path(exit_codes::USAGE, &path)?;
        if n == 0 {
            break;
        }
        if let Ok(e) = serde_json::from_slice::<Exchange>(&line) {
            out.push(e);
        }
    }
    Ok(out)
}

/// The conversation `cid` as messages (system first), and its last exchange; `None` when
/// the log has no such conversation.
pub fn conversation(all: &[Exchange], cid: &str) -> Option<(Vec<Message>, Exchange)> {
    let turns: Vec<&Exchange> = all.iter().filter(|e| e.cid == cid).collect();
    let last = (*turns.last()?).clone();
    let mut messages = Vec::new();
    if let Some(system) = &last.system {
        messages.push(Message::new("system", system.as_str()));
    }
    for t in turns {
        messages.push(Message::new("user", t.prompt.as_str()));
        messages.push(Message::new("assistant", t.answer.as_str()));
    }
    Some((messages, last))
}

/// `--logs`: the conversations, most recent last (at most `limit`), those whose prompts or
/// answers hold `search` (case-insensitive) when given; as text or, with `json`, as the
/// exchanges themselves (one JSON object per line).
pub fn print(search: Option<&str>, json: bool, limit: usize) -> Result<(), Failure> {
    let all = read_all()?;
    let needle = search.map(str::to_lowercase);
    let hit = |e: &Exchange| {
        needle.as_ref().is_none_or(|n| {
            e.prompt.to_lowercase().contains(n) || e.answer.to_lowercase().contains(n)
        })
    };
    let mut cids: Vec<&str> = Vec::new();
    for e in all.iter().filter(|e| hit(e)) {
        cids.retain(|c| *c != e.cid);
        cids.push(&e.cid);
    }
    let shown = &cids[cids.len().saturating_sub(limit)..];
    let mut out = std::io::stdout().lock();
    for cid in shown {
        let turns: Vec<&Exchange> = all.iter().filter(|e| e.cid == *cid).collect();
        let r = if json {
            turns
                .iter()
                .try_for_each(|t| writeln!(out, "{}", serde_json::to_string(t).unwrap_or_default()))
        } else {
            let (first, last) = (turns[0], turns[turns.len() - 1]);
            let prompt: String = first
                .prompt
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            writeln!(
                out,
                "{cid}\t{}\t{}\t{} turns\t{prompt}",
                last.time,
                last.model,
                turns.len()
            )
        };
        if r.is_err() {
            break; // stdout closed (`| head`)
        }
    }
    Ok(())
}

/// Where a session's exchanges go: its conversation id, and whether logging is on.
pub struct Session {
    pub cid: String,
    pub on: bool,
}

impl Session {
    /// Log one whole exchange; a failure to log is a warning (the answer was already given).
    pub fn record(&self, turn: &crate::stream::Turn, prompt: &str, answer: &Answer) {
        if !self.on {
            return;
        }
        let system = turn.messages.first().filter(|m| m.role == "system");
        let stats = answer.stats.as_ref();
        let exchange = Exchange {
            cid: self.cid.clone(),
            time: now(),
            url: turn.config.endpoint.clone(),
            model: turn.model.to_string(),
            options: turn.options.clone(),
            system: system.map(|m| m.content.clone()),
            prompt: prompt.to_string(),
            answer: answer.text.clone(),
            answer_cut: answer.cut,
            prompt_tokens: stats.and_then(|s| s.prompt_tokens),
            answer_tokens: stats.and_then(|s| s.answer_tokens),
        };
        if let Err(f) = append(&exchange) {
            envtools_cli::warn::warn(
                "ollama-chat",
                format_args!("the exchange was not logged: {f}"),
            );
        }
    }
}
