//! SPS205 pickle-protocol-pitfall: project classes whose objects pickle but
//! do not unpickle (or do not pickle) on their way to or from a child process.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::Related;
use crate::facts::{PickleRole, Sender, Shape};
use crate::payload::{
    class_hierarchy, method_attribute_assignments, problems, self_parameter, visit_statements,
    Leaf, Sent, Walker,
};
use crate::project::Project;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::{ClassId, FunctionId, ModuleModel, Value};
use crate::targets::Methods;

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
reader. A `__getattr__` or `__setitem__` that fails there kills the pool's
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

/// What goes wrong with a class's objects.
#[derive(Debug, Clone)]
enum Pitfall {
    GetattrRecursion {
        attr: String,
    },
    /// `__getattr__` indexes `self.__dict__["key"]`: a `KeyError`, which the
    /// unpickler's `__setstate__` lookup does not swallow.
    GetattrDictKey {
        key: String,
    },
    ItemsBeforeState {
        base: &'static str,
        method: &'static str,
        attr: String,
    },
    GetstateReturnsNothing {
        attr: String,
    },
    TupleStateIndexedByString {
        key: String,
    },
    StateMissingKey {
        key: String,
    },
    ReduceLocal {
        qualname: String,
    },
}

/// A pitfall and the method that has it.
#[derive(Debug, Clone)]
struct ClassPitfall {
    pitfall: Pitfall,
    module: usize,
    method: FunctionId,
}

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
        for (leaf, (class, pitfall)) in found {
            if reported.insert((leaf.anchor.range(), class)) {
                report_sent(checker, &sent, &leaf, class, &pitfall, send.sender);
            }
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
    // What comes back: a task's return value is pickled in the worker and
    // unpickled in the parent (Lib/multiprocessing/pool.py `worker` →
    // `put((job, i, result))`, read by `Pool._handle_results`;
    // Lib/concurrent/futures/process.py `_sendback_result`).
    let mut tasks = FxHashSet::default();
    for origin in &checker.workers.roots {
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
    let method_info = &project.models[found.module].functions[found.method];
    let mut related = vec![Related {
        file: checker.files[found.module].clone(),
        range: method_info.def.name.range(),
        message: note,
    }];
    if leaf.module != checker.module || leaf.expr.range() != item.item.range() {
        related.push(Related {
            file: checker.files[leaf.module].clone(),
            range: leaf.expr.range(),
            message: format!("the `{class_name}` object is created here"),
        });
    }
    let diagnostic = checker.report(
        Rule::PickleProtocolPitfall,
        item.item.range(),
        message,
        Some(help.to_string()),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::ALL);
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
    let method_info = &project.models[found.module].functions[found.method];
    let mut related = vec![Related {
        file: checker.files[found.module].clone(),
        range: method_info.def.name.range(),
        message: note,
    }];
    if leaf.module != checker.module || leaf.expr.range() != returned.range() {
        related.push(Related {
            file: checker.files[leaf.module].clone(),
            range: leaf.expr.range(),
            message: format!("the `{class_name}` object is created here"),
        });
    }
    let diagnostic = checker.report(
        Rule::PickleProtocolPitfall,
        returned.range(),
        message,
        Some(help.to_string()),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::ALL);
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
        _ => return None,
    })
}

/// The project class a leaf instantiates (`Settings(...)`), if any.
fn instance_class(project: &Project, leaf: &Leaf) -> Option<(usize, ClassId)> {
    let Expr::Call(call) = leaf.expr else {
        return None;
    };
    let class = match project.models[leaf.module].resolve(&call.func, leaf.scope) {
        Value::Class(class) => (leaf.module, class),
        Value::Qualified(name) => project.resolve_class(leaf.module, &name)?,
        _ => return None,
    };
    // A `Process` object is SPS203's.
    (!project.is_process_class(class.0, class.1)).then_some(class)
}

/// How a class's bases look to pickle: every class in the hierarchy derives
/// only from project classes and these builtins.
fn builtin_bases(project: &Project, module: usize, class: ClassId) -> Option<Vec<&'static str>> {
    let mut builtins = Vec::new();
    for (m, c) in class_hierarchy(project, module, class) {
        let model = &project.models[m];
        let info = &model.classes[c];
        let Some(arguments) = &info.def.arguments else {
            continue;
        };
        if !arguments.keywords.is_empty() {
            // A metaclass may change anything.
            return None;
        }
        for base in arguments.args.iter() {
            let builtin = match base {
                Expr::Name(name) if model.lookup(name.id.as_str(), info.parent_scope).is_none() => {
                    match name.id.as_str() {
                        "object" => "object",
                        "dict" => "dict",
                        "list" => "list",
                        _ => return None,
                    }
                }
                _ => match model.resolve(base, info.parent_scope) {
                    Value::Class(_) => continue,
                    Value::Qualified(name) => {
                        if project.resolve_class(m, &name).is_some() {
                            continue;
                        }
                        if name == "collections.OrderedDict" {
                            "dict"
                        } else {
                            return None;
                        }
                    }
                    _ => return None,
                },
            };
            builtins.push(builtin);
        }
    }
    Some(builtins)
}

fn class_pitfall(project: &Project, module: usize, class: ClassId) -> Option<ClassPitfall> {
    let builtins = builtin_bases(project, module, class)?;
    let method = |name: &str| project.find_method_of(module, class, name);
    // A `__reduce__` decides everything; only its reconstructor can go wrong here.
    for name in ["__reduce_ex__", "__reduce__"] {
        if let Some((m, f)) = method(name) {
            return reduce_local(project, m, f).map(|qualname| ClassPitfall {
                pitfall: Pitfall::ReduceLocal { qualname },
                module: m,
                method: f,
            });
        }
    }
    let getstate = method("__getstate__");
    let setstate = method("__setstate__");
    // A `__new__` runs when unpickling too, and may set what the methods read.
    let custom_new = method("__new__").is_some();
    if let Some((m, f)) = method("__getattr__") {
        if setstate.is_none() && method("__getattribute__").is_none() && !custom_new {
            if let Some(attr) = unguarded_self_read(project, module, class, m, f) {
                return Some(ClassPitfall {
                    pitfall: Pitfall::GetattrRecursion { attr },
                    module: m,
                    method: f,
                });
            }
            if let Some(key) = unguarded_dict_key(project, m, f) {
                return Some(ClassPitfall {
                    pitfall: Pitfall::GetattrDictKey { key },
                    module: m,
                    method: f,
                });
            }
        }
    }
    for (base, item_method) in [("dict", "__setitem__"), ("list", "extend")] {
        if !builtins.contains(&base) || custom_new {
            continue;
        }
        if let Some((m, f)) = method(item_method) {
            if let Some(attr) = instance_attribute_read(project, module, class, m, f) {
                return Some(ClassPitfall {
                    pitfall: Pitfall::ItemsBeforeState {
                        base,
                        method: item_method,
                        attr,
                    },
                    module: m,
                    method: f,
                });
            }
        }
    }
    let (gm, g) = getstate?;
    let state = getstate_shape(project, gm, g)?;
    if let StateShape::Nothing = state {
        let attr = first_instance_attribute(project, module, class)?;
        return Some(ClassPitfall {
            pitfall: Pitfall::GetstateReturnsNothing { attr },
            module: gm,
            method: g,
        });
    }
    let (sm, s) = setstate?;
    let keys = string_keys_read(project, sm, s)?;
    let key = match &state {
        StateShape::Tuple => keys
            .first()
            .map(|key| Pitfall::TupleStateIndexedByString { key: key.clone() }),
        StateShape::DictWith(present) => keys
            .iter()
            .find(|key| !present.contains(key))
            .map(|key| Pitfall::StateMissingKey { key: key.clone() }),
        StateShape::DictWithout(dropped) => keys
            .iter()
            .find(|key| dropped.contains(key))
            .map(|key| Pitfall::StateMissingKey { key: key.clone() }),
        StateShape::Nothing => None,
    }?;
    // The `__setstate__` line is the one that fails.
    Some(ClassPitfall {
        pitfall: key,
        module: sm,
        method: s,
    })
}

/// The nested function or lambda a `__reduce__` returns as its reconstructor.
fn reduce_local(project: &Project, module: usize, function: FunctionId) -> Option<String> {
    let model = &project.models[module];
    let info = &model.functions[function];
    info.returns.iter().find_map(|value| {
        let Expr::Tuple(tuple) = value else {
            return None;
        };
        let first = tuple.elts.first()?;
        match model.resolve(first, info.scope) {
            Value::Lambda => Some(format!("{}.<locals>.<lambda>", info.qualname)),
            Value::Function(inner) if model.functions[inner].is_local => {
                Some(model.functions[inner].qualname.clone())
            }
            _ => None,
        }
    })
}

/// Names defined on the class (or its project bases): attribute lookups find
/// them on the type, without `__getattr__`.
fn class_level_names(project: &Project, module: usize, class: ClassId) -> FxHashSet<String> {
    let mut names = FxHashSet::default();
    for (m, c) in class_hierarchy(project, module, class) {
        let model = &project.models[m];
        let scope = model.classes[c].scope;
        names.extend(
            model.scopes[scope]
                .bindings
                .keys()
                .map(|name| name.to_string()),
        );
    }
    names
}

/// The instance attributes the class's methods assign (`self.x = ...`).
fn instance_attributes(project: &Project, module: usize, class: ClassId) -> Vec<String> {
    let mut found = Vec::new();
    for (m, c) in class_hierarchy(project, module, class) {
        let info = &project.models[m].classes[c];
        let mut methods: Vec<FunctionId> = info.methods.values().copied().collect();
        methods.sort_unstable();
        for method in methods {
            for assignment in method_attribute_assignments(project, m, method) {
                if let Expr::Attribute(attribute) = assignment.target {
                    let name = attribute.attr.to_string();
                    if !found.contains(&name) {
                        found.push(name);
                    }
                }
            }
        }
    }
    found
}

fn first_instance_attribute(project: &Project, module: usize, class: ClassId) -> Option<String> {
    // Prefer what `__init__` sets.
    if let Some((m, init)) = project.find_method_of(module, class, "__init__") {
        for assignment in method_attribute_assignments(project, m, init) {
            if let Expr::Attribute(attribute) = assignment.target {
                return Some(attribute.attr.to_string());
            }
        }
    }
    instance_attributes(project, module, class)
        .into_iter()
        .next()
}

/// `self.<attr>` reads in statements or an expression of a method (not in
/// nested functions or lambdas) of attributes that only instances have, in
/// source order, with `getattr(self, "attr")` counted too.
fn instance_reads<'a>(
    project: &Project,
    module: usize,
    class: ClassId,
    method_module: usize,
    method: FunctionId,
    body: &'a [Stmt],
    expr: Option<&'a Expr>,
) -> Vec<(&'a Expr, String)> {
    let Some(receiver) = self_parameter(project, method_module, method) else {
        return Vec::new();
    };
    let instance = instance_attributes(project, module, class);
    let class_level = class_level_names(project, module, class);
    let mut finder = SelfReads {
        receiver,
        reads: Vec::new(),
    };
    for stmt in body {
        finder.visit_stmt(stmt);
    }
    if let Some(expr) = expr {
        finder.visit_expr(expr);
    }
    finder
        .reads
        .into_iter()
        .filter(|(_, attr)| instance.contains(attr) && !class_level.contains(attr))
        .collect()
}

struct SelfReads<'a, 'r> {
    receiver: &'r str,
    reads: Vec<(&'a Expr, String)>,
}

impl<'a> Visitor<'a> for SelfReads<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Attribute(attribute)
                if attribute.ctx == ast::ExprContext::Load
                    && matches!(attribute.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.receiver) =>
            {
                self.reads.push((expr, attribute.attr.to_string()));
            }
            Expr::Call(call) => {
                // `getattr(self, "attr")` looks the attribute up the same way.
                if let (Expr::Name(function), [Expr::Name(object), Expr::StringLiteral(name), ..]) =
                    (call.func.as_ref(), &call.arguments.args[..])
                {
                    if function.id.as_str() == "getattr" && object.id.as_str() == self.receiver {
                        self.reads.push((expr, name.value.to_str().to_string()));
                    }
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// Does an expression mention a name?
fn mentions(expr: &Expr, name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'b> Visitor<'b> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if matches!(expr, Expr::Name(n) if n.id.as_str() == self.name) {
                self.found = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder { name, found: false };
    finder.visit_expr(expr);
    finder.found
}

/// The first instance attribute a `__getattr__` reads before any test of the
/// requested name (`if name.startswith("__"): raise AttributeError(name)`).
fn unguarded_self_read(
    project: &Project,
    module: usize,
    class: ClassId,
    method_module: usize,
    method: FunctionId,
) -> Option<String> {
    let info = &project.models[method_module].functions[method];
    let name_parameter = info.def.parameters.iter().nth(1)?.name().as_str();
    for stmt in &info.def.body {
        let reads = instance_reads(
            project,
            module,
            class,
            method_module,
            method,
            std::slice::from_ref(stmt),
            None,
        );
        if let Stmt::If(if_stmt) = stmt {
            let test_reads = instance_reads(
                project,
                module,
                class,
                method_module,
                method,
                &[],
                Some(&if_stmt.test),
            );
            if mentions(&if_stmt.test, name_parameter) && test_reads.is_empty() {
                // A guard on the name comes first: assume it refuses dunders.
                return None;
            }
        }
        if let Some((_, attr)) = reads.into_iter().next() {
            return Some(attr);
        }
        if let Some(attr) = property_read(project, module, class, method_module, method, stmt) {
            return Some(attr);
        }
    }
    None
}

/// `self.__dict__["key"]` read by `__getattr__` before anything tests the
/// name: on the half-built object the dict is empty and the lookup raises
/// `KeyError` (Modules/_pickle.c `load_build` asks for `__setstate__` with
/// `_PyObject_LookupAttr`, which only swallows `AttributeError`).
fn unguarded_dict_key(
    project: &Project,
    method_module: usize,
    method: FunctionId,
) -> Option<String> {
    struct DictKeys<'r> {
        receiver: &'r str,
        keys: Vec<String>,
    }
    impl<'a> Visitor<'a> for DictKeys<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) | Stmt::Try(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Subscript(subscript) = expr {
                if let (Expr::Attribute(attribute), Expr::StringLiteral(key)) =
                    (subscript.value.as_ref(), subscript.slice.as_ref())
                {
                    if subscript.ctx == ast::ExprContext::Load
                        && attribute.attr.as_str() == "__dict__"
                        && matches!(attribute.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.receiver)
                    {
                        self.keys.push(key.value.to_str().to_string());
                    }
                }
            }
            if !matches!(expr, Expr::Lambda(_)) {
                visitor::walk_expr(self, expr);
            }
        }
    }
    let receiver = self_parameter(project, method_module, method)?;
    let info = &project.models[method_module].functions[method];
    let name_parameter = info.def.parameters.iter().nth(1)?.name().as_str();
    for stmt in &info.def.body {
        let mut finder = DictKeys {
            receiver,
            keys: Vec::new(),
        };
        if let Stmt::If(if_stmt) = stmt {
            // A guard on the name that comes first: assume it refuses dunders.
            finder.visit_expr(&if_stmt.test);
            if finder.keys.is_empty() && mentions(&if_stmt.test, name_parameter) {
                return None;
            }
        }
        finder.visit_stmt(stmt);
        if let Some(key) = finder.keys.into_iter().next() {
            return Some(key);
        }
    }
    None
}

/// An instance attribute read through a property the statement reads
/// (`getattr(self.path, name)` where the `path` property reads
/// `self._root`): the property runs on the half-built object too.
fn property_read(
    project: &Project,
    module: usize,
    class: ClassId,
    method_module: usize,
    method: FunctionId,
    stmt: &Stmt,
) -> Option<String> {
    let receiver = self_parameter(project, method_module, method)?;
    let mut finder = SelfReads {
        receiver,
        reads: Vec::new(),
    };
    finder.visit_stmt(stmt);
    for (_, attr) in finder.reads {
        let Some((pm, pf)) = project.find_method_of(module, class, &attr) else {
            continue;
        };
        let property = &project.models[pm].functions[pf];
        let is_property = property.def.decorator_list.iter().any(|decorator| {
            matches!(&decorator.expression, Expr::Name(name) if name.id.as_str() == "property")
        });
        if !is_property {
            continue;
        }
        let reads = instance_reads(project, module, class, pm, pf, &property.def.body, None);
        if let Some((_, inner)) = reads.into_iter().next() {
            return Some(inner);
        }
    }
    None
}

/// The first instance attribute a method reads, unless the method guards
/// against its absence (`hasattr`, `getattr` with a default, `except AttributeError`).
fn instance_attribute_read(
    project: &Project,
    module: usize,
    class: ClassId,
    method_module: usize,
    method: FunctionId,
) -> Option<String> {
    let info = &project.models[method_module].functions[method];
    let mut guarded = false;
    visit_statements(&info.def.body, &mut |stmt| {
        if let Stmt::Try(try_stmt) = stmt {
            guarded |= try_stmt.handlers.iter().any(|handler| {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                handler.type_.as_deref().is_none_or(|type_| {
                    mentions(type_, "AttributeError") || mentions(type_, "Exception")
                })
            });
        }
    });
    let mut calls = CallNames::default();
    for stmt in &info.def.body {
        calls.visit_stmt(stmt);
    }
    if guarded || calls.names.contains("hasattr") || calls.getattr_default {
        return None;
    }
    instance_reads(
        project,
        module,
        class,
        method_module,
        method,
        &info.def.body,
        None,
    )
    .into_iter()
    .next()
    .map(|(_, attr)| attr)
}

#[derive(Default)]
struct CallNames {
    names: FxHashSet<String>,
    getattr_default: bool,
}

impl<'a> Visitor<'a> for CallNames {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Expr::Name(name) = call.func.as_ref() {
                self.names.insert(name.id.to_string());
                if name.id.as_str() == "getattr" && call.arguments.args.len() >= 3 {
                    self.getattr_default = true;
                }
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// What a `__getstate__` returns.
enum StateShape {
    /// Nothing (`None`): pickle then skips `__setstate__`.
    Nothing,
    Tuple,
    /// A dict literal with these string keys.
    DictWith(Vec<String>),
    /// A copy of `self.__dict__` without these keys.
    DictWithout(Vec<String>),
}

fn getstate_shape(project: &Project, module: usize, function: FunctionId) -> Option<StateShape> {
    let model = &project.models[module];
    let info = &model.functions[function];
    let returns: Vec<&Expr> = info
        .returns
        .iter()
        .copied()
        .filter(|value| !matches!(value, Expr::NoneLiteral(_)))
        .collect();
    if returns.is_empty() {
        // Raising (to forbid pickling) or an empty body is deliberate.
        let mut raises = false;
        visit_statements(&info.def.body, &mut |stmt| {
            raises |= matches!(stmt, Stmt::Raise(_))
        });
        let trivial = info.def.body.iter().all(|stmt| match stmt {
            Stmt::Pass(_) => true,
            Stmt::Expr(expr) => matches!(
                expr.value.as_ref(),
                Expr::StringLiteral(_) | Expr::EllipsisLiteral(_)
            ),
            _ => false,
        });
        if raises || trivial || crate::payload::is_generator_function(info.def) {
            return None;
        }
        return Some(StateShape::Nothing);
    }
    if returns.iter().all(|value| matches!(value, Expr::Tuple(_))) {
        return Some(StateShape::Tuple);
    }
    if let [Expr::Dict(dict)] = returns.as_slice() {
        let mut keys = Vec::new();
        for item in &dict.items {
            keys.push(
                item.key
                    .as_ref()
                    .and_then(crate::semantic::string_literal)?
                    .to_string(),
            );
        }
        return Some(StateShape::DictWith(keys));
    }
    // `state = self.__dict__.copy(); del state["k"]; return state`
    if let [Expr::Name(name)] = returns.as_slice() {
        let receiver = self_parameter(project, module, function)?;
        let (found, bindings) = model.lookup(name.id.as_str(), info.scope)?;
        if found != info.scope {
            return None;
        }
        let [binding] = bindings
            .iter()
            .filter(|binding| !matches!(binding.kind, crate::semantic::BindingKind::Appended(_)))
            .collect::<Vec<_>>()[..]
        else {
            return None;
        };
        let crate::semantic::BindingKind::Assign(value) = binding.kind else {
            return None;
        };
        if !is_dict_copy(value, receiver) {
            return None;
        }
        let mut dropped = Vec::new();
        let mut other_writes = false;
        visit_statements(&info.def.body, &mut |stmt| match stmt {
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    if let Some(key) = subscript_key(target, name.id.as_str()) {
                        dropped.push(key);
                    }
                }
            }
            Stmt::Assign(assign)
                if assign
                    .targets
                    .iter()
                    .any(|target| subscript_key(target, name.id.as_str()).is_some()) =>
            {
                other_writes = true;
            }
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = expr.value.as_ref() {
                    if let Expr::Attribute(attribute) = call.func.as_ref() {
                        let on_state =
                            matches!(attribute.value.as_ref(), Expr::Name(n) if n.id == name.id);
                        if on_state && attribute.attr.as_str() == "pop" {
                            if let Some(key) = call
                                .arguments
                                .args
                                .first()
                                .and_then(crate::semantic::string_literal)
                            {
                                dropped.push(key.to_string());
                            }
                        } else if on_state {
                            other_writes = true;
                        }
                    }
                }
            }
            _ => {}
        });
        if other_writes || dropped.is_empty() {
            return None;
        }
        return Some(StateShape::DictWithout(dropped));
    }
    None
}

/// `self.__dict__.copy()`, `dict(self.__dict__)`, `vars(self).copy()`.
fn is_dict_copy(value: &Expr, receiver: &str) -> bool {
    let is_instance_dict = |expr: &Expr| match expr {
        Expr::Attribute(attribute) => {
            attribute.attr.as_str() == "__dict__"
                && matches!(attribute.value.as_ref(), Expr::Name(n) if n.id.as_str() == receiver)
        }
        Expr::Call(call) => {
            matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "vars")
                && matches!(call.arguments.args.first(), Some(Expr::Name(n)) if n.id.as_str() == receiver)
        }
        _ => false,
    };
    let Expr::Call(call) = value else {
        return false;
    };
    match call.func.as_ref() {
        Expr::Attribute(attribute) if attribute.attr.as_str() == "copy" => {
            is_instance_dict(&attribute.value)
        }
        Expr::Name(name) if name.id.as_str() == "dict" => {
            call.arguments.args.len() == 1 && is_instance_dict(&call.arguments.args[0])
        }
        _ => false,
    }
}

/// `NAME["key"]` → `key`.
fn subscript_key(expr: &Expr, name: &str) -> Option<String> {
    let Expr::Subscript(subscript) = expr else {
        return None;
    };
    if !matches!(subscript.value.as_ref(), Expr::Name(n) if n.id.as_str() == name) {
        return None;
    }
    crate::semantic::string_literal(&subscript.slice).map(str::to_string)
}

/// The string keys a `__setstate__` reads from its state with `state["key"]`
/// (the state parameter never rebound), in source order.
fn string_keys_read(project: &Project, module: usize, function: FunctionId) -> Option<Vec<String>> {
    let model: &ModuleModel = &project.models[module];
    let info = &model.functions[function];
    let state = info.def.parameters.iter().nth(1)?.name().as_str();
    let (found, bindings) = model.lookup(state, info.scope)?;
    if found != info.scope || bindings.len() != 1 {
        return None;
    }
    // A `__setstate__` that checks what it got (`isinstance(state, dict)`,
    // `"key" in state`) handles more than one shape.
    let mut checks = false;
    visit_statements(&info.def.body, &mut |stmt| {
        let test = match stmt {
            Stmt::If(if_stmt) => Some(&*if_stmt.test),
            Stmt::While(while_stmt) => Some(&*while_stmt.test),
            Stmt::Assert(assert) => Some(&*assert.test),
            _ => None,
        };
        if let Some(test) = test {
            checks |= mentions(test, state);
        }
    });
    if checks {
        return None;
    }
    struct Reads<'n> {
        state: &'n str,
        keys: Vec<String>,
    }
    impl<'b> Visitor<'b> for Reads<'_> {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            if let Expr::Subscript(subscript) = expr {
                if subscript.ctx == ast::ExprContext::Load {
                    if let Some(key) = subscript_key(expr, self.state) {
                        self.keys.push(key);
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reads = Reads {
        state,
        keys: Vec::new(),
    };
    for stmt in &info.def.body {
        reads.visit_stmt(stmt);
    }
    (!reads.keys.is_empty()).then_some(reads.keys)
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
    let destination = destination(sender);
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
        Pitfall::ReduceLocal { .. } => "return a module-level function (or the class, or a classmethod of it) from `__reduce__`",
    };
    let fails_under = if sender.pickled_under_fork() {
        Methods::ALL
    } else {
        Methods::SPAWN_AND_FORKSERVER
    };
    let pinned = checker.pinned(sent.site.context_method.as_deref());
    let diagnostic = checker.report(
        Rule::PickleProtocolPitfall,
        leaf.anchor.range(),
        message,
        Some(help.to_string()),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(fails_under);
    diagnostic.pinned = pinned;
}
