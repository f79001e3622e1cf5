//! SPS208 unpicklable-manager-callable: a lambda or nested function
//! registered with a manager class, or given as a manager's initializer,
//! when the manager is started: its server process is spawned with them.

use spawnsafe_flow::channels::{bad_manager_callables, BadManagerCallable, ManagerUse};
use spawnsafe_flow::manager_classes::{
    unfindable_manager_classes, Unfindable, UnfindableManagerClass,
};

use crate::diagnostic::Related;
use crate::payload::Walker;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::targets::Methods;

pub const DOCS: &str = r#"# unpicklable-manager-callable (SPS208)

## What it does
Finds a lambda or nested function given to a `multiprocessing` manager that
the manager's server process needs:

- `Manager.register("typeid", callable=...)` (or positionally) on a
  `BaseManager`/`SyncManager` subclass, or on `SyncManager` itself, when a
  manager of that class is started in the project (`m.start()`, `with
  Manager() as m:`, or `multiprocessing.Manager()` for `SyncManager`);
- `manager.start(initializer=...)`;
- the manager class itself, when a manager of a `BaseManager`/`SyncManager`
  subclass defined inside a function or in the main script's
  `if __name__ == "__main__":` block is started (unless the program selects
  fork, or the manager is given a `ctx=`).

## Why is this bad?
`BaseManager.start()` starts the server as a child process
(`Lib/multiprocessing/managers.py`, `BaseManager.start`):

```python
self._process = self._ctx.Process(
    target=type(self)._run_server,
    args=(self._registry, self._address, self._authkey,
          self._serializer, writer, initializer, initargs),
)
```

Under **spawn** and **forkserver** (Windows, macOS, Linux with Python 3.14+)
that `Process` is pickled, with the class's whole `_registry` (every callable
`register()` stored in it) and the `initializer`. A lambda or nested function
pickles by qualified name, so `start()` fails in the parent:

```
_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: attribute lookup <lambda> on __main__ failed
AttributeError: Can't pickle local object 'main.<locals>.<lambda>'
```

(3.14 words the second `PicklingError: Can't pickle local object ...`.)
Under **fork** the server inherits them and the same code works, which is
why it breaks only when moved to Windows or macOS.

The target `type(self)._run_server` is a classmethod, and pickle sends a
bound classmethod as its class and name, the class *by qualified name*. A
manager class defined inside a function fails in the parent (`AttributeError:
Can't pickle local object 'make_manager.<locals>.StatsManager'`; 3.13 says
"Can't get local object"). One defined under the main guard pickles as
`__main__.CrawlManager`, but the server process imports the script as
`__mp_main__`, where the guard is false: the server dies with
`AttributeError: Can't get attribute 'CrawlManager' on <module '__mp_main__'
...>` and the parent's `start()` raises `EOFError` (square/bionic#166).

Not reported: registrations on a manager that is never started here — the
documented remote-manager pattern `QueueManager.register('get_queue',
callable=lambda: queue)` served with `get_server().serve_forever()` pickles
nothing, and clients that `register("get_queue")` and `connect()` pass no
callable — and module-level functions and classes (`register("Store",
Store)`), which pickle by name.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `manager-lambda` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

In the parent, when `start()` (or `with`) pickles the registry for the
manager's server process under spawn/forkserver:

| Python | Message |
|---|---|
| 3.8-3.13 | `_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: attribute lookup <lambda> on __main__ failed` |
| 3.14 | `_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: it's not found as __main__.<lambda>` |

Source: `Lib/multiprocessing/managers.py` `BaseManager.start` (`Process(target=
type(self)._run_server, args=(self._registry, ...))`); the wording is
SPS201's.

## Example
```python
from multiprocessing.managers import BaseManager

class Store:
    def get(self):
        return 42

class StoreManager(BaseManager):
    pass

StoreManager.register("Store", callable=lambda: Store())

if __name__ == "__main__":
    with StoreManager() as manager:
        print(manager.Store().get())
```

Use instead:
```python
StoreManager.register("Store", callable=Store)
```

(or a module-level function that returns the object).


## Fix
A lambda registered with a manager, or given as its server's initializer,
becomes a module-level function (named after the typeid: `_get_queue`), which
pickles by name. It is safe when everything the lambda reads means the same at
module level; one that reads variables of the function around it becomes
`functools.partial` of the function with those values, which must then pickle
too (unsafe).

## References
- [multiprocessing: Customized managers](https://docs.python.org/3/library/multiprocessing.html#customized-managers)
- [multiprocessing: Using a remote manager](https://docs.python.org/3/library/multiprocessing.html#using-a-remote-manager)
- [pickle: What can be pickled and unpickled?](https://docs.python.org/3/library/pickle.html#what-can-be-pickled-and-unpickled)
"#;

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let mut walker = Walker::new(project);
    for found in bad_manager_callables(&mut walker, checker.module) {
        report(checker, &found);
    }
    for found in unfindable_manager_classes(project, checker.module) {
        report_class(checker, &found);
    }
}

fn report_class(checker: &mut Checker, found: &UnfindableManagerClass) {
    // The program selects fork: the server `Process` is not pickled.
    if checker.pinned(None) == Some(crate::targets::StartMethod::Fork) {
        return;
    }
    let (where_defined, how) = match found.why {
        Unfindable::Local => (
            "inside a function".to_string(),
            "which pickles its class by qualified name and fails in the parent".to_string(),
        ),
        Unfindable::InMainGuard => (
            "in the `if __name__ == \"__main__\":` block".to_string(),
            format!(
                "which pickles its class as `__main__.{}`; the server imports the script as `__mp_main__` without running the guard and cannot find it, and the parent's `start()` raises `EOFError`",
                found.class_name
            ),
        ),
    };
    let message = format!(
        "The manager class `{}` is defined {where_defined}: under spawn and forkserver `start()` pickles its server process, whose target is the classmethod `type(self)._run_server`, {how}: {}",
        found.class_name, found.error
    );
    let (module, range) = found.defined_at;
    let related = vec![Related {
        file: checker.files[module].clone(),
        range,
        message: format!("`{}` is defined here", found.qualname),
    }];
    let diagnostic = checker.report(
        Rule::UnpicklableManagerCallable,
        found.start,
        message,
        Some("define the manager class at module level, outside the main guard, and register its types there".to_string()),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
}

fn report(checker: &mut Checker, found: &BadManagerCallable) {
    let what = found.kind.describe();
    let message = match &found.how {
        ManagerUse::Register { manager, typeid } => {
            let typeid = typeid
                .as_ref()
                .map_or_else(String::new, |typeid| format!(" as `{typeid}`"));
            format!(
                "{what} is registered with `{manager}`{typeid}: `start()` spawns the manager's server process with the class's `_registry` as an argument, and under spawn and forkserver that pickles every registered callable, which fails: {}",
                found.error
            )
        }
        ManagerUse::StartInitializer => format!(
            "{what} is the initializer of a manager's server process: `start()` passes it as an argument of the server `Process`, and under spawn and forkserver that pickles it, which fails: {}",
            found.error
        ),
    };
    let mut related = Vec::new();
    if let (ManagerUse::Register { .. }, Some((module, range))) = (&found.how, found.started_at) {
        related.push(Related {
            file: checker.files[module].clone(),
            range,
            message: "the manager is started here".to_string(),
        });
    }
    let help = "define the callable as a module-level function (or pass the class itself), which pickles by name".to_string();
    let typeid = match &found.how {
        ManagerUse::Register { typeid, .. } => typeid.as_deref(),
        ManagerUse::StartInitializer => None,
    };
    let fix = crate::fix::member_state::lambda_fix_in(
        checker,
        ruff_text_size::Ranged::range(found.expr),
        typeid,
    );
    let diagnostic = checker.report(
        Rule::UnpicklableManagerCallable,
        ruff_text_size::Ranged::range(found.expr),
        message,
        Some(help),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
    diagnostic.fix = fix;
}
