//! An instance of the class a project function of another module returns:
//! `Dataset = get_dataset(name, task)` then `Dataset(opt, "train")`, where
//! `get_dataset` defines `class Dataset(...)` in its body and returns it
//! (a factory that mixes bases chosen at run time). The model of the calling
//! module sees only the result of a call of a name from elsewhere; here the
//! factory is looked up in its own module, and when every `return` of it is
//! the same class of that module, the instance is one of that class. A class
//! defined inside the function is a local class: pickle looks it up by its
//! qualified name `get_dataset.<locals>.Dataset` and fails (Lib/pickle.py
//! `save_global`: "Can't pickle local object").

use ruff_python_ast::Expr;

use crate::objects::ObjectKind;
use crate::payload::Leaf;
use crate::project::Project;
use crate::semantic::{ClassId, ScopeId, Value};

/// The project class whose instance `expr` makes, when `expr` calls (or is
/// the single assignment of a call of) what a factory of another module returns.
pub fn class_from_factory(
    project: &Project,
    module: usize,
    expr: &Expr,
    scope: ScopeId,
) -> Option<(usize, ClassId)> {
    let model = &project.models[module];
    let construction = crate::contents::construction(model, module, expr, scope)?;
    let Value::Instance(made_by) = model.resolve(&construction.call.func, construction.scope)
    else {
        return None;
    };
    let Value::Qualified(factory) = *made_by else {
        return None;
    };
    let (factory_module, function) = project.resolve_function(module, factory.as_str())?;
    let factory_model = &project.models[factory_module];
    let info = &factory_model.functions[function];
    let mut found = None;
    for returned in &info.returns {
        let Value::Class(class) = factory_model.resolve(returned, info.scope) else {
            return None;
        };
        if found.is_some_and(|earlier| earlier != class) {
            return None;
        }
        found = Some(class);
    }
    found.map(|class| (factory_module, class))
}

/// The leaf is an instance of a local class that a factory of another
/// module returned: pickle cannot find the class by its qualified name.
pub fn local_class_instance(project: &Project, leaf: &Leaf) -> Option<ObjectKind> {
    let (module, class) = class_from_factory(project, leaf.module, leaf.expr, leaf.scope)?;
    if module == leaf.module {
        // The module's own model resolves its factories (`unfindable`).
        return None;
    }
    let info = &project.models[module].classes[class];
    info.is_local.then(|| ObjectKind::FactoryLocalClass {
        qualname: info.qualname.clone(),
    })
}
