//! The SPS304 fix when the join is in a helper of the same module that also
//! reads the channel (`complete(process, read_pipe)`: `process.join()` then
//! `read_pipe.recv()`): [`super::drain_first`] moves the join after the reads
//! inside the helper, where the channel is the parameter the call passes it
//! to. Every caller of the helper then drains before it joins, which is what
//! each of them needs for the same reason.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::drain_first::{fix, ReadEnd};
use super::Fix;
use crate::semantic::{BindingKind, ModuleModel};

/// `call` is the helper call (at the finding), `join` the `join()` in the
/// helper, `channel` the name the caller passes.
pub fn helper_fix(
    model: &ModuleModel,
    text: &str,
    call: TextRange,
    join: TextRange,
    channel: &str,
) -> Option<Fix> {
    let call = call_at(model.body, call)?;
    let Expr::Name(callee) = &*call.func else {
        return None;
    };
    if !call.arguments.keywords.is_empty() {
        return None;
    }
    let position = call
        .arguments
        .args
        .iter()
        .position(|a| matches!(a, Expr::Name(n) if n.id.as_str() == channel))?;
    if call.arguments.args[..position]
        .iter()
        .any(|a| matches!(a, Expr::Starred(_)))
    {
        return None;
    }
    let (_, bindings) = model.lookup(callee.id.as_str(), crate::semantic::MODULE_SCOPE)?;
    let [binding] = bindings else {
        return None;
    };
    let BindingKind::Function(function) = binding.kind else {
        return None;
    };
    let def = model.functions.get(function)?.def;
    if !def.range.contains_range(join) || def.parameters.vararg.is_some() {
        return None;
    }
    let parameter = def
        .parameters
        .posonlyargs
        .iter()
        .chain(&def.parameters.args)
        .nth(position)?;
    fix(
        text,
        model.body,
        join,
        ReadEnd::Name(parameter.parameter.name.as_str()),
    )
}

fn call_at(body: &[Stmt], range: TextRange) -> Option<&ast::ExprCall> {
    struct Find<'a> {
        range: TextRange,
        found: Option<&'a ast::ExprCall>,
    }
    impl<'a> Visitor<'a> for Find<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                if call.range() == self.range {
                    self.found = Some(call);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut find = Find { range, found: None };
    find.visit_body(body);
    find.found
}
