//! SPS104 start-method-at-import: `set_start_method()` without `force=True` where a
//! spawn child runs it again, or after the context is already fixed. Its fixes are
//! [`fix::start_method`](crate::fix::start_method).

use crate::diagnostic::Related;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::targets::{Methods, StartMethod};
use spawnsafe_flow::import_time_effects::{is_entry_script, ImportTimeEffects};
use spawnsafe_flow::late_start_methods::{late_start_methods, FixedBefore};

use crate::fix::force_start_method::force_fix;
use crate::fix::set_method_first::set_first_fix;
/// Where `fix::hoist` has always found it.
pub(crate) use crate::fix::start_method::HARMLESS_MODULES;
use crate::fix::start_method::{local_context_fix, move_into_guard_fix, only_if_unset_fix};

pub const DOCS: &str = r#"# start-method-at-import (SPS104)

## What it does
Finds `multiprocessing.set_start_method("spawn")` (or `"forkserver"`) without
`force=True` that runs while a module is imported: at the top level of the
main script, in a function called there, or at import time of a module the
script imports. A call inside `try: ... except RuntimeError:` is fine.

## Why is this bad?
A spawn child first sets its own start method (`multiprocessing.spawn.prepare`
calls `set_start_method(..., force=True)`) and then re-imports the main script.
The script's `set_start_method()` then runs a second time in the child and
raises:

```
RuntimeError: context has already been set
```

The same error is raised in the parent by a second `set_start_method()`
without `force=True`, or by one that comes after a `Queue()`, `Lock()`,
`Pool()`, `get_context()` or `get_start_method()` already fixed the default
context: this rule reports those too.

Every child dies: a `Pool` hangs forever replacing dead workers, a
`ProcessPoolExecutor` raises `BrokenProcessPool`, a `Process` exits with code 1
while the parent carries on. This happens on every platform, Linux included,
as soon as the script asks for spawn or forkserver. `set_start_method("fork")`
is not reported here: fork children do not re-import the script.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `context-already-set` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

| Python | Message |
|---|---|
| 3.8-3.14 | `RuntimeError: context has already been set` |

Source: `Lib/multiprocessing/context.py` `DefaultContext.set_start_method`
(`if self._actual_context is not None and not force: raise RuntimeError(...)`);
the spawn child's `spawn.prepare` → `_fixup_main_from_path` re-runs the
script after `spawn_main` set the context (`set_start_method(..., force=True)`
in `spawn.prepare`). `get_start_method()` without `allow_none=True` and
creating a `Queue`/`Lock`/`Pool` fix the context through
`DefaultContext.get_context`.

## Example
```python
import multiprocessing as mp

mp.set_start_method("spawn")

def work(x):
    return x * 2

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print(pool.map(work, range(4)))
```

Use instead:
```python
import multiprocessing as mp

def work(x):
    return x * 2

if __name__ == "__main__":
    mp.set_start_method("spawn")
    with mp.Pool(2) as pool:
        print(pool.map(work, range(4)))
```

or a context, which sets nothing global: `ctx = mp.get_context("spawn")` and
`ctx.Pool(2)`.

## Fix
`--fix` moves the top-level statement that makes the call — the call itself,
or an `if`/`try` around it that calls nothing else and binds no name — to the
start of the main guard (after a `freeze_support()` that opens it). The fix is
safe, and offered only when the parent does exactly what it did: the file is
a script that nothing imports, with a guard below the call, and everything
that runs at import time after the call (apart from the guard) is a
definition, a call-free assignment or an import of a standard library module
that makes no processes, so nothing there can depend on the start method. A
spawn child no longer makes the call: it already runs under the method the
parent chose.

A library module (not the main script) that sets the method at import time
and makes its own processes gets, with `--unsafe-fixes`, a local context
instead, when that is all the setting serves — no other project module makes
processes or queues through the default context — and every use of
`multiprocessing` in the module can follow it:

```python
_ctx = mp.get_context("spawn")   # was: mp.set_start_method("spawn")

def squares(values):
    with _ctx.Pool(2) as pool:   # was: mp.Pool(2)
        return pool.map(_square, values)
```

Its `Pool`, `Process`, `Queue`, `Lock`, `Manager`... (through `mp.X` or a
`from multiprocessing import X` name) go through the context, and a
`ProcessPoolExecutor(...)` gets `mp_context=`. The name (`_ctx`) is one the
module does not use. It is unsafe because the method is no longer set for the
whole program. There is no such fix when the module uses a submodule
(`multiprocessing.pool`, `multiprocessing.managers`), passes the module
around, already gives an executor an `mp_context`, or uses one of those names
at import time before the call.

Otherwise, where the call cannot move — at import time in a library module, or
in a helper of the same module called at import time — `--unsafe-fixes` makes
it run only while no start method is set:

```python
if multiprocessing.get_start_method(allow_none=True) is None:
    multiprocessing.set_start_method("spawn")
```

A spawn or forkserver child has its method set before it re-imports the
module, so it skips the call; the parent still makes it the first time. It is
unsafe because a program whose method was already set keeps that method
instead of stopping with "context has already been set".

No fix is offered for a call in another module's helper, in a function after
the context is fixed (`Queue()` first, or a second call: skipping it would
hide that the program does not get the method it asks for), or in a main
script when code after it could use the start method.

## References
- [multiprocessing.set_start_method](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.set_start_method)
- [multiprocessing: Contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
"#;

pub fn check(checker: &mut Checker, effects: &ImportTimeEffects) {
    // `python -m pkg` never re-imports `pkg/__main__.py` in a child.
    let path = &checker.project.paths[checker.module];
    if path.is_interactive_main() || path.is_conftest {
        return;
    }
    for effect in &effects.set_start_methods {
        let what = if effect.trace.is_empty() {
            "`set_start_method()` without `force=True` runs at import time".to_string()
        } else {
            format!("{} without `force=True` at import time", effect.description)
        };
        let message = format!(
            "{what}: each spawn child re-imports this module after its start method is set, and the call raises \"RuntimeError: context has already been set\""
        );
        let related = checker.related(&effect.trace);
        let fix = match effect.trace.last() {
            // A main script whose call cannot move keeps it (see `move_into_guard_fix`).
            None if is_entry_script(checker.project, checker.module) => {
                move_into_guard_fix(checker, effect.range)
            }
            None => local_context_fix(checker, effect.range)
                .or_else(|| only_if_unset_fix(checker, effect.range)),
            // In a helper of this module: the call there.
            Some(step) if step.module == checker.module => only_if_unset_fix(checker, step.range),
            Some(_) => None,
        };
        let diagnostic = checker.report(
            Rule::StartMethodAtImport,
            effect.range,
            message,
            Some(
                "call it inside `if __name__ == \"__main__\":`, or use `ctx = multiprocessing.get_context(...)` and `ctx.Pool()`/`ctx.Process()`"
                    .to_string(),
            ),
        );
        diagnostic.related = related;
        diagnostic.fix = fix;
        // The call itself selects the method, so the children re-import on every platform.
        diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
        diagnostic.pinned = effect.method.as_deref().and_then(StartMethod::from_name);
    }
}
/// A `set_start_method()` that comes after the context is already fixed in
/// the same run of a body (a function, or the main guard): it raises in the parent.
pub fn check_second_calls(checker: &mut Checker) {
    for late in late_start_methods(checker.project, checker.module) {
        let fix = late
            .force
            .and_then(|(call, first)| force_fix(checker, call, first))
            .or_else(|| {
                late.set_first
                    .and_then(|(call, first)| set_first_fix(checker, call, first))
            });
        let mut related = checker.related(&late.trace);
        let (message, help) = match late.fixed {
            FixedBefore::InBody { at, how } => {
                related.insert(
                    0,
                    Related {
                        file: checker.file().clone(),
                        range: at,
                        message: how,
                    },
                );
                (
                    "`set_start_method()` without `force=True` after the start method is already fixed: it raises \"RuntimeError: context has already been set\" in the parent",
                    "set the start method once, first thing in the main guard, or use `ctx = multiprocessing.get_context(...)`",
                )
            }
            FixedBefore::ByImport(first) => {
                related.insert(
                    0,
                    Related {
                        file: checker.files[first.module].clone(),
                        range: first.range,
                        message: first.description,
                    },
                );
                (
                    "`set_start_method()` without `force=True` after importing the program already fixed the start method: it raises \"RuntimeError: context has already been set\" in the parent",
                    "set the start method in one place, or pass `force=True`, or use `ctx = multiprocessing.get_context(...)`",
                )
            }
        };
        let diagnostic = checker.report(
            Rule::StartMethodAtImport,
            late.at,
            message.to_string(),
            Some(help.to_string()),
        );
        diagnostic.related = related;
        diagnostic.fails_under = Some(Methods::from_bits(late.under_defaults));
        diagnostic.fix = fix;
    }
}
