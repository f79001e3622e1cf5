//! SPS205 pickle-protocol-pitfall: project classes whose objects pickle but
//! do not unpickle (or do not pickle) on their way to or from a child process.
//! The analysis is the flow layer's [`pitfalls`](spawnsafe_flow::pitfalls);
//! this file words its answers.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::Related;
use crate::facts::{PickleRole, Sender, Shape};
use crate::payload::{problems, Leaf, Sent, Walker};
use crate::project::Project;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::ClassId;
use crate::targets::Methods;
use spawnsafe_flow::pitfalls::{class_pitfall, instance_class, ClassPitfall, Pitfall};

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
    let project = checker.project;
    let mut walker = Walker::new(project);
    let mut memo: FxHashMap<(usize, ClassId), Option<ClassPitfall>> = FxHashMap::default();
    let mut reported = FxHashSet::default();
    for sent in walker.sent_from(checker.module) {
        let Some(send) = sent.site.send else { continue };
        let found = problems(&sent.flows, &mut |leaf| {
            let class = instance_class(project, leaf)?;
            memo.entry(class)
                .or_insert_with(|| class_pitfall(project, class.0, class.1))
                .clone()
                .map(|pitfall| (class, pitfall))
        });
        let nested = if found.is_empty() {
            // An object the sent instance keeps in an attribute is unpickled too.
            problems(&sent.flows, &mut |leaf| {
                spawnsafe_flow::pitfalls_nested::nested_pitfall(project, leaf)
            })
            .into_iter()
            .map(|(outer, inner)| {
                let leaf = Leaf {
                    module: inner.inner.module,
                    expr: inner.inner.expr,
                    scope: inner.inner.scope,
                    nested: true,
                    ..outer
                };
                (leaf, (inner.class, inner.pitfall))
            })
            .collect()
        } else {
            Vec::new()
        };
        for (leaf, (class, pitfall)) in found.into_iter().chain(nested) {
            if reported.insert((leaf.anchor.range(), class)) {
                report_sent(checker, &sent, &leaf, class, &pitfall, send.sender, None);
            }
        }
    }
    // A bound method sent as a target or task pickles its instance, and what
    // the instance keeps.
    for site in &project.facts[checker.module].pickle_sites {
        let (crate::semantic::Value::BoundMethod(..), Expr::Attribute(bound)) =
            (&site.value, site.expr)
        else {
            continue;
        };
        let Some(sender) = spawnsafe_flow::boundary::callable_sender(site.role) else {
            continue;
        };
        if site.pickler.pickles_code_by_value() {
            continue;
        }
        let Some(leaf) = spawnsafe_flow::pitfalls_nested::receiver_leaf(
            project,
            checker.module,
            &bound.value,
            site.expr,
            site.scope,
        ) else {
            continue;
        };
        let own = instance_class(project, &leaf).and_then(|class| {
            let pitfall = memo
                .entry(class)
                .or_insert_with(|| class_pitfall(project, class.0, class.1))
                .clone()?;
            Some((leaf, class, pitfall))
        });
        let found = own.or_else(|| {
            let inner = spawnsafe_flow::pitfalls_nested::nested_pitfall(project, &leaf)?;
            let leaf = Leaf {
                module: inner.inner.module,
                expr: inner.inner.expr,
                scope: inner.inner.scope,
                ..leaf
            };
            Some((leaf, inner.class, inner.pitfall))
        });
        let Some((leaf, class, pitfall)) = found else {
            continue;
        };
        if reported.insert((leaf.anchor.range(), class)) {
            let sent = Sent {
                module: checker.module,
                site_module: checker.module,
                site,
                flows: Vec::new(),
                via: Vec::new(),
            };
            let destination = format!(
                "the instance of a bound method sent as {}",
                site.role.describe()
            );
            report_sent(
                checker,
                &sent,
                &leaf,
                class,
                &pitfall,
                sender,
                Some(destination),
            );
        }
    }
    // Items put on a queue or sent on a connection are unpickled by the reader.
    for item in spawnsafe_flow::channels::channel_items(&mut walker, checker.sent, checker.module) {
        let flows = walker.flows(checker.module, item.item, item.scope, Shape::Whole);
        let found = problems(&flows, &mut |leaf| {
            let class = instance_class(project, leaf)?;
            memo.entry(class)
                .or_insert_with(|| class_pitfall(project, class.0, class.1))
                .clone()
                .map(|pitfall| (class, pitfall))
        });
        for (leaf, (class, pitfall)) in found {
            if reported.insert((leaf.anchor.range(), class)) {
                report_item(checker, &item, &leaf, class, &pitfall);
            }
        }
    }
    // Values handed to a manager's shared objects are unpickled in its server process.
    for item in spawnsafe_flow::manager_items::manager_items(project, checker.sent, checker.module)
    {
        let flows = walker.flows(checker.module, item.item, item.scope, Shape::Whole);
        let found = problems(&flows, &mut |leaf| {
            let class = instance_class(project, leaf)?;
            memo.entry(class)
                .or_insert_with(|| class_pitfall(project, class.0, class.1))
                .clone()
                .map(|pitfall| (class, pitfall))
        });
        for (leaf, (class, pitfall)) in found {
            if reported.insert((leaf.anchor.range(), class)) {
                report_manager_item(checker, &item, &leaf, class, &pitfall);
            }
        }
    }
    // What comes back: a task's return value is pickled in the worker and
    // unpickled in the parent (Lib/multiprocessing/pool.py `worker` →
    // `put((job, i, result))`, read by `Pool._handle_results`;
    // Lib/concurrent/futures/process.py `_sendback_result`).
    let mut tasks = FxHashSet::default();
    for origin in checker.workers.roots_in_module(checker.module) {
        let sender = match origin.role {
            Some(PickleRole::PoolTask) => Sender::Pool,
            Some(PickleRole::ExecutorTask) => Sender::Executor,
            _ => continue,
        };
        let (module, task) = origin.root_function;
        if module != checker.module
            || !tasks.insert((
                task,
                sender.pickled_under_fork(),
                matches!(sender, Sender::Pool),
            ))
        {
            continue;
        }
        let info = &project.models[module].functions[task];
        for &returned in &info.returns {
            let flows = walker.flows(module, returned, info.scope, Shape::Whole);
            let found = problems(&flows, &mut |leaf| {
                let class = instance_class(project, leaf)?;
                memo.entry(class)
                    .or_insert_with(|| class_pitfall(project, class.0, class.1))
                    .clone()
                    .map(|pitfall| (class, pitfall))
            });
            for (leaf, (class, pitfall)) in found {
                if reported.insert((leaf.anchor.range(), class)) {
                    report_result(
                        checker,
                        &info.qualname,
                        returned,
                        &leaf,
                        class,
                        &pitfall,
                        sender,
                    );
                }
            }
        }
    }
}

/// Reports an item put on a queue or sent on a connection whose class the
/// reader cannot unpickle.
fn report_item(
    checker: &mut Checker,
    item: &spawnsafe_flow::channels::ChannelItem,
    leaf: &Leaf,
    class: (usize, ClassId),
    found: &ClassPitfall,
) {
    let project = checker.project;
    let class_name = project.models[class.0].classes[class.1]
        .def
        .name
        .to_string();
    let consequence = "in the process that reads it: the reader dies in `get()`/`recv()`, and whoever waits for its output waits forever";
    let Some((explanation, note, help)) = explain(project, &class_name, found, consequence) else {
        return;
    };
    let object = format!("{} `{class_name}` object", article(&class_name));
    let verb = if leaf.nested || holds_items(item.item) {
        "holds"
    } else {
        "is"
    };
    let subject = super::sps202_unpicklable_argument::short_text(checker, item.item.range())
        .map_or_else(|| "The item".to_string(), |text| format!("`{text}`"));
    let message = format!(
        "{subject} {verb} {object}, {} with `{}()`, which the reader unpickles under every start method: {explanation}",
        match item.channel {
            spawnsafe_flow::channels::Channel::Connection => "sent on a `Pipe()` connection",
            _ => "put on a multiprocessing queue",
        },
        item.method,
    );
    report_unpickled(
        checker,
        item.item,
        leaf,
        &class_name,
        found,
        message,
        note,
        help,
    );
}

/// Reports a value handed to a manager's shared object whose class the
/// manager's server process cannot unpickle.
fn report_manager_item(
    checker: &mut Checker,
    item: &spawnsafe_flow::manager_items::ManagerItem,
    leaf: &Leaf,
    class: (usize, ClassId),
    found: &ClassPitfall,
) {
    let project = checker.project;
    let class_name = project.models[class.0].classes[class.1]
        .def
        .name
        .to_string();
    let consequence =
        "in the manager's server process, and the call that sent it raises that error";
    let Some((explanation, note, help)) = explain(project, &class_name, found, consequence) else {
        return;
    };
    let object = format!("{} `{class_name}` object", article(&class_name));
    let verb = if leaf.nested || holds_items(item.item) {
        "holds"
    } else {
        "is"
    };
    let subject = super::sps202_unpicklable_argument::short_text(checker, item.item.range())
        .map_or_else(|| "The value".to_string(), |text| format!("`{text}`"));
    let message = format!(
        "{subject} {verb} {object}, sent to a multiprocessing manager's server process with `{}`, which unpickles it there under every start method: {explanation}",
        item.how,
    );
    report_unpickled(
        checker,
        item.item,
        leaf,
        &class_name,
        found,
        message,
        note,
        help,
    );
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
    let fix = crate::fix::getattr_setstate::fix_in(checker, found);
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

/// A display or comprehension: the value holds the object rather than being it.
fn holds_items(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::List(_)
            | Expr::Tuple(_)
            | Expr::Set(_)
            | Expr::Dict(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
    )
}

/// Reports a task result whose class does not survive the trip back.
fn report_result(
    checker: &mut Checker,
    task: &str,
    returned: &Expr,
    leaf: &Leaf,
    class: (usize, ClassId),
    found: &ClassPitfall,
    sender: Sender,
) {
    let project = checker.project;
    let class_name = project.models[class.0].classes[class.1]
        .def
        .name
        .to_string();
    let consequence = match sender {
        Sender::Executor => "the executor's result thread fails, and every pending future fails with `BrokenProcessPool`",
        _ => "the pool's result handler thread dies unpickling it, and `map()`/`get()` waits forever",
    };
    let Some((explanation, note, help)) = explain(project, &class_name, found, consequence) else {
        return;
    };
    let object = format!("{} `{class_name}` object", article(&class_name));
    let verb = if leaf.nested || holds_items(returned) {
        "holds"
    } else {
        "is"
    };
    let message = format!(
        "The value `{task}` returns {verb} {object}, which the worker pickles and the parent unpickles under every start method: {explanation}"
    );
    report_unpickled(
        checker,
        returned,
        leaf,
        &class_name,
        found,
        message,
        note,
        help,
    );
}

/// The receiving side's failure for a pitfall found on a class that comes back
/// from a worker: (explanation, note on the method, help). `None` for the
/// pitfalls that do not fail there.
fn explain(
    project: &Project,
    class_name: &str,
    found: &ClassPitfall,
    consequence: &str,
) -> Option<(String, String, &'static str)> {
    let method_info = &project.models[found.module].functions[found.method];
    let method_name = method_info.qualname.as_str();
    Some(match &found.pitfall {
        Pitfall::GetattrRecursion { attr } => (
            format!("unpickling makes it without calling `__init__` and looks up `__setstate__`, which the class lacks, so `{method_name}` runs and reads the missing `self.{attr}`, which calls `__getattr__` again: \"RecursionError: maximum recursion depth exceeded\" ({consequence})"),
            format!("`__getattr__` reads `self.{attr}` before checking the name"),
            "start `__getattr__` with `if name.startswith(\"__\"): raise AttributeError(name)`, read the attribute through `self.__dict__`, or define `__setstate__`",
        ),
        Pitfall::GetattrDictKey { key } => (
            format!("unpickling makes it without calling `__init__` and looks up `__setstate__`, which the class lacks, so `{method_name}` runs and reads `self.__dict__[\"{key}\"]` from the still empty `__dict__`: \"KeyError: '{key}'\" ({consequence})"),
            format!("`__getattr__` reads `self.__dict__[\"{key}\"]` before checking the name"),
            "start `__getattr__` with `if name.startswith(\"__\"): raise AttributeError(name)`, or read with `self.__dict__.get(...)` and raise `AttributeError` when it is missing",
        ),
        Pitfall::ItemsBeforeState { base, method, attr } => (
            format!("`{class_name}` is a `{base}` subclass, and unpickling restores its items through `{method}` before its attributes, but `{method_name}` reads `self.{attr}`: \"AttributeError: '{class_name}' object has no attribute '{attr}'\" ({consequence})"),
            format!("`{method}` reads `self.{attr}`"),
            "define `__reduce__` so that unpickling calls `__init__` (`return type(self), (<its arguments>,)`), or make the method work before the attributes exist",
        ),
        Pitfall::SetInitArguments { base, error } => (
            set_init_explanation(class_name, base, method_name, error, consequence),
            "`__init__` does not take the items alone".to_string(),
            SET_INIT_HELP,
        ),
        _ => return None,
    })
}

const SET_INIT_HELP: &str = "define `__reduce__` returning `(type(self), (<the arguments of __init__>,), self.__dict__)`, or let `__init__` take the items as its only required argument";

/// Why a set subclass's `__init__` fails while it is unpickled.
fn set_init_explanation(
    class_name: &str,
    base: &str,
    method_name: &str,
    error: &str,
    consequence: &str,
) -> String {
    format!("`{class_name}` is a `{base}` subclass, which pickles as `({class_name}, (list(items),), state)`, so unpickling calls `{class_name}(items)`, and `{method_name}` does not take that: \"{error}\" ({consequence})")
}

fn article(name: &str) -> &'static str {
    match name.chars().next() {
        Some(c) if "AEIOU".contains(c) => "an",
        _ => "a",
    }
}

/// What happens to the receiving side when unpickling fails there.
fn unpickle_consequence(sender: Sender) -> &'static str {
    match sender {
        Sender::Pool => "the pool worker dies reading the task, and `map()`/`get()` waits forever",
        Sender::Executor => "the worker dies, and the future fails with `BrokenProcessPool`",
        Sender::Process | Sender::Library(_) => "the child dies before `run()`",
    }
}

fn destination(sender: Sender) -> &'static str {
    match sender {
        Sender::Pool => "sent to pool workers as a task argument",
        Sender::Executor => "sent to `ProcessPoolExecutor` workers as a task argument",
        Sender::Process => "passed to a child process in `Process` args",
        Sender::Library(id) => crate::semantic::knowledge::starter(id).sent_to.as_str(),
    }
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
    let class_name = project.models[class.0].classes[class.1]
        .def
        .name
        .to_string();
    let method_info = &project.models[found.module].functions[found.method];
    let method_name = method_info.qualname.clone();
    let object = format!("{} `{class_name}` object", article(&class_name));
    let subject = match super::sps202_unpicklable_argument::short_text(checker, leaf.anchor.range())
    {
        Some(text) if leaf.anchor.range() != leaf.expr.range() || leaf.module != sent.module => {
            let verb = if leaf.nested { "holds" } else { "is" };
            format!("`{text}` {verb} {object}")
        }
        Some(text) => format!("`{text}` makes {object}"),
        None => format!("{}{}", &object[..1].to_uppercase(), &object[1..]),
    };
    let destination = destination_override.unwrap_or_else(|| destination(sender).to_string());
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
    let (explanation, note) = match &found.pitfall {
        Pitfall::GetattrRecursion { attr } => (
            format!("unpickling makes it without calling `__init__` and looks up `__setstate__`, which the class lacks, so `{method_name}` runs and reads the missing `self.{attr}`, which calls `__getattr__` again: \"RecursionError: maximum recursion depth exceeded\" ({consequence})"),
            format!("`__getattr__` reads `self.{attr}` before checking the name"),
        ),
        Pitfall::GetattrDictKey { key } => (
            format!("unpickling makes it without calling `__init__` and looks up `__setstate__`, which the class lacks, so `{method_name}` runs and reads `self.__dict__[\"{key}\"]` from the still empty `__dict__`: \"KeyError: '{key}'\", which the lookup does not treat as a missing attribute ({consequence})"),
            format!("`__getattr__` reads `self.__dict__[\"{key}\"]` before checking the name"),
        ),
        Pitfall::ItemsBeforeState { base, method, attr } => (
            format!("`{class_name}` is a `{base}` subclass, and unpickling restores its items through `{method}` before its attributes, but `{method_name}` reads `self.{attr}`: \"AttributeError: '{class_name}' object has no attribute '{attr}'\" ({consequence})"),
            format!("`{method}` reads `self.{attr}`"),
        ),
        Pitfall::GetstateReturnsNothing { attr } => (
            format!("`{method_name}` returns nothing, so pickle saves no state and never calls `__setstate__`, and the child gets an object without its attributes (\"AttributeError: '{class_name}' object has no attribute '{attr}'\" when it is used)"),
            "`__getstate__` returns nothing".to_string(),
        ),
        Pitfall::TupleStateIndexedByString { key } => (
            format!("`{owner}.__getstate__` returns a tuple, but `{method_name}` reads `state[\"{key}\"]`: \"TypeError: tuple indices must be integers or slices, not str\" ({consequence})"),
            format!("`__setstate__` reads `state[\"{key}\"]`"),
        ),
        Pitfall::StateMissingKey { key } => (
            format!("`{owner}.__getstate__` leaves out `\"{key}\"`, but `{method_name}` reads `state[\"{key}\"]`: \"KeyError: '{key}'\" ({consequence})"),
            format!("`__setstate__` reads `state[\"{key}\"]`"),
        ),
        Pitfall::SetInitArguments { base, error } => (
            set_init_explanation(&class_name, base, method_name, error, consequence),
            "`__init__` does not take the items alone".to_string(),
        ),
        Pitfall::ReduceLocal { qualname } => (
            format!("`{method_name}` returns the nested function `{qualname}` as the reconstructor, which pickle stores by name, so pickling fails in the parent: \"AttributeError: Can't pickle local object '{qualname}'\" (Python 3.13: \"Can't get local object\"; 3.14: \"PicklingError: Can't pickle local object\")"),
            format!("`__reduce__` returns `{qualname}`"),
        ),
    };
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
    for via in &sent.via {
        related.push(Related {
            file: checker.files[via.module].clone(),
            range: via.range,
            message: via.message.clone(),
        });
    }
    let help = match &found.pitfall {
        Pitfall::GetattrRecursion { .. } => "start `__getattr__` with `if name.startswith(\"__\"): raise AttributeError(name)`, read the attribute through `self.__dict__`, or define `__setstate__`",
        Pitfall::GetattrDictKey { .. } => "start `__getattr__` with `if name.startswith(\"__\"): raise AttributeError(name)`, or read with `self.__dict__.get(...)` and raise `AttributeError` when it is missing",
        Pitfall::ItemsBeforeState { .. } => "define `__reduce__` so that unpickling calls `__init__` (`return type(self), (<its arguments>,)`), or make the method work before the attributes exist",
        Pitfall::GetstateReturnsNothing { .. } => "return the state from `__getstate__`",
        Pitfall::TupleStateIndexedByString { .. } | Pitfall::StateMissingKey { .. } => "make `__setstate__` read exactly what `__getstate__` returns",
        Pitfall::SetInitArguments { .. } => SET_INIT_HELP,
        Pitfall::ReduceLocal { .. } => "return a module-level function (or the class, or a classmethod of it) from `__reduce__`",
    };
    let fails_under = if sender.pickled_under_fork() {
        Methods::ALL
    } else {
        Methods::SPAWN_AND_FORKSERVER
    };
    let pinned = checker.pinned(sent.site.context_method.as_deref());
    let fix = crate::fix::getattr_setstate::fix_in(checker, found);
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
