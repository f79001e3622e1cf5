//! Between spawnsafe's byte offsets and paths and the protocol's positions
//! (line, and character in the negotiated encoding) and `file://` URIs.

use std::path::{Path, PathBuf};

use ruff_text_size::{TextRange, TextSize};
use serde_json::{json, Value};

/// What a position's `character` counts: UTF-16 code units (the protocol's
/// default, which every client supports) or bytes, when the client offers UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf16,
    Utf8,
}

impl PositionEncoding {
    pub fn name(self) -> &'static str {
        match self {
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf8 => "utf-8",
        }
    }

    pub fn width(self, c: char) -> usize {
        match self {
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf8 => c.len_utf8(),
        }
    }
}

/// Where each line of a text starts; lines end at `\n`, `\r\n` or `\r`, as
/// the protocol says.
pub struct LineStarts<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineStarts<'a> {
    pub fn new(text: &'a str) -> LineStarts<'a> {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut index = 0;
        while index < bytes.len() {
            match bytes[index] {
                b'\n' => starts.push(index + 1),
                b'\r' if bytes.get(index + 1) == Some(&b'\n') => {
                    starts.push(index + 2);
                    index += 1;
                }
                b'\r' => starts.push(index + 1),
                _ => {}
            }
            index += 1;
        }
        LineStarts { text, starts }
    }

    /// The protocol position of a byte offset.
    pub fn position(&self, offset: TextSize, encoding: PositionEncoding) -> Value {
        let offset = usize::from(offset).min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let character: usize = self.text[start..offset]
            .chars()
            .map(|c| encoding.width(c))
            .sum();
        json!({"line": line, "character": character})
    }

    pub fn range(&self, range: TextRange, encoding: PositionEncoding) -> Value {
        json!({
            "start": self.position(range.start(), encoding),
            "end": self.position(range.end(), encoding),
        })
    }

    /// The byte offset of a protocol position; past the end of a line is its
    /// end, past the last line the end of the text.
    pub fn offset(&self, position: &Value, encoding: PositionEncoding) -> TextSize {
        let line = position["line"].as_u64().unwrap_or(0) as usize;
        let character = position["character"].as_u64().unwrap_or(0) as usize;
        let Some(&start) = self.starts.get(line) else {
            return text_size(self.text.len());
        };
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = self.text[start..end].trim_end_matches(['\r', '\n']);
        let mut counted = 0;
        for (at, c) in line_text.char_indices() {
            if counted >= character {
                return text_size(start + at);
            }
            counted += encoding.width(c);
        }
        text_size(start + line_text.len())
    }
}

fn text_size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or_default()
}

/// The path a `file://` URI names; `None` for other schemes (`untitled:`).
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///path`, or `file://host/path` (a UNC path on Windows).
    let (host, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => return None,
    };
    let path = percent_decode(path)?;
    if cfg!(windows) {
        // `/c:/dir` is `c:/dir`; a host makes it `//host/dir`.
        let trimmed = path.strip_prefix('/').unwrap_or(&path);
        if host.is_empty() {
            return Some(PathBuf::from(trimmed));
        }
        return Some(PathBuf::from(format!("//{host}/{trimmed}")));
    }
    if !host.is_empty() && host != "localhost" {
        return None;
    }
    Some(PathBuf::from(path))
}

/// A `file://` URI for an absolute path.
pub fn path_to_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_or_bytes() {
        let text = "a = 'é😀'\r\nb = 1\rc\n";
        let lines = LineStarts::new(text);
        let after_emoji = TextSize::from(text.find('\'').unwrap() as u32 + 1 + 2 + 4);
        assert_eq!(
            lines.position(after_emoji, PositionEncoding::Utf16),
            json!({"line": 0, "character": 8})
        );
        assert_eq!(
            lines.position(after_emoji, PositionEncoding::Utf8),
            json!({"line": 0, "character": 11})
        );
        for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
            let position = lines.position(after_emoji, encoding);
            assert_eq!(lines.offset(&position, encoding), after_emoji);
        }
        let c = TextSize::from(text.find('c').unwrap() as u32);
        assert_eq!(
            lines.position(c, PositionEncoding::Utf16),
            json!({"line": 2, "character": 0})
        );
        assert_eq!(
            lines.offset(
                &json!({"line": 1, "character": 99}),
                PositionEncoding::Utf16
            ),
            TextSize::from(text.find("\rc").unwrap() as u32)
        );
    }

    #[cfg(unix)]
    #[test]
    fn file_uris() {
        let path = Path::new("/tmp/my project/ä.py");
        let uri = path_to_uri(path);
        assert_eq!(uri, "file:///tmp/my%20project/%C3%A4.py");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
    }
}
