//! A byte screen for the files the prefilter does not parse: could CPython's
//! tokenizer or compiler refuse the file for its shape (mixed tabs and
//! spaces, more than 100 indentation levels, more than 200 open brackets,
//! code nested thousands of levels deep, an unterminated string)? The answer
//! errs towards yes: a file it flags is parsed for its syntax problem only
//! (see [`crate::syntax::parse`]), and one it passes cannot have those
//! problems. Parsing every file would cost more than the rest of a check
//! (about 2.3 s of CPU for 4,396 files, measured on the benchmark corpus);
//! this screen is one pass over the bytes.

use crate::syntax::{MAX_BRACKETS, MAX_INDENT, MAX_NESTING};

/// A logical line with fewer code bytes than this cannot nest
/// [`MAX_NESTING`] levels: each expression level takes at least one byte of
/// code (`-`, `~`, `(`), and statements nest at most two levels per
/// indentation level (100 of them).
const CODE_BYTES_FOR_DEPTH: usize = MAX_NESTING - 2 * MAX_INDENT - 100;

/// Could CPython refuse `text` for its shape? See the module's comment.
pub fn may_be_refused(text: &[u8]) -> bool {
    let mut at = 0;
    let mut depth = 0usize;
    let mut code_bytes = 0usize;
    let mut line_start = true;
    let mut continued = false;
    // Only indentation that mixes tabs and spaces can be a `TabError`.
    let (mut indented_with_tabs, mut indented_with_spaces) = (false, false);
    while at < text.len() {
        if line_start {
            line_start = false;
            let blanks = text[at..]
                .iter()
                .take_while(|byte| matches!(byte, b' ' | b'\t' | b'\x0c'))
                .count();
            // Each level is one more blank than the last (a tab counts as
            // one in CPython's second column count).
            let indentation = &text[at..at + blanks];
            indented_with_tabs |= indentation.contains(&b'\t');
            indented_with_spaces |= indentation.contains(&b' ');
            if blanks >= MAX_INDENT || (indented_with_tabs && indented_with_spaces) {
                return true;
            }
            at += blanks;
            continue;
        }
        let byte = text[at];
        match byte {
            b'#' => {
                at = memchr::memchr2(b'\n', b'\r', &text[at..]).map_or(text.len(), |end| at + end);
                continue;
            }
            b'\n' | b'\r' => {
                // `\r\n` is one line end.
                if text[at..].starts_with(b"\r\n") {
                    at += 1;
                }
                if depth == 0 && !continued {
                    if code_bytes >= CODE_BYTES_FOR_DEPTH {
                        return true;
                    }
                    code_bytes = 0;
                    line_start = true;
                }
                continued = false;
                at += 1;
                continue;
            }
            b'\\' => {
                continued = true;
                at += 1;
                continue;
            }
            b'\'' | b'"' => match string_end(text, at) {
                Some((end, formatted)) => {
                    if formatted {
                        // An f-string's fields are code (nested brackets
                        // and expressions), counted as if they were.
                        let inner = &text[at..end];
                        let opened = max_open(inner);
                        if depth + opened > MAX_BRACKETS {
                            return true;
                        }
                        code_bytes += inner.len();
                    }
                    at = end;
                    continued = false;
                    continue;
                }
                None => return true,
            },
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKETS {
                    return true;
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b' ' | b'\t' | b'\x0c' => {
                at += 1;
                continue;
            }
            _ => {}
        }
        continued = false;
        code_bytes += 1;
        at += 1;
    }
    code_bytes >= CODE_BYTES_FOR_DEPTH
}

/// Where the string whose quote is at `at` ends, and whether its prefix
/// makes it formatted (`f`, `t`); `None` when it does not end.
fn string_end(text: &[u8], at: usize) -> Option<(usize, bool)> {
    let quote = text[at];
    let prefix_len = text[..at]
        .iter()
        .rev()
        .take_while(|byte| byte.is_ascii_alphabetic())
        .count();
    let prefix = &text[at - prefix_len..at];
    let formatted = prefix.len() <= 3
        && prefix
            .iter()
            .any(|byte| matches!(byte, b'f' | b'F' | b't' | b'T'));
    let triple = text[at..].starts_with(&[quote; 3]);
    let mut position = at + if triple { 3 } else { 1 };
    loop {
        let found = if triple {
            position + memchr::memchr2(quote, b'\\', text.get(position..)?)?
        } else {
            // A one-line string that meets a line end does not end.
            position + memchr::memchr3(quote, b'\\', b'\n', text.get(position..)?)?
        };
        if !triple && (text[found] == b'\n' || text[position..found].contains(&b'\r')) {
            return None;
        }
        match text[found] {
            b'\\' => position = found + 2,
            _ if triple && !text[found..].starts_with(&[quote; 3]) => position = found + 1,
            _ => return Some((found + if triple { 3 } else { 1 }, formatted)),
        }
    }
}

/// The deepest bracket nesting inside an f-string's text (its fields).
fn max_open(text: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for byte in text {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::may_be_refused;

    #[test]
    fn ordinary_code_passes() {
        for text in [
            "import os\n\ndef f(x):\n    return [x, {'a': (1, 2)}]\n",
            "x = '''a ) ) )\n\"\"\" ''' + \"#\"  # ((((\n",
            "s = 'it\\'s'\nt = r'\\''\nif x:\n    y = (1,\n\t\t2)\n",
            "x = f'{a[1]}' f\"{b!r:>{w}}\"\n",
            "a = 1\r\nb = 2\rc = 3\n",
            "if x:\n\tif y:\n\t\tpass\n",
            "",
        ] {
            assert!(!may_be_refused(text.as_bytes()), "{text:?}");
        }
        // A long, flat literal is as long as a deep one: flagged, then parsed.
        let long = format!("x = [{}]\n", vec!["1"; 2_000].join(", "));
        assert!(may_be_refused(long.as_bytes()));
    }

    #[test]
    fn every_shape_cpython_refuses_is_flagged() {
        let ifs: String = (0..100)
            .map(|level| format!("{}if x:\n", " ".repeat(level)))
            .collect();
        for text in [
            "if x:\n\tpass\n        pass\n".to_string(),
            format!("{ifs}{}pass\n", " ".repeat(100)),
            format!("x = {}1{}\n", "(".repeat(201), ")".repeat(201)),
            format!("x = {}1\n", "(\n".repeat(201)),
            format!("x = f'{{{}1{}}}'\n", "(".repeat(200), ")".repeat(200)),
            format!("x = {}\n", vec!["1"; 3_000].join("+")),
            format!("x = (\n{}\n)\n", vec!["1"; 3_000].join("\n+")),
            format!("x = {}1\n", "-".repeat(3_000)),
            format!("x = a{}\n", ".b()".repeat(1_000)),
            "x = 'open\ny = 1\n".to_string(),
            "x = '''open\n".to_string(),
        ] {
            assert!(
                may_be_refused(text.as_bytes()),
                "{}",
                &text[..text.len().min(60)]
            );
        }
    }
}
