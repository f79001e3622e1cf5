//! What a pickled value contains: an instance of a project class pickles its
//! `__dict__` (unless the class defines `__getstate__`, `__reduce__` or
//! `__reduce_ex__`), so whatever its methods store in `self.<attr>` travels
//! with it, and so on down the attributes of the instances stored there. A
//! bound method pickles its instance the same way. This finds the first
//! object on that graph that cannot be pickled, with the attribute path to it.
//!
//! CPython: `pickle` saves an instance with `object.__reduce_ex__(2)`, which
//! is `copyreg.__reduce_ex__` → `copyreg._reconstructor` + the instance's
//! `__dict__` (Objects/typeobject.c `reduce_newobj` / `_PyObject_GetState`),
//! and then pickles each value of the dict in turn.

use ruff_python_ast::Expr;

use crate::objects::{classify, ErrorText, ObjectKind};
use crate::payload::{class_hierarchy, method_attribute_assignments, Leaf, Walker};
use crate::project::Project;
use crate::semantic::{ClassId, ScopeKind, Value};

/// How deep the walk goes into instances stored in attributes.
const MAX_DEPTH: usize = 4;

/// An unpicklable object inside a pickled instance.
#[derive(Debug, Clone)]
pub struct Inside<'a> {
    /// The attribute path from the instance (`._buffer`, `.reader._buffer`).
    pub path: String,
    /// The class whose instance holds it directly (`Reader`).
    pub holder: String,
    /// The expression that makes it, in the method that stores it.
    pub leaf: Leaf<'a>,
    pub kind: ObjectKind,
}

/// The project class an expression's value is an instance of, if it is one.
pub fn instance_class(project: &Project, module: usize, value: &Value) -> Option<(usize, ClassId)> {
    match value {
        Value::Instance(class) => match class.as_ref() {
            Value::Class(class) => Some((module, *class)),
            Value::Qualified(name) => project.resolve_class(module, name),
            _ => None,
        },
        _ => None,
    }
}

/// The first unpicklable object stored in an instance of `class`, through its
/// attributes (assigned in any method of the class or of its project bases).
pub fn unpicklable_in_instance<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    class: ClassId,
) -> Option<Inside<'a>> {
    let mut visited = Vec::new();
    walk(walker, module, class, String::new(), 0, &mut visited)
}

fn walk<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    class: ClassId,
    prefix: String,
    depth: usize,
    visited: &mut Vec<(usize, ClassId)>,
) -> Option<Inside<'a>> {
    if depth > MAX_DEPTH || visited.contains(&(module, class)) {
        return None;
    }
    visited.push((module, class));
    let project = walker.project;
    let hierarchy = class_hierarchy(project, module, class);
    // The class decides what is pickled: then its dict is not the state.
    let customised = hierarchy.iter().any(|&(m, c)| {
        let methods = &project.models[m].classes[c].methods;
        ["__getstate__", "__reduce__", "__reduce_ex__"]
            .iter()
            .any(|name| methods.contains_key(name))
    });
    if customised || bases_unknown(project, &hierarchy) {
        return None;
    }
    for &(class_module, class_id) in &hierarchy {
        let info = &project.models[class_module].classes[class_id];
        let mut methods: Vec<_> = info.methods.values().copied().collect();
        methods.sort_unstable();
        for method in methods {
            for assignment in method_attribute_assignments(project, class_module, method) {
                let (Some(value), Expr::Attribute(target)) = (assignment.value, assignment.target)
                else {
                    continue;
                };
                let path = format!("{prefix}.{}", target.attr);
                let leaf = Leaf {
                    module: class_module,
                    expr: value,
                    scope: assignment.scope,
                    entered: false,
                    holder: None,
                    anchor: value,
                    nested: false,
                };
                if let Some(kind) = classify(walker, &leaf, None) {
                    if pickle_error(project, &leaf, &kind).is_some() {
                        return Some(Inside {
                            path,
                            holder: info.def.name.to_string(),
                            leaf,
                            kind,
                        });
                    }
                    continue;
                }
                if let Some(found) = default_factory(project, &leaf, &path, &info.def.name) {
                    return Some(found);
                }
                let resolved = project.models[class_module].resolve(value, assignment.scope);
                if let Some((inner_module, inner_class)) =
                    instance_class(project, class_module, &resolved)
                {
                    if let Some(found) =
                        walk(walker, inner_module, inner_class, path, depth + 1, visited)
                    {
                        return Some(found);
                    }
                }
            }
        }
    }
    None
}

/// A base the project does not define (other than `object`) may pickle its
/// own way (`__reduce__` in C, a `__getstate__` we cannot see): stay silent.
fn bases_unknown(project: &Project, hierarchy: &[(usize, ClassId)]) -> bool {
    hierarchy.iter().any(|&(module, class)| {
        let def = project.models[module].classes[class].def;
        let project_bases = project.project_bases_of(module, class).len();
        let written = def
            .arguments
            .as_ref()
            .map_or(0, |arguments| arguments.args.len());
        let object_bases = def.arguments.as_ref().map_or(0, |arguments| {
            arguments
                .args
                .iter()
                .filter(|base| matches!(base, Expr::Name(name) if name.id.as_str() == "object"))
                .count()
        });
        let keywords = def
            .arguments
            .as_ref()
            .is_some_and(|arguments| !arguments.keywords.is_empty());
        keywords || written > project_bases + object_bases
    })
}

/// `defaultdict(lambda: ...)` pickles its `default_factory`.
fn default_factory<'a>(
    project: &Project<'_, 'a>,
    leaf: &Leaf<'a>,
    path: &str,
    holder: &str,
) -> Option<Inside<'a>> {
    let Expr::Call(call) = leaf.expr else {
        return None;
    };
    let model = &project.models[leaf.module];
    let Value::Qualified(name) = model.resolve(&call.func, leaf.scope) else {
        return None;
    };
    if name != "collections.defaultdict" {
        return None;
    }
    let factory = call.arguments.args.first()?;
    let kind = match factory {
        Expr::Lambda(_) => ObjectKind::Lambda,
        _ => match model.resolve(factory, leaf.scope) {
            Value::Function(function) if model.functions[function].is_local => {
                ObjectKind::LocalFunction {
                    qualname: model.functions[function].qualname.clone(),
                }
            }
            _ => return None,
        },
    };
    Some(Inside {
        path: format!("{path}.default_factory"),
        holder: holder.to_string(),
        leaf: Leaf {
            expr: factory,
            anchor: factory,
            ..*leaf
        },
        kind,
    })
}

/// Why a value cannot be pickled: the error `pickle` raises for it, or for a
/// lambda or nested function the local-object error with its qualified name.
pub fn pickle_error(project: &Project, leaf: &Leaf, kind: &ObjectKind) -> Option<ErrorText> {
    if let Some(error) = kind.never_pickles() {
        return Some(error);
    }
    let local = match kind {
        ObjectKind::Lambda => {
            let model = &project.models[leaf.module];
            match model.scopes[leaf.scope].kind {
                ScopeKind::Function(function) => {
                    format!("{}.<locals>.<lambda>", model.functions[function].qualname)
                }
                _ => {
                    return Some(ErrorText::new(
                        "_pickle.PicklingError: Can't pickle <function <lambda> ...>: attribute lookup <lambda> on __main__ failed",
                    ))
                }
            }
        }
        ObjectKind::LocalFunction { qualname } => qualname.clone(),
        _ => return None,
    };
    Some(
        ErrorText::new(format!("AttributeError: Can't pickle local object '{local}'")).or(
            format!("Python 3.13: \"Can't get local object '{local}'\"; 3.14: \"PicklingError: Can't pickle local object ...\""),
        ),
    )
}
