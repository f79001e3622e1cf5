//! SPS206 unpicklable-result: a pool or executor task returns a value, or
//! raises an exception, that cannot travel back to the parent.

use ruff_text_size::{Ranged, TextRange};
use spawnsafe_flow::channels::{
    bad_raises, bad_results, BadRaise, BadResult, ResultPool, Unpicklable,
};

use crate::diagnostic::Related;
use crate::messages::crossing::{result_consequence, task_of};
use crate::messages::results::{
    created_note, kept_values, origin_related, raise_help, raise_note, related_notes, value_text,
};
use crate::payload::Walker;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::targets::Methods;

pub const DOCS: &str = r#"# unpicklable-result (SPS206)

## What it does
Finds what a `multiprocessing.Pool` or `ProcessPoolExecutor` task sends back
that cannot make the trip:

- a **result** that cannot be pickled: a `re.Match` (`re.match(...)`,
  `pattern.search(...)`), a generator (a generator expression, or a task that
  is itself a generator function), a lambda or nested function, a lock, an open
  file, a `sqlite3` connection, a `logging` handler, a `multiprocessing`
  `Queue`/`Lock`, an instance of a class defined inside a function, an
  instance of a project class whose attributes hold one of these, or an
  exception object (returned, not raised) that cannot be re-created;
- an **exception** raised in the task (or in what it calls, outside a `try`
  that swallows it) whose class cannot be re-created from `self.args`: its
  `__init__` requires more positional arguments than it passes to
  `super().__init__(...)`, or a keyword-only argument, or it passes a value
  *derived* from a parameter (`stuff.two`, `f"{response.url} failed"`) and
  reads attributes of that parameter, which in the parent holds the derived
  value (`AttributeError: 'str' object has no attribute 'url'`); or one of the library
  exceptions known to fail the same way on CPython 3.11:
  `xmlrpc.client.ProtocolError`, `xmlrpc.client.Fault` and
  `urllib.error.HTTPError` (their `__init__` passes nothing to
  `Exception.__init__`).

## Why is this bad?
A task's outcome is pickled in the worker and unpickled in the parent, under
**every** start method, fork included. `Lib/multiprocessing/pool.py`:
`worker()` runs `result = (True, func(*args, **kwds))` (or `(False, e)` when it
raises) and sends it with `put((job, i, result))`; the pool's result-handler
thread, `Pool._handle_results`, reads it back with `task = get()`.
`Lib/concurrent/futures/process.py`: `_process_worker` sends the result or
`_ExceptionWithTraceback(e, e.__traceback__)` through `_sendback_result`, and
the executor's manager thread reads it with `result_reader.recv()` in
`wait_result_broken_or_wakeup`.

**An unpicklable result** fails in the worker's `put`. The pool catches that
and sends the error instead, so `map()`/`get()` raise (CPython 3.11):

```
multiprocessing.pool.MaybeEncodingError: Error sending result: '[<re.Match object; span=(0, 1), match='1'>]'. Reason: 'TypeError("cannot pickle 're.Match' object")'
```

and an executor's `result()` raises the pickling error itself:
`TypeError: cannot pickle 're.Match' object`.

**An exception** pickles with `BaseException.__reduce__`, which returns
`(type(self), self.args, self.__dict__)`: the parent re-creates it by calling
`type(self)(*self.args)`. `self.args` holds what was passed to
`BaseException.__init__` — so after `super().__init__(msg)` it is `(msg,)`,
and a class whose `__init__(self, msg, code)` needs `code` fails while the
parent unpickles it:

```
TypeError: JobError.__init__() missing 1 required positional argument: 'code'
```

(Python 3.9 and older: `__init__() missing 1 required positional argument:
'code'`.) Under `multiprocessing.Pool` that error is raised in the
result-handler thread, which dies: the traceback is printed, but `map()`,
`get()` and the `with Pool(...)` block **wait forever** (CPython issues
gh-79492, gh-103061). Under `ProcessPoolExecutor` the manager thread marks the
pool broken: `result()` raises
`concurrent.futures.process.BrokenProcessPool: A process in the process pool
was terminated abruptly while the future was running or pending.`, chained to
the `TypeError` above.

Not reported: exceptions that pass all their arguments on
(`super().__init__(*args)`, `super().__init__(msg, code)`), that give the
extra arguments defaults, that define `__reduce__` or set `self.args`, that do
not call `super().__init__` at all and are raised with positional arguments
(`BaseException.__new__` keeps them in `self.args`); exceptions caught in the
task; results that are plain data; `Process` targets (their return value and
exceptions are not sent back); lambdas, nested functions and instances of local
classes returned through a pool of `multiprocess` (pathos' fork of
`multiprocessing`), which pickles with dill and sends them by value.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `match-result`, `executor-result`, `exception-init-args` cases). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

An unpicklable result, in the parent (the worker wraps its own pickling
error):

| Python | Message |
|---|---|
| 3.8-3.14 | `multiprocessing.pool.MaybeEncodingError: Error sending result: '[<re.Match object; span=(0, 1), match='1'>]'. Reason: 'TypeError("cannot pickle 're.Match' object")'` |

A `ProcessPoolExecutor` re-raises the worker's pickling error in the parent:

| Python | Message |
|---|---|
| 3.8-3.14 | `TypeError: cannot pickle 're.Match' object` |

An exception whose `__init__` needs more than `self.args`, unpickled in the
parent:

| Python | Message |
|---|---|
| 3.8-3.9 | `TypeError: __init__() missing 1 required positional argument: 'code'` |
| 3.10-3.14 | `TypeError: JobError.__init__() missing 1 required positional argument: 'code'` |

Sources: `Lib/multiprocessing/pool.py` `worker` (`wrapped =
MaybeEncodingError(e, result[1])`) and `MaybeEncodingError.__str__`;
`Lib/concurrent/futures/process.py` `_sendback_result`; `Objects/exceptions.c`
`BaseException_reduce` (`(type(self), self.args, self.__dict__)`).

## Example
```python
from multiprocessing import Pool

class JobError(Exception):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code

def work(item):
    if item < 0:
        raise JobError("negative item", item)
    return item * 2

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(work, [1, -1]))
```

Use instead:
```python
class JobError(Exception):
    def __init__(self, msg, code):
        super().__init__(msg, code)
        self.code = code
```

(or define `__reduce__` to return `(JobError, (self.args[0], self.code))`).
For results, return plain data: `match.group(0)` or `match.span()` instead
of the `re.Match`, a list instead of a generator, a path instead of a file.


## Fix
For an exception class of the project whose `__init__` cannot be called
again with `self.args`, `--fix` adds

```python
def __reduce__(self):
    return (self.__class__.__new__, (self.__class__, *self.args), self.__dict__)
```

`BaseException.__new__` sets `args` without calling `__init__`, and
`BaseException.__setstate__` restores the attributes, so the parent gets the
child's exception with the same message and fields (`Objects/exceptions.c`:
`BaseException_new`, `BaseException_setstate`). Nothing changes where the
exception is not pickled, so the fix is safe. It is not offered for a class
that defines `__new__`, `__slots__` or its own pickling methods.

For a result whose class pickles by a name the parent cannot find, see
SPS202's fix:
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

## References
- [multiprocessing: Programming guidelines (picklability)](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-programming)
- [pickle: Pickling class instances (`__reduce__`)](https://docs.python.org/3/library/pickle.html#pickling-class-instances)
- [gh-79492: exception unpickling error causes `multiprocessing.Pool` to hang forever](https://github.com/python/cpython/issues/79492)
- [gh-103061: multiprocessing.Pool hangs on certain custom Exceptions](https://github.com/python/cpython/issues/103061)
- [gh-80041: ProcessPoolExecutor breaks on an exception with keyword-only arguments](https://github.com/python/cpython/issues/80041)
"#;

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let mut walker = Walker::new(project);
    for result in bad_results(&mut walker, checker.workers, checker.module) {
        report_result(checker, &result);
    }
    for raise in bad_raises(project, checker.workers, checker.module) {
        report_raise(checker, &raise);
    }
}

fn report_result(checker: &mut Checker, result: &BadResult) {
    let task = &result.origin.root;
    let error = result.what.error();
    let (subject, related_at) = match &result.what {
        Unpicklable::GeneratorFunction => (
            format!(
                "`{task}` is a generator function sent as {}: the task's result is a generator",
                task_of(result.pool)
            ),
            None,
        ),
        Unpicklable::Object { leaf, kind, .. } => {
            let text = value_text(checker, result.at);
            let note = created_note(
                checker,
                result.at,
                leaf,
                format!("{} is created here", kind.noun()),
            );
            (
                format!(
                    "{text}, returned by `{task}` ({}), is {}",
                    task_of(result.pool),
                    kind.describe()
                ),
                note,
            )
        }
        Unpicklable::LocalClassInstance { leaf, qualname } => {
            let text = value_text(checker, result.at);
            let note = created_note(
                checker,
                result.at,
                leaf,
                format!("the `{qualname}` instance is created here"),
            );
            (
                format!(
                    "{text}, returned by `{task}` ({}), is an instance of `{qualname}`, a class defined inside a function, which pickles by a qualified name nothing can import",
                    task_of(result.pool)
                ),
                note,
            )
        }
        Unpicklable::Exception { leaf, defect } => {
            let text = value_text(checker, result.at);
            let note = created_note(
                checker,
                result.at,
                leaf,
                format!("the `{}` exception is created here", defect.class),
            );
            let kept = match defect.kept {
                1 => "1 value".to_string(),
                n => format!("{n} values"),
            };
            let message = format!(
                "{text}, returned by `{task}` ({}), is a `{}` exception: it is pickled back as `({}, self.args, self.__dict__)` under every start method, and `self.args` keeps {kept}, so re-creating it in the parent raises \"{}\"; {}",
                task_of(result.pool),
                defect.class,
                defect.class,
                defect.error,
                result_consequence(result.pool)
            );
            let related = related_notes(checker, note, &result.origin);
            let help = format!("pass every argument of `{}.__init__` on to `super().__init__(...)`, or define `__reduce__`", defect.class);
            let fix = defect
                .init
                .and_then(|init| crate::fix::exception_reduce::fix_in(checker, init));
            let diagnostic =
                checker.report(Rule::UnpicklableResult, result.at, message, Some(help));
            diagnostic.related = related;
            diagnostic.fails_under = Some(Methods::ALL);
            diagnostic.fix = fix;
            return;
        }
        Unpicklable::Inside { inside, .. } => {
            let text = value_text(checker, result.at);
            (
                format!(
                    "{text}, returned by `{task}` ({}), is a `{}` instance, and pickling it pickles its attributes: `{}` is {}",
                    task_of(result.pool),
                    inside.holder,
                    inside.path.trim_start_matches('.'),
                    inside.kind.describe()
                ),
                Some((
                    inside.leaf.module,
                    inside.leaf.expr.range(),
                    format!("`{}{}` is stored here", inside.holder, inside.path),
                )),
            )
        }
    };
    let seen = match result.pool {
        ResultPool::Pool => format!(
            "the worker's `put((job, i, result))` fails, and `map()`/`get()` raise `multiprocessing.pool.MaybeEncodingError: Error sending result: '...'. Reason: '...'` naming {error}"
        ),
        ResultPool::Executor => format!("`future.result()` raises {error}"),
    };
    let message = format!(
        "{subject}: results are pickled in the worker and sent back to the parent under every start method, and it cannot be pickled: {seen}"
    );
    let help = "return plain data the parent can rebuild (for a `re.Match`, `match.group(...)` or `match.span()`; for a generator, a list; for a file or connection, its path)".to_string();
    let related = related_notes(checker, related_at, &result.origin);
    // A member of the returned instance: left out of its pickled state and
    // re-made in the parent; a class pickled by name: made at module level.
    let fix = match &result.what {
        Unpicklable::Inside { inside, .. } if inside.leaf.module == checker.module => {
            crate::fix::member_state::fix_in_either_way(checker, inside.leaf.expr.range())
        }
        _ => crate::fix::class_by_name::unpicklable_fix_in(checker, &result.what),
    };
    let diagnostic = checker.report(Rule::UnpicklableResult, result.at, message, Some(help));
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::ALL);
    diagnostic.fix = fix;
}

fn report_raise(checker: &mut Checker, raise: &BadRaise) {
    let project = checker.project;
    let defect = &raise.defect;
    let function = &project.models[checker.module].functions[raise.function].qualname;
    let task = &raise.origin.root;
    let place = if *function == *task {
        format!("in `{task}`, {}", task_of(raise.pool))
    } else {
        format!(
            "in `{function}`, called from `{task}`, {}",
            task_of(raise.pool)
        )
    };
    let kept = kept_values(defect.kept);
    let consequence = result_consequence(raise.pool);
    let message = format!(
        "`{}` is raised {place}: exceptions are pickled back to the parent as `({}, self.args, self.__dict__)` under every start method, and `self.args` keeps {kept}, so re-creating it in the parent raises \"{}\"; {consequence}",
        defect.class, defect.class, defect.error
    );
    let mut related = Vec::new();
    let note = raise_note(project, defect);
    if let Some((module, range, message)) = note {
        related.push(Related {
            file: checker.files[module].clone(),
            range,
            message,
        });
    }
    related.push(origin_related(checker, &raise.origin));
    let help = raise_help(project, defect);
    let range: TextRange = raise.raised.range();
    let fix = defect
        .init
        .and_then(|init| crate::fix::exception_reduce::fix_in(checker, init));
    let diagnostic = checker.report(Rule::UnpicklableResult, range, message, Some(help));
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::ALL);
    diagnostic.fix = fix;
}
