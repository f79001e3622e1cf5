//! SPS301 global-not-inherited: a query over the flow layer's
//! [`crate::state`] analysis (what workers read that the parent sets at run time).

use std::sync::Arc;

use crate::diagnostic::{Related, SourceFile};
use crate::messages::state::{facility_help, facility_words};
use crate::project::Project;
use crate::registry::{Rule, Severity};
use crate::rules::Checker;
use crate::state::{self, Facility, Hazard, Outcome, StateFinding, StateFindings};
use crate::targets::{Methods, StartMethod};
use crate::workers::Workers;

pub const DOCS: &str = r#"# global-not-inherited (SPS301)

## What it does
Finds code running in a child process (a `Pool` or `ProcessPoolExecutor` task or
initializer, a `Process` target or `run()`, or a function they call) that reads
a module global which the parent sets only at run time, before it starts the
processes:

- assigned in the `if __name__ == "__main__":` block,
- assigned with `global G` in a function the parent runs (`main()`, `configure()`),
- a module-level container changed by the parent (`G[k] = v`, `G.update(...)`,
  `G.append(...)`, `settings.CONFIG.update(...)` on another module's global).

- a class attribute set by a classmethod or by assignment (`Config.load(path)`
  setting `cls.settings`, `Tracker.count = 0`), or an attribute of a
  module-level object (`settings.debug = True`).

It also finds worker code that depends on the configuration of an imported
module that the parent changes at run time, before it starts the processes
(in the guard or in a function only the parent runs):

- `logging.basicConfig(...)`, `logging.config.dictConfig(...)`,
  `logger.setLevel(...)`, `logger.addHandler(...)` while workers log: in a
  spawn child the root logger has no handler and the level is `WARNING`, so
  `info()`/`debug()` records are dropped and the others go to `stderr` in the
  default format, not to the parent's file or format;
- `numpy.random.seed(...)` while workers draw from `numpy.random`: each spawn
  child seeds numpy's global generator from `os.urandom`, so the numbers
  differ from fork's (whose children inherit the seeded state), and between
  runs. (`random.seed(...)` is not reported: `Lib/random.py` reseeds `random`'s
  global generator in every forked child, `os.register_at_fork(after_in_child=
  _inst.seed)`, so fork children do not see the parent's seed either. A
  module-level `random.Random` instance the parent reseeds is reported as a
  changed global);
- `sys.setrecursionlimit(n)` above the default while a worker recurses: a
  spawn child has the default limit of 1000 and raises `RecursionError:
  maximum recursion depth exceeded` (an error);
- `warnings.filterwarnings(...)`/`simplefilter(...)` while workers warn: the
  child has the default filters, so ignored warnings are printed again (or
  `"error"` filters raise nowhere);
- `decimal.getcontext().prec = n` or `decimal.setcontext(...)` while workers
  compute with `Decimal`: the child's context has the default 28 digits.

Not reported: configuration done at import time (every child runs it again),
or by the child itself (a pool `initializer` that sets up logging with a
`QueueHandler`, a task that seeds its own generator); and what spawn children
*do* get from the parent: `os.environ` as it is when the process starts, the
working directory (`os.chdir()`) and `sys.path`.

It also finds a `multiprocessing` `Queue`, `SimpleQueue`, `JoinableQueue`,
`Lock`, `RLock`, `Semaphore`, `Value`, `Array`, `Event`, `Condition`,
`Barrier` or `Manager()` created at module level and used by a worker as a
global instead of being passed to it.

Not reported: globals the worker's own initializer (or the worker itself) sets
in the child, constants assigned only at module level (also containers filled
while the module is imported, like decorator registries), globals only the
parent reads, and values passed as arguments, through `functools.partial` or
through `initargs`.

## Why is this bad?
Under *fork* a child is a copy of the parent at the moment it starts, so it
sees every global the parent set before. Under *spawn* and *forkserver* (the
default on Windows, on macOS since Python 3.8 and on Linux since Python 3.14)
the child is a fresh interpreter: it re-imports the main script (as
`__mp_main__`) and the modules it needs, and sees only what importing them
does. The parent's run-time changes are not there:

- a global assigned only in the main guard does not exist at all:
  `NameError: name 'country_names' is not defined`;
- a global that is `None` at import time and set by `main()` is still `None`:
  `TypeError: 'NoneType' object is not subscriptable`;
- otherwise the child silently computes with the import-time default — a
  threshold of `0.5` instead of the command line's `0.8`, an empty stop-word
  list, the default currency.

A synchronisation object created at module level is created again by every
child when it re-imports the module: a `Queue` the child puts into is not the
one the parent reads (the parent waits forever or gets `queue.Empty`), a
`Value` the children increment stays `0` in the parent, a `Lock` excludes
nothing. A module-level `Manager()` cannot even start in the child while it
imports the module (see SPS101).

Findings where the worker would call or subscript a missing name or `None`,
where a worker recurses past the default recursion limit, or where the parent
then blocks on its own copy of a module-level queue or event (`q.get()`,
`q.join()`, `event.wait()`: it waits forever, or `get(timeout=...)` raises
`queue.Empty`), or signals its own copy while the children wait on theirs
(`stop.set()` with children polling `stop.is_set()`, `tasks.put()` with
children blocked in `tasks.get()`: they never finish and `join()` hangs), and
where a worker reads a class attribute that a classmethod creates only in the
parent (`AttributeError: type object 'Units' has no attribute 'factor'`) are
errors; the others are warnings.

What CPython does (3.11, `Lib/multiprocessing/spawn.py`): the parent sends
`get_preparation_data()` (line 160) — the process name, the authkey,
`sys.path` (`sys_path=sys.path.copy()`, line 173), `sys.argv`, the working
directory (`dir=os.getcwd()`, line 186), the start method, the level of
multiprocessing's *own* logger when `util.get_logger()`/`log_to_stderr()` was
used (line 170; not the `logging` configuration), and the main module's path;
the child's `prepare()` (line 212) applies them (`sys.path = data['sys_path']`,
`os.chdir(data['dir'])` at line 235), and `_fixup_main_from_path()` (line 275)
runs the main script again with `run_name="__mp_main__"` (line 298), so its
`if __name__ == "__main__":` block is skipped. The environment is inherited by
the new process as it is when it starts. Nothing else of the parent's run-time
state travels; under *fork* (`popen_fork.py`) the child is a copy of the
parent's memory and sees all of it (except `random`'s global generator, which
`Lib/random.py` reseeds in every forked child: `os.register_at_fork(
after_in_child=_inst.seed)`, line 900). Under *forkserver* the children are
forked from a server that imported the main module (3.13.8+/3.14.1+) or from a
fresh one: in both, the guard never ran there, so forkserver behaves as spawn
here.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `global-set-in-guard` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

In the worker, a name the parent binds only in the guard:

| Python | Message |
|---|---|
| 3.8-3.14 | `NameError: name 'country_names' is not defined` |

A name that exists at import time is not an error: the worker silently sees
its import-time value. Source: `Lib/multiprocessing/spawn.py` `prepare` →
`_fixup_main_from_path` re-runs the script as `__mp_main__`, where
`__name__ == "__main__"` is false.

## Example
```python
import argparse
from multiprocessing import Pool

THRESHOLD = 0.5

def passes(reading):
    return reading >= THRESHOLD

if __name__ == "__main__":
    THRESHOLD = argparse.ArgumentParser().parse_args().threshold
    with Pool(2) as pool:
        print(pool.map(passes, [0.3, 0.6, 0.9]))
```

Use instead:
```python
import argparse
import functools
from multiprocessing import Pool

def passes(reading, threshold):
    return reading >= threshold

if __name__ == "__main__":
    threshold = argparse.ArgumentParser().parse_args().threshold
    with Pool(2) as pool:
        print(pool.map(functools.partial(passes, threshold=threshold), [0.3, 0.6, 0.9]))
```

Pass run-time state to the children explicitly: as task arguments, with
`functools.partial`, or through the pool's `initializer`/`initargs` (which may
store it in a global of the child). Create queues, locks and shared values in
the parent and pass them to each `Process` as arguments or through
`initargs`.


## Fix
For a module-level `multiprocessing` object (`Queue`, `Event`, `Lock`,
`Value`, ...) used as a global by a `Process` target, `--unsafe-fixes` passes
the parent's object to every `Process(target=...)` of that function through
`kwargs` (pickled while spawning, when these objects may travel,
`Lib/multiprocessing/context.py` `assert_spawning`), and lets the function take
it as a keyword-only parameter that shadows the global:
`def worker(i, *, ready=ready)` and
`Process(target=worker, args=(i,), kwargs={"ready": ready})`. It is offered
when the function is used only as such a target and reads the object itself
(helpers it calls would still see the child's own copy). Unsafe: the child now
shares the parent's object, as under fork, and the function gains a parameter.

For a global that the tasks of a `Pool` or `ProcessPoolExecutor` read and the
parent sets at run time, `--unsafe-fixes` gives the pool an initializer that
sets it in each worker to the value the parent's global has when the pool is
made: `def _inherit_CONFIG(value): global CONFIG; CONFIG = value` and
`Pool(2, initializer=_inherit_CONFIG, initargs=(CONFIG,))` (the worker runs
`initializer(*initargs)` first, `Lib/multiprocessing/pool.py` `worker`). It is
offered for a global bound by assignment (not a class, function or module,
which would pickle by name) when the pool has no initializer yet. Unsafe: the
value must pickle, and each worker gets a copy of it as it is when the pool is
created (a `ProcessPoolExecutor` starts its workers at the first `submit`), so
later changes in the parent do not reach them.

## References
- [CPython `Lib/multiprocessing/spawn.py`: `get_preparation_data`, `prepare`, `_fixup_main_from_path`](https://github.com/python/cpython/blob/3.11/Lib/multiprocessing/spawn.py)
- [logging cookbook: Logging to a single file from multiple processes](https://docs.python.org/3/howto/logging-cookbook.html#logging-to-a-single-file-from-multiple-processes)
- [multiprocessing programming guidelines: Explicitly pass resources to child processes](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-programming)
- [multiprocessing: Contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
"#;

/// Finds, project-wide, the state workers read that the parent sets at run time.
pub fn analyze(project: &Project, files: &[Arc<SourceFile>], workers: &Workers) -> StateFindings {
    let texts: Vec<&str> = files.iter().map(|file| file.text.as_str()).collect();
    state::analyze(project, &texts, workers)
}

fn global_message(
    finding: &StateFinding,
    place: &str,
    rebinding: bool,
    outcome: &Outcome,
) -> String {
    let name = &finding.name;
    let sets = if rebinding {
        "assigns only at run time"
    } else {
        "changes only at run time"
    };
    let outcome = match outcome {
        Outcome::NameError => {
            format!(", where `{name}` is not defined: \"NameError: name '{name}' is not defined\"")
        }
        Outcome::NoneError(error) => format!(" and sees `{name} = None`: \"{error}\""),
        Outcome::None => format!(" and sees `{name} = None`"),
        Outcome::ClassAttributeMissing { attribute } => format!(
            ", where the class has no `{attribute}`: \"AttributeError: type object '{name}' has no attribute '{attribute}'\""
        ),
        Outcome::ClassAttributeNone { attribute, error } => {
            format!(" and sees `{name}.{attribute} = None`: \"{error}\"")
        }
        Outcome::Value(source) => format!(" and sees the import-time value `{source}`"),
        Outcome::ImportValue => " and sees its import-time value".to_string(),
        Outcome::Unchanged => {
            " and sees it as the import leaves it, without the parent's changes".to_string()
        }
    };
    format!(
        "{} and reads the global `{name}`, which the parent {sets} ({place}): a spawn or forkserver child re-imports {}{outcome}",
        finding.worker,
        module_words(finding)
    )
}

fn sync_message(
    finding: &StateFinding,
    type_name: &str,
    manager: bool,
    waited: bool,
    signalled: bool,
) -> String {
    let (runs, name, reimports) = (&finding.worker, &finding.name, module_words(finding));
    if manager {
        return format!(
            "{runs} and uses the module-level `{type_name}` `{name}` as a global: a spawn or forkserver child re-imports {reimports} and runs `Manager()` again, which cannot start a process while the child is still importing (\"An attempt has been made to start a new process before the current process has finished its bootstrapping phase\")"
        );
    }
    let consequence = match type_name {
        "Queue" | "SimpleQueue" | "JoinableQueue" => {
            "what the child puts in it never reaches the parent, and what the parent puts never reaches the child"
        }
        "Value" | "Array" | "RawValue" | "RawArray" => "the child's updates never reach the parent",
        "Lock" | "RLock" | "Semaphore" | "BoundedSemaphore" | "Condition" => {
            "it excludes nothing between processes"
        }
        _ => "nothing is shared between the processes",
    };
    let hang = if waited {
        ", and the parent waits on its own copy forever"
    } else if signalled {
        ", and the children wait for a signal the parent gives only its own copy: they never finish"
    } else {
        ""
    };
    let article = if type_name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!(
        "{runs} and uses the module-level multiprocessing `{type_name}` `{name}` as a global: a spawn or forkserver child re-imports {reimports} and creates {article} `{type_name}` of its own, so {consequence}{hang}"
    )
}

fn config_message(finding: &StateFinding, facility: Facility, place: &str) -> String {
    let (runs, (what, seen)) = (&finding.worker, facility_words(facility));
    format!("{runs} and {what} ({place}): a spawn or forkserver child starts a fresh interpreter, where {seen}")
}

/// The module a global lives in, as the message names it.
fn module_words(finding: &StateFinding) -> String {
    match &finding.holder {
        Some(name) => format!("`{name}`"),
        None => "the module".to_string(),
    }
}

/// The start method the worker's origin pins: its context, or the
/// `set_start_method()` of the module that sends it or holds it.
fn pinned_method(project: &Project, finding: &StateFinding) -> Option<StartMethod> {
    finding
        .origin
        .method
        .as_deref()
        .and_then(StartMethod::from_name)
        .or_else(|| super::program_method(&project.facts[finding.origin.site.0]))
        .or_else(|| super::program_method(&project.facts[finding.module]))
}

pub fn check(checker: &mut Checker, findings: &StateFindings) {
    let Some(pending) = findings.per_module.get(checker.module) else {
        return;
    };
    for finding in pending {
        let (message, help) = match &finding.hazard {
            Hazard::Global {
                place,
                rebinding,
                outcome,
            } => (
                global_message(finding, place, *rebinding, outcome),
                "pass the value to the worker: as an argument, with `functools.partial`, or through the pool's `initializer`/`initargs`",
            ),
            Hazard::Sync {
                type_name,
                manager,
                waited,
                signalled,
            } => (
                sync_message(finding, type_name, *manager, waited.is_some(), *signalled),
                "create it in the parent (under the main guard) and pass it to the child: as a `Process` argument, or through the pool's `initializer`/`initargs`",
            ),
            Hazard::Config { facility, place } => (
                config_message(finding, *facility, place),
                facility_help(*facility),
            ),
        };
        let related = finding
            .related
            .iter()
            .map(|step| Related {
                file: checker.files[step.module].clone(),
                range: step.range,
                message: step.message.clone(),
            })
            .collect();
        let pinned = pinned_method(checker.project, finding);
        let fix = crate::fix::parent_state::fix_for(checker, finding);
        let diagnostic = checker.report(
            Rule::GlobalNotInherited,
            finding.range,
            message,
            Some(help.to_string()),
        );
        diagnostic.related = related;
        diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
        diagnostic.pinned = pinned;
        diagnostic.fix = fix;
        if finding.error {
            diagnostic.severity_override = Some(Severity::Error);
        }
    }
}
