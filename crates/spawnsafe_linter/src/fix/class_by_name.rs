//! The fix for an instance of a class made by `namedtuple("Name", ...)` or
//! `Enum("Name", ...)` that pickle cannot find again by its name.
//!
//! Pickle saves such a class by reference to `module.typename` (the factory
//! sets `__module__` from its caller and `__qualname__` to the typename,
//! Lib/collections/__init__.py `namedtuple`, Lib/enum.py `_create_`), so:
//!
//! - made inside a function (`Point = namedtuple("Point", ...)` in `f`): the
//!   assignment moves to module level when what it reads means the same
//!   there; every run of `f` then shares one class (unsafe);
//! - made in a class body: the assignment moves to module level, right
//!   before the class, and the class body keeps the name (`Task = Task`);
//! - bound at module level to another name (`nt = namedtuple("usage", ...)`):
//!   the module also binds the typename to it (`usage = nt`) when nothing
//!   else uses that name, or else the typename becomes the variable's name
//!   (unsafe: `repr()` and `__name__` change).

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextSize};

use super::hoist::{self, Context, Definition};
use super::lines::line_end;
use super::{Edit, Fix};
use crate::semantic::{BindingKind, ScopeKind, MODULE_SCOPE};
use spawnsafe_flow::boundary::UnfindableClass;

/// The fix for `class`, found in the checked module.
pub fn fix_in(checker: &crate::rules::Checker, class: &UnfindableClass) -> Option<Fix> {
    if checker.project.paths[checker.module].is_interactive_main() {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    class_fix(&context, class)
}

pub fn class_fix(context: &Context, class: &UnfindableClass) -> Option<Fix> {
    let model = context.model;
    let variable = class.variable.as_str();
    // The one assignment that makes it: `variable = factory("typename", ...)`.
    let mut found = None;
    for (scope, data) in model.scopes.iter_enumerated() {
        for binding in data.bindings.get(variable).into_iter().flatten() {
            let BindingKind::Assign(Expr::Call(call)) = binding.kind else {
                continue;
            };
            let named = call
                .arguments
                .args
                .first()
                .and_then(crate::semantic::string_literal);
            if named == Some(class.typename.as_str()) {
                if found.is_some() {
                    return None;
                }
                found = Some((scope, call));
            }
        }
    }
    let (scope, call) = found?;
    let assignment = |body| assignment_in(body, call.range(), variable);
    match model.scopes[scope].kind {
        ScopeKind::Function(function) => {
            if class.typename != variable {
                return None;
            }
            let def = model.functions[function].def;
            let assign = assignment(&def.body)?;
            hoist::nested_fix(context, Definition::ClassFactory(assign), def, scope, None)
        }
        ScopeKind::Class(holder) => {
            let info = &model.classes[holder];
            if class.typename != variable || info.parent_scope != MODULE_SCOPE {
                return None;
            }
            let assign = assignment(&info.def.body)?;
            class_body_fix(context, assign, info.def)
        }
        ScopeKind::Module => module_fix(context, class, scope),
    }
}

/// Moves `Task = namedtuple("Task", ...)` out of a module-level class body
/// to right before the class; the body keeps `Task = Task`.
fn class_body_fix(
    context: &Context,
    assign: &ast::StmtAssign,
    holder: &ast::StmtClassDef,
) -> Option<Fix> {
    let model = context.model;
    let name = Definition::ClassFactory(assign).name();
    let top = hoist::top_level(model.body, holder.range.start())?;
    if top.range() != holder.range || !hoist::name_is_free_for(context, name) {
        return None;
    }
    // Everything it reads is a module-level name bound before the class
    // (a name of the class body itself would not be there).
    let reads = hoist::plain_expression_names(&assign.value)?;
    for read in &reads {
        let read = read.id.as_str();
        if holder_binds(model, holder, read) {
            return None;
        }
        if !hoist::module_name_before(context, read, holder.range.start()) {
            return None;
        }
    }
    let text = context.text;
    let statement = &text[assign.range()];
    if statement.contains(['\n', '\r']) {
        return None;
    }
    let code = format!("{statement}{}", context.style.newline);
    Some(Fix::safe(
        format!(
            "Make `{name}` at module level, where pickle looks it up, and keep it in the class"
        ),
        vec![
            hoist::insert_before(context, top, &code),
            Edit::replacement(format!("{name} = {name}"), assign.range()),
        ],
    ))
}

fn holder_binds(
    model: &crate::semantic::ModuleModel,
    holder: &ast::StmtClassDef,
    name: &str,
) -> bool {
    model.classes.iter().any(|info| {
        std::ptr::eq(info.def, holder)
            && model.scopes[info.scope]
                .bindings
                .get(name)
                .is_some_and(|bindings| !bindings.is_empty())
    })
}

/// `nt = namedtuple("usage", ...)` at module level: bind `usage` too, or
/// rename the type.
fn module_fix(
    context: &Context,
    class: &UnfindableClass,
    scope: crate::semantic::ScopeId,
) -> Option<Fix> {
    let model = context.model;
    let variable = class.variable.as_str();
    let typename = class.typename.as_str();
    let [binding] = model.scopes[scope].bindings.get(variable)?.as_slice() else {
        return None;
    };
    if binding.in_main_guard {
        return None;
    }
    let BindingKind::Assign(Expr::Call(call)) = binding.kind else {
        return None;
    };
    let statement = hoist::top_level(model.body, call.range().start())?;
    let Stmt::Assign(assign) = statement else {
        return None;
    };
    if assign.value.range() != call.range() {
        return None;
    }
    let literal = call.arguments.args.first()?;
    if hoist::name_is_unused(context, typename) {
        // `usage = nt_diskinfo` right after the assignment.
        let newline = context.style.newline;
        let end = line_end(context.text, statement.end().to_usize());
        let at = TextSize::try_from(end).ok()?;
        let ends_line = context.text[..end].ends_with(['\n', '\r']);
        let code = if ends_line {
            format!("{typename} = {variable}{newline}")
        } else {
            format!("{newline}{typename} = {variable}")
        };
        return Some(Fix::safe(
            format!("Bind `{typename}`, the name `{variable}`'s class pickles by, at module level"),
            vec![Edit::insertion(code, at)],
        ));
    }
    // Give the type the variable's name, quoted the way the file quotes it.
    let written = &context.text[literal.range()];
    let quote = written.chars().last().filter(|c| matches!(c, '"' | '\''))?;
    if !written.starts_with(quote) {
        return None;
    }
    Some(Fix::unsafe_because(
        format!("Name the class `{variable}`, the module-level name pickle looks it up by"),
        format!("the class's `__name__` and its instances' `repr()` say `{variable}` instead of `{typename}`"),
        vec![Edit::replacement(
            format!("{quote}{variable}{quote}"),
            literal.range(),
        )],
    ))
}

/// The fix for a value sent through a channel or returned by a task that
/// fails only because its class pickles by a name the child cannot find.
pub fn unpicklable_fix_in(
    checker: &crate::rules::Checker,
    what: &spawnsafe_flow::channels::Unpicklable,
) -> Option<Fix> {
    use spawnsafe_flow::channels::Unpicklable;
    use spawnsafe_flow::objects::ObjectKind;
    match what {
        Unpicklable::Object {
            leaf,
            kind: ObjectKind::ClassByName(class),
            ..
        } if leaf.module == checker.module => fix_in(checker, class),
        Unpicklable::LocalClassInstance { leaf, qualname } if leaf.module == checker.module => {
            local_class_fix_in(checker, qualname)
        }
        _ => None,
    }
}

/// Moves the class defined inside a function whose qualified name is
/// `qualname` to module level (see [`hoist::nested_fix`]).
fn local_class_fix_in(checker: &crate::rules::Checker, qualname: &str) -> Option<Fix> {
    if checker.project.paths[checker.module].is_interactive_main() {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    let model = context.model;
    let mut classes = model
        .classes
        .iter()
        .filter(|info| info.qualname == qualname);
    let info = classes.next()?;
    if classes.next().is_some() || !info.is_local {
        return None;
    }
    let ScopeKind::Function(parent) = model.scopes[info.parent_scope].kind else {
        return None;
    };
    hoist::nested_fix(
        &context,
        Definition::Class(info.def),
        model.functions[parent].def,
        info.parent_scope,
        None,
    )
}

/// The statement `variable = <value at value_range>` of `body`.
fn assignment_in<'b>(
    body: &'b [Stmt],
    value_range: ruff_text_size::TextRange,
    variable: &str,
) -> Option<&'b ast::StmtAssign> {
    body.iter().find_map(|stmt| match stmt {
        Stmt::Assign(assign)
            if assign.value.range() == value_range
                && matches!(assign.targets.as_slice(), [Expr::Name(target)] if target.id.as_str() == variable) =>
        {
            Some(assign)
        }
        _ => None,
    })
}
