//! Edits on the statements of one suite: inserting a statement before a
//! given one with its indentation, and taking one top-level statement out
//! (with its line) so that it can be put elsewhere.

use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::fix::imports::line_indent;
use crate::fix::style::Style;
use crate::fix::Edit;

/// An edit that inserts `code` as a statement right before `before`, at the
/// same indentation. `code` is a statement as written at indentation zero:
/// one line, or several (a compound statement), in which case `before` must
/// start its own line. For `if x: main()`, one-line `code` goes in as `code; main()`.
pub fn insert_before(text: &str, style: &Style, before: &Stmt, code: &str) -> Option<Edit> {
    let at = before.start();
    let newline = style.newline;
    let lines: Vec<&str> = code.lines().collect();
    match line_indent(text, at) {
        Some(indent) => {
            let mut content = String::new();
            for (index, line) in lines.iter().enumerate() {
                if index > 0 && !line.trim().is_empty() {
                    content.push_str(indent);
                }
                content.push_str(line);
                content.push_str(newline);
            }
            content.push_str(indent);
            Some(Edit::insertion(content, at))
        }
        None if lines.len() == 1 => Some(Edit::insertion(format!("{code}; "), at)),
        None => None,
    }
}

/// A top-level statement taken out of its place: the deletion, and its text
/// (with a comment at the end of its last line) to be written elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenStatement {
    pub deletion: Edit,
    /// The statement's lines, at indentation zero, without the final newline.
    pub code: String,
}

/// Takes out a top-level statement that is the only statement on its lines:
/// see [`delete_statement_lines`]. `None` when it shares a line with other code.
pub fn take_top_level_statement(text: &str, stmt: &Stmt) -> Option<TakenStatement> {
    if line_indent(text, stmt.start()) != Some("") {
        return None;
    }
    let deletion = delete_statement_lines(text, stmt)?;
    let end = usize::from(stmt.end());
    let line_end = text[end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |at| end + at);
    let code = text[usize::from(stmt.start())..line_end].trim_end();
    Some(TakenStatement {
        deletion,
        code: normalize_newlines(code),
    })
}

/// Deletes the lines of a statement that is the only statement on them (a
/// comment at the end of its last line goes with it), and the blank lines
/// right above it (the blank lines below then separate what was around it).
/// `None` when it shares a line with other code. The caller makes sure the
/// suite keeps a statement.
pub fn delete_statement_lines(text: &str, stmt: &Stmt) -> Option<Edit> {
    let start = usize::from(stmt.start());
    line_indent(text, stmt.start())?;
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let end = usize::from(stmt.end());
    let line_end = text[end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |at| end + at);
    let trailing = text[end..line_end].trim();
    if !(trailing.is_empty() || trailing.starts_with('#')) {
        return None;
    }
    let after_newline = if text[line_end..].starts_with("\r\n") {
        line_end + 2
    } else if line_end < text.len() {
        line_end + 1
    } else {
        line_end
    };
    let mut deletion_start = line_start;
    while deletion_start > 0 {
        let before = &text[..deletion_start];
        let previous = before
            .strip_suffix("\r\n")
            .or_else(|| before.strip_suffix(['\n', '\r']))
            .unwrap_or(before);
        let previous_start = previous.rfind(['\n', '\r']).map_or(0, |at| at + 1);
        if !previous[previous_start..].trim().is_empty() {
            break;
        }
        deletion_start = previous_start;
    }
    Some(Edit::deletion(TextRange::new(
        TextSize::try_from(deletion_start).ok()?,
        TextSize::try_from(after_newline).ok()?,
    )))
}

/// Lines joined with `\n` (the insertion writes the file's own newline).
fn normalize_newlines(code: &str) -> String {
    code.lines().collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply::apply_fixes;
    use crate::fix::Fix;

    /// Moves the first top-level statement that contains `marker` before the
    /// first statement of the last top-level `if`'s body.
    fn move_into_last_if(source: &str, marker: &str) -> Option<String> {
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let style = Style::detect(source, parsed.tokens());
        let body = &parsed.syntax().body;
        let at = TextSize::try_from(source.find(marker).unwrap()).unwrap();
        let stmt = body.iter().find(|stmt| stmt.range().contains(at)).unwrap();
        let Some(Stmt::If(guard)) = body.last() else {
            panic!("no if")
        };
        let taken = take_top_level_statement(source, stmt)?;
        let insertion = insert_before(source, &style, &guard.body[0], &taken.code)?;
        let fix = Fix::safe("move", vec![taken.deletion, insertion]);
        let fixed = apply_fixes(source, &[&fix]).text;
        ruff_python_parser::parse_module(&fixed).expect("the fixed text parses");
        Some(fixed)
    }

    #[test]
    fn moves_a_call_and_its_blank_lines() {
        let source = "import mp\n\nmp.set_start_method('spawn')  # explicit\n\n\ndef f():\n    pass\n\n\nif __name__ == '__main__':\n    main()\n";
        assert_eq!(
            move_into_last_if(source, "set_start").unwrap(),
            "import mp\n\n\ndef f():\n    pass\n\n\nif __name__ == '__main__':\n    mp.set_start_method('spawn')  # explicit\n    main()\n"
        );
    }

    #[test]
    fn moves_a_compound_statement_with_crlf_and_tabs() {
        let source = "import os\r\nif os.name == 'posix':\r\n\tset_start_method('spawn')\r\n\r\ndef f():\r\n\tpass\r\nif __name__ == '__main__':\r\n\tmain()\r\n";
        assert_eq!(
            move_into_last_if(source, "os.name").unwrap(),
            "import os\r\n\r\ndef f():\r\n\tpass\r\nif __name__ == '__main__':\r\n\tif os.name == 'posix':\r\n\t\tset_start_method('spawn')\r\n\tmain()\r\n"
        );
    }

    #[test]
    fn one_line_guard_and_shared_lines() {
        assert_eq!(
            move_into_last_if(
                "import mp\nmp.go()\nif __name__ == '__main__': main()\n",
                "go"
            )
            .unwrap(),
            "import mp\nif __name__ == '__main__': mp.go(); main()\n"
        );
        // A compound statement cannot go onto the guard's line.
        assert!(
            move_into_last_if("if a:\n    go()\nif __name__ == '__main__': main()\n", "go")
                .is_none()
        );
        // A statement sharing its line is left alone.
        assert!(move_into_last_if(
            "x = 1; go()\nif __name__ == '__main__':\n    main()\n",
            "go"
        )
        .is_none());
    }
}
