//! The fix for a `set_start_method()` that raises "context has already been
//! set" because an earlier call fixed the start method: `force=True`.
//!
//! `set_start_method(method, force=True)` replaces the context that
//! `get_start_method()` or another `set_start_method()` fixed
//! (`Lib/multiprocessing/context.py`, `DefaultContext.set_start_method`:
//! "if self._actual_context is not None and not force: raise RuntimeError").
//! That is right only when nothing was made through the old context in
//! between: a `Queue`, `Lock` or `Pool` made under one method and used with
//! another fails (its semaphores may already be unlinked), and the cure there
//! is to set the method first, which this fix does not do. So it is offered
//! when what fixed the context is a `get_start_method()` or
//! `set_start_method()` call, and nothing else that could fix it (another
//! fixer, a call into the project) runs between the two.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::{Edit, Fix};
use crate::rules::Checker;

/// `force=True` for the `set_start_method()` call at `call` in the checker's
/// module, after `first` (a module and a range) fixed the start method.
pub fn force_fix(checker: &Checker, call: TextRange, first: (usize, TextRange)) -> Option<Fix> {
    let project = checker.project;
    let module = checker.module;
    let set = call_at(project.models[module].body, call)?;
    if callee_name(set) != Some("set_start_method")
        || set
            .arguments
            .keywords
            .iter()
            .any(|k| k.arg.as_ref().is_none_or(|arg| arg.as_str() == "force"))
        || set
            .arguments
            .args
            .iter()
            .any(|a| matches!(a, Expr::Starred(_)))
        || set.arguments.args.len() > 1
    {
        return None;
    }
    let is_start_method_call = |module: usize, range: TextRange| {
        call_at(project.models[module].body, range)
            .and_then(callee_name)
            .is_some_and(|name| matches!(name, "get_start_method" | "set_start_method"))
    };
    if !is_start_method_call(first.0, first.1) {
        return None;
    }
    let facts = &project.facts[module];
    // The body that makes the call: nothing before it there (after `first`,
    // when `first` is in it too) may fix the context another way, or call
    // into the project.
    let body = std::iter::once(&facts.import_time)
        .chain(std::iter::once(&facts.main_only))
        .chain(facts.functions.iter())
        .find(|body| body.set_start_methods.iter().any(|s| s.range == call))?;
    let same_body = first.0 == module
        && body
            .context_fixers
            .iter()
            .map(|fixer| fixer.range)
            .chain(body.set_start_methods.iter().map(|s| s.range))
            .any(|range| range == first.1);
    let from = if same_body { first.1.start() } else { 0.into() };
    let between = TextRange::new(from, call.start());
    if body
        .context_fixers
        .iter()
        .filter(|fixer| between.contains_range(fixer.range))
        .any(|fixer| !is_start_method_call(module, fixer.range))
        || body
            .calls
            .iter()
            .any(|edge| between.contains_range(edge.range))
    {
        return None;
    }
    // Fixed elsewhere (while the program was imported, or by a caller): no
    // import-time code may have made anything through that context.
    if !same_body
        && project.facts.iter().enumerate().any(|(m, facts)| {
            facts
                .import_time
                .context_fixers
                .iter()
                .any(|fixer| !is_start_method_call(m, fixer.range))
        })
    {
        return None;
    }
    let last = set
        .arguments
        .args
        .iter()
        .map(Ranged::end)
        .chain(set.arguments.keywords.iter().map(Ranged::end))
        .max()?;
    Some(Fix::unsafe_because(
        "Pass `force=True`, so that this call replaces the start method set before".to_string(),
        "the earlier `get_start_method()`/`set_start_method()` had fixed the start method, so this call raised; with `force=True` it replaces it, and code that ran in between under the earlier method (nothing here makes processes or multiprocessing objects) no longer decides it".to_string(),
        vec![Edit::insertion(", force=True", last)],
    ))
}

/// The last name of a call's callee: `set_start_method` in
/// `mp.set_start_method(...)` and `set_start_method(...)`.
fn callee_name(call: &ast::ExprCall) -> Option<&str> {
    match &*call.func {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// The call expression whose range is `range`.
fn call_at(body: &[ast::Stmt], range: TextRange) -> Option<&ast::ExprCall> {
    struct Find<'a> {
        range: TextRange,
        found: Option<&'a ast::ExprCall>,
    }
    impl<'a> Visitor<'a> for Find<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found.is_some() {
                return;
            }
            if let Expr::Call(call) = expr {
                if call.range() == self.range {
                    self.found = Some(call);
                    return;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut find = Find { range, found: None };
    find.visit_body(body);
    find.found
}
