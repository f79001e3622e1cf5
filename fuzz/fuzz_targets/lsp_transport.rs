//! The LSP transport on arbitrary bytes: reading frames never panics, never
//! allocates more than the bytes given (plus a bounded header line), always
//! makes progress, and a well-framed message that follows garbage is still read.

#![no_main]

use std::io::{BufRead, Cursor};

use libfuzzer_sys::fuzz_target;
use spawnsafe_server::transport::{read_frame, write_message, Frame};

fuzz_target!(|data: &[u8]| {
    let message = serde_json::json!({"jsonrpc": "2.0", "id": "sentinel", "method": "ping"});
    let mut input = data.to_vec();
    // Garbage first, then a blank line and a real message: the reader must
    // come back in step (unless the garbage announced a body that swallows it).
    input.extend_from_slice(b"\r\n\r\n");
    write_message(&mut input, &message).unwrap();
    let mut reader = Cursor::new(input);
    let mut frames = 0;
    loop {
        let before = reader.position();
        let at_end = reader.fill_buf().map(|rest| rest.is_empty()).unwrap_or(true);
        match read_frame(&mut reader).expect("a cursor does not fail") {
            Frame::End => break,
            Frame::Message(_) | Frame::Invalid { .. } => {
                assert!(!at_end, "a frame read at the end of the input");
                assert!(reader.position() > before, "no progress");
            }
        }
        frames += 1;
        assert!(frames <= data.len() + 8, "more frames than bytes");
    }
});
