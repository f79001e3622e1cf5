//! SPS203 unpicklable-process-state: a `Process` subclass whose instance holds
//! something unpicklable when it is started (spawn pickles the whole object).

use std::rc::Rc;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::api;
use crate::diagnostic::{Related, SourceFile};
use crate::facts::{PickleRole, Shape, Target};
use crate::objects::{classify, ErrorText, ObjectKind};
use crate::payload::{
    all_leaves, class_hierarchy, method_attribute_assignments, problems, self_parameter, Env, Leaf,
    Walker,
};
use crate::project::Project;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::{ClassId, FunctionId, ScopeId, Value};
use crate::targets::{Methods, StartMethod};

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

Not reported: attributes created in `run()` (in the child), or after
`start()`; multiprocessing's `Queue`, `Lock`, `Event`, `Value` and
`Manager()` proxies (pickled while the child is created, as designed);
loggers from `logging.getLogger` (pickled by name), compiled regexes,
paths, dataclasses; class attributes (the child gets the class by
importing it); sockets (multiprocessing duplicates them into the child);
`threading.Thread` subclasses, which are never pickled.

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

/// A `Process` subclass object being started.
pub struct Start<'a> {
    module: usize,
    call: &'a ast::ExprCall,
    receiver: &'a Expr,
    scope: ScopeId,
    class: (usize, ClassId),
}

/// Every `.start()` of an instance of a project `Process` subclass.
/// Every `start()` of a `Process` subclass in the project: found once per run,
/// since each module's check needs the whole list.
pub fn process_starts<'a>(project: &Project<'_, 'a>) -> Vec<Start<'a>> {
    let mut starts = Vec::new();
    for (module, facts) in project.facts.iter().enumerate() {
        for site in &facts.pickle_sites {
            if site.role != PickleRole::ProcessObject {
                continue;
            }
            if let Value::Instance(class) = &site.value {
                if let Value::Class(class) = class.as_ref() {
                    starts.push(Start {
                        module,
                        call: site.call,
                        receiver: site.expr,
                        scope: site.scope,
                        class: (module, *class),
                    });
                }
            }
        }
        let bodies = std::iter::once(&facts.import_time)
            .chain(std::iter::once(&facts.main_only))
            .chain(facts.functions.iter());
        for body in bodies {
            for edge in &body.calls {
                let Some(call) = edge.call else { continue };
                let class = match &edge.target {
                    Target::Method(class, method) if method == "start" => Some((module, *class)),
                    Target::ExternalMethod(name, method) if method == "start" => {
                        project.resolve_class(module, name)
                    }
                    _ => None,
                };
                let Some((class_module, class)) = class else {
                    continue;
                };
                let Expr::Attribute(attribute) = call.func.as_ref() else {
                    continue;
                };
                if project.is_process_class(class_module, class) {
                    starts.push(Start {
                        module,
                        call,
                        receiver: &attribute.value,
                        scope: edge.scope,
                        class: (class_module, class),
                    });
                }
            }
        }
    }
    starts
}

/// The class (or a project base) controls its own pickling, or it is a
/// `multiprocess` (dill) process, which pickles locks and files by value.
fn custom_pickling(project: &Project, module: usize, class: ClassId) -> bool {
    class_hierarchy(project, module, class)
        .into_iter()
        .any(|(m, c)| {
            let info = &project.models[m].classes[c];
            let custom = ["__getstate__", "__reduce__", "__reduce_ex__"]
                .iter()
                .any(|name| info.methods.contains_key(name));
            let dill = info.def.arguments.as_ref().is_some_and(|arguments| {
                arguments.args.iter().any(|base| {
                    matches!(project.models[m].resolve(base, info.parent_scope),
                        Value::Qualified(name) if api::pickler_of(&name).pickles_code_by_value() && api::normalize(&name).is_some())
                })
            });
            custom || dill
        })
}

/// The methods that run on the object before `start()`, each with the call
/// it runs for (to follow its parameters), when known.
fn pre_start_methods<'a>(
    project: &Project<'_, 'a>,
    walker: &mut Walker<'_, '_, 'a>,
    start: &Start<'a>,
) -> Vec<(usize, FunctionId, Option<Rc<Env<'a>>>)> {
    let (class_module, class) = start.class;
    let mut queue: Vec<(usize, FunctionId, Option<Rc<Env<'a>>>)> = Vec::new();
    // The constructor, with the instantiation's arguments when there is one.
    if let Some((init_module, init)) = project.find_method_of(class_module, class, "__init__") {
        let flows = walker.flows(start.module, start.receiver, start.scope, Shape::Whole);
        let mut instantiations = Vec::new();
        for leaf in all_leaves(&flows) {
            if let Expr::Call(call) = leaf.expr {
                if instantiates(project, &leaf, call, start.class) {
                    instantiations.push((leaf.module, leaf.scope, call));
                }
            }
        }
        let env = match instantiations.as_slice() {
            [(module, scope, call)] => Some(Rc::new(Env {
                module: init_module,
                function: init,
                call,
                bound: true,
                caller_module: *module,
                caller_scope: *scope,
                parent: None,
            })),
            _ => None,
        };
        queue.push((init_module, init, env));
    }
    // Methods called on the variable between its binding and `start()`.
    if let Expr::Name(name) = start.receiver {
        let model = &project.models[start.module];
        let bound_at = model
            .lookup(name.id.as_str(), start.scope)
            .and_then(|(found, bindings)| {
                (found == start.scope).then(|| {
                    bindings
                        .iter()
                        .filter(|binding| binding.range.start() < start.call.range().start())
                        .map(|binding| binding.range.start())
                        .max()
                })?
            });
        if let Some(bound_at) = bound_at {
            for site in &project.facts[start.module].calls {
                let at = site.call.range().start();
                if site.scope != start.scope || at <= bound_at || at >= start.call.range().start() {
                    continue;
                }
                let Expr::Attribute(attribute) = site.call.func.as_ref() else {
                    continue;
                };
                if !matches!(attribute.value.as_ref(), Expr::Name(n) if n.id == name.id) {
                    continue;
                }
                if let Some((m, f)) = project.find_method_of(class_module, class, &attribute.attr) {
                    let env = Rc::new(Env {
                        module: m,
                        function: f,
                        call: site.call,
                        bound: true,
                        caller_module: start.module,
                        caller_scope: start.scope,
                        parent: None,
                    });
                    queue.push((m, f, Some(env)));
                }
            }
        }
    }
    // And what those call on `self`: `super().__init__()`, `Base.__init__(self)`, `self.setup()`.
    let mut chain = Vec::new();
    let mut seen = FxHashSet::default();
    while let Some((module, function, env)) = queue.pop() {
        if !seen.insert((module, function)) || chain.len() > 64 {
            continue;
        }
        let info = &project.models[module].functions[function];
        if let (Some(receiver), Some(owner)) =
            (self_parameter(project, module, function), info.class)
        {
            let mut finder = CallFinder { calls: Vec::new() };
            for stmt in &info.def.body {
                finder.visit_stmt(stmt);
            }
            for call in finder.calls {
                let Expr::Attribute(attribute) = call.func.as_ref() else {
                    continue;
                };
                let method = attribute.attr.as_str();
                let target = match attribute.value.as_ref() {
                    // `self.setup()`: dispatched on the started class.
                    Expr::Name(name) if name.id.as_str() == receiver => project
                        .find_method_of(class_module, class, method)
                        .map(|found| (found, true)),
                    // `super().__init__()`: the next class after the method's own.
                    Expr::Call(inner) if matches!(inner.func.as_ref(), Expr::Name(n) if n.id.as_str() == "super") => {
                        project
                            .project_bases_of(module, owner)
                            .into_iter()
                            .find_map(|(m, c)| project.find_method_of(m, c, method))
                            .map(|found| (found, true))
                    }
                    // `Base.__init__(self, ...)`
                    base @ Expr::Name(_)
                        if call.arguments.args.first().is_some_and(
                            |first| matches!(first, Expr::Name(n) if n.id.as_str() == receiver),
                        ) =>
                    {
                        let model = &project.models[module];
                        let base_class = match model.resolve(base, info.scope) {
                            Value::Class(c) => Some((module, c)),
                            Value::Qualified(name) => project.resolve_class(module, &name),
                            _ => None,
                        };
                        base_class
                            .and_then(|(m, c)| project.find_method_of(m, c, method))
                            .map(|found| (found, false))
                    }
                    _ => None,
                };
                let Some(((m, f), bound)) = target else {
                    continue;
                };
                if method == "run" || method == "start" {
                    continue;
                }
                let call_env = Rc::new(Env {
                    module: m,
                    function: f,
                    call,
                    bound,
                    caller_module: module,
                    caller_scope: info.scope,
                    parent: env.clone(),
                });
                queue.push((m, f, Some(call_env)));
            }
        }
        chain.push((module, function, env));
    }
    chain
}

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

/// Does the call make an instance of the class?
fn instantiates(
    project: &Project,
    leaf: &Leaf,
    call: &ast::ExprCall,
    class: (usize, ClassId),
) -> bool {
    match project.models[leaf.module].resolve(&call.func, leaf.scope) {
        Value::Class(c) => (leaf.module, c) == class,
        Value::Qualified(name) => project.resolve_class(leaf.module, &name) == Some(class),
        _ => false,
    }
}

/// The calls a method body makes (not in nested functions, classes or lambdas).
struct CallFinder<'a> {
    calls: Vec<&'a ast::ExprCall>,
}

impl<'a> Visitor<'a> for CallFinder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                self.calls.push(call);
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

fn text_of(file: &SourceFile, range: TextRange) -> Option<&str> {
    let text = file
        .text
        .get(range.start().to_usize()..range.end().to_usize())?;
    (text.len() <= 40 && !text.contains('\n')).then_some(text)
}

struct Finding<'a> {
    target: &'a Expr,
    value: &'a Expr,
    leaf: Leaf<'a>,
    kind: ObjectKind,
    error: ErrorText,
    start_module: usize,
    start_call: &'a ast::ExprCall,
    class: (usize, ClassId),
    method: (usize, FunctionId),
}

pub fn check<'a>(checker: &mut Checker<'_, '_, 'a>, starts: &[Start<'a>]) {
    let project = checker.project;
    // Findings sit in methods, so only a module with classes can have one.
    if starts.is_empty() || project.models[checker.module].classes.is_empty() {
        return;
    }
    let mut walker = Walker::new(project);
    let mut findings: FxHashMap<TextRange, Finding> = FxHashMap::default();
    for start in starts {
        let (class_module, class) = start.class;
        if custom_pickling(project, class_module, class) {
            continue;
        }
        let chain = pre_start_methods(project, &mut walker, start);
        // Only methods in this module can hold a finding here, but an attribute
        // is reported only when every assignment before `start()` is a problem.
        if !chain.iter().any(|(module, _, _)| *module == checker.module) {
            continue;
        }
        let mut by_attribute: FxHashMap<&str, Vec<Option<Finding>>> = FxHashMap::default();
        for (module, method, env) in &chain {
            let scope = project.models[*module].functions[*method].scope;
            for assignment in method_attribute_assignments(project, *module, *method) {
                let Expr::Attribute(attribute) = assignment.target else {
                    continue;
                };
                let finding = assignment.value.and_then(|value| {
                    let flows = walker.flows_in(*module, value, scope, Shape::Whole, env.clone());
                    let found = problems(&flows, &mut |leaf| {
                        let kind = classify(&mut walker, leaf, None)?;
                        let error = crate::contents::pickle_error(project, leaf, &kind)?;
                        Some((kind, error))
                    });
                    let (leaf, (kind, error)) = found.into_iter().next()?;
                    Some(Finding {
                        target: assignment.target,
                        value,
                        leaf,
                        kind,
                        error,
                        start_module: start.module,
                        start_call: start.call,
                        class: start.class,
                        method: (*module, *method),
                    })
                });
                by_attribute
                    .entry(attribute.attr.as_str())
                    .or_default()
                    .push(finding);
            }
        }
        for (_, assignments) in by_attribute {
            if assignments.iter().any(Option::is_none) {
                continue;
            }
            for finding in assignments.into_iter().flatten() {
                if finding.method.0 == checker.module {
                    findings.entry(finding.target.range()).or_insert(finding);
                }
            }
        }
    }
    let mut findings: Vec<Finding> = findings.into_values().collect();
    findings.sort_by_key(|finding| finding.target.range().start());
    for finding in findings {
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
    let mut related = vec![Related {
        file: start_file,
        range: finding.start_call.range(),
        message: format!("{start_text} pickles the `{class_name}` object here"),
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
    let fix = (class_module == checker.module)
        .then(|| crate::fix::member_state::fix_in(checker, finding.target.range()))
        .flatten();
    let diagnostic = checker.report(
        Rule::UnpicklableProcessState,
        finding.target.range(),
        message,
        Some(help),
    );
    diagnostic.related = related;
    diagnostic.fix = fix;
    diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
    diagnostic.pinned = pinned;
}
