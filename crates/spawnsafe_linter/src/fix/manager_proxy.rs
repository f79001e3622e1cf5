//! The fix of SPS202 (unpicklable-argument) for a `multiprocessing` queue, lock or event
//! sent as a task argument: a `Manager()` proxy, which may travel there; and what makes it
//! safe (the object is kept in a variable, and the code runs only in the parent).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::facts::CallSite;
use crate::fix::imports::multiprocessing_member;
use crate::fix::{Edit, Fix};
use crate::payload::Leaf;
use crate::project::Project;
use crate::rules::Checker;
use crate::semantic::{ClassId, FunctionId, Value};

/// What a `multiprocessing` synchronization object becomes as a manager
/// proxy, when the proxy takes the same constructor arguments: the manager's
/// method, and how many arguments it takes (by position, or by this keyword).
fn manager_equivalent(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match name {
        "Queue" => ("Queue", Some("maxsize")),
        "JoinableQueue" => ("JoinableQueue", Some("maxsize")),
        "SimpleQueue" => ("Queue", None),
        "Lock" => ("Lock", None),
        "RLock" => ("RLock", None),
        "Event" => ("Event", None),
        "Semaphore" => ("Semaphore", Some("value")),
        "BoundedSemaphore" => ("BoundedSemaphore", Some("value")),
        _ => return None,
    })
}

/// Replaces `multiprocessing.Queue()` (or `Lock()`, `Event()`, ...) with
/// `multiprocessing.Manager().Queue()`: a proxy, which pickles as an address
/// and may travel in task arguments. Only when the object is assigned to a
/// variable or attribute (the proxy keeps its manager alive: `BaseProxy`
/// holds a reference to the manager that made it) and the code runs only in
/// the parent (in the main guard, or in functions called only from there),
/// so the manager process is started where processes may be started.
pub(crate) fn manager_proxy_fix(checker: &Checker, leaf: &Leaf) -> Option<Fix> {
    if leaf.module != checker.module || leaf.entered {
        return None;
    }
    let project = checker.project;
    let module = checker.module;
    let model = &project.models[module];
    let file = checker.file();
    let Expr::Call(call) = leaf.expr else {
        return None;
    };
    let (member, prefix): (String, Option<&Expr>) = match call.func.as_ref() {
        Expr::Attribute(attribute) => match model.resolve(&attribute.value, leaf.scope) {
            Value::Qualified(name) if name == "multiprocessing" => {
                (attribute.attr.to_string(), Some(&attribute.value))
            }
            Value::Context(_) => (attribute.attr.to_string(), Some(&attribute.value)),
            _ => return None,
        },
        Expr::Name(_) => match model.resolve(&call.func, leaf.scope) {
            Value::Qualified(name) => (name.strip_prefix("multiprocessing.")?.to_string(), None),
            _ => return None,
        },
        _ => return None,
    };
    let (proxy, argument) = manager_equivalent(&member)?;
    let arguments = &call.arguments;
    let arguments_fit = match argument {
        None => arguments.is_empty(),
        Some(keyword) => {
            arguments.len() <= 1
                && arguments.args.iter().all(|arg| !arg.is_starred_expr())
                && arguments
                    .keywords
                    .iter()
                    .all(|kw| kw.arg.as_ref().is_some_and(|arg| arg.as_str() == keyword))
        }
    };
    if !arguments_fit || !assigned_whole(model.body, call) {
        return None;
    }
    let site = project.facts[module]
        .calls
        .iter()
        .find(|site| site.call.range() == call.range())?;
    let parent_only = !site.import_time
        && (site.in_main_guard
            || site
                .function
                .is_some_and(|function| runs_only_in_parent(checker, module, function, 0)));
    if !parent_only {
        return None;
    }
    let mut edits = Vec::new();
    let manager = match prefix {
        Some(prefix) => {
            let text = &file.text[usize::from(prefix.start())..usize::from(prefix.end())];
            format!("{text}.Manager")
        }
        None => {
            let importable = multiprocessing_member(
                model,
                &file.text,
                &file.style,
                "Manager",
                leaf.scope,
                call.start(),
            )?;
            edits.extend(importable.import);
            importable.expr
        }
    };
    let replacement = format!("{manager}().{proxy}");
    edits.push(Edit::replacement(replacement.clone(), call.func.range()));
    Some(Fix::unsafe_because(
        format!("Use a manager proxy: `{replacement}()`"),
        format!(
            "a manager proxy is not a `{member}`: it starts a manager server process (one per call of this code) that lives as long as the proxy, forwards every call to that process, and has only the methods of the `queue`/`threading` object it stands for (no `close()` or `join_thread()`; `Lock.acquire()` takes `blocking`, not `block`)"
        ),
        edits,
    ))
}

/// The call is the whole value of an assignment to one name or attribute
/// (`queue = mp.Queue()`, `self.stop = mp.Event()`), which keeps the proxy,
/// and with it the manager, alive.
fn assigned_whole(body: &[Stmt], call: &ast::ExprCall) -> bool {
    struct Finder<'c> {
        call: &'c ast::ExprCall,
        found: bool,
    }
    impl<'n> Visitor<'n> for Finder<'_> {
        fn visit_stmt(&mut self, stmt: &'n Stmt) {
            if let Stmt::Assign(assign) = stmt {
                if assign.value.range() == self.call.range()
                    && assign.targets.len() == 1
                    && matches!(assign.targets[0], Expr::Name(_) | Expr::Attribute(_))
                {
                    self.found = true;
                }
            }
            visitor::walk_stmt(self, stmt);
        }
    }
    let mut finder = Finder { call, found: false };
    finder.visit_body(body);
    finder.found
}

/// The function runs only in the parent process, after the main script's
/// imports: it is not a worker (nor called by one), and every call of it is
/// in the main guard or in a function of which the same holds. A method
/// `__init__` is called where its class is instantiated.
fn runs_only_in_parent(
    checker: &Checker,
    module: usize,
    function: FunctionId,
    depth: usize,
) -> bool {
    const MAX_DEPTH: usize = 6;
    let project = checker.project;
    if depth > MAX_DEPTH || checker.workers.origin(module, function).is_some() {
        return false;
    }
    let info = &project.models[module].functions[function];
    let callers: Vec<(usize, &CallSite)> = match info.class {
        Some(class) if info.def.name.as_str() == "__init__" => {
            // A project subclass may be instantiated elsewhere.
            let subclassed = (0..project.models.len()).any(|other| {
                (project.models[other].classes.indices()).any(|candidate| {
                    project
                        .project_bases_of(other, candidate)
                        .contains(&(module, class))
                })
            });
            if subclassed {
                return false;
            }
            instantiations(project, module, class)
        }
        Some(_) => project.callers_of(module, function),
        None => project.callers_of(module, function),
    };
    !callers.is_empty()
        && callers.iter().all(|(caller_module, site)| {
            !site.import_time
                && (site.in_main_guard
                    || site.function.is_some_and(|caller| {
                        runs_only_in_parent(checker, *caller_module, caller, depth + 1)
                    }))
        })
}

/// Every call in the project that instantiates the class.
fn instantiations<'p, 'a>(
    project: &'p Project<'p, 'a>,
    module: usize,
    class: ClassId,
) -> Vec<(usize, &'p CallSite<'a>)> {
    let name = project.models[module].classes[class].def.name.as_str();
    let mut sites = Vec::new();
    for (caller_module, facts) in project.facts.iter().enumerate() {
        for site in &facts.calls {
            let spelled = match site.call.func.as_ref() {
                Expr::Name(called) => called.id.as_str() == name || caller_module != module,
                Expr::Attribute(called) => called.attr.as_str() == name,
                _ => false,
            };
            if !spelled {
                continue;
            }
            let instantiates =
                match project.models[caller_module].resolve(&site.call.func, site.scope) {
                    Value::Class(found) => caller_module == module && found == class,
                    Value::Qualified(qualified) => {
                        project.resolve_class(caller_module, &qualified) == Some((module, class))
                    }
                    _ => false,
                };
            if instantiates {
                sites.push((caller_module, site));
            }
        }
    }
    sites
}
