//! venv-bootstrap: a Python venv that is ready in a millisecond when nothing changed. See
//! `cli.rs` for the interface and `venv.rs` for how the venv is kept up to date.

mod activate;
mod cli;
mod exit_codes;
mod health;
mod install;
mod owned;
mod python;
mod stamp;
mod venv;

use clap::Parser;
use cli::{Cli, InstallerChoice, OnError};
pub use envfile::Failure;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(kind) = cli.generate {
        return envfile::generate::print(kind, <Cli as clap::CommandFactory>::command());
    }
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => f.report("venv-bootstrap"),
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |d| d.join(p))
    }
}

fn run(cli: &Cli) -> Result<u8, Failure> {
    if cli.check && (!cli.command.is_empty() || cli.print_env.is_some()) {
        return Err(Failure::new(
            exit_codes::ERROR,
            "--check changes nothing and runs nothing".into(),
        ));
    }
    let venv = absolute(&cli.venv);
    let python = python::find(cli.python.as_deref(), &venv.join("bin"))
        .map_err(|e| Failure::new(exit_codes::PYTHON_FAILED, e))?;
    let mut requirements: Vec<PathBuf> = cli.requirements.iter().map(|p| absolute(p)).collect();
    if requirements.is_empty() && Path::new("requirements.txt").is_file() {
        requirements.push(absolute(Path::new("requirements.txt")));
    }
    let constraints: Vec<PathBuf> = cli.constraints.iter().map(|p| absolute(p)).collect();
    let installer = install::Installer {
        uv: match cli.installer {
            InstallerChoice::Pip => None,
            InstallerChoice::Uv => Some(find_on_path("uv").ok_or_else(|| {
                Failure::new(exit_codes::ERROR, "--installer uv: no uv on PATH".into())
            })?),
            InstallerChoice::Auto => find_on_path("uv"),
        },
        offline: cli.offline,
        find_links: cli.find_links.as_deref().map(absolute),
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let files = stamp::read_files(&requirements, &constraints)
        .map_err(|e| Failure::new(exit_codes::ERROR, format!("cannot read requirements: {e}")))?;
    let inputs = stamp::render_inputs(&stamp::Inputs {
        installer: installer.name(),
        options: installer.stamp_options(),
        files: &files,
    });

    if cli.check {
        return Ok(match health::assess(&venv, &python, &inputs, cli.force) {
            health::State::UpToDate => exit_codes::SUCCESS,
            state => {
                if !cli.quiet {
                    eprintln!(
                        "venv-bootstrap: {} is not up to date: {}",
                        cli.venv.display(),
                        describe(&state)
                    );
                }
                exit_codes::NOT_UP_TO_DATE
            }
        });
    }

    let spec = venv::Spec {
        venv: &venv,
        python: &python,
        installer: &installer,
        requirements: &requirements,
        constraints: &constraints,
        files: &files,
        inputs: &inputs,
        upgrade_pip: !cli.no_upgrade_pip,
        force: cli.force,
    };
    if let venv::Ensured::InstallFailed(f) = venv::ensure(&spec)? {
        match cli.on_error {
            OnError::Fail => return Err(f),
            OnError::Warn => eprintln!(
                "venv-bootstrap: warning: {}; continuing with the venv as it is (retried next start)",
                f.message
            ),
        }
    }

    let activation = activate::for_venv(&venv);
    if let Some(format) = cli.print_env {
        let text = activate::render(format, &activation, cli.clean_pythonpath);
        let _ = std::io::stdout().write_all(text.as_bytes());
    }
    let Some((program, args)) = cli.command.split_first() else {
        return Ok(exit_codes::SUCCESS);
    };
    if std::env::var_os("PYTHONPATH").is_some() && !cli.clean_pythonpath && !cli.quiet {
        eprintln!("venv-bootstrap: warning: PYTHONPATH is set and shadows the venv's packages (--clean-pythonpath removes it)");
    }
    let mut cmd = Command::new(program);
    cmd.args(args);
    activate::apply(&mut cmd, &activation, cli.clean_pythonpath);
    let e = cmd.exec();
    let name = program.to_string_lossy();
    Err(match e.kind() {
        std::io::ErrorKind::NotFound => Failure::new(
            exit_codes::COMMAND_NOT_FOUND,
            format!("{name}: command not found"),
        ),
        _ => Failure::new(exit_codes::CANNOT_EXECUTE, format!("{name}: {e}")),
    })
}

fn describe(state: &health::State) -> String {
    match state {
        health::State::UpToDate => "up to date".into(),
        health::State::Missing => "it does not exist".into(),
        health::State::NeedsInstall => "the requirements changed".into(),
        health::State::PythonChanged(_) => "the Python interpreter's file changed".into(),
        health::State::Rebuild(why) | health::State::NotAVenv(why) => why.clone(),
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
