//! Values to text that readers take back byte for byte.
//!
//! `portable` is the encoding that envget (dotenvy), python-dotenv and a POSIX shell
//! (`set -a; . ./.env`) all read back unchanged; the rule was found by experiment (see
//! `shared/notes/dotenv-readers.md`) and is checked by property tests against all three.
//! envget's `--format dotenv` and envset both use it, so a file envset writes and a file envget
//! prints are the same text.

use std::fmt;

/// Why a value has no encoding that every reader takes back unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unportable {
    /// NUL cannot be stored in an environment variable at all.
    Nul,
    /// python-dotenv reads files in text mode, so a CR becomes a newline.
    CarriageReturn,
    /// python-dotenv expands `${NAME}` and `${NAME:-default}` even in single quotes.
    DollarBrace,
    /// A `'` (or a `\\` pair, or a trailing `\`) rules out single quotes, and a `$` or backtick
    /// rules out double quotes (dotenvy and sh expand `$`, python-dotenv keeps `\$`).
    QuoteWithDollar {
        /// What rules out single quotes: `'`, `\\` or a trailing `\`.
        single: &'static str,
        /// What rules out double quotes: `$` or a backtick.
        double: &'static str,
    },
    /// The dotenvy-only form is double quotes: a POSIX shell runs a backtick there as a
    /// command, and dotenvy has no escape for it.
    Backtick,
}

impl fmt::Display for Unportable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unportable::Nul => write!(
                f,
                "it contains a NUL byte, which no environment variable can hold"
            ),
            Unportable::CarriageReturn => write!(
                f,
                "it contains a carriage return (CR), which python-dotenv reads back as a newline"
            ),
            Unportable::DollarBrace => write!(
                f,
                "it contains '${{...}}', which python-dotenv expands even inside single quotes"
            ),
            Unportable::QuoteWithDollar {
                single,
                double: "$",
            } => write!(
                f,
                "it contains both {single} and $: a POSIX shell cannot read {single} inside \
                 single quotes, and inside double quotes python-dotenv keeps \\$ while dotenvy \
                 and sh expand $"
            ),
            Unportable::QuoteWithDollar { single, double } => write!(
                f,
                "it contains both {single} and {double}: a POSIX shell cannot read {single} \
                 inside single quotes, and runs `...` as a command inside double quotes"
            ),
            Unportable::Backtick => write!(
                f,
                "it contains a backtick, which a POSIX shell sourcing the file would run as a \
                 command inside double quotes (and dotenvy cannot escape)"
            ),
        }
    }
}

/// Encode `value` for envget, python-dotenv and sh alike, or say why that is impossible.
pub fn portable(value: &str) -> Result<String, Unportable> {
    if value.contains('\0') {
        return Err(Unportable::Nul);
    }
    if value.contains('\r') {
        return Err(Unportable::CarriageReturn);
    }
    if python_dotenv_expands(value) {
        return Err(Unportable::DollarBrace);
    }
    if value.chars().all(crate::charset::is_plain_value_char) {
        return Ok(value.to_string());
    }
    let single_blocker = if value.contains('\'') {
        Some("'")
    } else if value.contains("\\\\") {
        Some("a doubled backslash")
    } else if value.ends_with('\\') {
        Some("a trailing backslash")
    } else {
        None
    };
    let Some(single) = single_blocker else {
        return Ok(format!("'{value}'"));
    };
    let double_blocker = if value.contains('$') {
        Some("$")
    } else if value.contains('`') {
        Some("a backtick")
    } else {
        None
    };
    match double_blocker {
        None => Ok(double_quoted(value, false)),
        Some(double) => Err(Unportable::QuoteWithDollar { single, double }),
    }
}

/// Whether python-dotenv would expand something in `value`, wherever it is quoted: its rule is
/// the regex `\$\{(?P<name>[^\}:]*)(?::-(?P<default>[^\}]*))?\}`. A `${` that does not complete
/// that pattern (`${`, `${X`, `${a:b}`) stays literal for it.
pub fn python_dotenv_expands(value: &str) -> bool {
    value.match_indices("${").any(|(i, _)| {
        let rest = &value[i + 2..];
        let name_end = rest.find(['}', ':']).unwrap_or(rest.len());
        let after = &rest[name_end..];
        after.starts_with('}')
            || after
                .strip_prefix(":-")
                .is_some_and(|default| default.contains('}'))
    })
}

/// Encode `value` so that dotenvy (envget) reads it back exactly and a POSIX shell sourcing
/// the file runs and expands nothing: double quotes with `\`, `"` and `$` escaped (a shell
/// reads that literally too; python-dotenv keeps the `\` of `\$`). Used for values `portable`
/// refuses, when the user asked for it. NUL and a backtick are refused: a backtick in double
/// quotes is a command to sh, and dotenvy has no escape for it.
pub fn dotenvy_only(value: &str) -> Result<String, Unportable> {
    if value.contains('\0') {
        return Err(Unportable::Nul);
    }
    if value.contains('`') {
        return Err(Unportable::Backtick);
    }
    Ok(double_quoted(value, true))
}

fn double_quoted(value: &str, escape_dollar: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' | '"' => out.push('\\'),
            '$' if escape_dollar => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// True when `key` is a name every reader accepts, and a shell can `export`:
/// `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_portable_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_dotenvs_dollar_brace_rule() {
        for v in [
            "${X}",
            "a${}b",
            "${X:-d}",
            "${X:-}",
            "x${a:-b${c}}",
            "${:-x}",
        ] {
            assert!(python_dotenv_expands(v), "{v}");
        }
        for v in [
            "${", "${X", "${a:b}", "${a:b}c}", "$X", "{X}", "$ {X}", "${X:",
        ] {
            assert!(!python_dotenv_expands(v), "{v}");
        }
    }
    use crate::read::parse;
    use proptest::prelude::*;

    fn read_back(encoded: &str) -> String {
        let text = format!("K={encoded}\n");
        let p = parse(text.as_bytes()).unwrap();
        assert!(p.problems.is_empty(), "{encoded:?} did not parse");
        assert_eq!(p.entries.len(), 1);
        p.entries[0].value.to_string()
    }

    #[test]
    fn the_rule() {
        assert_eq!(portable("").unwrap(), "");
        assert_eq!(portable("abc-1.2/x:y@z%+,").unwrap(), "abc-1.2/x:y@z%+,");
        assert_eq!(portable("a b").unwrap(), "'a b'");
        assert_eq!(portable("$HOME x\ny").unwrap(), "'$HOME x\ny'");
        assert_eq!(portable("it's").unwrap(), "\"it's\"");
        assert_eq!(
            portable("a\\\\b \"q\"").unwrap(),
            "\"a\\\\\\\\b \\\"q\\\"\""
        );
        assert_eq!(portable("end\\").unwrap(), "\"end\\\\\"");
        assert_eq!(portable("a\rb"), Err(Unportable::CarriageReturn));
        assert_eq!(portable("${X}"), Err(Unportable::DollarBrace));
        assert_eq!(portable("a\0"), Err(Unportable::Nul));
        assert!(matches!(
            portable("it's $5"),
            Err(Unportable::QuoteWithDollar {
                single: "'",
                double: "$"
            })
        ));
        assert!(matches!(
            portable("it's `x`"),
            Err(Unportable::QuoteWithDollar {
                double: "a backtick",
                ..
            })
        ));
    }

    #[test]
    fn keys() {
        assert!(is_portable_key("_A1"));
        assert!(!is_portable_key("1A"));
        assert!(!is_portable_key("A.B"));
        assert!(!is_portable_key(""));
    }

    fn value_strategy() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a", "Z", "0", " ", "  ", "\t", "\n", "'", "\"", "\\", "\\\\", "$", "$X", "#", " #",
            "`", "=", "{", "}", "é", "😀", "\u{a0}", "-", "*", "!", ";", "&", "|", "(",
        ]);
        prop::collection::vec(atoms, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn portable_values_read_back_through_dotenvy(value in value_strategy()) {
            // `$X` must not be expanded from the test's environment.
            std::env::remove_var("X");
            if let Ok(enc) = portable(&value) {
                prop_assert_eq!(read_back(&enc), value);
            }
        }

        #[test]
        fn dotenvy_only_values_read_back_through_dotenvy(value in value_strategy()) {
            std::env::remove_var("X");
            let v = format!("{value}\r${{");
            match dotenvy_only(&v) {
                Ok(enc) => prop_assert_eq!(read_back(&enc), v),
                // Refused only for a backtick (sh would run it in double quotes).
                Err(why) => prop_assert!(v.contains('`') && why == Unportable::Backtick),
            }
        }
    }
}
