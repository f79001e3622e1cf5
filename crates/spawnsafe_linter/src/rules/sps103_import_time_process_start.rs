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

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `import-time-bootstrap`, `import-time-bootstrap-doc-link` cases). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

The same bootstrapping `RuntimeError` as SPS101, raised in every child that
imports the module:

| Python | Message |
|---|---|
| 3.8-3.14 | `An attempt has been made to start a new process before the` |
| 3.11.5+, 3.12-3.14 | `To fix this issue, refer to the "Safe importing of main module"` |

Source: `Lib/multiprocessing/spawn.py` `_check_not_importing_main`.

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
`--unsafe-fixes` keeps the start at import time in the process that imports
the module first, and skips it in the child processes that re-import it:

```python
# Not in child processes: spawn and forkserver children re-import this module.
if mp.parent_process() is None and not getattr(mp.current_process(), "_inheriting", False):
    _POOL = mp.Pool(2)
```

The statement that starts the processes, and every later top-level statement
that reads what it binds, go under this test, in place, with their comments
(`import multiprocessing` is added when the module has no import to reuse).
The parent still runs them while it imports the module, as before. A spawn
child re-imports the main script, and this module with it, while
multiprocessing marks it `_inheriting` (the flag CPython's own check for this
error reads); so does the fork server on Python 3.14+, which imports the main
script in a process named `MainProcess` (a test of `current_process().name`
would not skip it there); a pool worker that imports the module later, while
unpickling a task, has a `parent_process()`. Names that another module imports
with `from module import NAME`, or that `__all__` lists, are bound to `None` in
the children, so that those imports still work.

The fix is unsafe: children no longer run the statements, so they lack the
names those bind, and the test reads a private attribute of multiprocessing.
There is no fix when a function that runs in a child reads such a name (the
settings computed at import time, say: it would be missing there), when a
definition's decorator, default or class body reads it, when the start is in a
definition or an import, or when the module maps one of its own functions over
a pool or executor while it is still importing (that deadlocks on the module's
import lock whatever the start method). Creating the resource lazily, in a
function the program calls from its main guard, is the cleaner cure, but it
changes the library's API.

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- The child's re-import and the bootstrapping `RuntimeError`: see SPS101's
  "CPython source" (`Lib/multiprocessing/spawn.py:126-157`); every other module
  the main module imports is imported again in the child the same way.

## References
- [multiprocessing: Safe importing of main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
"#;
