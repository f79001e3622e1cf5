//! SPS303 worker-output.

use ruff_text_size::Ranged;

use crate::diagnostic::Related;
use crate::facts::PickleRole;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::workers::{describe_worker, origin_note};
use spawnsafe_flow::worker_io::{output_callee, terminal_output};

pub const DOCS: &str = r#"# worker-output (SPS303)

## What it does
Finds terminal output written by code that runs in a child process: `print()`
(without `file=`, or with `file=sys.stdout`/`sys.stderr`) and
`sys.stdout.write()`/`sys.stderr.write()` in a `Pool` or `ProcessPoolExecutor`
task, an initializer, a `Process` target or a `Process` subclass's `run()`, or in
a function they call (in any project module); also the built-in `print` itself
sent as a task or target (`Process(target=print, ...)`). This is advice (severity
`info`), off unless selected (`--extend-select SPS303`).

## Why is this bad?
Printing in a worker raises nothing — contrary to a popular myth, `print` is not
what causes "An attempt has been made to start a new process before the current
process has finished its bootstrapping phase" (that is an unguarded process
start, SPS101). But the child writes to *its own* standard output, which is not
always where the user looks:

- in Jupyter or IDLE on Windows and macOS (spawn), the children's output can
  end up in the console of the notebook server or of the IDLE process (how
  much of it reaches the cell depends on the platform and the kernel version),
  not in the notebook cell or the shell window;
- under `pythonw` (no console) `sys.stdout` is `None`: `print()` does nothing and
  `sys.stdout.write()` raises `AttributeError: 'NoneType' object has no attribute 'write'`;
- when the output is a pipe or a file it is block-buffered in each child, so
  lines from different workers interleave in chunks, and a pool left by
  `with Pool() as pool:` calls `terminate()`, which can kill workers before they
  flush what they buffered.

Print in the parent instead: return the values from the task (or report
progress through `imap_unordered`, `as_completed` or an `apply_async`
callback — callbacks run in the parent), or log through a
`logging.handlers.QueueHandler` with a `QueueListener` in the parent. Thread
pools (`ThreadPool`, `multiprocessing.dummy`, `ThreadPoolExecutor`) run in the
parent process and are not reported, nor is `print(..., file=handle)` to a file
the worker opened.

## Messages
None: printing raises nothing. Under `pythonw` a worker's `sys.stdout` is
`None` and `print` writes nowhere; a direct `sys.stdout.write()` raises
`AttributeError: 'NoneType' object has no attribute 'write'`. Sources:
`Lib/multiprocessing/spawn.py` `get_command_line` (the child is
`sys.executable` with the parent's console, or none), `Python/bltinmodule.c`
`builtin_print_impl` (returns when `file` is `None`).

## Example
```python
from multiprocessing import Pool

def make_thumbnail(name):
    print(f"processed {name}")
    return name

if __name__ == "__main__":
    with Pool(2) as pool:
        pool.map(make_thumbnail, ["a.jpg", "b.jpg"])
```

Use instead:
```python
from multiprocessing import Pool

def make_thumbnail(name):
    return name

if __name__ == "__main__":
    with Pool(2) as pool:
        for name in pool.imap_unordered(make_thumbnail, ["a.jpg", "b.jpg"]):
            print(f"processed {name}")
```

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- `Lib/multiprocessing/process.py:299` (`BaseProcess._bootstrap`): a child closes
  its standard input (`util._close_stdin`) but keeps the standard output and error
  it was started with: a spawn child is a new interpreter with its own buffers
  (`spawn.py` `get_command_line`), so what it prints goes where that interpreter's
  streams go, not to the parent's `sys.stdout` object (a notebook cell, an IDE
  console); `pool.py` `Pool.__exit__` calls `terminate()`.

## References
- [multiprocessing: Logging](https://docs.python.org/3/library/multiprocessing.html#logging)
- [Logging cookbook: Logging to a single file from multiple processes](https://docs.python.org/3/howto/logging-cookbook.html#logging-to-a-single-file-from-multiple-processes)
- [concurrent.futures: ProcessPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor)
"#;

const HELP: &str = "return the value and print it in the parent (or log through a `logging.handlers.QueueHandler` with a `QueueListener` in the parent)";

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let model = &project.models[module];
    for (function, origin) in checker.workers.in_module(module) {
        let info = &model.functions[function];
        let found = terminal_output(model, &info.def.body, info.scope);
        let runs = describe_worker(project, module, function, origin);
        let (note_module, note_range, note) = origin_note(project, origin);
        for (call, callee) in found {
            let message = if callee == "print" {
                format!(
                    "`print()` writes to the child's own standard output: {runs}, so in Jupyter or IDLE on Windows and macOS the line can end up in the server's console instead of the notebook or shell, and under pythonw it is dropped"
                )
            } else {
                format!(
                    "`{callee}()` writes to the child's own standard output: {runs}, so in Jupyter or IDLE on Windows and macOS the text can end up in the server's console, and under pythonw `sys.stdout` is None (\"AttributeError: 'NoneType' object has no attribute 'write'\")"
                )
            };
            let related = vec![Related {
                file: checker.files[note_module].clone(),
                range: note_range,
                message: note.clone(),
            }];
            let diagnostic =
                checker.report(Rule::WorkerOutput, call.range(), message, Some(HELP.into()));
            diagnostic.related = related;
        }
    }

    // The built-in `print` (or `sys.stdout.write`) itself sent as a task or target.
    for site in &project.facts[module].pickle_sites {
        let kind = match site.role {
            PickleRole::PoolTask => "a process pool task",
            PickleRole::ExecutorTask => "a `ProcessPoolExecutor` task",
            PickleRole::ProcessTarget => "a `Process` target",
            PickleRole::Initializer => "a worker initializer",
            PickleRole::LibraryCallable(_) => "a function a library's worker processes call",
            PickleRole::Argument | PickleRole::ProcessObject => continue,
        };
        let Some(callee) = output_callee(model, site.expr, site.scope) else {
            continue;
        };
        let message = format!(
            "`{callee}` is sent as {kind}: it runs in the child process and writes to the child's own standard output, which in Jupyter or IDLE on Windows and macOS can be the server's console, and under pythonw is nowhere"
        );
        checker.report(
            Rule::WorkerOutput,
            site.expr.range(),
            message,
            Some(HELP.into()),
        );
    }
}
