//! Conditional expressions whose test only asks whether a value is there:
//! `transform if transform is not None else (lambda audio: audio)`. When the
//! value flow knows the tested value is surely falsy (a `None` literal, a
//! parameter every caller leaves at its `None` default), CPython evaluates
//! only one branch, so only that branch's value is sent; otherwise both stay
//! possible and a rule reports only when both are problems. `t or default`
//! is the same question.

use ruff_python_ast::{self as ast, CmpOp, Expr, UnaryOp};

/// The value a conditional expression's test reads, and the branch that runs
/// when that value is falsy (`None` included): for `b if x is not None else o`
/// and `b if x else o` that is `o`; for `b if x is None else o` and
/// `b if not x else o` it is `b`. Other tests decide nothing.
pub fn falsy_test(if_expr: &ast::ExprIf) -> Option<(&Expr, &Expr)> {
    let (tested, negated) = match if_expr.test.as_ref() {
        Expr::Compare(compare) if compare.ops.len() == 1 && compare.comparators.len() == 1 => {
            if !matches!(compare.comparators[0], Expr::NoneLiteral(_)) {
                return None;
            }
            match compare.ops[0] {
                CmpOp::IsNot => (compare.left.as_ref(), false),
                CmpOp::Is => (compare.left.as_ref(), true),
                _ => return None,
            }
        }
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => (unary.operand.as_ref(), true),
        test @ (Expr::Name(_) | Expr::Attribute(_)) => (test, false),
        _ => return None,
    };
    if !matches!(tested, Expr::Name(_) | Expr::Attribute(_)) {
        return None;
    }
    let when_falsy = if negated {
        if_expr.body.as_ref()
    } else {
        if_expr.orelse.as_ref()
    };
    Some((tested, when_falsy))
}

/// `t or default` with two operands: when `t` is falsy the value is `default`.
pub fn falsy_or(bool_op: &ast::ExprBoolOp) -> Option<(&Expr, &Expr)> {
    match (bool_op.op, bool_op.values.as_slice()) {
        (ast::BoolOp::Or, [tested @ (Expr::Name(_) | Expr::Attribute(_)), default]) => {
            Some((tested, default))
        }
        _ => None,
    }
}

/// A literal that is surely falsy: `None`, `False`, `0`, `""`.
pub fn falsy_literal(expr: &Expr) -> bool {
    match expr {
        Expr::NoneLiteral(_) => true,
        Expr::BooleanLiteral(literal) => !literal.value,
        Expr::StringLiteral(literal) => literal.value.to_str().is_empty(),
        Expr::NumberLiteral(number) => {
            matches!(&number.value, ast::Number::Int(i) if i.as_u8() == Some(0))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_parser::parse_expression;

    fn branch(source: &str) -> Option<String> {
        let parsed = parse_expression(source).unwrap();
        let Expr::If(if_expr) = parsed.expr() else {
            panic!("not a conditional expression: {source}");
        };
        falsy_test(if_expr).map(|(_, taken)| {
            let range = ruff_text_size::Ranged::range(taken);
            source[range].to_string()
        })
    }

    #[test]
    fn a_test_for_a_missing_value_names_the_branch_that_runs_without_it() {
        assert_eq!(branch("t if t is not None else d").as_deref(), Some("d"));
        assert_eq!(branch("t if t else d").as_deref(), Some("d"));
        assert_eq!(branch("d if t is None else t").as_deref(), Some("d"));
        assert_eq!(branch("d if not self.t else self.t").as_deref(), Some("d"));
    }

    #[test]
    fn other_tests_decide_nothing() {
        assert_eq!(branch("a if t == 3 else b"), None);
        assert_eq!(branch("a if f() else b"), None);
        assert_eq!(branch("a if t is not 0 else b"), None);
        assert_eq!(branch("a if t and u else b"), None);
    }
}
