//! The log: every completed exchange, kept without thinking about it, continued later
//! (`-c`, `--cid`), listed and searched (`--logs`, `--search`). One JSON object per line in
//! `$XDG_DATA_HOME/ollama-chat/log.jsonl` (`~/.local/share/...` without it): readable with
//! `jq` and `grep`, no database engine in the binary. Private (0600, in a 0700 folder);
//! appended under the file's lock, so concurrent sessions lose no exchange; a line cut short
//! by a killed run is skipped on reading, and the next append starts on a fresh line.
//!
//! `--no-log` or `OLLAMA_CHAT_NO_LOG=1` turn it off. Answers longer than [`MAX_ANSWER`] are
//! logged cut (`answer_cut: true`), so logging keeps a huge answer's streaming memory bounded.

use crate::exit_codes;
use crate::server::protocol::Message;
use envtools_cli::out::Flow;
use envtools_cli::{Context, Failure, IntoFailure};
use envtools_store::{Locked, Wait};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

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
    crate::files::xdg::path(
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

/// Append one exchange, under the lock of the store (one line, 0600, in a 0700 folder).
pub fn append(exchange: &Exchange) -> Result<(), Failure> {
    let path = path()?;
    crate::files::xdg::private_folder(&path)?;
    let line = serde_json::to_string(exchange).unwrap_or_default();
    Locked::file(&path, &Wait::default())
        .and_then(|l| l.private().append(line.as_bytes()))
        .failure(exit_codes::USAGE)
}

/// Just the id of a logged exchange: most lines are read for this alone.
#[derive(Deserialize)]
struct Cid {
    cid: String,
}

/// The log, opened for reading; `None` when there is none yet.
fn open() -> Result<Option<(File, PathBuf)>, Failure> {
    let path = path()?;
    match envtools_cli::input::open_regular(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        open => Ok(Some((open.with_path(exit_codes::USAGE, &path)?, path))),
    }
}

/// Call `each` with every line of the log and where it starts, oldest first, until it says
/// stop; lines longer than [`MAX_LINE`] are passed over. One line in memory at a time.
fn forward(
    file: &File,
    path: &Path,
    mut each: impl FnMut(u64, &[u8]) -> bool,
) -> Result<(), Failure> {
    let mut reader = BufReader::new(file);
    reader.rewind().with_path(exit_codes::USAGE, path)?;
    let (mut line, mut at) = (Vec::new(), 0u64);
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .with_path(exit_codes::USAGE, path)?;
        if n == 0 || !each(at, &line) {
            return Ok(());
        }
        at += n as u64;
    }
}

/// The id of the last conversation in the log.
pub fn last_cid() -> Result<Option<String>, Failure> {
    let Some((file, path)) = open()? else {
        return Ok(None);
    };
    let mut lines = Backward::new(file);
    while let Some(line) = lines.prev().with_path(exit_codes::USAGE, &path)? {
        if let Ok(e) = serde_json::from_slice::<Cid>(&line) {
            return Ok(Some(e.cid));
        }
    }
    Ok(None)
}

/// The conversation `cid` as messages (system first), and its last exchange; `None` when
/// the log has no such conversation. Only that conversation is kept in memory.
pub fn conversation(cid: &str) -> Result<Option<(Vec<Message>, Exchange)>, Failure> {
    let Some((file, path)) = open()? else {
        return Ok(None);
    };
    let mut turns: Vec<Exchange> = Vec::new();
    forward(&file, &path, |_, line| {
        if serde_json::from_slice::<Cid>(line).is_ok_and(|c| c.cid == cid) {
            turns.extend(serde_json::from_slice::<Exchange>(line).ok());
        }
        true
    })?;
    let Some(last) = turns.last().cloned() else {
        return Ok(None);
    };
    let mut messages = Vec::new();
    if let Some(system) = &last.system {
        messages.push(Message::new("system", system.as_str()));
    }
    for t in turns {
        messages.push(Message::new("user", t.prompt));
        messages.push(Message::new("assistant", t.answer));
    }
    Ok(Some((messages, last)))
}

/// `--logs`: the conversations, most recent last (at most `limit`), those whose prompts or
/// answers hold `search` (case-insensitive) when given; as text or, with `json`, as the
/// exchanges themselves (one JSON object per line). Two passes over the log, in memory
/// bounded by `limit`: from the end, which conversations to show; from the start, their turns.
pub fn print(search: Option<&str>, json: bool, limit: usize) -> Result<(), Failure> {
    let Some((file, path)) = open()? else {
        return Ok(());
    };
    let shown = recent(&file, &path, search, limit)?;
    let mut summaries: Vec<Summary> = shown.iter().map(|_| Summary::default()).collect();
    forward(&file, &path, |at, line| {
        let Ok(c) = serde_json::from_slice::<Cid>(line) else {
            return true;
        };
        if let Some(i) = shown.iter().position(|s| *s == c.cid) {
            if let Ok(e) = serde_json::from_slice::<Exchange>(line) {
                summaries[i].add(at, e, json);
            }
        }
        true
    })?;
    let mut out = envtools_cli::out::Lines::default();
    for (cid, summary) in shown.iter().zip(&summaries) {
        if summary.write(cid, json, &file, &mut out)? == Flow::Closed {
            break;
        }
    }
    out.flush()?;
    Ok(())
}

/// The last `limit` conversations with an exchange that holds `search`, oldest first.
fn recent(
    file: &File,
    path: &Path,
    search: Option<&str>,
    limit: usize,
) -> Result<Vec<String>, Failure> {
    let needle = search.map(str::to_lowercase);
    let mut lines = Backward::new(file.try_clone().with_path(exit_codes::USAGE, path)?);
    let mut shown: Vec<String> = Vec::new();
    while shown.len() < limit {
        let Some(line) = lines.prev().with_path(exit_codes::USAGE, path)? else {
            break;
        };
        let Ok(c) = serde_json::from_slice::<Cid>(&line) else {
            continue;
        };
        if shown.contains(&c.cid) {
            continue;
        }
        let hit = match &needle {
            None => true,
            Some(n) => serde_json::from_slice::<Exchange>(&line).is_ok_and(|e| {
                e.prompt.to_lowercase().contains(n) || e.answer.to_lowercase().contains(n)
            }),
        };
        if hit {
            shown.push(c.cid);
        }
    }
    shown.reverse();
    Ok(shown)
}

/// What `--logs` shows of one conversation: its first prompt, its last exchange, how many
/// turns, and (for `--json`) where each turn's line starts.
#[derive(Default)]
struct Summary {
    first_prompt: Option<String>,
    last: Option<Exchange>,
    turns: usize,
    starts: Vec<u64>,
}

impl Summary {
    fn add(&mut self, at: u64, e: Exchange, json: bool) {
        self.turns += 1;
        if json {
            self.starts.push(at);
        }
        if self.first_prompt.is_none() {
            let first = e.prompt.lines().next().unwrap_or("");
            self.first_prompt = Some(first.chars().take(60).collect());
        }
        self.last = Some(e);
    }

    fn write(
        &self,
        cid: &str,
        json: bool,
        file: &File,
        out: &mut envtools_cli::out::Lines,
    ) -> Result<Flow, Failure> {
        let Some(last) = &self.last else {
            return Ok(Flow::Open);
        };
        if !json {
            let prompt = self.first_prompt.as_deref().unwrap_or("");
            let (time, model, n) = (&last.time, &last.model, self.turns);
            return out.line(&format!("{cid}\t{time}\t{model}\t{n} turns\t{prompt}"));
        }
        for &at in &self.starts {
            let mut reader = BufReader::new(file);
            let mut line = Vec::new();
            let read = reader
                .seek(SeekFrom::Start(at))
                .and_then(|_| (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line));
            let exchange = read
                .ok()
                .and_then(|_| serde_json::from_slice::<Exchange>(&line).ok());
            if let Some(e) = exchange {
                if out.line(&serde_json::to_string(&e).unwrap_or_default())? == Flow::Closed {
                    return Ok(Flow::Closed);
                }
            }
        }
        Ok(Flow::Open)
    }
}

/// The lines of a file from the last to the first, in memory bounded by [`MAX_LINE`] (a longer
/// line is passed over).
struct Backward {
    file: File,
    /// Where the bytes not yet read end.
    pos: u64,
    /// Read bytes not yet handed out: the tail of the line being assembled.
    pending: Vec<u8>,
    /// The line being assembled is too long: drop it whole.
    skipping: bool,
    started: bool,
}

impl Backward {
    fn new(file: File) -> Backward {
        let pos = file.metadata().map_or(0, |m| m.len());
        Backward {
            file,
            pos,
            pending: Vec::new(),
            skipping: false,
            started: false,
        }
    }

    /// The line before the last one handed out; `None` at the start of the file.
    fn prev(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        const CHUNK: u64 = 64 << 10;
        loop {
            if let Some(i) = self.pending.iter().rposition(|&b| b == b'\n') {
                let line = self.pending.split_off(i + 1);
                self.pending.truncate(i);
                if std::mem::take(&mut self.skipping) {
                    continue;
                }
                return Ok(Some(line));
            }
            if self.pos == 0 {
                if self.started {
                    return Ok(None);
                }
                self.started = true;
                let line = std::mem::take(&mut self.pending);
                return Ok((!self.skipping).then_some(line));
            }
            let n = self.pos.min(CHUNK);
            self.pos -= n;
            let mut chunk = vec![0u8; n as usize];
            self.file.seek(SeekFrom::Start(self.pos))?;
            self.file.read_exact(&mut chunk)?;
            chunk.extend_from_slice(&self.pending);
            self.pending = chunk;
            if self.pending.len() as u64 > MAX_LINE + CHUNK && !self.pending.contains(&b'\n') {
                self.pending.clear();
                self.skipping = true;
            }
        }
    }
}
