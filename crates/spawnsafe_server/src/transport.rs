//! JSON-RPC 2.0 messages framed the LSP way: `Content-Length: N\r\n\r\n` and
//! N bytes of JSON, over the standard input and output.

use std::io::{BufRead, Write};

use serde_json::Value;

/// Reads one message; `Ok(None)` at the end of the input.
pub fn read_message(input: &mut impl BufRead) -> Result<Option<Value>, String> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    loop {
        line.clear();
        let read = input
            .read_line(&mut line)
            .map_err(|err| format!("cannot read a message header: {err}"))?;
        if read == 0 {
            return if length.is_none() {
                Ok(None)
            } else {
                Err("the input ended inside a message header".to_string())
            };
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            // A blank line ends the headers; one before any header is noise.
            if length.is_some() {
                break;
            }
            continue;
        }
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| format!("malformed message header `{header}`"))?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad Content-Length `{}`", value.trim()))?,
            );
        }
    }
    let mut body = vec![0; length.unwrap_or_default()];
    input
        .read_exact(&mut body)
        .map_err(|err| format!("cannot read a message body: {err}"))?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|err| format!("a message is not JSON: {err}"))
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

    #[test]
    fn round_trip() {
        let mut framed = Vec::new();
        let message =
            serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {"é": 1}});
        write_message(&mut framed, &message).unwrap();
        write_message(&mut framed, &message).unwrap();
        let mut input = std::io::Cursor::new(framed);
        assert_eq!(read_message(&mut input).unwrap(), Some(message.clone()));
        assert_eq!(read_message(&mut input).unwrap(), Some(message));
        assert_eq!(read_message(&mut input).unwrap(), None);
    }
}
