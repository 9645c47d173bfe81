//! Splitting a `.env` text into *logical lines*, exactly as dotenvy 0.15.7 does.
//!
//! dotenvy's reader joins the physical lines of a quoted multi-line value into one logical line
//! before parsing it, but it reports neither line numbers nor byte positions. We need both: line
//! numbers for warnings (`FILE:LINE`, never the text, which may hold a secret) and byte spans for
//! envset's lossless edits. So this module re-implements dotenvy's `QuotedLines` state machine
//! (`dotenvy/src/iter.rs`) step for step, and keeps the positions. A property test checks that it
//! stays in step with dotenvy on arbitrary input: if dotenvy is upgraded, that test says so.

use crate::charset::{is_key_byte, is_plain_value_byte, CLASS, VALUE};
use std::ops::Range;

/// One logical line: what dotenvy hands to its line parser, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalLine {
    /// 1-based number of the physical line where this logical line starts.
    pub line: usize,
    /// Bytes of the whole logical line in the text, including its final line ending.
    pub span: Range<usize>,
    /// Bytes of the text dotenvy parses: the line ending removed and, for a line with an inline
    /// comment, cut just before the `#` (the whitespace before it is kept, as dotenvy keeps it).
    pub parsed: Range<usize>,
    /// A quote (or escape) was still open at the end of the text: dotenvy reports an error and
    /// the line has swallowed everything after it.
    pub unterminated: bool,
    /// For a *plain* line, `KEY=value` with only `[A-Za-z0-9_./:@%+,-]` in the value: the byte
    /// position of the `=`. dotenvy reads such a line as exactly that key and value, so callers
    /// may skip dotenvy for it (the fast path for big files).
    pub plain_eq: Option<usize>,
}

impl LogicalLine {
    /// True when dotenvy's parser yields nothing for this line (blank or comment), so it is
    /// neither an entry nor an error.
    pub fn is_skipped(&self, text: &str) -> bool {
        if self.plain_eq.is_some() {
            return false;
        }
        if self.unterminated {
            return false;
        }
        let t = text[self.parsed.clone()].trim();
        t.is_empty() || t.starts_with('#')
    }
}

/// The states of dotenvy's `ParseState`, same names, same transitions.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Complete,
    Escape,
    StrongOpen,
    StrongOpenEscape,
    WeakOpen,
    WeakOpenEscape,
    Comment,
    WhiteSpace,
}

/// dotenvy's `eval_end_state`: run the machine over one physical line. For `Comment`, the
/// position returned is that of the `#`.
fn eval_end_state(prev: State, line: &str) -> (usize, State) {
    let mut state = prev;
    let mut cur_pos = 0;
    for (pos, c) in line.char_indices() {
        cur_pos = pos;
        state = match state {
            State::WhiteSpace => match c {
                '#' => return (cur_pos, State::Comment),
                '\\' => State::Escape,
                '"' => State::WeakOpen,
                '\'' => State::StrongOpen,
                _ => State::Complete,
            },
            State::Escape => State::Complete,
            State::Complete => match c {
                c if c.is_whitespace() && c != '\n' && c != '\r' => State::WhiteSpace,
                '\\' => State::Escape,
                '"' => State::WeakOpen,
                '\'' => State::StrongOpen,
                _ => State::Complete,
            },
            State::WeakOpen => match c {
                '\\' => State::WeakOpenEscape,
                '"' => State::Complete,
                _ => State::WeakOpen,
            },
            State::WeakOpenEscape => State::WeakOpen,
            State::StrongOpen => match c {
                '\\' => State::StrongOpenEscape,
                '\'' => State::Complete,
                _ => State::StrongOpen,
            },
            State::StrongOpenEscape => State::StrongOpen,
            // Unreachable: Comment returns above. Staying in it is harmless.
            State::Comment => State::Comment,
        };
    }
    (cur_pos, state)
}

/// Split `text` (BOM already removed) into dotenvy's logical lines, in order.
pub fn split(text: &str) -> Vec<LogicalLine> {
    iter(text).collect()
}

/// The logical lines of `text`, lazily (a big file need not be held as a list of lines).
pub fn iter(text: &str) -> Lines<'_> {
    Lines {
        text,
        pos: 0,
        line_no: 1,
    }
}

/// Iterator over the logical lines of a text; see [`iter`].
pub struct Lines<'t> {
    text: &'t str,
    pos: usize,
    line_no: usize,
}

impl Iterator for Lines<'_> {
    type Item = LogicalLine;

    fn next(&mut self) -> Option<LogicalLine> {
        let start = self.pos;
        if start >= self.text.len() {
            return None;
        }
        let start_line = self.line_no;
        if let Some((eq, content_end, next)) = plain_line(self.text.as_bytes(), start) {
            self.pos = next;
            self.line_no += 1;
            return Some(LogicalLine {
                line: start_line,
                span: start..next,
                parsed: start..content_end,
                unterminated: false,
                plain_eq: Some(eq),
            });
        }
        Some(self.quoted_or_commented(start))
    }
}

impl Lines<'_> {
    /// A line that is not plain, from `start`: read physical line by physical line, as
    /// dotenvy does, until its quotes close (or a comment or the end of the text ends it).
    fn quoted_or_commented(&mut self, start: usize) -> LogicalLine {
        let text = self.text;
        let start_line = self.line_no;
        let line = |span: Range<usize>, parsed: Range<usize>, unterminated: bool| LogicalLine {
            line: start_line,
            span,
            parsed,
            unterminated,
            plain_eq: None,
        };
        let mut state = State::Complete;
        loop {
            let phys_start = self.pos;
            if phys_start >= text.len() {
                // End of text with a quote still open (dotenvy: `LineParse` error).
                return line(start..phys_start, start..phys_start, true);
            }
            let phys_end = text[phys_start..]
                .find('\n')
                .map_or(text.len(), |i| phys_start + i + 1);
            self.pos = phys_end;
            self.line_no += 1;
            // dotenvy tests the whole buffer so far; only the first physical line can start
            // with `#` because a continued buffer starts with the key.
            if text[start..phys_end].trim_start().starts_with('#') {
                return line(start..phys_end, start..start, false);
            }
            let (cur_pos, next) = eval_end_state(state, &text[phys_start..phys_end]);
            state = next;
            match state {
                State::Complete => {
                    let end = without_line_end(text, start, phys_end);
                    return line(start..phys_end, start..end, false);
                }
                State::Comment => {
                    return line(start..phys_end, start..phys_start + cur_pos, false);
                }
                _ => {}
            }
        }
    }
}

/// `end` without the `\n` (and a `\r` before it) that ends the line starting at `start`.
fn without_line_end(text: &str, start: usize, mut end: usize) -> usize {
    if text[..end].ends_with('\n') {
        end -= 1;
        if text[start..end].ends_with('\r') {
            end -= 1;
        }
    }
    end
}

/// The end of the run of plain value bytes from `i`. Eight bytes at a time while they all
/// are: one branch per word instead of per byte (this is the hot loop of a big file).
fn scan_plain_value(bytes: &[u8], mut i: usize) -> usize {
    while let Some(word) = bytes.get(i..i + 8) {
        if word.iter().fold(VALUE, |all, &b| all & CLASS[b as usize]) == 0 {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && is_plain_value_byte(bytes[i]) {
        i += 1;
    }
    i
}

/// If the physical line at `start` is plain (`KEY=value`, then `\n`, `\r\n` or the end of the
/// text), return the position of `=`, the end of the value and the start of the next line.
fn plain_line(bytes: &[u8], start: usize) -> Option<(usize, usize, usize)> {
    let first = *bytes.get(start)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let mut i = start + 1;
    while i < bytes.len() && is_key_byte(bytes[i]) {
        i += 1;
    }
    if bytes.get(i) != Some(&b'=') {
        return None;
    }
    let eq = i;
    i = scan_plain_value(bytes, i + 1);
    match bytes.get(i) {
        None => Some((eq, i, i)),
        Some(b'\n') => Some((eq, i, i + 1)),
        Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => Some((eq, i, i + 2)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<&str> {
        split(text)
            .iter()
            .map(|l| &text[l.parsed.clone()])
            .collect()
    }

    #[test]
    fn simple_lines_and_numbers() {
        let text = "A=1\n# c\n\nB=2\r\nC=3";
        let lines = split(text);
        assert_eq!(parsed(text), vec!["A=1", "", "", "B=2", "C=3"]);
        let numbers: Vec<usize> = lines.iter().map(|l| l.line).collect();
        assert_eq!(numbers, vec![1, 2, 3, 4, 5]);
        assert_eq!(lines[3].span, 9..14);
    }

    #[test]
    fn multi_line_values_are_one_logical_line() {
        let text = "A='x\ny\nz'\nB=\"p\nq\" # note\nC=1\n";
        let lines = split(text);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].line, 1);
        assert_eq!(lines[1].line, 4);
        assert_eq!(lines[2].line, 6);
        assert_eq!(&text[lines[1].parsed.clone()], "B=\"p\nq\" ");
    }

    #[test]
    fn unterminated_quote_swallows_the_rest() {
        let text = "A=1\nB='open\nC=2\n";
        let lines = split(text);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].unterminated);
        assert_eq!(lines[1].span, 4..text.len());
    }

    #[test]
    fn spans_cover_the_text_exactly() {
        let text = "\u{feff}X=1\n  # c\nexport Y='a\nb' # c\r\nZ";
        let lines = split(text);
        let mut pos = 0;
        for l in &lines {
            assert_eq!(l.span.start, pos);
            pos = l.span.end;
        }
        assert_eq!(pos, text.len());
    }
}
