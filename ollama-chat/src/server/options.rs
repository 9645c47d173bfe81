//! The model's options (`-o KEY=VALUE`, a template's, a logged conversation's): typed JSON,
//! with Ollama's numeric options checked wherever they come from.

use crate::exit_codes;
use envtools_cli::Failure;
use serde_json::{Map, Value};

const INTEGER_OPTIONS: &[&str] = &[
    "num_ctx",
    "num_predict",
    "seed",
    "top_k",
    "num_keep",
    "repeat_last_n",
    "num_batch",
    "num_gpu",
    "num_thread",
    "main_gpu",
    "mirostat",
];
const NUMBER_OPTIONS: &[&str] = &[
    "temperature",
    "top_p",
    "min_p",
    "typical_p",
    "repeat_penalty",
    "presence_penalty",
    "frequency_penalty",
    "mirostat_tau",
    "mirostat_eta",
];

/// `-o KEY=VALUE` into typed JSON: integers, numbers, booleans, a JSON list (`stop=["a"]`),
/// else text. Ollama's known numeric options must be numbers.
pub fn parse_options(raw: &[String]) -> Result<Map<String, Value>, Failure> {
    let bad = |m: String| Failure::new(exit_codes::USAGE, m);
    let mut map = Map::new();
    for item in raw {
        let Some((key, value)) = item.split_once('=') else {
            return Err(bad(format!("-o {item}: expected KEY=VALUE")));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(bad(format!("-o {item}: the KEY is empty")));
        }
        let typed = if let Ok(i) = value.parse::<i64>() {
            Value::from(i)
        } else if let Some(n) = value.parse::<f64>().ok().filter(|f| f.is_finite()) {
            Value::from(n)
        } else if value == "true" || value == "false" {
            Value::from(value == "true")
        } else if value.starts_with('[') {
            serde_json::from_str(value)
                .map_err(|e| bad(format!("-o {key}: not a JSON list: {e}")))?
        } else {
            Value::from(value)
        };
        check_option(key, &typed).map_err(|why| bad(format!("-o {key}={value}: {why}")))?;
        map.insert(key.to_string(), typed);
    }
    Ok(map)
}

/// Whether `value` suits the option `key`: Ollama's known numeric options must be numbers,
/// wherever they come from (`-o`, a template, a logged conversation).
pub fn check_option(key: &str, value: &Value) -> Result<(), String> {
    if INTEGER_OPTIONS.contains(&key) && !value.is_i64() {
        return Err(format!("{key} takes a whole number"));
    }
    if NUMBER_OPTIONS.contains(&key) && !value.is_number() {
        return Err(format!("{key} takes a number"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_typed() {
        let m = parse_options(&[
            "temperature=0".into(),
            "num_ctx=8192".into(),
            "stop=[\"x\"]".into(),
            "flag=true".into(),
            "tag=abc".into(),
        ])
        .unwrap();
        assert_eq!(
            Value::Object(m),
            serde_json::json!({"temperature": 0, "num_ctx": 8192, "stop": ["x"], "flag": true, "tag": "abc"})
        );
        assert!(parse_options(&["temperature=hot".into()]).is_err());
        assert!(parse_options(&["num_ctx=1.5".into()]).is_err());
        assert!(parse_options(&["novalue".into()]).is_err());
        assert!(parse_options(&["=1".into()]).is_err());
    }
}
