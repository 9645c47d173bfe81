//! Where ollama-chat keeps its files, by the XDG base-directory rules: `$XDG_CONFIG_HOME`
//! (templates) and `$XDG_DATA_HOME` (the log), each used only when absolute, else the
//! default under `$HOME`.

use crate::exit_codes;
use envtools_cli::{Context, Failure};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

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

/// Make the folders of `file` up to and including the `ollama-chat` folder private (0700):
/// created so whatever the umask, and tightened when they exist with group or other bits
/// (they hold prompts and answers). Folders above ours (`~/.config`) are created 0700 when
/// missing and otherwise left alone.
pub fn private_folder(file: &Path) -> Result<(), Failure> {
    let Some(dir) = file.parent() else {
        return Ok(());
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_path(exit_codes::USAGE, dir)?;
    for folder in dir.ancestors() {
        let meta = std::fs::symlink_metadata(folder).with_path(exit_codes::USAGE, folder)?;
        if meta.is_dir() && meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
                .with_path(exit_codes::USAGE, folder)?;
        }
        if folder.file_name().is_some_and(|n| n == "ollama-chat") {
            break;
        }
    }
    Ok(())
}
