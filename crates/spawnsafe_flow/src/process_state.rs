//! `Process` subclass objects and the state they hold when started: every `start()` of one
//! in the project, the methods that run on the object before it, and the attributes those
//! set to values that cannot be pickled (the question SPS203 asks; spawn and forkserver
//! pickle the whole object at `start()`).

use std::rc::Rc;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::api;
use crate::facts::{PickleRole, Shape, Target};
use crate::objects::{classify, ErrorText, ObjectKind};
use crate::payload::{
    all_leaves, class_hierarchy, method_attribute_assignments, problems, self_parameter, Env, Leaf,
    Walker,
};
use crate::project::Project;
use crate::semantic::{ClassId, FunctionId, ScopeId, Value};

/// A `Process` subclass object being started.
pub struct Start<'a> {
    pub module: usize,
    pub call: &'a ast::ExprCall,
    pub receiver: &'a Expr,
    pub scope: ScopeId,
    pub class: (usize, ClassId),
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

/// An attribute set before `start()` on a `Process` subclass object that cannot be pickled.
pub struct Finding<'a> {
    pub target: &'a Expr,
    pub value: &'a Expr,
    pub leaf: Leaf<'a>,
    pub kind: ObjectKind,
    pub error: ErrorText,
    pub start_module: usize,
    pub start_call: &'a ast::ExprCall,
    pub class: (usize, ClassId),
    pub method: (usize, FunctionId),
}

/// The attributes that methods in module `checked` set on `Process` subclass objects before they
/// are started (in `__init__`, in methods called on the object before `start()`, and what
/// those call on `self`) whose values cannot be pickled: spawn and forkserver pickle the
/// whole object at `start()`. An attribute counts only when every assignment of it before
/// `start()` is such a value. In source order.
pub fn unpicklable_process_state<'a>(
    project: &Project<'_, 'a>,
    starts: &[Start<'a>],
    checked: usize,
) -> Vec<Finding<'a>> {
    // Findings sit in methods, so only a module with classes can have one.
    if starts.is_empty() || project.models[checked].classes.is_empty() {
        return Vec::new();
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
        if !chain.iter().any(|(module, _, _)| *module == checked) {
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
                    let (leaf, (kind, error)) = found.into_iter().next().or_else(|| {
                        // A project instance whose own state cannot be pickled.
                        crate::process_members::unpicklable_member(&mut walker, &flows)
                            .map(|(leaf, kind, error)| (leaf, (kind, error)))
                    })?;
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
                if finding.method.0 == checked {
                    findings.entry(finding.target.range()).or_insert(finding);
                }
            }
        }
    }
    let mut findings: Vec<Finding> = findings.into_values().collect();
    findings.sort_by_key(|finding| finding.target.range().start());
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_project::with_project;

    /// The attributes a one-module program's `Process` subclass holds unpicklable at `start()`.
    fn unpicklable_attributes(source: &str) -> Vec<String> {
        with_project(&[("main", source)], |project| {
            let starts = process_starts(project);
            unpicklable_process_state(project, &starts, 0)
                .into_iter()
                .map(|finding| match finding.target {
                    Expr::Attribute(attribute) => attribute.attr.to_string(),
                    _ => String::new(),
                })
                .collect()
        })
    }

    #[test]
    fn a_thread_lock_set_in_init() {
        let source = "
import multiprocessing, threading

class Counter(multiprocessing.Process):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.count = 0

    def run(self):
        with self.lock:
            self.count += 1

if __name__ == '__main__':
    Counter().start()
";
        assert_eq!(unpicklable_attributes(source), vec!["lock"]);
    }

    #[test]
    fn state_made_in_run_is_not_pickled() {
        let source = "
import multiprocessing, threading

class Counter(multiprocessing.Process):
    def __init__(self):
        super().__init__()
        self.count = 0

    def run(self):
        self.lock = threading.Lock()

if __name__ == '__main__':
    Counter().start()
";
        with_project(&[("main", source)], |project| {
            assert_eq!(process_starts(project).len(), 1);
        });
        assert_eq!(unpicklable_attributes(source), Vec::<String>::new());
    }
}
