//! What a knowledge-base starter's tasks carry when they are not plain
//! arguments: joblib's `delayed(f)(*args, **kwargs)` tasks, which
//! `Parallel(...)(tasks)` pickles function and arguments of
//! (joblib/parallel.py, `delayed`: `return function, args, kwargs`), and
//! the functions a starter's decorator turns into process starts.

use ruff_python_ast::Expr;

use crate::api::Api;
use crate::semantic::knowledge::{starter, StarterId, Trigger};
use crate::semantic::{FunctionId, ModuleModel, ScopeId, Value};

/// A `delayed(f)(*args, **kwargs)` task: the function and the arguments it is sent with.
pub struct DelayedTask<'a> {
    pub function: &'a Expr,
    pub arguments: Vec<&'a Expr>,
}

/// The tasks an iterable passed to `Parallel(...)(...)` holds, as written:
/// a generator or list comprehension of `delayed(f)(...)`, or a list or
/// tuple of them. Anything else (a variable, a helper's result) yields none:
/// unknown stays unknown.
pub fn delayed_tasks<'a>(
    model: &ModuleModel,
    iterable: &'a Expr,
    scope: ScopeId,
) -> Vec<DelayedTask<'a>> {
    let elements: Vec<&'a Expr> = match iterable {
        Expr::Generator(generator) => vec![generator.elt.as_ref()],
        Expr::ListComp(comprehension) => vec![comprehension.elt.as_ref()],
        Expr::List(list) => list.elts.iter().collect(),
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        _ => Vec::new(),
    };
    elements
        .into_iter()
        .filter_map(|element| delayed_task(model, element, scope))
        .collect()
}

fn delayed_task<'a>(
    model: &ModuleModel,
    element: &'a Expr,
    scope: ScopeId,
) -> Option<DelayedTask<'a>> {
    let Expr::Call(task) = element else {
        return None;
    };
    let Expr::Call(wrapper) = task.func.as_ref() else {
        return None;
    };
    if !is_delayed(&model.resolve(&wrapper.func, scope)) {
        return None;
    }
    let function = wrapper.arguments.args.first()?;
    let arguments = task
        .arguments
        .args
        .iter()
        .filter(|argument| !argument.is_starred_expr())
        .chain(
            task.arguments
                .keywords
                .iter()
                .filter(|keyword| keyword.arg.is_some())
                .map(|keyword| &keyword.value),
        )
        .collect();
    Some(DelayedTask {
        function,
        arguments,
    })
}

/// joblib's `delayed`, and the re-exports scikit-learn users import it by.
fn is_delayed(value: &Value) -> bool {
    matches!(
        value,
        Value::Qualified(name) if matches!(
            name.as_str(),
            "joblib.delayed" | "joblib.parallel.delayed" | "sklearn.utils.parallel.delayed" | "sklearn.utils.fixes.delayed"
        )
    )
}

/// The knowledge-base starter a function's decorator makes it (pebble's
/// `@concurrent.process`: every call of the function starts a process), with
/// the start method the decorator pins; `None` when its arguments rule a
/// start out (`context=`, `pool=`).
pub fn decorated_start(
    model: &ModuleModel,
    function: FunctionId,
) -> Option<(StarterId, Option<String>)> {
    let info = &model.functions[function];
    info.def.decorator_list.iter().find_map(|decorator| {
        let (callee, call) = match &decorator.expression {
            Expr::Call(call) => (call.func.as_ref(), Some(call)),
            other => (other, None),
        };
        let Some(Api::Library(id)) = model.resolve(callee, info.parent_scope).api() else {
            return None;
        };
        let known = starter(id);
        if known.starts != Trigger::DecoratedCall || !known.reimports_main {
            return None;
        }
        match call {
            Some(call) => known
                .may_start_with(call, &|expr| {
                    crate::semantic::argvalues::possible_values(model, expr, info.parent_scope)
                })
                .then(|| (id, known.pinned_method(call))),
            None => Some((id, None)),
        }
    })
}
