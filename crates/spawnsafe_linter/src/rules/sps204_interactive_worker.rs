//! SPS204 interactive-worker.

use ruff_text_size::{Ranged, TextRange};

use crate::diagnostic::Related;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::{ModuleModel, Value};
use crate::targets::Methods;

pub const DOCS: &str = r#"# interactive-worker (SPS204)

## What it does
Finds a function or class defined in an interactive main module — a Jupyter
notebook cell, or a package's `__main__.py` run with `python -m pkg` — that is
sent to a child process: a `Pool`/`ProcessPoolExecutor` task function, a
`Process` target, an initializer, a started `Process` subclass, or an instance
or `functools.partial` passed as an argument.

## Why is this bad?
`pickle` sends functions and classes *by reference*, as `__main__.work`, and
the child looks the name up in its own `__main__`. Under *spawn* and
*forkserver* (Windows, macOS, Linux with Python 3.14+) the child rebuilds
`__main__` by re-importing the parent's main module — but only when that module
can be imported again:

- a notebook (and the IPython/Jupyter kernel's `__main__`) has no file: the
  child's `__main__` stays empty;
- a package's `__main__.py` run with `python -m pkg` is skipped on purpose:
  `multiprocessing.spawn._fixup_main_from_name` does nothing for main modules
  named `__main__` (running `python -m pkg.mod` re-imports `pkg.mod` and works).

So the child fails to unpickle the task:

```
AttributeError: Can't get attribute 'work' on <module '__main__' (built-in)>
```

(Python 3.12+ prints `<module '__main__' (<class '_frozen_importlib.BuiltinImporter'>)>`.)
A `Pool` then hangs, replacing workers that die one after another; a
`ProcessPoolExecutor` raises `BrokenProcessPool`; a `Process` exits with code 1.
Under fork the child is a copy of the parent and has the name, so the same
notebook works on Linux up to Python 3.13.

A top-level `Pool()` in a notebook is *not* a problem: the child never re-runs
the notebook, so the bootstrapping error of SPS101 cannot happen there.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `interactive-main` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

The child, whose `__main__` has no file to re-import (run here as
`python -c`, as a notebook kernel's is):

| Python | Message |
|---|---|
| 3.8-3.11 | `AttributeError: Can't get attribute 'work' on <module '__main__' (built-in)>` |
| 3.12-3.13 | `AttributeError: Can't get attribute 'work' on <module '__main__' (<class '_frozen_importlib.BuiltinImporter'>)>` |
| 3.14 | `AttributeError: module '__main__' has no attribute 'work'` |

Sources: `Modules/_pickle.c` `_pickle_Unpickler_find_class_impl` (3.8-3.13);
3.14 `Lib/pickle.py` `_Unpickler.find_class` (see SPS105);
`Lib/multiprocessing/spawn.py` `get_preparation_data` sends no `init_main_from_path`
when `__main__` has no `__file__`. The module's repr changed in 3.12, which removed the loaders'
`module_repr()`: `Lib/importlib/_bootstrap.py` `_module_repr_from_spec` now
prints the loader.

## Example
A notebook cell:
```python
from multiprocessing import Pool

def square(x):
    return x * x

with Pool(2) as pool:
    print(pool.map(square, range(4)))
```

Use instead: define the worker in a module next to the notebook and import it:
```python
# tasks.py
def square(x):
    return x * x
```
```python
from multiprocessing import Pool
from tasks import square

with Pool(2) as pool:
    print(pool.map(square, range(4)))
```

## References
- [multiprocessing: Using a pool of workers](https://docs.python.org/3/library/multiprocessing.html#using-a-pool-of-workers) ("functionality within this package requires that the `__main__` module be importable by the children")
- [multiprocessing.spawn source: `_fixup_main_from_name`](https://github.com/python/cpython/blob/main/Lib/multiprocessing/spawn.py)
"#;

/// A module-level function or class of this module that the value stands for.
fn defined_here(model: &ModuleModel, value: &Value) -> Option<(String, TextRange)> {
    match value {
        Value::Function(function) => {
            let info = &model.functions[*function];
            (!info.is_local && info.class.is_none())
                .then(|| (info.def.name.to_string(), info.def.name.range))
        }
        Value::Class(class) => {
            let info = &model.classes[*class];
            (!info.is_local).then(|| (info.def.name.to_string(), info.def.name.range))
        }
        Value::Instance(inner) | Value::Partial(inner) | Value::Collection(inner) => {
            defined_here(model, inner)
        }
        Value::BoundMethod(receiver, _) => defined_here(model, receiver),
        _ => None,
    }
}

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let path = &project.paths[module];
    if !path.is_interactive_main() {
        return;
    }
    let model = &project.models[module];
    let place = if path.is_notebook {
        "in a notebook cell"
    } else {
        "in the package's `__main__.py`"
    };
    for sent in checker.sent.iter().filter(|sent| sent.module == module) {
        if sent.site.pickler.pickles_code_by_value() {
            continue;
        }
        let Some((name, definition)) = defined_here(model, &sent.value) else {
            continue;
        };
        let message = format!(
            "`{name}` is defined {place} and sent to child processes as {}: spawn children cannot re-import this `__main__`, so unpickling fails with \"AttributeError: Can't get attribute '{name}' on <module '__main__' (built-in)>\"",
            sent.site.role.describe()
        );
        let mut related = vec![Related {
            file: checker.file().clone(),
            range: definition,
            message: format!("`{name}` is defined here"),
        }];
        if sent.via_parameter {
            related.push(Related {
                file: checker.files[sent.site_module].clone(),
                range: sent.site.expr.range(),
                message: "and sent to child processes here".to_string(),
            });
        }
        let pinned = checker.pinned(sent.site.context_method.as_deref());
        let diagnostic = checker.report(
            Rule::InteractiveWorker,
            sent.expr.range(),
            message,
            Some(format!(
                "define `{name}` in a module (a `.py` file next to it) and import it from there"
            )),
        );
        diagnostic.related = related;
        diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
        diagnostic.pinned = pinned;
    }
}
