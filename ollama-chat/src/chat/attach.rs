//! Files in the prompt (`-a PATH`, `/attach PATH` in the REPL). A text file goes into the
//! message, fenced and named; an image (PNG, JPEG, WebP or GIF, told by its first bytes) goes
//! as an image: Ollama's `images` (base64), OpenAI's `image_url` data URL. Each file may hold
//! at most 20 MiB; a binary file that is not one of those images is refused.

use crate::exit_codes;
use base64::Engine;
use envtools_cli::{Context, Failure};
use std::path::Path;

/// The most one attachment may hold.
pub const MAX_ATTACHMENT: u64 = 20 << 20;

/// What attachments add to a message.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Attached {
    /// Text files, fenced and named, to follow the message's text.
    pub text: String,
    /// Images, base64.
    pub images: Vec<String>,
}

impl Attached {
    /// Add the file at `path`.
    pub fn add(&mut self, path: &Path) -> Result<(), Failure> {
        let bytes = envtools_cli::input::read_file(path, MAX_ATTACHMENT)
            .with_path(exit_codes::USAGE, path)?;
        let name = path.display();
        if image_type(&bytes).is_some() {
            self.images
                .push(base64::engine::general_purpose::STANDARD.encode(&bytes));
            return Ok(());
        }
        let not_text = || {
            let why = "a binary file that is not an image (PNG, JPEG, WebP, GIF): not sent";
            Failure::new(exit_codes::USAGE, format!("{name}: {why}"))
        };
        let text = String::from_utf8(bytes).map_err(|_| not_text())?;
        if text.contains('\0') {
            return Err(not_text());
        }
        let fence = if text.contains("```") { "~~~~" } else { "```" };
        let end = if text.ends_with('\n') { "" } else { "\n" };
        self.text
            .push_str(&format!("\n\nFile: {name}\n{fence}\n{text}{end}{fence}"));
        Ok(())
    }

    /// Whether nothing was attached.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.images.is_empty()
    }
}

/// The media type of an image, by its first bytes.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The media type of a base64 image (its first bytes, decoded).
pub fn image_type_of_base64(b64: &str) -> &'static str {
    let head = &b64[..b64.len().min(24)];
    base64::engine::general_purpose::STANDARD
        .decode(head)
        .ok()
        .and_then(|b| image_type(&b))
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_told_by_their_first_bytes() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(image_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(image_type(b"GIF89a..."), Some("image/gif"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"hello"), None);
        let b64 =
            base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\n0123456789abcdef");
        assert_eq!(image_type_of_base64(&b64), "image/png");
    }
}
