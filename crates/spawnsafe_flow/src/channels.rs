//! What crosses the process boundary outside the arguments of tasks and
//! targets, pickled under every start method unless noted:
//!
//! - **results and exceptions** of pool and executor tasks, pickled in the
//!   worker and unpickled in the parent (`Lib/multiprocessing/pool.py`
//!   `worker` → `put((job, i, result))`, read by `Pool._handle_results`;
//!   `Lib/concurrent/futures/process.py` `_sendback_result`, with exceptions
//!   wrapped in `_ExceptionWithTraceback`). An exception pickles as
//!   `BaseException.__reduce__` → `(type(self), self.args, self.__dict__)`,
//!   so the parent calls `type(self)(*self.args)`;
//! - **items** put on a `multiprocessing` `Queue`/`JoinableQueue` (pickled
//!   later, in the queue's feeder thread), a `SimpleQueue`, or sent on a
//!   `Pipe()` connection (pickled at the call);
//! - a **manager's registry** (`BaseManager.register(typeid, callable)`) and
//!   the `initializer` of `BaseManager.start()`: the manager's server process
//!   is a `Process(target=type(self)._run_server, args=(self._registry, ...,
//!   initializer, initargs))`, pickled only under spawn and forkserver.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::api::{self, Pickler};
use crate::contents::{instance_class, pickle_error, unpicklable_in_instance, Inside};
use crate::facts::{PickleRole, Shape};
use crate::objects::{classify, ErrorText, ObjectKind};
use std::rc::Rc;

use crate::payload::{
    all_leaves, class_hierarchy, is_generator_function, problems, Env, Flow, Leaf, Walker,
};
use crate::project::Project;
use crate::semantic::{for_each_statement, BindingKind, ClassId, FunctionId, ScopeId, Value};
use crate::workers::{SentValue, WorkerOrigin, Workers};

/// What sends a task's result back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultPool {
    /// `multiprocessing.Pool`: the result handler thread unpickles it.
    Pool,
    /// `ProcessPoolExecutor`: the executor's manager thread unpickles it.
    Executor,
}

/// An object that cannot be pickled, where it is made.
#[derive(Debug, Clone)]
pub enum Unpicklable<'a> {
    /// The value itself (or an element of it) is the object.
    Object {
        leaf: Leaf<'a>,
        kind: ObjectKind,
        error: ErrorText,
    },
    /// An instance of a project class whose attributes hold it.
    Inside {
        inside: Inside<'a>,
        error: ErrorText,
    },
    /// The task is a generator function: its result is a generator.
    GeneratorFunction,
    /// An instance of a class defined inside a function: pickled by
    /// reference to a qualified name nothing can import.
    LocalClassInstance { leaf: Leaf<'a>, qualname: String },
    /// An exception instance the other side cannot re-create from `self.args`.
    Exception {
        leaf: Leaf<'a>,
        defect: ExceptionDefect,
    },
}

impl Unpicklable<'_> {
    /// Fails only because `pickle` saves functions and classes by qualified
    /// name (a lambda, a nested function, an instance of a local class).
    pub fn pickles_by_name(&self) -> bool {
        match self {
            Unpicklable::Object { kind, .. } => matches!(
                kind,
                ObjectKind::Lambda
                    | ObjectKind::LocalFunction { .. }
                    | ObjectKind::ClassByName(_)
                    | ObjectKind::ReplacedFunction { .. }
            ),
            Unpicklable::LocalClassInstance { .. } => true,
            _ => false,
        }
    }

    pub fn error(&self) -> ErrorText {
        match self {
            Unpicklable::Object { error, .. } | Unpicklable::Inside { error, .. } => error.clone(),
            Unpicklable::GeneratorFunction => {
                ErrorText::new("TypeError: cannot pickle 'generator' object")
            }
            Unpicklable::LocalClassInstance { qualname, .. } => ErrorText::new(format!(
                "AttributeError: Can't pickle local object '{qualname}'"
            ))
            .or(format!(
                "3.14: \"PicklingError: Can't pickle local object '{qualname}'\""
            )),
            Unpicklable::Exception { defect, .. } => ErrorText::new(defect.error.clone()),
        }
    }
}

/// A task whose return value cannot be pickled.
#[derive(Debug, Clone)]
pub struct BadResult<'a> {
    pub pool: ResultPool,
    /// Where the task is sent to the pool.
    pub origin: WorkerOrigin,
    /// The returned expression (the function's name for a generator function).
    pub at: TextRange,
    pub what: Unpicklable<'a>,
}

/// Why an exception class does not survive `type(exc)(*exc.args)`.
#[derive(Debug, Clone)]
pub struct ExceptionDefect {
    /// The class raised.
    pub class: String,
    /// The `__init__` the parent calls, and its module (none for a library class).
    pub init: Option<(usize, FunctionId)>,
    /// What `self.args` keeps: the `super().__init__(...)` call that sets it
    /// (module, range), or none when the constructor's arguments are kept.
    pub args_set_at: Option<(usize, TextRange)>,
    /// How many values `self.args` holds.
    pub kept: usize,
    /// The `TypeError` text (3.10+ wording).
    pub error: String,
}

/// A `raise` in code that runs as a pool or executor task, of an exception
/// that cannot be unpickled in the parent.
#[derive(Debug, Clone)]
pub struct BadRaise<'a> {
    pub pool: ResultPool,
    pub origin: WorkerOrigin,
    /// The function that raises.
    pub function: FunctionId,
    /// The raised expression.
    pub raised: &'a Expr,
    pub defect: ExceptionDefect,
}

fn result_pool(role: Option<PickleRole>) -> Option<ResultPool> {
    match role? {
        PickleRole::PoolTask => Some(ResultPool::Pool),
        PickleRole::ExecutorTask => Some(ResultPool::Executor),
        _ => None,
    }
}

/// The first unpicklable object a value may hold: the value itself, an
/// element of it, or an attribute of a project instance.
pub fn unpicklable_value<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    expr: &'a Expr,
    scope: ScopeId,
) -> Option<Unpicklable<'a>> {
    unpicklable_value_in(walker, module, expr, scope, None)
}

/// Like [`unpicklable_value`], with the parameters of the function that owns
/// `scope` bound to the arguments of `env`'s call.
fn unpicklable_value_in<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    expr: &'a Expr,
    scope: ScopeId,
    env: Option<Rc<Env<'a>>>,
) -> Option<Unpicklable<'a>> {
    let project = walker.project;
    let flows = walker.flows_in(module, expr, scope, Shape::Whole, env);
    let found = problems(&flows, &mut |leaf| classify(walker, leaf, None));
    for (leaf, kind) in found {
        let error = match &kind {
            ObjectKind::SpawnShared { type_name, .. } => Some(ErrorText::new(format!(
                "RuntimeError: {type_name} objects should only be shared between processes through inheritance"
            ))),
            _ => pickle_error(project, &leaf, &kind),
        };
        if let Some(error) = error {
            return Some(Unpicklable::Object { leaf, kind, error });
        }
    }
    for leaf in all_leaves(&flows) {
        let value = project.models[leaf.module].resolve(leaf.expr, leaf.scope);
        let Some((class_module, class)) =
            instance_class(project, leaf.module, &value).or_else(|| {
                crate::factory_classes::class_from_factory(
                    project,
                    leaf.module,
                    leaf.expr,
                    leaf.scope,
                )
            })
        else {
            continue;
        };
        let info = &project.models[class_module].classes[class];
        if info.is_local {
            return Some(Unpicklable::LocalClassInstance {
                leaf,
                qualname: info.qualname.clone(),
            });
        }
        let call = match leaf.expr {
            Expr::Call(call) => Some(call),
            _ => None,
        };
        if let Some(defect) = exception_defect(project, class_module, class, call) {
            return Some(Unpicklable::Exception { leaf, defect });
        }
        let made_by = crate::contents::construction(
            &project.models[leaf.module],
            leaf.module,
            leaf.expr,
            leaf.scope,
        );
        let Some(inside) = unpicklable_in_instance(walker, class_module, class, made_by) else {
            continue;
        };
        let Some(error) = pickle_error(project, &inside.leaf, &inside.kind) else {
            continue;
        };
        return Some(Unpicklable::Inside { inside, error });
    }
    None
}

/// The tasks defined in `module` whose results cannot be pickled back.
pub fn bad_results<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    workers: &Workers,
    module: usize,
) -> Vec<BadResult<'a>> {
    let project = walker.project;
    let mut seen = FxHashSet::default();
    let mut found = Vec::new();
    for origin in workers.roots_in_module(module) {
        let Some(pool) = result_pool(origin.role) else {
            continue;
        };
        let (task_module, task) = origin.root_function;
        if task_module != module || !seen.insert((task, pool)) {
            continue;
        }
        let info = &project.models[module].functions[task];
        if is_generator_function(info.def) {
            found.push(BadResult {
                pool,
                origin: origin.clone(),
                at: info.def.name.range,
                what: Unpicklable::GeneratorFunction,
            });
            continue;
        }
        for &returned in &info.returns {
            let Some(what) = unpicklable_value(walker, module, returned, info.scope) else {
                continue;
            };
            // dill and cloudpickle send functions and classes by value.
            if what.pickles_by_name() && origin.pickler.pickles_code_by_value() {
                continue;
            }
            found.push(BadResult {
                pool,
                origin: origin.clone(),
                at: returned.range(),
                what,
            });
        }
    }
    found
}

/// The builtin exception classes a project exception may derive from.
const BUILTIN_EXCEPTIONS: &[&str] = &[
    "BaseException",
    "Exception",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BufferError",
    "EOFError",
    "ImportError",
    "IndexError",
    "KeyError",
    "LookupError",
    "MemoryError",
    "NameError",
    "NotImplementedError",
    "OSError",
    "IOError",
    "EnvironmentError",
    "OverflowError",
    "RecursionError",
    "ReferenceError",
    "RuntimeError",
    "StopIteration",
    "SystemError",
    "TimeoutError",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
    "ConnectionError",
    "FileNotFoundError",
    "FileExistsError",
    "PermissionError",
    "LookupError",
    "UnicodeError",
    "Warning",
    "UserWarning",
    "RuntimeWarning",
];

/// Library exception classes whose `__init__` requires arguments that
/// `self.args` does not keep (checked on CPython 3.11 with `pickle.loads(pickle.dumps(exc))`).
const UNRESTORABLE_LIBRARY_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "xmlrpc.client.ProtocolError",
        "TypeError: ProtocolError.__init__() missing 4 required positional arguments: 'url', 'errcode', 'errmsg', and 'headers'",
    ),
    (
        "xmlrpc.client.Fault",
        "TypeError: Fault.__init__() missing 2 required positional arguments: 'faultCode' and 'faultString'",
    ),
    (
        "urllib.error.HTTPError",
        "TypeError: HTTPError.__init__() missing 5 required positional arguments: 'url', 'code', 'msg', 'hdrs', and 'fp'",
    ),
];

/// The defect of a library exception class known not to survive pickling.
fn library_exception_defect(name: &str) -> Option<ExceptionDefect> {
    let (qualified, error) = UNRESTORABLE_LIBRARY_EXCEPTIONS
        .iter()
        .find(|(qualified, _)| *qualified == name)?;
    Some(ExceptionDefect {
        class: qualified
            .rsplit('.')
            .next()
            .unwrap_or(qualified)
            .to_string(),
        init: None,
        args_set_at: None,
        kept: 0,
        error: (*error).to_string(),
    })
}

/// `raise xmlrpc.client.ProtocolError(...)`: a library exception known not to survive pickling.
fn library_raise(
    project: &Project,
    module: usize,
    raised: &Expr,
    scope: ScopeId,
) -> Option<ExceptionDefect> {
    let Expr::Call(call) = raised else {
        return None;
    };
    match project.models[module].resolve(&call.func, scope) {
        Value::Qualified(name) => library_exception_defect(&name),
        _ => None,
    }
}

/// `super().__init__(...)`, `super(Cls, self).__init__(...)` or
/// `Base.__init__(self, ...)`: the positional arguments it passes on (none
/// when one is starred: the count is unknown).
fn super_init_arguments<'e>(call: &'e ast::ExprCall, bases: &[&str]) -> Option<Option<&'e [Expr]>> {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return None;
    };
    if attribute.attr.as_str() != "__init__" {
        return None;
    }
    let passed: &[Expr] = match attribute.value.as_ref() {
        Expr::Call(inner) if matches!(inner.func.as_ref(), Expr::Name(name) if name.id.as_str() == "super") => {
            &call.arguments.args
        }
        Expr::Name(name) if bases.contains(&name.id.as_str()) => {
            call.arguments.args.get(1..).unwrap_or_default()
        }
        _ => return None,
    };
    if passed
        .iter()
        .any(|argument| matches!(argument, Expr::Starred(_)))
    {
        return Some(None);
    }
    Some(Some(passed))
}

/// `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`, as CPython lists missing arguments.
fn name_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Why `cls(*args)` with `kept` positional arguments fails for this
/// `__init__`, in CPython 3.10+ words (`qualname` is `Cls.__init__`).
pub(crate) fn call_error(
    def: &ast::StmtFunctionDef,
    qualname: &str,
    kept: usize,
) -> Option<String> {
    let parameters = &def.parameters;
    let positional: Vec<&ast::ParameterWithDefault> = parameters
        .posonlyargs
        .iter()
        .chain(parameters.args.iter())
        .skip(1)
        .collect();
    let required: Vec<&str> = positional
        .iter()
        .filter(|parameter| parameter.default.is_none())
        .map(|parameter| parameter.parameter.name.as_str())
        .collect();
    if kept < required.len() {
        let missing = &required[kept..];
        let plural = if missing.len() == 1 { "" } else { "s" };
        return Some(format!(
            "TypeError: {qualname}() missing {} required positional argument{plural}: {}",
            missing.len(),
            name_list(missing)
        ));
    }
    if kept > positional.len() && parameters.vararg.is_none() {
        return Some(format!(
            "TypeError: {qualname}() takes {} positional argument{} but {} were given",
            positional.len() + 1,
            if positional.is_empty() { "" } else { "s" },
            kept + 1
        ));
    }
    let keyword_only: Vec<&str> = parameters
        .kwonlyargs
        .iter()
        .filter(|parameter| parameter.default.is_none())
        .map(|parameter| parameter.parameter.name.as_str())
        .collect();
    if !keyword_only.is_empty() {
        let plural = if keyword_only.len() == 1 { "" } else { "s" };
        return Some(format!(
            "TypeError: {qualname}() missing {} required keyword-only argument{plural}: {}",
            keyword_only.len(),
            name_list(&keyword_only)
        ));
    }
    None
}

/// Is a project class an exception whose bases are all known: project
/// classes, and builtin exceptions at the top?
fn is_known_exception(project: &Project, hierarchy: &[(usize, ClassId)]) -> bool {
    let mut builtin = false;
    for &(module, class) in hierarchy {
        let model = &project.models[module];
        let info = &model.classes[class];
        let Some(arguments) = &info.def.arguments else {
            continue;
        };
        if !arguments.keywords.is_empty() {
            return false;
        }
        let project_bases = project.project_bases_of(module, class).len();
        let mut named = 0;
        for base in &arguments.args {
            if let Expr::Name(name) = base {
                let id = name.id.as_str();
                if BUILTIN_EXCEPTIONS.contains(&id) && model.lookup(id, info.parent_scope).is_none()
                {
                    builtin = true;
                    named += 1;
                } else if id == "object" {
                    named += 1;
                }
            }
        }
        if arguments.args.len() > project_bases + named {
            return false;
        }
    }
    builtin
}

/// Why an instance of a project exception class cannot be unpickled, when
/// it cannot: its `__init__` needs arguments that `self.args` does not keep.
/// `raised`: the call that makes it, for a class that does not call
/// `super().__init__` (then `self.args` is what that call passes by position).
pub fn exception_defect(
    project: &Project,
    module: usize,
    class: ClassId,
    raised: Option<&ast::ExprCall>,
) -> Option<ExceptionDefect> {
    let hierarchy = class_hierarchy(project, module, class);
    if !is_known_exception(project, &hierarchy) {
        return None;
    }
    // The class decides how it pickles.
    let customised = hierarchy.iter().any(|&(m, c)| {
        let methods = &project.models[m].classes[c].methods;
        methods.contains_key("__reduce__") || methods.contains_key("__reduce_ex__")
    });
    if customised {
        return None;
    }
    let position = hierarchy.iter().position(|&(m, c)| {
        project.models[m].classes[c]
            .methods
            .contains_key("__init__")
    })?;
    let (init_module, init_class) = hierarchy[position];
    // The `__init__` it calls must be a builtin one (a project base's would set `args` itself).
    if hierarchy[position + 1..].iter().any(|&(m, c)| {
        project.models[m].classes[c]
            .methods
            .contains_key("__init__")
    }) {
        return None;
    }
    let model = &project.models[init_module];
    let init = model.classes[init_class].methods["__init__"];
    let info = &model.functions[init];
    let bases: Vec<&str> = model.classes[init_class]
        .def
        .arguments
        .as_ref()
        .map(|arguments| {
            arguments
                .args
                .iter()
                .filter_map(|base| match base {
                    Expr::Name(name) => Some(name.id.as_str()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut calls = Vec::new();
    let mut sets_args = false;
    for_each_statement(&info.def.body, &mut |stmt| match stmt {
        Stmt::Expr(ast::StmtExpr { value, .. }) => {
            if let Expr::Call(call) = value.as_ref() {
                if let Some(passed) = super_init_arguments(call, &bases) {
                    calls.push((call.range(), passed));
                }
            }
        }
        Stmt::Assign(assign) => {
            sets_args |= assign.targets.iter().any(|target| {
                matches!(target, Expr::Attribute(attribute) if attribute.attr.as_str() == "args")
            });
        }
        Stmt::AnnAssign(ast::StmtAnnAssign { target, .. })
        | Stmt::AugAssign(ast::StmtAugAssign { target, .. }) => {
            sets_args |= matches!(target.as_ref(), Expr::Attribute(attribute) if attribute.attr.as_str() == "args");
        }
        _ => {}
    });
    if sets_args {
        return None;
    }
    let class_name = project.models[module].classes[class].def.name.to_string();
    if calls.is_empty() {
        // `BaseException.__new__` keeps the constructor's positional arguments.
        let raised = raised?;
        if raised
            .arguments
            .args
            .iter()
            .any(|argument| matches!(argument, Expr::Starred(_)))
            || raised
                .arguments
                .keywords
                .iter()
                .any(|keyword| keyword.arg.is_none())
        {
            return None;
        }
        let kept = raised.arguments.args.len();
        let error = call_error(info.def, &info.qualname, kept)?;
        return Some(ExceptionDefect {
            class: class_name,
            init: Some((init_module, init)),
            args_set_at: None,
            kept,
            error,
        });
    }
    // Every call must leave too few (or too many) values in `self.args`.
    let mut first = None;
    for (range, passed) in calls {
        let passed = passed?;
        let kept = passed.len();
        let error = call_error(info.def, &info.qualname, kept)
            .or_else(|| crate::exception_args::derived_argument_error(info.def, passed))?;
        first.get_or_insert((range, kept, error));
    }
    let (range, kept, error) = first?;
    Some(ExceptionDefect {
        class: class_name,
        init: Some((init_module, init)),
        args_set_at: Some((init_module, range)),
        kept,
        error,
    })
}

/// A `try` body whose handlers swallow what they catch (no `raise` in the
/// handler): the names they catch, or `broad` for a bare `except:` or
/// `except Exception`/`BaseException`.
struct Swallowing {
    range: TextRange,
    names: Vec<String>,
    broad: bool,
}

fn swallowing_tries(def: &ast::StmtFunctionDef) -> Vec<Swallowing> {
    let mut found = Vec::new();
    for_each_statement(&def.body, &mut |stmt| {
        let Stmt::Try(try_stmt) = stmt else { return };
        let (Some(first), Some(last)) = (try_stmt.body.first(), try_stmt.body.last()) else {
            return;
        };
        let mut names = Vec::new();
        let mut broad = false;
        for handler in &try_stmt.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            let mut reraises = false;
            for_each_statement(&handler.body, &mut |inner| {
                reraises |= matches!(inner, Stmt::Raise(_));
            });
            if !reraises {
                caught_names(handler.type_.as_deref(), &mut names, &mut broad);
            }
        }
        if broad || !names.is_empty() {
            found.push(Swallowing {
                range: TextRange::new(first.range().start(), last.range().end()),
                names,
                broad,
            });
        }
    });
    found
}

fn caught_names(type_: Option<&Expr>, names: &mut Vec<String>, broad: &mut bool) {
    let Some(type_) = type_ else {
        *broad = true;
        return;
    };
    match type_ {
        Expr::Name(name) => {
            let id = name.id.as_str();
            if id == "Exception" || id == "BaseException" {
                *broad = true;
            } else {
                names.push(id.to_string());
            }
        }
        Expr::Attribute(attribute) => names.push(attribute.attr.to_string()),
        Expr::Tuple(tuple) => {
            for element in &tuple.elts {
                caught_names(Some(element), names, broad);
            }
        }
        _ => {}
    }
}

/// The names of a project class and its project bases (what an `except` may name).
fn hierarchy_names(project: &Project, module: usize, class: ClassId) -> FxHashSet<String> {
    class_hierarchy(project, module, class)
        .into_iter()
        .map(|(m, c)| project.models[m].classes[c].def.name.to_string())
        .collect()
}

/// The project exception class a raised expression makes, and the call that makes it.
fn raised_class<'a>(
    project: &Project,
    module: usize,
    expr: &'a Expr,
    scope: ScopeId,
) -> Option<((usize, ClassId), Option<&'a ast::ExprCall>)> {
    let model = &project.models[module];
    match expr {
        Expr::Call(call) => {
            let class = match model.resolve(&call.func, scope) {
                Value::Class(class) => (module, class),
                Value::Qualified(name) => project.resolve_class(module, &name)?,
                _ => return None,
            };
            Some((class, Some(call)))
        }
        _ => {
            let value = model.resolve(expr, scope);
            instance_class(project, module, &value).map(|class| (class, None))
        }
    }
}

/// Where a task runs: the pool its result goes to, the origin, and the exception
/// names the `try`s around the calls on the way catch.
type Reached = (ResultPool, WorkerOrigin, Vec<String>);

/// The functions the project's tasks reach, by module and sorted, each with how it is reached.
pub(crate) type TaskReach = FxHashMap<usize, Vec<(FunctionId, Reached)>>;

/// Where each function runs as (part of) a task, reached without a `try` that
/// swallows everything: one walk from every task of the project.
fn task_reach(project: &Project, workers: &Workers) -> TaskReach {
    let mut reached: FxHashMap<(usize, FunctionId), Reached> = FxHashMap::default();
    let mut queue = std::collections::VecDeque::new();
    for origin in &workers.roots {
        let Some(pool) = result_pool(origin.role) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(vacant) =
            reached.entry(origin.root_function)
        {
            vacant.insert((pool, origin.clone(), Vec::new()));
            queue.push_back(origin.root_function);
        }
    }
    while let Some((m, f)) = queue.pop_front() {
        let (pool, origin, caught) = reached[&(m, f)].clone();
        let tries = swallowing_tries(project.models[m].functions[f].def);
        for edge in &project.facts[m].functions[f].calls {
            let around: Vec<&Swallowing> = tries
                .iter()
                .filter(|found| found.range.contains_range(edge.range))
                .collect();
            if around.iter().any(|found| found.broad) {
                continue;
            }
            let Some((callee_module, callee, _)) = project.called_function(m, &edge.target) else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(vacant) =
                reached.entry((callee_module, callee))
            {
                let mut names = caught.clone();
                names.extend(around.iter().flat_map(|found| found.names.iter().cloned()));
                vacant.insert((pool, origin.clone(), names));
                queue.push_back((callee_module, callee));
            }
        }
    }
    let mut by_module: TaskReach = FxHashMap::default();
    for ((m, f), entry) in reached {
        by_module.entry(m).or_default().push((f, entry));
    }
    for functions in by_module.values_mut() {
        functions.sort_by_key(|(f, _)| *f);
    }
    by_module
}

/// The `raise` statements in `module` that run in a pool or executor task
/// and raise an exception the parent cannot unpickle. A `raise` inside a
/// `try` that swallows it, or in a function called only from such a `try`,
/// does not reach the pool.
pub fn bad_raises<'a>(
    project: &Project<'_, 'a>,
    workers: &Workers,
    module: usize,
) -> Vec<BadRaise<'a>> {
    let model = &project.models[module];
    let reach = workers
        .task_reach
        .get_or_init(|| task_reach(project, workers));
    let functions = reach.get(&module).cloned().unwrap_or_default();
    let mut found = Vec::new();
    for (function, (pool, origin, caught)) in functions {
        let info = &model.functions[function];
        let tries = swallowing_tries(info.def);
        let mut raises = Vec::new();
        for_each_statement(&info.def.body, &mut |stmt| {
            if let Stmt::Raise(ast::StmtRaise { exc: Some(exc), .. }) = stmt {
                raises.push(exc.as_ref());
            }
        });
        for raised in raises {
            if let Some(defect) = library_raise(project, module, raised, info.scope) {
                let swallowed = caught.contains(&defect.class)
                    || tries.iter().any(|found| {
                        found.range.contains_range(raised.range())
                            && (found.broad || found.names.contains(&defect.class))
                    });
                if !swallowed {
                    found.push(BadRaise {
                        pool,
                        origin: origin.clone(),
                        function,
                        raised,
                        defect,
                    });
                }
                continue;
            }
            let Some(((class_module, class), call)) =
                raised_class(project, module, raised, info.scope)
            else {
                continue;
            };
            let names = hierarchy_names(project, class_module, class);
            let swallowed = caught.iter().any(|name| names.contains(name))
                || tries.iter().any(|found| {
                    found.range.contains_range(raised.range())
                        && (found.broad || found.names.iter().any(|name| names.contains(name)))
                });
            if swallowed {
                continue;
            }
            let Some(defect) = exception_defect(project, class_module, class, call) else {
                continue;
            };
            found.push(BadRaise {
                pool,
                origin: origin.clone(),
                function,
                raised,
                defect,
            });
        }
    }
    found
}

/// What an item is put on or sent through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// `multiprocessing.Queue()`/`JoinableQueue()`: pickled in the feeder thread.
    Queue { written: String },
    /// `multiprocessing.SimpleQueue()`: pickled at `put()`.
    SimpleQueue { written: String },
    /// A `Pipe()` end: pickled at `send()`.
    Connection,
}

/// An item put on a queue or sent on a connection that cannot be pickled.
#[derive(Debug, Clone)]
pub struct BadItem<'a> {
    pub call: &'a ast::ExprCall,
    pub method: &'a str,
    pub channel: Channel,
    /// Where the channel is created, when it is not the receiver itself.
    pub item: &'a Expr,
    pub what: Unpicklable<'a>,
}

/// The ends of `a, b = multiprocessing.Pipe()` in each scope of a module.
fn pipe_ends<'a>(project: &Project<'_, 'a>, module: usize) -> FxHashSet<(ScopeId, &'a str)> {
    let model = &project.models[module];
    let mut ends = FxHashSet::default();
    let mut bodies: Vec<(&'a [Stmt], ScopeId)> = vec![(model.body, crate::semantic::MODULE_SCOPE)];
    for info in &model.functions {
        bodies.push((&info.def.body, info.scope));
    }
    for (body, scope) in bodies {
        for_each_statement(body, &mut |stmt| {
            let Stmt::Assign(assign) = stmt else { return };
            let [Expr::Tuple(target)] = assign.targets.as_slice() else {
                return;
            };
            let Expr::Call(call) = assign.value.as_ref() else {
                return;
            };
            if !is_pipe_call(project, module, call, scope) {
                return;
            }
            for element in &target.elts {
                if let Expr::Name(name) = element {
                    ends.insert((scope, name.id.as_str()));
                }
            }
        });
    }
    ends
}

fn is_pipe_call(project: &Project, module: usize, call: &ast::ExprCall, scope: ScopeId) -> bool {
    let model = &project.models[module];
    match model.resolve(&call.func, scope) {
        Value::Qualified(name) => api::normalize(&name).is_some_and(|(path, pickler)| {
            pickler == Pickler::Pickle
                && matches!(
                    path,
                    "Pipe" | "connection.Pipe" | "context.BaseContext.Pipe"
                )
        }),
        _ => match call.func.as_ref() {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "Pipe" => {
                matches!(model.resolve(&attribute.value, scope), Value::Context(_))
            }
            _ => false,
        },
    }
}

/// The functions a sent value stands for (a target or initializer).
fn sent_function(project: &Project, sent: &SentValue) -> Option<(usize, FunctionId)> {
    match &sent.value {
        Value::Function(function) => Some((sent.module, *function)),
        Value::Qualified(name) => project.resolve_function(sent.module, name),
        _ => None,
    }
}

/// What a `Process` target or pool initializer receives for its parameter
/// `index`: the element of the literal `args=(...)`/`initargs=(...)` tuple.
pub(crate) fn parameter_sources<'s, 'a>(
    project: &Project<'_, 'a>,
    sent: &'s [SentValue<'s, 'a>],
    function: (usize, FunctionId),
    index: usize,
) -> Vec<(usize, ScopeId, &'a Expr)> {
    let mut sources = Vec::new();
    // Direct calls: `produce(queue)`, `self.drain(conn)`.
    let def = project.models[function.0].functions[function.1].def;
    let is_method = project.models[function.0].functions[function.1]
        .class
        .is_some();
    for (caller_module, site) in project.callers_of(function.0, function.1) {
        let bound = is_method && matches!(site.call.func.as_ref(), Expr::Attribute(_));
        if let Some(argument) = crate::workers::argument_for(site.call, def, index, bound) {
            sources.push((caller_module, site.scope, argument));
        }
    }
    for value in sent {
        let keyword = match value.site.role {
            PickleRole::ProcessTarget => "args",
            PickleRole::Initializer => "initargs",
            _ => continue,
        };
        if value.via_parameter || sent_function(project, value) != Some(function) {
            continue;
        }
        let Some(args) = value.site.call.arguments.find_keyword(keyword) else {
            continue;
        };
        if let Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) =
            &args.value
        {
            if let Some(element) = elts.get(index) {
                sources.push((value.module, value.scope, element));
            }
        }
    }
    sources
}

/// The channel an expression holds, when every way it gets there agrees.
fn channel_of<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    sent: &[SentValue<'_, 'a>],
    module: usize,
    scope: ScopeId,
    expr: &'a Expr,
    depth: usize,
) -> Option<Channel> {
    let project = walker.project;
    let model = &project.models[module];
    if let Expr::Name(name) = expr {
        let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
        // `q.put(x)` counts as a binding that adds to `q`: not what `q` is.
        let bound: Vec<_> = bindings
            .iter()
            .filter(|binding| !matches!(binding.kind, BindingKind::Appended(_)))
            .collect();
        if let [binding] = bound.as_slice() {
            match binding.kind {
                BindingKind::Parameter(index) if depth < 2 => {
                    let crate::semantic::ScopeKind::Function(function) =
                        model.scopes[found_in].kind
                    else {
                        return None;
                    };
                    let sources = parameter_sources(project, sent, (module, function), index);
                    let mut channels = Vec::new();
                    for (m, s, element) in sources {
                        channels.push(channel_of(walker, sent, m, s, element, depth + 1)?);
                    }
                    let first = channels.first()?.clone();
                    return channels.iter().all(|c| *c == first).then_some(first);
                }
                BindingKind::Unpacked { .. } | BindingKind::Other
                    if pipe_ends(project, module).contains(&(found_in, name.id.as_str())) =>
                {
                    return Some(Channel::Connection);
                }
                _ => {}
            }
        }
    }
    let flows = walker.flows(module, expr, scope, Shape::Whole);
    let found = problems(&flows, &mut |leaf| classify(walker, leaf, None));
    // The model counts what is `put()` on a name among the values it holds:
    // only the queues themselves say what it is.
    let mut channel = None;
    for (_, kind) in &found {
        let ObjectKind::SpawnShared { written, type_name } = kind else {
            continue;
        };
        // dill (`multiprocess`) pickles lambdas and locks by value.
        if api::pickler_of(written) == Pickler::Dill
            || (written.starts_with("multiprocess.") && !written.starts_with("multiprocessing."))
        {
            return None;
        }
        let this = match *type_name {
            "Queue" | "JoinableQueue" => Channel::Queue {
                written: written.clone(),
            },
            "SimpleQueue" => Channel::SimpleQueue {
                written: written.clone(),
            },
            _ => continue,
        };
        if channel.as_ref().is_some_and(|c| *c != this) {
            return None;
        }
        channel = Some(this);
    }
    channel
}

/// An item that is a parameter of its function: what the function's direct
/// callers pass for it (`hand_back(conn, log)`), when one of them is unpicklable.
fn unpicklable_from_callers<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    item: &'a Expr,
    scope: ScopeId,
) -> Option<Unpicklable<'a>> {
    let project = walker.project;
    let model = &project.models[module];
    let crate::semantic::ScopeKind::Function(function) = model.scopes[scope].kind else {
        return None;
    };
    let flows = walker.flows(module, item, scope, Shape::Whole);
    if !flows
        .iter()
        .any(|flow| matches!(flow, Flow::Parameter { .. }))
    {
        return None;
    }
    let is_method = model.functions[function].class.is_some();
    for (caller_module, site) in project.callers_of(module, function) {
        let env = Rc::new(Env {
            module,
            function,
            call: site.call,
            bound: is_method && matches!(site.call.func.as_ref(), Expr::Attribute(_)),
            caller_module,
            caller_scope: site.scope,
            parent: None,
        });
        if let Some(found) = unpicklable_value_in(walker, module, item, scope, Some(env)) {
            return Some(found);
        }
    }
    None
}

/// An item put on a multiprocessing queue or sent on a connection in `module`.
#[derive(Debug, Clone)]
pub struct ChannelItem<'a> {
    pub call: &'a ast::ExprCall,
    pub method: &'a str,
    pub channel: Channel,
    pub item: &'a Expr,
    pub scope: ScopeId,
}

/// The `put()`/`put_nowait()`/`send()` calls of `module` on a multiprocessing
/// queue or connection: each item is pickled and unpickled by the reader.
pub fn channel_items<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    sent: &[SentValue<'_, 'a>],
    module: usize,
) -> Vec<ChannelItem<'a>> {
    let project = walker.project;
    let mut found = Vec::new();
    for site in &project.facts[module].calls {
        let Expr::Attribute(attribute) = site.call.func.as_ref() else {
            continue;
        };
        let method = attribute.attr.as_str();
        if !matches!(method, "put" | "put_nowait" | "send") {
            continue;
        }
        let Some(item) = site.call.arguments.args.first() else {
            continue;
        };
        if matches!(item, Expr::Starred(_)) {
            continue;
        }
        let Some(channel) = channel_of(walker, sent, module, site.scope, &attribute.value, 0)
        else {
            continue;
        };
        let fits = match channel {
            Channel::Queue { .. } | Channel::SimpleQueue { .. } => method != "send",
            Channel::Connection => method == "send",
        };
        if !fits {
            continue;
        }
        found.push(ChannelItem {
            call: site.call,
            method,
            channel,
            item,
            scope: site.scope,
        });
    }
    found
}

/// `put()`/`put_nowait()`/`send()` calls in `module` of an item that cannot be pickled.
pub fn bad_items<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    sent: &[SentValue<'_, 'a>],
    module: usize,
) -> Vec<BadItem<'a>> {
    let mut found = Vec::new();
    for site in channel_items(walker, sent, module) {
        let Some(what) = unpicklable_value(walker, module, site.item, site.scope)
            .or_else(|| unpicklable_from_callers(walker, module, site.item, site.scope))
        else {
            continue;
        };
        found.push(BadItem {
            call: site.call,
            method: site.method,
            channel: site.channel,
            item: site.item,
            what,
        });
    }
    found
}

/// How a manager comes to pickle a callable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagerUse {
    /// `Manager.register(typeid, callable)`: kept in the class's `_registry`.
    Register {
        manager: String,
        typeid: Option<String>,
    },
    /// `manager.start(initializer)`.
    StartInitializer,
}

/// A callable a manager pickles for its server process that cannot be pickled.
#[derive(Debug, Clone)]
pub struct BadManagerCallable<'a> {
    pub expr: &'a Expr,
    pub kind: ObjectKind,
    pub error: ErrorText,
    pub how: ManagerUse,
    /// Where the manager whose registry holds it is started (module, range).
    pub started_at: Option<(usize, TextRange)>,
}

/// Which manager a value is: a project subclass of `BaseManager`/`SyncManager`
/// (module, class), or the stdlib class itself (its path inside `multiprocessing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ManagerClass {
    Project(usize, ClassId),
    Stdlib(&'static str),
}

fn stdlib_manager(name: &str) -> Option<&'static str> {
    let (path, pickler) = api::normalize(name)?;
    if pickler != Pickler::Pickle {
        return None;
    }
    match path {
        "managers.BaseManager" => Some("BaseManager"),
        "managers.SyncManager" => Some("SyncManager"),
        _ => None,
    }
}

pub(crate) fn manager_class(
    project: &Project,
    module: usize,
    value: &Value,
) -> Option<ManagerClass> {
    let (m, c) = match value {
        Value::Class(class) => (module, *class),
        Value::Qualified(name) => {
            if let Some(stdlib) = stdlib_manager(name) {
                return Some(ManagerClass::Stdlib(stdlib));
            }
            project.resolve_class(module, name)?
        }
        _ => return None,
    };
    let derives = class_hierarchy(project, m, c).iter().any(|&(hm, hc)| {
        let model = &project.models[hm];
        let info = &model.classes[hc];
        info.def.arguments.as_ref().is_some_and(|arguments| {
            arguments.args.iter().any(|base| {
                matches!(model.resolve(base, info.parent_scope), Value::Qualified(name) if stdlib_manager(&name).is_some())
            })
        })
    });
    derives.then_some(ManagerClass::Project(m, c))
}

/// Does a started manager of class `started` use the registry of `registered`?
fn shares_registry(project: &Project, started: ManagerClass, registered: ManagerClass) -> bool {
    match (started, registered) {
        (a, b) if a == b => true,
        (ManagerClass::Project(m, c), ManagerClass::Project(rm, rc)) => {
            class_hierarchy(project, m, c).contains(&(rm, rc))
        }
        _ => false,
    }
}

/// Where a manager of each class is started in the project: `m.start()`,
/// `with Manager() as m:`, or (for `SyncManager`) `multiprocessing.Manager()`.
pub(crate) fn manager_starts(project: &Project) -> Vec<(ManagerClass, usize, TextRange)> {
    let mut starts = Vec::new();
    for (module, facts) in project.facts.iter().enumerate() {
        let model = &project.models[module];
        for site in &facts.calls {
            let callee = model.resolve(&site.call.func, site.scope);
            if let Value::Qualified(name) = &callee {
                if api::normalize(name).is_some_and(|(path, pickler)| {
                    pickler == Pickler::Pickle
                        && matches!(path, "Manager" | "context.BaseContext.Manager")
                }) {
                    starts.push((
                        ManagerClass::Stdlib("SyncManager"),
                        module,
                        site.call.range(),
                    ));
                    continue;
                }
            }
            if let Expr::Attribute(attribute) = site.call.func.as_ref() {
                if attribute.attr.as_str() == "start" {
                    if let Value::Instance(class) = model.resolve(&attribute.value, site.scope) {
                        if let Some(manager) = manager_class(project, module, &class) {
                            starts.push((manager, module, site.call.range()));
                        }
                    }
                }
            }
        }
        let mut bodies: Vec<(&[Stmt], ScopeId)> = vec![(model.body, crate::semantic::MODULE_SCOPE)];
        for info in &model.functions {
            bodies.push((&info.def.body, info.scope));
        }
        for (body, scope) in bodies {
            for_each_statement(body, &mut |stmt| {
                let Stmt::With(with) = stmt else { return };
                for item in &with.items {
                    let Expr::Call(call) = &item.context_expr else {
                        continue;
                    };
                    if let Some(manager) =
                        manager_class(project, module, &model.resolve(&call.func, scope))
                    {
                        starts.push((manager, module, call.range()));
                    }
                }
            });
        }
    }
    starts
}

/// The callables registered with or given to managers in `module` that their
/// server process cannot unpickle under spawn and forkserver.
pub fn bad_manager_callables<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
) -> Vec<BadManagerCallable<'a>> {
    let project = walker.project;
    let model = &project.models[module];
    let mut found = Vec::new();
    let mut starts = None;
    for site in &project.facts[module].calls {
        let Expr::Attribute(attribute) = site.call.func.as_ref() else {
            continue;
        };
        let (callable, how, registered) = match attribute.attr.as_str() {
            "register" => {
                let Some(manager) = manager_class(
                    project,
                    module,
                    &model.resolve(&attribute.value, site.scope),
                ) else {
                    continue;
                };
                let Some(callable) = site.call.arguments.find_argument_value("callable", 1) else {
                    continue;
                };
                let manager_name = match manager {
                    ManagerClass::Project(m, c) => {
                        project.models[m].classes[c].def.name.to_string()
                    }
                    ManagerClass::Stdlib(name) => name.to_string(),
                };
                let typeid = site
                    .call
                    .arguments
                    .find_argument_value("typeid", 0)
                    .and_then(crate::semantic::string_literal)
                    .map(str::to_string);
                (
                    callable,
                    ManagerUse::Register {
                        manager: manager_name,
                        typeid,
                    },
                    Some(manager),
                )
            }
            "start" => {
                let Value::Instance(class) = model.resolve(&attribute.value, site.scope) else {
                    continue;
                };
                if manager_class(project, module, &class).is_none() {
                    continue;
                }
                let Some(initializer) = site.call.arguments.find_argument_value("initializer", 0)
                else {
                    continue;
                };
                (initializer, ManagerUse::StartInitializer, None)
            }
            _ => continue,
        };
        let leaf = Leaf {
            module,
            expr: callable,
            scope: site.scope,
            entered: false,
            holder: None,
            anchor: callable,
            nested: false,
        };
        let Some(kind) = classify(walker, &leaf, None) else {
            continue;
        };
        if !matches!(kind, ObjectKind::Lambda | ObjectKind::LocalFunction { .. }) {
            continue;
        }
        let Some(error) = pickle_error(project, &leaf, &kind) else {
            continue;
        };
        let started_at = match registered {
            Some(registered) => {
                let starts = starts.get_or_insert_with(|| project.manager_starts().to_vec());
                let Some(&(_, start_module, range)) = starts
                    .iter()
                    .find(|(started, _, _)| shares_registry(project, *started, registered))
                else {
                    // Never started here (`get_server().serve_forever()`, or a client that connects).
                    continue;
                };
                Some((start_module, range))
            }
            None => Some((module, site.call.range())),
        };
        found.push(BadManagerCallable {
            expr: callable,
            kind,
            error,
            how,
            started_at,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error `cls(*args)` raises with `kept` values, for the first `def` of `source`.
    fn error_for(source: &str, kept: usize) -> Option<String> {
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let Some(Stmt::FunctionDef(def)) = parsed.syntax().body.first() else {
            panic!("a function");
        };
        call_error(def, "E.__init__", kept)
    }

    #[test]
    fn call_errors_are_worded_as_cpython_words_them() {
        // Checked against CPython 3.11's `pickle.loads(pickle.dumps(exc))`.
        assert_eq!(
            error_for("def __init__(self, msg, code): pass", 1).as_deref(),
            Some("TypeError: E.__init__() missing 1 required positional argument: 'code'")
        );
        assert_eq!(
            error_for("def __init__(self, url, code, msg, hdrs): pass", 0).as_deref(),
            Some("TypeError: E.__init__() missing 4 required positional arguments: 'url', 'code', 'msg', and 'hdrs'")
        );
        assert_eq!(
            error_for("def __init__(self, field, reason): pass", 0).as_deref(),
            Some("TypeError: E.__init__() missing 2 required positional arguments: 'field' and 'reason'")
        );
        assert_eq!(
            error_for("def __init__(self, msg, *, status): pass", 1).as_deref(),
            Some("TypeError: E.__init__() missing 1 required keyword-only argument: 'status'")
        );
        assert_eq!(
            error_for("def __init__(self, msg): pass", 2).as_deref(),
            Some("TypeError: E.__init__() takes 2 positional arguments but 3 were given")
        );
    }

    #[test]
    fn arguments_that_travel_are_no_error() {
        assert_eq!(error_for("def __init__(self, msg, code=0): pass", 1), None);
        assert_eq!(error_for("def __init__(self, *args): pass", 3), None);
        assert_eq!(error_for("def __init__(self, msg, code): pass", 2), None);
        assert_eq!(
            error_for("def __init__(self, msg, *, code=None): pass", 1),
            None
        );
    }
}
