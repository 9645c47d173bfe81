//! Finding a few keys in a file without holding the whole file: the fast path of `envget KEY`.
//!
//! Most `.env` files, and nearly all big ones, hold only *plain* lines (`KEY=value` with
//! nothing to unquote or expand), comments and blank lines. For such a file the value of a
//! key is its text after `=`, dotenvy needs not be asked, and the file can be read in small
//! chunks through one reused buffer: no 5 MB allocation to fault in page by page. The lines
//! are split by [`crate::lines`], exactly as the whole-file reader splits them, and the first
//! line that is anything else (a quote, an escape, a `$`, a rejected line, text that is not
//! UTF-8) ends the scan with "read it whole": the caller then goes the usual way, so every
//! file reads the same by either path (a property test checks that).

use crate::lines;
use crate::read::{Entry, Parsed, BOM};
use std::borrow::Cow;
use std::io::{self, Read};

/// The chunk size: big enough that a read costs little, small enough to stay in cache.
const CHUNK: usize = 64 * 1024;

/// The entries of `keys` (all of them, in file order, with their lines) in the file read from
/// `reader`, if it holds only plain lines, comments and blank lines; `Ok(None)` as soon as it
/// holds anything else (then read it whole with [`crate::read`]).
pub fn find_plain(reader: impl Read, keys: &[String]) -> io::Result<Option<Parsed<'static>>> {
    find_plain_in_chunks(reader, keys, CHUNK)
}

fn find_plain_in_chunks(
    mut reader: impl Read,
    keys: &[String],
    chunk: usize,
) -> io::Result<Option<Parsed<'static>>> {
    let mut found = Parsed::default();
    let mut buf = vec![0u8; chunk.max(4)];
    let mut filled = 0;
    let mut lines_before = 0;
    let mut at_start = true;
    loop {
        if filled == buf.len() {
            // One line longer than the buffer: make room for the rest of it.
            buf.resize(buf.len() * 2, 0);
        }
        let n = match reader.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let eof = n == 0;
        filled += n;
        if at_start {
            // A byte-order mark is dropped, as the whole-file reader drops it.
            if filled < BOM.len() && !eof {
                continue;
            }
            if buf[..filled].starts_with(BOM.as_bytes()) {
                buf.copy_within(BOM.len()..filled, 0);
                filled -= BOM.len();
            }
            at_start = false;
        }
        // Whole lines only, but the very last one.
        let end = if eof {
            filled
        } else {
            match buf[..filled].iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None => continue,
            }
        };
        let Ok(text) = std::str::from_utf8(&buf[..end]) else {
            return Ok(None);
        };
        let Some(count) = scan(text, keys, lines_before, &mut found) else {
            return Ok(None);
        };
        lines_before += count;
        buf.copy_within(end..filled, 0);
        filled -= end;
        if eof {
            return Ok(Some(found));
        }
    }
}

/// Scan whole lines; the number of lines, or `None` at the first line that is not plain, a
/// comment or blank.
fn scan(text: &str, keys: &[String], lines_before: usize, found: &mut Parsed) -> Option<usize> {
    let mut count = 0;
    for l in lines::iter(text) {
        count += 1;
        if l.unterminated {
            return None;
        }
        match l.plain_eq {
            Some(eq) => {
                let key = &text[l.span.start..eq];
                if keys.iter().any(|k| k == key) {
                    found.entries.push(Entry {
                        key: Cow::Owned(key.to_string()),
                        value: Cow::Owned(text[eq + 1..l.parsed.end].to_string()),
                        line: lines_before + l.line,
                    });
                }
            }
            // A comment or blank line is one physical line, so `count` stays a line count.
            None if l.is_skipped(text) => {}
            None => return None,
        }
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn plain_files_are_read_in_chunks_and_others_are_handed_back() {
        let text = "\u{feff}# c\nA=1\n\n  \t\nA=a-b/c:d@e%f+g,h.i_j\r\nC=3";
        for chunk in [1, 4, 7, 64] {
            let got = find_plain_in_chunks(text.as_bytes(), &keys(&["A", "C"]), chunk)
                .unwrap()
                .unwrap();
            let entries: Vec<(&str, &str, usize)> = got
                .entries
                .iter()
                .map(|e| (&*e.key, &*e.value, e.line))
                .collect();
            assert_eq!(
                entries,
                vec![
                    ("A", "1", 2),
                    ("A", "a-b/c:d@e%f+g,h.i_j", 5),
                    ("C", "3", 6)
                ],
                "chunk {chunk}"
            );
        }
        let others: [&[u8]; 5] = [
            b"A='1'\n",
            b"A=1\nB=$A\n",
            b"A=x y\n",
            b"A=1\nB=\xff\n",
            b"A=1\n ",
        ];
        for other in others {
            assert!(
                find_plain(other, &keys(&["A"])).unwrap().is_none(),
                "{:?}",
                String::from_utf8_lossy(other)
            );
        }
    }

    /// Files mostly of plain, comment and blank lines, sometimes with a line that is not.
    fn file() -> impl Strategy<Value = String> {
        let plain = prop::sample::select(vec![
            "A=1\n",
            "B=x.y\n",
            "A=2\r\n",
            "LONG=abcdefghijklmnopqrstuvwxyz0123456789\n",
            "# comment 'with quotes\n",
            "  # indented\n",
            "\n",
            "   \n",
            "\t\n",
            "C=\n",
            "A=last",
        ]);
        let other = prop::sample::select(vec![
            "B=é\n",
            "D='q'\n",
            "E=$A\n",
            "F=a b\n",
            "\u{feff}",
            "\r",
            "A=\\\n",
            " ",
            "  ",
            "G=\"x\ny\"\n",
        ]);
        let line = prop_oneof![12 => plain, 1 => other];
        prop::collection::vec(line, 0..20).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Whenever the scan answers, it answers what the whole-file reader does.
        #[test]
        fn the_scan_agrees_with_the_whole_file_reader(text in file(), chunk in 1usize..40) {
            let wanted = keys(&["A", "B", "C", "LONG"]);
            if let Some(found) = find_plain_in_chunks(text.as_bytes(), &wanted, chunk).unwrap() {
                let body = text.strip_prefix(BOM).unwrap_or(&text);
                let whole = crate::read::parse_text_for(body, |k| wanted.iter().any(|w| w == k));
                prop_assert!(whole.problems.is_empty());
                prop_assert_eq!(found.entries, whole.entries);
            }
        }

        /// A file of plain lines, comments and blank lines is always answered by the scan.
        #[test]
        fn plain_files_are_always_answered(
            lines in prop::collection::vec(
                prop::sample::select(vec!["A=1\n", "B=x\r\n", "# c\n", "\n", "LONG=abcdefghijklmnopq\n"]),
                0..30,
            ),
            chunk in 1usize..40,
        ) {
            let text = lines.concat();
            prop_assert!(find_plain_in_chunks(text.as_bytes(), &keys(&["A"]), chunk).unwrap().is_some());
        }
    }
}
