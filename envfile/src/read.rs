//! Bytes of a `.env` file to entries, with dotenvy doing the parsing.
//!
//! dotenvy is the reader all our tools share (so they agree with each other); this module adds
//! what it lacks for a command-line tool: a UTF-8 check that names the line, the BOM removed,
//! a line number on every entry and every rejected line, and a reason for the rejection that
//! never quotes the line (it may hold a secret).

use crate::lines::{self, LogicalLine};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The UTF-8 byte-order mark, which editors on Windows put at the start of a file.
pub const BOM: &str = "\u{feff}";

/// The most expansion (`$VAR`, `${VAR}`) may add to one value: 1 MiB. A line whose value
/// could grow more is rejected as a bad line, so no file can make a reader allocate without
/// bound (30 lines of `Ln=${Lm}${Lm}` would otherwise ask for gigabytes).
pub const EXPANSION_CAP: usize = 1 << 20;

/// The most expansion may add to all the values of one file together: 8 MiB.
pub const FILE_EXPANSION_CAP: usize = 8 << 20;

/// One `KEY=value` entry, value as dotenvy reads it (unquoted, unescaped, expanded).
/// Plain entries borrow from the file's text; only the others are allocated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub key: Cow<'a, str>,
    pub value: Cow<'a, str>,
    /// 1-based line where the entry starts.
    pub line: usize,
}

/// A line dotenvy rejected. The other lines are still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line where the rejected logical line starts.
    pub line: usize,
    /// Why, in words that never include the line's text.
    pub reason: String,
}

/// Everything read from one file, in file order, duplicates included.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed<'a> {
    pub entries: Vec<Entry<'a>>,
    pub problems: Vec<Problem>,
}

impl Parsed<'_> {
    /// The value of `key`: its last entry, as python-dotenv and a shell read duplicates.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| &*e.value)
    }
}

/// The file is not UTF-8; `line` is where the first bad byte is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    pub line: usize,
}

/// `text` without its leading BOM, if it has one: the one place that says how a BOM is
/// dropped (readers ignore it; edits keep it).
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// Check that `bytes` are UTF-8 and drop a leading BOM.
pub fn decode(bytes: &[u8]) -> Result<&str, NotUtf8> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(without_bom(text)),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
            Err(NotUtf8 { line })
        }
    }
}

/// Parse the bytes of one file.
pub fn parse(bytes: &[u8]) -> Result<Parsed<'_>, NotUtf8> {
    let text = decode(bytes)?;
    Ok(parse_text(text))
}

/// Parse text (BOM already removed), keeping every entry.
pub fn parse_text(text: &str) -> Parsed<'_> {
    parse_lines(text, |_| true, true)
}

/// Parse text (BOM already removed), keeping only the entries whose key `keep` accepts; every
/// line is still checked, so every rejected line is reported.
///
/// dotenvy yields one item per logical line that is neither blank nor a comment, and
/// `lines::iter` finds the same lines, so the two are zipped to give each its line number.
/// Plain lines (`KEY=value`, nothing to unquote or expand) are read directly: dotenvy would
/// give the same key and value. dotenvy gets every other line, plus the plain lines defining
/// a name those lines expand with `$`, so its expansion state is what it would be on the whole
/// file. A 100,000-line file of plain keys then costs one scan, not 100,000 allocations.
pub fn parse_text_for(text: &str, keep: impl Fn(&str) -> bool) -> Parsed<'_> {
    parse_lines(text, keep, false)
}

/// What became of one line set aside for dotenvy.
enum Read {
    /// What dotenvy made of it: a key and value, or an error.
    Dotenvy(Option<Result<(String, String), dotenvy::Error>>),
    /// Not given to dotenvy: its expansion could pass a cap (the reason says which).
    TooBig(String),
}

fn parse_lines(text: &str, keep: impl Fn(&str) -> bool, keep_all: bool) -> Parsed<'_> {
    let (mut parsed, others, referenced) = read_plain(text, &keep, keep_all);
    if others.is_empty() {
        return parsed;
    }
    let read = read_others(text, &others, &referenced);
    merge_others(text, &mut parsed, &others, read, &keep);
    parsed
}

/// Pass 1: plain lines are read here, borrowing from `text`; the others are set aside for
/// dotenvy, each with the index its entry will take, along with every name they may expand.
#[allow(clippy::type_complexity)]
fn read_plain<'t>(
    text: &'t str,
    keep: &impl Fn(&str) -> bool,
    keep_all: bool,
) -> (Parsed<'t>, Vec<(usize, LogicalLine)>, HashSet<&'t str>) {
    let mut parsed = Parsed::default();
    if keep_all {
        // Keeping everything: about one entry per line. A guess from the size (a plain line is
        // rarely under 16 bytes) spares a pass to count lines and most reallocations.
        parsed.entries.reserve(text.len() / 16 + 1);
    }
    let mut others = Vec::new();
    let mut referenced = HashSet::new();
    for l in lines::iter(text) {
        if let Some(eq) = l.plain_eq {
            let key = &text[l.span.start..eq];
            if keep(key) {
                parsed.entries.push(Entry {
                    key: Cow::Borrowed(key),
                    value: Cow::Borrowed(&text[eq + 1..l.parsed.end]),
                    line: l.line,
                });
            }
        } else if !l.is_skipped(text) {
            collect_references(&text[l.span.clone()], &mut referenced);
            others.push((parsed.entries.len(), l));
        }
    }
    (parsed, others, referenced)
}

/// Pass 2: dotenvy reads the other lines, fed with the plain definitions they may expand.
/// A line whose expansion could pass [`EXPANSION_CAP`] or [`FILE_EXPANSION_CAP`] is not fed.
fn read_others(
    text: &str,
    others: &[(usize, LogicalLine)],
    referenced: &HashSet<&str>,
) -> Vec<Read> {
    let mut input = String::new();
    // For each line fed: whether it is one of `others`; for each other: fed or not.
    let mut fed_is_other = Vec::new();
    let mut verdicts: Vec<Option<String>> = Vec::with_capacity(others.len());
    let mut bound = ExpansionBound::default();
    let mut next_other = others.iter().map(|(_, l)| l.span.start).peekable();
    for l in lines::iter(text) {
        let line = &text[l.span.clone()];
        let is_other = next_other.peek() == Some(&l.span.start);
        if is_other {
            next_other.next();
            let verdict = bound.admit(line);
            let fed = verdict.is_none();
            verdicts.push(verdict);
            if !fed {
                continue;
            }
        } else if let Some(eq) = l.plain_eq {
            let key = &text[l.span.start..eq];
            if !referenced.contains(key) {
                continue;
            }
            bound.define(key, l.parsed.end - eq - 1);
        } else {
            continue;
        }
        fed_is_other.push(is_other);
        input.push_str(line);
    }
    let mut items = dotenvy::from_read_iter(input.as_bytes());
    let mut fed = Vec::with_capacity(others.len());
    for is_other in fed_is_other {
        let item = items.next();
        if is_other {
            fed.push(item);
        }
    }
    let mut fed = fed.into_iter();
    verdicts
        .into_iter()
        .map(|v| match v {
            Some(why) => Read::TooBig(why),
            None => Read::Dotenvy(fed.next().flatten()),
        })
        .collect()
}

/// An upper bound of every value's length after expansion, line by line, as dotenvy will
/// expand them: a reference is replaced by the process environment's value when set, else by
/// an earlier line's value, else by nothing.
#[derive(Default)]
struct ExpansionBound<'t> {
    sizes: std::collections::HashMap<&'t str, usize>,
    /// What expansion added to the file so far.
    added: usize,
}

impl<'t> ExpansionBound<'t> {
    fn define(&mut self, key: &'t str, len: usize) {
        self.sizes.insert(key, len);
    }

    fn size_of(&self, name: &str) -> usize {
        std::env::var_os(name)
            .map(|v| v.len())
            .or_else(|| self.sizes.get(name).copied())
            .unwrap_or(0)
    }

    /// `None` when `line` may be expanded (its key's bound is recorded), else why not.
    fn admit(&mut self, line: &'t str) -> Option<String> {
        let mut added: usize = 0;
        for name in references(line) {
            added = added.saturating_add(self.size_of(name));
        }
        if added > EXPANSION_CAP {
            return Some("expansion exceeds 1 MiB (the cap for one value)".into());
        }
        if self.added.saturating_add(added) > FILE_EXPANSION_CAP {
            return Some("expansion exceeds 8 MiB (the cap for one file)".into());
        }
        self.added += added;
        if let Some(key) = line_key(line) {
            self.sizes.insert(key, line.len() + added);
        }
        None
    }
}

/// The key a line defines, when it reads as `[export ]KEY=`.
fn line_key(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let t = t
        .strip_prefix("export")
        .filter(|r| r.starts_with([' ', '\t']))
        .map_or(t, str::trim_start);
    let end = t.find(|c: char| !crate::charset::is_key_char(c))?;
    (end > 0).then(|| &t[..end])
}

/// Merge what dotenvy read into the plain entries, in file order; its errors become problems.
fn merge_others(
    text: &str,
    parsed: &mut Parsed<'_>,
    others: &[(usize, LogicalLine)],
    read: Vec<Read>,
    keep: &impl Fn(&str) -> bool,
) {
    let plain = std::mem::take(&mut parsed.entries);
    let mut plain = plain.into_iter();
    let mut taken = 0;
    for ((at, l), item) in others.iter().zip(read) {
        parsed.entries.extend(plain.by_ref().take(at - taken));
        taken = *at;
        match item {
            Read::Dotenvy(Some(Ok((key, value)))) => {
                if keep(&key) {
                    parsed.entries.push(Entry {
                        key: Cow::Owned(key),
                        value: Cow::Owned(value),
                        line: l.line,
                    });
                }
            }
            Read::Dotenvy(_) => parsed.problems.push(Problem {
                line: l.line,
                reason: describe_problem(text, l),
            }),
            Read::TooBig(reason) => parsed.problems.push(Problem {
                line: l.line,
                reason,
            }),
        }
    }
    parsed.entries.extend(plain);
}

/// Every name a line may expand, as often as it appears: `${NAME}` and `$NAME` (dotenvy:
/// letters and digits only). Over-collecting (a `$` in single quotes, `\$`) is harmless: it
/// only feeds dotenvy more lines, or makes the expansion bound larger than the truth.
fn references(line: &str) -> impl Iterator<Item = &str> {
    line.match_indices('$').filter_map(move |(i, _)| {
        let rest = &line[i + 1..];
        let name = match rest.strip_prefix('{') {
            Some(braced) => braced.split('}').next().unwrap_or(""),
            None => {
                let end = rest
                    .find(|c: char| !c.is_alphanumeric())
                    .unwrap_or(rest.len());
                &rest[..end]
            }
        };
        (!name.is_empty()).then_some(name)
    })
}

fn collect_references<'t>(line: &'t str, names: &mut HashSet<&'t str>) {
    names.extend(references(line));
}

/// Say why dotenvy rejected a line without quoting it.
fn describe_problem(text: &str, line: &LogicalLine) -> String {
    if line.unterminated {
        let span = &text[line.span.clone()];
        let last = line.line + span.trim_end_matches('\n').matches('\n').count();
        return format!("a quote is never closed; it runs to the end of the file (line {last})");
    }
    let t = text[line.parsed.clone()].trim();
    let mut rest = t;
    let key_len = |s: &str| {
        s.find(|c: char| !crate::charset::is_key_char(c))
            .unwrap_or(s.len())
    };
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return "a key must start with a letter or '_'".into();
    }
    let n = key_len(rest);
    let key = &rest[..n];
    rest = rest[n..].trim_start();
    if key == "export" && !rest.starts_with('=') {
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return "a key must follow 'export'".into();
        }
        rest = rest[key_len(rest)..].trim_start();
    }
    let Some(value) = rest.strip_prefix('=') else {
        return "expected '=' after the key".into();
    };
    describe_value_problem(value.trim_start())
}

/// The value part of a rejected line: find the first thing dotenvy objects to.
fn describe_value_problem(value: &str) -> String {
    let mut chars = value.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), _) => {}
            (Some('"'), '$') => {
                // dotenvy 0.15.7 cannot read `"$NAME"`: the `"` after a bare name is taken as
                // text, so the quote never closes. `"${NAME}"` works.
                let mut ahead = chars.clone().skip_while(|c| c.is_alphanumeric());
                if chars.peek().is_some_and(|c| c.is_alphanumeric()) && ahead.next() == Some('"') {
                    return "dotenvy cannot read $NAME just before a closing \"; write ${NAME}"
                        .into();
                }
            }
            (_, '\\') => match chars.next() {
                Some('\\' | '\'' | '"' | '$' | ' ' | 'n') => {}
                _ => {
                    return "unsupported escape: only \\\\ \\' \\\" \\$ \\n and \\<space> work"
                        .into()
                }
            },
            (None, '\'' | '"') => quote = Some(c),
            (None, ' ' | '\t') => {
                return "unquoted whitespace in the value: put the value in quotes".into()
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return "a quote is never closed".into();
    }
    if value.contains("${") {
        return "a ${ is never closed with }".into();
    }
    "the value cannot be parsed".into()
}

/// Variables from one or more files: last one wins, order of first appearance kept (as a
/// Python dict does, so `--format json` lists keys as python-dotenv would). Keys and values
/// borrow from the files' text where the parse did (100,000 keys cost no allocations).
#[derive(Debug, Default, Clone)]
pub struct Vars<'a> {
    list: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    index: HashMap<Cow<'a, str>, usize>,
}

impl<'a> Vars<'a> {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set `key`, replacing an earlier value in place.
    pub fn set(&mut self, key: Cow<'a, str>, value: Cow<'a, str>) {
        match self.index.get(&*key) {
            Some(&i) => self.list[i].1 = value,
            None => {
                self.index.insert(key.clone(), self.list.len());
                self.list.push((key, value));
            }
        }
    }

    /// Add every entry of a parsed file, later ones winning.
    pub fn extend_from(&mut self, parsed: Parsed<'a>) {
        self.list.reserve(parsed.entries.len());
        self.index.reserve(parsed.entries.len());
        for e in parsed.entries {
            self.set(e.key, e.value);
        }
    }

    /// The same variables, owning their text (to outlive the files' bytes).
    pub fn into_owned(self) -> Vars<'static> {
        let own = |c: Cow<'a, str>| Cow::Owned(c.into_owned());
        let mut vars = Vars::new();
        for (k, v) in self.list {
            vars.set(own(k), own(v));
        }
        vars
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.index.get(key).map(|&i| &*self.list[i].1)
    }

    /// All variables, in order of first appearance.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.list.iter().map(|(k, v)| (&**k, &**v))
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entries(text: &str) -> Vec<(String, String, usize)> {
        parse(text.as_bytes())
            .unwrap()
            .entries
            .into_iter()
            .map(|e| (e.key.into_owned(), e.value.into_owned(), e.line))
            .collect()
    }

    /// The reference: every line through dotenvy, zipped with the splitter's lines.
    fn parse_with_dotenvy_only(text: &str) -> (Vec<(String, String, usize)>, Vec<usize>) {
        let logical = lines::split(text);
        let mut significant = logical.iter().filter(|l| !l.is_skipped(text));
        let (mut entries, mut problems) = (Vec::new(), Vec::new());
        for item in dotenvy::from_read_iter(text.as_bytes()) {
            let line = significant.next().map_or(0, |l| l.line);
            match item {
                Ok((k, v)) => entries.push((k, v, line)),
                Err(_) => problems.push(line),
            }
        }
        (entries, problems)
    }

    #[test]
    fn entries_carry_their_line() {
        let got = entries("# c\nA=1\n\nB='x\ny'\nexport C=\"3\" # n\n");
        assert_eq!(
            got,
            vec![
                ("A".into(), "1".into(), 2),
                ("B".into(), "x\ny".into(), 4),
                ("C".into(), "3".into(), 6),
            ]
        );
    }

    #[test]
    fn bom_is_ignored() {
        assert_eq!(entries("\u{feff}A=1\n"), vec![("A".into(), "1".into(), 1)]);
    }

    #[test]
    fn bad_lines_are_reported_without_text_and_the_rest_is_read() {
        let p = parse(b"A=1\nSECRET=abc def\n9X=2\nNOEQ\nB=2\nC='open\nD=4\n").unwrap();
        let keys: Vec<&str> = p.entries.iter().map(|e| &*e.key).collect();
        assert_eq!(keys, vec!["A", "B"]);
        let lines: Vec<usize> = p.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 6]);
        assert!(p.problems[0].reason.contains("unquoted whitespace"));
        assert!(p.problems[1].reason.contains("must start with a letter"));
        assert!(p.problems[2].reason.contains("expected '='"));
        assert!(p.problems[3].reason.contains("never closed"));
        for pr in &p.problems {
            assert!(!pr.reason.contains("abc"), "{}", pr.reason);
        }
    }

    #[test]
    fn a_bare_name_before_a_closing_double_quote_gets_its_own_reason() {
        let p = parse(b"X=1\nA=\"$X\"\nB=\"${X}\"\n").unwrap();
        assert_eq!(p.entries.len(), 2);
        assert_eq!(p.problems.len(), 1);
        assert!(
            p.problems[0].reason.contains("write ${NAME}"),
            "{}",
            p.problems[0].reason
        );
    }

    #[test]
    fn not_utf8_names_the_line() {
        assert_eq!(parse(b"A=1\nB=2\nC=\xff\n"), Err(NotUtf8 { line: 3 }));
    }

    #[test]
    fn vars_last_wins_in_first_position() {
        let mut v = Vars::new();
        v.extend_from(parse(b"A=1\nB=2\nA=3\n").unwrap());
        let all: Vec<_> = v.iter().collect();
        assert_eq!(all, vec![("A", "3"), ("B", "2")]);
    }

    /// Text built from the characters that steer dotenvy's line machine.
    fn tricky_text() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "A", "b", "_", "=", " ", "\t", "#", "'", "\"", "\\", "$", "{", "}", "\n", "\r\n", "\r",
            "export ", "é", "\u{a0}", ".",
        ]);
        prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
    }

    /// Files mixing plain lines, expansions of them, and lines only dotenvy can read.
    fn mixed_file() -> impl Strategy<Value = String> {
        let line = prop::sample::select(vec![
            "A=1\n",
            "B=x.y\n",
            "A=2\r\n",
            "C=$A\n",
            "D=\"${B}-$A\"\n",
            "E='$A'\n",
            "F=a b\n",
            "export G=$C\n",
            "# c\n",
            "\n",
            "H=\"l1\nl2\"\n",
            "I='open\n",
            "J=\\$A\n",
            "K=${A}${B}\n",
            "L=",
            "M=1",
            "A.B=3\n",
            "N=$A.B\n",
            "O=é\n",
            // Long plain values: the eight-at-a-time scan, and what stops it.
            "P=abcdefghij-klmnop/qrs:tu@v%w+x,y.z_0123\n",
            "Q=abcdefgh\n",
            "R=abcdefg h\n",
            "S=0123456789abcdef$A\n",
            "T=abcdefghijklmnop#c\n",
            "U=abcdefghijklmnopq",
        ]);
        prop::collection::vec(line, 0..14).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The plain-line fast path reads exactly what dotenvy alone reads.
        #[test]
        fn fast_path_equals_dotenvy_alone(text in mixed_file()) {
            let fast = parse_text(&text);
            let got: Vec<(String, String, usize)> = fast.entries.iter()
                .map(|e| (e.key.to_string(), e.value.to_string(), e.line)).collect();
            let problems: Vec<usize> = fast.problems.iter().map(|p| p.line).collect();
            prop_assert_eq!((got, problems), parse_with_dotenvy_only(&text));
        }

        /// Our splitter must stay in step with dotenvy: same number of items, same keys.
        #[test]
        fn splitter_agrees_with_dotenvy(text in tricky_text()) {
            let logical = lines::split(&text);
            let significant: Vec<&LogicalLine> =
                logical.iter().filter(|l| !l.is_skipped(&text)).collect();
            let items: Vec<_> = dotenvy::from_read_iter(text.as_bytes()).collect();
            prop_assert_eq!(significant.len(), items.len());
            for (l, item) in significant.iter().zip(items) {
                if let Ok((key, _)) = item {
                    let t = text[l.parsed.clone()].trim_start();
                    let t = t.strip_prefix("export").map_or(t, |r| {
                        if r.trim_start().starts_with('=') { t } else { r.trim_start() }
                    });
                    prop_assert!(t.starts_with(&key));
                }
            }
        }
    }
}
