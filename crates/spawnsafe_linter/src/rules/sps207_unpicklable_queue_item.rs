//! SPS207 unpicklable-queue-item: an item put on a `multiprocessing` queue or
//! sent on a `Pipe()` connection that cannot be pickled.

use ruff_text_size::Ranged;
use spawnsafe_flow::channels::{bad_items, BadItem, Channel, Unpicklable};

use crate::diagnostic::Related;
use crate::payload::Walker;
use crate::registry::Rule;
use crate::rules::sps202_unpicklable_argument::short_text;
use crate::rules::Checker;
use crate::targets::Methods;

pub const DOCS: &str = r#"# unpicklable-queue-item (SPS207)

## What it does
Finds `put()`/`put_nowait()` on a `multiprocessing` `Queue`, `JoinableQueue`
or `SimpleQueue`, and `send()` on a `multiprocessing.Pipe()` connection, of
an item that cannot be pickled: a lambda or nested function, a generator, a
`threading` lock, an open file, a `sqlite3` connection, a `logging` handler,
a `re.Match`, a `multiprocessing` `Lock`/`Queue` (which pickle only while a
process is being created), an instance of a class defined inside a function,
or an instance of a project class whose attributes hold one; and exception
objects that pickle but cannot be re-created on the other side (see SPS206).
The queue or connection (and the item) is followed through variables,
attributes, the `args=(...)` of the `Process` (or `initargs` of the pool) that
hands it to a worker, and the direct callers of a helper that takes it as a
parameter.

## Why is this bad?
Everything that goes through a queue or a pipe is pickled, under **every**
start method, fork included.

A `multiprocessing.Queue` (and `JoinableQueue`) pickles items **later, in a
background feeder thread** (`Lib/multiprocessing/queues.py`, `Queue._feed`:
`obj = _ForkingPickler.dumps(obj)`). So `put()` returns normally; the feeder
then prints a traceback on stderr and **drops the item**, and the consumer's
`get()` waits forever:

```
Traceback (most recent call last):
  File ".../multiprocessing/queues.py", line 244, in _feed
    obj = _ForkingPickler.dumps(obj)
  ...
_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: attribute lookup <lambda> on __main__ failed
```

When the process that put the item exits right after `put()`, the feeder is
already shutting down and does not even print the traceback (it logs it
through `multiprocessing.util.info` only): the parent just waits (CPython
issues gh-84376, gh-79423, gh-109554).

A `SimpleQueue` and a `Pipe()` connection pickle **at the call**
(`SimpleQueue.put`: `obj = _ForkingPickler.dumps(obj)`; `Connection.send`:
`self._send_bytes(_ForkingPickler.dumps(obj))`), so `put()`/`send()` raise
the pickling error there, for example `TypeError: cannot pickle 'generator'
object`; the process on the other end, waiting for the item, then blocks in
`recv()`/`get()` if nothing else wakes it.

Not reported: `queue.Queue` and other thread queues (nothing is pickled),
manager queue proxies, `multiprocess` (dill) queues, and items whose type is
not known.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `queue-feeder-item` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

Printed by the queue's feeder thread in the sender (the item is dropped, the
reader waits):

| Python | Message |
|---|---|
| 3.8-3.14 | `TypeError: cannot pickle 'generator' object` |

Source: `Lib/multiprocessing/queues.py` `Queue._feed` (`obj =
_ForkingPickler.dumps(obj)` inside `try`, handled by `_on_queue_feeder_error`,
which prints the traceback).

## Example
```python
import multiprocessing as mp

def produce(queue):
    queue.put(lambda: "ready")

if __name__ == "__main__":
    queue = mp.Queue()
    worker = mp.Process(target=produce, args=(queue,))
    worker.start()
    print(queue.get()())
    worker.join()
```

Use instead:
```python
def produce(queue):
    queue.put("ready")
```

Send data, or the name of a module-level function the consumer looks up;
send a path instead of an open file, a list instead of a generator.

## Fix
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
- [multiprocessing: Pipes and Queues](https://docs.python.org/3/library/multiprocessing.html#pipes-and-queues)
- [gh-84376: multiprocessing.Queue.put can fail silently due to pickle errors](https://github.com/python/cpython/issues/84376)
- [gh-109554: multiprocessing.Queue does pickling in a worker thread](https://github.com/python/cpython/issues/109554)
- [gh-79423: traceback silently suppressed if the process exits after putting an unpicklable object](https://github.com/python/cpython/issues/79423)
"#;

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let mut walker = Walker::new(project);
    for item in bad_items(&mut walker, checker.sent, checker.module) {
        report(checker, &item);
    }
}

fn report(checker: &mut Checker, item: &BadItem) {
    let error = item.what.error();
    let (described, stored) = match &item.what {
        Unpicklable::Object { leaf, kind, .. } => {
            let note = (leaf.module != checker.module
                || !item.item.range().contains_range(leaf.expr.range()))
            .then(|| {
                (
                    leaf.module,
                    leaf.expr.range(),
                    format!("{} is created here", kind.noun()),
                )
            });
            (kind.describe(), note)
        }
        Unpicklable::Inside { inside, .. } => (
            format!(
                "a `{}` instance whose attribute `{}` is {}",
                inside.holder,
                inside.path.trim_start_matches('.'),
                inside.kind.describe()
            ),
            Some((
                inside.leaf.module,
                inside.leaf.expr.range(),
                format!("`{}{}` is stored here", inside.holder, inside.path),
            )),
        ),
        Unpicklable::GeneratorFunction => ("a generator".to_string(), None),
        Unpicklable::LocalClassInstance { qualname, .. } => (
            format!("an instance of `{qualname}`, a class defined inside a function (pickled by a qualified name nothing can import)"),
            None,
        ),
        Unpicklable::Exception { defect, .. } => {
            // It pickles: the receiving side fails to re-create it.
            let call = short_text(checker, item.call.range())
                .map_or_else(|| format!("`{}()`", item.method), |text| format!("`{text}`"));
            let message = format!(
                "{call} sends a `{}` exception through a `multiprocessing` channel: it is pickled as `({}, self.args, self.__dict__)` under every start method, and `self.args` does not hold what `__init__` requires, so the receiving `get()`/`recv()` raises \"{}\"",
                defect.class, defect.class, defect.error
            );
            let diagnostic = checker.report(
                Rule::UnpicklableQueueItem,
                item.item.range(),
                message,
                Some(format!("pass every argument of `{}.__init__` on to `super().__init__(...)`, or send its message and fields as plain data", defect.class)),
            );
            diagnostic.fails_under = Some(Methods::ALL);
            return;
        }
    };
    let call = short_text(checker, item.call.range()).map_or_else(
        || format!("`{}()`", item.method),
        |text| format!("`{text}`"),
    );
    let message = match &item.channel {
        Channel::Queue { written } => format!(
            "{call} puts {described} on a `{written}`, which pickles items later in its feeder thread (under every start method): `put()` returns, the feeder prints {error} on stderr (nothing when the process exits right away) and drops the item, and the consumer's `get()` waits forever"
        ),
        Channel::SimpleQueue { written } => format!(
            "{call} puts {described} on a `{written}`, which pickles the item at the call (under every start method): `put()` raises {error}"
        ),
        Channel::Connection => format!(
            "{call} sends {described} on a `multiprocessing.Pipe()` connection, which pickles the item at the call (under every start method): `send()` raises {error}, and the other end's `recv()` keeps waiting"
        ),
    };
    let help = "send plain data the other side can rebuild: the name of a module-level function instead of a lambda, a list instead of a generator, a path instead of an open file".to_string();
    // A member of the item's instance: left out of its pickled state and
    // re-made by the reader; a class pickled by name: made at module level.
    let fix = match &item.what {
        Unpicklable::Inside { inside, .. } if inside.leaf.module == checker.module => {
            crate::fix::member_state::fix_in_either_way(checker, inside.leaf.expr.range())
        }
        _ => crate::fix::class_by_name::unpicklable_fix_in(checker, &item.what),
    };
    let mut related = Vec::new();
    if let Some((module, range, message)) = stored {
        related.push(Related {
            file: checker.files[module].clone(),
            range,
            message,
        });
    }
    let diagnostic = checker.report(
        Rule::UnpicklableQueueItem,
        item.item.range(),
        message,
        Some(help),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::ALL);
    diagnostic.fix = fix;
}
