//! What runs in child processes: the functions sent as tasks, targets and
//! initializers (directly, or through a helper's parameter), the `run()` of
//! `Process` subclasses, and everything those call, across the project.

use std::collections::VecDeque;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::api::Pickler;
use crate::facts::{PickleRole, PickleSite};
use crate::project::Project;
use crate::semantic::{BindingKind, ClassId, FunctionId, ModuleModel, ScopeId, ScopeKind, Value};

/// How a function comes to run in a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerKind {
    /// A `multiprocessing.Pool` task or initializer: runs in a daemonic worker.
    PoolWorker,
    /// A `ProcessPoolExecutor` task or initializer.
    ExecutorWorker,
    /// A `Process` target (or `run()` of a subclass); `daemon=True` makes it daemonic.
    Process { daemon: bool },
}

impl WorkerKind {
    /// Daemonic processes may not start children of their own.
    pub fn is_daemonic(self) -> bool {
        matches!(
            self,
            WorkerKind::PoolWorker | WorkerKind::Process { daemon: true }
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            WorkerKind::PoolWorker => "a process pool worker",
            WorkerKind::ExecutorWorker => "a `ProcessPoolExecutor` worker",
            WorkerKind::Process { daemon: true } => "a daemonic child process",
            WorkerKind::Process { daemon: false } => "a child process",
        }
    }
}

/// Where a worker function comes from: the site that sends it (or the class
/// whose `run()` it is) and the chain of calls that reaches it.
#[derive(Debug, Clone)]
pub struct WorkerOrigin {
    pub kind: WorkerKind,
    /// The module and range of the code that sends the root function to the child.
    pub site: (usize, TextRange),
    /// The root function's qualified name.
    pub root: String,
    /// The root function: its module and id.
    pub root_function: (usize, FunctionId),
    /// The start method the sending API pins (`get_context("spawn").Pool()`), when known.
    pub method: Option<String>,
    /// How the root is sent (none for the `run()` of a `Process` subclass).
    pub role: Option<PickleRole>,
    /// The pickler of the sending API's family (dill for `multiprocess`):
    /// what travels back from the worker goes through it too.
    pub pickler: Pickler,
}

/// A value sent to a child: the pickle site, or a value passed to a helper
/// function that sends that parameter (`run_parallel(work, items)`).
#[derive(Debug, Clone)]
pub struct SentValue<'s, 'a> {
    /// The module the value is written in.
    pub module: usize,
    pub expr: &'a Expr,
    pub value: Value,
    pub scope: ScopeId,
    /// The pickle site that sends it (in the helper's module, for a parameter).
    pub site_module: usize,
    pub site: &'s PickleSite<'a>,
    /// Sent through a helper's parameter.
    pub via_parameter: bool,
}

/// Every value the project sends to child processes, with what sends it.
pub fn sent_values<'s, 'a>(project: &'s Project<'_, 'a>) -> Vec<SentValue<'s, 'a>> {
    let mut sent = Vec::new();
    for (module, facts) in project.facts.iter().enumerate() {
        for site in &facts.pickle_sites {
            sent.push(SentValue {
                module,
                expr: site.expr,
                value: site.value.clone(),
                scope: site.scope,
                site_module: module,
                site,
                via_parameter: false,
            });
        }
    }
    // Values passed to a function that sends the matching parameter.
    for (module, facts) in project.facts.iter().enumerate() {
        let bodies = std::iter::once(&facts.import_time)
            .chain(std::iter::once(&facts.main_only))
            .chain(facts.functions.iter());
        for body in bodies {
            for edge in &body.calls {
                let Some(call) = edge.call else { continue };
                let Some((callee_module, callee, bound)) =
                    project.called_function(module, &edge.target)
                else {
                    continue;
                };
                let info = &project.models[callee_module].functions[callee];
                for site in &project.facts[callee_module].pickle_sites {
                    if site.scope != info.scope {
                        continue;
                    }
                    let callee_model = &project.models[callee_module];
                    for index in sent_parameters(callee_model, site) {
                        let Some(argument) = argument_for(call, info.def, index, bound) else {
                            continue;
                        };
                        sent.push(SentValue {
                            module,
                            expr: argument,
                            value: project.models[module].resolve(argument, edge.scope),
                            scope: edge.scope,
                            site_module: callee_module,
                            site,
                            via_parameter: true,
                        });
                    }
                }
            }
        }
    }
    // Tasks sent through a process pool a helper receives as a parameter.
    sent.extend(crate::parameter_pools::sent_values(project));
    sent
}

/// The parameters of the enclosing function that a pickle site sends: the
/// site itself (`pool.map(func, items)` in `def run(func, items)`), or items of
/// the tuple, list or dict it sends (`Process(target=work, args=(func, q))` in
/// `def parmap(func, items)`, as generic helpers forward a callable).
fn sent_parameters(model: &ModuleModel, site: &PickleSite) -> Vec<usize> {
    if let Some(index) = site.parameter {
        return vec![index];
    }
    if site.send.is_none() {
        return Vec::new();
    }
    let items: Vec<&Expr> = match site.expr {
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        Expr::List(list) => list.elts.iter().collect(),
        Expr::Dict(dict) => dict.items.iter().map(|item| &item.value).collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|item| model.parameter_index(item, site.scope))
        .collect()
}

/// The argument a call passes for a function's parameter at `index` (`bound`:
/// the call passes `self` implicitly).
pub fn argument_for<'a>(
    call: &'a ast::ExprCall,
    def: &ast::StmtFunctionDef,
    index: usize,
    bound: bool,
) -> Option<&'a Expr> {
    let positional = index.checked_sub(usize::from(bound));
    positional
        .and_then(|position| call.arguments.args.get(position))
        .filter(|argument| !matches!(argument, Expr::Starred(_)))
        .or_else(|| {
            let name = def
                .parameters
                .iter()
                .nth(index)?
                .name()
                .as_str()
                .to_string();
            call.arguments
                .find_keyword(&name)
                .map(|keyword| &keyword.value)
        })
}

/// The functions that run in child processes, each with its origin.
pub struct Workers {
    /// Every function that runs in a child, with the first origin found for it.
    pub functions: FxHashMap<(usize, FunctionId), WorkerOrigin>,
    /// Every function sent to a child (or `run()` of a `Process` subclass), once per
    /// way it is sent: a task function sent both to a `Pool` and to an executor
    /// appears twice.
    pub roots: Vec<WorkerOrigin>,
    /// The worker functions of each module, sorted: rules ask per module, and
    /// scanning every worker of the project for each module was quadratic.
    by_module: FxHashMap<usize, Vec<FunctionId>>,
    /// The indices in `roots` of the roots defined in each module.
    roots_by_module: FxHashMap<usize, Vec<usize>>,
    /// Whether a worker rebinds `sys.stdin` (SPS305 asks once per module).
    pub rebinds_stdin: std::sync::OnceLock<bool>,
    /// The pickle sites of the project that pass an initializer, as (module,
    /// index in its facts' `pickle_sites`): found once, asked per worker.
    pub initializer_sites: std::sync::OnceLock<Vec<(usize, usize)>>,
    /// The functions each task reaches, by module (see [`crate::channels::bad_raises`]):
    /// found once for the project, asked per module.
    pub(crate) task_reach: std::sync::OnceLock<crate::channels::TaskReach>,
}

impl Workers {
    pub fn origin(&self, module: usize, function: FunctionId) -> Option<&WorkerOrigin> {
        self.functions.get(&(module, function))
    }
}

fn kind_of(project: &Project, site_module: usize, site: &PickleSite) -> Option<WorkerKind> {
    match site.role {
        PickleRole::PoolTask => Some(WorkerKind::PoolWorker),
        PickleRole::ExecutorTask => Some(WorkerKind::ExecutorWorker),
        PickleRole::ProcessTarget => Some(WorkerKind::Process {
            daemon: is_true_keyword(site.call, "daemon")
                || daemon_set_on_result(&project.models[site_module], site),
        }),
        PickleRole::Initializer => Some(if is_executor_call(site) {
            WorkerKind::ExecutorWorker
        } else {
            WorkerKind::PoolWorker
        }),
        PickleRole::LibraryCallable(id) => Some(WorkerKind::Process {
            daemon: crate::semantic::knowledge::starter(id).daemon_workers,
        }),
        PickleRole::Argument | PickleRole::ProcessObject => None,
    }
}

/// The kind of child a library's workers are.
fn kind_of_role(role: PickleRole) -> Option<WorkerKind> {
    match role {
        PickleRole::LibraryCallable(id) => Some(WorkerKind::Process {
            daemon: crate::semantic::knowledge::starter(id).daemon_workers,
        }),
        _ => None,
    }
}

fn is_true_keyword(call: &ast::ExprCall, name: &str) -> bool {
    call.arguments.find_keyword(name).is_some_and(
        |keyword| matches!(&keyword.value, Expr::BooleanLiteral(literal) if literal.value),
    )
}

fn is_executor_call(site: &PickleSite) -> bool {
    // `ProcessPoolExecutor(initializer=...)`: the executor names itself in the call.
    match site.call.func.as_ref() {
        Expr::Name(name) => name.id.as_str().contains("Executor"),
        Expr::Attribute(attribute) => attribute.attr.as_str().contains("Executor"),
        _ => false,
    }
}

/// The project functions a sent value stands for.
fn functions_of(project: &Project, module: usize, value: &Value) -> Vec<(usize, FunctionId)> {
    match value {
        Value::Function(function) => vec![(module, *function)],
        Value::Partial(inner) => functions_of(project, module, inner),
        Value::Qualified(name) => project.resolve_function(module, name).into_iter().collect(),
        Value::BoundMethod(receiver, method) => match receiver.as_ref() {
            Value::Instance(class) => match class.as_ref() {
                Value::Class(class) => project
                    .find_method_of(module, *class, method)
                    .into_iter()
                    .collect(),
                Value::Qualified(name) => project
                    .resolve_class(module, name)
                    .and_then(|(m, c)| project.find_method_of(m, c, method))
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

pub fn find_workers(project: &Project, sent_values: &[SentValue]) -> Workers {
    let mut functions: FxHashMap<(usize, FunctionId), WorkerOrigin> = FxHashMap::default();
    let mut roots = Vec::new();
    let mut queue = VecDeque::new();
    for sent in sent_values {
        // The methods a library's workers call on what it sends (a dataset's `__getitem__`).
        let called_on = crate::torch::methods_run_by_workers(project, sent);
        let sent_functions = match kind_of(project, sent.site_module, sent.site) {
            Some(kind) => functions_of(project, sent.module, &sent.value)
                .into_iter()
                .map(|function| (function, kind, sent.site.role))
                .collect(),
            None => called_on
                .into_iter()
                .filter_map(|(function, role)| {
                    let kind = kind_of_role(role)?;
                    Some((function, kind, role))
                })
                .collect::<Vec<_>>(),
        };
        for ((module, function), kind, role) in sent_functions {
            let origin = WorkerOrigin {
                kind,
                site: (sent.module, sent.expr.range()),
                root: project.models[module].functions[function].qualname.clone(),
                root_function: (module, function),
                method: sent.site.context_method.clone(),
                role: Some(role),
                pickler: sent.site.pickler,
            };
            roots.push(origin.clone());
            if let std::collections::hash_map::Entry::Vacant(entry) =
                functions.entry((module, function))
            {
                entry.insert(origin);
                queue.push_back((module, function));
            }
        }
    }
    // `run()` of every `Process` subclass runs in the child.
    for (module, model) in project.models.iter().enumerate() {
        for (class, info) in model.classes.iter_enumerated() {
            if !project.is_process_class(module, class) {
                continue;
            }
            let Some((run_module, run)) = project.find_method_of(module, class, "run") else {
                continue;
            };
            // A subclass's own `run` only; the base `Process.run` calls the target.
            if run_module != module || model.functions[run].class != Some(class) {
                continue;
            }
            let origin = WorkerOrigin {
                kind: WorkerKind::Process {
                    daemon: class_sets_daemon(project, module, class),
                },
                site: (module, info.def.name.range),
                root: model.functions[run].qualname.clone(),
                root_function: (run_module, run),
                method: None,
                role: None,
                pickler: Pickler::Pickle,
            };
            roots.push(origin.clone());
            if let std::collections::hash_map::Entry::Vacant(entry) =
                functions.entry((run_module, run))
            {
                entry.insert(origin);
                queue.push_back((run_module, run));
            }
        }
    }
    // Everything a worker calls runs in the child too.
    while let Some((module, function)) = queue.pop_front() {
        let origin = functions[&(module, function)].clone();
        for edge in &project.facts[module].functions[function].calls {
            let Some((callee_module, callee, _)) = project.called_function(module, &edge.target)
            else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(entry) =
                functions.entry((callee_module, callee))
            {
                entry.insert(origin.clone());
                queue.push_back((callee_module, callee));
            }
        }
    }
    let mut by_module: FxHashMap<usize, Vec<FunctionId>> = FxHashMap::default();
    for &(module, function) in functions.keys() {
        by_module.entry(module).or_default().push(function);
    }
    for functions in by_module.values_mut() {
        functions.sort();
    }
    let mut roots_by_module: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (index, root) in roots.iter().enumerate() {
        roots_by_module
            .entry(root.root_function.0)
            .or_default()
            .push(index);
    }
    Workers {
        functions,
        roots,
        by_module,
        roots_by_module,
        rebinds_stdin: std::sync::OnceLock::new(),
        task_reach: std::sync::OnceLock::new(),
        initializer_sites: std::sync::OnceLock::new(),
    }
}

/// `p = Process(target=f); p.daemon = True` (also through a list of processes
/// and a `for` loop over it): the process the site creates is made daemonic
/// before it starts.
fn daemon_set_on_result(model: &ModuleModel, site: &PickleSite) -> bool {
    let call_range = site.call.range();
    let body: &[Stmt] = match model.scopes[site.scope].kind {
        ScopeKind::Function(function) => &model.functions[function].def.body,
        ScopeKind::Module => model.body,
        ScopeKind::Class(_) => return false,
    };
    let mut finder = DaemonAssignments::default();
    finder.visit_body(body);
    finder
        .assignments
        .iter()
        .any(|(target, value)| *value && holds_call(model, site.scope, target, call_range, 0))
        && !finder
            .assignments
            .iter()
            .any(|(target, value)| !*value && holds_call(model, site.scope, target, call_range, 0))
}

/// Does the name hold the object the call creates (or a collection of them)?
fn holds_call(
    model: &ModuleModel,
    scope: ScopeId,
    name: &str,
    call: TextRange,
    depth: usize,
) -> bool {
    if depth > 4 {
        return false;
    }
    let Some((found_in, bindings)) = model.lookup(name, scope) else {
        return false;
    };
    if found_in != scope {
        return false;
    }
    bindings.iter().any(|binding| match &binding.kind {
        BindingKind::Assign(value)
        | BindingKind::Appended(value)
        | BindingKind::WithItem(value) => value.range().contains_range(call),
        BindingKind::ForTarget(Expr::Name(iterable)) => {
            holds_call(model, scope, iterable.id.as_str(), call, depth + 1)
        }
        _ => false,
    })
}

/// `NAME.daemon = True/False` statements of a body (not in nested functions).
#[derive(Default)]
struct DaemonAssignments<'a> {
    assignments: Vec<(&'a str, bool)>,
}

impl<'a> Visitor<'a> for DaemonAssignments<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if let Some(name) = daemon_attribute_of(target) {
                        self.assignments.push((name, is_true(&assign.value)));
                    }
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }
}

/// `NAME.daemon` as an assignment target: the name.
fn daemon_attribute_of(target: &Expr) -> Option<&str> {
    match target {
        Expr::Attribute(attribute) if attribute.attr.as_str() == "daemon" => {
            match attribute.value.as_ref() {
                Expr::Name(name) => Some(name.id.as_str()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_true(expr: &Expr) -> bool {
    matches!(expr, Expr::BooleanLiteral(literal) if literal.value)
}

/// A `Process` subclass that makes its instances daemonic: `self.daemon = True`
/// or `super().__init__(daemon=True)` in its `__init__` (or a project base's).
fn class_sets_daemon(project: &Project, module: usize, class: ClassId) -> bool {
    let Some((init_module, init)) = project.find_method_of(module, class, "__init__") else {
        return false;
    };
    let def = project.models[init_module].functions[init].def;
    let mut finder = DaemonAssignments::default();
    finder.visit_body(&def.body);
    let assigned: Vec<bool> = finder
        .assignments
        .iter()
        .filter(|(name, _)| *name == "self")
        .map(|(_, value)| *value)
        .collect();
    if let Some(last) = assigned.last() {
        return *last && assigned.iter().all(|value| *value);
    }
    // `super().__init__(daemon=True)` / `Base.__init__(self, daemon=True)`.
    def.body.iter().any(|stmt| {
        let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt else {
            return false;
        };
        let Expr::Call(call) = value.as_ref() else {
            return false;
        };
        matches!(call.func.as_ref(), Expr::Attribute(attribute) if attribute.attr.as_str() == "__init__")
            && is_true_keyword(call, "daemon")
    })
}

impl Workers {
    /// The functions of a module that run in child processes, with their
    /// origins, in definition order.
    /// The roots whose function is defined in `module`, in the order of `roots`.
    pub fn roots_in_module(&self, module: usize) -> impl Iterator<Item = &WorkerOrigin> {
        self.roots_by_module
            .get(&module)
            .into_iter()
            .flatten()
            .map(|&index| &self.roots[index])
    }

    pub fn in_module(&self, module: usize) -> Vec<(FunctionId, &WorkerOrigin)> {
        self.by_module
            .get(&module)
            .into_iter()
            .flatten()
            .map(|&function| (function, &self.functions[&(module, function)]))
            .collect()
    }
}

/// "`helper` runs in a process pool worker (called from `task`)".
pub fn describe_worker(
    project: &Project,
    module: usize,
    function: FunctionId,
    origin: &WorkerOrigin,
) -> String {
    let name = &project.models[module].functions[function].qualname;
    if origin.root_function == (module, function) {
        format!("`{name}` runs in {}", origin.kind.describe())
    } else {
        format!(
            "`{name}` runs in {} (called from `{}`)",
            origin.kind.describe(),
            origin.root
        )
    }
}

/// The note that shows where a worker comes from: where its root function is
/// sent to the child, or the `Process` subclass whose `run()` it is.
pub fn origin_note(project: &Project, origin: &WorkerOrigin) -> (usize, TextRange, String) {
    let (module, range) = origin.site;
    let model = &project.models[module];
    let subclass = model
        .classes
        .iter()
        .find(|class| class.def.name.range == range);
    let root = &origin.root;
    let workers = match origin.kind {
        WorkerKind::ExecutorWorker => "the executor's worker processes",
        _ => "the pool's worker processes",
    };
    let message = match (subclass, origin.role) {
        (Some(class), _) => format!(
            "`{}` is a `Process` subclass: its `run()` runs in the child process",
            class.def.name.as_str()
        ),
        (None, Some(PickleRole::Initializer)) => {
            format!("`{root}` is the initializer of {workers} here")
        }
        (None, Some(PickleRole::PoolTask | PickleRole::ExecutorTask)) => {
            format!("`{root}` is sent to {workers} here")
        }
        (None, Some(PickleRole::LibraryCallable(id))) => format!(
            "`{root}` runs in the worker processes of {} given this here",
            crate::semantic::knowledge::starter(id).what
        ),
        (None, _) => format!("`{root}` is the target of {} here", origin.kind.describe()),
    };
    (module, range, message)
}

/// The parts of a function body that run only when a branch is taken: the
/// bodies of `if`/`elif`/`else`, `match` cases and `except` handlers, the
/// branches of `x if c else y`, and the operands of `and`/`or` after the first
/// (nested functions and classes are left out: they are functions of their own).
pub fn branch_ranges(body: &[Stmt]) -> Vec<TextRange> {
    let mut finder = BranchFinder::default();
    finder.visit_body(body);
    finder.ranges
}

#[derive(Default)]
struct BranchFinder {
    ranges: Vec<TextRange>,
}

fn suite_range(suite: &[Stmt]) -> Option<TextRange> {
    Some(TextRange::new(
        suite.first()?.range().start(),
        suite.last()?.range().end(),
    ))
}

impl<'a> Visitor<'a> for BranchFinder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
            Stmt::If(if_stmt) => {
                self.ranges.extend(suite_range(&if_stmt.body));
                for clause in &if_stmt.elif_else_clauses {
                    self.ranges.extend(clause.test.as_ref().map(Ranged::range));
                    self.ranges.extend(suite_range(&clause.body));
                }
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    self.ranges.extend(suite_range(&case.body));
                }
            }
            Stmt::Try(try_stmt) => {
                for handler in &try_stmt.handlers {
                    self.ranges.push(handler.range());
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::If(if_expr) => {
                self.ranges.push(if_expr.body.range());
                self.ranges.push(if_expr.orelse.range());
            }
            Expr::BoolOp(bool_op) => {
                self.ranges
                    .extend(bool_op.values.iter().skip(1).map(Ranged::range));
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

/// The worker functions that run whenever their root runs, as far as
/// branches go: reached from a root through calls that no `if` (or `match`,
/// `except`, conditional expression) guards. Loops and `try` bodies count as
/// running.
pub fn reached_without_branches(
    project: &Project,
    workers: &Workers,
) -> FxHashMap<(usize, FunctionId), Vec<TextRange>> {
    let mut reached: FxHashMap<(usize, FunctionId), Vec<TextRange>> = FxHashMap::default();
    let mut queue = VecDeque::new();
    for origin in &workers.roots {
        let (module, function) = origin.root_function;
        if let std::collections::hash_map::Entry::Vacant(entry) = reached.entry((module, function))
        {
            entry.insert(branch_ranges(
                &project.models[module].functions[function].def.body,
            ));
            queue.push_back((module, function));
        }
    }
    while let Some((module, function)) = queue.pop_front() {
        let branches = reached[&(module, function)].clone();
        for edge in &project.facts[module].functions[function].calls {
            if branches
                .iter()
                .any(|branch| branch.contains_range(edge.range))
            {
                continue;
            }
            let Some((callee_module, callee, _)) = project.called_function(module, &edge.target)
            else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(entry) =
                reached.entry((callee_module, callee))
            {
                entry.insert(branch_ranges(
                    &project.models[callee_module].functions[callee].def.body,
                ));
                queue.push_back((callee_module, callee));
            }
        }
    }
    reached
}
