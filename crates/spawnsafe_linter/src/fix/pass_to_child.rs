//! The fix for a module-level `multiprocessing` object (`Queue`, `Event`,
//! `Lock`, `Value`, ...) that a `Process` target uses as a global: under
//! spawn the child re-imports the module and makes one of its own, so nothing
//! is shared. The fix passes the parent's object to the child through the
//! `Process`'s `kwargs` (pickled while spawning, where these objects may
//! travel) and lets the target take it as a keyword-only parameter that
//! shadows the global:
//!
//! ```python
//! def worker(i, *, STARTED=STARTED): ...
//! multiprocessing.Process(target=worker, args=(i,), kwargs={"STARTED": STARTED})
//! ```
//!
//! The default keeps any other call of the function working as before.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::free_names::{count_name_uses, locals_of};
use super::hoist::Context;
use super::{Edit, Fix};
use crate::semantic::{BindingKind, FunctionId, MODULE_SCOPE};

/// Passes the module-level `name` to every `Process(target=<root>)` of the
/// module and makes it a parameter of `root`. `site` is the `target=` value
/// the finding names.
pub fn pass_to_process_fix(
    context: &Context,
    name: &str,
    root: FunctionId,
    site: TextRange,
) -> Option<Fix> {
    let model = context.model;
    let info = model.functions.get(root)?;
    let def = info.def;
    if info.parent_scope != MODULE_SCOPE || info.class.is_some() || info.in_main_guard {
        return None;
    }
    // The module binds it once, outside the guard.
    let bindings = model.scopes[MODULE_SCOPE].bindings.get(name)?;
    if bindings.len() != 1 || bindings[0].in_main_guard {
        return None;
    }
    // The default is evaluated at import: a name a function binds (`global`) is not there yet.
    if spawnsafe_flow::globals::import_time_bindings(model, name).is_empty() {
        return None;
    }
    let locals = locals_of(def);
    if locals.locals.contains(name) || locals.globals.contains(name) {
        return None;
    }
    if count_name_uses(&def.body, name) == 0 || def.parameters.kwarg.is_some() {
        return None;
    }
    if def.parameters.iter().any(|p| p.name().as_str() == name) {
        return None;
    }
    // Every use of the function is a `target=` of a call that can take `kwargs`.
    let root_name = def.name.as_str();
    let targets = target_calls(model.body, root_name);
    if targets.is_empty()
        || !targets.iter().any(|(value, _)| *value == site)
        || count_name_uses(model.body, root_name) != targets.len()
    {
        return None;
    }
    let mut edits = Vec::new();
    for (_, call) in &targets {
        if call
            .arguments
            .keywords
            .iter()
            .any(|keyword| keyword.arg.is_none())
        {
            return None;
        }
        // The name read at the call must be the module's.
        if model.functions.iter().any(|f| {
            f.def.range.contains_range(call.range()) && locals_of(f.def).locals.contains(name)
        }) {
            return None;
        }
        let kwargs = call.arguments.keywords.iter().find(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_some_and(|arg| arg.as_str() == "kwargs")
        });
        match kwargs.map(|keyword| &keyword.value) {
            // `kwargs={"other": other}`: one more item.
            Some(Expr::Dict(dict)) => {
                let last = dict.items.last()?;
                // `**other` as the last item: where a new key goes is not clear.
                last.key.as_ref()?;
                edits.push(Edit::insertion(
                    format!(", \"{name}\": {name}"),
                    last.value.end(),
                ));
            }
            Some(_) => return None,
            None => {
                let last = call
                    .arguments
                    .args
                    .iter()
                    .map(Ranged::end)
                    .chain(call.arguments.keywords.iter().map(Ranged::end))
                    .max()?;
                edits.push(Edit::insertion(
                    format!(", kwargs={{\"{name}\": {name}}}"),
                    last,
                ));
            }
        }
    }
    edits.push(parameter_edit(def, name)?);
    Some(Fix::unsafe_because(
        format!("Pass the parent's `{name}` to `{root_name}` through the `Process` `kwargs`"),
        format!(
            "the child uses the parent's `{name}` (as under fork) instead of the one its own import of the module makes, and `{root_name}` takes a new keyword-only parameter"
        ),
        edits,
    ))
}

/// `name=name` as a keyword-only parameter, after the last parameter.
fn parameter_edit(def: &ast::StmtFunctionDef, name: &str) -> Option<Edit> {
    let parameters = &def.parameters;
    let keyword_only = parameters.vararg.is_some() || !parameters.kwonlyargs.is_empty();
    let last_end: Option<TextSize> = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .map(Ranged::end)
        .chain(parameters.vararg.as_deref().map(Ranged::end))
        .chain(parameters.kwonlyargs.iter().map(Ranged::end))
        .max();
    match last_end {
        Some(end) if keyword_only => Some(Edit::insertion(format!(", {name}={name}"), end)),
        Some(end) => Some(Edit::insertion(format!(", *, {name}={name}"), end)),
        // `def worker():`: right after the opening parenthesis.
        None => Some(Edit::insertion(
            format!("*, {name}={name}"),
            parameters.range.start() + TextSize::from(1),
        )),
    }
}

/// Every call with `target=<name>`: the keyword's value range and the call.
fn target_calls<'a>(body: &'a [ast::Stmt], name: &str) -> Vec<(TextRange, &'a ast::ExprCall)> {
    struct Calls<'a, 'n> {
        name: &'n str,
        found: Vec<(TextRange, &'a ast::ExprCall)>,
    }
    impl<'a> Visitor<'a> for Calls<'a, '_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                for keyword in &call.arguments.keywords {
                    if keyword
                        .arg
                        .as_ref()
                        .is_some_and(|arg| arg.as_str() == "target")
                        && matches!(&keyword.value, Expr::Name(n) if n.id.as_str() == self.name)
                    {
                        self.found.push((keyword.value.range(), call));
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls {
        name,
        found: Vec::new(),
    };
    calls.visit_body(body);
    calls.found
}

/// [`pass_to_process_fix`] in the checker's file.
pub fn fix_in(
    checker: &crate::rules::Checker,
    name: &str,
    root: (usize, FunctionId),
    site: (usize, TextRange),
) -> Option<Fix> {
    if root.0 != checker.module || site.0 != checker.module {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    pass_to_process_fix(&context, name, root.1, site.1)
}

/// [`fix_in`] for a plain module global (a dict, a list, a random generator)
/// that the parent changes in place at run time before it starts the child:
/// under fork the child has the parent's copy as `start()` found it, and
/// `kwargs` pickles that same state at `start()` under spawn. A class,
/// function or module is left alone: it pickles by name, so the child would
/// get its own again (a class attribute the parent set stays unset).
pub fn global_fix_in(
    checker: &crate::rules::Checker,
    name: &str,
    root: (usize, FunctionId),
    site: (usize, TextRange),
) -> Option<Fix> {
    let model = &checker.project.models[checker.module];
    let bindings = model.scopes[MODULE_SCOPE].bindings.get(name)?;
    if !bindings
        .iter()
        .all(|b| matches!(b.kind, BindingKind::Assign(value) if !is_definition_reference(value)))
    {
        return None;
    }
    fix_in(checker, name, root, site)
}

/// `X = other_name` or `X = module.attr` may name a class or a function,
/// which pickle by name: the value is not known to carry state.
fn is_definition_reference(value: &Expr) -> bool {
    matches!(value, Expr::Name(_) | Expr::Attribute(_))
}
