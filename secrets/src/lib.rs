//! `envtools_secrets`: which keys of a `.env` are secret, the forms their values take on the
//! way into a file, and one matcher that finds them all, written once for every tool that
//! keeps secrets out of somewhere (envscan: files, commits, streams; ollama-chat: prompts).
//!
//! - [`rule`]: a key is secret when its name says so (TOKEN, KEY, SECRET, PASSWORD, PASS,
//!   CREDENTIAL, AUTH); a value shorter than [`rule::MIN_LEN`] is not looked for.
//! - [`forms`]: a value as is, JSON-escaped, URL-encoded (upper and lower case), base64
//!   (standard and URL-safe, at any alignment inside a longer base64 text).
//! - [`Matcher`]: every form of every secret, found in one pass (Aho-Corasick), each match
//!   named by key and form, never by value.
//! - [`stream::Redactor`]: a stream with every value replaced, across any chunk boundary.

pub mod forms;
pub mod rule;
pub mod stream;

use aho_corasick::{AhoCorasick, MatchKind};
pub use forms::Form;

/// A secret to look for: its key and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub key: String,
    pub value: String,
}

/// The secrets of `pairs` by [`rule`]: the secret keys with values long enough; and the keys
/// of secrets skipped for being short (to name in a note).
pub fn select<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> (Vec<Secret>, Vec<String>) {
    select_by(pairs, rule::is_secret_key)
}

/// [`select`] with another rule for which keys are secret (a schema's `@sensitive`).
pub fn select_by<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    is_secret: impl Fn(&str) -> bool,
) -> (Vec<Secret>, Vec<String>) {
    let mut secrets: Vec<Secret> = Vec::new();
    let mut short = Vec::new();
    for (key, value) in pairs {
        if !is_secret(key) || value.is_empty() {
            continue;
        }
        if value.chars().count() < rule::MIN_LEN {
            short.push(key.to_string());
            continue;
        }
        secrets.retain(|s| s.key != key);
        secrets.push(Secret {
            key: key.to_string(),
            value: value.to_string(),
        });
    }
    short.sort();
    short.dedup();
    (secrets, short)
}

/// One match: where, whose value and in which form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub key: String,
    pub form: Form,
}

/// Every form of every secret, found in one pass.
#[derive(Debug, Clone)]
pub struct Matcher {
    ac: Option<AhoCorasick>,
    /// For each pattern: the key and the form.
    names: Vec<(String, Form)>,
    /// The longest pattern, in bytes (what a stream must keep to see a match across chunks).
    longest: usize,
    patterns: Vec<Vec<u8>>,
}

impl Matcher {
    /// A matcher for `secrets`, in every form (`plain_only`: as is only).
    pub fn new(secrets: &[Secret], plain_only: bool) -> Matcher {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut names = Vec::new();
        for s in secrets {
            for (form, bytes) in forms::all(&s.value) {
                if (plain_only && form != Form::Plain) || patterns.contains(&bytes) {
                    continue;
                }
                patterns.push(bytes);
                names.push((s.key.clone(), form));
            }
        }
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
        let ac = (!patterns.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        Matcher {
            ac,
            names,
            longest,
            patterns,
        }
    }

    /// Whether there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.ac.is_none()
    }

    /// Every pattern, with the key it names, in the order they were added (the first key of
    /// a value shared by two keys names it): for a matcher in another language that must find
    /// exactly what this one finds.
    pub fn patterns(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.names
            .iter()
            .zip(&self.patterns)
            .map(|((key, _), p)| (key.as_str(), p.as_slice()))
    }

    /// The longest pattern, in bytes.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Every match in `haystack`, left to right, none overlapping.
    pub fn find_all(&self, haystack: &[u8]) -> Vec<Found> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        ac.find_iter(haystack)
            .map(|m| {
                let (key, form) = &self.names[m.pattern().as_usize()];
                Found {
                    start: m.start(),
                    end: m.end(),
                    key: key.clone(),
                    form: *form,
                }
            })
            .collect()
    }

    /// `haystack` with every match replaced by `[redacted:KEY]`; the keys found.
    pub fn redact(&self, haystack: &[u8]) -> (Vec<u8>, Vec<String>) {
        let mut out = Vec::with_capacity(haystack.len());
        let mut keys = Vec::new();
        let mut at = 0;
        for f in self.find_all(haystack) {
            out.extend_from_slice(&haystack[at..f.start]);
            out.extend_from_slice(format!("[redacted:{}]", f.key).as_bytes());
            keys.push(f.key);
            at = f.end;
        }
        out.extend_from_slice(&haystack[at..]);
        keys.sort();
        keys.dedup();
        (out, keys)
    }

    /// The length of the longest end of `tail` that begins some pattern (a match that may
    /// finish in the next chunk); 0 when none does.
    pub fn partial_at_end(&self, tail: &[u8]) -> usize {
        let most = tail.len().min(self.longest.saturating_sub(1));
        (1..=most)
            .rev()
            .find(|&k| {
                let end = &tail[tail.len() - k..];
                self.patterns
                    .iter()
                    .any(|p| p.len() > k && p.starts_with(end))
            })
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(key: &str, value: &str) -> Secret {
        Secret {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn the_rule_picks_secret_keys_with_long_values_and_names_the_short_ones() {
        let (s, short) = select([
            ("GITHUB_TOKEN", "ghp_abcdefgh123"),
            ("DB_PASSWORD", "short"),
            ("OLLAMA_MODEL", "llama3.1:8b-long"),
        ]);
        assert_eq!(s, [secret("GITHUB_TOKEN", "ghp_abcdefgh123")]);
        assert_eq!(short, ["DB_PASSWORD"]);
    }

    #[test]
    fn every_secret_on_a_line_is_found_in_every_form_and_named_by_key() {
        let m = Matcher::new(
            &[
                secret("A_TOKEN", "s3cr3t/value+x\"q"),
                secret("B_KEY", "another-secret"),
            ],
            false,
        );
        let line = br#"x="s3cr3t/value+x\"q" and another-secret, url s3cr3t%2Fvalue%2Bx%22q"#;
        let found: Vec<(String, Form)> = m
            .find_all(line)
            .into_iter()
            .map(|f| (f.key, f.form))
            .collect();
        assert_eq!(
            found,
            [
                ("A_TOKEN".into(), Form::Json),
                ("B_KEY".into(), Form::Plain),
                ("A_TOKEN".into(), Form::UrlUpper)
            ]
        );
        let (out, keys) = m.redact(b"pre another-secret post");
        assert_eq!(out, b"pre [redacted:B_KEY] post");
        assert_eq!(keys, ["B_KEY"]);
        assert_eq!(m.partial_at_end(b"xx anoth"), 5);
        assert_eq!(m.partial_at_end(b"xx !!!"), 0);
    }
}
