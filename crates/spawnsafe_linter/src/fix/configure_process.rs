//! The SPS301 fix for interpreter configuration that the parent sets at run
//! time before it starts a `Process` (`logging.basicConfig(...)`,
//! `sys.setrecursionlimit(...)`, `warnings.simplefilter(...)`): the child
//! runs the same call first, through a module-level wrapper of its target.
//!
//! ```python
//! def _thread_test_configured(*args, **kwargs):
//!     # What the parent set before it started the process: spawn children start without it
//!     logging.basicConfig(stream=sys.stdout, format="[%(levelname)s] %(message)s")
//!     return thread_test(*args, **kwargs)
//!
//! p = multiprocessing.Process(target=_thread_test_configured)
//! ```
//!
//! A `Process` has no `initializer`; running the configuration at the start
//! of the child is its equivalent. A forked child inherits the configuration,
//! so the call runs a second time there: offered only for calls that leave
//! the same state when repeated (`basicConfig` without `force` or a
//! truncating `filemode`, `setLevel`, adding a handler the module made once,
//! the recursion limit, warnings filters). A second configuration for the same
//! target goes into the wrapper the first fix made.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::config_initializer::{portable, statement_at};
use super::hoist::{insert_before, top_level, Context};
use super::lines::line_start;
use super::{Edit, Fix};
use crate::semantic::{BindingKind, MODULE_SCOPE};

/// Runs the configuration call at `config` at the start of the child whose
/// `Process(target=...)` value is at `site`.
pub fn configure_process_fix(context: &Context, config: TextRange, site: TextRange) -> Option<Fix> {
    wrap_fix(context, config, site, false)
}

/// [`configure_process_fix`]; `known_repeatable` when the caller has proven
/// that the call can run twice (a setter that only stores attributes).
pub(super) fn wrap_fix(
    context: &Context,
    config: TextRange,
    site: TextRange,
    known_repeatable: bool,
) -> Option<Fix> {
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
    if !portable(context, &statement.value, call_scope)
        || !(known_repeatable || repeatable(call))
        || context.text[statement.value.range()].contains(['\n', '\r'])
    {
        return None;
    }
    let target = target_name(model.body, site)?;
    // The target is a module-level function the child can import by name.
    let bindings = model.scopes[MODULE_SCOPE].bindings.get(target)?;
    let [binding] = bindings.as_slice() else {
        return None;
    };
    let BindingKind::Function(function) = binding.kind else {
        return None;
    };
    let info = model.functions.get(function)?;
    if info.in_main_guard || info.class.is_some() || info.def.is_async {
        return None;
    }
    let settings = settings_from(context, statement, call_scope, site);
    let setting = settings.join("; ");
    let setting = setting.as_str();
    let newline = context.style.newline;
    let indent = &context.style.indent;
    if let Some(forwarded) = wrapped_target(info.def) {
        // The target is a wrapper an earlier fix made: one more line in it.
        let Some(Stmt::Return(last)) = info.def.body.last() else {
            return None;
        };
        let present: Vec<&str> = info
            .def
            .body
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Expr(e) => Some(&context.text[e.value.range()]),
                _ => None,
            })
            .collect();
        let missing: Vec<&String> = settings
            .iter()
            .filter(|s| !present.contains(&s.as_str()))
            .collect();
        if missing.is_empty() {
            return None;
        }
        let at = line_start(context.text, last.start().to_usize());
        let lines: String = missing
            .iter()
            .map(|s| format!("{indent}{s}{newline}"))
            .collect();
        return Some(Fix::unsafe_because(
            format!("Run `{setting}` in the child too, before `{forwarded}`"),
            reason(setting),
            vec![Edit::insertion(lines, TextSize::try_from(at).ok()?)],
        ));
    }
    let wrapper = (0..10)
        .map(|n| {
            if n == 0 {
                format!("_{}_configured", target.trim_start_matches('_'))
            } else {
                format!("_{}_configured_{n}", target.trim_start_matches('_'))
            }
        })
        .find(|name| {
            !model
                .scopes
                .iter()
                .any(|scope| scope.bindings.contains_key(name.as_str()))
        })?;
    let top = top_level(model.body, site.start())?;
    let lines: String = settings
        .iter()
        .map(|s| format!("{indent}{s}{newline}"))
        .collect();
    let code = format!(
        "def {wrapper}(*args, **kwargs):{newline}{indent}# What the parent set before it started the process: spawn children start without it{newline}{lines}{indent}return {target}(*args, **kwargs){newline}"
    );
    Some(Fix::unsafe_because(
        format!("Run `{setting}` in the child too, through a wrapper of `{target}`"),
        reason(setting),
        vec![
            Edit::replacement(wrapper, site),
            insert_before(context, top, &code),
        ],
    ))
}

fn reason(setting: &str) -> String {
    format!(
        "the child runs `{setting}` when it starts, as a forked child inherits it from the parent; later changes in the parent do not reach the child, and a forked child runs it a second time"
    )
}

/// The flagged setting and the settings of the same module that follow it in
/// its block before the statement that holds `site` (`basicConfig(...)` then
/// `logging.getLogger("app").setLevel(...)`): the finding names only the
/// first, but the child needs them all. Each is a one-line call statement
/// that means the same at module level and can run twice.
pub(super) fn settings_from(
    context: &Context,
    statement: &ast::StmtExpr,
    scope: crate::semantic::ScopeId,
    site: TextRange,
) -> Vec<String> {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Suite<'a> {
        range: TextRange,
        found: Option<&'a [Stmt]>,
    }
    impl<'a> Visitor<'a> for Suite<'a> {
        fn visit_body(&mut self, body: &'a [Stmt]) {
            if body.iter().any(|stmt| stmt.range() == self.range) {
                self.found = Some(body);
            }
            visitor::walk_body(self, body);
        }
    }
    let first = context.text[statement.value.range()].to_string();
    let mut suite = Suite {
        range: statement.range,
        found: None,
    };
    suite.visit_body(context.model.body);
    let Some(body) = suite.found else {
        return vec![first];
    };
    let facility = root_module(context, &statement.value, 0);
    let mut settings = vec![first];
    let after = body
        .iter()
        .skip_while(|stmt| stmt.range() != statement.range)
        .skip(1);
    for stmt in after {
        if stmt.range().contains_range(site) || stmt.start() > site.start() {
            break;
        }
        let Stmt::Expr(expr) = stmt else {
            continue;
        };
        let Expr::Call(call) = &*expr.value else {
            continue;
        };
        let text = &context.text[expr.value.range()];
        if facility.is_some()
            && root_module(context, &expr.value, 0) == facility
            && repeatable(call)
            && portable(context, &expr.value, scope)
            && !text.contains(['\n', '\r'])
        {
            settings.push(text.to_string());
        }
    }
    settings
}

/// The module a configuration call reaches through its receiver:
/// `logging` for `logging.getLogger("a").setLevel(...)`, and for `log.setLevel(...)`
/// when the module binds `log = logging.getLogger(...)`.
fn root_module(context: &Context, expr: &Expr, depth: usize) -> Option<String> {
    if depth > 4 {
        return None;
    }
    match expr {
        Expr::Call(call) => root_module(context, &call.func, depth + 1),
        Expr::Attribute(attribute) => root_module(context, &attribute.value, depth + 1),
        Expr::Name(name) => {
            let bindings = context.model.scopes[MODULE_SCOPE]
                .bindings
                .get(name.id.as_str())?;
            let [binding] = bindings.as_slice() else {
                return None;
            };
            match &binding.kind {
                BindingKind::Import(module) => Some(module.to_string()),
                BindingKind::Assign(value) => root_module(context, value, depth + 1),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The name that `target=` at `site` gives, when it is a plain name.
fn target_name(body: &[Stmt], site: TextRange) -> Option<&str> {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Find<'a> {
        site: TextRange,
        found: Option<&'a str>,
    }
    impl<'a> Visitor<'a> for Find<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                for keyword in &call.arguments.keywords {
                    if keyword.arg.as_ref().is_some_and(|a| a.as_str() == "target")
                        && keyword.value.range() == self.site
                    {
                        if let Expr::Name(name) = &keyword.value {
                            self.found = Some(name.id.as_str());
                        }
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut find = Find { site, found: None };
    find.visit_body(body);
    find.found
}

/// `def w(*args, **kwargs): ...; return f(*args, **kwargs)`: the name `f`.
fn wrapped_target(def: &ast::StmtFunctionDef) -> Option<&str> {
    let parameters = &def.parameters;
    let (Some(args), Some(kwargs)) = (&parameters.vararg, &parameters.kwarg) else {
        return None;
    };
    if !parameters.args.is_empty()
        || !parameters.posonlyargs.is_empty()
        || !parameters.kwonlyargs.is_empty()
        || !def.decorator_list.is_empty()
    {
        return None;
    }
    let Some(Stmt::Return(ast::StmtReturn {
        value: Some(value), ..
    })) = def.body.last()
    else {
        return None;
    };
    let Expr::Call(call) = &**value else {
        return None;
    };
    let Expr::Name(callee) = &*call.func else {
        return None;
    };
    let forwards_args = matches!(
        call.arguments.args.as_ref(),
        [Expr::Starred(s)] if matches!(&*s.value, Expr::Name(n) if n.id == args.name.id)
    );
    let forwards_kwargs = matches!(
        call.arguments.keywords.as_ref(),
        [k] if k.arg.is_none() && matches!(&k.value, Expr::Name(n) if n.id == kwargs.name.id)
    );
    let only_calls = def.body[..def.body.len() - 1]
        .iter()
        .all(|stmt| matches!(stmt, Stmt::Expr(e) if matches!(&*e.value, Expr::Call(_))));
    let name = def.name.as_str();
    let generated = name.ends_with("_configured") || name.contains("_configured_");
    (forwards_args && forwards_kwargs && only_calls && generated).then_some(callee.id.as_str())
}

/// Whether running the call a second time in a forked child, which inherited
/// its effect, leaves the same state.
fn repeatable(call: &ast::ExprCall) -> bool {
    let Expr::Attribute(function) = &*call.func else {
        return false;
    };
    let keyword = |wanted: &str| {
        call.arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == wanted))
    };
    match function.attr.as_str() {
        // A no-op once the root logger has handlers, unless forced; a file
        // opened for writing would truncate what the parent logged.
        "basicConfig" => keyword("force").is_none()
            && keyword("filemode").is_none_or(
                |k| matches!(&k.value, Expr::StringLiteral(s) if s.value.to_str().starts_with('a')),
            )
            && call.arguments.keywords.iter().all(|k| k.arg.is_some()),
        // The same handler object is added once.
        "addHandler" | "addFilter" => matches!(
            call.arguments.args.as_ref(),
            [Expr::Name(_) | Expr::Attribute(_)]
        ),
        "setLevel" | "setrecursionlimit" | "simplefilter" | "filterwarnings" | "disable"
        | "captureWarnings" | "setswitchinterval" => true,
        _ => false,
    }
}

/// [`configure_process_fix`] in the checker's file.
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
    configure_process_fix(&context, config, site.1)
}
