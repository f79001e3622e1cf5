//! Tests whose truth CPython knows when it compiles them.
//!
//! `if True: ... else: ...` and `if 0: ...` never take one of their branches:
//! CPython's compiler emits no bytecode for the dead branch (checked with
//! `dis` on 3.8, 3.11 and 3.13: the names called only there are absent; 3.8
//! drops it in Python/compile.c `compiler_if` through `expr_constant`, later
//! versions in the flow-graph optimizer). Code there never runs, so nothing
//! it would start or send is a hazard. Only literal constants count (and `not`
//! of one, which the AST optimizer folds): a name such as `DEBUG = False` can
//! be rebound, so it stays unknown.

use ruff_python_ast::{self as ast, Expr, UnaryOp};

/// The truth of a test that is a constant, or `None` when it depends on run time.
pub fn constant_truth(test: &Expr) -> Option<bool> {
    match test {
        Expr::BooleanLiteral(literal) => Some(literal.value),
        Expr::NoneLiteral(_) => Some(false),
        Expr::EllipsisLiteral(_) => Some(true),
        Expr::NumberLiteral(number) => Some(match &number.value {
            ast::Number::Int(int) => int.as_u64() != Some(0),
            ast::Number::Float(float) => *float != 0.0,
            ast::Number::Complex { real, imag } => *real != 0.0 || *imag != 0.0,
        }),
        Expr::StringLiteral(string) => Some(!string.value.is_empty()),
        Expr::BytesLiteral(bytes) => Some(!bytes.value.is_empty()),
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
            constant_truth(&unary.operand).map(|truth| !truth)
        }
        _ => None,
    }
}

/// Which parts of an `if` statement can run: `(body, clauses)`, one flag per
/// `elif`/`else` clause. A branch after a constant-true test, or under a
/// constant-false one, never runs.
pub fn live_branches(if_stmt: &ast::StmtIf) -> (bool, Vec<bool>) {
    let first = constant_truth(&if_stmt.test);
    let body = first != Some(false);
    let mut earlier_always_taken = first == Some(true);
    let clauses = if_stmt
        .elif_else_clauses
        .iter()
        .map(|clause| {
            if earlier_always_taken {
                return false;
            }
            let truth = clause.test.as_ref().map_or(Some(true), constant_truth);
            earlier_always_taken = truth == Some(true);
            truth != Some(false)
        })
        .collect();
    (body, clauses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_ast::Stmt;

    fn branches(source: &str) -> (bool, Vec<bool>) {
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let Stmt::If(if_stmt) = &parsed.syntax().body[0] else {
            panic!("an if statement")
        };
        live_branches(if_stmt)
    }

    #[test]
    fn constant_tests_drop_the_branch_that_never_runs() {
        assert_eq!(
            branches("if True:\n    a\nelse:\n    b\n"),
            (true, vec![false])
        );
        assert_eq!(
            branches("if 0:\n    a\nelse:\n    b\n"),
            (false, vec![true])
        );
        assert_eq!(branches("if not 1:\n    a\n"), (false, vec![]));
        assert_eq!(
            branches("if x:\n    a\nelif 1:\n    b\nelse:\n    c\n"),
            (true, vec![true, false])
        );
        assert_eq!(
            branches("if False:\n    a\nelif y:\n    b\n"),
            (false, vec![true])
        );
        assert_eq!(
            branches("if 'text':\n    a\nelse:\n    b\n"),
            (true, vec![false])
        );
        assert_eq!(branches("if None:\n    a\n"), (false, vec![]));
    }

    #[test]
    fn names_and_calls_stay_unknown() {
        assert_eq!(
            branches("if DEBUG:\n    a\nelse:\n    b\n"),
            (true, vec![true])
        );
        assert_eq!(
            branches("if f():\n    a\nelse:\n    b\n"),
            (true, vec![true])
        );
        assert_eq!(
            branches("if __debug__:\n    a\nelse:\n    b\n"),
            (true, vec![true])
        );
    }
}
