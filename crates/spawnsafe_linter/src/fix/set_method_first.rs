//! The SPS104 fix for a `set_start_method("spawn")` that raises "context has
//! already been set" because a `Queue`, `Lock`, `Pool` or `Manager` made just
//! before it fixed the default context (`Lib/multiprocessing/context.py`:
//! `DefaultContext.get_context()` sets `_actual_context` on first use, and
//! `set_start_method` raises when it is set and `force` is false). Passing
//! `force=True` would leave the queue made under the old method, whose
//! semaphores a spawn child may not be able to open; the cure is to set the
//! method first:
//!
//! ```python
//! def main():
//!     multiprocessing.set_start_method("spawn")   # moved up
//!     q = multiprocessing.Queue()
//! ```
//!
//! When the two are in one block, the call moves right before the statement
//! that fixed the context. When the context is fixed in the main guard and the
//! call is in a function the guard calls later (`Wrapper(2).launch()`, whose
//! `__init__` makes the queue), the call moves to the start of the main guard.
//! Unsafe: the objects made in between now use the chosen method, and a
//! function that set it no longer does.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::suite::{delete_statement_lines, insert_before};
use super::Fix;
use crate::rules::Checker;
use crate::semantic::{guard_test, GuardTest, Value, MODULE_SCOPE};

/// Moves the `set_start_method()` call at `call` before what fixed the
/// context at `fixed` (both in the checker's module).
pub fn set_first_fix(checker: &Checker, call: TextRange, fixed: TextRange) -> Option<Fix> {
    let project = checker.project;
    let module = checker.module;
    if project.paths[module].is_interactive_main() {
        return None;
    }
    let model = &project.models[module];
    let file = checker.file();
    let text = file.text.as_str();
    let (statement, suite) = statement_and_suite(model.body, call)?;
    let Expr::Call(set) = &*statement.value else {
        return None;
    };
    // `set_start_method("spawn")` through a module-level import, one literal.
    let resolves = matches!(model.resolve(&set.func, MODULE_SCOPE), Value::Qualified(name)
        if crate::api::normalize(&name).is_some_and(|(path, _)| path == "set_start_method"));
    if !resolves
        || !set.arguments.keywords.is_empty()
        || !matches!(set.arguments.args.as_ref(), [Expr::StringLiteral(_)])
        || suite.len() < 2
    {
        return None;
    }
    let code = &text[statement.range()];
    let deletion = delete_statement_lines(text, &Stmt::Expr(statement.clone()))?;
    // In one block: right before the statement that fixed the context.
    if let Some(before) = suite
        .iter()
        .take_while(|stmt| stmt.end() <= statement.start())
        .find(|stmt| stmt.range().contains_range(fixed))
    {
        let insertion = insert_before(text, &file.style, before, code)?;
        return Some(Fix::unsafe_because(
            "Set the start method before the first object that fixes the default context",
            "what is made between the two places now uses the chosen start method",
            vec![insertion, deletion],
        ));
    }
    // The main guard fixed it, then called the function that sets it.
    if !crate::rules::sps101_unguarded_process_start::is_entry_script(project, module) {
        return None;
    }
    let guard = model.body.iter().find_map(|stmt| match stmt {
        Stmt::If(guard) if guard_test(&guard.test) == GuardTest::Main => Some(guard),
        _ => None,
    })?;
    if !guard.range.contains_range(fixed) || guard.range.contains_range(call) {
        return None;
    }
    let in_function_body = model
        .functions
        .iter()
        .any(|f| std::ptr::eq(f.def.body.as_slice(), suite));
    if !in_function_body {
        return None;
    }
    let mut before = guard.body.first()?;
    if is_freeze_support(model, before) {
        before = guard.body.get(1)?;
    }
    let insertion = insert_before(text, &file.style, before, code)?;
    Some(Fix::unsafe_because(
        "Set the start method first thing in the main guard",
        "the function no longer sets the start method itself, and what the guard makes before calling it now uses the chosen method",
        vec![deletion, insertion],
    ))
}

fn is_freeze_support(model: &crate::semantic::ModuleModel, stmt: &Stmt) -> bool {
    let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt else {
        return false;
    };
    let Expr::Call(call) = value.as_ref() else {
        return false;
    };
    matches!(model.resolve(&call.func, MODULE_SCOPE), Value::Qualified(name)
        if crate::api::normalize(&name).is_some_and(|(path, _)| path == "freeze_support"))
}

/// The expression statement that is exactly the call at `call`, and the
/// statements of the block that holds it.
fn statement_and_suite(body: &[Stmt], call: TextRange) -> Option<(&ast::StmtExpr, &[Stmt])> {
    struct Find<'a> {
        call: TextRange,
        found: Option<(&'a ast::StmtExpr, &'a [Stmt])>,
    }
    impl<'a> Visitor<'a> for Find<'a> {
        fn visit_body(&mut self, body: &'a [Stmt]) {
            for stmt in body {
                if let Stmt::Expr(expr) = stmt {
                    if expr.value.range() == self.call {
                        self.found = Some((expr, body));
                    }
                }
            }
            visitor::walk_body(self, body);
        }
    }
    let mut find = Find { call, found: None };
    find.visit_body(body);
    find.found
}
