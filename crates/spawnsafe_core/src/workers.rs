//! What runs in child processes: the functions sent as tasks, targets and
//! initializers (directly, or through a helper's parameter), the `run()` of
//! `Process` subclasses, and everything those call, across the project.

use std::collections::VecDeque;

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::facts::{PickleRole, PickleSite};
use crate::project::Project;
use crate::semantic::{FunctionId, ScopeId, Value};

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
                    let Some(index) = site.parameter else {
                        continue;
                    };
                    if site.scope != info.scope {
                        continue;
                    }
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
    sent
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
    pub functions: FxHashMap<(usize, FunctionId), WorkerOrigin>,
}

impl Workers {
    pub fn origin(&self, module: usize, function: FunctionId) -> Option<&WorkerOrigin> {
        self.functions.get(&(module, function))
    }
}

fn kind_of(site: &PickleSite) -> Option<WorkerKind> {
    match site.role {
        PickleRole::PoolTask => Some(WorkerKind::PoolWorker),
        PickleRole::ExecutorTask => Some(WorkerKind::ExecutorWorker),
        PickleRole::ProcessTarget => Some(WorkerKind::Process {
            daemon: is_true_keyword(site.call, "daemon"),
        }),
        PickleRole::Initializer => Some(if is_executor_call(site) {
            WorkerKind::ExecutorWorker
        } else {
            WorkerKind::PoolWorker
        }),
        PickleRole::Argument | PickleRole::ProcessObject => None,
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
    let mut queue = VecDeque::new();
    for sent in sent_values {
        let Some(kind) = kind_of(sent.site) else {
            continue;
        };
        for (module, function) in functions_of(project, sent.module, &sent.value) {
            let origin = WorkerOrigin {
                kind,
                site: (sent.module, sent.expr.range()),
                root: project.models[module].functions[function].qualname.clone(),
            };
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
        for (class, info) in model.classes.iter().enumerate() {
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
                kind: WorkerKind::Process { daemon: false },
                site: (module, info.def.name.range),
                root: model.functions[run].qualname.clone(),
            };
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
    Workers { functions }
}
