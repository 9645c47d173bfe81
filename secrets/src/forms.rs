//! The forms a value takes on its way into a file: as is; JSON-escaped (a notebook, a JSON
//! log: `"` and `\` and control characters escaped); URL-encoded (a database URL, a query
//! string), in upper and lower case hex; base64, standard and URL-safe, at each of the three
//! alignments it can have inside a longer base64 text (`user:VALUE` in a Basic-auth header):
//! for each, the run of base64 characters that the value alone decides.

use base64::Engine;

/// A form a value was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    Plain,
    Json,
    UrlUpper,
    UrlLower,
    Base64,
    Base64Url,
}

impl Form {
    /// How a report names it.
    pub fn name(self) -> &'static str {
        match self {
            Form::Plain => "as is",
            Form::Json => "JSON-escaped",
            Form::UrlUpper => "URL-encoded",
            Form::UrlLower => "URL-encoded (lower case)",
            Form::Base64 => "base64",
            Form::Base64Url => "base64 (URL-safe)",
        }
    }
}

/// Every form of `value` that differs from the others, as bytes to look for.
pub fn all(value: &str) -> Vec<(Form, Vec<u8>)> {
    let mut out: Vec<(Form, Vec<u8>)> = vec![(Form::Plain, value.as_bytes().to_vec())];
    let mut add = |form: Form, bytes: Vec<u8>| {
        if !bytes.is_empty() && !out.iter().any(|(_, b)| *b == bytes) {
            out.push((form, bytes));
        }
    };
    add(Form::Json, json_escaped(value).into_bytes());
    add(Form::UrlUpper, url_encoded(value, true).into_bytes());
    add(Form::UrlLower, url_encoded(value, false).into_bytes());
    for shift in 0..3 {
        add(Form::Base64, base64_run(value.as_bytes(), shift, false));
        add(Form::Base64Url, base64_run(value.as_bytes(), shift, true));
    }
    out
}

/// `value` as it stands inside a JSON string.
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or("")
        .to_string()
}

/// `value` percent-encoded: every byte but the unreserved ones (RFC 3986).
fn url_encoded(value: &str, upper: bool) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// The base64 characters decided by `value` alone when it starts `shift` bytes (mod 3) into
/// the encoded text: each character covers 6 bits, and only those wholly inside the value's
/// bits are the same whatever surrounds it.
fn base64_run(value: &[u8], shift: usize, url_safe: bool) -> Vec<u8> {
    let mut stream = vec![0u8; shift];
    stream.extend_from_slice(value);
    stream.extend_from_slice(&[0, 0]);
    let text = if url_safe {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&stream)
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(&stream)
    };
    let (from, to) = (8 * shift, 8 * (shift + value.len()));
    let first = from.div_ceil(6);
    let last = to / 6; // exclusive: the characters i with 6i >= from and 6i + 6 <= to
    if last <= first + 4 {
        return Vec::new();
    }
    text.as_bytes()[first..last].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use proptest::prelude::*;

    #[test]
    fn json_and_url_forms() {
        let forms = all("a\"b\\c/d e");
        let find = |f: Form| forms.iter().find(|(g, _)| *g == f).map(|(_, b)| b.clone());
        assert_eq!(find(Form::Json), Some(br#"a\"b\\c/d e"#.to_vec()));
        assert_eq!(find(Form::UrlUpper), Some(b"a%22b%5Cc%2Fd%20e".to_vec()));
        assert_eq!(find(Form::UrlLower), Some(b"a%22b%5cc%2fd%20e".to_vec()));
        // A value with nothing to escape has one form of each kind only once.
        assert_eq!(
            all("plainvalue1")
                .iter()
                .filter(|(_, b)| b == b"plainvalue1")
                .count(),
            1
        );
    }

    proptest! {
        #[test]
        fn a_value_anywhere_inside_base64_text_is_found(
            value in "[ -~]{8,40}",
            before in proptest::collection::vec(any::<u8>(), 0..7),
            after in proptest::collection::vec(any::<u8>(), 0..7),
        ) {
            let mut data = before.clone();
            data.extend_from_slice(value.as_bytes());
            data.extend_from_slice(&after);
            for (engine, form) in [
                (base64::engine::general_purpose::STANDARD, Form::Base64),
                (base64::engine::general_purpose::URL_SAFE, Form::Base64Url),
            ] {
                let text = engine.encode(&data);
                let runs: Vec<Vec<u8>> = all(&value)
                    .into_iter()
                    .filter(|(f, _)| *f == form || *f == Form::Base64)
                    .map(|(_, b)| b)
                    .collect();
                let hit = runs.iter().any(|r| text.as_bytes().windows(r.len()).any(|w| w == r.as_slice()));
                prop_assert!(hit, "{} in {}", value, text);
            }
        }
    }
}
