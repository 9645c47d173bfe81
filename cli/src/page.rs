//! One face for the four tools: what a tool's `--help` and man page say beyond its flags
//! (usage lines, notes, examples, exit codes) is written once, as a [`Page`], and rendered
//! both ways from it, with the same layout in every tool.

/// What a tool's help says besides its flags (those come from clap's derive).
pub struct Page {
    /// The usage lines, each starting with the tool's name (as the README shows them).
    pub usage: &'static [&'static str],
    /// Notes, each a titled section of prose. In the body, paragraphs are separated by a blank
    /// line; a line that starts with two spaces is shown as it is (code, tables).
    pub notes: &'static [(&'static str, &'static str)],
    /// Examples: a command line and what it does.
    pub examples: &'static [(&'static str, &'static str)],
    /// Exit statuses and what each means: the tool's `exit_codes::TABLE`, which the README's
    /// table must match (a test compares them).
    pub exit_status: &'static [(Status, &'static str)],
}

/// An exit status in a tool's table: a code, or `other` (a COMMAND's own status).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Code(u8),
    Other,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Other => f.write_str("other"),
        }
    }
}

/// Width of `--help`'s lines of prose that we wrap ourselves (the exit statuses).
const WIDTH: usize = 80;

/// The help layout every tool uses: what the tool does, usage, the options in groups, then
/// the page's notes, examples and exit statuses.
const TEMPLATE: &str = "{about-with-newline}\n{usage-heading} {usage}\n\n{all-args}{after-help}";

/// Width of the command column of examples in `--help`.
const EXAMPLE_COLUMN: usize = 44;

impl Page {
    /// Put the page into `cmd`: usage lines, layout, and the text after the options. `-h` and
    /// `--help` print the same help.
    pub fn apply(&self, cmd: clap::Command) -> clap::Command {
        let usage = self.usage.join("\n       ");
        cmd.override_usage(usage)
            .help_template(TEMPLATE)
            .after_help(self.after_help())
            .disable_help_flag(true)
            .arg(
                clap::Arg::new("help")
                    .short('h')
                    .long("help")
                    .help("Print help")
                    .action(clap::ArgAction::HelpShort)
                    .help_heading("Other"),
            )
            .disable_version_flag(true)
            .arg(
                clap::Arg::new("version")
                    .short('V')
                    .long("version")
                    .help("Print version")
                    .action(clap::ArgAction::Version)
                    .help_heading("Other"),
            )
    }

    /// The text after the options in `--help`.
    pub fn after_help(&self) -> String {
        let mut out = String::new();
        for (title, body) in self.notes {
            out.push_str(&format!("\n{title}:\n"));
            for line in body.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
        out.push_str("\nExamples:\n");
        for (command, what) in self.examples {
            if command.len() + 2 < EXAMPLE_COLUMN {
                out.push_str(&format!("  {command:<w$}{what}\n", w = EXAMPLE_COLUMN - 2));
            } else {
                out.push_str(&format!(
                    "  {command}\n  {:w$}{what}\n",
                    "",
                    w = EXAMPLE_COLUMN - 2
                ));
            }
        }
        out.push_str("\nExit status:\n");
        let column = 2 + self
            .exit_status
            .iter()
            .map(|(code, _)| code.to_string().len() + 2)
            .max()
            .unwrap_or(0);
        for (code, what) in self.exit_status {
            let mut first = format!("  {code}");
            first.push_str(&" ".repeat(column - first.len()));
            for (i, line) in wrap(what, WIDTH - column).iter().enumerate() {
                let lead = if i == 0 {
                    first.clone()
                } else {
                    " ".repeat(column)
                };
                out.push_str(&format!("{lead}{line}\n"));
            }
        }
        out.trim().to_string()
    }
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().map_or(0, |l| l.chars().count());
        if line > 0 && line + 1 + word.chars().count() > width {
            lines.push(String::new());
        }
        if let Some(last) = lines.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses_line_up_and_wrap_under_their_text() {
        let page = Page {
            usage: &["t"],
            notes: &[],
            examples: &[],
            exit_status: &[
                (Status::Code(0), "fine"),
                (
                    Status::Other,
                    "in exec mode, COMMAND's own exit status, which is a long text that wraps",
                ),
            ],
        };
        let help = page.after_help();
        let table = help.split("Exit status:\n").nth(1).unwrap();
        assert_eq!(
            table,
            "  0      fine\n  other  in exec mode, COMMAND's own exit status, which is a long text that\n         wraps"
        );
    }
}
