//! The one rule for "is this key secret" when nothing else says so: its name holds one of
//! [`SECRET_WORDS`]. A value shorter than [`MIN_LEN`] characters is not looked for (it would
//! match ordinary text), and the tools say which keys were skipped for that.

/// Words that make a key's value a secret.
pub const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "KEY",
    "SECRET",
    "PASSWORD",
    "PASS",
    "CREDENTIAL",
    "AUTH",
];

/// Values shorter than this are not looked for.
pub const MIN_LEN: usize = 8;

/// Whether `key` names a secret.
pub fn is_secret_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_say_secret() {
        for k in [
            "HF_TOKEN",
            "openai_api_key",
            "DB_PASSWORD",
            "my_auth_header",
            "AWS_SECRET",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in ["OLLAMA_HOST", "OLLAMA_MODEL", "DEBUG"] {
            assert!(!is_secret_key(k), "{k}");
        }
    }
}
