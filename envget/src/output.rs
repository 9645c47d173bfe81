//! Printing values and whole files in each `--format`. A reader that stops early (`| head`)
//! is not an error, as for ripgrep.

use crate::cli::Format;
use crate::exit_codes;
use envfile::encode;
use envtools_cli::warn::warn;
use envtools_cli::Failure;
use std::io::{self, Write};

/// `--format example`: the file as an `.env.example`, every byte kept but the values of the
/// sensitive keys (by the one rule of names), which are emptied: for the person who prepares
/// a project, so that no secret goes into the example.
pub fn example(files: &[crate::load::Loaded]) -> Result<u8, Failure> {
    let Some(crate::load::Content::Bytes(bytes)) = files.first().map(|f| &f.content) else {
        return Ok(exit_codes::SUCCESS);
    };
    let name = files.first().map_or(String::new(), |f| f.name.clone());
    let text = envfile::read::decode(bytes)
        .map_err(|e| Failure::at_line(exit_codes::ERROR, &name, e.line, "not valid UTF-8"))?;
    let parsed = envfile::read::parse_text(text);
    let mut changes: Vec<envfile::edit::Change> = Vec::new();
    for e in &parsed.entries {
        let secret = envtools_secrets::rule::is_secret_key(&e.key);
        if secret && !e.value.is_empty() && !changes.iter().any(|c| c.key() == e.key) {
            changes.push(envfile::edit::Change::Set {
                key: e.key.to_string(),
                encoded: String::new(),
            });
        }
    }
    let out = envfile::edit::apply(text, &changes);
    finish(|w| w.write_all(out.as_bytes()))
}

/// Print every pair in `format`; exit code 0, or a failure when stdout cannot be written.
pub fn print(pairs: &[(&str, &str)], format: Format, null: bool) -> Result<u8, Failure> {
    finish(|out| write_format(out, format, pairs, null))
}

/// Print the values of `pairs`, raw, one per line (NUL with `-0`), or in `format`.
pub fn print_values(
    pairs: &[(&str, &str)],
    format: Option<Format>,
    null: bool,
) -> Result<u8, Failure> {
    match format {
        Some(format) => print(pairs, format, null),
        None => finish(|out| {
            pairs.iter().try_for_each(|(_, v)| {
                out.write_all(v.as_bytes())?;
                out.write_all(terminator(null))
            })
        }),
    }
}

fn finish(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<u8, Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    envtools_cli::out::settle(write(&mut out).and_then(|()| out.flush()))?;
    Ok(exit_codes::SUCCESS)
}

/// The line terminator: newline, or NUL with `-0`.
fn terminator(null: bool) -> &'static [u8] {
    if null {
        b"\0"
    } else {
        b"\n"
    }
}

/// Write `pairs` in `format`. Problems that make a pair unprintable in that format are
/// reported on stderr, naming the key but never the value.
fn write_format(
    out: &mut dyn Write,
    format: Format,
    pairs: &[(&str, &str)],
    null: bool,
) -> io::Result<()> {
    match format {
        // Handled whole-file by `example`, never as pairs.
        Format::Example => {}
        Format::Names => {
            for (k, _) in pairs {
                out.write_all(k.as_bytes())?;
                out.write_all(terminator(null))?;
            }
        }
        Format::Json => {
            out.write_all(b"{")?;
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write!(out, "{}:{}", json_string(k), json_string(v))?;
            }
            out.write_all(b"}\n")?;
        }
        Format::Shell => {
            for (k, v) in pairs {
                if !encode::is_portable_key(k) {
                    warn(
                        "envget",
                        format_args!("{k} is not a valid shell variable name; skipped"),
                    );
                } else if v.contains('\0') {
                    warn("envget", format_args!("{k} holds a NUL byte; skipped"));
                } else {
                    writeln!(out, "export {k}={}", envtools_cli::shell::quoted(v))?;
                }
            }
        }
        Format::Dotenv => {
            for (k, v) in pairs {
                if let Some(encoded) = dotenv_value(k, v) {
                    writeln!(out, "{k}={encoded}")?;
                }
            }
        }
    }
    Ok(())
}

/// A value as dotenv text every reader reads back, else as text envget and sh read back
/// (warned: python-dotenv does not), else `None` (warned, skipped).
fn dotenv_value(key: &str, value: &str) -> Option<String> {
    match encode::portable(value) {
        Ok(text) => Some(text),
        Err(why) => match encode::dotenvy_only(value) {
            Ok(text) => {
                warn(
                    "envget",
                    format_args!("{key} is written for dotenvy (envget) only: {why}"),
                );
                Some(text)
            }
            Err(why) => {
                warn("envget", format_args!("{key} skipped: {why}"));
                None
            }
        },
    }
}

fn json_string(s: &str) -> String {
    // Serialising a string cannot fail; fall back to an empty string rather than panic.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}
