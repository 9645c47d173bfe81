//! `envtools_cli`: what the four tools share as command-line programs, so that they look and fail
//! alike (compare ripgrep's `crates/cli`). Nothing here knows about `.env` files or venvs.
//!
//! - [`failure`]: the error every tool ends with: exit code, one-line message, optional source,
//!   and [`Context`] to add the file or line to an `io::Error` in one call.
//! - [`args`]: parse the command line; argument errors say `TOOL: error: ...` and exit 2.
//! - [`warn`]: `TOOL: warning: ...` lines, including `FILE:LINE: reason` ones.
//! - [`page`]: usage lines, notes, examples and exit codes, written once for `--help` and
//!   the man page, in the same layout for every tool.
//! - [`generate`]: `--generate man|complete-bash|complete-zsh|complete-fish`.
//! - [`out`]: data on stdout; a closed pipe stops quietly, any other failure is exit 2.
//! - [`input`]: files a user names, regular files only and under a cap.
//! - [`status`]: the one live status line at a terminal.
//! - [`size`]: sizes as people read them; [`text`]: text from elsewhere, safe to print.
//! - [`exec`]: become another program; a failure maps to 126 or 127 as in a shell.
//! - [`interrupt`]: a Ctrl-C guard that puts back the previous handler when dropped.
//! - [`path`]: look a program up on `PATH`, put a folder first on `PATH`.
//! - [`shell`]: quoting for text a shell `eval`s.

pub mod args;
pub mod exec;
pub mod failure;
pub mod generate;
pub mod input;
pub mod interrupt;
pub mod out;
pub mod page;
pub mod path;
pub mod shell;
pub mod size;
pub mod status;
pub mod text;
pub mod warn;

pub use failure::{Context, Failure, IntoFailure};
pub use page::{Page, Status};
