//! SPS103 import-time-process-start: reported by the import-time analysis in
//! `sps101_unguarded_process_start`, for modules that are not the main script.

pub const DOCS: &str = r#"# import-time-process-start (SPS103)

## What it does
Finds a module that is not the program's main script — a library module, a
package `__init__.py`, a module another project file imports — that starts
processes while it is being imported: a module-level `Pool()` cache, a
`Manager()` created at import, a pool "warmed up" in a package `__init__`, or a
function called at import time that does so.

## Why is this bad?
Under *spawn* and *forkserver* (the default on Windows, on macOS since Python
3.8 and on Linux since Python 3.14) every child process re-imports the main
script, and with it every module the script imports. The module then starts
processes inside each child while the child is still importing its main
module, and multiprocessing refuses:

```
RuntimeError:
        An attempt has been made to start a new process before the
        current process has finished its bootstrapping phase.
        ...
```

A `Pool` worker that imports the module later, while unpickling its first task,
fails with `AssertionError: daemonic processes are not allowed to have children`
instead.

Mapping a function of the module itself over a pool while the module is still
importing can also deadlock under fork: pickling the task needs the module's
import lock, which the importing thread holds while it waits for the result.

The main script can be perfectly guarded: the failure comes from the import.
Under fork (Linux up to 3.13) children never re-import anything, so the bug
stays hidden there.

## Example
```python
# textstats.py
import multiprocessing as mp

_POOL = mp.Pool(2)

def word_counts(lines):
    return _POOL.map(len, lines)
```

Use instead:
```python
# textstats.py
import functools
import multiprocessing as mp

@functools.lru_cache(maxsize=None)
def _pool():
    return mp.Pool(2)

def word_counts(lines):
    return _pool().map(len, lines)
```

## Fix
There is no automatic fix: moving the start under a main guard of the library
would drop what importing it provides (the pool, the registry, the computed
settings) for the programs that use it. Create the resource lazily, in a
function the program calls from its own main guard.

## References
- [multiprocessing: Safe importing of main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
"#;
