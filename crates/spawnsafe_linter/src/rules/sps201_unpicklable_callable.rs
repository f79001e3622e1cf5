//! SPS201 unpicklable-callable, and SPS105 worker-defined-in-guard: both are
//! about what a value sent to a child process pickles as. Why pickle cannot
//! find it by name is the semantic model's
//! [`unfindable`](crate::semantic::unfindable); the fix is
//! [`fix::sent_definition`](crate::fix::sent_definition).

use ruff_text_size::Ranged;

use crate::diagnostic::Related;
use crate::messages::crossing::{
    helper_note, not_the_same_object, pickled_module_name, pickled_under,
};
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::unfindable::{lambda_error, unfindable, Unfindable};
use crate::targets::Methods;
use crate::workers::SentValue;

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

pub fn check(checker: &mut Checker) {
    let module = checker.module;
    // Every value this module sends, directly or through a helper's parameter
    // (`run_parallel(work, items)` where `run_parallel` does `pool.map(func, items)`).
    let sent = checker.sent;
    for sent in sent
        .iter()
        .filter(|sent| sent.module == module && !sent.site.pickler.pickles_code_by_value())
    {
        report(checker, sent);
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

fn report(checker: &mut Checker, sent: &SentValue) {
    let model = &checker.project.models[checker.module];
    let Some(problem) = unfindable(model, &sent.value) else {
        return;
    };
    let replaced = match &problem {
        Unfindable::ReplacedByInstance { name, .. } | Unfindable::ReplacedOriginal { name, .. } => {
            Some(name.clone())
        }
        _ => None,
    };
    let pinned = checker.pinned(sent.site.context_method.as_deref());
    let role = sent.site.role;
    let mut related: Vec<Related> = helper_note(checker, sent).into_iter().collect();
    let (rule, message, help, fails_under) = match problem {
        // In an interactive main every module-level definition is missing in
        // the child, guarded or not: that is SPS204's finding.
        Unfindable::InGuard { .. } if checker.project.paths[checker.module].is_interactive_main() => return,
        Unfindable::InGuard { name, definition } => {
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
        Unfindable::ReplacedByInstance {
            name,
            class,
            attribute,
        } => {
            let module_name = pickled_module_name(checker.project, checker.module);
            (
                Rule::UnpicklableCallable,
                format!(
                    "`{name}` is the `{class}` object its decorator made of the function `{name}`, used as {}: pickling the object pickles its attribute `{attribute}`, the original function, which pickle sends by reference to `{module_name}.{name}` and finds the `{class}` object there: \"{}\"",
                    role.describe(),
                    not_the_same_object(&name, &module_name),
                ),
                format!("send a module-level function that calls the undecorated code instead, or keep the undecorated function under its own name (`def _{name}(...): ...` then `{name} = decorator(_{name})`)"),
                pickled_under(role.pickled_under_fork()),
            )
        }
        Unfindable::ReplacedOriginal {
            name,
            class,
            attribute,
        } => {
            let module_name = pickled_module_name(checker.project, checker.module);
            (
                Rule::UnpicklableCallable,
                format!(
                    "`self.{attribute}` is the function `{name}`, which its decorator replaced at its module-level name with a `{class}` object keeping it in `{attribute}`; used as {}, the function is pickled by reference to `{module_name}.{name}`, where pickle finds the `{class}` object: \"{}\"",
                    role.describe(),
                    not_the_same_object(&name, &module_name),
                ),
                format!("keep the undecorated function under its own name (`def _{name}(...): ...` then `{name} = decorator(_{name})`), or send a module-level function that calls it"),
                pickled_under(role.pickled_under_fork()),
            )
        }
        Unfindable::Lambda => (
            Rule::UnpicklableCallable,
            format!(
                "Lambda used as {} cannot be pickled: \"{}\"",
                role.describe(),
                lambda_error(model, sent.expr, sent.scope)
            ),
            "define a module-level function with `def` and pass that instead".to_string(),
            pickled_under(role.pickled_under_fork()),
        ),
        Unfindable::Local { what, qualname } => (
            Rule::UnpicklableCallable,
            format!(
                "The {what} `{qualname}` is used as {} and cannot be pickled: \"AttributeError: Can't pickle local object '{qualname}'\"",
                role.describe(),
            ),
            "move it to module level and pass the values it captures as arguments (for example with `functools.partial`)".to_string(),
            pickled_under(role.pickled_under_fork()),
        ),
    };
    let fix = match replaced {
        Some(name) => crate::fix::unwrap_decorated::fix_in(checker, &name),
        None => crate::fix::sent_definition::fix_in(checker, sent.expr, &sent.value, sent.scope),
    };
    let diagnostic = checker.report(rule, sent.expr.range(), message, Some(help));
    diagnostic.fix = fix;
    diagnostic.related = related;
    diagnostic.fails_under = Some(fails_under);
    diagnostic.pinned = pinned;
}
