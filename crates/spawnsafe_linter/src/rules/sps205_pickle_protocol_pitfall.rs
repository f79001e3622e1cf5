//! SPS205 pickle-protocol-pitfall: project classes whose objects pickle but
//! do not unpickle (or do not pickle) on their way to or from a child process.
//! The analysis is the flow layer's [`pitfalls`](spawnsafe_flow::pitfalls);
//! this file words its answers.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use crate::diagnostic::Related;
use crate::facts::Sender;
use crate::messages::crossing::{pickled_under, sender_destination, unpickle_consequence};
use crate::messages::pitfalls::{class_name, explain, help, holds_items, wording};
use crate::messages::{article, short_text, via_notes, written};
use crate::payload::{Leaf, Sent, Walker};
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::ClassId;
use crate::targets::Methods;
use spawnsafe_flow::channels::Channel;
use spawnsafe_flow::pitfall_sites::{pitfall_findings, Crossing, PitfallFinding};
use spawnsafe_flow::pitfalls::ClassPitfall;

pub const DOCS: &str = r#"# pickle-protocol-pitfall (SPS205)

## What it does
Finds objects of the project's own classes that are sent to a child process
(as task arguments or in `Process` args) although they cannot make the round
trip through `pickle`:

- **`__getattr__` that reads instance attributes** (`self._values`,
  `self._client`, or through a property that reads them) without first
  refusing dunder names, with no `__setstate__`; or that indexes
  `self.__dict__["key"]`, whose `KeyError` the unpickler does not take for a
  missing attribute (Modules/_pickle.c `load_build` looks `__setstate__` up
  with `_PyObject_LookupAttr`, which swallows only `AttributeError`);
- **a `dict` subclass whose `__setitem__`**, or a **`list` subclass whose
  `extend`**, reads attributes that `__init__` sets;
- **a `set` or `frozenset` subclass whose `__init__` does not take the items
  alone** (`__init__(self, name, items)`): `set.__reduce__` (Objects/setobject.c
  `set_reduce`) returns `(type(self), (list(self),), self.__dict__)`, so the
  unpickler calls `cls(items)`: `TypeError: UserSet.__init__() missing 1
  required positional argument: 'x'`;
- **`__getstate__` that returns nothing**;
- **`__getstate__` and `__setstate__` that disagree**: a tuple state read
  with `state["key"]`, or a key `__setstate__` reads that the state leaves out;
- **`__reduce__` that returns a nested function or a lambda** as the reconstructor.

The same classes are reported where they come **back** or go through a
channel: the return value of a `Pool` or `ProcessPoolExecutor` task is
pickled in the worker and unpickled in the parent (Lib/multiprocessing/pool.py
`worker` → `put((job, i, result))`, read by `Pool._handle_results`;
Lib/concurrent/futures/process.py `_sendback_result`), and an item put on a
`multiprocessing` queue or sent on a `Pipe()` connection is unpickled by the
reader. A bound method sent as a `Process` target, an initializer or a
task pickles its instance, and an instance pickles what it keeps in its
attributes: the same classes are found there (`Process(target=app.run)`
where `app.cfg` has such a `__getattr__`). Values handed to a manager's shared objects (`manager.dict(value)`,
`proxy[key] = value`, `proxy.append(value)`, a manager queue's `put`) are
pickled by `BaseProxy._callmethod` and unpickled in the manager's server
process (Lib/multiprocessing/managers.py `Server.serve_client`), and the
error comes back to the caller. A `__getattr__` or `__setitem__` that fails there kills the pool's
result handler thread (`map()` waits forever), breaks the executor
(`BrokenProcessPool`), or kills the reading process.

(Exceptions raised in `Pool`/`ProcessPoolExecutor` tasks that cannot be
rebuilt in the parent are SPS206 unpicklable-result.)

## Why is this bad?
Unpickling does not call `__init__`. It makes the object with `cls.__new__`,
re-inserts a `dict`'s items or a `list`'s elements, and only then restores
the instance `__dict__` (`__setstate__`, or a plain update):

- It first looks up `__setstate__` on the half-built object. Not found on
  the class, the lookup falls to `__getattr__`, which reads `self._values`,
  which is missing, which calls `__getattr__` again: `RecursionError:
  maximum recursion depth exceeded`. (Before Python 3.11 pickling already
  looks up `__getstate__` the same way, and a `__getattr__` that lets a
  `KeyError` escape fails in the parent.)
- A `dict` subclass gets its items back through `__setitem__` (a `list`
  subclass through `extend`, since Python 3.7) before its attributes exist:
  `AttributeError: 'AuditedDict' object has no attribute '_changes'`.
- With a `None` state pickle writes no `BUILD` step: `__setstate__` is never
  called and the child gets an object without its attributes.
- `__setstate__` receives exactly what `__getstate__` returned: `TypeError:
  tuple indices must be integers or slices, not str`, or a `KeyError`.
- A reconstructor is pickled by name; a nested function has none the child
  could import: `AttributeError: Can't pickle local object
  'Matrix.__reduce__.<locals>.rebuild'` (3.13: `Can't get local object`).

Task arguments and results are pickled under every start method; `Process`
args only under spawn and forkserver (Windows, macOS, Linux with Python
3.14+), where the child dies unpickling them.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `getattr-recursion`, `dict-subclass-setitem`, `set-subclass-init`, `state-disagrees` cases). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

In the process that unpickles:

| Python | Message |
|---|---|
| 3.8-3.14 | `RecursionError: maximum recursion depth exceeded` |
| 3.8-3.14 | `AttributeError: 'AuditedDict' object has no attribute '_changes'` |
| 3.8-3.9 | `TypeError: __init__() missing 1 required positional argument: 'items'` |
| 3.10-3.14 | `TypeError: UserSet.__init__() missing 1 required positional argument: 'items'` |
| 3.8-3.14 | `TypeError: tuple indices must be integers or slices, not str` |

A local reconstructor from `__reduce__` gets SPS201's local-object messages.
Sources: `Modules/_pickle.c` `load_build` (looks `__setstate__` up on the
half-built object with `_PyObject_LookupAttr`, which reaches `__getattr__`),
`load_setitems`/`load_appends` (items before `BUILD`); `Objects/setobject.c`
`set_reduce` (`(type(self), (list(self),), self.__dict__)`);
`Objects/typeobject.c` `reduce_newobj`. 3.10 puts the qualified name in
argument errors.

## Example
```python
class Settings:
    def __init__(self, **values):
        self._values = values

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None
```

Use instead:
```python
class Settings:
    def __init__(self, **values):
        self._values = values

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None
```

## References
- [pickle: Pickling class instances](https://docs.python.org/3/library/pickle.html#pickling-class-instances)
- [pickle: object.__reduce__()](https://docs.python.org/3/library/pickle.html#object.__reduce__)
- [CPython issue: exceptions with required arguments cannot be unpickled](https://github.com/python/cpython/issues/76877)
"#;

pub fn check(checker: &mut Checker) {
    let mut walker = Walker::new(checker.project);
    let findings = pitfall_findings(&mut walker, checker.workers, checker.sent, checker.module);
    for PitfallFinding {
        crossing,
        leaf,
        class,
        pitfall,
    } in findings
    {
        match crossing {
            Crossing::Sent {
                sent,
                sender,
                bound_method,
            } => {
                let destination = bound_method.then(|| {
                    format!(
                        "the instance of a bound method sent as {}",
                        sent.site.role.describe()
                    )
                });
                report_sent(checker, &sent, &leaf, class, &pitfall, sender, destination);
            }
            Crossing::Channel(item) => {
                let how = format!(
                    "{} with `{}()`, which the reader unpickles under every start method",
                    match item.channel {
                        Channel::Connection => "sent on a `Pipe()` connection",
                        _ => "put on a multiprocessing queue",
                    },
                    item.method,
                );
                let consequence = "in the process that reads it: the reader dies in `get()`/`recv()`, and whoever waits for its output waits forever";
                report_item(
                    checker,
                    item.item,
                    written(checker, item.item.range(), "The item"),
                    &how,
                    consequence,
                    &leaf,
                    class,
                    &pitfall,
                );
            }
            Crossing::Manager(item) => {
                let how = format!(
                    "sent to a multiprocessing manager's server process with `{}`, which unpickles it there under every start method",
                    item.how
                );
                let consequence =
                    "in the manager's server process, and the call that sent it raises that error";
                report_item(
                    checker,
                    item.item,
                    written(checker, item.item.range(), "The value"),
                    &how,
                    consequence,
                    &leaf,
                    class,
                    &pitfall,
                );
            }
            Crossing::Result {
                task,
                returned,
                sender,
            } => {
                let consequence = match sender {
                    Sender::Executor => "the executor's result thread fails, and every pending future fails with `BrokenProcessPool`",
                    _ => "the pool's result handler thread dies unpickling it, and `map()`/`get()` waits forever",
                };
                let subject = format!("The value `{task}` returns");
                let how =
                    "which the worker pickles and the parent unpickles under every start method";
                report_item(
                    checker,
                    returned,
                    subject,
                    how,
                    consequence,
                    &leaf,
                    class,
                    &pitfall,
                );
            }
        }
    }
}

/// Reports an item put on a queue, sent on a connection or handed to a
/// manager, whose class the receiving process cannot unpickle.
#[allow(clippy::too_many_arguments)]
fn report_item(
    checker: &mut Checker,
    item: &Expr,
    subject: String,
    how: &str,
    consequence: &str,
    leaf: &Leaf,
    class: (usize, ClassId),
    found: &ClassPitfall,
) {
    let project = checker.project;
    let class_name = class_name(project, class);
    let Some((explanation, note, help)) = explain(project, &class_name, found, consequence) else {
        return;
    };
    let object = format!("{} `{class_name}` object", article(&class_name));
    let verb = if leaf.nested || holds_items(item) {
        "holds"
    } else {
        "is"
    };
    let message = format!("{subject} {verb} {object}, {how}: {explanation}");
    report_unpickled(checker, item, leaf, &class_name, found, message, note, help);
}

/// Reports a value the receiving side cannot unpickle (a queue item, a task
/// result), with notes at the method that fails and where the object is made.
#[allow(clippy::too_many_arguments)]
fn report_unpickled(
    checker: &mut Checker,
    site: &Expr,
    leaf: &Leaf,
    class_name: &str,
    found: &ClassPitfall,
    message: String,
    note: String,
    help: &str,
) {
    let method_info = &checker.project.models[found.module].functions[found.method];
    let mut related = vec![Related {
        file: checker.files[found.module].clone(),
        range: method_info.def.name.range(),
        message: note,
    }];
    if leaf.module != checker.module || leaf.expr.range() != site.range() {
        related.push(Related {
            file: checker.files[leaf.module].clone(),
            range: leaf.expr.range(),
            message: format!("the `{class_name}` object is created here"),
        });
    }
    let fix = crate::fix::getattr_setstate::fix_in(checker, found)
        .or_else(|| crate::fix::items_reduce::fix_in(checker, found));
    let diagnostic = checker.report(
        Rule::PickleProtocolPitfall,
        site.range(),
        message,
        Some(help.to_string()),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::ALL);
    diagnostic.fix = fix;
}

fn report_sent(
    checker: &mut Checker,
    sent: &Sent,
    leaf: &Leaf,
    class: (usize, ClassId),
    found: &ClassPitfall,
    sender: Sender,
    destination_override: Option<String>,
) {
    let project = checker.project;
    let class_name = class_name(project, class);
    let method_info = &project.models[found.module].functions[found.method];
    let method_name = method_info.qualname.clone();
    let object = format!("{} `{class_name}` object", article(&class_name));
    let subject = match short_text(checker, leaf.anchor.range()) {
        Some(text) if leaf.anchor.range() != leaf.expr.range() || leaf.module != sent.module => {
            let verb = if leaf.nested { "holds" } else { "is" };
            format!("`{text}` {verb} {object}")
        }
        Some(text) => format!("`{text}` makes {object}"),
        None => format!("{}{}", &object[..1].to_uppercase(), &object[1..]),
    };
    let destination =
        destination_override.unwrap_or_else(|| sender_destination(sender).to_string());
    let consequence = unpickle_consequence(sender);
    let method_name = method_name.as_str();
    let owner = method_info
        .class
        .map(|owner| {
            project.models[found.module].classes[owner]
                .def
                .name
                .to_string()
        })
        .unwrap_or_else(|| class_name.clone());
    let (explanation, note) = wording(
        &found.pitfall,
        &class_name,
        &owner,
        method_name,
        consequence,
        ", which the lookup does not treat as a missing attribute",
    );
    let message = format!("{subject}, {destination}: {explanation}");
    let mut related = vec![Related {
        file: checker.files[found.module].clone(),
        range: method_info.def.name.range(),
        message: note,
    }];
    if leaf.module != sent.module || leaf.anchor.range() != leaf.expr.range() {
        related.push(Related {
            file: checker.files[leaf.module].clone(),
            range: leaf.expr.range(),
            message: format!("the `{class_name}` object is created here"),
        });
    }
    related.extend(via_notes(checker, &sent.via));
    let help = help(&found.pitfall);
    let fails_under = pickled_under(sender.pickled_under_fork());
    let pinned = checker.pinned(sent.site.context_method.as_deref());
    let fix = crate::fix::getattr_setstate::fix_in(checker, found)
        .or_else(|| crate::fix::items_reduce::fix_in(checker, found));
    let diagnostic = checker.report(
        Rule::PickleProtocolPitfall,
        leaf.anchor.range(),
        message,
        Some(help.to_string()),
    );
    diagnostic.fix = fix;
    diagnostic.related = related;
    diagnostic.fails_under = Some(fails_under);
    diagnostic.pinned = pinned;
}
