//! SPS101 unguarded-process-start (and the import-time analysis SPS103 and
//! SPS104 share).

use crate::diagnostic::Related;
use crate::fix::import_time_guard::{guard_fix, lazy_default_fix, top_level_index};
use crate::messages::capitalize;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::targets::Methods;
use spawnsafe_flow::import_time_effects::serial_fallback;
/// Where the fixes, SPS302 and SPS403 have always found them.
pub use spawnsafe_flow::import_time_effects::{
    import_time_effects, is_entry_script, ImportTimeEffect, ImportTimeEffects,
};

pub const DOCS: &str = r#"# unguarded-process-start (SPS101)

## What it does
Finds a process start — creating a `multiprocessing.Pool` or `Manager()`,
`Process.start()`, `ProcessPoolExecutor.submit`/`map`, `torch.multiprocessing.spawn`
— that runs while the main script is being imported: at top level, inside a
top-level `if`/`for`/`with`/`try`, in a class body, a decorator or a default
argument, or in a function or class called from there (in this file or, through
imports, in another project file).

"Called from there" follows what Python runs implicitly: instantiating a class
runs its `__init__`, `for x in obj` (and `list(obj)`, `enumerate(obj)`) runs
`obj.__iter__`, `with obj:` runs `obj.__enter__`, `obj()` runs `obj.__call__`;
`asyncio.run(main())` and `loop.run_until_complete(main())` run the coroutine;
a helper given a `ProcessPoolExecutor` starts it in `executor.submit`/`map` or
`loop.run_in_executor(executor, ...)`; a callback stored in a module-level list
or dict at import time (a GUI's click handlers, an event bus) runs when the
event loop the script starts at the top level calls it. A guard written as a
conditional expression (`pool = Pool(2) if __name__ == "__main__" else None`)
is judged like an `if`; `multiprocessing.parent_process() is None` is no
guard, since it is still `None` while a spawn child imports the script.

The third-party starters of the knowledge base count too, when and under the
argument conditions their entry gives (the README's table): iterating a
PyTorch `DataLoader(num_workers>0)`, `uvicorn.run(workers>1)`, a pebble pool's
`schedule`/`map` or a call of a function decorated with `@concurrent.process`,
joblib's `Parallel(backend="multiprocessing")(...)`, Keras'
`fit(use_multiprocessing=True)`, mpire with `start_method="spawn"`, dask's local
cluster, billiard's `Pool`... Lightning's `trainer.fit(model)` (and
`fit(model, datamodule=dm)`, `validate`, `test`, `predict`) calls the model's or
data module's `train_dataloader()`/`val_dataloader()` and iterates what they
return (lightning/pytorch/loops/fit_loop.py `setup_data`): a
`DataLoader(num_workers>0)` returned there starts its workers at the `fit()`
call, whatever the trainer's strategy; only hooks of classes defined in the
script itself are read. A transformers `Trainer(args=TrainingArguments(
dataloader_num_workers=N))` starts its loader's workers at `train()`,
`evaluate()` and `predict()` (transformers/trainer.py `_get_dataloader`); a
`TrainingArguments` the script does not build itself (`HfArgumentParser`) is
read as the command line leaves it, `dataloader_num_workers=0`. Those whose workers never re-import the script
(loky, joblib's default backend) or fork by default (mpire, Hugging Face
`datasets`' `map(num_proc=...)`) are not reported. `parmap.map()` at import
time is a warning, not an error: parmap catches the failed `Pool()` in each
spawn child and runs the whole map serially there, so nothing fails but every
worker repeats the work and its output (parmap/parmap.py, `_create_pool`).

## Why is this bad?
Under the *spawn* and *forkserver* start methods (the default on Windows, on
macOS since Python 3.8 and on Linux since Python 3.14) a child process is a
fresh interpreter that re-imports the main script under the name
`__mp_main__` before it runs its task. A process start that is not protected
by `if __name__ == "__main__":` runs again inside every child, and
multiprocessing refuses to start processes from a child that is still
importing its main module (`multiprocessing.spawn._check_not_importing_main`):

```
RuntimeError:
        An attempt has been made to start a new process before the
        current process has finished its bootstrapping phase.

        This probably means that you are not using fork to start your
        child processes and you have forgotten to use the proper idiom
        in the main module:

            if __name__ == '__main__':
                freeze_support()
                ...

        The "freeze_support()" line can be omitted if the program
        is not going to be frozen to produce an executable.
```

Python 3.11.5+ and 3.12+ add: `To fix this issue, refer to the "Safe importing
of main module" section in https://docs.python.org/3/library/multiprocessing.html`.
A `Pool` then hangs forever, replacing workers that die one after another; a
`ProcessPoolExecutor` raises `BrokenProcessPool`; a plain `Process` dies while
the parent carries on. Under fork (Linux up to Python 3.13) the same code works,
which is why it goes unnoticed.

A package's `__main__.py` run as `python -m pkg` is not re-imported by spawn
children (`multiprocessing.spawn` skips main modules named `__main__`), so this
rule does not apply to it; nor to pytest's `conftest.py`, which pytest loads as
a plugin rather than through the main module.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `bootstrap`, `bootstrap-doc-link`, `broken-process-pool` cases). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

The child that re-imports the script (a `Process`, a `Pool` worker):

| Python | Message |
|---|---|
| 3.8-3.14 | `An attempt has been made to start a new process before the` |
| 3.8-3.11.4 | (the paragraph ends at `freeze_support()` / `...`) |
| 3.11.5+, 3.12-3.14 | `To fix this issue, refer to the "Safe importing of main module"` |

A `Pool` parent prints nothing and waits forever (it replaces each dead
worker); a plain `Process` parent exits 0; a `ProcessPoolExecutor` parent
raises:

| Python | Message |
|---|---|
| 3.8-3.14 | `concurrent.futures.process.BrokenProcessPool: A process in the process pool was terminated abruptly while the future was running or pending.` |

Sources: `Lib/multiprocessing/spawn.py` `_check_not_importing_main` (raised
when `current_process()._inheriting` is set; called from `get_preparation_data`,
which every spawn and forkserver start calls);
`Lib/concurrent/futures/process.py` `_queue_management_worker` (3.8),
`_ExecutorManagerThread.terminate_broken` (3.9-3.12), `_terminate_broken`
(3.13). The default start method, `Lib/multiprocessing/context.py` at module
level: `spawn` on Windows and (since 3.8, bpo-33725) macOS; on Linux `fork`
up to 3.13 and, since 3.14 (gh-84559), `forkserver` when
`reduction.HAVE_SEND_HANDLE`. No 3.12 or 3.13 release warns about that change
for code that relies on the default (`DeprecationWarning` is raised only for
a fork of a multi-threaded process: SPS404).

## Example
```python
import multiprocessing as mp

def square(x):
    return x * x

pool = mp.Pool(4)
print(pool.map(square, range(10)))
```

Use instead:
```python
import multiprocessing as mp

def square(x):
    return x * x

if __name__ == "__main__":
    with mp.Pool(4) as pool:
        print(pool.map(square, range(10)))
```

## Fix
`--fix` moves the script's import-time work into `if __name__ == "__main__":`
(the existing guard at the end of the file, before its body in original order,
or a new one appended to the file): the statement that leads to the start —
the `Pool` block, the `main()` call, not the function it calls — and the work
around it, in order, with their comments and blank lines, re-indented in the
file's own indentation and line endings. Definitions stay at module level:
`def`, `class`, imports, and the side-effect-free constant assignments a
worker or a definition reads, as do calls that configure the process
(`logging.basicConfig`, `warnings.filterwarnings`, seeds, ...) made before the
start, so that spawn children still run them. There is no such fix when the
start is in a definition itself (a class body, a decorator, a default
argument), when a definition reads a name the moved work assigns, or when the
work defines a function (it would disappear from the children).

A start in a default argument of a top-level function
(`def normalize(values, pool=Pool(2))`) is made on the first call instead
(unsafe: the processes start then, not at import, and an explicit `None` now
gets the shared default too): the default becomes `None`, the function begins
with `if pool is None: pool = _normalize_pool()`, and `_normalize_pool` is a
new module-level function cached with `functools.lru_cache`, so every call
still shares one pool. It is offered when every name the default reads is a
builtin or a module-level name bound once, before the `def`; SPS103 offers it
too.

The fix is unsafe, and says why, when a function reads a global that the
moved work assigns or changes (spawn children no longer run that statement),
or when an import or a decorator that came after the work now runs before it.

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- `Lib/multiprocessing/spawn.py:126-135` `_main`: a spawn or forkserver child sets
  `current_process()._inheriting = True`, reads the preparation data and calls
  `prepare()`, which runs the parent's main file again as `__mp_main__`
  (`_fixup_main_from_path`, lines 275-300: `runpy.run_path(main_path,
  run_name="__mp_main__")`; `python -m pkg.mod` goes through
  `_fixup_main_from_name`, line 250), so `if __name__ == "__main__":` is false there.
- `spawn.py:138-157` `_check_not_importing_main`: starting a process while
  `_inheriting` is set raises the bootstrapping `RuntimeError`. `Popen._launch`
  calls it first, through `spawn.get_preparation_data` (line 160):
  `popen_spawn_posix.py:42`, `popen_forkserver.py:42`, `popen_spawn_win32.py:46`.
- A `Pool` replaces workers that die (`pool.py:334` `_maintain_pool`), so its
  parent waits forever; a `ProcessPoolExecutor` raises `BrokenProcessPool`
  (`concurrent/futures/process.py:626`); a `Process` exits with code 1.

## References
- [multiprocessing: Safe importing of main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
- [multiprocessing: Contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
"#;

pub fn check(checker: &mut Checker, effects: &ImportTimeEffects) {
    let project = checker.project;
    let module = checker.module;
    if project.paths[module].is_interactive_main() || project.paths[module].is_conftest {
        return;
    }
    let entry = is_entry_script(project, module);
    let rule = if entry {
        Rule::UnguardedProcessStart
    } else {
        Rule::ImportTimeProcessStart
    };
    let fix = if entry {
        guard_fix(checker, effects)
    } else {
        crate::fix::original_process::guard_fix(checker, effects)
    };
    for effect in &effects.starts {
        // Through a fork context the children do not re-import anything.
        let pinned = checker.pinned(effect.method.as_deref());
        let what = capitalize(&effect.description);
        // parmap catches the failed start in a child and maps serially there.
        let serial = serial_fallback(project, module, effect);
        let (message, help) = if let Some(library) = serial {
            (
                format!(
                    "{what} while {} is imported: in each spawn child the pool's start fails with \"An attempt has been made to start a new process before the current process has finished its bootstrapping phase\", which `{library}` catches and runs the whole map serially there, so every worker repeats the work and its output",
                    if entry { "the main script" } else { "this module" }
                ),
                "move it under `if __name__ == \"__main__\":` (or into a `main()` function called from there)".to_string(),
            )
        } else if entry {
            (
                format!(
                    "{what} while the main script is imported: spawn children re-import this file and fail with \"An attempt has been made to start a new process before the current process has finished its bootstrapping phase\""
                ),
                "move it under `if __name__ == \"__main__\":` (or into a `main()` function called from there)".to_string(),
            )
        } else {
            (
                format!(
                    "{what} when this module is imported: every spawn child that imports it fails with \"An attempt has been made to start a new process before the current process has finished its bootstrapping phase\" (or, in a pool worker, \"daemonic processes are not allowed to have children\")"
                ),
                "start processes lazily, in a function the program calls from its main guard, not at import time".to_string(),
            )
        };
        let mut related = checker.related(&effect.trace);
        related.extend(starter_construction_note(checker, effect));
        let diagnostic = checker.report(rule, effect.range, message, Some(help));
        diagnostic.related = related;
        diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
        diagnostic.pinned = pinned;
        if serial.is_some() {
            diagnostic.severity_override = Some(crate::registry::Severity::Warning);
        }
        if let Some((moved, fix)) = &fix {
            if top_level_index(checker.project, module, effect.range)
                .is_some_and(|index| moved.contains(&index))
            {
                checker.diagnostics.last_mut().expect("just reported").fix = Some(fix.clone());
            }
        }
        // A start in a default argument: the default is made on the first call instead.
        if checker
            .diagnostics
            .last()
            .is_some_and(|last| last.fix.is_none())
        {
            let lazy = lazy_default_fix(checker, effect);
            checker.diagnostics.last_mut().expect("just reported").fix = lazy;
        }
    }
}

/// For a loop over a `DataLoader` (or another starter's object): a note at the
/// call that made it, with the argument that makes it start workers.
fn starter_construction_note(checker: &Checker, effect: &ImportTimeEffect) -> Option<Related> {
    let (module, range) = effect.site(checker.module);
    let project = checker.project;
    let id = crate::torch::library_start_at(project, module, range)?;
    let file = &checker.files[module];
    let (range, message) =
        crate::torch::construction_note(&project.models[module], &file.text, range, None, id)?;
    Some(Related {
        file: file.clone(),
        range,
        message,
    })
}
