//! A class of the module that subclasses a process pool or a process pool
//! executor (`class BoundedExecutor(ProcessPoolExecutor)`) starts processes
//! as its base does: creating a `multiprocessing.pool.Pool` subclass runs
//! `Pool.__init__` → `_repopulate_pool()` (Lib/multiprocessing/pool.py), and
//! `submit`/`map` of a `ProcessPoolExecutor` subclass reach
//! `ProcessPoolExecutor._adjust_process_count()` (Lib/concurrent/futures/process.py)
//! unless the subclass replaces them. A subclass that sets its own `Process`
//! factory (the "non-daemonic pool" recipe) is left alone: what its workers
//! may do is no longer the base's.

use ruff_python_ast::{Expr, Stmt};

use crate::api::Api;
use crate::model::{ClassId, ModuleModel, Value};

const MAX_BASE_DEPTH: usize = 4;

impl ModuleModel<'_> {
    /// The pool or executor API a class of this module inherits, as the value
    /// its base stands for (`Value::Qualified("concurrent.futures.ProcessPoolExecutor")`).
    pub fn inherited_pool_api(&self, class: ClassId) -> Option<Value> {
        self.inherited_pool_api_depth(class, 0)
    }

    fn inherited_pool_api_depth(&self, class: ClassId, depth: usize) -> Option<Value> {
        if depth > MAX_BASE_DEPTH {
            return None;
        }
        let info = &self.classes[class];
        if sets_process_factory(&info.def.body) {
            return None;
        }
        for base in info.def.bases() {
            match self.resolve_depth(base, info.parent_scope, depth + 1) {
                Value::Class(base) if base != class => {
                    if let Some(value) = self.inherited_pool_api_depth(base, depth + 1) {
                        return Some(value);
                    }
                }
                value if matches!(value.api(), Some(Api::ProcessPool | Api::ProcessExecutor)) => {
                    return Some(value)
                }
                _ => {}
            }
        }
        None
    }
}

/// The class body binds `Process` (an attribute, a method or a nested class).
fn sets_process_factory(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Assign(assign) => assign
            .targets
            .iter()
            .any(|target| matches!(target, Expr::Name(name) if name.id.as_str() == "Process")),
        Stmt::AnnAssign(assign) => {
            matches!(assign.target.as_ref(), Expr::Name(name) if name.id.as_str() == "Process")
        }
        Stmt::FunctionDef(def) => def.name.as_str() == "Process",
        Stmt::ClassDef(def) => def.name.as_str() == "Process",
        _ => false,
    })
}
