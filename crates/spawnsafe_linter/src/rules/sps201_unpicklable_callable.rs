//! SPS201 unpicklable-callable, and SPS105 worker-defined-in-guard: both are
//! about what a value sent to a child process pickles as.

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange};

use crate::diagnostic::Related;
use crate::facts::PickleRole;
use crate::fix::hoist::{self, Definition};
use crate::fix::Fix;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::{BindingKind, ClassId, ModuleModel, ScopeId, ScopeKind, Value};
use crate::targets::Methods;

pub const DOCS: &str = r#"# unpicklable-callable (SPS201)

## What it does
Finds a callable that the standard `pickle` cannot send to a child process —
a `lambda`, a nested function or closure, a class defined inside a function,
a bound method of such a class, or `functools.partial` of one of those — used
as a `Pool` task function (`map`, `imap`, `apply_async`, `starmap`, …), a
`ProcessPoolExecutor` task (`submit`, `map`), a `Process` target, or a
`Pool`/executor initializer.

Also a `multiprocessing.pool.Pool` subclass whose `Process` method (the
factory `Pool._repopulate_pool_static` calls for every worker, then
`w.start()`) gives the workers a class defined inside that method
(`proc.__class__ = NoDaemonProcess`, the "nested pool" recipe): under spawn
and forkserver `start()` pickles the process object, and its class by name.

## Why is this bad?
`pickle` sends functions *by reference*: the module name and the qualified
name, looked up again in the child. A lambda (`<lambda>`) or a local object
(`main.<locals>.work`) has no name the child could look up. Python 3.11 says:

```
_pickle.PicklingError: Can't pickle <function <lambda> at 0x7f...>: attribute lookup <lambda> on __main__ failed
AttributeError: Can't pickle local object 'main.<locals>.work'
```

Python 3.13 words the second one `Can't get local object 'main.<locals>.work'`;
Python 3.14 raises `PicklingError: Can't pickle local object ...`. Inside a
comprehension on 3.11 the lookup is `<listcomp>.<lambda>`.

When it fails depends on the API:

- **`Pool` and `ProcessPoolExecutor` task functions** are pickled under every
  start method, fork included: this fails everywhere.
- **`Process` targets and initializers** are pickled only under *spawn* and
  *forkserver* — Windows, macOS, and Linux with Python 3.14+ — so code that
  works on Linux up to 3.13 breaks there.

`multiprocess` (the dill-based fork of multiprocessing) pickles lambdas and
closures by value and is not reported; thread pools (`ThreadPool`,
`multiprocessing.dummy`, `ThreadPoolExecutor`) pickle nothing.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `lambda-task`, `nested-function-task`, `not-the-same-object` cases). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

A lambda (its qualified name `<lambda>` is no attribute of its module):

| Python | Message |
|---|---|
| 3.8-3.13 | `_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: attribute lookup <lambda> on __main__ failed` |
| 3.14 | `_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: it's not found as __main__.<lambda>` |

A nested function, a local class, a bound method of a local class:

| Python | Message |
|---|---|
| 3.8-3.12 | `AttributeError: Can't pickle local object 'main.<locals>.work'` |
| 3.13 | `AttributeError: Can't get local object 'main.<locals>.work'` |
| 3.14 | `_pickle.PicklingError: Can't pickle local object <function main.<locals>.work at 0x...>` |

A function whose module-level name holds something else (a decorator's
wrapper; here the `__wrapped__` original is sent):

| Python | Message |
|---|---|
| 3.8-3.13 | `_pickle.PicklingError: Can't pickle <function work at 0x...>: it's not the same object as __main__.work` |
| 3.14 | `_pickle.PicklingError: Can't pickle <function work at 0x...>: it's not the same object as __main__.work` |

Sources: `Modules/_pickle.c` `save_global` (3.8-3.13: `get_dotted_path`
raises the local-object `AttributeError`, reworded to `Can't
get local object` in 3.13); 3.14: `Lib/pickle.py` `whichmodule` raises
`PicklingError(f"Can't pickle local object {obj!r}")`, `it's not found as`
and `it's not the same object as`, read at python/cpython 015a323e. 3.14 also
adds notes naming the path to the failing object (`when serializing dict item
'key'` from `_batch_setitems`, `when serializing list item 0` from
`_batch_appends`, `when serializing Worker object` from `save`).

## Example
```python
from multiprocessing import Pool

def main(scale):
    def work(x):
        return x * scale

    with Pool(2) as pool:
        print(pool.map(work, range(4)))
```

Use instead:
```python
import functools
from multiprocessing import Pool

def work(x, scale):
    return x * scale

def main(scale):
    with Pool(2) as pool:
        print(pool.map(functools.partial(work, scale=scale), range(4)))
```

## Fix
`--fix` gives the child something it can find by name:

- a `lambda` becomes a module-level `def` named `_<function>_lambda_<n>`
  (`_lambda_<n>` outside functions), inserted before the top-level statement
  that holds it, with its parameters and defaults kept;
- a nested function or a class defined inside a function moves to module
  level under its own name, when that name is free in the module.

This is safe when everything the code reads means the same at module level:
its parameters and locals, builtins, and module-level names bound outside the
main guard (a name its decorators or defaults read must be bound before the
new position). It is unsafe when decorators, non-literal defaults or a class
body would run once at import instead of on every call, or when it reads a
global that the program assigns at run time.

A lambda or nested function that reads variables of the function around it
(or names bound only in the main guard) becomes a module-level function that
takes them as keyword-only parameters, sent as
`functools.partial(func, name=name)` (adding `import functools` if needed).
That fix is always unsafe: the closure read those variables when it ran, the
partial binds their values when it is made, and the values must pickle. There
is no fix when the code assigns a captured variable (`nonlocal`), when a
decorator or default reads one, when a nested function is used anywhere else,
or when a captured value is itself a local function, class or lambda. The
one default that may read one is a lambda's `name=name`, the idiom that
freezes a loop variable (`lambda i=i: work(i)`): the parameter becomes one
the partial binds by keyword, read at the same moment the default was
(unsafe too: a call that passes it positionally fails).


A module-level function that its decorator replaced with a nested wrapper
not marked `functools.wraps` gets `@functools.wraps(func)` on that wrapper
(`func` being the decorator's parameter the wrapper calls), with `import
functools` if needed: the wrapper then carries the function's qualified
name, the module attribute of that name is the wrapper itself, and pickle
finds it (`Lib/pickle.py`, `save_global`). It is offered for a function with
one decorator, and unsafe: the wrapper's `__name__`, `__qualname__`,
`__doc__` and `__wrapped__` become the function's.

A module-level function whose decorator replaced it while the child still
gets the original (`Process(target=self.func)` in the object a
`@run_as_process` made, a timeout decorator sending `function` in a
`Process`'s args, a `Flow` object keeping `fn`) is pickled by reference to
its name and found to be another object there ("it's not the same object",
Lib/pickle.py `save_global`). `--unsafe-fixes` keeps the original under
its own name and binds the decorated object explicitly: `@deco def work`
becomes `def _work` followed by `work = deco(_work)` (stacked decorators
compose in order). `_work` is then what its qualified name names, and the
child's import runs the same decorator again. Unsafe: the original's
`__name__` and `__qualname__`, and what a decorator copies from them, become
`_work`. It is offered when `_work` is unused in the module and the
decorators are lines of their own without comments.

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- Under spawn and forkserver, `Process.start()` pickles the process object
  (target, args, kwargs, and a `Process` subclass's `__dict__`) before the
  child runs: `popen_spawn_posix.py:46-47` and `popen_forkserver.py:46-47`
  (`reduction.dump(process_obj, fp)` into a buffer, in the parent, so the error
  is raised by `start()`), `popen_spawn_win32.py:94-95` (straight into the
  pipe to a child that already exists: the child then dies with
  `EOFError: Ran out of input`). Under fork nothing is pickled.
- `Pool` tasks are pickled by the task handler thread (`pool.py:528-540`
  `_handle_tasks`, `put(task)`); results come back through `pool.py:124-136`
  `worker` (`put((job, i, result))`, wrapped in `MaybeEncodingError` when the
  result does not pickle). Executor tasks and results: `concurrent/futures/process.py`
  (`_process_worker`, line 225; `_sendback_result`, line 213). Both pickle under
  every start method.
- The standard pickler sends functions and classes by reference
  (`Lib/pickle.py:1056` `save_global`; the C accelerator `Modules/_pickle.c`
  `save_global` prints the messages quoted above): a name the child cannot
  look up, or one bound to another object ("it's not the same object as"),
  fails.

## References
- [pickle: What can be pickled and unpickled?](https://docs.python.org/3/library/pickle.html#what-can-be-pickled-and-unpickled)
- [multiprocessing programming guidelines: More picklability](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-programming)
"#;

/// Why a value cannot reach the child.
enum Problem {
    Lambda,
    /// A function, class or method of a class defined inside a function: its qualified name.
    Local {
        what: &'static str,
        qualname: String,
    },
    /// A module-level function its decorator replaced with an instance of a
    /// class that keeps the function in an attribute.
    ReplacedByInstance {
        name: String,
        class: String,
        attribute: String,
    },
    /// The attribute of such an instance read by the instance's own code
    /// (`target=self.func` in its `__call__`): the original function, sent
    /// by its module-level name, which holds the instance.
    ReplacedOriginal {
        name: String,
        class: String,
        attribute: String,
    },
    /// Defined in the main guard: the name and where it is defined.
    InGuard {
        name: String,
        definition: TextRange,
    },
}

fn problem(model: &ModuleModel, value: &Value) -> Option<Problem> {
    match value {
        Value::Lambda => Some(Problem::Lambda),
        Value::Partial(inner) | Value::Collection(inner) => problem(model, inner),
        Value::Function(function) => {
            let info = &model.functions[*function];
            if info.is_local {
                return Some(Problem::Local {
                    what: "nested function",
                    qualname: info.qualname.clone(),
                });
            }
            if let Some(class) = info.class {
                return class_problem(model, class, "method of a class defined inside a function");
            }
            if let Some(wrapper) = model.replaced_by_wrapper(*function) {
                return Some(Problem::Local {
                    what: "function replaced by its decorator's wrapper (no `functools.wraps`)",
                    qualname: model.functions[wrapper].qualname.clone(),
                });
            }
            if let Some(replacing) = model.replaced_by_instance(*function) {
                return Some(Problem::ReplacedByInstance {
                    name: info.def.name.to_string(),
                    class: model.classes[replacing.class].qualname.clone(),
                    attribute: replacing.attribute,
                });
            }
            let name = info.def.name.as_str();
            (info.in_main_guard && !model.has_module_binding_outside_guard(name)).then(|| {
                Problem::InGuard {
                    name: name.to_string(),
                    definition: info.def.name.range,
                }
            })
        }
        Value::Class(class) => class_problem(model, *class, "class defined inside a function"),
        Value::Instance(class) => match class.as_ref() {
            Value::Class(class) => class_problem(
                model,
                *class,
                "instance of a class defined inside a function",
            ),
            _ => None,
        },
        Value::BoundMethod(receiver, attribute) => match receiver.as_ref() {
            Value::Instance(class) => match class.as_ref() {
                Value::Class(class) => {
                    let info = &model.classes[*class];
                    if !info.methods.contains_key(attribute.as_str())
                        && info.self_attributes.contains_key(attribute.as_str())
                    {
                        // An attribute the instance was given, not a method.
                        return replaced_original(model, *class, attribute);
                    }
                    class_problem(
                        model,
                        *class,
                        "bound method of a class defined inside a function",
                    )
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The module-level function whose decorator made an instance of `class`
/// keeping it in `attribute`, when exactly one did: what that attribute holds.
fn replaced_original(model: &ModuleModel, class: ClassId, attribute: &str) -> Option<Problem> {
    let mut replaced = model.functions.iter_enumerated().filter(|(function, _)| {
        model
            .replaced_by_instance(*function)
            .is_some_and(|replacing| replacing.class == class && replacing.attribute == attribute)
    });
    let (_, info) = replaced.next()?;
    if replaced.next().is_some() {
        return None;
    }
    Some(Problem::ReplacedOriginal {
        name: info.def.name.to_string(),
        class: model.classes[class].qualname.clone(),
        attribute: attribute.to_string(),
    })
}

fn class_problem(model: &ModuleModel, class: ClassId, what: &'static str) -> Option<Problem> {
    let info = &model.classes[class];
    if info.is_local {
        return Some(Problem::Local {
            what,
            qualname: info.qualname.clone(),
        });
    }
    let name = info.def.name.as_str();
    (info.in_main_guard && !model.has_module_binding_outside_guard(name)).then(|| {
        Problem::InGuard {
            name: name.to_string(),
            definition: info.def.name.range,
        }
    })
}

/// The start methods under which the role's value is pickled.
fn pickled_under(role: PickleRole) -> Methods {
    if role.pickled_under_fork() {
        Methods::ALL
    } else {
        Methods::SPAWN_AND_FORKSERVER
    }
}

fn lambda_error(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> String {
    // A lambda written inside a function is a local object; elsewhere its lookup fails.
    if matches!(expr, Expr::Lambda(_)) {
        if let ScopeKind::Function(function) = model.scopes[scope].kind {
            return format!(
                "AttributeError: Can't pickle local object '{}.<locals>.<lambda>'",
                model.functions[function].qualname
            );
        }
    }
    "_pickle.PicklingError: Can't pickle <function <lambda> ...>".to_string()
}

/// A value on its way to a child: where it is written, and what sends it.
struct Sent<'s> {
    expr: &'s Expr,
    value: &'s Value,
    role: PickleRole,
    /// The API's pinned start method, when the code pins one.
    context_method: Option<&'s str>,
    /// Where a helper function sends it (for a value passed to a helper).
    via: Option<Related>,
}

pub fn check(checker: &mut Checker) {
    let module = checker.module;
    // Every value this module sends, directly or through a helper's parameter
    // (`run_parallel(work, items)` where `run_parallel` does `pool.map(func, items)`).
    let sent_here: Vec<_> = checker
        .sent
        .iter()
        .filter(|sent| sent.module == module && !sent.site.pickler.pickles_code_by_value())
        .collect();
    for sent in sent_here {
        let via = sent.via_parameter.then(|| {
            let helper = match checker.project.models[sent.site_module].scopes[sent.site.scope].kind
            {
                ScopeKind::Function(function) => checker.project.models[sent.site_module].functions
                    [function]
                    .qualname
                    .clone(),
                _ => "the helper".to_string(),
            };
            Related {
                file: checker.files[sent.site_module].clone(),
                range: sent.site.expr.range(),
                message: format!("`{helper}` sends it to child processes here"),
            }
        });
        let value = Sent {
            expr: sent.expr,
            value: &sent.value,
            role: sent.site.role,
            context_method: sent.site.context_method.as_deref(),
            via,
        };
        report(checker, &value, sent.scope);
    }
    // A pool subclass whose `Process` factory gives the workers a local class.
    for pool in spawnsafe_flow::pool_process_factory::local_process_pools(checker.project, module) {
        let message = format!(
            "`{}.Process()` gives the pool's worker processes the class `{}`, defined inside that method: the pool starts each worker with `start()`, which under spawn pickles the process object, and its class pickles by qualified name: \"AttributeError: Can't pickle local object '{}'\"",
            pool.pool_class, pool.local_class, pool.local_class
        );
        let related = vec![
            Related {
                file: checker.file().clone(),
                range: pool.local_class_at,
                message: format!(
                    "`{}` is defined here, inside `{}.Process`",
                    pool.local_class, pool.pool_class
                ),
            },
            Related {
                file: checker.file().clone(),
                range: pool.call,
                message: format!("a `{}` starts its workers here", pool.pool_class),
            },
        ];
        let diagnostic = checker.report(
            Rule::UnpicklableCallable,
            pool.given_at,
            message,
            Some("define the process class at module level (for example `class NoDaemonProcess(multiprocessing.context.SpawnProcess)` with a `daemon` property), and give it to the workers from `Process`".to_string()),
        );
        diagnostic.related = related;
        diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
    }
}

fn report(checker: &mut Checker, sent: &Sent, scope: ScopeId) {
    let model = &checker.project.models[checker.module];
    let Some(problem) = problem(model, sent.value) else {
        return;
    };
    let replaced = match &problem {
        Problem::ReplacedByInstance { name, .. } | Problem::ReplacedOriginal { name, .. } => {
            Some(name.clone())
        }
        _ => None,
    };
    let pinned = checker.pinned(sent.context_method);
    let role = sent.role;
    let range = sent.expr.range();
    let mut related: Vec<Related> = sent.via.iter().cloned().collect();
    let (rule, message, help, fails_under) = match problem {
        // In an interactive main every module-level definition is missing in
        // the child, guarded or not: that is SPS204's finding.
        Problem::InGuard { .. } if checker.project.paths[checker.module].is_interactive_main() => return,
        Problem::InGuard { name, definition } => {
            related.insert(
                0,
                Related {
                    file: checker.file().clone(),
                    range: definition,
                    message: format!("`{name}` is defined here, inside the main guard"),
                },
            );
            (
                Rule::WorkerDefinedInGuard,
                format!(
                    "`{name}` is defined inside `if __name__ == \"__main__\":` and sent to child processes as {}: spawn children import this file as `__mp_main__`, where it does not exist (\"AttributeError: Can't get attribute '{name}' on <module '__mp_main__'>\")",
                    role.describe()
                ),
                format!("move the definition of `{name}` out of the guard, to module level"),
                // Under fork the child is a copy of the parent and has the name.
                Methods::SPAWN_AND_FORKSERVER,
            )
        }
        Problem::ReplacedByInstance {
            name,
            class,
            attribute,
        } => {
            let path = &checker.project.paths[checker.module];
            let module_name = if model.has_main_guard && !path.in_package {
                "__main__".to_string()
            } else {
                path.name.clone()
            };
            (
                Rule::UnpicklableCallable,
                format!(
                    "`{name}` is the `{class}` object its decorator made of the function `{name}`, used as {}: pickling the object pickles its attribute `{attribute}`, the original function, which pickle sends by reference to `{module_name}.{name}` and finds the `{class}` object there: \"_pickle.PicklingError: Can't pickle <function {name} at 0x...>: it's not the same object as {module_name}.{name}\"",
                    role.describe(),
                ),
                format!("send a module-level function that calls the undecorated code instead, or keep the undecorated function under its own name (`def _{name}(...): ...` then `{name} = decorator(_{name})`)"),
                pickled_under(role),
            )
        }
        Problem::ReplacedOriginal {
            name,
            class,
            attribute,
        } => {
            let path = &checker.project.paths[checker.module];
            let module_name = if model.has_main_guard && !path.in_package {
                "__main__".to_string()
            } else {
                path.name.clone()
            };
            (
                Rule::UnpicklableCallable,
                format!(
                    "`self.{attribute}` is the function `{name}`, which its decorator replaced at its module-level name with a `{class}` object keeping it in `{attribute}`; used as {}, the function is pickled by reference to `{module_name}.{name}`, where pickle finds the `{class}` object: \"_pickle.PicklingError: Can't pickle <function {name} at 0x...>: it's not the same object as {module_name}.{name}\"",
                    role.describe(),
                ),
                format!("keep the undecorated function under its own name (`def _{name}(...): ...` then `{name} = decorator(_{name})`), or send a module-level function that calls it"),
                pickled_under(role),
            )
        }
        Problem::Lambda => (
            Rule::UnpicklableCallable,
            format!(
                "Lambda used as {} cannot be pickled: \"{}\"",
                role.describe(),
                lambda_error(model, sent.expr, scope)
            ),
            "define a module-level function with `def` and pass that instead".to_string(),
            pickled_under(role),
        ),
        Problem::Local { what, qualname } => (
            Rule::UnpicklableCallable,
            format!(
                "The {what} `{qualname}` is used as {} and cannot be pickled: \"AttributeError: Can't pickle local object '{qualname}'\"",
                role.describe(),
            ),
            "move it to module level and pass the values it captures as arguments (for example with `functools.partial`)".to_string(),
            pickled_under(role),
        ),
    };
    let fix = match replaced {
        Some(name) => crate::fix::unwrap_decorated::fix_in(checker, &name),
        None => fix(checker, sent, scope),
    };
    let diagnostic = checker.report(rule, range, message, Some(help));
    diagnostic.fix = fix;
    diagnostic.related = related;
    diagnostic.fails_under = Some(fails_under);
    diagnostic.pinned = pinned;
}

/// The fix for a value sent to a child: hoist what it names to module level.
fn fix(checker: &Checker, sent: &Sent, scope: ScopeId) -> Option<Fix> {
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
    value_fix(&context, Some(sent.expr), sent.value, scope)
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
