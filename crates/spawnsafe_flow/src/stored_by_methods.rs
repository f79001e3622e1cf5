//! Values a project method stores in the instance it is called on:
//! `model.register_forward_hook(hook)` where the method does
//! `self._forward_hooks[key] = hook` (as `torch.nn.Module` does), or
//! `self.callbacks.append(cb)`. Pickling the instance pickles its `__dict__`
//! (Objects/typeobject.c `object___reduce_ex__` -> `copyreg.__reduce_ex__`),
//! and with it every value so stored, so a local function registered this way
//! travels (and fails) with the instance.
//!
//! Followed in the scope that holds the variable (calls made before the use
//! when it is the same scope), and one call deep into a plain function of the
//! module that is given the variable and registers on its parameter
//! (`enable_input_require_grads(model)`, as PEFT's helper does). A class that
//! decides its own pickled state (`__getstate__`, `__reduce__`) is left out.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextSize};

use crate::contents::instance_class;
use crate::payload::{argument_of, class_hierarchy, visit_statements, Argument};
use crate::project::Project;
use crate::semantic::{BindingKind, ClassId, FunctionId, ScopeId, ScopeKind, Value};

/// The values stored into the instance `name` (the expression `expr` read in `use_scope`,
/// bound in `found_in`) by method calls on it: each with its module and scope.
pub(crate) fn stored_items<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    name: &'a ast::ExprName,
    expr: &'a Expr,
    use_scope: ScopeId,
    found_in: ScopeId,
) -> Vec<(usize, &'a Expr, ScopeId)> {
    let model = &project.models[module];
    let value = model.resolve(expr, use_scope);

    let Some((class_module, class)) = instance_class(project, module, &value) else {
        return Vec::new();
    };
    if customised(project, class_module, class) {
        return Vec::new();
    }
    let before = (use_scope == found_in).then(|| name.range.start());
    let mut out = Vec::new();
    let body = body_of(project, module, found_in);
    for call in statement_calls(body, before) {
        let Expr::Attribute(attribute) = call.func.as_ref() else {
            // `enable_input_require_grads(model)`: a helper that registers on it.
            out.extend(through_helper(
                project,
                module,
                call,
                found_in,
                name.id.as_str(),
                (class_module, class),
            ));
            continue;
        };
        if matches!(attribute.value.as_ref(), Expr::Name(receiver) if receiver.id == name.id) {
            out.extend(
                stored_arguments(
                    project,
                    (class_module, class),
                    call,
                    attribute.attr.as_str(),
                )
                .into_iter()
                .map(|argument| (module, argument, found_in)),
            );
        }
    }
    out
}

/// A plain function of the module called with the variable, whose body calls
/// a storing method on the parameter that receives it.
fn through_helper<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    call: &'a ast::ExprCall,
    scope: ScopeId,
    name: &str,
    class: (usize, ClassId),
) -> Vec<(usize, &'a Expr, ScopeId)> {
    let model = &project.models[module];
    let Value::Function(function) = model.resolve(&call.func, scope) else {
        return Vec::new();
    };
    let info = &model.functions[function];
    if info.class.is_some() {
        return Vec::new();
    }
    let Some(index) = (0..info.def.parameters.iter().count()).find(|&index| {
        matches!(argument_of(call, info.def, index, false),
            Argument::Passed(Expr::Name(passed)) if passed.id.as_str() == name)
    }) else {
        return Vec::new();
    };
    let Some(parameter) = info.def.parameters.iter().nth(index) else {
        return Vec::new();
    };
    let parameter = parameter.name().as_str();
    // The parameter must still be the instance where the method is called.
    if model
        .lookup(parameter, info.scope)
        .is_some_and(|(_, bindings)| {
            bindings.iter().any(|binding| {
                !matches!(
                    binding.kind,
                    BindingKind::Parameter(_) | BindingKind::Appended(_)
                )
            })
        })
    {
        return Vec::new();
    }
    // `linter.transforms[key] = augment_func`: stored by the helper itself.
    let mut out: Vec<_> = crate::parameter_stores::stored_into(&info.def.body, parameter)
        .into_iter()
        .map(|value| (module, value, info.scope))
        .collect();
    for inner in statement_calls(&info.def.body, None) {
        let Expr::Attribute(attribute) = inner.func.as_ref() else {
            continue;
        };
        if matches!(attribute.value.as_ref(), Expr::Name(receiver) if receiver.id.as_str() == parameter)
        {
            out.extend(
                stored_arguments(project, class, inner, attribute.attr.as_str())
                    .into_iter()
                    .map(|argument| (module, argument, info.scope)),
            );
        }
    }
    out
}

/// The arguments of `receiver.method(...)` that the class's method stores in `self`.
fn stored_arguments<'a>(
    project: &Project<'_, 'a>,
    (class_module, class): (usize, ClassId),
    call: &'a ast::ExprCall,
    method: &str,
) -> Vec<&'a Expr> {
    let Some((method_module, function)) = project.find_method_of(class_module, class, method)
    else {
        return Vec::new();
    };
    let def = project.models[method_module].functions[function].def;
    stored_parameters(project, method_module, function)
        .into_iter()
        .filter_map(|index| match argument_of(call, def, index, true) {
            Argument::Passed(argument) => Some(argument),
            _ => None,
        })
        .collect()
}

/// The parameters (by index, `self` being 0) a method stores in its instance:
/// `self.x = p`, `self.x[k] = p`, `self.x.append(p)` / `.add(p)` / `.insert(i, p)`.
fn stored_parameters(project: &Project, module: usize, function: FunctionId) -> Vec<usize> {
    let def = project.models[module].functions[function].def;
    let names: Vec<&str> = def.parameters.iter().map(|p| p.name().as_str()).collect();
    let Some(&receiver) = names.first() else {
        return Vec::new();
    };
    let on_self = |expr: &Expr| -> bool {
        match expr {
            Expr::Attribute(attribute) => {
                matches!(attribute.value.as_ref(), Expr::Name(n) if n.id.as_str() == receiver)
            }
            Expr::Subscript(subscript) => matches!(subscript.value.as_ref(),
                Expr::Attribute(attribute) if matches!(attribute.value.as_ref(),
                    Expr::Name(n) if n.id.as_str() == receiver)),
            _ => false,
        }
    };
    let index_of = |expr: &Expr| -> Option<usize> {
        let Expr::Name(value) = expr else {
            return None;
        };
        names
            .iter()
            .skip(1)
            .position(|name| *name == value.id.as_str())
            .map(|position| position + 1)
    };
    let mut found = Vec::new();
    visit_statements(&def.body, &mut |stmt| match stmt {
        Stmt::Assign(assign) if assign.targets.iter().any(on_self) => {
            found.extend(index_of(&assign.value));
        }
        Stmt::Expr(statement) => {
            let Expr::Call(call) = statement.value.as_ref() else {
                return;
            };
            let Expr::Attribute(method) = call.func.as_ref() else {
                return;
            };
            if !on_self(&method.value) {
                return;
            }
            let stored = match method.attr.as_str() {
                "append" | "add" => call.arguments.args.first(),
                "insert" | "setdefault" => call.arguments.args.get(1),
                _ => None,
            };
            found.extend(stored.and_then(index_of));
        }
        _ => {}
    });
    found.sort_unstable();
    found.dedup();
    found
}

/// The calls made as statements of a body (nested blocks included), those
/// starting before `before` when given.
fn statement_calls(body: &[Stmt], before: Option<TextSize>) -> Vec<&ast::ExprCall> {
    let mut calls = Vec::new();
    visit_statements(body, &mut |stmt| {
        if let Stmt::Expr(statement) = stmt {
            if let Expr::Call(call) = statement.value.as_ref() {
                if before.is_none_or(|at| call.start() < at) {
                    calls.push(call);
                }
            }
        }
    });
    calls
}

fn body_of<'a>(project: &Project<'_, 'a>, module: usize, scope: ScopeId) -> &'a [Stmt] {
    let model = &project.models[module];
    match model.scopes[scope].kind {
        ScopeKind::Function(function) => &model.functions[function].def.body,
        _ => model.body,
    }
}

/// The class decides what is pickled (`__getstate__`, `__reduce__`): its dict is not the state.
fn customised(project: &Project, module: usize, class: ClassId) -> bool {
    class_hierarchy(project, module, class)
        .iter()
        .any(|&(m, c)| {
            let methods = &project.models[m].classes[c].methods;
            ["__getstate__", "__reduce__", "__reduce_ex__"]
                .iter()
                .any(|name| methods.contains_key(name))
        })
}
