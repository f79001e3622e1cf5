//! SPS105 worker-defined-in-guard: reported by the pickling analysis in
//! `sps201_unpicklable_callable`, which sees every value sent to a child.

pub const DOCS: &str = r#"# worker-defined-in-guard (SPS105)

## What it does
Finds a function or class defined inside `if __name__ == "__main__":` that is
sent to a child process: a `Pool`/`ProcessPoolExecutor` task function, a
`Process` target, an initializer, or an instance passed as an argument.

## Why is this bad?
Functions and classes are pickled *by reference*: the child receives
"`__main__.work`" and looks `work` up in its own copy of the main module. Under
*spawn* and *forkserver* (Windows, macOS, Linux with Python 3.14+) the child
re-imports the script as `__mp_main__`, and the guard's body does not run
there, so the name does not exist:

```
AttributeError: Can't get attribute 'work' on <module '__mp_main__' from '/path/to/script.py'>
```

A `Pool` then hangs (each worker dies unpickling its task), a
`ProcessPoolExecutor` raises `BrokenProcessPool`. Under fork the child is a
copy of the parent and has the name, so the bug stays hidden on Linux up to 3.13.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `worker-in-guard` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

The child, unpickling the target or task by its qualified name:

| Python | Message |
|---|---|
| 3.8-3.13 | `AttributeError: Can't get attribute 'work' on <module '__mp_main__' from '/path/to/script.py'>` |
| 3.14 | `AttributeError: module '__mp_main__' has no attribute 'work'` |

Sources: `Modules/_pickle.c` `_pickle_Unpickler_find_class_impl` (3.8-3.13:
`"Can't get attribute %R on %R"`); 3.14: `Lib/pickle.py` `_Unpickler.find_class`
ends in a plain `getattr(sys.modules[module], name)` (and `Can't resolve path
'A.f' on module '__mp_main__'` for a dotted name), read at python/cpython
015a323e; the C accelerator follows it. `__mp_main__` is the name
`spawn._fixup_main_from_path` gives the re-imported script.

## Example
```python
import multiprocessing as mp

if __name__ == "__main__":
    def work(x):
        return x * x

    with mp.Pool(2) as pool:
        print(pool.map(work, range(4)))
```

Use instead:
```python
import multiprocessing as mp

def work(x):
    return x * x

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print(pool.map(work, range(4)))
```

## Fix
`--fix` moves the function or class out of the guard to module level, right
before `if __name__ == "__main__":`, dedented one level, with its decorators
and the comments above it (the contents of multi-line strings are left as
they are). It is offered when the definition is written directly in the
guard, its name is bound nowhere else, and every name it reads is a builtin
or a module-level name bound outside the guard (names read by its decorators,
defaults, base classes or class body must be bound before the guard). A name
imported in the guard before the definition from a standard library module
whose import has no side effects (`from dataclasses import dataclass`) counts
too: that import moves to the module's imports. A worker that reads variables
of the guard is not moved: children would not have them. A class whose
instances are sent in a list is moved like one sent alone.

The fix is safe when moving the definition changes nothing else; it is unsafe
when its decorators, non-literal defaults, metaclass or class body now also
run in every child process that imports the module, or when it reads a
global that the program assigns at run time.

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- `Lib/multiprocessing/spawn.py:275-300` `_fixup_main_from_path`: the child runs the
  parent's main file as `__mp_main__`, where `if __name__ == "__main__":` is false,
  and installs it as `sys.modules['__main__']` (line 300); a function or class
  defined only in the guard does not exist there.
- The parent's pickler sent it by reference, as `__main__.<name>` (`Lib/pickle.py:1056`
  `save_global`); the child's `find_class` (`Lib/pickle.py` `Unpickler.find_class`,
  C: `Modules/_pickle.c` `_pickle_Unpickler_find_class_impl`) looks it up in that module and
  raises `AttributeError: Can't get attribute '<name>' on <module '__mp_main__' ...>`.

## References
- [pickle: What can be pickled and unpickled?](https://docs.python.org/3/library/pickle.html#what-can-be-pickled-and-unpickled)
- [multiprocessing: Safe importing of main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
"#;
