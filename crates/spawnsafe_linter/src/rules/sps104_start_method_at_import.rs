//! SPS104 start-method-at-import: `set_start_method()` without `force=True` where a
//! spawn child runs it again, or after the context is already fixed. Its fixes are
//! [`fix::start_method`](crate::fix::start_method).

use ruff_text_size::TextRange;

use crate::diagnostic::Related;
use crate::facts::BodyFacts;
use crate::project::{Effect, EffectFinder};
use crate::registry::Rule;
use crate::rules::sps101_unguarded_process_start::{is_entry_script, ImportTimeEffects};
use crate::rules::Checker;
use crate::targets::{Methods, StartMethod};

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
/// One thing that happens in a body, in source order.
enum Event<'f, 'a> {
    SetStartMethod(&'f crate::facts::SetStartMethodCall),
    Fixer(&'f crate::facts::ContextFixer),
    Call(&'f crate::facts::CallEdge<'a>),
}

impl Event<'_, '_> {
    fn range(&self) -> TextRange {
        match self {
            Event::SetStartMethod(call) => call.range,
            Event::Fixer(fixer) => fixer.range,
            Event::Call(edge) => edge.range,
        }
    }
}

/// A `set_start_method()` that comes after the context is already fixed in
/// the same run of a body (a function, or the main guard): it raises in the parent.
pub fn check_second_calls(checker: &mut Checker) {
    let project = checker.project;
    let facts = &project.facts[checker.module];
    let mut finder = EffectFinder::new(project);
    // The main guard runs after the whole import: what that fixed stays fixed.
    let imported = is_entry_script(project, checker.module)
        .then(|| {
            spawnsafe_flow::start_order::import_time_fixer(project, &mut finder, checker.module)
        })
        .flatten();
    check_body(checker, &mut finder, &facts.main_only, imported);
    check_body(checker, &mut finder, &facts.import_time, None);
    for body in &facts.functions {
        check_body(checker, &mut finder, body, None);
    }
}

fn check_body(
    checker: &mut Checker,
    finder: &mut EffectFinder,
    body: &BodyFacts,
    fixed_before: Option<spawnsafe_flow::start_order::FixedAt>,
) {
    let module = checker.module;
    let import_time = std::ptr::eq(body, &checker.project.facts[module].import_time);
    let mut events: Vec<Event> = body
        .set_start_methods
        .iter()
        .map(Event::SetStartMethod)
        .chain(body.context_fixers.iter().map(Event::Fixer))
        .chain(body.calls.iter().map(Event::Call))
        .collect();
    if events.len() < 2 && fixed_before.is_none() {
        return;
    }
    events.sort_by_key(|event| event.range().start());
    // Where the context got fixed, and how.
    let mut fixed: Option<(TextRange, String)> = None;
    let mut earlier = Vec::new();
    if let Some(at) = &fixed_before {
        earlier.push(Related {
            file: checker.files[at.module].clone(),
            range: at.range,
            message: at.description.clone(),
        });
    }
    for event in &events {
        match event {
            Event::SetStartMethod(call) => {
                // At import time the SPS104 finding above already covers it.
                let reported_at_import = import_time
                    && call.method != "fork"
                    && call.under_defaults == spawnsafe_flow::start_order::ALL_DEFAULTS;
                if let Some((range, how)) = &fixed {
                    if !call.catches_runtime_error && !reported_at_import {
                        let methods = Methods::from_bits(call.under_defaults);
                        let fix = force_fix(checker, call.range, (module, *range))
                            .or_else(|| set_first_fix(checker, call.range, *range));
                        report_second(checker, call.range, Vec::new(), *range, how, methods);
                        checker.diagnostics.last_mut().expect("just reported").fix = fix;
                    }
                } else if !earlier.is_empty() {
                    if !call.catches_runtime_error {
                        let methods = Methods::from_bits(call.under_defaults);
                        let fix = fixed_before
                            .as_ref()
                            .and_then(|at| force_fix(checker, call.range, (at.module, at.range)));
                        report_after_import(checker, call.range, earlier.clone(), methods);
                        checker.diagnostics.last_mut().expect("just reported").fix = fix;
                    }
                } else if call.unconditional {
                    fixed = Some((
                        call.range,
                        format!(
                            "`set_start_method(\"{}\")` already set it here",
                            call.method
                        ),
                    ));
                }
            }
            Event::Fixer(fixer) => {
                if fixed.is_none() && fixer.unconditional {
                    fixed = Some((
                        fixer.range,
                        "this already fixed the default context".to_string(),
                    ));
                }
            }
            Event::Call(edge) => {
                if let Some((range, how)) = &fixed {
                    if !edge.catches_runtime_error {
                        if let Some(trace) =
                            finder.call_effect(module, &edge.target, Effect::SetStartMethod)
                        {
                            let related = checker.related(&trace);
                            let fix = trace
                                .last()
                                .filter(|last| last.module == module)
                                .and_then(|last| set_first_fix(checker, last.range, *range));
                            report_second(checker, edge.range, related, *range, how, Methods::ALL);
                            checker.diagnostics.last_mut().expect("just reported").fix = fix;
                        }
                    }
                } else if !earlier.is_empty() && !edge.catches_runtime_error && !import_time {
                    if let Some(trace) =
                        finder.call_effect(module, &edge.target, Effect::SetStartMethod)
                    {
                        // Point at the call that raises when this module makes it.
                        let mut related = earlier.clone();
                        let (at, fix) = match trace.split_last() {
                            Some((last, path)) if last.module == module => {
                                related.extend(checker.related(path));
                                let fix = fixed_before.as_ref().and_then(|first| {
                                    force_fix(checker, last.range, (first.module, first.range))
                                });
                                (last.range, fix)
                            }
                            _ => {
                                related.extend(checker.related(&trace));
                                (edge.range, None)
                            }
                        };
                        report_after_import(checker, at, related, Methods::ALL);
                        checker.diagnostics.last_mut().expect("just reported").fix = fix;
                    }
                } else if edge.unconditional
                    && finder
                        .call_effect(module, &edge.target, Effect::FixContext)
                        .is_some()
                {
                    fixed = Some((
                        edge.range,
                        "this call already fixed the default context".to_string(),
                    ));
                }
            }
        }
    }
}

/// A `set_start_method()` without `force=True` in the main guard's run, after
/// the import of the script (or of a module it imports) fixed the context.
fn report_after_import(
    checker: &mut Checker,
    range: TextRange,
    related: Vec<Related>,
    methods: Methods,
) {
    let message = "`set_start_method()` without `force=True` after importing the program already fixed the start method: it raises \"RuntimeError: context has already been set\" in the parent".to_string();
    let diagnostic = checker.report(
        Rule::StartMethodAtImport,
        range,
        message,
        Some("set the start method in one place, or pass `force=True`, or use `ctx = multiprocessing.get_context(...)`".to_string()),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(methods);
}

fn report_second(
    checker: &mut Checker,
    range: TextRange,
    mut related: Vec<Related>,
    first: TextRange,
    how: &str,
    methods: Methods,
) {
    related.insert(
        0,
        Related {
            file: checker.file().clone(),
            range: first,
            message: how.to_string(),
        },
    );
    let message = "`set_start_method()` without `force=True` after the start method is already fixed: it raises \"RuntimeError: context has already been set\" in the parent".to_string();
    let diagnostic = checker.report(
        Rule::StartMethodAtImport,
        range,
        message,
        Some("set the start method once, first thing in the main guard, or use `ctx = multiprocessing.get_context(...)`".to_string()),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(methods);
}
