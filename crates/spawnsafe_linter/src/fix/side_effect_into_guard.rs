//! The SPS302 fix for a top-level `print(...)` or `atexit.register(...)` of
//! a main script: the statement moves into `if __name__ == "__main__":`.
//!
//! A spawn or forkserver child runs the script's top level again as
//! `__mp_main__`, so the banner prints once more per child, and a child that
//! ends normally runs the handler `atexit` registered (a forked child ends
//! with `os._exit()` and runs neither). Neither statement leaves state that
//! a child needs, so the child can do without it, as under fork.
//!
//! The parent keeps its order of events only when nothing that does
//! anything runs between the statement's old place and its new one: the
//! statements in between must be definitions, imports, or assignments that
//! call nothing, and must not rebind a name the statement reads.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::main_guard::{move_into_guard, target_guard};
use super::Fix;
use crate::semantic::{ModuleModel, Value, MODULE_SCOPE};

/// Moves the top-level statement that holds `at` into the main guard.
pub fn into_guard_fix(
    model: &ModuleModel,
    text: &str,
    style: &super::style::Style,
    at: TextRange,
) -> Option<Fix> {
    let body = model.body;
    let index = body
        .iter()
        .position(|stmt| stmt.range().contains_range(at))?;
    let Stmt::Expr(statement) = &body[index] else {
        return None;
    };
    let Expr::Call(call) = &*statement.value else {
        return None;
    };
    let what = match model.resolve(&call.func, MODULE_SCOPE) {
        Value::Qualified(name) if name == "atexit.register" => "atexit.register()".to_string(),
        _ if matches!(&*call.func, Expr::Name(name) if name.id.as_str() == "print")
            && !model.scopes[MODULE_SCOPE].bindings.contains_key("print") =>
        {
            "print()".to_string()
        }
        _ if call.arguments.is_empty() && self_contained_call(model, &call.func) => {
            text[call.range()].to_string()
        }
        _ => return None,
    };
    // Where it lands: before the guard's body, or after it; a new guard at the end.
    let guard = target_guard(text, body);
    let between = match guard {
        Some(guard) if guard > index => index + 1..guard,
        Some(guard) => guard + 1..index,
        None => index + 1..body.len(),
    };
    let reads = names_read(&statement.value);
    for stmt in &body[between] {
        if !is_quiet(stmt) || binds_any(stmt, &reads) {
            return None;
        }
    }
    let edits = move_into_guard(text, style, body, &[index])?;
    Some(Fix::unsafe_because(
        format!("Move this `{what}` into `if __name__ == \"__main__\":`"),
        "it runs only when the file is run as a script, no longer when it is imported (by spawn children, which is the fix, or by another module)".to_string(),
        edits,
    ))
}

/// `f()` where `f` is a module-level function whose effects a child does not
/// need: it declares no `global`, reads from the module only functions of
/// the same kind, classes, imports and constants, and calls only builtins,
/// methods of its own local values, and the file-system, process and time
/// functions of `os`, `signal`, `time`, `json` and `shutil` (a single-instance
/// check, a lock file, a banner). Nothing it does is state that the module's
/// other code reads, so only the process that runs the script needs it.
fn self_contained_call(model: &ModuleModel, callee: &Expr) -> bool {
    let Expr::Name(name) = callee else {
        return false;
    };
    self_contained(model, name.id.as_str(), 0)
}

fn self_contained(model: &ModuleModel, name: &str, depth: usize) -> bool {
    use crate::semantic::BindingKind;
    if depth > 3 {
        return false;
    }
    let Some(bindings) = model.scopes[MODULE_SCOPE].bindings.get(name) else {
        return false;
    };
    let [binding] = bindings.as_slice() else {
        return false;
    };
    let BindingKind::Function(function) = binding.kind else {
        return false;
    };
    let Some(info) = model.functions.get(function) else {
        return false;
    };
    let def = info.def;
    if info.in_main_guard || def.is_async || !def.decorator_list.is_empty() {
        return false;
    }
    let locals = super::free_names::locals_of(def);
    if !locals.globals.is_empty() {
        return false;
    }
    let free = super::free_names::of_function(def);
    if free.unsupported || free.needs_class_cell {
        return false;
    }
    for free_name in free.unique() {
        let name = free_name.name;
        if crate::globals::is_builtin(name)
            && !model.scopes[MODULE_SCOPE].bindings.contains_key(name)
        {
            continue;
        }
        let Some(bindings) = model.scopes[MODULE_SCOPE].bindings.get(name) else {
            return false;
        };
        let fine = bindings.iter().all(|b| {
            !b.in_main_guard
                && match b.kind {
                    BindingKind::Import(_) | BindingKind::FromImport { .. } => true,
                    BindingKind::Assign(value) => matches!(
                        value,
                        Expr::StringLiteral(_) | Expr::NumberLiteral(_) | Expr::BooleanLiteral(_)
                    ),
                    BindingKind::Function(_) => true,
                    _ => false,
                }
        });
        if !fine {
            return false;
        }
    }
    // Every call in the body.
    struct Calls<'a>(Vec<&'a ast::ExprCall>);
    impl<'a> Visitor<'a> for Calls<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                self.0.push(call);
            }
            if !matches!(expr, Expr::Lambda(_)) {
                visitor::walk_expr(self, expr);
            }
        }
    }
    if def
        .body
        .iter()
        .any(|stmt| matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)))
    {
        return false;
    }
    let mut calls = Calls(Vec::new());
    calls.visit_body(&def.body);
    calls.0.iter().all(|call| match &*call.func {
        Expr::Name(callee) => {
            let callee = callee.id.as_str();
            if locals.locals.contains(callee) {
                return false;
            }
            match model.scopes[MODULE_SCOPE].bindings.get(callee) {
                Some(_) => {
                    matches!(model.resolve(&call.func, MODULE_SCOPE), Value::Qualified(q) if allowed_module_function(q.as_ref()))
                        || self_contained(model, callee, depth + 1)
                }
                None => crate::globals::is_builtin(callee),
            }
        }
        Expr::Attribute(attribute) => {
            // A method of a value the function made itself (`f.read()`).
            let root = root_name(&attribute.value);
            match root {
                Some(root) if locals.locals.contains(root) => true,
                _ => matches!(model.resolve(&call.func, MODULE_SCOPE), Value::Qualified(q) if allowed_module_function(q.as_ref())),
            }
        }
        _ => false,
    })
}

fn root_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => root_name(&attribute.value),
        Expr::Subscript(subscript) => root_name(&subscript.value),
        _ => None,
    }
}

fn allowed_module_function(qualified: &str) -> bool {
    ["os.", "signal.", "time.", "json.", "shutil."]
        .iter()
        .any(|prefix| qualified.starts_with(prefix))
        && !qualified.starts_with("os.environ")
        && !matches!(
            qualified,
            "os.chdir" | "os.fork" | "os.putenv" | "os.unsetenv" | "os.umask" | "os.setsid"
        )
}

/// A statement that does nothing when it runs but bind names: a definition,
/// an import, an assignment whose value calls nothing, a docstring.
fn is_quiet(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::FunctionDef(def) => {
            def.decorator_list.is_empty()
                && def
                    .parameters
                    .iter_non_variadic_params()
                    .filter_map(|p| p.default.as_deref())
                    .all(calls_nothing)
        }
        Stmt::ClassDef(class) => {
            class.decorator_list.is_empty()
                && class.arguments.is_none()
                && class.body.iter().all(is_quiet)
        }
        Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Pass(_) => true,
        Stmt::Assign(assign) => calls_nothing(&assign.value),
        Stmt::AnnAssign(assign) => assign.value.as_deref().is_none_or(calls_nothing),
        Stmt::Expr(expr) => expr.value.is_string_literal_expr(),
        _ => false,
    }
}

fn calls_nothing(expr: &Expr) -> bool {
    struct Calls(bool);
    impl<'a> Visitor<'a> for Calls {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Call(_)
                | Expr::Await(_)
                | Expr::Yield(_)
                | Expr::YieldFrom(_)
                | Expr::Named(_)
                | Expr::Subscript(_)
                | Expr::Attribute(_) => self.0 = true,
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut calls = Calls(false);
    calls.visit_expr(expr);
    !calls.0
}

fn names_read(expr: &Expr) -> Vec<&str> {
    struct Names<'a>(Vec<&'a str>);
    impl<'a> Visitor<'a> for Names<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                self.0.push(name.id.as_str());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut names = Names(Vec::new());
    names.visit_expr(expr);
    names.0
}

/// Whether a (quiet) top-level statement binds one of `names`.
fn binds_any(stmt: &Stmt, names: &[&str]) -> bool {
    let bound: Vec<&str> = match stmt {
        Stmt::FunctionDef(def) => vec![def.name.as_str()],
        Stmt::ClassDef(class) => vec![class.name.as_str()],
        Stmt::Import(import) => import
            .names
            .iter()
            .map(|alias| {
                alias.asname.as_ref().map_or_else(
                    || alias.name.as_str().split('.').next().unwrap_or(""),
                    |asname| asname.as_str(),
                )
            })
            .collect(),
        Stmt::ImportFrom(import) => import
            .names
            .iter()
            .map(|alias| alias.asname.as_ref().unwrap_or(&alias.name).as_str())
            .collect(),
        Stmt::Assign(assign) => assign.targets.iter().flat_map(target_names).collect(),
        Stmt::AnnAssign(assign) => target_names(&assign.target),
        _ => Vec::new(),
    };
    bound
        .iter()
        .any(|name| *name == "*" || names.contains(name))
}

fn target_names(target: &Expr) -> Vec<&str> {
    match target {
        Expr::Name(name) => vec![name.id.as_str()],
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().flat_map(target_names).collect()
        }
        Expr::Starred(starred) => target_names(&starred.value),
        _ => Vec::new(),
    }
}

/// [`into_guard_fix`] in the checker's file.
pub fn fix_in(checker: &crate::rules::Checker, at: TextRange) -> Option<Fix> {
    let file = checker.file();
    into_guard_fix(
        &checker.project.models[checker.module],
        &file.text,
        &file.style,
        at,
    )
}
