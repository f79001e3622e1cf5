//! The SPS202 fix for a generator made right where it is sent to a child
//! (`args=(chunks(series, 10), out)`): it is run to the end in the parent
//! and sent as an iterator over the list of its items,
//! `iter(list(chunks(series, 10)))`.
//!
//! A generator cannot be pickled; a `list_iterator` can (`listiterator`
//! implements `__reduce__`), and it keeps what the child may do with the
//! value: iterate it once, or call `next()` on it. Under fork the child runs
//! its copy of the generator itself; now the parent runs it before the child
//! starts, so the fix is unsafe: a generator without end never finishes,
//! and what it does besides yielding (reading a file, printing) happens in
//! the parent and all at once. Only a generator made in the sending
//! expression itself is fixed, so no other code holds it.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use super::{Edit, Fix};

/// `iter(list(<anchor>))` for a generator made at `anchor`.
pub fn materialize_fix(
    checker: &crate::rules::Checker,
    leaf_module: usize,
    expr: &Expr,
    anchor: &Expr,
) -> Option<Fix> {
    let model = &checker.project.models[checker.module];
    if leaf_module != checker.module
        || expr.range() != anchor.range()
        || !matches!(anchor, Expr::Call(_) | Expr::Generator(_))
        || ["iter", "list"].iter().any(|name| {
            model
                .scopes
                .iter()
                .any(|scope| scope.bindings.contains_key(name))
        })
    {
        return None;
    }
    let inner = &checker.file().text[anchor.range()];
    Some(Fix::unsafe_because(
        "Run the generator in the parent and send an iterator over its items: `iter(list(...))`"
            .to_string(),
        "the parent runs the generator to its end before the child starts (under fork the child ran its copy): one without end never finishes, and what it does besides yielding happens in the parent, all at once; its items must pickle".to_string(),
        vec![Edit::replacement(
            format!("iter(list({inner}))"),
            anchor.range(),
        )],
    ))
}
