//! Secrets never leave in a prompt by accident: before anything is sent, the value of every
//! secret-looking key of the `.env` ollama-chat read (a name holding TOKEN, KEY, SECRET,
//! PASSWORD, PASS, CREDENTIAL or AUTH; a value of at least 8 characters), and of
//! `OPENAI_API_KEY` and `OLLAMA_API_KEY`, is replaced by `[redacted:KEY]` in the prompt, stdin
//! and text attachments. `git diff | ollama-chat "review"` cannot carry the keys `.env` holds
//! to a server that may not be local.

/// Words that make a key's value a secret.
const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "KEY",
    "SECRET",
    "PASSWORD",
    "PASS",
    "CREDENTIAL",
    "AUTH",
];

/// Shorter values are not redacted: they would match ordinary text.
const MIN_SECRET_LEN: usize = 8;

/// Whether `key` names a secret.
pub fn is_secret_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// The secrets to take out of what is sent.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    /// (key, value), longest value first, so that a secret holding another is replaced whole.
    secrets: Vec<(String, String)>,
}

impl Redactor {
    /// From (key, value) pairs: the secret-looking ones with a value long enough.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Redactor {
        let mut secrets: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, v)| is_secret_key(k) && v.chars().count() >= MIN_SECRET_LEN)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        secrets.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        secrets.dedup_by(|a, b| a.1 == b.1);
        Redactor { secrets }
    }

    /// `text` with every secret replaced, and the keys whose values were found.
    pub fn redact(&self, text: &str) -> (String, Vec<String>) {
        let mut out = text.to_string();
        let mut hit = Vec::new();
        for (key, value) in &self.secrets {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), &format!("[redacted:{key}]"));
                hit.push(key.clone());
            }
        }
        hit.sort();
        (out, hit)
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
        if self.secrets.is_empty() {
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
        assert!(is_secret_key("my_auth_header") && !is_secret_key("OLLAMA_HOST"));
    }
}
