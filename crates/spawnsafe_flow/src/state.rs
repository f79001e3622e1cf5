//! State a child does not inherit: for each function that runs in a child
//! process, the module state it reads that the parent sets only at run time
//! (globals assigned in the main guard or in parent-only functions, `global`
//! statements, mutating calls, class attributes set by classmethods), the
//! configuration of imported modules the parent changes at run time (logging,
//! random seeds, the recursion limit, warnings filters, decimal contexts), and
//! multiprocessing objects created at module level and used as globals.
//!
//! Under fork a child is a copy of the parent; under spawn and forkserver it
//! re-imports the modules (`multiprocessing/spawn.py`: `prepare()` then
//! `_fixup_main_from_path()`), so it sees only what importing them does.

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::api::Api;
use crate::globals::{self, Base, GlobalRef, GlobalWrite, Usage, WriteKind};
use crate::project::{Effect, EffectFinder, Project};
use crate::semantic::{BindingKind, FunctionId, ModuleModel, Value, MODULE_SCOPE};
use crate::workers::{describe_worker, origin_note, WorkerOrigin, Workers};

/// A module global: its module and name.
type Key = (usize, String);

/// What a reference to a global resolves to.
struct Resolved {
    key: Key,
    /// Attributes read after the global (`CONFIG.get` has one).
    rest: usize,
    /// Named through `from m import G`: a later rebinding of `m.G` is not
    /// seen through that name, only changes to the object.
    from_import: bool,
}

const MAX_DEPTH: usize = 8;

/// Resolves a global reference made in `module` to the module that holds the global.
fn resolve(project: &Project, module: usize, target: &GlobalRef) -> Option<Resolved> {
    // An import made only at run time (`import numpy as np` in the main guard):
    // the name itself is the global a child lacks.
    if matches!(target.base, Base::Imported { .. })
        && globals::import_time_bindings(&project.models[module], target.name).is_empty()
    {
        return Some(Resolved {
            key: (module, target.name.to_string()),
            rest: target.attrs.len(),
            from_import: false,
        });
    }
    match &target.base {
        Base::Own(name) => Some(Resolved {
            key: (module, (*name).to_string()),
            rest: target.attrs.len(),
            from_import: false,
        }),
        Base::Imported { level, dotted } => {
            let base_len = dotted.split('.').filter(|part| !part.is_empty()).count();
            let parts: Vec<&str> = dotted
                .split('.')
                .filter(|part| !part.is_empty())
                .chain(target.attrs.iter().copied())
                .collect();
            for split in (0..parts.len()).rev() {
                if split == 0 && *level == 0 {
                    break;
                }
                let prefix = parts[..split].join(".");
                let Some(holder) = project.resolve_module(module, *level, &prefix) else {
                    continue;
                };
                let (holder, name) = canonical(project, holder, parts[split], 0)?;
                return Some(Resolved {
                    key: (holder, name),
                    rest: parts.len() - split - 1,
                    from_import: split < base_len,
                });
            }
            None
        }
    }
}

/// Follows re-exports (`from .settings import CONFIG` in a package's
/// `__init__.py`) to the module that defines the global.
fn canonical(project: &Project, module: usize, name: &str, depth: usize) -> Option<Key> {
    if depth > MAX_DEPTH {
        return None;
    }
    let model = &project.models[module];
    let Some(bindings) = model.scopes[MODULE_SCOPE].bindings.get(name) else {
        // A submodule is not a global value.
        let submodule = format!("{}.{name}", project.paths[module].name);
        return match project.resolve_module(module, 0, &submodule) {
            Some(_) => None,
            None => Some((module, name.to_string())),
        };
    };
    let mut source = None;
    for binding in bindings {
        match &binding.kind {
            BindingKind::FromImport {
                level,
                module: Some(from),
                name: imported,
            } => {
                let this = (*level, *from, *imported);
                if source.is_some_and(|previous| previous != this) {
                    return Some((module, name.to_string()));
                }
                source = Some(this);
            }
            BindingKind::Import(_) | BindingKind::FromImport { module: None, .. } => return None,
            _ => return Some((module, name.to_string())),
        }
    }
    let (level, from, imported) = source?;
    // From a module outside the project: nothing is known about it.
    let holder = project.resolve_module(module, level, from)?;
    canonical(project, holder, imported, depth + 1)
}

/// Does a write change the global? A call of another method (`WriteKind::Call`)
/// does when it reseeds a generator or when the object's class (or the class
/// itself, for a classmethod) has that method storing on its receiver.
fn changes(project: &Project, write: &GlobalWrite, resolved: &Resolved) -> bool {
    let WriteKind::Call(method) = write.kind else {
        return true;
    };
    if resolved.rest != 0 {
        return false;
    }
    if method == "seed" {
        return true;
    }
    let (module, name) = (resolved.key.0, resolved.key.1.as_str());
    let model = &project.models[module];
    let bindings = globals::import_time_bindings(model, name);
    let [binding] = bindings.as_slice() else {
        return false;
    };
    let class = match &binding.kind {
        BindingKind::Assign(value) => match model.resolve(value, MODULE_SCOPE) {
            Value::Instance(class) => match *class {
                Value::Class(class) => class,
                _ => return false,
            },
            _ => return false,
        },
        BindingKind::Class(class) => *class,
        _ => return false,
    };
    let Some((holder, function)) = project.find_method_of(module, class, method) else {
        return false;
    };
    project.facts[holder].globals.functions[function].receiver_stores
}

/// Does the write rebind the global (rather than change the object it holds)?
fn is_rebinding(write: &GlobalWrite, resolved: &Resolved) -> bool {
    matches!(
        write.kind,
        WriteKind::Store | WriteKind::Delete | WriteKind::Import
    ) && resolved.rest == 0
}

fn describe_write(write: &GlobalWrite, name: &str) -> String {
    match write.kind {
        // `Record.next_id = 1000`: an attribute of the global's object.
        WriteKind::Store if !write.target.attrs.is_empty() => format!(
            "sets `{}.{}`",
            write.target.name,
            write.target.attrs.join(".")
        ),
        WriteKind::Store | WriteKind::Delete => format!("assigns `{name}`"),
        WriteKind::Import => format!("imports `{name}`"),
        WriteKind::ItemStore => format!("sets an item of `{name}`"),
        WriteKind::Method(method) | WriteKind::Call(method) => {
            format!("changes `{name}` with `.{method}()`")
        }
    }
}

/// A location with a note.
#[derive(Debug, Clone)]
pub struct Step {
    pub module: usize,
    pub range: TextRange,
    pub message: String,
}

/// The parent sets a global and then starts processes.
#[derive(Debug, Clone)]
struct ParentSet {
    /// Where: "in the main guard", "in `main`".
    place: String,
    rebinding: bool,
    steps: Vec<Step>,
    start: Step,
}

/// A body of code that runs only in the parent: a main guard, or a function
/// that no child runs and no import runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Body {
    Guard(usize),
    Function(usize, FunctionId),
}

impl Body {
    fn module(self) -> usize {
        match self {
            Body::Guard(module) | Body::Function(module, _) => module,
        }
    }
}

/// A project function: its module and id.
type FunctionRef = (usize, FunctionId);

/// The parent-only bodies that call a function, and where.
type Callers = FxHashMap<FunctionRef, Vec<(Body, TextRange)>>;

/// A body's set events: where, the first step, whether it rebinds, and the callee that sets it.
type SetEvent = (TextSize, Step, bool, Option<FunctionRef>);

/// How a parent-only function comes to set a global.
#[derive(Debug, Clone)]
enum Witness {
    /// It writes it itself.
    Direct { step: Step, rebinding: bool },
    /// It calls a function that sets it.
    Call {
        range: TextRange,
        callee: (usize, FunctionId),
    },
}

/// The parent side of the project: which code runs only in the parent, what
/// it writes, and what it calls. Built once, for the globals workers read.
struct Parent<'x, 'p, 'a> {
    project: &'x Project<'p, 'a>,
    workers: &'x Workers,
    finder: EffectFinder<'x, 'p, 'a>,
    /// Functions that run while some module is imported (in the children too).
    import_time: FxHashSet<(usize, FunctionId)>,
    /// The writes of parent-only code to the globals of interest.
    direct: FxHashMap<Key, Vec<(Body, TextSize, Step, bool)>>,
    /// Parent-only functions → the parent-only bodies that call them, where.
    callers: Option<Callers>,
    memo: FxHashMap<(Key, bool), Option<ParentSet>>,
}

impl<'x, 'p, 'a> Parent<'x, 'p, 'a> {
    fn new(project: &'x Project<'p, 'a>, workers: &'x Workers, keys: &FxHashSet<Key>) -> Self {
        // Everything called while a module is imported.
        let mut import_time = FxHashSet::default();
        let mut queue = Vec::new();
        for (module, facts) in project.facts.iter().enumerate() {
            for edge in &facts.import_time.calls {
                if let Some((m, f, _)) = project.called_function(module, &edge.target) {
                    if import_time.insert((m, f)) {
                        queue.push((m, f));
                    }
                }
            }
        }
        while let Some((module, function)) = queue.pop() {
            for edge in &project.facts[module].functions[function].calls {
                if let Some((m, f, _)) = project.called_function(module, &edge.target) {
                    if import_time.insert((m, f)) {
                        queue.push((m, f));
                    }
                }
            }
        }
        let mut parent = Parent {
            project,
            workers,
            finder: EffectFinder::new(project),
            import_time,
            direct: FxHashMap::default(),
            callers: None,
            memo: FxHashMap::default(),
        };
        // The writes of parent-only code to the globals workers read.
        let names: FxHashSet<&str> = keys.iter().map(|(_, name)| name.as_str()).collect();
        for body in parent.bodies() {
            let module = body.module();
            let globals = &project.facts[module].globals;
            let (writes, who) = match body {
                Body::Guard(_) => (&globals.main_guard.writes, "the main guard".to_string()),
                Body::Function(_, function) => (
                    &globals.functions[function].writes,
                    format!("`{}`", project.models[module].functions[function].qualname),
                ),
            };
            for write in writes {
                // Cheap test first: the global's name is written in the chain.
                let named = match &write.target.base {
                    Base::Own(name) => names.contains(name),
                    Base::Imported { dotted, .. } => {
                        dotted.split('.').any(|part| names.contains(part))
                            || write.target.attrs.iter().any(|attr| names.contains(attr))
                    }
                };
                if !named {
                    continue;
                }
                let Some(resolved) = resolve(project, module, &write.target) else {
                    continue;
                };
                if !keys.contains(&resolved.key) || !changes(project, write, &resolved) {
                    continue;
                }
                // Importing again a module the name already holds changes nothing.
                if write.kind == WriteKind::Import
                    && !globals::import_time_bindings(
                        &project.models[resolved.key.0],
                        &resolved.key.1,
                    )
                    .is_empty()
                {
                    continue;
                }
                let rebinding = is_rebinding(write, &resolved);
                let step = Step {
                    module,
                    range: write.range,
                    message: format!("{who} {} here", describe_write(write, &resolved.key.1)),
                };
                parent.direct.entry(resolved.key).or_default().push((
                    body,
                    write.range.start(),
                    step,
                    rebinding,
                ));
            }
        }
        parent
    }

    fn runs_in_parent_only(&self, module: usize, function: FunctionId) -> bool {
        !self.workers.functions.contains_key(&(module, function))
            && !self.import_time.contains(&(module, function))
    }

    /// Every parent-only body, in a stable order.
    fn bodies(&self) -> Vec<Body> {
        let mut bodies = Vec::new();
        for module in 0..self.project.facts.len() {
            bodies.push(Body::Guard(module));
            for function in self.project.models[module].functions.indices() {
                if self.runs_in_parent_only(module, function) {
                    bodies.push(Body::Function(module, function));
                }
            }
        }
        bodies
    }

    fn body_facts(&self, body: Body) -> &'x crate::facts::BodyFacts<'a> {
        let project = self.project;
        match body {
            Body::Guard(module) => &project.facts[module].main_only,
            Body::Function(module, function) => &project.facts[module].functions[function],
        }
    }

    fn describe(&self, body: Body) -> (String, String) {
        match body {
            Body::Guard(_) => (
                "in the main guard".to_string(),
                "the main guard".to_string(),
            ),
            Body::Function(module, function) => {
                let name = &self.project.models[module].functions[function].qualname;
                (format!("in `{name}`"), format!("`{name}`"))
            }
        }
    }

    fn callers(&mut self) -> &Callers {
        if self.callers.is_none() {
            let mut callers = Callers::default();
            for body in self.bodies() {
                let module = body.module();
                for edge in &self.body_facts(body).calls {
                    let Some((m, f, _)) = self.project.called_function(module, &edge.target) else {
                        continue;
                    };
                    if self.runs_in_parent_only(m, f) {
                        callers.entry((m, f)).or_default().push((body, edge.range));
                    }
                }
            }
            self.callers = Some(callers);
        }
        self.callers.as_ref().expect("just built")
    }

    /// Where the parent sets `key` at run time and then starts processes
    /// (`changes_only`: only changes to the object count, not rebinding).
    fn parent_set(&mut self, key: &Key, changes_only: bool) -> Option<ParentSet> {
        let memo_key = (key.clone(), changes_only);
        if let Some(known) = self.memo.get(&memo_key) {
            return known.clone();
        }
        let found = self.compute(key, changes_only);
        self.memo.insert(memo_key, found.clone());
        found
    }

    fn compute(&mut self, key: &Key, changes_only: bool) -> Option<ParentSet> {
        let direct: Vec<(Body, TextSize, Step, bool)> = self
            .direct
            .get(key)?
            .iter()
            .filter(|(_, _, _, rebinding)| !(changes_only && *rebinding))
            .cloned()
            .collect();
        // The set events of each body: (offset, first step, rebinding, callee).
        let mut events: FxHashMap<Body, Vec<SetEvent>> = FxHashMap::default();
        let mut witnesses: FxHashMap<(usize, FunctionId), Witness> = FxHashMap::default();
        let mut queue = Vec::new();
        for (body, at, step, rebinding) in direct {
            if let Body::Function(m, f) = body {
                if let std::collections::hash_map::Entry::Vacant(entry) = witnesses.entry((m, f)) {
                    entry.insert(Witness::Direct {
                        step: step.clone(),
                        rebinding,
                    });
                    queue.push((m, f));
                }
            }
            events
                .entry(body)
                .or_default()
                .push((at, step, rebinding, None));
        }
        // Callers of setters set it too, up the parent's call graph.
        while let Some(callee) = queue.pop() {
            let callers = self.callers().get(&callee).cloned().unwrap_or_default();
            let rebinding = self.rebinding_of(&witnesses, callee);
            for (body, range) in callers {
                let (_, who) = self.describe(body);
                let name = &self.project.models[callee.0].functions[callee.1].qualname;
                let step = Step {
                    module: body.module(),
                    range,
                    message: format!("{who} calls `{name}` here, before starting processes"),
                };
                events.entry(body).or_default().push((
                    range.start(),
                    step,
                    rebinding,
                    Some(callee),
                ));
                if let Body::Function(m, f) = body {
                    if let std::collections::hash_map::Entry::Vacant(entry) =
                        witnesses.entry((m, f))
                    {
                        entry.insert(Witness::Call { range, callee });
                        queue.push((m, f));
                    }
                }
            }
        }
        let mut bodies: Vec<Body> = events.keys().copied().collect();
        bodies.sort();
        for body in bodies {
            let mut body_events = events.remove(&body).unwrap_or_default();
            body_events.sort_by_key(|(at, ..)| *at);
            let Some((at, step, rebinding, callee)) = body_events.into_iter().next() else {
                continue;
            };
            let Some(start) = self
                .start_after(body, at)
                .or_else(|| self.start_in_tests_after(body))
            else {
                continue;
            };
            let mut steps = vec![step];
            let mut next = callee;
            let mut depth = 0;
            while let Some(function) = next {
                depth += 1;
                if depth > 32 {
                    break;
                }
                match witnesses.get(&function) {
                    Some(Witness::Direct { step, .. }) => {
                        steps.push(step.clone());
                        next = None;
                    }
                    Some(Witness::Call { range, callee }) => {
                        let caller =
                            &self.project.models[function.0].functions[function.1].qualname;
                        let name = &self.project.models[callee.0].functions[callee.1].qualname;
                        steps.push(Step {
                            module: function.0,
                            range: *range,
                            message: format!("`{caller}` calls `{name}` here"),
                        });
                        next = Some(*callee);
                    }
                    None => next = None,
                }
            }
            let (place, _) = self.describe(body);
            return Some(ParentSet {
                place,
                rebinding,
                steps,
                start,
            });
        }
        None
    }

    fn rebinding_of(
        &self,
        witnesses: &FxHashMap<(usize, FunctionId), Witness>,
        mut function: (usize, FunctionId),
    ) -> bool {
        for _ in 0..32 {
            match witnesses.get(&function) {
                Some(Witness::Direct { rebinding, .. }) => return *rebinding,
                Some(Witness::Call { callee, .. }) => function = *callee,
                None => return false,
            }
        }
        false
    }

    /// A process start in a test that unittest runs after the fixture `body`
    /// (`setUp()` before each `test_*` method).
    fn start_in_tests_after(&mut self, body: Body) -> Option<Step> {
        let Body::Function(module, fixture) = body else {
            return None;
        };
        for test in crate::test_fixtures::tests_run_after(self.project, module, fixture) {
            if !self.runs_in_parent_only(module, test) {
                continue;
            }
            let begins = self.project.models[module].functions[test]
                .def
                .range
                .start();
            if let Some(start) = self.start_after(Body::Function(module, test), begins) {
                return Some(start);
            }
        }
        None
    }

    /// The first process start in a body after an offset: its own, or through a call.
    fn start_after(&mut self, body: Body, at: TextSize) -> Option<Step> {
        let module = body.module();
        let facts = self.body_facts(body);
        let (_, who) = self.describe(body);
        let mut start: Option<Step> = facts
            .starts
            .iter()
            // A start whose call encloses the set runs after it: its arguments
            // (`Pool(initializer=initialize(args))`) are evaluated first.
            .find(|start| after_or_enclosing(start.range, at))
            .map(|start| Step {
                module,
                range: start.range,
                message: format!("{who} {} here, after setting it", start.kind.describe()),
            });
        for edge in &facts.calls {
            if !after_or_enclosing(edge.range, at)
                || start
                    .as_ref()
                    .is_some_and(|start| start.range.start() <= edge.range.start())
            {
                continue;
            }
            if let Some(trace) = self.finder.call_effect(module, &edge.target, Effect::Start) {
                let what = match trace.last() {
                    Some(last) => format!(
                        "starts processes ({})",
                        last.message.trim_end_matches(" here")
                    ),
                    None => "starts a process".to_string(),
                };
                start = Some(Step {
                    module,
                    range: edge.range,
                    message: format!("{who} {what} here, after setting it"),
                });
                break;
            }
        }
        start
    }
}

/// The multiprocessing object a module-level assignment creates, if one:
/// its type name, and whether it is a manager (or a manager's proxy).
fn sync_object(model: &ModuleModel, value: &Expr) -> Option<(String, bool)> {
    let Expr::Call(call) = value else {
        return None;
    };
    let type_name = match call.func.as_ref() {
        Expr::Name(name) => name.id.to_string(),
        Expr::Attribute(attribute) => attribute.attr.to_string(),
        _ => return None,
    };
    match model.resolve(&call.func, MODULE_SCOPE).api() {
        Some(Api::DefaultContextUser) => return Some((type_name, false)),
        Some(Api::ManagerFactory) => return Some(("Manager".to_string(), true)),
        _ => {}
    }
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return None;
    };
    match model.resolve(&attribute.value, MODULE_SCOPE) {
        // `ctx.Queue()` on a context.
        Value::Context(_) => crate::api::classify_multiprocessing(attribute.attr.as_str())
            .filter(|api| *api == Api::DefaultContextUser)
            .map(|_| (type_name, false)),
        // `manager.dict()` on a module-level manager.
        Value::Instance(class)
            if matches!(class.api(), Some(Api::ManagerFactory | Api::ManagerClass)) =>
        {
            Some((format!("{type_name}` proxy of a `Manager"), true))
        }
        _ => None,
    }
}

/// What the import-time bindings of a global say about it.
enum ImportValue<'a> {
    /// No binding when the module is imported.
    Missing,
    /// Bound to `None` only.
    None,
    /// A multiprocessing object created at import time.
    Sync(String, bool, TextRange),
    /// One value, with its source text when it is short.
    Value(Option<&'a str>),
    /// Several bindings, or ones the model does not follow.
    Unknown,
}

fn import_value<'a>(project: &Project<'_, 'a>, text: &'a str, key: &Key) -> ImportValue<'a> {
    let (module, name) = (key.0, key.1.as_str());
    let model = &project.models[module];
    let bindings = globals::import_time_bindings(model, name);
    if bindings.is_empty() {
        let dynamic = project.facts[module].globals.dynamic;
        return if dynamic || globals::is_builtin(name) {
            ImportValue::Unknown
        } else {
            ImportValue::Missing
        };
    }
    if bindings
        .iter()
        .all(|binding| matches!(binding.kind, BindingKind::Assign(Expr::NoneLiteral(_))))
    {
        return ImportValue::None;
    }
    let [binding] = bindings.as_slice() else {
        return ImportValue::Unknown;
    };
    match binding.kind {
        BindingKind::Assign(value) => {
            if let Some((type_name, manager)) = sync_object(model, value) {
                return ImportValue::Sync(type_name, manager, binding.range);
            }
            let source = text
                .get(value.range().start().to_usize()..value.range().end().to_usize())
                .filter(|source| source.len() <= 40 && !source.contains('\n'));
            ImportValue::Value(source)
        }
        _ => ImportValue::Unknown,
    }
}

/// The exception a use of `None` raises.
fn none_error(usage: Usage, attribute: Option<&str>) -> Option<String> {
    Some(match (attribute, usage) {
        (Some(attribute), _) => {
            format!("AttributeError: 'NoneType' object has no attribute '{attribute}'")
        }
        (None, Usage::Subscript) => "TypeError: 'NoneType' object is not subscriptable".into(),
        (None, Usage::Call) => "TypeError: 'NoneType' object is not callable".into(),
        (None, Usage::Iterate) => "TypeError: 'NoneType' object is not iterable".into(),
        (None, Usage::Plain) => return None,
    })
}

/// What the worker sees instead of the parent's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The name does not exist at import time: `NameError`.
    NameError,
    /// `None` at import time, used in a way that raises this exception.
    NoneError(String),
    /// `None` at import time.
    None,
    /// A class attribute that does not exist until the parent sets it: `AttributeError`.
    ClassAttributeMissing { attribute: String },
    /// A class attribute that is `None` in the class body, used in a way that raises.
    ClassAttributeNone { attribute: String, error: String },
    /// One import-time value, with its short source text.
    Value(String),
    /// Its import-time value, not shown.
    ImportValue,
    /// The object as the import leaves it, without the parent's changes.
    Unchanged,
}

/// A kind of state a child does not inherit.
#[derive(Debug, Clone)]
pub enum Hazard {
    /// A global the parent sets at run time.
    Global {
        /// Where: "in the main guard", "in `main`".
        place: String,
        rebinding: bool,
        outcome: Outcome,
    },
    /// A multiprocessing object created at module level and used as a global.
    Sync {
        type_name: String,
        manager: bool,
        /// The parent blocks on the object (`get()`, `wait()`, `join()`, `acquire()`): where.
        waited: Option<String>,
        /// The parent signals its own copy while the children wait on theirs.
        signalled: bool,
    },
    /// The configuration of an imported module the parent changes at run time.
    Config { facility: Facility, place: String },
}

/// Module state that lives in an imported module and is configured by calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facility {
    /// `logging.basicConfig()`, `setLevel()`, `addHandler()`, `dictConfig()`.
    Logging,
    /// `numpy.random.seed()`.
    NumpyRandom,
    /// `sys.setrecursionlimit()`.
    RecursionLimit,
    /// `warnings.filterwarnings()` / `simplefilter()`.
    Warnings,
    /// `decimal.getcontext().prec = ...`, `decimal.setcontext()`.
    Decimal,
}

/// A worker's read of state its child does not have.
#[derive(Debug, Clone)]
pub struct StateFinding {
    /// The module and range of the read.
    pub module: usize,
    pub range: TextRange,
    /// "the task function `work` (sent to `Pool.map` at ...)".
    pub worker: String,
    pub origin: WorkerOrigin,
    /// The global, or the configured module (`logging`).
    pub name: String,
    /// The module that holds the global, when it is not the reader's.
    pub holder: Option<String>,
    pub hazard: Hazard,
    /// Notes: where the parent sets it, starts processes, and sends the worker.
    pub related: Vec<Step>,
    /// CPython raises or hangs (else the results differ).
    pub error: bool,
}

/// The findings, per module.
#[derive(Debug, Default)]
pub struct StateFindings {
    pub per_module: Vec<Vec<StateFinding>>,
}

/// A global read by code that runs in a child.
struct WorkerRead<'o> {
    module: usize,
    function: FunctionId,
    origin: &'o WorkerOrigin,
    range: TextRange,
    resolved: Resolved,
    own: bool,
}

/// Finds, project-wide, the state workers read that the parent sets at run
/// time (and the module-level multiprocessing objects they use). `texts` are
/// the modules' sources, for short values in messages.
pub fn analyze(project: &Project, texts: &[&str], workers: &Workers) -> StateFindings {
    let mut findings = StateFindings {
        per_module: vec![Vec::new(); project.facts.len()],
    };
    // What the children read, once per function, global and way of naming it.
    let mut functions: Vec<(&(usize, FunctionId), &WorkerOrigin)> =
        workers.functions.iter().collect();
    functions.sort_by_key(|(key, _)| **key);
    let mut reads = Vec::new();
    for (&(module, function), origin) in &functions {
        let mut seen: FxHashSet<(Key, bool)> = FxHashSet::default();
        for read in &project.facts[module].globals.functions[function].reads {
            let Some(resolved) = resolve(project, module, &read.target) else {
                continue;
            };
            // Instantiating a class reads none of its attributes here: the
            // methods that run are worker code, checked on their own.
            if read.usage == Usage::Call && calls_class_code(project, &read.target, &resolved) {
                continue;
            }
            if seen.insert((resolved.key.clone(), resolved.from_import)) {
                reads.push(WorkerRead {
                    module,
                    function,
                    origin,
                    range: read.target.range,
                    own: resolved.key.0 == module && resolved.key.1 == read.target.name,
                    resolved,
                });
            }
        }
    }
    config_findings(project, workers, &functions, &mut findings);
    if reads.is_empty() {
        return findings;
    }
    // What the children write themselves (an initializer, a lazy cache).
    let mut child_written = FxHashSet::default();
    let mut child_rebound = FxHashSet::default();
    for (&(module, function), _) in &functions {
        for write in &project.facts[module].globals.functions[function].writes {
            if let Some(resolved) = resolve(project, module, &write.target) {
                if !changes(project, write, &resolved) {
                    continue;
                }
                if is_rebinding(write, &resolved) {
                    child_rebound.insert(resolved.key.clone());
                }
                child_written.insert(resolved.key);
            }
        }
    }
    let mut values: FxHashMap<Key, ImportValue> = FxHashMap::default();
    let mut wanted: FxHashSet<Key> = FxHashSet::default();
    for read in &reads {
        let key = &read.resolved.key;
        if child_rebound.contains(key) {
            continue;
        }
        let value = values
            .entry(key.clone())
            .or_insert_with(|| import_value(project, texts[key.0], key));
        // A child's in-place change (`G[k] += 1`) needs the name: with no
        // binding at import it raises NameError itself, so it is no cache.
        let own_cache = child_written.contains(key) && !matches!(value, ImportValue::Missing);
        if !matches!(value, ImportValue::Sync(..)) && !own_cache {
            wanted.insert(key.clone());
        }
    }
    let mut parent = (!wanted.is_empty()).then(|| Parent::new(project, workers, &wanted));
    let mut sync_reported: FxHashSet<Key> = FxHashSet::default();
    for read in &reads {
        let key = &read.resolved.key;
        if child_rebound.contains(key) {
            continue;
        }
        let Some(value) = values.get(key) else {
            continue;
        };
        let finding = if let ImportValue::Sync(type_name, manager, created) = value {
            // One finding per object, at its creation.
            if !sync_reported.insert(key.clone()) {
                continue;
            }
            sync_finding(project, workers, read, type_name, *manager, *created)
        } else {
            if !wanted.contains(key) {
                continue;
            }
            let Some(parent) = parent.as_mut() else {
                continue;
            };
            let Some(set) = parent.parent_set(key, read.resolved.from_import) else {
                continue;
            };
            global_finding(project, read, value, set)
        };
        findings.per_module[finding.module].push(finding);
    }
    findings
}

/// How the worker uses the global (all its reads in the function): the usage,
/// the attribute read on it, and whether the code tests it.
fn uses<'a>(project: &Project<'_, 'a>, read: &WorkerRead) -> Vec<(Usage, Option<&'a str>, bool)> {
    project.facts[read.module].globals.functions[read.function]
        .reads
        .iter()
        .filter_map(|other| {
            let resolved = resolve(project, read.module, &other.target)?;
            (resolved.key == read.resolved.key).then(|| {
                let skip = other.target.attrs.len() - resolved.rest;
                (
                    other.usage,
                    other.target.attrs.get(skip).copied(),
                    other.tested,
                )
            })
        })
        .collect()
}

/// The module a global lives in, when it is not the reader's.
fn holder(project: &Project, read: &WorkerRead) -> Option<String> {
    let key = &read.resolved.key;
    (key.0 != read.module).then(|| project.paths[key.0].name.clone())
}

pub(crate) fn origin_step(project: &Project, origin: &WorkerOrigin) -> Step {
    let (module, range, message) = origin_note(project, origin);
    Step {
        module,
        range,
        message,
    }
}

fn global_finding(
    project: &Project,
    read: &WorkerRead,
    value: &ImportValue,
    set: ParentSet,
) -> StateFinding {
    let name = read.resolved.key.1.as_str();
    let uses = uses(project, read);
    let checked = uses.iter().any(|(_, _, tested)| *tested);
    let outcome = match (value, set.rebinding) {
        (ImportValue::Missing, true) if read.own => Outcome::NameError,
        (ImportValue::None, true) if !checked => uses
            .iter()
            .find_map(|(usage, attribute, _)| none_error(*usage, *attribute))
            .map_or(Outcome::None, Outcome::NoneError),
        (ImportValue::None, true) => Outcome::None,
        (ImportValue::Value(Some(source)), true) => Outcome::Value((*source).to_string()),
        (_, true) => Outcome::ImportValue,
        (_, false) => Outcome::Unchanged,
    };
    let outcome = match outcome {
        Outcome::Unchanged => class_attribute_none(project, read).unwrap_or(Outcome::Unchanged),
        other => other,
    };
    let error = matches!(
        outcome,
        Outcome::NameError
            | Outcome::NoneError(_)
            | Outcome::ClassAttributeNone { .. }
            | Outcome::ClassAttributeMissing { .. }
    );
    let mut related = set.steps;
    related.push(set.start);
    related.push(origin_step(project, read.origin));
    StateFinding {
        module: read.module,
        range: read.range,
        worker: describe_worker(project, read.module, read.function, read.origin),
        origin: read.origin.clone(),
        name: name.to_string(),
        holder: holder(project, read),
        hazard: Hazard::Global {
            place: set.place,
            rebinding: set.rebinding,
            outcome,
        },
        related,
        error,
    }
}

fn sync_finding(
    project: &Project,
    workers: &Workers,
    read: &WorkerRead,
    type_name: &str,
    manager: bool,
    created: TextRange,
) -> StateFinding {
    let name = read.resolved.key.1.as_str();
    // Reported where the object is created (the line to change: create it in
    // the parent and pass it), with a note where the child uses it.
    let function = &project.models[read.module].functions[read.function].qualname;
    let mut related = vec![Step {
        module: read.module,
        range: read.range,
        message: format!("`{function}` uses `{name}` here, in the child"),
    }];
    let waited = if manager {
        None
    } else {
        parent_wait(project, workers, &read.resolved.key)
    };
    if let Some(step) = &waited {
        related.push(step.clone());
    }
    // The parent signals its own copy (`stop.set()`, `jobs.put(None)`) while
    // the child waits on its copy: the child never finishes.
    let signalled =
        if manager || waited.is_some() || !child_waits(project, workers, &read.resolved.key) {
            None
        } else {
            parent_call(project, workers, &read.resolved.key, SIGNAL_METHODS)
        };
    if let Some(step) = &signalled {
        related.push(step.clone());
    }
    related.push(origin_step(project, read.origin));
    let error = waited.is_some() || signalled.is_some();
    StateFinding {
        module: read.resolved.key.0,
        range: created,
        worker: describe_worker(project, read.module, read.function, read.origin),
        origin: read.origin.clone(),
        name: name.to_string(),
        holder: holder(project, read),
        hazard: Hazard::Sync {
            type_name: type_name.to_string(),
            manager,
            waited: waited.map(|step| step.message),
            signalled: signalled.is_some(),
        },
        // The parent blocking on its own copy waits forever (or gets `queue.Empty`).
        error,
        related,
    }
}

/// The parent-only body a call site runs in, if it runs only in the parent.
fn parent_body(parent: &Parent, module: usize, site: &crate::facts::CallSite) -> Option<Body> {
    if site.in_main_guard {
        return Some(Body::Guard(module));
    }
    let function = site.function?;
    (!site.import_time && parent.runs_in_parent_only(module, function))
        .then_some(Body::Function(module, function))
}

/// The key a facility's configuration is recorded under among the globals.
fn facility_key(facility: Facility) -> Key {
    (usize::MAX, format!("{facility:?}"))
}

/// Worker code that depends on the configuration of an imported module the
/// parent changes at run time, before it starts the processes.
fn config_findings(
    project: &Project,
    workers: &Workers,
    functions: &[(&(usize, FunctionId), &WorkerOrigin)],
    findings: &mut StateFindings,
) {
    // What workers use, and which facilities some child configures itself
    // (an initializer setting up logging, a task seeding its generator).
    let worker_functions: FxHashSet<(usize, FunctionId)> =
        functions.iter().map(|(key, _)| **key).collect();
    let mut uses: Vec<(usize, FunctionId, TextRange, Facility)> = Vec::new();
    let mut child_configured: FxHashMap<Facility, u8> = FxHashMap::default();
    for (module, facts) in project.facts.iter().enumerate() {
        let model = &project.models[module];
        for site in &facts.calls {
            // Configuration made while a module is imported runs in the children too.
            let in_child = site.import_time && !site.in_main_guard
                || site
                    .function
                    .is_some_and(|function| worker_functions.contains(&(module, function)));
            if !in_child {
                continue;
            }
            let callee = model.resolve(&site.call.func, site.scope);
            if let Some((facility, parts)) = crate::config::configures(&callee, site.call) {
                *child_configured.entry(facility).or_default() |= parts;
            } else if crate::config::is_decimal_context(&callee) {
                *child_configured.entry(Facility::Decimal).or_default() |= crate::config::ALL;
            } else if let Some(facility) = crate::config::worker_use(&callee) {
                if let Some(function) = site
                    .function
                    .filter(|function| worker_functions.contains(&(module, *function)))
                {
                    uses.push((module, function, site.call.range(), facility));
                }
            }
        }
        // Deep recursion: a worker function that calls itself.
        for &(m, function) in worker_functions.iter().filter(|(m, _)| *m == module) {
            let recursive = facts.functions[function].calls.iter().find(|edge| {
                project
                    .called_function(m, &edge.target)
                    .map(|(m2, f2, _)| (m2, f2))
                    == Some((m, function))
            });
            if let Some(edge) = recursive {
                uses.push((m, function, edge.range, Facility::RecursionLimit));
            }
        }
    }
    // Filters the program writes to `PYTHONWARNINGS` reach the children.
    if crate::environment::sets_warnings_variable(project) {
        child_configured.insert(Facility::Warnings, crate::config::ALL);
    }
    // A facility the children configure completely themselves is theirs.
    uses.retain(|(.., facility)| {
        child_configured.get(facility).copied().unwrap_or(0) != crate::config::ALL
    });
    if uses.is_empty() {
        return;
    }
    uses.sort_by_key(|(module, function, range, _)| (*module, *function, range.start()));
    let mut parent = Parent::new(project, workers, &FxHashSet::default());
    let mut configured: FxHashSet<Facility> = FxHashSet::default();
    for (module, facts) in project.facts.iter().enumerate() {
        let model = &project.models[module];
        for site in &facts.calls {
            let Some(body) = parent_body(&parent, module, site) else {
                continue;
            };
            let callee = model.resolve(&site.call.func, site.scope);
            let facility = match crate::config::configures(&callee, site.call) {
                // What the children set up themselves is not lost.
                Some((facility, parts)) => {
                    let theirs = child_configured.get(&facility).copied().unwrap_or(0);
                    if parts & !theirs == 0 {
                        continue;
                    }
                    facility
                }
                None if crate::config::is_decimal_context(&callee) => {
                    let globals = match body {
                        Body::Guard(_) => &facts.globals.main_guard,
                        Body::Function(_, function) => &facts.globals.functions[function],
                    };
                    let stored = globals
                        .call_attribute_stores
                        .iter()
                        .any(|(call, _)| call.range() == site.call.range());
                    if !stored {
                        continue;
                    }
                    Facility::Decimal
                }
                None => continue,
            };
            let (_, who) = parent.describe(body);
            let step = Step {
                module,
                range: site.call.range(),
                message: format!("{who} configures `{}` here", facility.module()),
            };
            configured.insert(facility);
            parent
                .direct
                .entry(facility_key(facility))
                .or_default()
                .push((body, site.call.range().start(), step, false));
        }
    }
    // One finding per configuring call, reported there (the line to move into
    // the children), with a note where a worker depends on it.
    let mut seen: FxHashSet<(usize, TextSize, Facility)> = FxHashSet::default();
    for (module, function, range, facility) in uses {
        if !configured.contains(&facility) {
            continue;
        }
        let Some(set) = parent.parent_set(&facility_key(facility), false) else {
            continue;
        };
        let Some(origin) = workers.functions.get(&(module, function)) else {
            continue;
        };
        let Some(first) = set.steps.first().cloned() else {
            continue;
        };
        if !seen.insert((first.module, first.range.start(), facility)) {
            continue;
        }
        let qualname = &project.models[module].functions[function].qualname;
        let mut related = vec![Step {
            module,
            range,
            message: format!(
                "`{qualname}` depends on `{}` here, in the child",
                facility.module()
            ),
        }];
        related.extend(set.steps.into_iter().skip(1));
        related.push(set.start);
        related.push(origin_step(project, origin));
        findings.per_module[first.module].push(StateFinding {
            module: first.module,
            range: first.range,
            worker: describe_worker(project, module, function, origin),
            origin: origin.clone(),
            name: facility.module().to_string(),
            holder: None,
            hazard: Hazard::Config {
                facility,
                place: set.place,
            },
            related,
            error: facility == Facility::RecursionLimit,
        });
    }
}

impl Facility {
    /// The module whose state it is.
    pub fn module(self) -> &'static str {
        match self {
            Facility::Logging => "logging",
            Facility::NumpyRandom => "numpy.random",
            Facility::RecursionLimit => "sys",
            Facility::Warnings => "warnings",
            Facility::Decimal => "decimal",
        }
    }
}

/// Methods on which the parent blocks until a child acts on the object:
/// with a module-level object the child acts on its own copy.
const BLOCKING_METHODS: &[&str] = &["get", "get_nowait", "join", "wait"];

/// Methods by which one process signals another through the object.
const SIGNAL_METHODS: &[&str] = &[
    "set",
    "put",
    "put_nowait",
    "release",
    "notify",
    "notify_all",
];

/// Methods by which a child waits for (or polls) a signal.
const CHILD_WAIT_METHODS: &[&str] = &["wait", "get", "is_set", "acquire"];

/// Does some worker wait on the module-level object `key` (`stop.is_set()`, `jobs.get()`)?
fn child_waits(project: &Project, workers: &Workers, key: &Key) -> bool {
    workers.functions.keys().any(|&(module, function)| {
        project.facts[module].globals.functions[function]
            .reads
            .iter()
            .any(|read| {
                read.usage == Usage::Call
                    && read
                        .target
                        .attrs
                        .last()
                        .is_some_and(|method| CHILD_WAIT_METHODS.contains(method))
                    && resolve(project, module, &read.target)
                        .is_some_and(|resolved| resolved.key == *key && resolved.rest == 1)
            })
    })
}

/// Where parent-only code blocks on the module-level object `key`.
fn parent_wait(project: &Project, workers: &Workers, key: &Key) -> Option<Step> {
    parent_call(project, workers, key, BLOCKING_METHODS)
}

/// Where parent-only code calls one of `methods` on the module-level object `key`.
fn parent_call(project: &Project, workers: &Workers, key: &Key, methods: &[&str]) -> Option<Step> {
    let parent = Parent::new(project, workers, &FxHashSet::default());
    for (module, facts) in project.facts.iter().enumerate() {
        let model = &project.models[module];
        for site in &facts.calls {
            let Expr::Attribute(attribute) = site.call.func.as_ref() else {
                continue;
            };
            let method = attribute.attr.as_str();
            if !methods.contains(&method) {
                continue;
            }
            // `event.wait(5)` returns after the timeout: the results differ, nothing hangs.
            if method == "wait" && !site.call.arguments.is_empty() {
                continue;
            }
            let Expr::Name(name) = attribute.value.as_ref() else {
                continue;
            };
            let Some((scope, _)) = globals::lookup(model, name.id.as_str(), site.scope) else {
                continue;
            };
            if scope != MODULE_SCOPE {
                continue;
            }
            let Some(body) = parent_body(&parent, module, site) else {
                continue;
            };
            if canonical(project, module, name.id.as_str(), 0).as_ref() != Some(key) {
                continue;
            }
            let (_, who) = parent.describe(body);
            return Some(Step {
                module,
                range: site.call.range(),
                message: if BLOCKING_METHODS.contains(&method) {
                    format!(
                        "{who} waits here on its own `{}` (`.{method}()`), which no child uses",
                        name.id
                    )
                } else {
                    format!(
                        "{who} signals its own `{}` here (`.{method}()`), which no child sees",
                        name.id
                    )
                },
            });
        }
    }
    None
}

/// The class a module global names, when its one import-time binding is a class statement.
fn module_class(project: &Project, key: &Key) -> Option<crate::semantic::ClassId> {
    if key.0 >= project.models.len() {
        return None;
    }
    let bindings = globals::import_time_bindings(&project.models[key.0], &key.1);
    match bindings.as_slice() {
        [binding] => match binding.kind {
            BindingKind::Class(class) => Some(class),
            _ => None,
        },
        _ => None,
    }
}

/// A class attribute that is `None` in the class body (set later by the
/// parent), used by the worker in a way that raises: `Config.settings["k"]`.
fn class_attribute_none(project: &Project, read: &WorkerRead) -> Option<Outcome> {
    let class = module_class(project, &read.resolved.key)?;
    let model = &project.models[read.resolved.key.0];
    let scope = &model.scopes[model.classes[class].scope];
    for other in &project.facts[read.module].globals.functions[read.function].reads {
        let Some(resolved) = resolve(project, read.module, &other.target) else {
            continue;
        };
        if resolved.key != read.resolved.key || resolved.rest != 1 || other.tested {
            continue;
        }
        let attribute = other.target.attrs.last()?;
        let none = scope.bindings.get(attribute).is_some_and(|bindings| {
            !bindings.is_empty()
                && bindings.iter().all(|binding| {
                    matches!(binding.kind, BindingKind::Assign(Expr::NoneLiteral(_)))
                })
        });
        let class_info = &model.classes[class];
        let missing = !scope.bindings.contains_key(attribute)
            && class_info.def.bases().is_empty()
            && !class_info.methods.contains_key(attribute);
        if missing {
            return Some(Outcome::ClassAttributeMissing {
                attribute: (*attribute).to_string(),
            });
        }
        if none {
            if let Some(error) = none_error(other.usage, None) {
                return Some(Outcome::ClassAttributeNone {
                    attribute: (*attribute).to_string(),
                    error,
                });
            }
        }
    }
    None
}

/// A call of a module-level class or of one of its methods (`Tracker(...)`,
/// `Tracker.deviation(x)`): the code that runs is worker code, whose own reads
/// are checked.
fn calls_class_code(project: &Project, target: &GlobalRef, resolved: &Resolved) -> bool {
    let Some(class) = module_class(project, &resolved.key) else {
        return false;
    };
    match resolved.rest {
        0 => true,
        1 => {
            let method = target.attrs[target.attrs.len() - 1];
            project.models[resolved.key.0].classes[class]
                .methods
                .contains_key(method)
        }
        _ => false,
    }
}

/// Does code at `range` run after code that starts at `at`: it starts later,
/// or it is a call whose arguments hold it (`Pool(initializer=initialize(args))`)?
fn after_or_enclosing(range: TextRange, at: TextSize) -> bool {
    range.start() > at || (range.start() < at && range.end() > at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::ModulePath;
    use crate::semantic::ModuleModel;
    use crate::workers::{find_workers, sent_values};

    /// The hazards found in a one-file project: (line, hazard kind, error).
    fn hazards(source: &str) -> Vec<(usize, String, bool)> {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let models = vec![ModuleModel::build(&parsed.syntax().body)];
        let facts = vec![crate::facts::collect(&models[0])];
        let paths = vec![ModulePath::test_script("main")];
        let project = Project::new(&paths, &models, &facts);
        let sent = sent_values(&project);
        let workers = find_workers(&project, &sent);
        let findings = analyze(&project, &[source], &workers);
        findings.per_module[0]
            .iter()
            .map(|finding| {
                let line = source[..finding.range.start().to_usize()]
                    .matches('\n')
                    .count()
                    + 1;
                let kind = match &finding.hazard {
                    Hazard::Global { .. } => format!("global {}", finding.name),
                    Hazard::Sync { type_name, .. } => format!("sync {type_name}"),
                    Hazard::Config { facility, .. } => format!("config {}", facility.module()),
                };
                (line, kind, finding.error)
            })
            .collect()
    }

    #[test]
    fn logging_configured_in_main_is_reported_where_it_is_configured() {
        let source = r#"
import logging
from multiprocessing import Pool

def work(x):
    logging.info("x=%s", x)

def main():
    logging.basicConfig(level=logging.INFO)
    with Pool(2) as pool:
        pool.map(work, [1])

if __name__ == "__main__":
    main()
"#;
        assert_eq!(hazards(source), [(9, "config logging".to_string(), false)]);
    }

    #[test]
    fn configuration_the_children_run_is_theirs() {
        // At import time, in an initializer, and what children get anyway.
        let source = r#"
import logging, os, sys, warnings
from multiprocessing import Pool

logging.basicConfig(level=logging.INFO)

def quiet():
    warnings.simplefilter("ignore")

def work(x):
    logging.info("x=%s", x)
    warnings.warn("w")
    return os.environ["MODE"], sys.path

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    warnings.simplefilter("ignore")
    os.environ["MODE"] = "fast"
    os.chdir("/tmp")
    sys.path.append("/opt")
    with Pool(2, initializer=quiet) as pool:
        pool.map(work, [1])
"#;
        assert_eq!(hazards(source), []);
    }

    #[test]
    fn recursion_limit_raised_in_the_guard_is_an_error_for_recursive_workers() {
        let source = r#"
import sys
from multiprocessing import Pool

def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)

if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    with Pool(2) as pool:
        pool.map(depth, [3000])
"#;
        assert_eq!(hazards(source), [(9, "config sys".to_string(), true)]);
    }

    #[test]
    fn classmethod_state_and_signalled_events() {
        let source = r#"
import multiprocessing as mp

stop = mp.Event()

class Units:
    @classmethod
    def configure(cls, unit):
        cls.factor = 1000.0

    @classmethod
    def to_metres(cls, value):
        return value * cls.factor

def convert(value):
    while not stop.is_set():
        return Units.to_metres(value)

if __name__ == "__main__":
    Units.configure("km")
    p = mp.Process(target=convert, args=(1,))
    p.start()
    stop.set()
    p.join()
"#;
        assert_eq!(
            hazards(source),
            [
                (13, "global Units".to_string(), true),
                (4, "sync Event".to_string(), true),
            ]
        );
    }

    #[test]
    fn random_seed_is_not_a_hazard_but_a_reseeded_instance_is() {
        let source = r#"
import random
from multiprocessing import Pool

RNG = random.Random()

def draw(_):
    return random.random(), RNG.random()

if __name__ == "__main__":
    random.seed(1)
    RNG.seed(1)
    with Pool(1) as pool:
        pool.map(draw, [0])
"#;
        assert_eq!(hazards(source), [(8, "global RNG".to_string(), false)]);
    }
}
