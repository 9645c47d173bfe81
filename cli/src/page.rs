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
    /// Exit statuses: the code (or codes) and what it means.
    pub exit_status: &'static [(&'static str, &'static str)],
}

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
        for (code, what) in self.exit_status {
            out.push_str(&format!("  {code:<5}{what}\n"));
        }
        out.trim().to_string()
    }
}
