//! The words the rules share: how an expression is named in a message, the
//! phrases for how a value reaches a child process ([`crossing`]), and what
//! is said about an object that cannot get there ([`unpicklable`]).

pub mod crossing;
pub mod pitfalls;
pub mod results;
pub mod state;
pub mod unpicklable;

use ruff_text_size::TextRange;

use crate::diagnostic::{Diagnostic, Related};
use crate::fix::Fix;
use crate::payload::Via;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::targets::Methods;

/// A finding in words, before its fix and the start methods it fails under.
pub struct Words {
    pub message: String,
    pub help: String,
    pub related: Vec<Related>,
}

impl Words {
    /// Reports the words at `range` under `rule`.
    pub fn report<'c>(
        self,
        checker: &'c mut Checker,
        rule: Rule,
        range: TextRange,
    ) -> &'c mut Diagnostic {
        let diagnostic = checker.report(rule, range, self.message, Some(self.help));
        diagnostic.related = self.related;
        diagnostic
    }

    /// Reports the words with their fix, the start methods they fail under,
    /// and the one the site's context pins (else the program's).
    #[allow(clippy::too_many_arguments)]
    pub fn report_fixed(
        self,
        checker: &mut Checker,
        rule: Rule,
        range: TextRange,
        fix: Option<Fix>,
        fails_under: Methods,
        context_method: Option<&str>,
    ) {
        let pinned = checker.pinned(context_method);
        let diagnostic = self.report(checker, rule, range);
        diagnostic.fix = fix;
        diagnostic.fails_under = Some(fails_under);
        diagnostic.pinned = pinned;
    }
}

/// The source text of a short expression, for messages.
pub fn short_text(checker: &Checker, range: TextRange) -> Option<String> {
    let text = checker
        .file()
        .text
        .get(range.start().to_usize()..range.end().to_usize())?;
    (text.len() <= 40 && !text.contains('\n')).then(|| text.to_string())
}

/// An expression by its text in backticks, or `default` when the text is long.
pub fn written(checker: &Checker, range: TextRange, default: &str) -> String {
    short_text(checker, range).map_or_else(|| default.to_string(), |text| format!("`{text}`"))
}

/// `text` with its first letter in upper case.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The indefinite article before a class name.
pub fn article(name: &str) -> &'static str {
    match name.chars().next() {
        Some(c) if "AEIOU".contains(c) => "an",
        _ => "a",
    }
}

/// Notes at the helpers a value goes through on its way to a pickle site.
pub fn via_notes<'v>(checker: &'v Checker, via: &'v [Via]) -> impl Iterator<Item = Related> + 'v {
    via.iter().map(|via| Related {
        file: checker.files[via.module].clone(),
        range: via.range,
        message: via.message.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalize_and_article() {
        assert_eq!(capitalize("a `Lock` object"), "A `Lock` object");
        assert_eq!(capitalize(""), "");
        assert_eq!(article("Engine"), "an");
        assert_eq!(article("Model"), "a");
    }
}
