//! Values that pickle does not carry to a spawned child, whatever holds
//! them. A module object among the values sent to a child: a name bound only by
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

/// The name of a function defined only inside the main guard (`def f` under
/// `if __name__ == "__main__":`, with no other module-level binding of the
/// name): spawn and forkserver children import the script as `__mp_main__`
/// without running the guard, so a function pickled by that name is missing
/// there: "AttributeError: Can't get attribute 'f' on <module '__mp_main__'>"
/// (Lib/multiprocessing/spawn.py `_fixup_main_from_path` runs the script
/// under the name `__mp_main__`).
pub fn guard_function(
    model: &ModuleModel,
    function: crate::semantic::FunctionId,
) -> Option<String> {
    let info = &model.functions[function];
    let name = info.def.name.as_str();
    (info.in_main_guard
        && !info.is_local
        && info.class.is_none()
        && !model.has_module_binding_outside_guard(name))
    .then(|| name.to_string())
}
