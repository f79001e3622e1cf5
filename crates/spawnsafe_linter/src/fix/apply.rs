//! Applying the fixes of one file: in order, all edits of a fix or none, and
//! never two fixes whose edits touch the same text.

use ruff_text_size::TextSize;

use super::Fix;

/// The text after the fixes, and which of them went in.
#[derive(Debug)]
pub struct Applied {
    pub text: String,
    /// Indices (into the fixes given) of the fixes applied.
    pub applied: Vec<usize>,
    /// Indices of the fixes left out because they conflict with one applied
    /// before them (they are retried in the next round, on the new text).
    pub conflicting: Vec<usize>,
}

/// Applies `fixes` to `text`. Fixes are taken by position; one whose edits
/// overlap an applied edit (or that would insert at the same point as one) is
/// left for the next round, as are duplicate fixes.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> Applied {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&index| (fixes[index].start(), index));
    let mut taken: Vec<(TextSize, TextSize)> = Vec::new();
    let mut applied = Vec::new();
    let mut conflicting = Vec::new();
    for index in order {
        let fix = fixes[index];
        if fix.edits.is_empty() {
            continue;
        }
        if applied.iter().any(|&other: &usize| fixes[other] == fix) {
            continue;
        }
        let clashes = fix.edits.iter().any(|edit| {
            let edit = (edit.range.start(), edit.range.end());
            taken.iter().any(|&other| touch(edit, other))
        });
        if clashes {
            conflicting.push(index);
            continue;
        }
        taken.extend(
            fix.edits
                .iter()
                .map(|edit| (edit.range.start(), edit.range.end())),
        );
        applied.push(index);
    }
    let mut edits: Vec<&super::Edit> = applied
        .iter()
        .flat_map(|&index| fixes[index].edits.iter())
        .collect();
    edits.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
    let mut output = String::with_capacity(text.len());
    let mut last = 0usize;
    for edit in edits {
        let start = usize::from(edit.range.start());
        output.push_str(&text[last..start]);
        output.push_str(&edit.content);
        last = usize::from(edit.range.end());
    }
    output.push_str(&text[last..]);
    applied.sort_unstable();
    Applied {
        text: output,
        applied,
        conflicting,
    }
}

/// Two edits that cannot both go in: they overlap, start at one point, or one
/// inserts at the other's end (their order would be a guess).
fn touch(a: (TextSize, TextSize), b: (TextSize, TextSize)) -> bool {
    let overlap = a.0 < b.1 && b.0 < a.1;
    let same_start = a.0 == b.0;
    let insertion_at_end = (a.0 == a.1 && a.0 == b.1) || (b.0 == b.1 && b.0 == a.1);
    overlap || same_start || insertion_at_end
}

#[cfg(test)]
mod tests {
    use ruff_text_size::TextRange;

    use super::*;
    use crate::fix::Edit;

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(start.into(), end.into())
    }

    #[test]
    fn applies_fixes_in_position_order() {
        let late = Fix::safe("b", vec![Edit::replacement("B", range(4, 5))]);
        let early = Fix::safe("a", vec![Edit::replacement("A", range(0, 1))]);
        let applied = apply_fixes("a = b", &[&late, &early]);
        assert_eq!(applied.text, "A = B");
        assert_eq!(applied.applied, vec![0, 1]);
    }

    #[test]
    fn a_conflicting_fix_waits_for_the_next_round() {
        let first = Fix::safe("x", vec![Edit::replacement("xx", range(0, 3))]);
        let second = Fix::safe("y", vec![Edit::replacement("yy", range(2, 5))]);
        let applied = apply_fixes("abcdef", &[&first, &second]);
        assert_eq!(applied.text, "xxdef");
        assert_eq!(applied.conflicting, vec![1]);
    }

    #[test]
    fn a_fix_is_applied_whole_or_not_at_all() {
        let blocker = Fix::safe("x", vec![Edit::replacement("X", range(1, 2))]);
        let pair = Fix::safe(
            "move",
            vec![Edit::deletion(range(0, 2)), Edit::insertion("ab", 5.into())],
        );
        let applied = apply_fixes("ab\ncd", &[&pair, &blocker]);
        assert_eq!(applied.text, "\ncdab");
        assert_eq!(applied.applied, vec![0]);
        assert_eq!(applied.conflicting, vec![1]);
    }

    #[test]
    fn duplicate_fixes_apply_once() {
        let fix = Fix::safe("i", vec![Edit::insertion("# x\n", 0.into())]);
        let applied = apply_fixes("pass\n", &[&fix, &fix.clone()]);
        assert_eq!(applied.text, "# x\npass\n");
    }
}
