//! The decorator written to work with and without arguments:
//!
//! ```python
//! def run_as_process(_func=None, *, name=None):
//!     class Runner: ...
//!     if _func is None:
//!         return Runner          # `@run_as_process(name="x")`
//!     return Runner(_func)       # `@run_as_process`
//! ```
//!
//! Used bare, the decorator receives the function as `_func`, so only what it
//! returns when `_func` is given is what the decorated name holds.

use ruff_python_ast::{self as ast, CmpOp, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

/// Whether `test` is `parameter is None` (`Some(true)`) or `parameter is not
/// None` (`Some(false)`).
fn tests_none(test: &Expr, parameter: &str) -> Option<bool> {
    let Expr::Compare(compare) = test else {
        return None;
    };
    let ([op], [right]) = (&*compare.ops, &*compare.comparators) else {
        return None;
    };
    if !matches!(compare.left.as_ref(), Expr::Name(name) if name.id.as_str() == parameter)
        || !right.is_none_literal_expr()
    {
        return None;
    }
    match op {
        CmpOp::Is => Some(true),
        CmpOp::IsNot => Some(false),
        _ => None,
    }
}

/// The bodies of the top-level `if parameter is None:` statements of `def`
/// that end in a `return` (and have no `elif`/`else`): what is returned in
/// them is returned only when `parameter` is `None`.
pub(crate) fn when_none(def: &ast::StmtFunctionDef, parameter: &str) -> Vec<TextRange> {
    def.body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::If(if_stmt)
                if if_stmt.elif_else_clauses.is_empty()
                    && tests_none(&if_stmt.test, parameter) == Some(true)
                    && matches!(if_stmt.body.last(), Some(Stmt::Return(_))) =>
            {
                Some(if_stmt.range())
            }
            _ => None,
        })
        .collect()
}

/// `A if parameter is None else B` is `B` when the parameter is given.
pub(crate) fn when_given<'e>(returned: &'e Expr, parameter: &str) -> &'e Expr {
    if let Expr::If(choice) = returned {
        match tests_none(&choice.test, parameter) {
            Some(true) => return &choice.orelse,
            Some(false) => return &choice.body,
            None => {}
        }
    }
    returned
}
