//! A stream with every secret replaced by `[redacted:KEY]`: bytes go out as soon as they
//! cannot be part of a secret; only a tail that may begin one is held, until the next bytes
//! decide it (so a value written in two parts, any time apart, is still caught). Everything
//! else passes byte for byte, binary and split UTF-8 included. Memory: the longest form.

use crate::Matcher;

/// The state of one redacted stream.
pub struct Redactor<'m> {
    matcher: &'m Matcher,
    held: Vec<u8>,
    /// Keys whose values were replaced so far.
    pub keys: Vec<String>,
}

impl<'m> Redactor<'m> {
    pub fn new(matcher: &'m Matcher) -> Redactor<'m> {
        Redactor {
            matcher,
            held: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// Take `chunk`; the bytes that may go out now.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<u8> {
        self.held.extend_from_slice(chunk);
        let keep = self.matcher.partial_at_end(&self.held);
        let mut cut = self.held.len() - keep;
        let found = self.matcher.find_all(&self.held);
        // A whole match that starts before the cut goes out whole.
        if let Some(last) = found.iter().filter(|f| f.start < cut).map(|f| f.end).max() {
            cut = cut.max(last);
        }
        let mut out = Vec::with_capacity(cut + 32);
        let mut at = 0;
        for f in found.into_iter().filter(|f| f.start < cut) {
            out.extend_from_slice(&self.held[at..f.start]);
            out.extend_from_slice(format!("[redacted:{}]", f.key).as_bytes());
            if !self.keys.contains(&f.key) {
                self.keys.push(f.key);
            }
            at = f.end;
        }
        out.extend_from_slice(&self.held[at..cut]);
        self.held.drain(..cut);
        out
    }

    /// The end of the stream: what was held, redacted.
    pub fn finish(&mut self) -> Vec<u8> {
        let held = std::mem::take(&mut self.held);
        let (out, keys) = self.matcher.redact(&held);
        for k in keys {
            if !self.keys.contains(&k) {
                self.keys.push(k);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use proptest::prelude::*;

    fn matcher() -> Matcher {
        Matcher::new(
            &[
                Secret {
                    key: "A_TOKEN".into(),
                    value: "sekrit-value-1".into(),
                },
                Secret {
                    key: "B_KEY".into(),
                    value: "another/secret".into(),
                },
            ],
            false,
        )
    }

    /// `input` through a redactor in chunks cut at `cuts`.
    fn through(m: &Matcher, input: &[u8], cuts: &[usize]) -> Vec<u8> {
        let mut r = Redactor::new(m);
        let mut out = Vec::new();
        let mut at = 0;
        for &c in cuts.iter().chain(std::iter::once(&input.len())) {
            let c = c.clamp(at, input.len());
            out.extend(r.feed(&input[at..c]));
            at = c;
        }
        out.extend(r.finish());
        out
    }

    #[test]
    fn a_value_split_anywhere_is_replaced_and_the_rest_passes_at_once() {
        let m = matcher();
        let input = b"one sekrit-value-1 two another/secret three";
        let whole = m.redact(input).0;
        for cut in 0..input.len() {
            assert_eq!(through(&m, input, &[cut]), whole, "cut at {cut}");
        }
        let mut r = Redactor::new(&m);
        assert_eq!(r.feed(b"hello sekr"), b"hello ");
        assert_eq!(r.feed(b"it-value-1!"), b"[redacted:A_TOKEN]!");
        assert_eq!(r.keys, ["A_TOKEN"]);
    }

    proptest! {
        #[test]
        fn anything_else_passes_byte_for_byte(
            input in proptest::collection::vec(any::<u8>(), 0..2000),
            cuts in proptest::collection::vec(0usize..2000, 0..20),
        ) {
            let m = matcher();
            let mut cuts = cuts;
            cuts.sort();
            let out = through(&m, &input, &cuts);
            prop_assert_eq!(out, m.redact(&input).0);
        }
    }
}
