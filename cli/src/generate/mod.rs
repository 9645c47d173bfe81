//! `--generate`: each tool prints its own man page and shell completion scripts (as ripgrep
//! does), so packagers (the flake) and users install them from the binary they have.

mod man;

use crate::page::Page;
use clap::ValueEnum;
use std::io::{self, Write};
use std::process::ExitCode;

/// What `--generate` prints.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generate {
    /// A roff man page
    Man,
    /// bash completions
    CompleteBash,
    /// zsh completions
    CompleteZsh,
    /// fish completions
    CompleteFish,
}

/// Print `kind` for the command `cmd` (made with `page`) on stdout.
pub fn print(kind: Generate, mut cmd: clap::Command, page: &Page) -> ExitCode {
    let name = cmd.get_name().to_string();
    let mut out = io::stdout().lock();
    let result = match kind {
        Generate::Man => man::render(&cmd, page, &mut out),
        shell => {
            let shell = match shell {
                Generate::CompleteZsh => clap_complete::Shell::Zsh,
                Generate::CompleteFish => clap_complete::Shell::Fish,
                _ => clap_complete::Shell::Bash,
            };
            clap_complete::generate(shell, &mut cmd, name.clone(), &mut out);
            Ok(())
        }
    };
    match result.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: cannot write: {}", crate::failure::describe(&e));
            ExitCode::from(2)
        }
    }
}
