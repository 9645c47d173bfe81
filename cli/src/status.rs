//! The one live status line every tool draws at a terminal (a pull's progress, a venv being
//! built): redrawn in place on stderr, then cleared or kept. Off a terminal it draws nothing:
//! no escape sequences reach a log or a pipe.

use std::io::{IsTerminal, Write};

/// A status line on stderr, live only when stderr is a terminal and the caller wants it.
#[derive(Debug, Clone, Copy)]
pub struct StatusLine {
    live: bool,
}

impl StatusLine {
    /// A status line; live when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> StatusLine {
        StatusLine {
            live: wanted && std::io::stderr().is_terminal(),
        }
    }

    /// Whether it draws anything (otherwise the caller prints plain lines, or nothing).
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// Show `text` in place of what the line showed.
    pub fn show(&self, text: &str) {
        self.draw(&format!("\r\x1b[2K{text}"));
    }

    /// Remove the line.
    pub fn clear(&self) {
        self.draw("\r\x1b[2K");
    }

    /// Leave what the line shows, and go on below it.
    pub fn keep(&self) {
        self.draw("\n");
    }

    fn draw(&self, text: &str) {
        if self.live {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(text.as_bytes());
            let _ = err.flush();
        }
    }
}
