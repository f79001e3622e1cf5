//! The SPS301 fix for a class the parent configures at run time through a
//! setter classmethod (`Tracker.init(20.5)`, `Resources.configure(4)`) before
//! it makes a pool or starts a process whose code reads the class attribute:
//! the class pickles by name, so a spawn worker re-imports it without the
//! attribute. The fix runs the same call in each child before its work, as
//! [`super::config_initializer`] and [`super::configure_process`] do for the
//! interpreter's configuration:
//!
//! ```python
//! def _configure_worker():
//!     Tracker.init(20.5)
//!
//! with multiprocessing.Pool(2, initializer=_configure_worker) as pool:
//! ```
//!
//! Offered only when the method does nothing but store attributes on `cls`
//! from its parameters and plain expressions, so that running it again in a
//! child (a forked one included) gives the same class state and nothing else.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::TextRange;

use super::config_initializer::{config_fix, statement_at};
use super::configure_process::wrap_fix;
use super::hoist::Context;
use super::Fix;
use crate::semantic::{BindingKind, MODULE_SCOPE};

/// Replays the setter call at `setting` (a step of the finding) for the
/// module-level class `class_name`, in the pool's workers or in the process.
pub fn replay_fix(
    context: &Context,
    class_name: &str,
    setting: TextRange,
    site: TextRange,
    process: bool,
) -> Option<Fix> {
    let model = context.model;
    let statement = statement_at(model.body, setting)?;
    let Expr::Call(call) = &*statement.value else {
        return None;
    };
    let Expr::Attribute(method) = &*call.func else {
        return None;
    };
    let Expr::Name(receiver) = &*method.value else {
        return None;
    };
    if receiver.id.as_str() != class_name {
        return None;
    }
    let bindings = model.scopes[MODULE_SCOPE].bindings.get(class_name)?;
    let [binding] = bindings.as_slice() else {
        return None;
    };
    let BindingKind::Class(class) = binding.kind else {
        return None;
    };
    let info = model.classes.get(class)?;
    if info.in_main_guard || info.is_local {
        return None;
    }
    let function = *info.methods.get(method.attr.as_str())?;
    let def = model.functions.get(function)?.def;
    if !is_classmethod(def) || !only_stores_on_cls(def) {
        return None;
    }
    if process {
        wrap_fix(context, statement.range, site, true)
    } else {
        config_fix(context, statement.range, site)
    }
}

fn is_classmethod(def: &ast::StmtFunctionDef) -> bool {
    def.decorator_list
        .iter()
        .any(|d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "classmethod"))
}

/// `cls.a = x` and `cls.b = y` statements only, whose values make no call.
fn only_stores_on_cls(def: &ast::StmtFunctionDef) -> bool {
    let Some(cls) = def.parameters.args.first() else {
        return false;
    };
    let cls = cls.parameter.name.as_str();
    !def.body.is_empty()
        && def.body.iter().all(|stmt| {
            let (targets, value): (Vec<&Expr>, &Expr) = match stmt {
                Stmt::Assign(assign) => (assign.targets.iter().collect(), &assign.value),
                Stmt::AnnAssign(ast::StmtAnnAssign {
                    target,
                    value: Some(value),
                    ..
                }) => (vec![&**target], &**value),
                _ => return false,
            };
            targets.iter().all(|target| {
                matches!(target, Expr::Attribute(a) if matches!(&*a.value, Expr::Name(n) if n.id.as_str() == cls))
            }) && !makes_calls(value)
        })
}

fn makes_calls(expr: &Expr) -> bool {
    struct Calls(bool);
    impl<'a> Visitor<'a> for Calls {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if matches!(
                expr,
                Expr::Call(_) | Expr::Lambda(_) | Expr::Named(_) | Expr::Yield(_) | Expr::Await(_)
            ) {
                self.0 = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls(false);
    calls.visit_expr(expr);
    calls.0
}

/// [`replay_fix`] in the checker's file.
pub fn fix_in(
    checker: &crate::rules::Checker,
    class_name: &str,
    setting: (usize, TextRange),
    site: (usize, TextRange),
    process: bool,
) -> Option<Fix> {
    if site.0 != checker.module
        || setting.0 != checker.module
        || checker.project.paths[checker.module].is_interactive_main()
    {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    replay_fix(&context, class_name, setting.1, site.1, process)
}
