//! Callables stored in a module-level registry and called later: a GUI's
//! `add_button(label, callback=start)` that keeps the callback in a dict,
//! and an event loop that calls what the dict holds (`_callbacks[label](...)`,
//! `for handler in HANDLERS: handler()`). Calling an item of the registry
//! calls every function stored in it anywhere in the module.

use ruff_python_ast::{self as ast, Expr, Stmt};
use rustc_hash::FxHashMap;

use crate::semantic::{
    for_each_statement, BindingKind, FunctionId, GuardTest, ModuleModel, ScopeId, Value,
    MODULE_SCOPE,
};

/// A callable put into a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A function of this module (`HANDLERS.append(on_click)`).
    Function(FunctionId),
    /// A parameter of a function of this module (`def add_button(label,
    /// callback): _callbacks[label] = callback`): what its callers pass.
    Parameter(FunctionId, usize),
}

/// A module-level container that holds callables.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Filled by key (`R[key] = f`, `R.setdefault(key, f)`): iterating it
    /// yields keys, not the callables.
    pub keyed: bool,
    pub items: Vec<Stored>,
}

/// The callables each module-level name holds as items, by the name.
pub fn stored_callables<'a>(model: &ModuleModel<'a>) -> FxHashMap<&'a str, Registry> {
    let mut stored: FxHashMap<&'a str, Registry> = FxHashMap::default();
    // What the main guard registers is not there while the script is imported.
    let mut bodies: Vec<(&'a [Stmt], ScopeId, Option<FunctionId>)> = Vec::new();
    let mut start = 0;
    for (index, stmt) in model.body.iter().enumerate() {
        if let Stmt::If(if_stmt) = stmt {
            if model.judge_guard(&if_stmt.test) == GuardTest::Main {
                bodies.push((&model.body[start..index], MODULE_SCOPE, None));
                start = index + 1;
            }
        }
    }
    bodies.push((&model.body[start..], MODULE_SCOPE, None));
    for (id, info) in model.functions.iter_enumerated() {
        bodies.push((&info.def.body, info.scope, Some(id)));
    }
    for (body, scope, function) in bodies {
        for_each_statement(body, &mut |stmt| {
            let (registry, item, keyed) = match stmt {
                // `REGISTRY[key] = callback`
                Stmt::Assign(assign) => match assign.targets.as_slice() {
                    [Expr::Subscript(subscript)] => {
                        (subscript.value.as_ref(), &*assign.value, true)
                    }
                    _ => return,
                },
                // `HANDLERS.append(callback)`, `.add(...)`, `.insert(i, ...)`, `.setdefault(k, ...)`
                Stmt::Expr(ast::StmtExpr { value, .. }) => {
                    let Expr::Call(call) = value.as_ref() else {
                        return;
                    };
                    let Expr::Attribute(attribute) = call.func.as_ref() else {
                        return;
                    };
                    let position = match attribute.attr.as_str() {
                        "append" | "add" => 0,
                        "insert" | "setdefault" => 1,
                        _ => return,
                    };
                    let keyed = attribute.attr.as_str() == "setdefault";
                    match call.arguments.args.get(position) {
                        Some(item) if call.arguments.args.len() == position + 1 => {
                            (attribute.value.as_ref(), item, keyed)
                        }
                        _ => return,
                    }
                }
                _ => return,
            };
            let Some(name) = module_name(model, registry, scope) else {
                return;
            };
            let entry = match model.resolve(item, scope) {
                // A function stored by another function may not be stored yet at import.
                Value::Function(stored) if function.is_none() => Stored::Function(stored),
                _ => match (function, model.parameter_index(item, scope)) {
                    (Some(function), Some(index)) => Stored::Parameter(function, index),
                    _ => return,
                },
            };
            let registry = stored.entry(name).or_default();
            registry.keyed |= keyed;
            if !registry.items.contains(&entry) {
                registry.items.push(entry);
            }
        });
    }
    stored
}

/// The module-level name an expression reads, seen from `scope`.
fn module_name<'a>(model: &ModuleModel<'a>, expr: &Expr, scope: ScopeId) -> Option<&'a str> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    // `HANDLERS.append(f)` in a function records what the list holds there,
    // without making `HANDLERS` a local name.
    let filled_only = bindings
        .iter()
        .all(|binding| matches!(binding.kind, BindingKind::Appended(_)));
    if found_in != MODULE_SCOPE && !filled_only {
        return None;
    }
    model.scopes[MODULE_SCOPE]
        .bindings
        .get_key_value(name.id.as_str())
        .map(|(key, _)| *key)
}

/// The registry whose item a call's callee is: `REGISTRY[key]`,
/// `REGISTRY.get(key)`, or a name bound to one of those or by
/// `for callback in REGISTRY` / `REGISTRY.values()`.
pub fn called_registry<'a>(
    model: &ModuleModel<'a>,
    callee: &Expr,
    scope: ScopeId,
    stored: &FxHashMap<&'a str, Registry>,
) -> Option<&'a str> {
    let registry = |expr: &Expr| -> Option<&'a str> {
        let name = module_name(model, expr, scope)?;
        stored.contains_key(name).then_some(name)
    };
    let keyed = |name: &str| stored.get(name).is_some_and(|registry| registry.keyed);
    let item_of = |expr: &Expr| -> Option<&'a str> {
        match expr {
            Expr::Subscript(subscript) => registry(&subscript.value),
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Attribute(attribute) if attribute.attr.as_str() == "get" => {
                    registry(&attribute.value)
                }
                _ => None,
            },
            _ => None,
        }
    };
    if let Some(found) = item_of(callee) {
        return Some(found);
    }
    let Expr::Name(name) = callee else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    if found_in != scope {
        return None;
    }
    bindings.iter().find_map(|binding| match binding.kind {
        BindingKind::Assign(value) => item_of(value),
        BindingKind::ForTarget(iter) => match iter {
            Expr::Call(call) if call.arguments.is_empty() => match call.func.as_ref() {
                Expr::Attribute(attribute) if attribute.attr.as_str() == "values" => {
                    registry(&attribute.value)
                }
                _ => None,
            },
            // Iterating a dict yields its keys.
            iter => registry(iter).filter(|name| !keyed(name)),
        },
        _ => None,
    })
}
