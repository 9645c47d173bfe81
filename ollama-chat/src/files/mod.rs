//! What ollama-chat keeps on disk, each private to its owner: the log, `--history` files,
//! templates, and where they live (`xdg`).

pub mod history;
pub mod log;
pub mod template;
pub mod xdg;
