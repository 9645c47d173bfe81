//! Reading `.env.example`: its keys in order, each with the comment lines just above it (the
//! explanation shown at the prompt) and its value (the default).

use envfile::lines;

/// One key of the example file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleKey {
    pub key: String,
    /// The example's value, offered as the default.
    pub default: String,
    /// The comment lines directly above the key, as written (with their `#`).
    pub explanation: Vec<String>,
}

/// The keys of an example file's text (BOM already removed), in order, first occurrence of
/// each. Rejected lines are skipped (envget would skip them too).
pub fn keys(text: &str) -> Vec<ExampleKey> {
    let parsed = envfile::read::parse_text(text);
    let mut out: Vec<ExampleKey> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    let mut entries = parsed.entries.iter().peekable();
    for l in lines::iter(text) {
        let raw = text[l.span.clone()].trim_end_matches(['\n', '\r']);
        if raw.trim_start().starts_with('#') {
            comments.push(raw.trim().to_string());
            continue;
        }
        if raw.trim().is_empty() {
            comments.clear();
            continue;
        }
        // Skip entries of lines before this one (cannot happen, but never loop forever).
        while entries.peek().is_some_and(|e| e.line < l.line) {
            entries.next();
        }
        if let Some(e) = entries.next_if(|e| e.line == l.line) {
            if !out.iter().any(|k| k.key == e.key) {
                out.push(ExampleKey {
                    key: e.key.to_string(),
                    default: e.value.to_string(),
                    explanation: std::mem::take(&mut comments),
                });
            }
        }
        comments.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_their_comments_and_defaults() {
        let text = "# Global\n\n# The model to use\n# (any installed one)\nOLLAMA_MODEL=llama3.1\nHF_TOKEN=\n# orphan\n\nX='a b' # inline\n";
        let keys = keys(text);
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[0].key, "OLLAMA_MODEL");
        assert_eq!(keys[0].default, "llama3.1");
        assert_eq!(
            keys[0].explanation,
            vec!["# The model to use", "# (any installed one)"]
        );
        assert_eq!(keys[1].explanation, Vec::<String>::new());
        assert_eq!(keys[1].default, "");
        assert_eq!(keys[2].default, "a b");
        assert!(keys[2].explanation.is_empty());
    }
}
