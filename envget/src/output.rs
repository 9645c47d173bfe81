//! Printing values and whole files in each `--format`.

use crate::cli::Format;
use envfile::encode;
use std::io::{self, Write};

/// The line terminator: newline, or NUL with `-0`.
pub fn terminator(null: bool) -> &'static [u8] {
    if null {
        b"\0"
    } else {
        b"\n"
    }
}

/// Write `pairs` in `format`. Problems that make a pair unprintable in that format are
/// reported on stderr, naming the key but never the value.
pub fn write_format(
    out: &mut impl Write,
    format: Format,
    pairs: &[(&str, &str)],
    null: bool,
) -> io::Result<()> {
    match format {
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
                    eprintln!("envget: warning: {k} is not a valid shell variable name; skipped");
                    continue;
                }
                if v.contains('\0') {
                    eprintln!("envget: warning: {k} holds a NUL byte; skipped");
                    continue;
                }
                writeln!(out, "export {k}={}", encode::shell_quoted(v))?;
            }
        }
        Format::Dotenv => {
            for (k, v) in pairs {
                let encoded = match encode::portable(v) {
                    Ok(text) => text,
                    Err(why) => match encode::dotenvy_only(v) {
                        Ok(text) => {
                            eprintln!(
                                "envget: warning: {k} is written for dotenvy (envget) only: {why}"
                            );
                            text
                        }
                        Err(why) => {
                            eprintln!("envget: warning: {k} skipped: {why}");
                            continue;
                        }
                    },
                };
                writeln!(out, "{k}={encoded}")?;
            }
        }
    }
    Ok(())
}

fn json_string(s: &str) -> String {
    // Serialising a string cannot fail; fall back to an empty string rather than panic.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}
