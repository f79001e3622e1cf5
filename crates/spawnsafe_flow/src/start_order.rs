//! The order in which a program fixes its start method.
//!
//! `multiprocessing`'s default context has no method until something asks
//! for it (Lib/multiprocessing/context.py, `DefaultContext`):
//! `get_start_method()` without `allow_none=True`, `get_context()` with no
//! method, and every `Queue()`, `Lock()`, `Pool()`, `Manager()`... made
//! through it call `_check_available()`/`get_context()`, which store the
//! platform default in `_actual_context`. `set_start_method(m, force=True)`
//! stores `m` there too. From then on a `set_start_method()` without
//! `force=True` raises `RuntimeError: context has already been set` -- even
//! one that names the same method.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, CmpOp, Expr};
use ruff_text_size::TextRange;
use rustc_hash::FxHashSet;

use crate::api::{self, Api};
use crate::project::{Effect, EffectFinder, Project};
use crate::semantic::{string_literal, ModuleModel, ScopeId, Value};

/// Start methods as a bit set, with the bits of the linter's `Methods`.
pub const SPAWN: u8 = 1;
pub const FORKSERVER: u8 = 2;
pub const FORK: u8 = 4;
pub const ALL_DEFAULTS: u8 = SPAWN | FORKSERVER | FORK;

fn method_bit(name: &str) -> Option<u8> {
    match name {
        "spawn" => Some(SPAWN),
        "forkserver" => Some(FORKSERVER),
        "fork" => Some(FORK),
        _ => None,
    }
}

/// `get_start_method(allow_none=True)` returns `None` while nothing is set
/// and fixes nothing. An `allow_none` the analysis cannot read counts as
/// true: unknown never makes a finding.
pub fn allows_none(call: &ast::ExprCall) -> bool {
    match call.arguments.find_argument_value("allow_none", 0) {
        None => false,
        Some(Expr::BooleanLiteral(literal)) => literal.value,
        Some(_) => true,
    }
}

/// What an `if` test that asks for the start method says about its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodTest {
    /// The test does not ask for the start method.
    None,
    /// `get_start_method(allow_none=True)`: code that checks before it sets.
    Protective,
    /// `get_start_method() != "fork"`: the test fixed the context to the
    /// platform default, and the body runs where that default is one of these.
    Branch { when_true: u8 },
    /// It asks in a way the analysis does not follow.
    Opaque,
}

/// Judges an `if` test by what `get_start_method()` returns: the default
/// method of the platform, since the test itself is what fixes it.
pub fn judge_method_test<'e>(
    model: &ModuleModel<'e>,
    test: &'e Expr,
    scope: ScopeId,
) -> MethodTest {
    let mut finder = GetStartMethodCalls {
        model,
        scope,
        calls: Vec::new(),
    };
    finder.visit_expr(test);
    if finder.calls.is_empty() {
        return MethodTest::None;
    }
    if finder.calls.iter().any(|call| allows_none(call)) {
        return MethodTest::Protective;
    }
    match when_true(model, test, scope) {
        Some(when_true) => MethodTest::Branch { when_true },
        None => MethodTest::Opaque,
    }
}

/// The defaults under which `test` is true, for the comparisons of
/// `get_start_method()` with literal method names (`!=`, `==`, `in`, `not in`,
/// `not`, `and`, `or`).
fn when_true<'e>(model: &ModuleModel<'e>, test: &'e Expr, scope: ScopeId) -> Option<u8> {
    match test {
        Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not => {
            Some(ALL_DEFAULTS & !when_true(model, &unary.operand, scope)?)
        }
        Expr::BoolOp(bool_op) => {
            let mut result = if bool_op.op == ast::BoolOp::And {
                ALL_DEFAULTS
            } else {
                0
            };
            for value in &bool_op.values {
                let bits = when_true(model, value, scope)?;
                result = if bool_op.op == ast::BoolOp::And {
                    result & bits
                } else {
                    result | bits
                };
            }
            Some(result)
        }
        Expr::Compare(compare) if compare.ops.len() == 1 => {
            let (left, right) = (compare.left.as_ref(), &compare.comparators[0]);
            let (call_side, other) = if is_get_start_method(model, left, scope) {
                (left, right)
            } else if is_get_start_method(model, right, scope) {
                (right, left)
            } else {
                return None;
            };
            let _ = call_side;
            let names: Vec<&str> = match other {
                Expr::Tuple(ast::ExprTuple { elts, .. })
                | Expr::List(ast::ExprList { elts, .. })
                | Expr::Set(ast::ExprSet { elts, .. }) => {
                    elts.iter().map(string_literal).collect::<Option<_>>()?
                }
                other => vec![string_literal(other)?],
            };
            let mut named = 0;
            for name in names {
                named |= method_bit(name).unwrap_or(0);
            }
            match compare.ops[0] {
                CmpOp::Eq | CmpOp::In => Some(named),
                CmpOp::NotEq | CmpOp::NotIn => Some(ALL_DEFAULTS & !named),
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_get_start_method<'e>(model: &ModuleModel<'e>, expr: &'e Expr, scope: ScopeId) -> bool {
    let Some(call) = stands_for_call(model, expr, scope) else {
        return false;
    };
    !allows_none(call) && calls_get_start_method(model, call, scope)
}

/// The call an expression is, or that a name bound once in the same scope
/// holds (`current = get_start_method()` ... `if current != "fork":`).
fn stands_for_call<'e>(
    model: &ModuleModel<'e>,
    expr: &'e Expr,
    scope: ScopeId,
) -> Option<&'e ast::ExprCall> {
    match expr {
        Expr::Call(call) => Some(call),
        Expr::Name(name) => {
            let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
            match bindings {
                [crate::semantic::Binding {
                    kind: crate::semantic::BindingKind::Assign(Expr::Call(call)),
                    ..
                }] if found_in == scope => Some(call),
                _ => None,
            }
        }
        _ => None,
    }
}

fn calls_get_start_method(model: &ModuleModel, call: &ast::ExprCall, scope: ScopeId) -> bool {
    matches!(model.resolve(&call.func, scope), Value::Qualified(name)
        if api::classify(&name) == Some(Api::GetStartMethod))
}

struct GetStartMethodCalls<'m, 'e> {
    model: &'m ModuleModel<'e>,
    scope: ScopeId,
    calls: Vec<&'e ast::ExprCall>,
}

impl<'e> Visitor<'e> for GetStartMethodCalls<'_, 'e> {
    fn visit_expr(&mut self, expr: &'e Expr) {
        if let Expr::Lambda(_) = expr {
            return;
        }
        if let Some(call) = stands_for_call(self.model, expr, self.scope) {
            if calls_get_start_method(self.model, call, self.scope) {
                self.calls.push(call);
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// Where the default context got fixed while a module was imported.
#[derive(Debug, Clone)]
pub struct FixedAt {
    pub module: usize,
    pub range: TextRange,
    pub description: String,
}

/// The first place where importing `module` fixes the default context
/// for good: its own import-time code (a `set_start_method()`, with
/// `force=True` too, a `Queue()`/`Lock()`/`Pool()` through the default
/// context, `get_start_method()`, or a call that does one of these), or a
/// project module it imports at import time, transitively. Only code that
/// runs whenever the module is imported counts.
pub fn import_time_fixer(
    project: &Project,
    finder: &mut EffectFinder,
    module: usize,
) -> Option<FixedAt> {
    let mut seen = FxHashSet::default();
    fixer_of(project, finder, module, &mut seen)
}

fn fixer_of(
    project: &Project,
    finder: &mut EffectFinder,
    module: usize,
    seen: &mut FxHashSet<usize>,
) -> Option<FixedAt> {
    if !seen.insert(module) {
        return None;
    }
    let facts = &project.facts[module];
    // Imports come first in nearly every module: what they fix, they fix first.
    for (level, name) in &facts.import_time_imports {
        let Some(imported) = project.resolve_module(module, *level, name) else {
            continue;
        };
        if let Some(found) = fixer_of(project, finder, imported, seen) {
            return Some(found);
        }
    }
    let body = &facts.import_time;
    let mut found: Option<FixedAt> = None;
    let mut consider = |range: TextRange, description: String| {
        if found
            .as_ref()
            .is_none_or(|earlier| range.start() < earlier.range.start())
        {
            found = Some(FixedAt {
                module,
                range,
                description,
            });
        }
    };
    for call in body
        .set_start_methods
        .iter()
        .filter(|call| call.unconditional)
    {
        consider(
            call.range,
            format!("`set_start_method(\"{}\")` set it here", call.method),
        );
    }
    for fixer in body
        .context_fixers
        .iter()
        .filter(|fixer| fixer.unconditional)
    {
        consider(
            fixer.range,
            "this fixed the default context while the module was imported".to_string(),
        );
    }
    for edge in body.calls.iter().filter(|edge| edge.unconditional) {
        if finder
            .call_effect(module, &edge.target, Effect::FixContext)
            .is_some()
        {
            consider(
                edge.range,
                "this call fixed the default context while the module was imported".to_string(),
            );
        }
    }
    found
}
