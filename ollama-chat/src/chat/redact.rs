//! Secrets never leave in a prompt by accident: before anything is sent, the value of every
//! secret key of the `.env` ollama-chat read (envtools_secrets' rule: a name holding TOKEN,
//! KEY, SECRET, PASSWORD, PASS, CREDENTIAL or AUTH; a value of at least 8 characters), and of
//! `OPENAI_API_KEY` and `OLLAMA_API_KEY`, is replaced by `[redacted:KEY]` in the prompt, stdin
//! and text attachments. `git diff | ollama-chat "review"` cannot carry the keys `.env` holds
//! to a server that may not be local.

use envtools_secrets::{Matcher, Secret};

/// The secrets to take out of what is sent: the one rule and the one matcher of
/// `envtools_secrets` (every form of each value: as is, JSON-escaped, URL-encoded, base64).
#[derive(Debug, Clone)]
pub struct Redactor {
    matcher: Matcher,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new(std::iter::empty())
    }
}

impl Redactor {
    /// From (key, value) pairs: the secret ones by the rule, with values long enough.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Redactor {
        Redactor::with_rule(pairs, envtools_secrets::rule::is_secret_key)
    }

    /// [`Redactor::new`] with the rule of a schema (`.env.example`'s `@sensitive`).
    pub fn with_rule<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        is_secret: impl Fn(&str) -> bool,
    ) -> Redactor {
        let (secrets, _short): (Vec<Secret>, _) = envtools_secrets::select_by(pairs, is_secret);
        Redactor {
            matcher: Matcher::new(&secrets, false),
        }
    }

    /// `text` with every secret replaced, and the keys whose values were found.
    pub fn redact(&self, text: &str) -> (String, Vec<String>) {
        if self.matcher.is_empty() {
            return (text.to_string(), Vec::new());
        }
        let (out, hit) = self.matcher.redact(text.as_bytes());
        (String::from_utf8_lossy(&out).into_owned(), hit)
    }

    /// [`Redactor::redact`], saying on stderr which keys' values were taken out (never a value).
    pub fn redact_and_say(&self, text: &str) -> String {
        let (out, hit) = self.redact(text);
        say(&hit);
        out
    }

    /// Every string in `map` (options, a JSON schema: keys and values, at any depth) redacted
    /// in place, saying so as [`Redactor::redact_and_say`] does.
    pub fn redact_json_and_say(&self, map: &mut serde_json::Map<String, serde_json::Value>) {
        if self.matcher.is_empty() {
            return;
        }
        let mut value = serde_json::Value::Object(std::mem::take(map));
        let mut hit = Vec::new();
        self.walk(&mut value, &mut hit);
        if let serde_json::Value::Object(m) = value {
            *map = m;
        }
        hit.sort();
        hit.dedup();
        say(&hit);
    }

    /// [`Redactor::redact_json_and_say`] for any JSON value.
    pub fn redact_value_and_say(&self, value: &mut serde_json::Value) {
        let mut hit = Vec::new();
        self.walk(value, &mut hit);
        hit.sort();
        hit.dedup();
        say(&hit);
    }

    fn walk(&self, value: &mut serde_json::Value, hit: &mut Vec<String>) {
        use serde_json::Value;
        match value {
            Value::String(s) => {
                let (out, found) = self.redact(s);
                *s = out;
                hit.extend(found);
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.walk(v, hit)),
            Value::Object(map) => {
                let old = std::mem::take(map);
                for (k, mut v) in old {
                    let (k, found) = self.redact(&k);
                    hit.extend(found);
                    self.walk(&mut v, hit);
                    map.insert(k, v);
                }
            }
            _ => {}
        }
    }

    /// Each message's text redacted in place, saying so once.
    pub fn redact_messages_and_say(&self, messages: &mut [crate::server::protocol::Message]) {
        let mut hit = Vec::new();
        for m in messages.iter_mut() {
            let (out, found) = self.redact(&m.content);
            m.content = out;
            hit.extend(found);
        }
        hit.sort();
        hit.dedup();
        say(&hit);
    }
}

/// Say on stderr which keys' values were taken out (never a value).
fn say(hit: &[String]) {
    if !hit.is_empty() {
        envtools_cli::warn::warn(
            "ollama-chat",
            format_args!(
                "the values of {} were replaced by [redacted:KEY] (--no-redact sends them)",
                hit.join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_keys_with_long_values_are_redacted() {
        let r = Redactor::new([
            ("GITHUB_TOKEN", "ghp_abcdefgh123"),
            ("DB_PASSWORD", "short"),
            ("OLLAMA_MODEL", "llama3.1:8b-long"),
            ("API_KEY", "ghp_abcdefgh"),
        ]);
        let (out, hit) =
            r.redact("token ghp_abcdefgh123 and ghp_abcdefgh, model llama3.1:8b-long, short");
        assert_eq!(
            out,
            "token [redacted:GITHUB_TOKEN] and [redacted:API_KEY], model llama3.1:8b-long, short"
        );
        assert_eq!(hit, ["API_KEY", "GITHUB_TOKEN"]);
    }
}
