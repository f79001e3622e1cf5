//! `self.policy = policy` in `__init__`, read back as `self.policy` in another
//! method that sends it to a child: the instance holds what its construction
//! passed. When the project constructs the class at exactly one place (and
//! nothing else can construct it: no subclass, no classmethod that could call
//! `cls(...)`), that call's arguments are what `__init__`'s parameters hold.
//! With two constructions, or none the code shows, the value stays unknown.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr};

use crate::payload::{class_hierarchy, Env};
use crate::project::Project;
use crate::semantic::{ClassId, FunctionId, Value};

/// The call environment of `__init__` (`init`, a method of `class` itself)
/// for the one construction of `class` in the project.
pub fn sole_construction<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    class: ClassId,
    init: FunctionId,
) -> Option<Rc<Env<'a>>> {
    let model = &project.models[module];
    if model.functions[init].def.name.as_str() != "__init__"
        || model.classes[class].methods.get("__init__") != Some(&init)
    {
        return None;
    }
    // A classmethod or staticmethod may construct it with other arguments.
    for (m, c) in class_hierarchy(project, module, class) {
        let info = &project.models[m].classes[c];
        let builds_itself = info.methods.values().any(|&method| {
            project.models[m].functions[method]
                .def
                .decorator_list
                .iter()
                .any(|decorator| {
                    matches!(&decorator.expression, Expr::Name(name)
                        if matches!(name.id.as_str(), "classmethod" | "staticmethod"))
                })
        });
        if builds_itself {
            return None;
        }
    }
    let mut found: Option<(usize, &'a ast::ExprCall, crate::semantic::ScopeId)> = None;
    // Only calls that spell the class's name (or an alias imported from it) can make it.
    let class_name = model.classes[class].def.name.as_str();
    for &(m, index) in project.call_sites_named(class_name) {
        {
            let site = &project.facts[m].calls[index];
            let constructs = match project.models[m].resolve(&site.call.func, site.scope) {
                Value::Class(c) => (m, c) == (module, class),
                Value::Qualified(name) => project.resolve_class(m, &name) == Some((module, class)),
                _ => false,
            };
            if !constructs {
                continue;
            }
            if found.is_some() {
                return None;
            }
            found = Some((m, site.call, site.scope));
        }
    }
    let (caller_module, call, caller_scope) = found?;
    Some(Rc::new(Env {
        module,
        function: init,
        call,
        bound: true,
        caller_module,
        caller_scope,
        parent: None,
    }))
}
