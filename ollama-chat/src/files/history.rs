//! Conversations on disk: a JSON array of `{role, content}` messages (Ollama's format), read
//! before a call and written, atomically, after a successful answer.

use crate::exit_codes;
use crate::server::protocol::Message;
use envtools_cli::input::SETTINGS_CAP;
use envtools_cli::{Context, Failure, IntoFailure};
use envtools_store::{Locked, Wait};
use serde::Deserialize;
use std::path::Path;

/// One entry of a history file as read: both fields must be there (checked after reading, so
/// the error can say which message lacks them).
#[derive(Deserialize)]
struct Entry {
    role: Option<String>,
    content: Option<String>,
    #[serde(default)]
    images: Vec<String>,
}

/// Read a conversation file. A missing file is an empty conversation; an unreadable or
/// malformed one is an error (and is left untouched).
pub fn load(path: &Path, missing_ok: bool) -> Result<Vec<Message>, Failure> {
    let bytes = match envtools_cli::input::read_file(path, SETTINGS_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && missing_ok => return Ok(Vec::new()),
        read => read.with_path(exit_codes::USAGE, path)?,
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::new(
            exit_codes::USAGE,
            format!("{}: not valid UTF-8", path.display()),
        )
    })?;
    parse(path, &text, missing_ok)
}

/// The messages of a conversation file's text (`empty_ok`: blank text is no messages).
fn parse(path: &Path, text: &str, empty_ok: bool) -> Result<Vec<Message>, Failure> {
    let bad = |m: String| Failure::new(exit_codes::USAGE, format!("{}: {m}", path.display()));
    if text.trim().is_empty() && empty_ok {
        return Ok(Vec::new());
    }
    let entries: Vec<Entry> = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data if !text.trim_start().starts_with('[') => {
            bad("not a JSON array of messages".into())
        }
        _ => bad(format!("not a JSON conversation ({e})")),
    })?;
    entries
        .into_iter()
        .enumerate()
        .map(|(i, m)| match (m.role, m.content) {
            (Some(role), Some(content)) => Ok(Message {
                role,
                content,
                images: m.images,
            }),
            _ => Err(bad(format!("message {} has no role or content", i + 1))),
        })
        .collect()
}

/// Write a conversation file atomically (temp file, fsync, rename) under its lock: a crash
/// never leaves half a conversation. A new file is 0600: conversations can hold secrets.
pub fn save(path: &Path, messages: &[Message]) -> Result<(), Failure> {
    let locked = lock(path)?;
    write(&locked, messages)
}

/// Add `new` messages to the conversation file, under its lock: what the file holds now stays
/// (another session may have added turns since this one read it), `system` (when given)
/// replaces its system message, and `new` follows. Concurrent sessions lose nothing.
pub fn append(path: &Path, system: Option<&str>, new: &[Message]) -> Result<(), Failure> {
    let locked = lock(path)?;
    let text = locked
        .read_capped(SETTINGS_CAP)
        .failure(exit_codes::USAGE)?
        .unwrap_or_default();
    let mut messages = parse(path, &String::from_utf8_lossy(&text), true)?;
    if let Some(system) = system {
        set_system(&mut messages, system);
    }
    messages.extend_from_slice(new);
    write(&locked, &messages)
}

fn lock(path: &Path) -> Result<Locked, Failure> {
    let real = envtools_store::resolve(path).with_path(exit_codes::USAGE, path)?;
    let locked = Locked::file(&real, &Wait::default()).failure(exit_codes::USAGE)?;
    Ok(locked.private())
}

fn write(locked: &Locked, messages: &[Message]) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(messages).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    locked.replace(text.as_bytes()).failure(exit_codes::USAGE)
}

/// Put `system` first, replacing a system message already there.
pub fn set_system(messages: &mut Vec<Message>, system: &str) {
    if messages.first().is_some_and(|m| m.role == "system") {
        messages[0].content = system.to_string();
    } else {
        messages.insert(0, Message::new("system", system));
    }
}
