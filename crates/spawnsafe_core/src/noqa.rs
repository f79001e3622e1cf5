//! Suppression comments: `# noqa` and `# noqa: SPS101, SPS201` on the reported
//! line; `# spawnsafe: noqa` and `# spawnsafe: noqa: SPS302` anywhere in a file.
//! Only real comment tokens count, never text inside strings.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_source_file::LineIndex;
use ruff_text_size::Ranged;
use rustc_hash::FxHashMap;

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
