//! Text from elsewhere (a server's error or status, a header) made safe to print on a
//! terminal: control characters (C0, DEL, C1) would let the sender clear the screen, move the
//! cursor or fake lines of ours, so each becomes a space; the text is cut to one line of at
//! most a given length.

/// The first line of `text`, trimmed, control characters made spaces, at most `max`
/// characters (then `…`).
pub fn one_line(text: &str, max: usize) -> String {
    let line: String = text
        .trim()
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line = line.trim();
    let mut out: String = line.chars().take(max).collect();
    if line.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_other_controls_cannot_reach_the_terminal() {
        assert_eq!(
            one_line("  model \"x\" not found\nmore", 300),
            "model \"x\" not found"
        );
        assert_eq!(
            one_line("\x1b[2J\x1b[Hfake\x07 \u{9b}31m", 300),
            "[2J [Hfake   31m"
        );
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("abc", 3), "abc");
    }
}
