//! The fix for a module global that a pool's tasks read and the parent sets
//! at run time (in the main guard, or in a function through `global`): a
//! spawn worker re-imports the module and sees the import-time value, or no
//! name at all. Under fork a worker inherits the parent's memory when the
//! pool starts it, which `Pool(...)` and `ProcessPoolExecutor(...)` do when
//! they are created; so the fix sends the values the globals have at that
//! moment through the pool's initializer:
//!
//! ```python
//! def _inherit_CONFIG(value):
//!     global CONFIG
//!     CONFIG = value
//!
//! with Pool(2, initializer=_inherit_CONFIG, initargs=(CONFIG,)) as pool:
//! ```
//!
//! A pool that has an initializer already is left alone.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::free_names::locals_of;
use super::hoist::{insert_before, top_level, Context};
use super::{Edit, Fix};
use crate::semantic::api::{classify, Api};
use crate::semantic::{BindingKind, ScopeId, Value, MODULE_SCOPE};

/// Sends the global `name` to the workers of the pool that `site` (a task
/// function sent by `pool.map(...)`, `executor.submit(...)`) goes to.
pub fn inherit_fix(context: &Context, name: &str, site: TextRange) -> Option<Fix> {
    let model = context.model;
    if !is_identifier(name) {
        return None;
    }
    // A value: a class, function or module pickles by name, and the worker
    // would get its own again (a class attribute the parent set stays unset).
    if model.scopes[MODULE_SCOPE]
        .bindings
        .get(name)
        .is_some_and(|bindings| {
            bindings.iter().any(|b| {
                !matches!(
                    b.kind,
                    BindingKind::Assign(_) | BindingKind::Unpacked { .. } | BindingKind::Other
                )
            })
        })
    {
        return None;
    }
    let (call, scope) = sending_call(context, site)?;
    let pool = pool_constructor(context, call, scope)?;
    // The name read at the pool must be the module's global.
    let function = model
        .functions
        .iter()
        .filter(|f| f.def.range.contains_range(pool.range()))
        .min_by_key(|f| f.def.range.len());
    if let Some(function) = function {
        let locals = locals_of(function.def);
        if locals.locals.contains(name) && !locals.globals.contains(name) {
            return None;
        }
    }
    let keywords = &pool.arguments.keywords;
    if keywords.iter().any(|k| k.arg.is_none()) || pool.arguments.args.len() > 1 {
        return None;
    }
    let keyword = |wanted: &str| {
        keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == wanted))
    };
    if let (Some(initializer), Some(initargs)) = (keyword("initializer"), keyword("initargs")) {
        // An initializer an earlier fix made for other globals takes this one too.
        return merge_fix(context, name, &initializer.value, &initargs.value);
    }
    if keyword("initializer").is_some() || keyword("initargs").is_some() {
        return None;
    }
    let helper = format!("_inherit_{name}");
    if model
        .scopes
        .iter()
        .any(|scope| scope.bindings.contains_key(helper.as_str()))
    {
        return None;
    }
    let parameter = if name == "value" {
        "parent_value"
    } else {
        "value"
    };
    let mut edits = Vec::new();
    let last = pool
        .arguments
        .args
        .iter()
        .map(Ranged::end)
        .chain(keywords.iter().map(Ranged::end))
        .max();
    let separator = if last.is_some() { ", " } else { "" };
    let at = last.unwrap_or(pool.arguments.range.start() + TextSize::from(1));
    edits.push(Edit::insertion(
        format!("{separator}initializer={helper}, initargs=({name},)"),
        at,
    ));
    let top = top_level(model.body, pool.range().start())?;
    let newline = context.style.newline;
    let indent = &context.style.indent;
    let code = format!(
        "def {helper}({parameter}):{newline}{indent}# The value the parent's `{name}` has when the pool starts, as fork would give it{newline}{indent}global {name}{newline}{indent}{name} = {parameter}{newline}"
    );
    edits.push(insert_before(context, top, &code));
    Some(Fix::unsafe_because(
        format!("Send `{name}` to the pool's workers through its `initializer`"),
        format!(
            "each worker gets a copy of the value `{name}` has when the pool is created (what fork gives it), which must pickle; later changes in the parent do not reach the workers"
        ),
        edits,
    ))
}

/// Adds the global `name` to the initializer `_inherit_X` (or
/// `_inherit_globals`) that an earlier fix gave the pool, whose `initargs`
/// are the globals it sets, in order:
///
/// ```python
/// def _inherit_globals(*values):
///     global mode, cutoff
///     mode, cutoff = values
///
/// Pool(2, initializer=_inherit_globals, initargs=(mode, cutoff))
/// ```
fn merge_fix(context: &Context, name: &str, initializer: &Expr, initargs: &Expr) -> Option<Fix> {
    let model = context.model;
    let Expr::Name(helper) = initializer else {
        return None;
    };
    let Expr::Tuple(arguments) = initargs else {
        return None;
    };
    let helper_name = helper.id.as_str();
    let bindings = model.scopes[MODULE_SCOPE].bindings.get(helper_name)?;
    let [binding] = bindings.as_slice() else {
        return None;
    };
    let BindingKind::Function(function) = binding.kind else {
        return None;
    };
    let info = model.functions.get(function)?;
    let globals = inherited_globals(info.def)?;
    if globals.contains(&name)
        || globals.len() != arguments.elts.len()
        || super::free_names::count_name_uses(model.body, helper_name) != 1
        || arguments.elts.iter().zip(&globals).any(
            |(argument, global)| !matches!(argument, Expr::Name(n) if n.id.as_str() == *global),
        )
    {
        return None;
    }
    let merged = "_inherit_globals";
    if helper_name != merged
        && model
            .scopes
            .iter()
            .any(|scope| scope.bindings.contains_key(merged))
    {
        return None;
    }
    let mut names = globals.clone();
    names.push(name);
    let list = names.join(", ");
    let newline = context.style.newline;
    let indent = &context.style.indent;
    let code = format!(
        "def {merged}(*values):{newline}{indent}# The values the parent's globals have when the pool starts, as fork would give them{newline}{indent}global {list}{newline}{indent}{list} = values"
    );
    Some(Fix::unsafe_because(
        format!("Send `{name}` to the pool's workers through its `initializer`, with {}", {
            globals
                .iter()
                .map(|g| format!("`{g}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }),
        format!(
            "each worker gets a copy of the value `{name}` has when the pool is created (what fork gives it), which must pickle; later changes in the parent do not reach the workers"
        ),
        vec![
            Edit::replacement(code, info.def.range),
            Edit::replacement(merged, helper.range),
            Edit::replacement(format!("({list})"), arguments.range),
        ],
    ))
}

/// The globals an initializer made by this fix sets from its parameters:
/// `def h(value): global X; X = value` or
/// `def h(*values): global X, Y; X, Y = values`.
fn inherited_globals(def: &ast::StmtFunctionDef) -> Option<Vec<&str>> {
    let parameters = &def.parameters;
    if !def.decorator_list.is_empty()
        || def.is_async
        || parameters.kwarg.is_some()
        || !parameters.kwonlyargs.is_empty()
        || !parameters.posonlyargs.is_empty()
    {
        return None;
    }
    let [ast::Stmt::Global(global), ast::Stmt::Assign(assign)] = def.body.as_slice() else {
        return None;
    };
    let [target] = assign.targets.as_slice() else {
        return None;
    };
    let Expr::Name(source) = &*assign.value else {
        return None;
    };
    let names: Vec<&str> = global.names.iter().map(|n| n.as_str()).collect();
    let assigned: Vec<&str> = match (target, &parameters.vararg, parameters.args.as_slice()) {
        (Expr::Name(single), None, [parameter])
            if parameter.default.is_none()
                && parameter.parameter.name.as_str() == source.id.as_str() =>
        {
            vec![single.id.as_str()]
        }
        (Expr::Tuple(tuple), Some(values), []) if values.name.as_str() == source.id.as_str() => {
            tuple
                .elts
                .iter()
                .map(|e| match e {
                    Expr::Name(n) => Some(n.id.as_str()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?
        }
        _ => return None,
    };
    (assigned == names).then_some(names)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// The call whose first argument is the task function at `site`
/// (`pool.map(work, ...)`), and the scope it is written in.
pub(super) fn sending_call<'a>(
    context: &Context<'_, 'a>,
    site: TextRange,
) -> Option<(&'a ast::ExprCall, ScopeId)> {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Find<'a> {
        site: TextRange,
        found: Option<&'a ast::ExprCall>,
    }
    impl<'a> Visitor<'a> for Find<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                if call
                    .arguments
                    .args
                    .first()
                    .is_some_and(|a| a.range() == self.site)
                {
                    self.found = Some(call);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut find = Find { site, found: None };
    find.visit_body(context.model.body);
    let call = find.found?;
    let model = context.model;
    let scope = model
        .functions
        .iter()
        .filter(|f| f.def.range.contains_range(call.range()))
        .min_by_key(|f| f.def.range.len())
        .map_or(MODULE_SCOPE, |f| f.scope);
    Some((call, scope))
}

/// The `Pool(...)`/`ProcessPoolExecutor(...)` call that made the receiver of
/// `pool.map(...)`: its one binding in `scope`, by assignment or `with ... as`.
pub(super) fn pool_constructor<'a>(
    context: &Context<'_, 'a>,
    call: &'a ast::ExprCall,
    scope: ScopeId,
) -> Option<&'a ast::ExprCall> {
    let model = context.model;
    let Expr::Attribute(method) = &*call.func else {
        return None;
    };
    let Expr::Name(receiver) = &*method.value else {
        return None;
    };
    let (_, bindings) = model.lookup(receiver.id.as_str(), scope)?;
    let [binding] = bindings else {
        return None;
    };
    let made_by = match &binding.kind {
        BindingKind::Assign(expr) | BindingKind::WithItem(expr) => *expr,
        _ => return None,
    };
    let Expr::Call(constructor) = made_by else {
        return None;
    };
    let api = match model.resolve(&constructor.func, scope) {
        Value::Qualified(name) => classify(&name),
        Value::ContextApi { api, .. } => Some(api),
        _ => None,
    };
    let is_pool = matches!(api, Some(Api::ProcessPool | Api::ProcessExecutor));
    is_pool.then_some(constructor)
}

/// [`inherit_fix`] in the checker's file.
pub fn fix_in(
    checker: &crate::rules::Checker,
    name: &str,
    site: (usize, TextRange),
) -> Option<Fix> {
    if site.0 != checker.module || checker.project.paths[checker.module].is_interactive_main() {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    inherit_fix(&context, name, site.1)
}
