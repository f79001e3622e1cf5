//! What `spawnsafe run` keeps of the program's stderr for the diagnosis: the
//! first and the last part, however much the program writes (everything is
//! passed through as it comes; only the memory is bounded).

/// The start of stderr kept: the first failure is usually there.
pub const HEAD_BYTES: usize = 256 * 1024;
/// The end of stderr kept: the traceback that ended the program is there.
pub const TAIL_BYTES: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct Kept {
    head: Vec<u8>,
    tail: Vec<u8>,
    /// Bytes that were neither in the head nor are in the tail.
    dropped: u64,
}

impl Kept {
    pub fn push(&mut self, mut bytes: &[u8]) {
        if self.head.len() < HEAD_BYTES {
            let room = (HEAD_BYTES - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..room]);
            bytes = &bytes[room..];
        }
        self.tail.extend_from_slice(bytes);
        // Trimmed in batches, so that each byte is moved O(1) times.
        if self.tail.len() > 2 * TAIL_BYTES {
            let excess = self.tail.len() - TAIL_BYTES;
            self.tail.drain(..excess);
            self.dropped += excess as u64;
        }
    }

    /// How many bytes were written in all.
    pub fn total(&self) -> u64 {
        self.head.len() as u64 + self.dropped + self.tail.len() as u64
    }

    /// The kept text, with a line saying what was left out between the parts.
    pub fn text(&self) -> String {
        let mut tail: &[u8] = &self.tail;
        let mut dropped = self.dropped;
        if tail.len() > TAIL_BYTES {
            dropped += (tail.len() - TAIL_BYTES) as u64;
            tail = &tail[tail.len() - TAIL_BYTES..];
        }
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if dropped > 0 {
            // Start the tail at a line: a partial first line is noise.
            if let Some(newline) = tail.iter().position(|&byte| byte == b'\n') {
                dropped += newline as u64 + 1;
                tail = &tail[newline + 1..];
            }
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!(
                "[spawnsafe: {dropped} bytes of stderr not kept here]\n"
            ));
        }
        text.push_str(&String::from_utf8_lossy(tail));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_bounded_head_and_tail() {
        let mut kept = Kept::default();
        let line = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n";
        for _ in 0..100_000 {
            kept.push(line);
        }
        kept.push(b"ValueError: the end\n");
        assert_eq!(kept.total(), 100_000 * 64 + 20);
        let text = kept.text();
        assert!(
            text.len() <= HEAD_BYTES + TAIL_BYTES + 100,
            "{}",
            text.len()
        );
        assert!(text.ends_with("ValueError: the end\n"));
        assert!(text.contains("bytes of stderr not kept here]\n0123"));
    }

    #[test]
    fn small_output_is_kept_whole() {
        let mut kept = Kept::default();
        kept.push(b"a\n");
        kept.push(b"b\n");
        assert_eq!(kept.text(), "a\nb\n");
    }
}
