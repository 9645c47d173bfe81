//! Looking the KEYs up: their values (or `--default`), and for a KEY that is not set, one line
//! that names the files and the closest key they do set ("did you mean OLLAMA_MODEL?"), never
//! a value.

use crate::load::{self, Loaded};
use envfile::Parsed;

/// The KEYs that have a value, in the order asked, and whether any had none.
pub struct Selected<'a> {
    pub pairs: Vec<(&'a str, &'a str)>,
    pub missing: bool,
}

/// Look each of `keys` up in `parsed` (later files win); a missing one takes `default`, or is
/// reported on stderr.
pub fn select<'a>(
    keys: &'a [String],
    parsed: &'a [Parsed],
    default: Option<&'a str>,
    files: &[Loaded],
) -> Selected<'a> {
    let mut selected = Selected {
        pairs: Vec::with_capacity(keys.len()),
        missing: false,
    };
    let mut known: Option<Vec<String>> = None;
    for key in keys {
        match load::lookup(parsed, key).or(default) {
            Some(value) => selected.pairs.push((key.as_str(), value)),
            None => {
                let known =
                    known.get_or_insert_with(|| files.iter().flat_map(load::all_keys).collect());
                eprintln!("envget: {}", not_set_message(key, files, known));
                selected.missing = true;
            }
        }
    }
    selected
}

fn not_set_message(key: &str, files: &[Loaded], known: &[String]) -> String {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let mut message = format!("{key} is not set in {}", names.join(", "));
    if let Some(close) = closest(key, known) {
        message.push_str(&format!(" (did you mean {close}?)"));
    }
    message
}

/// The key of `known` closest to `key`, when it is close enough to be a typo: at most two
/// edits (one for keys of four characters or fewer), letter case aside.
pub fn closest<'k>(key: &str, known: &'k [String]) -> Option<&'k str> {
    let wanted = key.to_ascii_uppercase();
    let limit = if key.len() <= 4 { 1 } else { 2 };
    known
        .iter()
        .filter(|k| k.as_str() != key)
        .map(|k| {
            (
                strsim::damerau_levenshtein(&wanted, &k.to_ascii_uppercase()),
                k,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        ["OLLAMA_MODEL", "OLLAMA_HOST", "HF_TOKEN", "DB"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn typos_find_the_key_meant() {
        assert_eq!(closest("OLAMA_MODEL", &known()), Some("OLLAMA_MODEL"));
        assert_eq!(closest("ollama_host", &known()), Some("OLLAMA_HOST"));
        assert_eq!(closest("HF_TOKNE", &known()), Some("HF_TOKEN"));
        assert_eq!(closest("DX", &known()), Some("DB"));
    }

    #[test]
    fn unrelated_keys_suggest_nothing() {
        assert_eq!(closest("API_URL", &known()), None);
        assert_eq!(closest("XY", &known()), None);
        assert_eq!(closest("OLLAMA", &known()), None);
        assert_eq!(closest("X", &[]), None);
    }
}
