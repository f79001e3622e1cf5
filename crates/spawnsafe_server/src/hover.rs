//! Hover on a rule code in a suppression comment (`# noqa: SPS101`,
//! `# spawnsafe: noqa: SPS302`): the rule's documentation.

use std::path::Path;

use ruff_python_ast::token::TokenKind;
use ruff_text_size::{Ranged, TextRange, TextSize};
use spawnsafe_linter::Rule;

/// The rule whose code is at `offset` inside a `noqa` comment, and the code's range.
pub fn noqa_code_at(path: &Path, text: &str, offset: TextSize) -> Option<(Rule, TextRange)> {
    // Only real comment tokens count, never text inside strings. Parsing and
    // dropping a deeply nested file recurse once per level: on the analysis
    // stack, as `check` does, never on the server's main thread.
    let comment = spawnsafe_linter::syntax::with_analysis_stack(|| {
        let parsed = ruff_python_parser::parse_unchecked_source(
            text,
            spawnsafe_linter::source::source_type(path),
        );
        parsed
            .tokens()
            .iter()
            .find(|token| {
                token.kind() == TokenKind::Comment && token.range().contains_inclusive(offset)
            })
            .map(Ranged::range)
    })?;
    let comment_text = &text[comment];
    let at = usize::from(offset - comment.start());
    let is_code_char = |c: char| c.is_ascii_alphanumeric();
    let start = comment_text[..at]
        .rfind(|c: char| !is_code_char(c))
        .map_or(0, |before| before + 1);
    let end = comment_text[at..]
        .find(|c: char| !is_code_char(c))
        .map_or(comment_text.len(), |after| at + after);
    let word = &comment_text[start..end];
    let noqa_before = comment_text[..start].to_ascii_lowercase().contains("noqa");
    if !noqa_before || !word.to_ascii_uppercase().starts_with("SPS") {
        return None;
    }
    let rule = Rule::from_code_or_name(word)?;
    let range = TextRange::new(
        comment.start() + TextSize::try_from(start).ok()?,
        comment.start() + TextSize::try_from(end).ok()?,
    );
    Some((rule, range))
}

/// What the hover shows: the rule's documentation and a link to it.
pub fn rule_markdown(rule: Rule) -> String {
    format!(
        "{}\n\n[{} in the spawnsafe rules]({})",
        rule.docs().trim_end(),
        rule.code(),
        rule.url()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_at(text: &str, needle: &str) -> Option<Rule> {
        let offset = TextSize::try_from(text.find(needle).unwrap() + 2).unwrap();
        noqa_code_at(Path::new("job.py"), text, offset).map(|(rule, _)| rule)
    }

    #[test]
    fn codes_in_noqa_comments_only() {
        let text = "pool = Pool()  # noqa: SPS101, sps201\nx = '# noqa: SPS102'\n# SPS103 alone\n";
        assert_eq!(code_at(text, "SPS101"), Some(Rule::UnguardedProcessStart));
        assert_eq!(code_at(text, "sps201"), Some(Rule::UnpicklableCallable));
        assert_eq!(code_at(text, "SPS102"), None);
        assert_eq!(code_at(text, "SPS103"), None);
    }
}
