//! The SPS202 fix for a `threading` lock, event, condition or semaphore
//! passed to a child while it is created (`Process` args, a pool's
//! `initargs`): the `multiprocessing` one of the same name, which
//! multiprocessing pickles for a child being created (`Lib/multiprocessing/synchronize.py`,
//! `SemLock.__getstate__` calls `context.assert_spawning`) and which parent
//! and child then share.
//!
//! Unsafe: under fork the child had its own copy of the `threading` object,
//! in the state it was in at `start()`; the `multiprocessing` one is one
//! object for both processes (an `Event` the parent sets is set in the child
//! too, a lock the parent holds blocks the child).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use crate::fix::imports::multiprocessing_member;
use crate::fix::{Edit, Fix};
use crate::payload::Leaf;
use crate::rules::Checker;
use crate::semantic::Value;

/// Replaces `threading.Lock()` (and `RLock`, `Event`, `Condition`,
/// `Semaphore`, `BoundedSemaphore`) at `leaf` with `multiprocessing.Lock()`.
pub(crate) fn process_sync_fix(checker: &Checker, leaf: &Leaf) -> Option<Fix> {
    if leaf.module != checker.module || leaf.entered {
        return None;
    }
    let project = checker.project;
    let model = &project.models[checker.module];
    let file = checker.file();
    let Expr::Call(call) = leaf.expr else {
        return None;
    };
    let Value::Qualified(name) = model.resolve(&call.func, leaf.scope) else {
        return None;
    };
    let member = name.strip_prefix("threading.")?;
    let takes_arguments = match member {
        "Lock" | "RLock" | "Event" => false,
        "Semaphore" | "BoundedSemaphore" => true,
        // A `Condition` over a `threading` lock would stay a `threading` object.
        "Condition" => false,
        _ => return None,
    };
    if !takes_arguments && !call.arguments.is_empty() {
        return None;
    }
    // `Lock.locked()` has no `multiprocessing` counterpart before 3.14.
    if reads_attribute(model.body, "locked") {
        return None;
    }
    // Made where only the parent runs it: at import time every spawn child would make one too.
    let site = project.facts[checker.module]
        .calls
        .iter()
        .find(|site| site.call.range() == call.range())?;
    if site.import_time {
        return None;
    }
    let importable = multiprocessing_member(
        model,
        &file.text,
        &file.style,
        member,
        leaf.scope,
        call.start(),
    )?;
    let mut edits: Vec<Edit> = importable.import.into_iter().collect();
    edits.push(Edit::replacement(
        importable.expr.clone(),
        call.func.range(),
    ));
    Some(Fix::unsafe_because(
        format!("Use `{}()`, which a child being started may receive", importable.expr),
        format!(
            "parent and child share one `multiprocessing.{member}`, where under fork each had its own copy of the `threading.{member}` in the state it was in at `start()`"
        ),
        edits,
    ))
}

/// Whether any code of the module reads an attribute called `name`.
fn reads_attribute(body: &[ruff_python_ast::Stmt], name: &str) -> bool {
    struct Reads<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Reads<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Attribute(attribute) = expr {
                if attribute.attr.as_str() == self.name {
                    self.found = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reads = Reads { name, found: false };
    reads.visit_body(body);
    reads.found
}
