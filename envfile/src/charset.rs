//! The character sets of the `.env` syntax, written once: which bytes a key may hold, and
//! which a value may hold bare (no quotes) so that every reader we claim (dotenvy,
//! python-dotenv, sh) reads it back unchanged. The line splitter's fast scan, the encoder and
//! the edit all ask here, so they cannot drift apart.

/// A key byte: `[A-Za-z0-9_.]`, dotenvy's.
pub(crate) const KEY: u8 = 1;
/// A bare value byte: `[A-Za-z0-9_./:@%+,-]`, nothing any reader unquotes, unescapes or
/// expands.
pub(crate) const VALUE: u8 = 2;

/// Byte classes as a table: the plain-line scan runs it over every byte of a file.
pub(crate) const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
            t[b] = KEY | VALUE;
        } else if matches!(c, b'/' | b':' | b'@' | b'%' | b'+' | b',' | b'-') {
            t[b] = VALUE;
        }
        b += 1;
    }
    t
};

/// A byte a key may hold.
pub(crate) fn is_key_byte(b: u8) -> bool {
    CLASS[b as usize] & KEY != 0
}

/// A character a key may hold.
pub(crate) fn is_key_char(c: char) -> bool {
    c.is_ascii() && is_key_byte(c as u8)
}

/// A byte a value may hold without quotes.
pub(crate) fn is_plain_value_byte(b: u8) -> bool {
    CLASS[b as usize] & VALUE != 0
}

/// A character a value may hold without quotes.
pub(crate) fn is_plain_value_char(c: char) -> bool {
    c.is_ascii() && is_plain_value_byte(c as u8)
}
