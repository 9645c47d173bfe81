//! Where ollama-chat keeps its files, by the XDG base-directory rules: `$XDG_CONFIG_HOME`
//! (templates) and `$XDG_DATA_HOME` (the log), each used only when absolute, else the
//! default under `$HOME`.

use crate::exit_codes;
use envtools_cli::Failure;
use std::path::PathBuf;

/// `$VAR/ollama-chat/rest`, or `$HOME/default/ollama-chat/rest` when `VAR` is unset or not
/// absolute; `what` names the files in the error when neither is usable.
pub fn path(var: &str, default: &str, rest: &str, what: &str) -> Result<PathBuf, Failure> {
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    let base = std::env::var_os(var).and_then(absolute).or_else(|| {
        std::env::var_os("HOME")
            .and_then(absolute)
            .map(|h| h.join(default))
    });
    match base {
        Some(base) => Ok(base.join("ollama-chat").join(rest)),
        None => Err(Failure::new(
            exit_codes::USAGE,
            format!("{what}: neither {var} nor HOME is set to an absolute path"),
        )),
    }
}
