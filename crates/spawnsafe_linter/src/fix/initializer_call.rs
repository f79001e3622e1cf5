//! The fix for a pool whose `initializer=` is a call instead of a function:
//!
//! ```python
//! with Pool(2, initializer=initialize(parsed_args)) as pool:   # before
//! with Pool(2, initializer=initialize, initargs=(parsed_args,)) as pool:   # after
//! ```
//!
//! `initialize(parsed_args)` runs once, in the parent, while the arguments
//! of `Pool(...)` are evaluated; it returns `None`, so the pool gets no
//! initializer at all. Under fork the workers still see the globals it set,
//! because they inherit the parent's memory; under spawn they re-import the
//! module, where the globals were never set. Passing the function and its
//! arguments lets each worker run it, which is what the code was written for.
//!
//! Offered when the call is to a module-level function that declares the
//! worker's global `global`, returns nothing and is not a generator, and the
//! pool has no `initargs` yet. Unsafe: the function runs once in each worker
//! instead of once in the parent (the parent's own globals stay unset), and
//! its arguments must pickle.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::free_names::locals_of;
use super::hoist::Context;
use super::inherit_globals::{pool_constructor, sending_call};
use super::{Edit, Fix};
use crate::semantic::{BindingKind, MODULE_SCOPE};

/// Makes `initializer=f(a, b)` of the pool that `site` (a task function sent
/// by `pool.map(...)`) goes to into `initializer=f, initargs=(a, b)`, when
/// `f` sets the global `name` that the task reads.
pub fn initializer_call_fix(context: &Context, name: &str, site: TextRange) -> Option<Fix> {
    let model = context.model;
    let (call, scope) = sending_call(context, site)?;
    let pool = pool_constructor(context, call, scope)?;
    let keywords = &pool.arguments.keywords;
    if keywords.iter().any(|k| k.arg.is_none()) || keyword(pool, "initargs").is_some() {
        return None;
    }
    let initializer = keyword(pool, "initializer")?;
    let Expr::Call(setup) = &initializer.value else {
        return None;
    };
    let Expr::Name(function_name) = &*setup.func else {
        return None;
    };
    if !setup.arguments.keywords.is_empty()
        || setup
            .arguments
            .args
            .iter()
            .any(|a| matches!(a, Expr::Starred(_)))
    {
        return None;
    }
    let (_, bindings) = model.lookup(function_name.id.as_str(), scope)?;
    let [binding] = bindings else {
        return None;
    };
    let BindingKind::Function(function) = binding.kind else {
        return None;
    };
    let info = model.functions.get(function)?;
    if info.parent_scope != MODULE_SCOPE
        || info.class.is_some()
        || info.in_main_guard
        || info.def.is_async
        || !info.returns.is_empty()
        || is_generator(&info.def.body)
        || !locals_of(info.def).globals.contains(name)
    {
        return None;
    }
    let arguments: Vec<&str> = setup
        .arguments
        .args
        .iter()
        .map(|a| &context.text[a.range()])
        .collect();
    let mut edits = vec![Edit::deletion(TextRange::new(
        setup.func.end(),
        setup.end(),
    ))];
    if !arguments.is_empty() {
        let trailing = if arguments.len() == 1 { "," } else { "" };
        edits.push(Edit::insertion(
            format!(", initargs=({}{trailing})", arguments.join(", ")),
            initializer.end(),
        ));
    }
    let function_name = function_name.id.as_str();
    Some(Fix::unsafe_because(
        format!(
            "Give the pool `{function_name}` itself as its initializer, with the call's arguments as `initargs`"
        ),
        format!(
            "`{function_name}(...)` ran once in the parent and gave the pool `None`, so only forked workers saw `{name}`; now each worker runs `{function_name}` when it starts (the parent no longer does), and its arguments must pickle"
        ),
        edits,
    ))
}

fn keyword<'a>(call: &'a ast::ExprCall, wanted: &str) -> Option<&'a ast::Keyword> {
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == wanted))
}

/// Whether a function body yields (not counting nested functions and lambdas).
fn is_generator(body: &[Stmt]) -> bool {
    struct Yields(bool);
    impl<'a> Visitor<'a> for Yields {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Yield(_) | Expr::YieldFrom(_) => self.0 = true,
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut yields = Yields(false);
    yields.visit_body(body);
    yields.0
}

/// [`initializer_call_fix`] in the checker's file.
pub fn fix_in(
    checker: &crate::rules::Checker,
    name: &str,
    site: (usize, TextRange),
) -> Option<Fix> {
    if site.0 != checker.module || checker.project.paths[checker.module].is_interactive_main() {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    initializer_call_fix(&context, name, site.1)
}
