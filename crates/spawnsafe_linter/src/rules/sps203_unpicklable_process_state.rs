//! SPS203 unpicklable-process-state: a `Process` subclass object holds state
//! that cannot be pickled when it is started. The analysis is the flow layer's
//! [`process_state`](spawnsafe_flow::process_state).

use ruff_text_size::{Ranged, TextRange};

use crate::api;
use crate::diagnostic::{Related, SourceFile};
use crate::objects::ObjectKind;
use crate::payload::class_hierarchy;
use crate::project::Project;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::{ClassId, Value};
use crate::targets::{Methods, StartMethod};

pub use spawnsafe_flow::process_state::{process_starts, Start};
use spawnsafe_flow::process_state::{unpicklable_process_state, Finding};

pub const DOCS: &str = r#"# unpicklable-process-state (SPS203)

## What it does
Finds a `multiprocessing.Process` subclass that is started while one of its
instance attributes holds an object that cannot be pickled: a `threading`
lock, event, condition, semaphore or `Thread`, a `queue.Queue`, an open
file, a generator, a `sqlite3` connection or cursor, a `logging` handler, a
pool or executor, a lambda or a nested function.

The attribute is set in `__init__` (or a base class's `__init__`, in this
module or another, or a method either of them calls, or a method called on
the object before `start()`), and the class does not define `__getstate__`
or `__reduce__` to leave it out.

## Why is this bad?
Under *spawn* and *forkserver* — Windows, macOS, and Linux with Python
3.14+ — `Process.start()` pickles the whole `Process` object in the parent
(`reduction.dump(process_obj, ...)` in `popen_spawn_posix`/`popen_spawn_win32`)
and the child unpickles it before calling `run()`. Every attribute in the
instance `__dict__` goes along, so `start()` raises in the parent:

```
TypeError: cannot pickle '_thread.lock' object        # threading.Lock, Event, queue.Queue
TypeError: cannot pickle '_thread.RLock' object       # threading.RLock, logging.FileHandler
TypeError: cannot pickle '_io.TextIOWrapper' object   # open(); 3.12+: cannot pickle 'TextIOWrapper' instances
TypeError: cannot pickle 'generator' object
TypeError: cannot pickle 'sqlite3.Connection' object
AttributeError: Can't pickle local object 'Worker.__init__.<locals>.<lambda>'   # 3.13: Can't get local object
```

Under *fork* nothing is pickled — the child is a copy of the parent — so the
same class works on Linux up to Python 3.13.

The finding sits on the `start()` call, the line CPython's traceback points
at, with a note at the attribute's assignment (when the class is started in
another module, it sits on the assignment, with a note at the `start()`).

Not reported: attributes created in `run()` (in the child), or after
`start()`; multiprocessing's `Queue`, `Lock`, `Event`, `Value` and
`Manager()` proxies (pickled while the child is created, as designed);
loggers from `logging.getLogger` (pickled by name), compiled regexes,
paths, dataclasses; class attributes (the child gets the class by
importing it); sockets (multiprocessing duplicates them into the child);
`threading.Thread` subclasses, which are never pickled.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `process-subclass-lock` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

| Python | Message |
|---|---|
| 3.8-3.14 | `TypeError: cannot pickle '_thread.lock' object` |

Raised in the parent by `Process.start()`: `Lib/multiprocessing/popen_spawn_posix.py`
`Popen._launch` (`reduction.dump(process_obj, fp)`), `popen_forkserver.py`
the same, `popen_spawn_win32.py` `Popen.__init__`; the message is
`Objects/typeobject.c`'s (see SPS202).

## Example
```python
import threading
import multiprocessing as mp

class Worker(mp.Process):
    def __init__(self, items):
        super().__init__()
        self.items = items
        self.lock = threading.Lock()

    def run(self):
        with self.lock:
            print(len(self.items))
```

Use instead:
```python
import threading
import multiprocessing as mp

class Worker(mp.Process):
    def __init__(self, items):
        super().__init__()
        self.items = items
        self.lock = None

    def run(self):
        self.lock = threading.Lock()  # made in the child
        with self.lock:
            print(len(self.items))
```


## Fix
As for SPS202's members: `--unsafe-fixes` adds `__getstate__`/`__setstate__`
to the `Process` subclass, leaving the member out of the pickled object and
making it again in the child with the expression `__init__` used (unsafe: the
child's member is a new object, not the parent's); a lambda stored in the
member becomes a module-level function.

## References
- [multiprocessing: Contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
- [multiprocessing programming guidelines: More picklability](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-programming)
- [pickle: Handling stateful objects](https://docs.python.org/3/library/pickle.html#handling-stateful-objects)
"#;

/// The start method a `Process` subclass pins through its base
/// (`get_context("fork").Process`, `multiprocessing.context.SpawnProcess`).
fn class_start_method(project: &Project, module: usize, class: ClassId) -> Option<StartMethod> {
    class_hierarchy(project, module, class)
        .into_iter()
        .find_map(|(m, c)| {
            let model = &project.models[m];
            let info = &model.classes[c];
            info.def.arguments.as_ref()?.args.iter().find_map(|base| {
                match model.resolve(base, info.parent_scope) {
                    Value::ContextApi { method, .. } => {
                        method.as_deref().and_then(StartMethod::from_name)
                    }
                    Value::Qualified(name) => match api::normalize(&name)?.0 {
                        "context.ForkProcess" => StartMethod::from_name("fork"),
                        "context.SpawnProcess" => StartMethod::from_name("spawn"),
                        "context.ForkServerProcess" => StartMethod::from_name("forkserver"),
                        _ => None,
                    },
                    _ => None,
                }
            })
        })
}

fn text_of(file: &SourceFile, range: TextRange) -> Option<&str> {
    let text = file
        .text
        .get(range.start().to_usize()..range.end().to_usize())?;
    (text.len() <= 40 && !text.contains('\n')).then_some(text)
}

pub fn check<'a>(checker: &mut Checker<'_, '_, 'a>, starts: &[Start<'a>]) {
    for finding in unpicklable_process_state(checker.project, starts, checker.module) {
        report(checker, &finding);
    }
}

fn report(checker: &mut Checker, finding: &Finding) {
    let project = checker.project;
    let (class_module, class) = finding.class;
    let class_name = project.models[class_module].classes[class]
        .def
        .name
        .to_string();
    let (method_module, method) = finding.method;
    let method_name = &project.models[method_module].functions[method].qualname;
    let target = text_of(checker.file(), finding.target.range()).unwrap_or("the attribute");
    let described = finding.kind.describe();
    let verb = if finding.leaf.nested { "holds" } else { "is" };
    let message = format!(
        "`{target}` {verb} {described} (set in `{method_name}`) when the `{class_name}` process is started: spawn and forkserver pickle the whole `Process` object at `start()`, and it cannot be pickled: {}",
        finding.error
    );
    let start_file = checker.files[finding.start_module].clone();
    let start_text = text_of(&start_file, finding.start_call.range())
        .map(|text| format!("`{text}`"))
        .unwrap_or_else(|| "`start()`".to_string());
    // CPython's traceback points at the `start()` call, so the finding sits there when it is in
    // this file, with the member as a note; a start in another module keeps the member.
    let start_here = finding.start_module == checker.module;
    let mut related = vec![if start_here {
        Related {
            file: checker.file().clone(),
            range: finding.target.range(),
            message: format!("`{target}` is set here, in `{method_name}`"),
        }
    } else {
        Related {
            file: start_file,
            range: finding.start_call.range(),
            message: format!("{start_text} pickles the `{class_name}` object here"),
        }
    }];
    let value_is_elsewhere = finding.leaf.module != method_module
        || !finding
            .value
            .range()
            .contains_range(finding.leaf.expr.range());
    if value_is_elsewhere || finding.leaf.entered {
        related.push(Related {
            file: checker.files[finding.leaf.module].clone(),
            range: finding.leaf.expr.range(),
            message: format!("{} is created here", finding.kind.noun()),
        });
    }
    let help = match finding.kind {
        ObjectKind::Lambda | ObjectKind::LocalFunction { .. } => {
            "use a module-level function (or `functools.partial` of one)".to_string()
        }
        _ => "create it in `run()`, which runs in the child, or leave it out of the pickled state with `__getstate__`/`__setstate__`".to_string(),
    };
    let pinned: Option<StartMethod> = class_start_method(project, class_module, class)
        .or_else(|| super::program_method(&project.facts[finding.start_module]))
        .or(checker.program_method);
    // A lambda made elsewhere and stored by the constructor is hoisted where it is made.
    let lambda_elsewhere = value_is_elsewhere
        && matches!(finding.kind, ObjectKind::Lambda)
        && finding.leaf.module == checker.module;
    let fix = if lambda_elsewhere {
        crate::fix::member_state::lambda_fix_in(checker, finding.leaf.expr.range(), None)
    } else {
        (class_module == checker.module)
            .then(|| crate::fix::member_state::fix_in(checker, finding.target.range()))
            .flatten()
    };
    let anchor = if start_here {
        finding.start_call.range()
    } else {
        finding.target.range()
    };
    let diagnostic = checker.report(Rule::UnpicklableProcessState, anchor, message, Some(help));
    diagnostic.related = related;
    diagnostic.fix = fix;
    diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
    diagnostic.pinned = pinned;
}
