//! SPS402 windows-worker-limit: a process pool or executor sized beyond what
//! Windows can wait on. The sizes are the flow layer's
//! [`worker_counts`](spawnsafe_flow::worker_counts).

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;
use spawnsafe_flow::worker_counts::{
    sized_pool, Excess, PoolKind, Size, Sizer, State, MAX_EXECUTOR_WORKERS, MAX_POOL_PROCESSES,
};

use crate::diagnostic::{PlatformClause, Related};
use crate::registry::Rule;
use crate::rules::Checker;
use crate::targets::OnPlatforms;

pub const DOCS: &str = r#"# windows-worker-limit (SPS402)

## What it does
Finds process pools sized beyond what Windows can manage:

- `ProcessPoolExecutor(max_workers=N)` with `N > 61`, or
  `max_workers=os.cpu_count()` (or arithmetic over it) with no cap;
- `multiprocessing.Pool(processes=N)` (also `ctx.Pool(N)`) with `N > 60`, or sized
  from `os.cpu_count()`/`multiprocessing.cpu_count()` without a `min(60, ...)` cap
  (`cpu_count()`, `cpu_count() * 2`, `cpu_count() + 4`, `(cpu_count() or 1) - 1`).

The size may be a literal, a name bound only to literals (a module constant,
also one imported from another project module), arithmetic over the CPU count,
or the return value of a small local helper. A size capped with `min(...)` at the
limit or below, sized from the data (`min(len(items), 8)`), clamped under
`if sys.platform == "win32":`, or not given at all is not reported; nor are
thread pools (`ThreadPoolExecutor`, `ThreadPool`) or large numbers that are not
worker counts (`chunksize`, `maxtasksperchild`). A bare `Pool()` (which uses
`os.cpu_count()` too) is not reported either: it is far too common to flag, and
only a machine with 61 or more logical CPUs is at risk.

The finding is about Windows: with `target-platforms = ["linux", "macos"]` it
is not reported, and the `Pool` part only when a targeted Python is older than 3.13.

## Why is this bad?
Windows waits on process handles with `WaitForMultipleObjects`, which takes at
most 64 handles; CPython's `_winapi.WaitForMultipleObjects` keeps one for Ctrl-C
and, before Python 3.13, rejects 63 or more (`Modules/_winapi.c`,
`_winapi_WaitForMultipleObjects_impl`: `nhandles >= MAXIMUM_WAIT_OBJECTS - 1`,
although its message says "at most 63"; gh-94242).

- **`ProcessPoolExecutor`** refuses more than 61 workers in its constructor, on
  every Python version (`Lib/concurrent/futures/process.py`:
  `_MAX_WINDOWS_WORKERS = 63 - 2`, checked in `ProcessPoolExecutor.__init__`):

  ```
  ValueError: max_workers must be <= 61
  ```

  Its default (`max_workers=None`) is capped at 61 on Windows, but an explicit
  `max_workers=os.cpu_count()` skips that cap and fails on a machine with 62 or
  more logical CPUs. (Before 3.13 even 61 workers is one too many for its
  manager thread, `_ExecutorManagerThread.wait_result_broken_or_wakeup`, which
  waits on the workers' handles plus 2: use at most 60.)

- **`multiprocessing.Pool`** has no such check: its worker-handler thread
  (`Pool._handle_workers` → `Pool._wait_for_updates` → `connection.wait` →
  `connection._exhaustive_wait`, in `Lib/multiprocessing/pool.py` and
  `Lib/multiprocessing/connection.py`) waits on every worker's sentinel plus
  the result queue and the change notifier, `processes + 2` handles. With more
  than 60 processes the thread dies with

  ```
  ValueError: need at most 63 handles, got a sequence of length 66
  ```

  (for 64 processes) and the pool hangs: results never arrive. Python 3.13
  waits in batches with `_winapi.BatchedWaitForMultipleObjects` (gh-89240).

Both work on Linux and macOS, and on any machine with few CPUs, which is why
they surface only on a big Windows workstation or server.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `windows-max-workers` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

| Python | Message |
|---|---|
| 3.8-3.14 | `ValueError: max_workers must be <= 61` |

Run with `sys.platform` set to `"win32"` to reach the check CPython makes on
Windows: `Lib/concurrent/futures/process.py` `ProcessPoolExecutor.__init__`
(`_MAX_WINDOWS_WORKERS = 63 - 2`). `need at most 63 handles` comes from
`Modules/_winapi.c` `_winapi_WaitForMultipleObjects_impl` (Windows only, not run).

## Example
```python
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

with ProcessPoolExecutor(max_workers=64) as executor:
    ...

with Pool(os.cpu_count() * 2) as pool:
    ...
```

Use instead:
```python
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

with ProcessPoolExecutor(max_workers=min(60, os.cpu_count() or 1)) as executor:
    ...

with Pool(min(60, (os.cpu_count() or 1) * 2)) as pool:
    ...
```

## References
- [concurrent.futures.ProcessPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.ProcessPoolExecutor)
  ("On Windows, max_workers must be less than or equal to 61")
- CPython `Lib/concurrent/futures/process.py`: `_MAX_WINDOWS_WORKERS = 63 - 2`,
  `ProcessPoolExecutor.__init__`
- CPython `Lib/multiprocessing/pool.py`: `Pool._handle_workers`,
  `Pool._wait_for_updates`; `Lib/multiprocessing/connection.py`: `wait`,
  `_exhaustive_wait`; `Modules/_winapi.c`: `_winapi_WaitForMultipleObjects_impl`
- [gh-89240: multiprocessing.Pool fails with more than 60 processes on Windows](https://github.com/python/cpython/issues/89240)
- [gh-94242: off-by-one in _winapi.WaitForMultipleObjects](https://github.com/python/cpython/issues/94242)
"#;

/// The first Python whose `Pool` waits on more handles in batches.
const POOL_FIXED_IN: u32 = 13;

/// 61 passes the executor's constructor, but its manager thread waits on the
/// workers' handles plus 2, which `_winapi` rejects at 63 before Python 3.13.
const EXECUTOR_NOTE: &str = "61 passes the constructor, but before Python 3.13 the executor then waits on 63 handles, one too many";

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let model = &project.models[module];
    let sizer = Sizer::new(project);
    for site in &project.facts[module].calls {
        let callee = model.resolve(&site.call.func, site.scope);
        let Some((kind, size_expr)) = sized_pool(&callee, site.call) else {
            continue;
        };
        // Clamped or chosen per platform: the code already knows.
        if site.platform_checked || (kind == PoolKind::Executor && site.catches_value_error) {
            continue;
        }
        let mut state = State::default();
        let size = sizer.size(module, size_expr, site.scope, &mut state);
        let constant = state.constant;
        let limit = match kind {
            PoolKind::Pool => MAX_POOL_PROCESSES,
            PoolKind::Executor => MAX_EXECUTOR_WORKERS,
        };
        let Some(excess) = size.exceeds(limit) else {
            continue;
        };
        let shown = shown(&checker.file().text, size_expr);
        let value = match (&constant, excess) {
            (Some(_), Excess::Always(value)) => format!(" ({value})"),
            _ => String::new(),
        };
        let cap = match size {
            Size::PerCpu {
                factor: 1,
                offset: 0,
                ..
            } if shown.ends_with(')') => format!("`min(60, {shown} or 1)`"),
            _ if shown != "..." => format!("`min(60, {shown})`"),
            _ => "`min(60, ...)`".to_string(),
        };
        let (message, clause, help) = match (kind, excess) {
            (PoolKind::Executor, Excess::Always(_)) => (
                format!("`ProcessPoolExecutor` asks for `{shown}`{value} workers (the limit is 61)"),
                "its constructor raises \"ValueError: max_workers must be <= 61\"".to_string(),
                format!("use at most 60 workers ({EXECUTOR_NOTE})"),
            ),
            (PoolKind::Executor, Excess::FromCpus(cpus)) => (
                format!("`ProcessPoolExecutor` is sized `{shown}` with no cap at 61, unlike its own default"),
                format!("on a machine with {cpus} or more logical CPUs its constructor raises \"ValueError: max_workers must be <= 61\""),
                format!("cap it: {cap} ({EXECUTOR_NOTE})"),
            ),
            (PoolKind::Pool, Excess::Always(processes)) => (
                format!("This process pool asks for `{shown}`{value} worker processes (only 60 fit: the pool waits on one handle per process plus 2, and `_winapi` accepts at most 62)"),
                format!(
                    "the pool's worker-handler thread fails with \"ValueError: need at most 63 handles, got a sequence of length {}\" and the pool hangs",
                    processes + 2
                ),
                "use at most 60 processes (Python 3.13 lifts the limit)".to_string(),
            ),
            (PoolKind::Pool, Excess::FromCpus(cpus)) => (
                format!("This process pool is sized `{shown}` from the CPU count, with no cap at 60"),
                format!("on a machine with {cpus} or more logical CPUs the pool's worker-handler thread fails with \"ValueError: need at most 63 handles, got a sequence of length ...\" and the pool hangs"),
                format!("cap it: {cap} (Python 3.13 lifts the limit)"),
            ),
        };
        let on = match kind {
            PoolKind::Pool => OnPlatforms::WINDOWS.before(POOL_FIXED_IN),
            PoolKind::Executor => OnPlatforms::WINDOWS,
        };
        let related = constant
            .filter(|constant| matches!(excess, Excess::Always(_)) && !constant.range.is_empty())
            .map(|constant| Related {
                file: checker.files[constant.module].clone(),
                range: constant.range,
                message: format!("`{}` is set here", constant.name),
            });
        let diagnostic = checker.report(
            Rule::WindowsWorkerLimit,
            size_expr.range(),
            message,
            Some(help),
        );
        diagnostic.related.extend(related);
        diagnostic.platform_clauses = vec![PlatformClause { on, text: clause }];
    }
}

/// The expression as written when it is short, else `...`.
fn shown(source: &str, expr: &Expr) -> String {
    let text = &source[expr.range()];
    if text.len() <= 50 && !text.contains('\n') {
        text.to_string()
    } else {
        "...".to_string()
    }
}
