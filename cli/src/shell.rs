//! Text a POSIX shell `eval`s: what `envget --format shell` and `venv-bootstrap --print-env`
//! print. One quoting rule, in one place.

/// `value` in POSIX shell single quotes (`'` written as `'\''`): safe to `eval` in sh, bash,
/// zsh and fish whatever it holds.
pub fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quotes_are_closed_escaped_and_reopened() {
        assert_eq!(quoted("it's"), "'it'\\''s'");
        assert_eq!(quoted(""), "''");
        assert_eq!(quoted("$HOME `x` \\"), "'$HOME `x` \\'");
    }
}
