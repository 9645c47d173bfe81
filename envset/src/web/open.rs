//! `--open`: start the user's browser on the page without putting the token in any process's
//! arguments (every local user can read those with `ps`). As Jupyter does, the browser is
//! given a file instead: a redirect page holding the URL, 0600 in a fresh 0700 folder, removed
//! when envset ends.
//!
//! The browser is `$BROWSER` when set, as Python's `webbrowser` reads it: commands separated by
//! `:`, each tried in turn; `%s` in a command stands for what to open, else it is added as the
//! last argument. Otherwise `open` on macOS, `xdg-open` elsewhere.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The redirect file's folder, removed (with the file) when dropped.
pub struct Opened {
    dir: Option<PathBuf>,
}

impl Drop for Opened {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// Start the browser on `url` through a private redirect file; a failure only says so.
pub fn browser(url: &str) -> Opened {
    let dir = match redirect_file(url) {
        Ok(dir) => dir,
        Err(e) => {
            let why = envtools_cli::failure::describe(&e);
            warn(&format!(
                "cannot write the page's redirect file ({why}); open the URL by hand"
            ));
            return Opened { dir: None };
        }
    };
    let file = dir.join("envset-open.html");
    let target = format!("file://{}", file.display());
    if !commands().iter().any(|c| start(c, &target)) {
        warn("cannot start a browser ($BROWSER, or xdg-open or open); open the URL by hand");
    }
    Opened { dir: Some(dir) }
}

fn warn(message: &str) {
    envtools_cli::warn::warn("envset", message);
}

/// The commands to try: `$BROWSER`'s, else the platform's opener.
fn commands() -> Vec<String> {
    match std::env::var("BROWSER") {
        Ok(b) if !b.trim().is_empty() => b
            .split(':')
            .filter(|c| !c.trim().is_empty())
            .map(str::to_string)
            .collect(),
        _ if cfg!(target_os = "macos") => vec!["open".into()],
        _ => vec!["xdg-open".into()],
    }
}

/// Start `command` (words split at white space, `%s` replaced by `target`, else `target`
/// added), detached; whether it started.
fn start(command: &str, target: &str) -> bool {
    let mut words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    if words.iter().any(|w| w.contains("%s")) {
        words = words.iter().map(|w| w.replace("%s", target)).collect();
    } else {
        words.push(target.to_string());
    }
    let Some((program, args)) = words.split_first() else {
        return false;
    };
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .is_ok()
}

/// A fresh 0700 folder under the runtime or temp folder, holding `envset-open.html` (0600),
/// which sends the browser on to `url`.
fn redirect_file(url: &str) -> std::io::Result<PathBuf> {
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let dir = fresh_folder(&base)?;
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={url}\"><title>envset</title></head>\
         <body><p><a href=\"{url}\">Open the envset page</a></p></body></html>\n"
    );
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dir.join("envset-open.html"))
        .and_then(|mut f| f.write_all(html.as_bytes()));
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&dir);
        return Err(e);
    }
    Ok(dir)
}

/// A new folder of ours in `base`, created 0700 under a random name (never one that exists).
fn fresh_folder(base: &Path) -> std::io::Result<PathBuf> {
    let mut last = None;
    for _ in 0..8 {
        let name = format!("envset-{}", super::request::random_token()?);
        let dir = base.join(&name[..22]);
        match DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no folder")))
}
