//! The fix for a value sent to a child that pickle cannot find by name
//! (SPS201, SPS105): move what it names — a lambda, a nested function or
//! class, a definition in the main guard — to module level.

use ruff_python_ast::Expr;

use crate::fix::hoist::{self, Definition};
use crate::fix::Fix;
use crate::rules::Checker;
use crate::semantic::{BindingKind, ClassId, ScopeId, ScopeKind, Value};

/// The fix for a value sent to a child: hoist what it names to module level.
pub fn fix_in(checker: &Checker, expr: &Expr, value: &Value, scope: ScopeId) -> Option<Fix> {
    // In a notebook or a package's `__main__.py` module level does not help.
    if checker.project.paths[checker.module].is_interactive_main() {
        return None;
    }
    let file = checker.file();
    let context = hoist::Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    value_fix(&context, Some(expr), value, scope)
}

/// `expr` is the expression that stands for `value` where it is written in
/// `scope` (`None` when the value comes from elsewhere, such as a function's
/// return value).
fn value_fix(
    context: &hoist::Context,
    expr: Option<&Expr>,
    value: &Value,
    scope: ScopeId,
) -> Option<Fix> {
    let model = context.model;
    match value {
        Value::Lambda => match expr? {
            Expr::Lambda(lambda) => hoist::lambda_fix(context, lambda, scope),
            Expr::Name(name) => crate::fix::named_lambda::def_fix(context, name),
            _ => None,
        },
        // `functools.partial(func, ...)`: the function is its first argument.
        Value::Partial(inner) => {
            let func = match expr {
                Some(Expr::Call(call)) => call.arguments.args.first(),
                // `job = functools.partial(func, ...)` read by name.
                Some(Expr::Name(name)) => match model.lookup(name.id.as_str(), scope) {
                    Some((_, [binding])) => match binding.kind {
                        BindingKind::Assign(Expr::Call(call)) => call.arguments.args.first(),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            value_fix(context, func, inner, scope)
        }
        Value::Function(function) => {
            let info = &model.functions[*function];
            if let Some(class) = info.class {
                return class_fix(context, class);
            }
            if info.is_local {
                let ScopeKind::Function(parent) = model.scopes[info.parent_scope].kind else {
                    return None;
                };
                let use_site = expr.filter(|_| scope == info.parent_scope);
                return hoist::nested_fix(
                    context,
                    Definition::Function(info.def),
                    model.functions[parent].def,
                    info.parent_scope,
                    use_site,
                );
            }
            if info.in_main_guard {
                return hoist::guard_fix(context, Definition::Function(info.def));
            }
            model
                .replaced_by_wrapper(*function)
                .and_then(|wrapper| crate::fix::wraps::wraps_fix(context, *function, wrapper))
        }
        Value::Class(class) => class_fix(context, *class),
        // A list of instances: what each element names.
        Value::Collection(inner) => value_fix(context, None, inner, scope),
        Value::Instance(class) | Value::BoundMethod(class, _) => match class.as_ref() {
            Value::Class(class) => class_fix(context, *class),
            Value::Instance(inner) => match inner.as_ref() {
                Value::Class(class) => class_fix(context, *class),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

fn class_fix(context: &hoist::Context, class: ClassId) -> Option<Fix> {
    let model = context.model;
    let info = &model.classes[class];
    if info.is_local {
        let ScopeKind::Function(parent) = model.scopes[info.parent_scope].kind else {
            return None;
        };
        return hoist::nested_fix(
            context,
            Definition::Class(info.def),
            model.functions[parent].def,
            info.parent_scope,
            None,
        );
    }
    if info.in_main_guard {
        return hoist::guard_fix(context, Definition::Class(info.def));
    }
    None
}
