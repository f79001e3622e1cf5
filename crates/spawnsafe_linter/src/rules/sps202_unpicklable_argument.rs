//! SPS202 unpicklable-argument: a value sent to a child process as a task
//! argument or in `Process` args that cannot make the trip.

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use crate::api::Pickler;
use crate::boundary::ReplacedOriginal;
use crate::contents::{pickle_error, Inside};
use crate::diagnostic::Related;
use crate::facts::{PickleSite, Sender};
use crate::fix::manager_proxy::manager_proxy_fix;
use crate::objects::{ErrorText, ObjectKind};
use crate::payload::{Leaf, Sent, Walker};
use crate::registry::Rule;
use crate::rules::Checker;
use crate::targets::Methods;
use spawnsafe_flow::argument_sites::{
    argument_findings, written_as, ArgumentFinding, Callable, WrittenAs,
};

pub const DOCS: &str = r#"# unpicklable-argument (SPS202)

## What it does
Finds values sent to a child process that cannot get there:

- a `multiprocessing` `Queue`, `SimpleQueue`, `JoinableQueue`, `Lock`,
  `RLock`, `Semaphore`, `BoundedSemaphore`, `Event`, `Condition`, `Barrier`,
  `Value` or `Array` in the arguments of a `Pool` task (`map`, `starmap`,
  `imap`, `apply_async`, …) or a `ProcessPoolExecutor` task (`submit`, `map`);
- an object that never pickles — a `threading` lock, event, condition,
  semaphore or `Thread`, a `queue.Queue`, an open file, a generator, a
  `sqlite3` connection or cursor, a `Pool` or executor, a started `Process`,
  a `logging` handler — in task arguments or in `Process(args=..., kwargs=...)`;
- a raw file descriptor number (`os.dup(...)`, `os.open(...)`, `f.fileno()`,
  `os.pipe()[1]`) sent to a child.

The arguments bound into a task or target with `functools.partial` count as
arguments: a partial pickles as `(partial, (func,), (func, args, kwds, ...))`
(Lib/functools.py `partial.__reduce__`), so they travel with every task. A
bound method or a callable instance (`pool.apply(self, ...)`) sent as a task or
target pickles the instance, and an instance pickles its `__dict__`
(Objects/typeobject.c `object___reduce_ex__` → `copyreg.__reduce_ex__`): an
unpicklable object stored in any attribute — directly, inside a list, tuple,
set or dict, or in a nested instance — is reported with the attribute path to
it and a note where it is stored, unless the class defines `__getstate__`,
`__reduce__` or `__reduce_ex__`. `self.pool.map(self.method, ...)` is such a
task: the instance holds the pool (`NotImplementedError: pool objects cannot be
passed between processes or pickled`).

Classes pickle by reference to their module and name, and so do their
instances and enum members: a class made by `collections.namedtuple(...)`,
`typing.NamedTuple(...)` or `enum.Enum(...)` (and `IntEnum`, `StrEnum`,
`Flag`, `IntFlag`) inside a function, or bound at module level to a variable
whose name differs from the one it was given, cannot be found again:
`_pickle.PicklingError: Can't pickle <class '__main__.Point'>: attribute lookup
Point on __main__ failed` (`<enum 'Kind'>` for an enum; `__mp_main__` when a
spawned child pickles it). A function that a decorator replaced at its
module-level name, sent to a child from inside the decorator's wrapper (a
timeout decorator's `Process(target=_run, args=(function, ...))`), fails the
same way, with or without `functools.wraps` (Lib/pickle.py `save_global`):
`PicklingError: Can't pickle <function f at 0x...>: it's not the same object
as __main__.f`.

A class made by `namedtuple(...)` or `Enum(...)` in a class body
(`class Config: Mode = Enum("Mode", ...)`) is pickled by its bare name, which is
not an attribute of the module: the same "attribute lookup Mode on __main__
failed". A decorator that replaces a function with an object keeping it
(`@Task`, a `@flow` that returns `Flow(fn)`) leaves the object at the
function's name, so the kept function fails with "it's not the same object as
__main__.fn" wherever it sits in a pickled value. Dataclass fields are
attributes too: `field(default=v)` stores `v` in every instance and
`field(default_factory=lambda: v)` stores `v`; a `collections.defaultdict`
pickles its `default_factory`.

Values are followed through variables, tuples, lists and comprehensions
(`[(name, queue) for name in names]`), `itertools.repeat(x)`, `zip(...)`,
`self.attribute`, tuple unpacking (`data, loader = provider(args)`), dict items
read with a literal key from a dict that is never changed, and helper functions
that pass on what their callers give them. A value whose type is not known is
never reported.

## Why is this bad?
**Task arguments** are pickled onto the pool's task queue under *every*
start method, fork included. multiprocessing's synchronization objects may
only be pickled while a child process is being created
(`context.assert_spawning`), so they fail everywhere:

```
RuntimeError: Queue objects should only be shared between processes through inheritance
```

The class named is the one being pickled: an `Event` or a `Barrier` pickles
its `Condition` first (`Condition objects should only be shared…`), a
`Value` is a `Synchronized` object and an `Array` a `SynchronizedArray`.
`Pool.map` and `apply_async(...).get()` re-raise the error in the parent;
an executor sets it on the future.

**`Process` args** are pickled with the `Process` object at `start()` —
only under *spawn* and *forkserver* (Windows, macOS, Linux with Python
3.14+). That is process creation, so a multiprocessing `Queue` or `Lock` is
fine there; but objects that never pickle fail:

```
TypeError: cannot pickle '_thread.lock' object            # threading.Lock, Event, queue.Queue
TypeError: cannot pickle '_thread.RLock' object           # threading.RLock, logging handlers
TypeError: cannot pickle '_io.TextIOWrapper' object       # open(); 3.12+: cannot pickle 'TextIOWrapper' instances
TypeError: cannot pickle 'generator' object
TypeError: cannot pickle 'sqlite3.Connection' object
NotImplementedError: pool objects cannot be passed between processes or pickled
TypeError: cannot pickle 'weakref.ReferenceType' object   # a started Process (3.8: 'weakref')
```

In task arguments they fail under every start method (a started
`Process` there raises `TypeError: Pickling an AuthenticationString object
is disallowed for security reasons`). Under fork, `Process` args are not
pickled: the child inherits a copy, so the same code "works" on Linux up to
Python 3.13 (a copied `threading.Lock` locks nothing across processes).

A **raw file descriptor** is just an integer. A fork child inherits the
parent's descriptor table, so the number names the same file; a spawn or
forkserver child gets only the descriptors multiprocessing passes to it, so
the number is closed there, or names one of the child's own files:
`OSError: [Errno 9] Bad file descriptor`, or reads that return nothing or
block.

Not reported: multiprocessing objects in `Process` args or in a pool's
`initargs` (shared by inheritance), `Manager()` proxies, sockets and
`Pipe()` connections (multiprocessing's reducers duplicate them into the
child), thread pools (which pickle nothing), and unstarted `Process` objects.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `queue-in-task`, `lock-in-task`, `thread-lock-arg`, `log-handler-arg`, `mmap-arg`, `open-file-arg`, `generator-arg`, `sqlite-arg`, `pool-arg`, `started-process-arg`, `started-process-task` cases). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

multiprocessing's own primitives as task arguments (every start method):

| Python | Message |
|---|---|
| 3.8-3.14 | `RuntimeError: Queue objects should only be shared between processes through inheritance` |
| 3.8-3.14 | `RuntimeError: Lock objects should only be shared between processes through inheritance` |

Source: `Lib/multiprocessing/context.py` `assert_spawning`, called by
`queues.Queue.__getstate__` and `synchronize.SemLock.__getstate__`
(`Semaphore`, `Event`, `Condition` too).

Objects that refuse to pickle:

| Python | Message |
|---|---|
| 3.8-3.14 | `TypeError: cannot pickle '_thread.lock' object` |
| 3.8-3.14 | `TypeError: cannot pickle '_thread.RLock' object` |
| 3.8-3.14 | `TypeError: cannot pickle 'mmap.mmap' object` |
| 3.8-3.11 | `TypeError: cannot pickle '_io.TextIOWrapper' object` |
| 3.12-3.14 | `TypeError: cannot pickle 'TextIOWrapper' instances` |
| 3.8-3.14 | `TypeError: cannot pickle 'generator' object` |
| 3.8-3.14 | `TypeError: cannot pickle 'sqlite3.Connection' object` |
| 3.8-3.14 | `NotImplementedError: pool objects cannot be passed between processes or pickled` |
| 3.8-3.9 | `TypeError: cannot pickle 'weakref' object` |
| 3.10-3.14 | `TypeError: cannot pickle 'weakref.ReferenceType' object` |
| 3.8-3.14 | `TypeError: Pickling an AuthenticationString object is disallowed for security reasons` |

Sources: `Objects/typeobject.c` `reduce_newobj` (a type with no `tp_new`) and
`_PyObject_GetState` (3.8-3.10) / `object_getstate_default` (3.11+), both
`"cannot pickle '%.200s' object"` for types
without a reduction; 3.12 gives `_io.TextIOWrapper` its own `__reduce_ex__`
(`Modules/_io`), hence `instances`; `Lib/multiprocessing/pool.py`
`Pool.__reduce__`; a `logging` handler holds a `threading.RLock`
(`Lib/logging/__init__.py` `Handler.createLock`); a started `Process` holds its `_popen`, whose
`util.Finalize` keeps a `weakref.ref` (`Lib/multiprocessing/util.py`); as a
task argument (outside process creation) its `authkey` refuses first,
`Lib/multiprocessing/process.py` `AuthenticationString.__reduce__`.
The older `can't pickle _thread.lock objects` is 3.7 and before.

## Example
```python
import multiprocessing as mp

def work(item, progress):
    progress.put(item)

def main():
    progress = mp.Queue()
    with mp.Pool(2) as pool:
        pool.starmap(work, [(item, progress) for item in range(4)])
```

Use instead:
```python
import multiprocessing as mp

def work(item, progress):
    progress.put(item)

def main():
    with mp.Manager() as manager:
        progress = manager.Queue()
        with mp.Pool(2) as pool:
            pool.starmap(work, [(item, progress) for item in range(4)])
```

or give the queue to the workers when they start, with
`Pool(initializer=init, initargs=(progress,))`.

## Fix
For a `Queue`, `JoinableQueue`, `SimpleQueue`, `Lock`, `RLock`, `Event`,
`Semaphore` or `BoundedSemaphore` sent as a `Pool` or `ProcessPoolExecutor`
task argument, `--unsafe-fixes` replaces its creation, `progress = mp.Queue()`,
with a manager proxy, `progress = mp.Manager().Queue()` (a `SimpleQueue`
becomes a `Queue`). A proxy pickles as the manager's address and a token, so it
may travel in task arguments. The proxy holds a reference to its manager, so
the manager process lives as long as the variable keeps the proxy (checked on
CPython 3.11 with the garbage collector forced).

It is offered only when the object is assigned whole to a name or an
attribute, with the proxy's own constructor arguments, and the code runs only
in the parent: in the main guard, or in functions (and `__init__` methods)
called only from there and never in a worker, since a manager is a process
start. It is unsafe: each run of that code starts a manager server process;
every call on the proxy is a round trip to it; and the proxy has only the
methods of the `queue.Queue` or `threading` object it stands for (no
`close()`, `join_thread()` or `cancel_join_thread()`; `acquire()` takes
`blocking`, not `block`). `Value`, `Array`, `Condition` and `Barrier` are not
rewritten (a manager's `Value` has no `get_lock()`): pass them with
`initializer`/`initargs` instead.


For an unpicklable member of a project instance (`self.lock =
threading.Lock()`, `self.conn = sqlite3.connect(self.path)`),
`--unsafe-fixes` adds `__getstate__`, which leaves the member out of the
pickled `__dict__`, and `__setstate__`, which makes it again in the child with
the expression `__init__` used (a parameter read through the attribute it was
stored in). It is offered when the class has no pickling methods or
`__slots__` of its own, the attribute is assigned once, and `__init__` does not
use the member after making it (an in-memory database it fills would come back
empty). Unsafe: the child's member is a new object, without what the parent's
held (a taken lock, a file position, uncommitted rows). A lambda stored in the
member (an attribute, a dataclass field default, a parameter default) becomes
a module-level function named after it instead, which pickles by name.

A class made by `namedtuple("Name", ...)` or `Enum("Name", ...)` (and
`IntEnum`, `Flag`, `typing.NamedTuple`) pickles by reference to
`module.Name` (Lib/collections/__init__.py `namedtuple` and Lib/enum.py set
`__module__` from the caller and `__qualname__` to the typename).
`--unsafe-fixes` makes it findable there: an assignment `Name = namedtuple(
"Name", ...)` inside a function moves to module level when everything its
call reads is a module-level name bound before it or a builtin (unsafe: every
call of the function then shares one class); one in a module-level class body
moves to right before the class, which keeps `Name = Name` (safe); a
module-level class bound to another name (`nt = namedtuple("usage", ...)`)
gets `usage = nt` when nothing else in the module uses `usage` (safe), or else
its typename becomes the variable's name (unsafe: `repr()` and `__name__`
change). A class defined inside a function moves to module level as
SPS201's fix does. Nothing is offered for a class whose call reads a local
variable, or whose typename differs from the variable inside a function.

A module-level function whose decorator replaced it while the child still
gets the original (`Process(target=self.func)` in the object a
`@run_as_process` made, a timeout decorator sending `function` in a
`Process`'s args, a `Flow` object keeping `fn`) is pickled by reference to
its name and found to be another object there ("it's not the same object",
Lib/pickle.py `save_global`). `--unsafe-fixes` keeps the original under
its own name and binds the decorated object explicitly: `@deco def work`
becomes `def _work` followed by `work = deco(_work)` (stacked decorators
compose in order). `_work` is then what its qualified name names, and the
child's import runs the same decorator again. Unsafe: the original's
`__name__` and `__qualname__`, and what a decorator copies from them, become
`_work`. It is offered when `_work` is unused in the module and the
decorators are lines of their own without comments.

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- When and where arguments, tasks and results are pickled: see SPS201's
  "CPython source" (`popen_spawn_posix.py:46-47`, `popen_spawn_win32.py:94-95`,
  `pool.py:528-540` and `124-136`, `concurrent/futures/process.py:213-225`).
- `multiprocessing` locks, semaphores, conditions, events, queues and
  `Value`/`Array` refuse pickling outside process creation:
  `synchronize.py:100-101` (`SemLock.__getstate__` calls
  `context.assert_spawning`), `queues.py` (`Queue.__getstate__`), `sharedctypes.py`;
  the message is "... objects should only be shared between processes through inheritance".

## References
- [multiprocessing programming guidelines: explicitly pass resources to child processes](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-programming)
- [multiprocessing: Sharing state between processes (Managers)](https://docs.python.org/3/library/multiprocessing.html#managers)
- [pickle: What can be pickled and unpickled?](https://docs.python.org/3/library/pickle.html#what-can-be-pickled-and-unpickled)
"#;

pub fn check(checker: &mut Checker) {
    let mut walker = Walker::new(checker.project);
    let mut reported: FxHashSet<(TextRange, usize, TextRange)> = FxHashSet::default();
    for finding in argument_findings(&mut walker, checker.module) {
        match finding {
            ArgumentFinding::Object {
                sent,
                sender,
                leaf,
                kind,
            } => {
                let Some(problem) = problem(&kind, sender, sent.site.pickler) else {
                    continue;
                };
                if reported.insert((leaf.anchor.range(), leaf.module, leaf.expr.range())) {
                    report(checker, &sent, &leaf, &kind, problem);
                }
            }
            ArgumentFinding::InInstance {
                sent,
                sender,
                leaf,
                inside,
            } => {
                let key = (
                    leaf.anchor.range(),
                    inside.leaf.module,
                    inside.leaf.expr.range(),
                );
                if reported.insert(key) {
                    let verb = if leaf.nested { "holds" } else { "is" };
                    let what = format!("{verb} a `{}` instance", inside.holder);
                    let travel = (destination(sent.site, sender), sender.pickled_under_fork());
                    report_inside(checker, sent.site, leaf.anchor, &what, travel, &inside);
                }
            }
            ArgumentFinding::ReplacedOriginal {
                site,
                sender,
                item,
                original,
            } => report_replaced_original(checker, site, sender, item, &original),
            ArgumentFinding::InCallable {
                site,
                callable,
                inside,
            } => {
                let holder = &inside.holder;
                let what = match &callable {
                    Callable::PartialOfBoundMethod(method) => format!(
                        "is a `functools.partial` of the bound method `{method}` of a `{holder}` instance"
                    ),
                    Callable::BoundMethod(method) => {
                        format!("is the bound method `{method}` of a `{holder}` instance")
                    }
                    Callable::Instance => format!("is a `{holder}` instance"),
                };
                let travel = (site.role.describe(), site.role.pickled_under_fork());
                report_inside(checker, site, site.expr, &what, travel, &inside);
            }
        }
    }
}

/// Reports the original of a decorated function sent from its wrapper.
fn report_replaced_original(
    checker: &mut Checker,
    site: &PickleSite,
    sender: Sender,
    item: &Expr,
    original: &ReplacedOriginal,
) {
    let project = checker.project;
    let path = &project.paths[original.module];
    let module_name = if project.models[original.module].has_main_guard && !path.in_package {
        "__main__".to_string()
    } else {
        path.name.clone()
    };
    let name = &original.name;
    let subject = short_text(checker, item.range())
        .map_or_else(|| "This".to_string(), |text| format!("`{text}`"));
    let message = format!(
        "{subject} is the function `{name}` that its decorator replaced at its module-level name ({}): pickle sends a function by reference to `{module_name}.{name}` and finds the decorator's wrapper there, not the same object: \"_pickle.PicklingError: Can't pickle <function {name} at 0x...>: it's not the same object as {module_name}.{name}\" ({})",
        destination(site, sender),
        if sender.pickled_under_fork() {
            "under every start method"
        } else {
            "under spawn and forkserver"
        },
    );
    let related = vec![Related {
        file: checker.files[original.module].clone(),
        range: original.decorator_range,
        message: format!("the decorator replaces `{name}` here"),
    }];
    let help = "run the child with a module-level function that calls the undecorated code, or define the undecorated function under its own name and bind the decorated one to another (`def _work(...): ...` then `work = decorator(_work)`)".to_string();
    let pinned = checker.pinned(site.context_method.as_deref());
    let fix = (original.module == checker.module)
        .then(|| crate::fix::unwrap_decorated::fix_in(checker, name))
        .flatten();
    let diagnostic = checker.report(Rule::UnpicklableArgument, item.range(), message, Some(help));
    diagnostic.related = related;
    diagnostic.fix = fix;
    diagnostic.fails_under = Some(pickled_under(sender.pickled_under_fork()));
    diagnostic.pinned = pinned;
}

/// Reports an unpicklable object found inside a pickled instance, with the
/// attribute path to it and a note where it is stored.
fn report_inside(
    checker: &mut Checker,
    site: &PickleSite,
    anchor: &Expr,
    what: &str,
    (destination, under_fork): (&str, bool),
    inside: &Inside,
) {
    let project = checker.project;
    let Some(error) = pickle_error(project, &inside.leaf, &inside.kind) else {
        return;
    };
    let subject = short_text(checker, anchor.range())
        .map_or_else(|| "This".to_string(), |text| format!("`{text}`"));
    let message = format!(
        "{subject} {what} ({destination}), and pickling the instance pickles its attributes: `{}` is {}, which cannot be pickled: {error}",
        inside.path.trim_start_matches('.'),
        inside.kind.describe(),
    );
    let related = vec![Related {
        file: checker.files[inside.leaf.module].clone(),
        range: inside.leaf.expr.range(),
        message: format!("`{}{}` is stored here", inside.holder, inside.path),
    }];
    let help = match inside.kind {
        // A lambda or nested function: the fix is a function pickle can find by name.
        ObjectKind::Lambda | ObjectKind::LocalFunction { .. } => format!(
            "replace {} in `{}` with a module-level function (`def`, or a class with `__call__`), which pickle finds by name",
            inside.kind.describe(),
            inside.path.trim_start_matches('.')
        ),
        _ => format!(
            "leave `{}` out of the pickled state (`__getstate__` that drops it and `__setstate__` that re-creates it in the child), or create it in the worker",
            inside.path.trim_start_matches('.')
        ),
    };
    let pinned = checker.pinned(site.context_method.as_deref());
    let fix = (inside.leaf.module == checker.module)
        .then(|| crate::fix::member_state::fix_in(checker, inside.leaf.expr.range()))
        .flatten();
    let diagnostic = checker.report(
        Rule::UnpicklableArgument,
        anchor.range(),
        message,
        Some(help),
    );
    diagnostic.related = related;
    diagnostic.fix = fix;
    diagnostic.fails_under = Some(pickled_under(under_fork));
    diagnostic.pinned = pinned;
}

/// The start methods under which a value is pickled.
fn pickled_under(under_fork: bool) -> Methods {
    if under_fork {
        Methods::ALL
    } else {
        Methods::SPAWN_AND_FORKSERVER
    }
}

/// Why a value cannot make the trip, and under which start methods.
struct Problem {
    error: ErrorText,
    mechanism: &'static str,
    fails_under: Methods,
}

fn problem(kind: &ObjectKind, sender: Sender, pickler: Pickler) -> Option<Problem> {
    let task = !sender.while_spawning();
    if let ObjectKind::SpawnShared { type_name, .. } = kind {
        // Pickled while the child is created: shared by inheritance, as documented.
        if !task {
            return None;
        }
        return Some(Problem {
            error: ErrorText::new(format!(
                "RuntimeError: {type_name} objects should only be shared between processes through inheritance"
            )),
            mechanism: "multiprocessing synchronization objects may only be pickled while a child process is being created",
            fails_under: Methods::ALL,
        });
    }
    // dill (`multiprocess`) pickles locks and files by value.
    if pickler.pickles_code_by_value() {
        return None;
    }
    match kind {
        ObjectKind::Process { started: true, .. } => Some(if task {
            Problem {
                error: ErrorText::new("TypeError: Pickling an AuthenticationString object is disallowed for security reasons"),
                mechanism: "a `Process` object holds the authentication key, which multiprocessing refuses to pickle outside process creation",
                fails_under: Methods::ALL,
            }
        } else {
            Problem {
                error: ErrorText::new("TypeError: cannot pickle 'weakref.ReferenceType' object")
                    .or("Python 3.8: 'weakref'"),
                mechanism: "a started `Process` holds its `Popen` finalizer, whose weak references cannot be pickled",
                fails_under: Methods::SPAWN_AND_FORKSERVER,
            }
        }),
        ObjectKind::RawFd { .. } => Some(Problem {
            error: ErrorText::new("OSError: [Errno 9] Bad file descriptor")
                .or("or reads that return nothing or block"),
            mechanism: "a spawn or forkserver child does not inherit the parent's file descriptors, so there the number is closed or names one of the child's own files",
            fails_under: Methods::SPAWN_AND_FORKSERVER,
        }),
        _ => Some(Problem {
            error: kind.pickling_error(!task)?,
            mechanism: "it cannot be pickled",
            fails_under: pickled_under(sender.pickled_under_fork()),
        }),
    }
}

/// How the value travels, in words.
fn destination(site: &PickleSite, sender: Sender) -> &'static str {
    match (written_as(site), sender) {
        (WrittenAs::Bound, Sender::Pool | Sender::Executor) => {
            "bound into the task function with `functools.partial`, which pickles its arguments with it"
        }
        (WrittenAs::Bound, Sender::Process | Sender::Library(_)) => {
            "bound into the callable with `functools.partial`, which pickles its arguments with it"
        }
        (_, Sender::Pool) => "sent to pool workers as a task argument",
        (_, Sender::Executor) => "sent to `ProcessPoolExecutor` workers as a task argument",
        (_, Sender::Library(id)) => crate::semantic::knowledge::starter(id).sent_to.as_str(),
        (WrittenAs::Kwargs, Sender::Process) => "passed to a child process in `Process` kwargs",
        (WrittenAs::Argument, Sender::Process) => "passed to a child process in `Process` args",
    }
}

/// When the value is pickled, in words.
fn when_pickled(sender: Sender) -> &'static str {
    match sender {
        Sender::Pool | Sender::Executor => "task arguments are pickled under every start method",
        Sender::Process => {
            "spawn and forkserver pickle the args with the `Process` object at `start()`"
        }
        Sender::Library(_) => {
            "spawn and forkserver pickle it with the library's worker `Process` objects when they start"
        }
    }
}

fn help(kind: &ObjectKind, sender: Sender) -> String {
    let task = !sender.while_spawning();
    match kind {
        ObjectKind::SpawnShared { .. } => "pass it when the workers start (`Pool(initializer=init, initargs=(obj,))`, or `Process(args=...)`), or use a `multiprocessing.Manager()` proxy, which can travel in task arguments".to_string(),
        ObjectKind::ThreadPrimitive { .. } if task => "create it in the worker (for a pool, once per worker in an `initializer`), or use a `multiprocessing.Manager()` proxy".to_string(),
        ObjectKind::ThreadPrimitive { .. } => "use the `multiprocessing` equivalent (`multiprocessing.Lock()`, `multiprocessing.Queue()`, ...), which is shared with the child when it starts, or create it in the child".to_string(),
        ObjectKind::Thread { .. } => "pass what the child needs (a name, or a `multiprocessing.Event` to signal), not the `Thread` object".to_string(),
        ObjectKind::File { .. } => "pass the file's path and open it in the child".to_string(),
        ObjectKind::Generator => "pass a list (`list(...)`), or the arguments that make the generator and create it in the child".to_string(),
        ObjectKind::SqliteConnection | ObjectKind::SqliteCursor => "pass the database path and connect in the child (for a pool, once per worker in an `initializer`)".to_string(),
        ObjectKind::Pool { .. } | ObjectKind::Executor { .. } => "a child cannot use the parent's pool: return the work to the parent, which submits it".to_string(),
        ObjectKind::Process { .. } => "pass the process's `pid` or `name` instead of the `Process` object".to_string(),
        ObjectKind::Manager { .. } => "pass the manager's proxies (`manager.dict()`, `manager.Queue()`, ...), which pickle, not the manager".to_string(),
        ObjectKind::LogHandler { .. } => "configure logging in the child, or send records to the parent through a `logging.handlers.QueueHandler`".to_string(),
        ObjectKind::RawFd { .. } => "pass the file's path and open it in the child, or pass a socket or a `multiprocessing.Pipe()` connection, which multiprocessing duplicates into the child".to_string(),
        ObjectKind::Native { .. } => "pass what the child needs to re-create it (a path, an address) and create it in the child".to_string(),
        ObjectKind::ClassByName(class) => format!("pickle finds a class again by its module and name: make `{}` at module level, bound to a variable of the same name", class.typename),
        ObjectKind::Lambda | ObjectKind::LocalFunction { .. } => String::new(),
        ObjectKind::ReplacedFunction { name, .. } => format!("keep the undecorated function under its own name (`def _{name}(...)` then `{name} = decorator(_{name})`), or give the decorator's class a `__reduce__` that finds the object by name"),
    }
}

/// The source text of a short expression, for messages.
pub(crate) fn short_text(checker: &Checker, range: TextRange) -> Option<String> {
    let text = checker
        .file()
        .text
        .get(range.start().to_usize()..range.end().to_usize())?;
    (text.len() <= 40 && !text.contains('\n')).then(|| text.to_string())
}

fn report(checker: &mut Checker, sent: &Sent, leaf: &Leaf, kind: &ObjectKind, problem: Problem) {
    let Some(send) = sent.site.send else { return };
    let sender = send.sender;
    let described = kind.describe();
    let subject = match short_text(checker, leaf.anchor.range()) {
        Some(text) => {
            let verb = if leaf.anchor.range() == leaf.expr.range() && leaf.module == sent.module {
                "makes"
            } else if leaf.nested {
                "holds"
            } else {
                "is"
            };
            format!("`{text}` {verb} {described}")
        }
        None => {
            let mut chars = described.chars();
            let first = chars
                .next()
                .map(|c| c.to_uppercase().to_string())
                .unwrap_or_default();
            format!("{first}{}", chars.as_str())
        }
    };
    let message = match kind {
        ObjectKind::SpawnShared { .. } => format!(
            "{subject}, {}: task arguments are pickled under every start method, outside process creation, and {}: {}",
            destination(sent.site, sender),
            problem.mechanism,
            problem.error
        ),
        ObjectKind::RawFd { .. } => format!(
            "{subject}, {}: {}: {}",
            destination(sent.site, sender),
            problem.mechanism,
            problem.error
        ),
        _ => format!(
            "{subject}, {}: {}, and {}: {}",
            destination(sent.site, sender),
            when_pickled(sender),
            problem.mechanism,
            problem.error
        ),
    };
    let mut related = Vec::new();
    if leaf.module != sent.module || leaf.expr.range() != leaf.anchor.range() {
        let what = if leaf.entered { "opened" } else { "created" };
        related.push(Related {
            file: checker.files[leaf.module].clone(),
            range: leaf.expr.range(),
            message: format!("{} is {what} here", kind.noun()),
        });
    }
    for via in &sent.via {
        related.push(Related {
            file: checker.files[via.module].clone(),
            range: via.range,
            message: via.message.clone(),
        });
    }
    let pinned = checker.pinned(sent.site.context_method.as_deref());
    let fix = match kind {
        ObjectKind::SpawnShared { .. } if !sender.while_spawning() => {
            manager_proxy_fix(checker, leaf)
        }
        ObjectKind::ClassByName(class) if leaf.module == checker.module => {
            crate::fix::class_by_name::fix_in(checker, class)
        }
        ObjectKind::ThreadPrimitive { .. } if sender.while_spawning() && !leaf.nested => {
            crate::fix::process_sync::process_sync_fix(checker, leaf)
        }
        ObjectKind::Generator if sent.module == checker.module && !leaf.nested => {
            crate::fix::materialize_generator::materialize_fix(
                checker,
                leaf.module,
                leaf.expr,
                leaf.anchor,
            )
            .or_else(|| crate::fix::materialize_generator::materialize_variable_fix(checker, leaf))
        }
        _ => None,
    };
    let diagnostic = checker.report(
        Rule::UnpicklableArgument,
        leaf.anchor.range(),
        message,
        Some(help(kind, sender)),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(problem.fails_under);
    diagnostic.pinned = pinned;
    diagnostic.fix = fix;
}
