//! The decorators of a comment line, as @env-spec writes them: `@name` (true), `@name=value`,
//! several per line, values bare, quoted (`"`, `'`, a backtick) or a call (`enum(a, b)`,
//! `string(startsWith=sk-, minLength=20)`); text after them is help. Bounded: a line longer
//! than [`MAX_LINE`] is not read for decorators.

/// Lines longer than this hold no decorators we read.
pub const MAX_LINE: usize = 4096;

/// A decorator's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Bare or quoted text (`true`, `url`, `"a b"`).
    Text(String),
    /// A call: its name and arguments (positional ones with an empty key).
    Call(String, Vec<(String, String)>),
}

impl Value {
    /// The text of a bare value, or a call's name.
    pub fn name(&self) -> &str {
        match self {
            Value::Text(t) | Value::Call(t, _) => t,
        }
    }
}

/// One decorator: `@name` or `@name=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decorator {
    pub name: String,
    pub value: Value,
}

/// The decorators of the comment text `text` (after `#`), and the help text, or why the
/// line's decorators cannot be read.
pub fn parse(text: &str) -> Result<(Vec<Decorator>, String), String> {
    if text.len() > MAX_LINE {
        return Err(format!(
            "a comment longer than {MAX_LINE} bytes; decorators not read"
        ));
    }
    let mut rest = text.trim_start();
    let mut out = Vec::new();
    while let Some(after) = rest.strip_prefix('@') {
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len == 0 {
            return Err("'@' without a decorator name".into());
        }
        let name = after[..name_len].to_string();
        let after = &after[name_len..];
        let (value, tail) = match after.strip_prefix('=') {
            Some(v) => value(v)?,
            None => (Value::Text("true".into()), after),
        };
        out.push(Decorator { name, value });
        rest = tail.trim_start();
    }
    Ok((out, rest.trim().to_string()))
}

/// One value at the start of `s`, and what follows it.
fn value(s: &str) -> Result<(Value, &str), String> {
    if let Some(q) = s.chars().next().filter(|c| "\"'`".contains(*c)) {
        let body = &s[1..];
        let end = body
            .find(q)
            .ok_or("a quoted value without its closing quote")?;
        return Ok((
            Value::Text(body[..end].replace("\\n", "\n")),
            &body[end + 1..],
        ));
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == '(' || c == '#')
        .unwrap_or(s.len());
    let word = &s[..end];
    if s[end..].starts_with('(') {
        let close = closing(&s[end..]).ok_or_else(|| format!("{word}( without its closing ')'"))?;
        let args = arguments(&s[end + 1..end + close])?;
        return Ok((Value::Call(word.to_string(), args), &s[end + close + 1..]));
    }
    if word.is_empty() {
        return Err("'=' without a value".into());
    }
    Ok((Value::Text(word.to_string()), &s[end..]))
}

/// Walk `s` outside quotes, calling `on` with each character's position, the character and
/// the depth of parentheses before it; stop when `on` says so (its position returned).
fn walk(s: &str, mut on: impl FnMut(usize, char, i32) -> bool) -> Option<usize> {
    let (mut depth, mut quote) = (0i32, None);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, c) => {
                if on(i, c, depth) {
                    return Some(i);
                }
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
            }
        }
    }
    None
}

/// The position of the ')' that closes the '(' at the start of `s` (quotes respected).
fn closing(s: &str) -> Option<usize> {
    walk(s, |_, c, depth| c == ')' && depth == 1)
}

/// A call's arguments, split at top-level commas: `key=value` or a positional value.
fn arguments(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut cuts = Vec::new();
    walk(s, |i, c, depth| {
        if c == ',' && depth == 0 {
            cuts.push(i);
        }
        false
    });
    let mut pieces = Vec::new();
    let mut start = 0;
    for cut in cuts {
        pieces.push(&s[start..cut]);
        start = cut + 1;
    }
    pieces.push(&s[start..]);
    let unquote = |v: &str| -> String {
        let v = v.trim();
        match v.chars().next() {
            Some(q @ ('"' | '\'' | '`')) if v.len() >= 2 && v.ends_with(q) => {
                v[1..v.len() - 1].to_string()
            }
            _ => v.to_string(),
        }
    };
    let is_name =
        |k: &str| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    Ok(pieces
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) if is_name(k.trim()) => (k.trim().to_string(), unquote(v)),
            _ => (String::new(), unquote(p)),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn decorators_values_calls_and_help() {
        let (d, help) = parse(" @required @sensitive=false @type=url Where it listens").unwrap();
        assert_eq!(
            d,
            [
                Decorator {
                    name: "required".into(),
                    value: t("true")
                },
                Decorator {
                    name: "sensitive".into(),
                    value: t("false")
                },
                Decorator {
                    name: "type".into(),
                    value: t("url")
                },
            ]
        );
        assert_eq!(help, "Where it listens");
        let (d, _) = parse("@type=string(startsWith=sk-, minLength=20) @example=\"a b\"").unwrap();
        assert_eq!(
            d[0].value,
            Value::Call(
                "string".into(),
                vec![
                    ("startsWith".into(), "sk-".into()),
                    ("minLength".into(), "20".into())
                ]
            )
        );
        assert_eq!(d[1].value, t("a b"));
        let (d, _) = parse("@type=enum(dev, \"prod, eu\", test)").unwrap();
        assert_eq!(
            d[0].value,
            Value::Call(
                "enum".into(),
                vec![
                    (String::new(), "dev".into()),
                    (String::new(), "prod, eu".into()),
                    (String::new(), "test".into())
                ]
            )
        );
        let (d, help) = parse(" Just a note, @ not a decorator").unwrap();
        assert!(d.is_empty() && help.starts_with("Just"));
        assert!(parse("@type=enum(a, b").is_err());
        assert!(parse("@example=\"open").is_err());
        assert!(parse(&"x".repeat(MAX_LINE + 1)).is_err());
    }
}
