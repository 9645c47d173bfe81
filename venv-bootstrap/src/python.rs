//! The interpreter a venv is built from: finding it, and telling whether it changed without
//! running it.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The requested interpreter, found.
#[derive(Debug, Clone)]
pub struct Python {
    /// The path as found (on PATH, or as given), absolute.
    pub path: PathBuf,
    /// `dev:ino:size:mtime` of the file the path resolves to. If this is unchanged, the
    /// interpreter is the same one; only when it changed is Python run to compare versions.
    pub identity: String,
}

/// Find `requested` (a path, or a name looked up on PATH, skipping `skip_dir`: the venv's own
/// `bin`, which an activated shell puts first).
pub fn find(requested: Option<&Path>, skip_dir: &Path) -> Result<Python, String> {
    let name = requested.unwrap_or(Path::new("python3"));
    let path = if name.components().count() > 1 {
        absolute(name)
    } else {
        search_path(name.as_os_str(), skip_dir)
            .ok_or_else(|| format!("no {} found on PATH (use --python PATH)", name.display()))?
    };
    let meta = fs::metadata(&path).map_err(|e| format!("Python {}: {e}", path.display()))?;
    if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
        return Err(format!("Python {}: not an executable file", path.display()));
    }
    Ok(Python {
        identity: identity(&meta),
        path,
    })
}

fn identity(m: &fs::Metadata) -> String {
    format!(
        "{}:{}:{}:{}.{}",
        m.dev(),
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec()
    )
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `name` on PATH, as a shell finds it, but never in `skip_dir`.
fn search_path(name: &OsStr, skip_dir: &Path) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let dirs = std::env::split_paths(&path).filter(|dir| dir != skip_dir);
    let without = std::env::join_paths(dirs).ok()?;
    envtools_cli::path::find_in(&without, &name.to_string_lossy())
}

/// Ask the interpreter for its version (`3.11.7`). This runs Python, so it is only called
/// when building, or when the interpreter's file changed.
pub fn version(python: &Path) -> Result<String, String> {
    let out = Command::new(python)
        .args([
            "-c",
            // `3.13.0rc1` for a pre-release (sys.version_info[:3] would drop the rc).
            "import platform; print(platform.python_version())",
        ])
        .env_remove("PYTHONHOME")
        .env_remove("PYTHONPATH")
        .output()
        .map_err(|e| format!("cannot run Python {}: {e}", python.display()))?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || text.is_empty() {
        return Err(format!(
            "Python {} did not report its version ({})",
            python.display(),
            out.status
        ));
    }
    Ok(text)
}
