//! What a pickled callable carries across the process boundary besides its
//! name: a `functools.partial` pickles as `(partial, (func,), (func, args,
//! kwds, __dict__))` (Lib/functools.py `partial.__reduce__`), so its bound
//! arguments travel with the task exactly like the task's own arguments, and
//! a multiprocessing `Lock` bound into the function given to `Pool.map` fails
//! as one passed in the iterable does.

use ruff_python_ast::{self as ast, Expr};

use crate::api::Api;
use crate::facts::{PickleRole, Sender};
use crate::semantic::{BindingKind, ModuleModel, ScopeId};

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
