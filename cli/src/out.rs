//! Data on standard output, the one way every tool writes it. A closed pipe (`| head`) is
//! the reader's choice, not a failure: the writer stops and the tool exits as if it had
//! written everything (as `cat` and ripgrep do; SIGPIPE is ignored in Rust programs, so the
//! write returns `EPIPE`). Any other failure (a full disk, a closed descriptor) is one line,
//! `cannot write to standard output: REASON`, and exit 2, never a panic or a silent 0.

use crate::failure::Failure;
use std::io::{self, Write};

/// The exit status of a failed write, in every tool.
pub const WRITE_FAILED: u8 = 2;

/// Whether the reader is still there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Written and flushed.
    Open,
    /// The reader closed the pipe: write nothing more.
    Closed,
}

/// Write all of `bytes` to standard output and flush.
pub fn print(bytes: &[u8]) -> Result<Flow, Failure> {
    let mut out = io::stdout().lock();
    settle(out.write_all(bytes).and_then(|()| out.flush()))
}

/// The outcome of a write to standard output: a closed pipe is [`Flow::Closed`], any other
/// error a [`Failure`].
pub fn settle(result: io::Result<()>) -> Result<Flow, Failure> {
    match result {
        Ok(()) => Ok(Flow::Open),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Flow::Closed),
        Err(e) => Err(Failure::new(WRITE_FAILED, "cannot write to standard output").with_source(e)),
    }
}

/// Lines to standard output, written in blocks of 64 KiB: memory stays bounded however many
/// lines there are, and a closed pipe stops the caller's loop.
#[derive(Default)]
pub struct Lines {
    buf: Vec<u8>,
    closed: bool,
}

impl Lines {
    /// Add `line` and a newline; `Closed` when the reader is gone.
    pub fn line(&mut self, line: &str) -> Result<Flow, Failure> {
        if self.closed {
            return Ok(Flow::Closed);
        }
        self.buf.extend_from_slice(line.as_bytes());
        self.buf.push(b'\n');
        if self.buf.len() >= 64 << 10 {
            return self.flush();
        }
        Ok(Flow::Open)
    }

    /// Write what is buffered.
    pub fn flush(&mut self) -> Result<Flow, Failure> {
        if self.closed {
            return Ok(Flow::Closed);
        }
        let flow = print(&self.buf)?;
        self.buf.clear();
        self.closed = flow == Flow::Closed;
        Ok(flow)
    }
}
