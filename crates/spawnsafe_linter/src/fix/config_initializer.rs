//! The SPS301 fix for interpreter configuration that the parent sets at run
//! time before it makes a pool (`sys.setrecursionlimit(10000)`,
//! `warnings.simplefilter("error")`, `log.setLevel(logging.DEBUG)`): the
//! pool's workers run the same call through an initializer.
//!
//! ```python
//! def _configure_worker():
//!     sys.setrecursionlimit(10000)
//!
//! with multiprocessing.Pool(2, initializer=_configure_worker) as pool:
//! ```
//!
//! A forked worker inherits the parent's interpreter state when the pool
//! starts it; a spawned one starts a fresh interpreter and re-imports the
//! module, where the call never ran. Offered when the call is a statement of
//! its own whose receiver and arguments mean the same at module level
//! (imported modules, builtins, module-level names bound outside the guard,
//! literals), and the pool has no initializer yet.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::hoist::{insert_before, top_level, Context};
use super::inherit_globals::{pool_constructor, sending_call};
use super::{Edit, Fix};
use crate::globals::is_builtin;
use crate::semantic::{ScopeId, MODULE_SCOPE};

/// Runs the configuration call at `config` in the workers of the pool that
/// `site` (a task function sent by `pool.map(...)`) goes to.
pub fn config_fix(context: &Context, config: TextRange, site: TextRange) -> Option<Fix> {
    let model = context.model;
    let statement = statement_at(model.body, config)?;
    let Expr::Call(call) = &*statement.value else {
        return None;
    };
    let call_scope = model
        .functions
        .iter()
        .filter(|f| f.def.range.contains_range(call.range()))
        .min_by_key(|f| f.def.range.len())
        .map_or(MODULE_SCOPE, |f| f.scope);
    if context.text[statement.value.range()].contains(['\n', '\r']) {
        return None;
    }
    let (sender, scope) = sending_call(context, site)?;
    let pool = pool_constructor(context, sender, scope)?;
    // Arguments read from the function's parameters (`self.limit`) travel
    // through `initargs`, evaluated where the pool is made.
    let passed = if portable(context, &statement.value, call_scope) {
        Vec::new()
    } else {
        passed_arguments(context, call, call_scope, scope)?
    };
    let keywords = &pool.arguments.keywords;
    if keywords.iter().any(|k| {
        k.arg
            .as_ref()
            .is_none_or(|a| matches!(a.as_str(), "initializer" | "initargs"))
    }) || pool.arguments.args.len() > 1
    {
        return None;
    }
    let helper = (0..10)
        .map(|n| {
            if n == 0 {
                "_configure_worker".to_string()
            } else {
                format!("_configure_worker_{n}")
            }
        })
        .find(|name| {
            !model
                .scopes
                .iter()
                .any(|scope| scope.bindings.contains_key(name.as_str()))
        })?;
    let last = pool
        .arguments
        .args
        .iter()
        .map(Ranged::end)
        .chain(keywords.iter().map(Ranged::end))
        .max();
    let separator = if last.is_some() { ", " } else { "" };
    let at = last.unwrap_or(pool.arguments.range.start() + TextSize::from(1));
    let top = top_level(model.body, pool.start())?;
    let newline = context.style.newline;
    let indent = &context.style.indent;
    let setting = &context.text[statement.value.range()];
    // The settings of the same module that follow it go along.
    let companions: Vec<String> = if passed.is_empty() {
        super::configure_process::settings_from(
            context,
            statement,
            call_scope,
            TextRange::empty(pool.start()),
        )
        .into_iter()
        .skip(1)
        .collect()
    } else {
        Vec::new()
    };
    // `sys.setrecursionlimit(self.limit)` becomes `sys.setrecursionlimit(value)`.
    let parameters: Vec<String> = (0..passed.len())
        .map(|n| {
            if n == 0 {
                "value".to_string()
            } else {
                format!("value_{n}")
            }
        })
        .collect();
    let mut body = String::new();
    let mut cursor = statement.value.start();
    for (argument, parameter) in passed.iter().zip(&parameters) {
        body.push_str(&context.text[TextRange::new(cursor, argument.start())]);
        body.push_str(parameter);
        cursor = argument.end();
    }
    body.push_str(&context.text[TextRange::new(cursor, statement.value.end())]);
    for companion in &companions {
        body.push_str(newline);
        body.push_str(indent);
        body.push_str(companion);
    }
    let code = format!(
        "def {helper}({}):{newline}{indent}# What the parent set before it made the pool: spawn workers start without it{newline}{indent}{body}{newline}",
        parameters.join(", ")
    );
    let initargs = match passed.as_slice() {
        [] => String::new(),
        [one] => format!(", initargs=({},)", &context.text[one.range()]),
        many => format!(
            ", initargs=({})",
            many.iter()
                .map(|a| &context.text[a.range()])
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let when = if passed.is_empty() {
        String::new()
    } else {
        " with the arguments' values when the pool is created,".to_string()
    };
    Some(Fix::unsafe_because(
        format!("Run `{setting}` in the pool's workers too, through its `initializer`"),
        format!(
            "each worker runs `{setting}` when it starts,{when} as forked workers inherit it from the parent; later changes in the parent do not reach the workers"
        ),
        vec![
            Edit::insertion(format!("{separator}initializer={helper}{initargs}"), at),
            insert_before(context, top, &code),
        ],
    ))
}

/// The arguments of `call` that are not portable but mean the same where the
/// pool is made: the call and the pool are in one function, and they read
/// only its parameters, which it never rebinds. `None` when another part of
/// the call is not portable.
fn passed_arguments<'a>(
    context: &Context,
    call: &'a ast::ExprCall,
    call_scope: ScopeId,
    pool_scope: ScopeId,
) -> Option<Vec<&'a Expr>> {
    if call_scope != pool_scope || call_scope == MODULE_SCOPE {
        return None;
    }
    if !portable(context, &call.func, call_scope) {
        return None;
    }
    let model = context.model;
    let mut passed = Vec::new();
    let values = call.arguments.args.iter().chain(
        call.arguments
            .keywords
            .iter()
            .filter(|k| k.arg.is_some())
            .map(|k| &k.value),
    );
    if call.arguments.keywords.iter().any(|k| k.arg.is_none())
        || call
            .arguments
            .args
            .iter()
            .any(|a| matches!(a, Expr::Starred(_)))
    {
        return None;
    }
    for value in values {
        if portable(context, value, call_scope) {
            continue;
        }
        let names = super::hoist::plain_expression_names(value)?;
        let from_parameters =
            names
                .iter()
                .all(|name| match model.lookup(name.id.as_str(), call_scope) {
                    Some((found, bindings)) if found == call_scope => bindings
                        .iter()
                        .all(|b| matches!(b.kind, crate::semantic::BindingKind::Parameter(_))),
                    Some((MODULE_SCOPE, bindings)) => {
                        !bindings.is_empty() && bindings.iter().all(|b| !b.in_main_guard)
                    }
                    None => is_builtin(name.id.as_str()),
                    _ => false,
                });
        if !from_parameters {
            return None;
        }
        passed.push(value);
    }
    (!passed.is_empty()).then_some(passed)
}

/// The expression statement whose value is the call at `range`.
pub(super) fn statement_at(body: &[Stmt], range: TextRange) -> Option<&ast::StmtExpr> {
    struct Find<'a> {
        range: TextRange,
        found: Option<&'a ast::StmtExpr>,
    }
    impl<'a> Visitor<'a> for Find<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::Expr(expr) = stmt {
                if expr.value.range() == self.range || expr.range == self.range {
                    self.found = Some(expr);
                }
            }
            visitor::walk_stmt(self, stmt);
        }
    }
    let mut find = Find { range, found: None };
    find.visit_body(body);
    find.found
}

/// Whether every name the call reads means the same in a module-level
/// function: a builtin, or a module-level name bound only outside the main
/// guard; and it makes no lambda, comprehension or walrus of its own.
pub(super) fn portable(context: &Context, value: &Expr, scope: ScopeId) -> bool {
    let Some(names) = super::hoist::plain_expression_names(value) else {
        return false;
    };
    let model = context.model;
    names
        .iter()
        .map(|name| name.id.as_str())
        .all(|name| match model.lookup(name, scope) {
            Some((found, bindings)) => {
                found == MODULE_SCOPE
                    && !bindings.is_empty()
                    && bindings.iter().all(|b| !b.in_main_guard)
            }
            None => is_builtin(name),
        })
}

/// [`config_fix`] in the checker's file.
pub fn fix_in(
    checker: &crate::rules::Checker,
    config: TextRange,
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
    config_fix(&context, config, site.1)
}
