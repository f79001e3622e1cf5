//! How a file writes its code, so that the code a fix inserts looks like the
//! rest of the file: its line ending and its indentation unit.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::Ranged;

/// A file's line ending and one level of its indentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// `"\n"`, `"\r\n"` or `"\r"`: the file's first line ending (LF when it has none).
    pub newline: &'static str,
    /// One indentation level: the first indented block's indentation (four
    /// spaces when the file has no indented block).
    pub indent: String,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            newline: "\n",
            indent: "    ".to_string(),
        }
    }
}

impl Style {
    /// Reads the style off the text and its tokens (the first `Indent` token
    /// is the first indented block, whatever strings come before it).
    pub fn detect(text: &str, tokens: &Tokens) -> Style {
        let newline = detect_newline(text);
        let indent = tokens
            .iter()
            .find(|token| token.kind() == TokenKind::Indent)
            .map(|token| {
                let range = token.range();
                let line_start = text[..usize::from(range.start())]
                    .rfind(['\n', '\r'])
                    .map_or(0, |at| at + 1);
                text[line_start..usize::from(range.end())].to_string()
            })
            .filter(|indent| !indent.is_empty() && indent.chars().all(|c| c == ' ' || c == '\t'))
            .unwrap_or_else(|| "    ".to_string());
        Style { newline, indent }
    }

    /// `level` indentation levels.
    pub fn indentation(&self, level: usize) -> String {
        self.indent.repeat(level)
    }
}

fn detect_newline(text: &str) -> &'static str {
    match memchr::memchr2(b'\n', b'\r', text.as_bytes()) {
        Some(at) if text.as_bytes()[at] == b'\r' => {
            if text.as_bytes().get(at + 1) == Some(&b'\n') {
                "\r\n"
            } else {
                "\r"
            }
        }
        _ => "\n",
    }
}

/// Re-indents a block of source lines: strips `from` (the block's current
/// indentation, which every non-blank line starts with) and prefixes `to`.
/// Lines inside multi-line strings are left alone when `keep` says a line
/// starts inside one (their content is data, not code).
pub fn reindent(block: &str, from: &str, to: &str, keep: &dyn Fn(usize) -> bool) -> String {
    let mut output = String::with_capacity(block.len() + to.len() * 8);
    let mut offset = 0usize;
    for line in block.split_inclusive(['\n']) {
        let content = line.trim_end_matches(['\n', '\r']);
        if keep(offset) {
            output.push_str(line);
        } else if content.trim().is_empty() {
            // Blank lines carry no indentation.
            output.push_str(&line[content.len()..]);
        } else {
            let rest = content.strip_prefix(from).unwrap_or(content);
            output.push_str(to);
            output.push_str(rest);
            output.push_str(&line[content.len()..]);
        }
        offset += line.len();
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(text: &str) -> Style {
        let parsed = ruff_python_parser::parse_module(text).unwrap();
        Style::detect(text, parsed.tokens())
    }

    #[test]
    fn newline_and_indent_come_from_the_file() {
        assert_eq!(
            style("def f():\r\n\tpass\r\n"),
            Style {
                newline: "\r\n",
                indent: "\t".to_string()
            }
        );
        assert_eq!(style("x = '''\n  y'''\nif x:\n  pass\n").indent, "  ");
        assert_eq!(style("x = 1").newline, "\n");
        assert_eq!(style("x = 1\n").indent, "    ");
    }

    #[test]
    fn reindent_keeps_blank_lines_and_strings() {
        let block = "    a = 1\n\n    s = '''\n  kept\n'''\n";
        let in_string = |offset: usize| offset >= block.find("  kept").unwrap();
        assert_eq!(
            reindent(block, "    ", "        ", &in_string),
            "        a = 1\n\n        s = '''\n  kept\n'''\n"
        );
    }
}
