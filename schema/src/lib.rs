//! `envtools_schema`: the part of @env-spec that envtools honours, read from `.env.example`
//! (no new format for anyone to learn). Decorators sit in the comment lines directly above a
//! key; the file's first comment block, when it ends with `# ---`, is the header
//! (`@defaultRequired`, `@defaultSensitive`). Item decorators: `@required`, `@optional`,
//! `@sensitive` (`=false`), `@public`, `@type` (see [`types`]), `@example`, `@docsUrl`.
//! Anything else (resolver calls such as `exec()`, plugins, unknown decorators or types) is one
//! warning naming its line and is otherwise ignored: never an error, never run.
//!
//! The one rule for "is this key sensitive": its `@sensitive`/`@public`, else the header's
//! `@defaultSensitive`, else its name ([`envtools_secrets::rule`]).

pub mod decorators;
pub mod types;

use decorators::{Decorator, Value};
pub use types::Type;

/// One key of the example.
#[derive(Debug, Clone)]
pub struct Item {
    pub key: String,
    /// 1-based line of the key.
    pub line: usize,
    /// The example's value: the default offered.
    pub default: String,
    pub required: bool,
    pub sensitive: bool,
    pub ty: Option<Type>,
    /// The comment lines above the key that are not decorators: the explanation.
    pub help: Vec<String>,
    pub example: Option<String>,
    pub docs_url: Option<String>,
}

/// A key whose value breaks its rule (see [`Schema::problems`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    /// `missing (required)`, or `malformed: WHY`.
    pub what: String,
    /// The example's line of the rule.
    pub line: usize,
}

/// A line of the example that says something we do not do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

/// The example as a schema.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub items: Vec<Item>,
    pub warnings: Vec<Warning>,
}

/// `@defaultRequired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DefaultRequired {
    True,
    False,
    /// Required when the example gives no value (a key with a default may be left at it).
    Infer,
}

/// The header's defaults.
struct Defaults {
    required: DefaultRequired,
    sensitive: Option<bool>,
}

impl Schema {
    /// The item of `key`.
    pub fn get(&self, key: &str) -> Option<&Item> {
        self.items.iter().rev().find(|i| i.key == key)
    }

    /// What is wrong with the values `seen` gives (`None`: not set): each required key that
    /// is missing or empty, each value its type refuses. In the example's order; never a value.
    pub fn problems(&self, seen: impl Fn(&str) -> Option<String>) -> Vec<Problem> {
        let mut out = Vec::new();
        for item in &self.items {
            let what = match seen(&item.key).filter(|v| !v.is_empty()) {
                None if item.required => "missing (required)".to_string(),
                None => continue,
                Some(value) => match item.ty.as_ref().map(|t| t.check(&value)) {
                    Some(Err(why)) => format!("malformed: {why}"),
                    _ => continue,
                },
            };
            out.push(Problem {
                key: item.key.clone(),
                what,
                line: item.line,
            });
        }
        out
    }

    /// Whether `key` is sensitive: its item's rule, else its name.
    pub fn is_sensitive(&self, key: &str) -> bool {
        self.get(key).map_or_else(
            || envtools_secrets::rule::is_secret_key(key),
            |i| i.sensitive,
        )
    }
}

/// A comment line's text (after `#`), when `line` is one.
fn comment(line: &str) -> Option<&str> {
    line.trim_start().strip_prefix('#')
}

/// Whether a comment text ends a block (`---`, `===`).
fn is_divider(text: &str) -> bool {
    let t = text.trim();
    t.len() >= 3 && (t.bytes().all(|b| b == b'-') || t.bytes().all(|b| b == b'='))
}

/// Read the example's text (its entries as envget reads them).
pub fn parse(text: &str) -> Schema {
    let parsed = envfile::read::parse_text(envfile::read::without_bom(text));
    let lines: Vec<&str> = text.lines().collect();
    let mut schema = Schema::default();
    let (defaults, header_end) = header(&lines, &mut schema.warnings);
    for entry in &parsed.entries {
        let block = block_above(&lines, entry.line, header_end);
        let item = item(entry, &block, &defaults, &mut schema.warnings);
        schema.items.push(item);
    }
    schema
}

/// The header's defaults, and the line after it (0 when there is none).
fn header(lines: &[&str], warnings: &mut Vec<Warning>) -> (Defaults, usize) {
    let mut defaults = Defaults {
        required: DefaultRequired::Infer,
        sensitive: None,
    };
    let first_key = lines
        .iter()
        .position(|l| !l.trim().is_empty() && comment(l).is_none());
    let scope = &lines[..first_key.unwrap_or(lines.len())];
    let Some(end) = scope
        .iter()
        .position(|l| comment(l).is_some_and(is_divider))
    else {
        return (defaults, 0);
    };
    for (i, line) in scope[..end].iter().enumerate() {
        let Some(text) = comment(line) else { continue };
        for d in read_decorators(text, i + 1, warnings) {
            match (d.name.as_str(), d.value.name()) {
                ("defaultRequired", "true") => defaults.required = DefaultRequired::True,
                ("defaultRequired", "false") => defaults.required = DefaultRequired::False,
                ("defaultRequired", "infer") => defaults.required = DefaultRequired::Infer,
                ("defaultSensitive", v) => defaults.sensitive = Some(v == "true"),
                (name, _) => warn(
                    warnings,
                    i + 1,
                    format!("@{name} is not supported here; ignored"),
                ),
            }
        }
    }
    (defaults, end + 1)
}

/// The comment lines directly above line `key_line` (1-based), after the header, as
/// (line, text), in order.
fn block_above<'t>(lines: &[&'t str], key_line: usize, header_end: usize) -> Vec<(usize, &'t str)> {
    let mut block = Vec::new();
    let mut i = key_line.saturating_sub(1);
    while i > header_end {
        let Some(text) = comment(lines[i - 1]) else {
            break;
        };
        if is_divider(text) {
            break;
        }
        block.push((i, text));
        i -= 1;
    }
    block.reverse();
    block
}

fn read_decorators(text: &str, line: usize, warnings: &mut Vec<Warning>) -> Vec<Decorator> {
    match decorators::parse(text) {
        Ok((d, _)) => d,
        Err(why) => {
            warn(warnings, line, why);
            Vec::new()
        }
    }
}

fn warn(warnings: &mut Vec<Warning>, line: usize, message: String) {
    warnings.push(Warning { line, message });
}

/// One key, from its entry and the comment block above it.
fn item(
    entry: &envfile::read::Entry,
    block: &[(usize, &str)],
    defaults: &Defaults,
    warnings: &mut Vec<Warning>,
) -> Item {
    let mut it = Item {
        key: entry.key.to_string(),
        line: entry.line,
        default: entry.value.to_string(),
        required: match defaults.required {
            DefaultRequired::True => true,
            DefaultRequired::False => false,
            DefaultRequired::Infer => entry.value.is_empty(),
        },
        sensitive: defaults
            .sensitive
            .unwrap_or_else(|| envtools_secrets::rule::is_secret_key(&entry.key)),
        ty: None,
        help: Vec::new(),
        example: None,
        docs_url: None,
    };
    for &(line, text) in block {
        let (found, help) = match decorators::parse(text) {
            Ok(parsed) => parsed,
            Err(why) => {
                warn(warnings, line, why);
                (Vec::new(), text.trim().to_string())
            }
        };
        if !help.is_empty() {
            it.help.push(help);
        }
        for d in found {
            apply(&mut it, d, line, warnings);
        }
    }
    it
}

/// What one decorator does to `it`.
fn apply(it: &mut Item, d: Decorator, line: usize, warnings: &mut Vec<Warning>) {
    let yes = d.value.name() != "false";
    match d.name.as_str() {
        "required" => it.required = yes,
        "optional" => it.required = !yes,
        "sensitive" => it.sensitive = yes,
        "public" => it.sensitive = !yes,
        "example" => it.example = Some(d.value.name().to_string()),
        "docsUrl" => it.docs_url = Some(d.value.name().to_string()),
        "type" => match Type::parse(&d.value) {
            Ok(Some(t)) => it.ty = Some(t),
            Ok(None) => {
                let what = match &d.value {
                    Value::Call(f, _) => format!("@type={f}(...) is not run; ignored"),
                    Value::Text(t) => {
                        format!("type {t} is not checked; the value is taken as text")
                    }
                };
                warn(warnings, line, what)
            }
            Err(why) => warn(
                warnings,
                line,
                format!("@type: {why}; the value is taken as text"),
            ),
        },
        name => {
            let what = match &d.value {
                Value::Call(f, _) => format!("@{name}={f}(...) is not run"),
                Value::Text(_) => format!("@{name} is not supported"),
            };
            warn(warnings, line, format!("{what}; ignored"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "# Project settings\n# @defaultRequired=infer\n# ---\n\n# Where Ollama listens\n# @type=url\nOLLAMA_API_URL=http://127.0.0.1:11434\n# @type=enum(dev, prod) @optional\nSTAGE=\n# Your Hugging Face token\n# @sensitive @type=string(startsWith=hf_, minLength=8)\nHF_TOKEN=\n# @public\nAPI_KEY_NAME=default\n# @currentEnv=$STAGE\n# @type=exec(\"op read x\")\nMODEL=llama3.1\n";

    #[test]
    fn decorators_header_and_the_sensitivity_rule() {
        let s = parse(EXAMPLE);
        let keys: Vec<&str> = s.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "OLLAMA_API_URL",
                "STAGE",
                "HF_TOKEN",
                "API_KEY_NAME",
                "MODEL"
            ]
        );
        let url = s.get("OLLAMA_API_URL").unwrap();
        assert!(!url.required, "infer: it has a default");
        assert_eq!(url.help, ["Where Ollama listens"]);
        assert!(url.ty.as_ref().unwrap().check("127.0.0.1:11434").is_err());
        assert!(!s.get("STAGE").unwrap().required);
        let hf = s.get("HF_TOKEN").unwrap();
        assert!(hf.required && hf.sensitive);
        assert!(hf.ty.as_ref().unwrap().check("hf_abcdefgh").is_ok());
        assert!(!s.is_sensitive("API_KEY_NAME"), "@public beats the name");
        assert!(s.is_sensitive("OTHER_TOKEN") && !s.is_sensitive("OTHER"));
        let lines: Vec<usize> = s.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [15, 16], "{:?}", s.warnings);
        assert!(s.warnings[1].message.contains("exec"));
    }

    #[test]
    fn a_plain_example_works_as_before_and_a_huge_comment_is_bounded() {
        let s = parse("# The model\nOLLAMA_MODEL=llama3.1\nHF_TOKEN=\n");
        assert!(
            !s.get("OLLAMA_MODEL").unwrap().required && !s.get("OLLAMA_MODEL").unwrap().sensitive
        );
        assert!(s.get("HF_TOKEN").unwrap().required && s.get("HF_TOKEN").unwrap().sensitive);
        let huge = format!("# @type=url {}\nA=\n", "x".repeat(10 << 20));
        let s = parse(&huge);
        assert_eq!(s.warnings.len(), 1);
        assert!(s.get("A").unwrap().ty.is_none());
    }
}
