//! Reading Python source files: bytes to text the way CPython decodes them.

use std::path::Path;
use std::sync::Arc;

use ruff_notebook::{Notebook, NotebookIndex};

use crate::codec;

/// Files larger than this are skipped with an I/O diagnostic instead of parsed.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// A source file's text and how it was stored.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: String,
    /// The encoding named by a PEP 263 coding cookie, when it is not UTF-8.
    pub encoding: Option<&'static str>,
    pub has_bom: bool,
    /// For a notebook: where each code cell starts in `text` (the code cells
    /// concatenated, magics kept as IPython escape commands).
    pub notebook: Option<Arc<NotebookIndex>>,
}

/// Why a file could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The file could not be read at all (message from the OS).
    Io(String),
    /// The file looks binary (it has NUL bytes).
    Binary,
    /// Larger than [`MAX_FILE_SIZE`].
    TooLarge(u64),
    /// A `.ipynb` file that is not a valid Jupyter notebook.
    InvalidNotebook(String),
    /// CPython itself would refuse to compile it: a SyntaxError at this line.
    /// `lossy_text` is the file with invalid bytes replaced, for code frames.
    Undecodable {
        line: usize,
        message: String,
        lossy_text: String,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(message) => write!(f, "cannot read file: {message}"),
            ReadError::Binary => write!(f, "binary file (contains NUL bytes), not Python source"),
            ReadError::TooLarge(size) => write!(
                f,
                "file is too large to check ({size} bytes; the limit is {MAX_FILE_SIZE} bytes)"
            ),
            ReadError::Undecodable { message, .. } => write!(f, "{message}"),
            ReadError::InvalidNotebook(message) => write!(f, "{message}"),
        }
    }
}

/// A SyntaxError on line 1 about the file's encoding.
fn encoding_error(message: String, body: &[u8]) -> ReadError {
    ReadError::Undecodable {
        line: 1,
        message,
        lossy_text: String::from_utf8_lossy(body).into_owned(),
    }
}

pub fn read_source_file(path: &Path) -> Result<SourceText, ReadError> {
    let mut bytes = Vec::new();
    read_into(path, &mut bytes)?;
    decode(path, bytes)
}

/// Reads the file's bytes into `buffer` (cleared first), so that one buffer
/// can serve many files.
pub fn read_into(path: &Path, buffer: &mut Vec<u8>) -> Result<(), ReadError> {
    use std::io::Read;
    let io_error = |err: std::io::Error| ReadError::Io(err.to_string());
    // Opening a named pipe would wait for a writer: only regular files are opened.
    let kind = std::fs::metadata(path).map_err(io_error)?.file_type();
    if !kind.is_file() && !kind.is_dir() {
        return Err(ReadError::Io(format!(
            "not a regular file ({}), not read",
            file_kind(&kind)
        )));
    }
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if metadata.is_dir() {
        return Err(ReadError::Io("is a directory".to_string()));
    }
    if metadata.len() > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge(metadata.len()));
    }
    buffer.clear();
    buffer.reserve(metadata.len() as usize);
    file.read_to_end(buffer).map_err(io_error)?;
    Ok(())
}

fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    let _ = kind;
    "not a file or directory"
}

/// The text of source bytes when [`decode`] would give exactly them: UTF-8,
/// no BOM, no NUL, no coding cookie naming another encoding, not a notebook.
/// Lets a caller look at a file's text without copying it.
pub fn as_plain_text<'b>(path: &Path, bytes: &'b [u8]) -> Option<&'b str> {
    if is_notebook(path) || bytes.starts_with(b"\xEF\xBB\xBF") || memchr::memchr(0, bytes).is_some()
    {
        return None;
    }
    if coding_cookie(bytes).is_some_and(|name| !is_utf8_name(&name)) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Decodes the bytes of the file at `path`: a notebook's code cells, or source text.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<SourceText, ReadError> {
    if is_notebook(path) {
        decode_notebook(&bytes)
    } else {
        decode_source(bytes)
    }
}

/// How the parser should read the file at `path`.
pub fn source_type(path: &Path) -> ruff_python_ast::PySourceType {
    use ruff_python_ast::PySourceType;
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("pyi") => PySourceType::Stub,
        Some("ipynb") => PySourceType::Ipynb,
        _ => PySourceType::Python,
    }
}

pub fn is_notebook(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "ipynb")
}

/// A Jupyter notebook's Python code cells, as one source text. A notebook in
/// another language has no Python to check: its text is empty.
pub fn decode_notebook(bytes: &[u8]) -> Result<SourceText, ReadError> {
    let json = std::str::from_utf8(bytes)
        .map_err(|_| ReadError::InvalidNotebook("a notebook must be UTF-8 JSON".to_string()))?;
    let notebook = Notebook::from_source_code(json)
        .map_err(|err| ReadError::InvalidNotebook(err.to_string()))?;
    if !notebook.is_python_notebook() {
        return Ok(SourceText {
            text: String::new(),
            encoding: None,
            has_bom: false,
            notebook: None,
        });
    }
    Ok(SourceText {
        text: notebook.source_code().to_string(),
        encoding: None,
        has_bom: false,
        notebook: Some(Arc::new(notebook.index().clone())),
    })
}

/// Decodes source bytes as CPython does: UTF-8 by default, a UTF-8 BOM, or the
/// codec a coding cookie on line 1 or 2 names (see [`crate::codec`]).
pub fn decode_source(bytes: Vec<u8>) -> Result<SourceText, ReadError> {
    if memchr::memchr(0, &bytes).is_some() {
        return Err(ReadError::Binary);
    }
    let (has_bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest),
        None => (false, &bytes[..]),
    };
    let codec = match coding_cookie(body).map(|name| (codec::lookup(&name), name)) {
        None => None,
        Some((
            codec::Lookup::Found {
                codec,
                tokenizer_name,
            },
            name,
        )) => {
            // Only the tokenizer's own spellings of UTF-8 may follow a BOM.
            if has_bom && !(codec.is_utf8() && tokenizer_name) {
                let shown = if tokenizer_name {
                    codec.name.to_string()
                } else {
                    name
                };
                return Err(encoding_error(
                    format!("encoding problem: {shown} with BOM"),
                    body,
                ));
            }
            (!codec.is_utf8()).then_some(codec)
        }
        Some((codec::Lookup::Unsupported, name)) => {
            return Err(ReadError::Io(format!(
            "the coding cookie names `{name}`, a codec CPython reads but spawnsafe cannot decode"
        )))
        }
        Some((codec::Lookup::Unknown, name)) => {
            return Err(encoding_error(format!("encoding problem: {name}"), body))
        }
    };
    if let Some(codec) = codec {
        return match codec.decode(body) {
            Ok(text) => Ok(SourceText {
                text,
                encoding: Some(codec.name),
                has_bom,
                notebook: None,
            }),
            Err(error) => {
                let line = line_of(body, error.offset);
                Err(ReadError::Undecodable {
                    line,
                    message: format!(
                        "encoding problem: {} (byte 0x{:02x} on line {line} is not valid {})",
                        codec.name,
                        body.get(error.offset).copied().unwrap_or_default(),
                        codec.name
                    ),
                    lossy_text: String::from_utf8_lossy(body).into_owned(),
                })
            }
        };
    }
    let body_start = bytes.len() - body.len();
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            text.drain(..body_start);
            Ok(SourceText {
                text,
                encoding: None,
                has_bom,
                notebook: None,
            })
        }
        Err(err) => {
            let valid_up_to = err.utf8_error().valid_up_to();
            let raw = err.as_bytes();
            let line = line_of(raw, valid_up_to);
            Err(ReadError::Undecodable {
                line,
                message: format!(
                    "(unicode error) 'utf-8' codec can't decode byte 0x{:02x} on line {line}: the file is not UTF-8 and has no coding cookie",
                    raw[valid_up_to]
                ),
                lossy_text: String::from_utf8_lossy(&raw[body_start..]).into_owned(),
            })
        }
    }
}

/// The 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count() + 1
}

fn is_utf8_name(name: &str) -> bool {
    matches!(codec::lookup(name), codec::Lookup::Found { codec, .. } if codec.is_utf8())
}

/// The encoding named by a PEP 263 cookie (`# -*- coding: latin-1 -*-`) on line 1 or 2.
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    for (index, line) in bytes.split(|&b| b == b'\n').take(2).enumerate() {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            // Line 2 only counts when line 1 is a comment or blank.
            if index == 0 && !trimmed.is_empty() {
                return None;
            }
            continue;
        }
        if let Some(position) = trimmed.find("coding") {
            let rest = &trimmed[position + "coding".len()..];
            if let Some(rest) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('=')) {
                let name: String = rest
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    return Some(name);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn plain_text_is_what_decoding_gives() {
        let path = Path::new("m.py");
        let cases: [&[u8]; 8] = [
            b"x = 1\n",
            b"# -*- coding: utf-8 -*-\nx = '\xc3\xa9'\n",
            b"# -*- coding: latin-1 -*-\nx = 1\n",
            b"\xEF\xBB\xBFx = 1\n",
            b"x = '\xe9'\n",
            b"x = 1\x00\n",
            b"",
            b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = 1\n",
        ];
        for bytes in cases {
            if let Some(text) = as_plain_text(path, bytes) {
                assert_eq!(decode(path, bytes.to_vec()).unwrap().text, text);
            }
        }
        assert!(as_plain_text(path, cases[0]).is_some());
        assert!(as_plain_text(path, cases[2]).is_none());
        assert!(as_plain_text(path, cases[3]).is_none());
        assert!(as_plain_text(Path::new("n.ipynb"), b"{}").is_none());
    }

    use super::*;

    #[test]
    fn latin1_cookie_decodes() {
        let source = decode_source(b"# -*- coding: latin-1 -*-\nname = '\xe9'\n".to_vec()).unwrap();
        assert!(source.text.contains('é'));
        assert_eq!(source.encoding, Some("iso-8859-1"));
    }

    #[test]
    fn cookie_aliases_decode_as_cpython_decodes_them() {
        let utf = decode_source(b"# -*- coding: utf -*-\nname = '\xc3\xa9'\n".to_vec()).unwrap();
        assert!(utf.text.contains('\u{e9}'));
        assert_eq!(utf.encoding, None);
        let cp1252 = decode_source(b"# coding=Windows-1252\nname = '\x80'\n".to_vec()).unwrap();
        assert!(cp1252.text.contains('\u{20ac}'));
        assert_eq!(cp1252.encoding, Some("cp1252"));
        // CPython: "SyntaxError: encoding problem: cp1252" (0x81 is undefined there).
        let undefined = decode_source(b"# coding: cp1252\nx = '\x81'\n".to_vec()).unwrap_err();
        assert!(matches!(undefined, ReadError::Undecodable { line: 2, .. }));
        assert!(undefined
            .to_string()
            .starts_with("encoding problem: cp1252"));
        // A BOM with a cookie other than the tokenizer's own UTF-8 spellings.
        let bom = decode_source(b"\xEF\xBB\xBF# coding: utf8\nx = 1\n".to_vec()).unwrap_err();
        assert_eq!(bom.to_string(), "encoding problem: utf8 with BOM");
        let bom = decode_source(b"\xEF\xBB\xBF# coding: latin-1\nx = 1\n".to_vec()).unwrap_err();
        assert_eq!(bom.to_string(), "encoding problem: iso-8859-1 with BOM");
        assert!(decode_source(b"\xEF\xBB\xBF# coding: utf-8\nx = 1\n".to_vec()).is_ok());
        let unknown = decode_source(b"# coding: cp-1252\nx = 1\n".to_vec()).unwrap_err();
        assert_eq!(unknown.to_string(), "encoding problem: cp-1252");
        let utf16 = decode_source(b"# coding: utf-16\nx = 1\n".to_vec()).unwrap_err();
        assert_eq!(utf16.to_string(), "encoding problem: utf-16");
        assert!(matches!(
            decode_source(b"# coding: cp437\nx = 1\n".to_vec()),
            Err(ReadError::Io(_))
        ));
    }

    #[test]
    fn bom_is_stripped() {
        let source = decode_source(b"\xEF\xBB\xBFx = 1\n".to_vec()).unwrap();
        assert_eq!(source.text, "x = 1\n");
        assert!(source.has_bom);
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = decode_source(b"x = 1\ny = '\xff'\n".to_vec()).unwrap_err();
        assert!(matches!(err, ReadError::Undecodable { line: 2, .. }));
    }

    #[test]
    fn nul_bytes_are_binary() {
        assert_eq!(
            decode_source(b"\x00\x01".to_vec()).unwrap_err(),
            ReadError::Binary
        );
    }
}
