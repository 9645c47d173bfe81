//! Lossless edits of a `.env` text: every byte outside the changed entries stays as it was.
//!
//! Each entry is located by its logical line (see [`crate::lines`]), so a multi-line value is
//! replaced or removed whole. A rewritten entry keeps its indentation, its `export ` prefix, its
//! inline comment and its line ending; only `KEY=value` between them is new. New keys go at the
//! end, after a final line ending if the text lacked one, using the text's own line ending.

use crate::lines::{self, LogicalLine};
use crate::read::{self, BOM};

/// One requested change; the value is already encoded (see [`crate::encode`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Set `key` to the encoded text `encoded` (every occurrence), or append it.
    Set { key: String, encoded: String },
    /// Remove every line of `key`.
    Unset { key: String },
}

impl Change {
    /// The key this change is about.
    pub fn key(&self) -> &str {
        match self {
            Change::Set { key, .. } | Change::Unset { key } => key,
        }
    }
}

/// Where an entry sits in the text.
#[derive(Debug, Clone)]
struct Located<'t> {
    key: &'t str,
    logical: LogicalLine,
    /// Byte position of the key (after indentation and `export `).
    key_start: usize,
}

/// The line ending a text uses: that of its first line, `\n` if it has none.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Apply `changes` to `text` (which may start with a BOM) and return the new text.
///
/// Lines the parser rejects are never treated as entries: they are kept byte for byte.
pub fn apply(text: &str, changes: &[Change]) -> String {
    let body = read::without_bom(text);
    let scan = locate(body, |key| changes.iter().any(|c| c.key() == key));
    build(text, changes, &scan.entries)
}

/// As [`apply`], but refuse (saying why, with the line) an edit that appends a key where
/// appending would change what existing lines mean. This is what envset runs: one scan of
/// the text finds the entries and the last line, which answers the append question.
pub fn apply_checked(text: &str, changes: &[Change]) -> Result<String, String> {
    edit_located(text, changes).map(|(new, _)| new)
}

/// [`apply_checked`], and the keys removed that `text` did not set.
fn edit_located(text: &str, changes: &[Change]) -> Result<(String, Vec<String>), String> {
    let body = read::without_bom(text);
    let scan = locate(body, |key| changes.iter().any(|c| c.key() == key));
    let located = |key: &str| scan.entries.iter().any(|e| e.key == key);
    let appends = changes
        .iter()
        .any(|c| matches!(c, Change::Set { key, .. } if !located(key)));
    if appends {
        append_problem(body, scan.last.as_ref())?;
    }
    let absent = changes
        .iter()
        .filter(|c| matches!(c, Change::Unset { key } if !located(key)))
        .map(|c| c.key().to_string())
        .collect();
    Ok((build(text, changes, &scan.entries), absent))
}

/// An edit made and verified: the new text, the lines the parser rejects (kept as they are),
/// and the keys asked to be removed that the text did not set.
#[derive(Debug)]
pub struct Edited {
    pub text: String,
    /// Lines the reader rejects, in the old text (and, unchanged, in the new one).
    pub problems: Vec<read::Problem>,
    pub absent: Vec<String>,
}

/// Why an edit was not made.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Appending would change what existing lines mean (`:LINE: why`).
    Append(String),
    /// The new text would not read back as intended (a bug; nothing to write).
    Unverified(String),
}

/// The edit envset makes, in one call: one scan of `text` locates the changed keys (and
/// answers the append question and which removed keys were absent), the new text is built,
/// then verified against the old by the reader envget uses ([`verify`]).
pub fn apply_verified(
    text: &str,
    changes: &[Change],
    expect: &[Expect],
) -> Result<Edited, Refused> {
    let (new, absent) = edit_located(text, changes).map_err(Refused::Append)?;
    let problems = if new == text {
        read::parse_text_for(read::without_bom(text), |_| false).problems
    } else {
        verify(text, &new, expect).map_err(Refused::Unverified)?
    };
    Ok(Edited {
        text: new,
        problems,
        absent,
    })
}

/// The new text: `entries` (the located entries of the changed keys) rewritten or removed,
/// new keys appended.
fn build(text: &str, changes: &[Change], entries: &[Located]) -> String {
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    let eol = line_ending(body);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(bom);
    let mut pos = 0;
    for e in entries {
        // The last change for a key decides (as `envset A=1 A=2` means A=2).
        let Some(change) = changes.iter().rev().find(|c| c.key() == e.key) else {
            continue;
        };
        out.push_str(&body[pos..e.logical.span.start]);
        pos = e.logical.span.end;
        match change {
            Change::Set { encoded, .. } => {
                out.push_str(&body[e.logical.span.start..e.key_start]);
                out.push_str(e.key);
                out.push('=');
                out.push_str(encoded);
                out.push_str(&body[tail_start(body, &e.logical)..e.logical.span.end]);
            }
            // Removing the first lines must not turn a stray U+FEFF at the start of the next
            // line into a byte-order mark (which every reader would then drop): keep the
            // removed line's ending, so that line stays where it was.
            Change::Unset { .. } if out.len() == bom.len() && body[pos..].starts_with(BOM) => {
                let removed = &body[e.logical.span.clone()];
                let kept = removed.len() - removed.trim_end_matches(['\r', '\n']).len();
                out.push_str(&removed[removed.len() - kept..]);
            }
            Change::Unset { .. } => {}
        }
    }
    out.push_str(&body[pos..]);

    // New keys in the order first named; the last change of each decides.
    let mut seen: Vec<&str> = Vec::new();
    for change in changes {
        let key = change.key();
        if seen.contains(&key) || entries.iter().any(|e| e.key == key) {
            continue;
        }
        seen.push(key);
        if let Some(Change::Set { encoded, .. }) = changes.iter().rev().find(|c| c.key() == key) {
            if !out.is_empty() && !out.ends_with('\n') && out != bom {
                out.push_str(eol);
            }
            out.push_str(key);
            out.push('=');
            out.push_str(encoded);
            out.push_str(eol);
        }
    }
    out
}

/// Why appending new keys at the end of `body` (BOM removed) would change what an existing
/// line means, naming the line; `last` is its last logical line. Two cases: a quote left open
/// (it swallows the rest of the file, so an appended key would become part of that value),
/// and a last line that reads differently once a line ending follows it (a trailing space or
/// `\\` at the very end). Only the last line can be either, so only it is read again.
fn append_problem(body: &str, last: Option<&LogicalLine>) -> Result<(), String> {
    let Some(last) = last else { return Ok(()) };
    if !body.ends_with('\n') {
        let line = &body[last.span.clone()];
        let with_eol = format!("{line}{}", line_ending(body));
        let (before, after) = (read::parse_text(line), read::parse_text(&with_eol));
        let same = before.problems.len() == after.problems.len()
            && before.entries.len() == after.entries.len()
            && before
                .entries
                .iter()
                .zip(&after.entries)
                .all(|(a, b)| a.key == b.key && a.value == b.value);
        if !same {
            return Err(format!(
                "{}: the last line reads differently once a line ending follows it (it ends \
                 in a space or a backslash); end the file with a newline first",
                last.line
            ));
        }
    }
    if last.unterminated {
        return Err(format!(
            "{}: a quote opened on this line is never closed, so a key added at the end would \
             become part of that value; close the quote first",
            last.line
        ));
    }
    Ok(())
}

/// What a key should read back as after the edit: its decoded value, or absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect<'a> {
    pub key: &'a str,
    /// `Some(value)` after a set, `None` after an unset.
    pub value: Option<&'a str>,
}

/// Check `new` against `old` with the reader envget uses: it must yield exactly the old
/// entries with the requested changes (every occurrence of a set key reads the new value, an
/// unset key is gone, new keys follow at the end) and the same number of rejected lines.
/// Entries whose line expands `$` may change value (they may expand a changed key).
/// The error says what differs, by key and line, never by value.
pub fn verify(old: &str, new: &str, expect: &[Expect]) -> Result<Vec<read::Problem>, String> {
    if old.starts_with(BOM) != new.starts_with(BOM) {
        return Err("the byte-order mark would change".into());
    }
    let old_body = read::without_bom(old);
    let before = read::parse_text(old_body);
    let after = read::parse_text(read::without_bom(new));
    if before.problems.len() != after.problems.len() {
        return Err(format!(
            "{} rejected lines before the edit, {} after",
            before.problems.len(),
            after.problems.len()
        ));
    }
    let expands = lines_that_expand(old_body);
    let last = |key: &str| expect.iter().rev().find(|e| e.key == key);
    let mut got = Expected {
        entries: after.entries.iter(),
    };
    for e in &before.entries {
        match last(&e.key) {
            Some(Expect { value: Some(v), .. }) => got.next_is(&e.key, Some(v))?,
            Some(Expect { value: None, .. }) => {}
            // A line that expands `$` may expand a changed key: any value will do.
            None if expands.contains(&e.line) => got.next_is(&e.key, None)?,
            None => got.next_is(&e.key, Some(&e.value))?,
        }
    }
    // New keys follow, in the order first named.
    let mut seen: Vec<&str> = Vec::new();
    for x in expect {
        if seen.contains(&x.key) || before.entries.iter().any(|e| e.key == x.key) {
            continue;
        }
        seen.push(x.key);
        if let Some(Expect { value: Some(v), .. }) = last(x.key) {
            got.next_is(x.key, Some(v))?;
        }
    }
    got.end()?;
    Ok(before.problems)
}

/// The numbers of the lines of `body` that hold a `$` (and so may expand another key).
fn lines_that_expand(body: &str) -> std::collections::HashSet<usize> {
    if !body.contains('$') {
        return Default::default();
    }
    lines::iter(body)
        .filter(|l| body[l.span.clone()].contains('$'))
        .map(|l| l.line)
        .collect()
}

/// The new text's entries, taken in order and checked against what each should be.
struct Expected<'a, 't> {
    entries: std::slice::Iter<'a, read::Entry<'t>>,
}

impl Expected<'_, '_> {
    /// The next entry is `key`, reading `value` (any value when `None`).
    fn next_is(&mut self, key: &str, value: Option<&str>) -> Result<(), String> {
        let Some(g) = self.entries.next() else {
            return Err(format!("{key} is missing from the new text"));
        };
        if g.key != key {
            return Err(format!("line {}: expected {key}, found {}", g.line, g.key));
        }
        if value.is_some_and(|v| g.value != v) {
            return Err(format!(
                "line {}: {key} would not read back as written",
                g.line
            ));
        }
        Ok(())
    }

    /// No entry is left over.
    fn end(&mut self) -> Result<(), String> {
        match self.entries.next() {
            Some(extra) => Err(format!(
                "line {}: {} was not expected",
                extra.line, extra.key
            )),
            None => Ok(()),
        }
    }
}

/// What one scan of a body finds for an edit.
struct Scan<'t> {
    /// The entries whose key is changed, in order; rejected lines are left out.
    entries: Vec<Located<'t>>,
    /// The last logical line (where a key would be appended after).
    last: Option<LogicalLine>,
}

/// The entries of `body` whose key `wanted` accepts, with their positions; rejected lines are
/// left out. One pass over the lines; dotenvy is asked about rejected lines only when a wanted
/// key sits on a line that is not plain (a big file of plain lines is scanned once).
fn locate(body: &str, wanted: impl Fn(&str) -> bool) -> Scan<'_> {
    let mut entries = Vec::new();
    let mut doubtful = false;
    let mut last = None;
    for l in lines::iter(body) {
        last = Some(l.clone());
        if l.is_skipped(body) {
            continue;
        }
        let found = match l.plain_eq {
            Some(eq) => Some((&body[l.span.start..eq], l.span.start)),
            None => key_of(body, &l),
        };
        if let Some((key, key_start)) = found.filter(|(k, _)| wanted(k)) {
            doubtful |= l.plain_eq.is_none();
            entries.push(Located {
                key,
                logical: l,
                key_start,
            });
        }
    }
    if doubtful {
        let parsed = read::parse_text_for(body, &wanted);
        let rejected: std::collections::HashSet<usize> =
            parsed.problems.iter().map(|p| p.line).collect();
        entries.retain(|e| !rejected.contains(&e.logical.line));
    }
    Scan { entries, last }
}

/// The key of a logical line and where it starts, as dotenvy's `parse_key` reads it
/// (`export` is a prefix unless followed by `=`).
fn key_of<'t>(body: &'t str, l: &LogicalLine) -> Option<(&'t str, usize)> {
    let text = &body[l.parsed.clone()];
    let key_at = |from: usize| -> Option<(usize, usize)> {
        let rest = &text[from..];
        let skip = rest.len() - rest.trim_start().len();
        let start = from + skip;
        let s = &text[start..];
        if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let len = s
            .find(|c: char| !crate::charset::is_key_char(c))
            .unwrap_or(s.len());
        Some((start, start + len))
    };
    let (mut start, mut end) = key_at(0)?;
    if &text[start..end] == "export" && !text[end..].trim_start().starts_with('=') {
        (start, end) = key_at(end)?;
    }
    Some((&text[start..end], l.parsed.start + start))
}

/// Where the part of an entry's line that follows the value starts: the whitespace and inline
/// comment dotenvy ignores, then the line ending. They are kept as they were.
fn tail_start(body: &str, l: &LogicalLine) -> usize {
    let parsed = &body[l.parsed.clone()];
    let kept = parsed.trim_end();
    // An odd run of backslashes escapes the whitespace after it (`A=x\ `): that character
    // belongs to the value, not to the tail.
    let backslashes = kept.len() - kept.trim_end_matches('\\').len();
    let end = match parsed[kept.len()..].chars().next() {
        Some(c) if backslashes % 2 == 1 => kept.len() + c.len_utf8(),
        _ => kept.len(),
    };
    l.parsed.start + end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(key: &str, encoded: &str) -> Change {
        Change::Set {
            key: key.into(),
            encoded: encoded.into(),
        }
    }

    fn unset(key: &str) -> Change {
        Change::Unset { key: key.into() }
    }

    #[test]
    fn replaces_in_place_keeping_export_comment_and_crlf() {
        let text = "# head\r\nexport A=1 # the a\r\nB='x'\r\n";
        assert_eq!(
            apply(text, &[set("A", "'new'")]),
            "# head\r\nexport A='new' # the a\r\nB='x'\r\n"
        );
    }

    #[test]
    fn every_duplicate_is_rewritten() {
        assert_eq!(
            apply("A=1\nB=2\nA=3\n", &[set("A", "9")]),
            "A=9\nB=2\nA=9\n"
        );
    }

    #[test]
    fn multi_line_values_are_replaced_and_removed_whole() {
        let text = "A='l1\nl2'\nB=2\n";
        assert_eq!(apply(text, &[set("A", "one")]), "A=one\nB=2\n");
        assert_eq!(apply(text, &[unset("A")]), "B=2\n");
    }

    #[test]
    fn appends_with_the_files_line_ending_after_a_missing_final_newline() {
        assert_eq!(
            apply("A=1\r\nB=2", &[set("C", "3")]),
            "A=1\r\nB=2\r\nC=3\r\n"
        );
        assert_eq!(apply("", &[set("C", "3")]), "C=3\n");
        assert_eq!(apply("\u{feff}", &[set("C", "3")]), "\u{feff}C=3\n");
    }

    #[test]
    fn rejected_lines_and_bom_are_kept() {
        let text = "\u{feff}A=1\nA=bad value\n9=x\n";
        assert_eq!(
            apply(text, &[set("A", "2")]),
            "\u{feff}A=2\nA=bad value\n9=x\n"
        );
    }

    #[test]
    fn indentation_and_spaces_around_equals() {
        assert_eq!(apply("  A = 1  \n", &[set("A", "2")]), "  A=2  \n");
        assert_eq!(apply("export=1\n", &[set("export", "2")]), "export=2\n");
    }

    #[test]
    fn verify_accepts_a_faithful_edit_and_refuses_a_wrong_one() {
        let old = "A=1\nB=2\nC=\"${A}x\"\n";
        let new = apply(old, &[set("A", "'9 9'"), set("D", "4")]);
        let expect = [
            Expect {
                key: "A",
                value: Some("9 9"),
            },
            Expect {
                key: "D",
                value: Some("4"),
            },
        ];
        assert_eq!(verify(old, &new, &expect), Ok(vec![]));
        // C expands A, so its value may change with it.
        assert!(verify(old, "A='9 9'\nB=2\nC=\"${A}x\"\nD=4\n", &expect).is_ok());
        let wrong = verify(old, "A=9\nB=2\nC=\"${A}x\"\nD=4\n", &expect).unwrap_err();
        assert!(wrong.contains("line 1: A would not read back"), "{wrong}");
        assert!(verify(old, "A='9 9'\nC=\"${A}x\"\nD=4\n", &expect).is_err());
        assert!(verify(old, "A='9 9'\nB=3\nC=\"${A}x\"\nD=4\n", &expect).is_err());
        let gone = [Expect {
            key: "B",
            value: None,
        }];
        assert_eq!(verify(old, &apply(old, &[unset("B")]), &gone), Ok(vec![]));
    }

    /// Whether a key can be appended to `text`, as envset asks.
    fn check_append(text: &str) -> Result<(), String> {
        apply_checked(text, &[set("NEW_KEY", "1")]).map(|_| ())
    }

    #[test]
    fn appending_after_an_open_quote_or_a_meaningful_missing_newline_is_refused() {
        assert!(check_append("A=1\nB='open\nC=2\n")
            .unwrap_err()
            .starts_with("2: a quote"));
        assert!(check_append("A=1\nB=x ")
            .unwrap_err()
            .starts_with("2: the last line"));
        assert_eq!(check_append("A=1\nB=x"), Ok(()));
        assert_eq!(check_append(""), Ok(()));
        // Only an edit that appends is refused.
        let open = "A=1\nB='open\nC=2\n";
        assert!(apply_checked(open, &[set("N", "1")])
            .unwrap_err()
            .starts_with("2: a quote"));
        assert_eq!(
            apply_checked(open, &[set("A", "2"), unset("C")]),
            Ok(apply(open, &[set("A", "2"), unset("C")]))
        );
    }

    fn messy_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let atoms = prop::sample::select(vec![
            "A",
            "B",
            "K",
            "=",
            "'",
            "\"",
            "\\",
            "$",
            "{",
            "}",
            "#",
            " ",
            "\n",
            "\r\n",
            "export ",
            "é",
            "\t",
            "A=1\n",
            "B='x y'\n",
            "K=\"q\"\n",
            "\u{feff}",
        ]);
        prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
    }

    fn change() -> impl proptest::strategy::Strategy<Value = (&'static str, &'static str, bool)> {
        use proptest::prelude::*;
        let key = prop::sample::select(vec!["A", "B", "K", "NEW"]);
        let value = prop::sample::select(vec![
            "",
            "v",
            "two words",
            "it's",
            "l1\nl2",
            "$X",
            "end\\",
            "a\\\\b",
            " # c",
            "t\tb ",
            "\"q\"",
            "é",
        ]);
        (key, value, any::<bool>())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// envset's verify-before-replace never fires on an edit it attempts: whatever the file
        /// holds, either the append check refuses it up front, or the edit reads back exactly.
        #[test]
        fn verification_accepts_every_edit_that_is_attempted(
            text in messy_text(),
            wanted in proptest::collection::vec(change(), 1..4),
        ) {
            std::env::remove_var("X");
            let changes: Vec<Change> = wanted
                .iter()
                .map(|&(key, value, unset_it)| match unset_it {
                    true => unset(key),
                    false => set(key, &crate::encode::portable(value).unwrap_or_default()),
                })
                .collect();
            let Ok(new) = apply_checked(&text, &changes) else {
                return Ok(());
            };
            let expect: Vec<Expect> = wanted
                .iter()
                .map(|&(key, value, unset_it)| Expect { key, value: (!unset_it).then_some(value) })
                .collect();
            let verdict = verify(&text, &new, &expect);
            proptest::prop_assert!(verdict.is_ok(), "{:?} -> {:?}: {:?}", text, new, verdict);
        }
    }

    #[test]
    fn removing_the_first_line_never_makes_a_byte_order_mark() {
        assert_eq!(apply("A=1\n\u{feff}\n", &[unset("A")]), "\n\u{feff}\n");
        assert_eq!(
            apply("A=1\r\nA=2\r\n\u{feff}X\r\n", &[unset("A")]),
            "\r\n\u{feff}X\r\n"
        );
        assert_eq!(apply("A=1\nB=2\n", &[unset("A")]), "B=2\n");
    }

    #[test]
    fn an_escaped_trailing_space_is_part_of_the_value_not_of_the_tail() {
        assert_eq!(apply("A=x\\ ", &[set("A", "")]), "A=");
        assert_eq!(apply("A=x\\  # c\n", &[set("A", "y")]), "A=y # c\n");
        assert_eq!(apply("A=x\\\\ \n", &[set("A", "y")]), "A=y \n");
    }

    #[test]
    fn the_last_change_of_a_key_wins() {
        assert_eq!(apply("", &[set("A", "1"), set("A", "2")]), "A=2\n");
        assert_eq!(apply("A=0\n", &[set("A", "1"), unset("A")]), "");
    }
}
