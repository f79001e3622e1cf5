//! A module object among the values sent to a child: a name bound only by
//! `import x` / `import x.y as z` statements holds a module, and pickle has no
//! reducer for `types.ModuleType` (copyreg registers none, and a module has
//! no `__reduce_ex__` of its own that works):
//! `TypeError: cannot pickle 'module' object` (Python 3.8+; "can't pickle
//! module objects" before). The usual way it gets there is an attribute set
//! from a local import (`import pycocotools.mask as mask; self.coco_mask =
//! mask`) on an object sent to workers. `from x import y` may bind a module or
//! anything else, so it says nothing; cloudpickle and dill send modules by
//! reference, which the trip's pickler decides ([`crate::trip_failures`]).

use ruff_python_ast::Expr;

use crate::semantic::{BindingKind, ModuleModel, ScopeId};

/// The module a name read in `scope` holds, when every binding of the name is
/// an `import` statement: the dotted module as written (`base64`, `os`).
pub fn imported_module(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Option<String> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let (_, bindings) = model.lookup(name.id.as_str(), scope)?;
    let mut modules = bindings.iter().map(|binding| match &binding.kind {
        BindingKind::Import(module) => Some(module.to_string()),
        _ => None,
    });
    let first = modules.next()??;
    modules
        .all(|module| module.as_deref() == Some(first.as_str()))
        .then_some(first)
}
