//! The fix for a lambda bound to a module-level name (`export_rows = lambda
//! rows, dest: ...`) and sent to a child by that name: the assignment
//! becomes a `def` of the same name, in the same place.
//!
//! Pickle sends a function by its qualified name, and a lambda's is
//! `<lambda>`, which the child cannot look up ("Can't pickle <function
//! <lambda>>: attribute lookup <lambda> on __main__ failed"). A `def` is
//! named after its name, which the module binds to it, so it pickles by
//! reference. Unsafe only in what introspection sees: `__name__` and
//! `__qualname__` change from `<lambda>`.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::hoist::Context;
use super::{Edit, Fix};
use crate::semantic::{BindingKind, MODULE_SCOPE};

/// Rewrites the module-level `name = lambda ...: body` that `used` reads.
pub fn def_fix(context: &Context, used: &ast::ExprName) -> Option<Fix> {
    let model = context.model;
    let name = used.id.as_str();
    let bindings = model.scopes[MODULE_SCOPE].bindings.get(name)?;
    let [binding] = bindings.as_slice() else {
        return None;
    };
    if binding.in_main_guard {
        return None;
    }
    let BindingKind::Assign(Expr::Lambda(lambda)) = binding.kind else {
        return None;
    };
    // The statement: a top-level `name = lambda ...` and nothing else.
    let statement = model
        .body
        .iter()
        .find(|stmt| stmt.range().contains_range(lambda.range))?;
    let Stmt::Assign(assign) = statement else {
        return None;
    };
    if assign.targets.len() != 1
        || !matches!(&assign.targets[0], Expr::Name(target) if target.id.as_str() == name)
        || assign.value.range() != lambda.range
    {
        return None;
    }
    let text = context.text;
    let parameters = lambda
        .parameters
        .as_deref()
        .map_or("", |parameters| &text[parameters.range()]);
    let body = &text[lambda.body.range()];
    if text[statement.range()].contains(['\n', '\r']) {
        return None;
    }
    let newline = context.style.newline;
    let indent = &context.style.indent;
    let code = format!("def {name}({parameters}):{newline}{indent}return {body}");
    Some(Fix::unsafe_because(
        format!("Define `{name}` with `def`, so that pickle finds it by name"),
        format!("`{name}.__name__` and `__qualname__` become `{name}` instead of `<lambda>`"),
        vec![Edit::replacement(code, statement.range())],
    ))
}
