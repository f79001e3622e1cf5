//! What a pickled callable carries across the process boundary besides its
//! name: a `functools.partial` pickles as `(partial, (func,), (func, args,
//! kwds, __dict__))` (Lib/functools.py `partial.__reduce__`), so its bound
//! arguments travel with the task exactly like the task's own arguments, and
//! a multiprocessing `Lock` bound into the function given to `Pool.map` fails
//! as one passed in the iterable does.

use ruff_python_ast::{self as ast, Expr};

use ruff_text_size::Ranged;

use crate::api::Api;
use crate::facts::{PickleRole, Sender};
use crate::project::Project;
use crate::semantic::{BindingKind, FunctionId, ModuleModel, ScopeId, ScopeKind, Value};

/// The `functools.partial(func, *args, **kwds)` call a callable expression
/// is, written in place or assigned once to the name it reads.
pub fn partial_call<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
) -> Option<&'a ast::ExprCall> {
    let call = match expr {
        Expr::Call(call) => call,
        Expr::Name(name) => {
            let (_, bindings) = model.lookup(name.id.as_str(), scope)?;
            match bindings {
                [binding] => match binding.kind {
                    BindingKind::Assign(Expr::Call(call)) => call,
                    _ => return None,
                },
                _ => return None,
            }
        }
        _ => return None,
    };
    (model.resolve(&call.func, scope).api() == Some(Api::Partial)).then_some(call)
}

/// The bound arguments of a partial: its positional arguments after the
/// function and its keyword values (not `*args` or `**kwds`, whose items are unknown).
pub fn partial_arguments(call: &ast::ExprCall) -> impl Iterator<Item = &Expr> {
    call.arguments
        .args
        .iter()
        .skip(1)
        .filter(|argument| !matches!(argument, Expr::Starred(_)))
        .chain(
            call.arguments
                .keywords
                .iter()
                .filter(|keyword| keyword.arg.is_some())
                .map(|keyword| &keyword.value),
        )
}

/// How the arguments bound into a callable of this role travel: with the
/// task (pool, executor) or with the `Process` object at `start()`.
pub fn callable_sender(role: PickleRole) -> Option<Sender> {
    Some(match role {
        PickleRole::PoolTask => Sender::Pool,
        PickleRole::ExecutorTask => Sender::Executor,
        PickleRole::ProcessTarget | PickleRole::Initializer => Sender::Process,
        PickleRole::LibraryCallable(id) => Sender::Library(id),
        PickleRole::Argument | PickleRole::ProcessObject => return None,
    })
}

/// The class factories whose classes pickle by reference to `module.typename`,
/// where `module` is the caller's `__name__` (Lib/collections/__init__.py
/// `namedtuple` sets `__module__` from `sys._getframe(1)`; Lib/enum.py
/// `_create_` likewise), and how the error names the class.
const CLASS_FACTORIES: &[(&str, &str)] = &[
    ("collections.namedtuple", "class"),
    ("typing.NamedTuple", "class"),
    ("enum.Enum", "enum"),
    ("enum.IntEnum", "enum"),
    ("enum.StrEnum", "enum"),
    ("enum.Flag", "enum"),
    ("enum.IntFlag", "enum"),
];

/// A class made by calling `namedtuple("Name", ...)` or `Enum("Name", ...)`
/// that `pickle` cannot find again by its name: made inside a function (the
/// name is a local variable, not a module attribute), or bound at module level
/// to a different name than the one it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnfindableClass {
    /// `class` or `enum`: how `pickle` prints it (`<class '__main__.P'>`, `<enum 'K'>`).
    pub printed_as: &'static str,
    pub typename: String,
    /// The variable that holds it, and whether it is a function's local variable.
    pub variable: String,
    pub local: bool,
    /// The class whose body binds it (`class State: Task = namedtuple("Task", ...)`):
    /// its qualified name is the bare typename, which is not a module attribute.
    pub in_class: Option<String>,
}

/// The unfindable class `name` (read in `scope`) is bound to, if it is one.
pub fn unfindable_class(
    model: &ModuleModel,
    name: &ast::ExprName,
    scope: ScopeId,
) -> Option<UnfindableClass> {
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    let [binding] = bindings else {
        return None;
    };
    let BindingKind::Assign(Expr::Call(factory)) = binding.kind else {
        return None;
    };
    let crate::semantic::Value::Qualified(callee) = model.resolve(&factory.func, found_in) else {
        return None;
    };
    let &(_, printed_as) = CLASS_FACTORIES
        .iter()
        .find(|(qualified, _)| **qualified == *callee)?;
    // `module=` or `qualname=` say where pickle should look: trust them.
    if factory.arguments.keywords.iter().any(|keyword| {
        keyword
            .arg
            .as_ref()
            .is_none_or(|arg| matches!(arg.as_str(), "module" | "qualname"))
    }) {
        return None;
    }
    let typename = crate::semantic::string_literal(factory.arguments.args.first()?)?;
    let local = !matches!(
        model.scopes[found_in].kind,
        crate::semantic::ScopeKind::Module
    );
    if !local && typename == name.id.as_str() {
        return None;
    }
    // `usage = nt_usage` at module level: pickle finds the class by its typename.
    if !local && aliased_at_module_level(model, typename, name.id.as_str()) {
        return None;
    }
    Some(UnfindableClass {
        printed_as,
        typename: typename.to_string(),
        variable: name.id.to_string(),
        local,
        in_class: None,
    })
}

/// Whether the module binds `typename` only to the variable `variable`
/// (`usage = nt_usage`), outside the main guard.
fn aliased_at_module_level(model: &ModuleModel, typename: &str, variable: &str) -> bool {
    matches!(
        model.scopes[crate::semantic::MODULE_SCOPE].bindings.get(typename).map(Vec::as_slice),
        Some([binding]) if !binding.in_main_guard
            && matches!(binding.kind, BindingKind::Assign(Expr::Name(value)) if value.id.as_str() == variable)
    )
}

/// The unfindable class whose instance (`Point(1, 2)`) or enum member
/// (`Kind.SMALL`, `Kind(1)`, `Kind["SMALL"]`, or the members of `Kind`
/// itself, as the items of what is iterated) an expression makes.
pub fn instance_of_unfindable_class(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
) -> Option<UnfindableClass> {
    let class = match expr {
        Expr::Call(call) => call.func.as_ref(),
        Expr::Attribute(attribute) => attribute.value.as_ref(),
        Expr::Subscript(subscript) => subscript.value.as_ref(),
        // The members an enum class yields when iterated (`list(Kind)`,
        // `pool.map(f, Kind)`): pickled by the same name as the class.
        Expr::Name(name) => {
            return unfindable_class(model, name, scope).filter(|found| found.printed_as == "enum")
        }
        _ => return None,
    };
    let found = match class {
        Expr::Name(name) => unfindable_class(model, name, scope)?,
        Expr::Attribute(attribute) => class_body_factory_class(model, attribute, scope)?,
        _ => return None,
    };
    // Only an enum has members as attributes or items.
    if !matches!(expr, Expr::Call(_)) && found.printed_as != "enum" {
        return None;
    }
    Some(found)
}

/// A `namedtuple`/`Enum` class made in the body of a module-level class and
/// read as `Holder.Task`: the factory sets `__qualname__` to the bare
/// typename, so pickle looks for `module.Task` and fails unless the module
/// binds that name too (Lib/collections/__init__.py `namedtuple`).
fn class_body_factory_class(
    model: &ModuleModel,
    attribute: &ast::ExprAttribute,
    scope: ScopeId,
) -> Option<UnfindableClass> {
    let Expr::Name(holder) = attribute.value.as_ref() else {
        return None;
    };
    let Value::Class(holder) = model.resolve(&Expr::Name(holder.clone()), scope) else {
        return None;
    };
    let holder_info = &model.classes[holder];
    if holder_info.is_local {
        return None;
    }
    let name = ast::ExprName {
        id: attribute.attr.id.clone(),
        ctx: ast::ExprContext::Load,
        range: attribute.range(),
        node_index: attribute.node_index.clone(),
    };
    let (found_in, _) = model.lookup(name.id.as_str(), holder_info.scope)?;
    if found_in != holder_info.scope {
        return None;
    }
    let found = unfindable_class(model, &name, holder_info.scope)?;
    // A module-level name of the same spelling may be the class itself.
    if model
        .lookup(&found.typename, crate::semantic::MODULE_SCOPE)
        .is_some()
    {
        return None;
    }
    Some(UnfindableClass {
        in_class: Some(holder_info.qualname.clone()),
        local: false,
        ..found
    })
}

/// A function that a decorator replaced at its module-level name, sent to a
/// child from inside the decorator's wrapper (`Process(target=_run,
/// args=(function, ...))` in a timeout decorator). pickle sends a function by
/// reference to `module.qualname` and checks that the name still holds the
/// same object (Lib/pickle.py `save_global`): it holds the wrapper, so
/// `PicklingError: Can't pickle <function f at 0x...>: it's not the same
/// object as __main__.f` — with or without `functools.wraps`.
#[derive(Debug, Clone)]
pub struct ReplacedOriginal {
    /// The decorated function (module, id), the first one found.
    pub module: usize,
    pub function: FunctionId,
    /// The decorated function's name.
    pub name: String,
    /// Where the decorator is applied (`@timeout(5)`), in `module`.
    pub decorator_range: ruff_text_size::TextRange,
}

/// The function a decorator's parameter read in `scope` (a closure variable
/// of the wrapper) holds, when the decorator returns a wrapper it defines and
/// is applied with `@` to a module-level function of the project.
pub fn replaced_original(
    project: &Project,
    module: usize,
    expr: &Expr,
    scope: ScopeId,
) -> Option<ReplacedOriginal> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let model = &project.models[module];
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    let [binding] = bindings else {
        return None;
    };
    if !matches!(binding.kind, BindingKind::Parameter(0)) || found_in == scope {
        return None;
    }
    let ScopeKind::Function(decorate) = model.scopes[found_in].kind else {
        return None;
    };
    let decorate_info = &model.functions[decorate];
    if decorate_info.class.is_some() || decorate_info.def.parameters.len() != 1 {
        return None;
    }
    // It returns a wrapper of its own, never the function it was given.
    returned_local_function(model, decorate)?;
    for (m, decorated_model) in project.models.iter().enumerate() {
        for (f, info) in decorated_model.functions.iter_enumerated() {
            if info.is_local || info.class.is_some() || info.in_main_guard {
                continue;
            }
            let [decorator] = info.def.decorator_list.as_slice() else {
                continue;
            };
            let applied = match &decorator.expression {
                Expr::Call(call) => {
                    let Some((factory_module, factory)) =
                        resolve_project_function(project, m, &call.func, info.parent_scope)
                    else {
                        continue;
                    };
                    factory_module == module
                        && returned_local_function(&project.models[module], factory)
                            == Some(decorate)
                }
                expression => {
                    resolve_project_function(project, m, expression, info.parent_scope)
                        == Some((module, decorate))
                }
            };
            if applied {
                return Some(ReplacedOriginal {
                    module: m,
                    function: f,
                    name: info.def.name.to_string(),
                    decorator_range: decorator.range(),
                });
            }
        }
    }
    None
}

fn resolve_project_function(
    project: &Project,
    module: usize,
    expr: &Expr,
    scope: ScopeId,
) -> Option<(usize, FunctionId)> {
    match project.models[module].resolve(expr, scope) {
        Value::Function(function) => Some((module, function)),
        Value::Qualified(name) => project.resolve_function(module, &name),
        _ => None,
    }
}

/// The function `function` defines and returns on every `return`.
fn returned_local_function(model: &ModuleModel, function: FunctionId) -> Option<FunctionId> {
    let info = &model.functions[function];
    let mut found = None;
    for returned in &info.returns {
        match model.resolve(returned, info.scope) {
            Value::Function(inner) if model.functions[inner].parent_scope == info.scope => {
                if found.is_some_and(|seen| seen != inner) {
                    return None;
                }
                found = Some(inner);
            }
            _ => return None,
        }
    }
    found
}
