//! What activation sets, without the shell script: for COMMAND's environment and for
//! `--print-env`.

use crate::cli::EnvFormat;
use crate::exit_codes;
use envtools_cli::shell::quoted as shell_quoted;
use envtools_cli::Failure;
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// The variables a venv's `activate` sets.
pub struct Activation {
    pub virtual_env: String,
    pub bin: String,
    pub path: OsString,
    pub prompt: String,
}

/// Activation for `venv` (absolute), relative to the current PATH.
pub fn for_venv(venv: &Path) -> Activation {
    let bin = venv.join("bin");
    // Already first (a nested start): not stacked again.
    let path = envtools_cli::path::prepend(&bin, std::env::var_os("PATH").as_deref());
    let prompt = venv
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Activation {
        virtual_env: venv.to_string_lossy().into_owned(),
        bin: bin.to_string_lossy().into_owned(),
        path,
        prompt,
    }
}

/// Put the activation into `cmd`'s environment.
pub fn apply(cmd: &mut Command, a: &Activation, clean_pythonpath: bool) {
    cmd.env("VIRTUAL_ENV", &a.virtual_env)
        .env("PATH", &a.path)
        .env("VIRTUAL_ENV_PROMPT", &a.prompt)
        .env_remove("PYTHONHOME");
    if clean_pythonpath {
        cmd.env_remove("PYTHONPATH");
    }
}

/// The activation as shell code (or JSON) to `eval`.
pub fn render(format: EnvFormat, a: &Activation, clean_pythonpath: bool) -> String {
    let path = a.path.to_string_lossy();
    match format {
        EnvFormat::Sh => {
            let mut s = format!(
                "export VIRTUAL_ENV={}\nexport PATH={}\nexport VIRTUAL_ENV_PROMPT={}\nunset PYTHONHOME\n",
                shell_quoted(&a.virtual_env),
                shell_quoted(&path),
                shell_quoted(&a.prompt)
            );
            if clean_pythonpath {
                s.push_str("unset PYTHONPATH\n");
            }
            s
        }
        EnvFormat::Fish => {
            let mut s = format!(
                "set -gx VIRTUAL_ENV {}\nset -gx PATH {} $PATH\nset -gx VIRTUAL_ENV_PROMPT {}\nset -e PYTHONHOME\n",
                shell_quoted(&a.virtual_env),
                shell_quoted(&a.bin),
                shell_quoted(&a.prompt)
            );
            if clean_pythonpath {
                s.push_str("set -e PYTHONPATH\n");
            }
            s
        }
        EnvFormat::Json => {
            let mut unset = vec!["PYTHONHOME"];
            if clean_pythonpath {
                unset.push("PYTHONPATH");
            }
            let v = serde_json::json!({
                "set": {
                    "VIRTUAL_ENV": a.virtual_env,
                    "PATH": path,
                    "VIRTUAL_ENV_PROMPT": a.prompt,
                },
                "unset": unset,
            });
            format!("{v}\n")
        }
    }
}

/// `--print-env`: the activation on stdout, for `eval`.
pub fn print(format: EnvFormat, a: &Activation, clean_pythonpath: bool) -> Result<(), Failure> {
    let text = render(format, a, clean_pythonpath);
    envtools_cli::out::print(text.as_bytes())?;
    Ok(())
}

/// Become `command` inside the venv. Returns only on failure (126, 127).
pub fn exec(command: &[OsString], a: &Activation, clean_pythonpath: bool, quiet: bool) -> Failure {
    let Some((program, args)) = command.split_first() else {
        return Failure::new(exit_codes::ERROR, "no COMMAND after --");
    };
    if std::env::var_os("PYTHONPATH").is_some() && !clean_pythonpath && !quiet {
        envtools_cli::warn::warn(
            "venv-bootstrap",
            "PYTHONPATH is set and shadows the venv's packages (--clean-pythonpath removes it)",
        );
    }
    let mut cmd = Command::new(program);
    cmd.args(args);
    apply(&mut cmd, a, clean_pythonpath);
    envtools_cli::exec::exec(cmd)
}
