//! `--generate`: each tool prints its own man page and shell completion scripts (as ripgrep
//! does), so packagers (the flake) and users install them from the binary they have.

mod man;

use crate::page::Page;
use clap::ValueEnum;
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

/// Print `kind` for the command `cmd` (made with `page`) on stdout. It is made whole in
/// memory first (clap_complete panics on a failed write), then written the one way
/// ([`crate::out`]): a closed pipe is success, a full disk is exit 2.
pub fn print(kind: Generate, mut cmd: clap::Command, page: &Page) -> ExitCode {
    let name = cmd.get_name().to_string();
    let mut text = Vec::new();
    match kind {
        Generate::Man => {
            // Writing into a Vec cannot fail.
            let _ = man::render(&cmd, page, &mut text);
        }
        shell => {
            let shell = match shell {
                Generate::CompleteZsh => clap_complete::Shell::Zsh,
                Generate::CompleteFish => clap_complete::Shell::Fish,
                _ => clap_complete::Shell::Bash,
            };
            clap_complete::generate(shell, &mut cmd, name.clone(), &mut text);
        }
    }
    match crate::out::print(&text) {
        Ok(_) => ExitCode::SUCCESS,
        Err(f) => f.report(&name),
    }
}
