//! A `multiprocessing.pool.Pool` subclass that overrides `Process` (the
//! factory the pool calls for every worker: `Pool._repopulate_pool_static`
//! runs `w = Process(ctx, target=worker, ...)` then `w.start()`,
//! Lib/multiprocessing/pool.py) and makes the worker process objects of a class
//! defined inside that method — the "NestedPool"/"NoDaemonProcess" recipe
//! written with a local class (`proc.__class__ = NoDaemonProcess`). Under spawn
//! and forkserver `start()` pickles the process object
//! (`popen_spawn_posix.Popen._launch` dumps `process_obj`), and its class
//! pickles by qualified name: `AttributeError: Can't pickle local object
//! 'NestedPool.Process.<locals>.NoDaemonProcess'`. Under fork nothing is pickled.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::project::Project;
use crate::semantic::{ClassId, Value};

/// Where a pool whose workers have a local class is made.
#[derive(Debug, Clone)]
pub struct LocalProcessPool {
    /// The pool subclass's instantiation (`NestedPool(2)`).
    pub call: TextRange,
    pub pool_class: String,
    /// The local class's qualified name and its definition's name range.
    pub local_class: String,
    pub local_class_at: TextRange,
    /// Where `Process` gives its objects that class (`proc.__class__ = X`, `return X(...)`).
    pub given_at: TextRange,
}

/// Does the class derive (directly) from `multiprocessing.pool.Pool`?
fn is_pool_subclass(project: &Project, module: usize, class: ClassId) -> bool {
    let model = &project.models[module];
    let info = &model.classes[class];
    info.def.bases().iter().any(|base| {
        matches!(model.resolve(base, info.parent_scope), Value::Qualified(name)
            if matches!(name.as_str(), "multiprocessing.pool.Pool" | "multiprocessing.Pool"))
    })
}

/// The local class the `Process` method gives its process objects: assigned
/// to `proc.__class__`, or instantiated in a `return`.
fn local_process_class(
    project: &Project,
    module: usize,
    class: ClassId,
) -> Option<(ClassId, TextRange)> {
    let model = &project.models[module];
    let &method = model.classes[class].methods.get("Process")?;
    let info = &model.functions[method];
    for stmt in &info.def.body {
        let made = match stmt {
            Stmt::Assign(assign)
                if assign.targets.iter().any(|target| {
                    matches!(target, Expr::Attribute(attribute) if attribute.attr.as_str() == "__class__")
                }) =>
            {
                Some(assign.value.as_ref())
            }
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => match value.as_ref() {
                Expr::Call(call) => Some(call.func.as_ref()),
                _ => None,
            },
            _ => None,
        };
        if let Some(expr) = made {
            if let Value::Class(local) = model.resolve(expr, info.scope) {
                if model.classes[local].is_local {
                    return Some((local, stmt.range()));
                }
            }
        }
    }
    None
}

/// Every instantiation in `module` of a pool subclass of this module whose
/// `Process` makes workers of a local class.
pub fn local_process_pools(project: &Project, module: usize) -> Vec<LocalProcessPool> {
    let model = &project.models[module];
    let mut found: Vec<LocalProcessPool> = Vec::new();
    for site in &project.facts[module].calls {
        let Value::Class(class) = model.resolve(&site.call.func, site.scope) else {
            continue;
        };
        if !is_pool_subclass(project, module, class) {
            continue;
        }
        let Some((local, given_at)) = local_process_class(project, module, class) else {
            continue;
        };
        // One finding per pool class, at the first pool made.
        if found.iter().any(|pool| pool.given_at == given_at) {
            continue;
        }
        found.push(LocalProcessPool {
            given_at,
            call: site.call.range(),
            pool_class: model.classes[class].def.name.to_string(),
            local_class: model.classes[local].qualname.clone(),
            local_class_at: model.classes[local].def.name.range(),
        });
    }
    found
}
