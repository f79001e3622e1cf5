//! SPS104 start-method-at-import.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::diagnostic::Related;
use crate::facts::BodyFacts;
use crate::fix::suite::{insert_before, take_top_level_statement};
use crate::fix::Fix;
use crate::project::{Effect, EffectFinder, Project};
use crate::registry::Rule;
use crate::rules::sps101_unguarded_process_start::{is_entry_script, ImportTimeEffects};
use crate::rules::Checker;
use crate::semantic::{guard_test, GuardTest, ModuleModel, Value, MODULE_SCOPE};
use crate::targets::{Methods, StartMethod};

pub const DOCS: &str = r#"# start-method-at-import (SPS104)

## What it does
Finds `multiprocessing.set_start_method("spawn")` (or `"forkserver"`) without
`force=True` that runs while a module is imported: at the top level of the
main script, in a function called there, or at import time of a module the
script imports. A call inside `try: ... except RuntimeError:` is fine.

## Why is this bad?
A spawn child first sets its own start method (`multiprocessing.spawn.prepare`
calls `set_start_method(..., force=True)`) and then re-imports the main script.
The script's `set_start_method()` then runs a second time in the child and
raises:

```
RuntimeError: context has already been set
```

The same error is raised in the parent by a second `set_start_method()`
without `force=True`, or by one that comes after a `Queue()`, `Lock()`,
`Pool()`, `get_context()` or `get_start_method()` already fixed the default
context: this rule reports those too.

Every child dies: a `Pool` hangs forever replacing dead workers, a
`ProcessPoolExecutor` raises `BrokenProcessPool`, a `Process` exits with code 1
while the parent carries on. This happens on every platform, Linux included,
as soon as the script asks for spawn or forkserver. `set_start_method("fork")`
is not reported here: fork children do not re-import the script.

## Example
```python
import multiprocessing as mp

mp.set_start_method("spawn")

def work(x):
    return x * 2

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print(pool.map(work, range(4)))
```

Use instead:
```python
import multiprocessing as mp

def work(x):
    return x * 2

if __name__ == "__main__":
    mp.set_start_method("spawn")
    with mp.Pool(2) as pool:
        print(pool.map(work, range(4)))
```

or a context, which sets nothing global: `ctx = mp.get_context("spawn")` and
`ctx.Pool(2)`.

## Fix
`--fix` moves the top-level statement that makes the call — the call itself,
or an `if`/`try` around it that calls nothing else and binds no name — to the
start of the main guard (after a `freeze_support()` that opens it). The fix is
safe, and offered only when the parent does exactly what it did: the file is
a script that nothing imports, with a guard below the call, and everything
that runs at import time after the call (apart from the guard) is a
definition, a call-free assignment or an import of a standard library module
that makes no processes, so nothing there can depend on the start method. A
spawn child no longer makes the call: it already runs under the method the
parent chose.

No fix is offered for a call made through a helper function, in another
module, in a function after the context is fixed (`Queue()` first, or a
second call), or when code after it could use the start method. Replacing the
call with a local `ctx = get_context(...)` changes every `Pool()`/`Process()`
the program makes, so it is left to the author.

## References
- [multiprocessing.set_start_method](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.set_start_method)
- [multiprocessing: Contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
"#;

pub fn check(checker: &mut Checker, effects: &ImportTimeEffects) {
    // `python -m pkg` never re-imports `pkg/__main__.py` in a child.
    let path = &checker.project.paths[checker.module];
    if path.is_interactive_main() || path.is_conftest {
        return;
    }
    for effect in &effects.set_start_methods {
        let what = if effect.trace.is_empty() {
            "`set_start_method()` without `force=True` runs at import time".to_string()
        } else {
            format!("{} without `force=True` at import time", effect.description)
        };
        let message = format!(
            "{what}: each spawn child re-imports this module after its start method is set, and the call raises \"RuntimeError: context has already been set\""
        );
        let related = checker.related(&effect.trace);
        let fix = if effect.trace.is_empty() {
            move_into_guard_fix(checker, effect.range)
        } else {
            None
        };
        let diagnostic = checker.report(
            Rule::StartMethodAtImport,
            effect.range,
            message,
            Some(
                "call it inside `if __name__ == \"__main__\":`, or use `ctx = multiprocessing.get_context(...)` and `ctx.Pool()`/`ctx.Process()`"
                    .to_string(),
            ),
        );
        diagnostic.related = related;
        diagnostic.fix = fix;
        // The call itself selects the method, so the children re-import on every platform.
        diagnostic.fails_under = Some(Methods::SPAWN_AND_FORKSERVER);
        diagnostic.pinned = effect.method.as_deref().and_then(StartMethod::from_name);
    }
}

/// Moves the top-level statement that makes the call (`set_start_method(...)`,
/// or an `if`/`try` around it that does nothing else) to the start of the
/// main guard (after a `freeze_support()` there). Safe when the parent does
/// the same with it there: the script is run, not imported; the statement
/// calls nothing else and reads no name bound after it; and nothing between
/// it and the guard, or after the guard, can depend on the start method (only
/// definitions, call-free assignments and imports of modules that create no
/// processes or queues). A spawn child then no longer calls it: its method is
/// already the one the parent chose.
fn move_into_guard_fix(checker: &Checker, call: TextRange) -> Option<Fix> {
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
const HARMLESS_MODULES: &[&str] = &[
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

fn statement_contains_call(stmt: &Stmt) -> bool {
    struct Calls(bool);
    impl<'n> Visitor<'n> for Calls {
        fn visit_expr(&mut self, expr: &'n Expr) {
            if matches!(
                expr,
                Expr::Call(_)
                    | Expr::Await(_)
                    | Expr::Yield(_)
                    | Expr::YieldFrom(_)
                    | Expr::Lambda(_)
                    | Expr::Named(_)
            ) {
                self.0 = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls(false);
    calls.visit_stmt(stmt);
    calls.0
}

/// The expression calls something (a comprehension counts: it runs code).
fn contains_call(expr: &Expr) -> bool {
    struct Calls(bool);
    impl<'n> Visitor<'n> for Calls {
        fn visit_expr(&mut self, expr: &'n Expr) {
            if matches!(
                expr,
                Expr::Call(_)
                    | Expr::Await(_)
                    | Expr::Yield(_)
                    | Expr::YieldFrom(_)
                    | Expr::Named(_)
                    | Expr::ListComp(_)
                    | Expr::SetComp(_)
                    | Expr::DictComp(_)
                    | Expr::Generator(_)
            ) {
                self.0 = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls(false);
    calls.visit_expr(expr);
    calls.0
}

/// A string literal that spans lines: re-indenting the statement would change it.
fn contains_multiline_string(text: &str, stmt: &Stmt) -> bool {
    struct Strings<'t> {
        text: &'t str,
        found: bool,
    }
    impl<'n> Visitor<'n> for Strings<'_> {
        fn visit_expr(&mut self, expr: &'n Expr) {
            if matches!(
                expr,
                Expr::StringLiteral(_)
                    | Expr::BytesLiteral(_)
                    | Expr::FString(_)
                    | Expr::TString(_)
            ) {
                let range = expr.range();
                self.found |= self.text[usize::from(range.start())..usize::from(range.end())]
                    .contains(['\n', '\r']);
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut strings = Strings { text, found: false };
    strings.visit_stmt(stmt);
    strings.found
}

/// One thing that happens in a body, in source order.
enum Event<'f, 'a> {
    SetStartMethod(&'f crate::facts::SetStartMethodCall),
    Fixer(&'f crate::facts::ContextFixer),
    Call(&'f crate::facts::CallEdge<'a>),
}

impl Event<'_, '_> {
    fn range(&self) -> TextRange {
        match self {
            Event::SetStartMethod(call) => call.range,
            Event::Fixer(fixer) => fixer.range,
            Event::Call(edge) => edge.range,
        }
    }
}

/// A `set_start_method()` that comes after the context is already fixed in
/// the same run of a body (a function, or the main guard): it raises in the parent.
pub fn check_second_calls(checker: &mut Checker) {
    let project = checker.project;
    let facts = &project.facts[checker.module];
    let mut finder = EffectFinder::new(project);
    let bodies = std::iter::once(&facts.main_only).chain(facts.functions.iter());
    for body in bodies {
        check_body(checker, &mut finder, body);
    }
}

fn check_body(checker: &mut Checker, finder: &mut EffectFinder, body: &BodyFacts) {
    let module = checker.module;
    let mut events: Vec<Event> = body
        .set_start_methods
        .iter()
        .map(Event::SetStartMethod)
        .chain(body.context_fixers.iter().map(Event::Fixer))
        .chain(body.calls.iter().map(Event::Call))
        .collect();
    if events.len() < 2 {
        return;
    }
    events.sort_by_key(|event| event.range().start());
    // Where the context got fixed, and how.
    let mut fixed: Option<(TextRange, String)> = None;
    for event in &events {
        match event {
            Event::SetStartMethod(call) => {
                if let Some((range, how)) = &fixed {
                    if !call.catches_runtime_error {
                        report_second(checker, call.range, Vec::new(), *range, how);
                    }
                } else if call.unconditional {
                    fixed = Some((
                        call.range,
                        format!(
                            "`set_start_method(\"{}\")` already set it here",
                            call.method
                        ),
                    ));
                }
            }
            Event::Fixer(fixer) => {
                if fixed.is_none() && fixer.unconditional {
                    fixed = Some((
                        fixer.range,
                        "this already fixed the default context".to_string(),
                    ));
                }
            }
            Event::Call(edge) => {
                if let Some((range, how)) = &fixed {
                    if !edge.catches_runtime_error {
                        if let Some(trace) =
                            finder.call_effect(module, &edge.target, Effect::SetStartMethod)
                        {
                            let related = checker.related(&trace);
                            report_second(checker, edge.range, related, *range, how);
                        }
                    }
                } else if edge.unconditional
                    && finder
                        .call_effect(module, &edge.target, Effect::FixContext)
                        .is_some()
                {
                    fixed = Some((
                        edge.range,
                        "this call already fixed the default context".to_string(),
                    ));
                }
            }
        }
    }
}

fn report_second(
    checker: &mut Checker,
    range: TextRange,
    mut related: Vec<Related>,
    first: TextRange,
    how: &str,
) {
    related.insert(
        0,
        Related {
            file: checker.file().clone(),
            range: first,
            message: how.to_string(),
        },
    );
    let message = "`set_start_method()` without `force=True` after the start method is already fixed: it raises \"RuntimeError: context has already been set\" in the parent".to_string();
    let diagnostic = checker.report(
        Rule::StartMethodAtImport,
        range,
        message,
        Some("set the start method once, first thing in the main guard, or use `ctx = multiprocessing.get_context(...)`".to_string()),
    );
    diagnostic.related = related;
    diagnostic.fails_under = Some(Methods::ALL);
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
