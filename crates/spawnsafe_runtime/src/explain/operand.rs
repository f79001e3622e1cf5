//! Where the `None` of a `'NoneType' object ...` error came from, read from
//! the source line CPython printed under the frame (parsed, not matched): a
//! global the parent filled at run time reaches the worker as a *name*
//! (`CONFIG["a"]`, `MODEL.predict(x)`), while `re.search(...).group(1)` or
//! `d.get(k)["x"]` fail on a value the line itself computed, which no start
//! method changes.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::Expr;

/// What the failing operation in the message is done to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operation<'a> {
    /// `'NoneType' object is not subscriptable`
    Subscript,
    /// `'NoneType' object has no attribute 'x'`
    Attribute(&'a str),
    /// `'NoneType' object is not callable`
    Call,
}

fn operation(message: &str) -> Option<Operation<'_>> {
    let rest = message.strip_prefix("'NoneType' object ")?;
    if rest.starts_with("is not subscriptable") {
        Some(Operation::Subscript)
    } else if rest.starts_with("is not callable") {
        Some(Operation::Call)
    } else {
        let attribute = rest.strip_prefix("has no attribute '")?;
        Some(Operation::Attribute(attribute.split('\'').next()?))
    }
}

/// `Some(true)`: some operand of the failing operation in `source` is a name,
/// or an attribute or item of one (a global could hold the `None`);
/// `Some(false)`: every such operand is a value the line computes (a call's
/// result, a literal); `None`: the line does not tell (not shown, not
/// parseable on its own, or no such operation in it).
pub fn none_from_a_name(message: &str, source: &str) -> Option<bool> {
    let operation = operation(message)?;
    let line = source.trim();
    if line.is_empty() {
        return None;
    }
    // A compound statement's header line parses with a body added.
    let parsed = ruff_python_parser::parse_module(line)
        .ok()
        .or_else(|| ruff_python_parser::parse_module(&format!("{line} pass")).ok())?;
    let mut finder = Operands {
        operation,
        named: 0,
        computed: 0,
    };
    for statement in &parsed.syntax().body {
        finder.visit_stmt(statement);
    }
    match (finder.named, finder.computed) {
        (0, 0) => None,
        (0, _) => Some(false),
        _ => Some(true),
    }
}

struct Operands<'a> {
    operation: Operation<'a>,
    named: usize,
    computed: usize,
}

impl Operands<'_> {
    fn count(&mut self, operand: &Expr) {
        if rooted_in_a_name(operand) {
            self.named += 1;
        } else {
            self.computed += 1;
        }
    }
}

impl<'a> Visitor<'a> for Operands<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match (expr, self.operation) {
            (Expr::Subscript(subscript), Operation::Subscript) => self.count(&subscript.value),
            (Expr::Attribute(attribute), Operation::Attribute(name))
                if attribute.attr.as_str() == name =>
            {
                self.count(&attribute.value)
            }
            (Expr::Call(call), Operation::Call) => self.count(&call.func),
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

/// `NAME`, `NAME.attr`, `NAME[key]` and chains of them, except on `self`
/// and `cls` (an instance's state travels with it when pickled).
fn rooted_in_a_name(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => !matches!(name.id.as_str(), "self" | "cls"),
        Expr::Attribute(attribute) => rooted_in_a_name(&attribute.value),
        Expr::Subscript(subscript) => rooted_in_a_name(&subscript.value),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::none_from_a_name;

    const SUBSCRIPT: &str = "'NoneType' object is not subscriptable";

    #[test]
    fn a_global_name_may_hold_the_none() {
        assert_eq!(
            none_from_a_name(SUBSCRIPT, "return MODEL[\"w\"] * x"),
            Some(true)
        );
        assert_eq!(
            none_from_a_name(
                "'NoneType' object has no attribute 'predict'",
                "y = STATE.model.predict(x)"
            ),
            Some(true)
        );
        assert_eq!(
            none_from_a_name(
                "'NoneType' object is not callable",
                "for row in rows: handler(row)"
            ),
            Some(true)
        );
    }

    #[test]
    fn a_value_the_line_computes_is_no_global() {
        assert_eq!(
            none_from_a_name(
                "'NoneType' object has no attribute 'group'",
                "return re.search(r\"-(\\d+)\", name).group(1)"
            ),
            Some(false)
        );
        assert_eq!(
            none_from_a_name(SUBSCRIPT, "value = lookup.get(key)[\"x\"]"),
            Some(false)
        );
        assert_eq!(
            none_from_a_name(SUBSCRIPT, "return self.cache[key]"),
            Some(false)
        );
    }

    #[test]
    fn a_line_that_does_not_tell() {
        assert_eq!(none_from_a_name(SUBSCRIPT, ""), None);
        assert_eq!(none_from_a_name(SUBSCRIPT, "print(x)"), None);
        assert_eq!(none_from_a_name(SUBSCRIPT, "elif x[0] > 1:"), None);
        assert_eq!(
            none_from_a_name("'NoneType' object is not iterable", "for x in y:"),
            None
        );
    }
}
