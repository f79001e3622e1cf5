//! Pickle-protocol pitfalls one level down the object graph: an instance
//! pickles its `__dict__`, so an object it keeps in an attribute
//! (`self.cfg = cfg`, `self.index = Index(...)`) is unpickled in the child too,
//! and a class there whose `__getattr__` reads instance attributes (or any other
//! pitfall of [`crate::pitfalls`]) fails the same way: gunicorn's
//! `Application(Config(...))` sent as `Process(target=app.run)` dies with
//! `RecursionError` in the child (benoitc/gunicorn#2401).

use crate::contents::{construction, constructor_argument};
use crate::payload::{class_hierarchy, method_attribute_assignments, Leaf};
use crate::pitfalls::{class_pitfall, instance_class, ClassPitfall};
use crate::project::Project;
use crate::semantic::ClassId;

/// How deep attributes are followed.
const MAX_DEPTH: usize = 3;

/// A pitfall found in what an instance keeps.
#[derive(Debug, Clone)]
pub struct NestedPitfall<'a> {
    /// The attribute path from the sent instance (`.cfg`, `.engine.index`).
    pub path: String,
    /// The inner object's construction (or what `__init__` was given).
    pub inner: Leaf<'a>,
    pub class: (usize, ClassId),
    pub pitfall: ClassPitfall,
}

/// The first pitfall among the objects an instance (made at `leaf`) keeps in
/// its attributes, when the class pickles its `__dict__` as it is.
pub fn nested_pitfall<'a>(project: &Project<'_, 'a>, leaf: &Leaf<'a>) -> Option<NestedPitfall<'a>> {
    let class = instance_class(project, leaf)?;
    walk(project, leaf, class, String::new(), 0, &mut Vec::new())
}

fn walk<'a>(
    project: &Project<'_, 'a>,
    leaf: &Leaf<'a>,
    class: (usize, ClassId),
    prefix: String,
    depth: usize,
    visited: &mut Vec<(usize, ClassId)>,
) -> Option<NestedPitfall<'a>> {
    if depth >= MAX_DEPTH || visited.contains(&class) {
        return None;
    }
    visited.push(class);
    let hierarchy = class_hierarchy(project, class.0, class.1);
    // A class that decides its own state does not pickle its attributes as they are.
    let customised = hierarchy.iter().any(|&(m, c)| {
        let methods = &project.models[m].classes[c].methods;
        ["__getstate__", "__reduce__", "__reduce_ex__", "__getattr__"]
            .iter()
            .any(|name| methods.contains_key(name))
    });
    if customised {
        return None;
    }
    let made_by = construction(
        &project.models[leaf.module],
        leaf.module,
        leaf.expr,
        leaf.scope,
    );
    for &(class_module, class_id) in &hierarchy {
        let info = &project.models[class_module].classes[class_id];
        let mut methods: Vec<_> = info.methods.values().copied().collect();
        methods.sort_unstable();
        for method in methods {
            for assignment in method_attribute_assignments(project, class_module, method) {
                let (Some(value), ruff_python_ast::Expr::Attribute(target)) =
                    (assignment.value, assignment.target)
                else {
                    continue;
                };
                let path = format!("{prefix}.{}", target.attr);
                let mut inner = Leaf {
                    module: class_module,
                    expr: value,
                    scope: assignment.scope,
                    entered: false,
                    holder: None,
                    anchor: value,
                    nested: false,
                };
                if let Some(passed) = constructor_argument(project, &inner, method, made_by) {
                    inner = passed;
                }
                let Some(inner_class) = instance_class(project, &inner) else {
                    continue;
                };
                if let Some(pitfall) = class_pitfall(project, inner_class.0, inner_class.1) {
                    return Some(NestedPitfall {
                        path,
                        inner,
                        class: inner_class,
                        pitfall,
                    });
                }
                if let Some(found) = walk(project, &inner, inner_class, path, depth + 1, visited) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// The construction of the instance a bound method's receiver stands for
/// (`app` in `target=app.run`, bound once to `Application(...)`), as a leaf
/// anchored at `anchor` (the sent expression).
pub fn receiver_leaf<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    receiver: &'a ruff_python_ast::Expr,
    anchor: &'a ruff_python_ast::Expr,
    scope: crate::semantic::ScopeId,
) -> Option<Leaf<'a>> {
    use ruff_python_ast::Expr;
    let model = &project.models[module];
    let (expr, scope) = match receiver {
        Expr::Call(_) => (receiver, scope),
        Expr::Name(name) => {
            let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
            match bindings {
                [binding] => match binding.kind {
                    crate::semantic::BindingKind::Assign(value @ Expr::Call(_)) => {
                        (value, found_in)
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(Leaf {
        module,
        expr,
        scope,
        entered: false,
        holder: None,
        anchor,
        nested: true,
    })
}
