//! What a request must be to be served: the exact token path, a Host of our own, and for a
//! submit, an Origin of our own (or `null`), the page's anti-CSRF value and a bounded body.
//! Secrets are compared in constant time.

use std::io::Read;

/// The most a submit's body may hold: a few keys fit many times over.
pub const MAX_BODY: usize = 1 << 20;

/// A fresh random value of 128 bits, as 32 hex digits (from the OS's generator).
pub fn random_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Equal, in a time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The Host header names this server (127.0.0.1 or localhost, at our port): anything else may
/// be a DNS-rebinding page.
pub fn host_is_ours(host: Option<&str>, port: u16) -> bool {
    host.is_some_and(|h| h == format!("127.0.0.1:{port}") || h == format!("localhost:{port}"))
}

/// An Origin header, when present, is our own origin, or `null` (Chromium sends that for a
/// form submitted from a page served with `Referrer-Policy: no-referrer`).
pub fn origin_is_ours(origin: Option<&str>, port: u16) -> bool {
    match origin {
        None | Some("null") => true,
        Some(o) => {
            o == format!("http://127.0.0.1:{port}") || o == format!("http://localhost:{port}")
        }
    }
}

/// A form field: its name, and its value (`None` when not valid UTF-8 once decoded).
pub type Field = (String, Option<String>);

/// The fields of an `application/x-www-form-urlencoded` body, in order.
pub fn form_fields(body: &[u8]) -> Vec<Field> {
    body.split(|&b| b == b'&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = match part.iter().position(|&b| b == b'=') {
                Some(i) => (&part[..i], &part[i + 1..]),
                None => (part, &[][..]),
            };
            let decode = |raw: &[u8]| -> Option<String> {
                let plus: Vec<u8> = raw
                    .iter()
                    .map(|&b| if b == b'+' { b' ' } else { b })
                    .collect();
                let bytes: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
                String::from_utf8(bytes).ok()
            };
            (decode(name).unwrap_or_default(), decode(value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_decode_plus_and_percent() {
        let f = form_fields(b"csrf=ab&KEY=a+b%2Bc%26%3D&EMPTY=&BAD=%ff");
        assert_eq!(f[0], ("csrf".into(), Some("ab".into())));
        assert_eq!(f[1], ("KEY".into(), Some("a b+c&=".into())));
        assert_eq!(f[2], ("EMPTY".into(), Some(String::new())));
        assert_eq!(f[3], ("BAD".into(), None));
    }

    #[test]
    fn hosts_origins_and_secrets() {
        assert!(host_is_ours(Some("127.0.0.1:8000"), 8000));
        assert!(host_is_ours(Some("localhost:8000"), 8000));
        assert!(!host_is_ours(Some("evil.example:8000"), 8000));
        assert!(!host_is_ours(Some("127.0.0.1:8001"), 8000));
        assert!(!host_is_ours(None, 8000));
        assert!(origin_is_ours(None, 1) && origin_is_ours(Some("null"), 1));
        assert!(origin_is_ours(Some("http://localhost:1"), 1));
        assert!(!origin_is_ours(Some("http://evil.example"), 1));
        assert!(
            same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("ab", "abc")
        );
        let t = random_token().unwrap();
        assert_eq!(t.len(), 32);
        assert_ne!(t, random_token().unwrap());
    }
}
