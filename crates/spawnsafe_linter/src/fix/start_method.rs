//! The fixes of SPS104 (start-method-at-import): move the `set_start_method()` call into
//! the main guard, make it run only while no start method is set, or give the module a
//! local context; and what decides that a statement can move (it calls nothing, reads no
//! later binding, and what runs after it cannot depend on the start method).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::fix::suite::{insert_before, take_top_level_statement};
use crate::fix::Fix;
use crate::project::Project;
use crate::rules::sps101_unguarded_process_start::is_entry_script;
use crate::rules::Checker;
use crate::semantic::{guard_test, BindingKind, GuardTest, ModuleModel, Value, MODULE_SCOPE};

/// Moves the top-level statement that makes the call (`set_start_method(...)`,
/// or an `if`/`try` around it that does nothing else) to the start of the
/// main guard (after a `freeze_support()` there). Safe when the parent does
/// the same with it there: the script is run, not imported; the statement
/// calls nothing else and reads no name bound after it; and nothing between
/// it and the guard, or after the guard, can depend on the start method (only
/// definitions, call-free assignments and imports of modules that create no
/// processes or queues). A spawn child then no longer calls it: its method is
/// already the one the parent chose.
pub(crate) fn move_into_guard_fix(checker: &Checker, call: TextRange) -> Option<Fix> {
    let project = checker.project;
    let module = checker.module;
    if !is_entry_script(project, module) {
        return None;
    }
    let model = &project.models[module];
    let file = checker.file();
    let body = model.body;
    let index = body
        .iter()
        .position(|stmt| stmt.range().contains_range(call))?;
    let stmt = &body[index];
    let guard_index = body.iter().position(
        |stmt| matches!(stmt, Stmt::If(if_stmt) if guard_test(&if_stmt.test) == GuardTest::Main),
    )?;
    if guard_index <= index {
        return None;
    }
    let Stmt::If(guard) = &body[guard_index] else {
        return None;
    };
    if !movable(stmt, call)
        || reads_later_binding(model, stmt)
        || contains_multiline_string(&file.text, stmt)
    {
        return None;
    }
    let later = body[index + 1..]
        .iter()
        .enumerate()
        .filter(|(offset, _)| index + 1 + offset != guard_index);
    for (_, other) in later {
        if !inert(project, module, other) {
            return None;
        }
    }
    // After a `freeze_support()` that opens the guard.
    let mut before = guard.body.first()?;
    if is_freeze_support_statement(model, before) {
        before = guard.body.get(1)?;
    }
    let taken = take_top_level_statement(&file.text, stmt)?;
    let insertion = insert_before(&file.text, &file.style, before, &taken.code)?;
    Some(Fix::safe(
        "Move the `set_start_method()` call into the main guard",
        vec![taken.deletion, insertion],
    ))
}

/// The statement only makes the call: an expression statement of it, or an
/// `if`/`try` around it whose other parts call nothing and bind nothing.
fn movable(stmt: &Stmt, call: TextRange) -> bool {
    let suite_ok = |suite: &[Stmt]| suite.iter().all(|stmt| movable(stmt, call));
    match stmt {
        Stmt::Expr(ast::StmtExpr { value, .. }) => match value.as_ref() {
            Expr::Call(found) if found.range() == call => {
                !contains_call(&found.func)
                    && found
                        .arguments
                        .iter_source_order()
                        .all(|argument| !contains_call(argument.value()))
            }
            _ => false,
        },
        Stmt::Pass(_) => true,
        Stmt::If(if_stmt) => {
            !contains_call(&if_stmt.test)
                && suite_ok(&if_stmt.body)
                && if_stmt.elif_else_clauses.iter().all(|clause| {
                    clause.test.as_ref().is_none_or(|test| !contains_call(test))
                        && suite_ok(&clause.body)
                })
        }
        Stmt::Try(try_stmt) => {
            suite_ok(&try_stmt.body)
                && suite_ok(&try_stmt.orelse)
                && suite_ok(&try_stmt.finalbody)
                && try_stmt.handlers.iter().all(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    handler.name.is_none()
                        && handler
                            .type_
                            .as_deref()
                            .is_none_or(|type_| !contains_call(type_))
                        && suite_ok(&handler.body)
                })
        }
        _ => false,
    }
}

/// The statement reads a module name that is bound (again) after it starts:
/// moved down, it would see another value.
fn reads_later_binding(model: &ModuleModel, stmt: &Stmt) -> bool {
    struct Names<'n> {
        names: Vec<&'n str>,
    }
    impl<'n> Visitor<'n> for Names<'n> {
        fn visit_expr(&mut self, expr: &'n Expr) {
            if let Expr::Name(name) = expr {
                self.names.push(name.id.as_str());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut names = Names { names: Vec::new() };
    names.visit_stmt(stmt);
    names.names.iter().any(|name| {
        model.scopes[MODULE_SCOPE]
            .bindings
            .get(name)
            .is_some_and(|bindings| {
                bindings
                    .iter()
                    .any(|binding| binding.range.start() >= stmt.start())
            })
    })
}

/// Runs at import time without anything that could depend on the start
/// method: definitions whose decorators, defaults and annotations call
/// nothing, classes made of such statements, call-free assignments,
/// docstrings, `pass`, and imports of modules that are not the project's
/// own and not process libraries.
fn inert(project: &Project, module: usize, stmt: &Stmt) -> bool {
    match stmt {
        Stmt::FunctionDef(def) => {
            def.decorator_list
                .iter()
                .all(|decorator| !contains_call(&decorator.expression))
                && def.parameters.iter().all(|parameter| {
                    parameter
                        .default()
                        .is_none_or(|default| !contains_call(default))
                        && parameter
                            .annotation()
                            .is_none_or(|annotation| !contains_call(annotation))
                })
                && def
                    .returns
                    .as_deref()
                    .is_none_or(|returns| !contains_call(returns))
        }
        Stmt::ClassDef(class) => {
            class
                .decorator_list
                .iter()
                .all(|decorator| !contains_call(&decorator.expression))
                && class.arguments.as_deref().is_none_or(|arguments| {
                    arguments
                        .iter_source_order()
                        .all(|argument| !contains_call(argument.value()))
                })
                && class.body.iter().all(|stmt| inert(project, module, stmt))
        }
        Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::AugAssign(_) | Stmt::Expr(_) => {
            !statement_contains_call(stmt)
        }
        Stmt::Pass(_) => true,
        Stmt::Import(import) => import
            .names
            .iter()
            .all(|alias| harmless_import(project, module, 0, alias.name.as_str())),
        Stmt::ImportFrom(import) => {
            let from = import.module.as_ref().map_or("", |name| name.as_str());
            harmless_import(project, module, import.level, from)
                && (import.level > 0
                    || import.names.iter().all(|alias| {
                        harmless_import(project, module, 0, &format!("{from}.{}", alias.name))
                    }))
        }
        Stmt::If(if_stmt) => {
            !contains_call(&if_stmt.test)
                && if_stmt.body.iter().all(|stmt| inert(project, module, stmt))
                && if_stmt.elif_else_clauses.iter().all(|clause| {
                    clause.test.as_ref().is_none_or(|test| !contains_call(test))
                        && clause.body.iter().all(|stmt| inert(project, module, stmt))
                })
        }
        _ => false,
    }
}

/// An imported module that cannot touch the start method: not one of the
/// project's modules, and not a library that makes processes, queues or
/// contexts when imported (those are unknown: only the standard library's
/// modules that have nothing to do with processes are trusted).
fn harmless_import(project: &Project, module: usize, level: u32, name: &str) -> bool {
    if level > 0 || project.resolve_module(module, level, name).is_some() {
        return false;
    }
    let top = name.split('.').next().unwrap_or(name);
    HARMLESS_MODULES.contains(&top)
}

/// Standard library modules that neither create processes nor fix the
/// default multiprocessing context when imported.
pub const HARMLESS_MODULES: &[&str] = &[
    "abc",
    "argparse",
    "array",
    "ast",
    "base64",
    "bisect",
    "calendar",
    "collections",
    "contextlib",
    "copy",
    "csv",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "errno",
    "fnmatch",
    "fractions",
    "functools",
    "glob",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "io",
    "itertools",
    "json",
    "logging",
    "math",
    "numbers",
    "operator",
    "os",
    "pathlib",
    "pickle",
    "platform",
    "pprint",
    "queue",
    "random",
    "re",
    "secrets",
    "shutil",
    "signal",
    "socket",
    "sqlite3",
    "statistics",
    "string",
    "struct",
    "subprocess",
    "sys",
    "tempfile",
    "textwrap",
    "threading",
    "time",
    "traceback",
    "types",
    "typing",
    "uuid",
    "warnings",
    "weakref",
    "zlib",
];

fn is_freeze_support_statement(model: &ModuleModel, stmt: &Stmt) -> bool {
    let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt else {
        return false;
    };
    let Expr::Call(call) = value.as_ref() else {
        return false;
    };
    matches!(model.resolve(&call.func, MODULE_SCOPE), Value::Qualified(name)
        if crate::api::normalize(&name).is_some_and(|(path, _)| path == "freeze_support"))
}

/// Does any expression in the node match? One visitor for the call checks below.
struct AnyExpr<F: Fn(&Expr) -> bool> {
    matches: F,
    found: bool,
}

impl<'n, F: Fn(&Expr) -> bool> Visitor<'n> for AnyExpr<F> {
    fn visit_expr(&mut self, expr: &'n Expr) {
        self.found |= (self.matches)(expr);
        visitor::walk_expr(self, expr);
    }
}

/// An expression that runs code when evaluated.
fn is_call_like(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Call(_) | Expr::Await(_) | Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Named(_)
    )
}

fn statement_contains_call(stmt: &Stmt) -> bool {
    let mut calls = AnyExpr {
        matches: |expr: &Expr| is_call_like(expr) || matches!(expr, Expr::Lambda(_)),
        found: false,
    };
    calls.visit_stmt(stmt);
    calls.found
}

/// The expression calls something (a comprehension counts: it runs code).
fn contains_call(expr: &Expr) -> bool {
    let mut calls = AnyExpr {
        matches: |expr: &Expr| {
            is_call_like(expr)
                || matches!(
                    expr,
                    Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_)
                )
        },
        found: false,
    };
    calls.visit_expr(expr);
    calls.found
}

/// A string literal that spans lines: re-indenting the statement would change it.
fn contains_multiline_string(text: &str, stmt: &Stmt) -> bool {
    let mut strings = AnyExpr {
        matches: |expr: &Expr| {
            matches!(
                expr,
                Expr::StringLiteral(_)
                    | Expr::BytesLiteral(_)
                    | Expr::FString(_)
                    | Expr::TString(_)
            ) && text[expr.range()].contains(['\n', '\r'])
        },
        found: false,
    };
    strings.visit_stmt(stmt);
    strings.found
}

/// Finds the expression statement that is exactly the call at `call`.
struct CallStatement<'a> {
    call: TextRange,
    found: Option<(&'a ast::StmtExpr, bool)>,
    depth: usize,
}

impl<'a> Visitor<'a> for CallStatement<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found.is_some() || !stmt.range().contains_range(self.call) {
            return;
        }
        if let Stmt::Expr(expr) = stmt {
            if expr.value.range() == self.call {
                self.found = Some((expr, self.depth == 0));
                return;
            }
        }
        self.depth += 1;
        visitor::walk_stmt(self, stmt);
        self.depth -= 1;
    }
}

/// Where an import-time call cannot move into the main guard (a library
/// module, a helper called at import time): `set_start_method(...)` runs only while no start
/// method is set. A spawn or forkserver child has its method set before it
/// re-imports the module, so it skips the call. Unsafe: where the method was
/// already set, the program no longer stops with "context has already been
/// set" but keeps that method.
pub(crate) fn only_if_unset_fix(checker: &Checker, call: TextRange) -> Option<Fix> {
    let project = checker.project;
    let model = &project.models[checker.module];
    let file = checker.file();
    if file.notebook.is_some() {
        return None;
    }
    let text = file.text.as_str();
    let mut finder = CallStatement {
        call,
        found: None,
        depth: 0,
    };
    for stmt in model.body {
        finder.visit_stmt(stmt);
    }
    let (stmt, top_level) = finder.found?;
    let Expr::Call(call_expr) = stmt.value.as_ref() else {
        return None;
    };
    let start = usize::from(stmt.start());
    let end = usize::from(stmt.end());
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let indent = &text[line_start..start];
    let line_end = text[end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |at| end + at);
    let call_text = &text[start..end];
    if !indent.chars().all(|c| c == ' ' || c == '\t')
        || call_text.contains(['\n', '\r'])
        || !text[end..line_end].trim_start().is_empty()
            && !text[end..line_end].trim_start().starts_with('#')
    {
        return None;
    }
    let (getter, import) = match call_expr.func.as_ref() {
        Expr::Attribute(attribute) if attribute.attr.as_str() == "set_start_method" => (
            format!(
                "{}.get_start_method",
                &text[usize::from(attribute.value.start())..usize::from(attribute.value.end())]
            ),
            None,
        ),
        Expr::Name(_) if top_level => {
            let importable = crate::fix::imports::multiprocessing_member(
                model,
                text,
                &file.style,
                "get_start_method",
                MODULE_SCOPE,
                stmt.start(),
            )?;
            (importable.expr, importable.import)
        }
        _ => return None,
    };
    let newline = file.style.newline;
    let content = format!(
        "if {getter}(allow_none=True) is None:{newline}{indent}{}{call_text}",
        file.style.indent
    );
    let mut edits = vec![crate::fix::Edit::replacement(content, stmt.range())];
    edits.extend(import);
    Some(Fix::unsafe_because(
        "Set the start method only while none is set",
        "where a start method is already set, the program keeps it instead of stopping with \"context has already been set\"",
        edits,
    ))
}

/// Members of `multiprocessing` that work through the default context: a
/// module's own use of them follows its local context instead.
const CONTEXT_MEMBERS: &[&str] = &[
    "Process",
    "Pool",
    "Queue",
    "SimpleQueue",
    "JoinableQueue",
    "Lock",
    "RLock",
    "Semaphore",
    "BoundedSemaphore",
    "Event",
    "Condition",
    "Barrier",
    "Value",
    "Array",
    "RawValue",
    "RawArray",
    "Manager",
    "Pipe",
    "get_start_method",
];

/// Members that do not depend on the start method.
const NEUTRAL_MEMBERS: &[&str] = &[
    "cpu_count",
    "current_process",
    "parent_process",
    "active_children",
    "freeze_support",
    "get_logger",
    "log_to_stderr",
    "TimeoutError",
    "ProcessError",
    "AuthenticationError",
    "BufferTooShort",
];

/// Collects the module's uses of `multiprocessing` for the `get_context` rewrite.
struct ContextUses<'m> {
    /// Names bound to the `multiprocessing` module.
    modules: &'m FxHashSet<&'m str>,
    /// Names bound by `from multiprocessing import member`, with the member.
    members: &'m FxHashMap<&'m str, &'m str>,
    /// The statement being replaced: its own names are not uses.
    skip: TextRange,
    /// Replacements: a range and the member it names.
    rewrites: Vec<(TextRange, String)>,
    /// `ProcessPoolExecutor(...)` calls without `mp_context`: where `mp_context=` goes, and whether it needs a comma.
    executors: Vec<(TextSize, bool)>,
    names: FxHashSet<String>,
    refused: bool,
}

impl<'a> Visitor<'a> for ContextUses<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.skip.contains_range(expr.range()) {
            return;
        }
        match expr {
            Expr::Attribute(attribute) => {
                if let Expr::Name(name) = attribute.value.as_ref() {
                    if self.modules.contains(name.id.as_str()) {
                        let member = attribute.attr.as_str();
                        if CONTEXT_MEMBERS.contains(&member) {
                            self.rewrites.push((attribute.range(), member.to_string()));
                        } else if !NEUTRAL_MEMBERS.contains(&member) {
                            self.refused = true;
                        }
                        return;
                    }
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Name(name) => {
                self.names.insert(name.id.to_string());
                if self.modules.contains(name.id.as_str()) {
                    // The module itself passed around: its uses cannot be followed.
                    self.refused = true;
                } else if let Some(member) = self.members.get(name.id.as_str()) {
                    if CONTEXT_MEMBERS.contains(member) {
                        self.rewrites.push((name.range(), (*member).to_string()));
                    } else if !NEUTRAL_MEMBERS.contains(member) {
                        self.refused = true;
                    }
                }
            }
            Expr::Call(call) => {
                let executor = match call.func.as_ref() {
                    Expr::Name(name) => name.id.as_str() == "ProcessPoolExecutor",
                    Expr::Attribute(attribute) => attribute.attr.as_str() == "ProcessPoolExecutor",
                    _ => false,
                };
                if executor {
                    if call.arguments.find_keyword("mp_context").is_some()
                        || call.arguments.args.len() > 1
                    {
                        self.refused = true;
                    } else {
                        let last = call
                            .arguments
                            .keywords
                            .iter()
                            .map(Ranged::end)
                            .chain(call.arguments.args.iter().map(Ranged::end))
                            .max();
                        match last {
                            Some(end) => self.executors.push((end, true)),
                            None => self
                                .executors
                                .push((call.arguments.end() - TextSize::from(1), false)),
                        }
                    }
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// A library module that sets the start method for its own processes:
/// `set_start_method("spawn")` becomes `_ctx = multiprocessing.get_context("spawn")`
/// and the module's own `Pool()`, `Process`, `Queue()`... go through `_ctx`
/// (`ProcessPoolExecutor` gets `mp_context=_ctx`). Only when no other project
/// module makes processes or queues through the default context (then the
/// program-wide setting is what the code means) and every use in the module
/// can be rewritten. Unsafe: the method is no longer set for the whole program.
pub(crate) fn local_context_fix(checker: &Checker, call: TextRange) -> Option<Fix> {
    let project = checker.project;
    let module = checker.module;
    let model = &project.models[module];
    let file = checker.file();
    if file.notebook.is_some() {
        return None;
    }
    let text = file.text.as_str();
    let index = model
        .body
        .iter()
        .position(|stmt| stmt.range().contains_range(call))?;
    let Stmt::Expr(stmt) = &model.body[index] else {
        return None;
    };
    let Expr::Call(call_expr) = stmt.value.as_ref() else {
        return None;
    };
    if call_expr.range() != call
        || call_expr.arguments.args.len() != 1
        || !call_expr.arguments.keywords.is_empty()
    {
        return None;
    }
    // Other modules making processes or queues rely on the program-wide method.
    let default_context_elsewhere = project.facts.iter().enumerate().any(|(other, facts)| {
        other != module
            && std::iter::once(&facts.import_time)
                .chain(std::iter::once(&facts.main_only))
                .chain(facts.functions.iter())
                .any(|body| {
                    !body.context_fixers.is_empty()
                        || body.starts.iter().any(|start| start.method.is_none())
                })
    });
    if default_context_elsewhere {
        return None;
    }
    let mut modules: FxHashSet<&str> = FxHashSet::default();
    let mut members: FxHashMap<&str, &str> = FxHashMap::default();
    for (name, bindings) in &model.scopes[MODULE_SCOPE].bindings {
        for binding in bindings {
            match &binding.kind {
                BindingKind::Import(path) if path == "multiprocessing" => {
                    modules.insert(name);
                }
                BindingKind::Import(path) if path.starts_with("multiprocessing.") => return None,
                BindingKind::FromImport {
                    level: 0,
                    module: Some(from),
                    name: member,
                } if *from == "multiprocessing" => {
                    members.insert(name, member);
                }
                BindingKind::FromImport {
                    level: 0,
                    module: Some(from),
                    ..
                } if from.starts_with("multiprocessing.") => return None,
                _ => {}
            }
        }
    }
    // Each name bound once, at module level, and nowhere shadowed.
    for name in modules.iter().chain(members.keys()) {
        if model.scopes[MODULE_SCOPE].bindings[name].len() != 1
            || model
                .scopes
                .iter()
                .skip(1)
                .any(|scope| scope.bindings.contains_key(name))
        {
            return None;
        }
    }
    let getter = match call_expr.func.as_ref() {
        Expr::Attribute(attribute) if attribute.attr.as_str() == "set_start_method" => {
            match attribute.value.as_ref() {
                Expr::Name(name) if modules.contains(name.id.as_str()) => {
                    (format!("{}.get_context", name.id), None)
                }
                _ => return None,
            }
        }
        Expr::Name(name) if members.get(name.id.as_str()) == Some(&"set_start_method") => {
            let importable = crate::fix::imports::multiprocessing_member(
                model,
                text,
                &file.style,
                "get_context",
                MODULE_SCOPE,
                stmt.start(),
            )?;
            (importable.expr, importable.import)
        }
        _ => return None,
    };
    let mut uses = ContextUses {
        modules: &modules,
        members: &members,
        skip: stmt.range(),
        rewrites: Vec::new(),
        executors: Vec::new(),
        names: FxHashSet::default(),
        refused: false,
    };
    for stmt in model.body {
        uses.visit_stmt(stmt);
    }
    if uses.refused || uses.rewrites.is_empty() && uses.executors.is_empty() {
        return None;
    }
    // Code that runs at import time before the call would find no `_ctx` yet.
    let call_start = stmt.start();
    let runs_later = |at: TextSize| {
        at > call_start
            || model.body.iter().any(|top| match top {
                Stmt::FunctionDef(def) => def.body.iter().any(|inner| inner.range().contains(at)),
                _ => false,
            })
    };
    if !uses
        .rewrites
        .iter()
        .all(|(range, _)| runs_later(range.start()))
        || !uses.executors.iter().all(|(at, _)| runs_later(*at))
    {
        return None;
    }
    let taken = |candidate: &str| {
        uses.names.contains(candidate)
            || model
                .scopes
                .iter()
                .any(|scope| scope.bindings.contains_key(candidate))
    };
    let context = ["_ctx", "_mp_context", "_start_context"]
        .into_iter()
        .find(|candidate| !taken(candidate))?;
    let argument = &call_expr.arguments.args[0];
    let mut edits = vec![crate::fix::Edit::replacement(
        format!(
            "{context} = {}({})",
            getter.0,
            &text[usize::from(argument.start())..usize::from(argument.end())]
        ),
        stmt.range(),
    )];
    edits.extend(getter.1);
    for (range, member) in uses.rewrites {
        edits.push(crate::fix::Edit::replacement(
            format!("{context}.{member}"),
            range,
        ));
    }
    for (at, comma) in uses.executors {
        let keyword = if comma {
            format!(", mp_context={context}")
        } else {
            format!("mp_context={context}")
        };
        edits.push(crate::fix::Edit::insertion(keyword, at));
    }
    Some(Fix::unsafe_because(
        format!("Use a local `{context} = get_context(...)` for this module's processes instead of setting the start method"),
        "the start method is no longer set for the whole program: only this module's own processes and queues use it",
        edits,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Is the first statement movable, taking its first call as the `set_start_method()` call?
    fn first_movable(source: &str) -> bool {
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let at = source.find("set_start_method(").expect("a call");
        let stmt = &parsed.syntax().body[0];
        struct FirstCall(Option<TextRange>, usize);
        impl<'n> Visitor<'n> for FirstCall {
            fn visit_expr(&mut self, expr: &'n Expr) {
                if self.0.is_none()
                    && matches!(expr, Expr::Call(_))
                    && usize::from(expr.start()) == self.1
                {
                    self.0 = Some(expr.range());
                }
                visitor::walk_expr(self, expr);
            }
        }
        let mut finder = FirstCall(None, at);
        finder.visit_stmt(stmt);
        movable(stmt, finder.0.expect("the call")) && !contains_multiline_string(source, stmt)
    }

    #[test]
    fn what_moves_with_the_call() {
        assert!(first_movable("set_start_method('spawn')"));
        assert!(first_movable(
            "if os.name == 'posix':\n    set_start_method('spawn')\nelse:\n    pass"
        ));
        assert!(first_movable(
            "try:\n    set_start_method('spawn')\nexcept ValueError:\n    pass"
        ));
        assert!(first_movable("set_start_method(METHOD)"));
    }

    #[test]
    fn what_does_not_move() {
        // Another call, a binding, or a multi-line string that re-indenting would change.
        assert!(!first_movable("set_start_method(pick())"));
        assert!(!first_movable(
            "if sys.platform.startswith('linux'):\n    set_start_method('spawn')"
        ));
        assert!(!first_movable(
            "try:\n    set_start_method('spawn')\nexcept ValueError as error:\n    pass"
        ));
        assert!(!first_movable("METHOD = set_start_method('spawn')"));
        assert!(!first_movable(
            "if x:\n    set_start_method('spawn')\n    log('x')"
        ));
        assert!(!first_movable("set_start_method('''spawn\n''')"));
    }
}
