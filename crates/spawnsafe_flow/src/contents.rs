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

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::facts::Shape;
use crate::objects::{classify, ErrorText, ObjectKind};
use crate::payload::{
    argument_of, class_hierarchy, method_attribute_assignments, problems, Argument, Leaf, Walker,
};
use crate::project::Project;
use crate::semantic::{BindingKind, ClassId, ModuleModel, ScopeId, ScopeKind, Value};

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

/// The call that made an instance: the expression itself, or the single
/// assignment of the name it is read from (`reader = Reader(path)`).
#[derive(Debug, Clone, Copy)]
pub struct Construction<'a> {
    pub call: &'a ast::ExprCall,
    pub module: usize,
    pub scope: ScopeId,
}

/// The construction of the instance `expr` stands for, when the code shows it.
pub fn construction<'a>(
    model: &ModuleModel<'a>,
    module: usize,
    expr: &'a Expr,
    scope: ScopeId,
) -> Option<Construction<'a>> {
    let call = match expr {
        Expr::Call(call) => call,
        Expr::Name(name) => {
            let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
            match bindings {
                [binding] => match binding.kind {
                    BindingKind::Assign(Expr::Call(call)) => {
                        return Some(Construction {
                            call,
                            module,
                            scope: found_in,
                        })
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(Construction {
        call,
        module,
        scope,
    })
}

/// The first unpicklable object stored in an instance of `class`, through its
/// attributes (assigned in any method of the class or of its project bases,
/// and dataclass fields); `made_by`: the call that made it, whose arguments
/// `__init__` stores (`self.transform = transform`).
pub fn unpicklable_in_instance<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    class: ClassId,
    made_by: Option<Construction<'a>>,
) -> Option<Inside<'a>> {
    let mut visited = Vec::new();
    walk(
        walker,
        module,
        class,
        made_by,
        String::new(),
        0,
        &mut visited,
    )
}

fn walk<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    class: ClassId,
    made_by: Option<Construction<'a>>,
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
        if let Some(found) = dataclass_defaults(walker, class_module, class_id, &prefix) {
            return Some(found);
        }
        // The fields the generated `__init__` stores from the construction's arguments.
        if let Some(made_by) = made_by.filter(|_| class_id == class && class_module == module) {
            for (field, leaf) in
                crate::dataclass_fields::field_arguments(project, class_module, class_id, made_by)
            {
                let path = format!("{prefix}.{field}");
                if let Some(found) =
                    value_inside(walker, leaf, path, info.def.name.as_str(), depth, visited)
                {
                    return Some(found);
                }
            }
        }
        let mut methods: Vec<_> = info.methods.values().copied().collect();
        methods.sort_unstable();
        for method in methods {
            let mut may_have_run: Option<bool> = None;
            // `self.processes.append(process)`: the item is stored in the container.
            // What a method that sends its own instance assigns after the send is not in it.
            let stores = crate::instance_items::method_stores(project, class_module, method);
            let item_count = stores.items.len();
            let assignments = stores.items.iter().cloned().chain(
                method_attribute_assignments(project, class_module, method)
                    .into_iter()
                    .filter(|assignment| stores.keeps(assignment.target)),
            );
            for (index, assignment) in assignments.enumerate() {
                if let Some(found) = member_inside(
                    walker,
                    class_module,
                    info,
                    method,
                    &assignment,
                    made_by,
                    &prefix,
                    depth,
                    visited,
                ) {
                    let found = if index < item_count {
                        Inside {
                            path: format!("{}[...]", found.path),
                            leaf: Leaf {
                                nested: true,
                                ..found.leaf
                            },
                            ..found
                        }
                    } else {
                        found
                    };
                    // A member a method creates lazily is there only if the
                    // method ran before the instance is pickled.
                    if *may_have_run.get_or_insert_with(|| {
                        crate::lazy_members::may_run_before_pickling(
                            project,
                            class_module,
                            class_id,
                            method,
                        )
                    }) {
                        return Some(found);
                    }
                }
            }
        }
    }
    None
}

/// What one `self.<attr> = value` of a method puts in the instance that
/// cannot be pickled, if anything.
#[allow(clippy::too_many_arguments)]
fn member_inside<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    class_module: usize,
    info: &crate::semantic::ClassInfo<'a>,
    method: crate::semantic::FunctionId,
    assignment: &crate::payload::AttributeAssignment<'a>,
    made_by: Option<Construction<'a>>,
    prefix: &str,
    depth: usize,
    visited: &mut Vec<(usize, ClassId)>,
) -> Option<Inside<'a>> {
    let project = walker.project;
    let (Some(value), Expr::Attribute(target)) = (assignment.value, assignment.target) else {
        return None;
    };
    let path = format!("{prefix}.{}", target.attr);
    let mut leaf = Leaf {
        module: class_module,
        expr: value,
        scope: assignment.scope,
        entered: false,
        holder: None,
        anchor: value,
        nested: false,
    };
    // `self.transform = transform` in `__init__`: what the constructor was given.
    if let Some(passed) = constructor_argument(project, &leaf, method, made_by) {
        leaf = passed;
    }
    // `self.t = t if t is not None else default` with `t` left at `None`.
    if let Some(taken) = constructor_branch(project, &leaf, method, made_by) {
        leaf = Leaf {
            expr: taken,
            anchor: taken,
            ..leaf
        };
    }
    value_inside(walker, leaf, path, info.def.name.as_str(), depth, visited)
}

/// What one value stored in an instance (by `self.<attr> = ...` or as a
/// dataclass field) holds that cannot be pickled, if anything.
fn value_inside<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: Leaf<'a>,
    path: String,
    holder: &str,
    depth: usize,
    visited: &mut Vec<(usize, ClassId)>,
) -> Option<Inside<'a>> {
    let project = walker.project;
    // A function of the main guard kept in an attribute (SPS105 says it where
    // it is sent directly).
    if let Value::Function(function) = project.models[leaf.module].resolve(leaf.expr, leaf.scope) {
        if let Some(name) =
            crate::module_objects::guard_function(&project.models[leaf.module], function)
        {
            return Some(Inside {
                path,
                holder: holder.to_string(),
                leaf,
                kind: ObjectKind::GuardFunction { name },
            });
        }
    }
    if let Some(kind) = classify(walker, &leaf, None) {
        if pickle_error(project, &leaf, &kind).is_some() {
            return Some(Inside {
                path,
                holder: holder.to_string(),
                leaf,
                kind,
            });
        }
        return None;
    }
    // A variable the constructor was given (`QueryResult(rows, connection)`):
    // what the value flow says it holds.
    if let Some(found) = named_value(walker, &leaf, &path, holder) {
        return Some(found);
    }
    if let Some(found) = default_factory(project, &leaf, &path, holder) {
        return Some(found);
    }
    if let Some(found) = crate::torch::inside_transform(walker, &leaf, &path, holder) {
        return Some(found);
    }
    if let Some(found) = in_container(walker, &leaf, &path, holder) {
        return Some(found);
    }
    let resolved = project.models[leaf.module].resolve(leaf.expr, leaf.scope);
    if let Some((inner_module, inner_class)) = instance_class(project, leaf.module, &resolved) {
        let inner_made_by = construction(
            &project.models[leaf.module],
            leaf.module,
            leaf.expr,
            leaf.scope,
        );
        if let Some(found) = walk(
            walker,
            inner_module,
            inner_class,
            inner_made_by,
            path,
            depth + 1,
            visited,
        ) {
            return Some(found);
        }
    }
    None
}

/// The expression a constructor call passed for the `__init__` parameter a
/// leaf reads (or the parameter's default when the call leaves it out).
pub(crate) fn constructor_argument<'a>(
    project: &Project<'_, 'a>,
    leaf: &Leaf<'a>,
    method: crate::semantic::FunctionId,
    made_by: Option<Construction<'a>>,
) -> Option<Leaf<'a>> {
    let model = &project.models[leaf.module];
    let index = model.parameter_index(leaf.expr, leaf.scope)?;
    let def = model.functions[method].def;
    if def.name.as_str() != "__init__" {
        return None;
    }
    let leaf_at = |module: usize, expr: &'a Expr, scope: ScopeId| Leaf {
        module,
        expr,
        scope,
        anchor: expr,
        ..*leaf
    };
    match made_by {
        Some(made_by) => match argument_of(made_by.call, def, index, true) {
            Argument::Passed(expr) => Some(leaf_at(made_by.module, expr, made_by.scope)),
            Argument::Default(Some(default)) => Some(leaf_at(
                leaf.module,
                default,
                model.functions[method].parent_scope,
            )),
            _ => None,
        },
        None => None,
    }
}

/// The branch of a conditional expression (or the operand of `t or default`)
/// stored by `__init__` that is the value for this construction: its test reads a parameter the constructor call leaves
/// at (or passes as) a falsy literal (see [`crate::branches`]).
fn constructor_branch<'a>(
    project: &Project<'_, 'a>,
    leaf: &Leaf<'a>,
    method: crate::semantic::FunctionId,
    made_by: Option<Construction<'a>>,
) -> Option<&'a Expr> {
    let (tested, when_falsy) = match leaf.expr {
        Expr::If(if_expr) => crate::branches::falsy_test(if_expr)?,
        Expr::BoolOp(bool_op) => crate::branches::falsy_or(bool_op)?,
        _ => return None,
    };
    let tested = Leaf {
        expr: tested,
        anchor: tested,
        ..*leaf
    };
    let passed = constructor_argument(project, &tested, method, made_by)?;
    crate::branches::falsy_literal(passed.expr).then_some(when_falsy)
}

/// A dataclass's fields are instance attributes: `__init__` stores each
/// default in the instance (`fn: Callable = lambda x: x`).
fn dataclass_defaults<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    class: ClassId,
    prefix: &str,
) -> Option<Inside<'a>> {
    let project = walker.project;
    let model = &project.models[module];
    let info = &model.classes[class];
    let is_dataclass = info.def.decorator_list.iter().any(|decorator| {
        let target = match &decorator.expression {
            Expr::Call(call) => call.func.as_ref(),
            other => other,
        };
        matches!(model.resolve(target, info.parent_scope), Value::Qualified(name) if name == "dataclasses.dataclass")
    });
    if !is_dataclass {
        return None;
    }
    for stmt in &info.def.body {
        let Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            annotation,
            value: Some(value),
            ..
        }) = stmt
        else {
            continue;
        };
        let Expr::Name(name) = target.as_ref() else {
            continue;
        };
        // A `ClassVar` stays on the class; an `InitVar` is never stored.
        if !crate::dataclass_fields::declares_field(model, annotation, info.scope) {
            continue;
        }
        // `field(default=v)` stores `v`; `field(default_factory=lambda: v)`
        // stores what the lambda returns (Lib/dataclasses.py `_field_init`).
        let stored = field_stored_value(model, value, info.scope);
        let value: &Expr = stored.map_or(value.as_ref(), |(stored, _)| stored);
        let in_factory = stored.is_some_and(|(_, in_factory)| in_factory);
        let leaf = Leaf {
            module,
            expr: value,
            scope: info.scope,
            entered: false,
            holder: None,
            anchor: value,
            nested: false,
        };
        if let Some(kind) = classify(walker, &leaf, None) {
            if pickle_error(project, &leaf, &kind).is_some() {
                return Some(Inside {
                    path: format!("{prefix}.{}", name.id),
                    holder: info.def.name.to_string(),
                    leaf,
                    kind,
                });
            }
        }
        let path = format!("{prefix}.{}", name.id);
        if let Some(mut found) = default_factory(project, &leaf, &path, &info.def.name) {
            // A lambda written inside the `default_factory` lambda is local to it.
            if in_factory && matches!(found.kind, ObjectKind::Lambda) {
                found.kind = ObjectKind::LocalFunction {
                    qualname: format!("{}.<lambda>.<locals>.<lambda>", info.qualname),
                };
            }
            return Some(found);
        }
    }
    None
}

/// What a dataclass field written as `field(...)` stores in each instance:
/// its `default`, or the body of a `default_factory` lambda (then `true`).
fn field_stored_value<'a>(
    model: &ModuleModel<'a>,
    value: &'a Expr,
    scope: ScopeId,
) -> Option<(&'a Expr, bool)> {
    let Expr::Call(call) = value else {
        return None;
    };
    if !matches!(model.resolve(&call.func, scope), Value::Qualified(name) if name == "dataclasses.field")
    {
        return None;
    }
    if let Some(default) = call.arguments.find_keyword("default") {
        return Some((&default.value, false));
    }
    match &call.arguments.find_keyword("default_factory")?.value {
        Expr::Lambda(lambda) => Some((lambda.body.as_ref(), true)),
        _ => None,
    }
}

/// Library base classes that pickle their instances by `__dict__` like
/// `object` (no `__reduce__`, `__getstate__` or `__slots__` of their own):
/// torch/utils/data/dataset.py `Dataset`/`IterableDataset` (`Generic` only);
/// Keras 2's `Sequence` (keras/utils/data_utils.py, `class Sequence:` with
/// `__getitem__`/`__len__`/`on_epoch_end`/`__iter__` only).
const PLAIN_BASES: &[&str] = &[
    "object",
    "abc.ABC",
    "typing.Generic",
    "torch.utils.data.Dataset",
    "torch.utils.data.dataset.Dataset",
    "torch.utils.data.IterableDataset",
    "torch.utils.data.dataset.IterableDataset",
    "keras.utils.Sequence",
    "keras.utils.data_utils.Sequence",
    "tensorflow.keras.utils.Sequence",
    "tf_keras.utils.Sequence",
];

/// A base the project does not define (other than the plain ones above) may
/// pickle its own way (`__reduce__` in C, a `__getstate__` we cannot see):
/// then stay silent.
fn bases_unknown(project: &Project, hierarchy: &[(usize, ClassId)]) -> bool {
    hierarchy.iter().any(|&(module, class)| {
        let model = &project.models[module];
        let info = &model.classes[class];
        let Some(arguments) = info.def.arguments.as_ref() else {
            return false;
        };
        if !arguments.keywords.is_empty() {
            return true;
        }
        let project_bases = project.project_bases_of(module, class).len();
        let plain = arguments
            .args
            .iter()
            .filter(|base| {
                let base = match base {
                    Expr::Subscript(subscript) => subscript.value.as_ref(),
                    other => other,
                };
                match model.resolve(base, info.parent_scope) {
                    Value::Qualified(name) => PLAIN_BASES.contains(&name.as_str()),
                    _ => matches!(base, Expr::Name(name) if name.id.as_str() == "object"),
                }
            })
            .count();
        arguments.args.len() > project_bases + plain
    })
}

/// A list, tuple, set or dict (display or comprehension) pickles its
/// elements: `self.convert = {name: lambda v: ... for name in names}`.
fn in_container<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
    path: &str,
    holder: &str,
) -> Option<Inside<'a>> {
    if !matches!(
        leaf.expr,
        Expr::List(_)
            | Expr::Tuple(_)
            | Expr::Set(_)
            | Expr::Dict(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
    ) {
        return None;
    }
    let project = walker.project;
    let flows = walker.flows(leaf.module, leaf.expr, leaf.scope, Shape::Whole);
    let found = problems(&flows, &mut |inner| classify(walker, inner, None));
    found.into_iter().find_map(|(inner, kind)| {
        pickle_error(project, &inner, &kind)?;
        Some(Inside {
            path: format!("{path}[...]"),
            holder: holder.to_string(),
            leaf: Leaf {
                anchor: inner.expr,
                ..inner
            },
            kind,
        })
    })
}

/// The unpicklable object a stored name surely holds, through the value
/// flow (every alternative must be one: unknown stays unknown).
fn named_value<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
    path: &str,
    holder: &str,
) -> Option<Inside<'a>> {
    // A variable, or an attribute of another object (`Record(name, sensor.lock)`).
    if !matches!(leaf.expr, Expr::Name(_) | Expr::Attribute(_)) {
        return None;
    }
    let project = walker.project;
    let flows = walker.flows(leaf.module, leaf.expr, leaf.scope, Shape::Whole);
    let found = problems(&flows, &mut |inner| classify(walker, inner, None));
    found.into_iter().find_map(|(inner, kind)| {
        pickle_error(project, &inner, &kind)?;
        // The attribute read is where this instance gets it: the object is made
        // (and kept) by the other instance, whose own pickling is not at issue.
        let leaf = match leaf.expr {
            Expr::Attribute(_) => Leaf {
                anchor: leaf.expr,
                ..*leaf
            },
            _ => Leaf {
                anchor: inner.expr,
                ..inner
            },
        };
        Some(Inside {
            path: path.to_string(),
            holder: holder.to_string(),
            leaf,
            kind,
        })
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
        ObjectKind::GuardFunction { name } => {
            return Some(ErrorText::new(format!(
                "AttributeError: Can't get attribute '{name}' on <module '__mp_main__' from '...'>"
            )))
        }
        ObjectKind::Lambda => {
            let model = &project.models[leaf.module];
            match model.scopes[leaf.scope].kind {
                ScopeKind::Function(function) => {
                    format!("{}.<locals>.<lambda>", model.functions[function].qualname)
                }
                // A lambda in a class body is named `Class.<lambda>`.
                ScopeKind::Class(class) => {
                    let name = format!("{}.<lambda>", model.classes[class].qualname);
                    return Some(ErrorText::new(format!(
                        "_pickle.PicklingError: Can't pickle <function {name} ...>: attribute lookup {name} on __main__ failed"
                    )));
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
