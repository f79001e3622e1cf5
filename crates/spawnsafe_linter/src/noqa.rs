//! Suppression comments: `# noqa` and `# noqa: SPS101, SPS201` on the reported
//! line; `# spawnsafe: noqa` and `# spawnsafe: noqa: SPS302` anywhere in a file.
//! Only real comment tokens count, never text inside strings.

use std::collections::BTreeMap;
use std::path::Path;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::fix::Edit;

/// What a suppression covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Codes {
    All,
    Some(Vec<String>),
}

impl Codes {
    fn covers(&self, code: &str) -> bool {
        match self {
            Codes::All => true,
            Codes::Some(codes) => codes.iter().any(|listed| listed.eq_ignore_ascii_case(code)),
        }
    }

    fn merge(&mut self, other: Codes) {
        match (self as &mut Codes, other) {
            (Codes::All, _) => {}
            (this, Codes::All) => *this = Codes::All,
            (Codes::Some(codes), Codes::Some(more)) => codes.extend(more),
        }
    }
}

/// The suppressions of one file.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    file: Option<Codes>,
    /// 1-based row → what `# noqa` there covers.
    lines: FxHashMap<usize, Codes>,
}

impl Suppressions {
    pub fn from_tokens(tokens: &Tokens, text: &str, line_index: &LineIndex) -> Suppressions {
        let mut suppressions = Suppressions::default();
        for token in tokens
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
        {
            let comment = &text[token.range()];
            if let Some(codes) = file_exemption(comment) {
                match &mut suppressions.file {
                    Some(existing) => existing.merge(codes),
                    None => suppressions.file = Some(codes),
                }
            } else if let Some(codes) = line_noqa(comment) {
                let row = line_index.line_index(token.start()).get();
                match suppressions.lines.get_mut(&row) {
                    Some(existing) => existing.merge(codes),
                    None => {
                        suppressions.lines.insert(row, codes);
                    }
                }
            }
        }
        suppressions
    }

    /// Is a finding with this code on this row suppressed?
    pub fn suppresses(&self, code: &str, row: usize) -> bool {
        self.file.as_ref().is_some_and(|codes| codes.covers(code))
            || self.lines.get(&row).is_some_and(|codes| codes.covers(code))
    }
}

/// The codes after `noqa`: `: SPS101, SPS201` (commas or spaces), or all.
fn codes_after(rest: &str) -> Codes {
    let Some(list) = rest.trim_start().strip_prefix(':') else {
        return Codes::All;
    };
    let codes: Vec<String> = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .take_while(|code| code.is_empty() || is_code(code))
        .filter(|code| !code.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    if codes.is_empty() {
        Codes::All
    } else {
        Codes::Some(codes)
    }
}

/// `SPS101`, or another tool's code (`E501`) that a shared `# noqa` may list.
fn is_code(text: &str) -> bool {
    let letters = text.chars().take_while(char::is_ascii_alphabetic).count();
    letters > 0 && text.len() > letters && text[letters..].chars().all(|c| c.is_ascii_digit())
}

/// `# noqa`, `# NOQA: SPS101`, also after other text (`x = 1  # type: int  # noqa`).
fn line_noqa(comment: &str) -> Option<Codes> {
    let lower = comment.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower[search..].find("noqa") {
        let at = search + found;
        let before = lower[..at].trim_end();
        if before.ends_with('#') {
            return Some(codes_after(&comment[at + 4..]));
        }
        search = at + 4;
    }
    None
}

/// `# spawnsafe: noqa` or `# spawnsafe: noqa: SPS302`, alone in its comment.
fn file_exemption(comment: &str) -> Option<Codes> {
    let body = comment.trim_start_matches('#').trim_start();
    let rest = body.strip_prefix("spawnsafe:")?.trim_start();
    let rest = rest
        .strip_prefix("noqa")
        .or_else(|| rest.strip_prefix("NOQA"))?;
    Some(codes_after(rest))
}

/// What `--add-noqa` does to a file: the edits, and the rows that cannot
/// hold a comment (the line ends inside a string, or continues with `\\`).
#[derive(Debug, Default)]
pub struct NoqaEdits {
    pub edits: Vec<Edit>,
    pub impossible_rows: Vec<usize>,
}

/// The edits that make `# noqa` cover each `(row, code)`: a code is added to
/// the line's `# noqa: ...` list when there is one, else `  # noqa: CODES`
/// goes at the end of the line (after any other comment). Codes already
/// covered need nothing, so the edits are idempotent. `None`: the file does
/// not parse, and comments cannot be placed safely.
pub fn add_noqa_edits(path: &Path, text: &str, findings: &[(usize, &str)]) -> Option<NoqaEdits> {
    let parsed = ruff_python_parser::parse_unchecked_source(text, crate::source::source_type(path));
    if !parsed.errors().is_empty() {
        return None;
    }
    let tokens = parsed.tokens();
    let line_index = LineIndex::from_source_text(text);
    let mut by_row: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (row, code) in findings {
        let codes = by_row.entry(*row).or_default();
        let code = code.to_ascii_uppercase();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let mut result = NoqaEdits::default();
    for (row, mut codes) in by_row {
        codes.sort();
        let Some(line) = OneIndexed::new(row) else {
            continue;
        };
        if row > line_index.line_count() {
            continue;
        }
        let range = line_index.line_range(line, text);
        let ends_in_token = tokens.iter().any(|token| {
            token.kind() != TokenKind::Comment
                && token.start() < range.end()
                && range.end() < token.end()
        });
        let comment = tokens.iter().find(|token| {
            token.kind() == TokenKind::Comment
                && range.start() <= token.start()
                && token.start() < range.end()
        });
        let code_end = comment.map_or(range.end(), Ranged::start);
        let before_comment = text[TextRange::new(range.start(), code_end)].trim_end();
        if ends_in_token || (comment.is_none() && before_comment.ends_with('\\')) {
            result.impossible_rows.push(row);
            continue;
        }
        let existing = comment.and_then(|token| {
            let body = &text[token.range()];
            line_noqa(body).map(|codes| (token, body, codes))
        });
        match existing {
            Some((_, _, Codes::All)) => {}
            Some((token, body, Codes::Some(listed))) => {
                let missing: Vec<&String> = codes
                    .iter()
                    .filter(|code| {
                        !listed
                            .iter()
                            .any(|listed| listed.eq_ignore_ascii_case(code))
                    })
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let insert_at = token.start() + TextSize::try_from(codes_end(body)?).ok()?;
                let joined: Vec<&str> = missing.iter().map(|code| code.as_str()).collect();
                result.edits.push(Edit {
                    range: TextRange::empty(insert_at),
                    content: format!(", {}", joined.join(", ")),
                });
            }
            None => {
                // After the code and any other comment, trailing blanks replaced.
                let content = text[range].trim_end_matches(['\r', '\n']);
                let content_end =
                    range.start() + TextSize::try_from(content.trim_end().len()).ok()?;
                let line_end = range.start() + TextSize::try_from(content.len()).ok()?;
                result.edits.push(Edit {
                    range: TextRange::new(content_end, line_end),
                    content: format!("  # noqa: {}", codes.join(", ")),
                });
            }
        }
    }
    Some(result)
}

/// Where the code list of the `# noqa: ...` in a comment ends (a byte offset
/// in the comment): after its last code.
fn codes_end(comment: &str) -> Option<usize> {
    let lower = comment.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower[search..].find("noqa") {
        let at = search + found;
        if lower[..at].trim_end().ends_with('#') {
            let mut end = at + 4;
            let rest = &comment[end..];
            let colon = rest.len() - rest.trim_start().len();
            if !rest[colon..].starts_with(':') {
                return None;
            }
            end += colon + 1;
            let mut last_code_end = end;
            let mut cursor = end;
            for piece in comment[end..].split_inclusive([',', ' ', '\t']) {
                let word = piece.trim_end_matches([',', ' ', '\t']);
                if word.is_empty() {
                    cursor += piece.len();
                    continue;
                }
                if !is_code(word) {
                    break;
                }
                last_code_end = cursor + word.len();
                cursor += piece.len();
            }
            return Some(last_code_end);
        }
        search = at + 4;
    }
    None
}

/// Applies non-overlapping edits to a text.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
    let mut out = String::with_capacity(text.len() + edits.len() * 16);
    let mut at = 0;
    for edit in sorted {
        let start = usize::from(edit.range.start());
        out.push_str(&text[at..start]);
        out.push_str(&edit.content);
        at = usize::from(edit.range.end());
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_comments() {
        assert_eq!(line_noqa("# noqa"), Some(Codes::All));
        assert_eq!(
            line_noqa("#noqa:SPS101"),
            Some(Codes::Some(vec!["SPS101".into()]))
        );
        assert_eq!(
            line_noqa("# noqa: SPS101, sps201 because reasons"),
            Some(Codes::Some(vec!["SPS101".into(), "SPS201".into()]))
        );
        assert_eq!(
            line_noqa("# type: ignore  # noqa: E501"),
            Some(Codes::Some(vec!["E501".into()]))
        );
        assert_eq!(line_noqa("# this is not a noqa comment"), None);
    }

    #[test]
    fn file_comments() {
        assert_eq!(file_exemption("# spawnsafe: noqa"), Some(Codes::All));
        assert_eq!(
            file_exemption("# spawnsafe: noqa: SPS302"),
            Some(Codes::Some(vec!["SPS302".into()]))
        );
        assert_eq!(file_exemption("# noqa"), None);
    }

    fn add(text: &str, findings: &[(usize, &str)]) -> String {
        let edits = add_noqa_edits(Path::new("x.py"), text, findings).unwrap();
        assert!(edits.impossible_rows.is_empty());
        apply_edits(text, &edits.edits)
    }

    #[test]
    fn add_noqa_appends_merges_and_is_idempotent() {
        assert_eq!(
            add(
                "x = f()   \ny = 2\n",
                &[(1, "SPS101"), (1, "SPS201"), (1, "SPS101")]
            ),
            "x = f()  # noqa: SPS101, SPS201\ny = 2\n"
        );
        // Beside another comment; inside an existing list, keeping the reason.
        assert_eq!(
            add("x = 1  # keep me\r\n", &[(1, "SPS302")]),
            "x = 1  # keep me  # noqa: SPS302\r\n"
        );
        assert_eq!(
            add("x = 1  # noqa: E501 because long\n", &[(1, "SPS302")]),
            "x = 1  # noqa: E501, SPS302 because long\n"
        );
        assert_eq!(
            add("x = 1  # noqa: sps302\n", &[(1, "SPS302")]),
            "x = 1  # noqa: sps302\n"
        );
        assert_eq!(add("x = 1  # noqa\n", &[(1, "SPS302")]), "x = 1  # noqa\n");
        // The last line without a newline.
        assert_eq!(add("x = 1", &[(1, "SPS101")]), "x = 1  # noqa: SPS101");
        let once = add("a = 1\nb = 2\n", &[(2, "SPS101")]);
        assert_eq!(add(&once, &[(2, "SPS101")]), once);
    }

    #[test]
    fn add_noqa_cannot_comment_inside_a_string_or_after_a_backslash() {
        let text = "x = f(\"\"\"a\nb\"\"\")\ny = 1 + \\\n    2\n";
        let edits =
            add_noqa_edits(Path::new("x.py"), text, &[(1, "SPS101"), (3, "SPS101")]).unwrap();
        assert!(edits.edits.is_empty());
        assert_eq!(edits.impossible_rows, [1, 3]);
        assert!(add_noqa_edits(Path::new("x.py"), "def (:\n", &[(1, "SPS101")]).is_none());
    }

    #[test]
    fn only_comment_tokens_count() {
        let text = "x = '# noqa'\ny = 1  # noqa: SPS101\n";
        let parsed = ruff_python_parser::parse_module(text).unwrap();
        let index = LineIndex::from_source_text(text);
        let suppressions = Suppressions::from_tokens(parsed.tokens(), text, &index);
        assert!(!suppressions.suppresses("SPS101", 1));
        assert!(suppressions.suppresses("SPS101", 2));
        assert!(!suppressions.suppresses("SPS201", 2));
    }
}
