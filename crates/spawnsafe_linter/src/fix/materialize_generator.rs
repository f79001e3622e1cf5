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
//! expression itself is fixed, so no other code holds it, or one made in the
//! assignment of a variable that nothing but the sending expression reads
//! (`watchers = (watch(p) for p in paths)` then `args=(settings, watchers)`):
//! that assignment becomes `watchers = iter(list(...))`, and the generator
//! runs where it is made.

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

/// `name = iter(list(<generator>))` where the generator sent at `leaf` is
/// made by the one assignment of a variable that only the sending
/// expression reads.
pub fn materialize_variable_fix(
    checker: &crate::rules::Checker,
    leaf: &crate::payload::Leaf,
) -> Option<Fix> {
    use crate::semantic::BindingKind;
    let model = &checker.project.models[checker.module];
    let Expr::Name(name) = leaf.anchor else {
        return None;
    };
    if leaf.module != checker.module
        || !matches!(leaf.expr, Expr::Call(_) | Expr::Generator(_))
        || ["iter", "list"].iter().any(|name| {
            model
                .scopes
                .iter()
                .any(|scope| scope.bindings.contains_key(name))
        })
    {
        return None;
    }
    let (_, bindings) = model.lookup(name.id.as_str(), leaf.scope)?;
    let [binding] = bindings else {
        return None;
    };
    let BindingKind::Assign(value) = binding.kind else {
        return None;
    };
    if value.range() != leaf.expr.range() {
        return None;
    }
    let mut reads = model.references_of(binding.id);
    let only = reads.next()?;
    if only.range != name.range || reads.next().is_some() {
        return None;
    }
    let inner = &checker.file().text[leaf.expr.range()];
    Some(Fix::unsafe_because(
        format!(
            "Run the generator where `{}` is made and send an iterator over its items: `iter(list(...))`",
            name.id
        ),
        "the parent runs the generator to its end where the variable is assigned (under fork the child ran its copy after `start()`): one without end never finishes, what it reads is read then, and what it does besides yielding happens in the parent, all at once; its items must pickle".to_string(),
        vec![Edit::replacement(
            format!("iter(list({inner}))"),
            leaf.expr.range(),
        )],
    ))
}
