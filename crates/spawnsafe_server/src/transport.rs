//! JSON-RPC 2.0 messages framed the LSP way: `Content-Length: N\r\n\r\n` and
//! N bytes of JSON, over the standard input and output.
//!
//! The reader survives anything a client (or a fuzzer) sends: a message is
//! never bigger than [`MAX_MESSAGE_BYTES`], memory grows only with the bytes
//! that really arrive, a header line is never longer than
//! [`MAX_HEADER_LINE_BYTES`], and every malformed frame becomes a
//! [`Frame::Invalid`] that the server answers with a JSON-RPC error before
//! reading on. After garbage, reading resynchronises on the next
//! `Content-Length:` header.

use std::io::{BufRead, Read, Write};

use serde_json::Value;

/// The largest message accepted: a 50 MB source file opened in the editor
/// still fits, with its JSON escaping.
pub const MAX_MESSAGE_BYTES: u64 = 256 * 1024 * 1024;
/// The longest header line kept; longer lines are skipped as garbage.
pub const MAX_HEADER_LINE_BYTES: usize = 8 * 1024;

/// JSON-RPC error codes for frames that are not requests.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;

/// One frame read from the client.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A JSON-RPC message: a request, notification or response object.
    Message(Value),
    /// Not a message: answer with this error (`id` when the frame had one) and go on.
    Invalid {
        code: i64,
        message: String,
        id: Option<Value>,
    },
    /// The input ended.
    End,
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    End,
}

/// Reads one line (without its `\n`), keeping at most `limit` bytes: a
/// longer line is consumed to its end and reported as too long.
fn read_line_bounded(input: &mut impl BufRead, limit: usize) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    let mut read_any = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available.is_empty() {
            return Ok(match (read_any, too_long) {
                (false, _) => Line::End,
                (true, true) => Line::TooLong,
                (true, false) => Line::Text(line),
            });
        }
        read_any = true;
        let (chunk, done) = match memchr(available) {
            Some(at) => (&available[..at], at + 1),
            None => (available, available.len()),
        };
        if !too_long {
            if line.len() + chunk.len() > limit {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let found_newline = done > chunk.len();
        input.consume(done);
        if found_newline {
            return Ok(if too_long {
                Line::TooLong
            } else {
                Line::Text(line)
            });
        }
    }
}

fn memchr(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&byte| byte == b'\n')
}

/// The value of a `Content-Length` header found in `line`: at its start, or
/// after garbage (the tail of a body whose length was wrong).
fn content_length_in(line: &str) -> Option<&str> {
    const NAME: &str = "content-length:";
    let lower = line.to_ascii_lowercase();
    let at = lower.rfind(NAME)?;
    Some(line[at + NAME.len()..].trim())
}

/// Reads one frame. I/O errors other than the end of the input are returned.
pub fn read_frame(input: &mut impl BufRead) -> std::io::Result<Frame> {
    let mut length: Option<u64> = None;
    let mut problem: Option<String> = None;
    let mut saw_header = false;
    loop {
        let line = match read_line_bounded(input, MAX_HEADER_LINE_BYTES)? {
            Line::End => {
                return Ok(if saw_header {
                    invalid(PARSE_ERROR, "the input ended inside a message header")
                } else {
                    Frame::End
                });
            }
            Line::TooLong => {
                saw_header = true;
                problem.get_or_insert_with(|| {
                    format!("a header line longer than {MAX_HEADER_LINE_BYTES} bytes")
                });
                continue;
            }
            Line::Text(line) => line,
        };
        let line = String::from_utf8_lossy(&line);
        let header = line.trim_end_matches('\r');
        if header.trim().is_empty() {
            // A blank line ends the headers; one before any header is noise.
            if !saw_header {
                continue;
            }
            break;
        }
        saw_header = true;
        if let Some(value) = content_length_in(header) {
            match value.parse::<u64>() {
                Ok(parsed) => {
                    length = Some(parsed);
                    // A good length after garbage: the garbage was a broken frame's tail.
                    problem = None;
                }
                Err(_) => {
                    length = None;
                    problem = Some(format!("bad Content-Length `{value}`"));
                }
            }
        } else if !header.contains(':') {
            problem
                .get_or_insert_with(|| format!("malformed message header `{}`", shorten(header)));
        }
        // Other headers (`Content-Type`) need nothing.
    }
    if let Some(problem) = problem {
        return Ok(invalid(PARSE_ERROR, &problem));
    }
    let Some(length) = length else {
        return Ok(invalid(
            INVALID_REQUEST,
            "a message without a Content-Length header",
        ));
    };
    if length > MAX_MESSAGE_BYTES {
        // Not read: its bytes are read as garbage until the next header.
        return Ok(invalid(
            INVALID_REQUEST,
            &format!("a message of {length} bytes (at most {MAX_MESSAGE_BYTES} are accepted)"),
        ));
    }
    // Memory grows with the bytes that arrive, not with the length announced.
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(invalid(
            PARSE_ERROR,
            "the input ended inside a message body",
        ));
    }
    Ok(parse_body(&body))
}

/// A body's JSON, checked to be a JSON-RPC 2.0 message.
fn parse_body(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => return invalid(PARSE_ERROR, &format!("a message is not JSON: {err}")),
    };
    let id = value
        .get("id")
        .cloned()
        .filter(|id| id.is_string() || id.is_number() || id.is_null());
    let Some(object) = value.as_object() else {
        return invalid(INVALID_REQUEST, "a message is not a JSON object");
    };
    let method_ok = match object.get("method") {
        Some(method) => method.is_string(),
        // A response to the client's side: it must carry a result or an error.
        None => object.contains_key("result") || object.contains_key("error"),
    };
    let id_ok = object.get("id").is_none_or(|id| {
        id.is_string() || id.is_number() || (id.is_null() && object.get("method").is_none())
    });
    if !method_ok || !id_ok {
        return Frame::Invalid {
            code: INVALID_REQUEST,
            message: "not a JSON-RPC request, notification or response".to_string(),
            id,
        };
    }
    Frame::Message(value)
}

fn invalid(code: i64, message: &str) -> Frame {
    Frame::Invalid {
        code,
        message: message.to_string(),
        id: None,
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= 80 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(80).collect::<String>())
    }
}

pub fn write_message(output: &mut impl Write, message: &Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(message)?;
    write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
    output.write_all(&body)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut input = std::io::Cursor::new(input.to_vec());
        let mut frames = Vec::new();
        loop {
            match read_frame(&mut input).unwrap() {
                Frame::End => return frames,
                frame => frames.push(frame),
            }
        }
    }

    fn framed(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;

    fn is_ping(frame: &Frame) -> bool {
        matches!(frame, Frame::Message(value) if value["method"] == "ping")
    }

    fn code(frame: &Frame) -> i64 {
        match frame {
            Frame::Invalid { code, .. } => *code,
            other => panic!("not invalid: {other:?}"),
        }
    }

    #[test]
    fn round_trip() {
        let mut framed = Vec::new();
        let message = json!({"jsonrpc": "2.0", "method": "initialized", "params": {"é": 1}});
        write_message(&mut framed, &message).unwrap();
        write_message(&mut framed, &message).unwrap();
        assert_eq!(
            frames(&framed),
            [Frame::Message(message.clone()), Frame::Message(message)]
        );
    }

    #[test]
    fn huge_length_is_refused_without_allocating_and_reading_goes_on() {
        let mut input = b"Content-Length: 99999999999999\r\n\r\n".to_vec();
        input.extend(framed(PING));
        let frames = frames(&input);
        assert_eq!(code(&frames[0]), INVALID_REQUEST);
        assert!(is_ping(frames.last().unwrap()), "{frames:?}");
    }

    #[test]
    fn negative_and_garbage_lengths() {
        for length in ["-5", "abc", "18446744073709551616", ""] {
            let mut input = format!("Content-Length: {length}\r\n\r\n").into_bytes();
            input.extend(framed(PING));
            let frames = frames(&input);
            assert_eq!(code(&frames[0]), PARSE_ERROR, "{length}");
            assert!(is_ping(frames.last().unwrap()), "{length}: {frames:?}");
        }
    }

    #[test]
    fn too_short_length_resynchronises_on_the_next_header() {
        let mut input = format!("Content-Length: 10\r\n\r\n{PING}").into_bytes();
        input.extend(framed(PING));
        let frames = frames(&input);
        assert_eq!(code(&frames[0]), PARSE_ERROR);
        assert!(is_ping(frames.last().unwrap()), "{frames:?}");
    }

    #[test]
    fn too_long_length_at_the_end_of_input() {
        let input = format!("Content-Length: 500\r\n\r\n{PING}").into_bytes();
        let frames = frames(&input);
        assert_eq!(frames.len(), 1);
        assert_eq!(code(&frames[0]), PARSE_ERROR);
    }

    #[test]
    fn malformed_json_and_non_messages() {
        let mut input = framed("{not json");
        input.extend(framed("[1, 2]"));
        input.extend(framed(r#"{"jsonrpc":"2.0","id":7,"method":3}"#));
        input.extend(framed(PING));
        let frames = frames(&input);
        assert_eq!(code(&frames[0]), PARSE_ERROR);
        assert_eq!(code(&frames[1]), INVALID_REQUEST);
        assert_eq!(
            frames[2],
            Frame::Invalid {
                code: INVALID_REQUEST,
                message: "not a JSON-RPC request, notification or response".into(),
                id: Some(json!(7)),
            }
        );
        assert!(is_ping(&frames[3]));
    }

    #[test]
    fn garbage_headers_and_missing_length() {
        let mut input = b"this is not a header\r\n\r\n".to_vec();
        input.extend(b"Content-Type: application/json\r\n\r\n");
        input.extend(framed(PING));
        let frames = frames(&input);
        assert_eq!(code(&frames[0]), PARSE_ERROR);
        assert_eq!(code(&frames[1]), INVALID_REQUEST);
        assert!(is_ping(&frames[2]), "{frames:?}");
    }

    #[test]
    fn endless_header_line_is_bounded() {
        let mut input = vec![b'x'; MAX_HEADER_LINE_BYTES * 4];
        input.extend(b"\r\n\r\n");
        input.extend(framed(PING));
        let frames = frames(&input);
        assert_eq!(code(&frames[0]), PARSE_ERROR);
        assert!(is_ping(&frames[1]));
    }
}
