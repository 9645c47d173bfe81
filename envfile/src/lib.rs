//! `envfile`: the one model of a `.env` file that the tools share.
//!
//! Why a shared crate: envget reads `.env` files, envset edits them and must verify its output
//! with the very reader envget uses, and both print values with the same encoder, so that what
//! envset writes and what `envget --format dotenv` prints are the same text. Keeping the reader
//! and the encoder in one place is what makes the tools agree with each other.
//!
//! - `charset`: the key and bare-value character sets, for all of the above.
//! - [`lines`]: dotenvy's logical lines, with line numbers and byte spans.
//! - [`read`]: bytes to entries (dotenvy), warnings with line numbers, last-wins merging.
//! - [`encode`]: values to text that dotenvy, python-dotenv and sh read back exactly.
//! - [`edit`]: lossless edits: replace, remove or append entries, every other byte kept.
//! - [`scan`]: a few keys of a plain file, read in chunks (the fast path of `envget KEY`).
//!
//! Only the model lives here: no command line, no processes, no file storage (that is the
//! `store` crate), no knowledge of any tool.

mod charset;
pub mod edit;
pub mod encode;
pub mod lines;
pub mod read;
pub mod scan;

pub use read::{parse, Entry, NotUtf8, Parsed, Problem, Vars};
