//! SPS306 nested-pool-in-daemon.

use ruff_text_size::TextRange;
use rustc_hash::FxHashSet;

use crate::api;
use crate::diagnostic::Related;
use crate::facts::StartKind;
use crate::project::{Effect, EffectFinder, Project, TraceStep};
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::knowledge::starter;
use crate::semantic::{FunctionId, Value};
use crate::targets::Methods;
use crate::workers::{origin_note, WorkerKind};

pub const DOCS: &str = r#"# nested-pool-in-daemon (SPS306)

## What it does
Finds a process start — creating a `multiprocessing.Pool` or a `Manager()`,
`Process.start()`, `ProcessPoolExecutor.submit`/`map` — that runs inside a
daemonic process: a `Pool` task or initializer (pool workers are always
daemonic), or the target or `run()` of a `Process` made daemonic with
`daemon=True`, `p.daemon = True` before `start()`, or `self.daemon = True` in a
subclass's `__init__`. The start may be in the task itself or in a function it
calls, in any project module.

## Why is this bad?
Among its first checks, `BaseProcess.start()` has

```python
assert not _current_process._config.get('daemon'), \
       'daemonic processes are not allowed to have children'
```

so the child fails, under every start method, with

```
AssertionError: daemonic processes are not allowed to have children
```

A `Pool` task gets the exception back through `map()`/`get()`; a failing pool
initializer kills each worker as it starts, and the pool keeps replacing them
(the program hangs). Running under `python -O` strips the `assert`, but then
the daemonic worker's children are orphaned when it is terminated.

Not reported: `ProcessPoolExecutor` workers (they are not daemonic, so nested
pools work there), non-daemonic `Process` children, thread pools, `subprocess`,
code that checks `multiprocessing.current_process().daemon` (or clears it,
the known workaround) before it starts processes, and libraries that check it
themselves and run the work in the calling process: joblib's
`Parallel(backend="multiprocessing")` warns "Multiprocessing-backed parallel
loops cannot be nested, setting n_jobs=1" and starts nothing
(`joblib/_parallel_backends.py` `MultiprocessingBackend.effective_n_jobs`,
joblib 1.6.0).

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `daemonic-children` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

| Python | Message |
|---|---|
| 3.8-3.14 | `AssertionError: daemonic processes are not allowed to have children` |

Source: `Lib/multiprocessing/process.py` `BaseProcess.start` (`assert not
_current_process._config.get('daemon')`); `Pool` workers are daemonic
(`Lib/multiprocessing/pool.py` `Pool._repopulate_pool_static`,
`w.daemon = True`). It is an `assert`: under `python -O` the check is skipped.

## Example
```python
import multiprocessing

def hash_file(name):
    ...

def hash_directory(directory):
    with multiprocessing.Pool(2) as inner:
        return inner.map(hash_file, list_files(directory))

if __name__ == "__main__":
    with multiprocessing.Pool(2) as outer:
        outer.map(hash_directory, ["docs", "images"])
```

Use instead:
```python
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def hash_file(name):
    ...

def hash_directory(directory):
    with multiprocessing.Pool(2) as inner:
        return inner.map(hash_file, list_files(directory))

if __name__ == "__main__":
    # ProcessPoolExecutor workers are not daemonic: they may start a Pool.
    with ProcessPoolExecutor(2) as outer:
        list(outer.map(hash_directory, ["docs", "images"]))
```

Or flatten the work so that the parent creates every process, or use threads
(`multiprocessing.pool.ThreadPool`) for the inner level.

## References
- [multiprocessing: Process.daemon](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.daemon)
- [CPython: `multiprocessing/process.py` (`BaseProcess.start`)](https://github.com/python/cpython/blob/main/Lib/multiprocessing/process.py)
"#;

const ERROR_TEXT: &str = "\"AssertionError: daemonic processes are not allowed to have children\"";

/// Does the function look at (or change) its own process's daemon status
/// (`multiprocessing.current_process().daemon`, `parent_process()`)?
fn checks_own_process(project: &Project, module: usize, function: FunctionId) -> bool {
    let model = &project.models[module];
    project.facts[module].calls.iter().any(|site| {
        site.function == Some(function)
            && match model.resolve(&site.call.func, site.scope) {
                Value::Qualified(name) => api::normalize(&name).is_some_and(|(path, _)| {
                    matches!(
                        path,
                        "current_process"
                            | "process.current_process"
                            | "parent_process"
                            | "process.parent_process"
                    )
                }),
                _ => false,
            }
    })
}

/// A library's start that runs the work in the calling process when that
/// process is daemonic (joblib's multiprocessing backend): nothing starts.
fn serial_in_daemon(kind: StartKind) -> bool {
    matches!(kind, StartKind::Library(id) if starter(id).serial_in_daemon)
}

/// The kind of the start a trace ends at.
fn start_at(project: &Project, module: usize, range: TextRange) -> Option<StartKind> {
    let facts = &project.facts[module];
    std::iter::once(&facts.import_time)
        .chain(std::iter::once(&facts.main_only))
        .chain(&facts.functions)
        .flat_map(|body| &body.starts)
        .find(|start| start.range == range)
        .map(|start| start.kind)
}

/// The functions a trace passes through.
fn trace_functions(project: &Project, trace: &[TraceStep]) -> Vec<(usize, FunctionId)> {
    trace
        .iter()
        .filter_map(|step| {
            project.models[step.module]
                .functions
                .position(|function| function.qualname == step.function)
                .map(|function| (step.module, function))
        })
        .collect()
}

fn daemonic_description(kind: WorkerKind) -> &'static str {
    match kind {
        WorkerKind::PoolWorker => "a process pool worker (a daemonic process)",
        _ => "a daemonic child process",
    }
}

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let mut finder = EffectFinder::new(project);
    let mut reported: FxHashSet<TextRange> = FxHashSet::default();
    let roots: Vec<_> = checker
        .workers
        .roots_in_module(module)
        .filter(|origin| origin.kind.is_daemonic())
        .cloned()
        .collect();
    for origin in roots {
        let (_, function) = origin.root_function;
        if checks_own_process(project, module, function) {
            continue;
        }
        let name = project.models[module].functions[function].qualname.clone();
        let body = &project.facts[module].functions[function];
        let mut findings: Vec<(TextRange, String, Vec<TraceStep>)> = Vec::new();
        for start in body
            .starts
            .iter()
            .filter(|start| !serial_in_daemon(start.kind))
        {
            findings.push((start.range, start.kind.describe().to_string(), Vec::new()));
        }
        for edge in &body.calls {
            let Some(trace) = finder.call_effect(module, &edge.target, Effect::Start) else {
                continue;
            };
            let aware = trace_functions(project, &trace)
                .into_iter()
                .any(|(m, f)| checks_own_process(project, m, f));
            let serial = trace.last().is_some_and(|last| {
                start_at(project, last.module, last.range).is_some_and(serial_in_daemon)
            });
            if aware || serial {
                continue;
            }
            let what = match trace.last() {
                Some(last) => format!(
                    "calls code that starts processes ({})",
                    last.message.trim_end_matches(" here")
                ),
                None => "starts a process".to_string(),
            };
            findings.push((edge.range, what, trace));
        }
        for (range, what, trace) in findings {
            if !reported.insert(range) {
                continue;
            }
            let message = format!(
                "`{name}` runs in {} and {what}: {ERROR_TEXT}",
                daemonic_description(origin.kind)
            );
            let help = match origin.kind {
                WorkerKind::PoolWorker => "use a `ProcessPoolExecutor` for the outer level (its workers are not daemonic), threads for the inner level, or let the parent start every process",
                _ => "start the process without `daemon=True`, or let the parent start every process",
            };
            let mut related = checker.related(&trace);
            let (note_module, note_range, note) = origin_note(project, &origin);
            related.push(Related {
                file: checker.files[note_module].clone(),
                range: note_range,
                message: note,
            });
            let diagnostic =
                checker.report(Rule::NestedPoolInDaemon, range, message, Some(help.into()));
            diagnostic.related = related;
            diagnostic.fails_under = Some(Methods::ALL);
        }
    }
}
