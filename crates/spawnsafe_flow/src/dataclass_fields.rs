//! What the `__init__` that `@dataclass` writes stores: every field with
//! `init=True` becomes a parameter, in the order the annotations appear, and
//! the body assigns `self.<field> = <field>` (Lib/dataclasses.py `_init_fn`,
//! `_field_init`). So a construction's arguments are the instance's
//! attributes, and pickling the instance pickles them (`Settings(backend=m)`
//! sent with a task carries `m`). Only what the code shows is used: a
//! dataclass with its own `__init__`, `init=False`, a base that is a
//! dataclass (its fields come first), `*args`/`**kwargs` in the call, or
//! keyword-only fields used positionally say nothing.

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::contents::Construction;
use crate::payload::Leaf;
use crate::project::Project;
use crate::semantic::{ClassId, ModuleModel, ScopeId, Value};

/// The arguments a construction passes for the fields of a dataclass its
/// generated `__init__` stores: (field name, the argument as a leaf).
pub(crate) fn field_arguments<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    class: ClassId,
    made_by: Construction<'a>,
) -> Vec<(&'a str, Leaf<'a>)> {
    let model = &project.models[module];
    let info = &model.classes[class];
    let Some(options) = dataclass_options(model, info.def, info.parent_scope) else {
        return Vec::new();
    };
    if info.methods.contains_key("__init__") || keyword_false(options, "init") {
        return Vec::new();
    }
    // Fields of a dataclass base come first: positions would shift.
    let positional_ok = !keyword_true(options, "kw_only")
        && info
            .def
            .bases()
            .iter()
            .all(|base| is_object(model, base, info.parent_scope));
    let call = made_by.call;
    if call.arguments.keywords.iter().any(|k| k.arg.is_none())
        || call
            .arguments
            .args
            .iter()
            .any(|a| matches!(a, Expr::Starred(_)))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut position = 0;
    let mut keyword_only = false;
    for stmt in &info.def.body {
        let Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            annotation,
            value,
            ..
        }) = stmt
        else {
            continue;
        };
        let Expr::Name(name) = target.as_ref() else {
            continue;
        };
        match annotation_kind(model, annotation, info.scope) {
            Annotation::ClassVar => continue,
            Annotation::KwOnlyMarker => {
                keyword_only = true;
                continue;
            }
            Annotation::InitVar => {
                // A parameter of `__init__` that is not stored.
                position += 1;
                continue;
            }
            Annotation::Field => {}
        }
        let field_call = value
            .as_deref()
            .and_then(|value| dataclass_field_call(model, value, info.scope));
        if field_call.is_some_and(|f| keyword_false(Some(&f.arguments), "init")) {
            continue;
        }
        let this_keyword_only =
            keyword_only || field_call.is_some_and(|f| keyword_true(Some(&f.arguments), "kw_only"));
        let field = name.id.as_str();
        let passed = call
            .arguments
            .find_keyword(field)
            .map(|keyword| &keyword.value)
            .or_else(|| {
                (positional_ok && !this_keyword_only)
                    .then(|| call.arguments.args.get(position))
                    .flatten()
            });
        if !this_keyword_only {
            position += 1;
        }
        if let Some(expr) = passed {
            out.push((
                field,
                Leaf {
                    module: made_by.module,
                    expr,
                    scope: made_by.scope,
                    entered: false,
                    holder: None,
                    anchor: expr,
                    nested: false,
                },
            ));
        }
    }
    out
}

/// The arguments of `@dataclass(...)` (`Some(None)` for a bare `@dataclass`).
fn dataclass_options<'a>(
    model: &ModuleModel<'a>,
    def: &'a ast::StmtClassDef,
    scope: ScopeId,
) -> Option<Option<&'a ast::Arguments>> {
    def.decorator_list.iter().find_map(|decorator| {
        let (target, arguments) = match &decorator.expression {
            Expr::Call(call) => (call.func.as_ref(), Some(&call.arguments)),
            other => (other, None),
        };
        matches!(model.resolve(target, scope), Value::Qualified(name) if name == "dataclasses.dataclass")
            .then_some(arguments)
    })
}

fn dataclass_field_call<'a>(
    model: &ModuleModel<'a>,
    value: &'a Expr,
    scope: ScopeId,
) -> Option<&'a ast::ExprCall> {
    let Expr::Call(call) = value else {
        return None;
    };
    matches!(model.resolve(&call.func, scope), Value::Qualified(name) if name == "dataclasses.field")
        .then_some(call)
}

fn keyword_literal(arguments: &ast::Arguments, name: &str) -> Option<bool> {
    match &arguments.find_keyword(name)?.value {
        Expr::BooleanLiteral(literal) => Some(literal.value),
        _ => None,
    }
}

/// The keyword is given and may be false (an unknown value counts as "may").
fn keyword_false(arguments: Option<&ast::Arguments>, name: &str) -> bool {
    arguments.is_some_and(|arguments| {
        arguments.find_keyword(name).is_some() && keyword_literal(arguments, name) != Some(true)
    })
}

/// The keyword is given and may be true.
fn keyword_true(arguments: Option<&ast::Arguments>, name: &str) -> bool {
    arguments.is_some_and(|arguments| {
        arguments.find_keyword(name).is_some() && keyword_literal(arguments, name) != Some(false)
    })
}

fn is_object(model: &ModuleModel, base: &Expr, scope: ScopeId) -> bool {
    matches!(base, Expr::Name(name) if name.id.as_str() == "object" && model.lookup("object", scope).is_none())
}

/// A class-body annotation of a dataclass declares an instance field (not a
/// `ClassVar`, an `InitVar` or the `KW_ONLY` marker, which store nothing in
/// the instance).
pub(crate) fn declares_field(model: &ModuleModel, annotation: &Expr, scope: ScopeId) -> bool {
    matches!(annotation_kind(model, annotation, scope), Annotation::Field)
}

enum Annotation {
    Field,
    ClassVar,
    InitVar,
    KwOnlyMarker,
}

fn annotation_kind(model: &ModuleModel, annotation: &Expr, scope: ScopeId) -> Annotation {
    let head = match annotation {
        Expr::Subscript(subscript) => subscript.value.as_ref(),
        // A string annotation may name ClassVar: a field is only assumed for a plain one.
        Expr::StringLiteral(literal) => {
            let text = literal.value.to_str();
            if text.contains("ClassVar") {
                return Annotation::ClassVar;
            }
            if text.contains("InitVar") {
                return Annotation::InitVar;
            }
            return Annotation::Field;
        }
        other => other,
    };
    match model.resolve(head, scope) {
        Value::Qualified(name) if name == "typing.ClassVar" => Annotation::ClassVar,
        Value::Qualified(name) if name == "dataclasses.InitVar" => Annotation::InitVar,
        Value::Qualified(name) if name == "dataclasses.KW_ONLY" => Annotation::KwOnlyMarker,
        _ => Annotation::Field,
    }
}
